"""Shared fixtures for integration tests: a real simulated tenant on loopback.

``tenant``: the prepared preset, 1 s device-code interval, stopped after the test.
``tenant_factory(preset=..., name=..., **kw)``: start more (or restart on the same state dir).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from cloud_sim import TenantHandle, start_tenant


@pytest.fixture
def tenant_factory(tmp_path: Path) -> Iterator[Callable[..., TenantHandle]]:
    started: list[TenantHandle] = []

    def make(preset: str = "prepared", name: str = "tenant", **kw: Any) -> TenantHandle:
        kw.setdefault("device_code_interval", 1)
        h = start_tenant(tmp_path / name, preset=preset, **kw)
        started.append(h)
        return h

    yield make
    for h in started:
        h.stop()


@pytest.fixture
def tenant(tenant_factory: Callable[..., TenantHandle]) -> TenantHandle:
    return tenant_factory()


@pytest.fixture
def fresh_tenant(tenant_factory: Callable[..., TenantHandle]) -> TenantHandle:
    return tenant_factory(preset="fresh", name="fresh")
