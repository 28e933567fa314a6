"""The clerks of the eight-terminals test: what one terminal does, in a process of its own.

Kept free of pytest and of the test fixtures so a spawned process imports it
cheaply. Each clerk opens their drawer, then works through their booked
patients one round at a time: check the patient in, take the copay in cash,
book the follow-up into the first opening offered (reading fresh openings
after a :class:`~frontdesk.data.booking.SlotTaken`, as the screen does), and,
interleaved with that, take a phone message, try the oldest open one and close
it when the caller was reached. The clerk does not pause between actions (a
person takes seconds), so the terminals' writes overlap all the time.

Everything the clerk saw succeed is reported (ids, receipt numbers, amounts),
and every error by type and message; the test checks the report against the
database.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from typing import Any

MAX_BOOKING_TRIES = 50
ATTEMPT_WEIGHTS = {"reached": 5, "voicemail": 3, "no_answer": 2}


def new_report(clerk_id: int) -> dict[str, Any]:
    """An empty report: plain lists and numbers, so it crosses the result queue."""
    return {
        "clerk": clerk_id,
        "drawer": None,  # (drawer id, float in cents)
        "check_ins": [],  # (appointment id, patient id, copay due in cents)
        "payments": [],  # (payment id, receipt no, amount, appointment id, drawer id)
        "bookings": [],  # (appointment id, patient id, provider id, start ISO)
        "callbacks": {},  # callback id -> {"patient": id, "attempts": [result], "closed": bool}
        "slot_taken": 0,
        "searches": 0,
        "actions": 0,
        "errors": [],  # "action: ErrorType: message"
        "seconds": 0.0,
    }


class Terminal:
    """One clerk at one terminal, with an engine of its own."""

    def __init__(
        self, engine: Any, clerk: Any, type_id: int, rng: random.Random, report: dict[str, Any]
    ) -> None:
        self.engine = engine
        self.clerk = clerk
        self.type_id = type_id
        self.rng = rng
        self.report = report
        self.arrived: set[int] = set()
        self.open_items: deque[int] = deque()  # this clerk's open callbacks, oldest first

    def perform(self, what: str, action: Callable[[], None]) -> None:
        """Run one action; any exception is reported by type, never raised."""
        try:
            action()
        except Exception as error:  # report everything, DatabaseBusy included
            self.report["errors"].append(f"{what}: {type(error).__name__}: {error}")

    def done(self) -> None:
        """Count one action the clerk saw succeed."""
        self.report["actions"] += 1

    # --- the actions --------------------------------------------------------------------

    def open_drawer(self, counts: dict[int, str]) -> None:
        """Count the float into a drawer of the clerk's own."""
        from frontdesk.data.drawer import open_drawer

        drawer = open_drawer(self.engine, staff=self.clerk, counts=counts)
        self.report["drawer"] = (drawer.id, drawer.float_cents)
        self.done()

    def check_in(self, patient_id: int, appointment_id: int, copay_cents: int) -> None:
        """Check a booked patient in: identity seen, eligibility verified, copay set."""
        from frontdesk.data.checkin import CheckInRequest, check_in

        request = CheckInRequest(
            patient_id=patient_id,
            appointment_id=appointment_id,
            identity_verified=True,
            handled={"eligibility"},
            copay_due_cents=copay_cents,
        )
        result = check_in(self.engine, request, staff=self.clerk)
        if not result.changed:
            raise AssertionError(f"check-in of appointment {appointment_id} changed nothing")
        self.arrived.add(appointment_id)
        self.report["check_ins"].append((appointment_id, patient_id, result.copay_due_cents))
        self.done()

    def pay(self, patient_id: int, appointment_id: int, copay_cents: int) -> None:
        """Take the copay in cash, sometimes with a larger bill (change from the drawer)."""
        from frontdesk.data.models import PaymentKind, Tender
        from frontdesk.data.payments import PaymentRequest, take_payment
        from frontdesk.money import plain_cents

        if appointment_id not in self.arrived:
            return  # the check-in failed and was reported; nobody takes a copay then
        bill = self.rng.choice((0, 2000, 5000))
        tendered = max(bill, copay_cents) if bill else copay_cents
        taken = take_payment(
            self.engine,
            PaymentRequest(
                patient_id=patient_id,
                amount=plain_cents(copay_cents),
                kind=PaymentKind.COPAY,
                tender=Tender.CASH,
                appointment_id=appointment_id,
                tendered=plain_cents(tendered),
            ),
            staff=self.clerk,
        )
        self.report["payments"].append(
            (
                taken.payment_id,
                taken.receipt_no,
                taken.amount_cents,
                appointment_id,
                taken.drawer_id,
            )
        )
        self.done()

    def book(self, patient_id: int) -> None:
        """Book the follow-up into the first opening; on SlotTaken, search again."""
        from frontdesk.data.booking import BookingRequest, SlotTaken, book
        from frontdesk.data.openings import OpeningQuery, search_openings

        for _ in range(MAX_BOOKING_TRIES):
            found = search_openings(self.engine, OpeningQuery(type_id=self.type_id))
            self.report["searches"] += 1
            if not found.openings:
                raise AssertionError("no opening offered")
            first = found.openings[0]
            request = BookingRequest(
                patient_id=patient_id,
                provider_id=first.provider_id,
                type_id=self.type_id,
                start=first.start,
            )
            try:
                booked = book(self.engine, request, staff=self.clerk)
            except SlotTaken:
                self.report["slot_taken"] += 1
                continue
            self.report["bookings"].append(
                (booked.appointment_id, patient_id, first.provider_id, booked.start.isoformat())
            )
            self.done()
            return
        raise AssertionError(f"still no slot after {MAX_BOOKING_TRIES} fresh searches")

    def add_callback(self, patient_id: int) -> None:
        """Take a phone message from a patient."""
        from frontdesk.data.callbacks import NewCallback, add_callback

        reason = self.rng.choice(("billing", "scheduling", "records"))
        added = add_callback(
            self.engine,
            NewCallback(reason=reason, patient_id=patient_id, notes="Asked for a call back"),
            staff=self.clerk,
        )
        self.report["callbacks"][added.callback_id] = {
            "patient": patient_id,
            "attempts": [],
            "closed": False,
        }
        self.open_items.append(added.callback_id)
        self.done()

    def try_oldest(self) -> None:
        """Call back the oldest open item; close it when the caller was reached."""
        from frontdesk.data.callbacks import close_callback, log_attempt

        if not self.open_items:
            return  # the add failed and was reported
        item = self.open_items[0]
        result = self.rng.choices(list(ATTEMPT_WEIGHTS), list(ATTEMPT_WEIGHTS.values()))[0]
        log_attempt(self.engine, item, result, staff=self.clerk)
        self.report["callbacks"][item]["attempts"].append(result)
        self.done()
        if result != "reached":
            return
        close_callback(self.engine, item, "resolved", staff=self.clerk, note="Answered")
        self.report["callbacks"][item]["closed"] = True
        self.open_items.popleft()
        self.done()

    # --- the day ------------------------------------------------------------------------

    def round(self, patient_id: int, appointment_id: int, copay_cents: int) -> None:
        """One patient at the counter and one phone message, their steps interleaved."""
        counter: deque[tuple[str, Callable[[], None]]] = deque(
            [
                ("check-in", lambda: self.check_in(patient_id, appointment_id, copay_cents)),
                ("payment", lambda: self.pay(patient_id, appointment_id, copay_cents)),
                ("booking", lambda: self.book(patient_id)),
            ]
        )
        phone: deque[tuple[str, Callable[[], None]]] = deque(
            [
                ("callback", lambda: self.add_callback(patient_id)),
                ("attempt", self.try_oldest),
            ]
        )
        while counter or phone:
            chain = self.rng.choice([c for c in (counter, phone) if c])
            what, action = chain.popleft()
            self.perform(what, action)


def clerk_worker(
    db_path: str,
    clerk: Any,
    float_counts: dict[int, str],
    visits: list[tuple[int, int, int]],
    type_id: int,
    seed: int,
    barrier: Any,
    results: Any,
) -> None:
    """A clerk's day: open the drawer, then one round per (patient, appointment, copay)."""
    from frontdesk.data.db import make_engine

    engine = make_engine(db_path)
    report = new_report(clerk.id)
    terminal = Terminal(engine, clerk, type_id, random.Random(seed), report)
    try:
        barrier.wait(timeout=120)
        started = time.perf_counter()
        terminal.perform("drawer", lambda: terminal.open_drawer(float_counts))
        if report["drawer"] is not None:
            for patient_id, appointment_id, copay_cents in visits:
                terminal.round(patient_id, appointment_id, copay_cents)
        report["seconds"] = time.perf_counter() - started
    except BaseException as error:  # a broken barrier, say: the test shows it
        report["errors"].append(f"worker: {type(error).__name__}: {error}")
    finally:
        engine.dispose()
        results.put(report)
