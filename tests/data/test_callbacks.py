"""The callbacks queue: routing, due times, attempts, closing, automatic items."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from frontdesk import clock
from frontdesk.data.appointments import change_status, undo_last
from frontdesk.data.callback_queue import counts, handoff, queue, sweep_long_waits
from frontdesk.data.callbacks import (
    NewCallback,
    add_callback,
    close_callback,
    log_attempt,
    reassign,
)
from frontdesk.data.checkin import CheckInRequest, check_in
from frontdesk.data.errors import InvalidInput, StaleRecord
from frontdesk.data.models import Callback, Status
from frontdesk.data.validation import clean_text
from tests.conftest import NOW, ZONE, Clinic
from tests.data.helpers import audit_events, count, fetch

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _add(clinic: Clinic, **fields: object) -> int:
    values: dict[str, object] = {"reason": "billing", "caller_name": "Rosa Alvarez"}
    values["phone"] = "(312) 555-0134"
    values.update(fields)
    return add_callback(clinic.engine, NewCallback(**values), staff=clinic.desk).callback_id  # type: ignore[arg-type]


def test_clinical_questions_go_to_the_nurse_and_are_due_the_same_day(clinic: Clinic) -> None:
    item = fetch(clinic.engine, Callback, _add(clinic, reason="clinical"))
    assert item.owner_queue == "nurse"
    assert item.due_at.astimezone(ZONE) == datetime(2026, 11, 24, 17, 0, tzinfo=ZONE)
    assert item.priority == 1
    assert [i.id for i in queue(clinic.engine, view="nurse")] == [item.id]
    assert queue(clinic.engine, view="desk") == []


def test_late_in_the_day_the_same_day_rule_gives_two_hours(clinic: Clinic) -> None:
    clock.set_now(NOW.replace(hour=16))
    item = fetch(clinic.engine, Callback, _add(clinic, reason="clinical"))
    assert item.due_at == clock.now() + timedelta(hours=2)


def test_records_requests_follow_the_reason_policy_days(clinic: Clinic) -> None:
    item = fetch(clinic.engine, Callback, _add(clinic, reason="records"))
    assert item.due_at == NOW.astimezone(UTC) + timedelta(days=5)
    assert item.owner_queue == "desk"


def test_complaints_also_show_in_the_supervisors_queue(clinic: Clinic) -> None:
    complaint = _add(clinic, reason="complaint", notes="waited 2 hours")
    _add(clinic, reason="billing")
    assert [i.id for i in queue(clinic.engine, view="supervisor")] == [complaint]
    assert complaint in [i.id for i in queue(clinic.engine, view="desk")]


@pytest.mark.parametrize(
    ("phone", "message"),
    [("555-CALL-NOW", "letters"), ("12", "digits"), ("", "phone number")],
)
def test_bad_phones_are_refused_at_the_field(clinic: Clinic, phone: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        _add(clinic, phone=phone)
    assert caught.value.field == "phone"
    assert count(clinic.engine, Callback) == 0


def test_a_patients_phone_is_used_when_none_is_typed(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    item = fetch(
        clinic.engine, Callback, _add(clinic, caller_name="", patient_id=patient, phone="")
    )
    assert item.phone == "+13125550134"


def test_long_notes_and_control_characters_are_refused_markup_is_kept(clinic: Clinic) -> None:
    with pytest.raises(InvalidInput, match="2000") as caught:
        _add(clinic, notes="x" * 10_000)
    assert caught.value.field == "notes"
    with pytest.raises(InvalidInput, match="control") as caught:
        _add(clinic, caller_name="Rosa\x1b[31m")
    assert caught.value.field == "caller"
    item = fetch(clinic.engine, Callback, _add(clinic, caller_name="[red]Rosa[/]", notes="[b]x"))
    assert (item.caller_name, item.notes) == ("[red]Rosa[/]", "[b]x")
    assert clean_text("[b]x", field="n", label="n") == "[b]x"


def test_a_due_time_in_the_past_is_a_warning_not_a_refusal(clinic: Clinic) -> None:
    added = add_callback(
        clinic.engine,
        NewCallback(
            reason="other",
            caller_name="Wei Chen",
            phone="312 555 0100",
            due=NOW - timedelta(hours=1),
        ),
        staff=clinic.desk,
    )
    assert added.warnings
    assert queue(clinic.engine)[0].overdue


def test_attempts_are_counted_with_a_next_try(clinic: Clinic) -> None:
    item_id = _add(clinic)
    next_try = log_attempt(clinic.engine, item_id, "voicemail", staff=clinic.desk)
    assert next_try == clock.now() + timedelta(hours=2)
    log_attempt(clinic.engine, item_id, "no_answer", staff=clinic.desk)
    (item,) = queue(clinic.engine)
    assert (item.attempts, item.last_attempt, item.status) == (2, "no_answer", "in_progress")
    assert len(audit_events(clinic.engine, "callback.attempt")) == 2


def test_closing_needs_an_outcome(clinic: Clinic) -> None:
    item_id = _add(clinic)
    with pytest.raises(InvalidInput) as caught:
        close_callback(clinic.engine, item_id, "", staff=clinic.desk)
    assert caught.value.field == "outcome"
    close_callback(clinic.engine, item_id, "resolved", staff=clinic.desk, note="explained bill")
    row = fetch(clinic.engine, Callback, item_id)
    assert (row.status, row.outcome, row.closed_by) == ("closed", "resolved", clinic.desk.id)
    assert queue(clinic.engine) == []
    with pytest.raises(InvalidInput, match="already closed"):
        close_callback(clinic.engine, item_id, "resolved", staff=clinic.desk)


def test_reassign_and_a_stale_version_is_refused(clinic: Clinic) -> None:
    item_id = _add(clinic)
    reassign(clinic.engine, item_id, staff=clinic.desk, queue="nurse", version=1)
    assert fetch(clinic.engine, Callback, item_id).owner_queue == "nurse"
    with pytest.raises(StaleRecord):
        reassign(clinic.engine, item_id, staff=clinic.desk, queue="desk", version=1)
    reassign(clinic.engine, item_id, staff=clinic.desk, owner_staff_id=clinic.desk2.id)
    assert [i.owner for i in queue(clinic.engine, view="mine", staff_id=clinic.desk2.id)] == ["ben"]


def test_sorted_overdue_first_then_priority_then_due(clinic: Clinic) -> None:
    low = _add(clinic, reason="other", priority=3)
    high = _add(clinic, reason="other", priority=1)
    late = _add(clinic, reason="other", priority=3, due=NOW - timedelta(minutes=5))
    assert [i.id for i in queue(clinic.engine)] == [late, high, low]
    assert counts(clinic.engine) == (3, 1)
    assert [i.id for i in queue(clinic.engine, view="overdue")] == [late]


def test_a_no_show_makes_one_rebook_item_even_if_marked_twice(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    appt = clinic.book(patient, 9)
    change_status(clinic.engine, appt, Status.NO_SHOW, staff=clinic.desk)
    undo_last(clinic.engine, appt, staff=clinic.desk)
    change_status(clinic.engine, appt, Status.NO_SHOW, staff=clinic.desk)
    (item,) = queue(clinic.engine)
    assert (item.reason, item.patient_id, item.owner) == ("rebook", patient, "desk")


def test_a_long_wait_makes_one_item(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    appt = clinic.book(patient, 10)
    check_in(
        clinic.engine, CheckInRequest(patient_id=patient, appointment_id=appt), staff=clinic.desk
    )
    assert sweep_long_waits(clinic.engine) == 0
    clock.advance(timedelta(minutes=31))
    assert sweep_long_waits(clinic.engine) == 1
    assert sweep_long_waits(clinic.engine) == 0
    (item,) = queue(clinic.engine)
    assert item.reason == "long_wait"
    assert "31 min" in item.notes


def test_handoff_groups_open_items_by_owner(clinic: Clinic) -> None:
    _add(clinic, reason="clinical")
    _add(clinic, reason="billing")
    closed = _add(clinic, reason="billing")
    close_callback(clinic.engine, closed, "resolved", staff=clinic.desk)
    grouped = handoff(clinic.engine)
    assert {owner: len(items) for owner, items in grouped.items()} == {"desk": 1, "nurse": 1}


def test_a_person_named_like_a_queue_is_not_that_queue(clinic: Clinic) -> None:
    from frontdesk.data.db import write_session
    from frontdesk.data.staff import create_staff
    from tests.conftest import PASSWORD

    with write_session(clinic.engine) as session:
        person = create_staff(session, username="nurse", password=PASSWORD, display_name="Nia")
    _add(clinic, owner_staff_id=person.id)
    assert queue(clinic.engine, view="nurse") == []
    assert list(handoff(clinic.engine)) == ["Nia"]


def test_the_automatic_reasons_are_not_for_clerks(clinic: Clinic) -> None:
    with pytest.raises(InvalidInput) as caught:
        _add(clinic, reason="long_wait")
    assert caught.value.field == "reason"
