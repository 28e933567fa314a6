"""Patient search and day-schedule load times on the big database.

Usage (from the project root, after ``python benchmarks/build_big.py``):

    python benchmarks/bench_search.py [PATH] [--queries N] [--explain] [--profile]

For each kind of search a clerk types (a last-name fragment, ``last, first``,
``first last``, a date of birth, phone digits, an MRN) it times
``patients.search_in`` over many queries drawn from real names in the
database, plus the fixed examples ``smi``, ``smi, jo``, ``jo smi``,
``3/14/1990``, ``3125550`` and an MRN. Each query runs once untimed (to warm
the page cache, as a terminal that has been open a while would be) and then
once timed with ``time.perf_counter``. It reports the median, p95 and worst.

It then times the day schedule: ``schedule.load_day_in`` against the same
join in raw sqlite3, and breaks the difference down (Core rows, ORM
entities, the rest of ``load_day_in``). ``lean_load_day_in`` below is a
prototype of a leaner ``load_day_in`` that gives the same rows; its time is
reported beside the real one.

Targets: search median <= 1 ms and p95 <= 5 ms; schedule <= 1.5x raw sqlite3.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import os
import pstats
import random
import re
import sqlite3
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import and_, bindparam, event, literal, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from frontdesk import clock
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.db import make_engine, read_session
from frontdesk.data.models import (
    Appointment,
    AppointmentEvent,
    AppointmentType,
    Patient,
    Provider,
    Status,
)
from frontdesk.data.patients import (
    _HIT_COLUMNS,
    _TOP,
    SEARCH_LIMIT,
    PatientHit,
    search,
    search_in,
)
from frontdesk.data.schedule import (
    DaySchedule,
    ScheduleRow,
    _openings,
    flags_for,
    load_day_in,
)
from frontdesk.data.validation import date_candidates, fold, format_phone

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "benchmarks" / "out" / "big.db"
SEARCH_MEDIAN_MS = 1.0
SEARCH_P95_MS = 5.0
SCHEDULE_RATIO = 1.5


@dataclass(frozen=True)
class Figures:
    """Timings of one kind of operation, in milliseconds."""

    name: str
    times_ms: list[float]
    hits: list[int]
    cpu_ms: list[float] = field(default_factory=list)  # CPU time of this process

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 0.95)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_ms) if self.cpu_ms else float("nan")

    @property
    def cpu_p95(self) -> float:
        return percentile(self.cpu_ms, 0.95) if self.cpu_ms else float("nan")

    @property
    def worst(self) -> float:
        return max(self.times_ms)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def say(text: str = "") -> None:
    """Results go to stdout."""
    print(text, flush=True)


def ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


# --- queries ------------------------------------------------------------------------------


def sample_patients(session: Session, count: int, rng: random.Random) -> list[Patient]:
    """``count`` random patients (by random id, so no table scan)."""
    top = session.exec(sm_select(Patient.id).order_by(col(Patient.id).desc()).limit(1)).one()
    assert top is not None
    found: list[Patient] = []
    while len(found) < count:
        patient = session.get(Patient, rng.randint(1, top))
        if patient is not None:
            found.append(patient)
    return found


def query_sets(session: Session, per_kind: int, rng: random.Random) -> dict[str, list[str]]:
    """Queries per kind, typed as a clerk would type them, from real patients."""
    people = sample_patients(session, per_kind, rng)
    top = len(people)

    def lead(text: str, size: int) -> str:
        return text.replace("'", "")[:size]

    return {
        "last-name fragment (smi)": [lead(p.last_name, rng.choice((3, 3, 4))) for p in people],
        "last, first (smi, jo)": [
            f"{lead(p.last_name, 3)}, {lead(p.first_name, 2)}" for p in people
        ],
        "first last (jo smi)": [f"{lead(p.first_name, 2)} {lead(p.last_name, 3)}" for p in people],
        "date of birth (3/14/1990)": [f"{p.dob.month}/{p.dob.day}/{p.dob.year}" for p in people],
        "phone digits (3125550)": [
            people[i].phone_key[:7] or "3125550" for i in range(top) if people[i].phone_key
        ],
        "MRN (000123)": [p.mrn for p in people],
    }


FIXED = ["smi", "smi, jo", "jo smi", "3/14/1990", "3125550", "000123", "garcía", "nguyen, t"]


def time_queries(
    run: Callable[[str], list[Any]], name: str, queries: list[str], *, warm: bool = True
) -> Figures:
    """Each query once untimed (warm-up), then once timed."""
    if warm:
        for query in queries:
            run(query)
    times: list[float] = []
    cpu: list[float] = []
    hits: list[int] = []
    for query in queries:
        cpu_start = time.process_time()
        start = time.perf_counter()
        found = run(query)
        times.append(ms(start))
        cpu.append((time.process_time() - cpu_start) * 1000)
        hits.append(len(found))
    return Figures(name, times, hits, cpu)


# --- plans ---------------------------------------------------------------------------------


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SELECT statements (and parameters) run on ``engine`` inside the block."""
    seen: list[tuple[str, Any]] = []

    def listener(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool
    ) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def explain(engine: Engine, clinic: Clinic, queries: list[str]) -> None:
    """Print SQLite's plan for every statement each query runs."""
    for query in queries:
        with read_session(engine) as session, captured(engine) as seen:
            search_in(session, query, clinic)
        say(f"  {query!r}:")
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in seen:
                cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                where = statement.split("WHERE", 1)[-1].split("\n")[0].strip()[:70]
                plan = "; ".join(str(row[3]) for row in cursor.fetchall())
                say(f"    WHERE {where}\n      -> {plan}")
            cursor.close()
        finally:
            raw.close()


