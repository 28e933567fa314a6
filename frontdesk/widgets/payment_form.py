"""The fields of one payment: amount, kind, tender and the tender's own details.

Only the chosen tender's fields show; what was typed in the others is kept.
Cash shows the change due as the clerk types what was handed over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from frontdesk.data.models import PaymentKind, Tender
from frontdesk.money import InvalidAmount, format_cents, parse_cents, plain_cents
from frontdesk.widgets.choice_row import ChoiceRow
from frontdesk.widgets.fields import FieldMessage, TextField
from frontdesk.widgets.keys import run_now

KINDS = (
    (PaymentKind.COPAY.value, "Copay"),
    (PaymentKind.PAST_DUE.value, "Past due"),
    (PaymentKind.PREPAYMENT.value, "Prepayment"),
    (PaymentKind.OTHER.value, "Other"),
)
TENDERS = ((Tender.CASH.value, "Cash"), (Tender.CHECK.value, "Check"), (Tender.CARD.value, "Card"))
# The data layer's field names -> (the widget to focus, where its message goes)
FIELDS = {
    "amount": ("amount", "m-amount"),
    "kind": ("kind", "m-kind"),
    "visit": ("kind", "m-kind"),
    "tendered": ("tendered", "m-tendered"),
    "check": ("check", "m-check"),
    "last4": ("last4", "m-card"),
    "auth": ("auth", "m-card"),
}
# A field's message clears as soon as the clerk edits the field
TYPED_MESSAGES = {
    "amount": "m-amount",
    "tendered": "m-tendered",
    "check": "m-check",
    "last4": "m-card",
    "auth": "m-card",
}
FIRST_FIELD = {Tender.CASH: "tendered", Tender.CHECK: "check", Tender.CARD: "last4"}
TENDER_ROWS = {Tender.CASH: "row-cash", Tender.CHECK: "row-check", Tender.CARD: "row-card"}


@dataclass(frozen=True)
class PaymentValues:
    """What is typed and chosen, as text (the data layer checks it)."""

    amount: str
    kind: PaymentKind
    tender: Tender
    tendered: str
    check_number: str
    card_last4: str
    card_auth: str


# Screen keys the form's fields run at once (they move the focus or open a screen)
SCREEN_KEYS = frozenset({"down", "escape", "ctrl+f", "ctrl+b"})
ROW_KEYS = SCREEN_KEYS | {"enter", "b", "slash"}


class PayField(TextField):
    """A payment field: ↓ (to the list), Esc, ^f, ^b act at once, before the keys behind."""

    async def _on_key(self, event: events.Key) -> None:
        if self.app.focused is self:
            await run_now(self, event, SCREEN_KEYS)
        # otherwise TextField._on_key runs next: it types, or hands the key back


class PaymentForm(Vertical):
    """Enter in any field posts :class:`PaymentForm.Submitted`."""

    DEFAULT_CSS = """
    PaymentForm { height: auto; padding: 0 1; }
    PaymentForm .pay-row { height: auto; }
    PaymentForm .pay-label { width: 12; }
    PaymentForm TextField { width: 12; background: $boost; }
    PaymentForm #last4 { width: 6; }
    PaymentForm #auth { width: 10; }
    PaymentForm #auth-label { width: auto; padding: 0 1 0 2; }
    PaymentForm ChoiceRow { width: auto; }
    PaymentForm #change { width: auto; padding-left: 2; text-style: bold; }
    PaymentForm FieldMessage { padding-left: 2; }
    PaymentForm #m-kind { padding-left: 12; }
    """

    class Submitted(Message):
        """Enter was pressed in one of the form's fields."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.owed: dict[PaymentKind, int] = {}
        self._auto_amount = ""  # the amount the form filled in itself (replaced on a kind change)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="pay-row"):
            yield Static("Amount", classes="pay-label", markup=False)
            yield PayField(id="amount", max_length=14)
            yield FieldMessage(id="m-amount")
        with Horizontal(classes="pay-row"):
            yield Static("Kind", classes="pay-label", markup=False)
            yield ChoiceRow(KINDS, value=PaymentKind.OTHER.value, id="kind", screen_keys=ROW_KEYS)
        yield FieldMessage(id="m-kind")
        with Horizontal(classes="pay-row"):
            yield Static("Tender", classes="pay-label", markup=False)
            yield ChoiceRow(
                TENDERS,
                value=Tender.CASH.value,
                id="tender",
                on_change=self._tender_changed,
                tab_to=lambda: self.field(FIRST_FIELD[self.values().tender]),
                screen_keys=ROW_KEYS,
            )
        with Horizontal(classes="pay-row", id="row-cash"):
            yield Static("Tendered", classes="pay-label", markup=False)
            yield PayField(id="tendered", max_length=14)
            yield Static("", id="change", markup=False)
            yield FieldMessage(id="m-tendered")
        with Horizontal(classes="pay-row", id="row-check"):
            yield Static("Check no.", classes="pay-label", markup=False)
            yield PayField(id="check", max_length=10)
            yield FieldMessage(id="m-check")
        with Horizontal(classes="pay-row", id="row-card"):
            yield Static("Card last 4", classes="pay-label", markup=False)
            yield PayField(id="last4", max_length=4)
            yield Static("Auth code", id="auth-label", markup=False)
            yield PayField(id="auth", max_length=12)
            yield FieldMessage(id="m-card")

    def on_mount(self) -> None:
        """Cash first."""
        self.query_one("#m-kind").display = False
        self._show_tender()

    # --- filling ------------------------------------------------------------------------

    def fill(
        self,
        *,
        amount_cents: int | None,
        kind: PaymentKind,
        tender: Tender = Tender.CASH,
    ) -> None:
        """Start a new payment: the amount owed (if any), its kind, cash; details cleared."""
        text = plain_cents(amount_cents) if amount_cents else ""
        self._auto_amount = text
        self.field("amount").value = text
        for name in ("tendered", "check", "last4", "auth"):
            self.field(name).value = ""
        self.query_one("#kind", ChoiceRow).choose(kind.value)
        self.query_one("#tender", ChoiceRow).choose(tender.value)
        self.clear_errors()
        self._show_tender()

    def field(self, name: str) -> TextField:
        """One of the form's text fields."""
        return self.query_one(f"#{name}", TextField)

    def focus_entry(self) -> None:
        """Where the clerk starts: what was handed over if the amount is known, else the amount."""
        cash = self.values().tender is Tender.CASH
        name = "tendered" if cash and self.field("amount").value else "amount"
        self.screen.set_focus(self.field(name))  # at once: keys typed next land there

    def values(self) -> PaymentValues:
        """What the clerk typed and chose."""
        return PaymentValues(
            amount=self.field("amount").value,
            kind=PaymentKind(self.query_one("#kind", ChoiceRow).value),
            tender=Tender(self.query_one("#tender", ChoiceRow).value),
            tendered=self.field("tendered").value,
            check_number=self.field("check").value,
            card_last4=self.field("last4").value,
            card_auth=self.field("auth").value,
        )

    # --- messages -----------------------------------------------------------------------

    def show_error(self, field: str | None, message: str) -> bool:
        """Show a refused value at its field and go there; ``False`` if not a form field."""
        if field not in FIELDS:
            return False
        widget_id, message_id = FIELDS[field]
        shown = self.query_one(f"#{message_id}", FieldMessage)
        shown.show(message)
        shown.display = True
        if message_id == "m-tendered":
            self.query_one("#change", Static).display = False
        widget = self.query_one(f"#{widget_id}")
        if isinstance(widget, TextField):
            widget.add_class("-invalid")
        self.screen.set_focus(widget)
        return True

    def clear_errors(self) -> None:
        """Remove every field message."""
        for message in self.query(FieldMessage):
            message.show("")
        self.query_one("#m-kind").display = False  # a line of its own: none while empty
        for field in self.query(TextField):
            field.remove_class("-invalid")
        self.query_one("#change", Static).display = True

    # --- live updates -------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        field = event.input
        field.remove_class("-invalid")
        message_id = TYPED_MESSAGES.get(field.id or "")
        if message_id:
            self.query_one(f"#{message_id}", FieldMessage).show("")
        if field.id in ("amount", "tendered"):
            self.query_one("#change", Static).display = True
        self._show_change()

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted())

    def _tender_changed(self, _value: str) -> None:
        """At once: a Tab typed right behind the change must reach the new tender's field."""
        self._show_tender()

    @on(ChoiceRow.Changed, "#kind")
    def _kind_changed(self, event: ChoiceRow.Changed) -> None:
        """A kind with an amount owed fills it in, unless the clerk typed their own."""
        event.stop()
        self.query_one("#m-kind", FieldMessage).show("")
        self.query_one("#m-kind").display = False
        amount = self.field("amount")
        if amount.value != self._auto_amount:
            return
        owed = self.owed.get(PaymentKind(event.value), 0)
        self._auto_amount = plain_cents(owed) if owed else ""
        amount.value = self._auto_amount

    def _show_tender(self) -> None:
        tender = Tender(self.query_one("#tender", ChoiceRow).value)
        for each, row_id in TENDER_ROWS.items():
            self.query_one(f"#{row_id}").display = each is tender
        self._show_change()

    def _show_change(self) -> None:
        """``Change due $15.00`` while the cash handed over covers the amount."""
        hint = self.query_one("#change", Static)
        raw = self.field("tendered").value.strip()
        try:
            amount: int | None = parse_cents(self.field("amount").value)
        except InvalidAmount:
            amount = None
        if not raw:
            hint.update("blank = the exact amount")
            return
        try:
            tendered = parse_cents(raw, allow_zero=True)
        except InvalidAmount:
            hint.update("")
            return
        if amount is None:
            hint.update("")
        elif tendered >= amount:
            hint.update(f"Change due {format_cents(tendered - amount)}")
        else:
            hint.update(f"Short by {format_cents(amount - tendered)}")
