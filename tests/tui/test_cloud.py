"""The Cloud surface and the cloud link over the real stack (issue 4).

The Microsoft sign-in pages walked in the terminal (code -> account -> password -> "Permissions
requested" with "Consent on behalf of your organization" -> Accept), the admin centre changing the
tenant, time travel moving tenant and device together, and the three ways the link connects.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from textual.widgets import DataTable, Input, Select

from device_model import Device
from panel_tui.app import PanelApp
from panel_tui.cloud.admin_pane import AdminPane
from panel_tui.remote_admin import RemoteTenantAdmin
from panel_tui.cloud.signin_pane import SignInPane
from panel_tui.ui.widgets import TickBox
from panel_tui.cloud_link import CloudLinkStatus, FAILED, MICROSOFT, READY, REMOTE, CloudLink
from panel_tui.config import AppConfig

from .helpers import screen_text, static_text
from .test_webconfig_support import (
    press_button,
    PRINTER,
    code_page_for_web_config,
    linked_app,
    wait_until,
)


async def test_sign_in_pages_in_the_terminal(live_device: Device, tenant: Any) -> None:
    """Guide steps 6-11 without a browser: Web Config shows a code, the Cloud surface takes it."""
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        web, cloud, pane = await code_page_for_web_config(pilot, app)
        code = web.attempt.user_code
        assert cloud.query_one("#ms-input", Input).value == code  # Web Config's waiting code
        assert "Enter code" in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: pane.kind == "account", "the account page")
        assert cloud.query_one("#ms-input", Input).value == ""  # typed, never prefilled
        assert "Contoso-Printer-2025" in static_text(app, "#ms-hints")
        await pilot.press(*PRINTER, "enter")
        await wait_until(pilot, lambda: pane.kind == "password", "the password page")
        assert cloud.query_one("#ms-input", Input).value == ""
        await pilot.press(*"Contoso-Printer-2025", "enter")
        await wait_until(pilot, lambda: pane.kind == "consent", "Permissions requested")
        org = cloud.query_one("#ms-consent-org", TickBox)
        assert org.display and not org.value  # an admin sees it, unticked as on Microsoft's page
        await press_button(pilot, "#ms-consent-org")  # step 11: tick "Consent on behalf of ..."
        await wait_until(pilot, lambda: org.value, "the organisation consent ticked")
        assert "Consent on behalf of your organization" in screen_text(app)
        await press_button(pilot, "#ms-accept")
        await wait_until(pilot, lambda: pane.kind == "done", "the signed-in page")
        assert "signed in" in screen_text(app).lower()

        await wait_until(pilot, lambda: web.attempt.state == "signed_in", "Web Config to see it")
        assert web.attempt.account == PRINTER
        assert tenant.admin.has_admin_consent()


async def test_wrong_code_and_ordinary_user_sees_no_org_consent(live_device: Device, tenant: Any) -> None:
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        web, cloud, pane = await code_page_for_web_config(pilot, app)
        cloud.query_one("#ms-input", Input).value = "WRONG-CODE"
        await pilot.press("enter")
        await wait_until(pilot, lambda: static_text(app, "#ms-error") != "", "the wrong-code message")
        assert pane.kind == "code"
        cloud.query_one("#ms-input", Input).value = web.attempt.user_code
        await pilot.press("enter")
        await wait_until(pilot, lambda: pane.kind == "account", "the account page")
        cloud.query_one("#ms-input", Input).value = "user@contoso.onmicrosoft.com"
        await pilot.press("enter")
        await wait_until(pilot, lambda: pane.kind == "password", "the password page")
        assert cloud.query_one("#ms-input", Input).value == ""
        await pilot.press(*"Contoso-User-2025", "enter")
        await wait_until(pilot, lambda: pane.kind in ("consent", "error"), "the next page")
        assert not cloud.query_one("#ms-consent-org", TickBox).display  # not offered to users


async def test_sign_in_tab_follows_a_waiting_sign_in_and_tab_reaches_its_field(
    live_device: Device, tenant: Any
) -> None:
    """F4 left on the Admin centre, Web Config starts a sign-in, F4: its code is on the Sign-in
    tab; ← → on the tab bar keep the focus there, and Tab goes into the code field."""
    from textual.widgets import Tabs

    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        cloud = app.screen
        pane = cloud.query_one(SignInPane)
        await wait_until(pilot, lambda: pane.kind == "code", "the code page")
        cloud.query_one(Tabs).focus()
        await pilot.press("right")
        await wait_until(pilot, lambda: cloud.query_one("#cloud-tabs").active == "cloud-admin", "Admin centre")

        await app.switch_mode("webconfig")
        web = app.screen
        web.begin_sign_in("exchange_online")
        await wait_until(pilot, lambda: web.attempt is not None and web.attempt.state == "waiting", "a code")
        await app.switch_mode("cloud")
        field = cloud.query_one("#ms-input", Input)
        # the hidden surface took the code at once; its sign-in tab opens as it is shown again
        await wait_until(pilot, lambda: cloud.query_one("#cloud-tabs").active == "cloud-signin", "the sign-in tab")
        assert field.value == web.attempt.user_code
        assert app.focused is field

        cloud.query_one(Tabs).focus()
        await pilot.press("right", "left")  # through the tabs and back: the focus stays on them
        await pilot.pause()
        assert isinstance(app.focused, Tabs)
        await pilot.press("tab")
        assert app.focused is field and field.value == web.attempt.user_code

        web.attempt.cancel()  # Web Config's Cancel
        await wait_until(pilot, lambda: field.value == "", "the ended sign-in's code taken away")


async def test_admin_centre_changes_the_tenant(live_device: Device, tenant: Any) -> None:
    device = live_device
    app = linked_app(device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        cloud = app.screen
        await pilot.pause()
        cloud.show_tab("admin")
        await pilot.pause()
        pane = cloud.query_one(AdminPane)
        await wait_until(pilot, lambda: pane._state.get("users"), "the tenant's state")
        assert not tenant.admin.state()["settings"]["security_defaults"]  # prepared preset

        await press_button(pilot, "#adm-security-defaults")
        await wait_until(pilot, lambda: tenant.admin.state()["settings"]["security_defaults"], "security defaults on")

        def printer_smtp() -> Any:
            return next(u["smtp_auth"] for u in tenant.admin.list_users() if u["upn"] == PRINTER)

        assert pane.query_one("#adm-user", Select).value == PRINTER
        pane.query_one("#adm-mailbox-smtp", Select).value = "off"
        await wait_until(pilot, lambda: printer_smtp() is False, "SMTP AUTH off for the mailbox")
        pane.query_one("#adm-mailbox-smtp", Select).value = "default"
        await wait_until(pilot, lambda: printer_smtp() is None, "the mailbox following the organisation")

        await press_button(pilot, "#adm-ca-block-dcf")
        await wait_until(pilot, lambda: len(tenant.admin.conditional_access_policies()) == 1, "a CA policy")
        await wait_until(pilot, lambda: "device code" in screen_text(app), "the policy in the list")
        policy = tenant.admin.conditional_access_policies()[0]
        assert policy["block_device_code_flow"]
        pane.query_one("#adm-ca-list").highlighted = 0
        await press_button(pilot, "#adm-ca-remove")
        await wait_until(pilot, lambda: not tenant.admin.conditional_access_policies(), "the policy removed")

        before_tenant = tenant.admin.now()
        before_device = device.clock.now()
        await press_button(pilot, "#adm-advance-91d")
        await wait_until(pilot, lambda: tenant.admin.now() - before_tenant >= timedelta(days=91), "the tenant clock")
        assert device.clock.now() - before_device >= timedelta(days=91)
        assert "moved forward together" in static_text(app, "#adm-result")


async def test_admin_centre_sets_the_message_size_limit(live_device: Device, tenant: Any) -> None:
    """Exchange's message size limit from F4: KB or MB, a toast on Set, a refusal for bad input."""
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        cloud = app.screen
        await pilot.pause()
        cloud.show_tab("admin")
        await pilot.pause()
        pane = cloud.query_one(AdminPane)
        await wait_until(pilot, lambda: pane._state.get("users"), "the tenant's state")
        size = pane.query_one("#adm-size-limit", Input)
        unit = pane.query_one("#adm-size-unit", Select)
        assert (size.value, unit.value) == ("35", "mb")  # Exchange Online's default, as shown

        def limit() -> Any:
            return tenant.admin.state()["settings"]["message_size_limit"]

        size.value = "0"
        await press_button(pilot, "#adm-size-set")
        await pilot.pause()
        assert "whole number" in static_text(app, "#adm-result")
        assert any("whole number" in str(n.message) and n.severity == "error" for n in app._notifications)
        assert limit() == 35 * 1024 * 1024

        size.value = "2"
        unit.value = "kb"
        await press_button(pilot, "#adm-size-set")
        await wait_until(pilot, lambda: limit() == 2048, "the limit in the tenant")
        await wait_until(pilot, lambda: "size limit saved" in static_text(app, "#adm-result"), "the result")
        assert any("size limit saved" in str(n.message) for n in app._notifications)

        size.value = "3"
        unit.value = "mb"
        size.focus()
        await pilot.press("enter")  # Enter in the field sets it too
        await wait_until(pilot, lambda: limit() == 3 * 1024 * 1024, "the limit in MB")
        await wait_until(pilot, lambda: (size.value, unit.value) == ("3", "mb"), "the state re-read")


