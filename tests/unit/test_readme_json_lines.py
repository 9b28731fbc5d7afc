"""The README says `panel-tui-script --json` writes JSON Lines (one object per line), not one
JSON document a new user would try to parse whole."""

from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_readme_says_json_lines() -> None:
    line = next(line for line in README.splitlines() if line.startswith("panel-tui-script FILE [--json]"))
    assert "JSON Lines" in line, line
    assert "one JSON object per line" in " ".join(README.split()), "the scripts section says it too"
