"""Terminal output budget: the bytes the real app writes per step of fixed key scripts.

Each flow of ``bytes_scripts.FLOWS`` starts ``python -m frontdesk`` in a fresh
80x24 pseudo-terminal (TERM=xterm-256color, clock frozen, on a copy of a fixed
demo clinic), waits for the first paint, then sends one key at a time and
counts what the app writes until its output goes quiet; ``idle`` steps count
what it writes while nobody types (on the screen on top, with the screens
beneath it still mounted). A ``pyte`` model of the screen tells when a step's
result is on screen and how many cells each step changed. The figures are
compared with the budgets in docs/BENCHMARKS.md ("Terminal output") and
written as JSON to benchmarks/out/bytes-<output>.json.

``--output plain`` is Textual's stock driver (``FRONTDESK_OUTPUT=plain``),
``lean`` the lean driver, ``both`` each in turn, ``default`` whatever the app
picks. ``--update`` instead runs the script of the CI test
(``bytes_scripts.CI_FLOW``) with the default driver and rewrites
benchmarks/bytes_baseline.json.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import pty
import select
import shlex
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from statistics import median
from typing import Any

import bytes_scripts as bs

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
TMUX_SOCKET = "frontdesk-bytes"  # a tmux server of its own (-L), killed after each flow
BASELINE = ROOT / "benchmarks" / "bytes_baseline.json"
LEAN_DRIVER = ROOT / "frontdesk" / "terminal" / "lean_driver.py"
FROZEN_NOW = "2026-11-24T10:00:00-06:00"  # a Tuesday, 10:00 in Chicago
ZONE = "America/Chicago"
COLUMNS, LINES = 80, 24
CURSOR_MOVE = 8  # bytes of a cursor-position sequence such as ESC [12;34H
NOTHING = 2.0  # seconds without output after which a key is taken to change nothing
SETTLE, SETTLE_CAP = 0.5, 5.0  # an idle window starts after 0.5 s without output (<= 5 s)


class StepError(RuntimeError):
    """A step did not reach its screen in time, or the app went away."""


def changed_cost(before: list[list[Any]], after: list[list[Any]]) -> int:
    """What writing the changed cells once as plain text costs: for each changed
    row, a cursor move and the text from its first to its last changed cell.

    Colours are not counted, and a driver may do better with erase sequences;
    it is the yardstick for "changed result rows", not a lower bound."""
    total = 0
    for old, new in zip(before, after, strict=True):
        changed = [x for x in range(COLUMNS) if old[x] != new[x]]
        if changed:
            span = new[changed[0] : changed[-1] + 1]
            total += CURSOR_MOVE + sum(len(cell.data.encode()) for cell in span)
    return total


class Session:
    """``argv`` in an 80x24 pseudo-terminal, with a ``pyte`` model of its screen."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        import pyte

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        try:
            self.proc = subprocess.Popen(
                argv,
                env=env,
                cwd=cwd,
                start_new_session=True,
                stdin=slave,
                stdout=slave,
                stderr=slave,
            )
        finally:
            os.close(slave)
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the session this object started
        self.proc.wait()
        os.close(self.master)

    def text(self) -> str:
        """What the screen shows now."""
        return "\n".join(self.screen.display)

    def cells(self) -> list[list[Any]]:
        """Every cell (character and style) of the screen now."""
        return [[self.screen.buffer[y][x] for x in range(COLUMNS)] for y in range(LINES)]

    def _read(self, limit: float) -> int:
        """Bytes read within ``limit`` seconds (0: none came)."""
        ready, _, _ = select.select([self.master], [], [], max(limit, 0.0))
        if not ready:
            return 0
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the child closed the terminal
            data = b""
        if not data:
            raise StepError(f"the app closed the terminal; it showed:\n{self.text()}")
        self.stream.feed(data)
        return len(data)

    def step(self, data: bytes, wait: str, quiet: float, timeout: float) -> tuple[int, int, float]:
        """Send ``data``; read until ``wait`` is on screen and ``quiet`` s pass without output.

        Returns the bytes read, their changed_cost and the seconds to the last byte.
        """
        before = self.cells()
        if data:
            os.write(self.master, data)
        start = last = time.perf_counter()
        count = 0
        while True:
            now = time.perf_counter()
            shown = not wait or wait in self.text()
            if shown:
                limit = quiet if count else NOTHING
            elif now - start > timeout:
                raise StepError(f"{wait!r} not on screen after {timeout:g} s:\n{self.text()}")
            else:
                limit = start + timeout - now
            got = self._read(limit)
            if not got and shown:
                return count, changed_cost(before, self.cells()), last - start
            count += got
            last = time.perf_counter() if got else last

    def idle(self, seconds: float) -> int:
        """Bytes written in ``seconds`` while nobody types.

        The window opens once SETTLE s have passed without output (a step's last
        frame can come after its quiet window on a busy machine), or after
        SETTLE_CAP s whatever comes: an app that never stops writing is measured.
        """
        give_up = time.perf_counter() + SETTLE_CAP
        while time.perf_counter() < give_up and self._read(SETTLE):
            pass
        end = time.perf_counter() + seconds
        count = 0
        while (left := end - time.perf_counter()) > 0:
            count += self._read(left)
        return count


