"""What a scenario run did, step by step: the outcomes the CLI prints, the Scenarios tab shows
and the JSON/JUnit results (``results.py``) report.

Apart from the engine that produces them, so that the panel's runner and the result writers can
read a run without the engine's stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from panel_tui.scenarios.steps import Step
from panel_tui.scenarios.checks import job_result

if TYPE_CHECKING:
    from device_model.i18n import Msg
    from device_model.jobs import Job


@dataclass(frozen=True)
class StepOutcome:
    """What one step did. ``ok`` is False for a failed expectation or a step that could not run."""

    step: Step
    ok: bool
    text: str
    is_check: bool = False
    #: the outcome in words of the panel's language (``wording``); None: ``text`` says it all
    msg: Msg | None = None

    @property
    def label(self) -> str:
        return self.step.describe()

    @property
    def label_msg(self) -> Msg:
        """The step's label in the panel's language (the results keep ``label``, its script words)."""
        from panel_tui.scenarios.wording import label

        return label(self.step)


@dataclass
class ScenarioResult:
    """The outcomes in order, the newest job (if a send ran) and whether every check held."""

    scenario_id: str
    outcomes: list[StepOutcome] = field(default_factory=list)
    job: Job | None = None

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    @property
    def failures(self) -> list[StepOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def code(self) -> int | str | None:
        """The newest job's result: its error code, ``"completed"``, or None (no send)."""
        return job_result(self.job) if self.job is not None else None
