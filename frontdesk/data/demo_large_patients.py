"""The large demo's patients: made in worker processes, and chosen for visits by date.

:func:`patient_chunk` makes one chunk of patient rows with the demo's generator
(:class:`frontdesk.data.demo_patients.PatientFactory`) and the same search keys
the registration form writes. About 40% of the patients get a surname from a
long tail of ~80,000 made-up surnames, so that most name prefixes are as
selective as in a real register while the common ones (Smith, Johnson, Nguyen,
García) stay crowded. Each chunk is seeded by its first id, so the rows do not
depend on how many processes made them.

:class:`PatientPool` remembers each patient's birth and registration day (a few
bytes each) and picks who comes to a visit: someone registered before the
visit was booked, of an age the visit type fits, recently registered for a
new-patient visit.
"""

from __future__ import annotations

import random
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from frontdesk.data.demo_patients import PatientFactory
from frontdesk.data.validation import name_keys


def words(text: str) -> list[str]:
    """``"a b c"`` -> ``["a", "b", "c"]``: column lists and name pools, written compactly."""
    return text.split()


PATIENT_COLUMNS = words(
    "id mrn last_name first_name middle_name preferred_name dob sex phone_mobile "
    "phone_home phone_key email address_line1 address_line2 city state postal_code "
    "preferred_language interpreter_needed accessibility_needs insurance_payer "
    "insurance_member_id insurance_group eligibility_verified_on "
    "demographics_confirmed_on consent_on_file_on balance_due_cents last_key first_key "
    "last2_key created_at updated_at version"
)
TAIL_SHARE = 0.4  # patients whose surname comes from the long tail
NEW_PATIENT_DAYS = 61  # a new-patient visit is for someone registered this recently

_ONSETS = words("B Br C Ch D Dr F G Gr H J K Kr L M N P R S Sh St T V W Z")
_VOWELS = words("a e i o u ai ea ou")
_CODAS = ["", "l", "n", "r", "s", "t", "m", "nd", "rk", "st"]
_ENDINGS = words(
    "son sen ski sky man mann ley ton berg ez es ov ova ini etti ard ford well stone wick "
    "escu idis oglu ian yan enko sson stad quist field more by ham dale er ing s o a ek"
)


def stamp(value: datetime) -> str:
    """How a moment is stored (SQLModel's ``UTCDateTime``): naive UTC text."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


@cache
def tail_surnames() -> tuple[str, ...]:
    """About 80,000 made-up surnames in a fixed order (the first are the most common)."""
    names = [
        onset + vowel + coda + ending
        for ending in _ENDINGS
        for coda in _CODAS
        for vowel in _VOWELS
        for onset in _ONSETS
    ]
    random.Random(42).shuffle(names)
    return tuple(names)


@dataclass(frozen=True)
class PatientJob:
    """One chunk to make: ids ``first_id .. first_id + count - 1``."""

    first_id: int
    count: int
    seed: int
    now: datetime
    timezone: str


@dataclass(frozen=True)
class PatientChunk:
    """Rows in :data:`PATIENT_COLUMNS` order, with each patient's birth and registration day.

    The days are ordinals (``date.toordinal``), the registration day in the
    clinic's timezone.
    """

    rows: list[tuple[Any, ...]]
    born: array[int]
    registered: array[int]


def _day(value: date | None) -> str | None:
    """How a date is stored: ISO text."""
    return None if value is None else value.isoformat()


def patient_chunk(job: PatientJob) -> PatientChunk:
    """Make one chunk of patients (runs in a worker process)."""
    rng = random.Random(job.seed * 1_000_003 + job.first_id)
    zone = ZoneInfo(job.timezone)
    today = job.now.astimezone(zone).date()
    factory = PatientFactory(rng, today, job.now, zone, typed_phones=False)
    tail = tail_surnames()
    rows: list[tuple[Any, ...]] = []
    born = array("i")
    registered = array("i")
    for row in factory.rows(job.count, job.first_id):
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
        born.append(row["dob"].toordinal())
        registered.append(row["created_at"].astimezone(zone).date().toordinal())
        for key in ("dob", "eligibility_verified_on", "demographics_confirmed_on"):
            row[key] = _day(row[key])
        row["consent_on_file_on"] = _day(row["consent_on_file_on"])
        row["created_at"] = row["updated_at"] = stamp(row["created_at"])
        row["interpreter_needed"] = int(row["interpreter_needed"])
        rows.append(tuple(row[c] for c in PATIENT_COLUMNS))
    return PatientChunk(rows, born, registered)


class PatientPool:
    """Every patient's birth and registration day, to choose who comes to a visit.

    Patient ids are ``1 .. len(born)``; ``born[i - 1]`` and ``registered[i - 1]``
    belong to patient ``i`` (day ordinals).
    """

    def __init__(self, born: array[int], registered: array[int]) -> None:
        self.born = born
        self.registered = registered
        order = sorted(range(len(registered)), key=registered.__getitem__)
        self._by_registration = array("i", (i + 1 for i in order))
        self._registration_days = array("i", (registered[i] for i in order))

    def __len__(self) -> int:
        return len(self.born)

    def registered_before(self, rng: random.Random, day: int) -> int:
        """Someone registered before ``day`` (an ordinal); anyone if nobody was."""
        top = bisect_left(self._registration_days, day)
        if top == 0:
            return rng.randint(1, len(self.born))
        return self._by_registration[rng.randrange(top)]

    def for_visit(
        self,
        rng: random.Random,
        *,
        visit_day: int,
        booked_day: int,
        ages: tuple[int, int],
        new_patient: bool,
        tries: int = 24,
    ) -> int:
        """A patient for a visit on ``visit_day`` booked on ``booked_day`` (ordinals).

        Registered before the booking (for a new-patient visit, within the
        :data:`NEW_PATIENT_DAYS` before it), born at least three days before the
        visit, and of an age in ``ages`` (years, counted as the demo counts them).
        After ``tries`` misses the last one drawn who was registered in time is
        taken, whatever the age.
        """
        days = self._registration_days
        top = bisect_left(days, booked_day)
        if top == 0:
            return rng.randint(1, len(self.born))
        low = bisect_left(days, booked_day - NEW_PATIENT_DAYS) if new_patient else 0
        if low >= top:
            low = 0
        low_age, high_age = ages
        patient = 0
        for _ in range(tries):
            patient = self._by_registration[rng.randrange(low, top)]
            age_days = visit_day - self.born[patient - 1]
            if age_days >= 3 and low_age <= age_days // 365 <= high_age:
                return patient
        return patient
