"""Bytes and CPU of the lean output against Textual's own, on the real app.

Usage (from the project root)::

    python -m tests.terminal.measure_output [--colours 16] [--term screen-256color]

Runs the key script of tests/terminal/session.py twice in an 80x24 pseudo-terminal
(TERM=xterm-256color): once with Textual's driver (FRONTDESK_OUTPUT=plain), once
with the lean driver; prints the bytes each step wrote and the lean driver's CPU
time per write. ``--colours 16`` sets TEXTUAL_COLOR_SYSTEM=standard for both;
``--term`` another TERM (``screen-256color``, as under tmux: no erase sequences).
At 56 kbit/s, 1 KB takes about 146 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from tests.terminal.session import run_both


def main() -> None:
    """Run both ways and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--colours", choices=["256", "16"], default="256")
    parser.add_argument("--term", default="xterm-256color")
    args = parser.parse_args()
    env = {"TEXTUAL_COLOR_SYSTEM": "standard"} if args.colours == "16" else {}
    env["TERM"] = args.term
    with tempfile.TemporaryDirectory() as where:
        session = run_both(Path(where), **env)
    plain, lean = dict(session.plain.step_bytes), dict(session.lean.step_bytes)
    heading = f"{'step':<12} {'Textual':>9} {'lean':>9} {'saved':>6}"
    say(f"{heading}   ({args.colours} colours, TERM={args.term})")
    for name, size in plain.items():
        say(f"{name:<12} {size:>9,} {lean[name]:>9,} {1 - lean[name] / size:>6.0%}")
    whole, kept = session.plain.total, session.lean.total
    say(f"{'whole run':<12} {whole:>9,} {kept:>9,} {1 - kept / whole:>6.0%}")
    timings = session.lean.timings
    small = [s * 1000 for n, _, s in timings if n < 2000]
    big = [s * 1000 for n, _, s in timings if n >= 2000]
    size, _, seconds = max(timings)
    say(f"lean CPU per write: under 2 KB median {statistics.median(small):.2f} ms;")
    say(f"  2 KB and more median {statistics.median(big):.2f} ms ({len(big)} writes);")
    say(f"  largest write {size:,} B: {seconds * 1000:.2f} ms")


def say(line: str) -> None:
    """Print one line of the report."""
    sys.stdout.write(line + "\n")


if __name__ == "__main__":
    main()
