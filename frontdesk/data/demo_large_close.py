"""The large demo's last touches: past days closed as close-day leaves them, and a wait list.

:func:`close_days` closes every past day the clinic was open. For each day it
runs what :func:`frontdesk.data.closeout.close_day` runs, at the moment the
supervisor closed it (the clock frozen there): :func:`~frontdesk.data.closeout.day_status`
(which must find nothing blocking: every visit finished, every drawer counted)
and :func:`~frontdesk.data.closeout_report.build_report` with the day's
warnings, and stores the same close row (report as sorted JSON, not forced).
The rows are then inserted together; one audit event for the whole build
records them, instead of an event per close.

:func:`seed_wait_list` puts a few patients of bookings more than a week away
on the wait list, as the small demo does.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine

from frontdesk import clock
from frontdesk.data.clinic import get_clinic_in
from frontdesk.data.closeout import day_status
from frontdesk.data.closeout_report import build_report
from frontdesk.data.db import read_session
from frontdesk.data.demo_large_patients import stamp, words
from frontdesk.data.demo_waitlist import WISHES

CLOSE_COLUMNS = words("business_date start_at end_at closed_at closed_by forced reason report")


def close_days(
    engine: Engine,
    conn: sqlite3.Connection,
    days: list[tuple[date, datetime]],
    *,
    closer_id: int,
    closer: str,
    progress: Callable[[int, int], None],
) -> int:
    """Close each ``(day, closed_at)`` as ``closer`` (a supervisor's username) would.

    Reads through ``engine``, writes through ``conn`` (one transaction), and
    raises :class:`AssertionError` if a day has a blocker: the build made it
    wrong. Returns the number of days closed.
    """
    rows: list[tuple[object, ...]] = []
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        for done, (day, closed_at) in enumerate(days, start=1):
            with clock.freeze(closed_at):
                status = day_status(session, clinic, day)
                if status.blockers:
                    raise AssertionError(f"{day} cannot close: {status.blockers[0].text}")
                report = build_report(
                    session,
                    clinic,
                    day,
                    closed_by=closer,
                    forced=False,
                    reason="",
                    overridden=[],
                    warnings=list(status.warnings),
                )
            start, end = clock.day_bounds(day, clinic.zone)
            rows.append(
                (
                    day.isoformat(),
                    stamp(start),
                    stamp(end),
                    stamp(closed_at),
                    closer_id,
                    0,
                    "",
                    json.dumps(report, sort_keys=True),
                )
            )
            progress(done, len(days))
    marks = ", ".join("?" for _ in CLOSE_COLUMNS)
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO day_close ({', '.join(CLOSE_COLUMNS)}) VALUES ({marks})", rows)
    conn.execute("COMMIT")
    return len(rows)


def seed_wait_list(
    conn: sqlite3.Connection, *, now: datetime, staff_id: int, rng: random.Random
) -> int:
    """Wait-list the patients of a few bookings more than a week away; returns how many."""
    later = conn.execute(
        "SELECT patient_id, type_id FROM appointment WHERE start_at > ? AND status = 'BOOKED' "
        "ORDER BY start_at LIMIT 400",
        (stamp(now + timedelta(days=7)),),
    ).fetchall()
    chosen = rng.sample(later, min(len(WISHES), len(later)))
    conn.execute("BEGIN")
    for (patient_id, type_id), (days, earliest, latest, note) in zip(chosen, WISHES, strict=False):
        conn.execute(
            "INSERT INTO waitlist_entry (patient_id, type_id, weekdays, earliest_minute, "
            "latest_minute, note, created_at, created_by, status, version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'waiting', 1)",
            (
                patient_id,
                type_id,
                days,
                earliest,
                latest,
                note,
                stamp(now - timedelta(days=rng.randint(1, 10))),
                staff_id,
            ),
        )
    conn.execute("COMMIT")
    return len(chosen)
