"""``panel-tui-script --json`` of a script with cases and a latency fault: each case opens with
its own name, a fault's configured latency is kept (not normalised away), and a send under that
latency is slower but still completes."""

from __future__ import annotations

import json
import time

import pytest

from panel_tui.scenarios import runner

pytestmark = pytest.mark.integration

LATENCY_MS = 150
SCRIPT = f"""\
scenario ok-signed-in
case slow-smtp
fault latency smtp {LATENCY_MS}
scan-to-email user@contoso.onmicrosoft.com
expect job completed
case second-case
expect status signed_in
"""


def test_json_cases_carry_their_names_and_a_latency_step_its_duration() -> None:
    lines: list[tuple[float, dict]] = []

    def out(s: str) -> None:
        lines.append((time.monotonic(), json.loads(s)))

    rc = runner.run_text(SCRIPT, "slow.panel", out=out, err=lambda s: None, json_out=True)
    assert rc == 0, [e for _, e in lines]
    events = [e for _, e in lines]
    firsts = [e for e in events if e["event"] in ("case", "title")]
    # each case opens with its own name, then the title of the scenario its prelude runs
    assert [(e["event"], e["case"], e["text"]) for e in firsts][0::2] == [
        ("case", "slow-smtp", "slow-smtp"), ("case", "second-case", "second-case")]
    assert [e["line"] for e in events if e["event"] == "case"] == [2, 6]
    assert all(e["event"] == "title" and e["text"] != e["case"] for e in firsts[1::2])

    steps = [(t, e) for t, e in lines if e["event"] == "step" and e["case"] == "slow-smtp"]
    labels = [e["step"] for _, e in steps]
    fault_i = labels.index(f"fault latency endpoint=smtp ms={LATENCY_MS}")
    send_i = next(i for i, label in enumerate(labels) if label.startswith("scan-to-email"))
    assert fault_i < send_i  # the fault is in place before the send
    assert steps[fault_i][1]["text"] == f"smtp: every answer waits {LATENCY_MS} ms"
    assert "DURATION" not in steps[fault_i][1]["text"]
    send = steps[send_i][1]
    assert send["ok"] and ": completed (250 2.0.0 OK" in send["text"]
    assert steps[send_i + 1][1]["step"] == "expect job completed" and steps[send_i + 1][1]["ok"]
    # slower: at least the greeting, EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA and the data's
    # answer each waited (a lower bound, which a slow machine cannot break)
    assert steps[send_i][0] - steps[fault_i][0] >= 8 * LATENCY_MS / 1000


def test_a_measured_duration_is_still_normalised() -> None:
    from panel_tui.scenarios.results import normalise

    assert normalise("Try again in 27 s.", keep="sign-in admin") == "Try again in DURATION."
    assert normalise("smtp: every answer waits 3000 ms", keep="fault latency endpoint=smtp ms=3000") == \
        "smtp: every answer waits 3000 ms"
