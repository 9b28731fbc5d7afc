"""The trainer's table after `serve push revoke`: the class tenant knows at once that the
student's sessions are revoked, so Signed in says so then, not after the student's next scan."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from panel_tui.serve import trainer
from panel_tui.serve.students import STUDENTS_DIR, TENANT_DIR

ANN = "ann@contoso.onmicrosoft.com"


def _class(root: Path, revoked: int) -> None:
    """A class root as the server leaves it: ann's printer holds a committed sign-in, the class
    tenant one refresh token of hers (revoked or not)."""
    email = root / STUDENTS_DIR / "ann" / "email"
    email.mkdir(parents=True)
    (email / "signin.json").write_text(json.dumps({"data": {"committed_at": "2026-11-29T05:00:00Z", "account": ANN}}))
    (root / TENANT_DIR).mkdir(parents=True)
    conn = sqlite3.connect(root / TENANT_DIR / "tenant.sqlite3")
    conn.execute("CREATE TABLE refresh_tokens (token TEXT, upn TEXT, revoked INTEGER)")
    conn.execute("INSERT INTO refresh_tokens VALUES ('a', ?, ?)", (ANN, revoked))
    conn.commit()
    conn.close()


def test_revoked_sessions_show_at_once_in_the_table(tmp_path: Path) -> None:
    _class(tmp_path / "live", revoked=0)
    [row] = trainer.progress(tmp_path / "live")
    assert row.signed_in and not row.revoked
    assert "revoked" not in trainer.format_table([row])

    _class(tmp_path / "gone", revoked=1)
    [row] = trainer.progress(tmp_path / "gone")
    assert not row.signed_in and row.revoked and row.as_dict()["revoked"] is True
    line = trainer.format_table([row]).splitlines()[1]
    assert line.split()[:3] == ["ann", "-", "revoked"]
    assert row.step == "OK pressed"  # the step reached stays: the student did press OK


async def test_the_trainer_screen_says_revoked_in_both_languages(tmp_path: Path) -> None:
    from textual.widgets import DataTable

    from panel_tui.serve.trainer_app import TrainerApp

    _class(tmp_path, revoked=1)
    for lang, word in (("en", "revoked"), ("lv", "atsaukts")):
        app = TrainerApp(tmp_path, lang)
        async with app.run_test(size=(100, 24)) as pilot:
            await pilot.pause()
            table = app.query_one(DataTable)
            assert str(table.get_cell("ann", "signed_in")) == word
