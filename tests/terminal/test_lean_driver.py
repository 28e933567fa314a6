"""The lean driver: chosen by FRONTDESK_OUTPUT, writes only the difference, repaints on demand."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from frontdesk.terminal import lean_driver
from frontdesk.terminal.lean_driver import LeanDriver, driver_class
from tests.terminal.screens import Term, differences

FRAME = "\x1b[1;1H\x1b[1;38;5;253;48;5;17mFront desk\x1b[0m\x1b[2;1H\x1b[48;5;233m" + " " * 80
FRAME += "\x1b[0m\x1b[1;1H"


class Writer:
    """Stands in for Textual's writer thread: keeps what the driver writes."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def write(self, text: str) -> None:
        """Keep ``text``."""
        self.written.append(text)

    def take(self) -> str:
        """Everything written since the last call."""
        text = "".join(self.written)
        self.written.clear()
        return text


class StubApp:
    """The one thing the driver asks of the app: a refresh."""

    def __init__(self) -> None:
        self.refreshes: list[dict[str, Any]] = []

    def refresh(self, **options: Any) -> None:
        """Record the call."""
        self.refreshes.append(options)


@pytest.fixture(autouse=True)
def size(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The terminal size the driver sees; change ``size[0]`` to resize. No erasing."""
    current = [(80, 24)]
    monkeypatch.setattr(LeanDriver, "_get_terminal_size", lambda _self: current[0])
    monkeypatch.setattr(lean_driver, "erases_in_colour", lambda _term: False)
    return current


@pytest.fixture(autouse=True)
def keep_signals() -> Iterator[None]:
    """Textual's driver installs SIGTSTP/SIGCONT handlers: put the test runner's back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTSTP, signal.SIGCONT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture
async def driver() -> tuple[LeanDriver, Writer]:
    """A lean driver for a stub app, writing into a :class:`Writer`."""
    lean = LeanDriver(StubApp(), mouse=False)  # type: ignore[arg-type]
    writer = Writer()
    lean._writer_thread = writer  # type: ignore[assignment]
    return lean, writer


@pytest.mark.parametrize(
    ("environ", "lean"),
    [({}, True), ({"FRONTDESK_OUTPUT": "lean"}, True), ({"FRONTDESK_OUTPUT": "plain"}, False)]
    + [({"FRONTDESK_OUTPUT": " Plain "}, False), ({"FRONTDESK_OUTPUT": ""}, True)],
)
def test_the_environment_picks_the_driver(environ: dict[str, str], lean: bool) -> None:
    """``plain`` gives Textual's own driver (None); anything else the lean one."""
    assert driver_class(environ) is (LeanDriver if lean else None)


def _described(function: str, term: str) -> str:
    """``function(term)`` of lean_driver, run in a fresh process (curses reads one
    terminal description per process)."""
    code = f"import sys; from frontdesk.terminal.lean_driver import {function} as f; "
    code += "print(f(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", code, term], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("term", "erases"),
    [("xterm-256color", True), ("screen-256color", False), ("", False), ("no-such-term", False)],
)
def test_erasing_follows_the_terminal_description(term: str, erases: bool) -> None:
    """terminfo's bce flag."""
    assert _described("erases_in_colour", term) == str(erases)


@pytest.mark.parametrize(
    ("term", "scrolls"),
    [("xterm-256color", True), ("tmux-256color", True), ("vt100", False), ("", False)],
)
def test_scrolling_bands_follows_the_terminal_description(term: str, scrolls: bool) -> None:
    """terminfo's csr, dl and il (vt100 has margins but no line insert or delete)."""
    assert _described("scrolls_bands", term) == str(scrolls)


async def test_the_driver_writes_only_what_changed(driver: tuple[LeanDriver, Writer]) -> None:
    """The first frame in full, the same frame again: nothing; a change: that change."""
    lean, writer = driver
    shown, app = Term(), Term()
    for data in ("\x1b[?1049h", FRAME):
        lean.write(data)
        app.feed(data)
    shown.feed(writer.take())
    assert not differences(app, shown)
    lean.write(FRAME)
    assert writer.take() == ""
    lean.write(FRAME.replace("Front", "Frond"))
    assert writer.take() == "\x1b[5G\x1b[1;38;5;253;48;5;17md\r"
    assert lean.bytes_in == len("\x1b[?1049h") + 3 * len(FRAME)
    assert 0 < lean.bytes_out < lean.bytes_in / 2


async def test_after_a_resize_the_next_frame_goes_whole(
    driver: tuple[LeanDriver, Writer], size: list[tuple[int, int]]
) -> None:
    """The terminal's new size is read at each write; the model starts again."""
    lean, writer = driver
    lean.write(FRAME)
    first = writer.take()
    size[0] = (100, 30)
    lean.write(FRAME)
    assert (lean.screen_model.width, lean.screen_model.height) == (100, 30)
    assert writer.take().count(" ") == first.count(" ")


async def test_repaint_sends_the_screen_again_and_refreshes_the_app(
    driver: tuple[LeanDriver, Writer],
) -> None:
    """For when something else wrote to the terminal."""
    lean, writer = driver
    lean.write(FRAME)
    app = Term()
    app.feed(FRAME)
    writer.take()
    spoiled = Term()
    spoiled.feed("\x1b[2;3Hsomeone else's output")
    lean.repaint()
    spoiled.feed(writer.take())
    assert not differences(app, spoiled)
    assert lean._app.refreshes == [{"repaint": True, "layout": True}]  # type: ignore[attr-defined]


async def test_writes_from_two_threads_do_not_mix(driver: tuple[LeanDriver, Writer]) -> None:
    """The input thread writes mode switches while the app draws: the model stays whole."""
    lean, writer = driver

    def draw(row: int) -> None:
        for n in range(200):
            lean.write(f"\x1b[{row};1H\x1b[0;3{n % 8}m{n:>4}\x1b[0m")

    threads = [threading.Thread(target=draw, args=(row,)) for row in (3, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    shown = Term()
    shown.feed(writer.take())
    assert shown.text().splitlines()[2][:4] == " 199"
    assert shown.text().splitlines()[6][:4] == " 199"
    assert shown.screen.buffer[2][1].fg == "white"  # 199 % 8 == 7
