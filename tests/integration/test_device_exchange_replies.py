"""The device meets Exchange's replies of the submission port and keeps Epson's codes:
451 5.7.3 (no STARTTLS) and 550 5.7.60 (send-as) are communication errors (313), 550 5.7.30
(a password, now that basic auth is retired) an authentication error (312). The reply is kept
in the job, tail and all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cloud_sim import TenantHandle

from .email_helpers import USER, account, make_device, sign_in

pytestmark = pytest.mark.integration

TAIL = r" \[BN0PR00MB0000\.namprd00\.prod\.outlook\.com \S+Z 08DD[0-9A-F]{12}\]"


async def test_no_starttls_gives_313_and_the_connection_test_says_starttls(
    tenant: TenantHandle, tmp_path: Path
) -> None:
    dev = make_device(tenant, tmp_path / "device", auth_method="off", secure="none", sender_address=USER)
    job = await dev.email.send(USER, "s", "b")
    assert (job.status, job.code) == ("error", 313)
    assert re.fullmatch("451 5\\.7\\.3 STARTTLS is required to send mail" + TAIL, job.reply), job.reply
    assert (await dev.email.connection_test()).key == "email.conntest.change_starttls"


async def test_smtp_auth_with_the_right_password_gives_312_with_5_7_30(
    tenant: TenantHandle, tmp_path: Path
) -> None:
    printer = account(tenant, "printer")
    dev = make_device(tenant, tmp_path / "device", auth_method="smtp_auth", account=printer.username,
                      password=printer.password, sender_address=printer.username)
    job = await dev.email.send(USER, "s", "b")
    assert (job.status, job.code) == ("error", 312)
    assert re.fullmatch(
        "550 5\\.7\\.30 Basic authentication is not supported for Client Submission\\." + TAIL, job.reply
    ), job.reply
    assert (await dev.email.connection_test()).key == "email.conntest.auth"


async def test_sender_address_of_another_mailbox_gives_313_with_5_7_60(
    tenant: TenantHandle, tmp_path: Path
) -> None:
    dev = make_device(tenant, tmp_path / "device", sender_address=USER)
    sign_in(dev, tenant)  # as admin@: may not send as user@
    job = await dev.email.scan_to_email(USER)
    assert (job.status, job.code) == ("error", 313)
    assert re.fullmatch(
        "550 5\\.7\\.60 SMTP; Client does not have permissions to send as this sender" + TAIL, job.reply
    ), job.reply
    assert tenant.admin.messages(USER) == []


async def test_a_refused_sender_is_named_in_the_solution_in_english_and_latvian(
    tenant: TenantHandle, tmp_path: Path
) -> None:
    """550 5.7.60 does not say which sender was refused: the job's solution names it, so a person
    sees which Sender's Email Address to change (the guide: change it to the address of the
    email service's account)."""
    from device_model.i18n import translate

    dev = make_device(tenant, tmp_path / "device", sender_address=USER)
    sign_in(dev, tenant)  # as admin@: may not send as user@
    job = await dev.email.scan_to_email(USER)
    assert job.code == 313
    entry = dev.errors.for_job(job)
    assert entry is not None and entry.solution.key == "error.313.solution_sender"
    for lang in ("en", "lv"):
        text = translate(lang, entry.solution)
        assert USER in text, (lang, text)
    assert "Sender's Email Address" in translate("en", entry.solution)
    assert "Sūtītāja e-pasta adrese" in translate("lv", entry.solution)