def profile(work: Callable[[], object], label: str) -> None:
    """cProfile over some work: where the time goes."""
    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    say(f"\nProfile of {label}, by own time:")
    say("\n".join(out.getvalue().splitlines()[4:24]))


# --- prototype: a faster search_in ---------------------------------------------------------
#
# Three changes, each measured below against the real search_in:
# 1. Phone numbers are formatted through a cache: phonenumbers.parse + format costs about
#    30 us a number, so 20 hits cost ~0.6 ms, half of a typical search.
# 2. The statements are built once, with bound parameters, instead of on every keystroke.
# 3. A "last prefix + first prefix" arm (``smi, jo``; ``jo smi`` read either way) first asks
#    how many index entries each prefix covers (capped at PROBE_CAP, a few microseconds)
#    and then walks the smaller one: the first-name index when the first-name prefix is
#    rare; otherwise the distinct last names under the prefix, seeking each one's
#    first-name range (a skip-scan), instead of reading every Smith to find the Jos.
# A name-plus-birth-date search (``smi 3/14/1990``) also reads every patient born that day
# before filtering by name: see the report for why that is a correctness fix.

PROBE_CAP = 200


@functools.lru_cache(maxsize=8192)
def cached_phone(e164: str, region: str) -> str:
    return format_phone(e164, region)


def _bound_prefix(column: Any, name: str) -> Any:
    return and_(column >= bindparam(f"{name}_lo"), column < bindparam(f"{name}_hi"))


def _range(name: str, text_: str) -> dict[str, str]:
    return {f"{name}_lo": text_, f"{name}_hi": text_ + _TOP}


