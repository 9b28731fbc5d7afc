"""The error codes a job can end with, and what Job Status shows for them.

Texts are catalog keys (``error.<code>.status`` / ``.solution`` / ``.panel``) in
``locales/<lang>/errors.toml``: 360, 361 and 370 verbatim from the vendor guide (Latvian from the
original), 311–315 condensed from Epson's status-menu tables (REFERENCE.md §1, unverified).
``panel`` is the message the panel shows when a job fails that way (DESIGN.md §4), where the guide
has one (:data:`PANEL_MESSAGE_CODES`); otherwise the panel shows the status.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import Msg
from .jobs import Job

#: Codes the catalog describes, in display order.
ERROR_CODES: tuple[int, ...] = (311, 312, 313, 314, 315, 360, 361, 370)
#: Codes with a panel message of their own (the guide's: DESIGN.md §4); a failed job with another
#: code shows its status, the words of Job Details and the guide's table. The scan screen had its
#: own words for 311-315 ("Could not find the email server." beside Job Details' "A DNS error
#: occurred."), and a trainer comparing with the guide asked which one was the printer's.
PANEL_MESSAGE_CODES: frozenset[int] = frozenset({360, 361, 370})


@dataclass(frozen=True)
class ErrorEntry:
    """One error code: its status (what happened), solution, and the panel message if any."""

    code: int
    status: Msg
    solution: Msg
    panel_message: Msg | None = None
    known: bool = True


class ErrorCatalog:
    """Lookup of :class:`ErrorEntry` by code; unknown codes get a generic entry, never a KeyError."""

    def codes(self) -> tuple[int, ...]:
        return ERROR_CODES

    def get(self, code: int) -> ErrorEntry:
        """The entry for ``code`` (a generic "error {code}" entry for codes not in the catalog)."""
        try:
            code = int(code)
        except (TypeError, ValueError):
            code = 0
        if code in ERROR_CODES:
            return ErrorEntry(
                code,
                Msg.of(f"error.{code}.status"),
                Msg.of(f"error.{code}.solution"),
                Msg.of(f"error.{code}.panel") if code in PANEL_MESSAGE_CODES else None,
            )
        return ErrorEntry(
            code,
            Msg.of("error.unknown.status", code=code),
            Msg.of("error.unknown.solution"),
            None,
            known=False,
        )

    def for_job(self, job: Job) -> ErrorEntry | None:
        """The entry Job Details explains a failed job with (None for a job that did not fail).

        A job with a code gets that code's entry; a job that failed before it could start
        because no email server is set gets the "not set" entry (code 0, not in
        :data:`ERROR_CODES`: the panel shows "Not set", never a number).
        """
        if job.status != "error":
            return None
        code = job.code
        if code == 314 and (job.reply or "").startswith("552"):
            # the server refused it, not Attached File Max Size: raising that cannot help
            entry = self.get(314)
            return ErrorEntry(entry.code, entry.status, Msg.of("error.314.solution_server"), entry.panel_message)
        sender = (job.details or {}).get("sender", "")
        if code == 313 and (job.details or {}).get("error") == "sender" and sender:
            # the server refused to let the account send as this address: name the address
            entry = self.get(313)
            return ErrorEntry(entry.code, entry.status, Msg.of("error.313.solution_sender", sender=sender),
                              entry.panel_message)
        if code is not None:
            return self.get(code)
        if (job.details or {}).get("error") == "not_set":
            # a received fax goes out through the Fax Server's own settings (guide p. 8): point
            # there, not at Network > Email Server, which a fax never uses
            fax = "_fax" if getattr(job, "kind", "") == "fax" else ""
            return ErrorEntry(
                0, Msg.of(f"error.not_set.status{fax}"), Msg.of(f"error.not_set.solution{fax}"),
                Msg.of(f"error.not_set.panel{fax}"),
            )
        return None

    def __contains__(self, code: object) -> bool:
        return code in ERROR_CODES

    def all(self) -> list[ErrorEntry]:
        return [self.get(c) for c in ERROR_CODES]
