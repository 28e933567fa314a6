"""The audit trail: a hash chain that detects any changed byte, written in each action."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from frontdesk.data import audit
from frontdesk.data.appointments import change_status
from frontdesk.data.checkin import CheckInRequest, check_in
from frontdesk.data.db import read_session, write_session
from frontdesk.data.models import Status
from frontdesk.data.patients import PatientForm, register
from frontdesk.data.staff import sign_in
from tests.conftest import Clinic
from tests.data.helpers import audit_events

pytestmark = pytest.mark.usefixtures("fast_hashing")

TEXT_COLUMNS = ("at", "action", "entity", "detail", "origin", "prev_hash", "hash")
INT_COLUMNS = ("staff_id", "entity_id")


def verify(clinic: Clinic) -> int | None:
    with read_session(clinic.engine) as session:
        return audit.verify_chain(session)


@pytest.fixture
def history(clinic: Clinic) -> Clinic:
    """A few real actions, so the chain has events of several kinds and authors."""
    hit = register(
        clinic.engine,
        PatientForm(last_name="Núñez", first_name="Zoë 🌸", dob="3/14/1990"),
        staff=clinic.desk,
    )
    aid = clinic.book(hit.id, 10, 30)
    check_in(
        clinic.engine,
        CheckInRequest(patient_id=hit.id, appointment_id=aid, identity_verified=True),
        staff=clinic.desk2,
    )
    change_status(clinic.engine, aid, Status.IN_ROOM, staff=clinic.desk2)
    with pytest.raises(Exception, match="not right"):
        sign_in(clinic.engine, "nobody", "guess")
    return clinic


@pytest.fixture
def raw(history: Clinic) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to the history's file, as an intruder would use,
    with the append-only guard dropped."""
    path = history.engine.url.database
    assert path is not None
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("DROP TRIGGER audit_event_no_update")
    conn.execute("DROP TRIGGER audit_event_no_delete")
    yield conn
    conn.close()


def test_the_chain_links_every_event_and_verifies(history: Clinic) -> None:
    events = audit_events(history.engine)
    assert len(events) >= 8
    assert events[0].prev_hash == audit.GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in events}) == len(events)
    assert verify(history) is None


def flipped_texts(value: str) -> Iterator[tuple[int, str]]:
    """``value`` with one byte changed (lowest bit), for every byte that stays UTF-8."""
    data = value.encode()
    for i in range(len(data)):
        changed = bytearray(data)
        changed[i] ^= 0x01
        try:
            yield i, changed.decode()
        except UnicodeDecodeError:
            continue


def test_flipping_any_byte_of_a_stored_event_is_detected_at_that_row(
    history: Clinic, raw: sqlite3.Connection
) -> None:
    events = audit_events(history.engine)
    # an event with an author, an entity id and non-ASCII detail, in mid-chain
    target = next(e for e in events if e.action == "appointment.checked_in")
    tid = target.id
    assert tid is not None
    assert tid < (events[-1].id or 0)
    checked = 0
    for column in TEXT_COLUMNS:
        (original,) = raw.execute(
            f"SELECT {column} FROM audit_event WHERE id = ?", (tid,)
        ).fetchone()
        for i, tampered in flipped_texts(original):
            raw.execute(f"UPDATE audit_event SET {column} = ? WHERE id = ?", (tampered, tid))
            assert verify(history) == tid, (column, i, tampered)
            checked += 1
        raw.execute(f"UPDATE audit_event SET {column} = ? WHERE id = ?", (original, tid))
        assert verify(history) is None
    for column in INT_COLUMNS:
        (original,) = raw.execute(
            f"SELECT {column} FROM audit_event WHERE id = ?", (tid,)
        ).fetchone()
        assert isinstance(original, int)
        for bit in range(8):
            raw.execute(
                f"UPDATE audit_event SET {column} = ? WHERE id = ?", (original ^ (1 << bit), tid)
            )
            assert verify(history) == tid, (column, bit)
            checked += 1
        for other in (None, f"{original}x"):
            raw.execute(f"UPDATE audit_event SET {column} = ? WHERE id = ?", (other, tid))
            assert verify(history) == tid, (column, other)
        raw.execute(f"UPDATE audit_event SET {column} = ? WHERE id = ?", (original, tid))
    assert verify(history) is None
    assert checked > 200


def test_a_non_ascii_detail_byte_flip_is_detected(history: Clinic, raw: sqlite3.Connection) -> None:
    created = audit_events(history.engine, "patient.created")[0]
    raw.execute(
        "UPDATE audit_event SET detail = ? WHERE id = ?",
        (json.dumps({"mrn": "000001", "duplicate_override": True}), created.id),
    )
    assert verify(history) == created.id


def test_a_deleted_event_is_detected_at_the_next_one(
    history: Clinic, raw: sqlite3.Connection
) -> None:
    events = audit_events(history.engine)
    raw.execute("DELETE FROM audit_event WHERE id = ?", (events[3].id,))
    assert verify(history) == events[4].id


def test_swapped_events_are_detected(history: Clinic, raw: sqlite3.Connection) -> None:
    events = audit_events(history.engine)
    a, b = events[2], events[3]
    columns = ", ".join(f"{c} = ?" for c in (*TEXT_COLUMNS, *INT_COLUMNS))

    def values(e: Any) -> tuple[Any, ...]:
        row = raw.execute(
            f"SELECT {', '.join((*TEXT_COLUMNS, *INT_COLUMNS))} FROM audit_event WHERE id = ?",
            (e.id,),
        ).fetchone()
        return tuple(row)

    va, vb = values(a), values(b)
    raw.execute(f"UPDATE audit_event SET {columns} WHERE id = ?", (*vb, a.id))
    raw.execute(f"UPDATE audit_event SET {columns} WHERE id = ?", (*va, b.id))
    assert verify(history) == a.id


def test_record_writes_sorted_json_and_plain_dates(clinic: Clinic) -> None:
    with write_session(clinic.engine) as session:
        event = audit.record(
            session,
            staff_id=clinic.desk.id,
            action="test.detail",
            entity="patient",
            entity_id=7,
            detail={"b": date(2026, 11, 24), "a": "Núñez", "c": [1, 2]},
        )
    assert json.loads(event.detail) == {"a": "Núñez", "b": "2026-11-24", "c": [1, 2]}
    assert event.detail.index('"a"') < event.detail.index('"b"') < event.detail.index('"c"')
    assert "Núñez" in event.detail  # stored readable, not \\u-escaped
    assert verify(clinic) is None


def test_origin_names_the_ssh_client(monkeypatch: pytest.MonkeyPatch, clinic: Clinic) -> None:
    monkeypatch.setenv("SSH_CLIENT", "203.0.113.9 52811 22")
    with write_session(clinic.engine) as session:
        event = audit.record(session, staff_id=None, action="test.origin", entity="x")
    assert event.origin.startswith("ssh:203.0.113.9")
    monkeypatch.delenv("SSH_CLIENT")
    assert not audit.origin().startswith("ssh:")


def test_diff_keeps_only_changed_fields() -> None:
    assert audit.diff({"a": 1, "b": "x", "c": None}, {"a": 1, "b": "y", "c": ""}) == {
        "b": ["x", "y"],
        "c": [None, ""],
    }
    assert audit.diff({"a": 1}, {"a": 1}) == {}
