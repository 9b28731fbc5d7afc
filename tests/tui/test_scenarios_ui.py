"""Scenarios in the running panel (docs/SCENARIOS.md): the Cloud surface's Scenarios tab, the
command palette's "Scenario: ..." entries and ``panel-tui --scenario ID``.

The real stack, as in the other issue-4 surface tests: a simulated tenant on loopback (1 s
device-code interval), msal and the sign-in pages over HTTPS, aiosmtplib over STARTTLS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, OptionList, TabbedContent, Tabs

from device_model import Device, DeviceProfile
from panel_tui.app import PanelApp
from panel_tui.scenario_runner import runner_for
from panel_tui.cloud.screens import CloudScreen
from panel_tui.cloud.signin_pane import SignInPane
from panel_tui.cloud_link import READY, CloudLink
from panel_tui.config import AppConfig
from panel_tui.scenarios import catalog

from .conftest import make_app, make_device
from .helpers import screen_text, static_text
from .test_cloud_snapshots import _ready_link as ready_link
from .test_webconfig_support import (
    ADMIN,
    linked_app,
    wait_until,
)

IDS = [sc.id for sc in catalog.SCENARIOS]


def finished(app: PanelApp) -> bool:
    run = runner_for(app).run
    return run is not None and not run.running


async def open_scenarios_tab(pilot: Any, app: PanelApp) -> CloudScreen:
    """Keyboard only: F4, back to the tab bar, right to "Scenarios", Tab into the list."""
    await pilot.press("f4")
    await wait_until(pilot, lambda: isinstance(app.screen, CloudScreen), "the Cloud surface")
    cloud = app.screen
    # the sign-in tab focuses its field once its first page is loaded: let that happen first
    signin = cloud.query_one(SignInPane)
    await wait_until(pilot, lambda: signin.kind in ("code", "error", "unavailable"), "the sign-in page")
    await pilot.pause()
    for _ in range(5):
        if type(app.focused).__name__ == "ContentTabs":
            break
        await pilot.press("shift+tab")
    await pilot.press("right", "right", "right")
    await wait_until(pilot, lambda: cloud.query_one("#cloud-tabs", TabbedContent).active == "cloud-scenarios",
                     "the Scenarios tab")
    await pilot.press("tab")
    await wait_until(pilot, lambda: app.focused is cloud.query_one("#scn-list", OptionList), "the list focused")
    return cloud


async def highlight(pilot: Any, app: PanelApp, scenario_id: str) -> None:
    options = app.screen.query_one("#scn-list", OptionList)
    await pilot.press("home")
    await pilot.press(*["down"] * IDS.index(scenario_id))
    assert options.get_option_at_index(options.highlighted).id == scenario_id
    assert static_text(app, "#scn-description").startswith(scenario_id)


async def test_apply_and_send_from_the_scenarios_tab(live_device: Device, tenant: Any) -> None:
    device = live_device
    app = linked_app(device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_scenarios_tab(pilot, app)
        text = screen_text(app)
        assert "Signed in but not saved with OK (360)" in text and "Apply and send" in text

        # Enter: set 360-not-saved up (signed in in the browser, OK never clicked)
        await highlight(pilot, app, "360-not-saved")
        await pilot.press("enter")
        await wait_until(pilot, lambda: finished(app), "360-not-saved to be set up", timeout=60)
        run = runner_for(app).run
        assert run.ok and not run.send and run.error is None
        # the pane hears the runner's signal one message after the run ends
        await wait_until(pilot, lambda: "Set up." in static_text(app, "#scn-log"), "the log's last line")
        log = static_text(app, "#scn-log")
        assert "360-not-saved: Signed in but not saved with OK (360)" in log
        assert "ok    Start from the baseline: the tenant as prepared" in log  # the panel's words, not the script's
        assert f"ok    Sign in as admin, without OK: signed in as {ADMIN}, not saved" in log
        assert "Set up. Scan to Email (F2 panel) should now give 360" in log
        # said in the log's last line only: the toast covered the right half of it
        await pilot.pause(0.3)
        assert not any("is set up" in str(n.message) for n in app._notifications), list(app._notifications)
        assert device.email.status().state == "not_signed_in"
        assert not device.jobs.log  # set up only: nothing was sent
        assert all(not b.disabled for b in app.screen.query("#scn-buttons Button").results(Button))

        # S: 313-unreachable set up, sent and checked; the job's code is shown
        await highlight(pilot, app, "313-unreachable")
        await pilot.press("s")
        await wait_until(pilot, lambda: runner_for(app).busy or finished(app), "the run to start")
        await wait_until(pilot, lambda: finished(app), "313-unreachable to be sent", timeout=60)
        run = runner_for(app).run
        assert run.scenario.id == "313-unreachable" and run.send and run.ok, run.outcomes
        assert run.result.code == 313
        job = device.jobs.log[0]
        assert (job.status, job.code) == ("error", 313)
        assert device.email.status().state == "signed_in"
        assert device.settings.email_server.smtp_server == "127.0.0.1"
        await wait_until(pilot, lambda: "As expected" in static_text(app, "#scn-log"), "the log's last line")
        log = static_text(app, "#scn-log")
        assert f"Job {job.id}: Error 313" in log
        assert "A communication error occurred." in log
        assert "As expected: 313." in log
        assert "ok    Check: the job gives 313: job 1: Error 313" in log
        assert "Apply and send" in screen_text(app)


async def test_command_palette_applies_a_scenario(live_device: Device, tenant: Any) -> None:
    device = live_device
    app = linked_app(device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Scenario: 91 days")
        await wait_until(pilot, lambda: "Scenario: 91 days without sending" in screen_text(app),
                         "the palette entry")
        await pilot.press("enter")
        await wait_until(pilot, lambda: finished(app), "361-expired to be set up", timeout=60)
        run = runner_for(app).run
        assert run.scenario.id == "361-expired" and run.ok, run.outcomes
        cloud = app.screen
        assert isinstance(cloud, CloudScreen)
        assert cloud.query_one("#cloud-tabs", TabbedContent).active == "cloud-scenarios"
        assert app.focused is cloud.query_one("#scn-list", OptionList)
        options = cloud.query_one("#scn-list", OptionList)
        assert options.get_option_at_index(options.highlighted).id == "361-expired"
        assert "Time travel 91d (tenant and printer)" in static_text(app, "#scn-log")
        assert device.email.status().state == "expired"


async def test_startup_scenario_applies_once_the_tenant_is_ready(live_device: Device, tenant: Any) -> None:
    """`panel-tui --scenario 312-smtp-auth-off`: the panel opens in that situation."""
    device = live_device
    app = linked_app(device, tenant)
    app.startup_scenario = "312-smtp-auth-off"
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: finished(app), "the scenario from the command line", timeout=60)
        assert runner_for(app).run.ok
        assert app.startup_scenario is None  # applied once
        assert app.current_mode == "panel"  # the panel stays in front
        assert device.email.status().state == "signed_in"
        assert not tenant.admin.state()["settings"]["org_smtp_auth"]
        await wait_until(pilot, lambda: any("312-smtp-auth-off is set up" in n.message for n in app._notifications),
                         "the notification")


@dataclass(frozen=True)
class QuickTenantConfig(AppConfig):
    """The app's own embedded tenant with a 1 s device-code interval (the link reads tenant_options)."""

    tenant_options: dict[str, Any] = field(default_factory=lambda: {"device_code_interval": 1})


