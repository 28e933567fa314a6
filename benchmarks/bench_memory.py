"""Peak memory: VmRSS and VmHWM of the real app at each milestone of a clerk's first minutes.

Usage (from the project root):

    python benchmarks/bench_memory.py [--runs N] [--hashes current|stored] [--rebuild]

Each run starts ``python -m frontdesk --db COPY`` in a fresh 80x24
pseudo-terminal (TERM=xterm-256color, clock frozen) on a copy of the demo
clinic that ``bench_bytes.py`` builds and caches (benchmarks/out/bytes-demo.db),
and drives it by keys like a clerk:

1. ``sign-in``: the sign-in form says "Sign in to start" (the database is open);
2. ``schedule``: signed in as ``desk``, the day's rows are on screen;
3. ``search``: ``/``, ``smi`` typed letter by letter, hits on screen, Esc back;
4. ``payment``: a check-in with a $40 cash copay, receipt, back on the schedule.

At each milestone, once the awaited text is on screen and the output has gone
quiet, the benchmark waits until the process's VmRSS stops changing (work
started by the step, such as the modules warmed behind the sign-in form, has
finished), then reads VmRSS and VmHWM (the peak RSS so far) from
``/proc/<pid>/status``. For reference it also runs, in the same kind of
terminal, a bare Textual app (one Static: what any Textual app pays) and the
same app with the data layer opened behind it in a thread, the clinic read and
one sign-in, but none of frontdesk's screens (``bare+data``: the floor of a
Textual front end with SQLAlchemy, SQLModel and an argon2id check in one
process).

Password hashes: the demo's are made when the demo is built, with the argon2
parameters of the code at that time. ``--hashes current`` (the default) gives
the copy's demo accounts hashes with the parameters of the code under test, as
after any sign-in since the parameters changed; ``--hashes stored`` leaves them
as built, which measures the first sign-in after a change of parameters (the
old cost is paid once to verify, then the hash is replaced).

Figures are medians over ``--runs`` and are written as JSON to
benchmarks/out/memory.json. ``--modules`` also writes, per milestone, the
modules loaded in the app (benchmarks/out/memory-modules-<milestone>.txt); it
runs the app under a small wrapper that dumps ``sys.modules`` on SIGUSR1, so
its figures are not the ones to report.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from statistics import median

import bytes_scripts as bs
from bench_bytes import FROZEN_NOW, OUT, ROOT, Session, StepError, cached_db, child_env

MIB = 1024  # /proc reports kB
QUIET = 0.3  # seconds without output after which a step's screen is taken as drawn
STEADY, STEADY_CAP, POLL = 0.5, 10.0, 0.05  # VmRSS unchanged this long (at most the cap)
TIMEOUT = 60.0
MODULES_DUMP = OUT / "memory-modules.tmp"

BARE_APP = """
from textual.app import App, ComposeResult
from textual.widgets import Static

class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Hello from a bare Textual app")

Bare().run(mouse=False)
"""

# The bare app plus what any sign-in needs: the data layer (SQLAlchemy, SQLModel,
# the models) opened in a thread as the app opens it, the clinic read, and one
# sign-in (one argon2id check); no screens of the app. argv[1]: the database.
DATA_APP = """
import sys
from textual.app import App, ComposeResult
from textual.widgets import Static

