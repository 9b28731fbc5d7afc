"""The scenarios' step vocabulary: what a tester would do, as small frozen records.

Each step says *what* happens (sign in, flip a tenant switch, let 91 days pass, change a
setting, scan to email); the engine (:mod:`panel_tui.scenarios.engine`) does it through the real
stack, the script parser (:mod:`panel_tui.scenarios.script`) reads it from a file, and the
catalog (:mod:`panel_tui.scenarios.catalog`) strings steps into scenarios. Kept apart from the
catalog so that the engine and the parser know the words without the list of scenarios; the
catalog hands the same names on (``catalog.SignIn("admin")``, as docs/SCENARIOS.md shows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from device_model.settings import EMAIL_SERVICE_DEFAULTS
from panel_tui.scenarios.expectations import (
    ExpectJob,
    ExpectMail,
    ExpectPanel,
    ExpectReply,
    ExpectSignIn,
    ExpectStatus,
)
from panel_tui.scenarios.seams import ArgValue

#: the mailbox scenarios send to (a default account of the simulated tenant)
DEFAULT_TO = "user@contoso.onmicrosoft.com"

#: a settings value replaced at run time by a loopback port nothing listens on (error 313)
FREE_PORT = "free-port"

#: what the device is set to by :class:`Baseline` (guide steps 4-5: OAuth2, Exchange Online)
_SERVER, _PORT, _SECURE = EMAIL_SERVICE_DEFAULTS["exchange_online"]
BASELINE_EMAIL_SERVER: Mapping[str, ArgValue] = {
    "auth_method": "oauth2",
    "email_service": "exchange_online",
    "smtp_server": _SERVER,
    "smtp_port": _PORT,
    "secure": _SECURE,
    "sender_address": "",
}
BASELINE_SCAN: Mapping[str, ArgValue] = {"attached_file_max_size_mb": 10}


def _fmt_args(args: Mapping[str, ArgValue]) -> str:
    parts = []
    for k, v in args.items():
        if k == "password":
            v = "********"
        elif isinstance(v, bool):
            v = "on" if v else "off"
        parts.append(f"{k}={v}")
    return " ".join(parts)


@dataclass(frozen=True)
class Baseline:
    """Tenant switches back to the prepared preset; device signed out, OAuth2 + Exchange Online."""

    def describe(self) -> str:
        return "baseline"


@dataclass(frozen=True)
class SignIn:
    """Web Config "Sign in with Microsoft", the browser part as ``account``, then OK if ``commit``."""

    account: str = "admin"
    commit: bool = True
    accept: bool = True
    #: a refused sign-in is an outcome to check (``ExpectSignIn``), not an error that stops
    may_fail: bool = False

    def describe(self) -> str:
        extra = "" if self.commit else " --no-commit"
        extra += "" if self.accept else " --decline"
        extra += " --may-fail" if (self.may_fail and self.accept) else ""
        return f"sign-in {self.account}{extra}"


@dataclass(frozen=True)
class Commit:
    """Web Config's OK for the pending sign-in (guide step 12)."""

    def describe(self) -> str:
        return "commit (Web Config OK)"


@dataclass(frozen=True)
class SignOut:
    """Forget the device's sign-in."""

    def describe(self) -> str:
        return "sign-out"


@dataclass(frozen=True)
class Tenant:
    """One tenant admin operation (``cloud_sim.operations``); user names may be short (``admin``).

    ``words``: the script line's words after ``tenant`` (a password masked), echoed as written
    (``tenant revoke-sessions admin``, not ``upn=admin``); a step built in Python has none and
    shows its arguments."""

    op: str
    args: Mapping[str, ArgValue] = field(default_factory=dict)
    words: str = field(default="", compare=False)

    def describe(self) -> str:
        if self.words:
            return f"tenant {self.words}"
        rest = _fmt_args(self.args)
        return f"tenant {self.op}" + (f" {rest}" if rest else "")


@dataclass(frozen=True)
class Advance:
    """Time travel: move the tenant's clock, the device's clock, or (default) both."""

    days: float = 0
    hours: float = 0
    minutes: float = 0
    tenant: bool = True
    device: bool = True

    def describe(self) -> str:
        amount = " ".join(f"{_num(v)}{u}" for v, u in ((self.days, "d"), (self.hours, "h"), (self.minutes, "m")) if v)
        which = "both clocks" if (self.tenant and self.device) else ("tenant clock" if self.tenant else "device clock")
        return f"advance {amount or '0m'} ({which})"


@dataclass(frozen=True)
class Settings:
    """``Device.update(section, **values)``; ``FREE_PORT`` as a value picks a closed loopback port."""

    section: str
    values: Mapping[str, ArgValue] = field(default_factory=dict)

    def describe(self) -> str:
        return f"set {self.section} {_fmt_args(self.values)}"


