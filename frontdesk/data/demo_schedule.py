"""The demo clinic's timetable, and its appointments past, present and future.

:func:`book_appointments` books the past five days, today and the week ahead.
From the clinic's hours and visit types (:mod:`frontdesk.data.demo_clinic`),
:class:`_Scheduler` books each day back to back, thins it out to leave holes,
and decides from the clock what has happened to each visit (done, no-show,
cancelled, in the room, still booked); :func:`_appointment` makes the row, and
:func:`_replay` applies the status changes through the appointment state
machine, at their times.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from frontdesk.data.appointments import ALLOWED, CANCEL_REASONS, apply_status
from frontdesk.data.demo_clinic import LUNCH, PROVIDERS, SATURDAY, VISIT_TYPES
from frontdesk.data.demo_patients import COMMERCIAL, PatientFactory, age_on
from frontdesk.data.models import Appointment, Status
from frontdesk.data.staff import StaffMember

APPOINTMENT_NOTES = (
    "Asked for an afternoon slot",
    "Ride booked through Medicaid transport",
    "Prefers a female provider",
    "Bring last month's lab results",
    "Parent will call if running late",
    "Requested a reminder call the day before",
)

COPAYS = (1500, 2500, 2500, 3000, 4000, 4000, 5000)
NO_SHOW_GRACE = timedelta(minutes=15)
_WEIGHTS = [k.weight for k in VISIT_TYPES]  # how often each visit type is booked


# --- the slots -----------------------------------------------------------------------------


def _minutes(value: float) -> timedelta:
    return timedelta(seconds=int(value * 60))


@dataclass(frozen=True)
class _Slot:
    provider: int  # index into PROVIDERS
    start: datetime  # UTC
    kind: int  # index into VISIT_TYPES


def _packed_day(
    rng: random.Random,
    day: date,
    zone: ZoneInfo,
    provider: int,
    hours: tuple[time, time],
) -> list[_Slot]:
    """A provider's day booked back to back (lunch kept free); callers thin it out."""
    slots: list[_Slot] = []
    cursor, end, lunch_start, lunch_end = (
        datetime.combine(day, moment, tzinfo=zone) for moment in (*hours, *LUNCH)
    )
    kinds = range(len(VISIT_TYPES))
    while cursor < end:
        kind = rng.choices(kinds, weights=_WEIGHTS)[0]
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

    def __init__(self, factory: PatientFactory, patients: list[dict[str, Any]]) -> None:
        # The factory's clock, zone and random stream, and its office hours (_between).
        self.factory = factory
        self.rng = factory.rng
        self.zone = factory.zone
        self.today = today = factory.today
        self.now = now = factory.now
        self.patients = patients
        self.by_kind: list[list[dict[str, Any]]] = []
        for kind in VISIT_TYPES:
            low, high = kind.ages
            fit = [
                p
                for p in patients
                if low <= age_on(p["dob"], today) <= high
                and (not kind.is_new_patient or p["created_at"] > now - timedelta(days=61))
            ]
            self.by_kind.append(fit or patients)
        self.hours = [p.hours for p in PROVIDERS]

    # which patient --------------------------------------------------------------------------

    def _patient_for(self, slot: _Slot, day: date, used: set[int]) -> dict[str, Any]:
        pool = self.by_kind[slot.kind]
        for _ in range(40):
            patient = self.rng.choice(pool)
            if patient["id"] not in used and patient["dob"] <= day - timedelta(days=3):
                break
        else:
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

    def _booked(
        self, slot: _Slot, day: date, used: set[int], *, no_show: float, cancel: float
    ) -> _Plan:
        """A visit booked in ``slot``: its patient, when it was booked, what became of it."""
        patient = self._patient_for(slot, day, used)
        plan = _Plan(slot, patient, self._booked_at(slot, patient))
        self._outcome(plan, no_show=no_show, cancel=cancel)
        return plan

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
        packed: list[_Slot] = []
        for index, hours in enumerate(self.hours):
            packed += _packed_day(rng, self.today, self.zone, index, hours)
        target = min(rng.randint(64, 78), len(packed) - 8)
        chosen = sorted(rng.sample(range(len(packed)), target))
        chosen_set = set(chosen)
        holes = [packed[i] for i in range(len(packed)) if i not in chosen_set]
        used: set[int] = set()
        plans = [
            self._booked(packed[i], self.today, used, no_show=0.06, cancel=0.05) for i in chosen
        ]
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
        fill = rng.uniform(0.72, 0.85) if offset < 0 else max(0.3, 0.85 - 0.08 * offset)
        if weekday == 5:  # Saturday morning: two providers, fewer bookings
            hours = [(0, SATURDAY), (1, SATURDAY)]
            fill *= 0.7
        no_show, cancel = (0.07, 0.08) if offset < 0 else (0.0, 0.05)
        used: set[int] = set()
        plans: list[_Plan] = []
        for index, span in hours:
            packed = _packed_day(rng, day, self.zone, index, span)
            keep = sorted(rng.sample(range(len(packed)), round(len(packed) * fill)))
            plans += (
                self._booked(packed[i], day, used, no_show=no_show, cancel=cancel) for i in keep
            )
        return plans


# --- the rows ------------------------------------------------------------------------------


def book_appointments(
    session: Session,
    factory: PatientFactory,
    patients: list[dict[str, Any]],
    *,
    provider_ids: Sequence[int],
    type_ids: Sequence[int],
    members: dict[str, StaffMember],
) -> list[Appointment]:
    """Book the past five days, today and the week ahead for ``patients`` (already inserted).

    Draws from the factory's random stream, clock and zone. ``provider_ids`` and
    ``type_ids`` are the rows made from :data:`PROVIDERS` and :data:`VISIT_TYPES`,
    in order; ``members`` the demo staff by username (``desk`` and ``super`` make
    the status changes). The appointments are added and flushed, their statuses
    replayed through the state machine.
    """
    plans: list[_Plan] = []
    if patients:
        scheduler = _Scheduler(factory, patients)
        for offset in range(-5, 8):
            day = factory.today + timedelta(days=offset)
            plans += scheduler.today_plans() if offset == 0 else scheduler.other_day_plans(day)
    appointments = [_appointment(plan, factory.rng, provider_ids, type_ids) for plan in plans]
    session.add_all(appointments)
    session.flush()
    _replay(session, plans, appointments, members)
    return appointments


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
            reason = plan.cancel_reason if status == Status.CANCELLED else ""
            if status == Status.CANCELLED:
                appt.cancel_reason = reason
            if status == Status.ARRIVED:
                appt.identity_verified_at = at
                appt.identity_verified_by = staff.id
            apply_status(session, appt, status, staff=staff, reason=reason, at=at)
