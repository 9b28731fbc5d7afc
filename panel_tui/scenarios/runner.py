"""Running scripts: ``panel-tui-script`` (and ``panel-tui scenarios run``).

Each run (each ``case`` of a script) starts in a temporary state dir of its own, from a factory
device and a factory tenant, unless ``--state-dir`` is given. Output is the human one (``FILE:LINE:
ok|FAIL|ERROR step: outcome``), or with ``--json`` one JSON object per line and step (see
:mod:`panel_tui.scenarios.results`), and ``--junit FILE`` writes a JUnit report beside either.
Exit status: 0 every expect held, 1 an expect failed, 2 the script is malformed, the
environment is unusable or a step could not run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from panel_tui.scenarios import results
from panel_tui.scenarios.script import (
    EXIT_ERROR,
    EXIT_EXPECT_FAILED,
    EXIT_OK,
    Line,
    ScriptError,
    ScriptErrors,
    cases,
    parse,
)
from panel_tui.scenarios.seams import TenantLike

if TYPE_CHECKING:
    from device_model import Device
    from panel_tui.scenarios.engine import StepOutcome
    from panel_tui.scenarios.script import Case


@dataclass
class ScriptResult:
    """Outcomes with their line numbers; ``error`` is set when a step could not run."""

    outcomes: list[tuple[int, StepOutcome]] = field(default_factory=list)
    error: ScriptError | None = None
    #: the step under way (its line and words), for a run stopped in the middle of it
    current: tuple[int, str] | None = None

    @property
    def checks(self) -> list[StepOutcome]:
        return [o for _, o in self.outcomes if o.is_check]

    @property
    def failed(self) -> list[tuple[int, StepOutcome]]:
        return [(n, o) for n, o in self.outcomes if not o.ok]

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return EXIT_ERROR
        return EXIT_EXPECT_FAILED if self.failed else EXIT_OK


async def run_lines(lines: Sequence[Line], device: Device, tenant_handle: TenantLike, *,
                    out: Callable[[str], None] = print, name: str = "script",
                    report: results.Reporter | None = None, result: ScriptResult | None = None) -> ScriptResult:
    """Carry the parsed lines out, reporting each step's outcome as it comes. ``result`` (filled
    in place) lets a caller that is interrupted still say how far the run got."""
    from panel_tui.scenarios.engine import Session, StepError

    report = report or results.TextReporter(out, name)
    session = Session(device, tenant_handle)
    result = result if result is not None else ScriptResult()
    for line in lines:
        if line.title is not None:
            report.title(line.number, str(device.t(line.title)))
        for step in line.steps:
            result.current = (line.number, step.describe())
            try:
                outcome = await session.step(step)
            except StepError as exc:
                result.error = ScriptError(line.number, f"{step.describe()}: {exc}", text=line.text)
                report.error(line.number, step.describe(), str(exc))
                return result
            result.outcomes.append((line.number, outcome))
            report.step(line.number, outcome)
    result.current = None
    return result


class RunInterrupted(Exception):
    """A case was stopped by a signal (its record and reports already say so); ``cause`` is the
    KeyboardInterrupt or SystemExit to raise again once the reports are written."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def interrupted_by(exc: BaseException) -> tuple[str, int]:
    """The signal's name and the exit status for a run stopped by ``exc``: SIGTERM 143
    (:func:`end_on_sigterm`), Ctrl+C 130 (as :func:`panel_tui.cli.guarded` ends)."""
    from panel_tui.exit_codes import EXIT_INTERRUPTED

    if isinstance(exc, SystemExit) and exc.code == EXIT_TERMINATED:
        return "SIGTERM", EXIT_TERMINATED
    return "Ctrl+C", EXIT_INTERRUPTED


def summary(result: ScriptResult, interrupted: str | None = None, lang: str = "en") -> str:
    """A case's last line, in ``lang`` (the JSON and JUnit results keep English: tools compare
    them; a person at the command line reads the language the rest of the CLI speaks)."""
    from device_model.i18n import translate

    checks = result.checks
    failed = [o for o in checks if not o.ok]
    counts = translate(lang, "scenarios.run.counts", steps=translate(lang, "scenarios.run.steps",
                       count=len(result.outcomes)), checks=translate(lang, "scenarios.run.checks", count=len(checks)))
    if interrupted is not None:
        where = (translate(lang, "scenarios.run.interrupted_at", line=result.current[0])
                 if result.current is not None else "")
        return translate(lang, "scenarios.run.interrupted", counts=counts, where=where, signal=interrupted)
    if result.error is not None:
        return translate(lang, "scenarios.run.stopped", counts=counts, line=result.error.line)
    if failed:
        lines = ", ".join(str(n) for n, o in result.failed)
        return translate(lang, "scenarios.run.failed", counts=counts, failed=len(failed), lines=lines)
    return translate(lang, "scenarios.run.passed", counts=counts)


