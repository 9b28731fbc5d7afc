"""Students: their names, their state dirs, and what the trainer sees of their progress.

A student's name comes from the SSH user name. It becomes a directory name, so it is reduced to
a safe alphabet here, once, and the resulting path is checked to stay directly under the
students' root: no name (``..``, ``a/b``, a NUL, a very long one) reaches another's dir.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

#: longest student name kept (a login name, not an essay)
MAX_NAME = 32
_UNSAFE = re.compile(r"[^a-z0-9._-]+")

STUDENTS_DIR = "students"
#: the class tenant's own accounts (README, Default accounts): a student of that name would share
#: the account, its password and its sessions, so the name is refused
RESERVED_NAMES = frozenset({"admin", "printer", "user", "someone"})
TENANT_DIR = "tenant"


class BadStudentName(ValueError):
    """The SSH user name leaves nothing usable as a student's name."""


def student_name(login: str) -> str:
    """The student's name for an SSH user name: lower-case ASCII letters, digits, ``.``, ``_``, ``-``.

    Accents are dropped ("Jānis" → "janis"), other characters become ``-``, and the name may not
    start with ``.`` or ``-`` (no hidden or option-like dirs). Raises :class:`BadStudentName`
    when nothing is left.
    """
    text = unicodedata.normalize("NFKD", str(login)).encode("ascii", "ignore").decode("ascii")
    text = _UNSAFE.sub("-", text.lower())
    text = re.sub(r"-{2,}", "-", text).lstrip(".-_")[:MAX_NAME].rstrip(".-_")
    if not text or set(text) <= {"."}:
        raise BadStudentName(f"no usable student name in {login!r}")
    return text


def student_dir(root: Path, login: str) -> Path:
    """``ROOT/students/<name>``: the student's device state dir (not created here)."""
    base = (Path(root) / STUDENTS_DIR).resolve()
    path = (base / student_name(login)).resolve()
    if path.parent != base:  # cannot happen with student_name's alphabet; checked anyway
        raise BadStudentName(f"student name {login!r} leaves the students' dir")
    return path


def known_students(root: Path) -> list[str]:
    """Every student who has a state dir (connected at least once), sorted."""
    base = Path(root) / STUDENTS_DIR
    try:
        return sorted(p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return []


def said(lang: str | None, key: str, **params: object) -> str:
    """A line the server says to a student, in ``lang`` (English if None): a Latvian class read
    these in English. Which language is the student's: ``StudentSession.speaks``."""
    from device_model.i18n import translate

    return translate(lang or "en", key, **params)
