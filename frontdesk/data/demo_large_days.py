"""The large demo's appointments, day by day, with their status history.

:class:`DayBooker` books a day back to back for every provider, leaves holes,
and decides from the clock what happened to each visit (done, no-show,
cancelled, in the room, still booked), with a status event for every change
at a plausible time, never in the future. Past holes sometimes hold a walk-in.
After the last start of today (an evening build) the two latest visits stay
BOOKED, late patients nobody has marked yet, as in the small demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from frontdesk.data.appointments import CANCEL_REASONS
from frontdesk.data.demo_clinic import VISIT_TYPES
from frontdesk.data.demo_large_patients import PatientPool, stamp, words
from frontdesk.data.demo_large_week import LUNCH, Roster, Timetable
from frontdesk.data.demo_schedule import APPOINTMENT_NOTES
from frontdesk.data.models import Status

APPOINTMENT_COLUMNS = words(
    "id patient_id provider_id type_id start_at minutes status walk_in forms_needed "
    "eligibility_checked authorization_ref copay_due_cents notes cancel_reason "
    "identity_verified_at identity_verified_by created_at updated_at version booked_by"
)
EVENT_COLUMNS = words("id appointment_id from_status to_status at staff_id reason undoes_id")
NO_SHOW_GRACE = timedelta(minutes=15)
COPAYS = (0, 0, 1500, 2500, 4000)
_SICK = next(i for i, k in enumerate(VISIT_TYPES) if k.name == "Sick visit")
_WEIGHTS = [k.weight for k in VISIT_TYPES]
_KINDS = list(range(len(VISIT_TYPES)))


@dataclass(frozen=True)
class Visit:
    """What the money side needs of a visit: who, the copay, and the check-in."""

    appointment_id: int
    patient_id: int
    copay_cents: int
    arrived_at: datetime | None  # UTC
    arrived_by: int | None


@dataclass
class BookedDay:
    """One day's rows, in the column orders above, and its visits."""

    appointments: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)


@dataclass
class _Plan:
    """One appointment to write, and what happened to it (status changes at their times)."""

    provider_id: int
    kind: int
    start: datetime  # UTC
    patient: int
    booked_at: datetime
    walk_in: bool = False
    steps: list[tuple[Status, datetime]] = field(default_factory=list)
    staff: int = 0
    reason: str = ""


