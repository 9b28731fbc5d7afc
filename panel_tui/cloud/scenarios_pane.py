"""The Cloud surface's Scenarios tab: each error code of the guide on demand (docs/SCENARIOS.md).

The catalog (code, title in the panel's language, id and description of the highlighted one);
Enter applies the highlighted scenario to the running device and tenant, S also sends the Scan to
Email and shows the job's code. Each step's outcome shows as it happens. The run itself belongs
to the app's :class:`~panel_tui.scenario_runner.ScenarioRunner`, so it goes on when the
user switches surfaces and the pane shows it again on return.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from panel_tui.scenario_runner import ScenarioRun, code_text, runner_for, unavailable_reason
from panel_tui.scenarios import catalog
from panel_tui.scenarios.wording import label
from panel_tui.ui.host import host
from panel_tui.ui.text import tr


class ScenariosPane(Vertical):
    """The scenario list, Apply / Apply and send, and the outcomes of the current run."""

    BINDINGS = [
        Binding("s", "apply(True)", "Apply and send", show=False),
    ]
    #: the run's end is said in the result lines here; the runner's toast, over the pane's
    #: bottom right, covered the last of them (scenario_runner._shown_in_place)
    SHOWS_SCENARIO_RUNS = True

    # 80x24: header, tabs and hints leave 19 rows: list 7, description 3, buttons 1, outcomes 8.
    DEFAULT_CSS = """
    ScenariosPane {
        height: 1fr;
    }
    ScenariosPane #scn-unavailable {
        height: auto;
    }
    ScenariosPane #scn-list {
        height: auto;
        max-height: 7;
        border: none;
        padding: 0;
    }
    ScenariosPane #scn-description {
        height: 3;
        overflow: hidden;
    }
    ScenariosPane #scn-buttons {
        height: 1;
    }
    ScenariosPane #scn-buttons > Button {
        width: auto;
        min-width: 8;
        margin-right: 2;
    }
    ScenariosPane #scn-keys {
        width: 1fr;
    }
    ScenariosPane #scn-log-box {
        height: 1fr;
        margin-top: 1;
    }
    ScenariosPane #scn-log {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        yield Static(id="scn-unavailable", classes="page-note", markup=False)
        yield OptionList(
            *(Option(f"{code_text(host(self), sc.code):<9} {t(sc.title)}", id=sc.id) for sc in catalog.SCENARIOS),
            id="scn-list",
        )
        yield Static(id="scn-description", classes="page-note", markup=False)
        with Horizontal(id="scn-buttons"):
            yield Button(t("cloud.scenarios.apply"), id="scn-apply", compact=True)
            yield Button(t("cloud.scenarios.apply_send"), id="scn-send", compact=True)
            yield Static(t("cloud.scenarios.keys"), id="scn-keys", classes="page-note", markup=False)
        with VerticalScroll(id="scn-log-box"):
            yield Static(t("cloud.scenarios.idle"), id="scn-log", markup=False)

    def on_mount(self) -> None:
        runner = runner_for(self.app)
        runner.changed.subscribe(self, self.show_run)
        options = self.query_one("#scn-list", OptionList)
        if runner.run is not None:
            options.highlighted = self._index_of(runner.run.scenario.id)
        elif options.option_count:
            options.highlighted = 0
        self._describe()
        self.reload()
        if runner.run is not None:
            self.show_run(runner.run)

    def on_unmount(self) -> None:
        # the runner is the app's: its subscription would hold this pane and its surface
        runner_for(self.app).changed.unsubscribe(self)

    def focus_list(self) -> None:
        self.query_one("#scn-list", OptionList).focus()

    def focus_first(self) -> None:
        """Into the pane (Enter or Down on the tab bar): the scenario list."""
        self.focus_list()

    def _index_of(self, scenario_id: str) -> int:
        ids = [sc.id for sc in catalog.SCENARIOS]
        return ids.index(scenario_id) if scenario_id in ids else 0

    # -- state ------------------------------------------------------------------------------

    def reload(self) -> None:
        """The link changed: say whether scenarios can run here."""
        reason = unavailable_reason(host(self).cloud_link)
        note = self.query_one("#scn-unavailable", Static)
        note.update(tr(self, reason) if reason is not None else "")
        note.display = reason is not None
        # not disabled while a run goes on: a focused button would lose the focus (a second
        # Apply says that one is running)
        for button in self.query(Button):
            button.disabled = reason is not None
        # a class's student: the note is all there is (she saw "ask your trainer" above a list,
        # buttons and "Enter sets it up" that all said otherwise); a tester on a remote tenant
        # still reads the list and what each scenario does
        offered = reason is None or reason.key != "cloud.scenarios.class_student"
        for part in ("#scn-list", "#scn-description", "#scn-buttons", "#scn-log-box"):
            self.query_one(part).display = offered

    @property
    def selected(self) -> catalog.Scenario | None:
        options = self.query_one("#scn-list", OptionList)
        if options.highlighted is None:
            return None
        option = options.get_option_at_index(options.highlighted)
        return catalog.BY_ID.get(option.id or "")

    def _describe(self) -> None:
        sc = self.selected
        text = "" if sc is None else f"{sc.id} ({code_text(host(self), sc.code)}): {tr(self, sc.description)}"
        self.query_one("#scn-description", Static).update(text)

    # -- actions ----------------------------------------------------------------------------

    def action_apply(self, send: bool = False) -> None:
        sc = self.selected
        if sc is not None:
            runner_for(self.app).start(sc.id, send=send)

    @on(OptionList.OptionHighlighted, "#scn-list")
    def _highlighted(self) -> None:
        self._describe()

    @on(OptionList.OptionSelected, "#scn-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_apply(False)

    @on(Button.Pressed, "#scn-apply")
    def _apply(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_apply(False)

    @on(Button.Pressed, "#scn-send")
    def _apply_send(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_apply(True)

    # -- the run ----------------------------------------------------------------------------

    def show_run(self, run: ScenarioRun) -> None:
        """Show the outcomes so far (the runner publishes the run after every step)."""
        if run.running and not run.outcomes:  # just started (maybe from the command palette)
            options = self.query_one("#scn-list", OptionList)
            index = self._index_of(run.scenario.id)
            if options.highlighted != index:
                options.highlighted = index
        self.query_one("#scn-log", Static).update(render_run(self, run))
        box = self.query_one("#scn-log-box", VerticalScroll)
        box.call_after_refresh(box.scroll_end, animate=False)  # once the new text is laid out
        self.reload()


def render_run(node: DOMNode, run: ScenarioRun) -> str:
    """The run as plain text lines: a header, one line per step outcome, then how it ended."""
    t = lambda key, **p: tr(node, key, **p)  # noqa: E731
    sc = run.scenario
    code = code_text(host(node), sc.code)
    lines = [t("cloud.scenarios.header_send" if run.send else "cloud.scenarios.header", id=sc.id, title=t(sc.title))]
    for o in run.outcomes:  # in the panel's language (the command line keeps the script words)
        mark = t("cloud.scenarios.mark_ok") if o.ok else t("cloud.scenarios.mark_fail")
        lines.append(f"{mark:<5} {t(o.label_msg)}: {t(o.msg) if o.msg is not None else o.text}")
    if run.running:
        current = t(label(run.current_step)) if run.current_step is not None else run.current
        lines.append(f"{t('cloud.scenarios.mark_running'):<5} {t('cloud.scenarios.running', step=current)}")
        return "\n".join(lines)
    if run.error is not None:
        lines.append(t("cloud.scenarios.error", error=run.error))
        return "\n".join(lines)
    job = run.result.job if run.result is not None else None
    if run.send and job is not None:
        device = host(node).device
        lines.append(t("cloud.scenarios.job", id=job.id, result=device.t(job.result_label)))
        if job.status == "error" and job.code is not None:
            lines.append(device.t(f"error.{job.code}.status"))
        lines.append(t("cloud.scenarios.passed" if run.ok else "cloud.scenarios.failed", code=code))
    elif run.ok:
        lines.append(t("cloud.scenarios.applied", code=code))
    else:
        lines.append(t("cloud.scenarios.failed", code=code))
    return "\n".join(lines)
