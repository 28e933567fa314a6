"""The statements behind the day schedule, and reading their rows fast.

On SQLite the day's join runs through the driver as SQL compiled once from the
SQLAlchemy statement, and the few typed values (times, dates, booleans) are
converted here exactly as SQLAlchemy would; any other database gets the
statement itself. Both paths give :class:`Fetched`, which
:mod:`frontdesk.data.schedule` turns into the day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Select, and_, bindparam, case, func, select
from sqlalchemy.engine import Connection, Dialect
from sqlmodel import Session, col

from frontdesk import clock
from frontdesk.data.clinic import Clinic
from frontdesk.data.models import (
    Appointment,
    AppointmentEvent,
    AppointmentType,
    Entry,
    Patient,
    Payment,
    PaymentKind,
    Provider,
    Status,
)

# --- the statements ---------------------------------------------------------------------


def _last_event(column: Any, status: Status) -> Any:
    """Per appointment row: ``column`` of its last event to ``status`` (an undo back to
    ``status``, of a mistaken later change, does not count)."""
    return (
        select(column)
        .where(
            col(AppointmentEvent.appointment_id) == col(Appointment.id),
            col(AppointmentEvent.to_status) == status.value,
            col(AppointmentEvent.undoes_id).is_(None),
        )
        .order_by(col(AppointmentEvent.id).desc())
        .limit(1)
        .correlate(Appointment)
        .scalar_subquery()
    )


_ARRIVED_AT = _last_event(col(AppointmentEvent.at), Status.ARRIVED)
# Why a cancelled visit was cancelled: its last cancellation's reason.
_CANCEL_REASON = _last_event(col(AppointmentEvent.reason), Status.CANCELLED)

# What the desk has taken (net of voids and refunds) on a visit's copay and on the
# patient's past-due balance: the schedule's "$" flag shows only what is still owed.
_SIGNED = case(
    (col(Payment.entry) == Entry.PAYMENT.value, col(Payment.amount_cents)),
    else_=-col(Payment.amount_cents),
)
COPAY_PAID = (
    select(func.coalesce(func.sum(_SIGNED), 0))
    .where(
        col(Payment.appointment_id) == col(Appointment.id),
        col(Payment.kind) == PaymentKind.COPAY.value,
    )
    .correlate(Appointment)
    .scalar_subquery()
)
BALANCE_PAID = (
    select(func.coalesce(func.sum(_SIGNED), 0))
    .where(
        col(Payment.patient_id) == col(Patient.id),
        col(Payment.kind) == PaymentKind.PAST_DUE.value,
    )
    .correlate(Patient)
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
    col(Appointment.copay_due_cents) - COPAY_PAID,
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
    col(Patient.balance_due_cents) - BALANCE_PAID,
    col(AppointmentType.name),
    case((col(Appointment.status) == Status.ARRIVED.value, _ARRIVED_AT)),
    case((col(Appointment.status) == Status.CANCELLED.value, _CANCEL_REASON)),
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
    select(col(Provider.id), col(Provider.short_name))
    .where(col(Provider.active))
    .order_by(col(Provider.short_name)),
)

# Dialects whose driver rows this module converts itself (see from_text, stored).
DRIVER_DIALECTS = frozenset({"sqlite"})


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


def driver_rows(conn: Connection, statement: Select[Any], params: dict[str, Any]) -> Sequence[Any]:
    """Run ``statement`` as its compiled text: the driver's rows, no type processing."""
    compiled = _compile(statement, conn.dialect)
    values = {**compiled.fixed, **params}
    if compiled.names is None:
        return conn.exec_driver_sql(compiled.sql, values).all()
    return conn.exec_driver_sql(compiled.sql, tuple(values[n] for n in compiled.names)).all()


def stored(moment: datetime) -> str:
    """A moment as SQLAlchemy binds a UTC datetime for SQLite (naive UTC text)."""
    u = moment.astimezone(UTC)
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d} "
        f"{u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond:06d}"
    )


def from_text(value: str) -> datetime:
    """A stored moment back as an aware UTC datetime, as SQLModel's ``UTCDateTime`` reads it."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment.astimezone(UTC)


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Fetched:
    """The day's rows as the database gave them, and how to read their typed values."""

    providers: Sequence[Any]  # (id, short_name)
    rows: Sequence[Any]  # _DAY_COLUMNS
    moment: Callable[[Any], datetime]  # stored time -> aware UTC
    calendar: Callable[[Any], date]  # stored date -> date


def fetch_day(session: Session, day: date, clinic: Clinic, provider_id: int | None) -> Fetched:
    """Run the two statements for ``day`` (one provider's appointments, or everyone's)."""
    conn = session.connection()
    start, end = clock.day_bounds(day, clinic.zone)
    statement = _DAY if provider_id is None else _DAY_OF_PROVIDER
    params: dict[str, Any] = {} if provider_id is None else {"provider": provider_id}
    if conn.dialect.name in DRIVER_DIALECTS:
        params.update(start=stored(start), end=stored(end))
        return Fetched(
            driver_rows(conn, _PROVIDERS, {}),
            driver_rows(conn, statement, params),
            from_text,
            date.fromisoformat,
        )
    params.update(start=start, end=end)
    return Fetched(
        conn.execute(_PROVIDERS).all(), conn.execute(statement, params).all(), _same, _same
    )
