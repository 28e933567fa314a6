"""Small helpers for data-area tests (and the processes of the concurrency test).

Kept free of pytest and of the test fixtures so a spawned process can import it
cheaply.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, col, select

from frontdesk.data.db import read_session, write_session
from frontdesk.data.models import AuditEvent

T = TypeVar("T", bound=SQLModel)


def count(engine: Engine, model: type[SQLModel]) -> int:
    """How many rows ``model``'s table holds."""
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def fetch(engine: Engine, model: type[T], row_id: int) -> T:
    """One row, detached, read in a session of its own."""
    with read_session(engine) as session:
        row = session.get(model, row_id)
        assert row is not None, f"no {model.__name__} {row_id}"
        session.expunge(row)
        return row


def set_fields(engine: Engine, model: type[SQLModel], row_id: int, **values: Any) -> None:
    """Write columns directly (test set-up only: no audit, no version bump)."""
    with write_session(engine) as session:
        row = session.get(model, row_id)
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


def register_many(engine: Engine, staff: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Register several patients in one transaction (fast set-up); returns their ids."""
    from frontdesk.data.patients import PatientForm, register_in

    with write_session(engine) as session:
        ids = []
        for row in rows:
            patient = register_in(session, PatientForm(**row), staff=staff, allow_duplicate=True)
            assert patient.id is not None
            ids.append(patient.id)
        return ids


def audit_events(engine: Engine, action: str | None = None) -> list[AuditEvent]:
    """Audit events in order, optionally of one action."""
    with read_session(engine) as session:
        query = select(AuditEvent).order_by(col(AuditEvent.id))
        if action is not None:
            query = query.where(AuditEvent.action == action)
        events = list(session.exec(query).all())
        for event in events:
            session.expunge(event)
        return events


def detail(event: AuditEvent) -> dict[str, Any]:
    """An audit event's detail as a dict."""
    value = json.loads(event.detail)
    assert isinstance(value, dict)
    return value


# --- processes of the concurrency test -------------------------------------------------


def visit_steps(
    engine: Engine, member: Any, patient_id: int, appointment_id: int
) -> list[Callable[[], bool]]:
    """Arrive, room, undo the rooming, room again, finish: each says if it changed."""
    from frontdesk.data.appointments import change_status, undo_last
    from frontdesk.data.checkin import CheckInRequest, check_in
    from frontdesk.data.models import Status

    def arrive() -> bool:
        request = CheckInRequest(
            patient_id=patient_id,
            appointment_id=appointment_id,
            identity_verified=True,
            copay_due_cents=500,
        )
        return check_in(engine, request, staff=member).changed

    def room() -> bool:
        return change_status(engine, appointment_id, Status.IN_ROOM, staff=member).changed

    def undo() -> bool:
        return undo_last(engine, appointment_id, staff=member).changed

    def finish() -> bool:
        return change_status(engine, appointment_id, Status.DONE, staff=member).changed

    return [arrive, room, undo, room, finish]


def flow_worker(
    db_path: str,
    member: Any,
    visits: list[tuple[int, int]],
    barrier: Any,
    results: Any,
) -> None:
    """A clerk taking patients through arrival, rooming (undoing a mistake) and check-out."""
    from frontdesk.data.db import make_engine

    engine = make_engine(db_path)
    done = 0
    errors: list[str] = []
    barrier.wait(timeout=120)
    try:
        for patient_id, appointment_id in visits:
            for step in visit_steps(engine, member, patient_id, appointment_id):
                try:
                    if step():
                        done += 1
                    else:
                        errors.append(f"appointment {appointment_id}: {step.__name__} did nothing")
                except Exception as error:  # report everything, including DatabaseBusy
                    errors.append(f"appointment {appointment_id}: {error!r}")
    finally:
        engine.dispose()
        results.put({"kind": "flow", "ops": done, "errors": errors})


def edit_worker(
    db_path: str,
    member: Any,
    patient_id: int,
    rounds: int,
    tag: str,
    barrier: Any,
    results: Any,
) -> None:
    """A clerk editing one patient's record; on a stale save, re-read and retry."""
    from dataclasses import replace

    from frontdesk.data import patients
    from frontdesk.data.clinic import load_clinic
    from frontdesk.data.db import make_engine
    from frontdesk.data.errors import StaleRecord

    engine = make_engine(db_path)
    saved = stale = reads = 0
    errors: list[str] = []
    barrier.wait(timeout=120)
    try:
        settings = load_clinic(engine)
        for _ in range(rounds):
            for _attempt in range(200):
                try:
                    current = patients.get_patient(engine, patient_id, staff=member)
                    reads += 1
                    counter = int(current.accessibility_needs or "0")
                    form = replace(
                        patients.form_of(current, settings),
                        accessibility_needs=str(counter + 1),
                        city=f"{tag} {counter + 1}",
                    )
                    patients.update(
                        engine,
                        patient_id,
                        form,
                        expected_version=current.version,
                        staff=member,
                    )
                except StaleRecord:
                    stale += 1
                    continue
                except Exception as error:
                    errors.append(repr(error))
                    break
                saved += 1
                break
            else:
                errors.append("gave up after 200 stale saves")
    finally:
        engine.dispose()
        results.put(
            {"kind": "edit", "saved": saved, "stale": stale, "reads": reads, "errors": errors}
        )
