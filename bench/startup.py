"""Start-up, memory and key latency of panel-tui against a bare Textual app.

One run prints, for panel-tui and for bench/bare_app.py (Header + 20-item
OptionList + Footer), each started in its own 80×24 pseudo-terminal:

- start-up: spawn → end of the first painted frame that shows the app's screen
- peak RSS: the process's high-water resident set size (VmHWM / ru_maxrss)
- key latency: a menu move (Down/Up) typed → end of the first frame painted after it

and the ratio panel-tui / bare, next to the target (start-up and memory ≤ 1.25×,
key latency ≤ 1.2×). It reports; it does not judge: the exit status is 0 whatever
the figures (2 only for bad arguments). See bench/README.md.

    .venv/bin/python bench/startup.py            # the comparison (≈ 30–60 s on 2 cores)
    .venv/bin/python bench/startup.py --self-check   # bare app against itself: the noise
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _pty import AppExited, KeyTiming, PtyApp, key_bytes  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BARE_APP = Path(__file__).resolve().parent / "bare_app.py"

TARGETS = {"startup": 1.25, "rss": 1.25, "key": 1.2}

#: panel-tui's menus, timed in this order in each session (see Menu.parse):
#: the Home tiles (a 2×2 grid; focus starts on Settings), then Settings > General Settings,
#: an OptionList like the bare app's.
DEFAULT_PANEL_MENUS = (
    "Home tiles||down,up",
    "General Settings|enter,enter|down,up|System Administration",
)


@dataclass
class Menu:
    """Where key latency is measured: keys that reach a menu, then moves within it."""

    label: str
    nav: list[str]  # keys typed (untimed) to reach the menu
    moves: list[str]  # a move and its way back, cycled: down, up, down, ...
    marker: str | None = None  # text shown once the menu is reached

    @classmethod
    def parse(cls, text: str) -> Menu:
        """``LABEL|NAV KEYS|MOVE KEYS|MARKER``, keys comma-separated, NAV and MARKER optional."""
        parts = [p.strip() for p in text.split("|")]
        if len(parts) < 3 or len(parts) > 4 or not parts[0]:
            raise ValueError(f"--panel-menu {text!r}: want LABEL|NAV|MOVES[|MARKER]")
        keys = lambda s: [k.strip() for k in s.split(",") if k.strip()]  # noqa: E731
        menu = cls(parts[0], keys(parts[1]), keys(parts[2]), (parts[3] if len(parts) == 4 else "") or None)
        for key in [*menu.nav, *menu.moves]:
            key_bytes(key)
        if len(menu.moves) < 2:
            raise ValueError(f"--panel-menu {text!r}: moves need a key and its way back, e.g. down,up")
        return menu


@dataclass
class AppSpec:
    name: str
    argv: list[str]  # "{state}" is replaced by a state dir
    markers: list[str]  # text the first full frame shows
    menus: list[Menu]


@dataclass
class Results:
    startup: list[float] = field(default_factory=list)
    settled: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    keys: dict[str, list[float]] = field(default_factory=dict)
    keys_settled: dict[str, list[float]] = field(default_factory=dict)
    keys_cpu: dict[str, list[float]] = field(default_factory=dict)
    startup_cpu: list[float] = field(default_factory=list)
    idle: list[float] = field(default_factory=list)
    misses: dict[str, int] = field(default_factory=dict)
    skip: set[str] = field(default_factory=set)  # menus given up on
    failure: str | None = None
    notes: list[str] = field(default_factory=list)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def child_env(tmp: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TEXTUAL", "PANEL_TUI"))
        and k not in ("COLORTERM", "NO_COLOR", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    }
    env.update(
        TERM="xterm-256color",
        COLUMNS="80",
        LINES="24",
        LANG=env.get("LANG", "C.UTF-8"),
        PYTHONUNBUFFERED="1",
        # bytecode as after an install, cached outside the repo: the warm-up start writes it
        PYTHONPYCACHEPREFIX=str(tmp / "pycache"),
        # keep the user's real dirs out of it, for both apps alike
        XDG_STATE_HOME=str(tmp / "xdg-state"),
        XDG_DATA_HOME=str(tmp / "xdg-data"),
        XDG_CONFIG_HOME=str(tmp / "xdg-config"),
        XDG_CACHE_HOME=str(tmp / "xdg-cache"),
    )
    if "utf" not in env.get("LC_ALL", "utf").lower():
        env.pop("LC_ALL")
    return env


class Mover:
    """Types one app's menu moves in turn (down, up, down, ...) and keeps count."""

    def __init__(self, app: PtyApp, moves: list[str], args) -> None:
        self.app, self.moves, self.args, self.count = app, [key_bytes(k) for k in moves], args, 0

    def step(self) -> KeyTiming:
        key = self.moves[self.count % len(self.moves)]
        self.count += 1
        return self.app.press(key, self.args.key_timeout, self.args.quiet)

    def restore(self) -> None:
        """Back where the menu started, so the next menu's keys find it."""
        while self.count % len(self.moves):
            self.step()


