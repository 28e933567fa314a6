"""The day schedule: rows with patient names and desk flags, holes, and counts.

The day is read with two statements: the active providers, and one join of
the day's appointments with their patients, visit types and (for those who
have arrived) the time of arrival, selecting only the columns the screen
shows (the statements and their fast reading are in schedule_fetch.py). Both
paths there feed the one builder here, so a day comes out the same on SQLite
and on any other database (tests/data/test_schedule_load.py). Visit times
(arrival, rooming, check-out) are in visits.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from frontdesk import clock
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.db import read_session
from frontdesk.data.delays import delay_text, delays_of_day
from frontdesk.data.hours import Plan, Span, load_plan, subtract
from frontdesk.data.models import LATE_CANCELLATION, Status
from frontdesk.data.schedule_fetch import Fetched, fetch_day
from frontdesk.data.visits import VisitTimes as VisitTimes
from frontdesk.data.visits import visit_times_in as visit_times_in
from frontdesk.money import short_cents

OPEN_MIN_MINUTES = 15  # a gap shorter than this is not an opening


@dataclass(frozen=True)
class ScheduleRow:
    """One line of the day: an appointment, or an opening (``appointment_id`` None)."""

    appointment_id: int | None
    start: datetime  # clinic-local
    minutes: int
    provider_id: int
    provider: str
    patient_id: int | None = None
    patient: str = ""
    sex: str = ""
    birth_year: int | None = None
    type_name: str = ""
    status: Status | None = None
    flags: tuple[str, ...] = ()
    walk_in: bool = False
    version: int = 0

    @property
    def is_opening(self) -> bool:
        """An unbooked gap in a provider's day."""
        return self.appointment_id is None


@dataclass(frozen=True)
class DaySchedule:
    """Everything the schedule screen shows for one day."""

    day: date
    rows: tuple[ScheduleRow, ...]
    counts: dict[str, int] = field(default_factory=dict)
    providers: tuple[tuple[int, str], ...] = ()


class AppointmentFlagFields(Protocol):
    """What :func:`flags_for` reads of an appointment (an ``Appointment`` or any row)."""

    @property
    def status(self) -> str: ...
    @property
    def forms_needed(self) -> bool: ...
    @property
    def eligibility_checked(self) -> bool: ...
    @property
    def copay_due_cents(self) -> int: ...


class PatientFlagFields(Protocol):
    """What :func:`flags_for` reads of a patient (a ``Patient`` or any row)."""

    @property
    def interpreter_needed(self) -> bool: ...
    @property
    def preferred_language(self) -> str: ...
    @property
    def eligibility_verified_on(self) -> date | None: ...
    @property
    def balance_due_cents(self) -> int: ...


_STATUS = {s.value: s for s in Status}
_NO_FLAGS = frozenset({Status.CANCELLED, Status.NO_SHOW, Status.DONE})
_WAITING = frozenset({Status.BOOKED, Status.ARRIVED})
_NOT_BOOKED = frozenset({Status.CANCELLED, Status.NO_SHOW})  # their time is free again
_ARRIVED = Status.ARRIVED


def _status(value: str) -> Status:
    found = _STATUS.get(value)
    return found if found is not None else Status(value)  # Status() names a bad value