async def test_admin_centre_changes_a_password_and_every_switch_fits_at_80x24(
    live_device: Device, tenant: Any
) -> None:
    """The guide's error table from one screen: nothing it needs is below the fold or cut."""
    tenant.admin.add_conditional_access_policy("[/] odd [b]name", users=("nobody@contoso.onmicrosoft.com",))
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        cloud = app.screen
        await pilot.pause()
        cloud.show_tab("admin")
        pane = cloud.query_one(AdminPane)
        await wait_until(pilot, lambda: pane._state.get("users"), "the tenant's state")
        labels = (
            "Security defaults", "SMTP AUTH for the organisation", "SMTP AUTH for the mailbox",
            "Message size limit", "Set", "Revoke sessions", "New password", "Change password",
            "Block the user", "Block device code flow", "+1 hour", "+91 days", "Printer clock",
            "[/] odd [b]name",
        )
        # the state's repaint can take more than one pause under load: wait for it, then check
        await wait_until(pilot, lambda: all(label in screen_text(app) for label in labels), "the pane drawn")
        text = screen_text(app)
        for label in labels:
            assert label in text, label
        # nothing to scroll to, once laid out with the tenant's state (under load a layout pass
        # can still be pending when the text is already drawn: CI saw 1 for a moment)
        await wait_until(pilot, lambda: pane.max_scroll_y == 0, "the pane fits without scrolling", timeout=10)
        assert "[/] odd [b]name" in text  # the tenant's data as text, not markup

        assert pane.query_one("#adm-user", Select).value == PRINTER
        field = pane.query_one("#adm-password", Input)
        await press_button(pilot, "#adm-password-set")  # nothing typed: refused, nothing sent
        await wait_until(pilot, lambda: "new password first" in static_text(app, "#adm-result"), "the refusal")
        field.focus()
        await pilot.press(*"Contoso-New-2026", "enter")
        await wait_until(pilot, lambda: "Password changed" in static_text(app, "#adm-result"), "the result")
        assert field.value == ""  # not left on screen
        directory = tenant.admin._dir  # noqa: SLF001 - the tenant's own check, no sign-in needed
        assert directory.check_password(PRINTER, "Contoso-New-2026")
        assert not directory.check_password(PRINTER, "Contoso-Printer-2025")


