"""Troubleshooting scenarios inside the running panel: one runner per app.

The Scenarios tab of the Cloud surface, the command palette ("Scenario: ...") and
``panel-tui --scenario ID`` all go through :func:`runner_for`, so only one scenario runs at a
time and its outcomes survive a surface switch or a language change (the worker belongs to
the app, not to a pane). The steps are the catalog's, carried out by
:class:`panel_tui.scenarios.engine.Session` on the app's device and the cloud link's tenant:
msal, the sign-in pages and the admin API block, so the engine runs them in threads and the
worker itself stays on the app's loop.

Scenarios need an admin API on the tenant: the embedded tenant, or ``--cloud URL`` on the
same machine (its admin secret readable). With real Microsoft, or a remote tenant without
admin access, :func:`unavailable_reason` says why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from device_model.i18n import Msg

log = logging.getLogger(__name__)

#: the worker group of a running scenario (one at a time per app)
WORKER_GROUP = "scenario"


@dataclass
class LinkTenant:
    """What the engine needs of a tenant, from a remote link that has an admin API."""

    base_url: str
    ca_cert_path: Any
    accounts: list[Any]
    admin: Any


def tenant_for(link: Any) -> Any | None:
    """The engine's tenant for this cloud link, or None (see :func:`unavailable_reason`)."""
    if link is None or getattr(link, "state", "") != "ready":
        return None
    handle = getattr(link, "handle", None)
    if handle is not None:
        return handle
    admin = getattr(link, "admin", None)
    if admin is None or not link.info.accounts:
        return None
    return LinkTenant(link.info.base_url, link.info.ca_cert_path, list(link.info.accounts), admin)


def unavailable_reason(link: Any) -> Msg | None:
    """Why scenarios cannot run on this link right now (a message), or None when they can."""
    if link is None:
        return Msg.of("cloud.link.none")
    state = getattr(link, "state", "")
    if state == "failed":
        return Msg.of("cloud.link.failed", error=link.error or "")
    if getattr(link, "mode", "") == "microsoft":
        return Msg.of("cloud.scenarios.microsoft")
    if state != "ready":
        return Msg.of("cloud.link.starting")
    if tenant_for(link) is None:
        return Msg.of("cloud.scenarios.remote_unavailable")
    return None


@dataclass
class ScenarioRun:
    """One run: its outcomes so far, the step being carried out, and how it ended."""

    scenario: Any
    send: bool
    outcomes: list[Any] = field(default_factory=list)
    current: str = ""
    running: bool = True
    #: a step that could not be carried out (engine.StepError's text)
    error: str | None = None
    result: Any = None

    @property
    def ok(self) -> bool:
        return not self.running and self.error is None and all(o.ok for o in self.outcomes)


class ScenarioRunner:
    """Runs scenarios on the app's device and tenant; tells listeners (on the app's loop)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.run: ScenarioRun | None = None
        self._listeners: list[Callable[[ScenarioRun], None]] = []

    @property
    def busy(self) -> bool:
        return self.run is not None and self.run.running

    def subscribe(self, callback: Callable[[ScenarioRun], None]) -> Callable[[], None]:
        """Call ``callback(run)`` after every change of the current run; returns the unsubscriber."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return unsubscribe

    def _changed(self) -> None:
        run = self.run
        if run is None:
            return
        for callback in list(self._listeners):
            try:
                callback(run)
            except Exception:  # a listener (a pane being removed) must never stop the run
                log.exception("scenario listener failed")

    def start(self, scenario_id: str, *, send: bool = False) -> bool:
        """Apply the scenario (with ``send``, also Scan to Email and the check) in a worker.

        False (with a notification) when a scenario is already running or the tenant is not
        usable for scenarios.
        """
        from panel_tui.scenarios import catalog

        app = self.app
        scenario = catalog.get(scenario_id)
        if self.busy:
            app.notify(app.t("cloud.scenarios.busy", id=self.run.scenario.id), severity="warning")
            return False
        link = getattr(app, "cloud_link", None)
        reason = unavailable_reason(link)
        if reason is not None:
            app.notify(app.t("cloud.scenarios.cannot", reason=reason), severity="warning", timeout=8, markup=False)
            return False
        self.run = ScenarioRun(scenario, send)
        self._changed()
        app.run_worker(self._run(self.run, tenant_for(link)), group=WORKER_GROUP, exit_on_error=False,
                       name=f"scenario {scenario.id}")
        return True

    async def _run(self, run: ScenarioRun, tenant: Any) -> None:
        from panel_tui.scenarios import engine

        app = self.app
        device = app.device
        session = engine.Session(device, tenant)
        result = engine.ScenarioResult(run.scenario.id)
        steps = run.scenario.steps if run.send else run.scenario.setup
        try:
            for step in steps:
                run.current = step.describe()
                self._changed()
                outcome = await session.step(step)
                run.outcomes.append(outcome)
                result.outcomes.append(outcome)
        except engine.StepError as exc:
            run.error = str(exc)
        except Exception as exc:  # pragma: no cover - the engine turns failures into StepError
            log.exception("scenario %s failed", run.scenario.id)
            run.error = engine._describe_error(exc)
        finally:
            result.job = session.job
            run.result = result
            run.current = ""
            run.running = False
            self._changed()
        self._notify_end(run)

    def _notify_end(self, run: ScenarioRun) -> None:
        app = self.app
        sid = run.scenario.id
        if run.error is not None:
            app.notify(app.t("cloud.scenarios.notify_error", id=sid, error=run.error), severity="error", timeout=10,
                       markup=False)
        elif not run.ok:
            app.notify(app.t("cloud.scenarios.notify_failed", id=sid), severity="warning", timeout=8)
        elif run.send:
            app.notify(app.t("cloud.scenarios.notify_sent", id=sid, code=code_text(app, run.result.code)), timeout=6)
        else:
            app.notify(app.t("cloud.scenarios.notify_applied", id=sid), timeout=6)


