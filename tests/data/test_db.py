"""The engine and session scopes: BEGIN IMMEDIATE, pragmas, all-or-nothing writes, UTC."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import select

from frontdesk import clock
from frontdesk.data import db, schema
from frontdesk.data.checkin import CheckInRequest, check_in
from frontdesk.data.db import (
    integrity_ok,
    make_engine,
    read_session,
    sqlite_path,
    url_for,
    write_session,
)
from frontdesk.data.errors import DatabaseBusy
from frontdesk.data.models import (
    Appointment,
    AppointmentEvent,
    AuditEvent,
    Patient,
    Staff,
)
from frontdesk.data.patients import PatientForm, register_in
from frontdesk.data.staff import sign_in
from tests.conftest import Clinic
from tests.data.helpers import count, fetch

pytestmark = pytest.mark.usefixtures("fast_hashing")


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def listener(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        seen.append(statement.strip())

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def test_a_write_scope_begins_immediate(engine: Engine) -> None:
    with statements(engine) as seen, write_session(engine) as session:
        session.exec(select(Patient)).all()
    assert seen[0] == "BEGIN IMMEDIATE"
    assert seen.count("BEGIN IMMEDIATE") == 1
    assert not any(s == "BEGIN" for s in seen)


def test_a_read_scope_begins_deferred(engine: Engine) -> None:
    with statements(engine) as seen, read_session(engine) as session:
        session.exec(select(Patient)).all()
    assert seen[0] == "BEGIN"
    assert "BEGIN IMMEDIATE" not in seen


def test_every_connection_gets_the_pragmas(engine: Engine) -> None:
    def pragmas(conn: Any) -> dict[str, Any]:
        return {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        }

    engine.dispose()  # fresh connections, so the connect hook runs again
    with write_session(engine) as session:
        writer = pragmas(session.connection())
        # a second connection while the first is checked out
        with read_session(engine) as other:
            reader = pragmas(other.connection())
    for found in (writer, reader):
        assert found["journal_mode"] == "wal"
        assert found["foreign_keys"] == 1
        assert found["synchronous"] == 2  # FULL
        assert found["busy_timeout"] >= 5000


def test_a_failure_inside_a_write_scope_saves_nothing(clinic: Clinic) -> None:
    patients_before = count(clinic.engine, Patient)
    audits_before = count(clinic.engine, AuditEvent)
    flushed: list[int | None] = []

    def register_then_fail() -> None:
        with write_session(clinic.engine) as session:
            patient = register_in(
                session,
                PatientForm(last_name="Half", first_name="Saved", dob="1/2/1980"),
                staff=clinic.desk,
            )
            flushed.append(patient.id)  # the row exists inside the transaction
            raise RuntimeError("terminal hung up")

    with pytest.raises(RuntimeError, match="terminal hung up"):
        register_then_fail()
    assert flushed[0] is not None
    assert count(clinic.engine, Patient) == patients_before
    assert count(clinic.engine, AuditEvent) == audits_before


def test_a_read_scope_never_writes(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    with read_session(clinic.engine) as session:
        patient = session.get(Patient, pid)
        assert patient is not None
        patient.city = "Nowhere"
        session.add(patient)
        session.flush()
    with read_session(clinic.engine) as session:
        again = session.get(Patient, pid)
        assert again is not None
        assert again.city == ""


def test_foreign_keys_are_enforced(clinic: Clinic) -> None:
    with (
        pytest.raises(IntegrityError, match="FOREIGN KEY"),
        write_session(clinic.engine) as session,
    ):
        session.add(
            Appointment(
                patient_id=9999,
                provider_id=clinic.provider_id,
                type_id=clinic.type_id,
                start_at=clock.now(),
                minutes=15,
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )


def test_datetimes_come_back_aware_and_in_utc(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    aid = clinic.book(pid, 10, 30)
    check_in(
        clinic.engine,
        CheckInRequest(patient_id=pid, appointment_id=aid, identity_verified=True),
        staff=clinic.desk,
    )
    with pytest.raises(Exception, match="not right"):
        sign_in(clinic.engine, "ana", "wrong password")
    now = clock.now()
    with read_session(clinic.engine) as session:
        patient = session.get(Patient, pid)
        appt = session.get(Appointment, aid)
        ev = session.exec(select(AppointmentEvent)).one()
        audits = session.exec(select(AuditEvent)).all()
        ana = session.get(Staff, clinic.desk.id)
        assert patient is not None
        assert appt is not None
        assert ana is not None
        values = [
            patient.created_at,
            patient.updated_at,
            appt.start_at,
            appt.updated_at,
            appt.identity_verified_at,
            ev.at,
            ana.created_at,
            *(a.at for a in audits),
        ]
    for value in values:
        assert isinstance(value, datetime)
        assert value.tzinfo is not None
        assert value.utcoffset() == timedelta(0)
    assert appt.start_at == datetime(2026, 11, 24, 16, 30, tzinfo=UTC)  # 10:30 in Chicago
    assert ev.at == now
    assert ana.next_attempt_at is None or ana.next_attempt_at.tzinfo is not None


def test_naive_datetimes_are_refused(clinic: Clinic) -> None:
    aid = clinic.book(clinic.add_patient(), 9, 0)

    def save_naive_start() -> None:
        with write_session(clinic.engine) as session:
            appt = session.get(Appointment, aid)
            assert appt is not None
            appt.start_at = datetime(2026, 11, 24, 9, 0)  # noqa: DTZ001 (the point of the test)
            session.add(appt)

    with pytest.raises(StatementError, match="timezone"):
        save_naive_start()
    assert fetch(clinic.engine, Appointment, aid).start_at == datetime(
        2026, 11, 24, 15, 0, tzinfo=UTC
    )


def add_staff(engine: Engine, username: str) -> None:
    with write_session(engine) as session:
        session.add(
            Staff(
                username=username,
                username_key=username,
                display_name=username,
                password_hash="-",
                created_at=clock.now(),
            )
        )


def test_a_held_lock_gives_database_busy_and_saves_nothing(
    db_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.dispose()
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 50)  # so the test does not wait 5 s
    impatient = make_engine(db_path)
    other_terminal = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    try:
        other_terminal.execute("BEGIN IMMEDIATE")
        with statements(impatient) as seen, pytest.raises(DatabaseBusy) as caught:
            add_staff(impatient, "x")
        assert "nothing was saved" in str(caught.value)
        assert seen.count("BEGIN IMMEDIATE") == 2  # one retry, then the clerk is told
        other_terminal.execute("ROLLBACK")
        add_staff(impatient, "y")
        assert [s.username for s in _all_staff(impatient)] == ["y"]
    finally:
        other_terminal.close()
        impatient.dispose()


def _all_staff(engine: Engine) -> list[Staff]:
    with read_session(engine) as session:
        return list(session.exec(select(Staff)).all())


def test_schema_is_at_head_and_sound(engine: Engine, tmp_path: Path) -> None:
    assert schema.has_schema(engine)
    assert schema.current_revision(engine) == schema.head_revision()
    assert not schema.needs_upgrade(engine)
    assert integrity_ok(engine)
    empty = make_engine(tmp_path / "empty.db")
    try:
        assert not schema.has_schema(empty)
        assert schema.current_revision(empty) is None
        assert schema.needs_upgrade(empty)
    finally:
        empty.dispose()


def test_urls_and_paths(tmp_path: Path) -> None:
    assert url_for(tmp_path / "c.db") == f"sqlite:///{tmp_path / 'c.db'}"
    assert url_for("postgresql://desk@db/clinic") == "postgresql://desk@db/clinic"
    assert sqlite_path(f"sqlite:///{tmp_path / 'c.db'}") == tmp_path / "c.db"
    assert sqlite_path("sqlite:///:memory:") is None
    assert sqlite_path("postgresql://desk@db/clinic") is None


# --- the clock -----------------------------------------------------------------------


def test_the_clock_is_utc_and_can_be_frozen_for_other_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert clock.now().utcoffset() == timedelta(0)
    clock.set_now(None)  # as in a subprocess: only the environment says what time it is
    monkeypatch.setenv("FRONTDESK_FROZEN_NOW", "2026-11-24T10:00:00-06:00")
    assert clock.now() == datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC
    monkeypatch.setenv("FRONTDESK_FROZEN_NOW", "2026-11-24T10:00:00")
    with pytest.raises(ValueError, match="UTC offset"):
        clock.now()
    monkeypatch.delenv("FRONTDESK_FROZEN_NOW")
    with pytest.raises(RuntimeError, match="not frozen"):
        clock.advance(timedelta(minutes=1))
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set_now(datetime(2026, 11, 24, 10, 0))  # noqa: DTZ001 (the point of the test)


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 3, 8), 23), (date(2026, 11, 1), 25), (date(2026, 11, 24), 24)],
)
def test_a_business_day_is_as_long_as_the_clinic_lives_it(day: date, hours: int) -> None:
    zone = ZoneInfo("America/Chicago")
    start, end = clock.day_bounds(day, zone)
    assert end - start == timedelta(hours=hours)
    local_start = start.astimezone(zone)
    assert (local_start.date(), local_start.hour, local_start.minute) == (day, 0, 0)
    assert end.astimezone(zone).date() == day + timedelta(days=1)
    assert start.tzinfo is UTC
    assert clock.today(zone) == date(2026, 11, 24)
