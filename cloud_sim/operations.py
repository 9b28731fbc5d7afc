"""The tenant's admin operations, named once.

Every surface that changes the tenant by name reads this table: ``TenantAdmin.dispatch`` (behind
the ``/_sim/admin/{op}`` HTTP API and ``cloud-sim admin``), the panel's remote admin (which
turns ``TenantAdmin`` method calls into HTTP requests), and the testers' scenarios and scripts.
An operation's wire name, its arguments and their kinds, whether it only reads, a line of help
and the sentence a tester sees after it ran live here and nowhere else.

Importing this module costs nothing (no cloud_sim server code), so ``panel-tui scenarios list``
and the script parser may read it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any
from cloud_sim.jsontypes import JsonObject

#: a JSON argument as the admin API receives it (anything JSON can hold)
JsonValue = Any


class Kind(Enum):
    """How an argument is read from JSON (the CLI sends text, other clients any JSON)."""

    BOOL = "on|off"
    TRI = "on|off|None"  # None: follow the organization
    TEXT = "TEXT"
    USER = "USER"  # a user principal name; the scenarios accept a short one (``admin``)
    INT = "N"
    USERS = "all|USER,..."
    DURATION = "DURATION"  # 91d, 2h, 30m


_REQUIRED = object()


@dataclass(frozen=True)
class Param:
    """One argument: ``name`` on the wire, ``kwarg`` in the ``TenantAdmin`` method."""

    name: str
    kind: Kind
    kwarg: str = ""
    default: object = _REQUIRED

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED

    @property
    def keyword(self) -> str:
        return self.kwarg or self.name


def _on(value: object) -> str:
    return "on" if value else "off"


@dataclass(frozen=True)
class TenantOperation:
    """One admin operation: ``name`` is its wire name, ``method`` the ``TenantAdmin`` method."""

    name: str
    method: str
    params: tuple[Param, ...] = ()
    read_only: bool = False
    help: str = ""
    #: the sentence a tester reads after the change (scenarios, scripts), from the parsed
    #: arguments and ``dispatch``'s JSON answer
    says: Callable[[Mapping[str, JsonValue], JsonValue], str] | None = None
    #: what the JSON answer holds when the method returns a bare value
    wraps: str = ""

    def usage(self) -> str:
        return " ".join(f"{p.name}={p.kind.value}" if p.required else f"[{p.name}={p.kind.value}]"
                        for p in self.params)


def _smtp_for_mailbox(a: Mapping[str, JsonValue], _: JsonValue) -> str:
    value = a["value"]
    return f"SMTP AUTH for {a['upn']}: " + ("follows the organization" if value is None else _on(value))


def _ca_added(a: Mapping[str, JsonValue], result: JsonValue) -> str:
    what = ("blocks the device code flow at sign-in" if a["block_device_code_flow"]
            else "blocks token refresh")
    return (f"Conditional Access policy {a['name']!r} ({result['id']}) for {', '.join(a['users'])}: "
            f"{what}")


OPERATIONS: tuple[TenantOperation, ...] = (
    TenantOperation("state", "state", read_only=True, help="the tenant's settings, users and policies"),
    TenantOperation("users", "list_users", read_only=True, help="the users and their SMTP AUTH"),
    TenantOperation("reset", "reset_to_prepared",
                    help="switches back to the prepared preset (security defaults off, SMTP AUTH "
                         "on, no CA policies)",
                    says=lambda a, r: "security defaults off, SMTP AUTH on (printer mailbox on), "
                                      "no Conditional Access policies"),
    TenantOperation("default-passwords", "restore_default_passwords",
                    help="the default accounts' published passwords again (only changed ones; their sessions end)",
                    says=lambda a, r: f"{r['restored']} default passwords restored", wraps="restored"),
    TenantOperation("security-defaults", "set_security_defaults", (Param("enabled", Kind.BOOL),),
                    help="Entra ID's security defaults",
                    says=lambda a, r: f"security defaults {_on(a['enabled'])}"),
    TenantOperation("org-smtp-auth", "set_org_smtp_auth", (Param("enabled", Kind.BOOL),),
                    help="Set-TransportConfig -SmtpClientAuthenticationDisabled",
                    says=lambda a, r: f"SMTP AUTH for the organization {_on(a['enabled'])}"),
    TenantOperation("mailbox-smtp-auth", "set_mailbox_smtp_auth",
                    (Param("upn", Kind.USER), Param("value", Kind.TRI, default=None)),
                    help="one mailbox's SMTP AUTH (None: follow the organization)",
                    says=_smtp_for_mailbox),
    TenantOperation("public-client-flows", "set_public_client_flows", (Param("enabled", Kind.BOOL),),
                    help="the app's 'Allow public client flows'",
                    says=lambda a, r: f"public client flows {_on(a['enabled'])}"),
    TenantOperation("message-size-limit", "set_message_size_limit", (Param("size", Kind.INT),),
                    help="Exchange's message size limit in bytes",
                    says=lambda a, r: f"message size limit {a['size']} bytes"),
    TenantOperation("ca-add", "add_conditional_access_policy",
                    (Param("name", Kind.TEXT), Param("users", Kind.USERS, default=("all",)),
                     Param("block_device_code_flow", Kind.BOOL, default=False)),
                    help="a Conditional Access policy (blocks token refresh, or the device code flow)",
                    says=_ca_added, wraps="id"),
    TenantOperation("ca-remove", "remove_conditional_access_policy",
                    (Param("id", Kind.TEXT, kwarg="policy_id"),), help="remove one policy"),
    TenantOperation("ca-clear", "clear_conditional_access",
                    help="remove every Conditional Access policy",
                    says=lambda a, r: f"removed {r} Conditional Access policies"),
    TenantOperation("ca-list", "conditional_access_policies", read_only=True,
                    help="the Conditional Access policies"),
    TenantOperation("consent-grant", "grant_admin_consent",
                    (Param("client_id", Kind.TEXT, default=None),),
                    help="admin consent for the printer app",
                    says=lambda a, r: "admin consent granted for the printer app"),
    TenantOperation("consent-revoke", "revoke_admin_consent",
                    (Param("client_id", Kind.TEXT, default=None),),
                    help="withdraw every consent for the printer app",
                    says=lambda a, r: "every consent for the printer app withdrawn"),
    TenantOperation("revoke-sessions", "revoke_sessions", (Param("upn", Kind.USER),),
                    help="the user's refresh tokens stop working",
                    says=lambda a, r: f"sessions of {a['upn']} revoked (refresh tokens stop working)"),
    TenantOperation("set-password", "set_password",
                    (Param("upn", Kind.USER), Param("password", Kind.TEXT)),
                    help="a new password (revokes the user's refresh tokens)",
                    says=lambda a, r: f"password of {a['upn']} changed (its refresh tokens stop working)"),
    TenantOperation("advance", "advance_clock", (Param("duration", Kind.DURATION, kwarg="delta"),),
                    help="time travel: move the tenant's clock forward", wraps="now"),
    TenantOperation("now", "now", read_only=True, help="the tenant's time", wraps="now"),
    TenantOperation("mail-list", "mail_list", (Param("mailbox", Kind.USER, kwarg="upn", default=None),),
                    read_only=True, help="delivered mail"),
    TenantOperation("mail-summary", "mail_summary", read_only=True,
                    help="every mailbox and when mail last landed in it (nothing read)"),
    TenantOperation("mail-page", "mail_page",
                    (Param("mailbox", Kind.USER, kwarg="upn"), Param("offset", Kind.INT, default=0),
                     Param("limit", Kind.INT, default=50)),
                    read_only=True, help="one page of a mailbox, newest first"),
    TenantOperation("password-cost", "set_password_cost", (Param("n", Kind.INT),),
                    help="scrypt's N for passwords set from now on (a power of two, 1024-1048576)",
                    says=lambda a, r: f"passwords set from now on are hashed with scrypt N={a['n']}"),
    TenantOperation("relay-start", "relay_start",
                    help="a mail relay on this machine with its own CA (STARTTLS, no authentication); "
                         "it comes back when the tenant restarts",
                    says=lambda a, r: f"relay on {r['host']}:{r['port']} (STARTTLS, its own CA {r['ca_cert_path']})"),
    TenantOperation("relay-stop", "relay_stop", help="stop the relay", says=lambda a, r: "relay stopped"),
    TenantOperation("relay", "relay_state", read_only=True, help="the relay: running, port, its CA"),
    TenantOperation("signing-keys", "signing_keys", read_only=True,
                    help="the token signing keys (kid, created, retired)"),
    TenantOperation("rotate-signing-key", "rotate_signing_key",
                    help="key rollover: a new signing key; the old one stays published for a grace period"),
)

BY_NAME: Mapping[str, TenantOperation] = {op.name: op for op in OPERATIONS}
BY_METHOD: Mapping[str, TenantOperation] = {op.method: op for op in OPERATIONS}
#: operations that only read: they never take the state dir's lock
READ_ONLY: frozenset[str] = frozenset(op.name for op in OPERATIONS if op.read_only)
#: what testers may change from a scenario or script (the changing operations that explain
#: themselves with a sentence)
SCENARIO_OPS: tuple[TenantOperation, ...] = tuple(op for op in OPERATIONS if op.says is not None)


def operation(name: str) -> TenantOperation:
    """The operation by wire name; KeyError (a 404 on the wire) for an unknown one."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown admin operation: {name}") from None


