"""The two grids of the screen model: what the app wants shown and what the terminal shows.

Each grid is a pair of row lists: the characters of each cell (a character plus
any combining marks; ``WIDE_TAIL`` for the right half of a double-width
character; ``UNKNOWN`` when not known) and their style numbers (see
:class:`~frontdesk.terminal.sgr.StyleTable`; -1 when not known). :class:`Grid`
also keeps the app's cursor and, per row, the range of cells written since the
last difference was sent.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from rich.cells import get_character_cell_size

from frontdesk.terminal.emit import UNKNOWN, WIDE_TAIL

SHIFT_ROWS = 3  # rows that must have moved whole before a band is scrolled, not redrawn
_UNSURE = frozenset("\u200d\ufe0e\ufe0f")  # joiners and presentation selectors
_widths: dict[str, int] = {}
Cells = tuple[list[list[str]], list[list[int]]]


def char_width(char: str) -> int:
    """Columns ``char`` takes: 1 or 2; 0 for a combining mark; -1 when terminals disagree.

    Widths are rich's (the ones Textual lays the screen out by). Zero-width
    characters that are not combining marks (joiners, variation selectors)
    make terminals disagree on the width of what comes before them.
    """
    found = _widths.get(char)
    if found is None:
        found = get_character_cell_size(char)
        if char in _UNSURE or (found == 0 and not unicodedata.combining(char)):
            found = -1
        _widths[char] = found
    return found


class Grid:
    """The wanted and shown cells, the app's cursor and the rows changed since the last send."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.clear()

    def unknown(self) -> Cells:
        """A grid of unknown cells."""
        w, h = self.width, self.height
        return [[UNKNOWN] * w for _ in range(h)], [[-1] * w for _ in range(h)]

    def clear(self) -> None:
        """Forget every cell, wanted and shown."""
        self.want = self.unknown()
        self.shown = self.unknown()
        self.lo = [self.width] * self.height  # per row: cells [lo, hi) changed since the last send
        self.hi = [0] * self.height
        # The app's cursor; cx == width just after the last column (wrap pending);
        # lf: line feeds since (cx, cy), after which the column is not certain.
        self.cx = self.cy = self.lf = 0

    def resend_all(self) -> None:
        """Count nothing as shown, so every known cell is sent again."""
        self.shown = self.unknown()
        self.lo = [0] * self.height
        self.hi = [self.width] * self.height

    def mark(self, y: int, a: int, b: int) -> None:
        """Cells [a, b) of row y were written."""
        if a < self.lo[y]:
            self.lo[y] = a
        if b > self.hi[y]:
            self.hi[y] = b

    def cell(self, x: int, y: int) -> tuple[str, int]:
        """The wanted cell at (x, y): its text and style number."""
        return self.want[0][y][x], self.want[1][y][x]

    # --- writing --------------------------------------------------------------------

    def write(self, text: str, pen: int, autowrap: bool) -> int:
        """Write ``text`` at the cursor in style ``pen``; how many characters were written.

        Fewer than ``len(text)`` when the rest cannot be placed for certain (a
        character of disputed width, a combining mark with nothing to join, a
        wide character that does not fit, text that would scroll).
        """
        if self.lf:  # after a line feed the column depends on the tty
            return 0
        if text.isascii() and self.cx < self.width:
            room = self.width - self.cx
            if len(text) <= room or not autowrap:
                self._place(self.cx, text[:room], 1, pen)
                if len(text) > room:  # without autowrap the rest lands on the last column
                    self._place(self.width - 1, text[-1], 1, pen)
                return len(text)
        for at, char in enumerate(text):
            width = char_width(char)
            if width < 0 or not self._char(char, width, pen, autowrap):
                return at
        return len(text)

    def _char(self, char: str, width: int, pen: int, autowrap: bool) -> bool:
        """Put one character at the cursor; False if the result is not certain."""
        w = self.width
        if width == 0:  # a combining mark joins the cell before the cursor
            chars = self.want[0][self.cy]
            x = min(self.cx, w) - 1
            if x >= 0 and chars[x] == WIDE_TAIL:
                x -= 1
            if x < 0 or chars[x] == UNKNOWN:
                return False
            chars[x] += char
            self.mark(self.cy, x, x + 1)
            return True
        if self.cx >= w:
            if width == 2:
                return False
            if autowrap:
                if self.cy >= self.height - 1:
                    return False
                self.cy, self.cx = self.cy + 1, 0
            else:
                self.cx = w - 1
        if width == 2 and self.cx >= w - 1:
            return False
        self._place(self.cx, char, width, pen)
        return True

    def _place(self, x: int, text: str, width: int, pen: int) -> None:
        """Write ``text`` (narrow characters, or one wide one) at column ``x`` of the cursor row."""
        y, w = self.cy, self.width
        chars, styles = self.want[0][y], self.want[1][y]
        end = x + (width if width == 2 else len(text))
        a, b = x, end
        if chars[x] == WIDE_TAIL:  # overwriting half of a wide character blanks the other half
            chars[x - 1] = " "
            a = x - 1
        if end < w and chars[end] == WIDE_TAIL:
            chars[end] = " "
            b = end + 1
        if width == 2:
            chars[x], chars[x + 1] = text, WIDE_TAIL
        else:
            chars[x:end] = text
        styles[x:end] = [pen] * (end - x)
        self.mark(y, a, b)
        self.cx = end

    def erase(self, final: str, how: int, n: int, blank: int) -> bool:
        """ED (``J``), EL (``K``) or ECH (``X``) with blanks of style ``blank``.

        False (nothing changed) when the result is not certain: cursor unsure,
        an erase of the scroll-back, or an edge through a wide character.
        """
        x, y, w = self.cx, self.cy, self.width
        if self.lf or x >= w or how > 2:
            return False
        if final == "X":
            spans = [(y, x, min(w, x + n))]
        elif final == "J" and how == 2:
            spans = [(r, 0, w) for r in range(self.height)]
        else:
            spans = [[(y, x, w), (y, 0, x + 1), (y, 0, w)][how]]
            if final == "J":
                spans += [(r, 0, w) for r in (range(y + 1, self.height) if how == 0 else range(y))]
        chars, styles = self.want
        for r, a, b in spans:
            if (a > 0 and chars[r][a] == WIDE_TAIL) or (b < w and chars[r][b] == WIDE_TAIL):
                return False
        for r, a, b in spans:
            chars[r][a:b] = " " * (b - a)
            styles[r][a:b] = [blank] * (b - a)
            self.mark(r, a, b)
        return True

    # --- rows that moved ------------------------------------------------------------

    def shift(self, cells: Cells, top: int, bottom: int, k: int, blank: int) -> None:
        """Rows ``top``..``bottom`` of ``cells`` move up ``k`` rows (down when negative).

        What a terminal does for DL (IL) at row ``top`` with the bottom margin at
        ``bottom``: the rows left empty are blanks of style ``blank``. Every row
        of the band is marked, to be compared again.
        """
        chars, styles = cells
        w = self.width
        n = min(abs(k), bottom - top + 1)
        new_chars = [[" "] * w for _ in range(n)]
        new_styles = [[blank] * w for _ in range(n)]
        if k > 0:
            chars[top : bottom + 1] = chars[top + n : bottom + 1] + new_chars
            styles[top : bottom + 1] = styles[top + n : bottom + 1] + new_styles
        else:
            chars[top : bottom + 1] = new_chars + chars[top : bottom + 1 - n]
            styles[top : bottom + 1] = new_styles + styles[top : bottom + 1 - n]
        for y in range(top, bottom + 1):
            self.mark(y, 0, w)

    def find_shift(self) -> tuple[int, int, int] | None:
        """A band of rows the app moved up or down whole: ``(top, bottom, k)``, or None.

        A changed row votes for a shift ``k`` when what the terminal shows ``k``
        rows below it (above, for negative ``k``) has the same characters, the
        last column aside (where a scroll bar moves). The shift with the most
        votes wins if it has at least ``SHIFT_ROWS``; the band runs from the
        first row it moves to the last. Blank rows do not vote.
        """
        (wc, _), (sc, _) = self.want, self.shown
        changed = [y for y in range(self.height) if self.lo[y] < self.hi[y] and wc[y] != sc[y]]
        if len(changed) < SHIFT_ROWS:
            return None
        first, last = changed[0], changed[-1]
        where: dict[tuple[str, ...], list[int]] = {}
        for y in range(first, last + 1):
            key = tuple(sc[y][:-1])
            if UNKNOWN not in key:
                where.setdefault(key, []).append(y)
        votes: Counter[int] = Counter()
        voters: dict[int, list[int]] = {}
        for y in changed:
            key = tuple(wc[y][:-1])
            if key.count(" ") == len(key):
                continue
            for source in where.get(key, ()):
                if source != y:
                    votes[source - y] += 1
                    voters.setdefault(source - y, []).append(y)
        if not votes:
            return None
        k, count = votes.most_common(1)[0]
        if count < SHIFT_ROWS:
            return None
        rows = voters[k]
        return min(min(rows), min(rows) + k), max(max(rows), max(rows) + k), k
