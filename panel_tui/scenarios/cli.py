"""``python -m panel_tui.scenarios``: list the scenarios, run a script, apply one scenario.

    python -m panel_tui.scenarios list [--lang lv]
    python -m panel_tui.scenarios run FILE [--state-dir DIR] [--keep] [--check]
    python -m panel_tui.scenarios apply ID [--send] [--state-dir DIR] [--keep]

``apply`` leaves the device and the tenant in the scenario's state (everything before the
final send) so that ``panel-tui --state-dir DIR`` shows it; with ``--send`` it also scans to
email and checks the expected code. Exit status as for scripts: 0 ok, 1 a check failed, 2 an
error (unknown id, a step that could not run).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from panel_tui.scenarios import catalog
from panel_tui.scenarios.runner import add_env_options as _add_env_options
from panel_tui.scenarios.runner import run_file
from panel_tui.scenarios.script import EXIT_ERROR, EXIT_EXPECT_FAILED, EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from panel_tui.scenarios.runner import one_line_parser

    p = one_line_parser(prog="panel-tui scenarios",
                                description="Reproduce the guide's error codes on the emulated printer.")
    sub = p.add_subparsers(dest="command", required=True, metavar="list|run|apply")
    ls = sub.add_parser("list", help="the scenarios: id, expected code, title")
    ls.add_argument("--lang", choices=("en", "lv"), default="en")
    ls.add_argument("-v", "--verbose", action="store_true", help="also the description and the steps")
    ls.add_argument("--json", action="store_true", help="one JSON object per scenario (id, code, title, "
                    "description, steps)")
    rn = sub.add_parser("run", help="run a script file (see docs/SCENARIOS.md)")
    rn.add_argument("file", type=Path, metavar="FILE")
    _add_env_options(rn)
    rn.add_argument("--check", action="store_true", help="only check the script's syntax")
    ap = sub.add_parser("apply", help="set a scenario up (add --send to send and check too)")
    ap.add_argument("id", metavar="ID")
    ap.add_argument("--send", action="store_true", help="also scan to email and check the expected code")
    _add_env_options(ap)
    return p


def main(argv: Sequence[str] | None = None, *, out: Callable[[str], None] = print,
         err: Callable[[str], None] | None = None) -> int:
    """``list`` reads only the catalog and takes no lock; ``run`` and ``apply`` own the state dir
    (and its tenant) while they run, like the panel, so neither can lose the other's changes."""
    from panel_tui.cli import guarded
    from panel_tui.scenarios.runner import end_on_sigterm, quiet_logging

    quiet_logging()
    with end_on_sigterm():  # a CI's kill or timeout: reports written, 143 (as panel-tui-script)
        return guarded(_main, argv, out, err)


def _main(argv: Sequence[str] | None, out: Callable[[str], None],
          err: Callable[[str], None] | None) -> int:
    err = err or (lambda s: print(s, file=sys.stderr))
    args = build_parser().parse_args(argv)
    if args.command == "list":
        if args.json:
            return list_json(args.lang, out=out)
        return list_scenarios(args.lang, verbose=args.verbose, out=out)
    if args.command == "run":
        return run_file(args.file, state_dir=args.state_dir, keep=args.keep, check_only=args.check,
                        preset=args.tenant_preset, out=out, err=err, json_out=args.json, junit=args.junit,
                        cloud=args.cloud, cloud_ca=args.cloud_ca, lang=args.lang)
    if args.json or args.junit:  # the scenario as a one-line script: the same reports
        from panel_tui.scenarios.runner import run_text

        if args.id not in catalog.BY_ID:
            return apply_scenario(args.id, out=out, err=err)  # says which ids exist
        return run_text(f"scenario {args.id}{' --send' if args.send else ''}\n", args.id, state_dir=args.state_dir,
                        keep=args.keep, preset=args.tenant_preset, out=out, err=err, json_out=args.json,
                        junit=args.junit, cloud=args.cloud, cloud_ca=args.cloud_ca, lang=args.lang)
    return apply_scenario(args.id, send=args.send, state_dir=args.state_dir, keep=args.keep,
                          preset=args.tenant_preset, out=out, err=err, cloud=args.cloud, cloud_ca=args.cloud_ca,
                          lang=args.lang)


def list_scenarios(lang: str = "en", *, verbose: bool = False, out: Callable[[str], None] = print) -> int:
    from device_model.i18n import translate

    width = max(len(s.id) for s in catalog.SCENARIOS)
    for sc in catalog.SCENARIOS:
        out(f"{sc.id:<{width}}  {str(sc.code):<9}  {translate(lang, sc.title)}")
        if verbose:
            out(f"    {translate(lang, sc.description)}")
            for step in sc.steps:
                out(f"      - {step.describe()}")
    return EXIT_OK


def list_json(lang: str = "en", *, out: Callable[[str], None] = print) -> int:
    """``scenarios list --json``: the catalogue for tools (F4's pane reads the same catalogue)."""
    from device_model.i18n import translate
    from panel_tui.scenarios.results import dumps

    for sc in catalog.SCENARIOS:
        out(dumps({"id": sc.id, "code": sc.code, "title": translate(lang, sc.title),
                   "description": translate(lang, sc.description),
                   "steps": [step.describe() for step in sc.steps]}))
    return EXIT_OK


def apply_scenario(scenario_id: str, *, send: bool = False, state_dir: Path | None = None, keep: bool = False,
                   preset: str = "prepared", out: Callable[[str], None] = print,
                   err: Callable[[str], None] = print, cloud: str | None = None, cloud_ca: Path | None = None,
                   lang: str | None = None) -> int:
    """Set a scenario up (and with ``send`` run its send and check); its last line in ``lang``
    (None: the printer's saved language, as the scenario's title already is)."""
    import asyncio

    from device_model.i18n import translate

    from panel_tui.scenarios import engine
    from panel_tui.scenarios.environment import EnvironmentProblem, environment

    try:
        sc = catalog.get(scenario_id)
    except KeyError as exc:
        err(str(exc.args[0]))
        return EXIT_ERROR

    if state_dir is None and not send and not keep:
        out("note: without --state-dir (or --keep) the state is removed at the end; only the outcome is shown")
    speak = lang or "en"
    try:
        with environment(state_dir, keep=keep, preset=preset, out=out, cloud=cloud, cloud_ca=cloud_ca) as env:
            speak = lang or env.device.language
            out(f"== {sc.id}: {translate(speak, sc.title)} ==")

            def show(o: engine.StepOutcome) -> None:
                out(f"{'ok  ' if o.ok else 'FAIL'} {o.label}: {o.text}")

            try:
                result = asyncio.run(engine.apply(sc, env.device, env.tenant, send=send, on_outcome=show))
            except engine.StepError as exc:
                err(f"ERROR: {exc}")
                return EXIT_ERROR
    except EnvironmentProblem as exc:
        err(str(exc))
        return EXIT_ERROR
    if not result.ok:
        err(translate(speak, "scenarios.apply.failed", id=sc.id))
        return EXIT_EXPECT_FAILED
    out(translate(speak, "scenarios.apply.passed" if send else "scenarios.apply.set_up", id=sc.id))
    return EXIT_OK