async def test_startup_scenario_waits_for_the_embedded_tenant(tmp_path: Path) -> None:
    """The real start: the app starts its own tenant after the first frame, then the scenario runs."""
    device = Device(tmp_path, profile=DeviceProfile.default())
    app = PanelApp(device, QuickTenantConfig(state_dir=tmp_path), tick=False, cloud=True)
    app.startup_scenario = "361-expired"
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: finished(app), "the tenant and the scenario", timeout=60)
        assert app.cloud_link.tenant_pid is not None  # the app's own embedded tenant, in its process
        assert runner_for(app).run.ok, runner_for(app).run.outcomes
        assert device.email.status().state == "expired"


async def test_startup_scenario_shows_from_the_first_frame_and_holds_an_early_scan(
        tmp_path: Path, monkeypatch: Any) -> None:
    """`panel-tui --scenario 370-revoked`: the status bar says "Setting up scenario ..." from the
    first frame until it is set up, and a Scan to Email started meanwhile (trial 3: about 5 s in,
    on a loaded machine, it gave a misleading 360 on the half-set-up printer) waits, says so, and
    then gives 370. The scenario's first step is held until the scan was started, so the test
    does not depend on how fast this machine starts the tenant."""
    import asyncio

    from textual.widgets import Input

    from panel_tui.scan.screens import ScanScreen
    from panel_tui.scenarios import engine

    gate = asyncio.Event()
    step = engine.Session.step

    async def held_step(self: engine.Session, what: Any) -> Any:
        await gate.wait()
        return await step(self, what)

    monkeypatch.setattr(engine.Session, "step", held_step)
    device = Device(tmp_path, profile=DeviceProfile.default())
    app = PanelApp(device, QuickTenantConfig(state_dir=tmp_path), tick=False, cloud=True)
    app.startup_scenario = "370-revoked"
    async with app.run_test(size=(80, 24)) as pilot:
        assert static_text(app, "#device-name") == "Setting up scenario 370-revoked..."  # the first frame
        await pilot.press("left", "enter", "enter")  # the Scan tile, Email
        assert isinstance(app.screen, ScanScreen)
        app.screen.query_one("#scan-to", Input).value = "printer@contoso.onmicrosoft.com"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Setting up scenario 370-revoked: the scan to printer@contoso.onmicrosoft.com "
                         "starts when it is set up." in static_text(app, "#scan-result"), "the waiting line")
        await wait_until(pilot, lambda: runner_for(app).run is not None, "the tenant (the scenario starts)", timeout=60)
        await pilot.pause(0.3)
        assert not device.jobs.active and not device.jobs.log  # nothing sent into the half-set-up printer
        assert static_text(app, "#device-name") == "Setting up scenario 370-revoked..."
        gate.set()
        await wait_until(pilot, lambda: finished(app), "the scenario", timeout=60)
        assert runner_for(app).run.ok, runner_for(app).run.outcomes
        await wait_until(pilot, lambda: "Error 370" in static_text(app, "#scan-result"), "the scan's result", timeout=60)
        assert [job.code for job in device.jobs.log] == [370]
        await wait_until(pilot, lambda: static_text(app, "#device-name") == device.network_status().device_name,
                         "the device name again")


