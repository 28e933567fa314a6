"""The day schedule: rows with patient names and desk flags, holes, and counts.

The day is read with two statements: the active providers, and one join of
the day's appointments with their patients, visit types and (for those who
have arrived) the time of arrival, selecting only the columns the screen
shows. On SQLite the join runs through the driver as SQL compiled once from
the same SQLAlchemy statement, and the few typed values (times, dates,
booleans) are converted here exactly as SQLAlchemy would convert them; any
other database gets the statement itself. Both paths feed one builder, so a
day comes out the same either way (tests/data/test_schedule_load.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple, Protocol, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, bindparam, case, select
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlmodel import Session, col
from sqlmodel import select as select_rows

from frontdesk import clock
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.db import read_session
from frontdesk.data.models import (
    Appointment,
    AppointmentEvent,
    AppointmentType,
    Patient,
    Provider,
    Status,
)
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


# --- the statements ---------------------------------------------------------------------

_ARRIVED_AT = (
    select(col(AppointmentEvent.at))
    .where(
        col(AppointmentEvent.appointment_id) == col(Appointment.id),
        col(AppointmentEvent.to_status) == Status.ARRIVED.value,
        # an undo back to ARRIVED (of a mistaken rooming) is not an arrival
        col(AppointmentEvent.undoes_id).is_(None),
    )
    .order_by(col(AppointmentEvent.id).desc())
    .limit(1)
    .correlate(Appointment)
    .scalar_subquery()
)

# The order of these columns is the order the builder unpacks them in.
_DAY_COLUMNS: tuple[Any, ...] = (
    col(Appointment.id),
    col(Appointment.start_at),
    col(Appointment.minutes),
    col(Appointment.provider_id),
    col(Appointment.status),
    col(Appointment.walk_in),
    col(Appointment.forms_needed),
    col(Appointment.eligibility_checked),
    col(Appointment.copay_due_cents),
    col(Appointment.version),
    col(Patient.id),
    col(Patient.last_name),
    col(Patient.first_name),
    col(Patient.preferred_name),
    col(Patient.sex),
    col(Patient.dob),
    col(Patient.interpreter_needed),
    col(Patient.preferred_language),
    col(Patient.eligibility_verified_on),
    col(Patient.balance_due_cents),
    col(AppointmentType.name),
    case((col(Appointment.status) == Status.ARRIVED.value, _ARRIVED_AT)),
)

_IN_DAY = and_(
    col(Appointment.start_at) >= bindparam("start"), col(Appointment.start_at) < bindparam("end")
)
_DAY: Select[Any] = (
    select(*_DAY_COLUMNS)
    .join_from(Appointment, Patient, col(Patient.id) == col(Appointment.patient_id))
    .join(AppointmentType, col(AppointmentType.id) == col(Appointment.type_id))
    .where(_IN_DAY)
    .order_by(col(Appointment.start_at), col(Appointment.id))
)
_DAY_OF_PROVIDER: Select[Any] = _DAY.where(col(Appointment.provider_id) == bindparam("provider"))
_PROVIDERS = cast(
    "Select[Any]",
    select(
        col(Provider.id), col(Provider.short_name), col(Provider.day_start), col(Provider.day_end)
    )
    .where(col(Provider.active))
    .order_by(col(Provider.short_name)),
)

# Dialects whose driver rows this module converts itself (see _from_text, _stored).
_DRIVER_DIALECTS = frozenset({"sqlite"})


class _Compiled(NamedTuple):
    """A statement compiled for one dialect, ready to run through the driver."""

    sql: str
    names: tuple[str, ...] | None  # positional parameters in order (None: by name)
    fixed: dict[str, Any]  # the statement's own values (status words, LIMIT 1)


_compiled: dict[tuple[int, str, str], _Compiled] = {}


def _compile(statement: Select[Any], dialect: Dialect) -> _Compiled:
    """``statement`` as SQL text for ``dialect``, compiled on first use."""
    key = (id(statement), dialect.name, dialect.paramstyle)
    found = _compiled.get(key)
    if found is None:
        compiled = statement.compile(dialect=dialect)
        order = getattr(compiled, "positiontup", None)
        names = None if order is None else tuple(order)
        fixed = dict(compiled.construct_params(dict.fromkeys(("start", "end", "provider"))))
        found = _compiled[key] = _Compiled(str(compiled), names, fixed)
    return found


def _driver_rows(conn: Connection, statement: Select[Any], params: dict[str, Any]) -> Sequence[Any]:
    """Run ``statement`` as its compiled text: the driver's rows, no type processing."""
    compiled = _compile(statement, conn.dialect)
    values = {**compiled.fixed, **params}
    if compiled.names is None:
        return conn.exec_driver_sql(compiled.sql, values).all()
    return conn.exec_driver_sql(compiled.sql, tuple(values[n] for n in compiled.names)).all()


def _stored(moment: datetime) -> str:
    """A moment as SQLAlchemy binds a UTC datetime for SQLite (naive UTC text)."""
    u = moment.astimezone(UTC)
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d} "
        f"{u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond:06d}"
    )


