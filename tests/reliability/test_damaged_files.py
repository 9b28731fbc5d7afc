"""Every device state file × every kind of damage: the device starts, reports once, uses defaults.

The matrix: settings.json, admin.json, clock.json, joblog.json, email/token_cache.json,
email/signin.json and config.toml, each {empty, truncated, zero-filled, random bytes, wrong JSON
type, nested too deep, a directory} plus per-file out-of-range values. For each case
``Device(state_dir)`` must start, say what it found (every message renders), work (settings,
clock, login, a job, email status), and the next start must be quiet: the bad file was moved
aside, not left to fail again.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from device_model import Device
from device_model.storage import write_document
from tests.reliability.conftest import record_count

SERIAL = "X4ZB012345"
NEW_PASSWORD = "N3w-Passw0rd"
DEVICE_FILES = ("settings.json", "admin.json", "clock.json", "joblog.json", "email/token_cache.json",
                "email/signin.json")

Damage = Callable[[bytes], bytes]


def _doc(data: object, schema: int = 1) -> bytes:
    return json.dumps({"schema_version": schema, "data": data}).encode()


GENERIC: dict[str, Damage] = {
    "empty": lambda raw: b"",
    "truncated": lambda raw: raw[: len(raw) // 2],
    "zero-filled": lambda raw: b"\0" * max(len(raw), 1),
    "random-bytes": lambda raw: random.Random(len(raw)).randbytes(max(len(raw), 64)),
    "json-list": lambda raw: b"[]",
    "json-null": lambda raw: b"null",
    "json-string": lambda raw: b'"x"',
    "json-number": lambda raw: b"5",
    "data-list": lambda raw: _doc([]),
    "schema-huge": lambda raw: b'{"schema_version": 1' + b"0" * 5000 + b', "data": {}}',
    "nested-deep": lambda raw: b"[" * 100_000 + b"]" * 100_000,
    "nested-deep-data": lambda raw: b'{"schema_version": 1, "data": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001,
}


def _edit(path_in_data: tuple[str, ...], literal: str) -> Damage:
    """Set one value of the document's data to a raw JSON literal (Infinity, 1e999, 10**5000...)."""

    def damage(raw: bytes) -> bytes:
        doc = json.loads(raw)
        node = doc["data"]
        for key in path_in_data[:-1]:
            node = node[key] if not isinstance(node, list) else node[int(key)]
        marker = "@@VALUE@@"
        if isinstance(node, list):
            node[int(path_in_data[-1])] = marker
        else:
            node[path_in_data[-1]] = marker
        return json.dumps(doc).replace(json.dumps(marker), literal).encode()

    return damage


