"""The spine end to end in the data layer: register, book, check in, room, undo."""

from __future__ import annotations

from sqlmodel import select

from frontdesk.data.appointments import change_status, undo_last
from frontdesk.data.checkin import CheckInRequest, check_in, view_for_appointment
from frontdesk.data.db import read_session
from frontdesk.data.models import Appointment, AppointmentEvent, Status
from frontdesk.data.schedule import load_day
from frontdesk.data.search import search
from tests.conftest import Clinic


def test_check_in_room_and_undo(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 30)
    view = view_for_appointment(clinic.engine, aid)
    assert [i.code for i in view.items] == ["eligibility"]
    result = check_in(
        clinic.engine,
        CheckInRequest(patient_id=pid, appointment_id=aid, identity_verified=True),
        staff=clinic.desk,
    )
    assert result.changed
    change_status(clinic.engine, aid, Status.IN_ROOM, staff=clinic.desk)
    undo_last(clinic.engine, aid, staff=clinic.desk)
    with read_session(clinic.engine) as s:
        appt = s.get(Appointment, aid)
        assert appt is not None
        assert appt.status == Status.ARRIVED.value
        events = s.exec(select(AppointmentEvent.to_status)).all()
    assert events == ["ARRIVED", "IN ROOM", "ARRIVED"]
    day = load_day(clinic.engine)
    booked = [r for r in day.rows if not r.is_opening]
    assert booked[0].status == Status.ARRIVED
    assert [h.mrn for h in search(clinic.engine, "smi, jo")] == ["000001"]
