"""The device's email through the real stack: msal over HTTPS and aiosmtplib over STARTTLS +
XOAUTH2 against the simulated tenant, the sign-in completed by posting its HTML forms.

Nothing is patched. Each troubleshooting case of the guide is reached through the device and
asserted by the job's code, the panel message and the server reply kept in the job.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import stat
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from cloud_sim import TenantHandle
from device_model.device import Device
from device_model.email import EmailServiceProfile

from .email_helpers import USER, account, complete_in_browser, make_device, sign_in

pytestmark = pytest.mark.integration

GUIDE_360 = "To use this feature, you must sign in to your email service. Please contact your administrator."


@pytest.fixture
def signed_in(tenant: TenantHandle, tmp_path: Path) -> tuple[TenantHandle, Device]:
    dev = make_device(tenant, tmp_path / "device")
    sign_in(dev, tenant)
    return tenant, dev


def panel(dev: Device, code: int) -> str:
    entry = dev.errors.get(code)
    assert entry.panel_message is not None
    return dev.t(entry.panel_message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the happy path ---------------------------------------------------------------------------


async def test_signed_in_but_not_saved_gives_360_then_ok_sends(tenant: TenantHandle, tmp_path: Path) -> None:
    dev = make_device(tenant, tmp_path / "device")
    events: list[Any] = []
    dev.subscribe(events.append)
    attempt = sign_in(dev, tenant, commit=False)
    admin = account(tenant, "admin").username
    assert attempt.account == admin
    assert dev.email.status().state == "not_signed_in"  # finished, but not the printer's yet

    job = await dev.email.scan_to_email(USER)
    assert (job.status, job.code) == ("error", 360)
    assert panel(dev, 360) == GUIDE_360
    assert tenant.admin.messages(USER) == []

    dev.email.commit_sign_in(attempt)  # Web Config OK (guide step 12)
    st = dev.email.status()
    assert (st.state, st.account, st.service) == ("signed_in", admin, "exchange_online")
    assert dev.email_server_status().signin_state == "signed_in"

    job = await dev.email.scan_to_email(USER)
    assert job.status == "completed", job
    assert job.reply.startswith("250 ")
    assert job.kind == "scan_to_email" and job.destination == USER
    assert dev.jobs.log[0].id == job.id and dev.jobs.active == []
    (msg,) = tenant.admin.messages(USER)
    assert msg["From"] == admin
    (pdf,) = list(msg.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_payload(decode=True).startswith(b"%PDF-")

    kinds = [e.kind for e in events]
    assert "signin" in kinds and "jobs" in kinds
    states = [e.detail.get("state") for e in events if e.kind == "signin" and isinstance(e.detail, dict)]
    assert "waiting" in states and "signed_in" in states


async def test_sender_address_setting_is_used_as_from(tenant: TenantHandle, tmp_path: Path) -> None:
    printer = account(tenant, "printer").username
    dev = make_device(tenant, tmp_path / "device", sender_address=printer)
    sign_in(dev, tenant, "printer")
    job = await dev.email.send(USER, "Hello", "Body text")
    assert job.status == "completed", job
    (msg,) = tenant.admin.messages(USER)
    assert msg["From"] == printer and msg["Subject"] == "Hello"


async def test_valid_cached_token_makes_no_identity_request(signed_in: tuple[TenantHandle, Device]) -> None:
    tenant, dev = signed_in
    before = dev.email.identity_requests.count
    for _ in range(3):
        job = await dev.email.scan_to_email(USER)
        assert job.status == "completed", job
    assert dev.email.identity_requests.count == before
    assert len(tenant.admin.messages(USER)) == 3


async def test_cached_token_is_read_on_the_loop_and_the_job_is_on_disk_on_return(
    signed_in: tuple[TenantHandle, Device], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sends after the first take the access token from msal's cache without a worker thread
    (the same token msal hands out), and a finished job is in the persisted log on return."""
    tenant, dev = signed_in
    slow: list[bool] = []
    real = type(dev.email)._acquire_token

    def counting(self: Any, force_refresh: bool = False) -> str:
        slow.append(force_refresh)
        return real(self, force_refresh)

    monkeypatch.setattr(type(dev.email), "_acquire_token", counting)
    for _ in range(3):
        job = await dev.email.scan_to_email(USER)
        assert job.status == "completed", job
        on_disk = json.loads((dev.state_dir / "joblog.journal").read_text().splitlines()[-1])["job"]
        assert (on_disk["id"], on_disk["status"], on_disk["reply"]) == (job.id, "completed", job.reply)
    assert slow == [False]  # only the first send went through msal in a thread
    assert dev.email._cached_token() == real(dev.email)  # what msal itself hands out
    dev.clock.advance(timedelta(hours=2))  # the device clock says: refresh (msal's wall clock would not)
    assert dev.email._cached_token() is None
    dev.clock.advance(timedelta(hours=-2))
    assert dev.email._cached_token() is not None
    dev.email.sign_out()
    assert dev.email._cached_token() is None


