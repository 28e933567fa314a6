"""Close of day: what blocks it, the report, the lock, and reopening.

The CLI (``frontdesk close-day``) and the supervisor's screen call these same
functions. Closing writes the report and the lock in one transaction; from
then on the database refuses changes to that business day (triggers in
migration 0002). Reopening needs a second supervisor and keeps the close row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Engine
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.callback_queue import counts_in
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.closeout_report import Report, build_report
from frontdesk.data.days import closed_id
from frontdesk.data.db import read_session, write_session
from frontdesk.data.drawer import Drawer, uncounted_drawers
from frontdesk.data.errors import DayBlocked, InvalidInput, PermissionDenied
from frontdesk.data.models import DayClose, DayReopen
from frontdesk.data.patients import display_name
from frontdesk.data.staff import StaffMember
from frontdesk.data.validation import clean_text
from frontdesk.money import format_cents

_TIME = UTCDateTime()


@dataclass(frozen=True)
class Blocker:
    """One unfinished thing that keeps the day open."""

    kind: str  # "visit" or "drawer"
    text: str
    drawer_id: int | None = None  # for a drawer not counted


@dataclass(frozen=True)
class DayStatus:
    """Where a day stands before closing: what blocks it and what to hand on."""

    day: date
    closed: bool
    blockers: tuple[Blocker, ...]
    warnings: tuple[str, ...]
    uncounted: tuple[Drawer, ...]


@dataclass(frozen=True)
class Closed:
    """The outcome of ``close_day``: the stored report, and whether it was closed before."""

    report: Report
    already_closed: bool


_OPEN_VISITS = (
    text(
        """
    SELECT a.start_at, a.status, p.last_name, p.first_name, p.preferred_name, v.short_name
    FROM appointment a JOIN patient p ON p.id = a.patient_id
    JOIN provider v ON v.id = a.provider_id
    WHERE a.start_at >= :start AND a.start_at < :end
      AND a.status IN ('BOOKED', 'ARRIVED', 'IN ROOM')
    ORDER BY a.start_at
    """
    )
    .bindparams(bindparam("start", type_=_TIME), bindparam("end", type_=_TIME))
    .columns(start_at=_TIME)
)

_UNPAID_COPAYS = text(
    """
    SELECT p.last_name, p.first_name, p.preferred_name, p.mrn,
           a.copay_due_cents - COALESCE((SELECT SUM(CASE WHEN y.entry = 'payment'
                THEN y.amount_cents ELSE -y.amount_cents END) FROM payment y
                WHERE y.appointment_id = a.id AND y.kind = 'copay'), 0) AS owed
    FROM appointment a JOIN patient p ON p.id = a.patient_id
    WHERE a.start_at >= :start AND a.start_at < :end AND a.copay_due_cents > 0
      AND a.status IN ('ARRIVED', 'IN ROOM', 'DONE')
    ORDER BY a.start_at
    """
).bindparams(bindparam("start", type_=_TIME), bindparam("end", type_=_TIME))


def day_status(session: Session, clinic: Clinic, day: date) -> DayStatus:
    """Blockers (visits not finished, drawers not counted) and warnings for ``day``."""
    start, end = clock.day_bounds(day, clinic.zone)
    blockers: list[Blocker] = []
    for row in session.execute(_OPEN_VISITS, {"start": start, "end": end}):
        when = row[0].astimezone(clinic.zone)
        name = display_name(row[2], row[3], row[4])
        blockers.append(Blocker("visit", f"{when:%H:%M} {name} with {row[5]} is still {row[1]}"))
    drawers = uncounted_drawers(session, day)
    for drawer in drawers:
        tried = session.execute(
            text("SELECT COUNT(*) FROM drawer_count WHERE drawer_id = :id"), {"id": drawer.id}
        ).scalar()
        state = "count differs: recount or give a reason" if tried else "not counted"
        blockers.append(
            Blocker("drawer", f"Drawer {drawer.id} ({drawer.clerk}): {state}", drawer.id)
        )
    warnings: list[str] = []
    for row in session.execute(_UNPAID_COPAYS, {"start": start, "end": end}):
        if int(row[4]) > 0:
            name = display_name(row[0], row[1], row[2])
            warnings.append(f"Copay not collected: {name} MRN {row[3]} {format_cents(row[4])}")
    open_items, overdue = counts_in(session)
    if overdue:
        warnings.append(
            f"{overdue} of {open_items} open callbacks are overdue (see the hand-off list)"
        )
    flags = session.execute(
        text("SELECT COUNT(*) FROM billing_flag WHERE business_date = :day"), {"day": day}
    ).scalar()
    if flags:
        warnings.append(f"{flags} balance(s) handed to billing today (listed in the report)")
    return DayStatus(
        day=day,
        closed=closed_id(session, day) is not None,
        blockers=tuple(blockers),
        warnings=tuple(warnings),
        uncounted=tuple(drawers),
    )


def status_of(engine: Engine, day: date) -> DayStatus:
    """:func:`day_status` in a session of its own."""
    with read_session(engine) as session:
        return day_status(session, get_clinic_in(session), day)


def _stored(session: Session, day: date) -> Report | None:
    found = closed_id(session, day)
    if found is None:
        return None
    row = session.get(DayClose, found)
    assert row is not None
    report: Report = json.loads(row.report)
    return report


def stored_report(engine: Engine, day: date) -> Report | None:
    """The report saved when ``day`` was closed (``None`` while it is open)."""
    with read_session(engine) as session:
        return _stored(session, day)


def preview_report(engine: Engine, day: date) -> Report:
    """The report as it would be if the day closed now (nothing is written)."""
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        status = day_status(session, clinic, day)
        return build_report(
            session,
            clinic,
            day,
            closed_by="",
            forced=False,
            reason="",
            overridden=[b.text for b in status.blockers],
            warnings=list(status.warnings),
        )


def _require_supervisor(by: StaffMember, what: str) -> None:
    if not by.is_supervisor:
        raise PermissionDenied(f"Only a supervisor can {what}")


def close_day(
    engine: Engine, day: date, *, by: StaffMember, force_reason: str | None = None
) -> Closed:
    """Close ``day``: refuse while blockers remain (unless forced with a reason).

    The report and the lock are written in one transaction with the audit
    event. A day that is already closed is not closed again: its stored report
    comes back unchanged.
    """
    _require_supervisor(by, "close the day")
    reason = ""
    if force_reason is not None:
        reason = clean_text(
            force_reason, field="reason", label="Reason", required=True, max_len=300
        )
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        if day > clinic.today():
            raise InvalidInput(f"{day:%d %b %Y} has not happened yet", field="date")
        stored = _stored(session, day)
        if stored is not None:
            return Closed(report=stored, already_closed=True)
        status = day_status(session, clinic, day)
        if status.blockers and force_reason is None:
            raise DayBlocked(
                f"{len(status.blockers)} thing(s) keep {day:%d %b} open",
                list(status.blockers),
            )
        report = build_report(
            session,
            clinic,
            day,
            closed_by=by.username,
            forced=bool(status.blockers),
            reason=reason,
            overridden=[b.text for b in status.blockers],
            warnings=list(status.warnings),
        )
        start, end = clock.day_bounds(day, clinic.zone)
        row = DayClose(
            business_date=day,
            start_at=start,
            end_at=end,
            closed_at=clock.now(),
            closed_by=by.id,
            forced=bool(status.blockers),
            reason=reason,
            report=json.dumps(report, sort_keys=True),
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            staff_id=by.id,
            action="day.closed",
            entity="day_close",
            entity_id=row.id,
            detail={
                "business_date": day,
                "forced": row.forced,
                "reason": reason,
                "overridden": [b.text for b in status.blockers],
                "net_cents": report["money"]["net_cents"],
            },
        )
        return Closed(report=json.loads(row.report), already_closed=False)


def reopen_day(engine: Engine, day: date, *, by: StaffMember, reason: str) -> None:
    """Open a closed day again: a supervisor other than the one who closed it."""
    _require_supervisor(by, "reopen a day")
    clean = clean_text(reason, field="reason", label="Reason", required=True, max_len=300)
    with write_session(engine) as session:
        found = closed_id(session, day)
        if found is None:
            raise InvalidInput(f"{day:%d %b %Y} is not closed", field="date")
        close = session.get(DayClose, found)
        assert close is not None
        if close.closed_by == by.id:
            raise PermissionDenied("A different supervisor must reopen the day you closed")
        row = DayReopen(
            close_id=found, business_date=day, at=clock.now(), staff_id=by.id, reason=clean
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            staff_id=by.id,
            action="day.reopened",
            entity="day_close",
            entity_id=found,
            detail={"business_date": day, "reason": clean},
        )
