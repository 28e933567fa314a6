"""Eight terminals on one database file: nothing lost, nothing locked, receipts gap-free.

Eight clerks, each in a process of their own with an engine of their own, start
together at a barrier. Each opens a drawer, then works through twelve booked
patients: checks the patient in, takes the copay in cash, books the follow-up
into the first opening offered (all eight race for the same opening; the
losers get ``SlotTaken`` and search again, as a clerk would), and between those
takes a phone message, calls back the oldest open one and closes it when the
caller was reached. No clerk pauses between actions (a person takes seconds),
so this desk is far busier than a real one and the terminals' writes overlap
all the time.

Then the database must hold exactly what the clerks saw succeed: every check-in
with its status event, every payment with its receipt number (1..N, no gap, no
duplicate), each drawer's expected cash its float plus its payments, every
booking where it was made with no provider double-booked and the openings
filled in order, every message and attempt; one audit event per write, the
hash chain intact, ``PRAGMA integrity_check`` ok. No clerk may see
``DatabaseBusy`` or "database is locked". Run with ``-s`` for the rates.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, select

from frontdesk.data import audit
from frontdesk.data.db import integrity_ok, read_session, write_session
from frontdesk.data.drawer import expected
from frontdesk.data.models import (
    Appointment,
    AppointmentEvent,
    AppointmentType,
    AuditEvent,
    Callback,
    CallbackAttempt,
    DrawerSession,
    Patient,
    Provider,
    Status,
)
from frontdesk.data.receipts import receipt_label
from frontdesk.data.staff import StaffMember, create_staff
from tests.conftest import NOW, PASSWORD, TODAY, ZONE, Clinic, every_day
from tests.data import terminal_workers
from tests.data.helpers import count, register_many

pytestmark = [pytest.mark.usefixtures("fast_hashing"), pytest.mark.slow]

TERMINALS = 8
ROUNDS = 12  # booked patients per clerk
MORE_PROVIDERS = ("Reyes", "Tran")  # with the fixture's two: four schedules to fill
DAY_START, SLOTS = 8 * 60, 36  # the fixture's hours: 08:00-17:00, 36 quarter-hours
COPAYS = (1500, 2000, 2500, 3500, 4000)
HOLDS_TIME = (Status.BOOKED, Status.ARRIVED, Status.IN_ROOM, Status.DONE)
Slot = tuple[datetime, int]  # (start in UTC, provider id)


def _slot(day_offset: int, index: int) -> datetime:
    """The start of quarter-hour ``index`` of a day (0 = 08:00), in UTC."""
    day = TODAY + timedelta(days=day_offset)
    local = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    return (local + timedelta(minutes=DAY_START + 15 * index)).astimezone(UTC)


def _float_counts(terminal: int) -> dict[int, str]:
    """Each clerk's float, counted by denomination (a little different for each)."""
    return {2000: "3", 1000: "4", 500: "4", 100: str(10 + terminal)}


def _clerks(clinic: Clinic) -> list[StaffMember]:
    with write_session(clinic.engine) as session:
        return [
            create_staff(session, username=f"desk{n}", password=PASSWORD, display_name=f"Desk {n}")
            for n in range(1, TERMINALS + 1)
        ]


def _add_providers(clinic: Clinic) -> None:
    with write_session(clinic.engine) as session:
        for name in MORE_PROVIDERS:
            provider = Provider(name=f"Dr. {name}", short_name=name)
            session.add(provider)
            session.flush()
            assert provider.id is not None
            session.add_all(every_day(provider.id))


