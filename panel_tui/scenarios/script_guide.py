"""Script words for the guide's compatible-models cases (see docs/SCENARIOS.md):

    pas sign-in USER ACCOUNT [--org] [--may-fail]   a Print Admin Serverless user's To Email sign-in
    pas to-email USER ADDRESS                       that user sends a scan (their own sign-in and From)
    pas sign-out                                    every PAS user forgets their sign-in
    relay start | relay stop                        the tenant's relay with its own CA (Email Server to it)
    ca import relay | ca delete relay               Network Security > CA Certificate, the relay's CA
    expect refused SECTION.FIELD VALUE              the device must refuse the setting (``script_expect``)

Apart from the parser (``script.py``), as ``script_tenant.py`` is, so each group of words
reads on its own.
"""

from __future__ import annotations

import re

from panel_tui.scenarios.steps import (
    DeleteRelayCa,
    ImportRelayCa,
    PasSend,
    PasSignIn,
    PasSignOut,
    Relay,
    RelayStop,
    SettingsRefused,
    Step,
)
from panel_tui.scenarios.script_words import Words

_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_USER_ID = re.compile(r"^[0-9A-Za-z]{1,32}$")
PAS_USAGE = ("pas sign-in USER ACCOUNT [--org] [--may-fail] | pas to-email USER ADDRESS | pas sign-out   "
             "(USER: the PAS user's ID, e.g. 1002; ACCOUNT: admin, user, printer or a UPN)")


def _user(w: Words, word: str) -> str:
    if not _USER_ID.match(word):
        raise w.fail(f"a Print Admin Serverless user is an ID of letters and digits (e.g. 1002), not {word!r}")
    return word


def parse_pas(w: Words) -> tuple[Step, ...]:
    what = w.args[0].lower() if w.args else ""
    rest = Words(w.n, f"pas {what}", w.args[1:])
    if what == "sign-in":
        pos, seen = rest.options(["--org", "--may-fail"])
        rest.count(pos, 2, "pas sign-in USER ACCOUNT [--org] [--may-fail]")
        return (PasSignIn(_user(w, pos[0]), rest.account(pos[1]), org="--org" in seen, may_fail="--may-fail" in seen),)
    if what == "to-email":
        pos, _ = rest.options()
        rest.count(pos, 2, "pas to-email USER ADDRESS")
        if not _ADDRESS.match(pos[1]):
            raise w.fail(f"not an email address: {pos[1]!r}")
        return (PasSend(to=pos[1], user=_user(w, pos[0])),)
    if what == "sign-out":
        rest.count(rest.options()[0], 0, "pas sign-out")
        return (PasSignOut(),)
    raise w.fail(f"usage: {PAS_USAGE}")


def parse_relay(w: Words) -> tuple[Step, ...]:
    pos, _ = w.options()
    if pos not in (["start"], ["stop"]):
        raise w.fail("usage: relay start | relay stop   (the tenant's relay with its own CA; start also sets "
                     "the Email Server to it)")
    return (Relay() if pos[0] == "start" else RelayStop(),)


def parse_ca(w: Words) -> tuple[Step, ...]:
    pos, _ = w.options()
    if len(pos) != 2 or pos[0] not in ("import", "delete") or pos[1] != "relay":
        raise w.fail("usage: ca import relay | ca delete relay   (Network Security > CA Certificate: the "
                     "relay's CA)")
    return (ImportRelayCa() if pos[0] == "import" else DeleteRelayCa(),)


def parse_refused(w: Words, pos: list[str]) -> Step:
    """``expect refused SECTION.FIELD VALUE``: the device refuses that setting (the check)."""
    if len(pos) != 3:
        raise w.fail("usage: expect refused SECTION.FIELD VALUE   (e.g. expect refused email_server.network "
                     "additional)")
    section, fields = w.setting(pos[1], pos[2])
    return SettingsRefused(section, fields)

