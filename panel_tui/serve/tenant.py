"""The class tenant: one simulated Microsoft 365 tenant for the whole class, on fixed ports.

Why one shared tenant with one account per student (and not a tenant per student): the
verification URL (``https://HOST:PORT/devicelogin``) is the same for everyone and stays the same
across restarts, so it can sit on the trainer's slide and students can open it in their own
browser; one tenant is one process's worth of memory instead of thirty; and the trainer watches
and steers one admin centre. What a student does stays theirs: each signs in with their own
account (``<name>@contoso.onmicrosoft.com``, a Global Administrator so that consent and the
admin steps of the guide work for each), each device has its own tokens, and the per-user
exercises (revoke sessions → 370, Conditional Access for one user, SMTP AUTH for one mailbox)
touch only that student. Tenant-wide switches (the clock, security defaults, the organisation's
SMTP AUTH, consent on behalf of the organisation) are the trainer's, pushed to everyone.

Students' panels get a copy of the CA outside the tenant's dir, so they find no admin secret
beside it: a student cannot time-travel the class's clock from F4 (F4's Admin centre and
Mailboxes say they need the tenant's admin). ``--student-admin`` gives them both, for a small
class or self-study, where one student's switch acting on everyone is fine.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from panel_tui.serve.students import TENANT_DIR

if TYPE_CHECKING:
    from cloud_sim.runtime import TenantHandle

#: the CA certificate handed to the students' panels (and offered to their browsers)
CLASS_CA = "class-ca.pem"
#: every student account's password (printed in the join line; a simulation, not a secret)
STUDENT_PASSWORD = "Contoso-Student-2025"


#: glibc's mallopt parameter for the number of arenas
_M_ARENA_MAX = -8


def few_malloc_arenas(count: int = 2) -> None:
    """At most ``count`` malloc arenas in this (the class server's) process.

    The class tenant answers each sign-in on a thread of its own, and each checks a password
    with scrypt (16 MiB): glibc gives threads arenas of their own and keeps the freed 16 MiB in
    each, so the server grew by about 10 MiB per student. Two arenas share that memory.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, count)
    except (OSError, AttributeError):  # not glibc: its allocator has no such knob
        pass


class ClassTenant:
    """The running class tenant and what the students' panels need to reach it."""

    def __init__(self, root: Path, *, port: int = 0, bind: str = "127.0.0.1",
                 allow_remote: bool = False, preset: str = "prepared") -> None:
        from cloud_sim import start_tenant
        from cloud_sim.state_dir import claim

        few_malloc_arenas()

        self.root = Path(root)
        tdir = self.root / TENANT_DIR
        self._lock = claim(tdir)
        try:
            self.handle: TenantHandle = start_tenant(tdir, preset=preset, bind=bind, allow_remote=allow_remote,
                                            port_http=port, port_smtp=port + 1 if port else 0)
        except BaseException:
            self._lock.release()
            raise
        self.ca_path = self.root / CLASS_CA
        shutil.copyfile(self.handle.ca_cert_path, self.ca_path)
        self.ca_path.chmod(0o644)

    @property
    def url(self) -> str:
        return str(self.handle.base_url)

    @property
    def verification_uri(self) -> str:
        return str(self.handle.verification_uri)

    @property
    def domain(self) -> str:
        return str(self.handle.tenant_domain)

    def student_ca(self, admin: bool) -> Path:
        """The CA path the students' panels get: beside the tenant's ``run.json`` (whose admin
        secret F4's Admin centre and Mailboxes use) only with ``--student-admin``."""
        return Path(self.handle.ca_cert_path) if admin else self.ca_path

    def account(self, student: str) -> str:
        return f"{student}@{self.domain}"

    def ensure_student(self, student: str) -> str:
        """The student's own account in the class tenant (made on first connection)."""
        self.handle.admin.ensure_user(self.account(student), STUDENT_PASSWORD,
                                      display_name=student)
        return self.account(student)

    def stop(self) -> None:
        try:
            self.handle.stop()
        finally:
            self._lock.release()
