"""The fixed key scripts of the terminal output benchmark (``bench_bytes.py``).

Shared by the benchmark and by ``tests/terminal_budget``. A script is a list of
steps; each step sends one key (or a short burst of set-up keys) and says what
kind of step it is, which screen is on top afterwards, and, for steps whose
result arrives from a worker thread, a text that must be on the screen before
the step counts as done. An ``idle`` step sends nothing and counts what the app
writes while nobody types, on the screen that is on top (with every screen
beneath it still mounted).

It also holds the budgets the steps are judged by (``summarise``) and the
groups the CI test compares with its baseline (``group_of``).

The scripts assume the demo clinic built by ``bench_bytes.build_db`` (seeded by
the frozen date, so the same rows every time): after sign-in the schedule's
cursor is on the last visible row, and five rows below it is a booked visit
with a $40 copay. The ``wait`` texts check this, so a changed demo makes the
benchmark stop and say which text it missed rather than measure the wrong
screens.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Any

# What a terminal sends for the named keys (xterm, normal cursor-key mode);
# anything not named here is sent as typed.
KEYS = {
    "up": "\x1b[A",
    "down": "\x1b[B",
    "pagedown": "\x1b[6~",
    "ctrl+home": "\x1b[1;5H",
    "enter": "\r",
    "tab": "\t",
    "escape": "\x1b",
    "ctrl+k": "\x0b",
    "ctrl+s": "\x13",
}

USERNAME = "desk"
PASSWORD = "desk-demo-1"
CLINIC = "Riverside"  # on the sign-in screen once the database is open

# Step kinds. ``setup`` steps (signing in, moving to the row a flow works on)
# and first paints are left out of a flow's total; ``idle`` steps send nothing.
PAINT, SETUP, MOVE, SCROLL, PAGE, CHAR, SWITCH, ACTION, IDLE = (
    "first paint",
    "setup",
    "cursor move",
    "scrolling move",
    "page down",
    "typed char",
    "screen switch",
    "action",
    "idle",
)

# The budgets, in bytes (docs/BENCHMARKS.md, "Terminal output"): idle 0 B/s
# everywhere; a typed character 50 B plus redrawing the cells it changed; the
# check-in is the "checkin" flow's total.
KB = 1024
BUDGETS = {"move": 160, "char": 50, "paint": 3 * KB, "switch": 3 * KB, "checkin": 12 * KB}
# The CI test fails when the median of a group grows by more than 10% (and 8 B,
# one cursor move, so that a median of a few dozen bytes has some room).
GROWTH, SLACK = 0.10, 8


def group_of(kind: str, screen: str) -> str | None:
    """The group a step is compared in by the CI test (None: not compared)."""
    if kind in (SETUP, IDLE):
        return None
    if kind == PAINT:  # sign-in -> schedule is a screen switch too
        return "first paint: sign-in" if screen == "sign-in" else SWITCH
    if kind == CHAR:
        return "typed char: search" if screen.startswith("find") else "typed char: field"
    return kind


@dataclass(frozen=True)
class Step:
    """One key (or burst) and what it leads to."""

    keys: tuple[str, ...]  # key names from KEYS, or text sent as typed
    kind: str
    screen: str  # the screen on top after this step
    wait: str = ""  # text that must be on screen before the step is done

    @property
    def data(self) -> bytes:
        """The bytes a terminal sends for this step's keys."""
        return "".join(KEYS.get(key, key) for key in self.keys).encode()

    @property
    def label(self) -> str:
        """The keys, as a reader would write them."""
        return " ".join(self.keys) if self.keys else "-"


@dataclass(frozen=True)
class Flow:
    """A task at the counter, from the start of the app to its end."""

    name: str
    title: str
    steps: tuple[Step, ...]


def key(name: str, kind: str, screen: str, wait: str = "") -> Step:
    """One key press."""
    return Step((name,), kind, screen, wait)


