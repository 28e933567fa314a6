"""The end-of-day report: every money figure summed by SQLite, stored as JSON at close.

The report is plain data (typed dictionaries) so it can be stored with the
close, exported as JSON or CSV, and drawn by the CLI and the app alike.
"""

from __future__ import annotations

import statistics
from datetime import date, datetime
from typing import NotRequired, TypedDict

from sqlalchemy import TextClause, bindparam, text
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from frontdesk import clock
from frontdesk.data.callback_queue import queue_in
from frontdesk.data.clinic import Clinic
from frontdesk.data.patients import display_name

_TIME = UTCDateTime()


class MoneyLine(TypedDict):
    """Totals for one tender, kind or clerk."""

    name: str
    payments: int
    taken_cents: int
    reversed_cents: int
    net_cents: int


class Money(TypedDict):
    """The day's money three ways, and the whole."""

    by_tender: list[MoneyLine]
    by_kind: list[MoneyLine]
    by_clerk: list[MoneyLine]
    payments: int
    taken_cents: int
    reversed_cents: int
    net_cents: int


class ReversalLine(TypedDict):
    """A void or refund with who asked and who approved."""

    receipt_no: int
    entry: str
    original_receipt_no: int
    original_date: str
    tender: str
    amount_cents: int
    reason: str
    requested_by: str
    approved_by: str


class DrawerLine(TypedDict):
    """A drawer's blind count against what was expected (the settling count)."""

    drawer_id: int
    clerk: str
    float_cents: int
    counted: bool
    counted_by: str
    count_attempts: int
    cash_expected_cents: int
    cash_counted_cents: int
    cash_variance_cents: int
    check_count_expected: int
    check_count_counted: int
    check_expected_cents: int
    check_counted_cents: int
    card_expected_cents: int
    card_counted_cents: int
    reason: str


class Visits(TypedDict):
    """The day's appointments by outcome."""

    scheduled: int
    seen: int
    no_shows: int
    no_show_rate_percent: float | None
    cancelled: int
    walk_ins: int
    unfinished: int


class Waits(TypedDict):
    """Minutes from arrival to roomed, from the status events."""

    visits: int
    median_minutes: float | None
    p90_minutes: float | None


class BillingLine(TypedDict):
    """A balance handed to billing."""

    patient: str
    mrn: str
    note: str
    by: str


class HandoffLine(TypedDict):
    """An open callback handed to the next shift."""

    owner: str
    due: str  # clinic-local, ISO to the minute
    overdue: bool
    reason: str
    who: str
    phone: str
    attempts: int
    notes: str


class ComplaintLine(TypedDict):
    """A complaint closed on the day, with how long it took to resolve."""

    who: str
    outcome: str
    opened: str  # clinic-local, ISO to the minute
    minutes_to_resolve: int


class Report(TypedDict):
    """Everything close-day reports and stores."""

    clinic: str
    business_date: str
    closed_at: str
    closed_by: str
    forced: bool
    reason: str
    overridden: list[str]
    warnings: list[str]
    money: Money
    reversals: list[ReversalLine]
    drawers: list[DrawerLine]
    visits: Visits
    waits: Waits
    billing: list[BillingLine]
    handoff: NotRequired[list[HandoffLine]]  # absent in reports stored before callbacks
    complaints: NotRequired[list[ComplaintLine]]