@dataclass(frozen=True)
class SendScan:
    """Scan to Email with the sample document (a job in Job Status).

    ``dpi`` and ``pages`` set the attachment's size (Resolution, number of pages) and
    ``max_size_mb`` Scan Settings > Attached File Max Size first, so the printer's own 314
    (the attachment too large, nothing sent) can be scripted as well as the server's.
    """

    to: str = DEFAULT_TO
    dpi: int | None = None
    pages: int = 1
    max_size_mb: int | None = None

    def describe(self) -> str:
        extra = f" --dpi {self.dpi}" if self.dpi else ""
        extra += f" --pages {self.pages}" if self.pages != 1 else ""
        extra += f" --size {self.max_size_mb}" if self.max_size_mb is not None else ""
        return f"scan-to-email {self.to}{extra}"


@dataclass(frozen=True)
class ReceiveFax:
    """A fax arrives (the sample) and the Fax Server forwards it by email (a Fax job)."""

    def describe(self) -> str:
        return "receive-fax"


# the guide's compatible-models pages (p. 5, p. 9): a Print Admin Serverless user's own sign-in
# and To Email, and a setting the printer must refuse (OAuth2 on the additional network); the
# engine carries them out in panel_tui.scenarios.guide_handlers


@dataclass(frozen=True)
class PasSignOut:
    """Every Print Admin Serverless user forgets their sign-in (the PAS part of a baseline)."""

    def describe(self) -> str:
        return "pas sign-out"


@dataclass(frozen=True)
class PasSignIn:
    """PAS user ``user`` (ID) picks To Email and signs in on Microsoft's pages as ``account``;
    ``org`` ticks "Consent on behalf of your organization" (the administrator, guide p. 9)."""

    user: str
    account: str
    org: bool = False
    #: a refused sign-in ("Need admin approval") is an outcome to check, not an error that stops
    may_fail: bool = False

    def describe(self) -> str:
        extra = " --org" if self.org else ""
        extra += " --may-fail" if self.may_fail else ""
        return f"pas sign-in {self.user} {self.account}{extra}"


@dataclass(frozen=True)
class PasSend(SendScan):
    """PAS user ``user`` sends a scan with To Email (their own sign-in and From address)."""

    to: str = DEFAULT_TO
    user: str = ""

    def describe(self) -> str:
        return f"pas to-email {self.user} {self.to}"


@dataclass(frozen=True)
class SettingsRefused:
    """``Device.update(section, **values)`` must be refused (the check passes when it is)."""

    section: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        return " ".join(["expect refused", *(f"{self.section}.{k} {v}" for k, v in self.values.items())])


@dataclass(frozen=True)
class Relay:
    """The tenant's mail relay with its own CA (STARTTLS, no authentication; ``cloud_sim.relay``,
    running until stopped), and the Email Server set to it; its CA is not trusted until imported."""

    def describe(self) -> str:
        return "relay start"


@dataclass(frozen=True)
class RelayStop:
    """The tenant's relay stops (the Email Server still points at it: 313, nothing listens)."""

    def describe(self) -> str:
        return "relay stop"


@dataclass(frozen=True)
class ImportRelayCa:
    """Network Security > CA Certificate: import the relay's CA certificate (its PEM file)."""

    def describe(self) -> str:
        return "ca import relay"


@dataclass(frozen=True)
class DeleteRelayCa:
    """Network Security > CA Certificate: Delete the relay's CA certificate (313 again)."""

    def describe(self) -> str:
        return "ca delete relay"


@dataclass(frozen=True)
class Fault:
    """A network fault of the simulated tenant (see ``cloud_sim.faults``); ``kind`` "clear"
    removes every fault."""

    kind: str
    args: Mapping[str, ArgValue] = field(default_factory=dict)

    def describe(self) -> str:
        rest = _fmt_args(self.args)
        return f"fault {self.kind}" + (f" {rest}" if rest else "")


Step = Union[Baseline, SignIn, Commit, SignOut, Tenant, Advance, Settings, SendScan, ReceiveFax, ExpectJob,
             ExpectStatus, ExpectSignIn, ExpectReply, ExpectPanel, ExpectMail, Fault]


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def tenant(op: str, **args: ArgValue) -> Tenant:
    """``tenant("security-defaults", enabled=True)``: a :class:`Tenant` step."""
    return Tenant(op, dict(args))


def fault(kind: str, **args: ArgValue) -> Fault:
    """``fault("latency", endpoint="smtp", ms=1500)``: a :class:`Fault` step (cloud_sim.faults)."""
    return Fault(kind, dict(args))


def settings(section: str, **values: ArgValue) -> Settings:
    """``settings("email_server", smtp_port=2525)``: a :class:`Settings` step."""
    return Settings(section, dict(values))
