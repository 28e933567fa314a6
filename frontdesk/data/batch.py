"""Actions on several schedule rows at once: each batch is one transaction, all or nothing.

Confirming is :func:`frontdesk.data.prep.confirm` and marking no-shows is
:func:`frontdesk.data.no_shows.confirm_no_shows`; cancelling and moving to
another provider live here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.appointments import apply_status, check_reason, check_transition
from frontdesk.data.appointments import load_for_update as load_appointment
from frontdesk.data.booking import Freed, freed_by, is_late, late_reason, slot_problem
from frontdesk.data.clinic import get_clinic_in
from frontdesk.data.db import write_session
from frontdesk.data.errors import InvalidInput
from frontdesk.data.models import AppointmentType, Provider, Status
from frontdesk.data.staff import StaffMember


@dataclass(frozen=True)
class BatchCancelled:
    """How many were cancelled, how many of them late, and the slots freed."""

    count: int
    late: int
    freed: tuple[Freed, ...]


def cancel_many(
    engine: Engine, appointment_ids: Sequence[int], *, staff: StaffMember, reason: str
) -> BatchCancelled:
    """Cancel every one of ``appointment_ids`` with one reason, or none of them."""
    text = check_reason(reason)
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        now = clock.now()
        count = late = 0
        freed: list[Freed] = []
        for appointment_id in appointment_ids:
            appt = load_appointment(session, appointment_id)
            if not check_transition(appt, Status.CANCELLED, clinic):
                continue
            was_late = is_late(appt, clinic, now)
            if appt.status == Status.BOOKED.value:
                freed.append(freed_by(appt, clinic))
            appt.cancel_reason = text
            reason = late_reason(text, was_late)
            apply_status(session, appt, Status.CANCELLED, staff=staff, reason=reason)
            count += 1
            late += was_late
        return BatchCancelled(count, late, tuple(freed))


def move_to_provider(
    engine: Engine, appointment_ids: Sequence[int], provider_id: int, *, staff: StaffMember
) -> int:
    """Give the visits to another provider at the same times, or none of them.

    Each visit must fit the new provider's hours, breaks and bookings (the
    ones moved before it in this batch included); the first that does not
    stops the batch with a message naming it.
    """
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        provider = session.get(Provider, provider_id)
        if provider is None or not provider.active:
            raise InvalidInput("Choose a provider from the list")
        moved = 0
        for appointment_id in appointment_ids:
            appt = load_appointment(session, appointment_id)
            if appt.provider_id == provider_id:
                continue
            if appt.status != Status.BOOKED.value:
                raise InvalidInput(f"The {_at(appt.start_at, clinic.zone)} visit is {appt.status}")
            visit = session.get(AppointmentType, appt.type_id)
            assert visit is not None
            problem = slot_problem(
                session,
                clinic,
                provider_id=provider_id,
                visit=visit,
                start=appt.start_at,
                ignore_id=appt.id,
            )
            if problem is not None:
                raise InvalidInput(
                    f"Nothing moved: the {_at(appt.start_at, clinic.zone)} visit: {problem.message}"
                )
            before = appt.provider_id
            appt.provider_id = provider_id
            appt.version += 1
            appt.updated_at = clock.now()
            session.add(appt)
            session.flush()
            audit.record(
                session,
                staff_id=staff.id,
                action="appointment.provider",
                entity="appointment",
                entity_id=appt.id,
                detail={"from": before, "to": provider_id},
            )
            moved += 1
        return moved


def _at(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%H:%M}"
