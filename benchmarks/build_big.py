"""Build a big clinic for the benchmarks: a million patients, two years of appointments.

Usage (from the project root):

    python benchmarks/build_big.py [PATH] [--patients N] [--providers N] [--force]

PATH defaults to benchmarks/out/big.db. The schema is created by the real
migrations (``schema.upgrade``); the clinic settings, staff accounts (the demo
accounts, so the app can be opened on it), providers and visit types go through
the data-layer functions. Patients, appointments and status events are then
bulk-loaded with the raw sqlite3 driver in large batches, with the secondary
indexes dropped during the load and rebuilt after it, which is several times
faster than loading into indexed tables.

Patients come from the demo's generator (:class:`frontdesk.data.demo.PatientFactory`)
in worker processes, with the same search keys the registration form writes
(``name_keys``, ``phone_search_key``). About 40% get a surname from a long
tail of ~80,000 made-up surnames, so that most name prefixes are as selective
as in a real register while the common ones (Smith, Johnson, Nguyen, García)
stay crowded.

Loaded rows bypass the audit trail (one audit event records the build).
Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from frontdesk import clock
from frontdesk.data import audit, schema
from frontdesk.data.clinic import create_settings
from frontdesk.data.db import make_engine, write_session
from frontdesk.data.demo import (
    CLINIC_NAME,
    DEMO_ACCOUNTS,
    VISIT_TYPES,
    PatientFactory,
)
from frontdesk.data.demo_clinic import visit_type_rows
from frontdesk.data.models import Provider, Status, WorkingHours
from frontdesk.data.staff import create_staff
from frontdesk.data.validation import name_keys


def words(text: str) -> list[str]:
    """``"a b c"`` -> ``["a", "b", "c"]``."""
    return text.split()


ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "benchmarks" / "out" / "big.db"
TIMEZONE = "America/Chicago"
CHUNK = 25_000
TAIL_SHARE = 0.4

PATIENT_COLUMNS = words(
    "id mrn last_name first_name middle_name preferred_name dob sex phone_mobile phone_home "
    "phone_key email address_line1 address_line2 city state postal_code preferred_language "
    "interpreter_needed accessibility_needs insurance_payer insurance_member_id insurance_group "
    "eligibility_verified_on demographics_confirmed_on consent_on_file_on balance_due_cents "
    "last_key first_key last2_key created_at updated_at version"
)
APPOINTMENT_COLUMNS = words(
    "id patient_id provider_id type_id start_at minutes status walk_in forms_needed "
    "eligibility_checked authorization_ref copay_due_cents notes cancel_reason "
    "identity_verified_at identity_verified_by created_at updated_at version"
)
EVENT_COLUMNS = words("id appointment_id from_status to_status at staff_id reason undoes_id")

PROVIDER_SURNAMES = words(
    "Okafor Patel Nguyen Lindqvist García Chen Haddad Kowalski O'Connor Tanaka Mensah Rossi "
    "Schäfer Kim Abubakar Dubois Singh Warsame Ivanova Brooks Alvarez Novak Eze Sato"
)

# --- a long tail of surnames ------------------------------------------------------------

_ONSETS = words("B Br C Ch D Dr F G Gr H J K Kr L M N P R S Sh St T V W Z")
_VOWELS = words("a e i o u ai ea ou")
_CODAS = ["", "l", "n", "r", "s", "t", "m", "nd", "rk", "st"]
_ENDINGS = words(
    "son sen ski sky man mann ley ton berg ez es ov ova ini etti ard ford well stone wick "
    "escu idis oglu ian yan enko sson stad quist field more by ham dale er ing s o a ek"
)


def tail_surnames() -> list[str]:
    """About 80,000 made-up surnames in a fixed order (the first are the most common)."""
    names = [
        onset + vowel + coda + ending
        for ending in _ENDINGS
        for coda in _CODAS
        for vowel in _VOWELS
        for onset in _ONSETS
    ]
    random.Random(42).shuffle(names)
    return names


# --- rows -----------------------------------------------------------------------------------


def _ts(value: datetime) -> str:
    """How SQLModel's UTCDateTime stores a moment: naive UTC text."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _patient_chunk(args: tuple[int, int, int, str, str]) -> list[tuple[Any, ...]]:
    """Patients ``first_id .. first_id + count - 1`` as tuples in PATIENT_COLUMNS order."""
    first_id, count, seed, today_text, now_text = args
    rng = random.Random(seed * 1_000_003 + first_id)
    today = date.fromisoformat(today_text)
    now = datetime.fromisoformat(now_text)
    factory = PatientFactory(rng, today, now, ZoneInfo(TIMEZONE), typed_phones=False)
    tail = _TAIL
    out: list[tuple[Any, ...]] = []
    for row in factory.rows(count, first_id):
        roll = rng.random()
        if roll < TAIL_SHARE:
            last = tail[int(len(tail) * rng.random() ** 3)]
            if roll < 0.01:
                last = "O'" + last
            elif roll < 0.02:
                last = f"{last}-{tail[rng.randrange(len(tail))]}"
            elif roll < 0.03:
                last = rng.choice(("de ", "van ", "da ", "Mac")) + last
            row["last_name"] = last
            row["last_key"], row["first_key"], row["last2_key"] = name_keys(last, row["first_name"])
        for key in ("dob", "eligibility_verified_on", "demographics_confirmed_on"):
            row[key] = _day(row[key])
        row["consent_on_file_on"] = _day(row["consent_on_file_on"])
        row["created_at"] = row["updated_at"] = _ts(row["created_at"])
        row["interpreter_needed"] = int(row["interpreter_needed"])
        out.append(tuple(row[c] for c in PATIENT_COLUMNS))
    return out


