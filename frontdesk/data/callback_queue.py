"""Reading the callbacks queue: sorted, filtered, counted, handed off; the long-wait sweep.

Sorted as the desk works it: overdue first, then priority, then due time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Engine
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from frontdesk import clock
from frontdesk.data.callbacks import add_automatic
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import InvalidInput
from frontdesk.data.patients import display_name
from frontdesk.data.validation import format_phone

FILTERS = ("all", "mine", "desk", "nurse", "supervisor", "overdue")
_TIME = UTCDateTime()


@dataclass(frozen=True)
class QueueItem:
    """One open item as the queue shows it."""

    id: int
    version: int
    due_at: datetime  # clinic-local
    overdue: bool
    priority: int
    reason: str
    reason_label: str
    who: str
    mrn: str
    patient_id: int | None
    phone: str
    owner: str  # a queue name or a username
    owner_queue: str  # "desk", "nurse", "supervisor"; "" when a person owns it
    owner_name: str  # the person's display name; "" for a queue
    attempts: int
    last_attempt: str
    next_try_at: datetime | None
    notes: str
    reference: str
    status: str
    complaint: bool


_OPEN = text(
    """
    SELECT c.id, c.version, c.due_at, c.priority, c.reason, r.label, c.caller_name,
           p.last_name, p.first_name, p.preferred_name, p.mrn, c.patient_id, c.phone,
           c.owner_queue, s.username, c.notes, c.reference, c.status, r.also_supervisor,
           (SELECT COUNT(*) FROM callback_attempt a WHERE a.callback_id = c.id),
           (SELECT a.result FROM callback_attempt a WHERE a.callback_id = c.id
             ORDER BY a.id DESC LIMIT 1),
           (SELECT a.next_try_at FROM callback_attempt a WHERE a.callback_id = c.id
             ORDER BY a.id DESC LIMIT 1) AS next_try_at,
           c.owner_staff_id, s.display_name
    FROM callback c JOIN callback_reason r ON r.code = c.reason
    LEFT JOIN patient p ON p.id = c.patient_id
    LEFT JOIN staff s ON s.id = c.owner_staff_id
    WHERE c.status != 'closed'
    """
).columns(due_at=_TIME, next_try_at=_TIME)


def _matches(item: QueueItem, owner_id: int | None, view: str, staff_id: int) -> bool:
    if view == "mine":
        return owner_id == staff_id
    if view in ("desk", "nurse"):
        return item.owner_queue == view
    if view == "supervisor":
        return item.owner_queue == "supervisor" or item.complaint
    if view == "overdue":
        return item.overdue
    return True


def queue_in(
    session: Session,
    clinic: Clinic,
    *,
    view: str = "all",
    staff_id: int = 0,
    reason: str | None = None,
) -> list[QueueItem]:
    """Open items for ``view`` (see :data:`FILTERS`), optionally of one reason."""
    if view not in FILTERS:
        raise InvalidInput(f"Filter is one of {', '.join(FILTERS)}", field="filter")
    now = clock.now()
    items: list[tuple[QueueItem, int | None]] = []
    for row in session.execute(_OPEN):
        who = display_name(row[7], row[8], row[9]) if row[11] is not None else str(row[6])
        item = QueueItem(
            id=int(row[0]),
            version=int(row[1]),
            due_at=row[2].astimezone(clinic.zone),
            overdue=row[2] < now,
            priority=int(row[3]),
            reason=str(row[4]),
            reason_label=str(row[5]),
            who=who,
            mrn=str(row[10] or ""),
            patient_id=row[11],
            phone=format_phone(str(row[12]), clinic.phone_region),
            owner=str(row[14]) if row[22] is not None else str(row[13]),
            owner_queue="" if row[22] is not None else str(row[13]),
            owner_name=str(row[23]) if row[22] is not None else "",
            attempts=int(row[19]),
            last_attempt=str(row[20] or ""),
            next_try_at=row[21].astimezone(clinic.zone) if row[21] is not None else None,
            notes=str(row[15]),
            reference=str(row[16]),
            status=str(row[17]),
            complaint=bool(row[18]),
        )
        if reason is not None and item.reason != reason:
            continue
        items.append((item, row[22]))
    kept = [item for item, owner in items if _matches(item, owner, view, staff_id)]
    return sorted(kept, key=queue_order)


def queue_order(item: QueueItem) -> tuple[bool, int, datetime, int]:
    """The queue's order: overdue first, then priority, then due time."""
    return (not item.overdue, item.priority, item.due_at, item.id)


