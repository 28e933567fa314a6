"""The large demo builder at a small size: money rules, closes, schedule, file.

One build at the frozen time (Tuesday 10:00 in Chicago): 2,000 patients, six
providers, 60 days back and 14 ahead, 4,000 money rows. Tiny builds for the
seed, other times of day and failures. The full size is measured, not tested
(docs/BENCHMARKS.md).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from frontdesk import clock
from frontdesk.data import schema, staff
from frontdesk.data.audit import verify_chain
from frontdesk.data.clinic import get_clinic_in
from frontdesk.data.closeout import close_day, day_status
from frontdesk.data.closeout_report import build_report
from frontdesk.data.db import make_engine, read_session
from frontdesk.data.demo import DEMO_ACCOUNTS
from frontdesk.data.demo_large import (
    STAGE_DAYS,
    STAGES,
    LargeSpec,
    LargeSummary,
    build_large,
)
from frontdesk.data.drawer import expected, open_drawer_of
from frontdesk.data.errors import SetupError
from frontdesk.data.models import Entry, PaymentKind, Tender
from frontdesk.data.patients import display_name
from frontdesk.data.receipts import ReceiptFacts, render
from frontdesk.data.schedule import load_day
from frontdesk.data.staff import sign_in
from tests.conftest import NOW, TODAY, ZONE

SPEC = LargeSpec(2000, providers=6, days_back=60, days_ahead=14, payments=4000, seed=11, workers=2)
TINY = LargeSpec(300, providers=2, days_back=4, days_ahead=2, payments=60, seed=5, workers=1)
Built = tuple[Path, LargeSummary, list[tuple[str, int, int]], list[str]]


@contextmanager
def cheap_hashing() -> Iterator[None]:
    """The fast_hashing fixture, for builds made outside a test function."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(staff, "_hasher", cheap)
        yield


def build(path: Path, spec: LargeSpec, at: datetime = NOW) -> Built:
    """A build at ``at``: the file, the summary, the progress calls, the folder after it."""
    seen: list[tuple[str, int, int]] = []
    with clock.freeze(at), cheap_hashing():
        summary = build_large(
            path, timezone="America/Chicago", spec=spec, progress=lambda *s: seen.append(s)
        )
    return path, summary, seen, sorted(p.name for p in path.parent.iterdir())


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("large") / "large.db", SPEC)


@pytest.fixture(scope="module")
def db(large: Built) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"file:{large[0]}?mode=ro", uri=True)
    yield conn
    conn.close()


def when(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def local_day(text: str) -> date:
    return when(text).astimezone(ZONE).date()


def staff_id(db: sqlite3.Connection, username: str) -> int:
    return int(db.execute("SELECT id FROM staff WHERE username = ?", (username,)).fetchone()[0])


def test_summary_progress_and_file(large: Built, db: sqlite3.Connection) -> None:
    path, summary, seen, files = large
    tables = "patient provider appointment appointment_event payment drawer_session day_close"
    count = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables.split()}
    assert (count["patient"], count["provider"], count["payment"]) == (2000, 6, SPEC.payments)
    assert (summary.patients, summary.providers, summary.payments) == (2000, 6, SPEC.payments)
    assert summary.appointments == count["appointment"] > 0
    assert summary.status_events == count["appointment_event"]
    assert (summary.drawers, summary.closed_days) == (count["drawer_session"], count["day_close"])
    today = [r for (r,) in db.execute("SELECT start_at FROM appointment") if local_day(r) == TODAY]
    assert summary.appointments_today == len(today) > 0
    assert summary.size_bytes == path.stat().st_size
    assert files == [path.name]  # no .building file, no write-ahead log left
    assert list(dict.fromkeys(stage for stage, _, _ in seen)) == list(STAGES)
    last = {stage: (done, total) for stage, done, total in seen}
    assert all(done == total for done, total in last.values())


def test_schema_is_the_migrations_own_and_the_file_is_sound(large: Built, tmp_path: Path) -> None:
    def shape(file: Path) -> set[tuple[str, str, str]]:
        with sqlite3.connect(file) as conn:
            return set(conn.execute("SELECT type, name, sql FROM sqlite_master"))

    fresh = make_engine(tmp_path / "fresh.db")
    schema.upgrade(fresh)
    fresh.dispose()
    assert shape(large[0]) == shape(tmp_path / "fresh.db")  # every index and trigger is there
    with sqlite3.connect(large[0]) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


