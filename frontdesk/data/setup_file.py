"""The clinic set-up file: providers, hours, visit types, holidays, blockouts and staff.

:func:`parse_setup` reads a TOML text into a :class:`SetupFile` of plain, typed
values, or raises :class:`SetupInvalid` listing every problem found, each with
its line and key (``clinic.toml line 14: provider "Okafor" hours.mon: ...``).
:func:`frontdesk.data.setup_render.render_setup` writes one back as TOML, and
:mod:`frontdesk.data.setup_apply` compares one with the database and applies
it. The format is described in ``docs/SETUP.md``.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from frontdesk.data.errors import InvalidInput
from frontdesk.data.models import Role
from frontdesk.data.setup_check import Reader, Span, problem_at, spans_of
from frontdesk.data.setup_lines import Locations, shown, syntax_message
from frontdesk.data.staff import username_key

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MIN_TYPE_MINUTES = 5
MAX_TYPE_MINUTES = 480
MAX_EARLY_MINUTES = 120
MAX_LATE_CANCEL_HOURS = 168
MAX_GRACE_MINUTES = 240

CLINIC_KEYS = ("name", "timezone", "late_cancel_hours", "no_show_grace_minutes")
PROVIDER_KEYS = ("short_name", "name", "active", "hours", "breaks")
TYPE_KEYS = (
    "name",
    "minutes",
    "prep",
    "new_patient",
    "early_minutes",
    "overbook",
    "active",
    "providers",
)
HOLIDAY_KEYS = ("date", "name")
BLOCKOUT_KEYS = ("provider", "start", "end", "reason")
STAFF_KEYS = ("username", "name", "role", "active")
SECTIONS = ("clinic", "provider", "type", "holiday", "blockout", "staff")


__all__ = [
    "BlockoutSpec",
    "ClinicSpec",
    "HolidaySpec",
    "ProviderSpec",
    "SetupFile",
    "SetupInvalid",
    "Span",
    "StaffSpec",
    "TypeSpec",
    "name_key",
    "parse_setup",
    "problem_at",
    "reference_problems",
]


class SetupInvalid(InvalidInput):
    """The file cannot be applied; ``problems`` lists every reason, one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