def code_text(app: Any, code: Any) -> str:
    """An expected or resulting code as the panel says it: ``360``, or "Completed"."""
    if isinstance(code, str) and not code.isdigit():
        return str(app.t(f"device.job.status.{code}"))
    return str(code)


def runner_for(app: Any) -> ScenarioRunner:
    """The app's runner (created on first use)."""
    runner = getattr(app, "scenario_runner", None)
    if runner is None:
        runner = ScenarioRunner(app)
        app.scenario_runner = runner
    return runner


async def open_and_apply(app: Any, scenario_id: str, *, send: bool = False) -> None:
    """Apply a scenario and show its outcomes on the Cloud surface's Scenarios tab."""
    started = runner_for(app).start(scenario_id, send=send)
    if app.current_mode != "cloud":
        # A Cloud screen made now opens on the Scenarios tab: setting the tab right after its
        # mount would race with the tab bar's own first activation.
        app.cloud_first_tab = "scenarios"
        try:
            await app.switch_mode("cloud")
        finally:
            app.cloud_first_tab = None
    show = getattr(app.screen, "show_tab", None)
    if show is not None:
        show("scenarios")
        for pane in app.screen.query("#scenarios-pane"):
            pane.focus_list()
    if not started:
        log.info("scenario %s not started", scenario_id)


def start_requested(app: Any) -> None:
    """``panel-tui --scenario ID``: apply it once the tenant is ready (called again on each link change)."""
    scenario_id = getattr(app, "startup_scenario", None)
    if not scenario_id:
        return
    link = getattr(app, "cloud_link", None)
    state = getattr(link, "state", "")
    if state not in ("ready", "failed"):
        return  # wait for the next CloudLinkStatus
    app.startup_scenario = None
    runner_for(app).start(scenario_id)


# -- the command palette ------------------------------------------------------------------------


def scenario_commands() -> type:
    """The command palette's provider class (imported only when the palette opens)."""
    from functools import partial

    from textual.command import DiscoveryHit, Hit, Hits, Provider

    from panel_tui.scenarios import catalog

    class ScenarioCommands(Provider):
        """ "Scenario: <title>": apply it and watch the outcomes on the Scenarios tab."""

        def _entries(self) -> list[tuple[str, str, Any]]:
            app = self.app
            entries = []
            for sc in catalog.SCENARIOS:
                name = app.t("cloud.scenarios.command", title=app.t(sc.title))
                help_text = app.t("cloud.scenarios.command_help", id=sc.id, code=code_text(app, sc.code))
                entries.append((name, help_text, partial(open_and_apply, app, sc.id)))
            return entries

        async def discover(self) -> Hits:
            for name, help_text, callback in self._entries():
                yield DiscoveryHit(name, callback, help=help_text)

        async def search(self, query: str) -> Hits:
            matcher = self.matcher(query)
            for name, help_text, callback in self._entries():
                score = max(matcher.match(name), matcher.match(help_text))
                if score > 0:
                    yield Hit(score, matcher.highlight(name), callback, text=name, help=help_text)

    return ScenarioCommands