def start(spec: AppSpec, res: Results, args, env: dict[str, str], state: Path, record: bool) -> PtyApp | None:
    """Start the app and time its first frame; None (and ``res.failure``) if it never shows."""
    argv = [a.replace("{state}", str(state)) for a in spec.argv]
    app = PtyApp(argv, env, cwd=str(ROOT))
    app.spawn()
    try:
        startup = app.wait_first_frame(spec.markers, args.start_timeout)
    except (AppExited, TimeoutError) as error:
        app.drain(0.2, limit=1.0)
        app.finish(timeout=1.0)
        tail = [line.rstrip() for line in app.text().splitlines() if line.strip()][-12:]
        res.failure = (
            f"{error} (exit code {app.exit_code}); last output:\n    " + "\n    ".join(tail or ["(nothing)"])
        )
        return None
    except BaseException:
        app.finish(timeout=1.0)
        raise
    last = app.drain(args.settle_quiet, limit=3.0)
    # work an app starts after its first frame (panel-tui's embedded tenant, say) must not
    # land in the other app's start-up or in the key timings
    idle = app.wait_idle(limit=args.idle_timeout)
    if idle is None:
        res.notes.append(f"did not go idle within {args.idle_timeout:.0f} s of its first frame")
    if not app.sync_seen:
        res.notes.append("frames were not bracketed by synchronized-output marks; burst ends used")
    if record:
        res.startup.append(startup)
        res.settled.append((last - app.t_spawn) if last else startup)
        if app.startup_cpu is not None:
            res.startup_cpu.append(app.startup_cpu)
        if idle is not None:
            res.idle.append(idle)
    return app


def reach(app: PtyApp, menu: Menu, res: Results, args) -> bool:
    """Type the menu's nav keys; False (and a note) if its marker does not show."""
    mark = len(app.buf)
    for key in menu.nav:
        app.press(key_bytes(key), args.key_timeout, args.settle_quiet)
    if menu.marker:
        deadline = time.perf_counter() + 3.0
        while menu.marker not in app.text(mark) and time.perf_counter() < deadline and not app.eof:
            app.read(0.05)
        if menu.marker not in app.text(mark):
            res.skip.add(menu.label)
            res.notes.append(
                f"{menu.label}: {menu.marker!r} did not show after typing {','.join(menu.nav) or '(nothing)'};"
                " not measured (see --panel-menu)"
            )
            return False
        app.drain(args.quiet)
    return True


def time_keys(
    pairs: list[tuple[Mover, Results, str]], args, record: bool
) -> None:
    """Time ``args.keys`` moves in each app, interleaved key by key (panel, bare, bare, panel, ...).

    Both apps are idle in their own ptys; typing into them in turn means that whatever else
    the machine does at that moment weighs on both alike, so the ratio stays steady.
    """
    live = list(pairs)
    firsts: dict[int, list[float]] = {id(r): [] for _, r, _ in pairs}
    for mover, _, _ in live:
        mover.step()  # untimed: off the menu's first item, and it warms the code path
    for n in range(args.keys):
        for mover, res, label in live if n % 2 == 0 else live[::-1]:
            if label in res.skip:
                continue
            timing = mover.step()
            if timing.first_frame is None:
                if record:
                    res.misses[label] = res.misses.get(label, 0) + 1
                if n >= 2 and not firsts[id(res)]:
                    res.skip.add(label)
                    res.notes.append(
                        f"{label}: the keys repainted nothing; not measured (see --panel-menu)"
                    )
                continue
            firsts[id(res)].append(timing.first_frame)
            if record:
                res.keys.setdefault(label, []).append(timing.first_frame)
                res.keys_settled.setdefault(label, []).append(timing.settled)
                if timing.cpu is not None:
                    res.keys_cpu.setdefault(label, []).append(timing.cpu)


