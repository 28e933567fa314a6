"""Cell styles: what SGR (``ESC [ ... m``) and OSC 8 links set, and the shortest change.

A style is a :class:`Style` tuple (attribute bits, foreground code, background code,
link). Colours keep the encoding the app used (``"31"``, ``"38;5;9"``,
``"38;2;255;0;0"``; ``""`` is the terminal's default colour), so the lean output asks
the terminal for exactly the colours the app asked for. :class:`StyleTable` numbers
styles so that a grid cell holds a small int, and caches the shortest byte string
that turns one style into another.
"""

from __future__ import annotations

from typing import NamedTuple

# Attribute bits and the SGR code that sets each.
BOLD, DIM, ITALIC, UNDERLINE, BLINK, RAPID_BLINK, REVERSE, CONCEAL, STRIKE = (
    1 << n for n in range(9)
)
DOUBLE_UNDERLINE, FRAME, ENCIRCLE, OVERLINE = (1 << n for n in range(9, 13))
ON_CODES: dict[int, str] = {
    BOLD: "1",
    DIM: "2",
    ITALIC: "3",
    UNDERLINE: "4",
    BLINK: "5",
    RAPID_BLINK: "6",
    REVERSE: "7",
    CONCEAL: "8",
    STRIKE: "9",
    DOUBLE_UNDERLINE: "21",
    FRAME: "51",
    ENCIRCLE: "52",
    OVERLINE: "53",
}
_SET_BY_CODE = {int(code): bit for bit, code in ON_CODES.items()}
# Each "off" code clears a group of attributes (22 ends both bold and dim).
OFF_GROUPS: tuple[tuple[int, str], ...] = (
    (BOLD | DIM, "22"),
    (ITALIC, "23"),
    (UNDERLINE | DOUBLE_UNDERLINE, "24"),
    (BLINK | RAPID_BLINK, "25"),
    (REVERSE, "27"),
    (CONCEAL, "28"),
    (STRIKE, "29"),
    (FRAME | ENCIRCLE, "54"),
    (OVERLINE, "55"),
)
_CLEAR_BY_CODE = {int(code): mask for mask, code in OFF_GROUPS}
# Attributes that show on a blank cell: an erase may only stand in for spaces without them.
VISIBLE_ON_BLANK = UNDERLINE | DOUBLE_UNDERLINE | REVERSE | STRIKE | OVERLINE | FRAME | ENCIRCLE

OSC8_END = "\x1b]8;;\x1b\\"


class Style(NamedTuple):
    """How a cell is drawn: attributes, colours (SGR codes, ``""`` = default) and link."""

    attrs: int = 0
    fg: str = ""
    bg: str = ""
    link: str = ""  # the OSC 8 "params;uri" text, "" for no link


PLAIN = Style()


def _colour(codes: list[int], at: int) -> tuple[str, int] | None:
    """The extended colour (38/48) starting at ``codes[at]``: its code and the next index."""
    base = codes[at]
    if at + 2 < len(codes) and codes[at + 1] == 5:
        n = codes[at + 2]
        return (f"{base};5;{n}", at + 3) if n < 256 else None
    if at + 4 < len(codes) and codes[at + 1] == 2:
        r, g, b = codes[at + 2 : at + 5]
        if max(r, g, b) < 256:
            return f"{base};2;{r};{g};{b}", at + 5
    return None


def apply_sgr(style: Style, params: str) -> Style | None:
    """The style after ``ESC [ params m``; ``None`` for codes this model does not know."""
    if not params:
        return style._replace(attrs=0, fg="", bg="")
    if ":" in params:
        return None
    try:
        codes = [int(p) if p else 0 for p in params.split(";")]
    except ValueError:
        return None
    attrs, fg, bg = style.attrs, style.fg, style.bg
    at = 0
    while at < len(codes):
        code = codes[at]
        at += 1
        if code == 0:
            attrs, fg, bg = 0, "", ""
        elif code in _SET_BY_CODE:
            attrs |= _SET_BY_CODE[code]
        elif code in _CLEAR_BY_CODE:
            attrs &= ~_CLEAR_BY_CODE[code]
        elif 30 <= code <= 37 or 90 <= code <= 97:
            fg = str(code)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            bg = str(code)
        elif code == 39:
            fg = ""
        elif code == 49:
            bg = ""
        elif code in (38, 48):
            found = _colour(codes, at - 1)
            if found is None:
                return None
            colour, at = found
            if code == 38:
                fg = colour
            else:
                bg = colour
        else:
            return None
    return Style(attrs, fg, bg, style.link)


def _on(bits: int) -> list[str]:
    return [code for bit, code in ON_CODES.items() if bits & bit]


def sgr_change(old: Style | None, new: Style) -> str:
    """The shortest SGR sequence (plus OSC 8 when the link changes) from ``old`` to ``new``.

    ``old`` is ``None`` when the terminal's current style is unknown: then only a
    full reset is safe. Only the attributes and colours that differ are sent,
    unless a reset followed by what ``new`` needs is shorter.
    """
    link = ""
    if old is None or old.link != new.link:
        link = f"\x1b]8;{new.link}\x1b\\" if new.link else OSC8_END
    reset = ["0", *_on(new.attrs)] + [c for c in (new.fg, new.bg) if c]
    best = "\x1b[m" if reset == ["0"] else "\x1b[" + ";".join(reset) + "m"
    if old is not None:
        codes: list[str] = []
        cleared = old.attrs & ~new.attrs
        again = 0
        for mask, code in OFF_GROUPS:
            if cleared & mask:
                codes.append(code)
                again |= new.attrs & mask
        codes += _on((new.attrs & ~old.attrs) | again)
        if old.fg != new.fg:
            codes.append(new.fg or "39")
        if old.bg != new.bg:
            codes.append(new.bg or "49")
        step = "\x1b[" + ";".join(codes) + "m" if codes else ""
        if len(step) <= len(best):
            best = step
    return best + link


class StyleTable:
    """Numbers styles (0 is the default style) and caches the changes between them."""

    def __init__(self) -> None:
        self.styles: list[Style] = []
        self._ids: dict[Style, int] = {}
        self._changes: dict[tuple[int, int], str] = {}
        self._erasable: dict[int, bool] = {}
        self.clear()

    def clear(self) -> None:
        """Forget every style but the default (numbers given out before become invalid)."""
        self.styles[:] = [PLAIN]
        self._ids.clear()
        self._ids[PLAIN] = 0
        self._changes.clear()
        self._erasable.clear()

    def __len__(self) -> int:
        return len(self.styles)

    def id(self, style: Style) -> int:
        """The number of ``style``, allotting one the first time it is seen."""
        found = self._ids.get(style)
        if found is None:
            found = self._ids[style] = len(self.styles)
            self.styles.append(style)
        return found

    def erasable(self, style: int) -> bool:
        """Whether a blank in ``style`` looks the same as one erased in it (no link either)."""
        found = self._erasable.get(style)
        if found is None:
            entry = self.styles[style]
            found = self._erasable[style] = not entry.attrs & VISIBLE_ON_BLANK and not entry.link
        return found

    def change(self, old: int, new: int) -> str:
        """Bytes that change the terminal's style from number ``old`` (-1: unknown) to ``new``."""
        key = (old, new)
        found = self._changes.get(key)
        if found is None:
            if old == new:
                found = ""
            else:
                found = sgr_change(self.styles[old] if old >= 0 else None, self.styles[new])
            self._changes[key] = found
        return found
