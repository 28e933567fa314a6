"""The terminal output budget, checked on every run of the suite.

The real app runs in an 80x24 pseudo-terminal (``python -m frontdesk``, the
default output driver, clock frozen) on a demo clinic built in a temporary
folder, and types the CI script of ``benchmarks/bytes_scripts.py``: sign-in,
check-in with a cash copay and receipt, schedule moves, find, a new callback
and closing one, booking. It fails when

- any screen writes anything while nobody types (1.5 s on each screen reached,
  with the screens beneath it still mounted), or
- the median bytes per step of a group (cursor move, typed character in a
  search or a field, screen switch, ...) grows by more than 10% (and 8 B) over
  ``benchmarks/bytes_baseline.json``, or falls below half of it: a baseline
  that old protects nothing (as when a leaner output driver becomes the
  default), so the gain has to be recorded.

Single steps are not compared: whether a screen paints once or twice (before
and after its worker's rows arrive) depends on timing, so one switch can vary by
a third between runs; the median of a group does not. After a deliberate change,
rewrite the baseline with ``python benchmarks/bench_bytes.py --update``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.bench_modules import BENCH, load

IDLE_SECONDS = 1.5
QUIET_SECONDS = 0.3
STALE = 0.5  # a group median under half its baseline means the baseline is out of date


scripts = load("bytes_scripts")
bench = load("bench_bytes")


def _baseline() -> Any:
    return json.loads(bench.BASELINE.read_text())


def test_the_baseline_was_taken_with_the_current_ci_script() -> None:
    recorded = [tuple(step[1:4]) for step in _baseline()["steps"]]
    script = [(s.kind, s.label, s.screen) for s in scripts.CI_FLOW.steps]
    assert recorded == script, "CI script changed: run python benchmarks/bench_bytes.py --update"


@pytest.mark.slow
def test_screens_are_silent_when_idle_and_steps_within_the_baseline(tmp_path: Path) -> None:
    template = tmp_path / "demo.db"
    bench.build_db(template)
    steps = bench.run_flow(
        scripts.CI_FLOW, template, tmp_path, output=None, idle=IDLE_SECONDS, quiet=QUIET_SECONDS
    )
    problems = [
        f"output while idle on {s.screen} (step {s.index}): {s.bytes:,} B in {IDLE_SECONDS} s"
        for s in steps
        if s.kind == scripts.IDLE and s.bytes
    ]
    now = bench.group_medians(steps)
    for group, before in _baseline()["groups"].items():
        limit = before * (1 + scripts.GROWTH) + scripts.SLACK
        if group not in now:
            problems.append(f"{group}: no such steps in the script any more")
        elif now[group] < before * STALE:
            problems.append(
                f"{group}: median {now[group]:,.0f} B per step, under half the baseline "
                f"{before:,.0f} B: record it with python benchmarks/bench_bytes.py --update"
            )
        elif now[group] > limit:
            grown = sorted(
                (s for s in steps if scripts.group_of(s.kind, s.screen) == group),
                key=lambda s: -s.bytes,
            )[:3]
            largest = ", ".join(f"{s.label!r} on {s.screen} {s.bytes:,} B" for s in grown)
            problems.append(
                f"{group}: median {now[group]:,.0f} B per step, baseline {before:,.0f} B "
                f"(limit {limit:,.0f} B); largest: {largest}"
            )
    assert not problems, "\n".join(problems)


QUIET_APP = "import sys; sys.stdin.read()"
BLINKING_APP = "import sys\nwhile True:\n    sys.stdout.write('|' * 64)\n    sys.stdout.flush()"


def _session(code: str) -> Any:
    return bench.Session([sys.executable, "-c", code], {"TERM": "xterm-256color"}, BENCH)


def test_the_idle_window_counts_what_a_blinking_app_writes() -> None:
    with _session(BLINKING_APP) as blinking:
        assert blinking.idle(1.0) > 0
    with _session(QUIET_APP) as quiet:
        assert quiet.idle(1.0) == 0


def test_a_step_whose_screen_never_appears_says_what_it_waited_for() -> None:
    with (
        _session(QUIET_APP) as quiet,
        pytest.raises(bench.StepError, match="'Booked' not on screen"),
    ):
        quiet.step(b"", "Booked", quiet=0.1, timeout=0.5)


def test_the_changed_cost_counts_changed_rows_only() -> None:
    import pyte

    before = pyte.Screen(bench.COLUMNS, bench.LINES)
    after = pyte.Screen(bench.COLUMNS, bench.LINES)
    pyte.Stream(after).feed("\x1b[3;5Hab\x1b[3;10Hc")  # row 3: columns 5-10 span 6 cells

    def cells(screen: pyte.Screen) -> list[list[object]]:
        return [[screen.buffer[y][x] for x in range(bench.COLUMNS)] for y in range(bench.LINES)]

    assert bench.changed_cost(cells(before), cells(before)) == 0
    assert bench.changed_cost(cells(before), cells(after)) == bench.CURSOR_MOVE + 6
