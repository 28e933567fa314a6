"""The demo clinic's providers, their hours, and the visit types it books.

:func:`frontdesk.data.demo.build_demo` makes the provider and appointment-type
rows from these; :mod:`frontdesk.data.demo_schedule` lays the days out from
the same hours, durations, booking weights and age ranges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from frontdesk.data.models import AppointmentType, BreakTime, WorkingHours


@dataclass(frozen=True)
class DemoProvider:
    """A provider's name, short name and hours (clinic-local ``HH:MM``)."""

    name: str
    short_name: str
    day_start: str
    day_end: str

    @property
    def hours(self) -> tuple[time, time]:
        """When the provider starts and stops seeing patients."""
        return time.fromisoformat(self.day_start), time.fromisoformat(self.day_end)


PROVIDERS: tuple[DemoProvider, ...] = (
    DemoProvider("Dr. Grace Okafor, MD", "Okafor", "08:00", "17:00"),
    DemoProvider("Dr. Anil Patel, MD", "Patel", "08:00", "17:00"),
    DemoProvider("Linh Nguyen, FNP", "Nguyen", "09:00", "18:00"),
    DemoProvider("Dr. Erik Lindqvist, DO", "Lindqvist", "07:30", "16:00"),
)
LUNCH = (time(12, 0), time(13, 0))  # no one is booked over lunch
SATURDAY = (time(8, 0), time(12, 0))  # the first two providers, in the week ahead and past


@dataclass(frozen=True)
class DemoVisitType:
    """A visit type, how often it is booked, and who it is for."""

    name: str
    minutes: int
    prep: str
    weight: int
    is_new_patient: bool = False
    ages: tuple[int, int] = (0, 200)  # patient age range, in years


VISIT_TYPES: tuple[DemoVisitType, ...] = (
    DemoVisitType(
        "Follow-up",
        15,
        "Bring your medicines (or a list) and any home readings, such as blood pressure "
        "or blood sugar.",
        45,
    ),
    DemoVisitType(
        "Sick visit",
        15,
        "If you have a cough or fever, wear a mask in the waiting room. Note when your "
        "symptoms started and what you have taken for them.",
        25,
    ),
    DemoVisitType(
        "Annual physical",
        30,
        "If labs were ordered, fast for 8 hours before (water and medicines are fine). "
        "Bring your medicine list and vaccination record.",
        10,
        ages=(18, 200),
    ),
    DemoVisitType(
        "New patient",
        40,
        "Arrive 20 minutes early with photo ID, insurance card, your medicine list and "
        "records from your previous doctor.",
        6,
        is_new_patient=True,
    ),
    DemoVisitType(
        "Well child",
        30,
        "Bring the child's immunization record. A parent or legal guardian must come to the visit.",
        8,
        ages=(0, 17),
    ),
    DemoVisitType(
        "Procedure",
        45,
        "Nothing to eat for 6 hours before. Arrange a ride home. Keep taking blood "
        "thinners unless your provider told you to stop.",
        6,
        ages=(12, 200),
    ),
)


def visit_type_rows() -> list[AppointmentType]:
    """The demo's visit types as new table rows."""
    return [
        AppointmentType(
            name=k.name,
            minutes=k.minutes,
            prep_instructions=k.prep,
            is_new_patient=k.is_new_patient,
        )
        for k in VISIT_TYPES
    ]


def _minute(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def hours_rows(provider_ids: list[int], today: date) -> list[WorkingHours | BreakTime]:
    """The demo's weekly hours: weekdays with lunch off, Saturday mornings for two.

    Today is always a full working day, whatever its weekday, so the demo opens
    on a busy schedule even on a Sunday.
    """
    rows: list[WorkingHours | BreakTime] = []
    lunch = (_minute(LUNCH[0]), _minute(LUNCH[1]))
    for index, (provider_id, demo) in enumerate(zip(provider_ids, PROVIDERS, strict=True)):
        start, end = (_minute(t) for t in demo.hours)
        for weekday in range(7):
            if weekday < 5 or weekday == today.weekday():
                rows.append(
                    WorkingHours(
                        provider_id=provider_id, weekday=weekday, start_minute=start, end_minute=end
                    )
                )
                rows.append(
                    BreakTime(
                        provider_id=provider_id,
                        weekday=weekday,
                        start_minute=lunch[0],
                        end_minute=lunch[1],
                        label="Lunch",
                    )
                )
            elif weekday == 5 and index < 2:
                rows.append(
                    WorkingHours(
                        provider_id=provider_id,
                        weekday=weekday,
                        start_minute=_minute(SATURDAY[0]),
                        end_minute=_minute(SATURDAY[1]),
                    )
                )
    return rows