def _deliver(tenant: Any, upn: str, subject: str, sender: str, *, pdf: int = 0, age: float = 0) -> None:
    """A message in a tenant mailbox, as its SMTP server stores it (``age`` seconds old)."""
    import os
    import time
    from email.message import EmailMessage

    from cloud_sim.maildir import deliver

    message = EmailMessage()
    message["From"] = sender
    message["To"] = upn
    message["Subject"] = subject
    message["Date"] = "Fri, 27 Nov 2026 14:31:10 +0000"
    message.set_content("This is a scanned document sent from EPSON123456.\n[b]not markup[/b]")
    if pdf:
        message.add_attachment(b"%" * pdf, maintype="application", subtype="pdf", filename="scan0001.pdf")
    path = deliver(tenant.admin.maildir(upn).parent, upn, message.as_bytes())
    if age:
        when = time.time() - age
        os.utime(path, (when, when))


USER = "user@contoso.onmicrosoft.com"


def _two_mailboxes(tenant: Any) -> None:
    """An older message to the printer, then a newer one to the user, its subject and sender
    written like markup (server data: shown as text)."""
    _deliver(tenant, PRINTER, "An older message", PRINTER, age=600)
    _deliver(tenant, USER, "[/] Scanned [bold]document", '"[red]Printer" <admin@contoso.onmicrosoft.com>', pdf=3000)


