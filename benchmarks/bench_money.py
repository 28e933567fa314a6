"""Money at the desk: payment commit latency and a day's totals, on the big database.

Usage (from the project root, after ``python benchmarks/build_big.py``):

    python benchmarks/bench_money.py [PATH] [--payments N] [--day-rows N] [--rounds N]
                                     [--profile] [--keep]

It never writes to PATH (default benchmarks/out/big.db): it first copies the
file with SQLite's online backup API to benchmarks/out/money.db and works on
the copy, which it deletes at the end unless ``--keep``.

Payment latency: ``payments.take_payment`` end to end, as the drawer screen
calls it (settings, drawer, patient, expected cash, receipt number, receipt
text, money row, audit event, COMMIT with ``synchronous=FULL``), for random
patients among the million, in one clerk's drawer: mostly cash with change,
some checks and cards. 50 untimed payments first, then N timed with
``time.perf_counter`` (and ``time.process_time`` for the CPU share). For
reference it also times the disk's floor: an empty-ish transaction (one row
into a scratch table of a scratch file in the same folder, WAL, FULL sync),
which is the fsync every COMMIT waits for.

A day's totals: a second clerk's drawer is loaded (raw ``sqlite3``, one
transaction, no audit rows, as ``build_big.py`` loads patients) with a day of
payments, about 3% of them voids and refunds, and the drawer's figures are
computed three ways: ``drawer.expected`` (one aggregate query, as the close
and the drawer screen use), the same rows loaded as ``Payment`` objects through
the ORM and summed in Python, and the three needed columns fetched as tuples
with raw ``sqlite3`` and summed in Python. All three must agree.

Target: payment commit p99 <= 3 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench_search import schema_differences  # the same check as the search benchmark
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from frontdesk import clock
from frontdesk.data.clinic import get_clinic_in
from frontdesk.data.db import make_engine, read_session
from frontdesk.data.drawer import Expected, expected, open_drawer
from frontdesk.data.models import DrawerSession, Patient, Payment, PaymentKind, Role, Staff, Tender
from frontdesk.data.payments import PaymentRequest, take_payment
from frontdesk.data.staff import StaffMember, to_member
from frontdesk.money import plain_cents

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "benchmarks" / "out" / "big.db"
TARGET_P99_MS = 3.0
FLOAT = {2000: 25, 1000: 10, 500: 10, 100: 50}  # $700


def say(text: str = "") -> None:
    """Results go to stdout."""
    print(text, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(times: list[float]) -> str:
    return (
        f"p50 {statistics.median(times):6.2f} ms  p95 {percentile(times, 0.95):6.2f} ms  "
        f"p99 {percentile(times, 0.99):6.2f} ms  max {max(times):6.2f} ms"
    )


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's online backup API."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def staff_of(engine: Engine, role: Role) -> StaffMember:
    with read_session(engine) as session:
        row = session.exec(select(Staff).where(Staff.role == role.value)).first()
        if row is None:
            sys.exit(f"no {role.value} account in the database")
        return to_member(row)


# --- (a) payment commit latency --------------------------------------------------------------


def request(rng: random.Random, top_patient: int) -> PaymentRequest:
    """A payment as clerks take them: mostly cash (often with change), some checks and cards."""
    cents = rng.choice((1000, 1500, 2000, 2500, 3000, 4000, 5000)) + rng.choice((0, 0, 0, 50))
    tender = rng.choices(list(Tender), weights=(70, 15, 15))[0]
    return PaymentRequest(
        patient_id=rng.randint(1, top_patient),
        amount=plain_cents(cents),
        kind=rng.choice((PaymentKind.PAST_DUE, PaymentKind.PREPAYMENT, PaymentKind.OTHER)),
        tender=tender,
        tendered=plain_cents(cents + rng.choice((0, 0, 500, 1000)))
        if tender is Tender.CASH
        else "",
        check_number=str(rng.randint(1000, 99999)) if tender is Tender.CHECK else "",
        card_last4=f"{rng.randint(0, 9999):04d}" if tender is Tender.CARD else "",
        card_auth=f"A{rng.randint(0, 99999)}" if tender is Tender.CARD else "",
    )


def disk_floor(folder: Path, runs: int) -> list[float]:
    """Milliseconds of a one-row write transaction on a scratch file (WAL, FULL sync)."""
    path = folder / "fsync-probe.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    times: list[float] = []
    try:
        for i in range(runs):
            start = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t (v) VALUES (?)", (f"row {i}",))
            conn.execute("COMMIT")
            times.append((time.perf_counter() - start) * 1000)
    finally:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return times


def bench_payments(engine: Engine, args: argparse.Namespace, out: Path) -> None:
    clerk = staff_of(engine, Role.DESK)
    with read_session(engine) as session:
        top = session.exec(select(Patient.id).order_by(col(Patient.id).desc()).limit(1)).one()
        assert top is not None
    drawer = open_drawer(engine, staff=clerk, counts=FLOAT)
    rng = random.Random(args.seed)
    for _ in range(50):  # warm-up: page cache, statement caches
        take_payment(engine, request(rng, top), staff=clerk)
    requests = [request(rng, top) for _ in range(args.payments)]
    wall: list[float] = []
    cpu: list[float] = []
    for req in requests:
        cpu_start = time.process_time()
        start = time.perf_counter()
        take_payment(engine, req, staff=clerk)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
    floor = disk_floor(out, args.payments)

    say(f"\n(a) take_payment, end to end, {args.payments:,} payments (drawer {drawer.id}):")
    say(f"  wall  {summary(wall)}")
    say(f"  cpu   {summary(cpu)}")
    tenth = max(len(wall) // 10, 1)
    say(
        f"  first {tenth} vs last {tenth}: p50 {statistics.median(wall[:tenth]):.2f} ms -> "
        f"{statistics.median(wall[-tenth:]):.2f} ms, p99 {percentile(wall[:tenth], 0.99):.2f} ms"
        f" -> {percentile(wall[-tenth:], 0.99):.2f} ms (the drawer grows by one row each)"
    )
    say(f"  disk floor, a one-row write transaction on a scratch file: {summary(floor)}")
    p99 = percentile(wall, 0.99)
    say(
        f"  p99 {p99:.2f} ms (target <= {TARGET_P99_MS} ms): "
        f"{'met' if p99 <= TARGET_P99_MS else 'NOT met'}"
    )
    if args.profile:
        profiler = cProfile.Profile()
        more = [request(rng, top) for _ in range(300)]
        profiler.enable()
        for req in more:
            take_payment(engine, req, staff=clerk)
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(30)
        say("\nProfile of 300 more payments, by cumulative time:")
        say("\n".join(text.getvalue().splitlines()[4:44]))


# --- (b) a day's totals ----------------------------------------------------------------------


def load_day(path: Path, clerk: StaffMember, rows: int, rng: random.Random) -> int:
    """A drawer of ``rows`` money rows for today, bulk-loaded; returns the drawer id."""
    now = clock.now()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        zone_name = conn.execute("SELECT timezone FROM clinic_settings").fetchone()[0]
        day = now.astimezone(ZoneInfo(zone_name)).date().isoformat()
        top_patient = conn.execute("SELECT max(id) FROM patient").fetchone()[0]
        first_receipt = (conn.execute("SELECT max(receipt_no) FROM payment").fetchone()[0] or 0) + 1
        next_id = (conn.execute("SELECT max(id) FROM payment").fetchone()[0] or 0) + 1
        conn.execute("BEGIN IMMEDIATE")
        stamp = now.astimezone(UTC).replace(tzinfo=None)
        drawer = conn.execute(
            "INSERT INTO drawer_session (staff_id, business_date, opened_at, float_cents, "
            "float_counts) VALUES (?, ?, ?, ?, '{}') RETURNING id",
            (clerk.id, day, stamp.isoformat(sep=" "), 70_000),
        ).fetchone()[0]
        batch: list[tuple[Any, ...]] = []
        payments: list[tuple[int, str, int]] = []  # (id, tender, amount) of plain payments
        for i in range(rows):
            at = (stamp + timedelta(seconds=i)).isoformat(sep=" ", timespec="microseconds")
            payment_id = next_id + i
            if payments and rng.random() < 0.03:
                original_id, tender, amount = rng.choice(payments)
                entry = rng.choice(("void", "refund"))
                if entry == "refund":
                    amount = max(amount // 2, 1)
                    tender = "cash" if tender == "check" else tender
                reverses: int | None = original_id
            else:
                tender = rng.choices(("cash", "check", "card"), weights=(70, 15, 15))[0]
                amount = rng.randint(500, 20_000)
                entry, reverses = "payment", None
                payments.append((payment_id, tender, amount))
            batch.append(
                (
                    payment_id,
                    first_receipt + i,
                    entry,
                    day,
                    at,
                    drawer,
                    clerk.id,
                    rng.randint(1, top_patient),
                    "other",
                    tender,
                    amount,
                    reverses,
                    "bulk-loaded for the benchmark",
                )
            )
        conn.executemany(
            "INSERT INTO payment (id, receipt_no, entry, business_date, at, drawer_id, staff_id, "
            "patient_id, kind, tender, amount_cents, tendered_cents, change_cents, check_number, "
            "card_last4, card_auth, reverses_id, reason, approved_by, receipt_text) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, '', '', '', ?, ?, NULL, '')",
            batch,
        )
        conn.execute("COMMIT")
        return int(drawer)
    finally:
        conn.close()


def figures_in_python(rows: list[tuple[str, str, int]], float_cents: int) -> Expected:
    """The drawer's figures from (entry, tender, amount) rows, summed in Python."""
    cash = checks = check_cents = card = 0
    for entry, tender, amount in rows:
        signed = amount if entry == "payment" else -amount
        if tender == "cash":
            cash += signed
        elif tender == "check":
            check_cents += signed
            checks += 1 if entry == "payment" else -1 if entry == "void" else 0
        else:
            card += signed
    return Expected(float_cents, float_cents + cash, checks, check_cents, card)


