"""A realistic demo clinic: staff to sign in as, providers, patients, a live day.

:func:`build_demo` fills a freshly migrated, empty database with a clinic that
looks like a working Tuesday at a busy family practice:

- three accounts (:data:`DEMO_ACCOUNTS`): a desk clerk, a supervisor, an admin;
- four providers and six visit types with real preparation instructions;
- about 2,000 patients whose names come from many places and are spelled as
  their owners spell them (accents, apostrophes, hyphens, two-part surnames),
  with many Smiths and Johnsons so that search has real collisions; some need
  an interpreter, some have no insurance, a balance due, stale demographics or
  no consent form on file;
- 60 to 90 appointments today, with holes, plus the week ahead and the past
  five days as history.

Today's statuses follow the clock (:func:`frontdesk.clock.now`) and are set
through the appointment state machine, so every change has its status event at
a plausible time, never in the future: visits well before now are DONE (or a
NO-SHOW, or CANCELLED), those around now are ARRIVED or IN ROOM, later ones are
BOOKED. Before opening, all of today is BOOKED. After the last appointment has
started (an evening build), the day is history, except that the two latest
appointments stay BOOKED, as late patients nobody has marked yet, so there is
still something to check in or mark as a no-show.

Today always gets a full weekday schedule, even on a weekend, so the demo is
never empty; the week ahead has a short Saturday morning and no Sunday.

The build is deterministic: the same ``seed`` gives the same clinic; with no
seed, the clinic's local date is the seed, so rebuilding on the same day gives
the same patients and schedule.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import func, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from frontdesk import clock
from frontdesk.data import audit, schema
from frontdesk.data.clinic import create_settings, parse_timezone
from frontdesk.data.db import write_session
from frontdesk.data.demo_clinic import PROVIDERS as PROVIDERS
from frontdesk.data.demo_clinic import VISIT_TYPES as VISIT_TYPES
from frontdesk.data.demo_clinic import hours_rows, visit_type_rows
from frontdesk.data.demo_money import seed_drawer
from frontdesk.data.demo_patients import PatientFactory as PatientFactory
from frontdesk.data.demo_schedule import book_appointments
from frontdesk.data.demo_waitlist import seed_wait_list
from frontdesk.data.errors import SetupError
from frontdesk.data.models import ClinicSettings, Patient, Provider, Role
from frontdesk.data.staff import StaffMember, create_staff

CLINIC_NAME = "Riverside Family Clinic"
DEMO_PASSWORD_DESK = "desk-demo-1"
DEMO_PASSWORD_SUPERVISOR = "super-demo-1"
DEMO_PASSWORD_ADMIN = "admin-demo-1"


@dataclass(frozen=True)
class DemoAccount:
    """A demo sign-in, shown to whoever opens the demo."""

    username: str
    password: str
    role: Role
    display_name: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("desk", DEMO_PASSWORD_DESK, Role.DESK, "Dana Reyes"),
    DemoAccount("super", DEMO_PASSWORD_SUPERVISOR, Role.SUPERVISOR, "Sam Whitfield"),
    DemoAccount("admin", DEMO_PASSWORD_ADMIN, Role.ADMIN, "Clinic Admin"),
)


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`build_demo` created."""

    clinic_name: str
    patients: int
    appointments_today: int
    appointments_total: int
    providers: int
    accounts: tuple[DemoAccount, ...]
    seed: int


def _id(value: int | None) -> int:
    assert value is not None
    return value


def _check_empty(engine: Engine) -> None:
    if not schema.has_schema(engine):
        raise SetupError("The database has no tables yet: set it up before building the demo")


def _ensure_no_clinic(session: Session) -> None:
    if session.get(ClinicSettings, 1) is not None:
        raise SetupError("This database already has a clinic: the demo needs a new, empty one")
    if session.exec(select(func.count()).select_from(Patient)).one():
        raise SetupError("This database already has patients: the demo needs a new, empty one")


def build_demo(
    engine: Engine, *, timezone: str, patients: int = 2000, seed: int | None = None
) -> DemoSummary:
    """Fill an empty, migrated database with the demo clinic, in one transaction.

    ``timezone`` is the clinic's IANA zone (it decides "today"); ``seed`` makes
    the build repeatable (``None``: the clinic's local date). Raises
    :class:`SetupError` if the database is not empty.
    """
    zone = parse_timezone(timezone)
    now = clock.now()
    today = now.astimezone(zone).date()
    if seed is None:
        seed = int(today.strftime("%Y%m%d"))
    rng = random.Random(seed)
    _check_empty(engine)
    with write_session(engine) as session:
        _ensure_no_clinic(session)
        create_settings(session, name=CLINIC_NAME, timezone=zone.key, is_demo=True)
        members: dict[str, StaffMember] = {}
        for account in DEMO_ACCOUNTS:
            members[account.username] = create_staff(
                session,
                username=account.username,
                password=account.password,
                display_name=account.display_name,
                role=account.role,
            )
        provider_rows = [Provider(name=p.name, short_name=p.short_name) for p in PROVIDERS]
        type_rows = visit_type_rows()
        session.add_all([*provider_rows, *type_rows])
        session.flush()
        session.add_all(hours_rows([p.id for p in provider_rows if p.id is not None], today))

        factory = PatientFactory(rng, today, now, zone)
        rows = list(factory.rows(patients))
        if rows:
            session.connection().execute(insert(Patient), rows)

        appointments = book_appointments(
            session,
            factory,
            rows,
            provider_ids=[_id(p.id) for p in provider_rows],
            type_ids=[_id(t.id) for t in type_rows],
            members=members,
        )

        payments = seed_drawer(
            session,
            clinic_name=CLINIC_NAME,
            zone=zone,
            now=now,
            appointments=appointments,
            clerk=members["desk"],
            rng=random.Random(seed + 1),
        )
        seed_wait_list(
            session,
            appointments=appointments,
            now=now,
            staff_id=members["desk"].id,
            rng=random.Random(seed + 2),
        )
        today_start, today_end = clock.day_bounds(today, zone)
        summary = DemoSummary(
            clinic_name=CLINIC_NAME,
            patients=len(rows),
            appointments_today=sum(today_start <= a.start_at < today_end for a in appointments),
            appointments_total=len(appointments),
            providers=len(provider_rows),
            accounts=DEMO_ACCOUNTS,
            seed=seed,
        )
        audit.record(
            session,
            staff_id=None,
            action="demo.created",
            entity="clinic_settings",
            entity_id=1,
            detail={
                "seed": seed,
                "patients": summary.patients,
                "appointments": summary.appointments_total,
                "appointments_today": summary.appointments_today,
                "providers": summary.providers,
                "payments": payments,
            },
        )
        return summary
