"""A tiny line-based script language for testers (see docs/SCENARIOS.md for every command).

One command a line; ``#`` starts a comment; words are split like a shell does (quotes allowed)::

    scenario 361-expired [--send]   baseline   sign-in admin [--no-commit] [--decline] [--may-fail]   commit
    sign-out   advance 91d [--tenant-only | --device-only]   tenant OPERATION ...   set email_server.smtp_port 25
    scan-to-email ADDRESS [--dpi 600] [--pages 3] [--size MB]   receive-fax
    pas sign-in 1002 user [--org] [--may-fail] | pas to-email 1002 ADDRESS | pas sign-out
    relay start | relay stop   ca import relay | ca delete relay   (script_guide.py)
    fault latency smtp 3000 | fault reset idp 200 | fault hang smtp | fault idp-down | fault smtp 451 | fault clear
    expect job 361 | status expired | sign-in failed 53003 | reply ~ REGEX | panel ~ TEXT
    expect refused email_server.network additional
    expect mail to=user@contoso.onmicrosoft.com subject~Scan attachment~pdf size<200000
    case NAME                            a test case of its own (the lines before the first case run first)

The whole file is checked before anything runs; every bad line is reported as ``FILE:LINE: message``
(only :class:`ScriptErrors`, whatever the line). Running is :mod:`panel_tui.scenarios.runner`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from device_model.i18n import Msg
from panel_tui.scenarios import catalog
from panel_tui.scenarios.steps import (
    Advance,
    Baseline,
    Commit,
    Fault,
    ReceiveFax,
    SendScan,
    SignIn,
    SignOut,
    Step,
    settings,
)
from panel_tui.scenarios.script_expect import parse_expect
from panel_tui.scenarios.script_words import ScriptError, Words as _Words, closest as _closest

EXIT_OK, EXIT_EXPECT_FAILED, EXIT_ERROR = 0, 1, 2

_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?$")


class ScriptErrors(ValueError):
    """Every malformed line of a script (parsing goes on after the first)."""

    def __init__(self, errors: list[ScriptError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))

    def format(self, name: str) -> str:
        lines = []
        for e in self.errors:
            lines.append(f"{name}:{e.line}: {e.message}")
            if e.text:
                lines.append(f"    {e.text}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Line:
    """One parsed line: its number, its text and the steps it stands for."""

    number: int
    text: str
    steps: tuple[Step, ...]
    title: Msg | None = None  # a scenario's title, shown before its steps
    case: str | None = None  # a ``case NAME`` line: a test case starts here


@dataclass(frozen=True)
class Case:
    """A test case of a script: its name (None: the whole script), its first line and its lines
    (the lines before the first ``case`` first: they are every case's setup)."""

    name: str | None
    line: int
    lines: tuple[Line, ...]


# -- parsing -------------------------------------------------------------------------------------


def parse(text: str) -> list[Line]:
    """The script's lines as steps; raises :class:`ScriptErrors` listing every bad line."""
    lines: list[Line] = []
    errors: list[ScriptError] = []
    seen_cases: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            words = shlex.split(stripped, comments=True)
        except ValueError as exc:  # unbalanced quotes
            errors.append(ScriptError(number, f"cannot split the line: {exc}", text=stripped))
            continue
        if not words:
            continue
        try:
            line = _parse_line(number, stripped, words)
            if line.case is not None:
                if line.case in seen_cases:
                    raise ScriptError(number, f"a second case named {line.case!r}")
                seen_cases.add(line.case)
            lines.append(line)
        except ScriptError as exc:
            errors.append(ScriptError(number, exc.message, text=stripped))
        except (ValueError, OverflowError, re.error) as exc:  # belt and braces: never a traceback
            errors.append(ScriptError(number, f"cannot read the line: {exc}", text=stripped))
    if errors:
        raise ScriptErrors(errors)
    return lines


def cases(lines: Sequence[Line]) -> list[Case]:
    """The test cases: one per ``case`` line (each after the lines before the first case), or
    the whole script as one case named None."""
    starts = [i for i, line in enumerate(lines) if line.case is not None]
    if not starts:
        return [Case(None, lines[0].number if lines else 1, tuple(lines))]
    prelude = tuple(lines[:starts[0]])
    out = []
    for k, i in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        out.append(Case(lines[i].case, lines[i].number, prelude + tuple(lines[i + 1:end])))
    return out


def _scenario(w: _Words) -> Line | tuple[Step, ...]:
    pos, seen = w.options(["--send"])
    w.count(pos, 1, "scenario ID [--send]")
    try:
        sc = catalog.get(pos[0])
    except KeyError as exc:
        raise w.fail(str(exc.args[0])) from None
    return Line(w.n, "", sc.steps if "--send" in seen else sc.setup, title=sc.title)


def _plain(step: Step) -> Callable[[_Words], tuple[Step, ...]]:
    def parse_it(w: _Words) -> tuple[Step, ...]:
        w.count(w.options()[0], 0, w.cmd)
        return (step,)

    return parse_it


def _sign_in(w: _Words) -> tuple[Step, ...]:
    pos, seen = w.options(["--no-commit", "--decline", "--may-fail"])
    if len(pos) > 1:
        raise w.fail("usage: sign-in [ACCOUNT] [--no-commit] [--decline] [--may-fail]")
    return (SignIn(w.account(pos[0]) if pos else "admin", commit="--no-commit" not in seen,
                   accept="--decline" not in seen, may_fail="--may-fail" in seen),)


def _advance(w: _Words) -> tuple[Step, ...]:
    pos, seen = w.options(["--tenant-only", "--device-only"])
    w.count(pos, 1, "advance DURATION [--tenant-only | --device-only]   (e.g. 91d, 2h, 30m, 1d12h)")
    if {"--tenant-only", "--device-only"} <= set(seen):
        raise w.fail("--tenant-only and --device-only exclude each other")
    d, h, m = parse_duration(pos[0], w.n)
    return (Advance(days=d, hours=h, minutes=m, tenant="--device-only" not in seen,
                    device="--tenant-only" not in seen),)


def _set(w: _Words) -> tuple[Step, ...]:
    pos, _ = w.options()
    w.count(pos, 2, "set SECTION.FIELD VALUE   (e.g. set email_server.smtp_port 2525)")
    section, fields = w.setting(pos[0], pos[1])
    return (settings(section, **fields),)


def _scan(w: _Words) -> tuple[Step, ...]:
    pos, opts = w.options(valued=["--dpi", "--pages", "--size"])
    w.count(pos, 1, "scan-to-email ADDRESS [--dpi 200|300|600] [--pages N] [--size MB]")
    if not _ADDRESS.match(pos[0]):
        raise w.fail(f"not an email address: {pos[0]!r}")
    dpi = w.number(opts["--dpi"], "--dpi", 50, 1200) if "--dpi" in opts else None
    pages = w.number(opts["--pages"], "--pages", 1, 100) if "--pages" in opts else 1
    size = w.number(opts["--size"], "--size (Attached File Max Size, MB)", 1, 1000) if "--size" in opts else None
    return (SendScan(pos[0], dpi=dpi, pages=pages, max_size_mb=size),)


def _fault(w: _Words) -> tuple[Step, ...]:
    from cloud_sim.faults import FaultError, parse_fault

    pos, opts = w.options(valued=["--times"])
    try:
        kind, args = parse_fault(pos, times=opts.get("--times"))
    except FaultError as exc:
        raise w.fail(str(exc)) from None
    return (Fault(kind, args),)


def _case(w: _Words) -> Line:
    if len(w.args) != 1 or not re.fullmatch(r"[\w.\-]{1,80}", w.args[0], re.ASCII):
        raise w.fail("usage: case NAME   (letters, digits, '.', '-', '_')")
    return Line(w.n, "", (), case=w.args[0])


#: every command: its parser (words -> steps, or a whole Line)
COMMAND_TABLE: dict[str, Callable[[_Words], Line | tuple[Step, ...]]] = {
    "scenario": _scenario,
    "baseline": _plain(Baseline()),
    "reset": _plain(Baseline()),
    "sign-in": _sign_in,
    "commit": _plain(Commit()),
    "sign-out": _plain(SignOut()),
    "advance": _advance,
    "tenant": lambda w: (_parse_tenant(w.n, w.args),),  # script_tenant.py
    "set": _set,
    "scan-to-email": _scan,
    "receive-fax": _plain(ReceiveFax()),
    "fault": _fault,
    "pas": lambda w: _guide("parse_pas", w),  # script_guide.py: the guide's compatible-models words
    "relay": lambda w: _guide("parse_relay", w),
    "ca": lambda w: _guide("parse_ca", w),
    "expect": parse_expect,
    "case": _case,
}
COMMANDS = tuple(COMMAND_TABLE)


def _guide(name: str, w: _Words) -> tuple[Step, ...]:
    from panel_tui.scenarios import script_guide

    return getattr(script_guide, name)(w)


def _parse_tenant(n: int, args: list[str]) -> Step:
    from panel_tui.scenarios.script_tenant import parse_tenant

    return parse_tenant(n, args)


def _parse_line(n: int, text: str, words: list[str]) -> Line:
    cmd = words[0].lower()
    parser = COMMAND_TABLE.get(cmd)
    if parser is None:
        hint = _closest(cmd, COMMANDS)
        raise ScriptError(n, f"unknown command {words[0]!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                          + f"; commands: {', '.join(COMMANDS)}")
    got = parser(_Words(n, cmd, words[1:]))
    if isinstance(got, Line):
        return Line(n, text, got.steps, title=got.title, case=got.case)
    return Line(n, text, tuple(got))


def parse_duration(text: str, line: int = 0) -> tuple[float, float, float]:
    """``91d`` / ``2h`` / ``30m`` / ``1d12h`` -> (days, hours, minutes)."""
    m = _DURATION.match(text.strip().lower())
    if not text.strip() or m is None or not any(m.groups()):
        raise ScriptError(line, f"not a duration: {text!r} (use e.g. 91d, 2h, 30m, 1d12h)")
    d, h, mins = (float(g) if g else 0.0 for g in m.groups())
    if d + h + mins <= 0:
        raise ScriptError(line, "time only moves forward: give a positive duration")
    return d, h, mins
