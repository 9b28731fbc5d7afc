"""Property tests over every settings field: any value gives a clean answer, and what is accepted
survives a restart unchanged.

Why properties: the fields take what people type (and what scripts and Web Config send), and the
failures that stopped the panel were values nobody thought of (``192.168.1.²``, Arabic-Indic
digits, integers of thousands of digits). Hypothesis tries those systematically.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from device_model import Device, FrozenClock
from device_model.i18n import Msg
from device_model.settings import SECTION_TYPES, section_fields
from device_model.field_checks import check_ipv4
from device_model.validation import ValidationError, validate_section
from tests.reliability.conftest import SCALE, record_count

#: Digits that str.isdigit() accepts but are not ASCII: superscripts, Arabic-Indic, Devanagari, fullwidth.
ODD_DIGITS = "²³¹٠١٢٣٤٥٦٧٨٩۴०१२３"

ip_like = st.lists(
    st.one_of(st.integers(0, 300).map(str), st.text(alphabet="0123456789" + ODD_DIGITS, min_size=0, max_size=4)),
    min_size=1, max_size=5,
).map(".".join)
number_text = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.text(alphabet="0123456789+- " + ODD_DIGITS, max_size=12),
    st.integers(min_value=10**20, max_value=10**200).map(str),
)
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**5000),  # str() of these raises in CPython
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["", " ", "on", "off", "yes", "0", "1", "smtp.office365.com", "a@b.lv",
                     "exchange-online", "ssl", "starttls", "oauth2", "lv", "12h", "dd.mm.yyyy",
                     "192.168.1.10", "255.255.255.0", "192.168.1.1", "printer-01"]),
    ip_like,
    number_text,
)
any_value = st.one_of(scalar, st.lists(scalar, max_size=3), st.dictionaries(st.text(max_size=5), scalar, max_size=2))

EXAMPLES = 80 * SCALE

valid_ip = st.tuples(st.integers(1, 223), st.integers(0, 255), st.integers(0, 255), st.integers(1, 254)).map(
    lambda t: ".".join(map(str, t)))
host = st.from_regex(r"\A[a-z][a-z0-9-]{0,10}(\.[a-z]{2,6}){1,2}\Z")
address = st.from_regex(r"\A[a-z0-9._%+-]{1,12}@[a-z0-9-]{1,10}\.[a-z]{2,4}\Z").filter(lambda a: not a.startswith("."))
ascii_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30)


def plausible(section: str, name: str) -> st.SearchStrategy[Any]:
    """Values a person or a script would really send for this field (most of them valid)."""
    from device_model.validation import FIELD_SPECS

    default = getattr(SECTION_TYPES[section](), name)
    if isinstance(default, bool):
        return st.one_of(st.booleans(), st.sampled_from(["on", "off", "yes", "no", "true", "0", "1"]))
    if isinstance(default, int):
        ints = st.one_of(st.integers(-5, 300), st.integers(-1000, 70000))
        return st.one_of(ints, ints.map(str), ints.map(lambda v: f" {v} "))
    if name in ("ip", "gateway", "dns_primary", "dns_secondary"):
        return valid_ip
    if name == "subnet_mask":
        return st.integers(8, 30).map(lambda n: ".".join(str((0xFFFFFFFF << (32 - n) >> s) & 255)
                                                           for s in (24, 16, 8, 0)))
    if name.endswith("server"):
        return st.one_of(host, valid_ip)
    if name == "device_name":
        return st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9-]{0,20}[A-Za-z0-9]\Z")
    if name.startswith("address_") or name == "sender_address":
        return st.one_of(address, st.just(""))
    coerce = FIELD_SPECS[section][name][0]
    choices = getattr(coerce, "__closure__", None)
    if choices:
        for cell in choices:
            if isinstance(cell.cell_contents, tuple):
                return st.sampled_from(cell.cell_contents)
    if name == "date_format":
        return st.sampled_from(["yyyy.mm.dd", "mm.dd.yyyy", "dd.mm.yyyy"])
    return ascii_text


def changes_for(section: str) -> st.SearchStrategy[dict[str, Any]]:
    fields = section_fields(section)
    return st.one_of(
        st.sampled_from(fields).flatmap(lambda f: plausible(section, f).map(lambda v: {f: v})),
        st.dictionaries(st.sampled_from(fields), any_value, min_size=1, max_size=4),
        st.sampled_from(fields).flatmap(
            lambda f: st.fixed_dictionaries({f: plausible(section, f)}, optional={
                g: st.one_of(plausible(section, g), any_value) for g in fields if g != f})),
    )


def _rendered(dev: Device, msg: Msg) -> str:
    text = dev.t(msg)
    assert isinstance(text, str) and text and text != msg.key, msg
    return text


@pytest.mark.parametrize("section", list(SECTION_TYPES))
def test_any_value_is_accepted_and_reloads_identically_or_refused_cleanly(section: str) -> None:
    counts = {"accepted": 0, "refused": 0}
    with tempfile.TemporaryDirectory() as tmp:
        dev = Device(Path(tmp), clock=FrozenClock())

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(changes=changes_for(section))
        def check(changes: dict[str, Any]) -> None:
            try:
                dev.update(section, **changes)
            except ValidationError as exc:
                assert exc.errors and set(exc.errors) <= set(section_fields(section)) | {"section"}
                for msg in exc.errors.values():
                    _rendered(dev, msg)
                counts["refused"] += 1
                return
            counts["accepted"] += 1
            again = Device(Path(tmp), clock=FrozenClock())
            assert again.startup_problems == []
            assert again.settings.section(section) == dev.settings.section(section)

        check()
    record_count(f"settings properties [{section}] accepted", counts["accepted"])
    record_count(f"settings properties [{section}] refused", counts["refused"])


@settings(max_examples=EXAMPLES * 3, deadline=None)
@given(value=st.one_of(ip_like, st.text(max_size=20)))
def test_ipv4_check_never_raises_and_accepts_only_ascii_dotted_quads(value: str) -> None:
    err = check_ipv4(value, required=False)
    if err is None and value:
        parts = value.split(".")
        assert len(parts) == 4 and all(p.isascii() and p.isdigit() and int(p) <= 255 for p in parts)


@pytest.mark.parametrize("value", ["192.168.1.²", "١٩٢.١٦٨.١.١", "192.168.1.１", "1" * 5000])
def test_ipv4_fields_refuse_odd_digits_cleanly(value: str) -> None:
    from device_model.settings import NetworkSettings

    for name in ("ip", "gateway", "dns_secondary", "subnet_mask"):
        with pytest.raises(ValidationError) as info:
            validate_section("network", NetworkSettings(), {name: value})
        assert name in info.value.errors


def test_huge_integers_are_refused_cleanly() -> None:
    from device_model.settings import EmailServerSettings, NetworkSettings

    with pytest.raises(ValidationError):
        validate_section("email_server", EmailServerSettings(), {"smtp_port": 10**5000, "account": 10**5000})
    with pytest.raises(ValidationError):
        validate_section("network", NetworkSettings(), {"proxy_port": "9" * 5000, "proxy_user": 10**5000})
