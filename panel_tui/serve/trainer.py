"""What the trainer sees and does: each student's step in the guide, and scenarios pushed to
one student or all.

Everything here reads files, never a student's process: the server's ``sessions.json`` (who is
connected), each student's device state (``email/signin.json``: the sign-in saved with OK;
``joblog.json``: scans sent and error codes) and the class tenant's database, read-only (who has
signed in). Pushes go through the class tenant's admin API (``cloud_sim.state_dir.call_admin``), the
same one ``cloud-sim admin`` uses, so they act while the panels run and need no panel's lock.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

from panel_tui.serve.students import STUDENTS_DIR, TENANT_DIR, known_students

SESSIONS_FILE = "sessions.json"
#: the join line the server printed (shown by the trainer's screen while the class is empty)
JOIN_FILE = "join.txt"
DOMAIN = "contoso.onmicrosoft.com"

#: the guide's steps, in order, as the trainer's table names them
STEPS = ("connected", "signed in", "OK pressed", "scan sent")


@dataclass
class StudentProgress:
    """One row of the trainer's table."""

    name: str
    connected: bool = False
    signed_in: bool = False
    ok_pressed: bool = False
    scan_sent: bool = False
    last_error: str = ""
    account: str = ""
    #: the class tenant revoked the account's sessions (a trainer's push, a new password) since
    #: the printer signed in: the printer still holds its sign-in, but its next send gets 370
    revoked: bool = False

    @property
    def step(self) -> str:
        """The furthest step reached (the guide's order), or "-" before the first."""
        reached = [s for s, done in zip(STEPS, (self.connected or self.signed_in, self.signed_in,
                                                 self.ok_pressed, self.scan_sent)) if done]
        return reached[-1] if reached else "-"

    @property
    def done(self) -> bool:
        return self.scan_sent

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "step": self.step}


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _command_line(pid: int) -> bytes | None:
    """The process's command line (NUL-separated; b"" for a zombie), or None when there is no
    such process (or it cannot be read: not a student's panel started by this user). Without
    /proc (not Linux): b"" for a process that exists, its command line unknown."""
    import os

    if Path("/proc/self").exists():
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except OSError:  # PermissionError: it exists
        pass
    return b""


def panel_running(root: Path, name: str, pid: object) -> bool:
    """Whether ``pid`` is still the panel of student ``name`` (what ``serve ssh`` started for
    them). A server that died (its terminal closed, kill -9) left its last list behind: its
    students' panels ended with it, but the list still named them, so the trainer's table said
    they were connected. A pid the system has since given to another program is not a panel of
    that student (its command line names another state dir). A session without a pid (being
    started) counts as connected."""
    if pid is None:
        return True
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    cmdline = _command_line(pid)
    if cmdline is None:
        return False
    if not cmdline:
        # with /proc: a zombie (ended, not yet reaped); without: it exists, that is all we know
        return not Path("/proc/self").exists()
    args = cmdline.split(b"\0")
    try:
        given = args[args.index(b"--state-dir") + 1].decode("utf-8", "replace")
    except (ValueError, IndexError):
        return False
    return Path(given).resolve() == (Path(root) / STUDENTS_DIR / name).resolve()


def connected_students(root: Path) -> set[str]:
    """Who the server says is connected, without sessions whose panel has ended (see
    :func:`panel_running`)."""
    data = _read_json(Path(root) / SESSIONS_FILE)
    if not isinstance(data, dict) or not isinstance(data.get("sessions"), list):
        return set()
    return {str(s.get("name")) for s in data["sessions"]
            if isinstance(s, dict) and panel_running(root, str(s.get("name")), s.get("pid"))}


def write_sessions(root: Path, sessions: list[dict[str, object]]) -> None:
    """The server's list of connected students (read by :func:`progress`); ``serve ssh`` writes
    an empty one as it starts (the last server's sessions ended with it)."""
    from device_model.storage import atomic_write_json

    atomic_write_json(Path(root) / SESSIONS_FILE, {"sessions": sessions})


def account_tokens(root: Path) -> dict[str, str] | None:
    """Each account with refresh tokens in the class tenant: "live" (one still works) or
    "revoked" (all revoked: Revoke sessions, a new password). None: the tenant cannot be read,
    so nothing is known (read-only; the tenant may be running)."""
    db = Path(root) / TENANT_DIR / "tenant.sqlite3"
    if not db.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=2)
        try:
            rows = conn.execute("SELECT upn, MIN(revoked) FROM refresh_tokens GROUP BY upn").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return {str(upn).lower(): ("live" if not revoked else "revoked") for upn, revoked in rows}


