"""A model of the terminal screen that turns the app's output into the changed cells only.

:class:`ScreenModel` reads what the app writes (the subset Textual uses: absolute
and relative cursor moves, SGR styles, OSC 8 links, text with double-width
characters and combining marks, CR/LF, erases) into a grid of the cells the app
wants shown, and keeps a second grid of what the terminal shows. At the end of
each write (or of a synchronized-output block) it sends the difference, through
:class:`~frontdesk.terminal.emit.Emitter`, then puts the cursor where the app left
it. The style is only set when a cell needs it.

Anything it cannot follow exactly (an unknown escape sequence, a switch of screen
buffer, a character whose width terminals disagree on, text that would scroll) is
passed through unchanged, after bringing the terminal's cursor and style to where
the app's own output would have them, and the model forgets the screen: until the
next absolute cursor move everything passes through as it is, and the cells after
that are sent as the app wrote them.
"""

from __future__ import annotations

import re

from frontdesk.terminal.emit import UNKNOWN, WIDE_TAIL, Emitter, csi, cup
from frontdesk.terminal.grid import Grid
from frontdesk.terminal.sgr import PLAIN, Style, StyleTable, apply_sgr

SYNC_START = "\x1b[?2026h"
SYNC_END = "\x1b[?2026l"
TOKEN = re.compile(
    r"(?P<text>[^\x00-\x1f\x7f-\x9f]+)"
    r"|\x1b\[(?P<sp>[0-9;]*)m(?P<st>[^\x00-\x1f\x7f-\x9f]+)(?P<se>\x1b\[0?m)"  # Textual's segment
    r"|\x1b\[(?P<sgr>[0-9;]*)m"
    r"|\x1b\[(?P<row>[0-9]*);?(?P<col>[0-9]*)H"
    r"|\x1b\[(?P<params>[0-?]*)(?P<inter>[ -/]*)(?P<final>[@-~])"
    r"|\x1b\](?P<osc>[^\x07\x1b]*)(?:\x07|\x1b\\)"
    r"|(?P<string>\x1b[P^_X][^\x07\x1b]*(?:\x07|\x1b\\))"
    r"|(?P<esc>\x1b[ -/]*[0-Z\\`-~])"
    r"|(?P<ctl>[\x00-\x1f\x7f-\x9f])"
)
PARTIAL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|[\]P^_X][^\x07\x1b]*\x1b?|[ -/]*)")
MAX_PARTIAL = 4096
# Private modes that change no cell and no cursor position (mouse, focus, paste, cursor
# shape and visibility, in-band resize): passed through without forgetting the screen.
HARMLESS_MODES = frozenset(
    ("1", "12", "25", "1000", "1002", "1003", "1004", "1005", "1006", "1007", "1015", "1016")
    + ("2004", "2048")
)
ODD_MODES = {"?6": "origin", "4": "insert", "20": "newline"}  # change how text/moves land
MAX_STYLES = 4096