async def test_scenarios_through_the_tenants_own_process(tmp_path: Path) -> None:
    """What the in-process tenant offered, through the admin API of the tenant's own process:
    each run's reset, time travel (both clocks), a tenant switch, a network fault and the
    panel-side relay, each sent and ending in its code."""
    device = Device(tmp_path, profile=DeviceProfile.default())
    app = PanelApp(device, QuickTenantConfig(state_dir=tmp_path), tick=False, cloud=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.cloud_link is not None and app.cloud_link.state == READY,
                         "the tenant's process", timeout=60)
        assert app.cloud_link.tenant_pid is not None and app.cloud_link.handle is None
        admin = app.cloud_link.admin
        for scenario_id in ("361-expired", "314-too-large", "313-smtp-busy", "relay-ca-imported"):
            assert runner_for(app).start(scenario_id, send=True)
            await wait_until(pilot, lambda: finished(app), scenario_id, timeout=60)
            run = runner_for(app).run
            assert run.ok, (scenario_id, run.error, [(o.ok, o.text) for o in run.outcomes])
            assert run.result is not None and str(run.result.code) == str(catalog.get(scenario_id).code)
            if scenario_id == "361-expired":  # +91 days on both clocks, together
                ahead = admin.now() - datetime.now(timezone.utc)
                assert timedelta(days=90) < ahead < timedelta(days=92)
                assert abs((device.clock.now() - admin.now()).total_seconds()) < 60
            if scenario_id == "313-smtp-busy":
                assert admin.dispatch("faults", {})  # the fault lives in the tenant's process
        assert admin.dispatch("faults", {}) == []  # the next run's reset cleared it
        assert abs((device.clock.now() - admin.now()).total_seconds()) < 60  # still together