@dataclass
class StepResult:
    """What one step of a flow wrote."""

    flow: str
    index: int
    label: str
    kind: str
    screen: str
    bytes: int
    seconds: float  # the step until its last byte, or the idle window
    changed: int  # changed_cost of what the step changed on screen


def build_db(path: Path, patients: int = 2000) -> None:
    """Build the demo clinic at ``path`` with the clock frozen at FROZEN_NOW."""
    from frontdesk import clock
    from frontdesk.data import schema
    from frontdesk.data.db import make_engine
    from frontdesk.data.demo import build_demo

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with clock.freeze(datetime.fromisoformat(FROZEN_NOW)):
        engine = make_engine(path)
        try:
            schema.upgrade(engine)
            build_demo(engine, timezone=ZONE, patients=patients)
        finally:
            engine.dispose()


def cached_db(rebuild: bool) -> Path:
    """benchmarks/out/bytes-demo.db, built again if asked, missing or at an old schema."""
    from frontdesk.data.revision import HEAD

    path = OUT / "bytes-demo.db"
    revision = None
    if path.exists() and not rebuild:
        with sqlite3.connect(path) as conn:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    if revision != HEAD:
        print(f"building the demo clinic at {path}", file=sys.stderr, flush=True)
        build_db(path)
    return path


def child_env(output: str | None) -> dict[str, str]:
    """A terminal session: 256 colours, frozen clock, receipts to ``cat``, given driver."""
    dropped = {"COLORTERM", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM", "FRONTDESK_DB", "FRONTDESK_OUTPUT"}
    env = {name: value for name, value in os.environ.items() if name not in dropped}
    env |= {"TERM": "xterm-256color", "FRONTDESK_FROZEN_NOW": FROZEN_NOW}
    env["FRONTDESK_PRINT_COMMAND"] = "cat"  # the app sends cat's output to /dev/null
    if output:
        env["FRONTDESK_OUTPUT"] = output
    return env


def in_tmux(argv: list[str], env: dict[str, str], conf: Path) -> list[str]:
    """``argv`` inside a tmux session with the config ``conf`` (as docs/DEPLOY-SSH.md sets
    up a remote site): what is counted is then what tmux sends on to the terminal."""
    pass_on = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items() if k.startswith("FRONTDESK"))
    inner = f"cd {shlex.quote(str(ROOT))} && exec env {pass_on} {shlex.join(argv)}"
    tmux = ["tmux", "-u", "-L", TMUX_SOCKET, "-f", str(conf)]
    return [*tmux, "new-session", "-A", "-s", "bytes", inner]


