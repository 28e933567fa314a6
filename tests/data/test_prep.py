"""The prep worklist: the day chosen, each flag, the counts, batch confirm, CSV and print."""

from __future__ import annotations

import csv
import io
import stat
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from frontdesk.data.appointments import change_status
from frontdesk.data.db import write_session
from frontdesk.data.drawer import open_drawer
from frontdesk.data.errors import AppointmentNotFound, InvalidInput, TransitionRefused
from frontdesk.data.models import (
    Appointment,
    AppointmentType,
    Holiday,
    Patient,
    PaymentKind,
    Status,
    WorkingHours,
)
from frontdesk.data.payments import PaymentRequest, take_payment
from frontdesk.data.prep import Flag, Worklist, confirm, worklist
from frontdesk.data.prep_export import (
    CSV_HEADER,
    cells,
    export_csv,
    record_export,
    to_csv,
    worklist_text,
    write_csv,
)
from frontdesk.data.schedule import load_day
from tests.conftest import NOW, TODAY, Clinic
from tests.data.conftest import FLOAT
from tests.data.helpers import audit_events, detail, fetch, set_fields

TOMORROW = TODAY + timedelta(days=1)  # Wed 25 Nov 2026
SHARED = ("INT:", "FRM", "ELIG", "$")  # the codes the schedule shows too


def _book_new(clinic: Clinic, patient_id: int, hour: int, minute: int = 0, **extra: Any) -> int:
    """A new-patient visit tomorrow (the type asks for 20 minutes early)."""
    appt = clinic.book(patient_id, hour, minute, day=TOMORROW, **extra)
    set_fields(clinic.engine, Appointment, appt, type_id=clinic.new_type_id, minutes=40)
    set_fields(clinic.engine, AppointmentType, clinic.new_type_id, early_minutes=20)
    return appt


def _row(wl: Worklist, appointment_id: int) -> tuple[str, ...]:
    (row,) = [r for r in wl.rows if r.appointment_id == appointment_id]
    return row.flags


# --- the day ----------------------------------------------------------------------------


def test_default_day_is_the_next_clinic_day(clinic: Clinic) -> None:
    assert worklist(clinic.engine).day == TOMORROW
    with write_session(clinic.engine) as session:
        session.add(Holiday(day=TOMORROW, name="Staff day"))
    assert worklist(clinic.engine).day == TOMORROW + timedelta(days=1)


def test_without_working_hours_the_next_booked_day_is_chosen(clinic: Clinic) -> None:
    with write_session(clinic.engine) as session:
        for hours in session.exec(select(WorkingHours)).all():
            session.delete(hours)
    assert worklist(clinic.engine).day == TOMORROW  # nothing at all: tomorrow
    friday = TODAY + timedelta(days=3)
    clinic.book(clinic.add_patient(), 9, day=friday)
    assert worklist(clinic.engine).day == friday


def test_a_past_day_is_refused_and_today_is_allowed(clinic: Clinic) -> None:
    with pytest.raises(InvalidInput, match=r"Mon 23 Nov 2026 has passed.*today \(Tue 24 Nov\)"):
        worklist(clinic.engine, TODAY - timedelta(days=1))
    assert worklist(clinic.engine, TODAY).day_label() == "Tue 24 Nov 2026 (today)"
    assert worklist(clinic.engine, TOMORROW).day_label() == "Wed 25 Nov 2026 (tomorrow)"


def test_only_booked_visits_of_the_day_in_time_order(clinic: Clinic) -> None:
    p = [clinic.add_patient(f"Person{n}", "Pat") for n in range(5)]
    nine = clinic.book(p[0], 9, day=TOMORROW)
    eight_patel = clinic.book(p[1], 8, day=TOMORROW, provider_id=clinic.provider2_id)
    eight_okafor = clinic.book(p[2], 8, day=TOMORROW)
    clinic.book(p[3], 10, day=TOMORROW, status=Status.CANCELLED.value)
    clinic.book(p[4], 8, day=TOMORROW + timedelta(days=1))  # another day
    late_evening = clinic.book(p[4], 23, 30, day=TOMORROW)  # still the clinic's day
    wl = worklist(clinic.engine, TOMORROW)
    assert [r.appointment_id for r in wl.rows] == [eight_okafor, eight_patel, nine, late_evening]
    first = wl.rows[0]
    assert (first.patient, first.provider, first.type_name) == (
        "Person2, Pat",
        "Okafor",
        "Follow-up",
    )
    assert f"{first.start:%Y-%m-%d %H:%M %Z}" == "2026-11-25 08:00 CST"
    assert first.phone == "(312) 555-0134"