async def test_remote_tenant_without_admin_says_why_in_latvian(tmp_path: Path) -> None:
    device = Device(tmp_path / "device", profile=DeviceProfile.default())
    device.update("basic", language="lv")
    config = AppConfig(state_dir=device.state_dir, cloud_url="https://127.0.0.1:9")
    app = PanelApp(device, config, tick=False, cloud=False)
    link = CloudLink(device, config)
    link.state = READY  # connected, but the tenant's admin secret is not readable here
    app.cloud_link = link
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        cloud = app.screen
        await pilot.pause()
        cloud.show_tab("scenarios")
        await wait_until(pilot, lambda: "Lietot un sūtīt" in screen_text(app), "the Scenarios tab")
        assert "Scenāriji" in screen_text(app)
        assert "Scenārijiem vajadzīgs iebūvētais nomnieks" in static_text(app, "#scn-unavailable")
        assert all(b.disabled for b in cloud.query("#scn-buttons Button").results(Button))
        cloud.query_one("#scn-list", OptionList).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("Scenāriju nevar palaist" in n.message for n in app._notifications),
                         "the notification")
        assert runner_for(app).run is None

        # how a step that could not run is shown (brackets are text, not markup)
        from panel_tui.scenario_runner import ScenarioRun

        run = ScenarioRun(catalog.get("313-unreachable"), True, running=False, error="smtp_port: [1-65535]")
        cloud.query_one("#scenarios-pane").show_run(run)
        await pilot.pause()
        log = static_text(app, "#scn-log")
        assert log.splitlines()[0].startswith("313-unreachable: ") and "(lietot un sūtīt)" in log
        assert "Neizdevās izpildīt: smtp_port: [1-65535]" in log


