"""The callbacks queue: every call and follow-up has an owner and a due time until closed.

An item is routed by its reason (clinical questions to the nurse queue,
complaints also to the supervisors'), gets a due time from the reason's rule,
collects attempts (reached, voicemail, no answer, wrong number) and is closed
only with an outcome. The desk's own rules add items too (a no-show to rebook,
a patient waiting too long), never twice for the same cause.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import InvalidInput, NotFound, StaleRecord
from frontdesk.data.models import (
    Callback,
    CallbackAttempt,
    CallbackReason,
    Patient,
    Staff,
)
from frontdesk.data.staff import StaffMember
from frontdesk.data.validation import clean_name, clean_text, parse_phone

QUEUES = ("desk", "nurse", "supervisor")
PRIORITIES = {1: "high", 2: "normal", 3: "low"}
ATTEMPTS = {
    "reached": "Reached",
    "voicemail": "Left voicemail",
    "no_answer": "No answer",
    "wrong_number": "Wrong number",
}
RETRY_MINUTES = {"voicemail": 120, "no_answer": 60}
OUTCOMES = {
    "resolved": "Resolved",
    "rescheduled": "Rescheduled",
    "to_nurse": "Referred to nurse",
    "unable_to_reach": "Unable to reach after attempts",
    "records_sent": "Records sent",
    "billing": "Handed to billing",
    "duplicate": "Duplicate item",
}
MAX_NOTES = 2000
SAME_DAY_END = (17, 0)  # "the same day" means by 17:00, or two hours if later than 15:00


@dataclass(frozen=True)
class Reason:
    """A reason a clerk can pick, with its routing and due rule."""

    code: str
    label: str
    queue: str
    due_minutes: int
    priority: int
    also_supervisor: bool
    automatic: bool

    @classmethod
    def of(cls, row: CallbackReason) -> Reason:
        """The plain value of a reason row."""
        return cls(
            row.code,
            row.label,
            row.queue,
            row.due_minutes,
            row.priority,
            row.also_supervisor,
            row.automatic,
        )


@dataclass(frozen=True)
class NewCallback:
    """What the quick-add form (or a phone system's export) gives; text as typed."""

    reason: str
    caller_name: str = ""
    patient_id: int | None = None
    phone: str = ""
    notes: str = ""
    reference: str = ""
    priority: int | None = None  # None: the reason's
    due: datetime | None = None  # None: the reason's rule
    owner_queue: str | None = None  # None: the reason's queue
    owner_staff_id: int | None = None


@dataclass(frozen=True)
class Added:
    """A new item's id, and warnings the clerk should see (nothing was refused)."""

    callback_id: int
    warnings: tuple[str, ...] = ()


def reasons_in(session: Session, *, include_automatic: bool = False) -> list[Reason]:
    """The clinic's reasons in list order."""
    query = select(CallbackReason).where(col(CallbackReason.active))
    if not include_automatic:
        query = query.where(col(CallbackReason.automatic).is_(False))
    rows = session.exec(query.order_by(col(CallbackReason.position))).all()
    return [Reason.of(r) for r in rows]


def reasons(engine: Engine) -> list[Reason]:
    """:func:`reasons_in` in a session of its own."""
    with read_session(engine) as session:
        return reasons_in(session)


def due_for(reason: Reason, now: datetime, clinic: Clinic) -> datetime:
    """When an item of ``reason`` made at ``now`` is due."""
    if reason.due_minutes >= 0:
        return now + timedelta(minutes=reason.due_minutes)
    local = now.astimezone(clinic.zone)
    end = local.replace(hour=SAME_DAY_END[0], minute=SAME_DAY_END[1], second=0, microsecond=0)
    if local >= end - timedelta(hours=2):
        return now + timedelta(hours=2)
    return end


def _reason(session: Session, code: str, *, automatic: bool = False) -> Reason:
    """An active reason; the automatic ones (rebook, long wait) only for the desk's rules."""
    row = session.get(CallbackReason, code)
    if row is None or not row.active or row.automatic != automatic:
        raise InvalidInput("Choose a reason from the list", field="reason")
    return Reason.of(row)


def _check_owner(session: Session, queue: str | None, staff_id: int | None) -> None:
    if queue is not None and queue not in QUEUES:
        raise InvalidInput(f"Owner must be one of {', '.join(QUEUES)} or a person", field="owner")
    if staff_id is not None:
        row = session.get(Staff, staff_id)
        if row is None or not row.active:
            raise InvalidInput("That person is not an active account", field="owner")


def add_callback(engine: Engine, new: NewCallback, *, staff: StaffMember | None) -> Added:
    """Create an item: validated at each field; a due time in the past is a warning."""
    caller = clean_name(new.caller_name, field="caller", label="Caller", required=False)
    notes = clean_text(new.notes, field="notes", label="Notes", max_len=MAX_NOTES, multiline=True)
    reference = clean_text(new.reference, field="reference", label="Reference", max_len=40)
    if new.priority is not None and new.priority not in PRIORITIES:
        raise InvalidInput("Priority is 1 (high), 2 (normal) or 3 (low)", field="priority")
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        phone = parse_phone(new.phone, field="phone", label="Phone", region=clinic.phone_region)
        reason = _reason(session, new.reason)
        if new.patient_id is not None:
            patient = session.get(Patient, new.patient_id)
            if patient is None:
                raise InvalidInput("That patient is no longer on file", field="caller")
            phone = phone or patient.phone_mobile or patient.phone_home
        elif not caller:
            raise InvalidInput("Who called? A patient or a name", field="caller")
        if not phone:
            raise InvalidInput("A phone number to call back is needed", field="phone")
        _check_owner(session, new.owner_queue, new.owner_staff_id)
        now = clock.now()
        due = new.due or due_for(reason, now, clinic)
        warnings: list[str] = []
        if due < now:
            warnings.append("The due time is already past: the item shows as overdue")
        row = Callback(
            created_at=now,
            created_by=staff.id if staff else None,
            patient_id=new.patient_id,
            caller_name=caller,
            phone=phone,
            reason=reason.code,
            priority=new.priority or reason.priority,
            due_at=due,
            owner_staff_id=new.owner_staff_id,
            owner_queue=new.owner_queue or ("" if new.owner_staff_id else reason.queue),
            notes=notes,
            reference=reference,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        audit.record(
            session,
            staff_id=staff.id if staff else None,
            action="callback.added",
            entity="callback",
            entity_id=row.id,
            detail={"reason": reason.code, "queue": row.owner_queue, "due_at": due},
        )
        return Added(row.id, tuple(warnings))


def _load(session: Session, callback_id: int, version: int | None) -> Callback:
    row = session.get(Callback, callback_id)
    if row is None:
        raise NotFound("That item is no longer in the queue")
    if version is not None and row.version != version:
        raise StaleRecord("Someone else changed this item just now; it has been reloaded")
    if row.status == "closed":
        raise InvalidInput("This item is already closed")
    return row


def log_attempt(
    engine: Engine,
    callback_id: int,
    result: str,
    *,
    staff: StaffMember,
    version: int | None = None,
) -> datetime | None:
    """Record one try; returns the next try time (None when no retry is needed)."""
    if result not in ATTEMPTS:
        raise InvalidInput(f"Attempt is one of {', '.join(ATTEMPTS)}", field="attempt")
    with write_session(engine) as session:
        row = _load(session, callback_id, version)
        now = clock.now()
        retry = RETRY_MINUTES.get(result)
        next_try = now + timedelta(minutes=retry) if retry else None
        session.add(
            CallbackAttempt(
                callback_id=callback_id,
                at=now,
                staff_id=staff.id,
                result=result,
                next_try_at=next_try,
            )
        )
        row.status = "in_progress"
        row.version += 1
        session.add(row)
        audit.record(
            session,
            staff_id=staff.id,
            action="callback.attempt",
            entity="callback",
            entity_id=callback_id,
            detail={"result": result},
        )
        return next_try


def close_callback(
    engine: Engine,
    callback_id: int,
    outcome: str,
    *,
    staff: StaffMember,
    note: str = "",
    version: int | None = None,
) -> None:
    """Close an item: an outcome is required; a note is optional."""
    if outcome not in OUTCOMES:
        raise InvalidInput("Choose an outcome to close the item", field="outcome")
    clean = clean_text(note, field="note", label="Note", max_len=MAX_NOTES, multiline=True)
    with write_session(engine) as session:
        row = _load(session, callback_id, version)
        now = clock.now()
        row.status = "closed"
        row.outcome = outcome
        row.outcome_note = clean
        row.closed_at = now
        row.closed_by = staff.id
        row.version += 1
        session.add(row)
        audit.record(
            session,
            staff_id=staff.id,
            action="callback.closed",
            entity="callback",
            entity_id=callback_id,
            detail={
                "outcome": outcome,
                "minutes_open": int((now - row.created_at).total_seconds() // 60),
            },
        )


def reassign(
    engine: Engine,
    callback_id: int,
    *,
    staff: StaffMember,
    queue: str | None = None,
    owner_staff_id: int | None = None,
    version: int | None = None,
) -> None:
    """Give an item to a queue or a person."""
    if (queue is None) == (owner_staff_id is None):
        raise InvalidInput("Give the item to one queue or one person", field="owner")
    with write_session(engine) as session:
        _check_owner(session, queue, owner_staff_id)
        row = _load(session, callback_id, version)
        before = {"queue": row.owner_queue, "staff": row.owner_staff_id}
        row.owner_queue = queue or ""
        row.owner_staff_id = owner_staff_id
        row.version += 1
        session.add(row)
        audit.record(
            session,
            staff_id=staff.id,
            action="callback.reassigned",
            entity="callback",
            entity_id=callback_id,
            detail={"before": before, "queue": queue, "staff": owner_staff_id},
        )


def insert_once(session: Session, row: Callback) -> int | None:
    """Add ``row``; None when an item with its cause exists already (a unique index).

    A savepoint: an item another terminal made a moment ago is skipped without
    undoing the caller's own changes in its transaction.
    """
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    assert row.id is not None
    return row.id


def add_automatic(
    session: Session,
    *,
    cause: str,
    reason_code: str,
    patient_id: int,
    note: str,
    clinic: Clinic,
    staff_id: int | None,
) -> int | None:
    """An item made by the desk's rules, once per cause (a unique index); its id or None.

    Runs inside the caller's transaction (a savepoint, so a duplicate is skipped
    without undoing the caller's own change).
    """
    if session.exec(select(Callback.id).where(Callback.cause == cause)).first() is not None:
        return None
    reason = _reason(session, reason_code, automatic=True)
    patient = session.get(Patient, patient_id)
    if patient is None:
        return None
    now = clock.now()
    row = Callback(
        created_at=now,
        created_by=staff_id,
        patient_id=patient_id,
        phone=patient.phone_mobile or patient.phone_home,
        reason=reason.code,
        priority=reason.priority,
        due_at=due_for(reason, now, clinic),
        owner_queue=reason.queue,
        notes=note,
        cause=cause,
    )
    callback_id = insert_once(session, row)
    if callback_id is None:
        return None
    audit.record(
        session,
        staff_id=staff_id,
        action="callback.automatic",
        entity="callback",
        entity_id=callback_id,
        detail={"cause": cause},
    )
    return callback_id
