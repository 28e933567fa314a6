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

import itertools
import random
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from frontdesk import clock
from frontdesk.data import audit, schema
from frontdesk.data.appointments import ALLOWED, CANCEL_REASONS, apply_status
from frontdesk.data.clinic import create_settings, parse_timezone
from frontdesk.data.db import write_session
from frontdesk.data.demo_names import (
    ACCESSIBILITY_NEEDS,
    AREA_CODES,
    CITIES,
    CULTURE_FOR_LANGUAGE,
    CULTURES,
    EMAIL_DOMAINS,
    INTERPRETER_LANGUAGES,
    NICKNAMES,
    PAYERS_ADULT,
    PAYERS_CHILD,
    PAYERS_SENIOR,
    STREETS,
    UNITS,
    Culture,
)
from frontdesk.data.errors import SetupError
from frontdesk.data.models import (
    Appointment,
    AppointmentType,
    ClinicSettings,
    Patient,
    Provider,
    Role,
    Status,
)
from frontdesk.data.staff import StaffMember, create_staff
from frontdesk.data.validation import name_keys, parse_phone, phone_search_key

T = TypeVar("T")

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


@dataclass(frozen=True)
class DemoProvider:
    """A provider's name, short name and hours (clinic-local ``HH:MM``)."""

    name: str
    short_name: str
    day_start: str
    day_end: str


PROVIDERS: tuple[DemoProvider, ...] = (
    DemoProvider("Dr. Grace Okafor, MD", "Okafor", "08:00", "17:00"),
    DemoProvider("Dr. Anil Patel, MD", "Patel", "08:00", "17:00"),
    DemoProvider("Linh Nguyen, FNP", "Nguyen", "09:00", "18:00"),
    DemoProvider("Dr. Erik Lindqvist, DO", "Lindqvist", "07:30", "16:00"),
)
LUNCH = (time(12, 0), time(13, 0))  # no one is booked over lunch


@dataclass(frozen=True)
class DemoVisitType:
    """A visit type, how often it is booked, and who it is for."""

    name: str
    minutes: int
    prep: str
    weight: int
    is_new_patient: bool = False
    ages: tuple[int, int] = (0, 200)  # patient age range, in years


VISIT_TYPES: tuple[DemoVisitType, ...] = (
    DemoVisitType(
        "Follow-up",
        15,
        "Bring your medicines (or a list) and any home readings, such as blood pressure "
        "or blood sugar.",
        45,
    ),
    DemoVisitType(
        "Sick visit",
        15,
        "If you have a cough or fever, wear a mask in the waiting room. Note when your "
        "symptoms started and what you have taken for them.",
        25,
    ),
    DemoVisitType(
        "Annual physical",
        30,
        "If labs were ordered, fast for 8 hours before (water and medicines are fine). "
        "Bring your medicine list and vaccination record.",
        10,
        ages=(18, 200),
    ),
    DemoVisitType(
        "New patient",
        40,
        "Arrive 20 minutes early with photo ID, insurance card, your medicine list and "
        "records from your previous doctor.",
        6,
        is_new_patient=True,
    ),
    DemoVisitType(
        "Well child",
        30,
        "Bring the child's immunization record. A parent or legal guardian must come to the visit.",
        8,
        ages=(0, 17),
    ),
    DemoVisitType(
        "Procedure",
        45,
        "Nothing to eat for 6 hours before. Arrange a ride home. Keep taking blood "
        "thinners unless your provider told you to stop.",
        6,
        ages=(12, 200),
    ),
)

APPOINTMENT_NOTES = (
    "Asked for an afternoon slot",
    "Ride booked through Medicaid transport",
    "Prefers a female provider",
    "Bring last month's lab results",
    "Parent will call if running late",
    "Requested a reminder call the day before",
)

COPAYS = (1500, 2500, 2500, 3000, 4000, 4000, 5000)
COMMERCIAL = ("Blue Cross Blue Shield", "UnitedHealthcare", "Aetna", "Cigna Health", "Anthem")
NO_SHOW_GRACE = timedelta(minutes=15)


# --- patients ------------------------------------------------------------------------------


_TABLES: dict[int, tuple[Sequence[Any], list[Any], list[int]]] = {}


