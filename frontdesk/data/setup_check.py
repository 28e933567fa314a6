"""Checking the values of a clinic set-up file, one key at a time.

A :class:`Reader` takes values out of the parsed TOML tables and checks each
one; a bad value is noted as a problem (with its line and key) and a harmless
default is returned, so one pass finds every problem in the file.
:func:`spans_of` reads a provider's ``hours`` and ``breaks``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from frontdesk.data.clinic import parse_timezone
from frontdesk.data.errors import InvalidInput
from frontdesk.data.hours import minutes_text
from frontdesk.data.setup_lines import Locations, Path, shown
from frontdesk.data.validation import clean_text

_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})(?:\s+(.*))?$")
_USERNAME_CHARS = "._-"


@dataclass(frozen=True)
class Span:
    """A span of local time on a weekday (0 = Monday); breaks carry a label."""

    weekday: int
    start: int
    end: int
    label: str = ""

    def text(self) -> str:
        """``08:00-12:00`` (with the label after it, if any)."""
        span = f"{minutes_text(self.start)}-{minutes_text(self.end)}"
        return f"{span} {self.label}" if self.label else span


def problem_at(source: str, line: int, where: str, message: str) -> str:
    """One problem as ``clinic.toml line 14: <where>: <message>``."""
    place = f"{source} line {line}" if line else source
    return f"{place}: {where}: {message}" if where else f"{place}: {message}"


def suggest(word: str, options: Sequence[str]) -> str:
    """``; did you mean "hours"?`` when ``word`` is close to one of ``options``."""
    folded = word.casefold()
    close = [o for o in options if len(o) >= 3 and folded.startswith(o)]  # "saturday": "sat"
    close = close or difflib.get_close_matches(folded, options, n=1, cutoff=0.6)
    if close:
        return f'; did you mean "{close[0]}"?'
    return f"; use one of {', '.join(options)}"


class Reader:
    """Takes checked values out of parsed tables, collecting problems as it goes."""

    def __init__(self, source: str, locations: Locations) -> None:
        self.source = source
        self.locations = locations
        self._problems: list[tuple[int, str]] = []

    # --- problems ---

    def line(self, path: Path) -> int:
        """The line of ``path`` (or of its table); 0 when unknown."""
        return self.locations.line_of(path) or 0

    def add_line(self, line: int, where: str, message: str) -> None:
        """Note a problem at ``line``."""
        self.add_problem(line, problem_at(self.source, line, where, message))

    def add_problem(self, line: int, text: str) -> None:
        """Note a problem already written out in full."""
        self._problems.append((line, text))

    def add(self, path: Path, where: str, message: str) -> None:
        """Note a problem at the key ``path``."""
        self.add_line(self.line(path), where, message)

    def sorted_problems(self) -> list[str]:
        """Every problem noted, in file order."""
        return [text for _, text in sorted(self._problems, key=lambda item: item[0])]

    # --- structure ---

    def keys(
        self,
        table: dict[str, object],
        allowed: Sequence[str],
        path: Path,
        who: str,
        noun: str = "key",
    ) -> None:
        """Every key of ``table`` that is not ``allowed`` is a problem."""
        for key in table:
            if key not in allowed:
                hint = suggest(key, allowed)
                self.add((*path, key), who, f'unknown {noun} "{shown(key)}"{hint}')

    def table(self, data: dict[str, object], name: str) -> dict[str, object] | None:
        """The table ``[name]``, if the file has one."""
        value = data.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.add((name,), name, f"write it once, as a table: [{name}]")
            return None
        return value

    def blocks(self, data: dict[str, object], name: str) -> list[tuple[int, dict[str, object]]]:
        """The ``[[name]]`` blocks, with their index in the file."""
        value = data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add((name,), name, f"write each one as a block starting [[{name}]]")
            return []
        out: list[tuple[int, dict[str, object]]] = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                out.append((index, item))
            else:
                self.add((name,), name, f"write each one as a block starting [[{name}]]")
        return out

    # --- values ---

    def text(
        self,
        table: dict[str, object],
        key: str,
        path: Path,
        who: str,
        *,
        max_len: int,
        required: bool = False,
        multiline: bool = False,
        person: bool = False,
    ) -> str:
        """A string, trimmed, free of control characters; ``""`` when absent."""
        where = f"{who} {key}"
        value = table.get(key)
        if value is None:
            if required:
                self.add((*path, key), where, "is required")
            return ""
        if not isinstance(value, str):
            self.add((*path, key), where, "must be text in quotes")
            return ""
        try:
            text = clean_text(
                value,
                field=key,
                label="this",
                max_len=max_len,
                required=required,
                multiline=multiline,
            )
        except InvalidInput as error:
            self.add((*path, key), where, error.message)
            return ""
        if person and text and not any(ch.isalpha() for ch in text):
            self.add((*path, key), where, "must contain at least one letter")
        return text

    def integer(
        self,
        table: dict[str, object],
        key: str,
        path: Path,
        who: str,
        lo: int,
        hi: int,
        default: int | None,
    ) -> int | None:
        """A whole number from ``lo`` to ``hi``; ``default`` when absent."""
        value = table.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.add((*path, key), f"{who} {key}", "must be a whole number (no quotes)")
            return default
        if not lo <= value <= hi:
            self.add((*path, key), f"{who} {key}", f"{value:,} is not between {lo} and {hi}")
            return default
        return value

    def flag(self, table: dict[str, object], key: str, path: Path, who: str, default: bool) -> bool:
        """``true`` or ``false``; ``default`` when absent."""
        value = table.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.add((*path, key), f"{who} {key}", "must be true or false (no quotes)")
            return default
        return value

    def choice(
        self,
        table: dict[str, object],
        key: str,
        path: Path,
        who: str,
        options: Sequence[str],
        default: str,
    ) -> str:
        """One of ``options``; ``default`` when absent."""
        value = table.get(key)
        if value is None:
            return default
        if not isinstance(value, str) or value.strip().casefold() not in options:
            hint = suggest(str(value), options)
            self.add((*path, key), f"{who} {key}", f'"{shown(value)}" is not allowed{hint}')
            return default
        return value.strip().casefold()

    def timezone(self, table: dict[str, object], key: str, path: Path, who: str) -> str | None:
        """An IANA timezone name such as ``America/Chicago``."""
        text = self.text(table, key, path, who, max_len=64, required=True)
        if not text:
            return None
        try:
            return parse_timezone(text).key
        except InvalidInput as error:
            self.add((*path, key), f"{who} {key}", shown(error.message, 120))
            return None

    def username(self, table: dict[str, object], key: str, path: Path, who: str) -> str:
        """A username as staff sign in with it (letters, digits, dot, dash, underscore)."""
        name = self.text(table, key, path, who, max_len=32, required=True)
        if name and not all(ch.isalnum() or ch in _USERNAME_CHARS for ch in name):
            self.add(
                (*path, key),
                f"{who} {key}",
                "may use only letters, digits, dot, dash and underscore",
            )
            return ""
        return name

    def names(self, table: dict[str, object], key: str, path: Path, who: str) -> tuple[str, ...]:
        """A list of provider short names (``["Okafor", "Patel"]``)."""
        value = table.get(key)
        if value is None:
            return ()
        where = f"{who} {key}"
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add((*path, key), where, 'must be a list of short names, like ["Okafor"]')
            return ()
        out: list[str] = []
        for item in value:
            try:
                text = clean_text(item, field=key, label="a name", max_len=24, required=True)
            except InvalidInput as error:
                self.add((*path, key), where, error.message)
                continue
            out.append(text)
        return tuple(out)

    def day(self, table: dict[str, object], key: str, path: Path, who: str) -> date | None:
        """A calendar day: ``2026-11-26`` (a TOML date, or the same in quotes)."""
        value = table.get(key)
        where = f"{who} {key}"
        if value is None:
            self.add(path, where, "is required, like 2026-11-26")
            return None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                self.add(
                    (*path, key), where, f"{shown(value)} is not a day; write it like 2026-11-26"
                )
                return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.add((*path, key), where, "must be a day without a time, like 2026-11-26")
            return None
        return value

    def moment(self, table: dict[str, object], key: str, path: Path, who: str) -> datetime | None:
        """A clinic-local day and time: ``2026-12-03T13:00:00`` (or in quotes, seconds optional)."""
        value = table.get(key)
        where = f"{who} {key}"
        if value is None:
            self.add(path, where, "is required, like 2026-12-03T13:00:00")
            return None
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                self.add(
                    (*path, key),
                    where,
                    f"{shown(value)} is not a day and time, like 2026-12-03T13:00:00",
                )
                return None
        if not isinstance(value, datetime):
            self.add((*path, key), where, "needs a day and a time, like 2026-12-03T13:00:00")
            return None
        if value.tzinfo is not None:
            self.add(
                (*path, key), where, "write the clinic's local time, without a UTC offset or Z"
            )
            return None
        return value


# --- hours and breaks ---------------------------------------------------------------------------


def _minute(hours: str, minutes: str) -> int | None:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and m):
        return None
    return h * 60 + m


def _pieces(value: object, *, split_lists: bool) -> list[str] | None:
    """A day's spans: one text split at commas, or a list of texts."""
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        out: list[str] = []
        for item in value:
            parts = item.split(",") if split_lists else [item]
            out += [p.strip() for p in parts if p.strip()]
        return out
    return None