async def _mailboxes(app: PanelApp, pilot: Any) -> tuple[Select[str], DataTable[object]]:
    """Cloud > Mailboxes, once its list shows the user's one message."""
    from panel_tui.cloud.mail_pane import MailPane

    await app.switch_mode("cloud")
    await pilot.pause()
    app.screen.show_tab("mail")
    await pilot.pause()  # the tab's pane is built when first opened
    pane = app.screen.query_one(MailPane)
    box, table = pane.query_one("#mail-box", Select), pane.query_one("#mail-table", DataTable)
    await wait_until(pilot, lambda: box.value == USER and table.row_count == 1, "the newest mail's mailbox")
    await pilot.pause()
    return box, table


async def test_mailbox_opens_on_the_newest_mail_shown_as_text(live_device: Device, tenant: Any) -> None:
    """Not the printer's mailbox by habit: the one just mailed. Server data is text, not markup."""
    _two_mailboxes(tenant)
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await _mailboxes(app, pilot)
        text = screen_text(app)
        assert "[/] Scanned [bold]document" in text  # Subject and attachment on screen, uncut
        assert "scan0001.pdf" in text
        assert '"[red]Printer" <admin@contoso.onmicrosoft.com>' in text


async def test_a_message_opens_by_keyboard_and_esc_closes_it(live_device: Device, tenant: Any) -> None:
    from panel_tui.cloud.mail_message import MailMessageScreen

    _two_mailboxes(tenant)
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        _box, table = await _mailboxes(app, pilot)
        cloud = app.screen
        table.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MailMessageScreen), "the message opened")
        await pilot.pause()
        text = screen_text(app)
        for line in (
            'From: "[red]Printer" <admin@contoso.onmicrosoft.com>',
            f"To: {USER}",
            "Subject: [/] Scanned [bold]document",
            "Date: 2026-11-27 14:31",
            "Attachments: scan0001.pdf (2.9 KB)",
            "This is a scanned document sent from EPSON123456.",
            "[b]not markup[/b]",
        ):
            assert line in text, line
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is cloud, "back to the list")


async def test_no_mailbox_picked_lists_nothing_and_another_lists_its_own(live_device: Device, tenant: Any) -> None:
    _two_mailboxes(tenant)
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        box, table = await _mailboxes(app, pilot)
        box.value = Select.NULL  # "Select a mailbox": no count of the mailbox shown before
        await wait_until(pilot, lambda: table.row_count == 0, "the list emptied")
        assert "1 message" not in static_text(app, "#mail-detail")
        assert "Select a mailbox" in static_text(app, "#mail-detail")

        box.value = PRINTER
        await wait_until(pilot, lambda: table.row_count == 1 and "An older message" in screen_text(app), "printer's")


def test_link_to_a_running_tenant_with_admin_over_https(tmp_path: Path, live_device: Device, tenant: Any) -> None:
    config = AppConfig(state_dir=tmp_path / "app", cloud_url=tenant.base_url, cloud_ca=tenant.ca_cert_path)
    link = CloudLink(live_device, config)
    assert link.mode == REMOTE
    link.start_blocking()
    assert link.state == READY, link.error
    assert link.info.client_id == tenant.client_id
    assert link.info.smtp_port == tenant.smtp_port
    profile = live_device.email.profile
    assert profile is not None and profile.simulated and profile.authority.startswith(tenant.base_url)
    assert isinstance(link.admin, RemoteTenantAdmin)  # run.json sits beside the CA
    link.admin.set_org_smtp_auth(False)
    assert tenant.admin.state()["settings"]["org_smtp_auth"] is False
    link.advance_clock(timedelta(hours=1))
    link.stop()
    assert tenant.running  # not ours to stop


def test_link_without_ca_fails_and_microsoft_mode_needs_no_tenant(tmp_path: Path, live_device: Device) -> None:
    config = AppConfig(state_dir=tmp_path / "app", cloud_url="https://127.0.0.1:9", cloud_ca=None)
    link = CloudLink(live_device, config)
    link.start_blocking()
    assert link.state == FAILED and link.error

    ms = AppConfig(state_dir=tmp_path / "ms", email_service="exchange-online", client_id="11111111-2222-3333-4444-555555555555")
    link = CloudLink(live_device, ms)
    assert link.mode == MICROSOFT
    link.start_blocking()
    assert link.state == READY
    profile = live_device.email.profile
    assert profile.authority == "https://login.microsoftonline.com/organizations"
    assert profile.ca_path is None and not profile.simulated


