"""The audit trail: append-only, hash-chained, written inside each action's transaction."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, insert, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from frontdesk import clock
from frontdesk.data.models import AuditEvent

GENESIS = "0" * 64
_TABLE = AuditEvent.metadata.tables["audit_event"]
_INSERT = insert(_TABLE).returning(_TABLE.c.id)


def origin() -> str:
    """Where the action came from: the SSH client's address and the terminal."""
    parts: list[str] = []
    ssh = os.environ.get("SSH_CLIENT", "").split(" ")[0]
    if ssh:
        parts.append(f"ssh:{ssh}")
    try:
        parts.append(os.ttyname(sys.stdin.fileno()))
    except (OSError, ValueError, AttributeError):
        parts.append("no-tty")
    return " ".join(parts)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _digest(prev_hash: str, event: AuditEvent) -> str:
    body = json.dumps(
        [
            prev_hash,
            event.at.isoformat(),
            event.staff_id,
            event.action,
            event.entity,
            event.entity_id,
            event.detail,
            event.origin,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(
    session: Session,
    *,
    staff_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event in the caller's (write) transaction."""
    last = session.exec(
        select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)
    ).first()
    event = AuditEvent(
        at=clock.now(),
        staff_id=staff_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=json.dumps(detail or {}, default=_jsonable, ensure_ascii=False, sort_keys=True),
        origin=origin(),
        prev_hash=last or GENESIS,
        hash="",
    )
    event.hash = _digest(event.prev_hash, event)
    # A Core INSERT: every write action makes one, and the ORM's unit of work would
    # cost a third of a payment's time. The event object is returned detached.
    event.id = session.connection().execute(_INSERT, event.model_dump(exclude={"id"})).scalar_one()
    return event


def verify_chain(session: Session) -> int | None:
    """The id of the first event whose hash does not match, or ``None`` if all is intact.

    The time is checked as stored, not only as parsed: a flipped byte that makes it
    unreadable, or that the datetime parser would forgive (``2026-11-24!16:00``),
    is reported at its row instead of raising or passing.
    """
    dialect = session.get_bind().dialect
    at_type = AuditEvent.__table__.c.at.type.dialect_impl(dialect)  # type: ignore[attr-defined]
    load = at_type.result_processor(dialect, None) or (lambda value: value)
    store = at_type.bind_processor(dialect) or (lambda value: value)
    rows = session.execute(
        sa_select(
            col(AuditEvent.id),
            type_coerce(col(AuditEvent.at), String).label("at"),
            col(AuditEvent.staff_id),
            col(AuditEvent.action),
            col(AuditEvent.entity),
            col(AuditEvent.entity_id),
            col(AuditEvent.detail),
            col(AuditEvent.origin),
            col(AuditEvent.prev_hash),
            col(AuditEvent.hash),
        ).order_by(col(AuditEvent.id))
    )
    prev = GENESIS
    for row in rows:
        try:
            at = load(row.at)
            stored_as_written = not isinstance(row.at, str) or store(at) == row.at
        except (TypeError, ValueError, OverflowError):
            return int(row.id)
        event = AuditEvent(
            at=at,
            staff_id=row.staff_id,
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id,
            detail=row.detail,
            origin=row.origin,
            prev_hash=row.prev_hash,
            hash=row.hash,
        )
        if not stored_as_written or row.prev_hash != prev or _digest(prev, event) != row.hash:
            return int(row.id)
        prev = row.hash
    return None


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Only the fields that changed, as ``{field: [old, new]}``."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
