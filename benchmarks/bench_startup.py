"""Start-up time: from launching the process to the first frame on the terminal.

Usage (from the project root):

    python benchmarks/bench_startup.py [--runs N] [--big]

Each program runs in a fresh pseudo-terminal of 80x24 (TERM=xterm-256color).
The clock starts just before the process is spawned and stops when the
terminal receives the first frame: the switch to the alternate screen
(``ESC [?1049h``) followed by visible text. For frontdesk it also stops a
second clock when the clinic's name appears, which happens once the database
is open behind the sign-in form (the moment a clerk can sign in). The process
is then killed. Two untimed runs first warm the operating system's file cache
and Python's bytecode cache (kept in benchmarks/out/pycache, not in the
source tree); the figures are medians of the timed runs.

Compared:
- ``python -c pass``: the interpreter alone;
- a bare Textual app (one Label);
- ``python -m frontdesk --db benchmarks/out/demo.db``: the real entry point on
  the demo clinic (built first if missing);
- with ``--big``, the same on benchmarks/out/big.db (a million patients),
  and, in this process, the start-up integrity check (``PRAGMA quick_check``)
  on it alone.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
DEMO_DB = OUT / "demo.db"
BIG_DB = OUT / "big.db"
ALT_SCREEN = b"\x1b[?1049h"
ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
MIN_VISIBLE = 8  # printable characters that make a frame, not just set-up sequences

BARE_APP = """
from textual.app import App, ComposeResult
from textual.widgets import Label

class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("Hello from a bare Textual app")

Bare().run(mouse=False)
"""


@dataclass
class Run:
    """What one launch showed, in seconds from spawn."""

    first_frame: float | None = None
    marker: float | None = None
    output: bytes = b""


@dataclass
class Case:
    """A program to launch and what to wait for."""

    name: str
    argv: list[str]
    marker: str | None = None  # text that means "ready" (None: the first frame is enough)
    runs: list[Run] = field(default_factory=list)


def child_env() -> dict[str, str]:
    """The environment of a terminal session, with bytecode caching on (as after install)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(OUT / "pycache")
    env["TERM"] = "xterm-256color"
    env.pop("COLORTERM", None)
    env.pop("FRONTDESK_DB", None)
    return env


def visible(data: bytes) -> bytes:
    """The printable text in terminal output, escape sequences removed."""
    return bytes(ch for ch in ANSI.sub(b"", data) if 0x21 <= ch < 0x7F or ch >= 0x80)


def launch(case: Case, timeout: float) -> Run:
    """Spawn ``case`` in a pty, time the first frame (and the marker), then kill it."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    run = Run()
    marker = case.marker.encode() if case.marker else None
    start = time.perf_counter()
    proc = subprocess.Popen(
        case.argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=child_env(),
        cwd=ROOT,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.2)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            now = time.perf_counter() - start
            run.output += data
            at = run.output.find(ALT_SCREEN)
            screen = run.output[at:] if at >= 0 else b""
            if run.first_frame is None and len(visible(screen)) >= MIN_VISIBLE:
                run.first_frame = now
            if marker and run.marker is None and marker in visible(screen):
                run.marker = now
            if run.first_frame is not None and (marker is None or run.marker is not None):
                break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the session this script started
        proc.wait()
        os.close(master)
    return run


def plain_seconds(argv: list[str]) -> float:
    """Wall time of a command run to completion (no terminal)."""
    start = time.perf_counter()
    subprocess.run(argv, env=child_env(), cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def ensure_demo() -> None:
    """Build the demo clinic the frontdesk case opens, if it is not there yet."""
    if DEMO_DB.exists():
        return
    from frontdesk.data import schema
    from frontdesk.data.db import make_engine
    from frontdesk.data.demo import build_demo

    OUT.mkdir(parents=True, exist_ok=True)
    engine = make_engine(DEMO_DB)
    schema.upgrade(engine)
    build_demo(engine, timezone="America/Chicago")
    engine.dispose()


def quick_check_seconds(path: Path, runs: int) -> list[float]:
    """How long the start-up integrity check (``PRAGMA quick_check``) takes on ``path``."""
    from frontdesk.data.db import integrity_ok, make_engine

    engine = make_engine(path)
    times = []
    try:
        for _ in range(runs):
            start = time.perf_counter()
            if not integrity_ok(engine, quick=True):
                sys.exit(f"{path} failed PRAGMA quick_check")
            times.append(time.perf_counter() - start)
    finally:
        engine.dispose()
    return times


def median(values: list[float | None]) -> str:
    found = [v for v in values if v is not None]
    if not found:
        return "   -    "
    return f"{statistics.median(found) * 1000:6.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--big", action="store_true", help="also open the million-patient DB")
    args = parser.parse_args()
    python = sys.executable
    ensure_demo()

    has_app = (ROOT / "frontdesk" / "app.py").exists()
    cases = [Case("bare Textual app (one Label)", [python, "-c", BARE_APP])]
    if has_app:
        cases.append(
            Case(
                "frontdesk on the demo clinic",
                [python, "-m", "frontdesk", "--db", str(DEMO_DB)],
                marker="Riverside",
            )
        )
        if args.big:
            if not BIG_DB.exists():
                sys.exit(f"{BIG_DB} is missing: run benchmarks/build_big.py first")
            cases.append(
                Case(
                    "frontdesk on the 1M-patient clinic",
                    [python, "-m", "frontdesk", "--db", str(BIG_DB)],
                    marker="Riverside",
                )
            )

    for case in cases:
        for i in range(args.warmup + args.runs):
            run = launch(case, args.timeout)
            if run.first_frame is None:
                tail = visible(run.output)[-300:].decode(errors="replace")
                sys.exit(f"{case.name}: no frame within {args.timeout} s; output ended: {tail}")
            if i >= args.warmup:
                case.runs.append(run)
            print(f"  {case.name}: run {i + 1}", file=sys.stderr, flush=True)

    interpreter = [plain_seconds([python, "-c", "pass"]) for _ in range(args.runs)]
    imports = [plain_seconds([python, "-c", "import textual.app"]) for _ in range(args.runs)]
    ours = (
        [plain_seconds([python, "-c", "import frontdesk.app"]) for _ in range(args.runs)]
        if has_app
        else []
    )

    load = os.getloadavg()
    print(f"Start-up, median of {args.runs} runs (80x24 pty; load average {load[0]:.1f}):")
    print(f"  {'':40} {'first frame':>12} {'can sign in':>12}")
    rows = [
        ("python -c pass (interpreter only)", interpreter),
        ("python -c 'import textual.app'", imports),
        ("python -c 'import frontdesk.app'", ours),
    ]
    for label, times in rows:
        if times:
            print(f"  {label:40} {median(list(times)):>12}")
    for case in cases:
        frames = [r.first_frame for r in case.runs]
        markers = [r.marker for r in case.runs] if case.marker else []
        print(f"  {case.name:40} {median(frames):>12} {median(markers) if markers else '':>12}")
    if not has_app:
        print("  (frontdesk/app.py is missing: only its import time is shown)")
    if args.big:
        checks = quick_check_seconds(BIG_DB, 3)
        print(f"  of which PRAGMA quick_check on {BIG_DB.name}: {median(list(checks)):>12}")


if __name__ == "__main__":
    main()