RECEIPTS = """
SELECT p.receipt_no, p.entry, p.business_date, p.at, p.kind, p.tender, p.amount_cents,
       p.tendered_cents, p.change_cents, p.check_number, p.card_last4, p.card_auth, p.reason,
       p.receipt_text, t.last_name, t.first_name, t.preferred_name, t.mrn, s.display_name,
       a.display_name, o.receipt_no, o.business_date, v.start_at
FROM payment p JOIN patient t ON t.id = p.patient_id JOIN staff s ON s.id = p.staff_id
LEFT JOIN staff a ON a.id = p.approved_by LEFT JOIN payment o ON o.id = p.reverses_id
LEFT JOIN appointment v ON v.id = p.appointment_id ORDER BY p.receipt_no
"""


def test_receipts_are_gap_free_in_time_order_and_as_printed(db: sqlite3.Connection) -> None:
    rows = db.execute(RECEIPTS).fetchall()
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    times = [when(r[3]) for r in rows]
    assert times == sorted(times)
    assert times[-1] <= NOW
    for r in rows:
        assert r[2] == local_day(r[3]).isoformat()
        reverses_day = date.fromisoformat(r[21]) if r[21] and r[21] != r[2] else None
        facts = ReceiptFacts(
            "Riverside Family Clinic", r[0], when(r[3]).astimezone(ZONE),
            display_name(r[14], r[15], r[16]), r[17], Entry(r[1]), PaymentKind(r[4]),
            Tender(r[5]), r[6], r[18], local_day(r[22]) if r[22] else None, *r[7:12], r[20],
            reverses_day, r[12], r[19] or "",
        )  # fmt: skip
        assert r[13] == render(facts), r[0]


MONEY = """
SELECT p.id, p.entry, p.business_date, p.at, p.drawer_id, p.staff_id, p.tender, p.amount_cents,
       p.tendered_cents, p.change_cents, p.reverses_id, p.reason, p.approved_by, p.kind,
       p.appointment_id, d.business_date, d.staff_id, d.opened_at, d.float_cents,
       (SELECT min(counted_at) FROM drawer_count k WHERE k.drawer_id = d.id)
FROM payment p JOIN drawer_session d ON d.id = p.drawer_id ORDER BY p.receipt_no
"""


def test_money_rows_follow_the_desk_rules(db: sqlite3.Connection) -> None:
    supervisors = {i for (i,) in db.execute("SELECT id FROM staff WHERE role != 'desk'")}
    rows = db.execute(MONEY).fetchall()
    by_id = {r[0]: r for r in rows}
    cash: dict[int, int] = {}
    refunded: dict[int, int] = defaultdict(int)
    voided: set[int] = set()
    for r in rows:
        assert (r[2], r[5]) == (r[15], r[16])  # the clerk's own drawer, of the row's day
        assert when(r[17]) <= when(r[3])
        assert r[19] is None or when(r[3]) < when(r[19])  # before the drawer was counted
        held = cash.setdefault(r[4], r[18])
        if r[1] == "payment":
            assert (r[10], r[11], r[12]) == (None, "", None)
            assert (r[13] == "copay") == (r[14] is not None)
            tendered, change = (r[7] + r[9], r[9]) if r[6] == "cash" else (0, 0)
            assert (r[8], r[9]) == (tendered, change)
            assert change <= held
        else:
            original = by_id[r[10]]
            assert original[1] == "payment"
            assert r[11]
            assert r[12] in supervisors - {r[5]}
            assert (r[13], r[14]) == (original[13], original[14])
            if r[1] == "void":
                assert (r[2], r[4], r[6], r[7]) == tuple(original[i] for i in (2, 4, 6, 7))
                assert r[10] not in voided
                assert not refunded[r[10]]
                voided.add(r[10])
            else:
                assert original[2] < r[2]
                assert r[10] not in voided
                assert r[6] == ("cash" if original[6] == "check" else original[6])
                refunded[r[10]] += r[7]
                assert refunded[r[10]] <= original[7]
            assert r[6] != "cash" or r[7] <= held  # never more cash back than the drawer holds
        if r[6] == "cash":
            cash[r[4]] = held + (r[7] if r[1] == "payment" else -r[7])
    assert voided
    assert refunded


COUNTS = """
SELECT business_date, counted_by, counts, cash_counted_cents, cash_expected_cents,
       check_count_counted, check_count_expected, check_counted_cents, check_expected_cents,
       card_counted_cents, card_expected_cents, reason, accepted
FROM drawer_count WHERE drawer_id = ? ORDER BY id
"""


