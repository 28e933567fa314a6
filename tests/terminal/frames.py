"""Random terminal frames of the kind Textual writes, and worse, from a seeded generator.

Frames mix absolute and relative cursor moves, SGR changes (attributes, 16, 256
and true colours, defaults, resets), OSC 8 links, ASCII, box drawing, CJK, emoji
and combining marks, text running into and past the last column (with and
without autowrap), erases, blank regions, line feeds, mode switches and
sequences the model does not know. Half of the frames repeat the previous one
with a change, as an app's frames mostly do.

The generator follows the column kinds pyte ends up with (narrow, wide, wide
tail) and never leaves half of a double-width character on screen: terminals
disagree on what that shows (xterm blanks the other half, pyte leaves it), and
the lean output always rewrites whole characters. Erases may cut one; then
both outputs pass the same bytes.
"""

from __future__ import annotations

import random

NARROW = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:-()/$│─▂▄…é"
WIDE = "中文字日本語한국어表😀🎉👍🚑💊"
COMBINING = "\u0301\u0308\u0327"
ATTRS = ["1", "2", "3", "4", "5", "7", "9", "21", "53", "22", "23", "24", "25", "27", "29"]
# Sequences the model passes through: harmless ones, and ones after which it forgets the screen.
ODD = [
    "\x1b[?25l",
    "\x1b[?25h",
    "\x1b[?2004h",
    "\x1b[>1u",
    "\x1b]0;frontdesk\x07",
    "\x07",
    "\x1b[?1049h",
    "\x1b7",
    "\x1b[s",
    "\x1b[?1047h",
    "\x1b(B",
]
WIDTH, HEIGHT = 80, 24
NORMAL, WIDE_START, WIDE_TAIL = 0, 1, 2
Segment = tuple[int, int, str, str, str, str]  # row, column, SGR, link, text, link end
Kinds = list[list[int]]


def broken(row: list[int]) -> bool:
    """Whether a row holds half of a wide character (or one in the last column)."""
    for x, kind in enumerate(row):
        if kind == WIDE_START and (x + 1 == WIDTH or row[x + 1] != WIDE_TAIL):
            return True
        if kind == WIDE_TAIL and (x == 0 or row[x - 1] != WIDE_START):
            return True
    return False


def mend(row: list[int]) -> None:
    """Mark halves left by an erase as narrow (pyte keeps them as plain cells)."""
    for x, kind in enumerate(row):
        if (
            kind == WIDE_START
            and (x + 1 == WIDTH or row[x + 1] != WIDE_TAIL)
            or kind == WIDE_TAIL
            and (x == 0 or row[x - 1] != WIDE_START)
        ):
            row[x] = NORMAL