async def test_expired_access_token_5_7_3_is_refreshed_once_and_sent(signed_in: tuple[TenantHandle, Device]) -> None:
    """Only the tenant's clock moves: msal and the device think the token is fresh, Exchange says
    535 5.7.3; the device refreshes once (force_refresh) and the retry goes through."""
    tenant, dev = signed_in
    cache_before = (dev.state_dir / "email" / "token_cache.json").read_bytes()
    tenant.admin.advance_clock(timedelta(hours=2))
    before = dev.email.identity_requests.count
    job = await dev.email.scan_to_email(USER)
    assert job.status == "completed", job
    assert dev.email.identity_requests.count == before + 1  # exactly one refresh
    # the rotated refresh token was persisted
    assert (dev.state_dir / "email" / "token_cache.json").read_bytes() != cache_before


async def test_device_clock_says_expired_forces_refresh(signed_in: tuple[TenantHandle, Device]) -> None:
    """Time travel on both clocks: msal reads wall time and would use the cached token; the device
    clock decides force_refresh, so no 5.7.3 round trip is needed."""
    tenant, dev = signed_in
    tenant.admin.advance_clock(timedelta(hours=2))
    dev.clock.advance(timedelta(hours=2))
    before = dev.email.identity_requests.count
    job = await dev.email.scan_to_email(USER)
    assert job.status == "completed", job
    assert dev.email.identity_requests.count == before + 1


# -- the troubleshooting cases -----------------------------------------------------------------


async def test_91_days_without_sending_gives_361(signed_in: tuple[TenantHandle, Device]) -> None:
    tenant, dev = signed_in
    tenant.admin.advance_clock(timedelta(days=91))
    dev.clock.advance(timedelta(days=91))
    job = await dev.email.scan_to_email(USER)
    assert (job.status, job.code) == ("error", 361)
    assert "AADSTS700082" in job.reply
    assert "expired" in panel(dev, 361).lower()
    assert dev.email.status().state == "expired"
    assert dev.email_server_status().signin_state == "expired"
    assert dev.t(dev.email_server_status().signin_label) == "Expired"  # the guide's word for 361


async def test_revoked_sessions_give_370(signed_in: tuple[TenantHandle, Device]) -> None:
    tenant, dev = signed_in
    tenant.admin.revoke_sessions(account(tenant, "admin").username)
    job = await dev.email.scan_to_email(USER)
    assert (job.status, job.code) == ("error", 370)
    assert "AADSTS50173" in job.reply
    assert panel(dev, 370) == "You need to sign in to the cloud service again."
    # Web Config must offer Sign In again rather than claim "Signed in", and say the guide's
    # words for 370 ("sign in again"), not 361's "Expired"
    assert dev.email.status().state == "expired"
    assert dev.t(dev.email_server_status().signin_label) == "Sign in again"