def _pick(rng: random.Random, pairs: Sequence[tuple[T, int]]) -> T:
    """One item by weight (the same draw as ``rng.choices(items, weights)``, but cached)."""
    table = _TABLES.get(id(pairs))
    if table is None or table[0] is not pairs:
        items = [p for p, _ in pairs]
        table = (pairs, items, list(itertools.accumulate(w for _, w in pairs)))
        _TABLES[id(pairs)] = table
    choice: T = rng.choices(table[1], cum_weights=table[2])[0]
    return choice


_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss"})


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return "".join(ch for ch in plain if ch.isascii() and ch.isalnum()).lower()


def _mbi(rng: random.Random) -> str:
    """A Medicare Beneficiary Identifier shape (11 characters, no S L O I B Z)."""
    letters = "ACDEFGHJKMNPQRTUVWXY"
    alnum = letters + "0123456789"
    pattern = "NAXNAXNAANN"
    out: list[str] = []
    for kind in pattern:
        if kind == "N":
            out.append(str(rng.randint(1 if not out else 0, 9)))
        elif kind == "A":
            out.append(rng.choice(letters))
        else:
            out.append(rng.choice(alnum))
    return "".join(out)


def _member_id(rng: random.Random, payer: str) -> tuple[str, str]:
    """A member id and group number shaped like the payer's."""
    digits = f"{rng.randint(0, 999_999_999):09d}"
    group = f"{rng.randint(10_000, 999_999)}"
    if payer in ("Medicare", "Dual Eligible"):
        return _mbi(rng), ""
    if payer == "Medicaid":
        return digits, ""
    prefix = {
        "Blue Cross Blue Shield": "XOF",
        "Aetna": "W",
        "Cigna Health": "U",
        "Humana": "H",
        "Anthem": "ABC",
    }.get(payer, "")
    return prefix + digits, group


