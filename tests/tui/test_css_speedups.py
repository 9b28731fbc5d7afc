"""Textual's rule sets hash by identity in C: styling a widget makes no Python call per rule."""

from __future__ import annotations

import cProfile
import pstats
from pathlib import Path

from textual.css.model import RuleSet

from .conftest import make_app, make_device


async def test_styling_a_page_calls_no_python_per_rule_and_rules_stay_themselves(tmp_path: Path) -> None:
    app = make_app(make_device(tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f3")  # Web Config's rules too
        await pilot.pause()
        rules = app.stylesheet.rules
        assert len(rules) > 150
        # identity, as Textual's own hash: equal only to itself, found in sets as before
        assert len(set(rules)) == len(rules) and all(rule in set(rules) for rule in rules[:20])
        profile = cProfile.Profile()
        profile.enable()
        for widget in app.screen.walk_children(with_self=True):
            app.stylesheet.apply(widget)
        profile.disable()
        hashes = [calls for (path, _line, name), (calls, *_rest) in pstats.Stats(profile).stats.items()
                  if name == "__hash__" and path.endswith("model.py")]
        assert not hashes, f"RuleSet.__hash__ called in Python {hashes} times"
    assert RuleSet.__hash__ is object.__hash__