async def test_conditional_access_now_blocking_gives_370(signed_in: tuple[TenantHandle, Device]) -> None:
    """A CA policy bites when the token is next refreshed (here: two hours later)."""
    tenant, dev = signed_in
    tenant.admin.add_conditional_access_policy("Block printers")
    tenant.admin.advance_clock(timedelta(hours=2))
    dev.clock.advance(timedelta(hours=2))
    job = await dev.email.scan_to_email(USER)
    assert (job.status, job.code) == ("error", 370)
    assert "AADSTS53003" in job.reply


async def test_conditional_access_while_the_token_is_valid_gives_370_at_once(
    signed_in: tuple[TenantHandle, Device],
) -> None:
    """Exchange says only "did not meet the criteria" (535 5.7.139) while the access token is
    valid; the device refreshes the token once, Entra ID refuses it (AADSTS53003): 370."""
    tenant, dev = signed_in
    tenant.admin.add_conditional_access_policy("Block printers")
    job = await dev.email.scan_to_email(USER)
    assert (job.status, job.code) == ("error", 370)
    assert "AADSTS53003" in job.reply
    assert tenant.admin.messages(USER) == []


async def test_password_changed_gives_370(signed_in: tuple[TenantHandle, Device]) -> None:
    tenant, dev = signed_in
    tenant.admin.set_password(account(tenant, "admin").username, "Changed-Passw0rd-2026")
    job = await dev.email.scan_to_email(USER)
    assert (job.status, job.code) == ("error", 370)


@pytest.mark.parametrize(
    ("switch", "reply_part"),
    [
        ("org", "SmtpClientAuthentication is disabled for the Tenant"),
        ("mailbox", "SmtpClientAuthentication is disabled for the Mailbox"),
        ("security_defaults", "security defaults policy"),
    ],
)
async def test_smtp_auth_off_or_security_defaults_give_312_with_reply(
    signed_in: tuple[TenantHandle, Device], switch: str, reply_part: str
) -> None:
    tenant, dev = signed_in
    if switch == "org":
        tenant.admin.set_org_smtp_auth(False)
    elif switch == "mailbox":
        tenant.admin.set_mailbox_smtp_auth(account(tenant, "admin").username, False)
    else:
        tenant.admin.set_security_defaults(True)
    job = await dev.email.scan_to_email(USER)
    assert (job.status, job.code) == ("error", 312)
    assert job.reply.startswith("535 5.7.139 Authentication unsuccessful")
    assert reply_part in job.reply
    assert dev.t(dev.errors.get(312).status)  # the catalog explains it


async def test_smtp_auth_login_refused_gives_312(tenant: TenantHandle, tmp_path: Path) -> None:
    """SMTP AUTH (basic) against Exchange: only XOAUTH2 is accepted."""
    dev = make_device(tenant, tmp_path / "device", auth_method="smtp_auth", account=account(tenant, "admin").username,
                      password=account(tenant, "admin").password, sender_address=account(tenant, "admin").username)
    job = await dev.email.send(USER, "s", "b")
    assert (job.status, job.code) == ("error", 312), job
    assert account(tenant, "admin").password not in json.dumps(job.to_dict())


async def test_closed_port_gives_313(signed_in: tuple[TenantHandle, Device]) -> None:
    tenant, dev = signed_in
    port = free_port()
    dev.update("email_server", smtp_server="127.0.0.1", smtp_port=port)
    job = await dev.email.scan_to_email(USER)
    assert (job.status, job.code) == ("error", 313)
    assert job.reply == ""  # nothing answered: the printer's finding says so, in its language
    assert job.note is not None and job.note.key == "email.job.refused"
    assert str(port) in dev.t(job.note)