def spans_of(
    r: Reader,
    table: dict[str, object],
    key: str,
    path: Path,
    who: str,
    weekdays: Sequence[str],
    *,
    breaks: Sequence[Span] | None,
) -> tuple[Span, ...]:
    """A provider's ``hours`` (``breaks=None``) or its breaks, which must lie within ``breaks``."""
    value = table.get(key)
    if value is None:
        return ()
    if not isinstance(value, dict):
        r.add((*path, key), f"{who} {key}", 'must be a table of days, like { mon = "08:00-17:00" }')
        return ()
    out: list[Span] = []
    for day, day_value in value.items():
        where = f"{who} {key}.{shown(day)}"
        at = (*path, key, day)
        if day not in weekdays:
            r.add(at, where, f'"{shown(day)}" is not a day of the week{suggest(day, weekdays)}')
            continue
        weekday = weekdays.index(day)
        pieces = _pieces(day_value, split_lists=breaks is None)
        if pieces is None:
            r.add(at, where, 'must be text, like "08:00-12:00, 13:00-17:00"')
            continue
        spans: list[Span] = []
        for piece in pieces:
            found = _SPAN.match(piece)
            label = (found.group(5) or "").strip() if found else ""
            if found is None or (label and breaks is None):
                r.add(
                    at, where, f'"{shown(piece)}" is not a span of time; write it like 08:00-12:00'
                )
                continue
            start = _minute(found.group(1), found.group(2))
            end = _minute(found.group(3), found.group(4))
            if start is None or end is None:
                r.add(at, where, f"{shown(piece)}: a time of day runs from 00:00 to 24:00")
                continue
            if end <= start:
                r.add(at, where, f"{shown(piece)} ends before it starts")
                continue
            if len(label) > 40 or any(not ch.isprintable() for ch in label):
                r.add(
                    at,
                    where,
                    f"the label of {shown(piece)} must be printable, 40 characters at most",
                )
                continue
            spans.append(Span(weekday, start, end, label))
        spans.sort(key=lambda s: (s.start, s.end))
        for before, after in zip(spans, spans[1:], strict=False):
            if after.start < before.end:
                r.add(at, where, f"{before.text()} and {after.text()} overlap")
        if breaks is not None:
            working = [s for s in breaks if s.weekday == weekday]
            for pause in spans:
                if not any(w.start <= pause.start and pause.end <= w.end for w in working):
                    hours = ", ".join(w.text() for w in working) or "none"
                    r.add(at, where, f"{pause.text()} is outside the hours on {day} ({hours})")
        out += spans
    return tuple(sorted(out, key=lambda s: (s.weekday, s.start, s.end)))
