"""Helpers for the terminal-output tests: pyte screens and the real app in a pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pyte
from wcwidth import wcwidth

ROOT = Path(__file__).resolve().parents[2]
CellView = tuple[str, str, str, bool, bool, bool, bool, bool]


class Screen(pyte.Screen):
    """pyte's screen, but an erase of the display reaches every column.

    pyte 0.8 keeps rows sparse and its ``erase_in_display`` only resets the
    cells that were ever written; a terminal erases them all.
    """

    def erase_in_display(self, how: int = 0, *_args: object, **_kwargs: object) -> None:
        """ED: rows after (0), before (1) or all rows (2, 3), then the cursor row's part."""
        rows = {0: range(self.cursor.y + 1, self.lines), 1: range(self.cursor.y)}.get(
            how, range(self.lines)
        )
        for y in rows:
            line = self.buffer[y]
            for x in range(self.columns):
                line[x] = self.cursor.attrs
        if how in (0, 1):
            self.erase_in_line(how)


class Term:
    """A pyte terminal fed bytes, read back cell by cell."""

    def __init__(self, width: int = 80, height: int = 24) -> None:
        self.screen = Screen(width, height)
        self.stream = pyte.ByteStream(self.screen)

    def feed(self, data: bytes | str) -> None:
        """Show ``data`` (str is sent as UTF-8)."""
        self.stream.feed(data.encode() if isinstance(data, str) else data)

    def cells(self) -> list[list[CellView]]:
        """Every cell: character, colours and the attributes pyte keeps."""
        screen = self.screen
        return [
            [
                (c.data, c.fg, c.bg, c.bold, c.italics, c.underscore, c.reverse, c.strikethrough)
                for c in (screen.buffer[y][x] for x in range(screen.columns))
            ]
            for y in range(screen.lines)
        ]

    def cursor(self) -> tuple[int, int, bool]:
        """Cursor column, row and whether it is hidden."""
        cur = self.screen.cursor
        return cur.x, cur.y, cur.hidden

    def half_wide(self) -> bool:
        """Whether some row shows half of a double-width character (terminals differ there).

        pyte keeps a wide character's right half as an empty "stub" cell (which
        a combining mark written after the character lands in).
        """
        buffer = self.screen.buffer
        for y in range(self.screen.lines):
            row = [buffer[y][x].data for x in range(self.screen.columns)]
            stubs = [_stub(data) for data in row] + [False]
            if stubs[0]:
                return True
            for x, data in enumerate(row):
                wide = not stubs[x] and wcwidth(data[0]) == 2
                if wide != stubs[x + 1]:
                    return True
        return False

    def text(self) -> str:
        """The screen's text, one line per row."""
        return "\n".join(self.screen.display)


def _stub(data: str) -> bool:
    """A pyte cell holding the right half of a wide character."""
    return data == "" or unicodedata.combining(data[0]) > 0


def differences(a: Term, b: Term, limit: int = 5) -> list[str]:
    """Where two terminals differ (cells and cursor), at most ``limit`` lines.

    Where a hidden cursor rests is not compared: nothing shows it, and the
    lean output does not move it there (the cells after it would differ if
    its place were lost).
    """
    found = []
    if a.cursor() != b.cursor() and not (a.cursor()[2] and b.cursor()[2]):
        found.append(f"cursor {a.cursor()} != {b.cursor()}")
    for y, (row_a, row_b) in enumerate(zip(a.cells(), b.cells(), strict=True)):
        for x, (ca, cb) in enumerate(zip(row_a, row_b, strict=True)):
            if ca != cb:
                found.append(f"({x},{y}): {ca} != {cb}")
                if len(found) >= limit:
                    return found
    return found


class PtyApp:
    """A program running in an 80x24 pseudo-terminal; all it writes is kept in ``chunks``."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int] = (80, 24)):
        self.master, slave = pty.openpty()
        width, height = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.chunks: list[bytes] = []
        self.term = Term(width, height)

    def _read(self, wait: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return False
        if not data:
            return False
        self.chunks.append(data)
        self.term.feed(data)
        return True

    def settle(
        self,
        until: Callable[[Term], bool] = lambda _t: True,
        quiet: float = 0.4,
        timeout: float = 20.0,
    ) -> None:
        """Read until ``until(term)`` holds and then nothing arrives for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._read(quiet):
                continue
            if until(self.term):
                return
            if self.proc.poll() is not None:
                break
        raise AssertionError(f"the app did not reach the expected screen:\n{self.term.text()}")

    def send(self, keys: str) -> None:
        """Type ``keys``."""
        os.write(self.master, keys.encode())

    def close(self) -> None:
        """Quit the app (ctrl+q), killing it if it does not go."""
        try:
            self.send("\x11")
            deadline = time.monotonic() + 5
            while self.proc.poll() is None and time.monotonic() < deadline:
                self._read(0.1)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            while self._read(0):
                pass
            os.close(self.master)


def settle_all(
    apps: list[PtyApp], untils: list[Callable[[Term], bool]], quiet: float = 0.4
) -> None:
    """:meth:`PtyApp.settle` for several apps at once: until each holds and all went quiet."""
    deadline = time.monotonic() + 20.0
    while time.monotonic() < deadline:
        ready, _, _ = select.select([app.master for app in apps], [], [], quiet)
        if ready:
            for app in apps:
                if app.master in ready:
                    app._read(0)
            continue
        if all(until(app.term) for app, until in zip(apps, untils, strict=True)):
            return
        if any(app.proc.poll() is not None for app in apps):
            break
    screens = "\n\n".join(app.term.text() for app in apps)
    raise AssertionError(f"the apps did not reach the expected screens:\n{screens}")


def app_env(**extra: str) -> dict[str, str]:
    """A terminal session's environment for the app."""
    env = dict(os.environ)
    for name in ("FRONTDESK_DB", "COLORTERM", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM"):
        env.pop(name, None)
    env["TERM"] = "xterm-256color"
    env.update(extra)
    return env


PYTHON = sys.executable