_BASE = select(*_HIT_COLUMNS)
_LIMIT = SEARCH_LIMIT
_BY_MRN = _BASE.where(_bound_prefix(col(Patient.mrn), "a")).limit(_LIMIT)
_BY_PHONE = _BASE.where(_bound_prefix(col(Patient.phone_key), "a")).limit(_LIMIT)
_BY_DOB = _BASE.where(col(Patient.dob) == bindparam("dob"))
_BY_LAST = _BASE.where(_bound_prefix(col(Patient.last_key), "a")).limit(_LIMIT)
_BY_LAST2 = _BASE.where(_bound_prefix(col(Patient.last2_key), "a")).limit(_LIMIT)
_BOTH = (_bound_prefix(col(Patient.last_key), "l"), _bound_prefix(col(Patient.first_key), "f"))
_IN_ORDER = (col(Patient.last_key), col(Patient.first_key), col(Patient.id))
_BY_BOTH = _BASE.where(*_BOTH).limit(_LIMIT)
# ``last_key || ''`` hides the last-name index from the planner (SQLite renders no index
# hints), so this walks the first-name index, then orders the few matches as the
# last-name index would have.
_BY_BOTH_VIA_FIRST = (
    _BASE.where(
        _bound_prefix(col(Patient.last_key) + literal(""), "l"),
        _bound_prefix(col(Patient.first_key), "f"),
    )
    .order_by(*_IN_ORDER)
    .limit(_LIMIT)
)
_BY_LAST_KEYS = (
    _BASE.where(
        col(Patient.last_key).in_(bindparam("keys", expanding=True)),
        _bound_prefix(col(Patient.first_key), "f"),
    )
    .order_by(*_IN_ORDER)
    .limit(_LIMIT)
)
_PROBE = text(
    "SELECT (SELECT count(*) FROM (SELECT 1 FROM patient "
    "WHERE last_key >= :l_lo AND last_key < :l_hi LIMIT :cap)), "
    "(SELECT count(*) FROM (SELECT 1 FROM patient "
    "WHERE first_key >= :f_lo AND first_key < :f_hi LIMIT :cap))"
)
_LAST_KEYS = text(
    "WITH RECURSIVE k(v, n) AS ("
    " SELECT (SELECT min(last_key) FROM patient WHERE last_key >= :l_lo AND last_key < :l_hi), 1"
    " UNION ALL"
    " SELECT (SELECT min(last_key) FROM patient WHERE last_key > k.v AND last_key < :l_hi),"
    " k.n + 1 FROM k WHERE k.v IS NOT NULL AND k.n < :cap"
    ") SELECT v FROM k WHERE v IS NOT NULL"
)


def _two_prefix(session: Session, last: str, first: str) -> list[Any]:
    """Patients whose last name starts with ``last`` and first name with ``first``."""
    both = {**_range("l", last), **_range("f", first)}
    n_last, n_first = session.execute(_PROBE, {**both, "cap": PROBE_CAP}).one()
    if n_first < PROBE_CAP and n_first < n_last:
        return list(session.execute(_BY_BOTH_VIA_FIRST, both).all())
    if n_last < PROBE_CAP:
        return list(session.execute(_BY_BOTH, both).all())
    keys = session.execute(_LAST_KEYS, {**_range("l", last), "cap": PROBE_CAP}).scalars().all()
    if len(keys) < PROBE_CAP:
        return list(session.execute(_BY_LAST_KEYS, {"keys": keys, **_range("f", first)}).all())
    return list(session.execute(_BY_BOTH, both).all())


def fast_search_in(
    session: Session, query: str, clinic: Clinic, limit: int = SEARCH_LIMIT
) -> list[PatientHit]:
    """``patients.search_in`` with the three changes above; same answers."""
    assert limit == _LIMIT
    text_ = query.strip()
    if not text_:
        return []
    today = clinic.today()
    found_rows: list[Any] = []
    post_filter: str | None = None

    def run(statement: Any, **params: Any) -> None:
        found_rows.extend(session.execute(statement, params).all())

    digits = re.sub(r"[\s()\-.+]", "", text_)
    dates = date_candidates(text_, today, clinic.date_order)
    if digits.isdigit():
        run(_BY_MRN, **_range("a", digits))
        if len(digits) >= 3:
            run(_BY_PHONE, **_range("a", digits))
    if dates:
        for day in dates:
            run(_BY_DOB.limit(_LIMIT), dob=day)
    elif not digits.isdigit():
        words = text_.replace(",", " , ").split()
        date_words = [w for w in words if re.search(r"\d", w)]
        date_words = [w for w in date_words if date_candidates(w, today, clinic.date_order)]
        if date_words:
            for day in date_candidates(date_words[0], today, clinic.date_order):
                run(_BY_DOB, dob=day)  # every patient born that day, then the name filter
            post_filter = fold(" ".join(w for w in words if w not in date_words and w != ","))
        elif "," in text_:
            last_part, _, first_part = text_.partition(",")
            last, first = fold(last_part), fold(first_part)
            if last and first:
                found_rows.extend(_two_prefix(session, last, first))
            elif last:
                run(_BY_LAST, **_range("a", last))
        else:
            whole = fold(text_)
            if not whole:
                return []
            run(_BY_LAST, **_range("a", whole))
            run(_BY_LAST2, **_range("a", whole))
            parts = whole.split(" ")
            if len(parts) >= 2:
                head, rest = parts[0], " ".join(parts[1:])
                found_rows.extend(_two_prefix(session, rest, head))
                found_rows.extend(_two_prefix(session, head, rest))
    rows: dict[int, Any] = {}
    for row in found_rows:
        rows.setdefault(row.id, row)
    found = sorted(rows.values(), key=lambda r: (r.last_key, r.first_key, r.dob))
    if post_filter:
        words_ = post_filter.split()
        found = [
            r
            for r in found
            if all(
                any(n.startswith(w) for n in f"{r.last_key} {r.first_key}".split()) for w in words_
            )
        ]
    return [
        PatientHit(
            id=r.id,
            mrn=r.mrn,
            last_name=r.last_name,
            first_name=r.first_name,
            preferred_name=r.preferred_name,
            dob=r.dob,
            sex=r.sex,
            phone=cached_phone(r.phone_mobile or r.phone_home, clinic.phone_region),
            balance_due_cents=r.balance_due_cents,
        )
        for r in found[:limit]
    ]


