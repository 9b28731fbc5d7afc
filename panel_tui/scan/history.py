"""The Scan to Email address last used, kept in the state dir as a panel offers it again.

A panel-side file (``panel.json``), not a device setting: remembering an address is no
settings change (it must not send a "settings changed" notification) and no Web Config item.
A missing or damaged file just means no address to offer.
"""

from __future__ import annotations

from pathlib import Path

from device_model.storage import load_document, write_document

FILE = "panel.json"
SCHEMA_VERSION = 1


def _path(state_dir: Path) -> Path:
    return Path(state_dir) / FILE


def _load(state_dir: Path) -> dict[str, object]:
    try:
        result = load_document(_path(state_dir), SCHEMA_VERSION, kind="panel")
    except OSError:
        return {}
    return dict(result.data) if isinstance(result.data, dict) else {}


def last_address(state_dir: Path) -> str:
    """The address the last Scan to Email was sent to ("" when none)."""
    value = _load(state_dir).get("scan_last_to", "")
    return value if isinstance(value, str) else ""


def remember_address(state_dir: Path, address: str) -> None:
    """Keep `address` for the next Scan to Email (best effort: a read-only dir is no error)."""
    data = _load(state_dir)
    if data.get("scan_last_to") == address:
        return
    data["scan_last_to"] = address
    try:
        write_document(_path(state_dir), SCHEMA_VERSION, data)
    except OSError:
        pass