def queue(
    engine: Engine, *, view: str = "all", staff_id: int = 0, reason: str | None = None
) -> list[QueueItem]:
    """:func:`queue_in` in a session of its own."""
    with read_session(engine) as session:
        return queue_in(
            session, get_clinic_in(session), view=view, staff_id=staff_id, reason=reason
        )


_COUNTS = text(
    "SELECT COUNT(*), COALESCE(SUM(due_at < :now), 0) FROM callback WHERE status != 'closed'"
).bindparams(bindparam("now", type_=_TIME))


def counts_in(session: Session) -> tuple[int, int]:
    """(open, overdue) items now: one indexed query."""
    found, overdue = session.execute(_COUNTS, {"now": clock.now()}).one()
    return int(found), int(overdue)


def counts(engine: Engine) -> tuple[int, int]:
    """:func:`counts_in` in a session of its own."""
    with read_session(engine) as session:
        return counts_in(session)


def handoff(engine: Engine) -> dict[str, list[QueueItem]]:
    """Open items grouped by owner for the next shift: queues by name, people by full name.

    A person is keyed by display name, so an account called "desk" is never
    mixed with the desk queue.
    """
    grouped: dict[str, list[QueueItem]] = {}
    for item in queue(engine):
        grouped.setdefault(item.owner_queue or item.owner_name, []).append(item)
    return dict(sorted(grouped.items()))


_LONG_WAITS = (
    text(
        """
    SELECT a.id, a.patient_id,
           (SELECT MAX(e.at) FROM appointment_event e WHERE e.appointment_id = a.id
             AND e.to_status = 'ARRIVED' AND e.undoes_id IS NULL) AS arrived
    FROM appointment a
    WHERE a.status = 'ARRIVED' AND a.start_at >= :start AND a.start_at < :end
      AND NOT EXISTS (SELECT 1 FROM callback c WHERE c.cause = 'long-wait:' || a.id)
    """
    )
    .bindparams(bindparam("start", type_=_TIME), bindparam("end", type_=_TIME))
    .columns(arrived=_TIME)
)


def _waiting_too_long(session: Session, clinic: Clinic) -> list[tuple[int, int, int]]:
    now = clock.now()
    start, end = clock.day_bounds(clinic.today(), clinic.zone)
    limit = timedelta(minutes=clinic.long_wait_minutes)
    out = []
    for appt_id, patient_id, arrived in session.execute(_LONG_WAITS, {"start": start, "end": end}):
        if arrived is not None and now - arrived >= limit:
            out.append((int(appt_id), int(patient_id), int((now - arrived).total_seconds() // 60)))
    return out


def sweep_long_waits(engine: Engine, *, staff_id: int | None = None) -> int:
    """Make a "long wait" item for each patient arrived and not roomed in time; how many.

    Reads first, and opens a write transaction only when there is something to add.
    """
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        if not _waiting_too_long(session, clinic):
            return 0
    made = 0
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        for appt_id, patient_id, minutes in _waiting_too_long(session, clinic):
            if add_automatic(
                session,
                cause=f"long-wait:{appt_id}",
                reason_code="long_wait",
                patient_id=patient_id,
                note=f"Arrived {minutes} min ago and not roomed yet",
                clinic=clinic,
                staff_id=staff_id,
            ):
                made += 1
    return made


_NEXT_DUE = (
    text("SELECT MIN(due_at) AS due_at FROM callback WHERE status != 'closed' AND due_at > :now")
    .bindparams(bindparam("now", type_=_TIME))
    .columns(due_at=_TIME)
)


def next_change_at(engine: Engine) -> datetime | None:
    """The next moment the counts change by themselves, with nobody writing; ``None`` if never.

    That is when the next open item falls overdue, or when the next arrived
    patient has waited the clinic's long-wait time (and so gets an item).
    """
    now = clock.now()
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        moments = [session.execute(_NEXT_DUE, {"now": now}).scalar_one()]
        start, end = clock.day_bounds(clinic.today(), clinic.zone)
        limit = timedelta(minutes=clinic.long_wait_minutes)
        for _, _, arrived in session.execute(_LONG_WAITS, {"start": start, "end": end}):
            if arrived is not None and arrived + limit > now:
                moments.append(arrived + limit)
    found = [moment for moment in moments if moment is not None]
    return min(found) if found else None