_TAIL: list[str] = []


def _init_worker() -> None:
    global _TAIL
    _TAIL = tail_surnames()


def _appointment_rows(
    rng: random.Random,
    *,
    zone: ZoneInfo,
    today: date,
    now: datetime,
    providers: list[int],
    type_ids: list[int],
    patients: int,
    staff_id: int,
    days_back: int,
    days_ahead: int,
) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """Appointments (and their status events) for every provider, day by day."""
    weights = [k.weight for k in VISIT_TYPES]
    kinds = list(range(len(VISIT_TYPES)))
    appt_id = 0
    event_id = 0
    for offset in range(-days_back, days_ahead + 1):
        day = today + timedelta(days=offset)
        if day.weekday() == 6:
            continue
        saturday = day.weekday() == 5
        fill = 0.85 if offset <= 0 else max(0.25, 0.85 - 0.006 * offset)
        for index, provider_id in enumerate(providers):
            if saturday and index % 4:
                continue
            start_h = 7 + index % 3  # 07:00, 08:00 or 09:00
            cursor = datetime(day.year, day.month, day.day, start_h, 0, tzinfo=zone)
            end = cursor + timedelta(hours=4 if saturday else 9)
            lunch = cursor.replace(hour=12)
            while cursor < end:
                kind = rng.choices(kinds, weights=weights)[0]
                minutes = VISIT_TYPES[kind].minutes
                finish = cursor + timedelta(minutes=minutes)
                if cursor < lunch + timedelta(hours=1) and finish > lunch:
                    cursor = lunch + timedelta(hours=1)
                    continue
                if finish > end:
                    break
                start = cursor
                cursor = finish
                if rng.random() > fill:
                    continue
                appt_id += 1
                start_utc = start.astimezone(UTC)
                booked = min(now, start_utc) - timedelta(days=rng.randint(1, 60))
                events: list[tuple[Any, ...]] = []
                roll = rng.random()
                arrived = start_utc + timedelta(minutes=rng.uniform(-12, 8))
                roomed = arrived + timedelta(minutes=rng.uniform(4, 20))
                out = roomed + timedelta(minutes=minutes * rng.uniform(0.8, 1.3))
                if roll < 0.06:
                    steps = [(Status.CANCELLED, booked + (min(now, start_utc) - booked) * 0.7)]
                elif roll < 0.12 and start_utc + timedelta(minutes=20) <= now:
                    steps = [(Status.NO_SHOW, start_utc + timedelta(minutes=20))]
                else:
                    steps = [
                        (status, at)
                        for status, at in (
                            (Status.ARRIVED, arrived),
                            (Status.IN_ROOM, roomed),
                            (Status.DONE, out),
                        )
                        if at <= now
                    ]
                status = Status.BOOKED
                for to, at in steps:
                    event_id += 1
                    reason = "Patient cancelled" if to == Status.CANCELLED else ""
                    events.append(
                        (event_id, appt_id, status.value, to.value, _ts(at), staff_id, reason, None)
                    )
                    status = to
                updated = steps[-1][1] if steps else booked
                came = status in (Status.ARRIVED, Status.IN_ROOM, Status.DONE)
                yield (
                    (
                        appt_id,
                        rng.randint(1, patients),
                        provider_id,
                        type_ids[kind],
                        _ts(start_utc),
                        minutes,
                        status.value,
                        0,
                        int(rng.random() < 0.05 and not came),
                        int(came and rng.random() < 0.9),
                        "",
                        rng.choice((0, 0, 1500, 2500, 4000)),
                        "",
                        "Patient cancelled" if status == Status.CANCELLED else "",
                        _ts(arrived) if came else None,
                        staff_id if came else None,
                        _ts(booked),
                        _ts(updated),
                        1 + len(steps),
                    ),
                    events,
                )


# --- the build ------------------------------------------------------------------------------


def log(message: str, started: float) -> None:
    """One progress line on stderr, with the seconds since the start."""
    print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr, flush=True)


