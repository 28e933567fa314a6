"""The day schedule's fast load gives exactly what a plain ORM computation gives.

``reference_load_day`` below is the straightforward version (whole ``Appointment``
and ``Patient`` objects, one query for the arrival times, flags per object), kept
here as the definition of a correct day. ``load_day_in`` must match it on a
varied day, per provider, and on both daylight-saving change days, by its SQLite
driver path and by the SQLAlchemy statement path that other databases take.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite
from sqlmodel import Session, col, select
from sqlmodel.sql.sqltypes import UTCDateTime

from frontdesk import clock
from frontdesk.data import schedule_fetch
from frontdesk.data.appointments import change_status, undo_last
from frontdesk.data.checkin import CheckInRequest, WalkIn, check_in
from frontdesk.data.clinic import Clinic as ClinicSettings
from frontdesk.data.clinic import get_clinic_in
from frontdesk.data.db import read_session, write_session
from frontdesk.data.diagnostics import captured_selects, query_plan
from frontdesk.data.models import (
    Appointment,
    AppointmentEvent,
    AppointmentType,
    Patient,
    Provider,
    Status,
    WorkingHours,
)
from frontdesk.data.schedule import (
    OPEN_MIN_MINUTES,
    DaySchedule,
    ScheduleRow,
    flags_for,
    load_day,
    load_day_in,
)
from frontdesk.money import short_cents
from tests.conftest import NOW, TODAY, ZONE, Clinic, every_day
from tests.data.helpers import set_fields

pytestmark = pytest.mark.usefixtures("fast_hashing")

SPRING_FORWARD = date(2026, 3, 8)  # 02:00 CST -> 03:00 CDT in Chicago
FALL_BACK = date(2026, 11, 1)  # 02:00 CDT -> 01:00 CST in Chicago


# --- the reference: whole ORM objects, the obvious way ----------------------------------


def reference_flags(
    appt: Appointment, patient: Patient, day: date, arrived_at: datetime | None, now: datetime
) -> tuple[str, ...]:
    flags: list[str] = []
    status = Status(appt.status)
    if status in (Status.CANCELLED, Status.NO_SHOW, Status.DONE):
        return ()
    if patient.interpreter_needed:
        flags.append(f"INT:{patient.preferred_language[:3] or '?'}")
    if appt.forms_needed:
        flags.append("FRM")
    if not appt.eligibility_checked and patient.eligibility_verified_on != day:
        flags.append("ELIG")
    due = patient.balance_due_cents + appt.copay_due_cents
    if due > 0:
        flags.append(short_cents(due))
    if status == Status.ARRIVED and arrived_at is not None:
        waited = int((now - arrived_at).total_seconds() // 60)
        if waited >= 0:
            flags.append(f"{waited}m")
    return tuple(flags)


def reference_openings(
    day: date,
    zone: ZoneInfo,
    provider: Provider,
    booked: list[tuple[datetime, int]],
    hours_of: dict[tuple[int, int], list[tuple[int, int]]],
) -> list[ScheduleRow]:
    assert provider.id is not None
    (hours,) = hours_of[(provider.id, day.weekday())]  # one span a day, no breaks, here
    midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
    cursor = midnight + timedelta(minutes=hours[0])
    end = midnight + timedelta(minutes=hours[1])
    rows: list[ScheduleRow] = []
    for start, minutes in sorted(booked):
        gap_end = min(start, end)  # only the working hours can be open
        if gap_end > cursor:
            gap = int((gap_end - cursor).total_seconds() // 60)
            if gap >= OPEN_MIN_MINUTES:
                rows.append(ScheduleRow(None, cursor, gap, provider.id, provider.short_name))
        cursor = max(cursor, start + timedelta(minutes=minutes))
    if end > cursor:
        gap = int((end - cursor).total_seconds() // 60)
        if gap >= OPEN_MIN_MINUTES:
            rows.append(ScheduleRow(None, cursor, gap, provider.id, provider.short_name))
    return rows


def reference_load_day(
    session: Session, day: date, clinic: ClinicSettings, provider_id: int | None = None
) -> DaySchedule:
    start_utc, end_utc = clock.day_bounds(day, clinic.zone)
    query = (
        select(Appointment, Patient, AppointmentType.name)
        .join(Patient, col(Patient.id) == Appointment.patient_id)
        .join(AppointmentType, col(AppointmentType.id) == Appointment.type_id)
        .where(col(Appointment.start_at) >= start_utc, col(Appointment.start_at) < end_utc)
        .order_by(col(Appointment.start_at), col(Appointment.id))
    )
    if provider_id is not None:
        query = query.where(col(Appointment.provider_id) == provider_id)
    result = session.exec(query).all()
    providers = session.exec(
        select(Provider).where(col(Provider.active)).order_by(col(Provider.short_name))
    ).all()
    by_provider = {p.id: p for p in providers}
    arrivals: dict[int, datetime] = {}
    for appt, _, _ in result:
        if appt.status != Status.ARRIVED.value:
            continue
        events = session.exec(
            select(AppointmentEvent)
            .where(
                AppointmentEvent.appointment_id == appt.id,
                AppointmentEvent.to_status == Status.ARRIVED.value,
                col(AppointmentEvent.undoes_id).is_(None),  # an undo is not an arrival
            )
            .order_by(col(AppointmentEvent.id))
        ).all()
        if events and appt.id is not None:
            arrivals[appt.id] = events[-1].at
    now = clock.now()
    rows: list[ScheduleRow] = []
    booked: dict[int, list[tuple[datetime, int]]] = {}
    counts: Counter[str] = Counter()
    for appt, patient, type_name in result:
        assert appt.id is not None
        local = appt.start_at.astimezone(clinic.zone)
        provider = by_provider.get(appt.provider_id)
        status = Status(appt.status)
        counts[status.value] += 1
        if appt.walk_in:
            counts["WALK-IN"] += 1
        if status not in (Status.CANCELLED, Status.NO_SHOW):
            booked.setdefault(appt.provider_id, []).append((local, appt.minutes))
        rows.append(
            ScheduleRow(
                appointment_id=appt.id,
                start=local,
                minutes=appt.minutes,
                provider_id=appt.provider_id,
                provider=provider.short_name if provider else "?",
                patient_id=patient.id,
                patient=f"{patient.last_name}, {patient.preferred_name or patient.first_name}",
                sex=patient.sex,
                birth_year=patient.dob.year,
                type_name=type_name,
                status=status,
                flags=reference_flags(appt, patient, day, arrivals.get(appt.id), now),
                walk_in=appt.walk_in,
                version=appt.version,
            )
        )
    hours_of: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for span in session.exec(select(WorkingHours)):
        hours_of.setdefault((span.provider_id, span.weekday), []).append(
            (span.start_minute, span.end_minute)
        )
    for provider in providers:
        if provider_id is not None and provider.id != provider_id:
            continue
        assert provider.id is not None
        openings = reference_openings(
            day, clinic.zone, provider, booked.get(provider.id, []), hours_of
        )
        counts["OPEN"] += len(openings)
        rows.extend(openings)
    rows.sort(key=lambda r: (r.start, r.provider, r.appointment_id is None, r.appointment_id or 0))
    return DaySchedule(
        day=day,
        rows=tuple(rows),
        counts=dict(counts),
        providers=tuple((p.id, p.short_name) for p in providers if p.id is not None),
    )


def exactly(value: Any) -> Any:
    """A value with every type, UTC offset and fold spelled out.

    Dataclass equality would let ``1`` pass for ``True``, and two clinic-local
    times that differ only in ``fold`` (01:30 CDT and 01:30 CST) compare equal.
    """
    if isinstance(value, DaySchedule):
        return (
            exactly(value.day),
            [exactly(r) for r in value.rows],
            list(value.counts.items()),
            exactly(value.providers),
        )
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [(f.name, exactly(getattr(value, f.name))) for f in dataclasses.fields(value)]
    if isinstance(value, datetime):
        assert value.tzinfo is not None
        return ("datetime", value.isoformat(), value.fold, str(value.tzinfo))
    if isinstance(value, tuple):
        return tuple(exactly(v) for v in value)
    return (type(value).__name__, value)


# --- set-up -------------------------------------------------------------------------------


@pytest.fixture(params=["driver", "statement"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run each test by the SQLite driver path and by the path other databases take."""
    calls: list[int] = []
    real = schedule_fetch.driver_rows

    def spy(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(schedule_fetch, "driver_rows", spy)
    if request.param == "statement":
        monkeypatch.setattr(schedule_fetch, "DRIVER_DIALECTS", frozenset())
    yield request.param
    assert bool(calls) == (request.param == "driver"), "the other path ran"


def add_provider(
    clinic: Clinic,
    short_name: str,
    *,
    start: str = "08:00",
    end: str = "17:00",
    active: bool = True,
) -> int:
    with write_session(clinic.engine) as session:
        row = Provider(name=f"Dr. {short_name}", short_name=short_name)
        row.active = active
        session.add(row)
        session.flush()
        assert row.id is not None
        session.add_all(every_day(row.id, start, end))
        return row.id


def insert(
    clinic: Clinic,
    patient_id: int,
    start: datetime,
    *,
    provider_id: int | None = None,
    minutes: int = 15,
    arrivals: tuple[datetime, ...] = (),
    **fields: Any,
) -> int:
    """An appointment written directly (test set-up), with any arrival events given."""
    with write_session(clinic.engine) as session:
        appt = Appointment(
            patient_id=patient_id,
            provider_id=provider_id or clinic.provider_id,
            type_id=clinic.type_id,
            start_at=start.astimezone(UTC),
            minutes=minutes,
            created_at=clock.now(),
            updated_at=clock.now(),
            **fields,
        )
        session.add(appt)
        session.flush()
        assert appt.id is not None
        for at in arrivals:
            session.add(
                AppointmentEvent(
                    appointment_id=appt.id,
                    from_status=Status.BOOKED.value,
                    to_status=Status.ARRIVED.value,
                    at=at,
                )
            )
        return appt.id


def local(day: date, hour: int, minute: int = 0, *, fold: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE, fold=fold)


@contextmanager
def clock_at(hour: int, minute: int) -> Iterator[None]:
    with clock.freeze(local(TODAY, hour, minute)):
        yield


@pytest.fixture
def varied(clinic: Clinic) -> Clinic:
    """Today with every status, walk-ins, undos, overlaps, short and long gaps, and edges."""
    c = clinic
    ana = c.add_patient("Alvarez", "Ana", "2/3/1950")
    set_fields(c.engine, Patient, ana, interpreter_needed=True, preferred_language="spa", sex="F")
    bo = c.add_patient("Brown", "Robert", "7/8/1988", preferred_name="Bo")
    set_fields(c.engine, Patient, bo, balance_due_cents=1050, eligibility_verified_on=TODAY)
    cy = c.add_patient("Chen", "Cy", "12/31/2001")
    set_fields(
        c.engine,
        Patient,
        cy,
        interpreter_needed=True,
        preferred_language="",
        eligibility_verified_on=TODAY - timedelta(days=40),
    )
    di = c.add_patient("D'Souza", "Di", "1/1/1970")
    retired = add_provider(c, "Retired", active=False)
    add_provider(c, "Zhou", start="07:30", end="12:00")  # no appointments: one long opening

    # Okafor (08:00-17:00): overlaps, a 12-minute gap (not an opening), a 15-minute one
    c.book(ana, 8, 0, forms_needed=True, copay_due_cents=2500)
    c.book(bo, 8, 10, eligibility_checked=True)
    c.book(cy, 8, 37)  # 12 minutes after 08:25
    c.book(di, 9, 7)  # 15 minutes after 08:52
    insert(c, di, local(TODAY, 10, 13) + timedelta(seconds=31, microseconds=250_000))
    # the same minute for both providers (rows ordered by provider name)
    c.book(bo, 11, 0, provider_id=c.provider2_id, copay_due_cents=1999)
    c.book(ana, 11, 0)

    # arrived 65 minutes ago
    first = c.book(bo, 9, 30)
    with clock_at(8, 55):
        check_in(c.engine, CheckInRequest(patient_id=bo, appointment_id=first), staff=c.desk)
    # arrived, roomed, rooming undone: back to ARRIVED, still waiting since the arrival
    undone_room = c.book(cy, 9, 45, provider_id=c.provider2_id)
    with clock_at(9, 20):
        check_in(c.engine, CheckInRequest(patient_id=cy, appointment_id=undone_room), staff=c.desk)
    with clock_at(9, 30):
        change_status(c.engine, undone_room, Status.IN_ROOM, staff=c.desk)
    with clock_at(9, 31):
        undo_last(c.engine, undone_room, staff=c.desk)
    # arrival undone, then arrived again: the later arrival counts
    again = c.book(ana, 10, 0, provider_id=c.provider2_id)
    with clock_at(9, 10):
        check_in(c.engine, CheckInRequest(patient_id=ana, appointment_id=again), staff=c.desk)
    with clock_at(9, 12):
        undo_last(c.engine, again, staff=c.desk)
    with clock_at(9, 50):
        check_in(c.engine, CheckInRequest(patient_id=ana, appointment_id=again), staff=c.desk)
    # a walk-in at 09:47 (starts 09:45), and one later checked out
    with clock_at(9, 47):
        check_in(
            c.engine,
            CheckInRequest(patient_id=di, walk_in=WalkIn(c.provider_id, c.new_type_id)),
            staff=c.desk,
        )
    with clock_at(8, 1):
        walked = check_in(
            c.engine,
            CheckInRequest(patient_id=cy, walk_in=WalkIn(c.provider2_id, c.type_id)),
            staff=c.desk,
        )
    with clock_at(8, 20):
        change_status(c.engine, walked.appointment_id, Status.IN_ROOM, staff=c.desk)
    with clock_at(8, 50):
        change_status(c.engine, walked.appointment_id, Status.DONE, staff=c.desk)

    # statuses without events: ARRIVED with no event, an arrival "in the future"
    insert(c, bo, local(TODAY, 12, 0), status=Status.ARRIVED.value)
    insert(
        c,
        cy,
        local(TODAY, 12, 15),
        status=Status.ARRIVED.value,
        arrivals=(NOW + timedelta(minutes=5),),
    )
    # the freed time of a no-show and a cancellation becomes an opening
    insert(c, ana, local(TODAY, 13, 0), minutes=60, status=Status.NO_SHOW.value)
    insert(c, bo, local(TODAY, 14, 0), minutes=40, status=Status.CANCELLED.value, walk_in=True)
    insert(c, cy, local(TODAY, 15, 0), status=Status.DONE.value, forms_needed=True)
    insert(c, di, local(TODAY, 15, 30), status=Status.IN_ROOM.value, copay_due_cents=500)
    # a provider no longer active, and the edges of the day
    insert(c, ana, local(TODAY, 9, 0), provider_id=retired)
    insert(c, bo, local(TODAY, 0, 0))
    insert(c, cy, local(TODAY + timedelta(days=1), 0, 0) - timedelta(microseconds=1))
    insert(c, di, local(TODAY + timedelta(days=1), 0, 0))  # tomorrow
    insert(c, di, local(TODAY, 0, 0) - timedelta(microseconds=1))  # yesterday
    # running past the end of the day, and booked over lunch by a long visit
    insert(c, ana, local(TODAY, 16, 50), minutes=40)
    insert(c, di, local(TODAY, 12, 30), minutes=90, provider_id=c.provider2_id)
    return c


def providers_of(clinic: Clinic) -> list[int | None]:
    with read_session(clinic.engine) as session:
        ids = list(session.exec(select(Provider.id)).all())
    return [None, *ids, 999]


def both(clinic: Clinic, day: date, provider_id: int | None) -> tuple[DaySchedule, DaySchedule]:
    with read_session(clinic.engine) as session:
        settings = get_clinic_in(session)
        fast = load_day_in(session, day, settings, provider_id)
        reference = reference_load_day(session, day, settings, provider_id)
    return fast, reference


# --- equivalence -----------------------------------------------------------------------


@pytest.mark.usefixtures("path")
def test_a_varied_day_matches_the_reference(varied: Clinic) -> None:
    for provider_id in providers_of(varied):
        fast, reference = both(varied, TODAY, provider_id)
        assert exactly(fast) == exactly(reference), provider_id
        assert fast == reference
    fast, _ = both(varied, TODAY, None)
    # the day really is varied: every status, walk-ins, openings, each kind of flag
    assert set(fast.counts) == {*(s.value for s in Status), "WALK-IN", "OPEN"}
    flags = {f for row in fast.rows for f in row.flags}
    assert {"INT:spa", "INT:?", "FRM", "ELIG", "$25", "$10.50", "$30.49", "$5"} <= flags
    waits = {f for f in flags if f.endswith("m")}
    assert {"65m", "40m", "10m"} <= waits, waits  # arrival, arrival before an undo, re-arrival
    names = {row.provider for row in fast.rows}
    assert {"?", "Okafor", "Patel", "Zhou"} <= names
    assert any(row.start.second == 31 for row in fast.rows)
    assert fast.rows[0].start == local(TODAY, 0, 0)


@pytest.mark.usefixtures("path")
def test_load_day_is_load_day_in_in_its_own_session(varied: Clinic) -> None:
    fast, reference = both(varied, TODAY, None)
    assert exactly(load_day(varied.engine)) == exactly(reference)
    assert exactly(load_day(varied.engine, TODAY, varied.provider2_id)) == exactly(
        both(varied, TODAY, varied.provider2_id)[1]
    )
    assert exactly(fast) == exactly(reference)


@pytest.mark.usefixtures("path")
def test_an_empty_day_matches_the_reference(varied: Clinic) -> None:
    day = TODAY + timedelta(days=3)
    for provider_id in providers_of(varied):
        fast, reference = both(varied, day, provider_id)
        assert exactly(fast) == exactly(reference)
    assert all(row.is_opening for row in both(varied, day, None)[0].rows)


@pytest.fixture
def dst(clinic: Clinic) -> Clinic:
    """Appointments between midnight and 04:00 on both daylight-saving change days."""
    c = clinic
    night = add_provider(c, "Night", start="00:00", end="05:00")
    pid = c.add_patient("Nacht", "Nina", "5/5/1985")
    other = c.add_patient("Owl", "Otto", "6/6/1966")
    for day in (SPRING_FORWARD, FALL_BACK):
        after = day + timedelta(days=1)
        for provider in (night, c.provider_id):
            insert(c, pid, local(day, 0, 30), provider_id=provider, minutes=20)
            insert(c, other, local(day, 1, 0), provider_id=provider)
            insert(c, pid, local(day, 1, 30), provider_id=provider, minutes=45)
            insert(
                c,
                other,
                local(day, 3, 0),
                provider_id=provider,
                status=Status.ARRIVED.value,
                arrivals=(local(day, 2, 55).astimezone(UTC),),
            )
            insert(c, pid, local(day, 3, 30), provider_id=provider, status=Status.NO_SHOW.value)
        insert(c, other, local(day, 0, 0), provider_id=night)  # first moment of the day
        insert(c, other, local(after, 0, 0) - timedelta(microseconds=1), provider_id=night)
        insert(c, other, local(after, 0, 0), provider_id=night)  # the next day
    # the hour that happens twice on 1 November: 01:00-01:59 CDT, then CST
    for minute in (0, 15, 45):
        insert(c, other, local(FALL_BACK, 1, minute, fold=1), provider_id=night, minutes=10)
    insert(c, pid, local(FALL_BACK, 1, 50, fold=1), provider_id=night, walk_in=True)
    # 01:45 CST on 8 March runs into the hour that does not exist
    insert(c, pid, local(SPRING_FORWARD, 1, 45), provider_id=night, minutes=30)
    return c


@pytest.mark.usefixtures("path")
@pytest.mark.parametrize("day", [SPRING_FORWARD, FALL_BACK])
def test_daylight_saving_days_match_the_reference(dst: Clinic, day: date) -> None:
    for provider_id in providers_of(dst):
        fast, reference = both(dst, day, provider_id)
        assert exactly(fast) == exactly(reference), provider_id
    fast, _ = both(dst, day, None)
    booked = [row for row in fast.rows if not row.is_opening]
    offsets = {row.start.utcoffset() for row in booked}
    assert offsets == {timedelta(hours=-6), timedelta(hours=-5)}
    if day == FALL_BACK:
        assert any(row.start.fold == 1 for row in booked)
    # the first and the last microsecond of the local day are on it, the next day is not
    night = [row for row in booked if row.provider == "Night"]
    assert night[0].start == local(day, 0, 0)
    assert max(r.start.astimezone(UTC) for r in night) == (
        local(day + timedelta(days=1), 0, 0) - timedelta(microseconds=1)
    ).astimezone(UTC)


# --- the pieces ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LeanRow:
    """One object standing for both the appointment and the patient, as a lean row does."""

    status: str
    forms_needed: bool
    eligibility_checked: bool
    copay_due_cents: int
    interpreter_needed: bool
    preferred_language: str
    eligibility_verified_on: date | None
    balance_due_cents: int


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize(
    ("interpreter", "language", "forms", "checked", "verified", "balance", "copay", "arrived"),
    [
        (False, "en", False, True, None, 0, 0, None),
        (True, "vietnamese", True, False, None, 1050, 2500, NOW - timedelta(minutes=7)),
        (True, "", False, False, TODAY, 0, 100, NOW + timedelta(minutes=1)),
        (False, "en", False, False, TODAY - timedelta(days=1), -500, 400, NOW),
    ],
)
def test_flags_for_reads_orm_objects_and_lean_rows_alike(
    status: Status,
    interpreter: bool,
    language: str,
    forms: bool,
    checked: bool,
    verified: date | None,
    balance: int,
    copay: int,
    arrived: datetime | None,
) -> None:
    appt = Appointment(
        patient_id=1,
        provider_id=1,
        type_id=1,
        start_at=NOW,
        minutes=15,
        status=status.value,
        forms_needed=forms,
        eligibility_checked=checked,
        copay_due_cents=copay,
        created_at=NOW,
        updated_at=NOW,
    )
    patient = Patient(
        mrn="1",
        last_name="A",
        first_name="B",
        dob=date(1990, 1, 1),
        interpreter_needed=interpreter,
        preferred_language=language,
        eligibility_verified_on=verified,
        balance_due_cents=balance,
        last_key="a",
        first_key="b",
        created_at=NOW,
        updated_at=NOW,
    )
    lean = LeanRow(status.value, forms, checked, copay, interpreter, language, verified, balance)
    expected = reference_flags(appt, patient, TODAY, arrived, NOW)
    assert flags_for(appt, patient, TODAY, arrived, NOW) == expected
    assert flags_for(lean, lean, TODAY, arrived, NOW) == expected


_ZONES = [UTC, ZONE, ZoneInfo("Asia/Kolkata"), ZoneInfo("Pacific/Chatham")]


@given(
    moment=st.datetimes(
        # hypothesis takes naive bounds and adds the zone itself
        min_value=datetime(1900, 1, 2),  # noqa: DTZ001
        max_value=datetime(2200, 12, 30),  # noqa: DTZ001
        timezones=st.sampled_from(_ZONES),
        allow_imaginary=False,
    )
)
def test_times_are_written_and_read_as_sqlalchemy_does(moment: datetime) -> None:
    dialect = sqlite.dialect()  # pysqlite, as make_engine's
    kind = UTCDateTime().dialect_impl(dialect)
    bind = kind.bind_processor(dialect)
    read = kind.result_processor(dialect, None)
    assert bind is not None
    assert read is not None
    stored = bind(moment)
    assert schedule_fetch.stored(moment) == stored
    back = schedule_fetch.from_text(stored)
    theirs = read(stored)
    assert theirs is not None
    assert back == theirs == moment.astimezone(UTC)  # (an ambiguous hour is never == UTC)
    assert back.tzinfo is UTC
    assert theirs.tzinfo is UTC


def test_a_stored_time_with_an_offset_is_read_as_sqlalchemy_does() -> None:
    dialect = sqlite.dialect()
    read = UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)
    assert read is not None
    for text in ("2026-11-24 16:00:00", "2026-11-24T10:00:00-06:00", "2026-11-24 16:00:00.5+00:00"):
        assert schedule_fetch.from_text(text) == read(text)
        assert schedule_fetch.from_text(text).tzinfo is UTC