@dataclass
class PatientFactory:
    """Makes patient rows (column dicts) with realistic, varied desk data.

    ``typed_phones`` runs each phone through :func:`parse_phone` as the
    registration form does; the benchmark builder turns it off and builds the
    E.164 text directly (the same numbers, many times faster to make).
    """

    rng: random.Random
    today: date
    now: datetime
    zone: ZoneInfo
    typed_phones: bool = True
    decomposed_share: float = 0.03  # names typed on systems that send NFD accents

    def __post_init__(self) -> None:
        self._cultures = tuple((c, c.weight) for c in CULTURES)

    def _culture(self) -> tuple[Culture, str, bool]:
        rng = self.rng
        if rng.random() < 0.08:
            language = _pick(rng, INTERPRETER_LANGUAGES)
            return CULTURE_FOR_LANGUAGE[language], language, True
        culture = _pick(rng, self._cultures)
        language = culture.language if rng.random() < 0.2 else "en"
        return culture, language, False

    def _spelled(self, name: str) -> str:
        if not name.isascii() and self.rng.random() < self.decomposed_share:
            return unicodedata.normalize("NFD", name)
        return name

    def _phone(self) -> str:
        rng = self.rng
        area = rng.choice(AREA_CODES)
        line = rng.randint(100, 199) if rng.random() < 0.4 else rng.randint(200, 9999)
        if line == 1212:  # directory assistance
            line = 1234
        if self.typed_phones:
            return parse_phone(f"({area}) 555-{line:04d}", field="phone", label="Phone")
        return f"+1{area}555{line:04d}"

    def office_time(self, day: date) -> datetime:
        """A moment of clinic hours (8:00 to 17:30, local) on ``day``, never after now."""
        minutes = self.rng.randint(8 * 60, 17 * 60 + 30)
        local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=self.zone)
        moment = local.astimezone(UTC) + timedelta(seconds=self.rng.randint(0, 59))
        return min(moment, self.now)

    def _dob(self) -> date:
        rng = self.rng
        roll = rng.random()
        low, high = (0, 17) if roll < 0.22 else (18, 64) if roll < 0.80 else (65, 95)
        days = rng.randint(low * 365 + 1, high * 365 + 364)
        return self.today - timedelta(days=days)

    def row(self, patient_id: int) -> dict[str, Any]:
        """All columns of one patient, search keys included."""
        rng = self.rng
        culture, language, interpreter = self._culture()
        roll = rng.random()
        sex = "F" if roll < 0.49 else "M" if roll < 0.98 else "X" if roll < 0.993 else "U"
        pool = culture.female if sex == "F" else culture.male
        if sex in ("X", "U"):
            pool = culture.female + culture.male
        last_source = culture if rng.random() < 0.92 else _pick(rng, self._cultures)
        last = self._spelled(_pick(rng, last_source.last))
        first = self._spelled(rng.choice(pool))
        middle = ""
        if rng.random() < 0.35:
            middle = rng.choice(pool) if rng.random() < 0.8 else f"{rng.choice(pool)[0]}."
        preferred = NICKNAMES.get(first, "") if rng.random() < 0.5 else ""
        dob = self._dob()
        age = (self.today - dob).days // 365

        mobile = home = ""
        roll = rng.random()
        if roll < 0.65:
            mobile = self._phone()
        elif roll < 0.85:
            mobile, home = self._phone(), self._phone()
        elif roll < 0.95:
            home = self._phone()
        email = ""
        if rng.random() < (0.55 if 18 <= age <= 70 else 0.25):
            user = f"{_ascii(first)}.{_ascii(last)}" if rng.random() < 0.6 else _ascii(first)
            if rng.random() < 0.5:
                user += str(rng.randint(1, 99))
            email = f"{user or 'patient'}@{rng.choice(EMAIL_DOMAINS)}"
        line1 = line2 = city = state = postal = ""
        if rng.random() < 0.94:
            city, state, zips = rng.choice(CITIES)
            line1 = f"{rng.randint(100, 9899)} {rng.choice(STREETS)}"
            line2 = rng.choice(UNITS) if rng.random() < 0.25 else ""
            postal = rng.choice(zips)

        payer = member = group = ""
        if rng.random() >= 0.10:
            pool_payers = PAYERS_CHILD if age < 18 else PAYERS_SENIOR if age >= 65 else PAYERS_ADULT
            payer = _pick(rng, pool_payers)
            member, group = _member_id(rng, payer)

        # Registration, confirmation and consent dates, oldest first.
        new_patient = rng.random() < 0.05
        ago = rng.randint(20, 60) if new_patient else rng.randint(60, 3650)
        registered_on = max(dob, self.today - timedelta(days=ago))
        roll = rng.random()
        confirmed: date | None
        if roll < 0.02 and not new_patient:
            confirmed = None
        elif roll < 0.20 and not new_patient:
            confirmed = max(dob, self.today - timedelta(days=rng.randint(380, 1500)))
        else:
            confirmed = max(dob, self.today - timedelta(days=rng.randint(0, min(ago, 330))))
        if confirmed is not None:
            registered_on = min(registered_on, confirmed)
        created = self.office_time(registered_on)
        consent: date | None = None
        if rng.random() < 0.88:
            consent = registered_on + timedelta(
                days=rng.randint(0, (self.today - registered_on).days)
            )
        eligibility = None
        if payer and rng.random() < 0.07:
            eligibility = self.today - timedelta(days=rng.randint(1, 200))
        balance = rng.randint(500, 45_000) if rng.random() < 0.15 else 0
        needs = rng.choice(ACCESSIBILITY_NEEDS) if rng.random() < 0.04 else ""
        if language == "ase":
            needs = "Deaf: book an ASL interpreter"

        last_key, first_key, last2 = name_keys(last, first)
        return {
            "id": patient_id,
            "mrn": f"{patient_id:06d}",
            "last_name": last,
            "first_name": first,
            "middle_name": middle,
            "preferred_name": preferred,
            "dob": dob,
            "sex": sex,
            "phone_mobile": mobile,
            "phone_home": home,
            "phone_key": phone_search_key(mobile or home),
            "email": email,
            "address_line1": line1,
            "address_line2": line2,
            "city": city,
            "state": state,
            "postal_code": postal,
            "preferred_language": language,
            "interpreter_needed": interpreter,
            "accessibility_needs": needs,
            "insurance_payer": payer,
            "insurance_member_id": member,
            "insurance_group": group,
            "eligibility_verified_on": eligibility,
            "demographics_confirmed_on": confirmed,
            "consent_on_file_on": consent,
            "balance_due_cents": balance,
            "last_key": last_key,
            "first_key": first_key,
            "last2_key": last2,
            "created_at": created,
            "updated_at": created,
            "version": 1,
        }

    def rows(self, count: int, first_id: int = 1) -> Iterator[dict[str, Any]]:
        """``count`` patients with consecutive ids (and MRNs) from ``first_id``."""
        for patient_id in range(first_id, first_id + count):
            yield self.row(patient_id)


# --- the schedule --------------------------------------------------------------------------


def _minutes(value: float) -> timedelta:
    return timedelta(seconds=int(value * 60))


