"""One Latvian word pair per concept, the guide's: the administrator logs in/out of the panel and
Web Config with "pierakstīties"/"izrakstīties" (the guide, p. 7: "pierakstieties kā
administrators"), as a Microsoft account signs in/out. A new user met pieteikties,
pierakstīties, "Atteikties" (which reads as "renounce") and "Jūs atteicāties" for the same
log-out, and "Enter izvēlēt" on one footer where every other says "Enter atlasīt".
Web Config's own button names the guide quotes in English ("Log in", "Sign In") stay English."""

from __future__ import annotations

import re

from device_model.i18n import default_catalog

LV = default_catalog().messages("lv")

#: Where the administrator's own log-in/log-out is named (not a Microsoft account's sign-in).
ADMIN_LOG_OUT = ["admin.logged_out", "panel.lock.logged_out", "panel.lock.timed_out", "webconfig.logout.button",
                 "webconfig.logout.title", "webconfig.logout.question", "webconfig.hints_logged_in"]


def test_the_administrator_logs_out_with_izrakstities() -> None:
    for key in ADMIN_LOG_OUT:
        text = LV[key].lower()
        assert "izrakst" in text, (key, LV[key])
        assert "atteic" not in text and "atteik" not in text, (key, LV[key])


def test_the_administrator_logs_in_with_pierakstities() -> None:
    for key in ("webconfig.login.title", "webconfig.login.keys", "webconfig.login.required", "admin.logged_in",
                "panel.lock.login_hint", "webconfig.hints", "panel.guided.step.login"):
        text = LV[key].lower()
        assert "pierakst" in text, (key, LV[key])


def test_no_other_verb_for_logging_in_or_out() -> None:
    """Not "pieteikties"/"piesakieties"/"atteikties" anywhere (a refusal, "atteikts", is another word)."""
    for key, text in LV.items():
        assert not re.search(r"piete[ik]|piesak|atteikt(ies|os)|atteicies|atsakāties", text, re.I), (key, text)


def test_key_lines_say_tab_and_the_arrows_one_way() -> None:
    """"Tab Tālāk" on one screen and "Tab Nākamais lauks" on another; "←↑↓→" on Home and
    "Bultiņas" elsewhere: one word each ("Tab tālāk" fits every line at 78 columns)."""
    hints = {key: text for key, text in LV.items() if re.search(r"\b(Tab|Enter|Esc) [a-zāčēģīķļņšūž]", text, re.I)
             and ("hints" in key or "keys" in key or "footer" in key) and "help" not in key}
    assert hints
    for key, text in hints.items():
        assert "nākam" not in text.lower(), (key, text)
        assert "←↑↓→" not in text, (key, text)


def test_the_microsoft_pages_buttons_are_the_guides() -> None:
    """The Latvian guide's steps 8-10 quote Microsoft's own page in English: Next, Sign In."""
    assert (LV["cloud.signin.next"], LV["cloud.signin.sign_in"]) == ("Next", "Sign In")


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
