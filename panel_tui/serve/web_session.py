"""One browser session's panel: a new student dir ``students/web-<id>``, then the panel itself.

textual-serve starts this command once per browser session (a WebSocket), with the Textual web
driver in the environment; it picks the session's own state dir and replaces itself with
``python -m panel_tui`` (exec: one process per session, nothing between the panel and the
server's pipes).
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    root, cloud, ca, *extra = argv
    while extra[:1] == ["--env"] and len(extra) >= 2:  # the trainer's aids (PANEL_TUI_*=...)
        name, _, value = extra[1].partition("=")
        if name.startswith("PANEL_TUI_"):
            os.environ[name] = value
        extra = extra[2:]
    from device_model.storage import ensure_dir
    from panel_tui.serve.students import student_dir

    state_dir = student_dir(Path(root), f"web-{secrets.token_hex(4)}")
    ensure_dir(state_dir.parent)
    ensure_dir(state_dir)
    args = [sys.executable, "-m", "panel_tui", "--state-dir", str(state_dir), "--cloud", cloud,
            "--cloud-ca", ca, *extra]
    os.execv(sys.executable, args)
    return 2  # pragma: no cover - exec does not return


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
