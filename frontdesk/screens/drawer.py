"""Take payment: the clerk's drawer, one patient's payment, its receipt, recent payments.

After check-in hands over a cash copay: type what was handed over, Enter (taken
and printed), Enter (back to the schedule). With no drawer open today the screen
first asks for the float; with no patient it first opens the patient search.
The receipt number is shown only after the payment is committed; printing
follows the commit and a printer problem never undoes a payment.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import DescendantFocus
from textual.widget import Widget
from textual.widgets import DataTable, Static

from frontdesk.data.balances import PaymentContext, payment_context
from frontdesk.data.drawer import Drawer, open_drawer
from frontdesk.data.errors import FrontDeskError, InvalidInput
from frontdesk.data.models import PaymentKind, Tender
from frontdesk.data.payments import PaymentRequest, Taken, take_payment
from frontdesk.data.receipts import TENDER_LABELS, receipt_label
from frontdesk.money import format_cents
from frontdesk.printing import print_command
from frontdesk.screens.base import MessageLine
from frontdesk.screens.drawer_actions import (
    FLOAT_KEYS,
    FORM_KEYS,
    LIST_KEYS,
    STALE_KEYS,
    DrawerActions,
    describe,
    head_lines,
    print_receipt,
    print_status,
)
from frontdesk.widgets.float_count import FloatCount
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.payment_form import PaymentForm, PaymentValues
from frontdesk.widgets.receipt_view import ReceiptView
from frontdesk.widgets.recent_payments import RecentPayments
from frontdesk.widgets.safe import joined


@dataclass(frozen=True)
class DrawerOutcome:
    """What the screen below says when the drawer screen closes."""

    message: str
    copay_paid_cents: int = 0  # toward the visit's copay, for check-in


class DrawerScreen(DrawerActions):
    """Dismisses with a :class:`DrawerOutcome` for the message line (or ``None``)."""

    CSS_PATH = "drawer.tcss"
    AUTO_FOCUS = None  # focus is placed once the drawer is known (keys wait until then)
    BINDINGS = [
        Binding("enter", "enter", "Take & print", id="drawer.take", show=False),
        Binding("down", "recent", "Recent payments", id="drawer.recent", show=False),
        Binding("slash,ctrl+f", "pick_patient", "Patient", id="drawer.patient", show=False),
        Binding("b,ctrl+b", "billing", "To billing", id="drawer.billing", show=False),
        Binding("escape", "back", "Cancel", id="drawer.back", show=False),
        Binding("ctrl+l", "lock", "Lock", id="lock", show=False),
    ]

    def __init__(
        self,
        patient_id: int | None = None,
        appointment_id: int | None = None,
        *,
        prefill_cents: int | None = None,
    ) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.appointment_id = appointment_id
        self.prefill_cents = prefill_cents  # the copay handed over by check-in
        self.ctx: PaymentContext | None = None
        self.stage = "loading"  # loading | float | stale | pay | receipt
        self.outcome: DrawerOutcome | None = None
        self.notes: list[str] = []  # voids, refunds, billing notes done here
        self._receipt_closes = False  # Enter on a new payment's receipt goes back
        self._busy = False
        self._take_when_loaded = False
        self._asked_patient = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="head"):
            yield Static("Take payment", id="head-left", markup=False)
            yield Static("", id="head-right", markup=False)
        yield Static("", id="for", markup=False)
        yield FloatCount(self.clinic.denominations, id="float")
        yield Static("", id="stale", markup=False)
        yield PaymentForm(id="pay")
        yield ReceiptView(id="receipt")
        yield Static("Recent payments in this drawer", id="recent-title", markup=False)
        yield RecentPayments(id="recent")
        yield MessageLine(id="message")
        yield KeyBar(FORM_KEYS)

    @property
    def form(self) -> PaymentForm:
        """The payment's fields."""
        return self.query_one(PaymentForm)

    def on_mount(self) -> None:
        """Handed a copay: fill it in and wait in Tendered at once (keys typed ahead land there)."""
        self._set_stage("loading")
        if self.prefill_cents is not None:
            kind = PaymentKind.COPAY if self.appointment_id else PaymentKind.OTHER
            self.form.fill(amount_cents=self.prefill_cents, kind=kind)
            self.form.focus_entry()
        self.load(fill=self.prefill_cents is None)

    # --- loading ------------------------------------------------------------------------

    def load(self, *, fill: bool = False) -> None:
        """Read the drawer, its recent payments and what the patient owes."""
        engine, staff_id = self.engine, self.staff.id
        patient_id, appointment_id = self.patient_id, self.appointment_id
        self.db(
            lambda: payment_context(
                engine, staff_id=staff_id, patient_id=patient_id, appointment_id=appointment_id
            ),
            lambda ctx: self.show_context(ctx, fill=fill),
            exclusive=True,
        )

    def show_context(self, ctx: PaymentContext, *, fill: bool) -> None:
        """Put the drawer and the patient on screen; choose the stage."""
        self.ctx = ctx
        if ctx.appointment_id is not None:
            self.appointment_id = ctx.appointment_id
        self._show_head(ctx)
        self.recent.show(ctx.recent)
        self.form.owed = {
            PaymentKind.COPAY: ctx.copay_due_cents,
            PaymentKind.PAST_DUE: ctx.balance_due_cents,
        }
        if ctx.drawer is None:
            self._take_when_loaded = False
            if self.stage != "float":
                self._set_stage("float")
                self.query_one(FloatCount).focus_first()
            return
        if not ctx.drawer_today:
            self._take_when_loaded = False
            self._show_stale(ctx.drawer)
            return
        if self.stage == "loading":
            self._set_stage("pay")
        if fill:
            self._fill(ctx)
        if self.stage == "pay" and (fill or not self._focus_in(self.form)):
            self.form.focus_entry()
        if self.patient_id is None and not self._asked_patient:
            self.action_pick_patient()
        if self._take_when_loaded:
            self._take_when_loaded = False
            self.action_take()

    def _fill(self, ctx: PaymentContext) -> None:
        if ctx.copay_due_cents:
            self.form.fill(amount_cents=ctx.copay_due_cents, kind=PaymentKind.COPAY)
        elif ctx.balance_due_cents:
            self.form.fill(amount_cents=ctx.balance_due_cents, kind=PaymentKind.PAST_DUE)
        else:
            self.form.fill(amount_cents=None, kind=PaymentKind.OTHER)

    def _show_head(self, ctx: PaymentContext) -> None:
        left, right, for_line = head_lines(ctx, self.clinic.zone, max(self.size.width, 80))
        self.query_one("#head-left", Static).update(left)
        self.query_one("#head-right", Static).update(joined(right))
        self.query_one("#for", Static).update(for_line)

    def _show_stale(self, drawer: Drawer) -> None:
        self.query_one("#stale", Static).update(
            f"! Your drawer {drawer.id} from {drawer.business_date:%a %d %b} is still open.\n"
            "  It has to be counted at close (a supervisor's End day) before you can\n"
            "  open today's drawer or take payments. Its receipts can still be reprinted\n"
            "  below (↓, then r)."
        )
        if self.stage != "stale":
            self._set_stage("stale")
            self.set_focus(self.recent)

    # --- stages and keys ----------------------------------------------------------------

    def _set_stage(self, stage: str) -> None:
        self.stage = stage
        shown = {
            "loading": {"for", "pay", "recent-title", "recent"},
            "float": {"float"},
            "stale": {"stale", "recent-title", "recent"},
            "pay": {"for", "pay", "recent-title", "recent"},
            "receipt": {"receipt"},
        }[stage]
        for name in ("for", "float", "stale", "pay", "receipt", "recent-title", "recent"):
            self.query_one(f"#{name}").display = name in shown
        self._show_keys()

    def _focus_in(self, widget: Widget) -> bool:
        return self.focused is not None and widget in self.focused.ancestors_with_self

    def _show_keys(self) -> None:
        if self.stage == "float":
            keys = FLOAT_KEYS
        elif self.stage == "receipt":
            label = "Done" if self._receipt_closes else "Back"
            keys = [Binding("enter", "", label, key_display="Enter/Esc")]
        elif self.focused is self.recent and self.stage == "stale":
            keys = [*LIST_KEYS[:3], LIST_KEYS[4], Binding("escape", "", "Back"), LIST_KEYS[-1]]
        elif self.focused is self.recent:
            keys = LIST_KEYS
        elif self.stage == "stale":
            keys = STALE_KEYS
        else:
            keys = FORM_KEYS
        self.query_one(KeyBar).set_bindings(keys)

    def on_descendant_focus(self, _event: DescendantFocus) -> None:
        """The keys shown follow where the clerk is."""
        self._show_keys()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a recent payment does nothing by itself (r, v, f act on it)."""
        event.stop()

    def action_drawer(self) -> None:
        """Already here: ``$`` does nothing more."""

    def action_enter(self) -> None:
        """Enter where no field takes it: take the payment, or leave the receipt."""
        if self.stage == "receipt":
            self.action_back()
        elif self.stage in ("pay", "loading"):
            self.action_take()
        elif self.stage == "float":
            self.query_one(FloatCount).action_counted()

    def action_back(self) -> None:
        """Esc: out of the list, off a reprint, or leave the screen (nothing is taken)."""
        if self._busy:
            return
        if self.stage == "receipt" and not self._receipt_closes:
            self._set_stage("pay" if self.ctx and self.ctx.drawer_today else "stale")
            self.set_focus(self.recent)
            return
        if self.focused is self.recent and self.stage == "pay":
            self.form.focus_entry()
            return
        if self.outcome is not None:
            self.dismiss(self.outcome)
        elif self.notes:
            self.dismiss(DrawerOutcome("; ".join(self.notes)))
        else:
            self.dismiss(None)

    def action_recent(self) -> None:
        """Into the recent payments (↓ from the form)."""
        if self.stage == "float":
            self.focus_next()
            return
        if self.stage not in ("pay", "stale"):
            return
        if not self.recent.row_count:
            self.say("No payments in this drawer yet")
            return
        self.set_focus(self.recent)

    # --- opening the drawer -------------------------------------------------------------

    @on(FloatCount.Counted)
    def _open(self, event: FloatCount.Counted) -> None:
        event.stop()
        if self._busy:
            return
        self._busy = True
        engine, staff, counts = self.engine, self.staff, event.counts
        self.db(
            lambda: open_drawer(engine, staff=staff, counts=counts),
            self._opened,
            failed=self._open_refused,
        )

    def _opened(self, drawer: Drawer) -> None:
        self._busy = False
        self.say(f"Drawer {drawer.id} open with a float of {format_cents(drawer.float_cents)}")
        self._set_stage("pay")
        self.form.focus_entry()
        self.load(fill=self.prefill_cents is None)

    def _open_refused(self, error: FrontDeskError) -> None:
        self._busy = False
        self.query_one(FloatCount).show_error(error.field, error.message)
        self.say(f"The drawer is not open: {error.message}", error=True)

    # --- taking the payment -------------------------------------------------------------

    @on(PaymentForm.Submitted)
    def _submitted(self, event: PaymentForm.Submitted) -> None:
        event.stop()
        self.action_take()

    def action_take(self) -> None:
        """Take the payment and print its receipt (Enter on the form)."""
        if self._busy:
            return
        ctx = self.ctx
        if ctx is None:
            self._take_when_loaded = True  # typed ahead: take it once the drawer is known
            return
        if self.stage != "pay":
            return
        if self.patient_id is None:
            self.action_pick_patient()
            return
        values = self.form.values()
        request = PaymentRequest(
            patient_id=self.patient_id,
            amount=values.amount,
            kind=values.kind,
            tender=values.tender,
            appointment_id=ctx.appointment_id if values.kind is PaymentKind.COPAY else None,
            tendered=values.tendered,
            check_number=values.check_number,
            card_last4=values.card_last4,
            card_auth=values.card_auth,
        )
        engine, staff = self.engine, self.staff
        command = print_command(self.clinic.print_command)

        def job() -> tuple[Taken, str | None]:
            taken = take_payment(engine, request, staff=staff)  # committed on return
            return taken, print_receipt(taken.receipt_text, command)

        self._busy = True
        self.form.clear_errors()
        self.db(
            job,
            lambda result: self._taken(*result, values=values, command=command),
            failed=self._refused,
        )

    def _taken(
        self, taken: Taken, print_error: str | None, *, values: PaymentValues, command: str
    ) -> None:
        self._busy = False
        message = describe(taken, values)
        if print_error:
            message += f" · not printed: {print_error}"
        copay = taken.amount_cents if values.kind is PaymentKind.COPAY else 0
        self.outcome = DrawerOutcome(message, copay_paid_cents=copay)
        cash = values.tender is Tender.CASH
        heading = (
            f"Taken: {receipt_label(taken.receipt_no)}  {format_cents(taken.amount_cents)}"
            f"  {TENDER_LABELS[values.tender].lower()}"
        )
        self._receipt_closes = True
        self.query_one(ReceiptView).show(
            taken.receipt_text,
            heading=heading,
            big_label="Change due" if cash else "",
            big_cents=taken.change_cents if cash else None,
            status=print_status(print_error, command),
            hint="Enter or Esc: done",
        )
        self._set_stage("receipt")
        self.set_focus(self.query_one(ReceiptView))
        self.say(message)
        self.load()

    def _refused(self, error: FrontDeskError) -> None:
        """Nothing was taken: say why at the field concerned; everything typed stays."""
        self._busy = False
        if isinstance(error, InvalidInput) and self.form.show_error(error.field, error.message):
            self.say("Nothing was taken: fix the field marked !", error=True)
            return
        self.say(f"Nothing was taken: {error.message}", error=True)
        if isinstance(error, InvalidInput) and error.field == "drawer":
            self.load()
