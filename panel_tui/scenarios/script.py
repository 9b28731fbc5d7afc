"""A tiny line-based script language for testers, and the ``panel-tui-script`` command.

One command a line; ``#`` starts a comment; words are split like a shell does (quotes allowed)::

    scenario 361-expired            # a catalog scenario's setup (add --send: its send and check too)
    baseline                        # tenant as prepared, device signed out, OAuth2 / Exchange Online
    sign-in admin [--no-commit] [--decline] [--may-fail]    # --may-fail: a refusal is checked, not fatal
    commit                          # Web Config OK for a sign-in made with --no-commit
    sign-out
    advance 91d [--tenant-only | --device-only]      # 91d, 2h, 30m, 1d12h
    tenant security-defaults on|off
    tenant smtp-auth on|off                          # the organization's switch
    tenant smtp-auth --mailbox admin@contoso.onmicrosoft.com on|off|default
    tenant public-client-flows on|off
    tenant size-limit 1500                           # bytes (Exchange's message size limit)
    tenant ca-add "Block printers" [--users admin,printer] [--block-device-code]
    tenant ca-clear
    tenant consent grant|revoke
    tenant revoke-sessions admin
    tenant set-password admin NEW-PASSWORD
    tenant reset
    set email_server.smtp_port 2525                  # free-port: a loopback port nobody listens on
    scan-to-email user@contoso.onmicrosoft.com
    expect job 361 | expect job completed
    expect status signed_in|not_signed_in|expired
    expect sign-in failed 53003                      # the newest sign-in attempt (and its AADSTS code)

The whole file is checked before anything runs; every bad line is reported as
``FILE:LINE: message``. While running, each step prints its outcome; a failed ``expect`` is
reported and the script goes on; a step that cannot be carried out stops it. Exit status: 0 all
expectations held, 1 an expectation failed, 2 the script is malformed or a step could not run.
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from panel_tui.scenarios import catalog
from panel_tui.scenarios.catalog import (
    ATTEMPT_STATES,
    SIGN_IN_STATES,
    Advance,
    Baseline,
    Commit,
    ExpectJob,
    ExpectSignIn,
    ExpectStatus,
    ReceiveFax,
    SendScan,
    SignIn,
    SignOut,
    Step,
    settings,
    tenant,
)

EXIT_OK, EXIT_EXPECT_FAILED, EXIT_ERROR = 0, 1, 2

COMMANDS = ("scenario", "baseline", "reset", "sign-in", "commit", "sign-out", "advance", "tenant", "set",
            "scan-to-email", "receive-fax", "expect")
TENANT_COMMANDS = ("security-defaults", "smtp-auth", "public-client-flows", "size-limit", "message-size-limit",
                   "ca-add", "ca-clear", "consent", "revoke-sessions", "set-password", "reset")
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?$")
_ON_OFF = {"on": True, "off": False, "true": True, "false": False, "yes": True, "no": False,
           "enabled": True, "disabled": False}


class ScriptError(ValueError):
    """A malformed line: ``line`` is 1-based; str() is ``LINE: message``."""

    def __init__(self, line: int, message: str, *, text: str = "") -> None:
        self.line = line
        self.message = message
        self.text = text
        super().__init__(f"line {line}: {message}")


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
    title: Any = None  # a scenario's title Msg, shown before its steps


@dataclass
class ScriptResult:
    """Outcomes with their line numbers; ``error`` is set when a step could not run."""

    outcomes: list[tuple[int, Any]] = field(default_factory=list)
    error: ScriptError | None = None

    @property
    def checks(self) -> list[Any]:
        return [o for _, o in self.outcomes if o.is_check]

    @property
    def failed(self) -> list[tuple[int, Any]]:
        return [(n, o) for n, o in self.outcomes if not o.ok]

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return EXIT_ERROR
        return EXIT_EXPECT_FAILED if self.failed else EXIT_OK


# -- parsing -------------------------------------------------------------------------------------


def parse(text: str) -> list[Line]:
    """The script's lines as steps; raises :class:`ScriptErrors` listing every bad line."""
    lines: list[Line] = []
    errors: list[ScriptError] = []
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
            lines.append(_parse_line(number, stripped, words))
        except ScriptError as exc:
            errors.append(ScriptError(number, exc.message, text=stripped))
    if errors:
        raise ScriptErrors(errors)
    return lines


