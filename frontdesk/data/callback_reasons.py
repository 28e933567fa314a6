"""The clinic's list of callback reasons: each one's queue, due rule and priority.

A supervisor changes them (``frontdesk callbacks reasons``); each change is
audited. Reasons are never deleted, only switched off, so old items keep theirs.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from frontdesk.data import audit
from frontdesk.data.callbacks import PRIORITIES, QUEUES, Reason
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import InvalidInput, PermissionDenied
from frontdesk.data.models import CallbackReason
from frontdesk.data.staff import StaffMember
from frontdesk.data.validation import clean_text

MAX_DUE_MINUTES = 60 * 24 * 90  # 90 days


def all_reasons(engine: Engine) -> list[tuple[Reason, bool]]:
    """Every reason (the automatic ones too) with whether it is switched on."""
    with read_session(engine) as session:
        rows = session.exec(select(CallbackReason).order_by(col(CallbackReason.position))).all()
        return [(Reason.of(row), row.active) for row in rows]


def update_reason(
    engine: Engine,
    code: str,
    *,
    by: StaffMember,
    label: str | None = None,
    queue: str | None = None,
    due_minutes: int | None = None,
    priority: int | None = None,
    active: bool | None = None,
) -> Reason:
    """Change one reason (a supervisor); ``due_minutes`` -1 means "the same day"."""
    if not by.is_supervisor:
        raise PermissionDenied("Only a supervisor can change the callback reasons")
    if queue is not None and queue not in QUEUES:
        raise InvalidInput(f"Queue is one of {', '.join(QUEUES)}", field="queue")
    if due_minutes is not None and not -1 <= due_minutes <= MAX_DUE_MINUTES:
        raise InvalidInput(
            f"Due is -1 (the same day) or 0 to {MAX_DUE_MINUTES} minutes", field="due_minutes"
        )
    if priority is not None and priority not in PRIORITIES:
        raise InvalidInput("Priority is 1 (high), 2 (normal) or 3 (low)", field="priority")
    with write_session(engine) as session:
        row = session.get(CallbackReason, code)
        if row is None:
            raise InvalidInput(f"No reason with the code {code}", field="code")
        before = Reason.of(row)
        if label is not None:
            row.label = clean_text(label, field="label", label="Label", required=True, max_len=40)
        if queue is not None:
            row.queue = queue
        if due_minutes is not None:
            row.due_minutes = due_minutes
        if priority is not None:
            row.priority = priority
        if active is not None:
            row.active = active
        session.add(row)
        audit.record(
            session,
            staff_id=by.id,
            action="callback_reason.changed",
            entity="callback_reason",
            detail={"code": code, "before": before.__dict__, "after": Reason.of(row).__dict__},
        )
        return Reason.of(row)
