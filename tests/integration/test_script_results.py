"""Machine-readable results: --json (stable, byte-identical across fresh runs), --junit, list --json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from panel_tui.scenarios import cli

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize("runs", [3, pytest.param(5, marks=[pytest.mark.soak, pytest.mark.skipif(
    not os.environ.get("SOAK"), reason="soak: SOAK=1 runs the script 5 times")])])
def test_the_same_script_on_fresh_state_dirs_gives_byte_identical_json(runs: int) -> None:
    outputs = []
    for _ in range(runs):
        proc = subprocess.run([str(BIN / "panel-tui-script"), str(ROOT / "docs/scripts/expired-361.panel"), "--json"],
                              capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    assert len(set(outputs)) == 1
    events = [json.loads(line) for line in outputs[0].splitlines()]
    assert {e["event"] for e in events} == {"step", "summary"}
    step = events[0]
    # a script without cases: no "case" key at all (not "case": null)
    assert all("case" not in e for e in events), events
    assert sorted(step) == ["check", "event", "line", "ok", "script", "step", "text"]
    assert events[-1]["exit"] == 0 and events[-1]["text"].endswith("all passed")
    text = outputs[0]
    assert "127.0.0.1:" not in text.replace("127.0.0.1:PORT", "") and "eyJ" not in text


def test_junit_and_json_of_a_failing_scenario_run(tmp_path: Path) -> None:
    script = tmp_path / "wrong.panel"
    script.write_text("scenario 361-expired --send\nexpect job completed\nexpect reply ~ AADSTS700082\n"
                      "expect panel ~ expired\n")
    out: list[str] = []
    rc = cli.main(["run", str(script), "--json", "--junit", str(tmp_path / "j.xml")], out=out.append,
                  err=lambda s: None)
    assert rc == 1
    events = [json.loads(line) for line in out]
    failed = [e for e in events if e["event"] == "step" and not e["ok"]]
    assert [e["line"] for e in failed] == [2]
    assert "AADSTS700082" in failed[0]["text"]
    tc = list(ET.parse(tmp_path / "j.xml").iter("testcase"))
    assert len(tc) == 1 and tc[0].get("name") == "wrong"
    assert "line 2: FAIL expect job completed: job 1: expected completed, got 361 (AADSTS700082" in \
        tc[0].find("failure").get("message")


def test_scenarios_list_json() -> None:
    out: list[str] = []
    assert cli.main(["list", "--json", "--lang", "lv"], out=out.append) == 0
    rows = [json.loads(line) for line in out]
    by_id = {r["id"]: r for r in rows}
    assert by_id["361-expired"]["code"] == 361 and "(361)" in by_id["361-expired"]["title"]
    assert by_id["361-expired"]["steps"][0] == "baseline"
    assert sorted(rows[0]) == ["code", "description", "id", "steps", "title"]