# --- the statements ---------------------------------------------------------------------


@pytest.mark.parametrize("only_one_provider", [False, True])
def test_a_day_is_two_index_searches(varied: Clinic, path: str, only_one_provider: bool) -> None:
    provider_id = varied.provider_id if only_one_provider else None
    with read_session(varied.engine) as session:
        settings = get_clinic_in(session)
        with captured_selects(varied.engine) as statements:
            load_day_in(session, TODAY, settings, provider_id)
    # the providers and the day's join, then the hours, breaks, holidays,
    # blockouts and delays (small tables, none of them per row)
    assert len(statements) == 7, [s for s, _ in statements]
    for statement in statements[2:]:
        plan = query_plan(varied.engine, *statement)
        assert all("appointment" not in line and "patient" not in line for line in plan), plan
    day_plan = query_plan(varied.engine, *statements[1])
    index = (
        "ix_appointment_provider_start (provider_id=? AND start_at>? AND"
        if only_one_provider
        else "ix_appointment_start (start_at>? AND"
    )
    assert any(line.startswith(f"SEARCH appointment USING INDEX {index}") for line in day_plan), (
        day_plan
    )
    assert "SEARCH patient USING INTEGER PRIMARY KEY (rowid=?)" in day_plan
    assert any("ix_appointment_event_appointment_id" in line for line in day_plan), day_plan
    # already in order by the index: no sort, and no scans
    assert not [line for line in day_plan if "TEMP B-TREE" in line or "SCAN" in line], day_plan
    provider_plan = query_plan(varied.engine, *statements[0])
    assert all("appointment" not in line for line in provider_plan), (path, provider_plan)