def _flags(
    status: Status,
    interpreter_needed: Any,
    preferred_language: str,
    forms_needed: Any,
    unverified: bool,
    due_cents: int,
    arrived_at: datetime | None,
    now: datetime,
) -> tuple[str, ...]:
    """:func:`flags_for` on plain values (``unverified``: eligibility not checked today)."""
    if status in _NO_FLAGS:
        return ()
    flags: list[str] = []
    if interpreter_needed:
        flags.append(f"INT:{preferred_language[:3] or '?'}")
    if forms_needed:
        flags.append("FRM")
    if unverified:
        flags.append("ELIG")
    if due_cents > 0:  # the copay stays due until paid
        flags.append(short_cents(due_cents))
    if status is _ARRIVED and arrived_at is not None:
        waited = int((now - arrived_at).total_seconds() // 60)
        if waited >= 0:
            flags.append(f"{waited}m")
    return tuple(flags)


def flags_for(
    appt: AppointmentFlagFields,
    patient: PatientFlagFields,
    day: date,
    arrived_at: datetime | None,
    now: datetime,
) -> tuple[str, ...]:
    """Short flags, each a word or code (never colour alone)."""
    return _flags(
        _status(appt.status),
        patient.interpreter_needed,
        patient.preferred_language,
        appt.forms_needed,
        not appt.eligibility_checked and patient.eligibility_verified_on != day,
        patient.balance_due_cents + appt.copay_due_cents,
        arrived_at,
        now,
    )


# --- the day ------------------------------------------------------------------------------


def _openings(
    provider_id: int,
    provider: str,
    free: list[Span],
    booked: list[tuple[datetime, int]],
) -> list[ScheduleRow]:
    """The gaps of at least OPEN_MIN_MINUTES in one provider's bookable time."""
    lengths: dict[int, timedelta] = {}
    busy = []
    for start, minutes in booked:
        length = lengths.get(minutes)
        if length is None:
            length = lengths[minutes] = timedelta(minutes=minutes)
        busy.append((start, start + length))
    rows: list[ScheduleRow] = []
    for start, end in subtract(free, busy):
        gap = int((end - start).total_seconds() // 60)
        if gap >= OPEN_MIN_MINUTES:
            rows.append(ScheduleRow(None, start, gap, provider_id, provider))
    return rows


def _row_order(row: ScheduleRow) -> tuple[datetime, str, bool, int]:
    return (row.start, row.provider, row.appointment_id is None, row.appointment_id or 0)


def _build(
    fetched: Fetched,
    day: date,
    zone: ZoneInfo,
    provider_id: int | None,
    now: datetime,
    plan: Plan,
    delays: dict[int, int] | None = None,
) -> DaySchedule:
    """Schedule rows, flags, openings and counts from the fetched rows."""
    moment, calendar = fetched.moment, fetched.calendar
    names = {p[0]: p[1] for p in fetched.providers}
    local_of: dict[Any, datetime] = {}  # a day has few distinct start times
    rows: list[ScheduleRow] = []
    booked: dict[int, list[tuple[datetime, int]]] = {}
    counts: dict[str, int] = {}
    for (
        appointment_id,
        start_at,
        minutes,
        appt_provider,
        status_value,
        walk_in,
        forms_needed,
        eligibility_checked,
        copay_due_cents,
        version,
        patient_id,
        last_name,
        first_name,
        preferred_name,
        sex,
        dob,
        interpreter_needed,
        preferred_language,
        eligibility_verified_on,
        balance_due_cents,
        type_name,
        arrived_at,
        cancel_reason,
    ) in fetched.rows:
        local = local_of.get(start_at)
        if local is None:
            local = local_of[start_at] = moment(start_at).astimezone(zone)
        status = _status(status_value)
        counts[status_value] = counts.get(status_value, 0) + 1
        if walk_in:
            counts["WALK-IN"] = counts.get("WALK-IN", 0) + 1
        if status not in _NOT_BOOKED:
            booked.setdefault(appt_provider, []).append((local, minutes))
        if status in _NO_FLAGS:  # (as _flags would say, without converting arguments)
            late_cancel = cancel_reason is not None and cancel_reason.endswith(LATE_CANCELLATION)
            flags: tuple[str, ...] = ("LATE",) if late_cancel else ()
        else:
            flags = _flags(
                status,
                interpreter_needed,
                preferred_language,
                forms_needed,
                not eligibility_checked
                and (eligibility_verified_on is None or calendar(eligibility_verified_on) != day),
                max(balance_due_cents, 0) + max(copay_due_cents, 0),  # still owed
                None if arrived_at is None else moment(arrived_at),
                now,
            )
            late = delays.get(appt_provider, 0) if delays else 0
            if late and status in _WAITING:  # the provider runs late: first, so it shows
                flags = (delay_text(late), *flags)
        rows.append(
            ScheduleRow(
                appointment_id,
                local,
                minutes,
                appt_provider,
                names.get(appt_provider, "?"),
                patient_id,
                f"{last_name}, {preferred_name or first_name}",
                sex,
                calendar(dob).year,
                type_name,
                status,
                flags,
                bool(walk_in),
                version,
            )
        )
    for pid, short_name in fetched.providers:
        if provider_id is not None and pid != provider_id:
            continue
        openings = _openings(pid, short_name, plan.free(pid, day), booked.get(pid, []))
        counts["OPEN"] = counts.get("OPEN", 0) + len(openings)
        rows.extend(openings)
    rows.sort(key=_row_order)
    return DaySchedule(
        day=day,
        rows=tuple(rows),
        counts=counts,
        providers=tuple((p[0], p[1]) for p in fetched.providers),
    )


def load_day_in(
    session: Session, day: date, clinic: Clinic, provider_id: int | None = None
) -> DaySchedule:
    """The day's rows in time order, openings included, and the summary counts."""
    fetched = fetch_day(session, day, clinic, provider_id)
    plan = load_plan(session, clinic.zone, day, day, None if provider_id is None else [provider_id])
    delays = delays_of_day(session, day)
    return _build(fetched, day, clinic.zone, provider_id, clock.now(), plan, delays)


def load_day(
    engine: Engine, day: date | None = None, provider_id: int | None = None
) -> DaySchedule:
    """:func:`load_day_in` in a read session of its own; ``day`` defaults to today."""
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        return load_day_in(session, day or clinic.today(), clinic, provider_id)
