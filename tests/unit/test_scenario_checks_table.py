"""Every ``expect`` step has its check, beside the checks (``checks.CHECKS``), and the engine runs it."""

from __future__ import annotations

from panel_tui.scenarios import checks, engine
from panel_tui.scenarios.expectations import EXPECT_STEPS


def test_every_expect_step_has_a_check_the_engine_runs() -> None:
    assert set(checks.CHECKS) == set(EXPECT_STEPS)
    for step, check in checks.CHECKS.items():
        assert engine._HANDLERS[step] is check, step
