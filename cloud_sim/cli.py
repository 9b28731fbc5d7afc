"""``cloud-sim``: run the simulated tenant, or administer one (running or not).

    cloud-sim [serve] [--state-dir DIR] [--preset fresh|prepared] [--port-http N]
                      [--port-smtp N] [--bind ADDR] [--allow-remote]
    cloud-sim info
    cloud-sim admin state | users | now | advance 91d | revoke-sessions UPN
    cloud-sim admin set smtp-auth (--org | --mailbox UPN) on|off|default
    cloud-sim admin set security-defaults|public-client-flows on|off
    cloud-sim admin set message-size-limit BYTES | set-password UPN PASSWORD
    cloud-sim admin ca add NAME [--user UPN ...] [--device-code-flow] | ca remove ID | ca list
    cloud-sim admin consent grant|revoke [--client-id ID]
    cloud-sim admin signing-keys | rotate-signing-key
    cloud-sim admin fault latency smtp|idp|token|devicecode|discovery MS | fault reset ENDPOINT BYTES
    cloud-sim admin fault hang ENDPOINT | fault idp-down | fault smtp 421|451 [--times N] | fault clear | faults
    cloud-sim admin relay start|stop|status
    cloud-sim mail list [--mailbox UPN]

Admin commands talk to the running tenant named by ``STATE_DIR/run.json`` over its admin
API; when none is running they change the state dir directly.

One owner per state dir: ``serve`` (and the panel's embedded tenant) holds an ``fcntl.flock``
on ``STATE_DIR/cloud-sim.lock`` for its life; an offline admin change takes it for its moment.
Read-only commands (``info``, ``mail list``, ``admin state|users|now|ca list``) take no lock.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from cloud_sim.operations import JsonValue, operation
from cloud_sim.jsontypes import JsonObject
from cloud_sim.state_dir import LOCK_FILE, READY, call_admin, claim, running

if TYPE_CHECKING:  # imported by the commands that need them (the CLI starts fast)
    from cloud_sim.runtime import TenantHandle

SUBCOMMANDS = {"serve", "admin", "mail", "info"}
#: the operations of the tenant's table that are ``cloud-sim admin`` commands of their own; the
#: others sit under ``set``, ``ca`` and ``consent`` (or ``mail list``)
TOP_LEVEL_OPS = ("state", "users", "now", "signing-keys", "rotate-signing-key", "advance",
                 "revoke-sessions", "set-password")
#: ``cloud-sim admin set NAME on|off``
ON_OFF_SETTINGS = ("security-defaults", "public-client-flows")


def default_state_dir() -> Path:
    from platformdirs import user_state_dir

    return Path(user_state_dir("cloud-sim"))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cloud-sim",
                                description="A simulated Microsoft 365 tenant (identity platform "
                                            "and Exchange Online SMTP) on loopback.")
    p.add_argument("--state-dir", type=Path, default=None,
                   help="tenant state (default: the platformdirs user state dir)")
    sub = p.add_subparsers(dest="command")

    s = sub.add_parser("serve", help="run the tenant until Ctrl+C (the default)")
    s.add_argument("--state-dir", type=Path, default=argparse.SUPPRESS)
    s.add_argument("--preset", choices=("fresh", "prepared"), default="prepared",
                   help="initial state of a new tenant (default: prepared)")
    s.add_argument("--port-http", type=int, default=0, help="identity platform port (0: free)")
    s.add_argument("--port-smtp", type=int, default=0, help="SMTP submission port (0: free)")
    s.add_argument("--bind", default="127.0.0.1", help="address to listen on (loopback)")
    s.add_argument("--allow-remote", action="store_true",
                   help="allow --bind on a non-loopback address")
    s.add_argument("--device-code-interval", type=int, default=5)
    s.add_argument("--device-code-expires-in", type=int, default=900)
    s.add_argument("-v", "--verbose", action="store_true")
    # How panel-tui runs its embedded tenant in a child process (not for people: hidden).
    s.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    s.add_argument("--lock-fd", type=int, default=None, help=argparse.SUPPRESS)
    s.add_argument("--on-demand", action="store_true", help=argparse.SUPPRESS)

    sub.add_parser("info", help="print the tenant's URLs and CA certificate (stopped: what the state dir holds)").add_argument(
        "--state-dir", type=Path, default=argparse.SUPPRESS)

    a = sub.add_parser("admin", help="administer the tenant")
    a.add_argument("--state-dir", type=Path, default=argparse.SUPPRESS)
    asub = a.add_subparsers(dest="admin_cmd", required=True)
    for op in map(operation, TOP_LEVEL_OPS):  # arguments as positionals, in the table's order
        cmd = asub.add_parser(op.name, help=op.help)
        for param in op.params:
            cmd.add_argument(param.name, help={"duration": "e.g. 91d, 2h, 30m"}.get(param.name))
    st = asub.add_parser("set")
    ssub = st.add_subparsers(dest="setting", required=True)
    smtp = ssub.add_parser("smtp-auth")
    who = smtp.add_mutually_exclusive_group(required=True)
    who.add_argument("--org", action="store_true")
    who.add_argument("--mailbox")
    smtp.add_argument("value", choices=("on", "off", "default"))
    for op in map(operation, ON_OFF_SETTINGS):
        ssub.add_parser(op.name, help=op.help).add_argument("value", choices=("on", "off"))
    size = operation("message-size-limit")
    ssub.add_parser(size.name, help=size.help).add_argument("size", type=int)
    ca = asub.add_parser("ca", help="Conditional Access policies")
    casub = ca.add_subparsers(dest="ca_cmd", required=True)
    add = casub.add_parser("add")
    add.add_argument("name")
    add.add_argument("--user", action="append", default=[], help="UPN (repeatable; default all)")
    add.add_argument("--device-code-flow", action="store_true",
                     help="block the device code flow (authentication flows condition)")
    casub.add_parser("remove").add_argument("id")
    casub.add_parser("list")
    cons = asub.add_parser("consent")
    cons.add_argument("action", choices=("grant", "revoke"))
    cons.add_argument("--client-id", default=None)

    fa = asub.add_parser("fault", help="a network fault of the running tenant (cloud_sim.faults)")
    fa.add_argument("words", nargs="+", metavar="KIND [ARGS]",
                    help="latency ENDPOINT MS | reset ENDPOINT BYTES | hang ENDPOINT | idp-down | "
                         "smtp 421|451 | clear")
    fa.add_argument("--times", default=None, help="fault smtp: fail this many times, then work")
    asub.add_parser("faults", help="the running tenant's network faults")
    rl = asub.add_parser("relay", help="a mail relay with its own CA, in the running tenant (cloud_sim.relay)")
    rl.add_argument("action", nargs="?", choices=("start", "stop", "status"), default="status")

    m = sub.add_parser("mail", help="delivered mail")
    m.add_argument("--state-dir", type=Path, default=argparse.SUPPRESS)
    msub = m.add_subparsers(dest="mail_cmd", required=True)
    msub.add_parser("list").add_argument("--mailbox", default=None)
    _state_dir_anywhere(p)
    return p


def _state_dir_anywhere(parser: argparse.ArgumentParser) -> None:
    """``--state-dir`` is taken after any command word too (``cloud-sim admin faults --state-dir
    X``), as people type it after reading ``--help`` of the command they want."""
    for action in parser._actions:  # argparse keeps subcommands only here
        if isinstance(action, argparse._SubParsersAction):
            for child in set(action.choices.values()):
                if not any("--state-dir" in a.option_strings for a in child._actions):
                    child.add_argument("--state-dir", type=Path, default=argparse.SUPPRESS)
                _state_dir_anywhere(child)


def main(argv: list[str] | None = None) -> int:
    """Ctrl+C ends quietly (130), a closed pipe (``cloud-sim --help | head -1``) too (141)."""
    try:
        try:
            return _main(argv)
        finally:
            sys.stdout.flush()
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass
        return 141


def _main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help")
                    and not (argv[0] == "--state-dir" and len(argv) > 2
                             and argv[2] in SUBCOMMANDS)):
        argv.insert(0, "serve")
    args = _parser().parse_args(argv)
    args.state_dir = Path(args.state_dir) if args.state_dir else default_state_dir()
    try:
        if args.command == "serve":
            return serve(args)
        if args.command == "info":
            print(json.dumps(tenant_info(args.state_dir), indent=2))
            return 0
        op, payload = _admin_op(args)
        result = call_admin(args.state_dir, op, payload)
    except (ValueError, KeyError, OSError) as exc:
        print(f"cloud-sim: {exc}", file=sys.stderr)
        return 2
    _print_result(args, result)
    return 0


def tenant_info(state_dir: Path) -> dict[str, object]:
    """What ``cloud-sim info`` prints: the running tenant's facts, or, when it is stopped, the
    facts the state dir holds anyway (its path, the CA certificate a browser must trust, the
    client id), with ``running: false``. README step 6 sends people here for ``ca_cert_path``
    while the panel (and so its embedded tenant) may well be stopped."""
    from cloud_sim.accounts import CLIENT_ID

    info = running(state_dir)
    public = {k: v for k, v in (info or {}).items() if not k.startswith("_")}
    if public:
        return {"running": True, **public}
    facts: dict[str, object] = {"running": False, "state_dir": str(state_dir.resolve())}
    ca = state_dir / "ca.pem"  # cloud_sim.ca keeps it there from the first start on
    if ca.is_file():
        facts["ca_cert_path"] = str(ca.resolve())
    else:  # a mistyped path printed running: false and nothing else, as if a tenant were there
        facts["note"] = ("no tenant has started in this state dir (the panel's embedded tenant "
                         "keeps its state in the panel's state dir + /tenant)")
    facts["client_id"] = CLIENT_ID
    return facts


# -- serve -------------------------------------------------------------------------------------
def serve(args: argparse.Namespace) -> int:
    """Run the tenant until Ctrl+C or SIGTERM; as panel-tui's child (``--child``) also until
    its stdin reaches end of file (see :func:`_serve_as_child`)."""
    from cloud_sim.runtime import start_tenant

    if args.lock_fd is not None:  # the parent's lock on this state dir, inherited
        from cloud_sim.fsutil import StateLock

        lock = StateLock.adopt(args.state_dir / LOCK_FILE, args.lock_fd)
    else:
        lock = claim(args.state_dir)  # released when the process ends, however it ends
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-line chatter
    stop = threading.Event()

    def stop_on_signals() -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())

    if args.child:  # a panel that quits while its tenant starts: a clean stop after the start
        stop_on_signals()
    h = start_tenant(args.state_dir, preset=args.preset, bind=args.bind,
                     port_http=args.port_http, port_smtp=args.port_smtp,
                     allow_remote=args.allow_remote,
                     device_code_interval=args.device_code_interval,
                     device_code_expires_in=args.device_code_expires_in,
                     on_demand=args.on_demand)
    if args.child:
        _serve_as_child(h, stop)
    else:
        stop_on_signals()  # before the banner: it tells users to press it
        print(banner(h), flush=True)
    try:
        while not stop.wait(1):
            pass
    finally:
        h.stop()
        lock.release()
        if not args.child:
            print("cloud-sim stopped.", flush=True)
    return 0


def _serve_as_child(h: TenantHandle, stop: threading.Event) -> None:
    """panel-tui's embedded tenant, run in its own process (``panel_tui.tenant_process``).

    One line on stdout says it is ready (``cloud-sim-ready`` and the ``/_sim/info`` facts with
    the CA's path, as JSON), so the panel needs no polling; stdout is then pointed at stderr
    (the panel's log file), so nothing else reaches the pipe. The parent keeps the write end
    of our stdin open for its life: end of file there means the panel has ended, however it
    ended (``kill -9`` too), and the tenant stops. The child is in a session of its own, so a
    terminal's signals never reach it: its life is the pipe's.
    """
    ready = {**h.info(), "ca_cert_path": str(h.ca_cert_path), "pid": os.getpid()}
    sys.stdout.write(f"{READY} {json.dumps(ready)}\n")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    def watch_parent() -> None:
        try:
            while os.read(sys.stdin.fileno(), 4096):
                pass
        except OSError:
            pass
        stop.set()

    threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()


def banner(h: TenantHandle) -> str:
    lines = [
        f"Simulated Microsoft 365 tenant {h.tenant_domain} ({h.tenant_id}), preset {h.preset}",
        f"  Authority         {h.authority('organizations')}",
        f"                    (also /common, /consumers, /{h.tenant_domain}, /{h.tenant_id})",
        f"  Verification URL  {h.verification_uri}",
        f"  SMTP (STARTTLS)   {h.smtp_host}:{h.smtp_port}",
        f"  CA certificate    {h.ca_cert_path}",
        f"  Client id         {h.client_id}",
        f"  State dir         {h.state_dir}",
        "  Accounts:",
    ]
    for a in h.accounts:
        lines.append(f"    {a.username:<36} {a.password:<22} {a.role}")
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)


# -- admin -------------------------------------------------------------------------------------
def _admin_op(args: argparse.Namespace) -> tuple[str, JsonObject]:
    """The command line as one operation of the tenant's table and its JSON arguments."""
    given = vars(args)
    if args.command == "mail":
        return "mail-list", {"mailbox": args.mailbox}
    c = args.admin_cmd
    if c in TOP_LEVEL_OPS:
        return c, {p.name: given[p.name] for p in operation(c).params}
    if c == "set":
        if args.setting == "smtp-auth":
            if args.org:
                if args.value == "default":
                    raise ValueError("--org takes on or off")
                return "org-smtp-auth", {"enabled": args.value == "on"}
            value = None if args.value == "default" else args.value == "on"
            return "mailbox-smtp-auth", {"upn": args.mailbox, "value": value}
        if args.setting == "message-size-limit":
            return "message-size-limit", {"size": args.size}
        return args.setting, {"enabled": args.value == "on"}
    if c == "ca":
        if args.ca_cmd == "add":
            return "ca-add", {"name": args.name, "users": args.user or ["all"],
                              "block_device_code_flow": args.device_code_flow}
        if args.ca_cmd == "remove":
            return "ca-remove", {"id": args.id}
        return "ca-list", {}
    if c == "consent":
        return f"consent-{args.action}", {"client_id": args.client_id}
    if c == "faults":
        return "faults", {}
    if c == "relay":
        return {"start": "relay-start", "stop": "relay-stop"}.get(args.action, "relay"), {}
    if c == "fault":
        from cloud_sim.faults import FaultError, parse_fault

        try:
            kind, fargs = parse_fault(args.words, times=args.times)
        except FaultError as exc:
            raise ValueError(str(exc)) from None
        return ("fault-clear", {}) if kind == "clear" else ("fault-set", {"kind": kind, **fargs})
    raise ValueError(f"unknown admin command {c}")  # pragma: no cover


def _print_result(args: argparse.Namespace, result: JsonValue) -> None:
    if args.command == "admin" and args.admin_cmd == "users":
        for u in result:
            smtp = {True: "on", False: "off", None: "default"}[u["smtp_auth"]]
            print(f"{u['upn']:<36} {u['role']:<22} smtp-auth {smtp:<8} {u['display_name']}")
        return
    if args.command == "mail":
        if not result:
            print("(no messages)")
        for m in result:
            print(f"{m['delivered'][:19]}  {m['mailbox']:<32} {m['from']:<32} {m['subject']}")
        return
    print(json.dumps(result, indent=2))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