def _parse_line(n: int, text: str, words: list[str]) -> Line:
    cmd, args = words[0].lower(), words[1:]

    def fail(message: str) -> ScriptError:
        return ScriptError(n, message)

    def flags(allowed: Sequence[str]) -> tuple[list[str], set[str]]:
        pos, seen = [], set()
        for w in args:
            if w.startswith("--"):
                if w not in allowed:
                    ok = ", ".join(allowed) if allowed else "none"
                    raise fail(f"unknown option {w} for {cmd} (options: {ok})")
                seen.add(w)
            else:
                pos.append(w)
        return pos, seen

    def count(pos: list[str], k: int, usage: str) -> None:
        if len(pos) != k:
            raise fail(f"usage: {usage}")

    if cmd == "scenario":
        pos, seen = flags(["--send"])
        count(pos, 1, "scenario ID [--send]")
        try:
            sc = catalog.get(pos[0])
        except KeyError as exc:
            raise fail(str(exc.args[0])) from None
        return Line(n, text, sc.steps if "--send" in seen else sc.setup, title=sc.title)
    if cmd in ("baseline", "reset"):
        count(flags([])[0], 0, cmd)
        return Line(n, text, (Baseline(),))
    if cmd == "sign-in":
        pos, seen = flags(["--no-commit", "--decline", "--may-fail"])
        if len(pos) > 1:
            raise fail("usage: sign-in [ACCOUNT] [--no-commit] [--decline] [--may-fail]")
        return Line(n, text, (SignIn(pos[0] if pos else "admin", commit="--no-commit" not in seen,
                                     accept="--decline" not in seen, may_fail="--may-fail" in seen),))
    if cmd == "commit":
        count(flags([])[0], 0, "commit")
        return Line(n, text, (Commit(),))
    if cmd == "sign-out":
        count(flags([])[0], 0, "sign-out")
        return Line(n, text, (SignOut(),))
    if cmd == "advance":
        pos, seen = flags(["--tenant-only", "--device-only"])
        count(pos, 1, "advance DURATION [--tenant-only | --device-only]   (e.g. 91d, 2h, 30m, 1d12h)")
        if seen == {"--tenant-only", "--device-only"}:
            raise fail("--tenant-only and --device-only exclude each other")
        d, h, m = parse_duration(pos[0], n)
        return Line(n, text, (Advance(days=d, hours=h, minutes=m, tenant="--device-only" not in seen,
                                      device="--tenant-only" not in seen),))
    if cmd == "tenant":
        return Line(n, text, (_parse_tenant(n, args),))
    if cmd == "set":
        pos, _ = flags([])
        count(pos, 2, "set SECTION.FIELD VALUE   (e.g. set email_server.smtp_port 2525)")
        section, dot, name = pos[0].partition(".")
        if not dot or not section or not name:
            raise fail(f"say which setting as SECTION.FIELD, not {pos[0]!r}")
        from panel_tui.scenarios.engine import StepError, coerce_settings

        try:
            coerce_settings(section, {name: pos[1]})
        except StepError as exc:
            raise fail(str(exc)) from None
        return Line(n, text, (settings(section, **{name: pos[1]}),))
    if cmd == "scan-to-email":
        pos, _ = flags([])
        count(pos, 1, "scan-to-email ADDRESS")
        if not _ADDRESS.match(pos[0]):
            raise fail(f"not an email address: {pos[0]!r}")
        return Line(n, text, (SendScan(pos[0]),))
    if cmd == "receive-fax":
        count(flags([])[0], 0, "receive-fax")
        return Line(n, text, (ReceiveFax(),))
    if cmd == "expect":
        pos, _ = flags([])
        if pos[:1] == ["sign-in"] and len(pos) in (2, 3):
            state = pos[1].lower().replace("-", "_")
            if state not in ATTEMPT_STATES:
                raise fail(f"expect sign-in takes one of {', '.join(ATTEMPT_STATES)}, not {pos[1]!r}")
            code = None
            if len(pos) == 3:
                digits = pos[2].upper().removeprefix("AADSTS")
                if not (digits.isascii() and digits.isdigit()):
                    raise fail(f"an AADSTS code is a number (e.g. 53003), not {pos[2]!r}")
                code = int(digits)
            return Line(n, text, (ExpectSignIn(state, code),))
        if len(pos) != 2 or pos[0] not in ("job", "status"):
            raise fail("usage: expect job CODE|completed, expect status signed_in|not_signed_in|expired, "
                       "or expect sign-in signed_in|failed|expired|cancelled [AADSTS-CODE]")
        if pos[0] == "job":
            value = pos[1].lower()
            if value.isascii() and value.isdigit():
                return Line(n, text, (ExpectJob(int(value)),))
            if value in ("completed", "canceled", "cancelled"):
                return Line(n, text, (ExpectJob("canceled" if value == "cancelled" else value),))
            raise fail(f"expect job takes an error code (e.g. 361) or completed, not {pos[1]!r}")
        state = pos[1].lower().replace("-", "_")
        if state not in SIGN_IN_STATES:
            raise fail(f"expect status takes one of {', '.join(SIGN_IN_STATES)}, not {pos[1]!r}")
        return Line(n, text, (ExpectStatus(state),))
    hint = _closest(cmd, COMMANDS)
    raise fail(f"unknown command {words[0]!r}" + (f" (did you mean {hint!r}?)" if hint else "")
               + f"; commands: {', '.join(COMMANDS)}")


