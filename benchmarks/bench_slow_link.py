"""How long a clerk waits for each step of the main flows over a slow link.

The real app (``python -m frontdesk --db COPY``) runs in an 80x24 pseudo-terminal
with the flows of ``bytes_scripts``, as in ``bench_bytes.py``. Between it and the
clerk's terminal sits an emulated link: 56 kbit/s (``--kbit``) each way, 600 ms
round trip (``--rtt``), and, as ``Compression yes`` does, one zlib stream at level
6 over all output, sync-flushed per read (``--compress``, the default).

The app runs in real time; the clerk's side is computed. A key pressed at ``t``
reaches the app at ``t + rtt/2`` (plus its bytes at the link rate): the benchmark
waits until then to write it. Each read of the app's output is stamped and queued
on the link, first in, first out, at the link rate, then ``rtt/2`` on the way
(``LinkQueue``); a read reaches the screen whole, as an SSH packet does. A step is
done once its text is on the (``pyte``) screen and 0.3 s pass without output. The
careful clerk presses the next key when the last byte written so far has arrived;
with ``--typeahead`` the letters of typed text are pressed 150 ms apart whatever
the screen shows, and a letter's response is what the app wrote before the next
letter reached it (nothing: it shows with the next write).

Per step: ``wait`` (press to the last byte of the response on screen), ``first``
(to its first write), and ``wait = rtt + app + link``: ``app`` from the key
reaching the app to its last write, ``link`` the rest (serialization, queueing).
Per flow, over the keys after sign-in less set-up moves (as in ``bench_bytes``):
the clerk's time, split into round trips, app, link and typing ahead. JSON goes to
benchmarks/out/slow-link-<output>[-typeahead][-raw][-overheadN].json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import select
import shutil
import sys
import time
import zlib
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from statistics import median
from typing import Any

import bench_bytes as bb
import bytes_scripts as bs

OUT = bb.OUT
QUIET = 0.3  # seconds without output after which a step is done (its text on screen)
TYPE_GAP = 0.15  # seconds between typed letters with --typeahead
ZLIB_LEVEL = 6  # the level OpenSSH compresses with
SEGMENT = 1448  # TCP payload per segment, for --overhead
UNCOUNTED = (bs.PAINT, bs.SETUP, bs.IDLE)  # sign-in, first paints, set-up moves


@dataclass(frozen=True)
class Link:
    """The emulated link."""

    kbit: float = 56.0
    rtt: float = 0.6  # seconds
    compress: bool = True
    overhead: int = 0  # bytes per packet (SSH framing, TCP/IP headers); 0: not charged

    @property
    def rate(self) -> float:
        """Bytes per second."""
        return self.kbit * 1000 / 8

    @property
    def delay(self) -> float:
        """One-way propagation delay, seconds."""
        return self.rtt / 2


class LinkQueue:
    """One direction of the link: first in, first out at ``rate`` B/s, then ``delay`` s."""

    def __init__(self, rate: float, delay: float) -> None:
        self.rate, self.delay = rate, delay
        self.free = -math.inf  # when the line has sent everything queued so far

    def send(self, at: float, size: int) -> float:
        """Queue ``size`` bytes written at ``at``; when the last of them arrives."""
        self.free = max(at, self.free) + size / self.rate
        return self.free + self.delay


def arrivals(writes: list[tuple[float, int]], rate: float, delay: float) -> list[float]:
    """When each of ``writes`` (time written, bytes on the link) has wholly arrived."""
    queue = LinkQueue(rate, delay)
    return [queue.send(at, size) for at, size in writes]


class Wire:
    """What the link carries for each write: compressed by one stream, plus framing."""

    def __init__(self, link: Link) -> None:
        self.link = link
        self.zip = zlib.compressobj(ZLIB_LEVEL) if link.compress else None

    def size(self, data: bytes) -> int:
        """Bytes on the link for ``data`` (one SSH packet)."""
        size = len(data)
        if self.zip is not None:
            size = len(self.zip.compress(data) + self.zip.flush(zlib.Z_SYNC_FLUSH))
        return size + self.link.overhead * max(1, math.ceil(size / SEGMENT))


class Emulator:
    """The app's terminal, its writes stamped and queued on the link."""

    def __init__(self, term: bb.Session, link: Link, start: float) -> None:
        self.term, self.link, self.start = term, link, start
        self.wire, self.down = Wire(link), LinkQueue(link.rate, link.delay)
        self.times: list[float] = []  # when each write was read, s since the app started
        self.raw: list[int] = []
        self.sizes: list[int] = []  # on the link
        self.arrive: list[float] = []  # when it was all on the clerk's screen

    def now(self) -> float:  # seconds since the app started
        return time.perf_counter() - self.start

    def pump(self, limit: float) -> None:
        """Read (at most once) what the app writes within ``limit`` seconds."""
        ready, _, _ = select.select([self.term.master], [], [], max(limit, 0.0))
        if not ready:
            return
        try:
            data = os.read(self.term.master, 65536)
        except OSError:  # the child closed the terminal
            data = b""
        if not data:
            raise bb.StepError(f"the app closed the terminal; it showed:\n{self.term.text()}")
        at = self.now()
        self.term.stream.feed(data)
        size = self.wire.size(data)
        self.times.append(at)
        self.raw.append(len(data))
        self.sizes.append(size)
        self.arrive.append(self.down.send(at, size))

    def until(self, moment: float) -> None:
        """Keep reading until ``moment``."""
        while (left := moment - self.now()) > 0:
            self.pump(left)

    def settle(self, wait: str, since: float, timeout: float = 30.0) -> None:
        """Read until ``wait`` is on screen and QUIET s pass without output."""
        while True:
            now, shown = self.now(), not wait or wait in self.term.text()
            wrote = bool(self.times) and self.times[-1] >= since
            if shown:
                limit = (self.times[-1] + QUIET if wrote else since + bb.NOTHING) - now
                if limit <= 0:
                    return
            elif now - since > timeout:
                raise bb.StepError(
                    f"{wait!r} not on screen after {timeout:g} s:\n{self.term.text()}"
                )
            else:
                limit = since + timeout - now
            self.pump(limit)

    def after(self, moment: float) -> list[int]:
        """Indexes of the writes read at or after ``moment``."""
        return [i for i, at in enumerate(self.times) if at >= moment]


