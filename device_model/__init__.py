"""The emulated Epson printer: settings, admin lock, network status, jobs, error catalog.

No Textual, no panel, no simulated tenant here (import-linter contract): the device is usable
from scripts and tests alone. See docs/CONTRACTS.md for the seams.
"""

from __future__ import annotations

from .admin import AdminError, AdminLock, LoginResult
from .clock import Clock, FrozenClock
from .device import Device, DeviceEvent
from .errors import ERROR_CODES, ErrorCatalog, ErrorEntry
from .i18n import Catalog, Msg, languages, translate
from .jobs import Job, JobLog
from .network import EmailServerStatus, NetworkStatus, StatusRow
from .profile import DeviceProfile
from .settings import Settings
from .validation import ValidationError

__all__ = [
    "AdminError",
    "AdminLock",
    "Catalog",
    "Clock",
    "Device",
    "DeviceEvent",
    "DeviceProfile",
    "ERROR_CODES",
    "EmailServerStatus",
    "ErrorCatalog",
    "ErrorEntry",
    "FrozenClock",
    "Job",
    "JobLog",
    "LoginResult",
    "Msg",
    "NetworkStatus",
    "Settings",
    "StatusRow",
    "ValidationError",
    "languages",
    "translate",
]
