"""Openings search: where a visit type fits, soonest first, under every booking rule.

The ``clinic`` fixture's two providers work 08:00-17:00 every day; the clock is
Tue 24 Nov 2026 10:00 in Chicago. Expected times below follow from that set-up.
How far a search looks, the clock change and the statements: test_openings_range.py.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest
from sqlmodel import col, select

from frontdesk import clock
from frontdesk.data import openings as openings_module
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import InvalidInput
from frontdesk.data.models import (
    Appointment,
    AppointmentType,
    Blockout,
    BreakTime,
    DayClose,
    DayReopen,
    Holiday,
    Provider,
    Status,
    TypeProvider,
    WorkingHours,
)
from frontdesk.data.openings import OpeningQuery, search_openings, search_openings_in
from tests.conftest import NOW, TODAY, ZONE, Clinic
from tests.data.helpers import set_fields
from tests.data.openings_helpers import TOMORROW, add, at, find, new_type, spans

pytestmark = pytest.mark.usefixtures("fast_hashing")


# --- the basic answer ---------------------------------------------------------------------


def test_the_first_openings_are_the_rest_of_today_then_tomorrow_for_each_provider(
    clinic: Clinic,
) -> None:
    result = find(clinic, limit=4)
    assert spans(result) == [
        ("Okafor", NOW, at(TODAY, 17)),
        ("Patel", NOW, at(TODAY, 17)),
        ("Okafor", at(TOMORROW, 8), at(TOMORROW, 17)),
        ("Patel", at(TOMORROW, 8), at(TOMORROW, 17)),
    ]
    first = result.openings[0]
    assert first.provider_id == clinic.provider_id
    assert first.minutes == 15
    assert first.latest_start == at(TODAY, 16, 45)
    assert first.gap_minutes == 7 * 60
    assert (result.type_name, result.minutes, result.first_day) == ("Follow-up", 15, TODAY)
    assert result.providers == ((clinic.provider_id, "Okafor"), (clinic.provider2_id, "Patel"))
    assert result.last_day == TOMORROW
    assert not result.complete


def test_openings_are_clinic_local_times(clinic: Clinic) -> None:
    opening = find(clinic, limit=1).openings[0]
    assert opening.start.utcoffset() == NOW.utcoffset()
    assert opening.start.astimezone(UTC) == NOW.astimezone(UTC)


def test_later_today_starts_on_the_next_five_minute_mark(clinic: Clinic) -> None:
    clock.set_now(NOW + timedelta(minutes=2, seconds=30))
    assert find(clinic, limit=1).openings[0].start == at(TODAY, 10, 5)
    clock.set_now(at(TODAY, 10, 5))
    assert find(clinic, limit=1).openings[0].start == at(TODAY, 10, 5)
    clock.set_now(at(TODAY, 10, 5) + timedelta(seconds=1))
    assert find(clinic, limit=1).openings[0].start == at(TODAY, 10, 10)


def test_after_hours_today_the_first_opening_is_tomorrow_morning(clinic: Clinic) -> None:
    clock.set_now(at(TODAY, 16, 50))
    result = find(clinic, limit=1)
    assert spans(result) == [("Okafor", at(TOMORROW, 8), at(TOMORROW, 17))]


def test_the_same_search_through_a_session_gives_the_same_answer(clinic: Clinic) -> None:
    query = OpeningQuery(type_id=clinic.new_type_id, limit=5)
    with read_session(clinic.engine) as session:
        assert search_openings_in(session, query) == search_openings(clinic.engine, query)


# --- what holds time ----------------------------------------------------------------------


def test_appointments_split_a_day_and_short_gaps_do_not_hold_a_longer_visit(
    clinic: Clinic,
) -> None:
    patient = clinic.add_patient()
    clinic.book(patient, 10, 0)
    clinic.book(patient, 10, 30)
    mine = {"provider_id": clinic.provider_id, "limit": 2}
    assert spans(find(clinic, **mine)) == [
        ("Okafor", at(TODAY, 10, 15), at(TODAY, 10, 30)),
        ("Okafor", at(TODAY, 10, 45), at(TODAY, 17)),
    ]
    longer = find(clinic, clinic.new_type_id, **mine)  # 40 minutes do not fit 10:15-10:30
    assert spans(longer)[0] == ("Okafor", at(TODAY, 10, 45), at(TODAY, 17))
    assert longer.openings[0].latest_start == at(TODAY, 16, 20)


def test_another_providers_appointment_does_not_hold_this_providers_time(
    clinic: Clinic,
) -> None:
    clinic.book(clinic.add_patient(), 10, 0, provider_id=clinic.provider2_id)
    result = find(clinic, limit=2)
    assert spans(result) == [
        ("Okafor", NOW, at(TODAY, 17)),
        ("Patel", at(TODAY, 10, 15), at(TODAY, 17)),
    ]


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.NO_SHOW])
def test_cancelled_and_no_show_visits_free_their_time(clinic: Clinic, status: Status) -> None:
    patient = clinic.add_patient()
    held = clinic.book(patient, 11, 0, day=TOMORROW)
    freed = clinic.book(patient, 14, 0, day=TOMORROW, status=status.value)
    assert freed != held
    result = find(clinic, first_day=TOMORROW, provider_id=clinic.provider_id, limit=3)
    assert spans(result) == [
        ("Okafor", at(TOMORROW, 8), at(TOMORROW, 11)),
        ("Okafor", at(TOMORROW, 11, 15), at(TOMORROW, 17)),
        ("Okafor", at(TOMORROW + timedelta(days=1), 8), at(TOMORROW + timedelta(days=1), 17)),
    ]


def test_double_booked_visits_hold_time_until_the_later_one_ends(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    long_one = clinic.book(patient, 10, 0)
    set_fields(clinic.engine, Appointment, long_one, minutes=40)  # 10:00-10:40
    clinic.book(patient, 10, 15)  # 10:15-10:30, inside it
    clinic.book(patient, 11, 0)
    result = find(clinic, provider_id=clinic.provider_id, limit=2)
    assert spans(result) == [
        ("Okafor", at(TODAY, 10, 40), at(TODAY, 11)),
        ("Okafor", at(TODAY, 11, 15), at(TODAY, 17)),
    ]


@pytest.mark.parametrize("status", [Status.ARRIVED, Status.IN_ROOM, Status.DONE])
def test_visits_under_way_or_done_still_hold_their_time(clinic: Clinic, status: Status) -> None:
    clinic.book(clinic.add_patient(), 10, 0, status=status.value)
    result = find(clinic, provider_id=clinic.provider_id, limit=1)
    assert result.openings[0].start == at(TODAY, 10, 15)


def test_an_overbook_type_may_go_on_top_of_other_appointments(clinic: Clinic) -> None:
    clinic.book(clinic.add_patient(), 10, 0)
    quick = new_type(clinic, minutes=10, overbook=True)
    result = find(clinic, quick, provider_id=clinic.provider_id, limit=1)
    assert spans(result) == [("Okafor", NOW, at(TODAY, 17))]


def test_a_long_appointment_from_the_evening_before_holds_the_morning(clinic: Clinic) -> None:
    add(
        clinic,
        WorkingHours(
            provider_id=clinic.provider_id,
            weekday=TODAY.weekday(),
            start_minute=1320,
            end_minute=1440,
        ),
    )
    late = clinic.book(clinic.add_patient(), 23, 0)
    set_fields(clinic.engine, Appointment, late, minutes=10 * 60)  # until 09:00 tomorrow
    result = find(clinic, first_day=TOMORROW, provider_id=clinic.provider_id, limit=1)
    assert result.openings[0].start == at(TOMORROW, 9)


# --- hours, breaks, blockouts, holidays, closed days ----------------------------------------


def test_breaks_and_blockouts_cut_the_openings(clinic: Clinic) -> None:
    add(
        clinic,
        BreakTime(
            provider_id=clinic.provider_id,
            weekday=TOMORROW.weekday(),
            start_minute=720,
            end_minute=780,
            label="Lunch",
        ),
        Blockout(
            provider_id=clinic.provider_id,
            start_at=at(TOMORROW, 15).astimezone(UTC),
            end_at=at(TOMORROW, 16).astimezone(UTC),
            reason="Meeting",
        ),
    )
    result = find(clinic, first_day=TOMORROW, provider_id=clinic.provider_id, limit=3)
    assert spans(result) == [
        ("Okafor", at(TOMORROW, 8), at(TOMORROW, 12)),
        ("Okafor", at(TOMORROW, 13), at(TOMORROW, 15)),
        ("Okafor", at(TOMORROW, 16), at(TOMORROW, 17)),
    ]


def test_a_clinic_wide_blockout_holds_every_provider(clinic: Clinic) -> None:
    add(
        clinic,
        Blockout(
            provider_id=None,
            start_at=NOW.astimezone(UTC),
            end_at=at(TODAY, 17).astimezone(UTC),
            reason="Fire drill",
        ),
    )
    result = find(clinic, limit=2)
    assert [o.start for o in result.openings] == [at(TOMORROW, 8)] * 2


def test_a_holiday_and_a_day_off_offer_nothing(clinic: Clinic) -> None:
    add(clinic, Holiday(day=TOMORROW, name="Thanksgiving eve"))
    day_off = (TOMORROW + timedelta(days=1)).weekday()
    with write_session(clinic.engine) as session:
        hours = select(WorkingHours).where(
            col(WorkingHours.provider_id) == clinic.provider2_id,
            col(WorkingHours.weekday) == day_off,
        )
        for row in session.exec(hours):
            session.delete(row)
    result = find(clinic, first_day=TOMORROW, limit=2)
    day_after = TOMORROW + timedelta(days=1)
    assert spans(result) == [
        ("Okafor", at(day_after, 8), at(day_after, 17)),
        ("Okafor", at(day_after + timedelta(days=1), 8), at(day_after + timedelta(days=1), 17)),
    ]


def test_a_closed_day_offers_nothing_until_it_is_reopened(clinic: Clinic) -> None:
    start, end = clock.day_bounds(TODAY, ZONE)
    with write_session(clinic.engine) as session:
        close = DayClose(
            business_date=TODAY,
            start_at=start,
            end_at=end,
            closed_at=clock.now(),
            closed_by=clinic.supervisor.id,
        )
        session.add(close)
        session.flush()
        assert close.id is not None
        close_id = close.id
    assert find(clinic, limit=1).openings[0].start == at(TOMORROW, 8)
    add(
        clinic,
        DayReopen(
            close_id=close_id,
            business_date=TODAY,
            at=clock.now(),
            staff_id=clinic.supervisor.id,
            reason="late patient",
        ),
    )
    assert find(clinic, limit=1).openings[0].start == NOW


# --- who sees the type ----------------------------------------------------------------------


def test_a_type_seen_by_some_providers_is_searched_only_with_them(clinic: Clinic) -> None:
    add(clinic, TypeProvider(type_id=clinic.new_type_id, provider_id=clinic.provider2_id))
    result = find(clinic, clinic.new_type_id, limit=3)
    assert {o.provider for o in result.openings} == {"Patel"}
    assert result.providers == ((clinic.provider2_id, "Patel"),)
    with pytest.raises(InvalidInput, match="Okafor does not see New patient") as caught:
        find(clinic, clinic.new_type_id, provider_id=clinic.provider_id)
    assert caught.value.field == "provider"


def test_providers_who_left_are_not_offered(clinic: Clinic) -> None:
    set_fields(clinic.engine, Provider, clinic.provider_id, active=False)
    assert {o.provider for o in find(clinic, limit=4).openings} == {"Patel"}
    with pytest.raises(InvalidInput) as caught:
        find(clinic, provider_id=clinic.provider_id)
    assert caught.value.field == "provider"


def test_a_type_no_longer_offered_is_refused(clinic: Clinic) -> None:
    set_fields(clinic.engine, AppointmentType, clinic.type_id, active=False)
    with pytest.raises(InvalidInput) as caught:
        find(clinic)
    assert caught.value.field == "type"


def test_a_type_nobody_on_staff_sees_says_so(clinic: Clinic) -> None:
    add(clinic, TypeProvider(type_id=clinic.new_type_id, provider_id=clinic.provider2_id))
    set_fields(clinic.engine, Provider, clinic.provider2_id, active=False)
    with pytest.raises(InvalidInput, match="No provider on staff sees New patient"):
        find(clinic, clinic.new_type_id)


# --- what suits the patient -------------------------------------------------------------


def test_only_the_weekdays_asked_for(clinic: Clinic) -> None:
    friday = 4
    result = find(clinic, weekdays=frozenset({friday}), limit=4)
    assert {o.start.weekday() for o in result.openings} == {friday}
    assert result.openings[0].start == at(date(2026, 11, 27), 8)
    assert result.openings[2].start == at(date(2026, 12, 4), 8)


def test_a_time_window_keeps_the_whole_visit_inside_it(clinic: Clinic) -> None:
    result = find(
        clinic,
        clinic.new_type_id,
        earliest_minute=13 * 60,
        latest_minute=14 * 60,
        provider_id=clinic.provider_id,
        limit=2,
    )
    assert spans(result) == [
        ("Okafor", at(TODAY, 13), at(TODAY, 14)),
        ("Okafor", at(TOMORROW, 13), at(TOMORROW, 14)),
    ]
    assert result.openings[0].latest_start == at(TODAY, 13, 20)


def test_a_window_that_has_begun_today_starts_from_now(clinic: Clinic) -> None:
    result = find(clinic, earliest_minute=9 * 60, latest_minute=12 * 60, limit=1)
    assert spans(result) == [("Okafor", NOW, at(TODAY, 12))]


def test_a_window_too_short_for_the_visit_is_refused(clinic: Clinic) -> None:
    with pytest.raises(InvalidInput, match="too short for a 40-minute visit") as caught:
        find(clinic, clinic.new_type_id, earliest_minute=600, latest_minute=630)
    assert caught.value.field == "time"
    with pytest.raises(InvalidInput, match="12:00 is not after 13:00"):
        find(clinic, earliest_minute=780, latest_minute=720)


@pytest.mark.parametrize(
    ("asked", "field"),
    [
        ({"first_day": TODAY - timedelta(days=1)}, "date"),
        ({"days": 0}, "days"),
        ({"days": openings_module.MAX_DAYS + 1}, "days"),
        ({"limit": 0}, "limit"),
        ({"weekdays": frozenset({7})}, "weekdays"),
        ({"earliest_minute": -5}, "time"),
        ({"latest_minute": 1441}, "time"),
    ],
)
def test_what_cannot_be_searched_is_refused_at_its_field(
    clinic: Clinic, asked: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        find(clinic, **asked)
    assert caught.value.field == field
