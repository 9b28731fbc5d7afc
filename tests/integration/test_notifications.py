"""Email Notification over the real stack: a signed-in device, device events, the tenant's Maildir.

Nothing faked: the dispatcher hears the device's own events, the email client signs in with
msal against the simulated tenant and sends with aiosmtplib (STARTTLS + XOAUTH2).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from cloud_sim import TenantHandle
from device_model.notifications import NotificationDispatcher

from .email_helpers import USER, account, make_device, sign_in


async def test_status_sheet_and_password_change_reach_the_recipient(tenant: TenantHandle, tmp_path: Path) -> None:
    dev = make_device(tenant, tmp_path / "device")
    await asyncio.to_thread(sign_in, dev, tenant)
    dev.update("notifications", address_1=USER, status_sheet_1=True, admin_password_1=True,
               address_2="ops@contoso.onmicrosoft.com", job_error_2=True)
    # as in the panel: the sends are scheduled on the running loop, the emitter never waits
    dispatcher = NotificationDispatcher(dev, loop=asyncio.get_running_loop()).start()
    try:
        await asyncio.to_thread(dev.print_status_sheet)  # an event from a worker thread
        await asyncio.to_thread(dev.admin.change_password, dev.profile.serial_number, "New-secret-2")
        for pending in list(dispatcher._pending):
            await asyncio.wrap_future(pending)
    finally:
        dispatcher.stop()

    jobs = [j for j in dev.jobs.log if j.kind == "notification"]
    assert jobs and all(j.status == "completed" for j in jobs), [(j.status, j.code, j.reply) for j in jobs]
    subjects = sorted(str(m["Subject"]) for m in tenant.admin.messages(USER))
    assert len(subjects) == 2, subjects
    assert any(s.endswith(": Status sheet printed") for s in subjects), subjects
    assert any(s.endswith(": Administrator password changed") for s in subjects), subjects
    assert all(j.destination == USER for j in jobs)  # job_error was asked for by ops only


async def test_expired_sign_in_notifies_once_and_failed_notifications_do_not_loop(
    tenant: TenantHandle, tmp_path: Path
) -> None:
    """Revoked sessions (370): the scan job fails and the sign-in turns expired. Both are
    notified; both notifications fail too (they need the same sign-in) and cause nothing more."""
    dev = make_device(tenant, tmp_path / "device")
    await asyncio.to_thread(sign_in, dev, tenant)
    dev.update("notifications", address_1=USER, job_error_1=True, signin_expired_1=True)
    dispatcher = NotificationDispatcher(dev, loop=asyncio.get_running_loop()).start()
    try:
        tenant.admin.revoke_sessions(account(tenant, "admin").username)
        job = await dev.email.scan_to_email(USER)
        assert (job.status, job.code) == ("error", 370)
        while dispatcher._pending:
            for pending in list(dispatcher._pending):
                await asyncio.wrap_future(pending)
    finally:
        dispatcher.stop()

    notes = [j for j in dev.jobs.log if j.kind == "notification"]
    assert len(notes) == 2, [(j.status, j.code) for j in notes]
    assert all(j.status == "error" for j in notes)
    assert tenant.admin.messages(USER) == []