def run_flow(
    flow: bs.Flow,
    template: Path,
    work: Path,
    *,
    output: str | None,
    idle: float,
    quiet: float,
    tmux: Path | None = None,
) -> list[StepResult]:
    """Run ``flow`` once on a fresh copy of ``template``; one result per step."""
    db = work / f"bytes-{flow.name}.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, db)
    argv = [sys.executable, "-m", "frontdesk", "--db", str(db)]
    env = child_env(output)
    if tmux is not None:
        subprocess.run(["tmux", "-L", TMUX_SOCKET, "kill-server"], capture_output=True, check=False)
        argv = in_tmux(argv, env, tmux)
    results = []
    with Session(argv, env, cwd=ROOT) as term:
        for index, step in enumerate(flow.steps):
            try:
                if step.kind == bs.IDLE:
                    count, changed, seconds = term.idle(idle), 0, idle
                else:
                    count, changed, seconds = term.step(step.data, step.wait, quiet, timeout=30.0)
            except StepError as error:
                where = f"{flow.name} step {index} ({step.kind} {step.label!r})"
                raise StepError(f"{where}: {error}") from None
            what = (flow.name, index, step.label, step.kind, step.screen)
            results.append(StepResult(*what, count, seconds, changed))
    if tmux is not None:
        subprocess.run(["tmux", "-L", TMUX_SOCKET, "kill-server"], capture_output=True, check=False)
    return results


def median_steps(runs: list[list[StepResult]]) -> list[StepResult]:
    """Per step, the median bytes over runs; for idle steps the largest (it must be 0)."""
    merged = []
    for steps in zip(*runs, strict=True):
        values = [s.bytes for s in steps]
        count = max(values) if steps[0].kind == bs.IDLE else round(median(values))
        merged.append(
            replace(steps[0], bytes=count, changed=round(median(s.changed for s in steps)))
        )
    return merged


def group_medians(steps: list[StepResult]) -> dict[str, float]:
    """The median bytes per step of each group."""
    groups: dict[str, list[int]] = {}
    for step in steps:
        group = bs.group_of(step.kind, step.screen)
        if group is not None:
            groups.setdefault(group, []).append(step.bytes)
    return {group: median(values) for group, values in groups.items()}


def flow_total(steps: list[StepResult]) -> int:
    """A flow's bytes without sign-in, first paints, set-up moves and idle windows."""
    counted = (bs.MOVE, bs.PAGE, bs.CHAR, bs.SWITCH, bs.ACTION)
    return sum(s.bytes for s in steps if s.kind in counted)


def report(output: str, steps: list[StepResult], args: argparse.Namespace) -> dict[str, Any]:
    """Print the tables for one output driver; return them for the JSON file."""
    rows = bs.summarise(steps)
    load = os.getloadavg()[0]
    where = f", inside tmux ({args.tmux})" if args.tmux else ""
    print(f"\nFRONTDESK_OUTPUT={output}: bytes per step at 80x24 (xterm-256color{where});")
    print("median of ", end="")
    print(f"{args.runs} run(s) per flow, {args.idle:g} s idle per screen, load average {load:.1f}")
    print(f"  {'step':24} {'steps':>5} {'median':>7} {'max':>7}  budget")
    for name, count, mid, top, budget, verdict in rows:
        print(f"  {name:24} {count:5} {mid:7,} {top:7,}  {budget} {verdict}")
    totals = {f.name: flow_total([s for s in steps if s.flow == f.name]) for f in bs.FLOWS}
    print("  whole flows (the keys after sign-in, less set-up moves):")
    for flow in bs.FLOWS:
        if any(s.flow == flow.name for s in steps):
            check = ""
            if flow.name == "checkin":
                ok = totals["checkin"] <= bs.BUDGETS["checkin"]
                check = f"  <= {bs.BUDGETS['checkin']:,} B {'PASS' if ok else 'FAIL'}"
            print(f"    {flow.title:46} {totals[flow.name]:7,} B{check}")
    idles = [s for s in steps if s.kind == bs.IDLE]
    idle = {f"{s.flow} {s.index} {s.screen}": round(s.bytes / s.seconds, 1) for s in idles}
    loud = {k: v for k, v in idle.items() if v}
    print(f"  idle: {len(idle)} windows; " + (f"B/s written on {loud}" if loud else "0 B/s on all"))
    if args.steps:
        for s in steps:
            print(f"    {s.flow:8} {s.index:3} {s.kind:13} {s.label[:14]:14} {s.screen:15}", end="")
            print(f" {s.bytes:7,} B  (changed cells as text: {s.changed:,} B)")
    return {"rows": rows, "totals": totals, "idle_bytes_per_second": idle}