def test_past_drawers_are_counted_and_todays_stay_open(large: Built, db: sqlite3.Connection):
    engine = make_engine(large[0])
    counters = {staff_id(db, "super")}
    with read_session(engine) as session:
        drawers = db.execute("SELECT id, business_date, staff_id FROM drawer_session").fetchall()
        for drawer_id, day, clerk in drawers:
            counts = db.execute(COUNTS, (drawer_id,)).fetchall()
            if date.fromisoformat(day) == TODAY:
                assert counts == []
                continue
            assert [c[-1] for c in counts] == [0] * (len(counts) - 1) + [1]
            want = expected(session, drawer_id)
            figures = [want.cash_cents, *[want.check_count] * 2, *[want.check_cents] * 2]
            for c in counts:
                assert (c[0], c[1] in counters | {clerk}) == (day, True)
                assert sum(int(d) * n for d, n in json.loads(c[2]).items()) == c[3]
                assert list(c[4:11]) == [*figures, *[want.card_cents] * 2]
                assert c[12] == int(abs(c[3] - c[4]) <= 100 or bool(c[11]))
        mine = open_drawer_of(session, staff_id(db, "desk"))
    engine.dispose()
    assert mine is not None
    assert mine.business_date == TODAY
    copays = "SELECT count(*) FROM payment WHERE drawer_id = ? AND kind = 'copay'"
    assert db.execute(copays, (mine.id,)).fetchone()[0] > 0  # this morning's, as the small demo


CLOSES = """
SELECT business_date, start_at, end_at, closed_at, closed_by, forced, report
FROM day_close ORDER BY business_date
"""


def test_every_past_business_day_is_closed_as_close_day_leaves_it(
    large: Built, db: sqlite3.Connection, tmp_path: Path
) -> None:
    business = {local_day(s) for (s,) in db.execute("SELECT start_at FROM appointment")}
    closes = db.execute(CLOSES).fetchall()
    assert [date.fromisoformat(c[0]) for c in closes] == sorted(d for d in business if d < TODAY)
    assert all(d.weekday() != 6 for d in business if d != TODAY)  # nothing on Sundays
    last_count = db.execute("SELECT business_date, max(counted_at) FROM drawer_count GROUP BY 1")
    counted = {day: when(at) for day, at in last_count}
    shutil.copyfile(large[0], tmp_path / "copy.db")
    engine = make_engine(tmp_path / "copy.db")
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        for c in closes:
            day, closed_at = date.fromisoformat(c[0]), when(c[3])
            assert (when(c[1]), when(c[2])) == clock.day_bounds(day, ZONE)
            assert (c[4], c[5]) == (staff_id(db, "super"), 0)
            assert counted[c[0]] < closed_at
            with clock.freeze(closed_at):
                status = day_status(session, clinic, day)
                assert status.blockers == ()
                report = build_report(
                    session, clinic, day, closed_by="super", forced=False, reason="",
                    warnings=list(status.warnings),
                )  # fmt: skip
            assert json.loads(c[6]) == json.loads(json.dumps(report))
        assert not day_status(session, clinic, TODAY).closed
    supervisor = sign_in(engine, "super", "super-demo-1")
    assert close_day(engine, TODAY - timedelta(days=1), by=supervisor).already_closed
    engine.dispose()


def test_appointments_fit_hours_and_no_provider_is_double_booked(db: sqlite3.Connection) -> None:
    hours = defaultdict(list)
    for pid, weekday, start, end, kind in db.execute(
        "SELECT provider_id, weekday, start_minute, end_minute, 'work' FROM working_hours "
        "UNION ALL SELECT provider_id, weekday, start_minute, end_minute, 'break' FROM break_time"
    ):
        hours[pid, weekday, kind].append((start, end))
    booked: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for pid, start_at, minutes, status in db.execute(
        "SELECT provider_id, start_at, minutes, status FROM appointment"
    ):
        start = when(start_at).astimezone(ZONE)
        first, key = start.hour * 60 + start.minute, (pid, start.weekday())
        assert any(a <= first and first + minutes <= b for a, b in hours[(*key, "work")])
        assert not any(a < first + minutes and first < b for a, b in hours[(*key, "break")])
        if status != "CANCELLED":
            booked[pid].append((start, start + timedelta(minutes=minutes)))
    for spans in booked.values():
        spans.sort()
        assert all(b[0] >= a[1] for a, b in zip(spans, spans[1:], strict=False))


APPOINTMENTS = """
SELECT a.id, a.start_at, a.status, a.created_at, a.identity_verified_at, p.created_at
FROM appointment a JOIN patient p ON p.id = a.patient_id
"""


