"""The `panel-tui` command: parse options, build the Device and run the panel.

Imports are lazy on purpose: `--help` and `--version` never import Textual or the device
model, and the app module itself pulls in only what the first frame needs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from panel_tui import __version__
from panel_tui.config import (
    EMAIL_SERVICES,
    LANGUAGES,
    TENANT_PRESETS,
    AppConfig,
    ConfigError,
    default_state_dir,
    read_config_file,
)


def build_parser() -> argparse.ArgumentParser:
    """The option set of issue 2 plus issue 4's cloud and email options (stored, not used here)."""
    p = argparse.ArgumentParser(
        prog="panel-tui",
        description="An Epson printer control-panel emulator in the terminal.",
        epilog="Options may also be set in config.toml in the state dir; options given here win. "
        "`panel-tui scenarios list|run FILE|apply ID` reproduces the guide's error codes "
        "(see docs/SCENARIOS.md).",
    )
    p.add_argument("--version", action="version", version=f"panel-tui {__version__}")
    p.add_argument(
        "--state-dir",
        type=Path,
        metavar="DIR",
        help="where the device keeps its settings, job log and prints "
        "(default: the platformdirs user state dir)",
    )
    p.add_argument("--lang", choices=LANGUAGES, help="panel language (kept as Basic Settings > Language)")
    p.add_argument("--no-mouse", action="store_true", default=None, help="disable mouse support")
    cloud = p.add_argument_group("cloud and email service")
    cloud.add_argument("--cloud", dest="cloud_url", metavar="URL", help="use a running simulated tenant")
    cloud.add_argument("--cloud-ca", type=Path, metavar="PATH", help="CA certificate of that tenant")
    cloud.add_argument("--email-service", choices=EMAIL_SERVICES, help="email service endpoints")
    cloud.add_argument("--client-id", metavar="ID", help="application (client) id to sign in with")
    cloud.add_argument("--tenant", metavar="T", help="tenant id or domain for the authority")
    cloud.add_argument("--tenant-preset", choices=TENANT_PRESETS, help="preset of the embedded tenant")
    cloud.add_argument("--scenario", metavar="ID", help="apply this troubleshooting scenario once the tenant is "
                       "ready (ids: panel-tui scenarios list)")
    return p


#: options of this run only: not AppConfig fields, never read from config.toml
RUN_ONLY = ("state_dir", "scenario")


def parse(argv: Sequence[str] | None = None) -> tuple[AppConfig, argparse.Namespace]:
    """The config (arguments over config.toml over defaults) and the parsed arguments."""
    args = build_parser().parse_args(argv)
    state_dir = (args.state_dir or default_state_dir()).expanduser()
    base = AppConfig(state_dir=state_dir)
    from_file = read_config_file(state_dir)
    values = {k: v for k, v in vars(args).items() if k not in RUN_ONLY}
    return base.with_overrides(**from_file).with_overrides(**values), args


def load_config(argv: Sequence[str] | None = None) -> AppConfig:
    """Arguments over config.toml over defaults."""
    return parse(argv)[0]


def check_scenario(scenario_id: str | None) -> str | None:
    """None when ``--scenario`` names a catalog scenario (or is not given), else the problem."""
    if not scenario_id:
        return None
    from panel_tui.scenarios import catalog

    try:
        catalog.get(scenario_id)
    except KeyError as exc:
        return str(exc.args[0])
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `panel-tui` script and of `python -m panel_tui`.

    `panel-tui scenarios ...` is `python -m panel_tui.scenarios ...` (checked before the panel's
    options are parsed, so neither it nor --help/--version import Textual).
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["scenarios"]:
        from panel_tui.scenarios.cli import main as scenarios_main

        return scenarios_main(arguments[1:])
    try:
        config, args = parse(arguments)
    except ConfigError as exc:
        print(f"panel-tui: {exc}", file=sys.stderr)
        return 2
    problem = check_scenario(args.scenario)
    if problem:
        print(f"panel-tui: --scenario: {problem}", file=sys.stderr)
        return 2
    from panel_tui.app import PanelApp, make_device

    device = make_device(config)
    app = PanelApp(device, config)
    app.startup_scenario = args.scenario
    app.run(mouse=not config.no_mouse)
    return app.return_code or 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