@dataclass
class StepTiming:
    """One step, seen from the clerk's chair (seconds; ``press`` from the app's start)."""

    flow: str
    index: int  # in the flow, idle steps included
    label: str
    kind: str
    screen: str
    ahead: bool  # typed ahead: the next key did not wait for this one
    press: float
    late: float  # how much later than planned the key reached the app
    wait: float  # press -> last byte of the response on screen
    first: float | None  # press -> first write on screen (None: nothing came)
    app: float  # key at the app -> the app's last write of the response
    link: float  # wait - rtt - app: serialization and queueing
    gap: float  # press -> the next press (the last step: its wait)
    raw: int  # bytes the app wrote
    wire: int  # bytes on the link


def run_flow(
    flow: bs.Flow, template: Path, link: Link, output: str, typeahead: bool
) -> list[StepTiming]:
    """Run ``flow`` once on a fresh copy of ``template``; one timing per step (idle steps left
    out: the clerk does not wait on them, though anything written then is on the link)."""
    db = OUT / f"slow-{flow.name}.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, db)
    argv = [sys.executable, "-m", "frontdesk", "--db", str(db)]
    steps = [s for s in flow.steps if s.kind != bs.IDLE]
    press = -link.delay  # the command reaches the box when the app starts
    marks: list[tuple[float, float, float, bool, float | None, int | None]] = []
    start = time.perf_counter()
    with bb.Session(argv, bb.child_env(output), cwd=bb.ROOT) as term:
        emu = Emulator(term, link, start)
        for index, step in enumerate(steps):
            planned = press + link.delay + len(step.data) / link.rate
            emu.until(planned)
            if step.data:
                os.write(term.master, step.data)
            reached = emu.now() if step.data else planned  # no keys: the app's start
            kinds = (step.kind, steps[index + 1].kind if index + 1 < len(steps) else "")
            ahead = typeahead and kinds == (bs.CHAR, bs.CHAR)
            seen: float | None = None
            last: int | None = None
            if ahead:
                next_press = press + TYPE_GAP
            else:
                try:
                    emu.settle(step.wait, reached)
                except bb.StepError as error:
                    where = f"{flow.name} step {index} ({step.kind} {step.label!r})"
                    raise bb.StepError(f"{where}: {error}") from None
                wrote = bool(emu.times) and emu.times[-1] >= reached
                last = len(emu.times) - 1 if wrote else None
                seen = emu.arrive[-1] if wrote else press + link.rtt
                next_press = seen
            marks.append((press, reached, reached - planned, ahead, seen, last))
            press = next_press
    return timings(flow, steps, marks, emu, link)


