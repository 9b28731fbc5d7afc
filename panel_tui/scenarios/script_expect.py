"""``expect ...`` lines of a script: what a tester checks (job, status, sign-in, reply, panel, mail)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from panel_tui.scenarios.steps import Step
from panel_tui.scenarios.expectations import (
    ATTEMPT_STATES,
    SIGN_IN_STATES,
    ExpectJob,
    ExpectMail,
    ExpectPanel,
    ExpectReply,
    ExpectSignIn,
    ExpectStatus,
)

if TYPE_CHECKING:
    from panel_tui.scenarios.script_words import Words as _Words

_MAIL_CONDITION = re.compile(r"^(to|from|subject|attachment|size)(=|~|<|>)(.+)$", re.IGNORECASE)


def _pattern(w: _Words, pos: list[str], what: str) -> str:
    rest = pos[1:]
    if rest and rest[0].startswith("~") and rest[0] != "~":
        rest = ["~", rest[0][1:], *rest[1:]]
    if len(rest) < 2 or rest[0] != "~":
        raise w.fail(f"usage: expect {what} ~ REGEX")
    pattern = " ".join(rest[1:])
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise w.fail(f"not a regular expression: {pattern!r} ({exc})") from None
    return pattern


def _mail(w: _Words, pos: list[str]) -> Step:
    if pos[1:] == ["none"]:
        return ExpectMail(count=0)
    conditions = []
    for word in pos[1:]:
        m = _MAIL_CONDITION.match(word)
        if m is None:
            raise w.fail(f"expect mail takes FIELD=VALUE, FIELD~REGEX or size<BYTES "
                         f"(fields: to, from, subject, attachment, size), not {word!r}")
        field, op, value = m.group(1).lower(), m.group(2), m.group(3)
        if op == "~":
            try:
                re.compile(value)
            except (re.error, RecursionError, OverflowError) as exc:
                raise w.fail(f"not a regular expression: {value!r} ({exc})") from None
        if op in "<>" or field == "size":
            if field not in ("size", "attachment") or not (value.isascii() and value.isdigit()):
                raise w.fail(f"{field}{op} takes a number of bytes, not {word!r}")
        conditions.append((field, op, value))
    if not conditions:
        raise w.fail("usage: expect mail [to=ADDRESS] [from=ADDRESS] [subject~REGEX] [attachment=NAME] "
                     "[size<BYTES] | expect mail none")
    return ExpectMail(tuple(conditions))


def _guide_code(w: _Words, code: int) -> int:
    """A code a job here can end with: the guide's error codes (device_model.errors), so that
    ``expect job 999`` (or 315, which nothing here produces) is a line error before the run,
    not a check that can never hold."""
    from device_model.errors import ERROR_CODES

    codes = [c for c in ERROR_CODES if c != NEVER_PRODUCED]
    if code == NEVER_PRODUCED:
        raise w.fail(f"no job here ends with {code} (\"Memory is full\": nothing fills this printer's memory); "
                     f"codes: {', '.join(map(str, codes))}")
    if code not in codes:
        raise w.fail(f"the guide has no error code {code}; codes: {', '.join(map(str, codes))}, or completed, not-set")
    return code


#: 315 ("Memory is full") is in Epson's tables but nothing on this printer fills its memory (SCENARIOS.md)
NEVER_PRODUCED = 315


def parse_expect(w: _Words) -> tuple[Step, ...]:
    pos = list(w.args)
    what = pos[0].lower() if pos else ""
    if what in ("reply", "panel"):
        pattern = _pattern(w, pos, what)
        return (ExpectReply(pattern) if what == "reply" else ExpectPanel(pattern),)
    if what == "mail":
        return (_mail(w, pos),)
    pos, _ = w.options()
    if what == "refused":
        from panel_tui.scenarios.script_guide import parse_refused

        return (parse_refused(w, pos),)
    if pos[:1] == ["sign-in"] and len(pos) in (2, 3):
        state = pos[1].lower().replace("-", "_")
        if state not in ATTEMPT_STATES:
            raise w.fail(f"expect sign-in takes one of {', '.join(ATTEMPT_STATES)}, not {pos[1]!r}")
        code = None
        if len(pos) == 3:
            digits = pos[2].upper().removeprefix("AADSTS")
            if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
                raise w.fail(f"an AADSTS code is a number (e.g. 53003), not {pos[2]!r}")
            code = int(digits)
        return (ExpectSignIn(state, code),)
    if len(pos) != 2 or pos[0] not in ("job", "status"):
        raise w.fail("usage: expect job CODE|completed, expect status signed_in|not_signed_in|expired, "
                     "expect sign-in STATE [AADSTS-CODE], expect reply ~ REGEX, expect panel ~ TEXT, "
                     "expect refused SECTION.FIELD VALUE, or expect mail FIELD=VALUE ...")
    if pos[0] == "job":
        value = pos[1].lower()
        if value.isascii() and value.isdigit() and len(value) <= 9:
            return (ExpectJob(_guide_code(w, int(value))),)
        if value in ("completed", "canceled", "cancelled"):
            return (ExpectJob("canceled" if value == "cancelled" else value),)
        if value.replace("-", " ").replace("_", " ") == "not set":  # the panel's "Not set"
            return (ExpectJob("not_set"),)
        raise w.fail(f"expect job takes an error code (e.g. 361), completed or not-set, not {pos[1]!r}")
    state = pos[1].lower().replace("-", "_")
    if state not in SIGN_IN_STATES:
        raise w.fail(f"expect status takes one of {', '.join(SIGN_IN_STATES)}, not {pos[1]!r}")
    return (ExpectStatus(state),)
