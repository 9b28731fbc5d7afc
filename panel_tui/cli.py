"""The `panel-tui` command: parse options, build the Device and run the panel.

Imports are lazy on purpose: `--help` and `--version` never import Textual or the device
model, and the app module itself pulls in only what the first frame needs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from panel_tui import __version__
from panel_tui.class_options import THEMES, ClassOptions
from panel_tui.config import (
    EMAIL_SERVICES,
    LANGUAGES,
    TENANT_PRESETS,
    AppConfig,
    ConfigError,
    default_state_dir,
    read_config_file,
)
from panel_tui.exit_codes import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, EXIT_USAGE
from panel_tui.state_claim import StateDirProblem, claim_state_dir


def build_parser() -> argparse.ArgumentParser:
    """The option set of issue 2 plus issue 4's cloud and email options (stored, not used here)."""
    p = argparse.ArgumentParser(
        prog="panel-tui",
        description="An Epson printer control-panel emulator in the terminal.",
        epilog="Options may also be set in config.toml in the state dir; options given here win. "
        "`panel-tui scenarios list|run FILE|apply ID` reproduces the guide's error codes "
        "(see docs/SCENARIOS.md). `panel-tui serve ssh|web|trainer` teaches a class "
        "(README: Teaching a class).",
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
    p.add_argument("--model", metavar="ID", help="device model to emulate, kept with the state dir "
                   "(ids: panel-tui models)")
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
    aids = p.add_argument_group("trainer aids (also $PANEL_TUI_GUIDED, $PANEL_TUI_SHOW_KEYS, $PANEL_TUI_THEME)")
    aids.add_argument("--guided", action="store_true", help="name the guide's next step above the key line")
    aids.add_argument("--show-keys", action="store_true", help="show the last keys pressed at the "
                      "right end of the key line, or on a row above it when the hints fill the line (a projector)")
    aids.add_argument("--theme", choices=[t for t in THEMES if t], help="bold black, white and yellow")
    return p


#: options of this run only: not AppConfig fields, never read from config.toml
RUN_ONLY = ("state_dir", "scenario", "guided", "show_keys", "theme")


def class_options(args: argparse.Namespace) -> ClassOptions:
    """The environment's trainer aids, with those asked for on the command line added."""
    env = ClassOptions.from_environ()
    return replace(env, guided=env.guided or args.guided, show_keys=env.show_keys or args.show_keys,
                   theme=args.theme or env.theme)


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


def check_model(model_id: str | None) -> str | None:
    """None when ``--model`` names a catalogue model (or is not given), else the problem."""
    if not model_id:
        return None
    from device_model import models

    try:
        models.get(model_id)
    except models.UnknownModel as exc:
        return f"--model: {exc.args[0]}"
    return None



def guarded(fn: Callable[..., int], *args: Any) -> int:
    """Run a command's body so that it never ends in a traceback a person has to read.

    Ctrl+C ends quietly with 130; a closed pipe (``panel-tui --help | head -1``) with 141,
    stdout pointed at /dev/null so the interpreter's last flush stays quiet too.
    """
    try:
        try:
            return fn(*args)
        finally:
            sys.stdout.flush()
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        silence_stdout()
        return EXIT_BROKEN_PIPE


def silence_stdout() -> None:
    """Point fd 1 at /dev/null: the reader is gone, and Python would complain at exit."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def has_terminal() -> bool:
    """Both ends of the panel are a terminal (``ssh host panel-tui`` without -t has neither)."""
    import os

    if os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver"):
        return True  # textual-serve (panel-tui serve web): the browser is the terminal
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def no_terminal_text(lang: str | None) -> str:
    """Why the panel did not start without a terminal, and what to do where it runs: over SSH
    "use ssh -t"; on this machine (a pipe, a redirect, a script) that advice confused a local
    user, so it says to run it in a terminal window. In ``--lang``'s language (the device's
    own is not read: nothing is touched before the refusal)."""
    import os

    from device_model.i18n import translate

    over_ssh = bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT"))
    return translate(lang or "en", "panel.no_terminal.ssh" if over_ssh else "panel.no_terminal.local")


def embedded_tenant(config: AppConfig) -> bool:
    """This run starts the simulated tenant in STATE_DIR/tenant (as panel_tui.cloud_link picks)."""
    if config.cloud_url:
        return False
    return not (config.email_service and config.email_service != "simulated" and config.client_id)


def tenant_preset_notice(config: AppConfig, args: argparse.Namespace) -> Any:
    """A notice when ``--tenant-preset`` meets a tenant that already exists (it keeps its state)."""
    from device_model.i18n import Msg

    tdir = Path(config.state_dir) / "tenant"
    if not args.tenant_preset or not (tdir / "tenant.sqlite3").exists():
        return None
    return Msg.of("device.notice.tenant_kept", dir=str(tdir), preset=args.tenant_preset,
                  state_dir=str(config.state_dir))


def watch_terminal(app: Any, interval: float = 0.5) -> Callable[[], None]:
    """End the app when its terminal goes away (hang-up, or stdin at end of file).

    Textual's input thread would otherwise spin on a dead terminal at 100 % CPU with the keys
    gone. A daemon thread polls stdin for POLLHUP; SIGHUP asks the same. If the app has not
    ended a few seconds later (it may block writing to the dead terminal) the process exits.
    Returns the function that stops watching (call it once the app has ended).
    """
    import os
    import select
    import signal
    import threading

    gone = threading.Event()
    stopped = threading.Event()

    def hangup(*_: Any) -> None:
        gone.set()

    try:
        signal.signal(signal.SIGHUP, hangup)
    except (ValueError, OSError):  # not the main thread
        pass

    def stdin_gone() -> bool:
        try:
            poller = select.poll()
            poller.register(sys.stdin.fileno(), select.POLLIN)
            return any(ev & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, ev in poller.poll(0))
        except (OSError, ValueError):
            return True

    def watch() -> None:
        while not gone.wait(interval):
            if stopped.is_set():
                return
            if stdin_gone():
                break
        if stopped.is_set():
            return
        try:
            app.call_from_thread(app.exit, return_code=EXIT_HANGUP)
        except RuntimeError:  # the app's loop has already stopped
            pass
        if not stopped.wait(5):
            os._exit(EXIT_HANGUP)

    threading.Thread(target=watch, name="terminal-watch", daemon=True).start()

    def stop() -> None:
        stopped.set()
        gone.set()

    return stop


#: the app ended because its terminal went away (128 + SIGHUP, as a shell reports it)
EXIT_HANGUP = 129


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `panel-tui` script and of `python -m panel_tui`.

    `panel-tui scenarios ...` is `python -m panel_tui.scenarios ...` and `panel-tui reset ...`
    restores factory state (both checked before the panel's options are parsed, so neither they
    nor --help/--version import Textual).
    """
    return guarded(_main, argv)


