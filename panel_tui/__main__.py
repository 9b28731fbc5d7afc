"""`python -m panel_tui` runs the same entry point as the `panel-tui` script."""

from __future__ import annotations

import sys

from panel_tui.cli import main

if __name__ == "__main__":
    sys.exit(main())
