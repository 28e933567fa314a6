"""The wait list: constraints parsed, matches for a freed slot, booking closes the entry."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from frontdesk.data.booking import BookingRequest, Freed, book, cancel
from frontdesk.data.db import write_session
from frontdesk.data.errors import InvalidInput
from frontdesk.data.models import TypeProvider, WaitlistEntry
from frontdesk.data.waitlist import (
    WaitRequest,
    add_entry,
    matches,
    parse_days,
    parse_time,
    remove_entry,
    waiting,
)
from tests.conftest import TODAY, ZONE, Clinic
from tests.data.helpers import audit_events, fetch

pytestmark = pytest.mark.usefixtures("fast_hashing")
WED = TODAY + timedelta(days=1)  # TODAY is a Tuesday


def freed(clinic: Clinic, hour: int, minutes: int = 15, day: date = WED, **kw: int) -> Freed:
    start = datetime(day.year, day.month, day.day, hour, 0, tzinfo=ZONE)
    return Freed(kw.get("provider_id", clinic.provider_id), start, minutes)


@pytest.mark.parametrize(
    ("text", "digits"),
    [("mon wed fri", "024"), ("Tu,Th", "13"), ("weekdays", "01234"), ("", ""), ("any", "")],
)
def test_days_in_words(text: str, digits: str) -> None:
    assert parse_days(text) == digits


@pytest.mark.parametrize("text", ["t", "funday", "s"])
def test_days_that_are_not_days(text: str) -> None:
    with pytest.raises(InvalidInput, match="is not a day"):
        parse_days(text)


@pytest.mark.parametrize(
    ("text", "minute"), [("13:30", 810), ("1330", 810), ("9", 540), ("2pm", 840), ("", None)]
)
def test_times_in_words(text: str, minute: int | None) -> None:
    assert parse_time(text, field="earliest") == minute


@pytest.mark.parametrize("text", ["25:00", "9:75", "noonish"])
def test_times_that_are_not_times(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_time(text, field="earliest")
    assert refused.value.field == "earliest"


def test_an_entry_is_added_once_per_patient_and_type(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    entry = add_entry(clinic.engine, WaitRequest(patient, clinic.type_id), staff=clinic.desk)
    with pytest.raises(InvalidInput, match="Already on the wait list for Follow-up"):
        add_entry(clinic.engine, WaitRequest(patient, clinic.type_id), staff=clinic.desk)
    (item,) = waiting(clinic.engine)
    assert (item.id, item.patient, item.type_name, item.wants) == (
        entry,
        "Smith, Jo",
        "Follow-up",
        "any time",
    )
    assert len(audit_events(clinic.engine, "waitlist.add")) == 1


def test_a_freed_slot_matches_by_length_provider_day_and_time(clinic: Clinic) -> None:
    def wants(name: str, **kw: object) -> int:
        patient = clinic.add_patient(name, "Pat")
        fields: dict[str, object] = {"patient_id": patient, "type_id": clinic.type_id}
        fields.update(kw)
        return add_entry(clinic.engine, WaitRequest(**fields), staff=clinic.desk)  # type: ignore[arg-type]

    anyone = wants("Anyone")
    mornings = wants("Mornings", latest_minute=12 * 60)
    okafor = wants("Okafor", provider_id=clinic.provider_id)
    patel = wants("Patel", provider_id=clinic.provider2_id)
    mondays = wants("Mondays", weekdays="0")
    long_visit = wants("Long", type_id=clinic.new_type_id)  # 40 minutes: does not fit 15
    later = wants("Later", not_before=WED + timedelta(days=7))

    found = [item.id for item in matches(clinic.engine, freed(clinic, 10))]
    assert found == [anyone, mornings, okafor]
    found = [item.id for item in matches(clinic.engine, freed(clinic, 14))]
    assert found == [anyone, okafor]  # the afternoon does not suit "mornings"
    found = [item.id for item in matches(clinic.engine, freed(clinic, 10, 60))]
    assert long_visit in found
    monday = WED + timedelta(days=5)
    found = [item.id for item in matches(clinic.engine, freed(clinic, 10, day=monday))]
    assert mondays in found
    assert later not in found
    assert patel not in [i.id for i in matches(clinic.engine, freed(clinic, 10))]


def test_a_type_limited_to_a_provider_only_matches_their_slots(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    with write_session(clinic.engine) as session:
        session.add(TypeProvider(type_id=clinic.type_id, provider_id=clinic.provider2_id))
    add_entry(clinic.engine, WaitRequest(patient, clinic.type_id), staff=clinic.desk)
    assert matches(clinic.engine, freed(clinic, 10)) == []
    assert len(matches(clinic.engine, freed(clinic, 10, provider_id=clinic.provider2_id))) == 1


def test_booking_from_the_wait_list_closes_the_entry(clinic: Clinic) -> None:
    holder, waiter = clinic.add_patient("Holder", "A"), clinic.add_patient("Waiter", "B")
    slot = clinic.book(holder, 10, day=WED)
    entry = add_entry(clinic.engine, WaitRequest(waiter, clinic.type_id), staff=clinic.desk)
    gone = cancel(clinic.engine, slot, staff=clinic.desk, reason="Patient cancelled")
    assert gone.freed is not None
    (item,) = matches(clinic.engine, gone.freed)
    booked = book(
        clinic.engine,
        BookingRequest(
            patient_id=item.patient_id,
            provider_id=gone.freed.provider_id,
            type_id=item.type_id,
            start=gone.freed.start,
            waitlist_entry_id=item.id,
        ),
        staff=clinic.desk,
    )
    row = fetch(clinic.engine, WaitlistEntry, entry)
    assert (row.status, row.appointment_id) == ("booked", booked.appointment_id)
    assert waiting(clinic.engine) == []


def test_a_removed_entry_stays_on_record_but_stops_matching(clinic: Clinic) -> None:
    entry = add_entry(
        clinic.engine, WaitRequest(clinic.add_patient(), clinic.type_id), staff=clinic.desk
    )
    remove_entry(clinic.engine, entry, staff=clinic.desk)
    assert fetch(clinic.engine, WaitlistEntry, entry).status == "removed"
    assert matches(clinic.engine, freed(clinic, 10)) == []
    with pytest.raises(InvalidInput, match="no longer waiting"):
        remove_entry(clinic.engine, entry, staff=clinic.desk)


def test_limits_that_make_no_sense_are_refused(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    with pytest.raises(InvalidInput, match="earliest time must be before"):
        add_entry(
            clinic.engine,
            WaitRequest(patient, clinic.type_id, earliest_minute=900, latest_minute=600),
            staff=clinic.desk,
        )
    with pytest.raises(InvalidInput, match="already past"):
        add_entry(
            clinic.engine,
            WaitRequest(patient, clinic.type_id, until=TODAY - timedelta(days=1)),
            staff=clinic.desk,
        )
