"""Reading one callback's values, as ``frontdesk callbacks add`` takes them.

The values come from the command's options or from a row of a CSV file
(:mod:`frontdesk.cli_callbacks_add`). Every value is checked with the validation
functions ``add_callback`` itself uses (:mod:`frontdesk.data.validation`, the
clinic's reasons and phone region), so a CSV file is refused whole, before
anything is added, when any row is bad. ``add_callback`` checks each row again as
it adds it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlalchemy.engine import Engine

    from frontdesk.data.callbacks import NewCallback, Reason
    from frontdesk.data.clinic import Clinic

T = TypeVar("T")

# The CSV columns, in order; also the keys of one item's raw values.
COLUMNS = ("reason", "name", "mrn", "phone", "note", "reference", "priority", "due", "owner")
REFERENCE_MAX = 40  # as add_callback checks it (a literal there)
DUE_WINDOW = timedelta(days=366)  # a due time further off either way is a typo
_DUE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{1,2}):([0-9]{2})")


class BadValues(Exception):
    """One item's refusals: ``(column, message)`` pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


@dataclass
class Lookups:
    """What checking a row needs from the database, read once and cached."""

    engine: Engine
    clinic: Clinic
    reasons: dict[str, Reason]
    patients: dict[str, tuple[int, bool] | None] = field(default_factory=dict)
    staff: dict[str, int | None] = field(default_factory=dict)

    @classmethod
    def load(cls, engine: Engine) -> Lookups:
        from frontdesk.data.callbacks import reasons
        from frontdesk.data.clinic import load_clinic

        return cls(engine, load_clinic(engine), {r.code: r for r in reasons(engine)})

    def patient(self, mrn: str) -> tuple[int, bool] | None:
        """(patient id, has a phone on file) for an exact MRN, else ``None``."""
        if mrn not in self.patients:
            from frontdesk.data.search import search

            hit = next((h for h in search(self.engine, mrn) if h.mrn == mrn), None)
            self.patients[mrn] = (hit.id, bool(hit.phone)) if hit is not None else None
        return self.patients[mrn]

    def staff_id(self, username: str) -> int | None:
        """The id of the active account ``username``, else ``None``."""
        if username not in self.staff:
            from frontdesk.data.staff import find_active_staff

            found = find_active_staff(self.engine, username)
            self.staff[username] = found.id if found is not None else None
        return self.staff[username]


def parse_due(text: str, zone: ZoneInfo) -> datetime | None:
    """``YYYY-MM-DD HH:MM`` in the clinic's timezone -> UTC; empty -> ``None``."""
    from frontdesk import clock
    from frontdesk.data.errors import InvalidInput

    raw = text.strip()
    if not raw:
        return None
    match = _DUE.fullmatch(raw)
    if match is None:
        raise InvalidInput(
            f"Due {raw} is not a time; use YYYY-MM-DD HH:MM in clinic time, like 2026-11-25 14:30",
            field="due",
        )
    year, month, day, hour, minute = (int(part) for part in match.groups())
    try:
        local = datetime(year, month, day, hour, minute, tzinfo=zone)
        utc = local.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidInput(
            f"Due {raw} is not a day and time on the calendar", field="due"
        ) from None
    if utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise InvalidInput(
            f"Due {raw} does not exist in {zone.key} (the clocks go forward then)", field="due"
        )
    if abs(utc - clock.now()) > DUE_WINDOW:
        raise InvalidInput(f"Due {raw} is more than a year from now; check the year", field="due")
    return utc


def _priority(text: str) -> int | None:
    from frontdesk.data.callbacks import PRIORITIES
    from frontdesk.data.errors import InvalidInput

    raw = text.strip().lower()
    if not raw:
        return None
    words = {word: number for number, word in PRIORITIES.items()}
    if raw.isdigit() and int(raw) in PRIORITIES:
        return int(raw)
    if raw in words:
        return words[raw]
    raise InvalidInput("Priority is 1 (high), 2 (normal) or 3 (low)", field="priority")


