"""The checks a scenario or a script ends with: what a tester expects of the job, the sign-in,
the server's reply, the panel and the mailbox.

Apart from the catalogue's other steps (``catalog.py``): the checks are what scripts write most
(``expect ...`` lines, ``script_expect.py``) and what ``checks.py`` evaluates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

@dataclass(frozen=True)
class ExpectJob:
    """The newest job ended with this error code, ``"completed"``, or ``"not_set"`` (no email
    server: the panel's "Not set", written ``not-set`` in a script)."""

    expected: Union[int, str]

    def describe(self) -> str:
        return f"expect job {'not-set' if self.expected == 'not_set' else self.expected}"


@dataclass(frozen=True)
class ExpectStatus:
    """The device's sign-in status (Web Config "Current Status"): signed_in | not_signed_in | expired."""

    state: str

    def describe(self) -> str:
        return f"expect status {self.state}"


@dataclass(frozen=True)
class ExpectSignIn:
    """The newest sign-in attempt ended in ``state`` (signed_in | failed | expired | cancelled),
    with AADSTS ``aad_code`` if given (e.g. 53003: blocked by Conditional Access)."""

    state: str
    aad_code: int | None = None

    def describe(self) -> str:
        return f"expect sign-in {self.state}" + (f" AADSTS{self.aad_code}" if self.aad_code else "")


@dataclass(frozen=True)
class ExpectReply:
    """The newest job's server reply (or, when no server answered, the printer's finding)
    matches ``pattern`` (a regular expression, searched)."""

    pattern: str

    def describe(self) -> str:
        return f"expect reply ~ {self.pattern}"


@dataclass(frozen=True)
class ExpectPanel:
    """What the panel shows for the newest job (its result, the status text and the message
    Job Details explains it with, in the device's language) contains ``text`` (a regular
    expression, searched, case-insensitive)."""

    pattern: str

    def describe(self) -> str:
        return f"expect panel ~ {self.pattern}"


@dataclass(frozen=True)
class ExpectMail:
    """A message delivered during this run matches every condition: ``(field, op, value)`` with
    field to | from | subject | attachment | size, op ``=`` (equal; for attachment a name),
    ``~`` (regex), ``<`` / ``>`` (size in bytes, of the message or the attachment)."""

    conditions: tuple[tuple[str, str, str], ...] = ()
    count: int | None = None  # "expect mail none": no message at all

    def describe(self) -> str:
        if self.count == 0:
            return "expect mail none"
        return "expect mail " + " ".join(f"{f}{op}{v}" for f, op, v in self.conditions)


EXPECT_STEPS = (ExpectJob, ExpectStatus, ExpectSignIn, ExpectReply, ExpectPanel, ExpectMail)
ATTEMPT_STATES = ("signed_in", "failed", "expired", "cancelled")
SIGN_IN_STATES = ("signed_in", "not_signed_in", "expired")
