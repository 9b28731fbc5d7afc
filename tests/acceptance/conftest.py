"""Fixtures for acceptance journeys: installed console scripts in a fresh home, at 80×24.

Each journey gets an empty HOME and state dir, so it starts as a new user on a new machine does.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.acceptance.terminal import BIN, Terminal

Launch = Callable[..., Terminal]


def user_env(home: Path, *, term: str = "xterm-256color", lang: str = "C.UTF-8", **extra: str) -> dict[str, str]:
    """The environment of a person's login shell: their HOME, a terminal type and a locale."""
    env = {
        "HOME": str(home),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "TERM": term,
        "LANG": lang,
        "LC_ALL": lang,
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CONFIG_HOME": str(home / ".config"),
    }
    env.update(extra)
    return env


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def launch(home: Path, state_dir: Path) -> Iterator[Launch]:
    """Start an installed console script in a terminal: `launch("panel-tui", "--lang", "lv")`.

    `--state-dir` is added for panel-tui unless given; `term=`, `lang=`, `cols=`, `rows=` and
    `env=` set up the terminal. Every program started is closed (killed if it hangs) afterwards.
    """
    started: list[Terminal] = []

    def _launch(
        script: str,
        *args: str,
        term: str = "xterm-256color",
        lang: str = "C.UTF-8",
        cols: int = 80,
        rows: int = 24,
        env: dict[str, str] | None = None,
        state: Path | None = None,
    ) -> Terminal:
        argv = [str(BIN / script), *args]
        if script == "panel-tui" and "--state-dir" not in args and (not args or args[0] != "scenarios"):
            argv += ["--state-dir", str(state or state_dir)]
        terminal = Terminal(argv, env=user_env(home, term=term, lang=lang, **(env or {})), cols=cols, rows=rows, cwd=home)
        started.append(terminal)
        return terminal

    yield _launch
    for terminal in started:
        terminal.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything here is an acceptance journey (`-m acceptance` runs only these)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.acceptance)
