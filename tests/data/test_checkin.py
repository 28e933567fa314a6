"""Check-in: the checklist of stale or missing items, what is recorded, walk-ins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.checkin import (
    CheckInRequest,
    WalkIn,
    age_on,
    check_in,
    record_identity,
    view_for_appointment,
    view_for_walk_in,
)
from frontdesk.data.clinic import load_clinic
from frontdesk.data.errors import InvalidInput, PatientNotFound, TransitionRefused
from frontdesk.data.models import (
    Appointment,
    AppointmentEvent,
    AppointmentType,
    AuditEvent,
    Patient,
    Provider,
    Status,
)
from frontdesk.data.schedule import load_day
from frontdesk.money import MAX_CENTS
from tests.conftest import TODAY, Clinic
from tests.data.helpers import audit_events, count, detail, fetch, set_fields

pytestmark = pytest.mark.usefixtures("fast_hashing")


def fresh_visit(clinic: Clinic, **appt: Any) -> tuple[int, int]:
    """A patient with everything up to date, booked at 10:30 today."""
    pid = clinic.add_patient()
    set_fields(clinic.engine, Patient, pid, eligibility_verified_on=TODAY)
    return pid, clinic.book(pid, 10, 30, **appt)


def codes(clinic: Clinic, aid: int) -> list[str]:
    return [item.code for item in view_for_appointment(clinic.engine, aid).items]


def checked_in_event(clinic: Clinic) -> dict[str, Any]:
    (event,) = audit_events(clinic.engine, "appointment.checked_in")
    return detail(event)


# --- the checklist -------------------------------------------------------------------


def test_nothing_to_ask_when_everything_is_fresh(clinic: Clinic) -> None:
    _, aid = fresh_visit(clinic)
    view = view_for_appointment(clinic.engine, aid)
    assert view.items == ()
    assert view.heading == "10:30 Follow-up with Okafor"
    assert view.status == Status.BOOKED


def stale_days(clinic: Clinic) -> int:
    return load_clinic(clinic.engine).demographics_stale_days


STALE: dict[str, tuple[Callable[[Clinic, int, int], None], str]] = {
    "demographics": (
        lambda c, p, _a: set_fields(
            c.engine, Patient, p, demographics_confirmed_on=TODAY - timedelta(stale_days(c) + 1)
        ),
        "Demographics last confirmed 12 months ago",
    ),
    "never confirmed": (
        lambda c, p, _a: set_fields(c.engine, Patient, p, demographics_confirmed_on=None),
        "Demographics never confirmed",
    ),
    "insurance": (
        lambda c, p, _a: set_fields(c.engine, Patient, p, insurance_payer=""),
        "No insurance on file",
    ),
    "eligibility": (
        lambda c, p, _a: set_fields(
            c.engine, Patient, p, eligibility_verified_on=TODAY - timedelta(days=1)
        ),
        "Eligibility not verified for this visit",
    ),
    "consent": (
        lambda c, p, _a: set_fields(c.engine, Patient, p, consent_on_file_on=None),
        "No consent form on file",
    ),
    "forms": (
        lambda c, _p, a: set_fields(c.engine, Appointment, a, forms_needed=True),
        "Forms needed for this visit",
    ),
    "interpreter": (
        lambda c, p, _a: set_fields(
            c.engine, Patient, p, interpreter_needed=True, preferred_language="es"
        ),
        "Interpreter: Spanish",
    ),
    "balance": (
        lambda c, p, _a: set_fields(c.engine, Patient, p, balance_due_cents=4250),
        "Balance due $42.50",
    ),
}


def test_each_stale_or_missing_item_shows_alone(clinic: Clinic) -> None:
    shown = {}
    for case, (make_stale, _) in STALE.items():
        pid, aid = fresh_visit(clinic)
        make_stale(clinic, pid, aid)
        shown[case] = [(i.code, i.text) for i in view_for_appointment(clinic.engine, aid).items]
    assert shown == {
        case: [("demographics" if case == "never confirmed" else case, text)]
        for case, (_, text) in STALE.items()
    }


def test_demographics_go_stale_only_after_the_clinics_limit(clinic: Clinic) -> None:
    pid, aid = fresh_visit(clinic)
    limit = stale_days(clinic)
    set_fields(clinic.engine, Patient, pid, demographics_confirmed_on=TODAY - timedelta(limit))
    assert codes(clinic, aid) == []
    set_fields(clinic.engine, Patient, pid, demographics_confirmed_on=TODAY - timedelta(limit + 1))
    assert codes(clinic, aid) == ["demographics"]


def test_eligibility_checked_on_the_appointment_counts(clinic: Clinic) -> None:
    pid, aid = fresh_visit(clinic, eligibility_checked=True)
    set_fields(clinic.engine, Patient, pid, eligibility_verified_on=None)
    assert codes(clinic, aid) == []


def test_all_items_at_once(clinic: Clinic) -> None:
    pid, aid = fresh_visit(clinic)
    for case in STALE:
        if case not in ("insurance", "never confirmed"):
            STALE[case][0](clinic, pid, aid)
    assert sorted(codes(clinic, aid)) == sorted(
        ["demographics", "eligibility", "consent", "forms", "interpreter", "balance"]
    )


# --- what check-in records -----------------------------------------------------------


def make_everything_stale(clinic: Clinic) -> tuple[int, int]:
    pid, aid = fresh_visit(clinic, forms_needed=True)
    set_fields(
        clinic.engine,
        Patient,
        pid,
        demographics_confirmed_on=TODAY - timedelta(days=800),
        eligibility_verified_on=None,
        consent_on_file_on=None,
        interpreter_needed=True,
        balance_due_cents=1000,
    )
    return pid, aid


def test_handled_items_are_recorded_and_the_rest_acknowledged(clinic: Clinic) -> None:
    pid, aid = make_everything_stale(clinic)
    handled = {"demographics", "eligibility", "consent", "forms"}
    check_in(
        clinic.engine,
        CheckInRequest(patient_id=pid, appointment_id=aid, handled=handled),
        staff=clinic.desk,
    )
    patient = fetch(clinic.engine, Patient, pid)
    appt = fetch(clinic.engine, Appointment, aid)
    assert patient.demographics_confirmed_on == TODAY
    assert patient.eligibility_verified_on == TODAY
    assert patient.consent_on_file_on == TODAY
    assert appt.eligibility_checked is True
    assert appt.forms_needed is False
    assert appt.status == Status.ARRIVED.value
    audited = checked_in_event(clinic)
    assert audited["handled"] == sorted(handled)
    assert audited["acknowledged"] == ["balance", "interpreter"]
    assert sorted(codes(clinic, aid)) == ["balance", "interpreter"]


def test_unhandled_items_change_nothing_and_are_acknowledged(clinic: Clinic) -> None:
    pid, aid = make_everything_stale(clinic)
    before = fetch(clinic.engine, Patient, pid)
    check_in(clinic.engine, CheckInRequest(patient_id=pid, appointment_id=aid), staff=clinic.desk)
    after = fetch(clinic.engine, Patient, pid)
    for name in ("demographics_confirmed_on", "eligibility_verified_on", "consent_on_file_on"):
        assert getattr(after, name) == getattr(before, name)
    assert fetch(clinic.engine, Appointment, aid).forms_needed is True
    audited = checked_in_event(clinic)
    assert audited["handled"] == []
    assert audited["acknowledged"] == sorted(
        ["demographics", "eligibility", "consent", "forms", "interpreter", "balance"]
    )


def test_handling_an_item_that_is_not_on_the_list_records_nothing(clinic: Clinic) -> None:
    pid, aid = fresh_visit(clinic)
    consent_before = fetch(clinic.engine, Patient, pid).consent_on_file_on
    assert consent_before is not None
    assert consent_before != TODAY
    check_in(
        clinic.engine,
        CheckInRequest(patient_id=pid, appointment_id=aid, handled={"consent", "bogus"}),
        staff=clinic.desk,
    )
    assert fetch(clinic.engine, Patient, pid).consent_on_file_on == consent_before
    assert checked_in_event(clinic)["handled"] == []


def test_identity_verification_records_who_and_when(clinic: Clinic) -> None:
    pid, aid = fresh_visit(clinic)
    assert view_for_appointment(clinic.engine, aid).identity_verified is False
    clock.advance(timedelta(minutes=3))
    check_in(
        clinic.engine,
        CheckInRequest(patient_id=pid, appointment_id=aid, identity_verified=True),
        staff=clinic.desk2,
    )
    appt = fetch(clinic.engine, Appointment, aid)
    assert appt.identity_verified_at == clock.now()
    assert appt.identity_verified_by == clinic.desk2.id
    assert view_for_appointment(clinic.engine, aid).identity_verified is True
    assert checked_in_event(clinic)["identity_verified"] is True


def test_identity_not_verified_leaves_it_empty(clinic: Clinic) -> None:
    pid, aid = fresh_visit(clinic)
    check_in(clinic.engine, CheckInRequest(patient_id=pid, appointment_id=aid), staff=clinic.desk)
    appt = fetch(clinic.engine, Appointment, aid)
    assert (appt.identity_verified_at, appt.identity_verified_by) == (None, None)
    assert checked_in_event(clinic)["identity_verified"] is False


def test_record_identity_on_its_own(clinic: Clinic) -> None:
    _, aid = fresh_visit(clinic)
    record_identity(clinic.engine, aid, staff=clinic.supervisor)
    appt = fetch(clinic.engine, Appointment, aid)
    assert (appt.identity_verified_at, appt.identity_verified_by) == (
        clock.now(),
        clinic.supervisor.id,
    )
    (event,) = audit_events(clinic.engine, "appointment.identity_verified")
    assert (event.entity_id, event.staff_id) == (aid, clinic.supervisor.id)


def test_copay_is_recorded(clinic: Clinic) -> None:
    pid, aid = fresh_visit(clinic)
    result = check_in(
        clinic.engine,
        CheckInRequest(patient_id=pid, appointment_id=aid, copay_due_cents=2500),
        staff=clinic.desk,
    )
    assert result.copay_due_cents == 2500
    assert fetch(clinic.engine, Appointment, aid).copay_due_cents == 2500
    assert checked_in_event(clinic)["copay_due_cents"] == 2500


@pytest.mark.parametrize("copay", [-1, MAX_CENTS + 1])
def test_impossible_copay_is_refused_and_nothing_saved(clinic: Clinic, copay: int) -> None:
    pid, aid = fresh_visit(clinic)
    audits = count(clinic.engine, AuditEvent)
    with pytest.raises(InvalidInput) as caught:
        check_in(
            clinic.engine,
            CheckInRequest(patient_id=pid, appointment_id=aid, copay_due_cents=copay),
            staff=clinic.desk,
        )
    assert caught.value.field == "copay"
    assert fetch(clinic.engine, Appointment, aid).status == Status.BOOKED.value
    assert count(clinic.engine, AuditEvent) == audits


def test_someone_elses_appointment_is_refused(clinic: Clinic) -> None:
    _, aid = fresh_visit(clinic)
    other = clinic.add_patient("Other", "Person", "1/1/1970")
    with pytest.raises(TransitionRefused, match="another patient"):
        check_in(
            clinic.engine, CheckInRequest(patient_id=other, appointment_id=aid), staff=clinic.desk
        )
    assert fetch(clinic.engine, Appointment, aid).status == Status.BOOKED.value


def test_check_in_needs_a_patient_and_a_visit(clinic: Clinic) -> None:
    pid, _ = fresh_visit(clinic)
    with pytest.raises(InvalidInput, match="Choose an appointment or a walk-in"):
        check_in(clinic.engine, CheckInRequest(patient_id=pid), staff=clinic.desk)
    with pytest.raises(PatientNotFound):
        check_in(
            clinic.engine, CheckInRequest(patient_id=9999, appointment_id=1), staff=clinic.desk
        )


# --- walk-ins ------------------------------------------------------------------------


def test_walk_in_creates_and_checks_in_in_one_action(clinic: Clinic) -> None:
    pid, _ = fresh_visit(clinic)
    clock.advance(timedelta(minutes=7, seconds=42))  # 10:07:42
    view = view_for_walk_in(clinic.engine, pid)
    assert (view.heading, view.appointment_id, view.status) == ("Walk-in", None, None)
    result = check_in(
        clinic.engine,
        CheckInRequest(
            patient_id=pid,
            walk_in=WalkIn(provider_id=clinic.provider2_id, type_id=clinic.new_type_id),
            identity_verified=True,
            copay_due_cents=1500,
        ),
        staff=clinic.desk,
    )
    assert result.changed
    appt = fetch(clinic.engine, Appointment, result.appointment_id)
    new_type = fetch(clinic.engine, AppointmentType, clinic.new_type_id)
    assert appt.walk_in is True
    assert appt.status == Status.ARRIVED.value
    assert (appt.provider_id, appt.type_id, appt.minutes) == (
        clinic.provider2_id,
        clinic.new_type_id,
        new_type.minutes,
    )
    assert appt.copay_due_cents == 1500
    # starts now, on a five-minute mark
    assert clock.now() - timedelta(minutes=5) < appt.start_at <= clock.now()
    assert appt.start_at.minute % 5 == 0
    assert appt.start_at.second == 0
    (row,) = [r for r in load_day(clinic.engine).rows if r.appointment_id == appt.id]
    assert (row.walk_in, row.status) == (True, Status.ARRIVED)
    created = audit_events(clinic.engine, "appointment.created")
    assert [e.entity_id for e in created] == [appt.id]
    assert checked_in_event(clinic)["walk_in"] is True


def test_a_failed_walk_in_leaves_no_appointment_behind(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid, _ = fresh_visit(clinic)
    appointments = count(clinic.engine, Appointment)
    audits = count(clinic.engine, AuditEvent)
    real_record = audit.record

    def failing_record(session: Any, **kwargs: Any) -> AuditEvent:
        if kwargs["action"] == "appointment.checked_in":
            raise RuntimeError("power cut")
        return real_record(session, **kwargs)

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(RuntimeError, match="power cut"):
        check_in(
            clinic.engine,
            CheckInRequest(
                patient_id=pid,
                walk_in=WalkIn(provider_id=clinic.provider_id, type_id=clinic.type_id),
            ),
            staff=clinic.desk,
        )
    assert count(clinic.engine, Appointment) == appointments
    assert count(clinic.engine, AppointmentEvent) == 0
    assert count(clinic.engine, AuditEvent) == audits


def test_walk_in_with_an_inactive_provider_is_refused(clinic: Clinic) -> None:
    pid, _ = fresh_visit(clinic)
    set_fields(clinic.engine, Provider, clinic.provider2_id, active=False)
    appointments = count(clinic.engine, Appointment)
    with pytest.raises(InvalidInput, match="Choose a provider"):
        check_in(
            clinic.engine,
            CheckInRequest(
                patient_id=pid,
                walk_in=WalkIn(provider_id=clinic.provider2_id, type_id=clinic.type_id),
            ),
            staff=clinic.desk,
        )
    assert count(clinic.engine, Appointment) == appointments


@pytest.mark.parametrize(
    ("dob", "age"), [("11/24/1990", 36), ("11/25/1990", 35), ("2/29/2000", 26)]
)
def test_age_in_whole_years_on_the_clinic_day(clinic: Clinic, dob: str, age: int) -> None:
    pid = clinic.add_patient(dob=dob)
    assert view_for_walk_in(clinic.engine, pid).age == age
    born = fetch(clinic.engine, Patient, pid).dob
    assert age_on(born, born) == 0
