"""Network faults of the simulated tenant (cloud_sim.faults): parsing and bookkeeping, and
the device's identity timeout that makes a hung identity platform a finite wait."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from cloud_sim.faults import SMTP_TEMPORARY, FaultError, Faults, parse_fault


@pytest.mark.parametrize("words,expected", [
    (["latency", "smtp", "3000"], ("latency", {"endpoint": "smtp", "ms": 3000})),
    (["reset", "token", "200"], ("reset", {"endpoint": "token", "bytes": 200})),
    (["hang", "IDP"], ("hang", {"endpoint": "idp"})),
    (["idp-down"], ("idp-down", {})),
    (["smtp", "451"], ("smtp", {"code": 451})),
    (["clear"], ("clear", {})),
])
def test_parse_fault(words: list[str], expected: tuple[str, dict[str, object]]) -> None:
    assert parse_fault(words) == expected


@pytest.mark.parametrize("words,message", [
    ([], "usage: fault latency"),
    (["latency", "moon", "3"], "unknown endpoint 'moon'"),
    (["latency", "smtp", "-3"], "the latency (ms) is a whole number"),
    (["smtp", "550"], "fault smtp takes 421 or 451"),
    (["hang"], "usage:"),
    (["flood"], "unknown fault 'flood'"),
])
def test_parse_fault_refuses_with_a_reason(words: list[str], message: str) -> None:
    with pytest.raises(FaultError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_fault(words)


def test_smtp_temporary_failure_counts_down_and_clear_lets_hung_connections_go() -> None:
    faults = Faults()
    faults.set("smtp", {"code": 451, "times": 2})
    assert faults.list() == [{"kind": "smtp", "code": 451, "times": 2}]
    assert faults.smtp_mail() == SMTP_TEMPORARY[451]
    assert faults.smtp_mail() == SMTP_TEMPORARY[451]
    assert faults.smtp_mail() is None and faults.list() == []
    faults.set("idp-down", {})
    held = threading.Thread(target=faults.hold)
    held.start()
    faults.clear()
    held.join(timeout=2)
    assert not held.is_alive() and faults.list() == []
    assert faults.dispatch("faults", {}) == []
    with pytest.raises(ValueError, match="unknown fault"):
        faults.dispatch("fault-set", {"kind": "flood"})


def test_faults_are_kept_in_the_store_until_cleared() -> None:
    """A tenant started again on the same store has the faults its last run had (a scenario
    applied before the panel opens); ``release`` (the tenant stops) keeps them, ``clear`` does
    not, a fault's remaining --times carry over, and a damaged saved entry is dropped."""
    saved: dict[str, object] = {}

    class Store:
        def get(self, key: str, default: object = None) -> object:
            return saved.get(key, default)

        def put(self, key: str, value: object) -> None:
            saved[key] = value

    first = Faults(Store())
    first.set("hang", {"endpoint": "smtp"})
    first.set("smtp", {"code": 451, "times": 2})
    assert first.smtp_mail() == SMTP_TEMPORARY[451]
    first.release()
    assert first.list() == []
    second = Faults(Store())
    assert second.list() == [{"kind": "hang", "endpoint": "smtp"}, {"kind": "smtp", "code": 451, "times": 1}]
    second.clear()
    assert Faults(Store()).list() == []
    saved["network_faults"] = [{"kind": "flood"}, {"kind": "latency", "endpoint": "smtp", "ms": 5}, "junk"]
    assert Faults(Store()).list() == [{"kind": "latency", "endpoint": "smtp", "ms": 5}]


def test_the_device_gives_up_on_an_identity_platform_that_never_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    from device_model.email import signin

    monkeypatch.setattr(signin, "IDENTITY_TIMEOUT", 0.5)
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    try:
        session = signin.make_http_session(_Profile())  # type: ignore[arg-type]
        start = time.monotonic()
        with pytest.raises(TimeoutError):
            session.get(f"http://127.0.0.1:{port}/organizations/v2.0/.well-known/openid-configuration")
        assert time.monotonic() - start < 5
    finally:
        server.close()


class _Profile:
    ca_path = None


def test_a_fault_in_words_counts_like_a_person() -> None:
    faults = Faults()
    assert faults.set("smtp", {"code": 421, "times": 1}).endswith("closing transmission channel (once)")
    assert faults.set("smtp", {"code": 451, "times": 3}).endswith("try again later. (3 times)")
    assert faults.set("smtp", {"code": 451}).endswith("Please try again later.")