def name_and_birth_date_misses(session: Session, clinic: Clinic, sample: int) -> tuple[int, int]:
    """How often ``smith 3/14/1990`` fails to find a Smith born on 3/14/1990."""
    rows = session.execute(
        select(col(Patient.id), col(Patient.last_name), col(Patient.dob))
        .where(col(Patient.last_key) == "smith")
        .limit(sample)
    ).all()
    misses = 0
    for patient_id, last, dob in rows:
        query = f"{last[:3]} {dob.month}/{dob.day}/{dob.year}"
        if patient_id not in [h.id for h in search_in(session, query, clinic)]:
            misses += 1
    return misses, len(rows)


# --- the day schedule ------------------------------------------------------------------------

RAW_DAY_SQL = """
SELECT appointment.*, patient.*, appointment_type.name
FROM appointment
JOIN patient ON patient.id = appointment.patient_id
JOIN appointment_type ON appointment_type.id = appointment.type_id
WHERE appointment.start_at >= ? AND appointment.start_at < ?
ORDER BY appointment.start_at, appointment.id
"""


def _stored(moment: datetime) -> str:
    """A UTC moment as SQLModel stores it (so raw sqlite3 compares the same text)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def raw_day(conn: sqlite3.Connection, day: date, clinic: Clinic) -> list[Any]:
    start, end = clock.day_bounds(day, clinic.zone)
    return conn.execute(RAW_DAY_SQL, (_stored(start), _stored(end))).fetchall()


def _day_where(day: date, clinic: Clinic) -> Any:
    start, end = clock.day_bounds(day, clinic.zone)
    return and_(col(Appointment.start_at) >= start, col(Appointment.start_at) < end)


def core_day(session: Session, day: date, clinic: Clinic) -> list[Any]:
    """The same join through SQLAlchemy Core: every column, typed, no ORM objects."""
    statement = (
        select(*Appointment.__table__.c, *Patient.__table__.c, col(AppointmentType.name))  # type: ignore[attr-defined]
        .join(Patient, col(Patient.id) == Appointment.patient_id)
        .join(AppointmentType, col(AppointmentType.id) == Appointment.type_id)
        .where(_day_where(day, clinic))
        .order_by(col(Appointment.start_at), col(Appointment.id))
    )
    return list(session.execute(statement).all())


def orm_day(session: Session, day: date, clinic: Clinic) -> list[Any]:
    """The join exactly as ``load_day_in`` runs it: ORM entities."""
    statement = (
        sm_select(Appointment, Patient, AppointmentType.name)
        .join(Patient, col(Patient.id) == Appointment.patient_id)
        .join(AppointmentType, col(AppointmentType.id) == Appointment.type_id)
        .where(_day_where(day, clinic))
        .order_by(col(Appointment.start_at), col(Appointment.id))
    )
    return list(session.exec(statement).all())


_LEAN_COLUMNS: tuple[Any, ...] = (
    col(Appointment.id).label("appointment_id"),
    col(Appointment.start_at),
    col(Appointment.minutes),
    col(Appointment.provider_id),
    col(Appointment.status),
    col(Appointment.walk_in),
    col(Appointment.forms_needed),
    col(Appointment.eligibility_checked),
    col(Appointment.copay_due_cents),
    col(Appointment.version),
    col(Patient.id).label("patient_id"),
    col(Patient.last_name),
    col(Patient.first_name),
    col(Patient.preferred_name),
    col(Patient.sex),
    col(Patient.dob),
    col(Patient.interpreter_needed),
    col(Patient.preferred_language),
    col(Patient.eligibility_verified_on),
    col(Patient.balance_due_cents),
    col(AppointmentType.name).label("type_name"),
)


@dataclass(frozen=True)
class LeanFetch:
    """What the lean load reads from the database for one day."""

    result: list[Any]
    providers: list[Provider]
    arrivals: dict[int, datetime]


def lean_fetch(session: Session, day: date, clinic: Clinic, provider_id: int | None) -> LeanFetch:
    """The statements of the lean load: the day's rows (21 columns), providers, arrivals."""
    where = _day_where(day, clinic)
    if provider_id is not None:
        where = and_(where, col(Appointment.provider_id) == provider_id)
    result = session.execute(
        select(*_LEAN_COLUMNS)
        .join(Patient, col(Patient.id) == Appointment.patient_id)
        .join(AppointmentType, col(AppointmentType.id) == Appointment.type_id)
        .where(where)
        .order_by(col(Appointment.start_at), col(Appointment.id))
    ).all()
    providers = session.exec(
        sm_select(Provider).where(col(Provider.active)).order_by(col(Provider.short_name))
    ).all()
    arrived_ids = [r.appointment_id for r in result if r.status == Status.ARRIVED.value]
    arrivals: dict[int, datetime] = {}
    if arrived_ids:
        for appt_id, at in session.exec(
            sm_select(AppointmentEvent.appointment_id, AppointmentEvent.at)
            .where(
                col(AppointmentEvent.appointment_id).in_(arrived_ids),
                AppointmentEvent.to_status == Status.ARRIVED.value,
            )
            .order_by(col(AppointmentEvent.id))
        ):
            arrivals[appt_id] = at
    return LeanFetch(list(result), list(providers), arrivals)