class Inbox:
    """Stands in for the app: the link posts its state changes to it."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def post_message(self, message: CloudLinkStatus) -> bool:
        self.seen.append(message.state)
        return True


def test_embedded_tenant_starts_in_its_own_process_and_stops(tmp_path: Path, live_device: Device) -> None:
    """The default: the tenant in a child process, reached over HTTPS as --cloud reaches one;
    stop() ends that process cleanly (its run.json removed) and is idempotent."""
    import os


    config = AppConfig(state_dir=tmp_path / "app")
    link = CloudLink(live_device, config)
    inbox = Inbox()
    link.start(inbox)  # type: ignore[arg-type]
    assert link.wait_ready(timeout=60), link.error
    assert inbox.seen == ["starting", "ready"]
    pid = link.tenant_pid
    assert pid is not None and pid != os.getpid() and link.handle is None
    tdir = tmp_path / "app" / "tenant"
    assert (tdir / "tenant.sqlite3").exists() and (tdir / "run.json").exists()
    assert live_device.email.profile.authority.startswith(link.info.base_url)
    assert isinstance(link.admin, RemoteTenantAdmin)
    assert link.admin.state()["settings"]["org_smtp_auth"] is True  # the admin API answers
    assert [a.username for a in link.info.accounts][:1] == ["admin@contoso.onmicrosoft.com"]
    link.stop()
    assert link.tenant_pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone, and reaped
    assert not (tdir / "run.json").exists()  # stopped cleanly, not killed
    link.stop()  # idempotent


def test_a_tenant_process_that_dies_makes_the_link_failed(tmp_path: Path, live_device: Device) -> None:
    """Killed from outside (or crashed), the tenant's process is said, not a silent "ready"."""
    import os
    import signal
    import time

    link = CloudLink(live_device, AppConfig(state_dir=tmp_path / "app"))
    inbox = Inbox()
    link.start(inbox)  # type: ignore[arg-type]
    assert link.wait_ready(timeout=60), link.error
    os.kill(link.tenant_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while link.state != FAILED and time.monotonic() < deadline:
        time.sleep(0.02)
    assert link.state == FAILED and "the tenant's process ended (-9)" in (link.error or ""), link.error
    assert inbox.seen == ["starting", "ready", "failed"]
    assert link.start_again()  # F4's "Start again": a new process, the device's profile follows it
    assert link.wait_ready(timeout=60), link.error
    assert inbox.seen[-2:] == ["starting", "ready"] and link.tenant_pid is not None
    assert live_device.email.profile.authority.startswith(link.info.base_url)
    assert link.admin.state()["settings"]["org_smtp_auth"] is True
    assert not link.start_again()  # ready: nothing to start again
    link.stop()


def test_embedded_tenant_in_process_on_request(tmp_path: Path, live_device: Device, monkeypatch: Any) -> None:
    """PANEL_TUI_TENANT_IN_PROCESS=1: the tenant in a thread of the panel's process, as before."""
    monkeypatch.setenv("PANEL_TUI_TENANT_IN_PROCESS", "1")
    config = AppConfig(state_dir=tmp_path / "app")
    link = CloudLink(live_device, config)
    link.start(Inbox())  # type: ignore[arg-type]
    assert link.wait_ready(timeout=60), link.error
    handle = link.handle
    assert handle is not None and link.tenant_pid is None
    assert live_device.email.profile.authority.startswith(handle.base_url)
    assert link.admin is handle.admin
    link.stop()
    assert not handle.running


def test_a_tenant_process_that_cannot_start_is_a_failed_link(tmp_path: Path, live_device: Device) -> None:
    """The child's own refusal (its state dir is taken) is the link's error, not a hang."""
    from cloud_sim.fsutil import StateLock

    tdir = tmp_path / "app" / "tenant"
    tdir.mkdir(parents=True)
    import subprocess
    import sys

    holder = subprocess.Popen([sys.executable, "-c", "import sys, fcntl, os; fd = os.open(sys.argv[1], "
                               "os.O_RDWR | os.O_CREAT); fcntl.flock(fd, fcntl.LOCK_EX); print(1, flush=True); "
                               "sys.stdin.read()", str(tdir / "cloud-sim.lock")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline()
        assert StateLock.held_fd(tdir / "cloud-sim.lock") is None
        link = CloudLink(live_device, AppConfig(state_dir=tmp_path / "app"))
        link.start_blocking()
        assert link.state == FAILED and link.tenant_pid is None
        assert "before serving" in (link.error or "") and "in use by" in (link.error or ""), link.error
    finally:
        holder.communicate("", timeout=10)


async def test_admin_unavailable_for_remote_tenant_without_secret(tmp_path: Path, live_device: Device, tenant: Any) -> None:
    ca_copy = tmp_path / "elsewhere" / "ca.pem"
    ca_copy.parent.mkdir()
    ca_copy.write_bytes(Path(tenant.ca_cert_path).read_bytes())
    config = AppConfig(state_dir=tmp_path / "app", cloud_url=tenant.base_url, cloud_ca=ca_copy)
    app = linked_app(live_device, tenant)
    link = CloudLink(live_device, config)
    link.start_blocking()
    assert link.state == READY and link.admin is None
    app.cloud_link = link
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        await pilot.pause()
        app.screen.show_tab("admin")
        # the pane draws once the tenant has answered: wait for it (under load, not at once)
        await wait_until(pilot, lambda: "only available for the embedded tenant" in screen_text(app),
                         "the admin centre's note")
        pane = app.screen.query_one(SignInPane)
        await wait_until(pilot, lambda: pane.kind == "code", "the sign-in pages over --cloud")


async def test_admin_user_follows_the_sign_in_until_the_person_picks_one(
    live_device: Device, tenant: Any, monkeypatch: Any
) -> None:
    """User / mailbox: the printer's signed-in account on each re-read, until the person picks
    one; their pick then stays through later sign-ins."""
    import panel_tui.cloud.admin_pane as admin_pane

    admin = "admin@contoso.onmicrosoft.com"
    user = "user@contoso.onmicrosoft.com"
    account = {"upn": ""}
    monkeypatch.setattr(admin_pane, "held_account", lambda node: account["upn"])
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        cloud = app.screen
        await pilot.pause()
        cloud.show_tab("admin")
        await pilot.pause()  # the tab's pane is built when first opened
        pane = cloud.query_one(AdminPane)
        select = pane.query_one("#adm-user", Select)
        await wait_until(pilot, lambda: select.value == PRINTER, "printer@ with nobody signed in")
        account["upn"] = admin.upper()  # the held sign-in, as msal spells it
        pane.reload()
        await wait_until(pilot, lambda: select.value == admin, "the signed-in account")
        select.value = user  # the person's pick
        await pilot.pause()
        account["upn"] = PRINTER
        pane.reload()
        await pilot.pause(0.5)
        await wait_until(pilot, lambda: pane._state.get("users"), "the state re-read")
        assert select.value == user


async def test_a_long_mailbox_opens_on_its_newest_page_and_reads_on_at_the_end(
    live_device: Device, tenant: Any
) -> None:
    """Listed once, newest first, a page at a time: the count is the whole mailbox's, the first
    row is the newest message, and the cursor at the last row brings the next page."""
    from textual.widgets import DataTable

    from panel_tui.cloud.mail_pane import PAGE, MailPane

    user = "user@contoso.onmicrosoft.com"
    total = PAGE + 10
    for i in range(total):
        _deliver(tenant, user, f"Scan {i:03d}", PRINTER, pdf=10 if i % 2 else 0)
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        cloud = app.screen
        await pilot.pause()
        cloud.show_tab("mail")
        await pilot.pause()  # the tab's pane is built when first opened
        pane = cloud.query_one(MailPane)
        table = pane.query_one("#mail-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == PAGE, "the first page")
        assert f"{total} messages." in static_text(app, "#mail-detail")
        await pilot.pause()
        text = screen_text(app)
        assert f"Scan {total - 1:03d}" in text and "scan0001.pdf" in text  # newest first
        table.focus()
        await pilot.press(*["down"] * (PAGE - 1))
        await wait_until(pilot, lambda: table.row_count == total, "the next page")
        await pilot.press(*["down"] * 10)
        await pilot.pause()
        assert "Scan 000" in screen_text(app)  # the oldest, last
        assert table.row_count == total
