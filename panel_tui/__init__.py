"""panel-tui: an Epson printer control-panel emulator (Textual).

Nothing is imported here on purpose: `panel-tui --version` must not pay for Textual.
"""

from __future__ import annotations

__version__ = "0.1.0"
