"""Cash drawers: opened with a counted float, counted blind at the end.

A drawer belongs to one clerk and one business day. It is open until it has
an accepted count (within the clinic's tolerance, or with a reason for the
difference). Every figure here is summed by SQLite, never row by row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import Date, text
from sqlalchemy.engine import Engine
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.counts import counts_total, parse_count, parse_counts
from frontdesk.data.days import refuse_if_closed
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import InvalidInput, NotFound, PermissionDenied
from frontdesk.data.models import DrawerCount, DrawerSession
from frontdesk.data.staff import StaffMember
from frontdesk.data.validation import clean_text
from frontdesk.money import InvalidAmount, format_cents, parse_cents


@dataclass(frozen=True)
class Drawer:
    """A drawer as screens and reports show it."""

    id: int
    staff_id: int
    clerk: str
    business_date: date
    opened_at: datetime
    float_cents: int
    counted: bool


@dataclass(frozen=True)
class Expected:
    """What a drawer should hold, from its float and its money rows."""

    float_cents: int
    cash_cents: int  # float + cash taken - cash given back
    check_count: int
    check_cents: int
    card_cents: int


@dataclass(frozen=True)
class CountResult:
    """A stored blind count and how it compares with what was expected."""

    count_id: int
    drawer_id: int
    expected: Expected
    cash_counted_cents: int
    check_count: int
    check_counted_cents: int
    card_counted_cents: int
    accepted: bool
    reason: str

    @property
    def cash_variance(self) -> int:
        """Over (positive) or short (negative)."""
        return self.cash_counted_cents - self.expected.cash_cents

    @property
    def check_variance(self) -> int:
        """Over or short on checks, in cents."""
        return self.check_counted_cents - self.expected.check_cents

    @property
    def card_variance(self) -> int:
        """Over or short on card slips, in cents."""
        return self.card_counted_cents - self.expected.card_cents

    @property
    def largest_variance(self) -> int:
        """The biggest difference on any tender, as a positive number of cents."""
        return max(abs(self.cash_variance), abs(self.check_variance), abs(self.card_variance))


def _counts_json(counts: Mapping[int, int]) -> str:
    return json.dumps({str(d): n for d, n in counts.items() if n}, sort_keys=True)


def _to_drawer(row: DrawerSession, clerk: str, counted: bool) -> Drawer:
    assert row.id is not None
    return Drawer(
        id=row.id,
        staff_id=row.staff_id,
        clerk=clerk,
        business_date=row.business_date,
        opened_at=row.opened_at,
        float_cents=row.float_cents,
        counted=counted,
    )


# One statement (it runs in every payment): the drawer, its clerk, and "open" by definition.
_OPEN_FOR_STAFF = text(
    "SELECT d.id, d.staff_id, s.username, d.business_date, d.opened_at, d.float_cents "
    "FROM drawer_session d JOIN staff s ON s.id = d.staff_id "
    "WHERE d.staff_id = :staff AND NOT EXISTS "
    "(SELECT 1 FROM drawer_count k WHERE k.drawer_id = d.id AND k.accepted) "
    "ORDER BY d.id DESC LIMIT 1"
).columns(business_date=Date(), opened_at=UTCDateTime())


def open_drawer_of(session: Session, staff_id: int) -> Drawer | None:
    """The clerk's open drawer (of any day), or ``None``."""
    row = session.execute(_OPEN_FOR_STAFF, {"staff": staff_id}).one_or_none()
    if row is None:
        return None
    return Drawer(
        id=int(row[0]),
        staff_id=int(row[1]),
        clerk=str(row[2]),
        business_date=row[3],
        opened_at=row[4],
        float_cents=int(row[5]),
        counted=False,
    )


def get_drawer(session: Session, drawer_id: int) -> Drawer:
    """One drawer with its clerk's name."""
    row = session.get(DrawerSession, drawer_id)
    if row is None:
        raise NotFound("That drawer does not exist")
    clerk = session.execute(
        text("SELECT username FROM staff WHERE id = :id"), {"id": row.staff_id}
    ).scalar()
    counted = session.execute(
        text("SELECT 1 FROM drawer_count WHERE drawer_id = :id AND accepted LIMIT 1"),
        {"id": drawer_id},
    ).scalar()
    return _to_drawer(row, str(clerk), counted is not None)