class DayBooker:
    """Books day after day; appointment and event ids run on from one day to the next."""

    def __init__(
        self,
        *,
        rng: random.Random,
        zone: ZoneInfo,
        now: datetime,
        timetable: Timetable,
        roster: Roster,
        supervisor: int,
        pool: PatientPool,
        provider_ids: list[int],
        type_ids: list[int],
    ) -> None:
        self.rng = rng
        self.zone = zone
        self.now = now
        self.today = now.astimezone(zone).date()
        self.timetable = timetable
        self.roster = roster
        self.supervisor = supervisor
        self.pool = pool
        self.provider_ids = provider_ids
        self.type_ids = type_ids
        self.next_appointment = 1
        self.next_event = 1

    def _local(self, day: date, minute: int) -> datetime:
        """The clinic-local moment ``minute`` minutes after midnight on ``day``."""
        return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)

    def _booked_at(self, day: date) -> datetime:
        """A moment of office hours 1 to 60 days before the visit (and before today)."""
        rng = self.rng
        booked_day = min(day, self.today) - timedelta(days=rng.randint(1, 60))
        minute = rng.randint(8 * 60, 17 * 60 + 30)
        return self._local(booked_day, minute).astimezone(UTC) + timedelta(
            seconds=rng.randint(0, 59)
        )

    def _visit(self, plan: _Plan, arrived: datetime | None = None) -> None:
        """Arrival, rooming and check-out: only what is past by now."""
        rng = self.rng
        kind = VISIT_TYPES[plan.kind]
        if arrived is None:
            early = (-25.0, -5.0) if kind.is_new_patient else (-12.0, 8.0)
            arrived = plan.start + timedelta(minutes=rng.uniform(*early))
        roomed = arrived + timedelta(minutes=rng.uniform(3, 20))
        out = roomed + timedelta(minutes=kind.minutes * rng.uniform(0.8, 1.3))
        plan.steps = [
            (status, at)
            for status, at in (
                (Status.ARRIVED, arrived),
                (Status.IN_ROOM, roomed),
                (Status.DONE, out),
            )
            if at <= self.now
        ]

    def _outcome(self, plan: _Plan, offset: int) -> None:
        """Cancelled, a no-show (once the grace is over), or came (up to now); future: booked."""
        rng = self.rng
        roll = rng.random()
        cancel, no_show = (0.06, 0.06) if offset <= 0 else (0.05, 0.0)
        if roll < cancel:
            latest = min(self.now, plan.start - timedelta(minutes=30))
            at = plan.booked_at + (latest - plan.booked_at) * rng.uniform(0.2, 1.0)
            plan.steps = [(Status.CANCELLED, max(at, plan.booked_at))]
            plan.reason = rng.choice(CANCEL_REASONS[:3])
        elif roll < cancel + no_show:
            at = plan.start + NO_SHOW_GRACE + timedelta(minutes=rng.uniform(0, 45))
            if at <= self.now:  # otherwise the patient is just late: still BOOKED
                plan.steps = [(Status.NO_SHOW, at)]
        elif offset <= 0:
            self._visit(plan)

    def _plans(self, day: date, offset: int, clerks: list[int]) -> list[_Plan]:
        """Each provider's day booked back to back around lunch, thinned out by ``fill``."""
        rng = self.rng
        fill = rng.uniform(0.78, 0.9) if offset <= 0 else max(0.25, 0.85 - 0.006 * offset)
        lunch_start, lunch_end = (self._local(day, m) for m in LUNCH)
        plans: list[_Plan] = []
        for index, provider_id in enumerate(self.provider_ids):
            shift = self.timetable.shift(index, day)
            if shift is None:
                continue
            cursor, end = self._local(day, shift[0]), self._local(day, shift[1])
            while cursor < end:
                kind = rng.choices(_KINDS, weights=_WEIGHTS)[0]
                finish = cursor + timedelta(minutes=VISIT_TYPES[kind].minutes)
                if cursor < lunch_end and finish > lunch_start:
                    cursor = lunch_end
                    continue
                if finish > end:
                    break
                start = cursor.astimezone(UTC)
                cursor = finish
                staff = self._checker(clerks)
                if rng.random() > fill:
                    if (
                        offset <= 0
                        and start + timedelta(minutes=5) <= self.now
                        and rng.random() < 0.05
                    ):
                        plans.append(self._walk_in(provider_id, day, start, staff))
                    continue
                plan = self._booked(provider_id, kind, day, start, staff)
                self._outcome(plan, offset)
                plans.append(plan)
        if day == self.today:
            self._keep_some_booked(plans)
        return plans

    def _checker(self, clerks: list[int]) -> int:
        """Who handles a visit at the desk: the demo's clerk (listed first) about half the time."""
        roll = self.rng.random()
        if roll < 0.1 or not clerks:
            return self.supervisor
        return clerks[0] if roll < 0.55 else self.rng.choice(clerks)

    def _booked(self, provider_id: int, kind: int, day: date, start: datetime, staff: int) -> _Plan:
        """A booking in a slot: when it was made, and a patient who fits it."""
        booked = self._booked_at(day)
        visit_type = VISIT_TYPES[kind]
        patient = self.pool.for_visit(
            self.rng,
            visit_day=day.toordinal(),
            booked_day=booked.astimezone(self.zone).date().toordinal(),
            ages=visit_type.ages,
            new_patient=visit_type.is_new_patient,
        )
        return _Plan(provider_id, kind, start, patient, booked, staff=staff)

    def _walk_in(self, provider_id: int, day: date, start: datetime, staff: int) -> _Plan:
        """A sick visit that walked in to a hole already past, booked as it arrived."""
        arrived = min(self.now, start + timedelta(seconds=self.rng.randint(0, 240)))
        patient = self.pool.registered_before(self.rng, day.toordinal())
        plan = _Plan(provider_id, _SICK, start, patient, arrived, walk_in=True, staff=staff)
        self._visit(plan, arrived)
        return plan

    def _keep_some_booked(self, plans: list[_Plan]) -> None:
        """After the last start of today, leave the two latest visits BOOKED (late)."""
        if any(not p.steps and p.start >= self.now for p in plans):
            return
        kept = [
            p for p in plans if not p.walk_in and all(s is not Status.CANCELLED for s, _ in p.steps)
        ]
        latest = sorted(kept, key=lambda p: p.start)[-2:]
        for plan in latest:
            plan.steps = []

    def book(self, day: date) -> BookedDay:
        """Every provider's appointments on ``day``, their status events and visits."""
        offset = (day - self.today).days
        out = BookedDay()
        for plan in self._plans(day, offset, self.roster.clerks(day)):
            out.appointments.append(self._row(plan, out))
        return out

    def _row(self, plan: _Plan, out: BookedDay) -> tuple[Any, ...]:
        """The appointment row (APPOINTMENT_COLUMNS order); its events and visit go to ``out``."""
        rng = self.rng
        appt_id = self.next_appointment
        self.next_appointment += 1
        status = Status.BOOKED
        arrived: tuple[datetime, int] | None = None
        for to, at in plan.steps:
            reason = plan.reason if to is Status.CANCELLED else ""
            out.events.append(
                (
                    self.next_event,
                    appt_id,
                    status.value,
                    to.value,
                    stamp(at),
                    plan.staff,
                    reason,
                    None,
                )
            )
            self.next_event += 1
            status = to
            if to is Status.ARRIVED:
                arrived = (at, plan.staff)
        kind = VISIT_TYPES[plan.kind]
        came = arrived is not None
        copay = 0 if plan.walk_in and rng.random() < 0.5 else rng.choice(COPAYS)
        out.visits.append(
            Visit(
                appt_id,
                plan.patient,
                copay,
                arrived[0] if arrived else None,
                arrived[1] if arrived else None,
            )
        )
        updated = plan.steps[-1][1] if plan.steps else plan.booked_at
        auth = ""
        if kind.name == "Procedure" and rng.random() < 0.5:
            auth = f"PA{rng.randint(1_000_000, 9_999_999)}"
        return (
            appt_id,
            plan.patient,
            plan.provider_id,
            self.type_ids[plan.kind],
            stamp(plan.start),
            kind.minutes,
            status.value,
            int(plan.walk_in),
            int(not came and rng.random() < (0.8 if kind.is_new_patient else 0.05)),
            int(rng.random() < (0.9 if came else 0.15)),
            auth,
            copay,
            rng.choice(APPOINTMENT_NOTES) if rng.random() < 0.04 else "",
            plan.reason if status is Status.CANCELLED else "",
            stamp(arrived[0]) if arrived else None,
            arrived[1] if arrived else None,
            stamp(plan.booked_at),
            stamp(updated),
            1 + len(plan.steps),
            plan.staff,
        )