def _device(student_dir: Path, row: StudentProgress) -> None:
    meta = _read_json(student_dir / "email" / "signin.json")
    data = meta.get("data") if isinstance(meta, dict) else None
    if isinstance(data, dict) and data.get("committed_at"):
        row.ok_pressed = True
        row.signed_in = True
        row.account = str(data.get("account") or "")[:200]
    from device_model.job_files import journal_finished

    log = _read_json(student_dir / "joblog.json")
    data = log.get("data") if isinstance(log, dict) else None
    jobs = data.get("log") if isinstance(data, dict) else None
    # newest first: what finished since the snapshot (the journal beside it), then the snapshot
    jobs = journal_finished(student_dir / "joblog.json") + (jobs if isinstance(jobs, list) else [])
    for job in jobs:
        if not isinstance(job, dict) or job.get("kind") != "scan_to_email":
            continue
        if job.get("status") == "completed":
            row.scan_sent = True
    for job in jobs:  # newest first: the first with a code is the latest error (a trainer asks
        # "what is she stuck on now", not "what went wrong first")
        if isinstance(job, dict) and job.get("code") not in (None, "", 0):
            row.last_error = str(job.get("code"))[:12]
            break


def progress(root: Path) -> list[StudentProgress]:
    """Every student who has connected at least once, in name order."""
    root = Path(root)
    online = connected_students(root)
    tokens = account_tokens(root) or {}
    rows = []
    for name in sorted(set(known_students(root)) | online):
        row = StudentProgress(name, connected=name in online)
        _device(root / STUDENTS_DIR / name, row)  # the printer's own view: a committed sign-in
        if not row.account:
            row.account = f"{name}@{DOMAIN}"
        state = tokens.get(row.account.lower())
        if state == "live":
            row.signed_in = True  # signed in, maybe not sent with OK yet
        elif state == "revoked" and row.signed_in:
            # the tenant knows at once what the printer learns only at its next send (370): the
            # trainer who just pushed "revoke" sees it now, not after the student's next scan
            row.signed_in, row.revoked = False, True
        rows.append(row)
    return rows


def format_table(rows: list[StudentProgress]) -> str:
    """The trainer's table as plain text (``panel-tui serve status``)."""
    def mark(flag: bool) -> str:
        return "yes" if flag else "-"

    def signed(row: StudentProgress) -> str:
        return "revoked" if row.revoked else mark(row.signed_in)

    head = f"{'student':<20} {'connected':<10} {'signed in':<10} {'OK':<4} {'scan sent':<10} {'last error':<10}"
    lines = [head]
    for r in rows:
        lines.append(f"{r.name:<20} {mark(r.connected):<10} {signed(r):<10} "
                     f"{mark(r.ok_pressed):<4} {mark(r.scan_sent):<10} {r.last_error or '-':<10}")
    done = sum(r.done for r in rows)
    lines.append(f"{done} of {len(rows)} students have sent their first scan")
    return "\n".join(lines)


# -- pushing scenarios ------------------------------------------------------------------------

#: what the trainer can push: name -> (what it does, the code the student then sees, per student?)
PUSHES: dict[str, tuple[str, str, bool]] = {
    "expire": ("everyone's sign-in expires: the class tenant's clock moves 91 days", "361", False),
    "revoke": ("sessions revoked (as Revoke sessions in the admin centre)", "370", True),
    "block": ("Conditional Access blocks the account", "370", True),
    "unblock": ("the Conditional Access block is removed", "", True),
    "smtp-off": ("SMTP AUTH off for the mailbox", "312", True),
    "smtp-on": ("SMTP AUTH for the mailbox back to the organisation's setting", "", True),
}
BLOCK_POLICY = "Class: block "


def _accounts(root: Path, students: list[str]) -> list[str]:
    rows = {r.name: r for r in progress(root)}
    return [rows[s].account if s in rows else f"{s}@{DOMAIN}" for s in students]


def push(root: Path, what: str, students: list[str] | None = None) -> list[str]:
    """Apply ``what`` (a key of :data:`PUSHES`) to ``students`` (None: all); returns what was done."""
    from cloud_sim.state_dir import call_admin
    from cloud_sim.operations import wire_args

    def admin(method: str, **kwargs: object) -> object:
        """A ``TenantAdmin`` method on the class tenant, by the operations table's wire name."""
        return call_admin(tenant, *wire_args(method, kwargs))

    if what not in PUSHES:
        raise KeyError(f"unknown scenario {what!r} (one of: {', '.join(PUSHES)})")
    tenant = Path(root) / TENANT_DIR
    text, code, per_student = PUSHES[what]
    if not per_student:
        if students:
            raise ValueError(f"{what} acts on the whole class (the tenant's clock); leave out --student")
        admin("advance_clock", delta="91d")
        return [f"all: {text}" + (f" (next scan: {code})" if code else "")]
    names = students if students is not None else [r.name for r in progress(root)]
    done = []
    for name, upn in zip(names, _accounts(root, names)):
        if what == "revoke":
            admin("revoke_sessions", upn=upn)
        elif what == "block":
            admin("add_conditional_access_policy", name=BLOCK_POLICY + upn, users=[upn])
        elif what == "unblock":
            for policy in admin("conditional_access_policies") or []:
                if isinstance(policy, dict) and policy.get("name") == BLOCK_POLICY + upn:
                    admin("remove_conditional_access_policy", policy_id=policy["id"])
        elif what == "smtp-off":
            admin("set_mailbox_smtp_auth", upn=upn, value=False)
        elif what == "smtp-on":
            admin("set_mailbox_smtp_auth", upn=upn, value=None)
        done.append(f"{name} ({upn}): {text}" + (f" (next scan: {code})" if code else ""))
    return done
