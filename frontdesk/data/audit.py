"""The audit trail: append-only, hash-chained, written inside each action's transaction."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from frontdesk import clock
from frontdesk.data.models import AuditEvent

GENESIS = "0" * 64


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
    session.add(event)
    session.flush()
    return event


def verify_chain(session: Session) -> int | None:
    """The id of the first event whose hash does not match, or ``None`` if all is intact."""
    prev = GENESIS
    for event in session.exec(select(AuditEvent).order_by(col(AuditEvent.id))):
        if event.prev_hash != prev or _digest(prev, event) != event.hash:
            return event.id
        prev = event.hash
    return None


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Only the fields that changed, as ``{field: [old, new]}``."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