async def test_ssl_tls_against_a_starttls_port_gives_313(signed_in: tuple[TenantHandle, Device]) -> None:
    tenant, dev = signed_in
    dev.update("email_server", secure="ssl_tls")  # Exchange speaks STARTTLS on 587
    job = await dev.email.scan_to_email(USER)
    assert (job.status, job.code) == ("error", 313)
    assert job.reply == ""  # no server said anything: the printer's finding, localized
    assert "SSL/TLS" in dev.t(job.note) and "587" in dev.t(job.note)


async def test_unknown_host_gives_311(signed_in: tuple[TenantHandle, Device]) -> None:
    tenant, dev = signed_in
    dev.update("email_server", smtp_server="smtp.contoso-nonexistent.example")
    job = await dev.email.scan_to_email(USER)
    assert (job.status, job.code) == ("error", 311)
    assert job.reply == ""
    assert job.note is not None and "smtp.contoso-nonexistent.example" in dev.t(job.note)


async def test_empty_smtp_server_with_oauth2_fails_not_set_instead_of_a_silent_default(
        signed_in: tuple[TenantHandle, Device]) -> None:
    """A tester who clears SMTP Server Address (OK accepts it: 0-255 characters) sees the job
    fail, saying the address is empty; no mail goes to a server the settings do not hold."""
    tenant, dev = signed_in
    dev.update("email_server", smtp_server="")
    job = await dev.email.scan_to_email(USER)
    assert job.status == "error", job
    assert job.note is not None and "SMTP Server Address is empty" in dev.t(job.note), job
    assert "server" not in job.details, job.details