def run_all(flows: list[bs.Flow], output: str | None, args: argparse.Namespace) -> list[StepResult]:
    """Every flow ``args.runs`` times on the cached demo clinic; per-step medians."""
    template = cached_db(args.rebuild)
    merged: list[StepResult] = []
    for flow in flows:
        runs = []
        for run in range(args.runs):
            print(f"  {output or 'default'}: {flow.name}, run {run + 1}", file=sys.stderr)
            runs.append(
                run_flow(
                    flow,
                    template,
                    OUT,
                    output=output,
                    idle=args.idle,
                    quiet=args.quiet,
                    tmux=args.tmux,
                )
            )
        merged.extend(median_steps(runs))
    return merged


def update_baseline(args: argparse.Namespace) -> None:
    """Run the CI script with the default driver; rewrite bytes_baseline.json."""
    steps = run_all([bs.CI_FLOW], None, args)
    loud = [f"{s.screen} ({s.bytes} B)" for s in steps if s.kind == bs.IDLE and s.bytes]
    if loud:
        print(f"warning: output while idle on {', '.join(loud)}: the CI test will fail")
    record = {
        "about": "median bytes per step of bytes_scripts.CI_FLOW, by group, default driver; "
        "rewrite with: python benchmarks/bench_bytes.py --update",
        "settings": {"size": "80x24", "term": "xterm-256color", "frozen_now": FROZEN_NOW}
        | {name: getattr(args, name) for name in ("runs", "idle", "quiet")},
        "lean_driver_file": LEAN_DRIVER.exists(),
        "groups": {k: round(v, 1) for k, v in group_medians(steps).items()},
        "steps": [[s.index, s.kind, s.label, s.screen, s.bytes] for s in steps],
    }
    lines = ",\n".join(f"  {json.dumps(step, ensure_ascii=False)}" for step in record.pop("steps"))
    text = json.dumps(record | {"steps": "STEPS"}, indent=1, ensure_ascii=False)
    BASELINE.write_text(text.replace('"STEPS"', f"[\n{lines}\n ]") + "\n")
    report("default (CI script)", steps, args)
    print(f"\nwrote {BASELINE}: {record['groups']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", choices=("plain", "lean", "both", "default"), default="both")
    parser.add_argument("--idle", type=float, help="seconds idle per screen (5; --update 1.5)")
    parser.add_argument("--runs", type=int, help="runs per flow, per-step medians (1; --update 3)")
    parser.add_argument("--quiet", type=float, default=0.3, help="seconds of silence = done")
    parser.add_argument("--flows", help="comma-separated flow names (default: all)")
    parser.add_argument("--steps", action="store_true", help="also list every step")
    parser.add_argument("--rebuild", action="store_true", help="build the demo clinic again")
    parser.add_argument(
        "--tmux", type=Path, metavar="CONF", help="run the app inside tmux with this config"
    )
    parser.add_argument("--update", action="store_true", help="rewrite bytes_baseline.json")
    args = parser.parse_args()
    args.idle = args.idle if args.idle is not None else (1.5 if args.update else 5.0)
    args.runs = args.runs or (3 if args.update else 1)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.update:
        update_baseline(args)
        return
    wanted = args.flows.split(",") if args.flows else [f.name for f in bs.FLOWS]
    flows = [f for f in bs.FLOWS if f.name in wanted]
    outputs = ["plain", "lean"] if args.output == "both" else [args.output]
    if "lean" in outputs and not LEAN_DRIVER.exists():
        print(f"note: {LEAN_DRIVER.relative_to(ROOT)} does not exist yet: lean not measured")
        outputs = [o for o in outputs if o != "lean"] or ["default"]
    measured = {}
    for output in outputs:
        steps = run_all(flows, None if output == "default" else output, args)
        measured[output] = sum(s.bytes for s in steps)
        record = {
            "output": output,
            "when": datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}",
            "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "budgets": bs.BUDGETS,
            "summary": report(output, steps, args),
            "steps": [asdict(s) for s in steps],
        }
        path = OUT / (f"bytes-{output}-tmux.json" if args.tmux else f"bytes-{output}.json")
        path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
        print(f"  wrote {path.relative_to(ROOT)}")
    if len(measured) == 2 and measured["lean"] > 0.85 * measured["plain"]:
        print("note: lean wrote about as much as plain: is FRONTDESK_OUTPUT wired yet?")


if __name__ == "__main__":
    main()
