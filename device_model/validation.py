"""Validation of settings changes, with the limits Epson documents (REFERENCE.md §1).

Surfaces hand over what the user typed, often as strings ("587"); :func:`validate_section`
coerces each value, checks every field (not just the first bad one, so each field can show its
own message), runs the cross-field checks, and either returns the new section or raises
:class:`ValidationError` with ``errors: dict[field, Msg]``. Nothing is saved on error.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from typing import Any, Callable, Mapping, TypeVar

from .email.profiles import normalize_service
from .field_checks import (
    check_length,
    check_ascii,
    check_ipv4,
    check_host_ip,
    check_subnet_mask,
    check_hostname,
    check_sender_address,
    check_device_name,
)
from .i18n import Msg
from .settings import (
    AUTH_METHODS,
    CONNECTIONS,
    DATE_FORMATS,
    EMAIL_SERVICES,
    LANGUAGES,
    NOTIFICATION_EVENTS,
    NOTIFICATION_SLOTS,
    SECTION_TYPES,
    SECURE_CONNECTIONS,
    TIME_FORMATS,
    NotificationSettings,
)
from .jsontypes import JsonObject


#: a settings section (a frozen dataclass); what goes in comes back changed
S = TypeVar("S")


class ValidationError(ValueError):
    """One or more fields are invalid; ``errors`` maps field name -> message (a ``Msg``)."""

    def __init__(self, errors: Mapping[str, Msg]) -> None:
        self.errors: dict[str, Msg] = dict(errors)
        super().__init__(", ".join(f"{k}: {v.key}" for k, v in self.errors.items()))


class _Invalid(Exception):
    def __init__(self, msg: Msg) -> None:
        self.msg = msg


# -- coercion -------------------------------------------------------------------------------

def _to_str(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _Invalid(Msg.of("validation.text"))
    if isinstance(value, int) and not -10**18 < value < 10**18:
        raise _Invalid(Msg.of("validation.text"))  # str() of a huge int raises (and is no text)
    return str(value)


def _to_stripped(value: object) -> str:
    return _to_str(value).strip()


def _to_int(value: object) -> int:
    if isinstance(value, bool):
        raise _Invalid(Msg.of("validation.integer"))
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]{1,9}\s*", value):
        return int(value)
    raise _Invalid(Msg.of("validation.integer"))


_TRUE = {"true", "on", "yes", "1", "enable", "enabled"}
_FALSE = {"false", "off", "no", "0", "disable", "disabled"}


def _to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _Invalid(Msg.of("validation.boolean"))


def _choice(choices: tuple[str, ...], *, optional: bool = False) -> Callable[[object], str | None]:
    def coerce(value: object) -> str | None:
        if optional and (value is None or value == ""):
            return None
        text = _to_stripped(value).lower().replace("-", "_").replace("/", "_").replace(".", "_")
        aliases = {"ssl": "ssl_tls", "tls": "ssl_tls"}
        text = aliases.get(text, text)
        if text not in choices:
            raise _Invalid(Msg.of("validation.choice", choices=", ".join(choices)))
        return text

    return coerce


def _service(value: object) -> str | None:
    """An email service id; its other spellings (``outlook.com``, ``exchange``) are the email
    profiles' aliases."""
    if value is None or value == "":
        return None
    text = _to_stripped(value).lower().replace("-", "_").replace("/", "_").replace(".", "_")
    try:
        return normalize_service(text)
    except ValueError:
        raise _Invalid(Msg.of("validation.choice", choices=", ".join(EMAIL_SERVICES))) from None


def _range(lo: int, hi: int) -> Callable[[int], Msg | None]:
    return lambda v: None if lo <= v <= hi else Msg.of("validation.range", min=lo, max=hi)


def _len_ascii(lo: int, hi: int) -> Callable[[str], Msg | None]:
    return lambda v: check_length(v, lo, hi) or check_ascii(v)


# (coercer, check) per field; check gets the coerced value and returns a Msg or None. The coerced
# value's type differs per field (str, int, bool, None), hence Any in the check's argument.
_Spec = tuple[Callable[[object], Any], Callable[[Any], Msg | None] | None]