async def test_attachment_over_limit_gives_314(signed_in: tuple[TenantHandle, Device]) -> None:
    tenant, dev = signed_in
    dev.update("scan", attached_file_max_size_mb=1)
    job = await dev.email.send(USER, "big", "see attachment", [("big.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 1))])
    assert (job.status, job.code) == ("error", 314)
    assert job.reply == ""  # the printer refused it itself: no server reply to show
    assert job.note is not None and "Attached File Max Size" in dev.t(job.note)
    assert tenant.admin.messages(USER) == []


async def test_server_size_limit_gives_314(signed_in: tuple[TenantHandle, Device]) -> None:
    tenant, dev = signed_in
    tenant.admin.set_message_size_limit(1500)
    job = await dev.email.scan_to_email(USER)
    assert (job.status, job.code) == ("error", 314)
    assert job.reply.startswith("552 5.3.4")  # the server's own refusal, verbatim
    assert job.note is None


# -- sign-in states ---------------------------------------------------------------------------


def test_cancel_stops_the_wait(tenant: TenantHandle, tmp_path: Path) -> None:
    dev = make_device(tenant, tmp_path / "device")
    attempt = dev.email.begin_sign_in("exchange_online")
    assert attempt.user_code and attempt.verification_uri == tenant.verification_uri
    assert attempt.expires_at > dev.clock.now()
    result: list[str] = []
    t = threading.Thread(target=lambda: result.append(attempt.wait()))
    t.start()
    time.sleep(0.2)  # let msal start polling
    attempt.cancel()
    t.join(5)
    assert not t.is_alive()
    assert result == ["cancelled"] and attempt.state == "cancelled"
    assert attempt._poller is not None
    attempt._poller.join(3)  # msal checks exit_condition between one-second sleeps
    assert not attempt._poller.is_alive()
    with pytest.raises(ValueError):
        dev.email.commit_sign_in(attempt)
    assert dev.email.status().state == "not_signed_in"


def test_code_expires(tenant_factory: Any, tmp_path: Path) -> None:
    h = tenant_factory(name="short", device_code_expires_in=2)
    dev = make_device(h, tmp_path / "device")
    attempt = dev.email.begin_sign_in("exchange_online")
    assert attempt.wait(timeout=30) == "expired"
    assert attempt.error is not None and attempt.error.key == "email.signin.expired"


def test_conditional_access_block_during_sign_in_gives_guide_advice(tenant: TenantHandle, tmp_path: Path) -> None:
    tenant.admin.add_conditional_access_policy("Block device code flow", block_device_code_flow=True)
    dev = make_device(tenant, tmp_path / "device")
    attempt = dev.email.begin_sign_in("exchange_online")
    t, browser = complete_in_browser(tenant, attempt)
    state = attempt.wait(timeout=30)
    t.join(10)
    assert browser.pages and browser.pages[-1].error_code == 53003
    assert state == "failed" and attempt.aad_code == 53003
    text = dev.t(attempt.error)
    assert "Conditional Access policies in Entra ID" in text


def test_declined_consent_fails(tenant: TenantHandle, tmp_path: Path) -> None:
    dev = make_device(tenant, tmp_path / "device")
    attempt = dev.email.begin_sign_in("exchange_online")
    t, _ = complete_in_browser(tenant, attempt, accept=False)
    assert attempt.wait(timeout=30) == "failed"
    t.join(10)
    assert attempt.error is not None


def test_sign_out_then_360(signed_in: tuple[TenantHandle, Device]) -> None:
    tenant, dev = signed_in
    dev.email.sign_out()
    assert dev.email.status().state == "not_signed_in"
    assert not (dev.state_dir / "email" / "token_cache.json").exists()
    job = asyncio.run(dev.email.scan_to_email(USER))
    assert job.code == 360


async def test_sign_in_survives_restart(signed_in: tuple[TenantHandle, Device]) -> None:
    tenant, dev = signed_in
    again = Device(dev.state_dir)
    again.email.set_profile(dev.email.profile, warm_up=False)
    assert again.email.status().state == "signed_in"
    job = await again.email.scan_to_email(USER)
    assert job.status == "completed", job
    # one discovery GET to build msal's app; the cached access token needs no token request
    assert list(again.email.identity_requests.paths) == ["GET /organizations/v2.0/.well-known/openid-configuration"]


# -- secrets and files -------------------------------------------------------------------------


async def test_no_secret_in_logs_jobs_status_or_files(
    tenant: TenantHandle, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    dev = make_device(tenant, tmp_path / "device")
    attempt = sign_in(dev, tenant)
    device_code = attempt._flow["device_code"]  # the test may look inside; the product never shows it
    tenant.admin.advance_clock(timedelta(hours=2))  # force a refresh (5.7.3 path) to log more
    ok = await dev.email.scan_to_email(USER)
    assert ok.status == "completed"
    tenant.admin.set_org_smtp_auth(False)
    bad = await dev.email.scan_to_email(USER)
    assert bad.code == 312

    cache = json.loads((dev.state_dir / "email" / "token_cache.json").read_text())
    secrets = [v["secret"] for section in ("AccessToken", "RefreshToken", "IdToken") for v in cache.get(section, {}).values()]
    secrets += [device_code, account(tenant, "admin").password]
    assert len(secrets) >= 4

    texts = {
        "log": caplog.text,
        "joblog": (dev.state_dir / "joblog.journal").read_text(),
        "signin": (dev.state_dir / "email" / "signin.json").read_text(),
        "settings": (dev.state_dir / "settings.json").read_text(),
        "status": repr(dev.email.status()) + repr(dev.email_server_status()),
        "attempt": repr(attempt) + json.dumps(attempt.snapshot()),
        "jobs": repr(dev.jobs.log),
    }
    for where, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"a secret leaked into {where}"
        assert "eyJ" not in text, f"a JWT-shaped string leaked into {where}"
    assert "msal" in caplog.text or "device_model.email" in caplog.text  # the capture saw the stack


def test_state_files_are_owner_only(signed_in: tuple[TenantHandle, Device]) -> None:
    _, dev = signed_in
    folder = dev.state_dir / "email"
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    for name in ("token_cache.json", "signin.json"):
        assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o600, name
    assert not list(folder.glob("*.tmp"))


async def test_connection_test_messages(signed_in: tuple[TenantHandle, Device]) -> None:
    tenant, dev = signed_in
    assert (await dev.email.connection_test()).key == "email.conntest.ok"
    dev.update("email_server", secure="none")
    assert (await dev.email.connection_test()).key == "email.conntest.change_starttls"
    dev.update("email_server", secure="starttls", smtp_server="smtp.contoso-nonexistent.example")
    assert (await dev.email.connection_test()).key == "email.conntest.connect"
    dev.update("email_server", smtp_server="127.0.0.1", smtp_port=free_port())
    assert (await dev.email.connection_test()).key == "email.conntest.communication"
    dev.update("email_server", smtp_server="smtp.office365.com", smtp_port=587)
    tenant.admin.set_org_smtp_auth(False)
    assert (await dev.email.connection_test()).key == "email.conntest.auth"
    dev.email.sign_out()
    assert (await dev.email.connection_test()).key == "email.conntest.not_signed_in"


async def test_outlook_com_service_and_notification(tenant: TenantHandle, tmp_path: Path) -> None:
    dev = make_device(tenant, tmp_path / "device", email_service="outlook_com", smtp_server="smtp-mail.outlook.com")
    attempt = sign_in(dev, tenant, who="someone")  # a personal account, as Outlook.com wants
    assert attempt.profile.authority.endswith("/consumers") and attempt.account == "someone@outlook.com"
    job = await dev.email.notify("Paper out")
    assert job.status == "completed" and job.kind == "notification" and job.destination == attempt.account
    (msg,) = tenant.admin.messages(attempt.account)
    assert "Paper out" in msg["Subject"]


async def test_auth_off_against_exchange_gives_312_with_5_7_57(tenant: TenantHandle, tmp_path: Path) -> None:
    dev = make_device(tenant, tmp_path / "device", auth_method="off", sender_address=USER)
    job = await dev.email.send(USER, "s", "b")
    assert (job.status, job.code) == ("error", 312)
    assert job.reply.startswith("530 5.7.57")


def test_sign_in_without_a_reachable_tenant_fails_cleanly(tenant: TenantHandle, tmp_path: Path) -> None:
    dev = Device(tmp_path / "device")
    attempt = dev.email.begin_sign_in("exchange_online")  # no profile yet
    assert attempt.state == "failed" and attempt.error is not None and attempt.error.key == "email.signin.no_profile"
    profile = EmailServiceProfile.simulated(base_url=f"https://127.0.0.1:{free_port()}", smtp_port=free_port(),
                                            client_id=tenant.client_id, ca_cert_path=tenant.ca_cert_path)
    dev.email.set_profile(profile)
    attempt = dev.email.begin_sign_in("exchange_online")
    assert attempt.state == "failed" and attempt.error.key == "email.signin.unreachable"


def test_poll_now_fetches_a_finished_sign_in_before_the_interval_ends(tenant_factory: Any, tmp_path: Path) -> None:
    """The emulator's own sign-in pages see the person finish: the device asks at once instead
    of after the rest of the tenant's polling interval (here 30 s)."""
    from device_model.signins import code_finished

    h = tenant_factory(name="slow-poll", device_code_interval=30)
    dev = make_device(h, tmp_path / "device")
    attempt = dev.email.begin_sign_in("exchange_online")
    attempt.start()
    time.sleep(0.5)  # msal's first poll: pending, then its 30 s wait
    t, browser = complete_in_browser(h, attempt)
    t.join(30)
    assert browser.error is None and browser.pages[-1].kind == "done", browser
    assert attempt.wait(timeout=2) == "waiting"  # the next regular poll is far off
    assert code_finished(dev, attempt.user_code.lower())
    assert attempt.wait(timeout=10) == "signed_in", (attempt.state, attempt.error)
    assert not code_finished(dev, attempt.user_code)  # nothing waits for it any more
