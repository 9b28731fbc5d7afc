"""F4 › Admin centre › Network faults: faults set elsewhere show in the panel's words, and a
latency that is not a number of milliseconds is refused before anything reaches the tenant."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from device_model import Device
from panel_tui.cloud.admin_pane import AdminPane

from .helpers import screen_text, static_text
from .test_webconfig_support import linked_app, press_button, wait_until


async def test_faults_set_elsewhere_are_listed_and_a_bad_latency_is_refused(live_device: Device, tenant: Any) -> None:
    tenant.admin.dispatch("fault-set", {"kind": "reset", "endpoint": "smtp", "bytes": 100})
    tenant.admin.dispatch("fault-set", {"kind": "smtp", "code": 451, "times": 2})
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        await pilot.pause()
        app.screen.show_tab("admin")  # built when first opened
        await wait_until(pilot, lambda: bool(app.screen.query("#flt-active")), "the admin centre")
        pane = app.screen.query_one(AdminPane)
        await wait_until(pilot, lambda: "reset after 100 bytes" in static_text(app, "#flt-active"), "the faults")
        assert "MAIL FROM gets 451 (2 more times)" in static_text(app, "#flt-active")

        field = pane.query_one("#flt-ms", Input)
        field.value = ""
        await press_button(pilot, "#flt-latency-set")
        await pilot.pause()
        assert "0 to 600000" in static_text(app, "#flt-active")
        assert len(tenant.admin.dispatch("faults", {})) == 2  # nothing was sent

        await press_button(pilot, "#flt-clear")
        await wait_until(pilot, lambda: "No network faults." in screen_text(app), "the faults cleared")
        assert tenant.admin.dispatch("faults", {}) == []