def lean_load_day_in(
    session: Session, day: date, clinic: Clinic, provider_id: int | None = None
) -> DaySchedule:
    """Prototype: ``load_day_in`` selecting only the 21 columns it shows, as plain rows.

    Same statements otherwise (providers, arrival times) and the same result;
    the row object serves ``flags_for`` as both the appointment and the patient.
    """
    return lean_build(lean_fetch(session, day, clinic, provider_id), day, clinic, provider_id)


def lean_build(
    fetched: LeanFetch, day: date, clinic: Clinic, provider_id: int | None = None
) -> DaySchedule:
    """The Python half of the lean load: schedule rows, flags, openings, counts."""
    result, providers, arrivals = fetched.result, fetched.providers, fetched.arrivals
    by_provider = {p.id: p for p in providers}
    now = clock.now()
    rows: list[ScheduleRow] = []
    booked: dict[int, list[tuple[datetime, int]]] = {}
    counts: Counter[str] = Counter()
    zone = clinic.zone
    for r in result:
        local = r.start_at.astimezone(zone)
        provider = by_provider.get(r.provider_id)
        status = Status(r.status)
        counts[status.value] += 1
        if r.walk_in:
            counts["WALK-IN"] += 1
        if status not in (Status.CANCELLED, Status.NO_SHOW):
            booked.setdefault(r.provider_id, []).append((local, r.minutes))
        row = cast(Any, r)
        rows.append(
            ScheduleRow(
                appointment_id=r.appointment_id,
                start=local,
                minutes=r.minutes,
                provider_id=r.provider_id,
                provider=provider.short_name if provider else "?",
                patient_id=r.patient_id,
                patient=f"{r.last_name}, {r.preferred_name or r.first_name}",
                sex=r.sex,
                birth_year=r.dob.year,
                type_name=r.type_name,
                status=status,
                flags=flags_for(row, row, day, arrivals.get(r.appointment_id), now),
                walk_in=r.walk_in,
                version=r.version,
            )
        )
    for provider in providers:
        if provider_id is not None and provider.id != provider_id:
            continue
        assert provider.id is not None
        openings = _openings(day, clinic, provider, booked.get(provider.id, []))
        counts["OPEN"] += len(openings)
        rows.extend(openings)
    rows.sort(key=lambda r: (r.start, r.provider, r.appointment_id is None, r.appointment_id or 0))
    return DaySchedule(
        day=day,
        rows=tuple(rows),
        counts=dict(counts),
        providers=tuple((p.id, p.short_name) for p in providers if p.id is not None),
    )


