"""The drawer screen's helpers (printing, header, key lists) and its other actions:
choose the patient, reprint, void, refund, hand a balance to billing.

Split from :mod:`frontdesk.screens.drawer` to keep each file short. Voids and
refunds go through the supervisor's approval dialog, which runs the reversal
itself: nothing changes unless it is approved.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.text import Text
from textual.binding import Binding

from frontdesk.data.balances import PaymentContext, PaymentLine
from frontdesk.data.models import Entry, Tender
from frontdesk.data.payments import Taken, flag_for_billing
from frontdesk.data.receipts import TENDER_LABELS, receipt_label
from frontdesk.data.reversals import ReversalRequest, reverse
from frontdesk.dialogs.approval import Approval, ApprovalDialog
from frontdesk.dialogs.note import NoteDialog
from frontdesk.money import format_cents
from frontdesk.printing import print_command, send
from frontdesk.screens.base import DeskScreen
from frontdesk.widgets.payment_form import PaymentValues
from frontdesk.widgets.receipt_view import ReceiptView
from frontdesk.widgets.recent_payments import RecentPayments
from frontdesk.widgets.safe import joined, safe


def print_receipt(text: str, command: str) -> str | None:
    """Print after the commit; any failure is a message, never an exception."""
    try:
        return send(text, command)
    except Exception:  # a printer problem must never look like a failed payment
        return "The printer did not answer"


def print_status(error: str | None, command: str) -> str:
    """What happened to the paper copy, in words."""
    if not command:
        return "No receipt printer is set up: this screen is the receipt."
    if error:
        return f"! Not printed: {error}. The payment stands; r on it reprints."
    return "Receipt printed."


def describe(taken: Taken, values: PaymentValues) -> str:
    """``R-000001 $25.00 cash, change $15.00`` for the message line."""
    text = f"{receipt_label(taken.receipt_no)} {format_cents(taken.amount_cents)}"
    if values.tender is Tender.CASH:
        return f"{text} cash, change {format_cents(taken.change_cents)}"
    if values.tender is Tender.CHECK:
        return f"{text} check no. {values.check_number.strip()}"
    return f"{text} card …{values.card_last4.strip()}"


def head_lines(ctx: PaymentContext, zone: ZoneInfo, width: int) -> tuple[Text, str, str]:
    """The header (patient; drawer) and the "For" line: what is owed for what."""
    drawer = ctx.drawer
    if drawer is None:
        right = "No drawer open"
    else:
        since = drawer.opened_at.astimezone(zone)
        right = f"Drawer {drawer.id} ({drawer.clerk}) open since {since:%H:%M}"
        if not ctx.drawer_today:
            right = f"Drawer {drawer.id} ({drawer.clerk}) of {drawer.business_date:%d %b}"
    if ctx.patient_id is None and (drawer is None or not ctx.drawer_today):
        left = joined(("Take payment", "bold"))
    elif ctx.patient_id is None:
        left = joined(("Take payment", "bold"), "  no patient yet (^f finds one)")
    else:
        # A long name gives way (…) before the MRN or the drawer do.
        name = safe(ctx.patient_name)
        name.truncate(width - len(right) - len(ctx.mrn) - 24, overflow="ellipsis")
        left = Text.assemble(("Take payment", "bold"), "  ", name, f"  MRN {ctx.mrn}")
    if ctx.patient_id is None:
        return left, right, "For        (choose the patient: ^f)"
    if ctx.appointment_id is None or ctx.visit_day is None:
        copay = "Copay      no visit today"
    elif ctx.copay_due_cents:
        copay = f"Copay {ctx.visit_day:%d %b}  {format_cents(ctx.copay_due_cents)}"
    else:
        copay = f"Copay {ctx.visit_day:%d %b}  nothing owed"
    balance = format_cents(ctx.balance_due_cents) if ctx.balance_due_cents else "nothing owed"
    return left, right, f"For        {copay}     Past due  {balance}"


FORM_KEYS = [
    Binding("enter", "", "Take & print"),
    Binding("tab", "", "Next field"),
    Binding("down", "", "Recent payments", key_display="↓"),
    Binding("ctrl+f", "", "Patient"),
    Binding("ctrl+b", "", "To billing"),
    Binding("escape", "", "Cancel"),
    Binding("ctrl+k", "", "Callback"),
    Binding("ctrl+l", "", "Lock"),
]
LIST_KEYS = [
    Binding("r", "", "Reprint (COPY)"),
    Binding("v", "", "Void"),
    Binding("f", "", "Refund"),
    Binding("b", "", "To billing"),
    Binding("up", "", "Choose", key_display="↑↓"),
    Binding("escape", "", "Back to the form"),
    Binding("ctrl+l", "", "Lock"),
]
FLOAT_KEYS = [
    Binding("enter", "", "Next; on the last: open drawer"),
    Binding("ctrl+s", "", "Open drawer"),
    Binding("escape", "", "Cancel"),
    Binding("ctrl+l", "", "Lock"),
]
STALE_KEYS = [
    Binding("down", "", "Recent payments", key_display="↓"),
    Binding("escape", "", "Back"),
    Binding("ctrl+l", "", "Lock"),
]


class DrawerActions(DeskScreen):
    """Base of the drawer screen: everything done on a recent payment or for billing."""

    patient_id: int | None
    appointment_id: int | None
    prefill_cents: int | None
    ctx: PaymentContext | None
    stage: str
    notes: list[str]
    _receipt_closes: bool
    _asked_patient: bool

    @property
    def recent(self) -> RecentPayments:
        """The drawer's recent payments."""
        return self.query_one(RecentPayments)

    def load(self, *, fill: bool = False) -> None:
        """Read the drawer and the patient again (the screen does it)."""
        raise NotImplementedError

    def _set_stage(self, stage: str) -> None:
        raise NotImplementedError

    def _print_command(self) -> str:
        return print_command(self.clinic.print_command)

    # --- the patient --------------------------------------------------------------------

    def action_pick_patient(self) -> None:
        """Choose the patient with the patient search (``/`` or ^f)."""
        from frontdesk.screens.find import FindScreen

        if self.stage not in ("pay", "loading"):
            return
        self._asked_patient = True
        self.app.push_screen(FindScreen(pick=True), self._picked)

    def _picked(self, patient_id: int | None) -> None:
        if patient_id is None:
            if self.patient_id is None:
                self.say("No patient chosen: ^f finds one")
            return
        self.patient_id = patient_id
        self.appointment_id = None
        self.prefill_cents = None
        self.load(fill=True)

    # --- recent payments ----------------------------------------------------------------

    def _selected_payment(self, verb: str) -> PaymentLine | None:
        line = self.recent.selected() if self.focused is self.recent else None
        if line is None:
            self.say(f"Choose the payment to {verb} in the list first (↓)", error=True)
            return None
        return line

    def action_reprint(self) -> None:
        """Print the selected receipt again, marked COPY (and VOID if voided)."""
        line = self._selected_payment("reprint")
        if line is None:
            return
        from frontdesk.data.payments import receipt_copy

        engine, staff, command = self.engine, self.staff, self._print_command()

        def job() -> tuple[str, str | None]:
            text = receipt_copy(engine, line.receipt_no, staff=staff)
            return text, print_receipt(text, command)

        def done(result: tuple[str, str | None]) -> None:
            text, error = result
            label = receipt_label(line.receipt_no)
            self._show_receipt(
                text, f"Copy of {label}", status=print_status(error, command), closes=False
            )
            self.say(f"{label} reprinted (COPY)" if not error else f"{label}: not printed")

        self.db(job, done)

    def action_void(self) -> None:
        """Void the selected payment (today's only), with a supervisor's approval."""
        self._reverse(Entry.VOID)

    def action_refund(self) -> None:
        """Refund some or all of the selected payment, with a supervisor's approval."""
        self._reverse(Entry.REFUND)

    def _reverse(self, entry: Entry) -> None:
        verb = "void" if entry is Entry.VOID else "refund"
        line = self._selected_payment(verb)
        if line is None:
            return
        label = receipt_label(line.receipt_no)
        left = line.amount_cents - line.refunded_cents
        if line.entry is not Entry.PAYMENT:
            self.say(f"{label} is itself a {line.entry.value}: choose a payment", error=True)
            return
        if line.voided:
            self.say(f"{label} is already void", error=True)
            return
        if left <= 0:
            self.say(f"{label} is already fully refunded", error=True)
            return
        tender = TENDER_LABELS[line.tender].lower()
        title = (
            f"{verb.title()} {label}  {format_cents(line.amount_cents)} {tender}  "
            f"{line.patient_name}"
        )
        engine, requester, command = self.engine, self.staff, self._print_command()

        def attempt(approval: Approval) -> tuple[Taken, str | None]:
            request = ReversalRequest(
                receipt_no=line.receipt_no,
                entry=entry,
                reason=approval.reason,
                supervisor=approval.supervisor,
                password=approval.password,
                amount=approval.amount,
            )
            taken = reverse(engine, request, requester=requester)  # committed on return
            return taken, print_receipt(taken.receipt_text, command)

        def approved(result: tuple[Taken, str | None] | None) -> None:
            if result is None:
                self.say(f"Nothing changed: {label} stands")
                return
            self._reversed(line, entry, *result, command=command)

        hint = f"blank = all {format_cents(left)}" if entry is Entry.REFUND else None
        self.app.push_screen(ApprovalDialog(title, attempt, amount_hint=hint), approved)

    def _reversed(
        self, line: PaymentLine, entry: Entry, taken: Taken, error: str | None, *, command: str
    ) -> None:
        word = "Void" if entry is Entry.VOID else "Refund"
        tender = line.tender
        if entry is Entry.REFUND and tender is Tender.CHECK:
            tender = Tender.CASH  # a check is refunded in cash
        give = {
            Tender.CASH: "Give back in cash",
            Tender.CARD: "Credit to the card",
            Tender.CHECK: "Hand back the check",
        }[tender]
        note = (
            f"{receipt_label(taken.receipt_no)} {word.lower()} of "
            f"{receipt_label(line.receipt_no)} {format_cents(taken.amount_cents)}"
        )
        self.notes.append(note)
        self._show_receipt(
            taken.receipt_text,
            f"{word}: {receipt_label(taken.receipt_no)} reverses {receipt_label(line.receipt_no)}",
            status=print_status(error, command),
            closes=False,
            big_label=give,
            big_cents=taken.amount_cents,
        )
        self.say(note)
        self.load()

    def _show_receipt(
        self,
        text: str,
        heading: str,
        *,
        status: str,
        closes: bool,
        big_label: str = "",
        big_cents: int | None = None,
    ) -> None:
        self._receipt_closes = closes
        view = self.query_one(ReceiptView)
        view.show(
            text,
            heading=heading,
            big_label=big_label,
            big_cents=big_cents,
            status=status,
            hint="Enter or Esc: done" if closes else "Enter or Esc: back",
        )
        self._set_stage("receipt")
        self.set_focus(view)

    # --- billing ------------------------------------------------------------------------

    def action_billing(self) -> None:
        """Hand the patient's balance to billing with a note (b, or ^b from a field)."""
        ctx = self.ctx
        if self.stage != "pay" or ctx is None:
            return
        if self.patient_id is None or ctx.patient_id is None:
            self.say("Choose the patient first (^f)", error=True)
            return
        name, patient_id = ctx.patient_name, self.patient_id
        engine, staff = self.engine, self.staff
        owed = format_cents(ctx.balance_due_cents) if ctx.balance_due_cents else "no balance"
        title = f"To billing: {name} ({owed} past due)"

        def saved(flag_id: int | None) -> None:
            if flag_id is None:
                self.say("Nothing sent to billing")
                return
            note = f"{name}: balance handed to billing"
            self.notes.append(note)
            self.say(note)

        self.app.push_screen(
            NoteDialog(
                title,
                "Note for billing (what is unclear, what the patient said):",
                lambda note: flag_for_billing(engine, patient_id, note, staff=staff),
            ),
            saved,
        )
