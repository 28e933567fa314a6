"""Openings search times on a big clinic's booked-up schedule, and a check of every answer.

Usage (from the project root):

    python benchmarks/bench_openings.py [--rebuild] [--queries N] [--checks N] [--profile]

Builds benchmarks/out/openings.db once (10-60 s; again when the schema has
changed, or with --rebuild) with the big clinic's builder (``build_big.build``:
20 providers, five years of appointments: 4.5 years of history and 6 months
ahead, about 490,000 appointments; 20,000 patients, since the search never
reads them), with the
clock at Tue 24 Nov 2026 10:00 Chicago, then adds what booking needs:
Saturday hours only for the providers who work Saturdays, a lunch break, the
winter holidays, a week of leave for every provider, admin afternoons, one
provider on six weeks' leave from today, and new-patient visits and
procedures seen by only some providers.

It then times ``openings.search_openings`` (a read session per search, as the
app calls it) for what a clerk asks on the phone, each kind over many queries
(random first days in the next two months, random providers): the next 12
follow-ups with anyone, a new patient, one provider, mornings on Mon/Wed/Fri,
a Saturday with anyone, the provider on leave (first opening six weeks
away), and a search that finds nothing in 120 days (the whole range read).
The same searches run with the days read one at a time and all at once, to
show what reading them in chunks buys. Every variant must return the same openings.

Correctness: for ``--checks`` random (provider, day, visit type) triples, a
brute-force minute-by-minute model built from raw SQL (hours, breaks,
holidays, blockouts, appointments) must give exactly the openings the search
gives for that day.

Targets: median <= 10 ms and p95 <= 25 ms for the searches a clerk makes; the
whole 120-day range read in <= 100 ms (median) when nothing is found.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench_search import (
    Figures,
    profile,
    say,
    schema_differences,
    show_plans,
    table,
    timed,
    together,
)
from sqlalchemy.engine import Engine

from frontdesk import clock
from frontdesk.data import openings
from frontdesk.data.db import make_engine
from frontdesk.data.diagnostics import captured_selects
from frontdesk.data.openings import OpeningQuery, Openings, search_openings

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "benchmarks" / "out" / "openings.db"
ZONE = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZONE)
TODAY = NOW.date()
TARGET_MEDIAN_MS = 10.0
TARGET_P95_MS = 25.0
TARGET_FULL_RANGE_MS = 100.0
NOTHING = "nothing in 120 days (whole range)"
HOLIDAYS = {
    date(2026, 11, 26): "Thanksgiving",
    date(2026, 12, 25): "Christmas Day",
    date(2027, 1, 1): "New Year's Day",
    date(2027, 1, 18): "Martin Luther King Jr. Day",
    date(2027, 2, 15): "Presidents' Day",
}


# --- the database -------------------------------------------------------------------------


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def build(path: Path, *, patients: int, seed: int) -> None:
    """The big clinic's schedule, then the booking rules on top of it."""
    import build_big

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with clock.freeze(NOW):
        build_big.build(
            path,
            patients=patients,
            providers=20,
            seed=seed,
            workers=2,
            days_back=YEARS_BACK_DAYS,
            days_ahead=DAYS_AHEAD,
        )
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    providers = [row[0] for row in conn.execute("SELECT id FROM provider ORDER BY id")]
    for index, pid in enumerate(providers):  # as build_big books them
        start = (7 + index % 3) * 60
        if index % 4:
            conn.execute("DELETE FROM working_hours WHERE provider_id=? AND weekday=5", (pid,))
        else:
            conn.execute(
                "UPDATE working_hours SET end_minute=? WHERE provider_id=? AND weekday=5",
                (start + 240, pid),
            )
        conn.executemany(
            "INSERT INTO break_time (provider_id, weekday, start_minute, end_minute, label) "
            "VALUES (?, ?, 720, 780, 'Lunch')",
            [(pid, weekday) for weekday in range(6)],
        )
        leave = TODAY + timedelta(days=rng.randint(10, 80))
        blocks = [(leave, leave + timedelta(days=7), "Annual leave")]
        for _ in range(6):  # admin afternoons
            day = TODAY + timedelta(days=rng.randint(1, 90))
            blocks.append((day, day, "Admin"))
        if index == 5:
            blocks.append((TODAY, TODAY + timedelta(days=42), "Parental leave"))
        for first, last, reason in blocks:
            start_at = datetime(first.year, first.month, first.day, 0, 0, tzinfo=ZONE)
            end_at = datetime(last.year, last.month, last.day, 0, 0, tzinfo=ZONE)
            if reason == "Admin":
                start_at, end_at = start_at.replace(hour=13), start_at.replace(hour=17)
            conn.execute(
                "INSERT INTO blockout (provider_id, start_at, end_at, reason) VALUES (?, ?, ?, ?)",
                (pid, _stamp(start_at), _stamp(end_at), reason),
            )
    conn.executemany("INSERT INTO holiday (day, name) VALUES (?, ?)", list(HOLIDAYS.items()))
    types = dict(conn.execute("SELECT name, id FROM appointment_type"))
    seen_by = {"New patient": providers[::2], "Procedure": providers[1::5]}
    for name, who in seen_by.items():
        conn.executemany(
            "INSERT INTO type_provider (type_id, provider_id) VALUES (?, ?)",
            [(types[name], pid) for pid in who],
        )
    conn.execute("COMMIT")
    conn.close()