def bench_day(engine: Engine, path: Path, args: argparse.Namespace) -> None:
    clerk = staff_of(engine, Role.SUPERVISOR)
    started = time.perf_counter()
    drawer_id = load_day(path, clerk, args.day_rows, random.Random(args.seed + 1))
    say(
        f"\n(b) a day of {args.day_rows:,} money rows in one drawer (loaded in "
        f"{time.perf_counter() - started:.1f} s), the drawer's figures {args.rounds} times each:"
    )
    raw = sqlite3.connect(path)

    def in_sql() -> Expected:
        with read_session(engine) as session:
            return expected(session, drawer_id)

    def orm_in_python() -> Expected:
        with read_session(engine) as session:
            rows = session.exec(select(Payment).where(Payment.drawer_id == drawer_id)).all()
            drawer = session.get(DrawerSession, drawer_id)
            assert drawer is not None
            float_cents = drawer.float_cents
            return figures_in_python(
                [(r.entry, r.tender, r.amount_cents) for r in rows], float_cents
            )

    def raw_in_python() -> Expected:
        rows = raw.execute(
            "SELECT entry, tender, amount_cents FROM payment WHERE drawer_id = ?", (drawer_id,)
        ).fetchall()
        float_cents = raw.execute(
            "SELECT float_cents FROM drawer_session WHERE id = ?", (drawer_id,)
        ).fetchone()[0]
        return figures_in_python(rows, float_cents)

    cases: list[tuple[str, Callable[[], Expected]]] = [
        ("drawer.expected: one aggregate query (SQL)", in_sql),
        ("ORM: load Payment objects, sum in Python", orm_in_python),
        ("raw sqlite3: fetch 3 columns, sum in Python", raw_in_python),
    ]
    answers = {name: run() for name, run in cases}  # also warms the page cache
    first = next(iter(answers.values()))
    if any(answer != first for answer in answers.values()):
        sys.exit(f"the three ways disagree: {answers}")
    times: dict[str, list[float]] = {name: [] for name, _ in cases}
    order = list(range(len(cases)))
    shuffle = random.Random(args.seed).shuffle
    for _ in range(args.rounds):
        shuffle(order)  # take turns, so a drifting machine slows every case alike
        for i in order:
            name, run = cases[i]
            start = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - start) * 1000)
    raw.close()
    base = statistics.median(times[cases[0][0]])
    for name, _ in cases:
        med = statistics.median(times[name])
        say(
            f"  {name:46} p50 {med:8.2f} ms  p95 {percentile(times[name], 0.95):8.2f} ms  "
            f"{med / base:6.1f}x"
        )
    say(f"  (all three agree: cash {first.cash_cents:,} cents, {first.check_count} checks)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--payments", type=int, default=2000, help="timed payments")
    parser.add_argument("--day-rows", type=int, default=50_000, help="money rows in the day")
    parser.add_argument("--rounds", type=int, default=20, help="timed runs of each total")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--profile", action="store_true", help="cProfile 300 more payments")
    parser.add_argument("--keep", action="store_true", help="keep benchmarks/out/money.db")
    args = parser.parse_args()
    source: Path = args.path
    if not source.exists():
        sys.exit(f"{source} does not exist: run benchmarks/build_big.py first")
    stale = schema_differences(source)
    if stale:
        sys.exit(
            f"{source} was built with an older schema ({', '.join(stale)} differ): "
            "rebuild it with benchmarks/build_big.py --force"
        )
    work = source.parent / "money.db"
    started = time.perf_counter()
    copy_database(source, work)
    say(f"Database: copy of {source} at {work} ({time.perf_counter() - started:.1f} s to copy)")
    engine = make_engine(work)
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
    patients = sqlite3.connect(work).execute("SELECT count(*) FROM patient").fetchone()[0]
    say(f"  {patients:,} patients; clinic day {clinic.today()} ({clinic.zone.key})")
    say(f"  SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}")
    say(f"  load average before the run: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    say(f"  started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    gc.freeze()  # as the app does once started: what is loaded is never garbage
    try:
        bench_payments(engine, args, work.parent)
        bench_day(engine, work, args)
    finally:
        engine.dispose()
        if not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{work}{suffix}").unlink(missing_ok=True)
    say(f"\nLoad average after the run: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