def session(
    n: int, specs: list[AppSpec], results: dict[str, Results], args, env: dict[str, str], state: Path
) -> None:
    """One start of each app (order alternating with ``n``), then their menu moves, interleaved."""
    record = n >= args.warmup
    bare_spec, panel_spec = specs
    apps: dict[str, PtyApp] = {}
    try:
        for spec in specs if n % 2 == 0 else specs[::-1]:
            res = results[spec.name]
            if res.failure:
                continue
            app = start(spec, res, args, env, state, record)
            if app is not None:
                apps[spec.name] = app
                if args.verbose and record:
                    print(f"  run {n - args.warmup + 1} {spec.name}: start-up {fmt_ms(res.startup[-1])}",
                          file=sys.stderr, flush=True)
        bare_app = apps.get(bare_spec.name)
        panel_app = apps.get(panel_spec.name)
        bare_res, panel_res = results[bare_spec.name], results[panel_spec.name]
        bare_mover = Mover(bare_app, bare_spec.menus[0].moves, args) if bare_app else None
        if args.keys:
            for menu in panel_spec.menus:
                pairs = []
                if panel_app and menu.label not in panel_res.skip and reach(panel_app, menu, panel_res, args):
                    pairs.append((Mover(panel_app, menu.moves, args), panel_res, menu.label))
                if bare_mover:
                    pairs.append((bare_mover, bare_res, menu.label))
                if n % 2:
                    pairs.reverse()
                time_keys(pairs, args, record)
                for mover, _, _ in pairs:
                    if mover is not bare_mover:
                        mover.restore()
    finally:
        for name, app in apps.items():
            hwm = app.vm_hwm_kib()
            maxrss = app.finish(timeout=3.0)
            peak = max(v for v in (hwm, maxrss, 0) if v is not None)
            if record and peak:
                results[name].rss_kib.append(peak)


def fmt_ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 1000:.1f} ms"


def fmt_mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value / 1024:.1f} MiB"