def test_statuses_follow_the_clock(large: Built, db: sqlite3.Connection) -> None:
    events = defaultdict(list)
    for appt, before, after, at in db.execute(
        "SELECT appointment_id, from_status, to_status, at FROM appointment_event ORDER BY id"
    ):
        events[appt].append((before, after, when(at)))
    seen = defaultdict(set)
    for appt, start_at, status, created, verified, registered in db.execute(APPOINTMENTS):
        chain = events[appt]
        assert [c[0] for c in chain] == ["BOOKED", *[c[1] for c in chain]][: len(chain)]
        assert (chain[-1][1] if chain else "BOOKED") == status
        times = [c[2] for c in chain]
        assert times == sorted(times)
        assert all(when(created) <= t <= NOW for t in times)
        assert when(registered) <= when(created)  # the patient was registered when booked
        arrived = [c[2] for c in chain if c[1] == "ARRIVED"]
        assert (when(verified) if verified else None) == (arrived[-1] if arrived else None)
        day = local_day(start_at)
        seen["past" if day < TODAY else "future" if day > TODAY else "today"].add(status)
        if when(start_at) > NOW + timedelta(minutes=30):
            assert status in {"BOOKED", "CANCELLED"}
    assert seen["past"] == {"DONE", "NO-SHOW", "CANCELLED"}
    assert seen["future"] == {"BOOKED", "CANCELLED"}
    assert {"DONE", "BOOKED", "IN ROOM"} <= seen["today"]
    engine = make_engine(large[0])
    schedule = load_day(engine, TODAY)
    engine.dispose()
    assert len([r for r in schedule.rows if not r.is_opening]) == large[1].appointments_today
    assert len(schedule.providers) == SPEC.providers


def test_accounts_and_the_audit_trail(large: Built, tmp_path: Path) -> None:
    shutil.copyfile(large[0], tmp_path / "copy.db")
    engine = make_engine(tmp_path / "copy.db")
    with read_session(engine) as session:
        assert verify_chain(session) is None
        sql = "SELECT action, detail FROM audit_event ORDER BY id"
        rows = session.connection().exec_driver_sql(sql).fetchall()
    assert [a for a, _ in rows] == ["clinic.created", *["staff.created"] * 6, "demo.created"]
    detail = json.loads(rows[-1][1])
    assert (detail["payments"], detail["patients"]) == (SPEC.payments, SPEC.patients)
    assert detail["closed_days"] == large[1].closed_days
    for account in DEMO_ACCOUNTS:
        assert sign_in(engine, account.username, account.password).role == account.role
    engine.dispose()


def test_same_seed_gives_the_same_clinic_whatever_the_workers(tmp_path: Path) -> None:
    one = build(tmp_path / "one.db", TINY)[0]
    three = build(tmp_path / "three.db", replace(TINY, workers=3))[0]
    for table in ("patient", "appointment", "appointment_event", "payment", "drawer_count"):
        sql = f"SELECT * FROM {table} ORDER BY id"
        first, second = (sqlite3.connect(f).execute(sql).fetchall() for f in (one, three))
        assert first
        assert first == second, table


@pytest.mark.parametrize("hour", [6, 20])
def test_before_opening_and_in_the_evening(tmp_path: Path, hour: int) -> None:
    path, summary, _, _ = build(tmp_path / "at.db", TINY, NOW.replace(hour=hour))
    conn = sqlite3.connect(path)
    sql = "SELECT start_at, status, walk_in FROM appointment"
    today = [(when(s), st, w) for s, st, w in conn.execute(sql) if local_day(s) == TODAY]
    open_drawers = conn.execute(
        "SELECT count(*) FROM drawer_session d WHERE business_date = ? AND NOT EXISTS "
        "(SELECT 1 FROM drawer_count k WHERE k.drawer_id = d.id)",
        (TODAY.isoformat(),),
    ).fetchone()[0]
    conn.close()
    assert summary.payments == TINY.payments
    if hour == 6:  # nobody has come yet, and no drawer is open
        assert {st for _, st, _ in today} <= {"BOOKED", "CANCELLED"}
        assert open_drawers == 0
    else:  # the two latest visits stay booked (late); today's drawers are still open
        kept = sorted(t for t in today if t[1] != "CANCELLED" and not t[2])[-2:]
        assert sorted(t for t in today if t[1] == "BOOKED") == kept
        assert len(kept) == 2
        assert open_drawers > 0


def test_refuses_an_existing_file_and_leaves_nothing_half_built(tmp_path: Path) -> None:
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"something")
    with pytest.raises(SetupError):
        build(taken, TINY)
    assert taken.read_bytes() == b"something"

    def stop(stage: str, done: int, _total: int) -> None:
        if stage == STAGE_DAYS and done:
            raise KeyboardInterrupt

    with clock.freeze(NOW), cheap_hashing(), pytest.raises(KeyboardInterrupt):
        build_large(tmp_path / "new.db", timezone="America/Chicago", spec=TINY, progress=stop)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.db"]
