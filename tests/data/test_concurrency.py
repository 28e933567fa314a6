"""Several terminals (processes) on one database file at once: nothing lost, nothing locked.

Half the processes take patients through their visits; the other half edit the
same patient's record, retrying on a stale save with a fresh read as a clerk
would, each save incrementing a counter field. Every process freezes the clock
through ``FRONTDESK_FROZEN_NOW``.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from frontdesk.data import audit
from frontdesk.data.db import integrity_ok, read_session
from frontdesk.data.models import Appointment, AppointmentEvent, AuditEvent, Patient, Status
from frontdesk.data.schedule import visit_times_in
from tests.conftest import NOW, Clinic
from tests.data import helpers
from tests.data.helpers import audit_events, count, fetch

pytestmark = [pytest.mark.usefixtures("fast_hashing"), pytest.mark.slow]

VISITS_PER_CLERK = 4
EDITS_PER_CLERK = 20
STEPS_PER_VISIT = 5  # arrive, room, undo, room, done


def test_terminals_at_once_lose_nothing_and_never_see_a_lock(
    clinic: Clinic, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRONTDESK_FROZEN_NOW", NOW.isoformat())
    flow_clerks = [clinic.desk, clinic.desk2, clinic.supervisor]
    edit_clerks = [clinic.desk, clinic.desk2, clinic.supervisor]
    visits: list[list[tuple[int, int]]] = []
    for c, _clerk in enumerate(flow_clerks):
        mine = []
        for v in range(VISITS_PER_CLERK):
            pid = clinic.add_patient(f"Flow{c}", f"Visit{v}", f"1/{v + 1}/19{60 + c}")
            mine.append((pid, clinic.book(pid, 10, 15 * v)))
        visits.append(mine)
    shared = clinic.add_patient("Shared", "Record", "5/5/1955")
    version_before = fetch(clinic.engine, Patient, shared).version
    audits_before = count(clinic.engine, AuditEvent)

    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(flow_clerks) + len(edit_clerks))
    results: Any = ctx.Queue()
    processes = [
        ctx.Process(
            target=helpers.flow_worker,
            args=(str(db_path), clerk, mine, barrier, results),
        )
        for clerk, mine in zip(flow_clerks, visits, strict=True)
    ] + [
        ctx.Process(
            target=helpers.edit_worker,
            args=(str(db_path), clerk, shared, EDITS_PER_CLERK, f"W{i}", barrier, results),
        )
        for i, clerk in enumerate(edit_clerks)
    ]
    for process in processes:
        process.start()
    reports = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0

    errors = [e for r in reports for e in r["errors"]]
    assert errors == []  # no "database is locked", no DatabaseBusy, no lost step
    flows = [r for r in reports if r["kind"] == "flow"]
    edits = [r for r in reports if r["kind"] == "edit"]
    flow_ops = sum(r["ops"] for r in flows)
    saved = sum(r["saved"] for r in edits)
    reads = sum(r["reads"] for r in edits)
    assert flow_ops == len(flow_clerks) * VISITS_PER_CLERK * STEPS_PER_VISIT
    assert saved == len(edit_clerks) * EDITS_PER_CLERK

    # no lost update: the counter and the version count every successful save
    record = fetch(clinic.engine, Patient, shared)
    assert int(record.accessibility_needs) == saved
    assert record.version == version_before + saved
    assert record.city.endswith(f" {saved}")
    updates = [e for e in audit_events(clinic.engine, "patient.updated") if e.entity_id == shared]
    assert len(updates) == saved

    # every visit went all the way, with its history intact
    with read_session(clinic.engine) as session:
        ids = [a for mine in visits for _, a in mine]
        statuses = session.exec(
            select(Appointment.status).where(col(Appointment.id).in_(ids))
        ).all()
        assert statuses == [Status.DONE.value] * len(ids)
        assert count(clinic.engine, AppointmentEvent) == flow_ops
        for aid in ids:
            times = visit_times_in(session, aid)
            assert times.arrived == times.roomed == times.checked_out == NOW
        assert audit.verify_chain(session) is None

    # every action wrote its audit events: one per status change, one per check-in,
    # one per record opened and one per save
    checked_in = len(ids)
    assert count(clinic.engine, AuditEvent) - audits_before == flow_ops + checked_in + reads + saved
    assert integrity_ok(clinic.engine)
