"""AUTH LOGIN with a password names the switch that refused it, as Exchange does.

A tester who sets the device to "SMTP AUTH" against a fresh tenant must see the 5.7.139
reply that the guide's preparation (security defaults off, SMTP AUTH on) is about.
"""

from __future__ import annotations

import smtplib

import pytest

from cloud_sim import replies

from .test_smtp_exchange import connect, without_tail


def login_reply(h, who: str) -> str:
    acct = next(a for a in h.accounts if a.username.startswith(f"{who}@"))
    client = connect(h)
    try:
        with pytest.raises(smtplib.SMTPAuthenticationError) as err:
            client.login(acct.username, acct.password)
    finally:
        client.close()
    return without_tail(f"{err.value.smtp_code} {err.value.smtp_error.decode()}")


def test_fresh_tenant_refuses_basic_auth_for_security_defaults(fresh_tenant) -> None:
    assert login_reply(fresh_tenant, "printer") == replies.VERDICT_REPLIES[
        replies.AuthVerdict.SECURITY_DEFAULTS]


def test_mailbox_switch_is_named(tenant) -> None:
    tenant.admin.set_mailbox_smtp_auth(f"user@{tenant.tenant_domain}", False)
    assert "SmtpClientAuthentication is disabled for the Mailbox" in login_reply(tenant, "user")


def test_prepared_tenant_still_wants_oauth(tenant) -> None:
    # the right password, SMTP AUTH on: basic authentication is retired for client submission
    assert login_reply(tenant, "printer") == (
        "550 5.7.30 Basic authentication is not supported for Client Submission.")


def test_outlook_com_refuses_basic_auth_for_a_personal_account(fresh_tenant) -> None:
    # none of the organisation's switches apply to a personal account
    assert login_reply(fresh_tenant, "someone") == (
        "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.")