def _parse_tenant(n: int, args: list[str]) -> Step:
    def fail(message: str) -> ScriptError:
        return ScriptError(n, message)

    if not args:
        raise fail(f"usage: tenant OPERATION ...; operations: {', '.join(TENANT_COMMANDS)}")
    op, rest = args[0].lower(), args[1:]
    opts: dict[str, str | bool] = {}
    pos: list[str] = []
    takes_value = {"--mailbox", "--users"}
    i = 0
    while i < len(rest):
        w = rest[i]
        if w.startswith("--"):
            if w in takes_value:
                if i + 1 >= len(rest):
                    raise fail(f"{w} needs a value")
                opts[w] = rest[i + 1]
                i += 2
                continue
            opts[w] = True
        else:
            pos.append(w)
        i += 1

    def only(*allowed: str) -> None:
        extra = [o for o in opts if o not in allowed]
        if extra:
            raise fail(f"unknown option {extra[0]} for tenant {op}")

    def on_off(word: str, *, tri: bool = False) -> bool | None:
        w = word.lower()
        if tri and w in ("default", "none", "org"):
            return None
        if w not in _ON_OFF:
            raise fail(f"say on or off{' or default' if tri else ''}, not {word!r}")
        return _ON_OFF[w]

    def one(usage: str) -> str:
        if len(pos) != 1:
            raise fail(f"usage: tenant {usage}")
        return pos[0]

    if op in ("security-defaults", "public-client-flows"):
        only()
        value = on_off(one(f"{op} on|off"))
        return tenant(op, enabled=value)
    if op == "smtp-auth":
        only("--mailbox")
        if "--mailbox" in opts:
            value = on_off(one("smtp-auth --mailbox UPN on|off|default"), tri=True)
            return tenant("mailbox-smtp-auth", upn=str(opts["--mailbox"]), value=value)
        return tenant("org-smtp-auth", enabled=on_off(one("smtp-auth [--mailbox UPN] on|off")))
    if op in ("size-limit", "message-size-limit"):
        only()
        size = one("size-limit BYTES")
        if not (size.isascii() and size.isdigit()) or int(size) <= 0:
            raise fail(f"the size limit is a positive number of bytes, not {size!r}")
        return tenant("message-size-limit", size=int(size))
    if op == "ca-add":
        only("--users", "--block-device-code")
        name = one('ca-add NAME [--users a,b] [--block-device-code]   (quote a NAME with spaces)')
        args = {"name": name, "block_device_code_flow": bool(opts.get("--block-device-code", False))}
        if "--users" in opts:
            args["users"] = str(opts["--users"])
        return tenant("ca-add", **args)
    if op in ("ca-clear", "reset"):
        only()
        if pos:
            raise fail(f"usage: tenant {op}")
        return tenant(op)
    if op == "consent":
        only()
        what = one("consent grant|revoke").lower()
        if what not in ("grant", "revoke"):
            raise fail(f"say grant or revoke, not {what!r}")
        return tenant(f"consent-{what}")
    if op == "revoke-sessions":
        only()
        return tenant(op, upn=one("revoke-sessions USER"))
    if op == "set-password":
        only()
        if len(pos) != 2:
            raise fail("usage: tenant set-password USER NEW-PASSWORD")
        return tenant(op, upn=pos[0], password=pos[1])
    hint = _closest(op, TENANT_COMMANDS)
    raise fail(f"unknown tenant operation {args[0]!r}" + (f" (did you mean {hint!r}?)" if hint else "")
               + f"; operations: {', '.join(TENANT_COMMANDS)}")


def parse_duration(text: str, line: int = 0) -> tuple[float, float, float]:
    """``91d`` / ``2h`` / ``30m`` / ``1d12h`` -> (days, hours, minutes)."""
    m = _DURATION.match(text.strip().lower())
    if not text.strip() or m is None or not any(m.groups()):
        raise ScriptError(line, f"not a duration: {text!r} (use e.g. 91d, 2h, 30m, 1d12h)")
    d, h, mins = (float(g) if g else 0.0 for g in m.groups())
    if d + h + mins <= 0:
        raise ScriptError(line, "time only moves forward: give a positive duration")
    return d, h, mins