# --- the flags --------------------------------------------------------------------------


def test_each_flag_and_the_counts(clinic: Clinic) -> None:
    engine = clinic.engine
    plain = clinic.book(
        clinic.add_patient("Plain", "Pat"),
        8,
        day=TOMORROW,
        confirmed_at=NOW,
        confirmed_by=clinic.desk.id,
        eligibility_checked=True,
    )
    forms = clinic.book(clinic.add_patient("Forms", "Fay"), 8, 15, day=TOMORROW, forms_needed=True)
    speaker = clinic.add_patient("Lang", "Luz", interpreter_needed=True, preferred_language="es")
    interp = clinic.book(speaker, 8, 30, day=TOMORROW, eligibility_checked=True)
    owes_id = clinic.add_patient("Owes", "Otto", balance_cents=4000)
    owes = clinic.book(owes_id, 8, 45, day=TOMORROW, copay_due_cents=2500, eligibility_checked=True)
    new = _book_new(clinic, clinic.add_patient("New", "Nia"), 9, eligibility_checked=True)
    open_drawer(engine, staff=clinic.desk, counts=FLOAT)
    take_payment(  # $10 of the past-due balance taken today: $55 still owed
        engine,
        PaymentRequest(patient_id=owes_id, amount="10", kind=PaymentKind.PAST_DUE),
        staff=clinic.desk,
    )

    wl = worklist(engine, TOMORROW)

    assert _row(wl, plain) == ()
    assert _row(wl, forms) == ("UNCONF", "FRM", "ELIG")
    assert _row(wl, interp) == ("UNCONF", "INT:es")
    assert _row(wl, owes) == ("UNCONF", "$55")
    assert _row(wl, new) == ("UNCONF", "NEW")
    (owing,) = [r for r in wl.rows if r.appointment_id == owes]
    assert (owing.copay_cents, owing.balance_cents) == (2500, 3000)
    (newcomer,) = [r for r in wl.rows if r.appointment_id == new]
    assert f"{newcomer.arrive_at:%H:%M}" == "08:40"
    assert newcomer.prep_instructions == "Arrive 20 minutes early with photo ID."
    assert wl.counts == {
        Flag.UNCONFIRMED: 4,
        Flag.INTERPRETER: 1,
        Flag.FORMS: 1,
        Flag.ELIGIBILITY: 1,
        Flag.NEW_PATIENT: 1,
        Flag.OWES: 1,
    }
    assert wl.counts_text() == (
        "5 visits  Unconfirmed 4  Interpreter 1  Forms 1  Eligibility 1  New 1  Owes 1"
    )


def test_eligibility_counts_only_for_the_visit_or_its_day(clinic: Clinic) -> None:
    """As on the schedule: verified last week is not verified for tomorrow's visit."""
    last_week = clinic.add_patient("Week", "Wes")
    set_fields(clinic.engine, Patient, last_week, eligibility_verified_on=TODAY - timedelta(7))
    stale = clinic.book(last_week, 8, day=TOMORROW)
    checked = clinic.book(clinic.add_patient("Check", "Cy"), 9, day=TOMORROW)
    set_fields(clinic.engine, Appointment, checked, eligibility_checked=True)
    today_id = clinic.add_patient("Today", "Tia")
    set_fields(clinic.engine, Patient, today_id, eligibility_verified_on=TODAY)
    today_visit = clinic.book(today_id, 15)
    assert "ELIG" in _row(worklist(clinic.engine, TOMORROW), stale)
    assert "ELIG" not in _row(worklist(clinic.engine, TOMORROW), checked)
    assert "ELIG" not in _row(worklist(clinic.engine, TODAY), today_visit)
    (row,) = [r for r in worklist(clinic.engine, TOMORROW).rows if r.appointment_id == stale]
    assert row.eligibility_verified_on == TODAY - timedelta(7)