HUGE = "1" + "0" * 5000
OUT_OF_RANGE: dict[str, dict[str, Damage]] = {
    "settings.json": {
        "port-infinity": _edit(("email_server", "smtp_port"), "Infinity"),
        "port-1e999": _edit(("email_server", "smtp_port"), "1e999"),
        "port-huge-int": _edit(("network", "proxy_port"), HUGE),
        "ip-superscript": _edit(("network", "ip"), '"192.168.1.\\u00b2"'),
        "ip-arabic-indic": _edit(("network", "gateway"), '"\\u0661\\u0669\\u0662.\\u0661.\\u0661.\\u0661"'),
        "name-huge-int": _edit(("network", "device_name"), HUGE),
        "section-list": _edit(("basic",), "[1, 2]"),
        "timeout-negative": _edit(("basic", "operation_timeout_minutes"), "-5"),
    },
    "clock.json": {
        "offset-infinity": _edit(("offset_seconds",), "Infinity"),
        "offset-nan": _edit(("offset_seconds",), "NaN"),
        "offset-1e300": _edit(("offset_seconds",), "1e300"),
        "offset-huge-int": _edit(("offset_seconds",), HUGE),
        "offset-text": _edit(("offset_seconds",), '"soon"'),
    },
    "joblog.json": {
        "next-id-1e999": _edit(("next_id",), "1e999"),
        "next-id-negative": _edit(("next_id",), "-3"),
        "next-id-huge": _edit(("next_id",), HUGE),
        "log-object": _edit(("log",), "{}"),
        "entry-id-float": _edit(("log", "0", "id"), "1.5"),
        "entry-started-text": _edit(("log", "0", "started"), '"yesterday"'),
        "entry-code-huge": _edit(("log", "0", "code"), HUGE),
        "entry-status-bogus": _edit(("log", "0", "status"), '"exploded"'),
        "entry-started-year-9999": _edit(("log", "0", "started"), '"9999-12-31T23:00:00+00:00"'),
        "entry-finished-year-1": _edit(("log", "0", "finished"), '"0001-01-01T00:00:00+00:00"'),
        "entry-details-list": _edit(("log", "0", "details"), "[1]"),
    },
    "admin.json": {
        "failures-float": _edit(("failures",), "1e999"),
        "failures-huge-int": _edit(("failures",), HUGE),
        "scrypt-n-3": _edit(("password", "n"), "3"),
        "scrypt-n-2-40": _edit(("password", "n"), str(2**40)),
        "scrypt-r-0": _edit(("password", "r"), "0"),
        "scrypt-salt-not-hex": _edit(("password", "salt"), '"zz"'),
        "scrypt-hash-empty": _edit(("password", "hash"), '""'),
        "registered-text": _edit(("registered",), '"yes"'),
        "throttle-text": _edit(("throttled_until",), '"tomorrow"'),
    },
    "email/token_cache.json": {"cache-list": lambda raw: b"[]", "cache-null": lambda raw: b"null"},
}
#: Values that are odd but must be taken as they are (no report): a naive time (read as UTC),
#: a throttle in year 9999 (capped to the longest wait).
TOLERATED: dict[str, dict[str, Damage]] = {
    "admin.json": {
        "failures-1e10": _edit(("failures",), "10000000000"),  # clamped: the password stays
        "failures-negative": _edit(("failures",), "-1"),
        "throttle-naive": _edit(("throttled_until",), '"2026-03-02T09:30:00"'),
        "throttle-year-9999": _edit(("throttled_until",), '"9999-12-31T23:59:59+00:00"'),
    },
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A used device: settings changed, password changed, jobs logged, clock moved, signed in."""
    path = tmp_path_factory.mktemp("template")
    dev = Device(path)
    dev.update("email_server", smtp_server="smtp.office365.com", smtp_port=587, secure="starttls")
    dev.update("network", proxy_port=3128)
    dev.admin.change_password(SERIAL, NEW_PASSWORD)
    dev.jobs.record("print", "status sheet")
    dev.jobs.record("email", "a@b.lv", status="error", code=313, reply="535 5.7.139")
    dev.jobs.compact()  # joblog.json holds them (the journal is folded in at each start anyway)
    dev.clock.advance(timedelta(days=1))
    for _ in range(4):
        dev.admin.verify("wrong-one")  # a throttle on disk
    (path / "email").mkdir(mode=0o700)
    (path / "email" / "token_cache.json").write_text(
        json.dumps({"AccessToken": {}, "RefreshToken": {}, "IdToken": {}, "Account": {}, "AppMetadata": {}}))
    write_document(path / "email" / "signin.json", 1, {
        "service": "exchange_online", "account": "printer@contoso.example", "client_id": "x",
        "authority": "https://login.example/contoso", "committed_at": "2026-03-02T09:30:00+00:00",
        "last_token_at": "2026-03-02T09:30:00+00:00", "at_expires_at": "2026-03-02T10:30:00+00:00",
        "expired": False,
    })
    return path


def _cases() -> list[tuple[str, str, Damage, bool]]:
    cases = []
    for name in DEVICE_FILES:
        for label, damage in GENERIC.items():
            cases.append((name, label, damage, True))
        cases.append((name, "directory", None, True))
        for label, damage in OUT_OF_RANGE.get(name, {}).items():
            cases.append((name, label, damage, True))
        for label, damage in TOLERATED.get(name, {}).items():
            cases.append((name, label, damage, False))
    return cases


CASES = _cases()


def test_matrix_size() -> None:
    record_count("damaged-file cases", len(CASES) + len(CONFIG_CASES))
    assert len(CASES) > 100


@pytest.mark.parametrize(("name", "label", "damage", "reported"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_device_starts_on_a_damaged_file(template: Path, tmp_path: Path, name: str, label: str,
                                         damage: Damage | None, reported: bool) -> None:
    state = tmp_path / "state"
    shutil.copytree(template, state)
    target = state / name
    if damage is None:
        target.unlink()
        target.mkdir()
    else:
        target.write_bytes(damage(target.read_bytes()))

    dev = Device(state)
    problems = [dev.t(p) for p in dev.startup_problems]
    status = dev.email_server_status()  # creates the email client: reads signin.json + cache
    problems = [dev.t(p) for p in dev.startup_problems]
    if reported:
        assert problems, f"{name} {label}: nothing reported"
    else:
        assert problems == [], problems
    assert all(isinstance(p, str) and p and not p.startswith("device.problem") for p in problems)

    if name == "admin.json" and reported:
        assert dev.admin.failures == 0 and dev.admin.retry_after() == 0  # factory password again
        assert dev.admin.verify(SERIAL).ok

    # the device works
    assert dev.clock.now().year >= 2000
    t0 = time.perf_counter()
    res = dev.admin.login(NEW_PASSWORD)
    assert res.status in ("ok", "wrong", "throttled") and time.perf_counter() - t0 < 2
    if name == "admin.json" and not reported:
        assert res.status != "wrong", "the changed password must survive odd counters"
    assert 0 <= res.retry_after <= 600
    dev.jobs.record("print", "status sheet")
    dev.update("basic", language="lv")
    dev.format_datetime()
    for job in dev.jobs.log:  # what Job Status shows, in the furthest time zones
        for minutes in (-720, 840):
            dev.update("basic", time_difference_minutes=minutes)
            dev.format_datetime(job.started), job.finished and dev.format_datetime(job.finished)
    if name.startswith("email/") and reported:
        assert status.signin_state == "not_signed_in"

    # reported once: the next start is quiet
    again = Device(state)
    again.email_server_status()
    assert [again.t(p) for p in again.startup_problems] == []
    assert again.settings.basic.language == "lv"


CONFIG_CASES = [
    ("random-bytes", random.Random(1).randbytes(200)),
    ("zero-filled", b"\0" * 100),
    ("truncated", b'lang = "l'),
    ("cloud-ca-int", b"cloud_ca = 5\n"),
    ("cloud-url-table", b"[cloud_url]\nx = 1\n"),
    ("lang-list", b"lang = [1]\n"),
    ("no-mouse-text", b'no_mouse = "yes"\n'),
    ("nested-deep", b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n"),
    ("nul-in-path", b'cloud_ca = "a\\u0000b"\n'),
]


@pytest.mark.parametrize(("label", "content"), CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_config_toml_damage_is_a_clear_config_error(tmp_path: Path, label: str, content: bytes) -> None:
    from panel_tui.config import ConfigError, read_config_file

    (tmp_path / "config.toml").write_bytes(content)
    try:
        values = read_config_file(tmp_path)
    except ConfigError as exc:
        assert "config.toml" in str(exc)
    else:
        assert label == "nested-deep" and values == {}  # an unknown key: ignored


@pytest.mark.parametrize(("label", "damage"), list(GENERIC.items()), ids=list(GENERIC))
def test_panel_json_damage_means_no_address_to_offer(tmp_path: Path, label: str, damage: Damage) -> None:
    from panel_tui.scan.history import last_address, remember_address

    remember_address(tmp_path, "a@b.lv")
    path = tmp_path / "panel.json"
    path.write_bytes(damage(path.read_bytes()))
    assert last_address(tmp_path) == ""
    remember_address(tmp_path, "c@d.lv")
    assert last_address(tmp_path) == "c@d.lv"


@pytest.mark.parametrize("content", [b"[]", b"null", b'{"pid": "x"}', b'{"pid": -1}', b'{"pid": ' + b"9" * 5000 + b"}",
                                     b"[" * 100_000, b"\0" * 10])
def test_a_damaged_tenant_run_file_means_no_running_tenant(tmp_path: Path, content: bytes) -> None:
    from panel_tui.scenarios.environment import running_tenant_pid

    (tmp_path / "tenant").mkdir()
    (tmp_path / "tenant" / "run.json").write_bytes(content)
    assert running_tenant_pid(tmp_path) is None