def table(panel: Results, bare: Results, panel_spec: AppSpec, bare_spec: AppSpec) -> list[str]:
    """metric | panel-tui | bare | ratio | target, targets first, then the (info) rows."""
    menus = [m.label for m in panel_spec.menus]

    def per_menu(label: str, attr: str, stat, fmt, target_key=None):
        return [
            (label.format(m), stat(getattr(panel, attr).get(m, [])), stat(getattr(bare, attr).get(m, [])), fmt, target_key)
            for m in menus
        ]

    def fastest(values: list[float]) -> float | None:
        return min(values, default=None)

    rows = [
        ("start-up, first frame (median)", median(panel.startup), median(bare.startup), fmt_ms, "startup"),
        ("peak RSS (median)", median(panel.rss_kib), median(bare.rss_kib), fmt_mib, "rss"),
        *per_menu("key→repaint, {} (median)", "keys", median, fmt_ms, "key"),
        *per_menu("key→repaint, {} (p95)", "keys", p95, fmt_ms),
        *per_menu("key→settled, {} (median)", "keys_settled", median, fmt_ms),
        *per_menu("CPU per key, {} (median)", "keys_cpu", median, fmt_ms),
        ("start-up, first frame (fastest)", fastest(panel.startup), fastest(bare.startup), fmt_ms, None),
        ("start-up, screen settled (median)", median(panel.settled), median(bare.settled), fmt_ms, None),
        ("start-up, CPU to first frame (median)", median(panel.startup_cpu), median(bare.startup_cpu), fmt_ms, None),
        ("start-up, until idle (median)", median(panel.idle), median(bare.idle), fmt_ms, None),
    ]
    header = ("metric", panel_spec.name, f"{bare_spec.name}", "ratio", "target")
    body = []
    for label, p, b, fmt, target_key in rows:
        ratio = (p / b) if (p is not None and b) else None
        target = TARGETS.get(target_key) if target_key else None
        ratio_s = "n/a" if ratio is None else f"{ratio:.2f}×"
        if target is None:
            target_s = "(info)"
        else:
            target_s = f"≤ {target:.2f}×"
            if ratio is not None and ratio > target:
                target_s += "  OVER TARGET"
        body.append((label, fmt(p), fmt(b), ratio_s, target_s))
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(5)]

    def line(cells: tuple[str, ...]) -> str:
        out = []
        for i, (cell, width) in enumerate(zip(cells, widths)):
            out.append(cell.ljust(width) if i == 0 else cell.rjust(width) if i < 4 else cell)
        return "  ".join(out).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in body)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured sessions, each one start of each app (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured warm-up sessions first (default 1)")
    parser.add_argument("--keys", type=int, default=15, help="moves timed per menu per start (default 15)")
    parser.add_argument(
        "--panel-cmd",
        default=f"{shlex.quote(sys.executable)} -m panel_tui --state-dir {{state}}",
        help="how to start panel-tui; {state} becomes a temporary state dir",
    )
    parser.add_argument(
        "--panel-marker",
        action="append",
        help="text panel-tui's first full frame shows (repeatable; default: Settings)",
    )
    parser.add_argument(
        "--panel-menu",
        action="append",
        metavar="LABEL|NAV|MOVES[|MARKER]",
        help="where panel-tui's key latency is timed (repeatable, in order, in one session): "
        "keys typed untimed to get there, the move keys cycled there, text that shows it was reached. "
        f"Default: {' and '.join(repr(m) for m in DEFAULT_PANEL_MENUS)}",
    )
    parser.add_argument(
        "--fresh-state",
        action="store_true",
        help="a new empty state dir for every panel-tui start (default: one per bench run, "
        "so the warm-up start creates it and the measured starts find it)",
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="measure the bare app against itself (checks the harness; shows the noise)",
    )
    parser.add_argument("--start-timeout", type=float, default=20.0)
    parser.add_argument("--key-timeout", type=float, default=1.0)
    parser.add_argument(
        "--idle-timeout", type=float, default=5.0, help="longest wait for an app to go idle after start-up (s)"
    )
    parser.add_argument("--quiet", type=float, default=0.05, help="quiet window that ends a repaint (s)")
    parser.add_argument("--settle-quiet", type=float, default=0.15, help="quiet window after start-up (s)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each start's figures")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.keys < 0 or args.warmup < 0:
        parser.error("--runs must be ≥ 1, --keys and --warmup ≥ 0")

    bare_spec = AppSpec(
        name="bare",
        argv=[sys.executable, str(BARE_APP)],
        markers=["Menu item 01", "Menu item 20"],
        menus=[Menu("OptionList", [], ["down", "up"])],
    )
    if args.self_check:
        panel_spec = AppSpec(**{**bare_spec.__dict__, "name": "bare (again)"})
    else:
        try:
            menus = [Menu.parse(m) for m in (args.panel_menu or DEFAULT_PANEL_MENUS)]
        except ValueError as error:
            parser.error(str(error))
        panel_spec = AppSpec(
            name="panel-tui",
            argv=shlex.split(args.panel_cmd),
            markers=args.panel_marker or ["Settings"],
            menus=menus,
        )

    tmp = Path(tempfile.mkdtemp(prefix="panel-tui-bench-"))
    env = child_env(tmp)
    results = {bare_spec.name: Results(), panel_spec.name: Results()}
    specs = [bare_spec, panel_spec]
    load_before = os.getloadavg()[0]
    t_begin = time.perf_counter()
    state_n = 0

    def state_dir() -> Path:
        nonlocal state_n
        if args.fresh_state:
            state_n += 1
        path = tmp / f"state-{state_n}"
        path.mkdir(exist_ok=True)
        return path

    try:
        for n in range(args.warmup + args.runs):
            session(n, specs, results, args, env, state_dir())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.perf_counter() - t_begin

    import textual  # only for the report line; the apps run in their own processes

    panel, bare = results[panel_spec.name], results[bare_spec.name]
    print(
        f"panel-tui start-up bench: {args.runs} measured start(s) per app after {args.warmup} warm-up, "
        f"{args.keys} timed moves per menu per start, 80×24 pty, TERM=xterm-256color"
    )
    load_after = os.getloadavg()[0]
    print(
        f"Python {platform.python_version()}, Textual {textual.__version__}, "
        f"{os.cpu_count()} CPU(s), {elapsed:.1f} s, load average {load_before:.2f} before, {load_after:.2f} after"
    )
    if max(load_before, load_after - 1.0) > 0.5 * (os.cpu_count() or 1):
        print(
            "NOTE: the machine was busy with other work; wall-clock start-up figures are noisy. "
            "The CPU rows and the paired key rows are the steadier guide."
        )
    for spec in (panel_spec, bare_spec):
        print(f"{spec.name}: {' '.join(spec.argv)}")
        print(f"    first frame shows {spec.markers}; menus: " + "; ".join(
            f"{m.label} (keys {','.join(m.nav) or '-'}, moves {','.join(m.moves)})" for m in spec.menus
        ))
    print()
    for line in table(panel, bare, panel_spec, bare_spec):
        print(line)
    print()
    for res, spec in ((panel, panel_spec), (bare, bare_spec)):
        samples = [f"{len(res.startup)} start(s)"]
        for menu in panel_spec.menus:
            text = f"{len(res.keys.get(menu.label, []))} key samples beside {menu.label}" if spec is bare_spec \
                else f"{len(res.keys.get(menu.label, []))} {menu.label} key samples"
            if res.misses.get(menu.label):
                text += f" ({res.misses[menu.label]} moves repainted nothing within {args.key_timeout:.1f} s)"
            samples.append(text)
        print(f"{spec.name}: " + ", ".join(samples))
        if res.failure:
            print(f"  {spec.name} could not be measured: {res.failure}")
        for note in dict.fromkeys(res.notes):
            print(f"  {spec.name}: {note}")
    if any(r.failure or r.skip for r in (panel, bare)):
        print("\nSome figures are n/a: see above. The bench reports only; it exits 0.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
