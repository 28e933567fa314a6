"""What applying a set-up file would change, and the writes that make each change.

:class:`Plan` reads the database once (in the caller's session) and compares
it with a :class:`~frontdesk.data.setup_file.SetupFile`. Each difference is a
:class:`Change` line (``~ provider Okafor: hours tue 08:00-17:00 -> 09:00-17:00``)
and a write; :mod:`frontdesk.data.setup_apply` shows the lines, or runs the
writes in order inside one transaction. So ``diff`` and ``apply`` can never
disagree about what a file means.

What a file does not list is left alone: providers, types and staff are only
ever deactivated (``active = false``), never deleted. Holidays, and blockouts
that are not over yet, are replaced by the file's; hours, breaks and a type's
providers are replaced for the providers and types the file lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlmodel import Session, SQLModel, col, select

from frontdesk.data.errors import SetupError
from frontdesk.data.models import AppointmentType, ClinicSettings, Provider, Staff
from frontdesk.data.models_booking import BreakTime, TypeProvider, WorkingHours
from frontdesk.data.setup_days import plan_blockouts, plan_holidays
from frontdesk.data.setup_file import (
    WEEKDAYS,
    ProviderSpec,
    SetupFile,
    SetupInvalid,
    Span,
    TypeSpec,
    name_key,
    problem_at,
    reference_problems,
)
from frontdesk.data.setup_lines import shown
from frontdesk.data.setup_staff import plan_staff

AREAS = {
    "clinic": "Clinic",
    "provider": "Providers",
    "type": "Visit types",
    "holiday": "Holidays",
    "blockout": "Blockouts",
    "staff": "Staff",
}
# the file's words for the columns whose names differ
FILE_KEY = {"prep_instructions": "prep", "is_new_patient": "new_patient"}


@dataclass(frozen=True)
class Change:
    """One line of a diff: ``sign`` is ``+`` (add), ``~`` (change) or ``-`` (remove)."""

    sign: str
    area: str
    text: str

    def __str__(self) -> str:
        return f"{self.sign} {self.text}"


def yes(value: bool) -> str:
    """A flag as the file writes it."""
    return "true" if value else "false"


def quoted(text: str) -> str:
    """Text for a diff line: in quotes, hidden characters spelled out, long text cut."""
    return f'"{shown(text, 60)}"'


def _value(value: object) -> str:
    if isinstance(value, bool):
        return yes(value)
    return quoted(value) if isinstance(value, str) else str(value)


def _spans(spans: list[Span], weekday: int) -> str:
    return ", ".join(s.text() for s in spans if s.weekday == weekday) or "none"


class Plan:
    """The changes a set-up file makes to the database, found in one read."""

    def __init__(self, session: Session, setup: SetupFile, now: datetime) -> None:
        self.session = session
        self.setup = setup
        self.now = now
        self.changes: list[Change] = []
        self.notes: list[str] = []
        self._writes: list[Callable[[], None]] = []
        self._done: set[tuple[int, str]] = set()
        self.staff_touched: list[tuple[str, str, bool, Staff | None]] = []
        settings = session.get(ClinicSettings, 1)
        if settings is None:
            raise SetupError("This database has no clinic yet: run `frontdesk init`")
        self.settings = settings
        self.zone = ZoneInfo(setup.clinic.timezone or settings.timezone)
        rows = session.exec(select(Provider).order_by(col(Provider.id))).all()
        self.provider_rows = list(rows)
        self.provider_key = {p.id: name_key(p.short_name) for p in rows if p.id is not None}
        owners: dict[str, list[int]] = defaultdict(list)
        for provider_id, key in self.provider_key.items():
            owners[key].append(provider_id)
        self.provider_id = {key: ids[0] for key, ids in owners.items() if len(ids) == 1}
        self._twice = {key for key, ids in owners.items() if len(ids) > 1}
        problems = reference_problems(setup, [p.short_name for p in rows])
        problems += self._ambiguous()
        if problems:
            raise SetupInvalid(problems)
        self._clinic()
        self._providers()
        self._types()
        plan_holidays(self)
        plan_blockouts(self)
        plan_staff(self)

    # --- helpers ---

    def add(self, sign: str, area: str, text: str, write: Callable[[], None]) -> None:
        """A change: its diff line, and the write that makes it."""
        self.changes.append(Change(sign, area, text))
        self._writes.append(write)

    def _ambiguous(self) -> list[str]:
        """Names in the file that would match two providers of the database."""
        named: list[tuple[int, str, str]] = [
            (p.line, f'provider "{shown(p.short_name)}"', p.short_name)
            for p in self.setup.providers
        ]
        for t in self.setup.types:
            named += [(t.ref_line, f'type "{shown(t.name)}" providers', s) for s in t.providers]
        for number, b in enumerate(self.setup.blockouts, start=1):
            if b.provider is not None:
                named.append((b.ref_line, f"blockout #{number} provider", b.provider))
        return [
            problem_at(
                self.setup.source,
                line,
                where,
                f'the database has two providers with the short name "{shown(short)}"; '
                "rename one in the app first",
            )
            for line, where, short in named
            if name_key(short) in self._twice
        ]

    def run(self) -> None:
        """Make every change, in order, in the plan's session."""
        for write in self._writes:
            write()
        self.session.flush()

    # --- the clinic ---

    def _clinic(self) -> None:
        spec, row = self.setup.clinic, self.settings
        for key in ("name", "timezone", "late_cancel_hours", "no_show_grace_minutes"):
            new, old = getattr(spec, key), getattr(row, key)
            if new is not None and new != old:
                text = f"clinic {key}: {_value(old)} -> {_value(new)}"
                self.add("~", "clinic", text, partial(self.set, row, key, new))

    # --- providers ---

    def _load_spans(self) -> tuple[dict[int, list[Span]], dict[int, list[Span]]]:
        hours: dict[int, list[Span]] = defaultdict(list)
        for h in self.session.exec(select(WorkingHours)):
            hours[h.provider_id].append(Span(h.weekday, h.start_minute, h.end_minute))
        breaks: dict[int, list[Span]] = defaultdict(list)
        for b in self.session.exec(select(BreakTime)):
            breaks[b.provider_id].append(Span(b.weekday, b.start_minute, b.end_minute, b.label))
        for table in (hours, breaks):
            for spans in table.values():
                spans.sort(key=lambda s: (s.weekday, s.start, s.end))
        return hours, breaks

    def _providers(self) -> None:
        hours, breaks = self._load_spans()
        rows = {name_key(p.short_name): p for p in self.provider_rows}
        listed: set[str] = set()
        for spec in self.setup.providers:
            key = name_key(spec.short_name)
            listed.add(key)
            row = rows.get(key)
            if row is None or row.id is None:
                days = sorted({s.weekday for s in spec.hours})
                extra = "; hours " + " ".join(WEEKDAYS[d] for d in days) if days else "; no hours"
                extra += "" if spec.active else "; not active"
                text = f"provider {spec.short_name} ({spec.name}{extra})"
                self.add("+", "provider", text, partial(self._new_provider, spec))
                continue
            who = f"provider {spec.short_name}"
            for attr, new in (("short_name", spec.short_name), ("name", spec.name)):
                old = getattr(row, attr)
                if old != new:
                    text = f"{who}: {attr} {quoted(old)} -> {quoted(new)}"
                    self.add("~", "provider", text, partial(self.set, row, attr, new))
            if row.active != spec.active:
                text = f"{who}: active {yes(row.active)} -> {yes(spec.active)}"
                self.add("~", "provider", text, partial(self.set, row, "active", spec.active))
            for kind, old_spans, new_spans in (
                ("hours", hours.get(row.id, []), list(spec.hours)),
                ("breaks", breaks.get(row.id, []), list(spec.breaks)),
            ):
                for day, name in enumerate(WEEKDAYS):
                    before, after = _spans(old_spans, day), _spans(new_spans, day)
                    if before != after:
                        write = partial(self._write_spans, row.id, spec, kind)
                        self.add(
                            "~", "provider", f"{who}: {kind} {name} {before} -> {after}", write
                        )
        others = [p.short_name for p in self.provider_rows if name_key(p.short_name) not in listed]
        if others and self.setup.providers:
            self.notes.append(
                f"Providers not in the file are left as they are: {', '.join(others)}."
            )

    def set(self, row: SQLModel, attr: str, value: object) -> None:
        """Write one column of a row (a planned change)."""
        setattr(row, attr, value)
        self.session.add(row)

    def _new_provider(self, spec: ProviderSpec) -> None:
        row = Provider(name=spec.name, short_name=spec.short_name, active=spec.active)
        self.session.add(row)
        self.session.flush()
        assert row.id is not None
        self.provider_id[name_key(spec.short_name)] = row.id
        self._write_spans(row.id, spec, "hours")
        self._write_spans(row.id, spec, "breaks")

    def _write_spans(self, provider_id: int, spec: ProviderSpec, kind: str) -> None:
        """Replace a provider's hours (or breaks) with the file's (once per provider)."""
        marker = (provider_id, kind)
        if marker in self._done:
            return
        self._done.add(marker)
        model = WorkingHours if kind == "hours" else BreakTime
        self.session.execute(delete(model).where(col(model.provider_id) == provider_id))
        for s in spec.hours if kind == "hours" else spec.breaks:
            if kind == "hours":
                self.session.add(
                    WorkingHours(
                        provider_id=provider_id,
                        weekday=s.weekday,
                        start_minute=s.start,
                        end_minute=s.end,
                    )
                )
            else:
                self.session.add(
                    BreakTime(
                        provider_id=provider_id,
                        weekday=s.weekday,
                        start_minute=s.start,
                        end_minute=s.end,
                        label=s.label,
                    )
                )

    # --- visit types ---

    def _types(self) -> None:
        rows = {name_key(t.name): t for t in self.session.exec(select(AppointmentType))}
        links: dict[int, list[int]] = defaultdict(list)
        for link in self.session.exec(select(TypeProvider).order_by(col(TypeProvider.provider_id))):
            links[link.type_id].append(link.provider_id)
        short = {p.id: p.short_name for p in self.provider_rows}
        for spec in self.setup.types:
            row = rows.get(name_key(spec.name))
            if row is None or row.id is None:
                text = f"type {spec.name} ({spec.minutes} min)"
                self.add("+", "type", text, partial(self._new_type, spec))
                continue
            who = f"type {spec.name}"
            for attr, new in (
                ("name", spec.name),
                ("minutes", spec.minutes),
                ("prep_instructions", spec.prep),
                ("is_new_patient", spec.new_patient),
                ("early_minutes", spec.early_minutes),
                ("overbook", spec.overbook),
                ("active", spec.active),
            ):
                old = getattr(row, attr)
                if old == new:
                    continue
                text = f"{who}: {FILE_KEY.get(attr, attr)} {_value(old)} -> {_value(new)}"
                self.add("~", "type", text, partial(self.set, row, attr, new))
            before = [self.provider_key[i] for i in links.get(row.id, [])]
            after = [name_key(s) for s in spec.providers]
            if set(before) != set(after):
                old_names = ", ".join(short[i] for i in links.get(row.id, [])) or "every provider"
                new_names = ", ".join(spec.providers) or "every provider"
                text = f"{who}: providers {old_names} -> {new_names}"
                self.add("~", "type", text, partial(self._write_links, row.id, spec))

    def _new_type(self, spec: TypeSpec) -> None:
        row = AppointmentType(
            name=spec.name,
            minutes=spec.minutes,
            prep_instructions=spec.prep,
            is_new_patient=spec.new_patient,
            early_minutes=spec.early_minutes,
            overbook=spec.overbook,
            active=spec.active,
        )
        self.session.add(row)
        self.session.flush()
        assert row.id is not None
        self._write_links(row.id, spec)

    def _write_links(self, type_id: int, spec: TypeSpec) -> None:
        self.session.execute(delete(TypeProvider).where(col(TypeProvider.type_id) == type_id))
        for short in spec.providers:
            self.session.add(
                TypeProvider(type_id=type_id, provider_id=self.provider_id[name_key(short)])
            )
        self.session.flush()
