"""Shared knobs of the reliability suite (see README.md here).

``RELIABILITY_SCALE`` (default 1) multiplies every count: hypothesis examples and kill -9
rounds. CI runs the default, which keeps the whole suite well under a minute on 2 cores.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# the acceptance fixtures (installed panel-tui in a pty), for the one journey here
from tests.acceptance.conftest import home, launch, state_dir  # noqa: F401

SCALE = max(1, int(os.environ.get("RELIABILITY_SCALE", "1") or 1))
COUNTS_FILE = Path(os.environ.get("RELIABILITY_COUNTS", "")) if os.environ.get("RELIABILITY_COUNTS") else None


def record_count(name: str, value: int) -> None:
    """Print how many cases a test ran (``-s`` shows it) and append it to $RELIABILITY_COUNTS."""
    line = f"reliability: {name}: {value}"
    print(line)
    if COUNTS_FILE is not None:
        with COUNTS_FILE.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.reliability)
