"""A band of rows that moved whole is scrolled on the terminal, not drawn again.

Frames here are written the way Textual writes them: every row of a table,
after it scrolled, from its first column. Two pyte terminals (the app's bytes,
the lean bytes) must agree on every cell and the cursor after every frame, and
a second model reading the lean bytes must agree with the first.
"""

from __future__ import annotations

import random
import re

import pytest
from rich.cells import cell_len

from frontdesk.terminal.model import ScreenModel
from tests.terminal.frames import COMBINING, NARROW, WIDE
from tests.terminal.screens import Term, differences
from tests.terminal.test_lean_equivalence import model_mismatch

W, H = 40, 12
TOP, BOTTOM = 2, 9  # the table's rows; a title above, a header and a footer


def row_text(rng: random.Random, number: int) -> str:
    """One row: a number that makes it unique, then narrow, wide and combining characters."""
    text = f"row {number:03d} "
    while cell_len(text) < W - 6:
        pick = rng.random()
        if pick < 0.85:
            text += rng.choice(NARROW)
        elif pick < 0.95:
            text += rng.choice(WIDE)
        elif text[-1] not in COMBINING:
            text += rng.choice(COMBINING)
    return text + " " * (W - 1 - cell_len(text))


def frame(rows: list[str], styles: list[str], scrollbar: int) -> str:
    """Every row from its first column, then a scroll bar in the last column."""
    out = []
    for y, (text, style) in enumerate(zip(rows, styles, strict=True)):
        bar = "\x1b[7m \x1b[0m" if y == scrollbar else " "
        out.append(f"\x1b[{y + 1};1H{style}{text}\x1b[0m{bar}")
    return "".join(out) + "\x1b[1;1H"


class Pair:
    """The app's terminal, the lean terminal, and a model that reads the lean bytes."""

    def __init__(self, *, scroll: bool = True) -> None:
        self.model = ScreenModel(W, H, scroll=scroll)
        self.reader = ScreenModel(W, H, scroll=scroll)
        self.app, self.lean = Term(W, H), Term(W, H)

    def send(self, data: str) -> str:
        out = self.model.feed(data)
        self.app.feed(data)
        self.lean.feed(out)
        self.reader.feed(out)
        assert not differences(self.app, self.lean), differences(self.app, self.lean)
        assert not model_mismatch(self.model, self.reader, partial=False)
        return out


def table(first: int) -> list[str]:
    """The table's rows from row number ``first``; a row's text depends on its number only."""
    return [row_text(random.Random(n), n) for n in range(first, first + BOTTOM - TOP + 1)]


def screen(body: list[str]) -> list[str]:
    title = "Title".ljust(W - 1)
    return [title, "Header".ljust(W - 1), *body, "Footer".ljust(W - 1), "Keys".ljust(W - 1)]


STYLES = ["\x1b[1m", "\x1b[0m", *["\x1b[38;5;253;48;5;235m"] * (BOTTOM - TOP + 1), "", "\x1b[7m"]


@pytest.mark.parametrize("k", [1, 3, -1, -4])
def test_a_scrolled_table_moves_its_rows_and_draws_only_the_new_ones(k: int) -> None:
    pair = Pair()
    pair.send(frame(screen(table(10)), STYLES, TOP))
    out = pair.send(frame(screen(table(10 + k)), STYLES, TOP + 1))
    band = f"\x1b[{TOP + 1};{BOTTOM + 1}r"
    assert out.startswith("\x1b[0m" + band) or out.startswith(band)
    lines = "M" if k > 0 else "L"
    assert (f"\x1b[{lines}" if abs(k) == 1 else f"\x1b[{abs(k)}{lines}") in out
    assert f"\x1b[1;{H}r" in out  # margins back to the whole screen
    # Only the rows that came into view are written: their numbers, not the others'.
    shown = {f"row {n:03d}" for n in range(10 + k, 10 + k + BOTTOM - TOP + 1)}
    new = shown - {f"row {n:03d}" for n in range(10, 10 + BOTTOM - TOP + 1)}
    assert {n for n in shown if n in out} == new


def test_without_line_insert_and_delete_the_rows_are_drawn_again() -> None:
    pair = Pair(scroll=False)
    pair.send(frame(screen(table(10)), STYLES, TOP))
    out = pair.send(frame(screen(table(11)), STYLES, TOP + 1))
    assert not re.search("\x1b\\[[0-9;]*[rLM]", out)  # no margins, no line insert or delete


def test_scrolling_saves_most_of_the_bytes() -> None:
    lean, plain = Pair(), Pair(scroll=False)
    first = frame(screen(table(10)), STYLES, TOP)
    lean.send(first)
    plain.send(first)
    moved = frame(screen(table(11)), STYLES, TOP + 1)
    assert len(lean.send(moved).encode()) * 3 < len(plain.send(moved).encode())


def test_random_scrolls_and_changes_look_the_same() -> None:
    """Bands moved by random amounts, with a changed row here and there, 300 frames."""
    rng = random.Random(20261201)
    pair = Pair()
    first = 100
    styles = list(STYLES)
    for _ in range(300):
        first += rng.choice([-5, -2, -1, 0, 1, 1, 2, 7, 20])
        first = max(first, 0)
        body = table(first)
        if rng.random() < 0.3:  # a row whose text changed as well
            body[rng.randrange(len(body))] = row_text(rng, rng.randrange(1000))
        if rng.random() < 0.3:  # the cursor row, another style
            styles = list(STYLES)
            styles[rng.randrange(TOP, BOTTOM + 1)] = "\x1b[1;7m"
        pair.send(frame(screen(body), styles, rng.randrange(TOP, BOTTOM + 1)))
