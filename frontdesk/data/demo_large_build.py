"""The stages of a large demo build (see :mod:`frontdesk.data.demo_large`).

:class:`LargeBuild` writes the file stage by stage, reporting each stage's
progress: the clinic through the data layer, the patients in worker
processes, then day after day the appointments (:mod:`frontdesk.data.demo_large_days`)
and the money (:mod:`frontdesk.data.demo_large_money`) in one pass, the
indexes, and the closes (:mod:`frontdesk.data.demo_large_close`).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import secrets
import sqlite3
import time
from array import array
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from frontdesk import clock
from frontdesk.data import audit, schema
from frontdesk.data.clinic import create_settings, parse_timezone
from frontdesk.data.db import make_engine, write_session
from frontdesk.data.demo import DEMO_ACCOUNTS
from frontdesk.data.demo_clinic import visit_type_rows
from frontdesk.data.demo_large import (
    STAGE_CLOSE,
    STAGE_DAYS,
    STAGE_FINISH,
    STAGE_INDEXES,
    STAGE_PATIENTS,
    STAGE_SETUP,
    LargeSpec,
    LargeSummary,
    Progress,
    payment_quotas,
)
from frontdesk.data.demo_large_close import close_days, seed_wait_list
from frontdesk.data.demo_large_counts import COUNT_COLUMNS
from frontdesk.data.demo_large_days import APPOINTMENT_COLUMNS, EVENT_COLUMNS, DayBooker
from frontdesk.data.demo_large_money import DRAWER_COLUMNS, PAYMENT_COLUMNS, Till
from frontdesk.data.demo_large_patients import (
    PATIENT_COLUMNS,
    PatientChunk,
    PatientJob,
    PatientPool,
    patient_chunk,
)
from frontdesk.data.demo_large_week import Roster, Timetable, local_moment, provider_names
from frontdesk.data.errors import SetupError
from frontdesk.data.models import Provider, Role
from frontdesk.data.staff import StaffMember, create_staff

EXTRA_CLERKS = (("maya", "Maya Okonkwo"), ("luis", "Luis Ortega"), ("priya", "Priya Raman"))
BULK_TABLES = ("patient", "appointment", "appointment_event", "payment")
CHUNK = 25_000  # patients per worker job at most
MIN_CHUNK = 100  # ... and at least
BATCH = 100_000  # rows gathered before an insert


def _insert(table: str, columns: list[str]) -> str:
    """The INSERT statement for ``columns`` of ``table``, with ``?`` placeholders."""
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


def _patient_chunks(jobs: list[PatientJob], workers: int) -> Iterator[PatientChunk]:
    """Each job's chunk, in order: in worker processes, or here when ``workers`` is 1."""
    if workers <= 1 or len(jobs) <= 1:
        yield from map(patient_chunk, jobs)
        return
    # fork where there is one: nothing to import again, and no main module to re-run (a
    # caller must not have threads running, so a progress display refreshes from the callback)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        yield from pool.imap(patient_chunk, jobs)


