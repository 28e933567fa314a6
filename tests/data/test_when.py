"""Booking at a typed time: the words clerks use, and the refusals they get."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from frontdesk.data.booking import BookingRequest, book_at
from frontdesk.data.clinic import load_clinic
from frontdesk.data.db import write_session
from frontdesk.data.errors import InvalidInput
from frontdesk.data.models import Appointment, Blockout
from frontdesk.data.when import parse_when
from tests.conftest import ZONE, Clinic
from tests.data.helpers import fetch

pytestmark = pytest.mark.usefixtures("fast_hashing")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:30", datetime(2026, 11, 24, 14, 30, tzinfo=ZONE)),  # today (a Tuesday)
        ("tomorrow 9am", datetime(2026, 11, 25, 9, 0, tzinfo=ZONE)),
        ("thu 2pm", datetime(2026, 11, 26, 14, 0, tzinfo=ZONE)),
        ("Tue 10", datetime(2026, 11, 24, 10, 0, tzinfo=ZONE)),  # today's own weekday: today
        ("mon 8:15", datetime(2026, 11, 30, 8, 15, tzinfo=ZONE)),
        ("12/3 10:15", datetime(2026, 12, 3, 10, 15, tzinfo=ZONE)),
        ("+7  11:00", datetime(2026, 12, 1, 11, 0, tzinfo=ZONE)),
    ],
)
def test_days_and_times_as_typed(clinic: Clinic, text: str, expected: datetime) -> None:
    assert parse_when(text, load_clinic(clinic.engine)) == expected


@pytest.mark.parametrize("text", ["", "thursday", "thu 25:00", "someday 9"])
def test_what_is_not_a_time_is_refused_at_the_field(clinic: Clinic, text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_when(text, load_clinic(clinic.engine))
    assert refused.value.field == "when"


def _request(clinic: Clinic, start: datetime) -> BookingRequest:
    return BookingRequest(clinic.add_patient(), clinic.provider_id, clinic.type_id, start)


def test_any_provider_takes_the_first_one_free(clinic: Clinic) -> None:
    clinic.book(clinic.add_patient("Busy", "B"), 14, 0)  # Okafor is busy at 14:00
    start = datetime(2026, 11, 24, 14, 0, tzinfo=ZONE)
    booked, freed = book_at(
        clinic.engine,
        _request(clinic, start),
        [clinic.provider_id, clinic.provider2_id],
        staff=clinic.desk,
    )
    assert freed is None
    assert booked.provider == "Dr. Anil Patel"
    assert fetch(clinic.engine, Appointment, booked.appointment_id).provider_id == (
        clinic.provider2_id
    )


def test_nobody_free_says_why_for_each(clinic: Clinic) -> None:
    clinic.book(clinic.add_patient("Busy", "B"), 14, 0)
    with write_session(clinic.engine) as session:
        session.add(
            Blockout(
                provider_id=clinic.provider2_id,
                start_at=datetime(2026, 11, 24, 13, 0, tzinfo=ZONE).astimezone(UTC),
                end_at=datetime(2026, 11, 24, 16, 0, tzinfo=ZONE).astimezone(UTC),
                reason="Training",
            )
        )
    start = datetime(2026, 11, 24, 14, 0, tzinfo=ZONE)
    with pytest.raises(InvalidInput) as refused:
        book_at(
            clinic.engine,
            _request(clinic, start),
            [clinic.provider_id, clinic.provider2_id],
            staff=clinic.desk,
        )
    message = refused.value.message
    assert message.startswith("Nobody is free then.")
    assert "Okafor already has a visit at 14:00" in message
    assert "blocked: Training" in message


def test_a_typed_time_in_the_past_or_out_of_hours_is_refused(clinic: Clinic) -> None:
    for start, words in (
        (datetime(2026, 11, 24, 9, 0, tzinfo=ZONE), "in the past"),
        (datetime(2026, 11, 24, 18, 0, tzinfo=ZONE) + timedelta(days=1), "Outside"),
    ):
        with pytest.raises(InvalidInput) as refused:
            book_at(clinic.engine, _request(clinic, start), [clinic.provider_id], staff=clinic.desk)
        assert words in refused.value.message
