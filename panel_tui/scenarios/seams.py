"""What the scenarios engine needs of the tenant it drives, as types (no runtime imports).

The engine runs against ``cloud_sim.TenantHandle`` in-process, the panel's ``RemoteTenantAdmin``
over HTTPS (``--cloud``), or a test's stand-in: anything with these attributes will do. The
admin's answers are JSON (``dispatch`` returns what ``/_sim/admin/{op}`` answers), read by the
operation's own sentence in ``cloud_sim.operations``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Union

if TYPE_CHECKING:
    from cloud_sim.accounts import DefaultAccount
    from device_model import Device
    from device_model.email.signin import SignInAttempt
    from device_model.jobs import Job

#: a value a script or scenario hands the tenant's admin API or a device setting (from text, or
#: a scenario's literal)
ArgValue = Union[str, int, bool, None, Sequence[str]]


class TenantAdminLike(Protocol):
    """``cloud_sim.TenantAdmin`` or ``RemoteTenantAdmin``: one operation by name, and time travel."""

    def dispatch(self, name: str, args: Mapping[str, ArgValue]) -> object: ...

    def advance_clock(self, delta: dt.timedelta) -> dt.datetime: ...


class TenantLike(Protocol):
    """A running tenant: its sign-in URL, CA, published accounts and admin."""

    base_url: str
    ca_cert_path: Path | None
    accounts: Sequence[DefaultAccount]
    admin: TenantAdminLike


class SessionLike(Protocol):
    """What the checks and step handlers read of a run (``engine.Session``): its device and
    tenant, the newest sign-in attempt and job, and the accounts' passwords."""

    device: Device
    tenant: TenantLike
    attempt: SignInAttempt | None
    job: Job | None
    passwords: dict[str, str]
    mail_before: set[str] | None

    def upn(self, who: str) -> str: ...

    def password(self, upn: str) -> str: ...
