"""No-show suggestions: who is past the no-show time, and confirming them in one go."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import col, select

from frontdesk import clock
from frontdesk.data.appointments import change_status
from frontdesk.data.checkin import CheckInRequest, check_in
from frontdesk.data.db import read_session
from frontdesk.data.delays import set_delay
from frontdesk.data.models import Appointment, AppointmentEvent, Callback, Status
from frontdesk.data.no_shows import confirm_no_shows, next_due_at, suggestions
from tests.conftest import NOW, TODAY, ZONE, Clinic
from tests.data.helpers import audit_events, count, detail, fetch, set_fields

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _local(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 24, hour, minute, tzinfo=ZONE)


def _status(clinic: Clinic, appointment_id: int) -> str:
    return fetch(clinic.engine, Appointment, appointment_id).status


def test_suggested_once_past_the_grace_in_time_order(clinic: Clinic) -> None:
    late = clinic.book(clinic.add_patient("Lee", "Min"), 9, 30)
    at_grace = clinic.book(clinic.add_patient("Edge", "Ed"), 9, 45, provider_id=clinic.provider2_id)
    clinic.book(clinic.add_patient("Soon", "Sue"), 9, 50)  # 10 min late: not yet
    clinic.book(clinic.add_patient("Later", "Lou"), 11, 0)
    clinic.book(clinic.add_patient("Gone", "Gil"), 9, 0, day=TODAY - timedelta(days=1))
    found = suggestions(clinic.engine)
    assert [s.appointment_id for s in found] == [late, at_grace]
    first = found[0]
    assert (first.patient, first.provider, first.type_name) == ("Lee, Min", "Okafor", "Follow-up")
    assert (first.start, first.due, first.minutes_late) == (_local(9, 30), _local(9, 45), 30)
    assert first.version == 1
    # a given moment: later in the day, the 09:50 is suggested too
    assert len(suggestions(clinic.engine, NOW + timedelta(minutes=5))) == 3


def test_only_booked_appointments_are_suggested(clinic: Clinic) -> None:
    engine, ana = clinic.engine, clinic.desk
    arrived_patient = clinic.add_patient("Here", "Hal")
    arrived = clinic.book(arrived_patient, 9, 0)
    check_in(
        engine,
        CheckInRequest(patient_id=arrived_patient, appointment_id=arrived, identity_verified=True),
        staff=ana,
    )
    cancelled = clinic.book(clinic.add_patient("Off", "Olga"), 9, 0)
    change_status(engine, cancelled, Status.CANCELLED, staff=ana, reason="Patient cancelled")
    missed = clinic.book(clinic.add_patient("Miss", "Mo"), 9, 0)
    change_status(engine, missed, Status.NO_SHOW, staff=ana)
    booked = clinic.book(clinic.add_patient("Lee", "Min"), 9, 0)
    assert [s.appointment_id for s in suggestions(engine)] == [booked]


def test_a_late_running_provider_holds_back_suggestions(clinic: Clinic) -> None:
    okafor = clinic.book(clinic.add_patient("Lee", "Min"), 9, 30)
    patel = clinic.book(clinic.add_patient("Other", "Ola"), 9, 30, provider_id=clinic.provider2_id)
    set_delay(clinic.engine, clinic.provider_id, 20, staff=clinic.desk)
    found = suggestions(clinic.engine)
    assert [s.appointment_id for s in found] == [patel]
    assert next_due_at(clinic.engine) == _local(10, 5)  # 09:30 + 15 grace + 20 late
    clock.advance(timedelta(minutes=5))
    found = suggestions(clinic.engine)
    assert [(s.appointment_id, s.delay) for s in found] == [(okafor, 20), (patel, 0)]
    assert found[0].due == _local(10, 5)


def test_next_due_at_is_none_when_nobody_is_still_to_come(clinic: Clinic) -> None:
    clinic.book(clinic.add_patient("Lee", "Min"), 9, 0)  # already past
    assert next_due_at(clinic.engine) is None
    clinic.book(clinic.add_patient("Soon", "Sue"), 10, 30)
    assert next_due_at(clinic.engine) == _local(10, 45)


def test_confirming_marks_them_no_show_with_events_and_rebook_calls(clinic: Clinic) -> None:
    engine = clinic.engine
    first = clinic.book(clinic.add_patient("Lee", "Min"), 9, 0)
    second = clinic.book(clinic.add_patient("Núñez", "María"), 9, 30)
    kept = clinic.book(clinic.add_patient("Stay", "Stu"), 9, 15)  # suggested, not chosen
    found = {s.appointment_id: s for s in suggestions(engine)}
    result = confirm_no_shows(
        engine,
        [first, second],
        staff=clinic.desk,
        versions={i: found[i].version for i in (first, second)},
    )
    assert (result.marked, result.skipped, result.count) == ((first, second), (), 2)
    assert [_status(clinic, i) for i in (first, second, kept)] == ["NO-SHOW", "NO-SHOW", "BOOKED"]
    with read_session(engine) as session:
        events = session.exec(select(AppointmentEvent).order_by(col(AppointmentEvent.id))).all()
        calls = session.exec(select(Callback).order_by(col(Callback.id))).all()
        assert [(e.appointment_id, e.from_status, e.to_status) for e in events] == [
            (first, "BOOKED", "NO-SHOW"),
            (second, "BOOKED", "NO-SHOW"),
        ]
        assert [e.staff_id for e in events] == [clinic.desk.id, clinic.desk.id]
        assert [(c.reason, c.cause) for c in calls] == [
            ("rebook", f"no-show:{first}"),
            ("rebook", f"no-show:{second}"),
        ]
        assert calls[0].notes == "Missed Tue 24 Nov 09:00; offer a new time"
    audits = audit_events(engine, "appointment.status")
    assert [(a.entity_id, detail(a)["to"]) for a in audits] == [
        (first, "NO-SHOW"),
        (second, "NO-SHOW"),
    ]
    assert [s.appointment_id for s in suggestions(engine)] == [kept]


def test_a_row_that_changed_meanwhile_is_skipped_never_overwritten(clinic: Clinic) -> None:
    engine = clinic.engine
    arrived_patient = clinic.add_patient("Here", "Hal")
    arrived = clinic.book(arrived_patient, 9, 0)
    edited = clinic.book(clinic.add_patient("Edit", "Ed"), 9, 10)
    plain = clinic.book(clinic.add_patient("Lee", "Min"), 9, 20)
    seen = {s.appointment_id: s.version for s in suggestions(engine)}
    assert set(seen) == {arrived, edited, plain}
    # meanwhile, on another terminal: one arrives, one is edited (still BOOKED)
    check_in(
        engine,
        CheckInRequest(patient_id=arrived_patient, appointment_id=arrived, identity_verified=True),
        staff=clinic.desk2,
    )
    set_fields(engine, Appointment, edited, version=5)
    result = confirm_no_shows(
        engine, [arrived, edited, plain, 999], staff=clinic.desk, versions=seen
    )
    assert result.marked == (plain,)
    assert [(s.appointment_id, s.patient, s.why) for s in result.skipped] == [
        (arrived, "Here, Hal", "Now ARRIVED"),
        (edited, "Edit, Ed", "Changed on another terminal since: look again"),
        (999, "", "No longer on the schedule"),
    ]
    assert [_status(clinic, i) for i in (arrived, edited, plain)] == [
        "ARRIVED",
        "BOOKED",
        "NO-SHOW",
    ]
    assert count(engine, Callback) == 1  # the one rebook item


def test_confirming_follows_the_grace_and_the_delay(clinic: Clinic) -> None:
    engine = clinic.engine
    early = clinic.book(clinic.add_patient("Soon", "Sue"), 9, 50)
    held = clinic.book(clinic.add_patient("Lee", "Min"), 9, 30)
    set_delay(engine, clinic.provider_id, 20, staff=clinic.desk)
    result = confirm_no_shows(engine, [early, held, early], staff=clinic.desk)
    assert result.marked == ()
    assert [(s.appointment_id, s.why) for s in result.skipped] == [
        (early, "Too early for a no-show: wait until 10:05"),
        (held, "Okafor is running 20 min late: wait until 10:05"),
    ]
    assert [_status(clinic, i) for i in (early, held)] == ["BOOKED", "BOOKED"]
    assert count(engine, AppointmentEvent) == 0
