"""Message catalogs: complete in every language (all files, every area), placeholders match,
lookups never crash."""

from __future__ import annotations

import re

from pathlib import Path

import pytest

from device_model.i18n import Catalog, Msg, languages, placeholders, translate

CATALOG = Catalog()


def test_languages() -> None:
    assert languages()[:1] == ["en"]
    assert "lv" in languages()


@pytest.mark.parametrize("lang", [lang for lang in Catalog().languages() if lang != "en"])
def test_every_key_in_both_languages_per_file(lang: str) -> None:
    en_files = CATALOG.files("en")
    other_files = CATALOG.files(lang)
    assert sorted(en_files) == sorted(other_files), "the same catalog files in every language"
    problems = []
    for name, en in en_files.items():
        other = other_files.get(name, {})
        for key in sorted(set(en) - set(other)):
            problems.append(f"{lang}/{name}: missing {key}")
        for key in sorted(set(other) - set(en)):
            problems.append(f"en/{name}: missing {key} (present in {lang})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", [lang for lang in Catalog().languages() if lang != "en"])
def test_placeholders_match(lang: str) -> None:
    en = CATALOG.messages("en")
    other = CATALOG.messages(lang)
    bad = [
        f"{key}: en {sorted(placeholders(en[key]))} vs {lang} {sorted(placeholders(other[key]))}"
        for key in sorted(set(en) & set(other))
        if placeholders(en[key]) != placeholders(other[key])
    ]
    assert not bad, "\n".join(bad)


def test_no_empty_texts() -> None:
    for lang in CATALOG.languages():
        empty = [k for k, v in CATALOG.messages(lang).items() if not v.strip()]
        assert not empty, f"{lang}: {empty}"


def test_fallbacks_never_crash(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "lv").mkdir()
    (tmp_path / "en" / "a.toml").write_text('[x]\nhello = "Hello {name}"\nonly_en = "E"\nbad = "{0} {"\n')
    (tmp_path / "lv" / "a.toml").write_text('x.hello = "Sveiki, {name}"\n')
    (tmp_path / "lv" / "broken.toml").write_text("this is = = not toml")
    cat = Catalog(tmp_path)
    assert cat.translate("lv", "x.hello", name="Anna") == "Sveiki, Anna"
    assert cat.translate("lv", "x.hello") == "Sveiki, {name}"  # missing param
    assert cat.translate("lv", "x.only_en") == "E"  # falls back to English
    assert cat.translate("lv", "no.such.key") == "no.such.key"
    assert cat.translate("de", Msg.of("x.hello", name="B")) == "Hello B"
    assert cat.translate("en", "x.bad") == "{0} {"
    assert cat.translate("en", Msg.of("x.hello", name=Msg.of("x.only_en"))) == "Hello E"  # nested Msg


def test_package_translate() -> None:
    assert translate("lv", "error.370.status") == "Jums atkārtoti jāpierakstās mākoņpakalpojumā."
    assert translate("en", Msg.of("validation.range", min=1, max=65535)) == "Enter a number from 1 to 65535."


