"""A provider running late: the delay recorded, who it affects, one call each."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from frontdesk import clock
from frontdesk.data.callback_queue import queue
from frontdesk.data.callbacks import close_callback
from frontdesk.data.checkin import CheckInRequest, check_in
from frontdesk.data.db import write_session
from frontdesk.data.delays import (
    MAX_DELAY,
    affected,
    create_delay_callbacks,
    delay_text,
    delays_of_day,
    parse_minutes,
    provider_late,
    providers_late,
    set_delay,
)
from frontdesk.data.errors import DayClosed, InvalidInput
from frontdesk.data.models import Callback, DayClose, ProviderDelay
from tests.conftest import NOW, TODAY, ZONE, Clinic
from tests.data.helpers import audit_events, count, detail

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _local(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 24, hour, minute, tzinfo=ZONE)


def test_the_newest_delay_of_the_day_wins(clinic: Clinic) -> None:
    engine, ana = clinic.engine, clinic.desk
    set_delay(engine, clinic.provider_id, 20, staff=ana)
    set_delay(engine, clinic.provider2_id, 10, staff=clinic.desk2)
    clock.advance(timedelta(minutes=30))
    set_delay(engine, clinic.provider_id, 35, staff=ana)
    assert delays_of_day(engine, TODAY) == {clinic.provider_id: 35, clinic.provider2_id: 10}
    set_delay(engine, clinic.provider2_id, 0, staff=ana)  # back on time: left out
    assert delays_of_day(engine, TODAY) == {clinic.provider_id: 35}
    assert delays_of_day(engine, TODAY + timedelta(days=1)) == {}
    assert provider_late(engine, clinic.provider2_id).minutes == 0
    assert [p.label for p in providers_late(engine)] == ["Okafor (35 min late)", "Patel (on time)"]
    assert count(engine, ProviderDelay) == 4


def test_a_delay_is_audited_with_the_one_it_replaces(clinic: Clinic) -> None:
    set_delay(clinic.engine, clinic.provider_id, 20, staff=clinic.desk)
    set_delay(clinic.engine, clinic.provider_id, 20, staff=clinic.desk)  # the same: no new row
    set_delay(clinic.engine, clinic.provider_id, 0, staff=clinic.desk2)
    events = audit_events(clinic.engine, "provider.delay")
    assert [detail(e) for e in events] == [
        {"day": "2026-11-24", "minutes": 20, "before": 0},
        {"day": "2026-11-24", "minutes": 0, "before": 20},
    ]
    assert [e.staff_id for e in events] == [clinic.desk.id, clinic.desk2.id]
    assert count(clinic.engine, ProviderDelay) == 2


def test_delays_are_append_only(clinic: Clinic) -> None:
    set_delay(clinic.engine, clinic.provider_id, 20, staff=clinic.desk)
    with pytest.raises(IntegrityError, match="append-only"), write_session(clinic.engine) as s:
        s.execute(text("UPDATE provider_delay SET minutes = 5"))


@pytest.mark.parametrize("minutes", [-1, MAX_DELAY + 1, 1000])
def test_minutes_out_of_range_are_refused(clinic: Clinic, minutes: int) -> None:
    with pytest.raises(InvalidInput, match="0 to 240") as caught:
        set_delay(clinic.engine, clinic.provider_id, minutes, staff=clinic.desk)
    assert caught.value.field == "minutes"
    assert count(clinic.engine, ProviderDelay) == 0


@pytest.mark.parametrize(
    ("typed", "minutes"), [("20", 20), (" 15m ", 15), ("45 min", 45), ("0", 0), ("240", 240)]
)
def test_typed_minutes(typed: str, minutes: int) -> None:
    assert parse_minutes(typed) == minutes


@pytest.mark.parametrize("typed", ["", "ten", "-5", "1.5", "241", "２０"])
def test_typed_minutes_that_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput, match="0 to 240"):
        parse_minutes(typed)


def test_an_unknown_provider_or_a_closed_day_is_refused(clinic: Clinic) -> None:
    with pytest.raises(InvalidInput, match="not on the schedule"):
        set_delay(clinic.engine, 999, 10, staff=clinic.desk)
    with write_session(clinic.engine) as session:
        session.add(
            DayClose(
                business_date=TODAY,
                start_at=clock.day_bounds(TODAY, ZONE)[0],
                end_at=clock.day_bounds(TODAY, ZONE)[1],
                closed_at=NOW,
                closed_by=clinic.supervisor.id,
            )
        )
    with pytest.raises(DayClosed):
        set_delay(clinic.engine, clinic.provider_id, 10, staff=clinic.desk)
    assert count(clinic.engine, ProviderDelay) == 0


def test_affected_are_the_booked_patients_still_to_come(clinic: Clinic) -> None:
    engine = clinic.engine
    early = clinic.book(clinic.add_patient("Early", "Eve"), 9, 30)  # past the grace: no-show list
    clinic.book(clinic.add_patient("Grace", "Gus"), 9, 45)  # exactly at the grace: still counted
    arrived = clinic.add_patient("Here", "Hal")
    arrived_appt = clinic.book(arrived, 10, 15)
    check_in(
        engine,
        CheckInRequest(patient_id=arrived, appointment_id=arrived_appt, identity_verified=True),
        staff=clinic.desk,
    )
    late = clinic.add_patient("Lee", "Min", phone_home="(773) 555-0188")
    clinic.book(late, 11, 0)
    clinic.book(clinic.add_patient("Other", "Ola"), 11, 0, provider_id=clinic.provider2_id)
    clinic.book(clinic.add_patient("Morrow", "Tom"), 9, 0, day=TODAY + timedelta(days=1))
    set_delay(engine, clinic.provider_id, 25, staff=clinic.desk)
    found = affected(engine, clinic.provider_id)
    assert [(a.patient, a.start, a.expected) for a in found] == [
        ("Grace, Gus", _local(9, 45), _local(10, 10)),
        ("Lee, Min", _local(11), _local(11, 25)),
    ]
    assert found[1].phones == ("(312) 555-0134", "(773) 555-0188")
    assert found[1].delay == 25
    assert early not in [a.appointment_id for a in found]
    tomorrow = affected(engine, clinic.provider_id, TODAY + timedelta(days=1))
    assert [(a.patient, a.delay) for a in tomorrow] == [("Morrow, Tom", 0)]


def test_one_callback_per_patient_and_delay(clinic: Clinic) -> None:
    engine = clinic.engine
    first = clinic.book(clinic.add_patient("Lee", "Min"), 10, 30)
    second = clinic.book(clinic.add_patient("Núñez", "María", phone_mobile=""), 11, 15)
    set_delay(engine, clinic.provider_id, 20, staff=clinic.desk)
    assert create_delay_callbacks(engine, clinic.provider_id, staff=clinic.desk) == 2
    assert create_delay_callbacks(engine, clinic.provider_id, staff=clinic.desk2) == 0
    items = {i.patient_id: i for i in queue(engine)}
    assert len(items) == 2
    item = next(i for i in items.values() if i.who == "Lee, Min")
    assert item.notes == "Dr. Grace Okafor running ~20 min late; your 10:30 visit now about 10:50"
    assert (item.reason, item.priority, item.owner_queue) == ("scheduling", 1, "desk")
    assert item.due_at == NOW + timedelta(minutes=15)
    assert item.phone == "(312) 555-0134"
    events = audit_events(engine, "callback.added")
    assert sorted(detail(e)["cause"] for e in events) == [f"late:{first}:20", f"late:{second}:20"]
    assert {e.staff_id for e in events} == {clinic.desk.id}
    # closing an item does not make it again; a new delay is news, so a new call each
    close_callback(engine, item.id, "resolved", staff=clinic.desk)
    assert create_delay_callbacks(engine, clinic.provider_id, staff=clinic.desk) == 0
    set_delay(engine, clinic.provider_id, 40, staff=clinic.desk)
    assert create_delay_callbacks(engine, clinic.provider_id, staff=clinic.desk) == 2
    assert count(engine, Callback) == 4


def test_no_calls_when_on_time_or_for_another_provider(clinic: Clinic) -> None:
    clinic.book(clinic.add_patient("Lee", "Min"), 10, 30, provider_id=clinic.provider2_id)
    with pytest.raises(InvalidInput, match="Okafor is on time"):
        create_delay_callbacks(clinic.engine, clinic.provider_id, staff=clinic.desk)
    set_delay(clinic.engine, clinic.provider_id, 20, staff=clinic.desk)
    assert create_delay_callbacks(clinic.engine, clinic.provider_id, staff=clinic.desk) == 0
    assert count(clinic.engine, Callback) == 0


def test_the_schedule_flag() -> None:
    assert delay_text(15) == "+15m"
    assert delay_text(0) == ""
