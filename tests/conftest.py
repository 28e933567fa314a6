"""Shared fixtures: a fresh migrated SQLite file per test and a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from frontdesk import clock
from frontdesk.data import schema
from frontdesk.data.clinic import create_settings
from frontdesk.data.db import make_engine, write_session
from frontdesk.data.models import Appointment, AppointmentType, Provider, Role, WorkingHours
from frontdesk.data.patients import PatientForm, register_in
from frontdesk.data.staff import StaffMember, create_staff

ZONE = ZoneInfo("America/Chicago")
# Tuesday 24 Nov 2026, 10:00 in Chicago (16:00 UTC)
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZONE)
TODAY = date(2026, 11, 24)
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[datetime]:
    """Every test runs at NOW unless it moves the clock itself."""
    with clock.freeze(NOW):
        yield NOW


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's real database or settings."""
    monkeypatch.delenv("FRONTDESK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a fresh database file."""
    return tmp_path / "clinic.db"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    """A migrated database with clinic settings (Chicago) and nothing else."""
    eng = make_engine(db_path)
    schema.upgrade(eng)
    with write_session(eng) as session:
        create_settings(session, name="Riverside Family Clinic", timezone="America/Chicago")
    yield eng
    eng.dispose()


@dataclass
class Clinic:
    """Handles to the seeded records of :func:`clinic`."""

    engine: Engine
    desk: StaffMember
    desk2: StaffMember
    supervisor: StaffMember
    provider_id: int
    provider2_id: int
    type_id: int
    new_type_id: int

    def add_patient(
        self,
        last: str = "Smith",
        first: str = "Jo",
        dob: str = "3/14/1990",
        *,
        balance_cents: int = 0,
        **extra: object,
    ) -> int:
        """Register a patient (insurance and consent on file) and return the id."""
        fields: dict[str, object] = {
            "insurance_payer": "Aetna",
            "insurance_member_id": "W1234567",
            "phone_mobile": "(312) 555-0134",
        }
        fields.update(extra)
        with write_session(self.engine) as session:
            patient = register_in(
                session,
                PatientForm(last_name=last, first_name=first, dob=dob, **fields),  # type: ignore[arg-type]
                staff=self.desk,
                allow_duplicate=True,
            )
            patient.consent_on_file_on = TODAY - timedelta(days=30)
            patient.balance_due_cents = balance_cents
            session.add(patient)
            assert patient.id is not None
            return patient.id

    def book(
        self,
        patient_id: int,
        hour: int,
        minute: int = 0,
        day: date = TODAY,
        provider_id: int | None = None,
        **extra: object,
    ) -> int:
        """Book an appointment at a local time and return its id."""
        start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)
        with write_session(self.engine) as session:
            appt = Appointment(
                patient_id=patient_id,
                provider_id=provider_id or self.provider_id,
                type_id=self.type_id,
                start_at=start.astimezone(UTC),
                minutes=15,
                created_at=clock.now(),
                updated_at=clock.now(),
                **extra,  # type: ignore[arg-type]
            )
            session.add(appt)
            session.flush()
            assert appt.id is not None
            return appt.id


def every_day(provider_id: int, start: str = "08:00", end: str = "17:00") -> list[WorkingHours]:
    """Working hours ``start``-``end`` on all seven weekdays (tests are not about weekends)."""
    first, last = (int(t[:2]) * 60 + int(t[3:]) for t in (start, end))
    return [
        WorkingHours(provider_id=provider_id, weekday=d, start_minute=first, end_minute=last)
        for d in range(7)
    ]


@pytest.fixture
def clinic(engine: Engine) -> Clinic:
    """Staff (two desk clerks, a supervisor), two providers, two visit types."""
    with write_session(engine) as session:
        desk = create_staff(session, username="ana", password=PASSWORD, display_name="Ana")
        desk2 = create_staff(session, username="ben", password=PASSWORD, display_name="Ben")
        sup = create_staff(
            session, username="sam", password=PASSWORD, display_name="Sam", role=Role.SUPERVISOR
        )
        p1 = Provider(name="Dr. Grace Okafor", short_name="Okafor")
        p2 = Provider(name="Dr. Anil Patel", short_name="Patel")
        t1 = AppointmentType(name="Follow-up", minutes=15)
        t2 = AppointmentType(
            name="New patient",
            minutes=40,
            is_new_patient=True,
            prep_instructions="Arrive 20 minutes early with photo ID.",
        )
        session.add_all([p1, p2, t1, t2])
        session.flush()
        assert p1.id is not None
        assert p2.id is not None
        session.add_all(every_day(p1.id) + every_day(p2.id))
        assert t1.id is not None
        assert t2.id is not None
        return Clinic(engine, desk, desk2, sup, p1.id, p2.id, t1.id, t2.id)


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters (same algorithm) so tests that add staff stay fast.

    Opt in with ``pytestmark = pytest.mark.usefixtures("fast_hashing")``; sign-in
    logic does not depend on the cost, only on the hash verifying.
    """
    from argon2 import PasswordHasher

    from frontdesk.data import staff

    real = staff._hasher
    monkeypatch.setattr(
        staff,
        "_hasher",
        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=real.type),
    )