@pytest.mark.parametrize("day", [TODAY, TOMORROW])
def test_shared_flags_agree_with_the_schedule(clinic: Clinic, day: date) -> None:
    """Interpreter, forms, eligibility and money read the same on both screens."""
    p1 = clinic.add_patient("Alpha", "Al", interpreter_needed=True, preferred_language="ga")
    p2 = clinic.add_patient("Beta", "Bo", balance_cents=1250)
    p3 = clinic.add_patient("Gamma", "Gi")
    set_fields(clinic.engine, Patient, p3, eligibility_verified_on=day)
    clinic.book(p1, 15, day=day, forms_needed=True)
    clinic.book(p2, 15, 15, day=day, copay_due_cents=2000, eligibility_checked=True)
    clinic.book(p3, 15, 30, day=day, copay_due_cents=-500)
    if day == TOMORROW:
        _book_new(clinic, clinic.add_patient("Delta", "Di"), 16)
    schedule = {
        r.appointment_id: r.flags for r in load_day(clinic.engine, day).rows if not r.is_opening
    }
    prep = {r.appointment_id: r.flags for r in worklist(clinic.engine, day).rows}
    assert set(prep) == set(schedule)
    for appointment_id, flags in prep.items():
        shared = tuple(f for f in flags if f.startswith(SHARED))
        assert shared == schedule[appointment_id], appointment_id


# --- confirming -------------------------------------------------------------------------


def test_confirm_a_batch_in_one_transaction(clinic: Clinic) -> None:
    a = clinic.book(clinic.add_patient("Ay", "A"), 8, day=TOMORROW)
    b = clinic.book(clinic.add_patient("Bee", "B"), 9, day=TOMORROW)
    earlier = NOW - timedelta(days=2)
    done = clinic.book(
        clinic.add_patient("Cee", "C"),
        10,
        day=TOMORROW,
        confirmed_at=earlier,
        confirmed_by=clinic.desk2.id,
    )
    assert confirm(clinic.engine, [a, b, done, a], staff=clinic.desk) == 2
    for appointment_id in (a, b):
        appt = fetch(clinic.engine, Appointment, appointment_id)
        assert (appt.confirmed_at, appt.confirmed_by, appt.version) == (NOW, clinic.desk.id, 2)
    kept = fetch(clinic.engine, Appointment, done)
    assert (kept.confirmed_at, kept.confirmed_by, kept.version) == (earlier, clinic.desk2.id, 1)
    (event,) = audit_events(clinic.engine, "appointment.confirm")
    assert event.staff_id == clinic.desk.id
    assert detail(event) == {"confirmed": [a, b], "already_confirmed": [done]}
    assert "UNCONF" not in " ".join(f for r in worklist(clinic.engine).rows for f in r.flags)


def test_confirming_only_confirmed_visits_writes_nothing(clinic: Clinic) -> None:
    done = clinic.book(clinic.add_patient(), 9, day=TOMORROW, confirmed_at=NOW)
    assert confirm(clinic.engine, [done], staff=clinic.desk) == 0
    assert confirm(clinic.engine, [], staff=clinic.desk) == 0
    assert audit_events(clinic.engine, "appointment.confirm") == []


def test_a_cancelled_visit_refuses_the_batch(clinic: Clinic) -> None:
    ok = clinic.book(clinic.add_patient("Fine", "Fi"), 8, day=TOMORROW)
    gone = clinic.book(clinic.add_patient("Gone", "Gus"), 9, day=TOMORROW)
    change_status(clinic.engine, gone, Status.CANCELLED, staff=clinic.desk, reason="Other")
    with pytest.raises(TransitionRefused, match="Wed 25 Nov 09:00 visit is CANCELLED"):
        confirm(clinic.engine, [ok, gone], staff=clinic.desk)
    assert fetch(clinic.engine, Appointment, ok).confirmed_at is None
    assert audit_events(clinic.engine, "appointment.confirm") == []


def test_past_and_unknown_visits_are_refused(clinic: Clinic) -> None:
    yesterday = clinic.book(clinic.add_patient(), 9, day=TODAY - timedelta(days=1))
    with pytest.raises(TransitionRefused, match="past day; nothing was confirmed"):
        confirm(clinic.engine, [yesterday], staff=clinic.desk)
    with pytest.raises(AppointmentNotFound):
        confirm(clinic.engine, [9999], staff=clinic.desk)
    assert fetch(clinic.engine, Appointment, yesterday).confirmed_at is None


# --- exports ----------------------------------------------------------------------------


def _export_day(clinic: Clinic) -> dict[str, int]:
    speaker = clinic.add_patient(
        "Núñez",
        "María",
        interpreter_needed=True,
        preferred_language="es",
        phone_home="773 555 0100",
    )
    ids = {"maria": clinic.book(speaker, 8, day=TOMORROW, forms_needed=True, copay_due_cents=2500)}
    ids["nia"] = _book_new(clinic, clinic.add_patient("New", "Nia"), 9, authorization_ref="=2+3")
    return ids


