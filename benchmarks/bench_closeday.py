"""Close of day for a day of 50,000 payments: the whole ``frontdesk close-day`` command.

Usage (from the project root):

    python benchmarks/bench_closeday.py [--runs N] [--payments N]

Builds benchmarks/out/closeday.db once: a clinic, a supervisor and 10 clerks,
2,000 patients, 10 drawers for Tue 24 Nov 2026 and 50,000 payments across
tenders and kinds (1 in 50 voided), with every drawer counted. Each timed run
copies that file (not timed) and runs the real command in a new process:

    frontdesk close-day --db COPY --date 2026-11-24 --user boss --yes --json

with ``FRONTDESK_PASSWORD`` set and the clock fixed by ``FRONTDESK_FROZEN_NOW``.
The wall time covers everything: interpreter start, imports, the supervisor's
argon2 sign-in, blockers, the report (aggregates in SQL), the lock and the JSON
output. It also times, in this process, ``close_day`` alone on a fresh copy.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
DB = OUT / "closeday.db"
DAY = date(2026, 11, 24)
ZONE = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 24, 18, 30, tzinfo=ZONE)
PASSWORD = "close-the-day-1"
CLERKS = 10

sys.path.insert(0, str(ROOT))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def build(payments: int) -> None:
    """The benchmark database (once); money rows inserted in bulk, then counted."""
    from frontdesk import clock
    from frontdesk.data import schema
    from frontdesk.data.clinic import create_settings
    from frontdesk.data.db import make_engine, read_session, write_session
    from frontdesk.data.drawer import BlindCount, count_drawer, expected
    from frontdesk.data.models import Role
    from frontdesk.data.staff import create_staff, to_member

    OUT.mkdir(parents=True, exist_ok=True)
    DB.unlink(missing_ok=True)
    rng = random.Random(24)
    clock.set_now(NOW)
    engine = make_engine(DB)
    schema.upgrade(engine)
    with write_session(engine) as session:
        create_settings(session, name="Benchmark Clinic", timezone=ZONE.key)
        boss = to_member(
            create_staff(
                session,
                username="boss",
                password=PASSWORD,
                display_name="Boss",
                role=Role.SUPERVISOR,
            )
        )
        for n in range(CLERKS):
            create_staff(session, username=f"clerk{n}", password=PASSWORD, display_name=f"C{n}")
    raw = engine.raw_connection()
    cur = raw.cursor()
    cur.execute("BEGIN IMMEDIATE")
    created = _stamp(NOW - timedelta(days=400))
    cur.executemany(
        "INSERT INTO patient (mrn, last_name, first_name, middle_name, preferred_name, dob, "
        "sex, phone_mobile, phone_home, phone_key, email, address_line1, address_line2, city, "
        "state, postal_code, preferred_language, interpreter_needed, accessibility_needs, "
        "insurance_payer, insurance_member_id, insurance_group, balance_due_cents, last_key, "
        "first_key, created_at, updated_at, version) VALUES (?, ?, ?, '', '', '1980-01-01', "
        "'', '', '', '', '', '', '', '', '', '', 'en', 0, '', '', '', '', 0, ?, ?, ?, ?, 1)",
        [
            (f"{n:06d}", f"Last{n}", f"First{n}", f"last{n}", f"first{n}", created, created)
            for n in range(1, 2001)
        ],
    )
    opened = _stamp(NOW.replace(hour=7, minute=30))
    cur.executemany(
        "INSERT INTO drawer_session (staff_id, business_date, opened_at, float_cents, "
        "float_counts) VALUES (?, ?, ?, 20000, '{\"2000\": 10}')",
        [(n + 2, DAY.isoformat(), opened) for n in range(CLERKS)],
    )
    tenders = ("cash", "cash", "card", "card", "check")
    kinds = ("copay", "past_due", "prepayment", "other")
    rows = []
    start = NOW.replace(hour=8, minute=0)
    for n in range(1, payments + 1):
        drawer = rng.randrange(CLERKS) + 1
        tender = rng.choice(tenders)
        amount = rng.randrange(500, 15000)
        at = _stamp(start + timedelta(seconds=n * 0.6))
        rows.append(
            (
                n,
                "payment",
                DAY.isoformat(),
                at,
                drawer,
                drawer + 1,
                rng.randrange(2000) + 1,
                rng.choice(kinds),
                tender,
                amount,
                amount if tender == "cash" else 0,
                "1001" if tender == "check" else "",
                "4242" if tender == "card" else "",
                "A1B2" if tender == "card" else "",
                None,
                None,
            )
        )
    voids = []
    number = payments
    for row in rows[::50]:
        number += 1
        voids.append(
            (number, "void", *row[2:14], row[0], 1)  # reverses the row with that id
        )
    cur.executemany(
        "INSERT INTO payment (receipt_no, entry, business_date, at, drawer_id, staff_id, "
        "patient_id, kind, tender, amount_cents, tendered_cents, change_cents, check_number, "
        "card_last4, card_auth, reverses_id, reason, approved_by, receipt_text) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, 'benchmark', ?, '')",
        rows + voids,
    )
    cur.execute("COMMIT")
    raw.close()
    for drawer_id in range(1, CLERKS + 1):
        with read_session(engine) as session:
            exp = expected(session, drawer_id)
        count_drawer(
            engine,
            drawer_id,
            BlindCount(
                cash={10000: exp.cash_cents // 10000, 1: exp.cash_cents % 10000},
                check_count=exp.check_count,
                check_total=exp.check_cents,
                card_total=exp.card_cents,
            ),
            by=boss,
        )
    engine.dispose()
    clock.set_now(None)


def run_command(copy: Path) -> tuple[float, dict[str, object]]:
    """Wall seconds of one whole close-day command, and its JSON report."""
    env = dict(os.environ)
    env.update(
        FRONTDESK_PASSWORD=PASSWORD,
        FRONTDESK_FROZEN_NOW=NOW.isoformat(),
        PYTHONDONTWRITEBYTECODE="1",
    )
    argv = [
        sys.executable,
        "-m",
        "frontdesk",
        "close-day",
        "--db",
        str(copy),
        "--date",
        DAY.isoformat(),
        "--user",
        "boss",
        "--yes",
        "--json",
    ]
    began = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"close-day failed ({done.returncode}): {done.stdout}{done.stderr}")
    return elapsed, json.loads(done.stdout)


def in_process(copy: Path) -> float:
    """Seconds of close_day alone (engine open, no interpreter start or sign-in)."""
    from frontdesk import clock
    from frontdesk.data.closeout import close_day
    from frontdesk.data.db import make_engine
    from frontdesk.data.models import Role
    from frontdesk.data.staff import StaffMember

    clock.set_now(NOW)
    engine = make_engine(copy)
    boss = StaffMember(id=1, username="boss", display_name="Boss", role=Role.SUPERVISOR)
    began = time.perf_counter()
    close_day(engine, DAY, by=boss)
    elapsed = time.perf_counter() - began
    engine.dispose()
    clock.set_now(None)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--payments", type=int, default=50_000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if args.rebuild or not DB.exists():
        began = time.perf_counter()
        build(args.payments)
        print(f"built {DB.name} in {time.perf_counter() - began:.1f} s")
    copy = OUT / "closeday-run.db"
    whole: list[float] = []
    report: dict[str, object] = {}
    for _ in range(args.runs + 1):  # the first run warms the file cache; not counted
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        shutil.copy(DB, copy)
        seconds, report = run_command(copy)
        whole.append(seconds)
    whole = whole[1:]
    alone: list[float] = []
    for _ in range(args.runs):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        shutil.copy(DB, copy)
        alone.append(in_process(copy))
    money = report["money"]
    assert isinstance(money, dict)
    print(f"payments on the day: {money['payments']:,} (net ${money['net_cents'] / 100:,.2f})")
    print(
        f"whole command: median {statistics.median(whole) * 1000:.0f} ms, "
        f"max {max(whole) * 1000:.0f} ms over {len(whole)} runs"
    )
    print(
        f"close_day alone: median {statistics.median(alone) * 1000:.1f} ms, "
        f"max {max(alone) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