def wire_args(method: str, kwargs: Mapping[str, JsonValue]) -> tuple[str, JsonObject]:
    """A ``TenantAdmin`` call as the admin API's operation and JSON arguments (the remote admin)."""
    op = BY_METHOD[method]
    by_kwarg = {p.keyword: p.name for p in op.params}
    return op.name, {by_kwarg[k]: v for k, v in kwargs.items()}


# -- reading arguments ---------------------------------------------------------------------------

def parse_bool(value: JsonValue) -> bool:
    """An on/off argument as the admin CLI and HTTP API take it (also the scenarios' parser)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "on", "yes", "enabled"):
        return True
    if text in ("0", "false", "off", "no", "disabled"):
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _text(name: str, value: JsonValue) -> str:
    """A number, list or object where text belongs is a clean 400 (the CLI sends strings;
    JSON from elsewhere may send anything)."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {type(value).__name__}")
    return value


def _int(name: str, value: JsonValue) -> int:
    """A whole number (a JSON number or its text); Infinity, NaN, 1e400 and lists are 400s."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{name} must be a whole number")
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (ValueError, OverflowError):
        number = None
    if number is None or abs(number) > 2**53:
        raise ValueError(f"{name} must be a whole number")
    return number


def _users(value: JsonValue) -> tuple[str, ...]:
    users = value or ("all",)
    if isinstance(users, str):
        users = (users,)
    if not isinstance(users, (list, tuple)) or not all(isinstance(u, str) for u in users):
        raise ValueError("users must be a list of user names")
    return tuple(users)


def _read(param: Param, value: JsonValue) -> object:
    from cloud_sim.clock import parse_duration  # here: the table itself stays import-free

    if param.kind is Kind.BOOL:
        return parse_bool(value)
    if param.kind is Kind.TRI:
        follows = value is None or str(value).strip().lower() in ("none", "default", "org", "inherit")
        return None if follows else parse_bool(value)
    if param.kind is Kind.INT:
        return _int(param.name, value)
    if param.kind is Kind.USERS:
        return _users(value)
    if param.kind is Kind.DURATION:
        return parse_duration(_text(param.name, value))
    return _text(param.name, value)


def parse_args(op: TenantOperation, args: Mapping[str, JsonValue]) -> dict[str, object]:
    """The operation's arguments read from JSON, by wire name; ValueError names a bad one."""
    out: dict[str, object] = {}
    for p in op.params:
        value = args.get(p.name)
        if value is None and p.kind is not Kind.TRI:
            if p.required:
                raise ValueError(f"missing argument: {p.name}")
            out[p.name] = p.default
            continue
        if value is None and p.required:
            raise ValueError(f"missing argument: {p.name}")
        out[p.name] = _read(p, value)
    return out


def keywords(op: TenantOperation, parsed: Mapping[str, object]) -> dict[str, object]:
    """Parsed wire arguments as the ``TenantAdmin`` method's keyword arguments."""
    return {p.keyword: parsed[p.name] for p in op.params}