def typed(text: str, screen: str, wait: str = "") -> list[Step]:
    """``text`` typed one character at a time (``wait`` applies to the last one)."""
    steps = [Step((ch,), CHAR, screen) for ch in text]
    if wait and steps:
        steps[-1] = Step((text[-1],), CHAR, screen, wait)
    return steps


def idle(screen: str) -> Step:
    """Nobody types: count what the app writes on ``screen``."""
    return Step((), IDLE, screen)


def start(*, idle_signin: bool = False) -> list[Step]:
    """The app's first screen, sign-in, and the schedule's first paint."""
    steps = [Step((), PAINT, "sign-in", CLINIC)]
    if idle_signin:
        steps.append(idle("sign-in"))
    steps.append(Step((USERNAME, "tab", PASSWORD), SETUP, "sign-in"))
    steps.append(key("enter", PAINT, "schedule", "Booked"))
    return steps


def navigate(moves: int, scrolls: int = 3) -> list[Step]:
    """From the top of the day: a page down, ``scrolls`` moves up that scroll the table
    (the cursor stays on the top row of the page), then ``moves`` inside the visible
    rows (down and back up)."""
    half = moves // 2
    return [
        key("ctrl+home", SETUP, "schedule"),
        key("pagedown", PAGE, "schedule"),
        *[key("up", SCROLL, "schedule") for _ in range(scrolls)],
        *[key("down", MOVE, "schedule") for _ in range(half)],
        *[key("up", MOVE, "schedule") for _ in range(moves - half)],
    ]


def find(query: str) -> list[Step]:
    """``/``, the query letter by letter, open the first patient's record, back twice."""
    return [
        key("/", SWITCH, "find", "Find patient"),
        *typed(query, "find", "found"),
        idle("find"),
        key("enter", SWITCH, "patient record", "Edit patient"),
        idle("patient record"),
        key("escape", SWITCH, "find", "Find patient"),
        key("escape", SWITCH, "schedule", "Booked"),
    ]


def check_in(downs: int) -> list[Step]:
    """Down to a booked visit with a copay; check in; take $40 cash; receipt; back."""
    return [
        Step(("down",) * downs, SETUP, "schedule"),
        key("c", SWITCH, "check-in", "date of birth"),
        idle("check-in"),
        key("enter", ACTION, "check-in", "Copay due"),
        key("enter", SWITCH, "drawer", "Tendered"),
        idle("drawer"),
        *typed("40", "drawer"),
        key("enter", ACTION, "receipt", "Receipt printed"),
        idle("receipt"),
        key("enter", SWITCH, "schedule", "Checked in"),
    ]


def callback(name: str, phone: str, *, phone_typed: bool = True) -> list[Step]:
    """``^k``: reason 1, caller, phone, save; ``b``: close the first item (outcome 2).

    With ``phone_typed=False`` the phone number arrives in one burst, not measured.
    """
    number = (
        typed(phone, "callback form") if phone_typed else [Step((phone,), SETUP, "callback form")]
    )
    return [
        key("ctrl+k", SWITCH, "callback form", "New callback"),
        idle("callback form"),
        key("1", ACTION, "callback form", "desk queue"),
        key("tab", ACTION, "callback form"),
        *typed(name, "callback form"),
        key("tab", ACTION, "callback form"),
        *number,
        key("ctrl+s", SWITCH, "schedule", "Callback added"),
        key("b", SWITCH, "callbacks", "Reason:"),
        idle("callbacks"),
        key("enter", SWITCH, "outcome dialog", "what was the outcome"),
        idle("outcome dialog"),
        key("2", SWITCH, "callbacks", "Closed ("),
        key("escape", SWITCH, "schedule", "Booked"),
    ]


def book(name: str) -> list[Step]:
    """``a``, the name, Enter (openings), Enter (book the first), Enter (slip closed)."""
    return [
        key("a", SWITCH, "find (booking)", "find patient"),
        *typed(name, "find (booking)", "found"),
        key("enter", SWITCH, "booking", "Free until"),
        idle("booking"),
        key("enter", SWITCH, "slip", "APPOINTMENT"),
        idle("slip"),
        key("enter", SWITCH, "schedule", "Booked:"),
    ]