class FrameMaker:
    """Makes frames; :meth:`writes` gives one frame as the list of writes the app makes."""

    def __init__(self, seed: int, *, wild: bool = True) -> None:
        self.rng = random.Random(seed)
        self.wild = wild  # False: only what Textual does (CUP, SGR, links, text within the line)
        self.kinds: Kinds = [[NORMAL] * WIDTH for _ in range(HEIGHT)]
        self.x = self.y = 0  # pyte's cursor; x == WIDTH just after the last column
        self.autowrap = True
        self.last: list[Segment] = []

    # --- pieces ---------------------------------------------------------------------

    def colour(self, base: int) -> str:
        """A colour in one of the three encodings, or the default."""
        rng = self.rng
        pick = rng.random()
        if pick < 0.3:
            return str(base + rng.choice([0, 60]) + rng.randrange(8))
        if pick < 0.6:
            return f"{base + 8};5;{rng.randrange(256)}"
        if pick < 0.9:
            return f"{base + 8};2;{rng.randrange(256)};{rng.randrange(256)};{rng.randrange(256)}"
        return str(base + 9)

    def sgr(self) -> str:
        """An SGR sequence: maybe a reset, a few attribute changes, colours."""
        rng = self.rng
        codes = ["0"] if rng.random() < 0.5 else []
        codes += rng.sample(ATTRS, rng.randrange(3))
        if rng.random() < 0.7:
            codes.append(self.colour(30))
        if rng.random() < 0.7:
            codes.append(self.colour(40))
        return "\x1b[" + ";".join(codes) + "m"

    def text(self, room: int, wide: bool = True) -> str:
        """About ``room`` columns of text: narrow, wide (if ``wide``) and combining marks."""
        rng = self.rng
        out: list[str] = []
        used = 0
        target = rng.randint(1, max(1, room))
        while used < target:
            pick = rng.random()
            if pick < 0.8 or not wide:
                out.append(rng.choice(NARROW))
                used += 1
            elif pick < 0.93:
                out.append(rng.choice(WIDE))
                used += 2
            elif out and out[-1] not in COMBINING:
                out.append(rng.choice(COMBINING))
        return "".join(out)

    # --- pyte's view of the columns ---------------------------------------------------

    def advance(self, kinds: Kinds, x: int, y: int, text: str) -> tuple[int, int] | None:
        """Write ``text`` at (x, y) into ``kinds`` as pyte does; None if it would scroll.

        Also None for a combining mark just after the last column with autowrap on,
        where pyte wraps before attaching the mark and xterm (and the model) does not.
        """
        for char in text:
            if char in COMBINING:
                if x >= WIDTH and self.autowrap:  # pyte wraps on the mark, xterm does not
                    return None
                continue
            width = 2 if char in WIDE else 1
            if x >= WIDTH:
                if not self.autowrap:
                    x = WIDTH - width
                elif y == HEIGHT - 1:
                    return None
                else:
                    x, y = 0, y + 1
            row = kinds[y]
            row[x] = WIDE_START if width == 2 else NORMAL
            if width == 2 and x + 1 < WIDTH:
                row[x + 1] = WIDE_TAIL
            x = min(x + width, WIDTH)
        return x, y

    def place(self, x: int, y: int, text: str) -> bool:
        """Write ``text`` at (x, y) if that leaves no half wide character; False if not."""
        kinds = [row[:] for row in self.kinds]
        end = self.advance(kinds, x, y, text)
        if end is None or any(broken(kinds[r]) for r in range(y, end[1] + 1)):
            return False
        self.kinds = kinds
        self.x, self.y = end
        return True

    def emit(self, seg: Segment) -> str:
        """A segment's bytes, or "" when it cannot be written whole."""
        y, x, sgr, link, text, end = seg
        if not self.wild and x + sum(2 if c in WIDE else c not in COMBINING for c in text) > WIDTH:
            return ""
        if not self.place(x, y, text):
            return ""
        return f"\x1b[{y + 1};{x + 1}H{sgr}{link}{text}{end}"

    def segment(self) -> Segment:
        """A new segment: a position, a style, maybe a link, text."""
        rng = self.rng
        y, x = rng.randrange(HEIGHT), rng.randrange(WIDTH)
        link = end = ""
        if rng.random() < 0.1:
            link = f"\x1b]8;id={rng.randrange(5)};https://example.org/{rng.randrange(9)}\x1b\\"
            end = "\x1b]8;;\x1b\\" if rng.random() < 0.8 else ""
        room = WIDTH - x + (rng.randrange(6) if self.wild and rng.random() < 0.2 else 0)
        return y, x, self.sgr(), link, self.text(room), end

    def relative(self) -> str:
        """A relative move (pyte's rules), sometimes followed by text."""
        rng = self.rng
        n = rng.randint(1, 5)
        move = rng.choice("CDABGdEF\r\b\n")
        x, y = self.x, self.y
        if move == "\n":
            if y == HEIGHT - 1:
                self.kinds = self.kinds[1:] + [[NORMAL] * WIDTH]
            y = min(y + 1, HEIGHT - 1)
        elif move in "\r\b":
            x = 0 if move == "\r" else min(max(x - 1, 0), WIDTH - 1)
        elif move in "CD":
            x = min(max(x + (n if move == "C" else -n), 0), WIDTH - 1)
        elif move in "ABEF":
            y = min(max(y + (n if move in "BE" else -n), 0), HEIGHT - 1)
            x = 0 if move in "EF" else x
        else:
            x, y = (n - 1, y) if move == "G" else (x, n - 1)
        self.x, self.y = x, y
        seq = move if move in "\r\b\n" else f"\x1b[{n}{move}"
        text = self.text(4, wide=False) if rng.random() < 0.4 else ""
        return seq + (text if text and self.place(x, y, text) else "")

    def blank(self) -> str:
        """A region cleared with spaces in one style, the way Textual clears."""
        rng = self.rng
        top, left = rng.randrange(HEIGHT), rng.randrange(WIDTH)
        rows, cols = rng.randint(1, HEIGHT - top), rng.randint(1, WIDTH - left)
        style = self.sgr()
        return "".join(
            self.emit((r, left, style, "", " " * cols, "")) for r in range(top, top + rows)
        )

    def erase(self) -> str:
        """ED, EL or ECH at a random place (plain style, or styled: then passed through)."""
        rng = self.rng
        y, x = rng.randrange(HEIGHT), rng.randrange(WIDTH)
        style = "\x1b[0m" + (self.sgr() if rng.random() < 0.5 else "")
        what = rng.choice(["K", "1K", "2K", "J", "1J", "2J", "5X"])
        spans = {
            "K": [(y, x, WIDTH)],
            "1K": [(y, 0, x + 1)],
            "2K": [(y, 0, WIDTH)],
            "J": [(y, x, WIDTH)] + [(r, 0, WIDTH) for r in range(y + 1, HEIGHT)],
            "1J": [(r, 0, WIDTH) for r in range(y)] + [(y, 0, x + 1)],
            "2J": [(r, 0, WIDTH) for r in range(HEIGHT)],
            "5X": [(y, x, min(x + 5, WIDTH))],
        }[what]
        for r, a, b in spans:
            self.kinds[r][a:b] = [NORMAL] * (b - a)
            mend(self.kinds[r])
        self.x, self.y = x, y
        return f"\x1b[{y + 1};{x + 1}H{style}\x1b[{what}"

    # --- frames ---------------------------------------------------------------------

    def body(self) -> list[str]:
        """The parts of a new frame; remembers its segments for the next frame."""
        rng = self.rng
        parts = []
        self.last = []
        for _ in range(rng.randint(1, 10)):
            pick = rng.random() if self.wild else 0.0
            if pick < 0.7:
                seg = self.segment()
                parts.append(self.emit(seg))
                self.last.append(seg)
            elif pick < 0.8:
                parts.append(self.relative())
            elif pick < 0.86:
                parts.append(self.blank())
            elif pick < 0.93:
                parts.append(self.erase())
            elif pick < 0.97:
                self.autowrap = rng.random() < 0.5
                parts.append("\x1b[?7h" if self.autowrap else "\x1b[?7l")
            else:
                parts.append(rng.choice(ODD))
        return parts

    def again(self) -> list[str]:
        """The previous frame's segments with one of them changed."""
        segs = list(self.last)
        at = self.rng.randrange(len(segs))
        y, x, sgr, link, text, end = segs[at]
        if self.rng.random() < 0.5:
            segs[at] = self.segment()
        else:
            i = self.rng.randrange(len(text))
            segs[at] = (y, x, sgr, link, text[:i] + self.text(1, wide=False) + text[i + 1 :], end)
        self.last = segs
        return [self.emit(seg) for seg in segs]

    def writes(self) -> list[str]:
        """One frame: one write, or three when inside synchronized-output markers."""
        rng = self.rng
        parts = self.again() if self.last and rng.random() < 0.5 else self.body()
        if rng.random() < 0.85:
            self.x, self.y = rng.randrange(WIDTH), rng.randrange(HEIGHT)
            parts.append(f"\x1b[{self.y + 1};{self.x + 1}H")
        frame = "".join(parts)
        if rng.random() < 0.3:
            return ["\x1b[?2026h", frame, "\x1b[?2026l"]
        return [frame]
