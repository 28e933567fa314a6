"""The demo clinic: a believable day at the frozen time, real names, working search."""

from __future__ import annotations

import shutil
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from frontdesk import clock
from frontdesk.data import schema
from frontdesk.data.audit import verify_chain
from frontdesk.data.db import make_engine, read_session
from frontdesk.data.demo import DEMO_ACCOUNTS, DemoSummary, build_demo
from frontdesk.data.drawer import expected, open_drawer_of
from frontdesk.data.errors import SetupError
from frontdesk.data.hours import minutes_text
from frontdesk.data.models import (
    Appointment,
    AppointmentEvent,
    AppointmentType,
    AuditEvent,
    ClinicSettings,
    Patient,
    Provider,
    Status,
    WorkingHours,
)
from frontdesk.data.schedule import load_day
from frontdesk.data.search import search
from frontdesk.data.staff import sign_in
from frontdesk.data.validation import format_phone, name_keys, parse_phone, phone_search_key
from tests.conftest import NOW, TODAY, ZONE

SMALL = 300

# Builds outside the shared template hash the demo passwords cheaply.
pytestmark = pytest.mark.usefixtures("fast_hashing")


def fresh_engine(path: Path) -> Engine:
    engine = make_engine(path)
    schema.upgrade(engine)
    return engine


def build(path: Path, patients: int = SMALL, seed: int | None = 7) -> tuple[Engine, DemoSummary]:
    engine = fresh_engine(path)
    return engine, build_demo(engine, timezone="America/Chicago", patients=patients, seed=seed)


def appointments_with_events(engine: Engine) -> list[tuple[Appointment, list[AppointmentEvent]]]:
    with read_session(engine) as session:
        appts = session.exec(select(Appointment).order_by(col(Appointment.start_at))).all()
        events: dict[int, list[AppointmentEvent]] = defaultdict(list)
        for event in session.exec(select(AppointmentEvent).order_by(col(AppointmentEvent.id))):
            events[event.appointment_id].append(event)
        return [(a, events[a.id or 0]) for a in appts]


def local_day(appt: Appointment) -> date:
    return appt.start_at.astimezone(ZONE).date()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    """A small demo clinic built once at the frozen time (Tuesday 10:00 in Chicago)."""
    path = tmp_path_factory.mktemp("demo") / "template.db"
    with clock.freeze(NOW):
        engine, summary = build(path)
    engine.dispose()  # checkpoints the WAL: the file alone is the database
    return path, summary


@pytest.fixture
def demo(template: tuple[Path, DemoSummary], db_path: Path) -> Iterator[tuple[Engine, DemoSummary]]:
    """A private copy of the template demo for one test."""
    path, summary = template
    shutil.copyfile(path, db_path)
    engine = make_engine(db_path)
    yield engine, summary
    engine.dispose()


