"""The real app in a pseudo-terminal, driven through a fixed key script.

Each run opens a demo clinic (built with the clock frozen) and gets the same
keys; after each key it waits for the screen to change and to show the step's
marker, then for the output to go quiet, and records the screen and the bytes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from frontdesk import clock
from tests.conftest import NOW
from tests.terminal.screens import CellView, PtyApp, Term, app_env, settle_all

# Runs the app like `frontdesk --db PATH`, with the driver driver_class() picks. With
# LEAN_TIMINGS set, the lean driver's writes are timed and saved there at exit.
RUN_APP = """
import atexit, json, os, sys, time
from textual.app import App
from frontdesk.terminal.lean_driver import LeanDriver, driver_class
chosen = driver_class()
if chosen is not None:
    App.get_driver_class = lambda self: chosen
if os.environ.get("LEAN_TIMINGS"):
    timings = []
    plain_write = LeanDriver.write
    def timed(self, data):
        start = time.perf_counter()
        before = self.bytes_out
        plain_write(self, data)
        timings.append((len(data), self.bytes_out - before, time.perf_counter() - start))
    LeanDriver.write = timed
    atexit.register(lambda: json.dump(timings, open(os.environ["LEAN_TIMINGS"], "w")))
from frontdesk.launch import open_app
raise SystemExit(open_app(sys.argv[1]))
"""


def _shows(*texts: str) -> Callable[[Term], bool]:
    return lambda term: all(text in term.text() for text in texts)


# (step name, keys, what the screen shows once the step is done)
SCRIPT: list[tuple[str, str, Callable[[Term], bool]]] = [
    ("start", "", _shows("Demo clinic: sign in as")),
    ("username", "desk", _shows("Username   desk")),
    ("password", "\tdesk-demo-1", _shows("\u2022" * 11)),
    ("sign in", "\r", _shows("Booked", "Callbacks", "BOOKED")),
    ("down", "\x1b[B", lambda _t: True),
    ("down again", "\x1b[B", lambda _t: True),
    ("up", "\x1b[A", lambda _t: True),
    ("page down", "\x1b[6~", lambda _t: True),  # the table scrolls: a band moves
    ("up to scroll", "\x1b[A" * 20, lambda _t: True),
    ("find", "/", _shows("Type a name")),
    ("type s", "s", _shows("found")),
    ("type m", "m", _shows("Smirnov, Andriy")),
    ("type i", "i", _shows("Find patient smi")),
    ("open", "\r", _shows("729102")),
    ("back", "\x1b", _shows("Find patient smi", "Smirnov, Andriy")),
    ("schedule", "\x1b", _shows("Booked", "Callbacks", "BOOKED")),
]
Snapshot = tuple[list[list[CellView]], tuple[int, int, bool]]


@dataclass
class Run:
    """What one scripted run wrote and showed."""

    chunks: list[bytes] = field(default_factory=list)
    screens: list[tuple[str, Snapshot]] = field(default_factory=list)
    step_bytes: list[tuple[str, int]] = field(default_factory=list)
    timings: list[tuple[int, int, float]] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Bytes written in the whole run."""
        return sum(len(chunk) for chunk in self.chunks)


@dataclass
class Session:
    """The same script run with Textual's driver (plain) and the lean one."""

    plain: Run
    lean: Run


def build_demo(where: Path) -> Path:
    """The demo clinic for the frozen day, in ``where``."""
    from frontdesk.data import schema
    from frontdesk.data.db import make_engine
    from frontdesk.data.demo import build_demo as fill

    db = where / "demo.db"
    with clock.freeze(NOW):
        engine = make_engine(db)
        schema.upgrade(engine)
        fill(engine, timezone="America/Chicago")
        engine.dispose()
    return db


def _changed_and(
    done: Callable[[Term], bool], before: list[list[CellView]]
) -> Callable[[Term], bool]:
    """The step is over: the screen changed and ``done`` holds."""
    return lambda term: done(term) and term.cells() != before


def start(db: Path, home: Path, output: str, tmux: Path | None = None, **env: str) -> PtyApp:
    """The app on ``db`` with ``FRONTDESK_OUTPUT=output``, its home and data in ``home``.

    With ``tmux`` (a config file), the app runs inside a tmux session of a tmux
    server of its own, as docs/DEPLOY-SSH.md sets up a remote site: the terminal
    then shows what tmux draws.
    """
    home.mkdir(parents=True, exist_ok=True)
    environ = app_env(
        FRONTDESK_FROZEN_NOW=NOW.isoformat(),
        FRONTDESK_OUTPUT=output,
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        LEAN_TIMINGS=str(home / "timings.json"),
        **env,
    )
    argv = [sys.executable, "-c", RUN_APP, str(db)]
    if tmux is not None:
        environ.pop("TMUX", None)
        argv = ["tmux", "-u", "-S", tmux_socket(home), "-f", str(tmux), "new-session", *argv]
    return PtyApp(argv, environ)


def tmux_socket(home: Path) -> str:
    """The socket of the tmux server a run in ``home`` has to itself."""
    return str(home / "tmux.sock")


def _snapshot(app: PtyApp) -> Snapshot:
    return app.term.cells(), app.term.cursor()


def run_both(where: Path, tmux: Path | None = None, **env: str) -> Session:
    """The script with Textual's driver and with the lean one, in step.

    Both apps get each key; the step ends for each when its screen changed,
    shows the step's marker and went quiet. When the two screens then differ,
    both are read again until quiet for a second (up to three times): under
    load a screen's second paint (a worker's rows) can come after a pause.
    """
    db = build_demo(where)
    copy = where / "demo-lean.db"  # each run its own clinic: no change seen from the other
    shutil.copyfile(db, copy)
    apps = {
        "plain": start(db, where / "plain", "plain", tmux, **env),
        "lean": start(copy, where / "lean", "lean", tmux, **env),
    }
    runs = {name: Run() for name in apps}
    try:
        for step, keys, done in SCRIPT:
            before = {name: (app.term.cells(), len(app.chunks)) for name, app in apps.items()}
            for app in apps.values():
                if keys:
                    app.send(keys)
            names = list(apps)
            settle_all(
                [apps[name] for name in names],
                [_changed_and(done, before[name][0]) for name in names],
            )
            for _ in range(3):
                if apps["plain"].term.cells() == apps["lean"].term.cells():
                    break
                settle_all(list(apps.values()), [lambda _t: True] * len(apps), quiet=1.0)
            for name, app in apps.items():
                sent = sum(len(chunk) for chunk in app.chunks[before[name][1] :])
                runs[name].step_bytes.append((step, sent))
                runs[name].screens.append((step, _snapshot(app)))
    finally:
        for name, app in apps.items():
            app.close()
            runs[name].chunks = app.chunks
            if tmux is not None:
                socket = tmux_socket(where / name)
                subprocess.run(["tmux", "-S", socket, "kill-server"], capture_output=True)
    timings = where / "lean" / "timings.json"
    if timings.exists():
        saved = json.loads(timings.read_text())
        runs["lean"].timings = [(int(n), int(out), float(s)) for n, out, s in saved]
    return Session(runs["plain"], runs["lean"])
