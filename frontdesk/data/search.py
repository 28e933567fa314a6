"""Patient search as the clerk types: every path is an index search.

Accepted queries:
- name fragments: ``smi`` (last name, or the second part of a two-part surname),
  ``smi, jo`` (last, first), ``jo smi`` and ``garcia lopez maria`` (either order);
- a date of birth: ``3/14/1990``, ``1990-03-14``, ``03141990``, ``14 Mar 1990``,
  optionally with a name fragment (``smi 3/14/1990``);
- phone digits (3 or more, from the area code); an MRN (exact or leading digits).

Speed at a million patients (figures in docs/BENCHMARKS.md) comes from three
things: the statements are built once with bound parameters; phone numbers are
formatted through a cache; and a "last prefix + first prefix" search first
asks how many index entries each prefix covers and walks the smaller one
(or, for a common surname prefix, each distinct surname's first-name range)
instead of reading every Smith to find the Jos.
"""

from __future__ import annotations

import functools
import re
from typing import Any, cast

from sqlalchemy import Select, and_, bindparam, literal, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.db import read_session
from frontdesk.data.models import Patient
from frontdesk.data.patients import PatientHit, hit_from
from frontdesk.data.validation import date_candidates, fold, format_phone

SEARCH_LIMIT = 20
PROBE_CAP = 200  # how far a prefix is counted before it counts as "common"
_TOP = "\U0010ffff"  # above every character: the end of a prefix range

_HIT_COLUMNS = tuple(
    col(c)
    for c in (
        Patient.id,
        Patient.mrn,
        Patient.last_name,
        Patient.first_name,
        Patient.preferred_name,
        Patient.dob,
        Patient.sex,
        Patient.phone_mobile,
        Patient.phone_home,
        Patient.balance_due_cents,
        Patient.last_key,
        Patient.first_key,
    )
)


def _prefix(column: Any, name: str) -> Any:
    return and_(column >= bindparam(f"{name}_lo"), column < bindparam(f"{name}_hi"))


def _range(name: str, value: str) -> dict[str, str]:
    return {f"{name}_lo": value, f"{name}_hi": value + _TOP}


_BASE = cast("Select[Any]", select(*_HIT_COLUMNS))
_IN_ORDER = (col(Patient.last_key), col(Patient.first_key), col(Patient.id))
_BY_MRN = _BASE.where(_prefix(col(Patient.mrn), "a")).limit(SEARCH_LIMIT)
_BY_PHONE = _BASE.where(_prefix(col(Patient.phone_key), "a")).limit(SEARCH_LIMIT)
_BY_DOB = _BASE.where(col(Patient.dob) == bindparam("dob"))
_BY_DOB_FIRST = _BY_DOB.limit(SEARCH_LIMIT)
_BY_LAST = _BASE.where(_prefix(col(Patient.last_key), "a")).limit(SEARCH_LIMIT)
_BY_LAST2 = _BASE.where(_prefix(col(Patient.last2_key), "a")).limit(SEARCH_LIMIT)
_BY_LAST2_FIRST = _BASE.where(
    _prefix(col(Patient.last2_key), "a"), _prefix(col(Patient.first_key), "f")
).limit(SEARCH_LIMIT)
_BY_BOTH = _BASE.where(
    _prefix(col(Patient.last_key), "l"), _prefix(col(Patient.first_key), "f")
).limit(SEARCH_LIMIT)
# ``last_key || ''`` hides the last-name index from the planner (SQLite has no index
# hints), so this walks the first-name index and orders the few matches afterwards.
_BY_BOTH_VIA_FIRST = (
    _BASE.where(
        _prefix(col(Patient.last_key) + literal(""), "l"),
        _prefix(col(Patient.first_key), "f"),
    )
    .order_by(*_IN_ORDER)
    .limit(SEARCH_LIMIT)
)
_BY_LAST_KEYS = (
    _BASE.where(
        col(Patient.last_key).in_(bindparam("keys", expanding=True)),
        _prefix(col(Patient.first_key), "f"),
    )
    .order_by(*_IN_ORDER)
    .limit(SEARCH_LIMIT)
)
_PROBE = text(
    "SELECT (SELECT count(*) FROM (SELECT 1 FROM patient "
    "WHERE last_key >= :l_lo AND last_key < :l_hi LIMIT :cap)), "
    "(SELECT count(*) FROM (SELECT 1 FROM patient "
    "WHERE first_key >= :f_lo AND first_key < :f_hi LIMIT :cap))"
)
# The distinct last names under a prefix, one index seek each (a skip-scan).
_LAST_KEYS = text(
    "WITH RECURSIVE k(v, n) AS ("
    " SELECT (SELECT min(last_key) FROM patient WHERE last_key >= :l_lo AND last_key < :l_hi), 1"
    " UNION ALL"
    " SELECT (SELECT min(last_key) FROM patient WHERE last_key > k.v AND last_key < :l_hi),"
    " k.n + 1 FROM k WHERE k.v IS NOT NULL AND k.n < :cap"
    ") SELECT v FROM k WHERE v IS NOT NULL"
)