def _from_text(value: str) -> datetime:
    """A stored moment back as an aware UTC datetime, as SQLModel's ``UTCDateTime`` reads it."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment.astimezone(UTC)


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class _Fetched:
    """The day's rows as the database gave them, and how to read their typed values."""

    providers: Sequence[Any]  # (id, short_name, day_start, day_end)
    rows: Sequence[Any]  # _DAY_COLUMNS
    moment: Callable[[Any], datetime]  # stored time -> aware UTC
    calendar: Callable[[Any], date]  # stored date -> date


def _fetch_day(session: Session, day: date, clinic: Clinic, provider_id: int | None) -> _Fetched:
    """Run the two statements for ``day`` (one provider's appointments, or everyone's)."""
    conn = session.connection()
    start, end = clock.day_bounds(day, clinic.zone)
    statement = _DAY if provider_id is None else _DAY_OF_PROVIDER
    params: dict[str, Any] = {} if provider_id is None else {"provider": provider_id}
    if conn.dialect.name in _DRIVER_DIALECTS:
        params.update(start=_stored(start), end=_stored(end))
        return _Fetched(
            _driver_rows(conn, _PROVIDERS, {}),
            _driver_rows(conn, statement, params),
            _from_text,
            date.fromisoformat,
        )
    params.update(start=start, end=end)
    return _Fetched(
        conn.execute(_PROVIDERS).all(), conn.execute(statement, params).all(), _same, _same
    )


# --- the day ------------------------------------------------------------------------------


def _hm(text: str) -> tuple[int, int]:
    h, m = text.split(":")
    return int(h), int(m)


def _openings(
    day: date,
    zone: ZoneInfo,
    provider_id: int,
    provider: str,
    hours: tuple[str, str],
    booked: list[tuple[datetime, int]],
) -> list[ScheduleRow]:
    """The gaps of at least OPEN_MIN_MINUTES in one provider's working hours."""
    sh, sm = _hm(hours[0])
    eh, em = _hm(hours[1])
    cursor = datetime(day.year, day.month, day.day, sh, sm, tzinfo=zone)
    end = datetime(day.year, day.month, day.day, eh, em, tzinfo=zone)
    rows: list[ScheduleRow] = []
    lengths: dict[int, timedelta] = {}
    for start, minutes in sorted(booked):
        if start > cursor:
            gap = int((start - cursor).total_seconds() // 60)
            if gap >= OPEN_MIN_MINUTES:
                rows.append(ScheduleRow(None, cursor, gap, provider_id, provider))
        length = lengths.get(minutes)
        if length is None:
            length = lengths[minutes] = timedelta(minutes=minutes)
        finish = start + length
        if finish > cursor:
            cursor = finish
    if end > cursor:
        gap = int((end - cursor).total_seconds() // 60)
        if gap >= OPEN_MIN_MINUTES:
            rows.append(ScheduleRow(None, cursor, gap, provider_id, provider))
    return rows


def _row_order(row: ScheduleRow) -> tuple[datetime, str, bool, int]:
    return (row.start, row.provider, row.appointment_id is None, row.appointment_id or 0)


def _build(
    fetched: _Fetched, day: date, zone: ZoneInfo, provider_id: int | None, now: datetime
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
            flags: tuple[str, ...] = ()
        else:
            flags = _flags(
                status,
                interpreter_needed,
                preferred_language,
                forms_needed,
                not eligibility_checked
                and (eligibility_verified_on is None or calendar(eligibility_verified_on) != day),
                balance_due_cents + copay_due_cents,
                None if arrived_at is None else moment(arrived_at),
                now,
            )
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
    for pid, short_name, day_start, day_end in fetched.providers:
        if provider_id is not None and pid != provider_id:
            continue
        openings = _openings(day, zone, pid, short_name, (day_start, day_end), booked.get(pid, []))
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
    fetched = _fetch_day(session, day, clinic, provider_id)
    return _build(fetched, day, clinic.zone, provider_id, clock.now())


def load_day(
    engine: Engine, day: date | None = None, provider_id: int | None = None
) -> DaySchedule:
    """:func:`load_day_in` in a read session of its own; ``day`` defaults to today."""
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        return load_day_in(session, day or clinic.today(), clinic, provider_id)


@dataclass(frozen=True)
class VisitTimes:
    """When the patient arrived, was roomed and left, from the status events."""

    arrived: datetime | None
    roomed: datetime | None
    checked_out: datetime | None

    @property
    def wait_minutes(self) -> int | None:
        """Arrival to rooming, in whole minutes (``None`` until roomed)."""
        if self.arrived is None or self.roomed is None:
            return None
        return int((self.roomed - self.arrived).total_seconds() // 60)


def visit_times_in(session: Session, appointment_id: int) -> VisitTimes:
    """Times of the latest arrival, rooming and check-out still standing (undos respected)."""
    events = session.exec(
        select_rows(AppointmentEvent)
        .where(AppointmentEvent.appointment_id == appointment_id)
        .order_by(col(AppointmentEvent.id))
    ).all()
    undone = {e.undoes_id for e in events if e.undoes_id is not None}
    times: dict[str, datetime | None] = {}
    for e in events:
        if e.id in undone or e.undoes_id is not None:
            continue
        times[e.to_status] = e.at
    return VisitTimes(
        arrived=times.get(Status.ARRIVED.value),
        roomed=times.get(Status.IN_ROOM.value),
        checked_out=times.get(Status.DONE.value),
    )