def name_key(text: str) -> str:
    """How providers and visit types are matched: NFKC, case-folded, trimmed."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


@dataclass(frozen=True)
class ClinicSpec:
    """The ``[clinic]`` table: each setting left out (``None``) stays as it is."""

    name: str | None = None
    timezone: str | None = None
    late_cancel_hours: int | None = None
    no_show_grace_minutes: int | None = None


@dataclass(frozen=True)
class ProviderSpec:
    """A ``[[provider]]`` block, matched to the database by its short name."""

    short_name: str
    name: str
    active: bool = True
    hours: tuple[Span, ...] = ()
    breaks: tuple[Span, ...] = ()
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class TypeSpec:
    """A ``[[type]]`` block (a visit type), matched by its name.

    ``providers`` holds short names; empty means every provider sees the type.
    """

    name: str
    minutes: int
    prep: str = ""
    new_patient: bool = False
    early_minutes: int = 0
    overbook: bool = False
    active: bool = True
    providers: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)
    ref_line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class HolidaySpec:
    """A ``[[holiday]]``: a day the whole clinic is closed."""

    day: date
    name: str = ""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class BlockoutSpec:
    """A ``[[blockout]]``: clinic-local start and end (naive); no provider = the clinic."""

    provider: str | None
    start: datetime
    end: datetime
    reason: str = ""
    line: int = field(default=0, compare=False)
    ref_line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class StaffSpec:
    """A ``[[staff]]`` account: never a password."""

    username: str
    name: str
    role: Role = Role.DESK
    active: bool = True
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class SetupFile:
    """A whole set-up file, in the order it was written."""

    clinic: ClinicSpec = ClinicSpec()
    providers: tuple[ProviderSpec, ...] = ()
    types: tuple[TypeSpec, ...] = ()
    holidays: tuple[HolidaySpec, ...] = ()
    blockouts: tuple[BlockoutSpec, ...] = ()
    staff: tuple[StaffSpec, ...] = ()
    source: str = field(default="clinic.toml", compare=False)


# --- the blocks ---------------------------------------------------------------------------------


def _clinic(r: Reader, table: dict[str, object]) -> ClinicSpec:
    path = ("clinic",)
    r.keys(table, CLINIC_KEYS, path, "clinic")
    name = (
        r.text(table, "name", path, "clinic", max_len=80, required=True)
        if "name" in table
        else None
    )
    zone = r.timezone(table, "timezone", path, "clinic") if "timezone" in table else None
    late = r.integer(table, "late_cancel_hours", path, "clinic", 0, MAX_LATE_CANCEL_HOURS, None)
    grace = r.integer(table, "no_show_grace_minutes", path, "clinic", 0, MAX_GRACE_MINUTES, None)
    return ClinicSpec(name, zone, late, grace)


def _provider(r: Reader, table: dict[str, object], index: int) -> ProviderSpec:
    path = ("provider", index)
    short = r.text(table, "short_name", path, f"provider #{index + 1}", max_len=24, required=True)
    who = f'provider "{shown(short)}"' if short else f"provider #{index + 1}"
    r.keys(table, PROVIDER_KEYS, path, who)
    name = r.text(table, "name", path, who, max_len=100, required=True, person=True)
    active = r.flag(table, "active", path, who, True)
    hours = spans_of(r, table, "hours", path, who, WEEKDAYS, breaks=None)
    breaks = spans_of(r, table, "breaks", path, who, WEEKDAYS, breaks=hours)
    return ProviderSpec(short, name, active, hours, breaks, line=r.line(path))


def _type(r: Reader, table: dict[str, object], index: int) -> TypeSpec:
    path = ("type", index)
    name = r.text(table, "name", path, f"type #{index + 1}", max_len=40, required=True)
    who = f'type "{shown(name)}"' if name else f"type #{index + 1}"
    r.keys(table, TYPE_KEYS, path, who)
    minutes = r.integer(table, "minutes", path, who, MIN_TYPE_MINUTES, MAX_TYPE_MINUTES, 0)
    if "minutes" not in table:
        r.add((*path, "minutes"), f"{who} minutes", "is required (how long the visit is)")
    prep = r.text(table, "prep", path, who, max_len=500, multiline=True)
    new_patient = r.flag(table, "new_patient", path, who, False)
    early = r.integer(table, "early_minutes", path, who, 0, MAX_EARLY_MINUTES, 0) or 0
    overbook = r.flag(table, "overbook", path, who, False)
    active = r.flag(table, "active", path, who, True)
    providers = r.names(table, "providers", path, who)
    return TypeSpec(
        name,
        minutes or 0,
        prep,
        new_patient,
        early,
        overbook,
        active,
        providers,
        line=r.line(path),
        ref_line=r.line((*path, "providers")),
    )


def _holiday(r: Reader, table: dict[str, object], index: int) -> HolidaySpec | None:
    path = ("holiday", index)
    who = f"holiday #{index + 1}"
    r.keys(table, HOLIDAY_KEYS, path, who)
    day = r.day(table, "date", path, who)
    name = r.text(table, "name", path, who, max_len=60)
    line = r.line((*path, "date"))
    return HolidaySpec(day, name, line=line) if day is not None else None


def _blockout(r: Reader, table: dict[str, object], index: int) -> BlockoutSpec | None:
    path = ("blockout", index)
    who = f"blockout #{index + 1}"
    r.keys(table, BLOCKOUT_KEYS, path, who)
    provider = r.text(table, "provider", path, who, max_len=24) or None
    start = r.moment(table, "start", path, who)
    end = r.moment(table, "end", path, who)
    reason = r.text(table, "reason", path, who, max_len=100)
    if start is None or end is None:
        return None
    if end <= start:
        r.add((*path, "end"), f"{who} end", f"{end:%Y-%m-%d %H:%M} is not after the start")
    return BlockoutSpec(
        provider, start, end, reason, line=r.line(path), ref_line=r.line((*path, "provider"))
    )


def _staff(r: Reader, table: dict[str, object], index: int) -> StaffSpec:
    path = ("staff", index)
    username = r.username(table, "username", path, f"staff #{index + 1}")
    who = f'staff "{shown(username)}"' if username else f"staff #{index + 1}"
    r.keys(table, STAFF_KEYS, path, who)
    name = r.text(table, "name", path, who, max_len=100, person=True) or username
    role = r.choice(table, "role", path, who, tuple(x.value for x in Role), Role.DESK.value)
    active = r.flag(table, "active", path, who, True)
    return StaffSpec(username, name, Role(role), active, line=r.line(path))


def _duplicates(r: Reader, what: str, key: str, entries: Sequence[tuple[str, str]]) -> None:
    """Report every entry whose (matched) key an earlier entry already has."""
    seen: dict[str, int] = {}
    for index, (label, value) in enumerate(entries):
        path = (what, index, key)
        if not value:
            continue
        if value in seen:
            r.add(path, f"{label} {key}", f"is listed twice (first on line {seen[value]})")
        else:
            seen[value] = r.line(path)


def reference_problems(setup: SetupFile, known: Iterable[str] = ()) -> list[str]:
    """Visit types and blockouts that name a provider neither the file nor ``known`` has."""
    return [text for _, text in _references(setup, known)]


def _references(setup: SetupFile, known: Iterable[str]) -> list[tuple[int, str]]:
    names = {name_key(p.short_name) for p in setup.providers} | {name_key(k) for k in known}
    out: list[tuple[int, str]] = []
    for spec in setup.types:
        for short in spec.providers:
            if name_key(short) not in names:
                where = f'type "{shown(spec.name)}" providers'
                problem = problem_at(setup.source, spec.ref_line, where, _no_provider(short))
                out.append((spec.ref_line, problem))
    for number, block in enumerate(setup.blockouts, start=1):
        if block.provider is not None and name_key(block.provider) not in names:
            where = f"blockout #{number} provider"
            problem = problem_at(setup.source, block.ref_line, where, _no_provider(block.provider))
            out.append((block.ref_line, problem))
    return out


def _no_provider(short: str) -> str:
    return f'no provider has the short name "{shown(short)}"'


# --- the file -----------------------------------------------------------------------------------


def parse_setup(
    text: str, source: str = "clinic.toml", known_providers: Iterable[str] | None = None
) -> SetupFile:
    """Read and check a set-up file; every problem is reported, not only the first.

    ``known_providers`` are the short names the database already has; with them,
    a visit type or blockout naming a provider found in neither is a problem too
    (without them that check waits for :func:`reference_problems`).
    """
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SetupInvalid([syntax_message(source, text, error)]) from None
    r = Reader(source, Locations(text))
    r.keys(data, SECTIONS, (), "", noun="table")
    clinic = _clinic(r, t) if (t := r.table(data, "clinic")) is not None else ClinicSpec()
    providers = tuple(_provider(r, t, i) for i, t in r.blocks(data, "provider"))
    types = tuple(_type(r, t, i) for i, t in r.blocks(data, "type"))
    holidays = tuple(h for i, t in r.blocks(data, "holiday") if (h := _holiday(r, t, i)))
    blockouts = tuple(b for i, t in r.blocks(data, "blockout") if (b := _blockout(r, t, i)))
    staff = tuple(_staff(r, t, i) for i, t in r.blocks(data, "staff"))
    _check_unique(r, providers, types, holidays, staff)
    for index, spec in enumerate(types):
        if len({name_key(s) for s in spec.providers}) != len(spec.providers):
            r.add(
                ("type", index, "providers"),
                f'type "{shown(spec.name)}" providers',
                "names a provider twice",
            )
    setup = SetupFile(clinic, providers, types, holidays, blockouts, staff, source=source)
    if known_providers is not None:
        for line, problem in _references(setup, known_providers):
            r.add_problem(line, problem)
    problems = r.sorted_problems()
    if problems:
        raise SetupInvalid(problems)
    return setup


def _check_unique(
    r: Reader,
    providers: Sequence[ProviderSpec],
    types: Sequence[TypeSpec],
    holidays: Sequence[HolidaySpec],
    staff: Sequence[StaffSpec],
) -> None:
    """Two blocks with one key (short name, type name, date, username) are refused."""
    _duplicates(
        r,
        "provider",
        "short_name",
        [(f'provider "{shown(p.short_name)}"', name_key(p.short_name)) for p in providers],
    )
    _duplicates(r, "type", "name", [(f'type "{shown(t.name)}"', name_key(t.name)) for t in types])
    _duplicates(
        r,
        "staff",
        "username",
        [(f'staff "{shown(s.username)}"', username_key(s.username)) for s in staff],
    )
    seen: dict[date, int] = {}
    for spec in holidays:
        if spec.day in seen:
            r.add_line(
                spec.line,
                f"holiday {spec.day} date",
                f"is listed twice (first on line {seen[spec.day]})",
            )
        seen.setdefault(spec.day, spec.line)
