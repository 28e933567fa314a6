"""Openings search: how far it looks, the limit, the clock change, and the statements it runs."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from typing import Any

import pytest

from frontdesk.data import openings_fetch, schedule_fetch
from frontdesk.data.diagnostics import captured_selects, query_plan
from frontdesk.data.models import Appointment, Blockout, WorkingHours
from frontdesk.data.openings import Opening
from tests.conftest import NOW, TODAY, Clinic
from tests.data.helpers import set_fields
from tests.data.openings_helpers import TOMORROW, add, at, find, spans

pytestmark = pytest.mark.usefixtures("fast_hashing")


# --- how far it looks -------------------------------------------------------------------


def test_the_search_looks_past_a_fully_booked_fortnight(clinic: Clinic) -> None:
    free_from = TODAY + timedelta(days=25)  # past the first two chunks of days
    add(
        clinic,
        Blockout(
            provider_id=None,
            start_at=NOW.astimezone(UTC),
            end_at=at(free_from, 12).astimezone(UTC),
            reason="Renovation",
        ),
    )
    result = find(clinic, limit=1)
    assert spans(result) == [("Okafor", at(free_from, 12), at(free_from, 17))]
    assert result.last_day == free_from


def test_nothing_in_range_says_how_far_it_looked(clinic: Clinic) -> None:
    add(
        clinic,
        Blockout(
            provider_id=None,
            start_at=NOW.astimezone(UTC),
            end_at=at(TODAY + timedelta(days=30), 0).astimezone(UTC),
            reason="Away",
        ),
    )
    result = find(clinic, days=10)
    assert result.openings == ()
    assert result.complete
    assert result.last_day == TODAY + timedelta(days=9)


def test_a_range_with_fewer_openings_than_asked_is_complete(clinic: Clinic) -> None:
    result = find(clinic, days=2, limit=12)
    assert len(result.openings) == 4
    assert result.complete
    assert result.last_day == TOMORROW
    exact = find(clinic, days=2, limit=4)
    assert exact.openings == result.openings
    assert exact.complete


def test_the_limit_is_the_soonest_openings(clinic: Clinic) -> None:
    everything = find(clinic, days=5, limit=50).openings
    assert len(everything) == 10
    assert find(clinic, days=5, limit=3).openings == everything[:3]
    starts = [o.start for o in everything]
    assert starts == sorted(starts)


def test_a_later_first_day_skips_the_days_before_it(clinic: Clinic) -> None:
    later = TODAY + timedelta(days=3)
    result = find(clinic, first_day=later, limit=1)
    assert result.first_day == later
    assert result.openings[0].start == at(later, 8)


# --- the clock and the database ---------------------------------------------------------


def test_across_the_spring_clock_change_a_day_keeps_its_local_hours(clinic: Clinic) -> None:
    change = date(2027, 3, 14)  # clocks go forward at 02:00 in Chicago
    add(
        clinic,
        WorkingHours(
            provider_id=clinic.provider2_id,
            weekday=change.weekday(),
            start_minute=60,
            end_minute=240,
        ),
    )
    result = find(clinic, first_day=change, provider_id=clinic.provider2_id, limit=2)
    night, day = result.openings
    assert (night.start, night.end) == (at(change, 1), at(change, 4))
    assert night.gap_minutes == 120  # 01:00-04:00 is two hours that night
    assert (day.start, day.end) == (at(change, 8), at(change, 17))
    assert day.gap_minutes == 9 * 60


def test_any_database_gets_the_same_openings(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient = clinic.add_patient()
    for hour in (10, 11, 15):
        clinic.book(patient, hour, 30, day=TOMORROW)
    clinic.book(patient, 9, 0, day=TOMORROW, provider_id=clinic.provider2_id)
    calls: list[object] = []
    real = schedule_fetch.driver_rows

    def spy(*args: Any) -> Any:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(schedule_fetch, "driver_rows", spy)
    query = {"first_day": TOMORROW, "limit": 8}
    fast = find(clinic, **query)
    assert calls
    monkeypatch.setattr(openings_fetch, "DRIVER_DIALECTS", frozenset())
    calls.clear()
    assert find(clinic, **query) == fast
    assert not calls
    assert len({o.provider for o in fast.openings}) == 2


@pytest.mark.parametrize("driver", [True, False], ids=["sqlite-text", "any-database"])
def test_a_start_with_a_fraction_of_a_second_holds_that_whole_second(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch, driver: bool
) -> None:
    if not driver:
        monkeypatch.setattr(openings_fetch, "DRIVER_DIALECTS", frozenset())
    patient = clinic.add_patient()
    odd = clinic.book(patient, 10, 0)
    later = at(TODAY, 10, 0) + timedelta(microseconds=500_000)
    set_fields(clinic.engine, Appointment, odd, start_at=later.astimezone(UTC))
    clinic.book(patient, 10, 30)  # leaves 14 minutes 59 seconds between the two
    result = find(clinic, provider_id=clinic.provider_id, limit=1)
    assert result.openings[0].start == at(TODAY, 10, 45)


def test_openings_are_plain_values(clinic: Clinic) -> None:
    opening = find(clinic, limit=1).openings[0]
    assert isinstance(opening, Opening)
    with pytest.raises(AttributeError):
        opening.start = NOW  # type: ignore[misc]


def test_the_days_are_read_a_chunk_at_a_time_through_indexes(clinic: Clinic) -> None:
    free_from = TODAY + timedelta(days=25)
    add(
        clinic,
        Blockout(
            provider_id=None,
            start_at=NOW.astimezone(UTC),
            end_at=at(free_from, 12).astimezone(UTC),
            reason="Renovation",
        ),
    )
    # About 14 provider-days first, then twice the days each time: for both providers
    # 7, 14 and 28 days (day 25 is in the third read); for one provider 14, then 28.
    for provider_id, chunks in ((None, 3), (clinic.provider_id, 2)):
        with captured_selects(clinic.engine) as seen:
            result = find(clinic, limit=1, provider_id=provider_id)
        assert result.openings[0].start == at(free_from, 12)
        reads = [(s, p) for s, p in seen if "FROM appointment WHERE" in " ".join(s.split())]
        assert len(reads) == chunks
        # settings, the type, who sees it, the providers, closed days, then the rules
        # (four statements) for the first chunk and once more for the rest of the range
        assert len(seen) == 5 + 4 * 2 + chunks
        for statement, parameters in reads:
            plan = " ".join(query_plan(clinic.engine, statement, parameters))
            assert "USING INDEX ix_appointment_" in plan, plan
            assert "TEMP B-TREE" not in plan, plan  # read in start order, no sort