FIELD_SPECS: dict[str, dict[str, _Spec]] = {
    "network": {
        "device_name": (_to_stripped, check_device_name),
        "connection": (_choice(CONNECTIONS), None),
        "dhcp": (_to_bool, None),
        # format checked whenever given; required/usable checked across fields when manual
        "ip": (_to_stripped, lambda v: check_ipv4(v, required=False)),
        "subnet_mask": (_to_stripped, lambda v: check_ipv4(v, required=False) and Msg.of("validation.subnet_mask")),
        "gateway": (_to_stripped, lambda v: check_ipv4(v, required=False)),
        "dns_auto": (_to_bool, None),
        "dns_primary": (_to_stripped, None),
        "dns_secondary": (_to_stripped, lambda v: check_ipv4(v, required=False)),
        "proxy_enabled": (_to_bool, None),
        "proxy_server": (_to_stripped, check_hostname),
        "proxy_port": (_to_int, _range(1, 65535)),
        "proxy_user": (_to_str, _len_ascii(0, 255)),
        "proxy_password": (_to_str, _len_ascii(0, 255)),
        "ipv6_enabled": (_to_bool, None),
        "smtp_timeout_s": (_to_int, _range(1, 120)),
    },
    "email_server": {
        "auth_method": (_choice(AUTH_METHODS), None),
        "email_service": (_service, None),
        "sender_address": (_to_stripped, check_sender_address),
        "smtp_server": (_to_stripped, check_hostname),
        "smtp_port": (_to_int, _range(1, 65535)),
        "secure": (_choice(SECURE_CONNECTIONS), None),
        "account": (_to_str, _len_ascii(0, 255)),
        "password": (_to_str, _len_ascii(0, 20)),
        "pop3_server": (_to_stripped, check_hostname),
        "pop3_port": (_to_int, _range(1, 65535)),
        "network": (_choice(("standard", "additional")), None),
    },
    # Fax > Fax Server > Email Server Settings: the Email Server's rules, plus where to forward
    "fax_server": {
        "auth_method": (_choice(("off", "smtp_auth", "oauth2")), None),
        "email_service": (_choice(EMAIL_SERVICES, optional=True), None),
        "sender_address": (_to_stripped, check_sender_address),
        "smtp_server": (_to_stripped, check_hostname),
        "smtp_port": (_to_int, _range(1, 65535)),
        "secure": (_choice(SECURE_CONNECTIONS), None),
        "account": (_to_str, _len_ascii(0, 255)),
        "password": (_to_str, _len_ascii(0, 20)),
        "forward_to": (_to_stripped, check_sender_address),
        "pop3_server": (_to_stripped, check_hostname),
        "pop3_port": (_to_int, _range(1, 65535)),
    },
    "basic": {
        "language": (_choice(LANGUAGES), None),
        "operation_timeout_on": (_to_bool, None),
        "operation_timeout_minutes": (_to_int, _range(1, 240)),
        "date_format": (_to_stripped, lambda v: None if v in DATE_FORMATS else Msg.of("validation.choice", choices=", ".join(DATE_FORMATS))),
        "time_format": (_choice(TIME_FORMATS), None),
        "time_difference_minutes": (_to_int, _range(-720, 840)),
        "trainer_hints": (_to_bool, None),
    },
    "admin": {
        "lock_setting": (_to_bool, None),
    },
    "scan": {
        "attached_file_max_size_mb": (_to_int, _range(1, 10)),
    },
    # Email Notification: the same address rules as the Sender's Email Address
    "notifications": {
        name: ((_to_stripped, check_sender_address) if name.startswith("address_") else (_to_bool, None))
        for name in (f.name for f in dataclasses.fields(NotificationSettings))
    },
}


