"""Profiles (real vs simulated endpoints), the token store's files, redaction, catalogs."""

from __future__ import annotations

import json
import logging
import os
import stat
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from device_model.clock import FrozenClock
from device_model.email.token_store import TokenStore
from device_model.email import EmailServiceProfile, normalize_service, profiles_from_tenant
from device_model.email import signin as S
from device_model.email.redact import RedactingFilter, redact_mapping, redact_text, remember_secret
from device_model.i18n import Catalog


def test_real_microsoft_profiles() -> None:
    p = EmailServiceProfile.microsoft("client-1")
    assert p.authority == "https://login.microsoftonline.com/organizations"
    assert (p.smtp_host, p.smtp_port, p.secure) == ("smtp.office365.com", 587, "starttls")
    assert p.ca_path is None and dict(p.host_map) == {} and p.instance_discovery
    o = p.for_service("outlook.com")
    assert o.authority.endswith("/consumers") and o.smtp_host == "smtp-mail.outlook.com"
    t = EmailServiceProfile.microsoft("client-1", tenant="contoso.com")
    assert t.authority.endswith("/contoso.com")
    assert t.for_service("outlook_com").tenant == "consumers"  # a tenant applies to Exchange only
    assert t.for_service("outlook_com").for_service("exchange_online").tenant == "contoso.com"


def test_simulated_profile_from_a_tenant_handle() -> None:
    h = SimpleNamespace(base_url="https://127.0.0.1:4443", ca_cert_path="/x/ca.pem", client_id="cid",
                        smtp_host="127.0.0.1", smtp_port=2587)
    p = EmailServiceProfile.from_tenant(h)
    assert p.authority == "https://127.0.0.1:4443/organizations" and not p.instance_discovery
    assert p.smtp_host == "smtp.office365.com"  # what the user sees stays Microsoft's
    assert p.mapped("smtp.office365.com", 587) == ("127.0.0.1", 2587)
    assert p.mapped("example.org", 587) is None
    both = profiles_from_tenant(h)
    assert both["outlook_com"].authority.endswith("/consumers")
    same = EmailServiceProfile.simulated(base_url=h.base_url, smtp_port=2587, client_id="cid", ca_cert_path="/x/ca.pem")
    assert same == p


def test_http_authority_is_refused() -> None:
    with pytest.raises(ValueError):
        EmailServiceProfile.simulated(base_url="http://127.0.0.1:80", smtp_port=1, client_id="c", ca_cert_path="x")


def test_service_names() -> None:
    assert normalize_service("exchange-online") == "exchange_online"
    assert normalize_service("Outlook.com") == "outlook_com"
    with pytest.raises(ValueError):
        normalize_service("gmail")


def test_http_session_trusts_only_the_profile_ca() -> None:
    p = EmailServiceProfile.simulated(base_url="https://127.0.0.1:1", smtp_port=1, client_id="c", ca_cert_path="/x/ca.pem")
    s = S.make_http_session(p)
    assert s._ca_path == "/x/ca.pem" and s.timeout == S.IDENTITY_TIMEOUT
    assert S.make_http_session(EmailServiceProfile.microsoft("c"))._ca_path is None  # the system's store


# -- the token store ---------------------------------------------------------------------------


class _Cache:
    has_state_changed = True

    def serialize(self) -> str:
        return json.dumps({"RefreshToken": {"k": {"secret": "rt-very-secret"}}})


def _committed(tmp_path: Path) -> tuple[TokenStore, FrozenClock]:
    clock = FrozenClock()
    profile = EmailServiceProfile.microsoft("cid")
    store = TokenStore(tmp_path / "state")
    attempt = S.SignInAttempt(service="exchange_online", profile=profile, clock=clock, cache=_Cache())
    attempt.state, attempt.account, attempt._token_expires_in = S.SIGNED_IN, "admin@contoso.com", 3600
    store.commit(attempt, clock.now())
    return store, clock


