"""The emitter: the fewest bytes that make the terminal show a row of the model.

It knows where the terminal's cursor is and which style is set, and for each row
sends only the cells that differ from what the terminal shows: the cheapest cursor
move to each changed run (absolute, relative, carriage return and line feeds, or
rewriting a few unchanged cells in between) and the smallest style change.

It never relies on the terminal's autowrap: after writing the last column the
cursor's column counts as unknown, and the next move sets the column absolutely.
"""

from __future__ import annotations

from functools import lru_cache

from frontdesk.terminal.sgr import StyleTable

UNKNOWN = "\x00"  # a cell whose content is not known (after a reset)
WIDE_TAIL = ""  # the right half of a double-width character
MAX_FILL = 8  # the longest gap of unchanged cells worth rewriting instead of moving over


def csi(n: int, final: str) -> str:
    """CSI ``n`` ``final``, the 1 left out."""
    return f"\x1b[{final}" if n == 1 else f"\x1b[{n}{final}"


def cup(x: int, y: int) -> str:
    """The absolute move to (x, y), 0-based, in the fewest bytes."""
    if x == 0:
        return "\x1b[H" if y == 0 else f"\x1b[{y + 1}H"
    return f"\x1b[{y + 1};{x + 1}H"


def _to_column(col: int, tx: int) -> list[str]:
    """Ways to reach column ``tx`` on the current row from column ``col``."""
    ways = ["\r" + (csi(tx, "C") if tx else ""), csi(tx + 1, "G")]
    dx = tx - col
    if dx == 0:
        ways.append("")
    elif dx > 0:
        ways.append(csi(dx, "C"))
    else:
        ways.append("\b" * -dx if -dx <= 3 else csi(-dx, "D"))
    return ways


@lru_cache(maxsize=16384)
def cursor_move(ax: int | None, ay: int | None, tx: int, ty: int, lines_ok: bool = True) -> str:
    """The shortest sequence moving the cursor from (ax, ay) to (tx, ty), 0-based.

    ``ax``/``ay`` are ``None`` when unknown (``ax`` also after the last column was
    written, where terminals disagree: then the column is set first, by CR or
    CHA). Line feeds are only sent in column 0, so the result is the same
    whether or not the tty turns LF into CR LF; ``lines_ok`` False (scroll
    margins set) allows absolute moves only.
    """
    best = cup(tx, ty)
    if ay is None:
        return best
    if ax is None:
        for first, col in (("\r", 0), (csi(tx + 1, "G"), tx)):
            way = first + cursor_move(col, ay, tx, ty, lines_ok)
            if len(way) < len(best):
                best = way
        return best
    dy = ty - ay
    rows: list[tuple[str, int]] = []
    if dy == 0:
        rows.append(("", ax))
    else:
        rows.append((csi(ty + 1, "d"), ax))
        if lines_ok:
            rows.append((csi(dy, "B") if dy > 0 else csi(-dy, "A"), ax))
            if 0 < dy <= 8:
                rows.append(("\n" * dy if ax == 0 else "\r" + "\n" * dy, 0))
    for row, col in rows:
        for way in _to_column(col, tx):
            if len(row) + len(way) < len(best):
                best = row + way
    return best


