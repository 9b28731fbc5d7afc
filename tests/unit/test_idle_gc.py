"""Garbage is collected in the keyboard's pauses, never on a key's way (panel_tui/ui/idle_gc.py)."""

from __future__ import annotations

from panel_tui.ui.idle_gc import EVERY, QUIET, IdleCollector


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _collector() -> tuple[IdleCollector, FakeClock, list[float]]:
    clock = FakeClock()
    runs: list[float] = []
    return IdleCollector(clock=clock, collect=lambda: runs.append(clock.now)), clock, runs


def test_nothing_let_go_means_no_collection() -> None:
    gc, clock, runs = _collector()
    clock.now += 10
    assert not gc.poll() and runs == []


def test_a_burst_of_keys_is_not_interrupted_and_the_pause_after_it_collects_once() -> None:
    gc, clock, runs = _collector()
    clock.now += EVERY
    for _ in range(20):  # keys closer together than QUIET: none of them waits for a collection
        gc.key()
        clock.now += QUIET / 2
        assert not gc.poll()
    clock.now += QUIET
    assert gc.poll() and len(runs) == 1
    clock.now += 5
    assert not gc.poll(), "nothing new since"


def test_collections_are_at_most_once_a_second_for_a_slow_typist() -> None:
    gc, clock, runs = _collector()
    for _ in range(40):  # a key every 0.2 s for 8 s, the app asking every 0.04 s
        gc.key()
        for _ in range(5):
            clock.now += 0.04
            gc.poll()
    assert 4 <= len(runs) <= 8 / EVERY + 1
    assert all(b - a >= EVERY for a, b in zip(runs, runs[1:]))


def test_a_screen_removed_without_a_key_is_collected_too() -> None:
    gc, clock, runs = _collector()
    clock.now += EVERY
    gc.screen_left()  # a job's screen closing by itself, a dialog timing out
    assert gc.poll() and len(runs) == 1