class BareWithData(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Opening", id="status")

    def on_ready(self) -> None:
        self.run_worker(self.sign_in, thread=True)

    def sign_in(self) -> None:
        from frontdesk.data.clinic import load_clinic
        from frontdesk.data.db import make_engine
        from frontdesk.data.staff import sign_in

        engine = make_engine(sys.argv[1])
        load_clinic(engine)
        sign_in(engine, "desk", "desk-demo-1")
        self.call_from_thread(self.query_one("#status", Static).update, "Signed in, no screens")

BareWithData().run(mouse=False)
"""

# Runs the real entry point, and on SIGUSR1 writes the loaded modules to the
# file named by FRONTDESK_MODULES_OUT (``--modules`` only).
MODULE_WRAPPER = """
import os, runpy, signal, sys

def _dump(*_):
    with open(os.environ["FRONTDESK_MODULES_OUT"], "w") as out:
        out.write("\\n".join(sorted(sys.modules)) + "\\n")

signal.signal(signal.SIGUSR1, _dump)
sys.argv = ["frontdesk", *sys.argv[1:]]
runpy.run_module("frontdesk", run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class Milestone:
    """A point in the script where memory is read, and the steps that lead to it."""

    name: str
    what: str
    steps: tuple[bs.Step, ...]


MILESTONES = (
    Milestone(
        "sign-in",
        'sign-in form, "Sign in to start"',
        (bs.Step((), bs.PAINT, "sign-in", "Sign in to start"),),
    ),
    Milestone(
        "schedule",
        "signed in, day rows on screen",
        (
            bs.Step((bs.USERNAME, "tab", bs.PASSWORD), bs.SETUP, "sign-in"),
            bs.key("enter", bs.PAINT, "schedule", "Booked"),
        ),
    ),
    Milestone(
        "search",
        "/ smi, hits on screen, Esc",
        (
            bs.key("/", bs.SWITCH, "find", "Find patient"),
            *bs.typed("smi", "find", "found"),
            bs.key("escape", bs.SWITCH, "schedule", "Booked"),
        ),
    ),
    Milestone(
        "payment",
        "check-in, $40 cash copay, receipt",
        tuple(step for step in bs.check_in(5) if step.kind != bs.IDLE),
    ),
)


def status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of ``pid``, in kB."""
    text = Path(f"/proc/{pid}/status").read_text()
    figures = {}
    for key in ("VmRSS", "VmHWM"):
        found = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
        assert found is not None, f"no {key} in /proc/{pid}/status"
        figures[key] = int(found.group(1))
    return figures


def steady(pid: int) -> dict[str, int]:
    """The memory figures once VmRSS has not changed for STEADY seconds (or after the cap)."""
    give_up = time.perf_counter() + STEADY_CAP
    last = status(pid)
    since = time.perf_counter()
    while (now := time.perf_counter()) < give_up:
        time.sleep(POLL)
        current = status(pid)
        if current["VmRSS"] != last["VmRSS"]:
            last, since = current, time.perf_counter()
        elif now - since >= STEADY:
            return current
    return status(pid)


def current_hashes(db: Path) -> int:
    """Give the demo accounts in ``db`` hashes at the current parameters; how many changed."""
    from frontdesk.data import staff
    from frontdesk.data.demo import DEMO_ACCOUNTS

    changed = 0
    with sqlite3.connect(db) as conn:
        for account in DEMO_ACCOUNTS:
            key = staff.username_key(account.username)
            (stored,) = conn.execute(
                "SELECT password_hash FROM staff WHERE username_key = ?", (key,)
            ).fetchone()
            if staff._hasher.check_needs_rehash(stored):
                fresh = staff._hasher.hash(account.password)
                conn.execute(
                    "UPDATE staff SET password_hash = ? WHERE username_key = ?", (fresh, key)
                )
                changed += 1
    return changed


def hash_parameters(db: Path) -> str:
    """The argon2 parameters of the desk account's stored hash (``m=...,t=...,p=...``)."""
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute(
            "SELECT password_hash FROM staff WHERE username_key = ?", (bs.USERNAME,)
        ).fetchone()
    return str(stored).split("$")[3]


def fresh_copy(template: Path, hashes: str) -> Path:
    """A throw-away copy of the demo clinic for one run."""
    db = OUT / "memory-run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, db)
    if hashes == "current":
        current_hashes(db)
    return db


def run_app(template: Path, hashes: str, modules: bool) -> dict[str, dict[str, int]]:
    """One run of the app through every milestone: {milestone: {VmRSS, VmHWM}}."""
    db = fresh_copy(template, hashes)
    env = child_env(None)
    if modules:
        env["FRONTDESK_MODULES_OUT"] = str(MODULES_DUMP)
        argv = [sys.executable, "-c", MODULE_WRAPPER, "--db", str(db)]
    else:
        argv = [sys.executable, "-m", "frontdesk", "--db", str(db)]
    figures = {}
    with Session(argv, env, cwd=ROOT) as term:
        for milestone in MILESTONES:
            for step in milestone.steps:
                try:
                    term.step(step.data, step.wait, QUIET, timeout=TIMEOUT)
                except StepError as error:
                    raise StepError(f"{milestone.name} ({step.label!r}): {error}") from None
            figures[milestone.name] = steady(term.proc.pid)
            if modules:
                dump_modules(term, milestone.name)
    return figures


def dump_modules(term: Session, name: str) -> None:
    """Ask the wrapped app for its modules; wait for the file (``--modules`` only)."""
    MODULES_DUMP.unlink(missing_ok=True)
    term.proc.send_signal(signal.SIGUSR1)
    give_up = time.perf_counter() + 5.0
    while time.perf_counter() < give_up:
        time.sleep(POLL)
        if MODULES_DUMP.exists() and MODULES_DUMP.read_text().endswith("\n"):
            break
    else:
        raise StepError(f"{name}: the app did not list its modules")
    path = MODULES_DUMP.replace(OUT / f"memory-modules-{name}.txt")
    count = len(path.read_text().split())
    print(f"    {name}: {count} modules -> {path.relative_to(ROOT)}", file=sys.stderr)


REFERENCES = (
    ("bare", "Textual App, one Static", BARE_APP, "bare Textual app"),
    ("bare+data", "+ data layer, clinic read, one sign-in", DATA_APP, "Signed in, no screens"),
)


def run_reference(code: str, wait: str, template: Path, hashes: str) -> dict[str, int]:
    """A reference program's figures once ``wait`` is on screen."""
    argv = [sys.executable, "-c", code, str(fresh_copy(template, hashes))]
    with Session(argv, child_env(None), cwd=ROOT) as term:
        term.step(b"", wait, QUIET, timeout=TIMEOUT)
        return steady(term.proc.pid)


def medians(runs: list[dict[str, dict[str, int]]], names: list[str]) -> dict[str, dict[str, float]]:
    """Per name, the median VmRSS and VmHWM over ``runs``."""
    return {
        name: {key: median(run[name][key] for run in runs) for key in ("VmRSS", "VmHWM")}
        for name in names
    }


def mib(kb: float) -> str:
    return f"{kb / MIB:6.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs; the figures are medians (3)")
    parser.add_argument(
        "--hashes",
        choices=("current", "stored"),
        default="current",
        help="demo password hashes at the code's parameters (current), or as built (stored)",
    )
    parser.add_argument("--rebuild", action="store_true", help="build the demo clinic again")
    parser.add_argument("--modules", action="store_true", help="also list the loaded modules")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # the frontdesk the app runs, for the hashes made here
    OUT.mkdir(parents=True, exist_ok=True)
    template = cached_db(args.rebuild)
    runs: list[dict[str, dict[str, int]]] = []
    references: list[dict[str, dict[str, int]]] = []
    for run in range(args.runs):
        print(f"  run {run + 1} of {args.runs}", file=sys.stderr, flush=True)
        references.append(
            {
                name: run_reference(code, wait, template, args.hashes)
                for name, _, code, wait in REFERENCES
            }
        )
        runs.append(run_app(template, args.hashes, args.modules))
    table = medians(runs, [m.name for m in MILESTONES])
    floors = medians(references, [name for name, *_ in REFERENCES])
    from frontdesk.data import staff

    built = hash_parameters(template)
    code = staff._hasher
    wanted = f"m={code.memory_cost},t={code.time_cost},p={code.parallelism}"
    used = wanted if args.hashes == "current" else built
    load = os.getloadavg()[0]
    print(f"\npython -m frontdesk at 80x24, MiB, median of {args.runs} run(s), load {load:.1f}")
    print(f"argon2 of the desk account: {used} (code: {wanted}; demo as built: {built})")
    print(f"  {'milestone':10} {'what':40} {'VmRSS':>6} {'VmHWM':>6}")
    rows = [(m.name, m.what, table[m.name]) for m in MILESTONES]
    rows += [(name, what, floors[name]) for name, what, *_ in REFERENCES]
    for name, what, row in rows:
        print(f"  {name:10} {what:40} {mib(row['VmRSS'])} {mib(row['VmHWM'])}")
    record = {
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}",
        "settings": vars(args) | {"size": "80x24", "frozen_now": FROZEN_NOW, "argon2": used},
        "kB": {"milestones": table, "references": floors},
        "runs": runs,
        "reference_runs": references,
    }
    path = OUT / "memory.json"
    path.write_text(json.dumps(record, indent=1) + "\n")
    print(f"  wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