def test_summary_matches_the_database(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    with read_session(engine) as session:
        settings = session.get(ClinicSettings, 1)
        providers = session.exec(select(Provider)).all()
        kinds = session.exec(select(AppointmentType)).all()
        patients = session.exec(select(Patient.id)).all()
        appts = session.exec(select(Appointment)).all()
    assert settings is not None
    assert settings.is_demo
    assert settings.timezone == "America/Chicago"
    assert summary.patients == len(patients) == SMALL
    assert summary.providers == len(providers) == 4
    assert 5 <= len(kinds) <= 7
    assert all(k.prep_instructions for k in kinds)
    assert sum(k.is_new_patient for k in kinds) == 1
    assert summary.appointments_total == len(appts)
    today = [a for a in appts if local_day(a) == TODAY]
    assert summary.appointments_today == len(today)
    assert 60 <= len(today) <= 90
    assert summary.accounts == DEMO_ACCOUNTS
    # history and the week ahead too
    assert any(local_day(a) < TODAY for a in appts)
    assert any(local_day(a) > TODAY for a in appts)
    assert any(a.walk_in for a in today)
    assert any(a.copay_due_cents in (2500, 4000) for a in appts)
    assert any(a.forms_needed for a in appts)


def test_statuses_fit_the_time_of_day(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    now = NOW.astimezone(UTC)
    rows = appointments_with_events(engine)
    seen: set[Status] = set()
    for appt, events in rows:
        status = Status(appt.status)
        times = [e.at for e in events]
        assert all(at <= now for at in times), "an event is in the future"
        assert times == sorted(times)
        assert [e.to_status for e in events][-1:] == ([status.value] if events else [])
        if local_day(appt) == TODAY:
            seen.add(status)
        if status == Status.ARRIVED:
            assert appt.start_at <= now + timedelta(minutes=30)
            arrived = events[-1].at
            assert now - timedelta(minutes=20) <= arrived <= now
        if status == Status.DONE:
            assert [e.to_status for e in events] == ["ARRIVED", "IN ROOM", "DONE"]
            assert events[0].at < events[1].at < events[2].at <= now
        if status == Status.IN_ROOM:
            assert [e.to_status for e in events] == ["ARRIVED", "IN ROOM"]
        if status == Status.CANCELLED:
            assert appt.cancel_reason
            assert events[-1].reason == appt.cancel_reason
            assert events[-1].at <= appt.start_at
        if status == Status.NO_SHOW:
            assert events[-1].at >= appt.start_at + timedelta(minutes=15)
        if status == Status.BOOKED:
            assert not events
        if local_day(appt) > TODAY:
            assert status in (Status.BOOKED, Status.CANCELLED)
        if local_day(appt) < TODAY:
            assert status in (Status.DONE, Status.NO_SHOW, Status.CANCELLED)
        if appt.start_at > now + timedelta(minutes=30):
            assert status in (Status.BOOKED, Status.CANCELLED)
    # at 10:00 the morning is under way: done, waiting, in a room, and still to come
    assert {Status.DONE, Status.ARRIVED, Status.IN_ROOM, Status.BOOKED} <= seen


def test_no_provider_is_double_booked_and_all_fit_their_hours(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, _ = demo
    with read_session(engine) as session:
        hours: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
        for span in session.exec(select(WorkingHours)):
            hours[(span.provider_id, span.weekday)].append(
                (minutes_text(span.start_minute), minutes_text(span.end_minute))
            )
    by_provider_day: dict[tuple[int, date], list[Appointment]] = defaultdict(list)
    for appt, _ in appointments_with_events(engine):
        by_provider_day[(appt.provider_id, local_day(appt))].append(appt)
        start = appt.start_at.astimezone(ZONE)
        end = start + timedelta(minutes=appt.minutes)
        assert any(
            f"{start:%H:%M}" >= first and f"{end:%H:%M}" <= last
            for first, last in hours[(appt.provider_id, start.weekday())]
        ), (appt.id, start)
    for appts in by_provider_day.values():
        appts.sort(key=lambda a: a.start_at)
        for before, after in zip(appts, appts[1:], strict=False):
            assert before.start_at + timedelta(minutes=before.minutes) <= after.start_at


def test_search_keys_phones_and_mrns_are_stored_as_registration_would(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, _ = demo
    with read_session(engine) as session:
        patients = session.exec(select(Patient)).all()
    for p in patients:
        assert (p.last_key, p.first_key, p.last2_key) == name_keys(p.last_name, p.first_name)
        assert p.phone_key == phone_search_key(p.phone_mobile or p.phone_home)
        assert p.mrn == f"{p.id:06d}"
        for phone in (p.phone_mobile, p.phone_home):
            if phone:
                assert parse_phone(format_phone(phone), field="p", label="Phone") == phone
        assert p.created_at <= NOW.astimezone(UTC)
        if p.consent_on_file_on is not None:
            assert p.consent_on_file_on <= TODAY


def test_demo_accounts_sign_in(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    for account in DEMO_ACCOUNTS:
        member = sign_in(engine, account.username, account.password)
        assert member.role == account.role
        assert member.display_name == account.display_name
    assert {a.username for a in DEMO_ACCOUNTS} >= {"desk", "super", "admin"}


def test_search_and_the_day_schedule_work_on_the_demo(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    hits = search(engine, "smi")
    assert hits
    assert all(h.last_name.casefold().startswith("smi") for h in hits)
    day = load_day(engine)
    booked = [r for r in day.rows if not r.is_opening]
    assert len(booked) == summary.appointments_today
    assert day.counts.get("OPEN", 0) > 0  # the day has holes to book into
    waiting = [r for r in booked if r.status == Status.ARRIVED]
    assert waiting
    assert all(r.flags and r.flags[-1].endswith("m") for r in waiting)  # minutes waited
    assert len(day.providers) == 4


def test_the_audit_trail_is_intact_and_summarises_the_build(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, summary = demo
    with read_session(engine) as session:
        assert verify_chain(session) is None
        actions = session.exec(select(AuditEvent.action)).all()
    assert actions.count("demo.created") == 1
    assert "patient.created" not in actions
    assert actions.count("staff.created") == len(DEMO_ACCOUNTS)
    assert actions.count("appointment.status") > summary.appointments_today


def names(engine: Engine) -> list[tuple[str, str]]:
    with read_session(engine) as session:
        rows = session.exec(
            select(Patient.last_name, Patient.first_name).order_by(col(Patient.id))
        ).all()
        return [(last, first) for last, first in rows]


def test_same_seed_same_clinic(demo: tuple[Engine, DemoSummary], tmp_path: Path) -> None:
    engine, _ = demo
    again, _ = build(tmp_path / "again.db", seed=7)
    assert names(again) == names(engine)
    starts = [a.start_at for a, _ in appointments_with_events(engine)]
    assert starts == [a.start_at for a, _ in appointments_with_events(again)]


def test_no_seed_means_the_clinic_date(demo: tuple[Engine, DemoSummary], tmp_path: Path) -> None:
    engine, _ = demo
    other, summary = build(tmp_path / "dated.db", patients=50, seed=None)
    assert summary.seed == 20261124
    assert names(other) != names(engine)[:50]


def test_refuses_a_database_that_is_not_empty(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    with pytest.raises(SetupError, match="already has a clinic"):
        build_demo(engine, timezone="America/Chicago", patients=20, seed=1)
    with read_session(engine) as session:
        assert len(session.exec(select(Patient.id)).all()) == SMALL


def test_before_opening_the_whole_day_is_booked(tmp_path: Path) -> None:
    early = datetime(2026, 11, 24, 6, 30, tzinfo=ZONE)
    with clock.freeze(early):
        engine, _ = build(tmp_path / "early.db", patients=100)
    for appt, events in appointments_with_events(engine):
        assert all(e.at <= early for e in events)
        if local_day(appt) == TODAY:
            assert appt.status in (Status.BOOKED.value, Status.CANCELLED.value)


def test_in_the_evening_the_day_is_history_but_two_remain_booked(tmp_path: Path) -> None:
    evening = datetime(2026, 11, 24, 20, 0, tzinfo=ZONE)
    with clock.freeze(evening):
        engine, _ = build(tmp_path / "evening.db", patients=100)
    today = [(a, e) for a, e in appointments_with_events(engine) if local_day(a) == TODAY]
    statuses = [Status(a.status) for a, _ in today]
    assert statuses.count(Status.BOOKED) == 2
    assert statuses.count(Status.DONE) > len(today) // 2
    assert Status.ARRIVED not in statuses
    assert Status.IN_ROOM not in statuses
    latest = sorted(
        (a for a, _ in today if a.status != Status.CANCELLED.value), key=lambda a: a.start_at
    )[-2:]
    assert all(a.status == Status.BOOKED.value for a in latest)
    assert all(e.at <= evening for _, events in today for e in events)


def test_default_size_has_the_variety_of_a_real_register(db_path: Path) -> None:
    engine, summary = build(db_path, patients=2000, seed=None)
    with read_session(engine) as session:
        patients = session.exec(select(Patient)).all()
    assert summary.patients == 2000
    lasts = [p.last_name for p in patients]
    firsts = [p.first_name for p in patients]
    every = lasts + firsts
    assert any("'" in n for n in lasts)
    assert any(unicodedata.normalize("NFD", n) != n for n in every)  # an accented letter
    assert any(unicodedata.combining(ch) for n in every for ch in n)  # typed decomposed
    assert any("-" in n for n in lasts)
    assert any("-" in n for n in firsts)
    assert any(" " in n for n in lasts)  # García López, de la Cruz, van der Berg
    smiths = sum(p.last_key == "smith" for p in patients)
    assert smiths >= 50

    def share(flags: Iterable[bool]) -> float:
        return sum(flags) / len(patients)

    assert 0.05 <= share(p.interpreter_needed for p in patients) <= 0.11
    assert 0.07 <= share(not p.insurance_payer for p in patients) <= 0.13
    assert 0.11 <= share(p.balance_due_cents > 0 for p in patients) <= 0.19
    stale = TODAY - timedelta(days=365)
    assert (
        0.15
        <= share(
            p.demographics_confirmed_on is None or p.demographics_confirmed_on < stale
            for p in patients
        )
        <= 0.25
    )
    assert share(p.eligibility_verified_on is None for p in patients) > 0.8
    assert share(p.consent_on_file_on is None for p in patients) > 0.05
    ages = [(TODAY - p.dob).days / 365.25 for p in patients]
    assert min(ages) < 2
    assert max(ages) > 85
    languages = {p.preferred_language for p in patients if p.interpreter_needed}
    assert {"es", "vi", "zh", "ar", "pl", "so"} <= languages


def test_the_demo_drawer_holds_this_mornings_copays(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    with read_session(engine) as session:
        numbers = list(
            session.execute(text("SELECT receipt_no FROM payment ORDER BY receipt_no")).scalars()
        )
        latest = session.execute(text("SELECT MAX(at) FROM payment")).scalar()
        desk = session.execute(text("SELECT id FROM staff WHERE username = 'desk'")).scalar()
        drawer = open_drawer_of(session, int(desk or 0))
        assert drawer is not None
        figures = expected(session, drawer.id)
        taken = session.execute(
            text("SELECT SUM(amount_cents) FROM payment WHERE tender = 'cash'")
        ).scalar()
        unpaid_arrivals = session.execute(
            text(
                "SELECT COUNT(*) FROM payment p JOIN appointment a ON a.id = p.appointment_id "
                "WHERE a.status IN ('BOOKED', 'CANCELLED', 'NO-SHOW')"
            )
        ).scalar()
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 3
    assert str(latest) < NOW.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")  # none in the future
    assert figures.cash_cents == drawer.float_cents + int(taken or 0)
    assert unpaid_arrivals == 0  # only patients who came paid


def test_the_demo_has_patients_on_the_wait_list(demo: tuple[Engine, DemoSummary]) -> None:
    from frontdesk.data.waitlist import waiting

    engine, _ = demo
    items = waiting(engine)
    assert len(items) == 4
    assert {item.wants for item in items} >= {"any time", "Wed Fri, 13:00-close"}
