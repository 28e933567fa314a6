"""The lean output shows exactly what the app's own output shows.

Two pyte terminals, one fed the app's bytes and one fed the lean bytes, must
agree on every cell (character, colours, bold, italics, underline, reverse,
strike-through) and on the cursor after every write, for randomised frames and
for the real app in a pseudo-terminal. A second screen model reading the lean
bytes must also agree with the first on every cell it knows, links included.
"""

from __future__ import annotations

import codecs

import pytest
from rich.cells import get_character_cell_size
from wcwidth import wcwidth

from frontdesk.terminal.model import ScreenModel
from tests.terminal.frames import COMBINING, NARROW, WIDE, FrameMaker
from tests.terminal.screens import Term, differences
from tests.terminal.session import Session

SEED = 20261124
FRAMES = 1000


def model_mismatch(app: ScreenModel, lean: ScreenModel, *, partial: bool) -> list[str]:
    """Cells the app's model knows that a model of the lean output shows otherwise.

    With ``partial``, cells the second model does not know are let pass: it
    forgets the screen when an erase cuts a wide character before the lean
    output overwrites the rest, though every terminal ends up the same.
    """
    found = []
    for y in range(app.height):
        for x in range(app.width):
            want, got = app.cell(x, y), lean.cell(x, y)
            if want[0] != "\x00" and got != want and not (partial and got[0] == "\x00"):
                found.append(f"({x},{y}) {want} != {got}")
    return found[:5]


def replay(writes: list[str], *, erase: bool = False) -> tuple[int, int]:
    """Feed ``writes`` both ways and compare after each; returns (app bytes, lean bytes)."""
    app_term, lean_term = Term(), Term()
    model, reader = ScreenModel(80, 24, erase=erase), ScreenModel(80, 24)
    sent = received = 0
    in_sync = False
    for number, data in enumerate(writes):
        out = model.feed(data)
        in_sync = (in_sync or data == "\x1b[?2026h") and data != "\x1b[?2026l"
        app_term.feed(data)
        lean_term.feed(out)
        reader.feed(out)
        sent += len(data.encode())
        received += len(out.encode())
        if in_sync:
            assert out == "", "nothing may be sent inside a synchronized block"
            continue
        diff = differences(app_term, lean_term)
        assert not diff, f"write {number} {data!r}\nsent {out!r}\n" + "\n".join(diff)
        wrong = model_mismatch(model, reader, partial=erase)
        assert not wrong, f"write {number} {data!r}\nsent {out!r}\n" + "\n".join(wrong)
    return sent, received


def test_the_random_alphabet_has_one_width_everywhere() -> None:
    """The generator's characters measure the same in rich (the model) and wcwidth (pyte)."""
    for char in NARROW + WIDE:
        assert get_character_cell_size(char) == wcwidth(char), char
    for mark in COMBINING:
        assert get_character_cell_size(mark) == 0 == wcwidth(mark)


@pytest.mark.parametrize("erase", [False, True])
def test_random_frames_look_the_same(erase: bool) -> None:
    """A thousand seeded frames of every kind: identical screens after every write."""
    maker = FrameMaker(SEED)
    writes = ["\x1b[?1049h\x1b[?25l"]  # autowrap is switched by the frames themselves
    for _ in range(FRAMES):
        writes += maker.writes()
    sent, received = replay(writes, erase=erase)
    assert sent > 100_000
    assert received < sent  # and it still saves


def test_textual_like_frames_look_the_same_and_save_most() -> None:
    """Frames as Textual writes them (absolute moves, SGR, text within the line)."""
    maker = FrameMaker(SEED + 1, wild=False)
    writes = ["\x1b[?1049h"]
    for _ in range(300):
        writes += maker.writes()
    sent, received = replay(writes)
    assert received < sent * 0.8, (sent, received)


@pytest.mark.parametrize("autowrap", ["\x1b[?7h", "\x1b[?7l"])
def test_lean_output_does_not_rely_on_autowrap(autowrap: str) -> None:
    """The lean bytes for line-bound frames show the same with autowrap on or off."""
    maker = FrameMaker(SEED + 2, wild=False)
    model = ScreenModel(80, 24)
    app_term, lean_term = Term(), Term()
    lean_term.feed(autowrap)
    sent = []
    for _ in range(300):
        for data in maker.writes():
            app_term.feed(data)
            sent.append(model.feed(data))
            lean_term.feed(sent[-1])
    assert "\x1b[?7" not in "".join(sent)
    assert not differences(app_term, lean_term)


def test_writes_cut_anywhere_look_the_same() -> None:
    """Writes cut inside escape sequences, links and before combining marks still match."""
    maker = FrameMaker(SEED + 3)
    stream = "".join(data for _ in range(200) for data in maker.writes())
    app_term, lean_term = Term(), Term()
    model = ScreenModel(80, 24)
    at, step, compared = 0, 1, 0
    while at < len(stream):
        piece = stream[at : at + step]
        app_term.feed(piece)
        lean_term.feed(model.feed(piece))
        at += step
        step = step % 37 + 1
        if not model.in_sync_block and not app_term.half_wide():
            diff = differences(app_term, lean_term)
            assert not diff, f"after {stream[:at][-80:]!r}\n" + "\n".join(diff)
            compared += 1
    assert compared > 1000


def test_the_real_app_in_a_pseudo_terminal(session: Session) -> None:
    """The real app, through a key script (one test: the two runs take ~10 s).

    1. Every chunk Textual's own output wrote, replayed through the model (with and
       without erase sequences): identical screens after each chunk.
    2. The app run with the lean driver shows the same screen at each step.
    3. It sends far less: in all, and on each step that costs Textual over 1 KB.
    """
    decode = codecs.getincrementaldecoder("utf-8")().decode
    writes = [decode(chunk) for chunk in session.plain.chunks]
    for erase in (False, True):
        sent, received = replay(writes, erase=erase)
        assert sent == session.plain.total
        assert received < sent * 0.35, (erase, sent, received)

    lean_steps = [name for name, _ in session.lean.screens]
    assert lean_steps == [name for name, _ in session.plain.screens]
    for (name, lean_screen), (_, plain_screen) in zip(
        session.lean.screens, session.plain.screens, strict=True
    ):
        (lean_cells, lean_cursor), (plain_cells, plain_cursor) = lean_screen, plain_screen
        assert lean_cells == plain_cells, name
        hidden = lean_cursor[2] and plain_cursor[2]  # where a hidden cursor rests is not seen
        assert hidden or lean_cursor == plain_cursor, name

    assert session.lean.total < session.plain.total * 0.35
    plain, lean = dict(session.plain.step_bytes), dict(session.lean.step_bytes)
    for name, size in plain.items():
        assert size < 1000 or lean[name] < size / 2, (name, size, lean[name])
    assert lean["type i"] < 200  # a letter typed where the results do not change
