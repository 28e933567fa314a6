"""Comparing a clinic set-up file with the database, applying it, and exporting one.

- :func:`read_setup` parses a file and checks that every provider it names
  exists (in the file or the database).
- :func:`diff_setup` lists what :func:`apply_setup` would change, and which
  booked visits the new hours would leave outside the bookable time (found by
  making the changes in a transaction that is rolled back).
- :func:`apply_setup` makes all of it in one write transaction with one
  ``setup.apply`` audit event, or nothing at all: a refused change (by the
  rules or by the database) rolls the whole file back.
- :func:`export_setup` reads the current set-up as a file that applies with
  no changes (holidays before today and blockouts already over are left out).

The comparison itself is :class:`frontdesk.data.setup_plan.Plan`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import SetupError, StaleRecord
from frontdesk.data.models import AppointmentType, ClinicSettings, Provider, Role, Staff
from frontdesk.data.models_booking import Blockout, BreakTime, Holiday, TypeProvider, WorkingHours
from frontdesk.data.setup_bookings import outside_ids, stranded_notes
from frontdesk.data.setup_file import (
    BlockoutSpec,
    ClinicSpec,
    HolidaySpec,
    ProviderSpec,
    SetupFile,
    Span,
    StaffSpec,
    TypeSpec,
    parse_setup,
)
from frontdesk.data.setup_plan import AREAS, Change, Plan
from frontdesk.data.setup_staff import check_allowed
from frontdesk.data.staff import StaffMember

__all__ = ["Change", "SetupDiff", "apply_setup", "diff_setup", "export_setup", "read_setup"]


@dataclass(frozen=True)
class SetupDiff:
    """What a file changes (in file order within each area) and notes on what it leaves."""

    changes: tuple[Change, ...]
    notes: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """The changes grouped under a heading per area, then the notes."""
        out: list[str] = []
        for area, heading in AREAS.items():
            group = [c for c in self.changes if c.area == area]
            if group:
                out.append(f"{heading}:")
                out += [f"  {change}" for change in group]
        out += [f"Note: {note}" for note in self.notes]
        return out

    def summary(self) -> dict[str, dict[str, int]]:
        """How many were added, changed and removed, per area."""
        names = {"+": "added", "~": "changed", "-": "removed"}
        counts: dict[str, Counter[str]] = {name: Counter() for name in names.values()}
        for change in self.changes:
            counts[names[change.sign]][change.area] += 1
        return {name: dict(sorted(c.items())) for name, c in counts.items() if c}


def read_setup(engine: Engine, text: str, source: str = "clinic.toml") -> SetupFile:
    """Parse and check a file; a provider it names must be in it or in the database."""
    with read_session(engine) as session:
        known = list(session.exec(select(Provider.short_name)).all())
    return parse_setup(text, source, known_providers=known)


TIME_AREAS = frozenset({"provider", "holiday", "blockout"})  # what can move bookable time


class _DryRun(Exception):
    """Ends the trial transaction of :func:`diff_setup`: everything in it is rolled back."""

    def __init__(self, notes: list[str]) -> None:
        super().__init__("dry run")
        self.notes = notes


def diff_setup(engine: Engine, setup: SetupFile) -> SetupDiff:
    """What applying ``setup`` would change now (nothing is written)."""
    with read_session(engine) as session:
        plan = Plan(session, setup, clock.now())
        diff = SetupDiff(tuple(plan.changes), tuple(plan.notes))
    if not any(change.area in TIME_AREAS for change in diff.changes):
        return diff
    # Which booked visits would end up outside the hours: make the changes in a
    # write transaction and roll it back.
    try:
        with write_session(engine) as session:
            now = clock.now()
            plan = Plan(session, setup, now)
            before = outside_ids(session, plan.zone, now)
            plan.run()
            after = outside_ids(session, plan.zone, now)
            raise _DryRun(stranded_notes(session, plan.zone, before, after))
    except _DryRun as trial:
        return replace(diff, notes=diff.notes + tuple(trial.notes))


def apply_setup(
    engine: Engine, setup: SetupFile, *, by: StaffMember, expected: Sequence[Change] | None = None
) -> SetupDiff:
    """Apply ``setup`` in one transaction (a supervisor), audited once; returns what changed.

    With ``expected`` (the diff the supervisor confirmed), the changes are worked
    out again inside the transaction and must be the same, else nothing is
    applied (:class:`StaleRecord`): another terminal changed the set-up meanwhile.
    """
    with write_session(engine) as session:
        plan = Plan(session, setup, clock.now())
        diff = SetupDiff(tuple(plan.changes), tuple(plan.notes))
        if expected is not None and list(expected) != list(diff.changes):
            raise StaleRecord(
                "The set-up changed since the differences were shown; nothing was applied. "
                "Run it again to see the changes now."
            )
        check_allowed(plan, by)
        if not diff.changes:
            return diff
        before = outside_ids(session, plan.zone, plan.now)
        plan.run()
        stranded = stranded_notes(
            session, plan.zone, before, outside_ids(session, plan.zone, plan.now)
        )
        diff = replace(diff, notes=diff.notes + tuple(stranded))
        audit.record(
            session,
            staff_id=by.id,
            action="setup.apply",
            entity="clinic_settings",
            entity_id=plan.settings.id,
            detail={
                "source": setup.source,
                **diff.summary(),
                "changes": [str(change) for change in diff.changes],
            },
        )
        return diff


# --- export -------------------------------------------------------------------------------------


def _spans(rows: Sequence[WorkingHours | BreakTime]) -> tuple[Span, ...]:
    spans = [Span(r.weekday, r.start_minute, r.end_minute, getattr(r, "label", "")) for r in rows]
    return tuple(sorted(spans, key=lambda s: (s.weekday, s.start, s.end)))


def export_setup(engine: Engine) -> SetupFile:
    """The database's set-up as a file: every provider, type and account; holidays
    from today on; blockouts not over yet (times in the clinic's zone)."""
    now = clock.now()
    with read_session(engine) as session:
        settings = session.get(ClinicSettings, 1)
        if settings is None:
            raise SetupError("This database has no clinic yet: run `frontdesk init`")
        zone = ZoneInfo(settings.timezone)
        clinic = ClinicSpec(
            settings.name,
            settings.timezone,
            settings.late_cancel_hours,
            settings.no_show_grace_minutes,
        )
        rows = session.exec(select(Provider).order_by(col(Provider.id))).all()
        short = {p.id: p.short_name for p in rows}
        hours: dict[int | None, list[WorkingHours | BreakTime]] = {p.id: [] for p in rows}
        breaks: dict[int | None, list[WorkingHours | BreakTime]] = {p.id: [] for p in rows}
        for h in session.exec(select(WorkingHours)):
            hours.setdefault(h.provider_id, []).append(h)
        for b in session.exec(select(BreakTime)):
            breaks.setdefault(b.provider_id, []).append(b)
        providers = tuple(
            ProviderSpec(p.short_name, p.name, p.active, _spans(hours[p.id]), _spans(breaks[p.id]))
            for p in rows
        )
        links: dict[int, list[int]] = {}
        for link in session.exec(select(TypeProvider).order_by(col(TypeProvider.provider_id))):
            links.setdefault(link.type_id, []).append(link.provider_id)
        types = tuple(
            TypeSpec(
                t.name,
                t.minutes,
                t.prep_instructions,
                t.is_new_patient,
                t.early_minutes,
                t.overbook,
                t.active,
                tuple(short[i] for i in links.get(t.id or 0, [])),
            )
            for t in session.exec(select(AppointmentType).order_by(col(AppointmentType.id)))
        )
        today = now.astimezone(zone).date()
        holidays = tuple(
            HolidaySpec(h.day, h.name)
            for h in session.exec(
                select(Holiday).where(col(Holiday.day) >= today).order_by(col(Holiday.day))
            )
        )
        blockouts = tuple(
            BlockoutSpec(
                short[b.provider_id] if b.provider_id is not None else None,
                b.start_at.astimezone(zone).replace(tzinfo=None),
                b.end_at.astimezone(zone).replace(tzinfo=None),
                b.reason,
            )
            for b in session.exec(
                select(Blockout)
                .where(col(Blockout.end_at) > now)
                .order_by(col(Blockout.start_at), col(Blockout.id))
            )
        )
        staff = tuple(
            StaffSpec(s.username, s.display_name, Role(s.role), s.active)
            for s in session.exec(select(Staff).order_by(col(Staff.id)))
        )
    return SetupFile(clinic, providers, types, holidays, blockouts, staff, source="export")