def _models(argv: Sequence[str]) -> int:
    from device_model import models

    print(models.listing())
    return 0


#: ``panel-tui COMMAND ...``: the module and function each command word runs (imported only
#: when asked for, so neither Textual nor the device model loads for them)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "scenarios": ("panel_tui.scenarios.cli", "main"),
    "reset": ("panel_tui.reset_cli", "reset_main"),
    "serve": ("panel_tui.serve.cli", "main"),
    "models": ("panel_tui.cli", "_models"),
}


def _main(argv: Sequence[str] | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] and arguments[0] in SUBCOMMANDS:
        import importlib

        module, function = SUBCOMMANDS[arguments[0]]
        command: Callable[[Sequence[str]], int] = getattr(importlib.import_module(module), function)
        return command(arguments[1:])
    try:
        config, args = parse(arguments)
    except ConfigError as exc:
        print(f"panel-tui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    problem = check_scenario(args.scenario)
    if problem:
        print(f"panel-tui: --scenario: {problem}", file=sys.stderr)
        return EXIT_USAGE
    problem = check_model(config.model)
    if problem:
        print(f"panel-tui: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if not has_terminal():
        print(f"panel-tui: {no_terminal_text(config.lang)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        locks = claim_state_dir(config.state_dir, tenant=embedded_tenant(config))
    except StateDirProblem as exc:
        print(f"panel-tui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    notice = tenant_preset_notice(config, args) if embedded_tenant(config) else None
    from panel_tui.app import PanelApp
    from panel_tui.config import make_device

    device = make_device(config)
    if notice is not None:
        print(f"panel-tui: {device.t(notice)}", file=sys.stderr)
        device.startup_problems.append(notice)
    app = PanelApp(device, config, class_options=class_options(args))
    app.startup_scenario = args.scenario
    stop_watching = watch_terminal(app)
    try:
        app.run(mouse=not config.no_mouse)
    finally:
        stop_watching()
        for lock in locks:
            lock.release()
    return app.return_code or 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
