"""F4 › Admin centre › Network faults: the tenant's faults one switch at a time.

The network faults testers meet on real networks (``cloud_sim.faults``; docs/SCENARIOS.md) were
reachable only through whole scenarios. Here each is a switch of its own, by keyboard at 80×24:
latency per endpoint (type the milliseconds, Enter or Set), the identity platform down, Exchange's
temporary SMTP failures 421 and 451 (until cleared), and Clear. The list under the buttons shows
what is active, also faults set elsewhere (a script, ``cloud-sim admin fault``), in the panel's
language. Every call goes through the tenant admin's ``dispatch`` (in-process or over HTTPS
alike) in a worker thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from panel_tui.cloud.tenant_admin import tenant_admin
from panel_tui.cloud_link import ADMIN_FAILURES
from panel_tui.ui.lazy_select import LazySelect
from panel_tui.ui.text import tr
from panel_tui.ui.workers import call_in_ui, reported

#: the endpoints a latency applies to (``cloud_sim.faults.ENDPOINTS``), in the order offered
ENDPOINTS = ("smtp", "idp", "token", "devicecode", "discovery")
#: the longest latency the tenant takes (``cloud_sim.faults``: 0-600 000 ms)
MAX_MS = 600_000


class FaultsSection(Vertical):
    """The Network faults section of the admin centre (a part of ``AdminPane``)."""

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        yield Static(t("cloud.faults.title"), classes="page-subtitle", markup=False)
        with Horizontal(classes="field-row"):
            yield Label(t("cloud.faults.latency"), classes="field-label", markup=False)
            yield LazySelect([(t(f"cloud.faults.endpoint.{e}"), e) for e in ENDPOINTS], id="flt-endpoint",
                         allow_blank=False, value="smtp", compact=True)
            yield Input(id="flt-ms", max_length=6, restrict=r"[0-9]*", compact=True, value="1500")
            yield Label(t("cloud.faults.ms"), id="flt-ms-unit", markup=False)
            yield Button(t("cloud.faults.latency_set"), id="flt-latency-set", compact=True)
        with Horizontal(classes="button-row"):
            yield Button(t("cloud.faults.idp_down"), id="flt-idp-down", compact=True)
            yield Button(t("cloud.faults.smtp", code=421), id="flt-smtp-421", compact=True)
            yield Button(t("cloud.faults.smtp", code=451), id="flt-smtp-451", compact=True)
            yield Button(t("cloud.faults.clear"), id="flt-clear", compact=True)
        yield Static(t("cloud.faults.none"), id="flt-active", markup=False)

    def on_mount(self) -> None:
        self.reload()

    # -- reading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the active faults (the admin centre reloads after each of its changes too)."""
        if tenant_admin(self) is not None:
            self._call("faults", {})

    def _show(self, faults: object) -> None:
        items = faults if isinstance(faults, list) else []
        lines = [fault_text(self, f) for f in items if isinstance(f, Mapping)]
        text = "\n  ".join([tr(self, "cloud.faults.active"), *lines]) if lines else tr(self, "cloud.faults.none")
        self.query_one("#flt-active", Static).update(text)
        # below the fold at 80x24: the admin centre scrolls to its end (this list) once laid out
        scroll = next((a for a in self.ancestors if isinstance(a, ScrollableContainer)), None)
        if scroll is not None:
            scroll.call_after_refresh(scroll.scroll_end, animate=False)

    # -- changing ---------------------------------------------------------------------------

    @work(thread=True, group="cloud-faults", exit_on_error=False)
    @reported
    def _call(self, op: str, args: dict[str, Any]) -> None:
        """One fault operation, then the active list again."""
        admin = tenant_admin(self)
        if admin is None:
            return
        try:
            if op != "faults":
                admin.dispatch(op, args)
            faults = admin.dispatch("faults", {})
        except ADMIN_FAILURES as exc:  # refused, or a remote tenant did not answer: said
            call_in_ui(self, self._failed, tr(self, "cloud.admin.failed", detail=f"{type(exc).__name__}: {exc}"))
            return
        call_in_ui(self, self._show, faults)  # the list, brought into view, says it (a toast would cover it)

    def _failed(self, text: str) -> None:
        self.query_one("#flt-active", Static).update(text)
        self.app.notify(text, severity="error", timeout=6)

    @on(Button.Pressed, "#flt-latency-set")
    @on(Input.Submitted, "#flt-ms")
    def _latency(self, event: Button.Pressed | Input.Submitted) -> None:
        event.stop()
        field = self.query_one("#flt-ms", Input)
        text = field.value.strip()
        if not text.isdigit() or int(text) > MAX_MS:
            self._failed(tr(self, "cloud.faults.ms_invalid", max=MAX_MS))
            field.focus()
            return
        endpoint = str(self.query_one("#flt-endpoint", Select).value)
        self._call("fault-set", {"kind": "latency", "endpoint": endpoint, "ms": int(text)})

    @on(Button.Pressed, "#flt-idp-down")
    def _idp_down(self, event: Button.Pressed) -> None:
        event.stop()
        self._call("fault-set", {"kind": "idp-down"})

    @on(Button.Pressed, "#flt-smtp-421, #flt-smtp-451")
    def _smtp(self, event: Button.Pressed) -> None:
        event.stop()
        code = int(str(event.button.id).rsplit("-", 1)[1])
        self._call("fault-set", {"kind": "smtp", "code": code})

    @on(Button.Pressed, "#flt-clear")
    def _clear(self, event: Button.Pressed) -> None:
        event.stop()
        self._call("fault-clear", {})


def fault_text(node: Any, fault: Mapping[str, Any]) -> str:
    """One active fault in the panel's language (the tenant's list: kind and its arguments)."""
    kind = str(fault.get("kind", ""))
    endpoint = str(fault.get("endpoint", ""))
    where = tr(node, f"cloud.faults.endpoint.{endpoint}") if endpoint in ENDPOINTS else endpoint
    if kind == "latency":
        return tr(node, "cloud.faults.is.latency", endpoint=where, ms=fault.get("ms", "?"))
    if kind == "reset":
        return tr(node, "cloud.faults.is.reset", endpoint=where, bytes=fault.get("bytes", "?"))
    if kind == "hang":
        return tr(node, "cloud.faults.is.hang", endpoint=where)
    if kind == "idp-down":
        return tr(node, "cloud.faults.is.idp_down")
    if kind == "smtp":
        times = fault.get("times")
        text = tr(node, "cloud.faults.is.smtp", code=fault.get("code", "?"))
        return text if times is None else f"{text} ({tr(node, 'cloud.faults.is.times', n=times)})"
    return kind