FLOWS = (
    Flow(
        "navigate",
        "schedule: 20 cursor moves, 3 that scroll, a page down",
        (*start(idle_signin=True), idle("schedule"), *navigate(20), idle("schedule")),
    ),
    Flow("find", "find: type 'smith, jo' letter by letter", (*start(), *find("smith, jo"))),
    Flow("checkin", "routine check-in, $40 cash copay, receipt", (*start(), *check_in(5))),
    Flow("callback", "add a callback, close one", (*start(), *callback("Ann Lee", "3125550100"))),
    Flow("book", "book the first opening", (*start(), *book("nguyen"), idle("schedule"))),
)


def summarise(steps: list[Any]) -> list[list[Any]]:
    """The report's rows (group, steps, median, max, budget, verdict) for step results
    (``bench_bytes.StepResult``: kind, screen, bytes, changed)."""

    def pick(kind: str, screen: str = "") -> list[Any]:
        return [s for s in steps if s.kind == kind and s.screen.startswith(screen)]

    chars = pick(CHAR)
    groups: list[tuple[str, list[Any], int | str | None]] = [
        ("first paint: sign-in", pick(PAINT, "sign-in"), None),
        ("first paint: schedule", pick(PAINT, "schedule"), BUDGETS["paint"]),
        ("cursor move", pick(MOVE), BUDGETS["move"]),
        ("scrolling move", pick(SCROLL), None),
        ("page down", pick(PAGE), None),
        ("typed char: search", [s for s in chars if s.screen.startswith("find")], "char"),
        ("typed char: field", [s for s in chars if not s.screen.startswith("find")], "char"),
        ("screen switch", pick(SWITCH), BUDGETS["switch"]),
        ("other action", pick(ACTION), None),
        ("idle window", pick(IDLE), "idle"),
    ]
    rows = []
    for name, chosen, limit in groups:
        values = [s.bytes for s in chosen]
        if not values:
            continue
        ok: bool | None = None
        budget = ""
        if limit == "char":
            allowed = [BUDGETS["char"] + s.changed for s in chosen]
            ok = median(v - a for v, a in zip(values, allowed, strict=True)) <= 0
            budget = f"<= 50 B + cells changed (median {round(median(allowed)):,} B)"
        elif limit == "idle":
            ok, budget = max(values) == 0, "0 B on every screen"
        elif isinstance(limit, int):
            ok, budget = median(values) <= limit, f"<= {limit:,} B median"
            over = sum(v > limit for v in values)
            budget += f" ({over} of {len(values)} over)" if len(values) > 1 else ""
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        rows.append([name, len(values), round(median(values)), max(values), budget, verdict])
    return rows


# The fast check in tests/terminal_budget: one app session that visits every
# main screen with short scripts (check-in first: it needs the cursor where
# sign-in leaves it) and idles once on each of the screens below.
CI_IDLE = {"sign-in", "check-in", "drawer", "receipt", "schedule", "find", "callback form",
           "callbacks", "booking"}  # fmt: skip


def _idle_once(steps: list[Step], screens: set[str]) -> tuple[Step, ...]:
    """``steps`` with idle windows only on ``screens``, the first time each is reached."""
    kept: list[Step] = []
    for step in steps:
        if step.kind == IDLE and (step.screen not in screens or step in kept):
            continue
        kept.append(step)
    return tuple(kept)


CI_FLOW = Flow(
    "ci",
    "every main screen, short scripts",
    _idle_once(
        [
            *start(idle_signin=True),
            *check_in(5),
            idle("schedule"),
            *navigate(4),
            *find("smith"),
            *callback("Ann", "3125550100", phone_typed=False),
            *book("lee"),
        ],
        CI_IDLE,
    ),
)