_SIGNED = "CASE WHEN p.entry = 'payment' THEN p.amount_cents ELSE -p.amount_cents END"
_LINES = """
    SELECT {name} AS name,
           COALESCE(SUM(p.entry = 'payment'), 0),
           COALESCE(SUM(CASE WHEN p.entry = 'payment' THEN p.amount_cents END), 0),
           COALESCE(SUM(CASE WHEN p.entry != 'payment' THEN p.amount_cents END), 0),
           COALESCE(SUM({signed}), 0)
    FROM payment p {join} WHERE p.business_date = :day GROUP BY {name} ORDER BY {name}
"""
_BY_TENDER = text(_LINES.format(name="p.tender", signed=_SIGNED, join=""))
_BY_KIND = text(_LINES.format(name="p.kind", signed=_SIGNED, join=""))
_BY_CLERK = text(
    _LINES.format(name="s.username", signed=_SIGNED, join="JOIN staff s ON s.id = p.staff_id")
)
_REVERSALS = text(
    """
    SELECT p.receipt_no, p.entry, o.receipt_no, o.business_date, p.tender, p.amount_cents,
           p.reason, r.username, a.username
    FROM payment p JOIN payment o ON o.id = p.reverses_id
    JOIN staff r ON r.id = p.staff_id LEFT JOIN staff a ON a.id = p.approved_by
    WHERE p.business_date = :day AND p.entry != 'payment' ORDER BY p.receipt_no
    """
)
_DRAWERS = text(
    """
    SELECT d.id, s.username, d.float_cents,
           (SELECT COUNT(*) FROM drawer_count k WHERE k.drawer_id = d.id),
           (SELECT MAX(k.id) FROM drawer_count k WHERE k.drawer_id = d.id AND k.accepted)
    FROM drawer_session d JOIN staff s ON s.id = d.staff_id
    WHERE d.business_date = :day ORDER BY d.id
    """
)
_COUNT = text(
    """
    SELECT s.username, k.cash_expected_cents, k.cash_counted_cents, k.check_count_expected,
           k.check_count_counted, k.check_expected_cents, k.check_counted_cents,
           k.card_expected_cents, k.card_counted_cents, k.reason
    FROM drawer_count k JOIN staff s ON s.id = k.counted_by WHERE k.id = :id
    """
)
_VISITS = text(
    "SELECT status, COUNT(*), COALESCE(SUM(walk_in), 0) FROM appointment "
    "WHERE start_at >= :start AND start_at < :end GROUP BY status"
).bindparams(bindparam("start", type_=_TIME), bindparam("end", type_=_TIME))
_EVENTS = (
    text(
        """
    SELECT e.appointment_id, e.to_status, e.at FROM appointment_event e
    JOIN appointment a ON a.id = e.appointment_id
    WHERE a.start_at >= :start AND a.start_at < :end
      AND e.to_status IN ('ARRIVED', 'IN ROOM') AND e.undoes_id IS NULL
    ORDER BY e.appointment_id, e.id
    """
    )
    .bindparams(bindparam("start", type_=_TIME), bindparam("end", type_=_TIME))
    .columns(at=_TIME)
)
_COMPLAINTS = (
    text(
        """
    SELECT c.caller_name, p.last_name, p.first_name, p.preferred_name, c.outcome,
           c.created_at, c.closed_at
    FROM callback c LEFT JOIN patient p ON p.id = c.patient_id
    WHERE c.reason = 'complaint' AND c.status = 'closed'
      AND c.closed_at >= :start AND c.closed_at < :end
    ORDER BY c.closed_at
    """
    )
    .bindparams(bindparam("start", type_=_TIME), bindparam("end", type_=_TIME))
    .columns(created_at=_TIME, closed_at=_TIME)
)
_BILLING = text(
    """
    SELECT p.last_name, p.first_name, p.preferred_name, p.mrn, f.note, s.username
    FROM billing_flag f JOIN patient p ON p.id = f.patient_id JOIN staff s ON s.id = f.staff_id
    WHERE f.business_date = :day ORDER BY f.id
    """
)


def _money_lines(session: Session, stmt: TextClause, day: date) -> list[MoneyLine]:
    rows = session.execute(stmt, {"day": day})
    return [
        MoneyLine(
            name=str(r[0]),
            payments=int(r[1]),
            taken_cents=int(r[2]),
            reversed_cents=int(r[3]),
            net_cents=int(r[4]),
        )
        for r in rows
    ]


def _money(session: Session, day: date) -> Money:
    by_tender = _money_lines(session, _BY_TENDER, day)
    return Money(
        by_tender=by_tender,
        by_kind=_money_lines(session, _BY_KIND, day),
        by_clerk=_money_lines(session, _BY_CLERK, day),
        payments=sum(line["payments"] for line in by_tender),
        taken_cents=sum(line["taken_cents"] for line in by_tender),
        reversed_cents=sum(line["reversed_cents"] for line in by_tender),
        net_cents=sum(line["net_cents"] for line in by_tender),
    )


def _drawers(session: Session, day: date) -> list[DrawerLine]:
    lines: list[DrawerLine] = []
    for drawer_id, clerk, float_cents, attempts, count_id in session.execute(
        _DRAWERS, {"day": day}
    ).all():
        line = DrawerLine(
            drawer_id=int(drawer_id),
            clerk=str(clerk),
            float_cents=int(float_cents),
            counted=count_id is not None,
            counted_by="",
            count_attempts=int(attempts),
            cash_expected_cents=0,
            cash_counted_cents=0,
            cash_variance_cents=0,
            check_count_expected=0,
            check_count_counted=0,
            check_expected_cents=0,
            check_counted_cents=0,
            card_expected_cents=0,
            card_counted_cents=0,
            reason="",
        )
        if count_id is not None:
            k = session.execute(_COUNT, {"id": count_id}).one()
            line["counted_by"] = str(k[0])
            line["cash_expected_cents"] = int(k[1])
            line["cash_counted_cents"] = int(k[2])
            line["cash_variance_cents"] = int(k[2]) - int(k[1])
            line["check_count_expected"] = int(k[3])
            line["check_count_counted"] = int(k[4])
            line["check_expected_cents"] = int(k[5])
            line["check_counted_cents"] = int(k[6])
            line["card_expected_cents"] = int(k[7])
            line["card_counted_cents"] = int(k[8])
            line["reason"] = str(k[9])
        lines.append(line)
    return lines


