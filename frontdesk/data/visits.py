"""When a patient arrived, was roomed and left, read from the status events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col
from sqlmodel import select as select_rows

from frontdesk.data.models import AppointmentEvent, Status


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
