"""Check-in: confirm identity, clear the checklist, note the copay, mark arrived.

Routine path from the schedule: ``c`` (open), ``Enter`` (name and date of birth
match), ``Enter`` (check in) — back on the schedule with the row ARRIVED.
When a copay is still owed, checking in hands over to the drawer with the copay
filled in: type what was handed over, ``Enter`` (taken and printed), ``Enter``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from frontdesk.data.balances import payment_context
from frontdesk.data.checkin import (
    CheckInRequest,
    CheckInResult,
    CheckInView,
    ChecklistItem,
    WalkIn,
    check_in,
    view_for_appointment,
    view_for_walk_in,
)
from frontdesk.data.errors import FrontDeskError
from frontdesk.data.models import Status
from frontdesk.money import InvalidAmount, format_cents, parse_cents, plain_cents
from frontdesk.screens.base import DeskScreen, MessageLine
from frontdesk.widgets.fields import FieldMessage, TextField
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.safe import safe

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

ITEM_KEYS = {
    "d": "demographics",
    "v": "eligibility",
    "s": "consent",
    "f": "forms",
    "i": "interpreter",
    "b": "balance",
}


class CheckInScreen(DeskScreen):
    """Dismisses with a message for the schedule's message line (or ``None``)."""

    CSS_PATH = "checkin.tcss"
    AUTO_FOCUS = None  # keys go to the screen; the copay field takes focus only when shown
    BINDINGS = [
        Binding("enter", "enter", "Confirm", id="checkin.enter"),
        Binding("e", "edit", "Edit details", id="checkin.edit"),
        Binding("d", "handle('d')", "Confirmed", id="checkin.demographics", show=False),
        Binding("v", "handle('v')", "Verified", id="checkin.eligibility", show=False),
        Binding("s", "handle('s')", "Signed", id="checkin.consent", show=False),
        Binding("f", "handle('f')", "Received", id="checkin.forms", show=False),
        Binding("i", "handle('i')", "Arranged", id="checkin.interpreter", show=False),
        Binding("b", "handle('b')", "Noted", id="checkin.balance", show=False),
        Binding("p,dollar_sign", "pay", "Take payment", id="checkin.pay", key_display="p"),
        Binding("a", "copay", "Copay amount", id="checkin.copay"),
        Binding("escape", "back", "Back", id="checkin.back"),
        Binding("slash", "find", "Find", id="find"),
        Binding("ctrl+k", "callback", "Callback", id="callback", priority=True),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
    ]

    def __init__(
        self,
        *,
        patient_id: int,
        appointment_id: int | None = None,
        walk_in: WalkIn | None = None,
    ) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.appointment_id = appointment_id
        self.walk_in = walk_in
        self.view: CheckInView | None = None
        self.identity_ok = False
        self.handled: set[str] = set()
        self.copay_cents: int | None = None
        self.copay_paid_cents = 0  # taken at this desk visit (p) before checking in
        self.paid_notes: list[str] = []
        self._saving = False
        self._typed_ahead: list[str] = []  # keys pressed before the view loaded
        self._key_log: list[events.Key] = []  # every key that reached this screen, in order
        self._enters = 0  # Enter presses acted on so far
        self._save_enter = 0  # the one that checked in

    def compose(self) -> ComposeResult:
        yield Static("Check in", id="heading", markup=False)
        yield Static("Loading...", id="card", markup=False)
        yield Static("", id="identity", markup=False)
        yield Static("", id="items", markup=False)
        with Horizontal(id="copay-row"):
            yield Static("Copay due ", id="copay-label", markup=False)
            yield TextField(id="copay-input", max_length=12)
            yield FieldMessage(id="copay-message")
        yield MessageLine(id="message")
        yield KeyBar(self.BINDINGS)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        """Load the patient and what needs attention."""
        self.query_one("#copay-row").display = False
        self.query_one("#copay-input", TextField).can_focus = False
        self.set_focus(None)
        self.load()

    def load(self) -> None:
        """(Re)load the view, e.g. after the details were edited."""
        engine, appt_id, patient_id = self.engine, self.appointment_id, self.patient_id
        if appt_id is not None:
            self.db(lambda: view_for_appointment(engine, appt_id), self.show_view)
        else:
            self.db(lambda: view_for_walk_in(engine, patient_id), self.show_view)

    def show_view(self, view: CheckInView) -> None:
        """Draw the card, the identity prompt, the checklist and the copay."""
        self.view = view
        if self.copay_cents is None:  # the first load: paid earlier counts as paid
            self.copay_cents = view.copay_due_cents
            self.copay_paid_cents = view.copay_due_cents - view.copay_owed_cents
        self.identity_ok = self.identity_ok or view.identity_verified
        self.query_one("#heading", Static).update(
            Text.assemble(("Check in   ", "bold"), safe(view.heading))
        )
        dob = f"{view.dob:%d %b %Y} ({view.age})"
        card = Text.assemble(
            safe(view.patient_name, "bold"),
            f"   MRN {view.mrn}   DOB {dob}   ",
            safe(view.sex),
            "\n",
            safe(view.phone or "no phone"),
            "   ",
            safe(view.language),
            "   ",
            safe(view.insurance),
        )
        self.query_one("#card", Static).update(card)
        self._draw()
        typed, self._typed_ahead = self._typed_ahead, []
        for key in typed:
            if key == "enter":
                self.action_enter()
            else:
                self.action_handle(key)

    def _draw(self) -> None:
        view = self.view
        if view is None:
            return
        identity = self.query_one("#identity", Static)
        if view.status not in (None, Status.BOOKED):
            identity.update(
                Text(f"Already {view.status.value if view.status else ''}: Enter or Esc goes back.")
            )
        elif self.identity_ok:
            identity.update(Text("Identity confirmed: name and date of birth match."))
        else:
            identity.update(
                Text.assemble(
                    ('Ask: "Your full name and date of birth, please?"', "bold"),
                    "\n  Enter  they match     e  edit details     Esc  back",
                )
            )
        lines = Text()
        pending = [i for i in view.items if i.code not in self.handled]
        if pending:
            lines.append("Needs attention\n", style="bold")
            for item in pending:
                lines.append("  !  ")
                lines.append(item.text.ljust(50))
                lines.append(f" {item.key}  {item.action}\n")
        else:
            lines.append("Nothing needs attention.\n")
        copay = self.copay_cents or 0
        owed = max(copay - self.copay_paid_cents, 0)
        if owed:
            lines.append(f"  $  Copay due {format_cents(owed)}   (a changes it)".ljust(56))
            lines.append("p  take payment\n")
        elif copay:
            lines.append(f"  $  Copay {format_cents(copay)} paid\n")
        if self.identity_ok and view.status in (None, Status.BOOKED):
            lines.append("  Enter  check in now", style="bold")
        self.query_one("#items", Static).update(lines)
        self._update_keys(pending)

    def _update_keys(self, pending: list[ChecklistItem]) -> None:
        codes = {i.code for i in pending}
        shown = []
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.action.startswith("handle("):
                key = binding.action[8]
                if ITEM_KEYS[key] in codes:
                    shown.append(Binding(binding.key, binding.action, binding.description))
                continue
            if binding.action == "enter":
                label = "Check in" if self.identity_ok else "They match"
                shown.append(Binding("enter", "enter", label))
                continue
            shown.append(binding)
        self.query_one(KeyBar).set_bindings(shown)

    # --- actions ------------------------------------------------------------------------

    def action_enter(self) -> None:
        """First Enter: identity matches. Second: check in."""
        if self.view is None:
            self._typed_ahead.append("enter")
            return
        self._enters += 1
        if self._saving:
            return
        if self.view.status not in (None, Status.BOOKED):
            self.dismiss(None)
            return
        if not self.identity_ok:
            self.identity_ok = True
            self._draw()
            return
        self._save()

    def action_handle(self, key: str) -> None:
        """Mark one checklist item handled (it disappears)."""
        if self.view is None:
            self._typed_ahead.append(key)
            return
        code = ITEM_KEYS[key]
        if any(i.code == code for i in self.view.items):
            self.handled.add(code)
            self._draw()

    def action_pay(self) -> None:
        """Take a payment now (the copay filled in), then come back here."""
        if self.view is None or self._saving:
            return
        from frontdesk.screens.drawer import DrawerOutcome, DrawerScreen

        owed = max((self.copay_cents or 0) - self.copay_paid_cents, 0)

        def paid(outcome: DrawerOutcome | None) -> None:
            if outcome is None:
                return
            self.copay_paid_cents += outcome.copay_paid_cents
            self.paid_notes.append(outcome.message)
            self.say(outcome.message)
            self._draw()

        self.app.push_screen(
            DrawerScreen(self.patient_id, self.appointment_id, prefill_cents=owed or None), paid
        )

    def action_copay(self) -> None:
        """Show the copay field to change the amount."""
        row = self.query_one("#copay-row")
        row.display = True
        field = self.query_one("#copay-input", TextField)
        field.value = plain_cents(self.copay_cents) if self.copay_cents else ""
        field.can_focus = True
        field.focus()

    @on(Input.Submitted, "#copay-input")
    def _copay_entered(self, event: Input.Submitted) -> None:
        event.stop()
        message = self.query_one("#copay-message", FieldMessage)
        try:
            self.copay_cents = parse_cents(event.value, allow_zero=True)
        except InvalidAmount as error:
            message.show(str(error))
            return
        message.show("")
        self._hide_copay()
        self._draw()

    def _hide_copay(self) -> None:
        field = self.query_one("#copay-input", TextField)
        field.can_focus = False
        self.query_one("#copay-row").display = False
        self.set_focus(None)

    def action_edit(self) -> None:
        """Edit demographics and insurance; saving confirms them."""
        from frontdesk.screens.patient_form import PatientFormScreen

        def edited(result: object) -> None:
            if result is not None:
                self.handled.add("demographics")
                self.load()

        self.app.push_screen(PatientFormScreen(patient_id=self.patient_id), edited)

    def action_back(self) -> None:
        """Leave without checking in (nothing is saved)."""
        if self.query_one("#copay-row").display:
            self._hide_copay()
            return
        self.dismiss(None)

    def _save(self) -> None:
        view = self.view
        assert view is not None
        self._saving = True
        self._save_enter = self._enters
        request = CheckInRequest(
            patient_id=self.patient_id,
            appointment_id=self.appointment_id,
            walk_in=self.walk_in,
            identity_verified=self.identity_ok,
            handled=set(self.handled),
            copay_due_cents=self.copay_cents,
        )
        engine, staff = self.engine, self.staff

        def job() -> tuple[CheckInResult, int]:
            result = check_in(engine, request, staff=staff)  # committed on return
            return result, copay_still_owed(engine, staff.id, request.patient_id, result)

        def done(saved: tuple[CheckInResult, int]) -> None:
            result, owed = saved
            text = f"Checked in {view.patient_name}"
            if not result.changed:
                text = f"{view.patient_name} was already checked in"
            text += "".join(f" · {note}" for note in self.paid_notes)
            if result.changed and owed:
                self._hand_over(text, result.appointment_id, owed)
                return
            self._saving = False
            if result.copay_due_cents and owed:
                text += f" · copay due {format_cents(owed)}"
            self.dismiss(text + "  (u undoes)")

        def failed(error: FrontDeskError) -> None:
            self._saving = False
            self.show_error(error)

        self.db(job, done, failed=failed)

    def _hand_over(self, text: str, appointment_id: int, owed: int) -> None:
        """Straight to the drawer with the copay filled in; one message at the end."""
        from frontdesk.screens.drawer import DrawerOutcome, DrawerScreen

        def paid(outcome: DrawerOutcome | None) -> None:
            if outcome is not None:  # the line is full: the payment matters more than undo
                self.dismiss(f"{text} · {outcome.message}")
            else:
                self.dismiss(f"{text} · copay {format_cents(owed)} not taken  (u undoes)")

        self.app.push_screen(
            DrawerScreen(self.patient_id, appointment_id, prefill_cents=owed), paid
        )
        for key in self._typed_after_check_in():  # they belong to the drawer's Tendered
            self.app.post_message(key)

    def _typed_after_check_in(self) -> list[events.Key]:
        """The keys that came after the Enter that checked in (Tendered typed ahead)."""
        enters = 0
        for index, key in enumerate(self._key_log):
            if key.key == "enter":
                enters += 1
                if enters == self._save_enter:
                    return self._key_log[index + 1 :]
        return []

    def on_key(self, event: events.Key) -> None:
        """Log every key, in order; keys with no meaning here are kept, not acted on.

        Bindings run after the keys behind them have arrived, so which keys came
        after the checking-in Enter (and belong to the drawer's Tendered) is read
        from this log when the hand-over happens.
        """
        if self.app.screen is not self:
            return
        self._key_log.append(events.Key(event.key, event.character))
        if event.is_printable and event.key not in self._bindings.key_to_bindings:
            event.stop()
            event.prevent_default()


def copay_still_owed(engine: Engine, staff_id: int, patient_id: int, result: CheckInResult) -> int:
    """After the check-in committed: the visit's copay less what was paid on it (0 if unsure)."""
    if not result.changed or not result.copay_due_cents:
        return 0
    try:
        ctx = payment_context(
            engine, staff_id=staff_id, patient_id=patient_id, appointment_id=result.appointment_id
        )
    except Exception:  # the check-in stands; the hand-over is only a convenience
        return 0
    return ctx.copay_due_cents
