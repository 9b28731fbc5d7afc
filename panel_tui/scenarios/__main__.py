"""``python -m panel_tui.scenarios list | run FILE | apply ID``."""

from __future__ import annotations

import sys

from panel_tui.scenarios.cli import main

if __name__ == "__main__":
    sys.exit(main())