async def test_remote_tenant_with_admin_over_https(tmp_path: Path, live_device: Device, tenant: Any) -> None:
    """`--cloud URL` on this machine: the admin API over HTTPS is enough for scenarios."""
    from panel_tui.scenario_runner import LinkTenant, tenant_for

    device = live_device
    config = AppConfig(state_dir=tmp_path / "app", cloud_url=tenant.base_url, cloud_ca=tenant.ca_cert_path)
    app = PanelApp(device, config, tick=False, cloud=False)
    link = CloudLink(device, config)
    link.start_blocking()
    assert link.state == READY and link.admin is not None, link.error
    app.cloud_link = link
    assert isinstance(tenant_for(link), LinkTenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_scenarios_tab(pilot, app)
        assert not app.screen.query_one("#scn-unavailable").display
        await highlight(pilot, app, "370-revoked")
        await pilot.press("s")
        await wait_until(pilot, lambda: finished(app), "370-revoked over --cloud", timeout=60)
        run = runner_for(app).run
        assert run.ok and run.result.code == 370, run.outcomes
        assert device.jobs.log[0].code == 370
        await wait_until(pilot, lambda: "As expected" in static_text(app, "#scn-log"), "the log's last line")
        assert "As expected: 370." in static_text(app, "#scn-log")


def test_why_scenarios_cannot_run() -> None:
    from types import SimpleNamespace

    from panel_tui.scenario_runner import tenant_for, unavailable_reason

    def link(**kw: Any) -> Any:
        base = dict(state=READY, mode="remote", handle=None, admin=None, error=None,
                    info=SimpleNamespace(base_url="https://127.0.0.1:9", ca_cert_path=None, accounts=[]))
        return SimpleNamespace(**{**base, **kw})

    assert unavailable_reason(None).key == "cloud.link.none"
    assert unavailable_reason(link(state="starting")).key == "cloud.link.starting"
    failed = unavailable_reason(link(state="failed", error="ConnectionRefusedError"))
    assert failed.key == "cloud.link.failed" and failed.params["error"] == "ConnectionRefusedError"
    assert unavailable_reason(link(mode="microsoft")).key == "cloud.scenarios.microsoft"
    assert unavailable_reason(link()).key == "cloud.scenarios.remote_unavailable"
    handle = object()
    assert tenant_for(link(mode="embedded", handle=handle)) is handle
    assert unavailable_reason(link(mode="embedded", handle=handle)) is None


@pytest.mark.parametrize("lang, tabs_line, scenario_keys", [
    ("en", "Shift+Tab/←→ Tabs", "Enter Apply  S Apply and send  ←→ Tabs"),
    ("lv", "Shift+Tab/←→ Cilnes", "Enter Lietot  S Lietot un sūtīt  ←→ Cilnes"),
])
async def test_the_key_line_names_the_scenarios_keys_while_the_cursor_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, tabs_line: str, scenario_keys: str
) -> None:
    """F4's key line read "Shift+Tab ←→ Tabs" (one key combination?) and, on Scenarios, still
    "Enter Select  Space Tick", where Enter applies and S also sends: on the tab bar it names
    Shift+Tab or ←→ for the tabs, in the Scenarios list its Enter and S, and back on the tab bar
    the surface's line again."""
    monkeypatch.setattr(SignInPane, "restart", lambda self: None)  # no tenant to open
    app = make_app(make_device(tmp_path / "state", lang=lang))
    app.cloud_link = ready_link(app.device, app.config)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        await pilot.pause()
        app.screen.query_one(SignInPane)._page_here()  # no tenant: keys need not wait for its page
        app.screen.query_one(Tabs).focus()
        await pilot.pause()
        assert tabs_line in static_text(app, "#cloud-hints")
        await pilot.press("left", "enter")  # Scenarios, into its list
        await wait_until(pilot, lambda: isinstance(app.focused, OptionList), "the list focused")
        await wait_until(pilot, lambda: static_text(app, "#cloud-hints").startswith(scenario_keys),
                         "the Scenarios keys on the key line")
        await pilot.press("shift+tab")  # the tab bar again
        await wait_until(pilot, lambda: tabs_line in static_text(app, "#cloud-hints"), "the surface's key line")


@pytest.mark.parametrize("lang", ["en", "lv"])
async def test_a_class_student_sees_only_why_scenarios_are_the_trainers(
        tmp_path: Path, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A student's F4 > Scenarios said "ask your trainer" above the list, the Apply buttons and
    "Enter sets it up", which all said otherwise (trial 4): the note alone."""
    monkeypatch.setenv("PANEL_TUI_STUDENT", "ann@contoso.onmicrosoft.com")
    device = Device(tmp_path / "device", profile=DeviceProfile.default())
    device.update("basic", language=lang)
    config = AppConfig(state_dir=device.state_dir, cloud_url="https://127.0.0.1:9")
    app = PanelApp(device, config, tick=False, cloud=False)
    link = CloudLink(device, config)
    link.state = READY  # the class tenant: its admin secret is the trainer's
    app.cloud_link = link
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        await pilot.pause()
        app.screen.show_tab("scenarios")
        note = device.t("cloud.scenarios.class_student")
        await wait_until(pilot, lambda: note in screen_text(app), "the note")
        text = screen_text(app)
        for hidden in ("cloud.scenarios.apply_send", "cloud.scenarios.idle"):
            assert device.t(hidden).split(".")[0] not in text, (hidden, text)
        assert not app.screen.query_one("#scn-list", OptionList).display
