"""Put the patient on the wait list (``w`` while booking): which days and times suit.

The type and provider come from the booking screen. Blank fields mean "any".
A refusal shows at its field; what was typed stays.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from frontdesk.data.booking_view import BookingContext
from frontdesk.data.errors import FrontDeskError, InvalidInput
from frontdesk.data.waitlist import WaitRequest, add_entry, parse_days, parse_time
from frontdesk.screens.base import DeskScreen, run_db
from frontdesk.widgets.fields import FieldMessage, TextField
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.safe import safe

FIELDS = (
    ("days", "Days", "e.g. Mon Wed, weekdays (blank: any)"),
    ("earliest", "From", "earliest start, e.g. 9 or 13:30"),
    ("latest", "To", "latest end, e.g. 12 or 5pm"),
    ("until", "Until", "last date that still helps, YYYY-MM-DD"),
    ("note", "Note", ""),
)


class WaitlistForm(ModalScreen[str | None]):
    """Dismisses with what was saved (to say on the booking screen), or ``None``."""

    DEFAULT_CSS = """
    WaitlistForm { align: center middle; }
    WaitlistForm > Vertical { width: 72; height: auto; border: round $primary;
                              background: $surface; padding: 0 1; }
    WaitlistForm Horizontal { height: 1; }
    WaitlistForm .wl-label { width: 7; }
    WaitlistForm .wl-hint { width: 40; color: $text-muted; }
    WaitlistForm TextField { width: 22; background: $boost; }
    WaitlistForm KeyBar { dock: none; }
    """
    BINDINGS = [
        Binding("enter", "save", "Save", id="waitlist.save"),
        Binding("tab", "app.focus_next", "Next field", id="waitlist.next", show=True),
        Binding("escape", "cancel", "Cancel", id="waitlist.cancel"),
    ]

    def __init__(self, context: BookingContext, type_id: int, provider_id: int | None) -> None:
        super().__init__()
        self.context = context
        self.type_id = type_id
        self.provider_id = provider_id
        self._busy = False

    def compose(self) -> ComposeResult:
        kind = next((t.name for t in self.context.types if t.id == self.type_id), "?")
        who = next((p.name for p in self.context.providers if p.id == self.provider_id), "any")
        with Vertical():
            yield Static(safe(f"Wait list: {self.context.patient}", "bold"))
            yield Static(safe(f"{kind} with {who} provider, as soon as a slot frees"))
            for key, label, hint in FIELDS:
                with Horizontal():
                    yield Static(label, classes="wl-label", markup=False)
                    yield TextField(id=f"wl-{key}", max_length=200 if key == "note" else 30)
                    yield Static(hint, classes="wl-hint", markup=False)
            yield FieldMessage(id="wl-message")
            yield KeyBar(list(self.BINDINGS))  # type: ignore[arg-type]

    def on_mount(self) -> None:
        """Ready to type the days."""
        self.query_one("#wl-days", TextField).focus()

    def _value(self, key: str) -> str:
        return self.query_one(f"#wl-{key}", TextField).value

    def _request(self) -> WaitRequest:
        until_text = self._value("until").strip()
        try:
            until = date.fromisoformat(until_text) if until_text else None
        except ValueError:
            raise InvalidInput(f'"{until_text}" is not a date: YYYY-MM-DD', field="until") from None
        return WaitRequest(
            patient_id=self.context.patient_id,
            type_id=self.type_id,
            provider_id=self.provider_id,
            weekdays=parse_days(self._value("days")),
            earliest_minute=parse_time(self._value("earliest"), field="earliest"),
            latest_minute=parse_time(self._value("latest"), field="latest"),
            until=until,
            note=self._value("note"),
        )

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Check what was typed, then save it (in a thread)."""
        if self._busy:
            return
        try:
            request = self._request()
        except InvalidInput as error:
            self._refused(error)
            return
        screen = self.app.screen_stack[-2]
        assert isinstance(screen, DeskScreen)
        engine, staff = screen.engine, screen.staff
        self._busy = True
        run_db(self, lambda: add_entry(engine, request, staff=staff), self._saved, self._refused)

    def _saved(self, entry_id: int) -> None:
        self._busy = False
        self.dismiss(f"On the wait list (entry {entry_id}): offered when a slot frees")

    def _refused(self, error: FrontDeskError) -> None:
        self._busy = False
        self.query_one(FieldMessage).show(error.message)
        field = getattr(error, "field", None)
        if field:
            for widget in self.query(f"#wl-{field}"):
                widget.focus()

    def action_cancel(self) -> None:
        """Close without saving."""
        if not self._busy:
            self.dismiss(None)