def _closest(word: str, choices: Sequence[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, choices, n=1)
    return found[0] if found else None


# -- running -------------------------------------------------------------------------------------


async def run_lines(lines: Sequence[Line], device: Any, tenant_handle: Any, *,
                    out: Callable[[str], None] = print, name: str = "script") -> ScriptResult:
    """Carry the parsed lines out, printing each step's outcome; see the module docstring."""
    from panel_tui.scenarios.engine import Session, StepError

    session = Session(device, tenant_handle)
    result = ScriptResult()
    for line in lines:
        if line.title is not None:
            out(f"{name}:{line.number}: == {device.t(line.title)} ==")
        for step in line.steps:
            try:
                outcome = await session.step(step)
            except StepError as exc:
                result.error = ScriptError(line.number, f"{step.describe()}: {exc}", text=line.text)
                out(f"{name}:{line.number}: ERROR {step.describe()}: {exc}")
                return result
            result.outcomes.append((line.number, outcome))
            mark = "ok  " if outcome.ok else "FAIL"
            out(f"{name}:{line.number}: {mark} {step.describe()}: {outcome.text}")
    return result


def summary(result: ScriptResult) -> str:
    checks = result.checks
    failed = [o for o in checks if not o.ok]
    text = f"{len(result.outcomes)} steps, {len(checks)} checks"
    if result.error is not None:
        return f"{text}: stopped at line {result.error.line} (a step could not run)"
    if failed:
        lines = ", ".join(str(n) for n, o in result.failed)
        return f"{text}: {len(failed)} FAILED (line {lines})"
    return f"{text}: all passed"


def main(argv: Sequence[str] | None = None) -> int:
    """``panel-tui-script FILE [--state-dir DIR] [--keep] [--check]``."""
    from panel_tui.cli import guarded

    return guarded(_main, argv)


def _main(argv: Sequence[str] | None) -> int:
    import argparse

    p = argparse.ArgumentParser(
        prog="panel-tui-script",
        description="Run a panel-tui test script against the device and the embedded simulated tenant.",
        epilog="Exit status: 0 every expect held, 1 an expect failed, 2 the script is malformed or a step could not run.",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the script (one command a line; '-' reads stdin)")
    _add_env_options(p)
    p.add_argument("--check", action="store_true", help="only check the script's syntax; start nothing")
    args = p.parse_args(argv)
    return run_file(args.file, state_dir=args.state_dir, keep=args.keep, check_only=args.check,
                    preset=args.tenant_preset)


def _add_env_options(p: Any) -> None:
    p.add_argument("--state-dir", type=Path, metavar="DIR",
                   help="device state in DIR, the tenant in DIR/tenant (as the panel keeps them); "
                        "default: a temporary dir, removed afterwards unless --keep")
    p.add_argument("--keep", action="store_true", help="keep the temporary state dir (its path is printed)")
    p.add_argument("--tenant-preset", choices=("prepared", "fresh"), default="prepared",
                   help="preset of a new embedded tenant (an existing one keeps its state)")


def run_file(path: Path, *, state_dir: Path | None = None, keep: bool = False, check_only: bool = False,
             preset: str = "prepared", out: Callable[[str], None] = print,
             err: Callable[[str], None] | None = None) -> int:
    """Read, check and run a script file; returns the exit status."""
    err = err or (lambda s: print(s, file=sys.stderr))
    name = str(path)
    try:
        text = sys.stdin.read() if name == "-" else Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err(f"{name}: cannot read the script: {exc.strerror if isinstance(exc, OSError) else exc}")
        return EXIT_ERROR
    try:
        lines = parse(text)
    except ScriptErrors as exc:
        err(exc.format(name))
        return EXIT_ERROR
    if check_only:
        out(f"{name}: {len(lines)} commands, syntax ok")
        return EXIT_OK
    if not lines:
        out(f"{name}: nothing to do")
        return EXIT_OK
    from panel_tui.scenarios.environment import EnvironmentProblem, environment

    try:
        with environment(state_dir, keep=keep, preset=preset, out=out) as env:
            import asyncio

            result = asyncio.run(run_lines(lines, env.device, env.tenant, out=out, name=name))
    except EnvironmentProblem as exc:
        err(f"{name}: {exc}")
        return EXIT_ERROR
    line = summary(result)
    (out if result.exit_code == EXIT_OK else err)(f"{name}: {line}")
    return result.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