def interrupted_text(signame: str, lang: str = "en") -> str:
    """The interrupted step's outcome: "interrupted (Ctrl+C)", in ``lang``."""
    from device_model.i18n import translate

    return translate(lang, "scenarios.run.interrupted_step", signal=signame)


def main(argv: Sequence[str] | None = None) -> int:
    """``panel-tui-script FILE [--state-dir DIR] [--keep] [--check] [--json] [--junit FILE]``."""
    from panel_tui.cli import guarded

    quiet_logging()
    with end_on_sigterm():
        return guarded(_main, argv)


#: the exit status after SIGTERM, as a shell reports it (128 + 15)
EXIT_TERMINATED = 143


@contextmanager
def end_on_sigterm() -> Iterator[None]:
    """SIGTERM (a timeout, ``kill``, a CI runner giving up) ends the script as Ctrl+C does: its
    tenant stops, the state dir's lock is released and a temporary state dir is removed, the
    unfinished case is reported as interrupted (summary, ``--json``, ``--junit``), and the exit
    status is 143. Python's default ended the process at once and left ``/tmp/panel-tui-script-*``
    behind. A second SIGTERM while that clean-up runs is ignored: it would cut the clean-up short
    (a runner that will not wait sends SIGKILL)."""
    import signal

    def ended(signum: int, _frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise SystemExit(EXIT_TERMINATED)

    try:
        before = signal.signal(signal.SIGTERM, ended)
    except ValueError:  # not the main thread (a test calling main): the caller's signals
        yield
        return
    try:
        yield
    finally:  # a caller in the same process (a test calling main) gets its own handler back
        signal.signal(signal.SIGTERM, before)


def quiet_logging() -> None:
    """No log record reaches stderr by Python's last-resort handler: the outcome lines say what
    happened, and a library's warning (aiosmtpd quoting the raw TLS bytes of an SSL/TLS client
    on the STARTTLS port, msal's HTTP errors) is noise there, not a result."""
    import logging

    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr (``prog: error: ...``, exit 2);
    ``--help`` still shows the whole usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


one_line_parser = OneLineParser  # the name the scenarios CLI uses


def _main(argv: Sequence[str] | None) -> int:
    p = one_line_parser(
        prog="panel-tui-script",
        description="Run a panel-tui test script against the device and the embedded simulated tenant.",
        epilog="Exit status: 0 every expect held, 1 an expect failed, 2 the script is malformed, "
               "the state dir is unusable or a step could not run.",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the script (one command a line; '-' reads stdin)")
    add_env_options(p)
    p.add_argument("--check", action="store_true", help="only check the script's syntax; start nothing")
    args = p.parse_args(argv)
    return run_file(args.file, state_dir=args.state_dir, keep=args.keep, check_only=args.check,
                    preset=args.tenant_preset, json_out=args.json, junit=args.junit,
                    cloud=args.cloud, cloud_ca=args.cloud_ca, lang=args.lang)


def add_env_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--state-dir", type=Path, metavar="DIR",
                   help="device state in DIR, the tenant in DIR/tenant (as the panel keeps them); "
                        "default: a new temporary dir per run (per case), removed afterwards unless --keep")
    p.add_argument("--keep", action="store_true", help="keep the temporary state dir (its path is printed)")
    p.add_argument("--tenant-preset", choices=("prepared", "fresh"), default="prepared",
                   help="preset of a new embedded tenant (an existing one keeps its state)")
    p.add_argument("--json", action="store_true",
                   help="one JSON object per line for each step and check, then a summary (stable keys, "
                        "ports, ids and times normalised)")
    p.add_argument("--junit", type=Path, metavar="FILE", help="also write a JUnit XML report to FILE")
    p.add_argument("--cloud", metavar="URL", help="use the simulated tenant running at URL (cloud-sim) instead "
                   "of starting one; every baseline resets it")
    p.add_argument("--cloud-ca", type=Path, metavar="PATH", help="that tenant's CA certificate")
    p.add_argument("--lang", choices=("en", "lv"),
                   help="the language of the summary lines (default: the printer's saved language; "
                        "step lines keep the script words, --json and --junit stay English)")


_add_env_options = add_env_options  # the name the scenarios CLI used


def run_file(path: Path, *, state_dir: Path | None = None, keep: bool = False, check_only: bool = False,
             preset: str = "prepared", out: Callable[[str], None] = print,
             err: Callable[[str], None] | None = None, json_out: bool = False, junit: Path | None = None,
             cloud: str | None = None, cloud_ca: Path | None = None, lang: str | None = None) -> int:
    """Read, check and run a script file (each case in its own environment); the exit status.
    ``cloud``/``cloud_ca``: a tenant already running instead of one started per case; ``lang``:
    the summary lines' language (None: the printer's saved language)."""
    err = err or (lambda s: print(s, file=sys.stderr))
    name = str(path)
    try:
        text = sys.stdin.read() if name == "-" else Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err(f"{name}: cannot read the script: {exc.strerror if isinstance(exc, OSError) else exc}")
        return EXIT_ERROR
    return run_text(text, name, state_dir=state_dir, keep=keep, check_only=check_only, preset=preset, out=out,
                    err=err, json_out=json_out, junit=junit, cloud=cloud, cloud_ca=cloud_ca, lang=lang)


def run_text(text: str, name: str, *, state_dir: Path | None = None, keep: bool = False, check_only: bool = False,
             preset: str = "prepared", out: Callable[[str], None] = print,
             err: Callable[[str], None] | None = None, json_out: bool = False, junit: Path | None = None,
             cloud: str | None = None, cloud_ca: Path | None = None, lang: str | None = None) -> int:
    """Check and run a script's text (``name`` in messages); the exit status."""
    err = err or (lambda s: print(s, file=sys.stderr))
    try:
        lines = parse(text)
    except ScriptErrors as exc:
        if json_out:
            for e in exc.errors:
                out(results.dumps({"event": "parse-error", "script": name, "line": e.line, "text": e.message}))
        err(exc.format(name))
        return EXIT_ERROR
    if check_only:
        out(f"{name}: {len(lines)} commands, syntax ok")
        return EXIT_OK
    if not lines:
        out(f"{name}: nothing to do")
        return EXIT_OK
    suite = results.Suite(name)
    worst = EXIT_OK
    try:
        for case in cases(lines):
            status = run_case(case, name, suite, state_dir=state_dir, keep=keep, preset=preset, out=out, err=err,
                              json_out=json_out, cloud=cloud, cloud_ca=cloud_ca, lang=lang)
            worst = max(worst, status)
    except RunInterrupted as stopped:
        # the cases so far and the interrupted one still reach the JUnit report, then the
        # signal ends the process as it would have (143 after SIGTERM, 130 after Ctrl+C)
        if junit is not None:
            write_junit(suite, junit, name, err)
        raise stopped.cause from None
    if junit is not None and not write_junit(suite, junit, name, err):
        return EXIT_ERROR
    return worst


def write_junit(suite: results.Suite, path: Path, name: str, err: Callable[[str], None]) -> bool:
    """Write the JUnit report; False (and a line on ``err``) when it cannot be written."""
    try:
        suite.write_junit(path)
    except OSError as exc:
        err(f"{name}: cannot write the JUnit report {path}: {exc.strerror or exc}")
        return False
    return True


def run_case(case: Case, name: str, suite: results.Suite, *, state_dir: Path | None, keep: bool, preset: str,
             out: Callable[[str], None], err: Callable[[str], None], json_out: bool,
             cloud: str | None = None, cloud_ca: Path | None = None, lang: str | None = None) -> int:
    """Run one case in its own environment; its summary line in ``lang`` (None: the language
    the printer has saved, as the panel would speak it)."""
    import asyncio

    from panel_tui.scenarios.environment import EnvironmentProblem, environment

    shown: results.Reporter = (results.JsonReporter(out, name, case.name, case.line) if json_out
                               else results.TextReporter(out, name, case.name))
    record = suite.case(case.name, case.line)
    report = results.Tee(shown, record)
    result = ScriptResult()
    speak = lang or "en"
    try:
        with environment(state_dir, keep=keep, preset=preset, out=(lambda s: None) if json_out else out,
                         cloud=cloud, cloud_ca=cloud_ca) as where:
            speak = lang or where.device.language
            asyncio.run(run_lines(case.lines, where.device, where.tenant, name=name, report=report,
                                  result=result))
            speak = lang or where.device.language  # a script may have set the language
    except EnvironmentProblem as exc:
        record.error(0, "environment", str(exc))
        err(f"{name}: {exc}")
        return EXIT_ERROR
    except (KeyboardInterrupt, SystemExit) as exc:
        # stopped (SIGTERM, Ctrl+C) with the environment already cleaned up: the step under
        # way is reported as interrupted, with the case's summary, before the process ends
        signame, code = interrupted_by(exc)
        at, step = result.current if result.current is not None else (case.line, "run")
        shown.error(at, step, interrupted_text(signame, "en" if json_out else speak))
        record.error(at, step, interrupted_text(signame))
        record.exit_code = code
        report.summary(code, summary(result, signame))
        if not json_out:
            text = summary(result, signame, speak)
            err(f"{name}: {text}" if case.name is None else f"{name} [{case.name}]: {text}")
        raise RunInterrupted(exc) from None
    report.summary(result.exit_code, summary(result))
    if not json_out:
        line = summary(result, lang=speak)
        (out if result.exit_code == EXIT_OK else err)(f"{name}: {line}" if case.name is None
                                                      else f"{name} [{case.name}]: {line}")
    return result.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