class ScreenModel:
    """What the app wants on the terminal and what the terminal shows; see the module doc."""

    def __init__(
        self, width: int = 80, height: int = 24, *, erase: bool = False, scroll: bool = False
    ) -> None:
        """A model of a ``width`` x ``height`` terminal.

        ``erase``: it erases in colour (bce). ``scroll``: it has scroll margins and
        line insert/delete (DECSTBM, IL, DL), so a band of rows that moved whole is
        moved on the terminal instead of drawn again.
        """
        self.table = StyleTable()
        self.emitter = Emitter(self.table, width)
        self.emitter.erase_ok = erase
        self.grid = Grid(width, height)
        self.width, self.height = width, height
        self.style = PLAIN  # the app's current style (its last SGR / OSC 8)
        self.pen = 0  # its number in the table; the terminal starts in the default style
        self.pen_known = True  # False after an SGR the model could not follow
        self.raw = True  # passing everything through until the next absolute move
        self.autowrap = True
        self.odd: set[str] = set()  # origin/insert/newline modes in force
        self.margins: tuple[int, int] | None = None  # the app's scroll margins, 0-based
        self.cursor_hidden = False  # then where it rests does not matter: it is not moved there
        self.scroll_ok = scroll
        self._sync_at: int | None = None  # output index where a synchronized block began
        self._partial = ""  # an escape sequence cut off at the end of a write
        self._synced: tuple[int, int, int, int] | None = None
        self._sgr_cache: dict[tuple[int, str], tuple[Style | None, int]] = {}
        self.emitter.pen = 0

    @property
    def in_sync_block(self) -> bool:
        """Inside a synchronized-output block: output is held until it ends."""
        return self._sync_at is not None

    def cell(self, x: int, y: int) -> tuple[str, Style | None]:
        """The cell the app wants at (x, y): text ("" right half, NUL unknown) and style."""
        char, style = self.grid.cell(x, y)
        return char, self.table.styles[style] if style >= 0 else None

    # --- state ----------------------------------------------------------------------

    def resize(self, width: int, height: int) -> None:
        """A terminal of a new size: nothing on it is known any more."""
        self.grid = Grid(width, height)
        self.width, self.height = width, height
        self.emitter.width = width
        self.margins, self.emitter.lines_ok = None, True  # a resize resets the margins
        self.forget()

    def forget(self) -> None:
        """Forget every cell and the cursor: output passes through until the next cursor move."""
        self.grid.clear()
        self.raw = True
        self.emitter.x = self.emitter.y = None
        if len(self.table) > MAX_STYLES:
            self.table.clear()
            self._sgr_cache.clear()
            self.emitter.pen = -1
            self.pen = self.table.id(self.style)

    def repaint(self) -> str:
        """Everything the model knows, sent again whole (after something else wrote)."""
        self.grid.resend_all()
        self.emitter.forget()
        self._synced = None
        self._commit()
        return self._take()

    # --- output ---------------------------------------------------------------------

    def _put(self, text: str) -> None:
        self.emitter.put(text)

    def _take(self) -> str:
        if self._sync_at is not None:
            return ""
        out = self.emitter.out
        text = "".join(out)
        out.clear()
        return text

    def _flush(self) -> None:
        """Send every cell that differs from what the terminal shows."""
        grid = self.grid
        if self.scroll_ok and self.margins is None and not self.odd:
            found = grid.find_shift()
            if found is not None:
                self._scroll(*found)
        (wc, ws), (sc, ss) = grid.want, grid.shown
        for y in range(grid.height):
            if grid.lo[y] < grid.hi[y]:
                self.emitter.row(y, (wc[y], ws[y]), (sc[y], ss[y]), grid.lo[y], grid.hi[y])
                grid.lo[y], grid.hi[y] = grid.width, 0

    def _scroll(self, top: int, bottom: int, k: int) -> None:
        """Move rows ``top``..``bottom`` of the terminal up ``k`` rows (down when negative).

        Margins round the band, then DL (IL) at its top row: the rows below
        (above) the band stay. The lines left empty come blank in the default
        style on every terminal, erasing in colour or not.
        """
        em = self.emitter
        em.set_pen(0)
        em.put(f"\x1b[{top + 1};{bottom + 1}r{cup(0, top)}{csi(abs(k), 'M' if k > 0 else 'L')}")
        em.put(f"\x1b[1;{self.height}r")  # margins off; the cursor goes to the top left
        em.x = em.y = 0
        self.grid.shift(self.grid.shown, top, bottom, k, 0)

    def _sync_cursor(self, exact: bool = False) -> None:
        """Put the terminal's cursor where the app's output left it (if it shows, or ``exact``)."""
        em, grid = self.emitter, self.grid
        cx, cy, lf = grid.cx, grid.cy, grid.lf
        if self.raw or self._synced == (cx, cy, lf, em.serial):
            return
        if self.cursor_hidden and not exact and not lf:
            return
        chars, styles = grid.want[0][cy], grid.want[1][cy]
        if cx < grid.width:
            em.fill_gap(cy, cx, chars, styles)
            em.move(cx, cy)
        else:  # just after the last column: write that cell again to get the same state
            x = grid.width - 1
            if chars[x] == WIDE_TAIL:
                x -= 1
            if chars[x] == UNKNOWN:
                em.move(grid.width - 1, cy)
            else:
                em.write_cell(x, cy, chars[x], styles[x], grid.width - x)
        if lf:
            em.put("\n" * lf)
            em.x, em.y = None, cy + lf
        self._synced = (cx, cy, lf, em.serial)

    def _commit(self, *, exact: bool = False) -> None:
        """Send the changed cells; the cursor goes where the app left it if shown or ``exact``."""
        self._flush()
        self._sync_cursor(exact)

    def _send(self, text: str) -> None:
        """Send ``text`` as it is, the terminal first brought to the state the app left it in."""
        if not self.raw:
            self._commit(exact=True)
            if self.pen_known:
                self.emitter.set_pen(self.pen)
        self._put(text)

    def _pass(self, text: str) -> None:
        """Send ``text`` as it is (see :meth:`_send`), then forget the screen."""
        self._send(text)
        self.forget()

    # --- input ----------------------------------------------------------------------

    def feed(self, data: str) -> str:
        """Read what the app wrote; return what to send the terminal instead."""
        if self._partial:
            data, self._partial = self._partial + data, ""
        pos, end = 0, len(data)
        match = TOKEN.match
        while pos < end:
            found = match(data, pos)
            assert found is not None  # every character matches some alternative
            kind = found.lastgroup
            if kind == "text":
                self._text(found.group())
            elif kind == "se":
                params = found["sp"]
                self._sgr(f"\x1b[{params}m", params)
                self._text(found["st"])
                self._sgr(found["se"], "")
            elif kind == "sgr":
                self._sgr(found.group(), found["sgr"])
            elif kind == "col":
                self._moved(int(found["col"] or 1) - 1, int(found["row"] or 1) - 1)
                if self.raw:
                    self._put(found.group())
            elif kind == "final":
                self._csi(found.group(), found["params"], found["inter"], found["final"])
            elif kind == "osc":
                self._osc(found.group(), found["osc"])
            elif kind in ("ctl", "esc") and found.group()[-1] in "\x1b[]P^_X":
                rest = data[pos:]
                if len(rest) < MAX_PARTIAL and PARTIAL.fullmatch(rest):
                    self._partial = rest
                    break
                self._other(found.group())
            elif kind == "ctl":
                self._control(found.group())
            else:
                self._other(found.group())
            pos = found.end()
        if self._sync_at is None:
            self._commit()
        return self._take()

    def _other(self, seq: str) -> None:
        """Anything the model does not follow."""
        if seq in ("\x1b=", "\x1b>"):  # keypad modes
            self._send(seq)
            return
        self._pass(seq)
        if seq == "\x1bc":  # a full reset: modes back to their defaults
            self.autowrap, self.emitter.lines_ok = True, True
            self.odd.clear()
            self.margins = None
            self.style, self.pen, self.pen_known = PLAIN, self.table.id(PLAIN), True
            self.emitter.pen = self.pen

    def _osc(self, seq: str, body: str) -> None:
        if not body.startswith("8;"):  # title, colours, clipboard: no cell changes
            self._send(seq)
            return
        parts = body.split(";", 2)
        if len(parts) < 3:
            self._pass(seq)
            return
        self.style = self.style._replace(link=f"{parts[1]};{parts[2]}" if parts[2] else "")
        self.pen = self.table.id(self.style)
        if self.raw:
            self._put(seq)
            self.emitter.pen = self.pen if self.pen_known else -1

    def _sgr(self, seq: str, params: str) -> None:
        key = (self.pen, params)
        found = self._sgr_cache.get(key)
        if found is None:
            style = apply_sgr(self.style, params)
            found = self._sgr_cache[key] = (style, -1 if style is None else self.table.id(style))
        style, pen = found
        if style is None or (not self.pen_known and params.split(";")[0] not in ("", "0")):
            self._pass(seq)
            self.pen_known = False
            self.emitter.pen = -1
            return
        self.style, self.pen, self.pen_known = style, pen, True
        if self.raw:
            self._put(seq)
            self.emitter.pen = pen

    def _moved(self, x: int, y: int) -> None:
        """An absolute move to (x, y): the model can follow the output again."""
        grid = self.grid
        grid.cx = min(max(x, 0), grid.width - 1)
        grid.cy = min(max(y, 0), grid.height - 1)
        grid.lf = 0
        if self.raw and self.pen_known and not self.odd:
            self.raw = False

    def _csi(self, seq: str, params: str, inter: str, final: str) -> None:
        private = params[:1] in ("?", ">", "<", "=")
        if final == "m" and not private and not inter:
            self._sgr(seq, params)
            return
        if private and final in "hl" and not inter:
            self._mode(seq, params, final == "h")
            return
        if private or inter or final == "n":
            # queries (a status report answers with the cursor position), keyboard-protocol
            # switches (kitty, xterm's modified keys), cursor shape; not a soft reset (!p)
            if final in "uqcmn" or (final == "p" and inter != "!"):
                self._send(seq)
            else:
                self._pass(seq)
            return
        try:
            nums = [int(p) if p else 0 for p in params.split(";")]
        except ValueError:
            self._pass(seq)
            return
        n = max(nums[0], 1)
        if final in "Hf":
            self._moved((nums[1] if len(nums) > 1 else 1) - 1, n - 1)
            if self.raw:
                self._put(seq)
        elif final in "hl":
            self._plain_mode(seq, params, final == "h")
        elif final == "r" and not params:
            # Margins off; xterm puts the cursor at the top left, pyte leaves it where it is.
            self.margins, self.emitter.lines_ok = None, True
            self._pass(seq)
        elif final == "r":
            self._margins(seq, n - 1, (nums[1] if len(nums) > 1 and nums[1] else self.height) - 1)
        elif self.raw:
            self._put(seq)
        elif final in "JKX":
            self._erase(seq, 0 if final == "X" else nums[0], n, final)
        elif final in "LM":
            self._lines(seq, n if final == "M" else -n)
        elif not self._relative(final, n):
            self._pass(seq)

    def _margins(self, seq: str, top: int, bottom: int) -> None:
        """DECSTBM: scroll margins (0-based rows); the cursor goes to the top left."""
        bottom = min(bottom, self.height - 1)
        if top >= bottom:  # terminals ignore it, or not
            self._pass(seq)
            return
        self._send(seq)
        self.margins = None if top == 0 and bottom == self.height - 1 else (top, bottom)
        self.emitter.lines_ok = self.margins is None  # a line feed could scroll the band
        self.emitter.x = self.emitter.y = 0
        self._moved(0, 0)

    def _lines(self, seq: str, k: int) -> None:
        """DL (``k`` > 0) or IL: the rows from the cursor to the bottom margin move.

        Followed only in the default style (blank lines come in the current
        background on some terminals, the default on others) and with the
        cursor's row certain; the cursor goes to the left edge.
        """
        grid = self.grid
        top, bottom = self.margins or (0, self.height - 1)
        y = grid.cy
        if self.raw or grid.lf or not top <= y <= bottom or self.pen != 0 or not self.pen_known:
            self._pass(seq)
            return
        self._send(seq)
        grid.shift(grid.want, y, bottom, k, 0)
        grid.shift(grid.shown, y, bottom, k, 0)
        grid.cx = 0
        self.emitter.x, self.emitter.y = None, y

    def _relative(self, final: str, n: int) -> bool:
        """Follow a relative or single-axis move; False when the result is not certain."""
        grid = self.grid
        x, y = grid.cx, grid.cy
        if final in "G`":
            self._moved(n - 1, y + grid.lf)
        elif final in "EF":
            self._moved(0, y + grid.lf + (n if final == "E" else -n))
        elif grid.lf or final not in "ABCDd" or (x >= grid.width and final != "C"):
            return False
        elif final == "C":
            self._moved(min(x, grid.width - 1) + n, y)
        elif final == "D":
            self._moved(x - n, y)
        else:
            self._moved(x, {"A": y - n, "B": y + n, "d": n - 1}[final])
        return True

    def _mode(self, seq: str, params: str, on: bool) -> None:
        modes = params[1:].split(";")
        if modes == ["2026"] and params[0] == "?":
            if on and self._sync_at is None:
                self._sync_at = len(self.emitter.out)
            elif not on and self._sync_at is not None:
                self._commit()
                at, self._sync_at = self._sync_at, None
                if len(self.emitter.out) > at:
                    self.emitter.out.insert(at, SYNC_START)
                    self._put(SYNC_END)
            return
        if params[0] == "?" and all(m in HARMLESS_MODES or m == "7" for m in modes):
            if "7" in modes:
                self.autowrap = on
            if "25" in modes:
                self.cursor_hidden = not on  # shown: put it where the app left it first
            self._send(seq)
            return
        if params[0] == "?":
            self._odd_modes(["?" + m for m in modes], on)
        self._pass(seq)

    def _plain_mode(self, seq: str, params: str, on: bool) -> None:
        self._odd_modes(params.split(";"), on)
        self._pass(seq)

    def _odd_modes(self, modes: list[str], on: bool) -> None:
        for mode in modes:
            if mode in ODD_MODES:
                if on:
                    self.odd.add(ODD_MODES[mode])
                else:
                    self.odd.discard(ODD_MODES[mode])

    def _erase(self, seq: str, how: int, n: int, final: str) -> None:
        """ED, EL and ECH: blanks in the current style, if blanks in it look erased (else pass).

        Terminals erase in the background colour (xterm) or the whole style
        (pyte); with no underline, reverse, strike or link the two look the same.
        """
        if not self.table.erasable(self.pen) or not self.grid.erase(final, how, n, self.pen):
            self._pass(seq)

    def _control(self, char: str) -> None:
        grid = self.grid
        if self.raw or char == "\x07":
            self._send(char)
        elif char == "\r":
            self._moved(0, grid.cy + grid.lf)
        elif char in "\n\x0b\x0c":
            if grid.cy + grid.lf >= grid.height - 1 or self.odd or self.margins:
                self._pass(char)  # it could scroll
            elif grid.cx == 0 and not grid.lf:  # column 0 either way
                grid.cy += 1
            else:
                grid.lf += 1
        elif char == "\b" and not grid.lf and grid.cx < grid.width:
            grid.cx = max(grid.cx - 1, 0)
        elif char != "\x00":
            self._pass(char)

    # --- text -----------------------------------------------------------------------

    def _text(self, text: str) -> None:
        if self.raw:
            self._put(text)
            return
        done = self.grid.write(text, self.pen, self.autowrap)
        if done < len(text):
            self._pass(text[done:])
