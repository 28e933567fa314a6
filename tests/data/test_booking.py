"""Booking, rescheduling and cancelling: the slot checked in the transaction, history kept."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from frontdesk.data.booking import (
    RESCHEDULED,
    BookingRequest,
    SlotTaken,
    book,
    cancel,
    reschedule,
)
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import InvalidInput
from frontdesk.data.models import (
    Appointment,
    AppointmentEvent,
    AppointmentType,
    Blockout,
    BreakTime,
    Holiday,
    Status,
    TypeProvider,
)
from frontdesk.data.schedule import load_day
from tests.conftest import NOW, TODAY, ZONE, Clinic
from tests.data.helpers import audit_events, fetch

pytestmark = pytest.mark.usefixtures("fast_hashing")
TOMORROW = TODAY + timedelta(days=1)


def at(hour: int, minute: int = 0, day: date = TOMORROW) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def request(clinic: Clinic, patient: int, start: datetime, **extra: Any) -> BookingRequest:
    fields: dict[str, Any] = {"provider_id": clinic.provider_id, "type_id": clinic.type_id}
    fields.update(extra)
    return BookingRequest(patient_id=patient, start=start, **fields)


def test_a_booking_is_stored_with_its_audit_event(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    booked = book(clinic.engine, request(clinic, patient, at(9)), staff=clinic.desk)
    appt = fetch(clinic.engine, Appointment, booked.appointment_id)
    assert appt.start_at == at(9).astimezone(UTC)
    assert (appt.minutes, appt.status, appt.booked_by) == (15, "BOOKED", clinic.desk.id)
    assert booked.start == at(9)
    assert booked.patient == "Smith, Jo"
    (event,) = audit_events(clinic.engine, "appointment.book")
    assert event.entity_id == booked.appointment_id


def test_a_new_patient_is_told_to_arrive_early_with_the_prep(clinic: Clinic) -> None:
    with write_session(clinic.engine) as session:
        visit = session.get(AppointmentType, clinic.new_type_id)
        assert visit is not None
        visit.early_minutes = 20
        session.add(visit)
    patient = clinic.add_patient()
    booked = book(
        clinic.engine,
        request(clinic, patient, at(9), type_id=clinic.new_type_id),
        staff=clinic.desk,
    )
    assert booked.arrive_by == at(8, 40)
    assert booked.prep == "Arrive 20 minutes early with photo ID."
    assert booked.minutes == 40


@pytest.mark.parametrize(
    ("start", "words"),
    [
        (at(9, day=TODAY), "in the past"),
        (at(7), "Outside Okafor's hours on Wed (08:00-17:00)"),
        (at(16, 50), "Outside Okafor's hours"),  # 15 minutes do not fit before 17:00
    ],
)
def test_past_and_out_of_hours_slots_are_refused(
    clinic: Clinic, start: datetime, words: str
) -> None:
    patient = clinic.add_patient()
    with pytest.raises(InvalidInput) as refused:
        book(clinic.engine, request(clinic, patient, start), staff=clinic.desk)
    assert words in refused.value.message
    with read_session(clinic.engine) as session:
        assert session.exec(select(Appointment)).all() == []


def test_breaks_blockouts_and_holidays_are_refused(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    with write_session(clinic.engine) as session:
        session.add(
            BreakTime(
                provider_id=clinic.provider_id,
                weekday=TOMORROW.weekday(),
                start_minute=12 * 60,
                end_minute=13 * 60,
                label="Lunch",
            )
        )
        session.add(
            Blockout(
                provider_id=None,
                start_at=at(14).astimezone(UTC),
                end_at=at(15).astimezone(UTC),
                reason="Fire drill",
            )
        )
        session.add(Holiday(day=TOMORROW + timedelta(days=1), name="Thanksgiving"))
    with pytest.raises(InvalidInput, match="during Okafor's break"):
        book(clinic.engine, request(clinic, patient, at(11, 50)), staff=clinic.desk)
    with pytest.raises(InvalidInput, match="blocked: Fire drill"):
        book(clinic.engine, request(clinic, patient, at(14, 30)), staff=clinic.desk)
    with pytest.raises(InvalidInput, match="is a holiday: Thanksgiving"):
        book(
            clinic.engine,
            request(clinic, patient, at(9, day=TOMORROW + timedelta(days=1))),
            staff=clinic.desk,
        )
    book(clinic.engine, request(clinic, patient, at(13)), staff=clinic.desk)  # after lunch: fine


def test_an_overlap_is_refused_unless_the_type_allows_overbooking(clinic: Clinic) -> None:
    first, second = clinic.add_patient("One", "A"), clinic.add_patient("Two", "B")
    book(clinic.engine, request(clinic, first, at(9)), staff=clinic.desk)
    with pytest.raises(SlotTaken, match="Okafor already has a visit at 09:00"):
        book(clinic.engine, request(clinic, second, at(9, 10)), staff=clinic.desk)
    book(clinic.engine, request(clinic, second, at(9, 15)), staff=clinic.desk)  # right after
    with write_session(clinic.engine) as session:
        visit = session.get(AppointmentType, clinic.type_id)
        assert visit is not None
        visit.overbook = True
        session.add(visit)
    book(clinic.engine, request(clinic, second, at(9, 5)), staff=clinic.desk)


def test_a_cancelled_visit_does_not_hold_its_slot(clinic: Clinic) -> None:
    first, second = clinic.add_patient("One", "A"), clinic.add_patient("Two", "B")
    booked = book(clinic.engine, request(clinic, first, at(9)), staff=clinic.desk)
    cancel(clinic.engine, booked.appointment_id, staff=clinic.desk, reason="Patient cancelled")
    book(clinic.engine, request(clinic, second, at(9)), staff=clinic.desk)


def test_a_type_seen_by_some_providers_only(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    with write_session(clinic.engine) as session:
        session.add(TypeProvider(type_id=clinic.new_type_id, provider_id=clinic.provider2_id))
    with pytest.raises(InvalidInput, match="Okafor does not see New patient visits"):
        book(
            clinic.engine,
            request(clinic, patient, at(9), type_id=clinic.new_type_id),
            staff=clinic.desk,
        )
    book(
        clinic.engine,
        request(
            clinic, patient, at(9), type_id=clinic.new_type_id, provider_id=clinic.provider2_id
        ),
        staff=clinic.desk,
    )


def test_a_late_cancellation_is_flagged_and_history_kept(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    soon = clinic.book(patient, 15)  # today 15:00: five hours ahead
    later = clinic.book(patient, 15, day=TODAY + timedelta(days=3))
    first = cancel(clinic.engine, soon, staff=clinic.desk, reason="Patient cancelled")
    second = cancel(clinic.engine, later, staff=clinic.desk, reason="Patient cancelled")
    assert first.late
    assert not second.late
    assert first.freed is not None
    assert first.freed.start == datetime(2026, 11, 24, 15, 0, tzinfo=ZONE)
    with read_session(clinic.engine) as session:
        reasons = session.exec(
            select(AppointmentEvent.reason).where(AppointmentEvent.appointment_id == soon)
        ).all()
    assert reasons == ["Patient cancelled (late cancellation)"]
    assert fetch(clinic.engine, Appointment, soon).cancel_reason == "Patient cancelled"


def test_the_schedule_marks_a_late_cancellation_late(clinic: Clinic) -> None:
    soon = clinic.book(clinic.add_patient("Soon", "Sam"), 15)  # five hours ahead: late
    early = clinic.book(clinic.add_patient("Early", "Eve"), 15, day=TODAY + timedelta(days=3))
    cancel(clinic.engine, soon, staff=clinic.desk, reason="Patient cancelled")
    cancel(clinic.engine, early, staff=clinic.desk, reason="Patient cancelled")
    today = {row.appointment_id: row for row in load_day(clinic.engine, TODAY).rows}
    later = load_day(clinic.engine, TODAY + timedelta(days=3)).rows
    assert today[soon].flags == ("LATE",)
    assert [row.flags for row in later if row.appointment_id == early] == [()]


def test_a_reschedule_cancels_the_old_visit_and_links_the_new_one(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    old = clinic.book(patient, 15, forms_needed=True, authorization_ref="PA-1")
    booked, freed = reschedule(
        clinic.engine, old, request(clinic, patient, at(10)), staff=clinic.desk
    )
    old_row = fetch(clinic.engine, Appointment, old)
    new_row = fetch(clinic.engine, Appointment, booked.appointment_id)
    assert (old_row.status, old_row.cancel_reason) == ("CANCELLED", RESCHEDULED)
    assert new_row.rescheduled_from == old
    assert (new_row.forms_needed, new_row.authorization_ref) == (True, "PA-1")
    assert freed.provider_id == clinic.provider_id
    assert freed.start == datetime(2026, 11, 24, 15, 0, tzinfo=ZONE)


def test_a_reschedule_may_overlap_the_visit_it_moves(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    old = clinic.book(patient, 11, day=TOMORROW)
    booked, _ = reschedule(
        clinic.engine, old, request(clinic, patient, at(11, 5)), staff=clinic.desk
    )
    assert booked.start == at(11, 5)


def test_a_refused_reschedule_changes_nothing(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    old = clinic.book(patient, 15)
    with pytest.raises(InvalidInput, match="Outside"):
        reschedule(clinic.engine, old, request(clinic, patient, at(6)), staff=clinic.desk)
    assert fetch(clinic.engine, Appointment, old).status == "BOOKED"
    with read_session(clinic.engine) as session:
        assert len(session.exec(select(Appointment)).all()) == 1


def test_a_stale_version_is_refused(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    appt = clinic.book(patient, 15)
    with pytest.raises(InvalidInput, match="Someone else changed"):
        cancel(clinic.engine, appt, staff=clinic.desk, reason="Other", version=99)
    assert fetch(clinic.engine, Appointment, appt).status == Status.BOOKED.value


# --- two terminals, one slot ---------------------------------------------------------------


def _race_worker(
    db: str, staff: Any, patient: int, fields: dict[str, Any], go: Any, out: Any
) -> None:
    from frontdesk.data.db import make_engine

    engine = make_engine(db)
    go.wait()
    try:
        booked = book(engine, BookingRequest(patient_id=patient, **fields), staff=staff)
        out.put(("booked", booked.appointment_id))
    except SlotTaken as error:
        out.put(("taken", error.message))
    except Exception as error:  # reported, so the test shows it
        out.put(("error", f"{type(error).__name__}: {error}"))


@pytest.mark.slow
def test_two_terminals_booking_one_slot_one_wins(
    clinic: Clinic, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRONTDESK_FROZEN_NOW", NOW.isoformat())
    terminals = 4
    patients = [clinic.add_patient(f"Racer{i}", "Pat") for i in range(terminals)]
    fields = {"provider_id": clinic.provider_id, "type_id": clinic.type_id, "start": at(9)}
    ctx = multiprocessing.get_context("spawn")
    go = ctx.Barrier(terminals)
    out: Any = ctx.Queue()
    staff = [clinic.desk, clinic.desk2, clinic.supervisor, clinic.desk]
    workers = [
        ctx.Process(target=_race_worker, args=(str(db_path), s, p, fields, go, out))
        for s, p in zip(staff, patients, strict=True)
    ]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["booked"] + ["taken"] * (terminals - 1), results
    assert all("already has a visit at 09:00" in text for kind, text in results if kind == "taken")
    with read_session(clinic.engine) as session:
        held = session.exec(select(Appointment).where(col(Appointment.status) == "BOOKED")).all()
    assert len(held) == 1