def schedule_days(
    conn: sqlite3.Connection, clinic: Clinic, count: int, rng: random.Random
) -> list[date]:
    """Today and ``count - 1`` random weekdays that have appointments."""
    first, last = conn.execute("SELECT min(start_at), max(start_at) FROM appointment").fetchone()
    low = datetime.fromisoformat(first).date() + timedelta(days=1)
    high = datetime.fromisoformat(last).date() - timedelta(days=1)
    days = [clinic.today()]
    while len(days) < count:
        day = low + timedelta(days=rng.randint(0, (high - low).days))
        if day.weekday() < 5 and day not in days:
            days.append(day)
    return days


def time_days(run: Callable[[date], Any], name: str, days: list[date], rounds: int) -> Figures:
    for day in days:
        run(day)  # warm-up
    times: list[float] = []
    cpu: list[float] = []
    sizes: list[int] = []
    for _ in range(rounds):
        for day in days:
            cpu_start = time.process_time()
            start = time.perf_counter()
            result = run(day)
            times.append(ms(start))
            cpu.append((time.process_time() - cpu_start) * 1000)
            sizes.append(len(result.rows) if isinstance(result, DaySchedule) else len(result))
    return Figures(name, times, sizes, cpu)


# --- report ---------------------------------------------------------------------------------


def together(figures: list[Figures]) -> Figures:
    """All the timings of several kinds as one set."""
    return Figures(
        "all kinds together",
        [t for f in figures for t in f.times_ms],
        [h for f in figures for h in f.hits],
        [t for f in figures for t in f.cpu_ms],
    )