@functools.lru_cache(maxsize=8192)
def _phone(e164: str, region: str) -> str:
    return format_phone(e164, region)


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


def _name_matches(fragment: str, last_key: str, first_key: str) -> bool:
    words = fragment.split()
    names = f"{last_key} {first_key}".split()
    return all(any(n.startswith(w) for n in names) for w in words)


def search_in(
    session: Session, query: str, clinic: Clinic, limit: int = SEARCH_LIMIT
) -> list[PatientHit]:
    """The first ``limit`` patients matching what the clerk typed, by name then birth date."""
    typed = query.strip()
    if not typed:
        return []
    today = clinic.today()
    found: list[Any] = []
    post_filter = ""

    def run(statement: Any, **params: Any) -> None:
        found.extend(session.execute(statement, params).all())

    def by_name(last: str, first: str) -> None:
        """Last name (or its second part, as in García López), then first name."""
        if first:
            found.extend(_two_prefix(session, last, first))
            run(_BY_LAST2_FIRST, **_range("a", last), **_range("f", first))
        else:
            run(_BY_LAST, **_range("a", last))
            run(_BY_LAST2, **_range("a", last))

    digits = re.sub(r"[\s()\-.+]", "", typed)
    dates = date_candidates(typed, today, clinic.date_order)
    if digits.isdigit():
        run(_BY_MRN, **_range("a", digits))
        if len(digits) >= 3:
            run(_BY_PHONE, **_range("a", digits))
    if dates:
        for day in dates:
            run(_BY_DOB_FIRST, dob=day)
    elif not digits.isdigit():
        words = typed.replace(",", " , ").split()
        date_words = [
            w for w in words if re.search(r"\d", w) and date_candidates(w, today, clinic.date_order)
        ]
        if date_words:
            # a name and a birth date: everyone born that day (a few dozen at most
            # in a million), then the name filter
            for day in date_candidates(date_words[0], today, clinic.date_order):
                run(_BY_DOB, dob=day)
            post_filter = fold(" ".join(w for w in words if w not in date_words and w != ","))
        elif "," in typed:
            last_part, _, first_part = typed.partition(",")
            last, first = fold(last_part), fold(first_part)
            if last:
                by_name(last, first)
        else:
            whole = fold(typed)
            if not whole:
                return []
            by_name(whole, "")
            parts = whole.split(" ")
            for split in range(1, min(len(parts), 4)):
                head, tail = " ".join(parts[:split]), " ".join(parts[split:])
                by_name(head, tail)  # "garcia lopez maria", "lopez maria"
                found.extend(_two_prefix(session, tail, head))  # "maria garcia"
    rows: dict[int, Any] = {}
    for row in found:
        rows.setdefault(row.id, row)
    ordered = sorted(rows.values(), key=lambda r: (r.last_key, r.first_key, r.dob))
    if post_filter:
        ordered = [r for r in ordered if _name_matches(post_filter, r.last_key, r.first_key)]
    if digits.isdigit():
        # An MRN typed in full comes first, even when it also reads as a birth
        # date ("061982") and brings everyone born that day along.
        ordered.sort(key=lambda r: r.mrn != digits)
    region = clinic.phone_region
    return [hit_from(r, _phone(r.phone_mobile or r.phone_home, region)) for r in ordered[:limit]]


def search(engine: Engine, query: str, limit: int = SEARCH_LIMIT) -> list[PatientHit]:
    """:func:`search_in` in a read session of its own."""
    with read_session(engine) as session:
        return search_in(session, query, get_clinic_in(session), limit)
