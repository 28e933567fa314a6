"""Where things are in a clinic set-up file: the line of each key, and readable TOML errors.

``tomllib`` returns plain dicts and lists without positions, so a small scanner
reads the text once more and notes the line of every table header and key,
under the same path the parsed data has: ``("provider", 1, "hours", "mon")``
is the ``mon`` key of the second ``[[provider]]`` block's ``hours``. It knows
the TOML that people write by hand (headers, ``[[arrays]]``, dotted and quoted
keys, multi-line strings and arrays); for anything it cannot place, the
nearest enclosing table's line is used.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence

from frontdesk.text import is_unsafe_char

Path = tuple[str | int, ...]

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"' + r"|'[^']*'"
_PART = rf"(?:{_BARE}|{_QUOTED})"
_DOTTED = rf"{_PART}(?:\s*\.\s*{_PART})*"
_HEADER = re.compile(rf"^\s*(\[\[|\[)\s*({_DOTTED})\s*(\]\]|\])\s*(?:#.*)?$")
_KEY = re.compile(rf"^\s*({_DOTTED})\s*=")
_PART_RE = re.compile(_PART)
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_NO_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?![:\d])")


def shown(value: object, limit: int = 40) -> str:
    """``value`` as text safe to print: hidden characters spelled out, long text cut."""
    text = "".join(f"\\u{ord(ch):04x}" if is_unsafe_char(ch) else ch for ch in str(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _parts(dotted: str) -> list[str]:
    out: list[str] = []
    for match in _PART_RE.finditer(dotted):
        part = match.group(0)
        if part[0] == "'":
            part = part[1:-1]
        elif part[0] == '"':
            try:
                part = str(tomllib.loads(f"k = {part}")["k"])
            except tomllib.TOMLDecodeError:
                part = part[1:-1]
        out.append(part)
    return out


def _strip_strings(line: str) -> str:
    """``line`` with its one-line strings and comment removed (to count brackets)."""
    line = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', '""', line)
    return line.split("#", 1)[0]


class Locations:
    """The line of every header and key of a TOML text, by the parsed data's path."""

    def __init__(self, text: str) -> None:
        self._lines: dict[Path, int] = {}
        self._counts: dict[tuple[str, ...], int] = {}
        self._scan(text.splitlines())

    def _resolve(self, names: Sequence[str]) -> Path:
        """A header's names as a data path: array-of-tables names get their current index."""
        path: list[str | int] = []
        for i, name in enumerate(names):
            path.append(name)
            count = self._counts.get(tuple(names[: i + 1]))
            if count is not None and i < len(names) - 1:
                path.append(count - 1)
        return tuple(path)

    def _scan(self, lines: list[str]) -> None:
        table: Path = ()
        closing: str | None = None  # the quotes that end an open multi-line string
        depth = 0  # open brackets of a value that spans lines
        for number, line in enumerate(lines, start=1):
            if closing is not None:
                if line.count(closing) % 2 == 1:
                    closing = None
                continue
            if depth > 0:
                bare = _strip_strings(line)
                depth = max(0, depth + bare.count("[") - bare.count("]"))
                continue
            if header := _HEADER.match(line):
                names = _parts(header.group(2))
                if header.group(1) == "[[":
                    name = tuple(names)
                    self._counts[name] = self._counts.get(name, 0) + 1
                    self._lines.setdefault(self._resolve(names), number)  # the array itself
                    table = (*self._resolve(names), self._counts[name] - 1)
                else:
                    table = self._resolve(names)
                self._lines.setdefault(table, number)
                continue
            found = _KEY.match(line)
            if found is None:
                continue
            path = (*table, *_parts(found.group(1)))
            for end in range(len(table) + 1, len(path) + 1):
                self._lines.setdefault(path[:end], number)
            rest = line[found.end() :]
            for quotes in ('"""', "'''"):
                if rest.count(quotes) % 2 == 1:
                    closing = quotes
                    break
            else:
                bare = _strip_strings(rest)
                depth = max(0, bare.count("[") - bare.count("]"))

    def line_of(self, path: Path) -> int | None:
        """The line of ``path``, else of the nearest enclosing table; ``None`` if unknown."""
        for end in range(len(path), 0, -1):
            number = self._lines.get(path[:end])
            if number is not None:
                return number
        return None


def syntax_message(source: str, text: str, error: tomllib.TOMLDecodeError) -> str:
    """A TOML syntax error as ``clinic.toml line 3: ...``, with a hint where one helps."""
    raw = str(error)
    found = _AT.search(raw)
    reason = _AT.sub("", raw)
    if found is None:
        return f"{source}: {reason}"
    number, column = int(found.group(1)), int(found.group(2))
    lines = text.splitlines()
    line = lines[number - 1] if 0 < number <= len(lines) else ""
    key = _KEY.match(line)
    where = f"{shown('.'.join(_parts(key.group(1))))}: " if key else ""
    hint = ""
    if _NO_SECONDS.search(line):
        hint = "; write a time of day with seconds, like 2026-12-03T13:00:00"
    elif reason.startswith("Invalid date"):
        value = line[key.end() :].strip() if key else ""
        hint = f"; {shown(value.split('#')[0].strip())} is not a day on the calendar"
    return f"{source} line {number}: {where}{reason} (column {column}){hint}"
