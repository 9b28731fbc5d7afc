"""Helpers for the device-email integration tests: a Device wired to a real simulated tenant.

Nothing is patched: msal talks HTTPS to the tenant, aiosmtplib talks STARTTLS + XOAUTH2 to its
SMTP server, and the sign-in is completed by posting the tenant's HTML forms (SignInClient),
in a thread, while the device polls — exactly what a browser and a printer would do.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloud_sim import TenantHandle
from cloud_sim.signin import SignInClient
from device_model.device import Device
from device_model.email import EmailServiceProfile, SignInAttempt

USER = "user@contoso.onmicrosoft.com"


def account(h: TenantHandle, prefix: str) -> Any:
    return next(a for a in h.accounts if a.username.startswith(prefix + "@"))


def make_device(h: TenantHandle, state_dir: Path, **email_settings: Any) -> Device:
    """A Device set up as after guide steps 4-5: OAuth2, Exchange Online, the tenant's profile."""
    dev = Device(state_dir)
    dev.email.set_profile(EmailServiceProfile.from_tenant(h))
    values = dict(auth_method="oauth2", email_service="exchange_online", smtp_server="smtp.office365.com",
                  smtp_port=587, secure="starttls", sender_address="")
    values.update(email_settings)
    dev.update("email_server", **values)
    return dev


@dataclass
class BrowserResult:
    pages: list[Any] = field(default_factory=list)
    error: BaseException | None = None


def complete_in_browser(
    h: TenantHandle, attempt: SignInAttempt, who: str = "admin", *, accept: bool = True, org: bool = True
) -> tuple[threading.Thread, BrowserResult]:
    """Walk the tenant's sign-in pages (code, account, password, consent) in a thread."""
    acct = account(h, who)
    result = BrowserResult()

    def run() -> None:
        try:
            with SignInClient(h.base_url, h.ca_cert_path) as c:
                result.pages.append(
                    c.sign_in(attempt.user_code, acct.username, acct.password, accept=accept, on_behalf_of_org=org)
                )
        except BaseException as exc:  # reported by the test
            result.error = exc

    t = threading.Thread(target=run, name="browser", daemon=True)
    t.start()
    return t, result


def sign_in(dev: Device, h: TenantHandle, who: str = "admin", *, commit: bool = True) -> SignInAttempt:
    """Guide steps 6-12: Sign In (the service in the settings), the browser part, wait, OK."""
    attempt = dev.email.begin_sign_in()
    assert attempt.state == "waiting", attempt.error
    t, browser = complete_in_browser(h, attempt, who)
    state = attempt.wait(timeout=60)
    t.join(30)
    assert browser.error is None, browser.error
    assert state == "signed_in", (state, attempt.error, browser.pages)
    if commit:
        dev.email.commit_sign_in(attempt)
    return attempt