def _cross_checks(section: str, new: Any) -> dict[str, Msg]:
    # Any: `new` is whichever section dataclass `section` names; each branch reads its own fields.
    errors: dict[str, Msg] = {}
    if section == "network":
        dns_manual = (not new.dhcp) or (not new.dns_auto)
        if not new.dhcp:
            for name, value in (("ip", new.ip), ("gateway", new.gateway)):
                err = check_host_ip(value, required=(name == "ip"))
                if err:
                    errors[name] = err
            err = check_subnet_mask(new.subnet_mask)
            if err:
                errors["subnet_mask"] = err
            if not errors and new.gateway:
                net = ipaddress.IPv4Network(f"{new.ip}/{new.subnet_mask}", strict=False)
                ip = ipaddress.IPv4Address(new.ip)
                if ip in (net.network_address, net.broadcast_address) and net.prefixlen < 31:
                    errors["ip"] = Msg.of("validation.ip_reserved")
                elif ipaddress.IPv4Address(new.gateway) not in net:
                    errors["gateway"] = Msg.of("validation.gateway_subnet")
                elif new.gateway == new.ip:
                    errors["gateway"] = Msg.of("validation.gateway_is_ip")
        if dns_manual:
            err = check_ipv4(new.dns_primary, required=False)
            if err:
                errors["dns_primary"] = err
        if new.proxy_enabled and not new.proxy_server:
            errors["proxy_server"] = Msg.of("validation.required")
    if section == "email_server":
        from .additional_network import check_email_network

        refused = check_email_network(new.auth_method, new.network)
        if refused is not None:
            errors["network"] = refused
    if section == "notifications":
        # an event ticked for an empty slot would silently go nowhere: ask for the address
        for n in range(1, NOTIFICATION_SLOTS + 1):
            # getattr: the slots are numbered fields (address_1 ... address_4, ..._1 ...)
            if not getattr(new, f"address_{n}") and any(getattr(new, f"{e}_{n}") for e in NOTIFICATION_EVENTS):
                errors[f"address_{n}"] = Msg.of("validation.required")
    return errors


def validate_section(section: str, current: S, changes: Mapping[str, object]) -> S:
    """Apply ``changes`` to ``current`` (a section dataclass) after coercing and checking them.

    Returns the new frozen section. Raises :class:`ValidationError` listing every bad field,
    including unknown field names (``validation.unknown_field``) and an unknown section
    (field ``"section"``).
    """
    if section not in SECTION_TYPES:
        raise ValidationError({"section": Msg.of("validation.unknown_section", section=section)})
    errors: dict[str, Msg] = {}
    coerced: JsonObject = {}
    for name, raw in changes.items():
        value, err = _check_field(section, name, raw)
        if err:
            errors[name] = err
        else:
            coerced[name] = value
    new = dataclasses.replace(current, **coerced)
    for name, msg in _cross_checks(section, new).items():
        errors.setdefault(name, msg)  # a field's own message wins over a cross-field one
    if errors:
        raise ValidationError(errors)
    return new


def _check_field(section: str, name: str, raw: object) -> tuple[object, Msg | None]:
    spec = FIELD_SPECS[section].get(name)
    if spec is None:
        return None, Msg.of("validation.unknown_field", field=name)
    coerce, check = spec
    try:
        value = coerce(raw)
    except _Invalid as exc:
        return None, exc.msg
    return value, (check(value) if check else None)


def section_from_dict(section: str, data: Mapping[str, object], default: S) -> tuple[S, dict[str, Msg]]:
    """Rebuild a section from stored JSON, keeping every valid field and defaulting the rest.

    Used on load: a stored value that no longer validates (hand-edited file, older version) is
    replaced by its default and reported, instead of making the whole device unusable. If the
    fields are fine one by one but not together (e.g. manual IP without an address), the whole
    section falls back to its defaults.
    """
    good: JsonObject = {}
    bad: dict[str, Msg] = {}
    for name, raw in data.items():
        if name not in FIELD_SPECS[section]:
            continue  # a field from another version: ignore
        value, err = _check_field(section, name, raw)
        if err:
            bad[name] = err
        else:
            good[name] = value
    result = dataclasses.replace(default, **good)
    cross = _cross_checks(section, result)
    if cross:
        bad.update(cross)
        result = default
    return result, bad