def table(figures: list[Figures], *, unit: str = "hits") -> None:
    say(
        f"  {'':36} {'n':>4} {'median':>8} {'p95':>8} {'worst':>8} "
        f"{'cpu med':>8} {'cpu p95':>8} {unit:>5}"
    )
    for f in figures:
        say(
            f"  {f.name:36} {len(f.times_ms):4d} {f.median:6.2f}ms {f.p95:6.2f}ms "
            f"{f.worst:6.2f}ms {f.cpu_median:6.2f}ms {f.cpu_p95:6.2f}ms "
            f"{statistics.median(f.hits):5.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--queries", type=int, default=300, help="queries per kind")
    parser.add_argument("--days", type=int, default=20, help="days for the schedule load")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--profile", action="store_true", help="profile the slowest kind")
    args = parser.parse_args()
    if not args.path.exists():
        sys.exit(f"{args.path} does not exist: run benchmarks/build_big.py first")
    rng = random.Random(args.seed)
    engine = make_engine(args.path)
    conn = sqlite3.connect(args.path)
    patients = conn.execute("SELECT count(*) FROM patient").fetchone()[0]
    appointments = conn.execute("SELECT count(*) FROM appointment").fetchone()[0]
    say(f"Database: {args.path} ({args.path.stat().st_size / 1e6:,.0f} MB)")
    say(f"  {patients:,} patients, {appointments:,} appointments")
    load = os.getloadavg()
    say(f"  load average before the run: {load[0]:.1f} ({os.cpu_count()} CPUs)")

    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        sets = query_sets(session, args.queries, rng)

        def run(query: str) -> list[Any]:
            return search_in(session, query, clinic)

        say("\nPatient search, patients.search_in (warm cache, one session):")
        figures = [time_queries(run, name, queries) for name, queries in sets.items()]
        fixed = [time_queries(run, repr(q), [q] * 50) for q in FIXED]
        table(figures)
        say("  fixed examples, 50 runs each:")
        table(fixed)
        overall = together(figures)
        say(
            f"  all kinds: median {overall.median:.2f} ms (target <= {SEARCH_MEDIAN_MS} ms), "
            f"p95 {overall.p95:.2f} ms (target <= {SEARCH_P95_MS} ms); CPU time: median "
            f"{overall.cpu_median:.2f} ms, p95 {overall.cpu_p95:.2f} ms"
        )

        def run_fast(query: str) -> list[Any]:
            return fast_search_in(session, query, clinic)

        say("\nPrototype fast_search_in (same queries, same session):")
        fast = [time_queries(run_fast, name, queries) for name, queries in sets.items()]
        fast_fixed = [time_queries(run_fast, repr(q), [q] * 50) for q in FIXED]
        table(fast)
        say("  fixed examples, 50 runs each:")
        table(fast_fixed)
        overall_fast = together(fast)
        say(
            f"  all kinds: median {overall_fast.median:.2f} ms, p95 {overall_fast.p95:.2f} ms; "
            f"CPU time: median {overall_fast.cpu_median:.2f} ms, p95 {overall_fast.cpu_p95:.2f} ms"
        )
        differ = [
            q
            for queries in [*sets.values(), FIXED]
            for q in queries
            if [h.id for h in run(q)] != [h.id for h in run_fast(q)]
        ]
        total = sum(len(q) for q in sets.values()) + len(FIXED)
        say(f"  answers identical to search_in for {total - len(differ)} of {total} queries")
        if differ:
            say(f"  differing: {differ[:10]}")
        misses, tried = name_and_birth_date_misses(session, clinic, 200)
        say(
            f"\nName + birth date (``smi 3/14/1990``) for {tried} Smiths: search_in missed "
            f"{misses} ({misses / max(tried, 1):.0%}): a birth date is shared by ~30 patients "
            "here and only the first 20 are read before the name filter."
        )

        slowest = max(figures, key=lambda f: f.p95)
        if args.explain:
            say("\nQuery plans (EXPLAIN QUERY PLAN) for the fixed examples:")
            explain(engine, clinic, FIXED)
            worst = sorted(zip(slowest.times_ms, sets[slowest.name], strict=True))[-5:]
            say(f"\nSlowest queries of {slowest.name}: {[q for _, q in worst]}")
            explain(engine, clinic, [q for _, q in worst])
        if args.profile:
            queries = sets[slowest.name]
            profile(lambda: [run(q) for q in queries], f"{slowest.name} ({len(queries)} queries)")

    say("\nPatient search as the app calls it, patients.search (own session per call):")
    own = [
        time_queries(lambda q: search(engine, q), name, queries[:100])
        for name, queries in sets.items()
    ]
    table(own)

    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        days = schedule_days(conn, clinic, args.days, rng)
        fetched = {d: lean_fetch(session, d, clinic, None) for d in days}
        for day in days:
            assert lean_load_day_in(session, day, clinic) == load_day_in(session, day, clinic)

    def own_session(work: Callable[[Session, date, Clinic], Any]) -> Callable[[date], Any]:
        """As the app calls it: one read session per load (schedule.load_day)."""

        def call(day: date) -> Any:
            with read_session(engine) as session:
                return work(session, day, clinic)

        return call

    say(f"\nDay schedule, {len(days)} days (today and random weekdays), 5 rounds,")
    say("one read session per load as in schedule.load_day (raw sqlite3: one connection):")
    raw = time_days(lambda d: raw_day(conn, d, clinic), "raw sqlite3 join (fetchall)", days, 5)
    core = time_days(own_session(core_day), "same join, SQLAlchemy Core", days, 5)
    orm = time_days(own_session(orm_day), "same join, ORM entities", days, 5)
    real = time_days(own_session(load_day_in), "schedule.load_day_in", days, 5)
    lean = time_days(own_session(lean_load_day_in), "prototype lean_load_day_in", days, 5)
    lean_sql = time_days(
        own_session(lambda s, d, c: lean_fetch(s, d, c, None).result),
        "  its statements only",
        days,
        5,
    )
    lean_py = time_days(
        lambda d: lean_build(fetched[d], d, clinic), "  its Python only (rows fetched)", days, 5
    )
    table([raw, core, orm, real, lean, lean_sql, lean_py], unit="rows")
    say("  (the prototype's result equals load_day_in's on every day above)")
    say(
        f"  load_day_in / raw sqlite3 = {real.median / raw.median:.1f}x "
        f"(CPU time {real.cpu_median / raw.cpu_median:.1f}x; target <= {SCHEDULE_RATIO}x); "
        f"prototype / raw = {lean.median / raw.median:.1f}x "
        f"(CPU time {lean.cpu_median / raw.cpu_median:.1f}x)"
    )
    if args.profile:
        load_day = own_session(load_day_in)
        profile(lambda: [load_day(d) for d in days], "load_day_in, all days")
    conn.close()
    engine.dispose()


if __name__ == "__main__":
    main()