class Emitter:
    """Writes cells to the terminal, tracking its cursor and current style."""

    def __init__(self, table: StyleTable, width: int) -> None:
        self.table = table
        self.width = width
        self.out: list[str] = []
        self.x: int | None = None  # the terminal's cursor; None when not known
        self.y: int | None = None
        self.pen = -1  # the terminal's current style number; -1 when not known
        self.lines_ok = True
        self.erase_ok = False  # erase runs of blanks (EL, ECH): the terminal erases in colour
        self.serial = 0  # counts writes, so a caller can tell whether the cursor moved since

    def put(self, text: str) -> None:
        """Append ``text`` to the output as it is."""
        self.out.append(text)
        self.serial += 1

    def forget(self) -> None:
        """Something unknown was sent: the cursor and style are no longer known."""
        self.x = self.y = None
        self.pen = -1

    def move(self, tx: int, ty: int) -> None:
        """Move the cursor to (tx, ty) the cheapest way."""
        if self.x != tx or self.y != ty:
            self.put(cursor_move(self.x, self.y, tx, ty, self.lines_ok))
            self.x, self.y = tx, ty

    def set_pen(self, style: int) -> None:
        """Make ``style`` the terminal's current style."""
        if style != self.pen:
            self.put(self.table.change(self.pen, style))
            self.pen = style

    def write_cell(self, x: int, y: int, text: str, style: int, width: int) -> None:
        """Write one cell (``width`` columns) at (x, y)."""
        self.move(x, y)
        self.set_pen(style)
        self.put(text)
        self._advanced(x + width, text)

    def _advanced(self, end: int, last: str) -> None:
        """The cursor after writing up to column ``end``, ``last`` the last cell written.

        After the last column the column is unknown (terminals differ); if that cell
        carries combining marks the row is too (some terminals wrap on the mark).
        """
        if end < self.width:
            self.x = end
        else:
            self.x = None
            if len(last) > 1:
                self.y = None

    def _cells(self, start: int, end: int, chars: list[str], styles: list[int]) -> tuple[str, int]:
        """The bytes that draw cells [start, end) from the current style, and the style after."""
        change = self.table.change
        pen = self.pen
        parts: list[str] = []
        for x in range(start, end):
            char = chars[x]
            if char == WIDE_TAIL:
                continue
            style = styles[x]
            if style != pen:
                parts.append(change(pen, style))
                pen = style
            parts.append(char)
        return "".join(parts), pen

    def row(
        self,
        y: int,
        want: tuple[list[str], list[int]],
        shown: tuple[list[str], list[int]],
        lo: int,
        hi: int,
    ) -> None:
        """Send the cells of row ``y`` in [lo, hi) that differ from what is shown.

        ``want`` and ``shown`` are the row's (characters, styles); ``shown`` is
        updated to match what was sent. Cells the model does not know are skipped.
        """
        wc, ws = want
        sc, ss = shown
        width = self.width
        if lo > 0 and wc[lo] == WIDE_TAIL:
            lo -= 1
        if hi < width and wc[hi] == WIDE_TAIL:
            hi += 1
        if wc[lo:hi] == sc[lo:hi] and ws[lo:hi] == ss[lo:hi]:
            return
        x = lo
        while x < hi:
            if wc[x] == UNKNOWN or (wc[x] == sc[x] and ws[x] == ss[x]):
                x += 1
                continue
            if wc[x] == WIDE_TAIL:
                x -= 1
            end = x + 1
            while end < hi and wc[end] != UNKNOWN and (wc[end] != sc[end] or ws[end] != ss[end]):
                end += 1
            if end < width and wc[end] == WIDE_TAIL:
                end += 1
            self.fill_gap(y, x, wc, ws)
            self.move(x, y)
            if self.erase_ok:
                done = self._erasing(x, end, wc, ws)
            else:
                text, self.pen = self._cells(x, end, wc, ws)
                self.put(text)
                self._advanced(end, wc[end - 2] if wc[end - 1] == WIDE_TAIL else wc[end - 1])
                done = end
            sc[x:done] = wc[x:done]
            ss[x:done] = ws[x:done]
            x = done if done < width else hi

    def _erasing(self, x: int, end: int, wc: list[str], ws: list[int]) -> int:
        """Draw cells [x, end) from x, erasing long runs of blanks (ECH) and a blank row end (EL).

        Only blanks whose style looks the same erased (no underline, reverse,
        strike, link...) are erased, with that style set first. Returns the
        column up to which the row now shows what is wanted: ``end``, or the
        row's width after an EL.
        """
        change, erasable = self.table.change, self.table.erasable
        width, pen, pos = self.width, self.pen, x
        parts: list[str] = []
        left: int | None = None  # where an erase at the end left the cursor
        while pos < end:
            char, style = wc[pos], ws[pos]
            if char == " " and (pos == x or wc[pos - 1] != " " or ws[pos - 1] != style):
                run = pos + 1
                while run < width and wc[run] == " " and ws[run] == style:
                    run += 1
                stop = min(run, end)
                if not erasable(style):
                    pass
                elif run == width and end - pos > 3:
                    parts += [change(pen, style), "\x1b[K"]
                    pen, left, end = style, pos, width
                    break
                else:
                    erase = csi(stop - pos, "X")
                    after = "" if stop == end else csi(stop - pos, "C")
                    if len(erase) + len(after) < stop - pos:
                        parts += [change(pen, style), erase, after]
                        left = pos if stop == end else None  # ECH does not move the cursor
                        pen, pos = style, stop
                        continue
            if char != WIDE_TAIL:
                if style != pen:
                    parts.append(change(pen, style))
                    pen = style
                parts.append(char)
            pos += 1
            left = None
        self.put("".join(parts))
        self.pen = pen
        if left is not None:
            self.x = left
        else:
            self._advanced(end, wc[end - 2] if wc[end - 1] == WIDE_TAIL else wc[end - 1])
        return end

    def fill_gap(self, y: int, x: int, chars: list[str], styles: list[int]) -> None:
        """Rewrite the unchanged cells between the cursor and ``x`` if that beats moving."""
        gap = self.x
        if self.y != y or gap is None or not 0 < x - gap <= MAX_FILL:
            return
        if UNKNOWN in chars[gap:x]:
            return
        change = self.table.change
        text, pen = self._cells(gap, x, chars, styles)
        fill = len(text.encode()) + len(change(pen, styles[x]))
        move = len(cursor_move(gap, y, x, y, self.lines_ok)) + len(change(self.pen, styles[x]))
        if fill < move:
            self.put(text)
            self.pen = pen
            self.x = x
