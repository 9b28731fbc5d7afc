"""The trainer's screen (Pilot at 80x24): one row per student with their step of the guide, the
summary line, and a scenario pushed to one student through the class tenant's admin API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cloud_sim import start_tenant
from panel_tui.serve import trainer
from panel_tui.serve.trainer_app import PushScreen, TrainerApp


def write(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


@pytest.fixture
def class_root(tmp_path: Path):
    root = tmp_path / "class"
    handle = start_tenant(root / "tenant")
    handle.admin.ensure_user("ann@contoso.onmicrosoft.com", "Contoso-Student-2025")
    handle.admin.ensure_user("bob@contoso.onmicrosoft.com", "Contoso-Student-2025")
    (root / "students" / "bob").mkdir(parents=True)
    write(root / "students" / "ann" / "email" / "signin.json",
          {"schema_version": 1, "data": {"account": "ann@contoso.onmicrosoft.com",
                                         "committed_at": "2026-11-28T04:00:00+00:00"}})
    write(root / "students" / "ann" / "joblog.json", {"schema_version": 1, "data": {"log": [
        {"id": 1, "kind": "scan_to_email", "status": "completed", "code": None},
        {"id": 2, "kind": "scan_to_email", "status": "error", "code": 370}]}})
    write(root / "sessions.json", {"sessions": [{"name": "bob", "since": 0, "pid": None}]})
    yield root
    handle.stop()


def option_ids(app: TrainerApp) -> list[str | None]:
    from textual.widgets import OptionList

    options = app.screen.query_one(OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


def cells(app: TrainerApp) -> dict[str, list[str]]:
    from textual.widgets import DataTable

    table = app.query_one(DataTable)
    return {str(k.value): [str(c) for c in table.get_row(k)] for k in table.rows}


async def test_the_class_table_and_a_push_to_one_student(class_root: Path) -> None:
    app = TrainerApp(class_root, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        rows = cells(app)
        assert rows["ann"] == ["ann", "scan sent", "-", "yes", "yes", "yes", "370"]
        assert rows["bob"] == ["bob", "connected", "yes", "-", "-", "-", "-"]
        assert "1 of 2 students have sent their first scan" in str(app.query_one("#summary").render())
        await pilot.press("enter")  # ann: the first row
        await pilot.pause()
        assert isinstance(app.screen, PushScreen)
        assert "expire" not in option_ids(app)
        await pilot.press("down", "enter")  # block the account
        for _ in range(100):
            await pilot.pause(0.05)
            if "Pushed" in str(app.query_one("#message").render()):
                break
        assert "ann" in str(app.query_one("#message").render())
    from cloud_sim.state_dir import call_admin  # the push went through the class tenant's admin API

    names = [p["name"] for p in call_admin(class_root / "tenant", "ca-list", {})]
    assert names == [trainer.BLOCK_POLICY + "ann@contoso.onmicrosoft.com"]


async def test_latvian_and_an_empty_class(tmp_path: Path) -> None:
    (tmp_path / "join.txt").write_text("ssh -t -p 2222 YOURNAME@127.0.0.1\n")
    app = TrainerApp(tmp_path, "lv")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        summary = str(app.query_one("#summary").render())
        assert "Neviens students" in summary and "ssh -t -p 2222" in summary
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PushScreen)
        assert "expire" in option_ids(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PushScreen)


async def test_column_headers_are_text_not_markup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A heading with "[" (a translation, a name) shows as written: DataTable reads a str label
    as markup ("[b]Student[/b]" showed as a bold "Student", "[x" could raise)."""
    from textual.widgets import DataTable

    monkeypatch.setattr(TrainerApp, "t", lambda self, key, **params: f"[b]{key}[/b]" if key.startswith(
        "serve.col.") else key)
    (tmp_path / "class").mkdir()
    app = TrainerApp(tmp_path / "class", "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        labels = [column.label.plain for column in app.query_one(DataTable).columns.values()]
        assert labels[0] == "[b]serve.col.student[/b]" and len(labels) == 7, labels


async def test_push_choices_are_text_not_markup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The push window's choices show as written too (an OptionList reads a str as markup)."""
    from textual.widgets import OptionList

    from panel_tui.serve import trainer_app

    monkeypatch.setattr(trainer_app, "translate", lambda lang, key, **params: f"[b]{key}[/b]")
    (tmp_path / "class").mkdir()
    app = TrainerApp(tmp_path / "class", "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(PushScreen("en", None))
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        line = options.render_line(0).text
        assert "[b]serve.push." in line, line


def table_lines(app: TrainerApp) -> list[str]:
    """The table as the trainer sees it (its visible lines)."""
    from textual.widgets import DataTable

    table = app.query_one(DataTable)
    return [table.render_line(y).text for y in range(table.size.height)]


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["OK pressed", "yes", "yes", "yes", "-"]),
    ("lv", ["nospiests OK", "jā", "jā", "jā", "-"]),
    ("lv", ["nosūtīts", "jā", "atsaukts", "jā", "370"]),
])
async def test_columns_grow_as_a_student_progresses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     lang: str, words: list[str]) -> None:
    """The trainer opens the table before the class starts, when every cell is "-": a column
    sized from that first content cut "OK pressed" to "OK presse" and "yes" to "ye" once the
    student got there. Each column fits its longest value and its heading, in 80 columns, in
    English and in Latvian (the longer words)."""
    from textual.widgets import DataTable

    root = tmp_path / "class"
    (root / "students" / "ann").mkdir(parents=True)
    (root / "students" / "liga").mkdir(parents=True)
    app = TrainerApp(root, lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        write(root / "students" / "ann" / "email" / "signin.json",
              {"schema_version": 1, "data": {"account": "ann@contoso.onmicrosoft.com",
                                             "committed_at": "2026-11-28T04:00:00+00:00"}})
        write(root / "sessions.json", {"sessions": [{"name": "ann", "since": 0, "pid": None}]})
        if words[0] == "nosūtīts":  # a scan sent, then revoked and a 370
            write(root / "students" / "ann" / "joblog.json", {"schema_version": 1, "data": {"log": [
                {"id": 2, "kind": "scan_to_email", "status": "error", "code": 370},
                {"id": 1, "kind": "scan_to_email", "status": "completed", "code": None}]}})
            monkeypatch.setattr(trainer, "account_tokens", lambda root: {"ann@contoso.onmicrosoft.com": "revoked"})
        app.reload()
        await pilot.pause()
        await pilot.pause()
        table = app.query_one(DataTable)
        line = next(line for line in table_lines(app) if line.lstrip().startswith("ann"))
        for word in words:
            assert f" {word} " in f" {line} ", (word, line)
        heading = table_lines(app)[0]
        for key in ("student", "step", "connected", "signed_in", "ok", "scan", "error"):
            assert app.t(f"serve.col.{key}") in heading, heading
        assert table.virtual_size.width <= table.size.width, (table.virtual_size, heading, line)
