"""A few patients on the demo clinic's wait list, so a cancellation has someone to offer."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlmodel import Session

from frontdesk.data.models import Appointment, WaitlistEntry

WISHES = (  # weekdays, earliest, latest, note
    ("", None, None, "Any time; can come at short notice"),
    ("01234", None, 12 * 60, "Mornings before work"),
    ("24", 13 * 60, None, "Wed or Fri afternoons"),
    ("", 15 * 60, None, "After school"),
)


def seed_wait_list(
    session: Session,
    *,
    appointments: list[Appointment],
    now: datetime,
    staff_id: int | None,
    rng: random.Random,
) -> int:
    """Put the patients of a few later bookings on the wait list for the same visit type."""
    later = [
        a for a in appointments if a.start_at > now + timedelta(days=7) and a.status == "BOOKED"
    ]
    chosen = rng.sample(later, min(len(WISHES), len(later)))
    for appt, (days, earliest, latest, note) in zip(chosen, WISHES, strict=False):
        session.add(
            WaitlistEntry(
                patient_id=appt.patient_id,
                type_id=appt.type_id,
                weekdays=days,
                earliest_minute=earliest,
                latest_minute=latest,
                note=note,
                created_at=now - timedelta(days=rng.randint(1, 10)),
                created_by=staff_id,
            )
        )
    return len(chosen)
