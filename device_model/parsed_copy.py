"""Package TOML files parsed once per install, kept as JSON beside them as bytecode is.

Why: importing ``tomllib`` and running its parser costs ~0.6 MiB of resident memory (its
regular expressions and parser code) and a few milliseconds, at every start and before the
panel's first frame, for files that change only with an upgrade: the message catalogs and the
device-model catalogue. Like Python's bytecode cache, the parsed value is written to
``__pycache__`` (or under ``sys.pycache_prefix``), checked against each file's name, size and
mtime, and written only when Python may write bytecode. Any problem with the copy just means
parsing the files as before; a copy is never trusted over the files it came from.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def copy_path(folder: Path, name: str) -> Path:
    """Where the parsed copy of ``folder``'s files called ``name`` lives."""
    if sys.pycache_prefix:
        return Path(sys.pycache_prefix, *folder.resolve().parts[1:], f"{name}.json")
    return folder / "__pycache__" / f"{name}.json"


def signature(paths: list[Path]) -> list[list[str | int]]:
    """Name, size and mtime of each file: what makes a copy stale, as for bytecode."""
    sig: list[list[str | int]] = []
    for path in paths:
        st = path.stat()
        sig.append([path.name, st.st_size, st.st_mtime_ns])
    return sig


def read(folder: Path, name: str, paths: list[Path]) -> object | None:
    """The parsed value kept for exactly these files, or None (missing, stale or unreadable)."""
    try:
        data = json.loads(copy_path(folder, name).read_bytes())
        if data["signature"] == signature(paths):
            return data["value"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def write(folder: Path, name: str, paths: list[Path], value: object) -> None:
    """Keep ``value`` (JSON-able) as the parsed copy of ``paths``; silently skipped where Python
    may not write bytecode or cannot write there (a read-only install parses at every start)."""
    if sys.dont_write_bytecode or not paths:
        return
    target = copy_path(folder, name)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"signature": signature(paths), "value": value}), "utf-8")
        os.replace(tmp, target)
    except (OSError, TypeError, ValueError):  # TypeError/ValueError: a value JSON cannot hold
        try:
            tmp.unlink()
        except OSError:
            pass