@dataclass(frozen=True)
class _Slot:
    provider: int  # index into the providers list
    start: datetime  # UTC
    kind: int  # index into VISIT_TYPES


def _hm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _packed_day(
    rng: random.Random,
    day: date,
    zone: ZoneInfo,
    provider: int,
    hours: tuple[time, time],
    weights: Sequence[int],
) -> list[_Slot]:
    """A provider's day booked back to back (lunch kept free); callers thin it out."""
    slots: list[_Slot] = []
    cursor = datetime.combine(day, hours[0], tzinfo=zone)
    end = datetime.combine(day, hours[1], tzinfo=zone)
    lunch_start = datetime.combine(day, LUNCH[0], tzinfo=zone)
    lunch_end = datetime.combine(day, LUNCH[1], tzinfo=zone)
    kinds = range(len(VISIT_TYPES))
    while cursor < end:
        kind = rng.choices(kinds, weights=weights)[0]
        finish = cursor + timedelta(minutes=VISIT_TYPES[kind].minutes)
        if cursor < lunch_end and finish > lunch_start:
            cursor = lunch_end
            continue
        if finish > end:
            break
        slots.append(_Slot(provider, cursor.astimezone(UTC), kind))
        cursor = finish
    return slots


@dataclass
class _Plan:
    """One appointment to create, and the status changes to replay on it."""

    slot: _Slot
    patient: dict[str, Any]
    booked_at: datetime
    walk_in: bool = False
    steps: tuple[tuple[Status, datetime], ...] = ()
    cancel_reason: str = ""
    by_supervisor: bool = False