def parse_item(values: Mapping[str, str], look: Lookups) -> NewCallback:
    """One item from its raw text values (keys of :data:`COLUMNS`), or :class:`BadValues`.

    Every field is checked (not only up to the first bad one), with the functions
    and limits ``add_callback`` uses.
    """
    from frontdesk.data.callbacks import MAX_NOTES, QUEUES, NewCallback
    from frontdesk.data.errors import InvalidInput
    from frontdesk.data.validation import clean_name, clean_text, parse_phone

    errors: list[tuple[str, str]] = []

    def check(key: str, read: Callable[[], T]) -> T | None:
        try:
            return read()
        except InvalidInput as error:
            errors.append((key, error.message))
            return None

    def raw(key: str) -> str:
        # a CSV cell keeps a spreadsheet's CRLF inside quotes; the data layer takes "\n" only
        return (values.get(key) or "").replace("\r\n", "\n").replace("\r", "\n")

    def reason() -> str:
        code = raw("reason").strip().lower()
        codes = ", ".join(look.reasons)
        if not code:
            raise InvalidInput(f"Reason is required; use one of {codes}", field="reason")
        if code not in look.reasons:
            raise InvalidInput(f"Reason {code} is not one of {codes}", field="reason")
        return code

    def patient() -> tuple[int, bool] | None:
        mrn = raw("mrn").strip()
        if not mrn:
            return None
        found = look.patient(mrn)
        if found is None:
            hint = (
                " (MRNs have leading zeros, like 000123: a spreadsheet may have dropped them)"
                if mrn.isdigit() and len(mrn) < 6
                else ""
            )
            raise InvalidInput(f"No patient has MRN {mrn}{hint}", field="mrn")
        return found

    def owner() -> tuple[str | None, int | None]:
        name = raw("owner").strip()
        if not name:
            return None, None
        if name.lower() in QUEUES:
            return name.lower(), None
        staff_id = look.staff_id(name)
        if staff_id is None:
            raise InvalidInput(
                f"Owner {name} is not a queue ({', '.join(QUEUES)}) or an active account",
                field="owner",
            )
        return None, staff_id

    code = check("reason", reason)
    caller = check(
        "name", lambda: clean_name(raw("name"), field="caller", label="Name", required=False)
    )
    found = check("mrn", patient)
    phone = check(
        "phone",
        lambda: parse_phone(
            raw("phone"), field="phone", label="Phone", region=look.clinic.phone_region
        ),
    )
    notes = check(
        "note",
        lambda: clean_text(
            raw("note"), field="note", label="Note", max_len=MAX_NOTES, multiline=True
        ),
    )
    reference = check(
        "reference",
        lambda: clean_text(
            raw("reference"), field="reference", label="Reference", max_len=REFERENCE_MAX
        ),
    )
    priority = check("priority", lambda: _priority(raw("priority")))
    due = check("due", lambda: parse_due(raw("due"), look.clinic.zone))
    owned = check("owner", owner)
    if not raw("mrn").strip() and caller == "":
        errors.append(("name", "Who called? Give a name or a patient's MRN"))
    if phone == "" and not raw("phone").strip():
        if found is not None and not found[1]:
            errors.append(("phone", "A phone number is needed: the patient has none on file"))
        elif not raw("mrn").strip():
            errors.append(("phone", "A phone number to call back is needed"))
    if errors:
        raise BadValues(sorted(errors, key=lambda error: COLUMNS.index(error[0])))
    assert code is not None
    assert owned is not None
    return NewCallback(
        reason=code,
        caller_name=caller or "",
        patient_id=found[0] if found is not None else None,
        phone=phone or "",
        notes=notes or "",
        reference=reference or "",
        priority=priority,
        due=due,
        owner_queue=owned[0],
        owner_staff_id=owned[1],
    )