def _insert_sql(table: str, columns: list[str]) -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def build(
    path: Path,
    *,
    patients: int,
    providers: int,
    seed: int,
    workers: int,
    days_back: int = 640,
    days_ahead: int = 90,
) -> None:
    """Create the database at ``path`` (which must not exist)."""
    started = time.perf_counter()
    zone = ZoneInfo(TIMEZONE)
    now = clock.now()
    today = now.astimezone(zone).date()
    path.parent.mkdir(parents=True, exist_ok=True)

    engine = make_engine(path)
    schema.upgrade(engine)
    with write_session(engine) as session:
        create_settings(session, name=f"{CLINIC_NAME} (benchmark)", timezone=TIMEZONE, is_demo=True)
        members = [
            create_staff(
                session,
                username=a.username,
                password=a.password,
                display_name=a.display_name,
                role=a.role,
            )
            for a in DEMO_ACCOUNTS
        ]
        rng = random.Random(seed)
        firsts = words("Grace Anil Linh Erik Maria Wei Omar Anna Sean Yuki Kwame Luca")
        provider_rows = [
            Provider(
                name=f"Dr. {rng.choice(firsts)} {PROVIDER_SURNAMES[i % len(PROVIDER_SURNAMES)]}",
                short_name=PROVIDER_SURNAMES[i % len(PROVIDER_SURNAMES)],
            )
            for i in range(providers)
        ]
        type_rows = visit_type_rows()
        session.add_all([*provider_rows, *type_rows])
        session.flush()
        session.add_all(
            WorkingHours(
                provider_id=row.id,
                weekday=weekday,
                start_minute=(7 + i % 3) * 60,
                end_minute=(16 + i % 3) * 60,
            )
            for i, row in enumerate(provider_rows)
            if row.id is not None
            for weekday in range(6)
        )
        provider_ids = [p.id for p in provider_rows if p.id is not None]
        type_ids = [t.id for t in type_rows if t.id is not None]
        desk_id = members[0].id
    engine.dispose()
    log("schema, clinic, staff, providers and visit types created", started)

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")  # up to 1 GB of page cache for index builds
    conn.execute("PRAGMA temp_store=MEMORY")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
        "AND tbl_name IN ('patient', 'appointment', 'appointment_event')"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")

    conn.execute("BEGIN")
    insert = _insert_sql("patient", PATIENT_COLUMNS)
    jobs = [
        (first, min(CHUNK, patients - first + 1), seed, today.isoformat(), now.isoformat())
        for first in range(1, patients + 1, CHUNK)
    ]
    done = 0
    with multiprocessing.get_context("fork").Pool(workers, initializer=_init_worker) as pool:
        for rows in pool.imap(_patient_chunk, jobs):
            conn.executemany(insert, rows)
            done += len(rows)
            if done % 100_000 < CHUNK or done == patients:
                log(f"patients: {done:,} of {patients:,}", started)
    conn.execute("COMMIT")

    conn.execute("BEGIN")
    appt_insert = _insert_sql("appointment", APPOINTMENT_COLUMNS)
    event_insert = _insert_sql("appointment_event", EVENT_COLUMNS)
    appts: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    total_appts = total_events = 0
    for appt, appt_events in _appointment_rows(
        random.Random(seed + 1),
        zone=zone,
        today=today,
        now=now,
        providers=provider_ids,
        type_ids=type_ids,
        patients=patients,
        staff_id=desk_id,
        days_back=days_back,
        days_ahead=days_ahead,
    ):
        appts.append(appt)
        events.extend(appt_events)
        if len(appts) >= 50_000:
            conn.executemany(appt_insert, appts)
            conn.executemany(event_insert, events)
            total_appts += len(appts)
            total_events += len(events)
            appts, events = [], []
            log(f"appointments: {total_appts:,} (status events {total_events:,})", started)
    conn.executemany(appt_insert, appts)
    conn.executemany(event_insert, events)
    total_appts += len(appts)
    total_events += len(events)
    conn.execute("COMMIT")
    log(f"appointments: {total_appts:,} (status events {total_events:,})", started)

    for name, sql in indexes:
        conn.execute(sql)
        log(f"index {name} rebuilt", started)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()

    engine = make_engine(path)
    with write_session(engine) as session:
        audit.record(
            session,
            staff_id=None,
            action="demo.created",
            entity="clinic_settings",
            entity_id=1,
            detail={
                "builder": "benchmarks/build_big.py",
                "seed": seed,
                "patients": patients,
                "appointments": total_appts,
                "status_events": total_events,
            },
        )
    engine.dispose()
    size = path.stat().st_size / 1e6
    log(f"done: {path} ({size:,.0f} MB)", started)


def main() -> None:
    """Parse the command line and build."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--providers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=max(1, multiprocessing.cpu_count()))
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    args = parser.parse_args()
    path: Path = args.path
    if path.exists():
        if not args.force:
            sys.exit(f"{path} exists; pass --force to replace it")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    build(
        path,
        patients=args.patients,
        providers=args.providers,
        seed=args.seed,
        workers=args.workers,
    )


if __name__ == "__main__":
    main()
