"""The large demo's money, day by day: drawers, payments and receipts, voids, refunds, counts.

:class:`Till` makes a business day's money rows the way the desk would have
taken them (:mod:`frontdesk.data.payments`, :mod:`frontdesk.data.reversals`,
:mod:`frontdesk.data.drawer`), but as plain tuples for a bulk insert:

- every clerk on the roster opens a drawer with the small demo's float when
  the desk opens;
- patients with a copay pay it a minute or two after checking in, into the
  drawer of the clerk who checked them in; the rest of the day's quota are
  past-due balances, prepayments and other payments through the day;
- about 1% of rows void a payment of the same day (back into its drawer,
  same tender, whole amount) and about 1% refund part or all of a payment of
  an earlier day (a check is refunded in cash), each with a reason and a
  supervisor's approval;
- cash change and cash given back never exceed what the drawer holds;
- rows are numbered in time order: ids and receipt numbers run on from one
  day to the next without a gap, and every row stores its rendered receipt;
- on a day that is over, each drawer is counted blind after the desk closes:
  most exactly, some a few cents off (within the clinic's tolerance), a few
  further off with a reason, some of those after a first count without one.
  Only what has happened by "now" is written for today, and today's drawers
  stay open (uncounted).
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from frontdesk.data.demo_large_counts import FLOAT_CENTS, Counter, DrawerState
from frontdesk.data.demo_large_days import Visit
from frontdesk.data.demo_large_patients import PatientPool, stamp, words
from frontdesk.data.demo_large_week import Shift
from frontdesk.data.demo_money import FLOAT_COUNTS
from frontdesk.data.models import Entry, PaymentKind, Tender
from frontdesk.data.patients import display_name
from frontdesk.data.receipts import ReceiptFacts, render

PAYMENT_COLUMNS = words(
    "id receipt_no entry business_date at drawer_id staff_id patient_id appointment_id "
    "kind tender amount_cents tendered_cents change_cents check_number card_last4 "
    "card_auth reverses_id reason approved_by receipt_text"
)
DRAWER_COLUMNS = ["id", "staff_id", "business_date", "opened_at", "float_cents", "float_counts"]
VOID_SHARE = 0.012
REFUND_SHARE = 0.008
VOID_REASONS = ("Wrong amount keyed", "Charged the wrong patient", "Duplicate payment")
REFUND_REASONS = ("Insurance paid the balance", "Copay charged twice", "Visit was cancelled")
_FLOAT_JSON = json.dumps({str(d): n for d, n in FLOAT_COUNTS.items()}, sort_keys=True)
_TENDERS = (Tender.CASH, Tender.CARD, Tender.CHECK)


@dataclass
class _Row:
    """One money row being made."""

    at: datetime
    entry: Entry
    drawer: DrawerState
    staff: int
    patient: int
    kind: PaymentKind
    tender: Tender
    amount: int
    appointment: int | None = None
    visit_day: date | None = None
    business_date: date | None = None
    tendered: int = 0
    check_number: str = ""
    card_last4: str = ""
    card_auth: str = ""
    original: _Row | None = None
    reason: str = ""
    approver: int | None = None
    id: int = 0
    receipt_no: int = 0
    change: int = 0
    refunded: int = 0
    voided: bool = False


@dataclass
class DayMoney:
    """One day's rows in the column orders above."""

    drawers: list[tuple[Any, ...]] = field(default_factory=list)
    payments: list[tuple[Any, ...]] = field(default_factory=list)
    counts: list[tuple[Any, ...]] = field(default_factory=list)


