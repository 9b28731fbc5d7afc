"""Single-value checks with the limits Epson documents (REFERENCE.md §1).

Apart from the section rules (``validation.py``): Web Config and the admin keypad check one
field as it is typed, with the same words the save gives.
"""

from __future__ import annotations

import ipaddress
import re

from .i18n import Msg

_PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]*$")
_HOST_CHARS = re.compile(r"^[A-Za-z0-9.\-]*$")
_DEVICE_NAME = re.compile(r"^[A-Za-z0-9\-]*$")
_SENDER_FORBIDDEN = set(":()<>[];")
_ASCII_DIGITS = re.compile(r"[0-9]{1,3}")


def check_length(value: str, lo: int, hi: int) -> Msg | None:
    if not lo <= len(value) <= hi:
        if lo == 0:
            return Msg.of("validation.max_length", max=hi)
        return Msg.of("validation.length", min=lo, max=hi)
    return None


def check_ascii(value: str) -> Msg | None:
    """Single-byte printable ASCII (what Epson calls "ASCII" in its field limits)."""
    return None if _PRINTABLE_ASCII.match(value) else Msg.of("validation.ascii")


def check_ipv4(value: str, *, required: bool = True) -> Msg | None:
    """A dotted-quad IPv4 address (no leading zeros, each part 0–255)."""
    if not value:
        return Msg.of("validation.required") if required else None
    parts = value.split(".")
    # ASCII digits only: str.isdigit() also accepts "²" and Arabic-Indic digits, which int()
    # then refuses (or reads as a different address than the one shown)
    if len(parts) != 4 or not all(_ASCII_DIGITS.fullmatch(p) for p in parts):
        return Msg.of("validation.ipv4")
    if any(int(p) > 255 or (len(p) > 1 and p[0] == "0") for p in parts):
        return Msg.of("validation.ipv4")
    return None


def check_host_ip(value: str, *, required: bool = True) -> Msg | None:
    """An IPv4 address a device may use: not 0.x, loopback, multicast or broadcast."""
    err = check_ipv4(value, required=required)
    if err or not value:
        return err
    addr = ipaddress.IPv4Address(value)
    if addr.is_loopback or addr.is_multicast or addr.is_unspecified or value.startswith("0.") or (
        value == "255.255.255.255" or addr.is_reserved
    ):
        return Msg.of("validation.ip_reserved")
    return None


def check_subnet_mask(value: str) -> Msg | None:
    err = check_ipv4(value)
    if err:
        return err if err.key == "validation.required" else Msg.of("validation.subnet_mask")
    bits = int(ipaddress.IPv4Address(value))
    inverted = (~bits) & 0xFFFFFFFF
    # contiguous ones: inverted+1 is a power of two; 0.0.0.0 and 255.255.255.255 are not usable
    if bits == 0 or inverted == 0 or (inverted & (inverted + 1)) != 0:
        return Msg.of("validation.subnet_mask")
    return None


def check_hostname(value: str, *, lo: int = 0, hi: int = 255) -> Msg | None:
    """A server address: ``lo``–``hi`` of A–Z a–z 0–9 . - forming an IPv4 address or an FQDN."""
    err = check_length(value, lo, hi)
    if err:
        return err
    if not value:
        return None
    if not _HOST_CHARS.match(value):
        return Msg.of("validation.host_chars")
    if re.fullmatch(r"[0-9.]+", value):
        return None if check_ipv4(value) is None else Msg.of("validation.host_format")
    labels = value.rstrip(".").split(".")
    for label in labels:
        if not 1 <= len(label) <= 63 or label.startswith("-") or label.endswith("-"):
            return Msg.of("validation.host_format")
    if labels[-1].isdigit():
        return Msg.of("validation.host_format")
    return None


def check_sender_address(value: str) -> Msg | None:
    """Sender's Email Address: 0–255 ASCII except ``: ( ) < > [ ] ;``, not starting with "."."""
    err = check_length(value, 0, 255) or check_ascii(value)
    if err:
        return err
    if not value:
        return None
    bad = sorted(set(value) & _SENDER_FORBIDDEN)
    if bad:
        return Msg.of("validation.sender_chars", chars=" ".join(bad))
    if value.startswith("."):
        return Msg.of("validation.sender_leading_dot")
    if " " in value:
        return Msg.of("validation.sender_format")
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        return Msg.of("validation.sender_format")
    return None


def check_device_name(value: str) -> Msg | None:
    """Device Name: 2–53 of A–Z a–z 0–9 and "-", not starting or ending with "-" (a host name)."""
    if not 2 <= len(value) <= 53 or not _DEVICE_NAME.match(value):
        return Msg.of("validation.device_name")
    if value.startswith("-") or value.endswith("-"):
        return Msg.of("validation.device_name_hyphen")
    return None


def check_admin_password(value: str) -> Msg | None:
    """A new administrator password: 8–20 single-byte printable characters (no spaces at ends)."""
    if not 8 <= len(value) <= 20:
        return Msg.of("validation.password_length", min=8, max=20)
    if not re.fullmatch(r"[\x21-\x7e][\x20-\x7e]*[\x21-\x7e]", value):
        return Msg.of("validation.password_chars")
    return None
