"""How a panel is presented to a class: the student's own account, the guided mode, the key
overlay and the theme a trainer chose for the projector.

They come from the environment (``PANEL_TUI_*``) as well as from options: ``serve ssh`` and
``serve web`` start each student's panel with them set, and a variable reaches a panel under
textual-serve, under a pty and under ``panel-tui`` alike without another command line to parse.
"""

from __future__ import annotations

import os
from argparse import Namespace
from collections.abc import Mapping
from dataclasses import dataclass

ENV_STUDENT = "PANEL_TUI_STUDENT"
ENV_STUDENT_PASSWORD = "PANEL_TUI_STUDENT_PASSWORD"
ENV_GUIDED = "PANEL_TUI_GUIDED"
ENV_SHOW_KEYS = "PANEL_TUI_SHOW_KEYS"
ENV_THEME = "PANEL_TUI_THEME"

#: the themes a trainer may pick by name ("" keeps the panel's own)
THEMES = ("", "high-contrast")

_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class ClassOptions:
    """What a trainer set for one panel (all off: a panel on one's own)."""

    #: the student's own account in the class tenant (``ann@contoso.onmicrosoft.com``)
    student: str = ""
    #: its password (a simulation's, printed in the class's join line; not a secret)
    student_password: str = ""
    #: highlight the guide's next step in a line above the footer
    guided: bool = False
    #: show the last keys pressed at the right end of the key line (for a projector)
    show_keys: bool = False
    #: a registered theme's name, or "" for the panel's own
    theme: str = ""

    @classmethod
    def from_args(cls, args: Namespace) -> ClassOptions:
        """The trainer's aids from ``serve ssh|web`` options (``--guided``, ``--show-keys``,
        ``--theme``) for every student's panel."""
        return cls(guided=bool(args.guided), show_keys=bool(args.show_keys), theme=str(args.theme or ""))

    @classmethod
    def from_environ(cls, env: Mapping[str, str] | None = None) -> ClassOptions:
        """Read the ``PANEL_TUI_*`` variables; an unknown theme is ignored, not an error."""
        env = os.environ if env is None else env
        theme = env.get(ENV_THEME, "").strip().lower()
        return cls(
            student=env.get(ENV_STUDENT, "").strip(),
            student_password=env.get(ENV_STUDENT_PASSWORD, ""),
            guided=env.get(ENV_GUIDED, "").strip().lower() in _TRUE,
            show_keys=env.get(ENV_SHOW_KEYS, "").strip().lower() in _TRUE,
            theme=theme if theme in THEMES else "",
        )

    def environ(self) -> dict[str, str]:
        """The variables that give a child panel these options (only those that are set)."""
        env: dict[str, str] = {}
        if self.student:
            env[ENV_STUDENT] = self.student
            env[ENV_STUDENT_PASSWORD] = self.student_password
        if self.guided:
            env[ENV_GUIDED] = "1"
        if self.show_keys:
            env[ENV_SHOW_KEYS] = "1"
        if self.theme:
            env[ENV_THEME] = self.theme
        return env