def open_drawer(engine: Engine, *, staff: StaffMember, counts: Mapping[int, str | int]) -> Drawer:
    """Open today's drawer for ``staff`` with a float counted by denomination."""
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        parsed = parse_counts(counts, clinic.denominations)
        total = counts_total(parsed)
        if total > clinic.max_payment_cents * 10:
            raise InvalidInput(
                f"A float of {format_cents(total)} is more than a drawer should hold; recount",
                field="counts",
            )
        existing = open_drawer_of(session, staff.id)
        if existing is not None:
            raise InvalidInput(
                f"You already have drawer {existing.id} open since "
                f"{existing.opened_at.astimezone(clinic.zone):%d %b %H:%M}; count it first"
            )
        today = clinic.today()
        refuse_if_closed(session, today)
        row = DrawerSession(
            staff_id=staff.id,
            business_date=today,
            opened_at=clock.now(),
            float_cents=total,
            float_counts=_counts_json(parsed),
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        audit.record(
            session,
            staff_id=staff.id,
            action="drawer.opened",
            entity="drawer_session",
            entity_id=row.id,
            detail={"float_cents": total, "counts": json.loads(row.float_counts)},
        )
        return _to_drawer(row, staff.username, False)


_EXPECTED = text(
    """
    SELECT
      (SELECT float_cents FROM drawer_session WHERE id = :drawer),
      COALESCE(SUM(CASE WHEN tender = 'cash' THEN
        CASE WHEN entry = 'payment' THEN amount_cents ELSE -amount_cents END END), 0),
      COALESCE(SUM(CASE WHEN tender = 'check' AND entry = 'payment' THEN 1
                        WHEN tender = 'check' AND entry = 'void' THEN -1 END), 0),
      COALESCE(SUM(CASE WHEN tender = 'check' THEN
        CASE WHEN entry = 'payment' THEN amount_cents ELSE -amount_cents END END), 0),
      COALESCE(SUM(CASE WHEN tender = 'card' THEN
        CASE WHEN entry = 'payment' THEN amount_cents ELSE -amount_cents END END), 0)
    FROM payment WHERE drawer_id = :drawer
    """
)


def expected(session: Session, drawer_id: int) -> Expected:
    """What the drawer should hold now (one aggregate query, with the float)."""
    float_cents, cash, check_count, check_cents, card = session.execute(
        _EXPECTED, {"drawer": drawer_id}
    ).one()
    if float_cents is None:
        raise NotFound("That drawer does not exist")
    return Expected(
        float_cents=int(float_cents),
        cash_cents=int(float_cents) + int(cash),
        check_count=int(check_count),
        check_cents=int(check_cents),
        card_cents=int(card),
    )


@dataclass(frozen=True)
class BlindCount:
    """What a counter enters, before seeing any expected figure."""

    cash: Mapping[int, str | int]
    check_count: str | int = 0
    check_total: str | int = 0  # text as typed ("85.00") or cents
    card_total: str | int = 0
    reason: str = ""


def _amount(value: str | int, *, field: str, label: str) -> int:
    if isinstance(value, int):
        if value < 0:
            raise InvalidInput(f"{label} cannot be negative", field=field)
        return value
    if value.strip() == "":
        return 0
    try:
        return parse_cents(value, allow_zero=True)
    except InvalidAmount as error:
        raise InvalidInput(f"{label}: {error}", field=field) from None


def count_drawer(
    engine: Engine, drawer_id: int, count: BlindCount, *, by: StaffMember
) -> CountResult:
    """Store a blind count; it settles the drawer if within tolerance or explained.

    Every count is kept, including one whose difference still needs a reason;
    the counter may then recount or give the reason, which stores a new count.
    Only the drawer's clerk or a supervisor may count it.
    """
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        drawer = get_drawer(session, drawer_id)
        if drawer.staff_id != by.id and not by.is_supervisor:
            raise PermissionDenied("Only the drawer's clerk or a supervisor can count it")
        if drawer.counted:
            raise InvalidInput(f"Drawer {drawer_id} is already counted")
        # A count belongs to the day it is made: a drawer left uncounted when its
        # day was force-closed can still be counted (and settled) afterwards.
        counted_on = clinic.today()
        refuse_if_closed(session, counted_on)
        cash_counts = parse_counts(count.cash, clinic.denominations)
        checks = parse_count(count.check_count, field="check-count", label="Checks")
        check_cents = _amount(count.check_total, field="check-total", label="Check total")
        card_cents = _amount(count.card_total, field="card-total", label="Card total")
        if checks == 0 and check_cents:
            raise InvalidInput("Enter how many checks make up the total", field="check-count")
        reason = clean_text(count.reason, field="reason", label="Reason", max_len=500)
        exp = expected(session, drawer_id)
        result = CountResult(  # the variances, before the count is stored
            count_id=0,
            drawer_id=drawer_id,
            expected=exp,
            cash_counted_cents=counts_total(cash_counts),
            check_count=checks,
            check_counted_cents=check_cents,
            card_counted_cents=card_cents,
            accepted=False,
            reason=reason,
        )
        off = result.largest_variance > clinic.variance_tolerance_cents or (
            checks != exp.check_count
        )
        accepted = not off or bool(reason)
        row = DrawerCount(
            drawer_id=drawer_id,
            business_date=counted_on,
            counted_at=clock.now(),
            counted_by=by.id,
            counts=_counts_json(cash_counts),
            cash_counted_cents=result.cash_counted_cents,
            cash_expected_cents=exp.cash_cents,
            check_count_counted=checks,
            check_count_expected=exp.check_count,
            check_counted_cents=check_cents,
            check_expected_cents=exp.check_cents,
            card_counted_cents=card_cents,
            card_expected_cents=exp.card_cents,
            reason=reason,
            accepted=accepted,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        audit.record(
            session,
            staff_id=by.id,
            action="drawer.counted",
            entity="drawer_session",
            entity_id=drawer_id,
            detail={
                "count_id": row.id,
                "cash_counted": result.cash_counted_cents,
                "cash_expected": exp.cash_cents,
                "accepted": accepted,
                "reason": reason,
            },
        )
        return replace(result, count_id=row.id, accepted=accepted)


_DAY_DRAWERS = text("SELECT d.id FROM drawer_session d WHERE d.business_date = :day ORDER BY d.id")
_UNCOUNTED = text(
    "SELECT d.id FROM drawer_session d WHERE d.business_date <= :day AND NOT EXISTS "
    "(SELECT 1 FROM drawer_count k WHERE k.drawer_id = d.id AND k.accepted) ORDER BY d.id"
)


def drawers_of_day(session: Session, day: date) -> list[Drawer]:
    """Every drawer opened on ``day``."""
    return [
        get_drawer(session, int(i)) for i in session.execute(_DAY_DRAWERS, {"day": day}).scalars()
    ]


def uncounted_drawers(session: Session, day: date) -> list[Drawer]:
    """Drawers of ``day`` (or left open from before it) with no accepted count."""
    return [
        get_drawer(session, int(i)) for i in session.execute(_UNCOUNTED, {"day": day}).scalars()
    ]


def uncounted(engine: Engine, day: date) -> list[Drawer]:
    """:func:`uncounted_drawers` in a session of its own."""
    with read_session(engine) as session:
        return uncounted_drawers(session, day)


def my_drawer(engine: Engine, staff_id: int) -> Drawer | None:
    """:func:`open_drawer_of` in a session of its own."""
    with read_session(engine) as session:
        return open_drawer_of(session, staff_id)


def denominations(engine: Engine) -> tuple[int, ...]:
    """The clinic's denominations, largest first."""
    with read_session(engine) as session:
        clinic: Clinic = get_clinic_in(session)
        return clinic.denominations