def _visits(session: Session, start: datetime, end: datetime) -> Visits:
    by_status: dict[str, int] = {}
    walk_ins = 0
    for status, count, walk in session.execute(_VISITS, {"start": start, "end": end}):
        by_status[str(status)] = int(count)
        walk_ins += int(walk)
    seen = by_status.get("DONE", 0) + by_status.get("IN ROOM", 0)
    no_shows = by_status.get("NO-SHOW", 0)
    rate = round(100 * no_shows / (seen + no_shows), 1) if seen + no_shows else None
    return Visits(
        scheduled=sum(by_status.values()),
        seen=seen,
        no_shows=no_shows,
        no_show_rate_percent=rate,
        cancelled=by_status.get("CANCELLED", 0),
        walk_ins=walk_ins,
        unfinished=sum(by_status.get(s, 0) for s in ("BOOKED", "ARRIVED", "IN ROOM")),
    )


def percentile(values: list[float], fraction: float) -> float:
    """Linear-interpolated percentile of a non-empty list (0 < fraction < 1)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _waits(session: Session, start: datetime, end: datetime) -> Waits:
    """Arrival (the latest before rooming) to the first time roomed, per visit."""
    arrived: dict[int, datetime] = {}
    minutes: list[float] = []
    roomed: set[int] = set()
    for appt_id, status, at in session.execute(_EVENTS, {"start": start, "end": end}):
        if status == "ARRIVED":
            arrived[appt_id] = at
        elif appt_id in arrived and appt_id not in roomed:
            roomed.add(appt_id)
            minutes.append((at - arrived[appt_id]).total_seconds() / 60)
    return Waits(
        visits=len(minutes),
        median_minutes=round(statistics.median(minutes), 1) if minutes else None,
        p90_minutes=round(percentile(minutes, 0.9), 1) if minutes else None,
    )


def build_report(
    session: Session,
    clinic: Clinic,
    day: date,
    *,
    closed_by: str,
    forced: bool,
    reason: str,
    overridden: list[str] | None = None,
    warnings: list[str] | None = None,
) -> Report:
    """Compute the report for ``day`` (aggregates in SQL; the visit waits in Python)."""
    start, end = clock.day_bounds(day, clinic.zone)
    reversals = [
        ReversalLine(
            receipt_no=int(r[0]),
            entry=str(r[1]),
            original_receipt_no=int(r[2]),
            original_date=str(r[3]),
            tender=str(r[4]),
            amount_cents=int(r[5]),
            reason=str(r[6]),
            requested_by=str(r[7]),
            approved_by=str(r[8] or ""),
        )
        for r in session.execute(_REVERSALS, {"day": day})
    ]
    billing = [
        BillingLine(
            patient=display_name(r[0], r[1], r[2]), mrn=str(r[3]), note=str(r[4]), by=str(r[5])
        )
        for r in session.execute(_BILLING, {"day": day})
    ]
    handoff = [
        HandoffLine(
            owner=item.owner,
            due=item.due_at.isoformat(timespec="minutes"),
            overdue=item.overdue,
            reason=item.reason_label,
            who=item.who,
            phone=item.phone,
            attempts=item.attempts,
            notes=item.notes[:200],
        )
        for item in sorted(queue_in(session, clinic), key=lambda i: (i.owner, i.due_at))
    ]
    complaints = [
        ComplaintLine(
            who=display_name(r[1], r[2], r[3]) if r[1] is not None else str(r[0]),
            outcome=str(r[4]),
            opened=r[5].astimezone(clinic.zone).isoformat(timespec="minutes"),
            minutes_to_resolve=int((r[6] - r[5]).total_seconds() // 60),
        )
        for r in session.execute(_COMPLAINTS, {"start": start, "end": end})
    ]
    return Report(
        clinic=clinic.name,
        business_date=day.isoformat(),
        closed_at=clock.now().astimezone(clinic.zone).isoformat(timespec="minutes"),
        closed_by=closed_by,
        forced=forced,
        reason=reason,
        overridden=overridden or [],
        warnings=warnings or [],
        money=_money(session, day),
        reversals=reversals,
        drawers=_drawers(session, day),
        visits=_visits(session, start, end),
        waits=_waits(session, start, end),
        billing=billing,
        handoff=handoff,
        complaints=complaints,
    )
