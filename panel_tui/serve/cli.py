"""``panel-tui serve ssh|status|push``: teach a class (see README, "Teaching a class")."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from panel_tui.class_options import ClassOptions

if TYPE_CHECKING:
    from asyncssh import SSHAuthorizedKeys

    from panel_tui.serve.auth import PasswordRecord

EXIT_USAGE = 2
SERVE_LOCK = "serve.lock"
#: the default port of the class tenant's sign-in pages (SMTP: the next one)
TENANT_PORT = 8443


def default_root() -> Path:
    from panel_tui.config import default_state_dir

    return default_state_dir() / "class"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="panel-tui serve",
                                description="Serve a class: one panel per student, one class tenant.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("ssh", help="an SSH server: each student connects with ssh -t -p PORT NAME@HOST")
    s.add_argument("--port", type=int, default=2222, help="SSH port (default 2222; 0: a free one)")
    _class_options(s)
    s.add_argument("--set-password", action="store_true",
                   help="set the class password (asked on the terminal, or one line on stdin); "
                   "only its hash is kept")
    s.add_argument("--authorized-keys", type=Path, metavar="FILE",
                   help="public keys that may join (under any student name)")
    s.add_argument("--idle-timeout", type=float, default=60.0, metavar="MIN",
                   help="end a session after MIN minutes without a key (state kept; 0: never)")
    s.add_argument("-v", "--verbose", action="store_true", help="log connections to stderr")

    w = sub.add_parser("web", help="the class in a browser (textual-serve): one panel per browser tab")
    w.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000; 0: a free one)")
    _class_options(w)

    from panel_tui.serve.trainer import PUSHES

    st = sub.add_parser("status", help="the trainer's table: each student's step and last error")
    st.add_argument("--state-dir", type=Path, metavar="DIR", help="the class's state dir (as for ssh)")
    st.add_argument("--json", action="store_true", help="one JSON object per student")
    tr = sub.add_parser("trainer", help="the trainer's screen: the class's table, pushes to one or all")
    tr.add_argument("--state-dir", type=Path, metavar="DIR", help="the class's state dir (as for ssh)")
    tr.add_argument("--lang", choices=("en", "lv"), default="en", help="the screen's language")
    pu = sub.add_parser("push", help="push a scenario to one student or all: "
                        + "; ".join(f"{k}: {v[0]}" for k, v in PUSHES.items()))
    pu.add_argument("scenario", choices=list(PUSHES))
    pu.add_argument("--student", action="append", metavar="NAME",
                    help="only this student (repeatable; default: everyone)")
    pu.add_argument("--state-dir", type=Path, metavar="DIR", help="the class's state dir (as for ssh)")
    return p


def _class_options(s: argparse.ArgumentParser) -> None:
    """Options that ``serve ssh`` and ``serve web`` share."""
    s.add_argument("--state-dir", type=Path, metavar="DIR",
                   help="the class's state: host key, class tenant, students/<name> "
                   "(default: the panel's state dir + /class)")
    s.add_argument("--bind", default="127.0.0.1", help="address to listen on (default loopback)")
    s.add_argument("--allow-remote", action="store_true",
                   help="allow --bind on a non-loopback address (the class network)")
    s.add_argument("--tenant-port", type=int, default=TENANT_PORT,
                   help=f"the class tenant's HTTPS port (default {TENANT_PORT}; SMTP the next one; "
                   "0: free ones)")
    s.add_argument("--tenant-preset", choices=("fresh", "prepared"), default="prepared",
                   help="a new class tenant's first state")
    s.add_argument("--max-sessions", type=int, default=40, help="students at once (default 40)")
    s.add_argument("--lang", choices=("en", "lv"), help="the panels' language")
    s.add_argument("--guided", action="store_true",
                   help="every panel shows the guide's next step above its footer")
    s.add_argument("--show-keys", action="store_true",
                   help="every panel shows the last keys pressed at the right end of its key line, "
                   "or on a row above it when the hints fill the line (for a projector)")
    s.add_argument("--theme", choices=("high-contrast",),
                   help="every panel's theme: high-contrast is bold black, white and yellow")
    s.add_argument("--student-admin", action="store_true",
                   help="give every student F4's Admin centre and Mailboxes on the class tenant "
                   "(its switches and clock then act on the whole class)")


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    if args.command == "ssh":
        return serve_ssh(args)
    if args.command == "web":
        return serve_web(args)
    if args.command == "status":
        return status_main(args)
    if args.command == "push":
        return push_main(args)
    if args.command == "trainer":
        return trainer_main(args)
    return EXIT_USAGE  # pragma: no cover - argparse requires a command


def read_new_password() -> str:
    """The class password from the terminal (twice, not echoed) or one line of stdin."""
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("Class password: ")
        if getpass.getpass("Again: ") != first:
            raise ValueError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def serve_ssh(args: argparse.Namespace) -> int:
    from cloud_sim.runtime import is_loopback
    from device_model import storage
    from panel_tui.serve import auth

    def fail(message: str) -> int:
        print(f"panel-tui serve: {message}", file=sys.stderr)
        return EXIT_USAGE

    if not is_loopback(args.bind) and not args.allow_remote:
        return fail(f"refusing to listen on {args.bind}: only loopback unless --allow-remote")
    if args.max_sessions < 1:
        return fail("--max-sessions must be at least 1")
    root = (args.state_dir or default_root()).expanduser()
    try:
        storage.ensure_dir(root)
        lock = storage.StateLock(root / SERVE_LOCK).acquire(storage.command_line())
    except OSError as exc:
        return fail(f"cannot use the state dir {root}: {exc.strerror or exc}")
    except storage.StateDirBusy as exc:
        return fail(f"{exc}; a class server already runs there")
    try:
        try:
            if args.set_password:
                auth.store_password(root, read_new_password())
            password = auth.load_password(root)
            keys = auth.authorized_keys(args.authorized_keys)
        except (auth.AuthProblem, ValueError) as exc:
            return fail(str(exc))
        if password is None and keys is None:
            return fail("no way to join yet: set a class password (--set-password) or give "
                        "--authorized-keys FILE")
        if args.verbose:
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
        try:
            return asyncio.run(_run(args, root, password, keys))
        except KeyboardInterrupt:
            return 0
    finally:
        lock.release()


async def _run(args: argparse.Namespace, root: Path, password: PasswordRecord | None,
               keys: SSHAuthorizedKeys | None) -> int:
    from panel_tui.serve.auth import host_key
    from panel_tui.serve.ssh import ClassServer, ServeOptions
    from panel_tui.serve.tenant import STUDENT_PASSWORD, ClassTenant

    try:
        tenant = ClassTenant(root, port=args.tenant_port, bind=args.bind,
                             allow_remote=args.allow_remote, preset=args.tenant_preset)
    except (OSError, ValueError) as exc:
        print(f"panel-tui serve: cannot start the class tenant: {exc}", file=sys.stderr)
        return EXIT_USAGE
    server = ClassServer(ServeOptions(root=root, cloud_url=tenant.url,
                                      cloud_ca=tenant.student_ca(args.student_admin),
                                      password=password, authorized_keys=keys,
                                      max_sessions=args.max_sessions,
                                      idle_timeout=max(0.0, args.idle_timeout) * 60,
                                      lang=args.lang, on_student=tenant.ensure_student,
                                      student_password=STUDENT_PASSWORD,
                                      panel_options=ClassOptions.from_args(args)))
    try:
        try:
            port = await server.start(args.bind, args.port, host_key(root))
        except OSError as exc:
            print(f"panel-tui serve: cannot listen on {args.bind}:{args.port}: "
                  f"{exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
        how = "the class password" if password is not None else "an authorized key"
        join = f"ssh -t -p {port} YOURNAME@{args.bind}"
        _write_join(root, join)
        # the language word is the one thing a student of the other language would not guess:
        # a Latvian class (--lang lv) starts every printer in Latvian, so its other one is English
        other, word = ("English", "en") if args.lang == "lv" else ("Latvian", "lv")
        print(f"Join: {join}   ({how}; in {other}: {join} {word})", flush=True)
        print(f"Sign-in page: {tenant.verification_uri}   (CA: {tenant.ca_path})", flush=True)
        print(f"Each student signs in as YOURNAME@{tenant.domain}, password {STUDENT_PASSWORD}",
              flush=True)
        print(f"Students' printers: {root / 'students'}   Ctrl+C stops the class.", flush=True)
        from panel_tui.serve import until_stopped

        await until_stopped()
        return 0
    finally:
        await server.stop()
        tenant.stop()


def status_main(args: argparse.Namespace) -> int:
    import json

    from panel_tui.serve.trainer import format_table, progress

    root = (args.state_dir or default_root()).expanduser()
    rows = progress(root)
    if args.json:
        for row in rows:
            print(json.dumps(row.as_dict()))
    else:
        print(format_table(rows))
    if not rows:  # a class run with --state-dir elsewhere reads as an empty class: say where we looked
        from device_model.i18n import translate

        key = "serve.status.none_in" if args.state_dir else "serve.status.none_in_default"
        # the table's words are English (format_table); JSON Lines stay JSON: the line goes to stderr
        print(translate("en", key, root=str(root)), file=sys.stderr if args.json else sys.stdout)
    return 0


def push_main(args: argparse.Namespace) -> int:
    from panel_tui.serve.students import BadStudentName, student_name
    from panel_tui.serve.trainer import push

    root = (args.state_dir or default_root()).expanduser()
    try:
        students = [student_name(s) for s in args.student] if args.student else None
        for line in push(root, args.scenario, students):
            print(line)
    except (BadStudentName, KeyError, ValueError, OSError) as exc:
        print(f"panel-tui serve push: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return 0


def trainer_main(args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print("panel-tui serve trainer: needs a terminal (or use: panel-tui serve status)",
              file=sys.stderr)
        return EXIT_USAGE
    from panel_tui.serve.trainer_app import TrainerApp

    app = TrainerApp((args.state_dir or default_root()).expanduser(), args.lang)
    app.run()
    return 0


def _write_join(root: Path, join: str) -> None:
    from device_model.storage import atomic_write_text
    from panel_tui.serve.trainer import JOIN_FILE

    try:
        atomic_write_text(root / JOIN_FILE, join + "\n")
    except OSError:
        pass


def serve_web(args: argparse.Namespace) -> int:
    from cloud_sim.runtime import is_loopback
    from device_model import storage

    if not is_loopback(args.bind) and not args.allow_remote:
        print(f"panel-tui serve: refusing to listen on {args.bind}: only loopback unless "
              "--allow-remote", file=sys.stderr)
        return EXIT_USAGE
    try:
        from panel_tui.serve.web import run_web
    except ImportError:
        print("panel-tui serve web: needs textual-serve: pip install -c constraints.txt -e '.[web]'",
              file=sys.stderr)
        return EXIT_USAGE
    root = (args.state_dir or default_root()).expanduser()
    try:
        storage.ensure_dir(root)
        lock = storage.StateLock(root / SERVE_LOCK).acquire(storage.command_line())
    except OSError as exc:
        print(f"panel-tui serve: cannot use the state dir {root}: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_USAGE
    except storage.StateDirBusy as exc:
        print(f"panel-tui serve: {exc}; a class server already runs there", file=sys.stderr)
        return EXIT_USAGE
    try:
        return asyncio.run(run_web(args, root))
    except KeyboardInterrupt:
        return 0
    finally:
        lock.release()
