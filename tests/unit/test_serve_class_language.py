"""Which language a student's panel starts in under a class ``--lang``: the class's, unless the
student chose another on their printer since a class start gave it the class's."""

from __future__ import annotations

from pathlib import Path

import pytest

from device_model import Device
from panel_tui.serve.students import note_class_language, start_language


@pytest.mark.parametrize(
    ("given", "saved", "class_lang", "starts"),
    [
        (None, None, "lv", "lv"),   # a new printer: the class's
        (None, "en", "lv", "lv"),   # a printer from a class without --lang: the trainer's word
        ("lv", "lv", "lv", "lv"),   # left in the class's language
        ("lv", "en", "lv", None),   # she switched to English: her printer's language stands
        ("lv", "lv", "en", "en"),   # the next class is English and she never chose: English
        ("en", "en", "lv", "lv"),   # ... and back
        ("lv", "en", None, None),   # a class without --lang never sets one
    ],
)
def test_the_class_language_gives_way_to_the_students_own_choice(
        tmp_path: Path, given: str | None, saved: str | None, class_lang: str | None,
        starts: str | None) -> None:
    if saved is not None:
        Device(tmp_path).update("basic", language=saved)
    if given is not None:
        note_class_language(tmp_path, given)
    assert start_language(tmp_path, class_lang) == starts


def test_the_kept_class_language_is_the_owners_only(tmp_path: Path) -> None:
    note_class_language(tmp_path, "lv")
    assert (tmp_path / "class-language").stat().st_mode & 0o077 == 0