def test_commit_writes_owner_only_files_without_secrets_in_meta(tmp_path: Path) -> None:
    store, clock = _committed(tmp_path)
    assert stat.S_IMODE(os.stat(store.dir).st_mode) == 0o700
    for p in (store.cache_path, store.meta_path):
        assert stat.S_IMODE(os.stat(p).st_mode) == 0o600
    assert "rt-very-secret" not in store.meta_path.read_text()
    st = store.status(clock.now())
    assert (st.state, st.account, st.service) == ("signed_in", "admin@contoso.com", "exchange_online")
    again = TokenStore(tmp_path / "state")  # survives a restart
    assert again.status(clock.now()).state == "signed_in"


def test_status_and_staleness_follow_the_device_clock(tmp_path: Path) -> None:
    store, clock = _committed(tmp_path)
    assert not store.access_token_stale(clock.now())
    clock.advance(timedelta(minutes=56))
    assert store.access_token_stale(clock.now())
    clock.advance(timedelta(days=91))
    assert store.status(clock.now()).state == "expired"
    store.note_token(clock.now(), 3600)
    assert store.status(clock.now()).state == "signed_in"
    store.mark_expired()
    assert store.status(clock.now()).state == "expired"


def test_uncommitted_attempt_cannot_be_saved(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "state")
    attempt = S.SignInAttempt(service="exchange_online", profile=EmailServiceProfile.microsoft("c"), clock=FrozenClock())
    with pytest.raises(ValueError):
        store.commit(attempt, FrozenClock().now())
    assert store.status(FrozenClock().now()).state == "not_signed_in"


def test_corrupt_files_are_moved_aside(tmp_path: Path) -> None:
    store, clock = _committed(tmp_path)
    store.cache_path.write_text("{not json")
    assert store.read_cache_text() is None
    assert store.problems and store.problems[0].key == "device.problem.corrupt_file"
    assert list(store.dir.glob("token_cache.json.corrupt-*"))
    assert store.status(clock.now()).state == "not_signed_in"
    store.meta_path.write_text("garbage")
    fresh = TokenStore(tmp_path / "state")
    assert fresh.problems and fresh.status(clock.now()).state == "not_signed_in"


def test_sign_out_deletes_the_cache(tmp_path: Path) -> None:
    store, clock = _committed(tmp_path)
    store.clear()
    assert not store.cache_path.exists() and not store.meta_path.exists()
    assert store.status(clock.now()).state == "not_signed_in"


# -- redaction ---------------------------------------------------------------------------------


def test_redact_text_masks_shapes_and_known_values() -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJ1cG4iOiJhZG1pbkBjb250b3NvLmNvbSJ9.c2lnbmF0dXJlLXBhcnQ"
    remember_secret("opaque-refresh-0123")
    text = (f"auth=Bearer {jwt} refresh_token=opaque-refresh-0123 password=Hunter2-long "
            "AUTH XOAUTH2 dXNlcj1hZG1pbkBjb250b3NvLmNvbQFhdXRoPUJlYXJlciB4eHgBAQ== 535 5.7.3 AADSTS700082")
    out = redact_text(text)
    for secret in (jwt, "opaque-refresh-0123", "Hunter2-long", "dXNlcj1hZG1pbkBjb250b3NvLmNvbQ"):
        assert secret not in out
    assert "535 5.7.3" in out and "AADSTS700082" in out


def test_redact_mapping() -> None:
    d = {"access_token": "a" * 30, "nested": [{"refresh_token": "r" * 30}], "expires_in": 3600, "device_code": "dc"}
    out = redact_mapping(d)
    assert out["access_token"] == "[redacted]" and out["nested"][0]["refresh_token"] == "[redacted]"
    assert out["expires_in"] == 3600 and out["device_code"] == "[redacted]"


def test_logging_filter() -> None:
    record = logging.LogRecord("msal", logging.DEBUG, __file__, 1, "token %s", ("access_token=abcdefgh123",), None)
    RedactingFilter().filter(record)
    assert "abcdefgh123" not in record.getMessage()


# -- messages ----------------------------------------------------------------------------------


def test_email_catalog_is_complete_in_both_languages() -> None:
    catalog = Catalog()
    en = catalog.files("en")["email.toml"]
    lv = catalog.files("lv")["email.toml"]
    assert set(en) == set(lv)
    from device_model.i18n import placeholders

    for key in en:
        assert placeholders(en[key]) == placeholders(lv[key]), key