class _Scheduler:
    """Lays out the appointments of each day and decides what has happened to them."""

    def __init__(
        self,
        rng: random.Random,
        zone: ZoneInfo,
        today: date,
        now: datetime,
        patients: list[dict[str, Any]],
        factory: PatientFactory,
    ) -> None:
        self.rng = rng
        self.zone = zone
        self.today = today
        self.now = now
        self.patients = patients
        self.factory = factory
        self.by_kind: list[list[dict[str, Any]]] = []
        for kind in VISIT_TYPES:
            low, high = kind.ages
            fit = [
                p
                for p in patients
                if low <= (today - p["dob"]).days // 365 <= high
                and (not kind.is_new_patient or p["created_at"] > now - timedelta(days=61))
            ]
            self.by_kind.append(fit or patients)
        self.hours = [(_hm(p.day_start), _hm(p.day_end)) for p in PROVIDERS]

    # which patient --------------------------------------------------------------------------

    def _patient_for(self, slot: _Slot, day: date, used: set[int]) -> dict[str, Any]:
        pool = self.by_kind[slot.kind]
        for _ in range(40):
            patient = self.rng.choice(pool)
            if patient["id"] not in used and patient["dob"] <= day - timedelta(days=3):
                used.add(patient["id"])
                return patient
        patient = self.rng.choice(self.patients)
        used.add(patient["id"])
        return patient

    def _between(self, earliest: datetime, latest: datetime) -> datetime:
        """A moment of clinic hours between two times (or just between them, if none fits)."""
        if earliest >= latest:
            return latest
        first = earliest.astimezone(self.zone).date()
        last = latest.astimezone(self.zone).date()
        day = first + timedelta(days=self.rng.randint(0, (last - first).days))
        moment = self.factory.office_time(day)
        if earliest <= moment <= latest:
            return moment
        span = (latest - earliest).total_seconds()
        return earliest + timedelta(seconds=int(span * self.rng.random()))

    def _booked_at(self, slot: _Slot, patient: dict[str, Any]) -> datetime:
        registered: datetime = patient["created_at"]
        latest = min(self.now, slot.start - timedelta(hours=1))
        return self._between(max(registered, latest - timedelta(days=60)), latest)

    # what happened ---------------------------------------------------------------------------

    def _visit(self, slot: _Slot, arrived: datetime | None = None) -> list[tuple[Status, datetime]]:
        """Arrival, rooming and check-out for a patient who came; only what is past by now.

        The patient is roomed once settled and once the provider reaches the
        slot, and never waits more than 20 minutes.
        """
        rng = self.rng
        kind = VISIT_TYPES[slot.kind]
        if arrived is None:
            early = (-25, -5) if kind.is_new_patient else (-12, 8)
            arrived = slot.start + _minutes(rng.uniform(*early))
        roomed = max(
            arrived + _minutes(rng.uniform(3, 10)), slot.start + _minutes(rng.uniform(-3, 6))
        )
        roomed = min(roomed, arrived + timedelta(minutes=20))
        out = roomed + _minutes(kind.minutes * rng.uniform(0.8, 1.3) + rng.uniform(0, 5))
        steps = [(Status.ARRIVED, arrived), (Status.IN_ROOM, roomed), (Status.DONE, out)]
        return [(status, at) for status, at in steps if at <= self.now]

    def _outcome(self, plan: _Plan, *, no_show: float, cancel: float) -> None:
        """Decide the plan's status changes from the clock: came, did not, or cancelled."""
        rng = self.rng
        roll = rng.random()
        late = _minutes(rng.uniform(0, 45))
        reason = rng.choice(CANCEL_REASONS[:3])
        plan.by_supervisor = rng.random() < 0.2
        start = plan.slot.start
        if roll < cancel:
            at = self._between(plan.booked_at, min(self.now, start - timedelta(minutes=30)))
            plan.steps = ((Status.CANCELLED, at),)
            plan.cancel_reason = reason
        elif roll < cancel + no_show:
            at = start + NO_SHOW_GRACE + late
            if at <= self.now:  # otherwise the patient is just late: still BOOKED
                plan.steps = ((Status.NO_SHOW, at),)
        else:
            plan.steps = tuple(self._visit(plan.slot))

    # the days --------------------------------------------------------------------------------

    def today_plans(self) -> list[_Plan]:
        """60 to 90 appointments today, with holes, a few walk-ins, statuses by the clock."""
        rng = self.rng
        weights = [k.weight for k in VISIT_TYPES]
        packed: list[_Slot] = []
        for index, hours in enumerate(self.hours):
            packed += _packed_day(rng, self.today, self.zone, index, hours, weights)
        target = min(rng.randint(64, 78), len(packed) - 8)
        chosen = sorted(rng.sample(range(len(packed)), target))
        chosen_set = set(chosen)
        holes = [packed[i] for i in range(len(packed)) if i not in chosen_set]
        used: set[int] = set()
        plans: list[_Plan] = []
        for i in chosen:
            slot = packed[i]
            patient = self._patient_for(slot, self.today, used)
            plan = _Plan(slot, patient, self._booked_at(slot, patient))
            self._outcome(plan, no_show=0.06, cancel=0.05)
            plans.append(plan)
        # Walk-ins fill a few holes that are already past: created when they arrived.
        sick = next(i for i, k in enumerate(VISIT_TYPES) if k.name == "Sick visit")
        past_holes = [h for h in holes if h.start + timedelta(minutes=5) <= self.now]
        for hole in rng.sample(past_holes, min(len(past_holes), rng.randint(2, 3))):
            slot = _Slot(hole.provider, hole.start, sick)
            patient = self._patient_for(slot, self.today, used)
            arrived = min(self.now, slot.start + timedelta(seconds=rng.randint(0, 240)))
            plan = _Plan(slot, patient, arrived, walk_in=True)
            plan.steps = tuple(self._visit(slot, arrived))
            plans.append(plan)
        self._keep_some_booked(plans)
        return plans

    def _keep_some_booked(self, plans: list[_Plan]) -> None:
        """After the last start of the day, leave the two latest visits BOOKED (late)."""
        ahead = [p for p in plans if not p.steps and p.slot.start >= self.now]
        if ahead:
            return
        latest = sorted(
            (p for p in plans if not p.walk_in and Status.CANCELLED not in dict(p.steps)),
            key=lambda p: p.slot.start,
        )[-2:]
        for plan in latest:
            plan.steps = ()

    def other_day_plans(self, day: date) -> list[_Plan]:
        """A past day (history) or a future day (booked, some cancelled)."""
        rng = self.rng
        offset = (day - self.today).days
        weekday = day.weekday()
        if weekday == 6:
            return []
        hours = list(enumerate(self.hours))
        if weekday == 5:  # Saturday morning: two providers
            hours = [(0, (time(8, 0), time(12, 0))), (1, (time(8, 0), time(12, 0)))]
        fill = rng.uniform(0.72, 0.85) if offset < 0 else max(0.3, 0.85 - 0.08 * offset)
        if weekday == 5:
            fill *= 0.7
        weights = [k.weight for k in VISIT_TYPES]
        used: set[int] = set()
        plans: list[_Plan] = []
        for index, span in hours:
            packed = _packed_day(rng, day, self.zone, index, span, weights)
            keep = sorted(rng.sample(range(len(packed)), round(len(packed) * fill)))
            for i in keep:
                slot = packed[i]
                patient = self._patient_for(slot, day, used)
                plan = _Plan(slot, patient, self._booked_at(slot, patient))
                if offset < 0:
                    self._outcome(plan, no_show=0.07, cancel=0.08)
                else:
                    self._outcome(plan, no_show=0.0, cancel=0.05)
                plans.append(plan)
        return plans


