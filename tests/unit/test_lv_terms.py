"""One Latvian word pair per concept: the administrator logs in/out of the panel and Web Config
("pieteikties"/"atteikties", the guide's "pieteiktos kā administrators"); a Microsoft account
signs in/out ("pierakstīties"/"izrakstīties", the guide's word for Sign In). A new user met
pieteikties, pierakstīties, izrakstīties and "Jūs atteicāties" for the same log-out, and
"Enter izvēlēt" on one footer where every other says "Enter atlasīt"."""

from __future__ import annotations

import re

from device_model.i18n import default_catalog

LV = default_catalog().messages("lv")

#: Where the administrator's own log-in/log-out is named (not a Microsoft account's sign-in).
ADMIN_LOG_OUT = ["admin.logged_out", "panel.lock.logged_out", "panel.lock.timed_out", "webconfig.logout.button",
                 "webconfig.logout.title", "webconfig.logout.question", "webconfig.hints_logged_in"]


def test_the_administrator_logs_out_with_atteikties() -> None:
    for key in ADMIN_LOG_OUT:
        text = LV[key].lower()
        assert "atteic" in text or "atteik" in text, (key, LV[key])
        assert "izrakst" not in text and "pierakst" not in text, (key, LV[key])


def test_the_administrator_logs_in_with_pieteikties() -> None:
    for key in ("webconfig.login.title", "webconfig.login.keys", "webconfig.login.required", "admin.logged_in",
                "panel.lock.login_hint", "webconfig.hints"):
        text = LV[key].lower()
        assert re.search(r"piete|piesak", text), (key, LV[key])
        assert "pierakst" not in text, (key, LV[key])


def test_no_odd_forms() -> None:
    """"Jūs atteicāties" (you refused), "administrators tika atteikts" (was refused) and
    "Pierakstītais konts" (the written-down account) read oddly."""
    for key, text in LV.items():
        for odd in ("atteicāties", "administrators tika atteikts", "administrators tiek atteikts", "Pierakstītais konts", "pierakstītais konts"):
            assert odd not in text, (key, text)


def test_enter_selects_with_one_word() -> None:
    hints = {key: text for key, text in LV.items() if re.search(r"\bEnter [a-zāčēģīķļņšūž]+", text, re.I)}
    verbs = {m.lower() for text in hints.values() for m in re.findall(r"\bEnter (izvēlē\w*|atlas\w*)", text, re.I)}
    assert verbs <= {"atlasīt", "atlasa"}, verbs  # the hint and the help's prose
