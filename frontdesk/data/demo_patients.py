"""Demo patients: realistic, varied registration data for the demo and the benchmarks.

:class:`PatientFactory` makes patient rows (column dicts, search keys included)
from the pools in :mod:`frontdesk.data.demo_names`: names spelled as their owners
spell them, phones, e-mails, addresses, insurance with member ids shaped like
the payer's, and the dates (registration, confirmation, consent) a desk checks.
Every draw comes from the factory's ``rng``, so the same seed gives the same rows.
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
from frontdesk.data.validation import name_keys, parse_phone, phone_search_key

T = TypeVar("T")

# Commercial insurers (the others are Medicare, Medicaid and the like), and the
# shape of their member ids.
COMMERCIAL = ("Blue Cross Blue Shield", "UnitedHealthcare", "Aetna", "Cigna Health", "Anthem")
MEMBER_ID_PREFIXES = {
    "Blue Cross Blue Shield": "XOF",
    "Aetna": "W",
    "Cigna Health": "U",
    "Humana": "H",
    "Anthem": "ABC",
}

# id(pairs) -> (pairs, items, cumulative weights): the tables _pick draws from.
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


def age_on(dob: date, day: date) -> int:
    """Age in whole years on ``day``, counted the way the demo counts it (365-day years)."""
    return (day - dob).days // 365


_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss"})


def _ascii(text: str) -> str:
    """``"Łukasz O'Brien"`` -> ``"lukaszobrien"``: for e-mail addresses."""
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
    return MEMBER_ID_PREFIXES.get(payer, "") + digits, group


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
        age = age_on(dob, self.today)

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

        # Registration, confirmation and consent dates, oldest first, none before birth.
        def days_ago(days: int) -> date:
            return max(dob, self.today - timedelta(days=days))

        new_patient = rng.random() < 0.05
        ago = rng.randint(20, 60) if new_patient else rng.randint(60, 3650)
        registered_on = days_ago(ago)
        roll = rng.random()
        confirmed: date | None
        if roll < 0.02 and not new_patient:
            confirmed = None
        elif roll < 0.20 and not new_patient:
            confirmed = days_ago(rng.randint(380, 1500))
        else:
            confirmed = days_ago(rng.randint(0, min(ago, 330)))
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
