"""Change detection for live refresh: PRAGMA data_version and the next moment by the clock."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine

from frontdesk import clock
from frontdesk.data.callback_queue import next_change_at
from frontdesk.data.callbacks import NewCallback, add_callback, close_callback
from frontdesk.data.checkin import CheckInRequest, check_in
from frontdesk.data.db import make_engine, write_session
from frontdesk.data.watch import ChangeWatch
from tests.conftest import NOW, Clinic


def _add(clinic: Clinic, due_in: timedelta) -> int:
    request = NewCallback(
        reason="billing", caller_name="Rosa Alvarez", phone="(312) 555-0134", due=NOW + due_in
    )
    return add_callback(clinic.engine, request, staff=clinic.desk).callback_id


def test_a_commit_elsewhere_is_seen_once(clinic: Clinic) -> None:
    watch = ChangeWatch(clinic.engine)
    assert not watch.changed()
    _add(clinic, timedelta(hours=1))
    assert watch.changed()
    assert not watch.changed()


def test_a_commit_by_another_process_engine_is_seen(clinic: Clinic, db_path: object) -> None:
    watch = ChangeWatch(clinic.engine)
    other: Engine = make_engine(str(db_path))
    with write_session(other) as session:
        session.execute(text("UPDATE clinic_settings SET long_wait_minutes = 45"))
    assert watch.changed()
    other.dispose()


def test_a_write_transaction_that_changes_nothing_is_not_a_change(clinic: Clinic) -> None:
    watch = ChangeWatch(clinic.engine)
    with write_session(clinic.engine) as session:
        session.execute(text("UPDATE callback SET notes = notes WHERE 0"))
    assert not watch.changed()


def test_a_closed_watch_answers_no_and_gives_its_connection_back(clinic: Clinic) -> None:
    watch = ChangeWatch(clinic.engine)
    watch.close()
    _add(clinic, timedelta(hours=1))
    assert not watch.changed()


def test_next_change_is_the_next_item_to_fall_overdue(clinic: Clinic) -> None:
    assert next_change_at(clinic.engine) is None
    _add(clinic, -timedelta(hours=1))  # overdue already: no longer a coming change
    assert next_change_at(clinic.engine) is None
    _add(clinic, timedelta(hours=3))
    sooner = _add(clinic, timedelta(minutes=20))
    assert next_change_at(clinic.engine) == NOW + timedelta(minutes=20)
    close_callback(clinic.engine, sooner, staff=clinic.desk, outcome="resolved")
    assert next_change_at(clinic.engine) == NOW + timedelta(hours=3)


def test_next_change_includes_a_waiting_patient_reaching_the_long_wait(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    appt = clinic.book(patient, 10)
    check_in(clinic.engine, CheckInRequest(patient, appt), staff=clinic.desk)  # at NOW
    _add(clinic, timedelta(hours=3))
    assert next_change_at(clinic.engine) == NOW + timedelta(minutes=30)
    clock.advance(timedelta(minutes=31))
    assert next_change_at(clinic.engine) == NOW + timedelta(hours=3)
