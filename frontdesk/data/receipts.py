"""Plain-text receipts, 40 columns wide (fits a receipt printer and the screen).

The text of every receipt is stored with its money row when it is taken, so
what was handed to the patient can always be shown again. A reprint adds COPY,
and VOID when the payment has been voided since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from frontdesk.data.models import Entry, PaymentKind, Tender
from frontdesk.money import format_cents

WIDTH = 40

KIND_LABELS = {
    PaymentKind.COPAY: "Copay",
    PaymentKind.PAST_DUE: "Past-due balance",
    PaymentKind.PREPAYMENT: "Prepayment",
    PaymentKind.OTHER: "Other payment",
}
TENDER_LABELS = {Tender.CASH: "Cash", Tender.CHECK: "Check", Tender.CARD: "Card"}


def receipt_label(number: int) -> str:
    """``318`` -> ``"R-000318"``."""
    return f"R-{number:06d}"


@dataclass(frozen=True)
class ReceiptFacts:
    """Everything a receipt prints."""

    clinic: str
    receipt_no: int
    at: datetime  # clinic-local
    patient_name: str
    mrn: str
    entry: Entry
    kind: PaymentKind
    tender: Tender
    amount_cents: int
    clerk: str
    visit_day: date | None = None
    tendered_cents: int = 0
    change_cents: int = 0
    check_number: str = ""
    card_last4: str = ""
    card_auth: str = ""
    reverses_receipt_no: int | None = None
    reverses_day: date | None = None
    reason: str = ""
    approver: str = ""


def _pair(left: str, right: str) -> str:
    room = WIDTH - len(right) - 1
    if len(left) > room:
        left = left[: max(room - 1, 0)] + "…"
    return f"{left}{' ' * (WIDTH - len(left) - len(right))}{right}"


def render(facts: ReceiptFacts) -> str:
    """The receipt as it was handed over."""
    lines = [facts.clinic[:WIDTH].center(WIDTH).rstrip(), ""]
    title = {
        Entry.PAYMENT: "RECEIPT",
        Entry.VOID: "VOID",
        Entry.REFUND: "REFUND",
    }[facts.entry]
    lines.append(_pair(f"{title} {receipt_label(facts.receipt_no)}", f"{facts.at:%d %b %Y %H:%M}"))
    lines.append(_pair(f"Patient {facts.patient_name}", ""))
    lines.append(f"MRN {facts.mrn}")
    lines.append("-" * WIDTH)
    what = KIND_LABELS[facts.kind]
    if facts.entry is not Entry.PAYMENT:
        what = f"{title.title()} of {what.lower()}"
    if facts.kind is PaymentKind.COPAY and facts.visit_day is not None:
        what += f", visit {facts.visit_day:%d %b %Y}"
    if facts.entry is Entry.PAYMENT:
        lines.append(_pair(what, format_cents(facts.amount_cents)))
    else:
        lines.append(_pair(what, f"-{format_cents(facts.amount_cents)}"))
        if facts.reverses_receipt_no is not None:
            original = f"Reverses {receipt_label(facts.reverses_receipt_no)}"
            if facts.reverses_day is not None:
                original += f" of {facts.reverses_day:%d %b %Y}"
            lines.append(original)
    tender = TENDER_LABELS[facts.tender]
    if facts.tender is Tender.CHECK and facts.check_number:
        tender += f" no. {facts.check_number}"
    if facts.tender is Tender.CARD and facts.card_last4:
        tender += f" …{facts.card_last4}"
        if facts.card_auth:
            tender += f" auth {facts.card_auth}"
    verb = "Paid by" if facts.entry is Entry.PAYMENT else "Given back as"
    lines.append(_pair(verb, tender))
    if facts.tender is Tender.CASH and facts.entry is Entry.PAYMENT:
        lines.append(_pair("Tendered", format_cents(facts.tendered_cents)))
        lines.append(_pair("Change", format_cents(facts.change_cents)))
    if facts.reason:
        lines.append(f"Reason: {facts.reason}"[: WIDTH * 2])
    if facts.approver:
        lines.append(f"Approved by {facts.approver}")
    lines.append("-" * WIDTH)
    lines.append(f"Clerk {facts.clerk}")
    lines.append("Thank you.".center(WIDTH).rstrip())
    return "\n".join(lines) + "\n"


def reprint(stored: str, *, voided_by: int | None) -> str:
    """A stored receipt marked COPY (and VOID with the voiding receipt, if any)."""
    banner = ["*** COPY ***".center(WIDTH).rstrip()]
    if voided_by is not None:
        banner.append(f"*** VOID: see {receipt_label(voided_by)} ***".center(WIDTH).rstrip())
    return "\n".join(banner) + "\n" + stored
