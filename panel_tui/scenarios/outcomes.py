"""What a scenario run did, step by step: the outcomes the CLI prints, the Scenarios tab shows
and the JSON/JUnit results (``results.py``) report.

Apart from the engine that produces them, so that the panel's runner and the result writers can
read a run without the engine's stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from panel_tui.scenarios.catalog import Step
from panel_tui.scenarios.checks import job_result

if TYPE_CHECKING:
    from device_model.jobs import Job


@dataclass(frozen=True)
class StepOutcome:
    """What one step did. ``ok`` is False for a failed expectation or a step that could not run."""

    step: Step
    ok: bool
    text: str
    is_check: bool = False

    @property
    def label(self) -> str:
        return self.step.describe()


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