def test_csv_has_a_row_per_visit_with_flags_in_words(clinic: Clinic, tmp_path: Path) -> None:
    ids = _export_day(clinic)
    wl = worklist(clinic.engine)
    path = write_csv(wl, tmp_path / "out" / "prep.csv")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_bytes().decode("utf-8")
    assert text == to_csv(wl)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_HEADER
    maria, nia = rows
    assert maria["appointment_id"] == str(ids["maria"])
    assert (maria["date"], maria["time"], maria["arrive_by"]) == ("2026-11-25", "08:00", "08:00")
    assert maria["patient"] == "Núñez, María"
    assert (maria["mobile_phone"], maria["home_phone"]) == ("(312) 555-0134", "(773) 555-0100")
    assert maria["needs"] == (
        "unconfirmed; interpreter: Spanish (es); forms needed; eligibility not verified; "
        "owes $25.00"
    )
    assert (maria["confirmed"], maria["forms_needed"], maria["interpreter"]) == (
        "no",
        "yes",
        "Spanish (es)",
    )
    assert (maria["copay_due"], maria["past_due_balance"], maria["total_due"]) == (
        "25.00",
        "0.00",
        "25.00",
    )
    assert nia["needs"] == "unconfirmed; eligibility not verified; new patient: arrive 20 min early"
    assert (nia["new_patient"], nia["arrive_minutes_early"], nia["arrive_by"]) == (
        "yes",
        "20",
        "08:40",
    )
    assert nia["prep_instructions"] == "Arrive 20 minutes early with photo ID."
    assert nia["authorization_ref"] == "'=2+3"  # never run as a formula


def test_printed_text_fits_80_columns(clinic: Clinic) -> None:
    _export_day(clinic)
    clinic.book(clinic.add_patient("李" * 20, "Wen"), 10, day=TOMORROW)
    text = worklist_text(worklist(clinic.engine), printed_at=NOW)
    lines = text.splitlines()
    assert lines[0].startswith("Prep worklist  Wed 25 Nov 2026 (tomorrow)")
    assert lines[0].endswith("Riverside Family Clinic")
    assert (
        lines[1] == "3 visits  Unconfirmed 3  Interpreter 1  Forms 1  Eligibility 3  New 1  Owes 1"
    )
    assert lines[2] == "Printed Tue 24 Nov 2026 10:00"
    assert "[ ] 08:00  Núñez, María" in text
    assert "           unconfirmed, interpreter: Spanish (es), forms needed," in lines
    assert "           home (773) 555-0100" in lines
    assert "           arrive by 08:40 · auth =2+3" in lines
    assert "           Prep: Arrive 20 minutes early with photo ID." in lines
    assert all(cells(line) <= 80 for line in lines), [line for line in lines if cells(line) > 80]
    assert any("…" in line and "李" in line for line in lines)


def test_an_empty_day_prints_a_sentence(clinic: Clinic) -> None:
    text = worklist_text(worklist(clinic.engine))
    assert text.splitlines()[1:] == ["0 visits", "", "No booked visits on this day."]


def test_an_export_is_written_and_audited_together(clinic: Clinic, tmp_path: Path) -> None:
    _export_day(clinic)
    wl = worklist(clinic.engine)
    path = export_csv(clinic.engine, wl, tmp_path / "prep.csv", staff_id=clinic.desk.id)
    assert path.read_bytes().decode() == to_csv(wl)
    (event,) = audit_events(clinic.engine, "prep.export")
    assert event.staff_id == clinic.desk.id
    assert detail(event) == {"day": "2026-11-25", "how": "csv", "target": str(path), "visits": 2}
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(InvalidInput, match="Could not write .*; nothing was exported"):
        export_csv(clinic.engine, wl, blocker / "prep.csv", staff_id=clinic.desk.id)
    assert len(audit_events(clinic.engine, "prep.export")) == 1


def test_a_print_is_audited(clinic: Clinic) -> None:
    record_export(clinic.engine, TOMORROW, how="print", target="lp", visits=3, staff_id=None)
    (event,) = audit_events(clinic.engine, "prep.export")
    assert detail(event) == {"day": "2026-11-25", "how": "print", "target": "lp", "visits": 3}