# --- the searches -------------------------------------------------------------------------


YEARS_BACK_DAYS = 4 * 365 + 182  # with DAYS_AHEAD: five years of appointments
DAYS_AHEAD = 183
TEN_IN_THREE_MONTHS = "next 10 in 3 months, 20 providers"
TARGET_TEN_MS = 50.0


def kinds(
    conn: sqlite3.Connection, rng: random.Random, count: int
) -> dict[str, list[OpeningQuery]]:
    """Queries per kind of question, ``count`` of each."""
    types = dict(conn.execute("SELECT name, id FROM appointment_type"))
    providers = [row[0] for row in conn.execute("SELECT id FROM provider ORDER BY id")]
    on_leave = providers[5]
    ends_16 = providers[0]  # works 07:00-16:00

    def first_day() -> date:
        return TODAY + timedelta(days=rng.choice((0, 0, 0, rng.randint(1, 60))))

    return {
        TEN_IN_THREE_MONTHS: [
            OpeningQuery(types["Follow-up"], first_day=TODAY, days=92, limit=10)
            for _ in range(count)
        ],
        "next 12 follow-ups, anyone": [
            OpeningQuery(types["Follow-up"], first_day=first_day()) for _ in range(count)
        ],
        "next 12 new patients (10 providers)": [
            OpeningQuery(types["New patient"], first_day=first_day()) for _ in range(count)
        ],
        "one provider, annual physical": [
            OpeningQuery(types["Annual physical"], rng.choice(providers), first_day=first_day())
            for _ in range(count)
        ],
        "one provider, mornings Mon/Wed/Fri": [
            OpeningQuery(
                types["Procedure"],
                rng.choice(providers[1::5]),
                first_day=first_day(),
                weekdays=frozenset({0, 2, 4}),
                earliest_minute=8 * 60,
                latest_minute=12 * 60,
            )
            for _ in range(count)
        ],
        "Saturday, anyone": [
            OpeningQuery(types["Sick visit"], first_day=first_day(), weekdays=frozenset({5}))
            for _ in range(count)
        ],
        "provider on leave (6 weeks)": [
            OpeningQuery(types["Follow-up"], on_leave, limit=rng.choice((1, 12)))
            for _ in range(count)
        ],
        NOTHING: [
            OpeningQuery(
                types["Follow-up"], ends_16, earliest_minute=16 * 60, latest_minute=17 * 60
            )
            for _ in range(max(10, count // 5))
        ],
    }


def chunking(first: int, most: int) -> Callable[[], None]:
    """Set how much the search reads at a time; returns the undo."""
    saved = openings.FIRST_CHUNK_PROVIDER_DAYS, openings.MAX_CHUNK_DAYS
    openings.FIRST_CHUNK_PROVIDER_DAYS, openings.MAX_CHUNK_DAYS = first, most

    def undo() -> None:
        openings.FIRST_CHUNK_PROVIDER_DAYS, openings.MAX_CHUNK_DAYS = saved

    return undo


VARIANTS = {  # (provider-days in the first read, most days in one read)
    "in chunks (as shipped)": (openings.FIRST_CHUNK_PROVIDER_DAYS, openings.MAX_CHUNK_DAYS),
    "a day at a time": (1, 1),
    "all at once": (10**6, 10**6),
}


def time_kind(
    engine: Engine, name: str, queries: list[OpeningQuery]
) -> tuple[Figures, list[Openings]]:
    """Each query once untimed, then once timed."""
    for query in queries:
        search_openings(engine, query)
    times, cpu, sizes, answers = [], [], [], []
    for query in queries:
        wall, used, answer = timed(lambda q=query: search_openings(engine, q))
        times.append(wall)
        cpu.append(used)
        sizes.append(len(answer.openings))
        answers.append(answer)
    return Figures(name, times, sizes, cpu), answers


def bench(engine: Engine, asked: dict[str, list[OpeningQuery]]) -> dict[str, dict[str, Figures]]:
    """Every kind under every variant; the answers must agree."""
    results: dict[str, dict[str, Figures]] = {}
    reference: dict[str, list[Openings]] = {}
    for variant, (first, most) in VARIANTS.items():
        undo = chunking(first, most)
        try:
            for name, queries in asked.items():
                figures, answers = time_kind(engine, name, queries)
                results.setdefault(name, {})[variant] = figures
                if name in reference and reference[name] != answers:
                    sys.exit(f"{variant} gave different openings for {name!r}")
                reference.setdefault(name, answers)
        finally:
            undo()
    return results


# --- the check ----------------------------------------------------------------------------


def _local_minutes(stored: str, day: date) -> int:
    moment = datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(ZONE)
    offset = (moment.date() - day).days * 1440
    return max(0, min(1440, offset + moment.hour * 60 + moment.minute))


def brute(conn: sqlite3.Connection, pid: int, day: date, minutes: int) -> list[tuple[int, int]]:
    """The day's openings worked out minute by minute from the raw tables."""
    free = [False] * 1440
    if not conn.execute("SELECT 1 FROM holiday WHERE day = ?", (day.isoformat(),)).fetchone():
        weekly = "SELECT start_minute, end_minute FROM {} WHERE provider_id = ? AND weekday = ?"
        for start, end in conn.execute(weekly.format("working_hours"), (pid, day.weekday())):
            free[start:end] = [True] * (end - start)
        for start, end in conn.execute(weekly.format("break_time"), (pid, day.weekday())):
            free[start:end] = [False] * (end - start)
    lo = _stamp(datetime(day.year, day.month, day.day, tzinfo=ZONE) - timedelta(days=1))
    hi = _stamp(datetime(day.year, day.month, day.day, tzinfo=ZONE) + timedelta(days=1))
    held = conn.execute(
        "SELECT start_at, end_at FROM blockout WHERE (provider_id = ? OR provider_id IS NULL) "
        "AND end_at > ? AND start_at < ?",
        (pid, lo, hi),
    ).fetchall()
    for start_at, length in conn.execute(
        "SELECT start_at, minutes FROM appointment WHERE provider_id = ? AND start_at >= ? "
        "AND start_at < ? AND status NOT IN ('CANCELLED', 'NO-SHOW')",
        (pid, lo, hi),
    ):
        end = datetime.fromisoformat(start_at) + timedelta(minutes=length)
        held.append((start_at, end.strftime("%Y-%m-%d %H:%M:%S.%f")))
    for start_at, end_at in held:
        start, end = _local_minutes(start_at, day), _local_minutes(end_at, day)
        free[start:end] = [False] * max(0, end - start)
    gaps, start = [], None
    for minute, is_free in enumerate([*free, False]):
        if is_free and start is None:
            start = minute
        elif not is_free and start is not None:
            if minute - start >= minutes:
                gaps.append((start, minute))
            start = None
    return gaps


def check(engine: Engine, conn: sqlite3.Connection, rng: random.Random, count: int) -> None:
    """The search against the brute-force model, day by day."""
    types = list(
        conn.execute(
            "SELECT id, minutes FROM appointment_type WHERE name NOT IN "
            "('New patient', 'Procedure')"
        )
    )
    providers = [row[0] for row in conn.execute("SELECT id FROM provider")]
    found = 0
    for _ in range(count):
        pid = rng.choice(providers)
        type_id, minutes = rng.choice(types)
        day = TODAY + timedelta(days=rng.randint(1, 100))
        query = OpeningQuery(type_id, pid, first_day=day, days=1, limit=openings.MAX_LIMIT)
        got = [
            (o.start.hour * 60 + o.start.minute, (o.end.hour * 60 + o.end.minute) or 1440)
            for o in search_openings(engine, query).openings
        ]
        want = brute(conn, pid, day, minutes)
        if got != want:
            sys.exit(f"provider {pid} on {day}, {minutes} min: search {got}, model {want}")
        found += len(got)
    say(
        f"\nChecked {count} (provider, day, type) against the minute-by-minute model: "
        f"all equal ({found} openings)."
    )


# --- main ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--checks", type=int, default=500, help="days checked by brute force")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--profile", action="store_true", help="cProfile the first kind")
    args = parser.parse_args()
    if args.rebuild or not DB.exists() or schema_differences(DB):
        started = time.perf_counter()
        build(DB, patients=args.patients, seed=1)
        say(f"Built {DB} in {time.perf_counter() - started:.0f} s")
    clock.set_now(NOW)
    engine = make_engine(DB)
    conn = sqlite3.connect(DB)
    appointments = conn.execute("SELECT count(*) FROM appointment").fetchone()[0]
    ahead = conn.execute(
        "SELECT count(*) FROM appointment WHERE start_at >= ?", (_stamp(NOW),)
    ).fetchone()[0]
    say(
        f"Database: {DB} ({DB.stat().st_size / 1e6:,.0f} MB), {appointments:,} appointments "
        f"({ahead:,} from now on), the clock at {NOW:%a %d %b %Y %H:%M} {ZONE.key}"
    )
    say(
        f"  SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, "
        f"load average {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)"
    )
    gc.freeze()  # as the app does once started
    rng = random.Random(args.seed)
    asked = kinds(conn, rng, args.queries)
    try:
        if args.explain:
            with captured_selects(engine) as seen:
                search_openings(engine, asked["next 12 follow-ups, anyone"][0])
                search_openings(engine, asked["one provider, annual physical"][0])
            say("\nQuery plans:")
            show_plans(conn, seen)
        results = bench(engine, asked)
        for variant in VARIANTS:
            say(f"\nopenings.search_openings, days read {variant}:")
            table([results[name][variant] for name in asked], unit="found", width=38)
        shipped = next(iter(VARIANTS))
        clerk = together([by[shipped] for name, by in results.items() if name != NOTHING])
        median, p95 = clerk.median, clerk.p95
        full = results[NOTHING][shipped].median
        ten = results[TEN_IN_THREE_MONTHS][shipped]
        say(
            f"\nThe next 10 openings over 3 months for 20 providers: median {ten.median:.2f} ms, "
            f"p95 {ten.p95:.2f} ms (target {TARGET_TEN_MS:g} ms): "
            f"{'met' if ten.p95 <= TARGET_TEN_MS else 'NOT met'}"
        )
        say(
            f"\nThe searches a clerk makes, all kinds together: median {median:.2f} ms "
            f"(target {TARGET_MEDIAN_MS:g}), p95 {p95:.2f} ms (target {TARGET_P95_MS:g}): "
            f"{'met' if median <= TARGET_MEDIAN_MS and p95 <= TARGET_P95_MS else 'NOT met'}"
        )
        say(
            f"The whole 120 days read: median {full:.2f} ms (target {TARGET_FULL_RANGE_MS:g}): "
            f"{'met' if full <= TARGET_FULL_RANGE_MS else 'NOT met'}"
        )
        check(engine, conn, random.Random(args.seed + 1), args.checks)
        if args.profile:
            queries = asked["next 12 follow-ups, anyone"]
            profile(lambda: [search_openings(engine, q) for q in queries], "the follow-up searches")
    finally:
        conn.close()
        engine.dispose()
    say(f"\nLoad average after the run: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