def _appointment(
    plan: _Plan, rng: random.Random, provider_ids: Sequence[int], type_ids: Sequence[int]
) -> Appointment:
    """The appointment row for a plan, with desk details that fit its patient and type."""
    kind = VISIT_TYPES[plan.slot.kind]
    patient = plan.patient
    payer = patient["insurance_payer"]
    came = any(status == Status.ARRIVED for status, _ in plan.steps)
    copay = 0
    if payer in COMMERCIAL and rng.random() < 0.6:
        copay = rng.choice(COPAYS)
    elif not payer and rng.random() < 0.5:
        copay = 7500  # self-pay deposit
    forms = rng.random() < (0.8 if kind.is_new_patient else 0.06)
    checked = rng.random() < (0.9 if came else 0.15) and bool(payer)
    auth = ""
    if kind.name == "Procedure" and payer in COMMERCIAL and rng.random() < 0.7:
        auth = f"PA{rng.randint(1_000_000, 9_999_999)}"
    note = rng.choice(APPOINTMENT_NOTES) if rng.random() < 0.06 else ""
    return Appointment(
        patient_id=patient["id"],
        provider_id=provider_ids[plan.slot.provider],
        type_id=type_ids[plan.slot.kind],
        start_at=plan.slot.start,
        minutes=kind.minutes,
        walk_in=plan.walk_in,
        forms_needed=forms and not came,
        eligibility_checked=checked,
        authorization_ref=auth,
        copay_due_cents=copay,
        notes=note,
        created_at=plan.booked_at,
        updated_at=plan.booked_at,
    )


# --- the build -----------------------------------------------------------------------------


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
        provider_rows = [
            Provider(name=p.name, short_name=p.short_name, day_start=p.day_start, day_end=p.day_end)
            for p in PROVIDERS
        ]
        type_rows = [
            AppointmentType(
                name=k.name,
                minutes=k.minutes,
                prep_instructions=k.prep,
                is_new_patient=k.is_new_patient,
            )
            for k in VISIT_TYPES
        ]
        session.add_all([*provider_rows, *type_rows])
        session.flush()

        factory = PatientFactory(rng, today, now, zone)
        rows = list(factory.rows(patients))
        if rows:
            session.connection().execute(insert(Patient), rows)

        plans: list[_Plan] = []
        if rows:
            scheduler = _Scheduler(rng, zone, today, now, rows, factory)
            for offset in range(-5, 8):
                day = today + timedelta(days=offset)
                plans += scheduler.today_plans() if offset == 0 else scheduler.other_day_plans(day)
        provider_ids = [_id(p.id) for p in provider_rows]
        type_ids = [_id(t.id) for t in type_rows]
        appointments = [_appointment(plan, rng, provider_ids, type_ids) for plan in plans]
        session.add_all(appointments)
        session.flush()
        _replay(session, plans, appointments, members)

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
            },
        )
        return summary


def _replay(
    session: Session,
    plans: list[_Plan],
    appointments: list[Appointment],
    members: dict[str, StaffMember],
) -> None:
    """Apply each plan's status changes through the state machine, at their times."""
    desk, supervisor = members["desk"], members["super"]
    for plan, appt in zip(plans, appointments, strict=True):
        staff = supervisor if plan.by_supervisor else desk
        for status, at in plan.steps:
            current = Status(appt.status)
            if current not in ALLOWED[status]:
                raise AssertionError(f"demo plan moves {current} to {status}")
            if status == Status.CANCELLED:
                appt.cancel_reason = plan.cancel_reason
            if status == Status.ARRIVED:
                appt.identity_verified_at = at
                appt.identity_verified_by = staff.id
            apply_status(
                session,
                appt,
                status,
                staff=staff,
                reason=plan.cancel_reason if status == Status.CANCELLED else "",
                at=at,
            )
