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


#: the class ``--lang`` a student's panel was last started in, kept in their state dir beside the
#: printer's settings: a saved language that differs from it is one the student chose on their
#: printer (Basic Settings > Language), which the printer's settings alone cannot tell from the
#: language a class start wrote there
CLASS_LANGUAGE_FILE = "class-language"


def _class_language_given(state_dir: Path) -> str | None:
    try:
        with (Path(state_dir) / CLASS_LANGUAGE_FILE).open("rb") as handle:
            word = handle.read(16).decode("ascii", "replace").strip()
    except OSError:
        return None
    return word or None


def start_language(state_dir: Path, class_lang: str | None) -> str | None:
    """The ``--lang`` a student's panel starts with when they asked for none as the SSH command:
    the class's, unless the student switched their printer to another language since a class
    start gave it the class's (they come back to the language they chose; a dropped connection
    used to put them back in the class's). A printer the class never started in its language
    (new, or from a class without ``--lang``) gets the class's: the trainer's word is all there
    is to go by.
    """
    if not class_lang:
        return None
    from device_model.device import saved_language

    saved = saved_language(state_dir)
    given = _class_language_given(state_dir)
    if saved is not None and given is not None and saved != given:
        return None
    return class_lang


def note_class_language(state_dir: Path, lang: str) -> None:
    """Keep the class language a student's panel is being started in (see
    :func:`start_language`); atomic, owner-only like the printer's own files."""
    from device_model.storage import atomic_write_text

    atomic_write_text(Path(state_dir) / CLASS_LANGUAGE_FILE, lang + "\n")
