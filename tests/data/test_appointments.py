"""The appointment state machine, undo, append-only history and visit times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from frontdesk import clock
from frontdesk.data.appointments import change_status, undo_last
from frontdesk.data.checkin import CheckInRequest, check_in
from frontdesk.data.clinic import load_clinic
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import AppointmentNotFound, InvalidInput, TransitionRefused
from frontdesk.data.models import Appointment, AppointmentEvent, AuditEvent, Status
from frontdesk.data.schedule import load_day, visit_times_in
from frontdesk.data.staff import StaffMember
from tests.conftest import NOW, TODAY, ZONE, Clinic
from tests.data.helpers import audit_events, count, detail, fetch, set_fields

pytestmark = pytest.mark.usefixtures("fast_hashing")


def status_of(clinic: Clinic, aid: int) -> Status:
    return Status(fetch(clinic.engine, Appointment, aid).status)


def events_of(clinic: Clinic, aid: int) -> list[AppointmentEvent]:
    with read_session(clinic.engine) as session:
        rows = list(
            session.exec(
                select(AppointmentEvent)
                .where(AppointmentEvent.appointment_id == aid)
                .order_by(col(AppointmentEvent.id))
            ).all()
        )
        for row in rows:
            session.expunge(row)
        return rows


def arrive(clinic: Clinic, aid: int, pid: int, *, staff: StaffMember | None = None) -> bool:
    result = check_in(
        clinic.engine,
        CheckInRequest(patient_id=pid, appointment_id=aid),
        staff=staff or clinic.desk,
    )
    return result.changed


# --- which day -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "This appointment is for tomorrow, not today"), (-1, "for Mon 23 Nov, not today")],
)
def test_check_in_of_another_days_appointment_is_refused(
    clinic: Clinic, days: int, message: str
) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 30, day=TODAY + timedelta(days=days))
    with pytest.raises(TransitionRefused, match=message):
        arrive(clinic, aid, pid)
    assert status_of(clinic, aid) == Status.BOOKED
    assert events_of(clinic, aid) == []


def test_today_is_the_clinics_day_not_utcs(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    # 19:00 in Chicago is already tomorrow in UTC
    evening = clinic.book(pid, 19, 0)
    assert fetch(clinic.engine, Appointment, evening).start_at.astimezone(UTC).day == 25
    assert arrive(clinic, evening, pid)
    # 00:30 tomorrow in Chicago is still today in UTC
    after_midnight = clinic.book(pid, 0, 30, day=TODAY + timedelta(days=1))
    assert fetch(clinic.engine, Appointment, after_midnight).start_at.astimezone(UTC).day == 25
    with pytest.raises(TransitionRefused, match="tomorrow"):
        arrive(clinic, after_midnight, pid)


# --- idempotence and refusals --------------------------------------------------------


def test_check_in_twice_changes_nothing_the_second_time(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 30)
    assert arrive(clinic, aid, pid) is True
    audits = count(clinic.engine, AuditEvent)
    version = fetch(clinic.engine, Appointment, aid).version
    assert arrive(clinic, aid, pid) is False
    again = change_status(clinic.engine, aid, Status.ARRIVED, staff=clinic.desk2)
    assert (again.changed, again.to_status) == (False, Status.ARRIVED)
    assert [e.to_status for e in events_of(clinic, aid)] == ["ARRIVED"]
    assert count(clinic.engine, AuditEvent) == audits
    assert fetch(clinic.engine, Appointment, aid).version == version
    assert len(audit_events(clinic.engine, "appointment.checked_in")) == 1


def test_no_show_only_after_start_plus_grace(clinic: Clinic) -> None:
    grace = load_clinic(clinic.engine).no_show_grace_minutes
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 30)
    ready = datetime(2026, 11, 24, 10, 30, tzinfo=ZONE) + timedelta(minutes=grace)
    with pytest.raises(TransitionRefused, match=f"wait until {ready:%H:%M}"):
        change_status(clinic.engine, aid, Status.NO_SHOW, staff=clinic.desk)
    clock.advance(ready - NOW - timedelta(seconds=1))
    with pytest.raises(TransitionRefused, match="Too early"):
        change_status(clinic.engine, aid, Status.NO_SHOW, staff=clinic.desk)
    assert status_of(clinic, aid) == Status.BOOKED
    clock.advance(timedelta(seconds=1))
    result = change_status(clinic.engine, aid, Status.NO_SHOW, staff=clinic.desk)
    assert (result.changed, result.from_status, result.to_status) == (
        True,
        Status.BOOKED,
        Status.NO_SHOW,
    )
    assert status_of(clinic, aid) == Status.NO_SHOW
    (event,) = events_of(clinic, aid)
    assert (event.from_status, event.to_status, event.at) == ("BOOKED", "NO-SHOW", clock.now())


def test_cancel_needs_a_reason_and_records_it(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 11, 0)
    for reason in ("", "   "):
        with pytest.raises(InvalidInput) as caught:
            change_status(clinic.engine, aid, Status.CANCELLED, staff=clinic.desk, reason=reason)
        assert caught.value.field == "reason"
        assert "required" in str(caught.value)
    with pytest.raises(InvalidInput, match="hidden control"):
        change_status(clinic.engine, aid, Status.CANCELLED, staff=clinic.desk, reason="x\x1b[2Jy")
    assert status_of(clinic, aid) == Status.BOOKED
    assert events_of(clinic, aid) == []
    change_status(
        clinic.engine, aid, Status.CANCELLED, staff=clinic.desk, reason="Patient rescheduled"
    )
    row = fetch(clinic.engine, Appointment, aid)
    assert (row.status, row.cancel_reason) == ("CANCELLED", "Patient rescheduled")
    assert events_of(clinic, aid)[-1].reason == "Patient rescheduled"
    (audited,) = [
        e for e in audit_events(clinic.engine, "appointment.status") if e.entity_id == aid
    ]
    assert detail(audited) == {"from": "BOOKED", "to": "CANCELLED", "reason": "Patient rescheduled"}


@pytest.mark.parametrize(
    ("to", "hint"),
    [(Status.IN_ROOM, "check the patient in first"), (Status.DONE, "room the patient first")],
)
def test_skipping_a_step_is_refused_with_what_to_do(clinic: Clinic, to: Status, hint: str) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 0)
    with pytest.raises(TransitionRefused) as caught:
        change_status(clinic.engine, aid, to, staff=clinic.desk)
    assert str(caught.value) == f"It is BOOKED: {hint} ({'c' if to == Status.IN_ROOM else 'r'})"
    assert status_of(clinic, aid) == Status.BOOKED


# What the front desk expects from each status (written from the workflow, not the code):
# "changed" moves, "same" is an idempotent no-op, "refused" raises.
EXPECTED = {
    Status.BOOKED: {
        Status.ARRIVED: "changed",
        Status.IN_ROOM: "refused",
        Status.DONE: "refused",
        Status.NO_SHOW: "changed",
        Status.CANCELLED: "changed",
    },
    Status.ARRIVED: {
        Status.ARRIVED: "same",
        Status.IN_ROOM: "changed",
        Status.DONE: "changed",
        Status.NO_SHOW: "refused",
        Status.CANCELLED: "changed",
    },
    Status.IN_ROOM: {
        Status.ARRIVED: "same",
        Status.IN_ROOM: "same",
        Status.DONE: "changed",
        Status.NO_SHOW: "refused",
        Status.CANCELLED: "refused",
    },
    Status.DONE: {
        Status.ARRIVED: "same",
        Status.IN_ROOM: "refused",
        Status.DONE: "same",
        Status.NO_SHOW: "refused",
        Status.CANCELLED: "refused",
    },
    Status.NO_SHOW: {
        Status.ARRIVED: "refused",
        Status.IN_ROOM: "refused",
        Status.DONE: "refused",
        Status.NO_SHOW: "same",
        Status.CANCELLED: "refused",
    },
    Status.CANCELLED: {
        Status.ARRIVED: "refused",
        Status.IN_ROOM: "refused",
        Status.DONE: "refused",
        Status.NO_SHOW: "refused",
        Status.CANCELLED: "same",
    },
}


def test_every_transition_follows_the_desk_workflow(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    cases = [(start, to) for start, row in EXPECTED.items() for to in row]
    ids = {case: clinic.book(pid, 9, 0) for case in cases}
    for (start, _), aid in ids.items():
        set_fields(clinic.engine, Appointment, aid, status=start.value)
    clock.advance(timedelta(hours=2))  # 12:00, past every no-show grace
    outcomes = {}
    for (start, to), aid in ids.items():
        try:
            result = change_status(clinic.engine, aid, to, staff=clinic.desk, reason="Other")
        except TransitionRefused:
            outcomes[(start, to)] = "refused"
            assert status_of(clinic, aid) == start
        else:
            outcomes[(start, to)] = "changed" if result.changed else "same"
            assert status_of(clinic, aid) == (to if result.changed else start)
            assert len(events_of(clinic, aid)) == (1 if result.changed else 0)
    assert outcomes == {case: EXPECTED[case[0]][case[1]] for case in cases}


def test_unknown_appointment(clinic: Clinic) -> None:
    with pytest.raises(AppointmentNotFound):
        change_status(clinic.engine, 12345, Status.IN_ROOM, staff=clinic.desk)
    with pytest.raises(AppointmentNotFound):
        undo_last(clinic.engine, 12345, staff=clinic.desk)


# --- undo ----------------------------------------------------------------------------


def test_undo_of_ones_own_last_change(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 0)
    arrive(clinic, aid, pid)
    change_status(clinic.engine, aid, Status.IN_ROOM, staff=clinic.desk)
    result = undo_last(clinic.engine, aid, staff=clinic.desk)
    assert (result.from_status, result.to_status, result.changed) == (
        Status.IN_ROOM,
        Status.ARRIVED,
        True,
    )
    assert status_of(clinic, aid) == Status.ARRIVED
    roomed, undo = events_of(clinic, aid)[-2:]
    assert (undo.from_status, undo.to_status, undo.undoes_id) == ("IN ROOM", "ARRIVED", roomed.id)
    assert undo.staff_id == clinic.desk.id
    (audited,) = audit_events(clinic.engine, "appointment.undo")
    assert audited.entity_id == aid


def test_undo_of_another_clerks_change_is_refused(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 0)
    arrive(clinic, aid, pid, staff=clinic.desk)
    with pytest.raises(TransitionRefused, match="made by Ana: only they can undo it"):
        undo_last(clinic.engine, aid, staff=clinic.desk2)
    assert status_of(clinic, aid) == Status.ARRIVED
    assert len(events_of(clinic, aid)) == 1


def test_undo_twice_is_refused(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 0)
    arrive(clinic, aid, pid)
    change_status(clinic.engine, aid, Status.IN_ROOM, staff=clinic.desk)
    undo_last(clinic.engine, aid, staff=clinic.desk)
    with pytest.raises(TransitionRefused, match="itself an undo"):
        undo_last(clinic.engine, aid, staff=clinic.desk)
    assert status_of(clinic, aid) == Status.ARRIVED
    assert len(events_of(clinic, aid)) == 3


def test_nothing_to_undo(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 0)
    with pytest.raises(TransitionRefused, match="Nothing to undo"):
        undo_last(clinic.engine, aid, staff=clinic.desk)


def test_undo_of_a_cancel_restores_the_booking_and_clears_the_reason(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 15, 0)
    change_status(clinic.engine, aid, Status.CANCELLED, staff=clinic.desk, reason="Booked in error")
    undo_last(clinic.engine, aid, staff=clinic.desk)
    row = fetch(clinic.engine, Appointment, aid)
    assert (row.status, row.cancel_reason) == ("BOOKED", "")


# --- append-only history -------------------------------------------------------------


HISTORY_EDITS = [
    "UPDATE appointment_event SET reason = 'edited'",
    "UPDATE appointment_event SET to_status = 'DONE'",
    "DELETE FROM appointment_event",
    "UPDATE audit_event SET detail = '{}'",
    "UPDATE audit_event SET staff_id = NULL",
    "DELETE FROM audit_event",
]


def run_sql(clinic: Clinic, sql: str) -> None:
    with write_session(clinic.engine) as session:
        session.exec(text(sql))  # type: ignore[call-overload]


def test_history_tables_refuse_update_and_delete(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 0)
    arrive(clinic, aid, pid)
    events_before = [(e.id, e.to_status, e.reason) for e in events_of(clinic, aid)]
    audit_before = [(e.id, e.hash, e.detail, e.staff_id) for e in audit_events(clinic.engine)]
    for sql in HISTORY_EDITS:
        with pytest.raises(DBAPIError, match="append-only"):
            run_sql(clinic, sql)
    assert [(e.id, e.to_status, e.reason) for e in events_of(clinic, aid)] == events_before
    assert [
        (e.id, e.hash, e.detail, e.staff_id) for e in audit_events(clinic.engine)
    ] == audit_before
    run_sql(clinic, "UPDATE appointment SET notes = 'the guard is only on history'")


def test_history_cannot_be_edited_through_the_orm_either(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 0)
    arrive(clinic, aid, pid)

    def mark_done_in_history() -> None:
        with write_session(clinic.engine) as session:
            event = session.exec(select(AppointmentEvent)).one()
            event.to_status = Status.DONE.value
            session.add(event)

    with pytest.raises(DBAPIError, match="append-only"):
        mark_done_in_history()
    assert [e.to_status for e in events_of(clinic, aid)] == ["ARRIVED"]


# --- visit times ---------------------------------------------------------------------


def test_visit_times_come_from_the_events_and_respect_undo(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 0)

    def times() -> tuple[datetime | None, datetime | None, datetime | None, int | None]:
        with read_session(clinic.engine) as session:
            t = visit_times_in(session, aid)
        return t.arrived, t.roomed, t.checked_out, t.wait_minutes

    assert times() == (None, None, None, None)
    arrive(clinic, aid, pid)  # 10:00
    arrived = clock.now()
    clock.advance(timedelta(minutes=12))
    change_status(clinic.engine, aid, Status.IN_ROOM, staff=clinic.desk)  # 10:12
    assert times() == (arrived, clock.now(), None, 12)
    clock.advance(timedelta(minutes=1))
    undo_last(clinic.engine, aid, staff=clinic.desk)  # 10:13: roomed by mistake
    assert times() == (arrived, None, None, None)
    clock.advance(timedelta(minutes=7))
    change_status(clinic.engine, aid, Status.IN_ROOM, staff=clinic.desk)  # 10:20
    roomed = clock.now()
    clock.advance(timedelta(minutes=25))
    change_status(clinic.engine, aid, Status.DONE, staff=clinic.desk)  # 10:45
    assert times() == (arrived, roomed, clock.now(), 20)
    assert all(t is not None and t.utcoffset() == timedelta(0) for t in times()[:3])


def test_undone_arrival_has_no_arrival_time_until_the_next_one(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 0)
    arrive(clinic, aid, pid)
    clock.advance(timedelta(minutes=2))
    undo_last(clinic.engine, aid, staff=clinic.desk)
    with read_session(clinic.engine) as session:
        assert visit_times_in(session, aid).arrived is None
    clock.advance(timedelta(minutes=3))
    arrive(clinic, aid, pid)
    with read_session(clinic.engine) as session:
        assert visit_times_in(session, aid).arrived == clock.now()


def test_schedule_wait_counts_from_arrival_not_from_an_undo(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 0)
    arrive(clinic, aid, pid)  # arrived 10:00
    clock.advance(timedelta(minutes=20))
    change_status(clinic.engine, aid, Status.IN_ROOM, staff=clinic.desk)
    clock.advance(timedelta(minutes=1))
    undo_last(clinic.engine, aid, staff=clinic.desk)  # back to ARRIVED at 10:21
    clock.advance(timedelta(minutes=9))  # 10:30
    (row,) = [r for r in load_day(clinic.engine).rows if r.appointment_id == aid]
    assert row.status == Status.ARRIVED
    assert "30m" in row.flags, row.flags
