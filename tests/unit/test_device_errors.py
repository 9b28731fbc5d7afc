"""The error catalog: every code has status, solution and panel message in every language."""

from __future__ import annotations

from pathlib import Path

import pytest

from device_model import ERROR_CODES, Device, ErrorCatalog, FrozenClock
from device_model.errors import PANEL_MESSAGE_CODES
from device_model.i18n import Catalog

GUIDE_EN = {
    360: ("No connection to the cloud service or email service.", "Connect to the cloud service or email service."),
    361: ("The connection to the cloud service or email service has expired.",
          "Connect to the cloud service or email service."),
    370: ("You need to sign in to the cloud service again.", "Sign in to the cloud service."),
}
GUIDE_LV = {  # verbatim from the Latvian original of the guide
    360: ("Nav savienojuma ar mākoņpakalpojumu vai e-pasta pakalpojumu.",
          "Izveidojiet savienojumu ar mākoņpakalpojumu vai e-pasta pakalpojumu."),
    361: ("Savienojuma derīguma termiņš ar mākoņpakalpojumu vai e-pasta pakalpojumu ir beidzies.",
          "Izveidojiet savienojumu ar mākoņpakalpojumu vai e-pasta pakalpojumu."),
    370: ("Jums atkārtoti jāpierakstās mākoņpakalpojumā.", "Pierakstieties mākoņpakalpojumā."),
}


def test_catalog_codes() -> None:
    assert set(ERROR_CODES) == {311, 312, 313, 314, 315, 360, 361, 370}


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_every_code_complete(lang: str) -> None:
    messages = Catalog().messages(lang)
    for entry in ErrorCatalog().all():
        # a message of its own only where the guide has one; the others show their status
        assert (entry.panel_message is not None) == (entry.code in PANEL_MESSAGE_CODES), entry.code
        for msg in (entry.status, entry.solution, entry.panel_message or entry.status):
            assert msg is not None and msg.key in messages, (lang, entry.code, msg)


@pytest.mark.parametrize(("lang", "table"), [("en", GUIDE_EN), ("lv", GUIDE_LV)])
def test_guide_texts_verbatim(tmp_path: Path, lang: str, table: dict) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    dev.update("basic", language=lang)
    for code, (status, solution) in table.items():
        entry = dev.errors.get(code)
        assert (dev.t(entry.status), dev.t(entry.solution)) == (status, solution)


def test_panel_messages(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    assert dev.t(dev.errors.get(360).panel_message) == (
        "To use this feature, you must sign in to your email service. Please contact your administrator.")
    assert dev.t(dev.errors.get(370).panel_message) == "You need to sign in to the cloud service again."
    dev.update("basic", language="lv")
    assert dev.t(dev.errors.get(360).panel_message) == (
        "Lai izmantotu šo funkciju, jums jāpierakstās savā e-pasta pakalpojumā. "
        "Lūdzu, sazinieties ar savu administratoru.")


def test_unknown_code_is_generic() -> None:
    entry = ErrorCatalog().get(999)
    assert not entry.known and entry.panel_message is None
    assert Catalog().translate("en", entry.status) == "Error 999."
    assert 360 in ErrorCatalog() and 999 not in ErrorCatalog()


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("email.signin.ca_blocked", "nosacītās piekļuves"),
        ("email.conntest.not_signed_in", "sazinieties ar savu administratoru"),
        ("email.conntest.signin_again", "atkārtoti"),
        ("error.360.panel", "sazinieties ar savu administratoru"),
    ],
)
def test_latvian_email_texts_use_the_guides_words(key: str, words: str) -> None:
    """The Latvian guide's own terms, not near-synonyms ("nosacījumpiekļuve", "vēlreiz")."""
    assert words in Catalog().translate("lv", key)


def test_a_not_set_job_is_explained_in_both_languages(tmp_path: Path) -> None:
    dev = Device(tmp_path / "d")
    job = dev.jobs.record("scan_to_email", "a@b.c", "error", None, error="not_set", note="email.job.not_set_smtp")
    entry = dev.errors.for_job(job)
    assert entry is not None
    for lang, word in (("en", "not set"), ("lv", "nav iestatīts")):
        cat = Catalog()
        assert word in cat.translate(lang, entry.status)
        assert cat.translate(lang, job.result_label) in ("Not set", "Neiestatīts")
        assert cat.translate(lang, job.note) != job.note.key


def test_314_refused_by_the_server_does_not_advise_attached_file_max_size() -> None:
    """Raising Attached File Max Size cannot help when Exchange's limit refused the message."""
    from types import SimpleNamespace

    catalog = Catalog()
    errors = ErrorCatalog()
    by_server = SimpleNamespace(status="error", code=314, reply="552 5.3.4 Message size exceeds fixed maximum message size")
    by_printer = SimpleNamespace(status="error", code=314, reply="", details={})
    for lang in ("en", "lv"):
        server_advice = catalog.translate(lang, errors.for_job(by_server).solution)
        printer_advice = catalog.translate(lang, errors.for_job(by_printer).solution)
        assert server_advice != printer_advice
    assert "Attached File Max Size" not in catalog.translate("en", errors.for_job(by_server).solution)


def test_a_not_set_fax_points_at_the_fax_servers_settings(tmp_path: Path) -> None:
    """A received fax goes out through Fax > Fax Server > Email Server Settings (guide p. 8): its
    "not set" must send the admin there, not to Network > Email Server, which a fax never uses."""
    dev = Device(tmp_path / "d")
    job = dev.jobs.record("fax", "", "error", None, error="not_set", note="email.job.not_set_smtp")
    entry = dev.errors.for_job(job)
    assert entry is not None
    cat = Catalog()
    for lang in ("en", "lv"):
        solution = cat.translate(lang, entry.solution)
        assert "Fax > Fax Server > Email Server Settings" in solution
        assert "Network > Email Server" not in solution
        assert cat.translate(lang, entry.panel_message) != cat.translate(lang, "error.not_set.panel")
        assert "Fax" in cat.translate("en", entry.status) or lang == "lv"