class LargeBuild:
    """One build, stage by stage; holds what the stages pass on."""

    def __init__(self, work: Path, timezone: str, spec: LargeSpec, progress: Progress) -> None:
        self.work = work
        self.timezone = timezone
        self.zone = parse_timezone(timezone)
        self.spec = spec
        self.progress = progress
        self.now = clock.now()
        self.today = self.now.astimezone(self.zone).date()
        self.seed = spec.seed if spec.seed is not None else int(self.today.strftime("%Y%m%d"))
        self.started = time.perf_counter()
        self.counts: dict[str, int] = {}

    def run(self) -> LargeSummary:
        """Every stage in order; the file is complete (and checkpointed) when this returns."""
        self.progress(STAGE_SETUP, 0, 1)
        self._setup()
        self.progress(STAGE_SETUP, 1, 1)
        conn = sqlite3.connect(self.work, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=OFF")  # a failed build is thrown away whole
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA cache_size=-262144")  # 256 MiB for the index builds
            conn.execute("PRAGMA temp_store=MEMORY")
            indexes = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({', '.join(repr(t) for t in BULK_TABLES)})"
            ).fetchall()
            for name, _ in indexes:
                conn.execute(f"DROP INDEX {name}")
            pool = self._patients(conn)
            closing = self._days(conn, pool)
            for done, (_, sql) in enumerate(indexes, start=1):
                conn.execute(sql)
                self.progress(STAGE_INDEXES, done, len(indexes))
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._finish(conn, closing)
        finally:
            conn.close()
        checkpoint = sqlite3.connect(self.work)
        checkpoint.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        checkpoint.close()
        if Path(f"{self.work}-wal").exists():
            raise SetupError("The new demo's write-ahead log could not be merged into it")
        self.progress(STAGE_FINISH, 1, 1)
        c = self.counts
        return LargeSummary(
            clinic_name=self.spec.clinic_name,
            patients=c["patients"],
            providers=self.spec.providers,
            appointments=c["appointments"],
            appointments_today=c["appointments_today"],
            status_events=c["status_events"],
            payments=c["payments"],
            drawers=c["drawers"],
            closed_days=c["closed_days"],
            seed=self.seed,
            seconds=time.perf_counter() - self.started,
            size_bytes=self.work.stat().st_size,
            accounts=DEMO_ACCOUNTS,
        )

    def _setup(self) -> None:
        """Schema, settings, staff, providers, visit types and hours, through the data layer."""
        engine = make_engine(self.work)
        try:
            schema.upgrade(engine)
            with write_session(engine) as session:
                create_settings(
                    session, name=self.spec.clinic_name, timezone=self.timezone, is_demo=True
                )
                self.members: dict[str, StaffMember] = {
                    a.username: create_staff(
                        session,
                        username=a.username,
                        password=a.password,
                        display_name=a.display_name,
                        role=a.role,
                    )
                    for a in DEMO_ACCOUNTS
                }
                self.clerks = [
                    create_staff(
                        session,
                        username=username,
                        password=secrets.token_urlsafe(18),
                        display_name=name,
                        role=Role.DESK,
                    )
                    for username, name in EXTRA_CLERKS
                ]
                names = provider_names(self.spec.providers, random.Random(self.seed))
                providers = [Provider(name=name, short_name=short) for name, short in names]
                types = visit_type_rows()
                session.add_all([*providers, *types])
                session.flush()
                self.provider_ids = [p.id for p in providers if p.id is not None]
                self.type_ids = [t.id for t in types if t.id is not None]
                self.timetable = Timetable(self.spec.providers, self.today)
                session.add_all(self.timetable.hours_rows(self.provider_ids))
        finally:
            engine.dispose()

    def _patients(self, conn: sqlite3.Connection) -> PatientPool:
        """Make and insert the patients; returns who can be booked when."""
        total = self.spec.patients
        workers = self.spec.workers or os.cpu_count() or 1
        size = max(MIN_CHUNK, min(CHUNK, -(-total // 16)))  # the same chunks for any workers
        jobs = [
            PatientJob(first, min(size, total - first + 1), self.seed, self.now, self.timezone)
            for first in range(1, total + 1, size)
        ]
        insert = _insert("patient", PATIENT_COLUMNS)
        born: array[int] = array("i")
        registered: array[int] = array("i")
        self.progress(STAGE_PATIENTS, 0, total)
        conn.execute("BEGIN")
        for chunk in _patient_chunks(jobs, workers):
            conn.executemany(insert, chunk.rows)
            born.extend(chunk.born)
            registered.extend(chunk.registered)
            self.progress(STAGE_PATIENTS, len(born), total)
        conn.execute("COMMIT")
        self.counts["patients"] = len(born)
        return PatientPool(born, registered)

    def _days(self, conn: sqlite3.Connection, pool: PatientPool) -> list[tuple[date, datetime]]:
        """Every day's appointments and money; returns the past days to close, with when."""
        spec, today, timetable = self.spec, self.today, self.timetable
        days = [today + timedelta(days=d) for d in range(-spec.days_back, spec.days_ahead + 1)]
        roster = Roster(timetable, self.members["desk"].id, tuple(c.id for c in self.clerks))
        supervisor = self.members["super"].id
        booker = DayBooker(
            rng=random.Random(self.seed + 1),
            zone=self.zone,
            now=self.now,
            timetable=timetable,
            roster=roster,
            supervisor=supervisor,
            pool=pool,
            provider_ids=self.provider_ids,
            type_ids=self.type_ids,
        )
        staff_names = {m.id: m.display_name for m in [*self.members.values(), *self.clerks]}
        till = Till(
            conn=conn,
            rng=random.Random(self.seed + 2),
            zone=self.zone,
            now=self.now,
            clinic_name=self.spec.clinic_name,
            names=staff_names,
            supervisor=supervisor,
            pool=pool,
        )
        quotas = payment_quotas([self._weight(day) for day in days], spec.payments)
        inserts = {
            "appointment": _insert("appointment", APPOINTMENT_COLUMNS),
            "appointment_event": _insert("appointment_event", EVENT_COLUMNS),
            "payment": _insert("payment", PAYMENT_COLUMNS),
        }
        drawer_insert = _insert("drawer_session", DRAWER_COLUMNS)
        count_insert = _insert("drawer_count", COUNT_COLUMNS)
        batches: dict[str, list[tuple[Any, ...]]] = {table: [] for table in inserts}
        closing: list[tuple[date, datetime]] = []
        close_rng = random.Random(self.seed + 3)
        self.counts["appointments_today"] = 0
        self.progress(STAGE_DAYS, 0, len(days))
        conn.execute("BEGIN")
        for done, (day, quota) in enumerate(zip(days, quotas, strict=True), start=1):
            booked = booker.book(day)
            batches["appointment"] += booked.appointments
            batches["appointment_event"] += booked.events
            desk = timetable.desk_hours(day)
            if day == today:
                self.counts["appointments_today"] = len(booked.appointments)
            if desk is not None and day <= today:
                money = till.day(
                    day, quota, booked.visits, roster.clerks(day), desk, count=day < today
                )
                conn.executemany(drawer_insert, money.drawers)
                conn.executemany(count_insert, money.counts)
                batches["payment"] += money.payments
                if day < today and spec.close_past_days:
                    closes = local_moment(day, desk[1], self.zone)
                    closing.append((day, closes + timedelta(minutes=close_rng.uniform(45, 70))))
            if sum(map(len, batches.values())) >= BATCH or done == len(days):
                for table, rows in batches.items():
                    conn.executemany(inserts[table], rows)
                    rows.clear()
            self.progress(STAGE_DAYS, done, len(days))
        conn.execute("COMMIT")
        self.counts["appointments"] = booker.next_appointment - 1
        self.counts["status_events"] = booker.next_event - 1
        self.counts["payments"] = till.next_payment - 1
        self.counts["drawers"] = till.next_drawer - 1
        return closing

    def _weight(self, day: date) -> float:
        """How much money a day takes: its provider-minutes (today: only the part gone by)."""
        desk = self.timetable.desk_hours(day)
        if day > self.today or desk is None:
            return 0.0
        weight = float(self.timetable.booked_minutes(day))
        if day == self.today:
            opens = local_moment(day, desk[0], self.zone)
            closes = local_moment(day, desk[1], self.zone)
            weight *= min(max((self.now - opens) / (closes - opens), 0.0), 1.0)
        return weight

    def _finish(self, conn: sqlite3.Connection, closing: list[tuple[date, datetime]]) -> None:
        """Close the past days, seed the wait list, record the build in the audit trail."""
        engine = make_engine(self.work)
        try:
            supervisor = self.members["super"]
            self.progress(STAGE_CLOSE, 0, len(closing))
            self.counts["closed_days"] = close_days(
                engine,
                conn,
                closing,
                closer_id=supervisor.id,
                closer=supervisor.username,
                progress=lambda done, total: self.progress(STAGE_CLOSE, done, total),
            )
            self.progress(STAGE_FINISH, 0, 1)
            waiting = seed_wait_list(
                conn,
                now=self.now,
                staff_id=self.members["desk"].id,
                rng=random.Random(self.seed + 4),
            )
            with write_session(engine) as session:
                audit.record(
                    session,
                    staff_id=None,
                    action="demo.created",
                    entity="clinic_settings",
                    entity_id=1,
                    detail={
                        "size": "large",
                        "seed": self.seed,
                        "days_back": self.spec.days_back,
                        "days_ahead": self.spec.days_ahead,
                        "providers": self.spec.providers,
                        "wait_list": waiting,
                        **self.counts,
                    },
                )
        finally:
            engine.dispose()