def timings(
    flow: bs.Flow,
    steps: list[bs.Step],
    marks: list[tuple[float, float, float, bool, float | None, int | None]],
    emu: Emulator,
    link: Link,
) -> list[StepTiming]:
    """Attribute the writes to steps by time, and time each step."""
    ends = [m[1] for m in marks[1:]] + [math.inf]
    own = [
        [i for i in emu.after(m[1]) if emu.times[i] < end]
        for m, end in zip(marks, ends, strict=True)
    ]
    numbers = [i for i, s in enumerate(flow.steps) if s.kind != bs.IDLE]  # as in bench_bytes
    result = []
    for index, (step, (press, reached, late, ahead, seen, last)) in enumerate(
        zip(steps, marks, strict=True)
    ):
        if not ahead:  # the clerk waited for the screen: the wait is the gap
            wait, shown = (seen or 0.0) - press, last
        else:  # its echo comes with its own writes, or else with the next ones
            shown = next((own[k][-1] for k in range(index, len(steps)) if own[k]), None)
            wait = (emu.arrive[shown] if shown is not None else press + link.rtt) - press
        app = emu.times[shown] - reached if shown is not None else 0.0
        later = emu.after(reached)
        first_write = own[index][0] if own[index] else (later[0] if ahead and later else None)
        first = None if first_write is None else emu.arrive[first_write] - press
        gap = marks[index + 1][0] - press if index + 1 < len(marks) else wait
        what = (flow.name, numbers[index], step.label, step.kind, step.screen, ahead, press, late)
        link_part = wait - link.rtt - app if shown is not None else 0.0
        raw = sum(emu.raw[i] for i in own[index])
        wire = sum(emu.sizes[i] for i in own[index])
        result.append(StepTiming(*what, wait, first, app, link_part, gap, raw, wire))
    return result


def summarise(steps: list[StepTiming], rtt: float) -> dict[str, Any]:
    """One run of a flow: the clerk's time and its parts, over the counted steps."""
    counted = [s for s in steps if s.kind not in UNCOUNTED]
    waited = [s for s in counted if not s.ahead]
    worst = max(counted, key=lambda s: s.wait)
    firsts = [s.first for s in counted if s.first is not None]
    return {
        "steps": len(counted),
        "total": sum(s.gap for s in counted),
        "round_trips": rtt * len(waited),
        "app": sum(s.app for s in waited),
        "link": sum(s.gap - rtt - s.app for s in waited),
        "typing": sum(s.gap for s in counted if s.ahead),
        "median_wait": median(s.wait for s in counted),
        "worst_wait": worst.wait,
        "worst_step": f"{worst.index} {worst.label}",
        "median_first": median(firsts) if firsts else None,
        "raw": sum(s.raw for s in counted),
        "wire": sum(s.wire for s in counted),
        "late_max": max(s.late for s in steps),
        "start_paint": steps[0].wait,  # the command to the sign-in screen
        "sign_in": next(
            (s.wait for s in steps if (s.kind, s.screen) == (bs.PAINT, "schedule")), 0.0
        ),
    }


def merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per figure, the median over runs (the worst step's name from the first run)."""
    merged = dict(runs[0])
    for name in runs[0]:
        if name not in ("steps", "worst_step"):
            values = [r[name] for r in runs if r[name] is not None]
            merged[name] = median(values) if values else None
    return merged


def table(results: dict[str, dict[str, dict[str, Any]]], title: str) -> str:
    """The Markdown table: one row per flow and output."""
    head = (
        "| flow | output | steps | clerk's time s | round trips s | app s | link s | typing s |"
        " median wait s | worst step s | median first byte s | app wrote B | on the link B |"
    )
    lines = [f"**{title}**", "", head, "|" + "---|" * 13]
    for flow in bs.FLOWS:
        for output, flows in results.items():
            if flow.name not in flows:
                continue
            r = flows[flow.name]
            first = "-" if r["median_first"] is None else f"{r['median_first']:.2f}"
            lines.append(
                f"| {flow.name} | {output} | {r['steps']} | {r['total']:.1f} | "
                f"{r['round_trips']:.1f} | {r['app']:.1f} | {r['link']:.1f} | {r['typing']:.1f} | "
                f"{r['median_wait']:.2f} | {r['worst_wait']:.2f} ({r['worst_step']}) | {first} | "
                f"{r['raw']:,.0f} | {r['wire']:,.0f} |"
            )
    lines += ["", "| output | command to sign-in screen s | sign-in Enter to schedule s |"]
    lines.append("|---|---|---|")
    for output, flows in results.items():
        start = median(r["start_paint"] for r in flows.values())
        sign_in = median(r["sign_in"] for r in flows.values())
        lines.append(f"| {output} | {start:.2f} | {sign_in:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", choices=("lean", "plain", "both"), default="both")
    parser.add_argument("--flows", help="comma-separated flow names (default: all)")
    parser.add_argument("--kbit", type=float, default=56.0, help="link rate, kbit/s (56)")
    parser.add_argument("--rtt", type=float, default=600.0, help="round trip, ms (600)")
    parser.add_argument("--compress", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--overhead", type=int, default=0, help="bytes per packet (0; ~90 real)")
    parser.add_argument("--typeahead", action="store_true", help="letters 150 ms apart")
    parser.add_argument("--runs", type=int, default=1, help="runs per flow (medians)")
    parser.add_argument("--rebuild", action="store_true", help="build the demo clinic again")
    args = parser.parse_args()
    link = Link(args.kbit, args.rtt / 1000, args.compress, args.overhead)
    if link.rtt < 2 * QUIET:
        print(f"note: with a round trip under {2 * QUIET:g} s keys may reach the app late")
    wanted = args.flows.split(",") if args.flows else [f.name for f in bs.FLOWS]
    flows = [f for f in bs.FLOWS if f.name in wanted]
    outputs = ["plain", "lean"] if args.output == "both" else [args.output]
    OUT.mkdir(parents=True, exist_ok=True)
    template = bb.cached_db(args.rebuild)
    loads = [os.getloadavg()[0]]
    runs: dict[str, dict[str, list[list[StepTiming]]]] = {o: {} for o in outputs}
    for flow in flows:
        for run in range(args.runs):
            for output in outputs:  # in turn, so that a drift of the machine hits both
                print(f"  {output}: {flow.name}, run {run + 1}", file=sys.stderr, flush=True)
                steps = run_flow(flow, template, link, output, args.typeahead)
                runs[output].setdefault(flow.name, []).append(steps)
                loads.append(os.getloadavg()[0])
    results = {
        output: {name: merge([summarise(r, link.rtt) for r in got]) for name, got in done.items()}
        for output, done in runs.items()
    }
    mode = "typed ahead, letters 150 ms apart" if args.typeahead else "careful clerk"
    title = (
        f"{link.kbit:g} kbit/s, {link.rtt * 1000:g} ms round trip, "
        f"{'compressed' if link.compress else 'not compressed'}"
        f"{f', {link.overhead} B per packet' if link.overhead else ''}; {mode}; "
        f"{args.runs} run(s), medians; load average {min(loads):.1f}-{max(loads):.1f}"
    )
    print("\n" + table(results, title))
    late = max(r["late_max"] for flows in results.values() for r in flows.values())
    print(f"\nkeys reached the app at most {late * 1000:.1f} ms later than planned")
    suffix = ("-typeahead" if args.typeahead else "") + ("" if link.compress else "-raw")
    suffix += f"-overhead{link.overhead}" if link.overhead else ""
    for output in outputs:
        record = {
            "output": output,
            "when": datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, load average {min(loads):.1f}-{max(loads):.1f}",
            "settings": vars(args) | {"quiet": QUIET, "type_gap": TYPE_GAP, "zlib": ZLIB_LEVEL},
            "flows": results[output],
            "runs": {n: [[asdict(s) for s in r] for r in got] for n, got in runs[output].items()},
        }
        path = OUT / f"slow-link-{output}{suffix}.json"
        path.write_text(json.dumps(record, indent=1) + "\n")
        print(f"wrote {path.relative_to(bb.ROOT)}")


if __name__ == "__main__":
    main()