class Till:
    """Makes each business day's money; ids, receipt numbers and drawers run on."""

    def __init__(
        self,
        *,
        conn: sqlite3.Connection,
        rng: random.Random,
        zone: ZoneInfo,
        now: datetime,
        clinic_name: str,
        names: dict[int, str],
        supervisor: int,
        pool: PatientPool,
    ) -> None:
        self.conn = conn
        self.rng = rng
        self.zone = zone
        self.now = now
        self.clinic_name = clinic_name
        self.names = names  # staff id -> display name
        self.supervisor = supervisor
        self.pool = pool
        self.next_payment = 1
        self.next_drawer = 1
        self.counter = Counter(rng, supervisor)
        self.earlier: deque[_Row] = deque(maxlen=8000)  # payments a refund may give back

    def _local(self, day: date, minute: int) -> datetime:
        """The clinic-local moment ``minute`` minutes after midnight on ``day``."""
        return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)

    def _between(self, first: datetime, last: datetime) -> datetime:
        """A random moment from ``first`` to ``last``."""
        return first + (last - first) * self.rng.random()

    def _payment(
        self, at: datetime, drawer: DrawerState, patient: int, kind: PaymentKind, amount: int
    ) -> _Row:
        """A payment by cash (half of them with change to give), card or check."""
        rng = self.rng
        tender = rng.choices(_TENDERS, weights=(45, 45, 10))[0]
        row = _Row(at, Entry.PAYMENT, drawer, drawer.staff, patient, kind, tender, amount)
        if tender is Tender.CASH:
            row.tendered = amount
            if rng.random() < 0.5:
                row.tendered = -(-amount // 2000) * 2000 + (2000 if rng.random() < 0.2 else 0)
        elif tender is Tender.CHECK:
            row.check_number = str(rng.randint(1001, 9999))
        else:
            row.card_last4 = f"{rng.randint(0, 9999):04d}"
            row.card_auth = f"{rng.randint(100000, 999999)}"
        return row

    def _other_payment(self, at: datetime, drawer: DrawerState, day: date) -> _Row:
        """A past-due balance, a prepayment or another payment, by a registered patient."""
        rng = self.rng
        kind = rng.choices(
            (PaymentKind.PAST_DUE, PaymentKind.PREPAYMENT, PaymentKind.OTHER), weights=(5, 2, 3)
        )[0]
        if kind is PaymentKind.PAST_DUE:
            amount = rng.randint(1000, 30000)
        elif kind is PaymentKind.PREPAYMENT:
            amount = rng.choice((5000, 7500, 10000, 15000, 20000))
        else:
            amount = rng.choice((500, 1000, 1500, 2000, 2500))
        patient = self.pool.registered_before(rng, day.toordinal())
        return self._payment(at, drawer, patient, kind, amount)

    def _reversal(self, at: datetime, drawer: DrawerState, original: _Row, entry: Entry) -> _Row:
        """A void (all of it, same tender) or refund (what is left or half; a check in cash)."""
        rng = self.rng
        amount = original.amount
        tender = original.tender
        if entry is Entry.REFUND:
            left = original.amount - original.refunded
            amount = left if rng.random() < 0.6 else max(1, left // 2)
            original.refunded += amount
            if tender is Tender.CHECK:
                tender = Tender.CASH
        else:
            original.voided = True
        reasons = VOID_REASONS if entry is Entry.VOID else REFUND_REASONS
        row = _Row(
            at,
            entry,
            drawer,
            drawer.staff,
            original.patient,
            original.kind,
            tender,
            amount,
            original.appointment,
            original.visit_day,
            original=original,
            reason=rng.choice(reasons),
            approver=self.supervisor,
        )
        if tender is original.tender:
            row.check_number = original.check_number
            row.card_last4 = original.card_last4
            row.card_auth = original.card_auth
        return row

    def _plan(
        self,
        day: date,
        quota: int,
        visits: list[Visit],
        drawers: list[DrawerState],
        first: datetime,
        last: datetime,
    ) -> list[_Row]:
        """The day's rows in time order, ``quota`` of them in all."""
        rng = self.rng
        by_staff = {d.staff: d for d in drawers}
        voids = int(quota * VOID_SHARE + rng.random())
        refunds = int(quota * REFUND_SHARE + rng.random()) if self.earlier else 0
        plain = quota - voids - refunds
        if plain < 1:  # a tiny day: payments only
            plain, voids = quota, 0
        copays: list[tuple[datetime, Visit]] = []
        for visit in visits:
            if visit.copay_cents and visit.arrived_at is not None and rng.random() < 0.88:
                at = visit.arrived_at + timedelta(seconds=rng.randint(40, 180))
                if at <= last:
                    copays.append((max(at, first), visit))
        if len(copays) > plain:
            copays = rng.sample(copays, plain)
        rows: list[_Row] = []
        for at, visit in copays:
            drawer = by_staff.get(visit.arrived_by or 0) or rng.choice(drawers)
            row = self._payment(at, drawer, visit.patient_id, PaymentKind.COPAY, visit.copay_cents)
            row.appointment, row.visit_day = visit.appointment_id, day
            rows.append(row)
        for _ in range(plain - len(copays)):
            rows.append(self._other_payment(self._between(first, last), rng.choice(drawers), day))
        for original in rng.sample(rows, min(voids, len(rows))):
            at = original.at + timedelta(minutes=rng.uniform(1, 40))
            if at > last:
                at = self._between(original.at, last)
            rows.append(self._reversal(at, original.drawer, original, Entry.VOID))
        for _ in range(quota - len(rows)):
            earlier = self.earlier[rng.randrange(len(self.earlier))] if self.earlier else None
            at, drawer = self._between(first, last), rng.choice(drawers)
            if earlier is None or earlier.voided or earlier.refunded >= earlier.amount:
                rows.append(self._other_payment(at, drawer, day))
            else:
                rows.append(self._reversal(at, drawer, earlier, Entry.REFUND))
        rows.sort(key=lambda r: r.at)
        return rows

    def _settle(self, rows: list[_Row], day: date) -> None:
        """Cash change and cash given back within what each drawer holds; number the rows."""
        for row in rows:
            drawer = row.drawer
            if row.entry is Entry.PAYMENT:
                if row.tender is Tender.CASH:
                    row.change = row.tendered - row.amount
                    if row.change > drawer.cash:
                        row.tendered, row.change = row.amount, 0
            elif row.tender is Tender.CASH and row.amount > drawer.cash:
                self._undo(row, day)
            sign = 1 if row.entry is Entry.PAYMENT else -1
            if row.tender is Tender.CASH:
                drawer.cash += sign * row.amount
            elif row.tender is Tender.CHECK:
                drawer.check_cents += sign * row.amount
                drawer.checks += (
                    1 if row.entry is Entry.PAYMENT else -1 if row.entry is Entry.VOID else 0
                )
            else:
                drawer.card_cents += sign * row.amount
            row.id = row.receipt_no = self.next_payment
            row.business_date = day
            self.next_payment += 1

    def _undo(self, row: _Row, day: date) -> None:
        """A cash reversal the drawer cannot pay out becomes a card payment instead."""
        original = row.original
        assert original is not None
        if row.entry is Entry.VOID:
            original.voided = False
        else:
            original.refunded -= row.amount
        swap = self._other_payment(row.at, row.drawer, day)
        if swap.tender is not Tender.CARD:
            swap.tender, swap.tendered, swap.check_number = Tender.CARD, 0, ""
            swap.card_last4 = f"{self.rng.randint(0, 9999):04d}"
            swap.card_auth = f"{self.rng.randint(100000, 999999)}"
        vars(row).update(vars(swap))

    def _names(self, rows: list[_Row]) -> dict[int, tuple[str, str]]:
        """Each patient's name as a receipt prints it, and MRN."""
        ids = sorted({r.patient for r in rows})
        found: dict[int, tuple[str, str]] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ", ".join("?" for _ in part)
            for pid, last, first, preferred, mrn in self.conn.execute(
                "SELECT id, last_name, first_name, preferred_name, mrn FROM patient "
                f"WHERE id IN ({marks})",
                part,
            ):
                found[pid] = (display_name(last, first, preferred), mrn)
        return found

    def _tuple(self, row: _Row, names: dict[int, tuple[str, str]]) -> tuple[Any, ...]:
        """The row in PAYMENT_COLUMNS order, with its receipt rendered as the desk prints it."""
        original = row.original
        business_date = row.business_date
        assert business_date is not None
        name, mrn = names[row.patient]
        facts = ReceiptFacts(
            clinic=self.clinic_name,
            receipt_no=row.receipt_no,
            at=row.at.astimezone(self.zone),
            patient_name=name,
            mrn=mrn,
            entry=row.entry,
            kind=row.kind,
            tender=row.tender,
            amount_cents=row.amount,
            clerk=self.names[row.staff],
            visit_day=row.visit_day,
            tendered_cents=row.tendered if row.entry is Entry.PAYMENT else 0,
            change_cents=row.change,
            check_number=row.check_number,
            card_last4=row.card_last4,
            card_auth=row.card_auth,
            reverses_receipt_no=original.receipt_no if original else None,
            reverses_day=original.business_date
            if original and original.business_date != row.business_date
            else None,
            reason=row.reason,
            approver=self.names[row.approver] if row.approver else "",
        )
        return (
            row.id,
            row.receipt_no,
            row.entry.value,
            business_date.isoformat(),
            stamp(row.at),
            row.drawer.id,
            row.staff,
            row.patient,
            row.appointment,
            row.kind.value,
            row.tender.value,
            row.amount,
            facts.tendered_cents,
            facts.change_cents,
            row.check_number,
            row.card_last4,
            row.card_auth,
            original.id if original else None,
            row.reason,
            row.approver,
            render(facts),
        )

    def day(
        self,
        day: date,
        quota: int,
        visits: list[Visit],
        clerks: list[int],
        desk: Shift,
        *,
        count: bool,
    ) -> DayMoney:
        """``quota`` money rows for ``day`` (only up to now), its drawers, and (with
        ``count``, for a day that is over) their counts."""
        out = DayMoney()
        opens, closes = self._local(day, desk[0]), self._local(day, desk[1])
        if quota <= 0 or not clerks or opens >= self.now:
            return out
        rng = self.rng
        drawers: list[DrawerState] = []
        for staff in clerks:
            opened = (opens - timedelta(minutes=rng.uniform(0, 10))).astimezone(UTC)
            drawers.append(DrawerState(self.next_drawer, staff, opened))
            out.drawers.append(
                (self.next_drawer, staff, day.isoformat(), stamp(opened), FLOAT_CENTS, _FLOAT_JSON)
            )
            self.next_drawer += 1
        last = min(closes.astimezone(UTC), self.now)
        first = min((opens + timedelta(minutes=5)).astimezone(UTC), last)
        rows = self._plan(day, quota, visits, drawers, first, last)
        self._settle(rows, day)
        names = self._names(rows)
        out.payments = [self._tuple(row, names) for row in rows]
        self.earlier.extend(r for r in rows if r.entry is Entry.PAYMENT and not r.voided)
        if count and closes <= self.now:
            out.counts = self.counter.count(drawers, day, closes.astimezone(UTC))
        return out
