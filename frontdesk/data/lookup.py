"""Patient search with each patient's appointment today, for the find screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from frontdesk import clock
from frontdesk.data.clinic import get_clinic_in
from frontdesk.data.db import read_session
from frontdesk.data.models import Appointment, Provider, Status
from frontdesk.data.patients import PatientHit
from frontdesk.data.search import search_in


@dataclass(frozen=True)
class TodayVisit:
    """A patient's appointment today (the first one not cancelled)."""

    appointment_id: int
    start: datetime  # clinic-local
    status: Status
    provider: str


@dataclass(frozen=True)
class FoundPatient:
    """A search hit and, if any, today's visit."""

    hit: PatientHit
    today: TodayVisit | None


def find_patients(engine: Engine, query: str) -> list[FoundPatient]:
    """Search, then one indexed query for the hits' appointments today."""
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        hits = search_in(session, query, clinic)
        if not hits:
            return []
        start, end = clock.day_bounds(clinic.today(), clinic.zone)
        rows = session.exec(
            select(Appointment, Provider.short_name)
            .join(Provider, col(Provider.id) == Appointment.provider_id)
            .where(
                col(Appointment.patient_id).in_([h.id for h in hits]),
                col(Appointment.start_at) >= start,
                col(Appointment.start_at) < end,
                col(Appointment.status) != Status.CANCELLED.value,
            )
            .order_by(col(Appointment.start_at))
        ).all()
        visits: dict[int, TodayVisit] = {}
        for appt, provider in rows:
            assert appt.id is not None
            visits.setdefault(
                appt.patient_id,
                TodayVisit(
                    appt.id, appt.start_at.astimezone(clinic.zone), Status(appt.status), provider
                ),
            )
        return [FoundPatient(h, visits.get(h.id)) for h in hits]
