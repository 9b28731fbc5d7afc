"""The device's change notice, kept apart from the device so its parts can take one in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeviceEvent:
    """Something changed. ``kind``: "settings" (detail: section), "admin" (login, logout, timeout,
    lock, password), "jobs" (job id), "clock" (offset seconds), "signin" (email client),
    "problem" (a Msg)."""

    kind: str
    #: what changed: a section name, a job id, seconds, a sign-in snapshot (a dict) or a Msg
    detail: object = None
