"""Secrets never reach job details: the redaction helpers."""

from __future__ import annotations

import time

from device_model.redact import REDACTED, mask_secret, redact_text


def test_masks_tokens_keeps_replies() -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    assert redact_text(f"bad token {jwt}") == f"bad token {REDACTED}"
    assert redact_text("AUTH=Bearer abc.def") == f"AUTH=Bearer {REDACTED}"
    assert redact_text('{"refresh_token": "0.AAAA-secret"}') == '{"refresh_token": "' + REDACTED + '"}'
    b64 = "dXNlcj1wcmludGVyQGNvbnRvc28uY29tAWF1dGg9QmVhcmVyIGV5SjBlWEFpT2lKS1YxUWlMQ0ps"
    assert REDACTED in redact_text(f"334 {b64}")
    reply = ("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. "
             "Visit https://aka.ms/smtp_auth_disabled for more information. [AM0PR02CA0001.eurprd02.prod.outlook.com]")
    assert redact_text(reply) == reply
    path = "/tmp/pytest-of-root/pytest-8/some_long_directory_name/prints/network-status-20260302-093000.pdf"
    assert redact_text(path) == path
    assert redact_text("") == ""
    assert redact_text("The password is incorrect. Check Authenticated Password") == (
        "The password is incorrect. Check Authenticated Password")
    assert redact_text("password=hunter2&x=1") == f"password={REDACTED}&x=1"


def test_linear_on_long_input() -> None:
    text = "a" * 200_000 + " " + "b-" * 100_000
    start = time.perf_counter()
    assert redact_text(text) == text
    assert time.perf_counter() - start < 2.0  # a generous bound; quadratic would take minutes


def test_mask_secret() -> None:
    assert mask_secret("x") == "********" and mask_secret("") == "" and mask_secret(None) == ""