def test_parsed_catalog_cache_follows_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSON copy that spares tomllib at start-up is used only while the files are unchanged."""
    import os
    import sys

    root = tmp_path / "locales"
    (root / "en").mkdir(parents=True)
    toml = root / "en" / "panel.toml"
    toml.write_text('[panel]\nhello = "Hello"\n', "utf-8")
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "pycache"))
    assert Catalog(root).messages("en") == {"panel.hello": "Hello"}
    assert list((tmp_path / "pycache").rglob("catalog.json")), "written like bytecode"
    assert Catalog(root).messages("en") == {"panel.hello": "Hello"}  # read from the copy
    toml.write_text('[panel]\nhello = "Sveiki!"\n', "utf-8")
    os.utime(toml, ns=(1, 1))  # a changed file (size and mtime) makes the copy stale
    assert Catalog(root).messages("en") == {"panel.hello": "Sveiki!"}


#: The key lines along the bottom of each surface (one terminal row, 1 column of padding each side)
KEY_LINES = ("panel.hints.", "webconfig.hints", "cloud.hints", "scan.hints", "serve.trainer.hints", "serve.push.hints")


@pytest.mark.parametrize("lang", Catalog().languages())
def test_every_key_line_fits_80_columns(lang: str) -> None:
    """A key line wider than 78 columns loses its last keys off the edge at 80×24 (the Latvian
    Home line lost Ctrl+Q that way): every line fits, in every language."""
    wide = [
        f"{key} ({len(text)}): {text}"
        for key, text in sorted(CATALOG.messages(lang).items())
        if key.startswith(KEY_LINES) and key != "panel.hints.close" and len(text) > 78
    ]
    assert not wide, "\n".join(wide)


#: the words a key line names keys by (a hint is a key and what it does: "Enter atlasīt")
KEY_WORDS = re.compile(r"(\^[A-Z]|F\d+|Enter|Tab|Esc|Space|Ctrl\+\S+|Shift\+\S+|←→|↑↓|←↑↓→|Tab/\S+)$")


@pytest.mark.parametrize("lang", Catalog().languages())
def test_key_lines_part_their_hints_with_two_spaces(lang: str) -> None:
    """On a projector "Tab tālāk ←→ cilnes Enter atlasīt" could not be read as which words
    belong to which key: a key that starts a hint is two spaces after the hint before."""
    crowded = []
    for key, text in sorted(CATALOG.messages(lang).items()):
        if not key.startswith(KEY_LINES) or key == "panel.hints.close":
            continue
        words = text.split(" ")
        for before, word in zip(words, words[1:]):
            if before and KEY_WORDS.match(word) and not KEY_WORDS.match(before):
                crowded.append(f"{key}: {text!r} ({before} {word})")
    assert not crowded, "\n".join(crowded)


#: every row of keys a person reads at the bottom of a surface or a window: the key lines, and the
#: Web Config dialogs' and F4 Scenarios' own
STYLED_KEY_LINES = KEY_LINES + ("webconfig.login.keys", "webconfig.logout.keys", "webconfig.signin.keys",
                                "webconfig.signin.footer", "cloud.scenarios.keys")
#: a key as a key line names it (the keys a hint is for; letters are Web Config's c/u, F4's S, the trainer's a)
KEY_NAME = re.compile(r"(\^[A-Z]|F\d+|Enter|Tab|Esc|Space|PgUp|PgDn|Arrows|Bultiņas|Ctrl\+\S+|Shift\+\S+"
                      r"|[←↑↓→]+|[A-Za-z]|\S+/\S+)$")


@pytest.mark.parametrize("lang", Catalog().languages())
def test_key_lines_share_the_panels_style(lang: str) -> None:
    """Web Config said "Tab move  ←→ tabs  ^L log in" under a panel that says "Arrows Move ...
    Ctrl+S Save", and the Latvian panel wrote ^S where the English wrote Ctrl+S: every key line
    of the panel, Web Config, F4 and the trainer's table spells Ctrl+X out and starts what a key
    does with a capital letter."""
    odd = []
    for key, text in sorted(CATALOG.messages(lang).items()):
        if not key.startswith(STYLED_KEY_LINES) or key == "panel.hints.close":
            continue
        if re.search(r"\^[A-Z]", text):
            odd.append(f"{key}: {text!r} (^X, not Ctrl+X)")
        for hint in re.split(r" {2,}", text.strip()):
            words = hint.split(" ")
            action = next((word for word in words if not KEY_NAME.match(word)), "")
            if not action[:1].isupper():
                odd.append(f"{key}: {hint!r} (what the key does starts lower-case)")
    assert not odd, "\n".join(odd)


@pytest.mark.parametrize("lang", Catalog().languages())
def test_one_example_domain_per_language(lang: str) -> None:
    """Scan's To said vards@example.com while Web Config said vards@piemers.lv: every example
    address of a language (placeholders, field messages) uses one domain, the reserved
    example.com (RFC 2606), which reaches nobody if a person types it as it stands."""
    import re

    domains = {
        match.group(1): key
        for key, text in sorted(CATALOG.messages(lang).items())
        for match in re.finditer(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)", text)
    }
    assert set(domains) == {"example.com"}, domains


@pytest.mark.parametrize("lang", Catalog().languages())
def test_every_guided_line_fits_80_columns(lang: str) -> None:
    """Guided mode's line is one terminal row (1 column of padding each side): the Latvian
    "save the sign-in with OK" step ran 15 columns past the edge."""
    messages = CATALOG.messages(lang)
    lines = [messages["panel.guided.done"]] + [
        messages["panel.guided.next"].format(step=text)
        for key, text in sorted(messages.items()) if key.startswith("panel.guided.step.")
    ]
    wide = [f"({len(line)}) {line}" for line in lines if len(line) > 78]
    assert not wide, "\n".join(wide)


@pytest.mark.parametrize("lang", Catalog().languages())
def test_a_guided_step_names_the_key_to_its_surface_from_the_others(lang: str) -> None:
    """On the panel the line said "Next step: Network > Email Server > Basic: OAuth2, then Sign
    In" and "Email Server > Connection Test: Start" without F3: a person there looked for
    Network in the panel's menus. Every step seen from another surface than the one it is done
    on names the key that gets there (F2 panel, F3 Web Config, F4 Cloud)."""
    from panel_tui.guided import STEP_SURFACE, STEPS, step_message

    key_to = {"panel": "F2", "webconfig": "F3", "cloud": "F4"}
    messages = CATALOG.messages(lang)
    missing = [
        f"{step} seen from {surface}: {messages[step_message(step, surface)]!r}"
        for step in STEPS for surface in key_to
        if STEP_SURFACE.get(step, "") != surface
        and key_to.get(STEP_SURFACE.get(step, ""), "F") not in messages[step_message(step, surface)]
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("lang, count, text", [
    ("en", 0, "0 messages."), ("en", 1, "1 message."), ("en", 2, "2 messages."), ("en", 21, "21 messages."),
    ("lv", 0, "0 ziņojumu."), ("lv", 1, "1 ziņojums."), ("lv", 2, "2 ziņojumi."), ("lv", 10, "10 ziņojumu."),
    ("lv", 11, "11 ziņojumu."), ("lv", 21, "21 ziņojums."), ("lv", 22, "22 ziņojumi."), ("lv", 111, "111 ziņojumu."),
])
def test_counts_take_the_languages_plural_form(lang: str, count: int, text: str) -> None:
    """'4 ziņojums(-i)' read as a form, not as Latvian: each count takes its word's form."""
    assert translate(lang, "cloud.mail.count", count=count).startswith(text)
