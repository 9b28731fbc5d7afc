"""Results of script runs for people and for CI: text lines, JSON lines, JUnit XML.

JSON: one object per line, keys sorted: a case's start (``"event": "case"``, its name as
``text``), each step (``"step"``), each scenario's title (``"title"``), a step that could not
run (``"error"``) and a case's end (``"summary"``). Keys of a step: ``event, script, case, line, step, check, ok, text``
(``case`` only in a case: a script without cases has no ``case`` key). Texts are normalised so the same
script run twice on fresh state dirs prints the same bytes: loopback ports become ``PORT``,
times ``TIME``, UUIDs ``UUID``, Exchange's session tails ``[...]``. Nothing secret is in them to
begin with (the engine masks passwords; tokens and device codes are never read).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from panel_tui.scenarios.engine import StepOutcome

_NORMALISE = (
    (re.compile(r"<[^<>\s]+@[^<>\s]+>"), "<ID>"),  # a Message-ID in "250 2.0.0 OK <...>"
    (re.compile(r"\b(127\.0\.0\.1|localhost|\[::1\]|::1):\d+"), r"\1:PORT"),
    (re.compile(r"\b(port[= ]|smtp_port=)\d{2,5}\b", re.IGNORECASE), r"\1PORT"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE), "UUID"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}| UTC)?"), "TIME"),
    (re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b"), "TIME"),
    (re.compile(r"\[[A-Z0-9]{4,}\.[^\]]*\]"), "[...]"),  # Exchange's "[DM6PR...PROD.OUTLOOK.COM ...]"
    (re.compile(r"\b[0-9a-f]{16,}\b", re.IGNORECASE), "HEX"),
)
_DURATION = re.compile(r"\b(\d+(?:\.\d+)?) ?(?:ms|s)\b(?! ago)")


def normalise(text: str, keep: str = "") -> str:
    """Measured durations become ``DURATION``; one whose number the script wrote itself (in
    ``keep``, the step's words: ``fault latency endpoint=smtp ms=1000``) stays, since it is the
    same on every run and is what the step is about."""
    for pattern, repl in _NORMALISE:
        text = pattern.sub(repl, text)
    written = set(re.findall(r"\d+(?:\.\d+)?", keep))
    return _DURATION.sub(lambda m: m.group(0) if m.group(1) in written else "DURATION", text)


def dumps(obj: dict[str, object]) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False)


class Reporter(Protocol):
    def title(self, line: int, text: str) -> None: ...
    def step(self, line: int, outcome: StepOutcome) -> None: ...
    def error(self, line: int, step: str, text: str) -> None: ...
    def summary(self, exit_code: int, text: str) -> None: ...


class TextReporter:
    """``FILE:LINE: ok|FAIL|ERROR step: outcome``, as a person reads it."""

    def __init__(self, out: Callable[[str], None], name: str, case: str | None = None) -> None:
        self.out, self.name = out, name
        if case is not None:
            out(f"{name}: == case {case} ==")

    def title(self, line: int, text: str) -> None:
        self.out(f"{self.name}:{line}: == {text} ==")

    def step(self, line: int, outcome: StepOutcome) -> None:
        self.out(f"{self.name}:{line}: {'ok  ' if outcome.ok else 'FAIL'} {outcome.label}: {outcome.text}")

    def error(self, line: int, step: str, text: str) -> None:
        self.out(f"{self.name}:{line}: ERROR {step}: {text}")

    def summary(self, exit_code: int, text: str) -> None:
        pass  # the runner prints it (to stderr when something failed)


class JsonReporter:
    """One JSON object per line (see the module docstring)."""

    def __init__(self, out: Callable[[str], None], name: str, case: str | None = None, line: int = 0) -> None:
        self.out = out
        # "case" only on a case's lines: a script without cases has no such key (not null)
        self.base: dict[str, object] = {"script": name} if case is None else {"script": name, "case": case}
        if case is not None:  # a case opens with its own name (the text's "== case NAME =="), before
            self._emit(event="case", line=line, text=case)  # the title of the scenario it runs

    def _emit(self, **fields: object) -> None:
        self.out(dumps({**self.base, **fields}))

    def title(self, line: int, text: str) -> None:
        self._emit(event="title", line=line, text=text)

    def step(self, line: int, outcome: StepOutcome) -> None:
        self._emit(event="step", line=line, step=normalise(outcome.label, keep=outcome.label),
                   check=bool(outcome.is_check), ok=bool(outcome.ok),
                   text=normalise(outcome.text, keep=outcome.label))

    def error(self, line: int, step: str, text: str) -> None:
        self._emit(event="error", line=line, step=normalise(step), ok=False, text=normalise(text))

    def summary(self, exit_code: int, text: str) -> None:
        self._emit(event="summary", exit=exit_code, ok=exit_code == 0, text=text)


class Tee:
    def __init__(self, *reporters: Reporter) -> None:
        self.reporters = reporters

    def title(self, line: int, text: str) -> None:
        for r in self.reporters:
            r.title(line, text)

    def step(self, line: int, outcome: StepOutcome) -> None:
        for r in self.reporters:
            r.step(line, outcome)

    def error(self, line: int, step: str, text: str) -> None:
        for r in self.reporters:
            r.error(line, step, text)

    def summary(self, exit_code: int, text: str) -> None:
        for r in self.reporters:
            r.summary(exit_code, text)


@dataclass
class CaseRecord:
    """What one case did, for a JUnit testcase (and the pytest plugin's failure report)."""

    script: str
    name: str | None
    line: int
    steps: list[tuple[int, str, str, str]] = field(default_factory=list)  # (line, mark, step, text)
    exit_code: int = 0

    def title(self, line: int, text: str) -> None:
        self.steps.append((line, "==", text, ""))

    def step(self, line: int, outcome: StepOutcome) -> None:
        self.steps.append((line, "ok" if outcome.ok else "FAIL", outcome.label, outcome.text))

    def error(self, line: int, step: str, text: str) -> None:
        self.steps.append((line, "ERROR", step, text))
        self.exit_code = 2

    def summary(self, exit_code: int, text: str) -> None:
        self.exit_code = exit_code

    @property
    def failures(self) -> list[tuple[int, str, str, str]]:
        return [s for s in self.steps if s[1] in ("FAIL", "ERROR")]

    def failure_message(self) -> str:
        return "; ".join(f"line {n}: {mark} {step}: {text}" for n, mark, step, text in self.failures)

    def transcript(self) -> str:
        rows = []
        for n, mark, step, text in self.steps:
            if mark == "==":
                rows.append(f"{self.script}:{n}: == {step} ==")
            else:
                rows.append(f"{self.script}:{n}: {mark:<5} {step}: {text}")
        return "\n".join(rows)


@dataclass
class Suite:
    name: str
    records: list[CaseRecord] = field(default_factory=list)

    def case(self, name: str | None, line: int) -> CaseRecord:
        record = CaseRecord(self.name, name, line)
        self.records.append(record)
        return record

    def write_junit(self, path: Path) -> None:
        """One ``testsuite``, one ``testcase`` per case (per script without cases)."""
        import xml.etree.ElementTree as ET

        failures = sum(1 for r in self.records if r.exit_code == 1)
        errors = sum(1 for r in self.records if r.exit_code >= 2)  # 130/143: interrupted
        suite = ET.Element("testsuite", name="panel-tui-script", tests=str(len(self.records)),
                           failures=str(failures), errors=str(errors))
        for r in self.records:
            stem = Path(self.name).stem
            tc = ET.SubElement(suite, "testcase", classname=f"panel.{stem}", name=r.name or stem,
                               file=self.name, line=str(r.line))
            if r.exit_code:
                tag = "failure" if r.exit_code == 1 else "error"
                el = ET.SubElement(tc, tag, message=normalise(r.failure_message() or "the environment failed"))
                el.text = normalise(r.transcript())
        ET.ElementTree(ET.Element("testsuites")).getroot().append(suite)
        root = ET.Element("testsuites")
        root.append(suite)
        ET.indent(root)
        write_whole(Path(path), ET.tostring(root, encoding="unicode") + "\n")


def write_whole(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` at once: a run stopped while writing (SIGTERM) leaves the
    previous report or the whole new one, never half of it (a CI's parser fails on a truncated
    XML file). A new file is 0644, an existing one keeps its mode; the directory is neither made
    nor changed (``storage.atomic_write_text`` would make it owner-only: a CI's workspace)."""
    import os
    import stat
    import tempfile

    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:  # Ctrl+C or SIGTERM too: no temporary file left beside the report
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
