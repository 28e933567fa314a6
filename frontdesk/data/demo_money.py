"""The demo's morning at the cash drawer: a float, and the copays of those who came.

The desk clerk's drawer opened at 07:45 (or just before the first arrival) and
most arriving patients with a copay paid it a minute after checking in, by
cash, card or check. Only what has already happened by "now" is written.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import Session

from frontdesk.data.models import (
    Appointment,
    DrawerSession,
    Entry,
    Patient,
    Payment,
    PaymentKind,
    Tender,
)
from frontdesk.data.patients import display_name
from frontdesk.data.receipts import ReceiptFacts, render
from frontdesk.data.staff import StaffMember

FLOAT_COUNTS = {2000: 4, 1000: 3, 500: 4, 100: 20, 25: 20}  # $155.00


def seed_drawer(
    session: Session,
    *,
    clinic_name: str,
    zone: ZoneInfo,
    now: datetime,
    appointments: list[Appointment],
    clerk: StaffMember,
    rng: random.Random,
) -> int:
    """Open the clerk's drawer and take today's copays so far; returns the payments made."""
    today = now.astimezone(zone).date()
    arrivals = session.execute(
        text(
            "SELECT e.appointment_id, e.at FROM appointment_event e "
            "WHERE e.to_status = 'ARRIVED' ORDER BY e.at"
        )
    ).all()
    by_id = {a.id: a for a in appointments}
    paying: list[tuple[Appointment, datetime]] = []
    for appt_id, at_text in arrivals:
        appt = by_id.get(appt_id)
        at = datetime.fromisoformat(str(at_text)).replace(tzinfo=ZoneInfo("UTC"))
        if appt is None or at.astimezone(zone).date() != today or not appt.copay_due_cents:
            continue
        paid_at = at + timedelta(minutes=1)
        if paid_at < now and rng.random() < 0.85:
            paying.append((appt, paid_at))
    if not paying:
        return 0
    opened = min(
        datetime(today.year, today.month, today.day, 7, 45, tzinfo=zone),
        paying[0][1] - timedelta(minutes=5),
    )
    drawer = DrawerSession(
        staff_id=clerk.id,
        business_date=today,
        opened_at=opened,
        float_cents=sum(d * n for d, n in FLOAT_COUNTS.items()),
        float_counts=json.dumps({str(d): n for d, n in FLOAT_COUNTS.items()}, sort_keys=True),
    )
    session.add(drawer)
    session.flush()
    assert drawer.id is not None
    for number, (appt, at) in enumerate(paying, start=1):
        patient = session.get(Patient, appt.patient_id)
        assert patient is not None
        tender = rng.choices([Tender.CASH, Tender.CARD, Tender.CHECK], [5, 4, 1])[0]
        amount = appt.copay_due_cents
        tendered = amount
        if tender is Tender.CASH:
            tendered = max(amount, rng.choice([2000, 4000, 5000, amount]))
        facts = ReceiptFacts(
            clinic=clinic_name,
            receipt_no=number,
            at=at.astimezone(zone),
            patient_name=display_name(
                patient.last_name, patient.first_name, patient.preferred_name
            ),
            mrn=patient.mrn,
            entry=Entry.PAYMENT,
            kind=PaymentKind.COPAY,
            tender=tender,
            amount_cents=amount,
            clerk=clerk.display_name,
            visit_day=today,
            tendered_cents=tendered if tender is Tender.CASH else 0,
            change_cents=tendered - amount if tender is Tender.CASH else 0,
            check_number=str(rng.randint(1001, 9999)) if tender is Tender.CHECK else "",
            card_last4=f"{rng.randint(0, 9999):04d}" if tender is Tender.CARD else "",
            card_auth=f"{rng.randint(100000, 999999)}" if tender is Tender.CARD else "",
        )
        session.add(
            Payment(
                receipt_no=number,
                entry=Entry.PAYMENT.value,
                business_date=today,
                at=at,
                drawer_id=drawer.id,
                staff_id=clerk.id,
                patient_id=appt.patient_id,
                appointment_id=appt.id,
                kind=PaymentKind.COPAY.value,
                tender=tender.value,
                amount_cents=amount,
                tendered_cents=facts.tendered_cents,
                change_cents=facts.change_cents,
                check_number=facts.check_number,
                card_last4=facts.card_last4,
                card_auth=facts.card_auth,
                receipt_text=render(facts),
            )
        )
    session.flush()
    return len(paying)