def _prebook(clinic: Clinic) -> tuple[list[list[tuple[int, int, int]]], list[int]]:
    """Today's booked patients, two of every three quarter-hours, on every provider.

    Returns each clerk's (patient, appointment, copay) and the providers in the
    order openings list them (by short name). The third quarter-hour of each
    three is left free: after 10:00 those holes are the first openings.
    """
    with read_session(clinic.engine) as session:
        providers = session.exec(select(Provider).order_by(col(Provider.short_name))).all()
        order = [p.id for p in providers if p.id is not None]
    taken = [(_slot(0, k), pid) for k in range(SLOTS) if k % 3 != 2 for pid in order]
    visits = TERMINALS * ROUNDS
    assert visits <= len(taken), "more booked patients than the day holds"
    rows = [
        {
            "last_name": f"Desk{i % TERMINALS}",
            "first_name": f"Visit{i}",
            "dob": f"{1 + i % 12}/{1 + i % 28}/19{50 + i % 40}",
            "phone_mobile": "(312) 555-0134",
            "insurance_payer": "Aetna",
            "insurance_member_id": f"W{1000000 + i}",
        }
        for i in range(visits)
    ]
    patients = register_many(clinic.engine, clinic.desk, rows)
    mine: list[list[tuple[int, int, int]]] = [[] for _ in range(TERMINALS)]
    with write_session(clinic.engine) as session:
        for i, (patient, (start, provider)) in enumerate(zip(patients, taken, strict=False)):
            appt = Appointment(
                patient_id=patient,
                provider_id=provider,
                type_id=clinic.type_id,
                start_at=start,
                minutes=15,
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(appt)
            session.flush()
            assert appt.id is not None
            mine[i % TERMINALS].append((patient, appt.id, COPAYS[i % len(COPAYS)]))
    return mine, order


def _openings_in_order(order: list[int]) -> list[Slot]:
    """Where follow-ups fit, soonest first: today's holes from now on, then tomorrow."""
    today = [(_slot(0, k), p) for k in range(2, SLOTS, 3) if _slot(0, k) >= NOW for p in order]
    tomorrow = [(_slot(1, k), p) for k in range(SLOTS) for p in order]
    return today + tomorrow


def _run(db_path: Path, clerks: list[StaffMember], visits: list[Any], type_id: int) -> list[Any]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(TERMINALS)
    results: Any = ctx.Queue()
    processes = [
        ctx.Process(
            target=terminal_workers.clerk_worker,
            args=(str(db_path), clerk, _float_counts(n), visits[n], type_id, n, barrier, results),
        )
        for n, clerk in enumerate(clerks)
    ]
    for process in processes:
        process.start()
    reports = [results.get(timeout=180) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return reports


def test_eight_terminals_lose_nothing_see_no_lock_and_keep_receipts_gap_free(
    clinic: Clinic, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRONTDESK_FROZEN_NOW", NOW.isoformat())
    clerks = _clerks(clinic)
    _add_providers(clinic)
    visits, order = _prebook(clinic)
    with read_session(clinic.engine) as session:
        last_audit = session.exec(select(AuditEvent.id).order_by(col(AuditEvent.id).desc())).first()
    events_before = count(clinic.engine, AppointmentEvent)

    began = time.perf_counter()
    reports = _run(db_path, clerks, visits, clinic.type_id)
    elapsed = time.perf_counter() - began

    errors = [e for r in reports for e in r["errors"]]
    locked = [e for e in errors if "DatabaseBusy" in e or "database is locked" in e.lower()]
    assert locked == [], f"{len(locked)} lock errors reached a clerk, first: {locked[0]}"
    assert errors == []
    assert sorted(r["clerk"] for r in reports) == sorted(c.id for c in clerks)
    by_clerk = {r["clerk"]: r for r in reports}

    with read_session(clinic.engine) as session:
        _check_check_ins(session, reports, visits, clerks)
        _check_payments(session, reports, clerks)
        _check_bookings(session, reports, order, clinic.type_id)
        _check_callbacks(session, reports)
        _check_audit(session, reports, last_audit or 0)
        assert audit.verify_chain(session) is None
    assert count(clinic.engine, AppointmentEvent) - events_before == sum(
        len(r["check_ins"]) for r in reports
    )
    assert integrity_ok(clinic.engine)

    actions = sum(r["actions"] for r in reports)
    busiest = max(r["seconds"] for r in reports)
    retries = sum(r["slot_taken"] for r in reports)
    per_clerk = ", ".join(f"{by_clerk[c.id]['actions']}" for c in clerks)
    sys.stdout.write(
        f"\n{TERMINALS} terminals: {actions} writes in {busiest:.1f} s "
        f"({actions / busiest:.0f}/s; per clerk {per_clerk}); "
        f"{sum(r['searches'] for r in reports)} opening searches, {retries} SlotTaken retries; "
        f"{elapsed:.1f} s with process start-up\n"
    )


def _check_check_ins(
    session: Session, reports: list[Any], visits: list[Any], clerks: list[StaffMember]
) -> None:
    """Every patient checked in, by the clerk who said so, with the copay and the event."""
    for n, clerk in enumerate(clerks):
        report = next(r for r in reports if r["clerk"] == clerk.id)
        assert report["check_ins"] == [(a, p, c) for p, a, c in visits[n]]
        for appointment_id, patient_id, copay in report["check_ins"]:
            appt = session.get(Appointment, appointment_id)
            assert appt is not None
            assert (appt.status, appt.copay_due_cents) == (Status.ARRIVED.value, copay)
            assert (appt.identity_verified_by, appt.eligibility_checked) == (clerk.id, True)
            patient = session.get(Patient, patient_id)
            assert patient is not None
            assert patient.eligibility_verified_on == TODAY
            steps = session.exec(
                select(AppointmentEvent).where(AppointmentEvent.appointment_id == appointment_id)
            ).all()
            assert [(e.from_status, e.to_status, e.staff_id, e.at) for e in steps] == [
                (Status.BOOKED.value, Status.ARRIVED.value, clerk.id, NOW)
            ]
    arrived = session.exec(
        select(Appointment.id).where(Appointment.status == Status.ARRIVED.value)
    ).all()
    assert len(arrived) == sum(len(r["check_ins"]) for r in reports)


def _check_payments(session: Session, reports: list[Any], clerks: list[StaffMember]) -> None:
    """Each payment stored with its receipt; receipts 1..N; each drawer its float + its cash."""
    rows = session.execute(
        text(
            "SELECT id, receipt_no, amount_cents, appointment_id, drawer_id, staff_id, "
            "entry, tender, kind, receipt_text FROM payment ORDER BY receipt_no"
        )
    ).all()
    numbers = [row.receipt_no for row in rows]
    assert numbers == list(range(1, len(rows) + 1))  # gap-free, no duplicate
    stored = {row.id: row for row in rows}
    reported = [(r["clerk"], p) for r in reports for p in r["payments"]]
    assert len(reported) == len(rows) == sum(len(r["check_ins"]) for r in reports)
    for clerk_id, (payment_id, receipt_no, amount, appointment_id, drawer_id) in reported:
        row = stored[payment_id]
        assert (row.receipt_no, row.amount_cents, row.appointment_id) == (
            receipt_no,
            amount,
            appointment_id,
        )
        assert (row.drawer_id, row.staff_id) == (drawer_id, clerk_id)
        assert (row.entry, row.tender, row.kind) == ("payment", "cash", "copay")
        assert receipt_label(receipt_no) in row.receipt_text
    for n, clerk in enumerate(clerks):
        report = next(r for r in reports if r["clerk"] == clerk.id)
        drawer_id, float_cents = report["drawer"]
        counted = sum(d * int(k) for d, k in _float_counts(n).items())
        drawer = session.get(DrawerSession, drawer_id)
        assert drawer is not None
        assert (drawer.staff_id, drawer.float_cents, float_cents) == (clerk.id, counted, counted)
        taken = sum(p[2] for p in report["payments"])
        assert taken > 0
        assert expected(session, drawer_id).cash_cents == counted + taken
    assert len({r["drawer"][0] for r in reports}) == TERMINALS


def _check_bookings(session: Session, reports: list[Any], order: list[int], type_id: int) -> None:
    """Every booking where it was made; no provider double-booked; openings filled in order."""
    follow_up = session.get(AppointmentType, type_id)
    assert follow_up is not None
    made = [(r["clerk"], b) for r in reports for b in r["bookings"]]
    assert len(made) == sum(len(r["check_ins"]) for r in reports)
    for clerk_id, (appointment_id, patient_id, provider_id, start) in made:
        appt = session.get(Appointment, appointment_id)
        assert appt is not None
        assert (appt.status, appt.patient_id, appt.provider_id) == (
            Status.BOOKED.value,
            patient_id,
            provider_id,
        )
        assert appt.start_at == datetime.fromisoformat(start).astimezone(UTC)
        assert (appt.booked_by, appt.minutes) == (clerk_id, follow_up.minutes)
    booked = session.exec(select(Appointment).where(col(Appointment.booked_by).is_not(None))).all()
    assert len(booked) == len(made)
    assert {a.id for a in booked} == {b[0] for _, b in made}
    holding = session.exec(
        select(Appointment)
        .where(col(Appointment.status).in_([s.value for s in HOLDS_TIME]))
        .order_by(col(Appointment.provider_id), col(Appointment.start_at))
    ).all()
    assert len(holding) == len(session.exec(select(Appointment.id)).all())  # none cancelled
    for before, after in zip(holding, holding[1:], strict=False):
        if before.provider_id == after.provider_id:
            end = before.start_at + timedelta(minutes=before.minutes)
            assert after.start_at >= end, f"appointments {before.id} and {after.id} overlap"
    # The first opening each time: together the bookings fill the soonest slots exactly.
    slots = {(a.start_at, a.provider_id) for a in booked}
    assert slots == set(_openings_in_order(order)[: len(made)])


def _check_callbacks(session: Session, reports: list[Any]) -> None:
    """Every message, every attempt in order, closed exactly when reported, no update lost."""
    reported = {int(k): (r["clerk"], v) for r in reports for k, v in r["callbacks"].items()}
    assert len(reported) == sum(len(r["check_ins"]) for r in reports)
    assert any(v["closed"] for _, v in reported.values())
    assert any(not v["closed"] for _, v in reported.values())
    rows = session.exec(select(Callback)).all()
    assert len(rows) == len(reported)
    assert {c.id for c in rows} == set(reported)
    for row in rows:
        assert row.id is not None
        clerk_id, item = reported[row.id]
        assert (row.created_by, row.patient_id) == (clerk_id, item["patient"])
        attempts = session.exec(
            select(CallbackAttempt)
            .where(CallbackAttempt.callback_id == row.id)
            .order_by(col(CallbackAttempt.id))
        ).all()
        assert [(a.result, a.staff_id) for a in attempts] == [
            (result, clerk_id) for result in item["attempts"]
        ]
        closed = item["closed"]
        assert (row.status == "closed", row.closed_by) == (closed, clerk_id if closed else None)
        if item["attempts"]:
            assert row.status in ("in_progress", "closed")
        assert row.version == 1 + len(item["attempts"]) + int(closed)


def _check_audit(session: Session, reports: list[Any], last_before: int) -> None:
    """One audit event per write (two for a check-in: the check-in and its status change)."""
    wanted: Counter[tuple[str, int, int]] = Counter()
    for r in reports:
        clerk = r["clerk"]
        wanted[("drawer.opened", r["drawer"][0], clerk)] += 1
        for appointment_id, _, _ in r["check_ins"]:
            wanted[("appointment.checked_in", appointment_id, clerk)] += 1
            wanted[("appointment.status", appointment_id, clerk)] += 1
        for payment in r["payments"]:
            wanted[("payment.taken", payment[0], clerk)] += 1
        for booking in r["bookings"]:
            wanted[("appointment.book", booking[0], clerk)] += 1
        for callback_id, item in r["callbacks"].items():
            wanted[("callback.added", int(callback_id), clerk)] += 1
            wanted[("callback.attempt", int(callback_id), clerk)] += len(item["attempts"])
            wanted[("callback.closed", int(callback_id), clerk)] += int(item["closed"])
    events = session.exec(select(AuditEvent).where(col(AuditEvent.id) > last_before)).all()
    got = Counter((e.action, e.entity_id, e.staff_id) for e in events)
    assert got == +wanted  # unary plus drops the zero counts
    writes = sum(r["actions"] for r in reports)
    checked_in = sum(len(r["check_ins"]) for r in reports)
    assert len(events) == writes + checked_in
