"""The tenant's admin centre: the guide's Exchange preparation and its trouble cases.

Security defaults, SMTP AUTH for the organisation and per mailbox, public client flows, admin
consent, Conditional Access, revoke sessions, time travel (tenant and device together), and
below the fold the network faults (``faults_section.py``). Calls go through a ``TenantAdmin``
(in-process, or HTTPS for ``--cloud``) in a worker thread; the pane re-reads the state after each.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static, Tabs
from textual.widgets.option_list import Option

from panel_tui.cloud.admin_texts import policy_text as _policy_text, why_unavailable as _why_unavailable
from panel_tui.cloud.faults_section import FaultsSection
from panel_tui.cloud.tenant_admin import tenant_admin
from panel_tui.cloud_link import ADMIN_FAILURES
from panel_tui.ui.host import host
from panel_tui.ui.lazy_select import LazySelect
from panel_tui.ui.text import held_account, tr
from panel_tui.ui.workers import call_in_ui, reported
from panel_tui.ui.widgets import TickBox

if TYPE_CHECKING:
    from cloud_sim.admin import TenantAdmin
    from cloud_sim.jsontypes import JsonObject
    from panel_tui.remote_admin import RemoteTenantAdmin

#: Time-travel steps offered (the guide's 91 days is the refresh-token inactivity limit).
TIME_STEPS: dict[str, timedelta] = {"1h": timedelta(hours=1), "1d": timedelta(days=1), "91d": timedelta(days=91)}

#: Units the message size limit is typed in (Exchange's own admin centre speaks KB and MB).
SIZE_UNITS: dict[str, int] = {"kb": 1024, "mb": 1024 * 1024}


class AdminPane(VerticalScroll, can_focus=False):
    """Entra ID / Exchange admin switches of the simulated tenant."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._state: JsonObject = {}
        self._refreshing = False
        #: (amount, unit) last put in the size-limit fields; None: take the next state read
        self._shown_size: tuple[str, str] | None = None
        #: the person chose a User / mailbox: it stays; until then it follows the printer's sign-in
        self._user_picked = False
        self._focus_when_ready = False  # Enter came before the tenant was ready: go in once it is

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        yield Static(id="adm-unavailable", classes="page-note", markup=False)
        yield Static(t("cloud.admin.entra"), classes="page-subtitle", markup=False)
        yield TickBox(t("cloud.admin.security_defaults"), id="adm-security-defaults", compact=True)
        yield TickBox(t("cloud.admin.public_client_flows"), id="adm-public-client", compact=True)
        with Horizontal(classes="field-row"):
            yield Label(t("cloud.admin.consent"), classes="field-label", markup=False)
            yield Static(id="adm-consent-state", markup=False)
            yield Button(t("cloud.admin.consent_grant"), id="adm-consent-grant", compact=True)
            yield Button(t("cloud.admin.consent_revoke"), id="adm-consent-revoke", compact=True)
        yield Static(t("cloud.admin.exchange"), classes="page-subtitle", markup=False)
        yield TickBox(t("cloud.admin.org_smtp_auth"), id="adm-org-smtp", compact=True)
        with Horizontal(classes="field-row"):
            yield Label(t("cloud.admin.size_limit"), classes="field-label", markup=False)
            yield Input(id="adm-size-limit", max_length=9, restrict=r"[0-9]*", compact=True)
            yield LazySelect(
                [(t(f"cloud.admin.size_unit.{u}"), u) for u in SIZE_UNITS],
                id="adm-size-unit",
                allow_blank=False,
                value="mb",
                compact=True,
            )
            yield Button(t("cloud.admin.size_set"), id="adm-size-set", compact=True)
        with Horizontal(classes="field-row"):
            yield Label(t("cloud.admin.user"), classes="field-label", markup=False)
            yield LazySelect([], id="adm-user", compact=True, allow_blank=True, prompt=t("cloud.admin.pick_user"))
        with Horizontal(classes="field-row"):
            yield Label(t("cloud.admin.mailbox_smtp_auth"), classes="field-label", markup=False)
            yield LazySelect(
                [(t(f"cloud.admin.mailbox_smtp.{v}"), v) for v in ("default", "on", "off")],
                id="adm-mailbox-smtp",
                allow_blank=False,
                value="default",
                compact=True,
            )
        with Horizontal(classes="button-row"):
            yield Button(t("cloud.admin.revoke_sessions"), id="adm-revoke-sessions", compact=True)
            yield Label(t("cloud.admin.new_password"), id="adm-password-label", markup=False)
            yield Input(id="adm-password", password=True, compact=True)
            yield Button(t("cloud.admin.password_set"), id="adm-password-set", compact=True)
        yield Static(t("cloud.admin.conditional_access"), classes="page-subtitle", markup=False)
        yield OptionList(id="adm-ca-list")
        with Horizontal(classes="button-row"):
            yield Button(t("cloud.admin.ca_block_user"), id="adm-ca-block-user", compact=True)
            yield Button(t("cloud.admin.ca_block_dcf"), id="adm-ca-block-dcf", compact=True)
            yield Button(t("cloud.admin.ca_remove"), id="adm-ca-remove", compact=True)
        with Horizontal(classes="button-row"):
            yield Label(t("cloud.admin.time_travel"), classes="page-subtitle", markup=False)
            for step in TIME_STEPS:
                yield Button(t(f"cloud.admin.advance.{step}"), id=f"adm-advance-{step}", compact=True)
        yield Static(id="adm-clocks", markup=False)
        yield Static(id="adm-result", classes="page-result", markup=False)
        yield FaultsSection(id="adm-faults")  # below the fold at 80x24: Tab scrolls to it

    def on_mount(self) -> None:
        self.call_after_refresh(self.reload)  # a lazily built pane's Select is still mounting now

    def focus_first(self) -> None:
        """Into the pane (Enter or Down on the tab bar): its first switch, Security defaults."""
        if tenant_admin(self) is not None:
            self.query_one("#adm-security-defaults", Checkbox).focus()
        else:
            self._focus_when_ready = True

    # -- reading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the tenant's state (after the link is ready and after each change)."""
        admin = tenant_admin(self)
        available = admin is not None
        self.set_class(not available, "-unavailable")
        note = self.query_one("#adm-unavailable", Static)
        note.update("" if available else _why_unavailable(self))
        note.display = not available
        if admin is not None:
            self._load_state(admin)
            self.query_one(FaultsSection).reload()
            if self._focus_when_ready and self.region.area and isinstance(self.app.focused, (Tabs, type(None))):
                self.focus_first()
            self._focus_when_ready = False

    @work(thread=True, exclusive=True, group="cloud-admin-read", exit_on_error=False)
    @reported
    def _load_state(self, admin: TenantAdmin | RemoteTenantAdmin) -> None:
        try:
            state = admin.state()
        except ADMIN_FAILURES as exc:  # a remote tenant over HTTPS may not answer: said on the pane
            call_in_ui(self, self._show_result, tr(self, "cloud.admin.failed", detail=f"{type(exc).__name__}: {exc}"))
            return
        call_in_ui(self, self._apply_state, state)

    def _apply_state(self, state: JsonObject) -> None:
        self._state = state
        settings = state.get("settings", {})
        self._refreshing = True
        try:
            for box_id, key in (
                ("#adm-security-defaults", "security_defaults"),
                ("#adm-public-client", "public_client_flows"),
                ("#adm-org-smtp", "org_smtp_auth"),
            ):
                box = self.query_one(box_id, Checkbox)
                with box.prevent(Checkbox.Changed):
                    box.value = bool(settings.get(key))
            self.query_one("#adm-consent-state", Static).update(
                tr(self, "cloud.admin.consent_granted" if state.get("admin_consent") else "cloud.admin.consent_none")
            )
            users = state.get("users", [])
            user_select = self.query_one("#adm-user", Select)
            current = user_select.value
            upns = [u["upn"] for u in users]
            with user_select.prevent(Select.Changed):
                user_select.set_options([(u, u) for u in upns])
                if current in upns and self._user_picked:
                    user_select.value = current
                elif upns:
                    user_select.value = self._default_user(upns)
            self._show_mailbox_setting()
            self._show_size_limit(settings.get("message_size_limit"))
            ca = self.query_one("#adm-ca-list", OptionList)
            highlighted = ca.highlighted
            ca.clear_options()
            for policy in state.get("conditional_access", []):
                # a policy's name is the tenant's data: text, never markup
                ca.add_option(Option(Content(_policy_text(self, policy)), id=str(policy["id"])))
            if not state.get("conditional_access"):
                ca.add_option(Option(tr(self, "cloud.admin.ca_none"), id="none", disabled=True))
            elif highlighted is not None and highlighted < ca.option_count:
                ca.highlighted = highlighted
            self._show_clocks(state.get("now"))
        finally:
            self._refreshing = False

    def _default_user(self, upns: list[str]) -> str:
        """The printer's signed-in account (what 370 acts on), else its mailbox, else the first user."""
        signed_in = held_account(self).lower()
        for upn in upns:
            if signed_in and upn.lower() == signed_in:
                return upn
        printer = [u for u in upns if u.startswith("printer@")]
        return printer[0] if printer else upns[0]

    def _show_mailbox_setting(self) -> None:
        upn = self.query_one("#adm-user", Select).value
        for user in self._state.get("users", []):
            if user["upn"] == upn:
                value = user.get("smtp_auth")
                select = self.query_one("#adm-mailbox-smtp", Select)
                with select.prevent(Select.Changed):
                    select.value = "default" if value is None else ("on" if value else "off")

    def _show_size_limit(self, size: object) -> None:
        """The tenant's limit in whole MB when it is one, else in KB (rounded up), as typed."""
        if not isinstance(size, int) or size <= 0:
            return
        field = self.query_one("#adm-size-limit", Input)
        select = self.query_one("#adm-size-unit", Select)
        shown = self._shown_size
        if shown is not None and (field.value, select.value) != shown:
            return  # the user is typing a new limit: a state refresh must not wipe it
        unit = "mb" if size % SIZE_UNITS["mb"] == 0 else "kb"
        amount = str(-(-size // SIZE_UNITS[unit]))
        field.value = amount
        with select.prevent(Select.Changed):
            select.value = unit
        self._shown_size = (amount, unit)

    def _show_clocks(self, tenant_now: object) -> None:
        device_now = host(self).device.format_datetime()
        tenant_text = str(tenant_now or "")[:16].replace("T", " ")
        self.query_one("#adm-clocks", Static).update(
            tr(self, "cloud.admin.clocks", tenant=tenant_text, device=device_now)
        )

    def _show_result(self, text: str) -> None:
        self.query_one("#adm-result", Static).update(text)

    # -- changing ---------------------------------------------------------------------------

    @work(thread=True, group="cloud-admin-write", exit_on_error=False)
    @reported
    def _change(self, done_key: str, fn_name: str, *args: object, **kwargs: object) -> None:
        """The tenant admin's ``fn_name`` (time travel: the link's, moving the device's clock too)."""
        link = host(self).cloud_link
        try:
            if fn_name == "advance_clock" and link is not None:
                link.advance_clock(*args)  # type: ignore[arg-type]  # a TIME_STEPS timedelta
            else:
                getattr(tenant_admin(self), fn_name)(*args, **kwargs)
        except ADMIN_FAILURES as exc:  # refused by the tenant, or a remote one did not answer: said
            call_in_ui(self, self._change_failed, tr(self, "cloud.admin.failed", detail=f"{type(exc).__name__}: {exc}"))
            return
        call_in_ui(self, self._changed, done_key)

    def _changed(self, done_key: str) -> None:
        self._show_result(tr(self, done_key))
        # the result line is below the fold at 80x24: a toast says it where the user looks
        self.app.notify(tr(self, done_key), timeout=4)
        self.reload()

    def _change_failed(self, text: str) -> None:
        self._show_result(text)
        self.app.notify(text, severity="error", timeout=6)

    def _selected_user(self) -> str | None:
        value = self.query_one("#adm-user", Select).value
        return value if isinstance(value, str) else None

    @on(Checkbox.Changed, "#adm-security-defaults")
    def _security_defaults(self, event: Checkbox.Changed) -> None:
        if not self._refreshing and tenant_admin(self) is not None:
            self._change("cloud.admin.done", "set_security_defaults", event.value)

    @on(Checkbox.Changed, "#adm-public-client")
    def _public_client(self, event: Checkbox.Changed) -> None:
        if not self._refreshing and tenant_admin(self) is not None:
            self._change("cloud.admin.done", "set_public_client_flows", event.value)

    @on(Checkbox.Changed, "#adm-org-smtp")
    def _org_smtp(self, event: Checkbox.Changed) -> None:
        if not self._refreshing and tenant_admin(self) is not None:
            self._change("cloud.admin.done", "set_org_smtp_auth", event.value)

    @on(Select.Changed, "#adm-user")
    def _user_changed(self) -> None:
        if not self._refreshing:
            self._user_picked = True
            self._refreshing = True
            try:
                self._show_mailbox_setting()
            finally:
                self._refreshing = False

    @on(Select.Changed, "#adm-mailbox-smtp")
    def _mailbox_smtp(self, event: Select.Changed) -> None:
        upn = self._selected_user()
        if self._refreshing or tenant_admin(self) is None or upn is None:
            return
        value = {"on": True, "off": False}.get(str(event.value))
        self._change("cloud.admin.done", "set_mailbox_smtp_auth", upn, value)

    @on(Button.Pressed, "#adm-size-set")
    @on(Input.Submitted, "#adm-size-limit")
    def _set_size_limit(self, event: Button.Pressed | Input.Submitted) -> None:
        """Exchange's message size limit: a message over it is refused with 552 (the printer's 314)."""
        event.stop()
        if tenant_admin(self) is None:
            return
        text = self.query_one("#adm-size-limit", Input).value.strip()
        unit = str(self.query_one("#adm-size-unit", Select).value)
        amount = int(text) if text.isdigit() else 0
        if amount <= 0:
            self._change_failed(tr(self, "cloud.admin.size_invalid"))
            self.query_one("#adm-size-limit", Input).focus()
            return
        self._shown_size = None  # show what the tenant says once it has taken the new limit
        self._change("cloud.admin.size_done", "set_message_size_limit", amount * SIZE_UNITS.get(unit, 1))

    @on(Button.Pressed, "#adm-password-set")
    @on(Input.Submitted, "#adm-password")
    def _set_password(self, event: Button.Pressed | Input.Submitted) -> None:
        """A new password for the selected user: Entra ID revokes their sessions (the printer's 370)."""
        event.stop()
        upn = self._selected_user()
        field = self.query_one("#adm-password", Input)
        if tenant_admin(self) is None or upn is None:
            return
        if not field.value:
            self._change_failed(tr(self, "cloud.admin.password_empty"))
            field.focus()
            return
        password = field.value
        field.value = ""
        self._change("cloud.admin.password_done", "set_password", upn, password)

    @on(Button.Pressed, "#adm-consent-grant")
    def _grant(self) -> None:
        if tenant_admin(self) is not None:
            self._change("cloud.admin.done", "grant_admin_consent")

    @on(Button.Pressed, "#adm-consent-revoke")
    def _revoke(self) -> None:
        if tenant_admin(self) is not None:
            self._change("cloud.admin.done", "revoke_admin_consent")

    @on(Button.Pressed, "#adm-revoke-sessions")
    def _revoke_sessions(self) -> None:
        upn = self._selected_user()
        if tenant_admin(self) is not None and upn:
            self._change("cloud.admin.sessions_revoked", "revoke_sessions", upn)

    @on(Button.Pressed, "#adm-ca-block-user")
    def _ca_block_user(self) -> None:
        upn = self._selected_user()
        if tenant_admin(self) is not None and upn:
            name = tr(self, "cloud.admin.ca_name_user", user=upn)
            self._change("cloud.admin.done", "add_conditional_access_policy", name, users=(upn,))

    @on(Button.Pressed, "#adm-ca-block-dcf")
    def _ca_block_dcf(self) -> None:
        if tenant_admin(self) is not None:
            name = tr(self, "cloud.admin.ca_name_dcf")
            self._change(
                "cloud.admin.done", "add_conditional_access_policy", name, users=("all",), block_device_code_flow=True
            )

    @on(Button.Pressed, "#adm-ca-remove")
    def _ca_remove(self) -> None:
        ca = self.query_one("#adm-ca-list", OptionList)
        if tenant_admin(self) is None or ca.highlighted is None:
            return
        option = ca.get_option_at_index(ca.highlighted)
        if option.id and option.id != "none":
            self._change("cloud.admin.done", "remove_conditional_access_policy", option.id)

    @on(Button.Pressed)
    def _advance(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if not button_id.startswith("adm-advance-"):
            return
        step = button_id.removeprefix("adm-advance-")
        link = host(self).cloud_link
        if tenant_admin(self) is None and (link is None or link.mode != "microsoft"):
            return
        self._change("cloud.admin.advanced", "advance_clock", TIME_STEPS[step])

