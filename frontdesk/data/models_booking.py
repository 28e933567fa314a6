"""Tables for booking: working hours, breaks, holidays, blockouts, the wait list, delays.

Times of day are minutes after local midnight in the clinic's timezone
(``540`` is 09:00); weekdays count from Monday = 0, as ``date.weekday()``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel


class WorkingHours(SQLModel, table=True):
    """One span a provider works on a weekday (a split day has two rows)."""

    __tablename__ = "working_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_working_hours_weekday"),
        CheckConstraint(
            "start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440",
            name="ck_working_hours_span",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    weekday: int
    start_minute: int
    end_minute: int


class BreakTime(SQLModel, table=True):
    """A recurring break on a weekday (lunch, admin time): never bookable."""

    __tablename__ = "break_time"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_break_time_weekday"),
        CheckConstraint(
            "start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440",
            name="ck_break_time_span",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    weekday: int
    start_minute: int
    end_minute: int
    label: str = ""


class Holiday(SQLModel, table=True):
    """A day the whole clinic is closed."""

    __tablename__ = "holiday"

    day: date = Field(primary_key=True)
    name: str = ""


class Blockout(SQLModel, table=True):
    """A one-off span nobody may book: one provider's, or the clinic's (no provider)."""

    __tablename__ = "blockout"
    __table_args__ = (
        CheckConstraint("start_at < end_at", name="ck_blockout_span"),
        Index("ix_blockout_end", "end_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    start_at: datetime
    end_at: datetime
    reason: str = ""


class TypeProvider(SQLModel, table=True):
    """Which providers see a type; a type with no rows here is seen by every provider."""

    __tablename__ = "type_provider"

    type_id: int = Field(foreign_key="appointment_type.id", primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", primary_key=True)


class WaitlistEntry(SQLModel, table=True):
    """A patient who wants an earlier slot, with what would suit them.

    ``weekdays`` holds the digits of the weekdays that suit ("024" is Monday,
    Wednesday, Friday); empty means any day. Times are local minutes; ``None``
    means no limit.
    """

    __tablename__ = "waitlist_entry"
    __table_args__ = (Index("ix_waitlist_open", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    type_id: int = Field(foreign_key="appointment_type.id")
    provider_id: int | None = Field(default=None, foreign_key="provider.id")
    weekdays: str = ""
    earliest_minute: int | None = None
    latest_minute: int | None = None
    not_before: date | None = None
    until: date | None = None
    note: str = ""
    created_at: datetime
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    status: str = "waiting"  # waiting, booked, removed
    closed_at: datetime | None = None
    closed_by: int | None = Field(default=None, foreign_key="staff.id")
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    version: int = 1


class ProviderDelay(SQLModel, table=True):
    """A provider running late on a day (append-only: the newest row is the delay)."""

    __tablename__ = "provider_delay"
    __table_args__ = (Index("ix_provider_delay_day", "business_date", "provider_id"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id")
    business_date: date
    minutes: int
    at: datetime
    staff_id: int = Field(foreign_key="staff.id")


__all__ = [
    "Blockout",
    "BreakTime",
    "Holiday",
    "ProviderDelay",
    "TypeProvider",
    "WaitlistEntry",
    "WorkingHours",
]
