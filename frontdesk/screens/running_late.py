"""Running late: record that a provider is behind, see who it affects, call them all.

The provider is chosen by number (or given by the screen that opens this
one); the minutes are typed and saved with Enter (0: back on time). The list
below shows that provider's patients still to come today with the time they
are now expected; ``k`` makes a high-priority "scheduling" callback for each
of them in one go (never twice for the same visit and delay).
"""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label

from frontdesk import clock
from frontdesk.data.delays import (
    CALL_DUE_MINUTES,
    Affected,
    ProviderLate,
    affected,
    create_delay_callbacks,
    parse_minutes,
    provider_late,
    providers_late,
    set_delay,
)
from frontdesk.data.errors import FrontDeskError, InvalidInput
from frontdesk.screens.base import DeskScreen, MessageLine
from frontdesk.widgets.fields import FieldMessage, TextField
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.line import Line
from frontdesk.widgets.safe import safe

COLUMNS = (
    ("time", "Time", 5),
    ("expected", "Expected", 8),
    ("patient", "Patient", 26),
    ("phone", "Phone", 31),
)
Loaded = tuple[ProviderLate, list[Affected]]


def affected_cells(item: Affected) -> tuple[Text, ...]:
    """One row: booked time, expected time, patient, phones (user text as plain ``Text``)."""
    return (
        Text(f"{item.start:%H:%M}"),
        Text(f"{item.expected:%H:%M}", style="bold" if item.delay else ""),
        safe(item.patient),
        safe(" / ".join(item.phones) or "no phone"),
    )


def state_text(late: ProviderLate) -> str:
    """``20 min late`` or ``on time``."""
    return f"{late.minutes} min late" if late.minutes else "on time"


class MinutesField(TextField):
    """The minutes late; ``k`` is never typed here, so it reaches the screen (call them all)."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Every printable key but ``k``."""
        return key != "k" and super().check_consume_key(key, character)


class RunningLateScreen(DeskScreen):
    """Dismisses with the last thing saved here (for the schedule's message line), or None."""

    CSS_PATH = "running_late.tcss"
    BINDINGS = [
        Binding("k", "call_all", "Callbacks for all", id="running_late.call_all", priority=True),
        Binding("m", "minutes", "Minutes", id="running_late.minutes"),
        Binding("f5,ctrl+r", "refresh", "Refresh", id="running_late.refresh", key_display="F5"),
        Binding("escape", "back", "Back", id="running_late.back"),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
    ]

    def __init__(self, provider_id: int | None = None) -> None:
        super().__init__()
        self.provider_id = provider_id
        self.late: ProviderLate | None = None
        self.items: list[Affected] = []
        self._saved = ""  # the last save's message, handed back on Esc
        self._filled = ""  # what was last put in the minutes field from the database
        self._busy = False

    def compose(self) -> ComposeResult:
        yield Line("", id="rl-title")
        with Horizontal(id="rl-row"):
            yield Label("Minutes late", id="rl-label")
            yield MinutesField("", id="rl-minutes", max_length=7)
            yield Label("Enter saves · 0 = back on time", id="rl-hint")
        yield FieldMessage(id="rl-field-message")
        yield Line("", id="rl-summary")
        yield DataTable[Text](id="rl-table", cursor_type="row", zebra_stripes=False)
        yield MessageLine(id="message")
        keys = [b for b in self.BINDINGS if isinstance(b, Binding)]
        save = Binding("enter", "save", "Save minutes", id="running_late.save")  # the field's Enter
        yield KeyBar([save, *keys])

    @property
    def field(self) -> MinutesField:
        """Where the minutes are typed."""
        return self.query_one("#rl-minutes", MinutesField)

    @property
    def table(self) -> DataTable[Text]:
        """The patients still to come."""
        return self.query_one("#rl-table", DataTable)

    def on_mount(self) -> None:
        """Choose the provider first if none was given; then read their day."""
        self._show_title()
        if self.provider_id is not None:
            self.field.focus()
            self.load()
            return
        self.set_focus(None)
        self.query_one("#rl-summary", Line).show("Choose the provider who is running late")
        engine = self.engine
        self.db(lambda: providers_late(engine), self._choose, exclusive=True)

    def _choose(self, providers: list[ProviderLate]) -> None:
        from frontdesk.dialogs.choice import ChoiceDialog

        if not providers:
            self.say("No providers are on the schedule", error=True)
            return

        def chosen(index: int | None) -> None:
            if index is None:
                self.dismiss(None)
                return
            self.provider_id = providers[index].provider_id
            self.field.focus()
            self.load()

        self.app.push_screen(
            ChoiceDialog("Who is running late?", [p.label for p in providers]), chosen
        )

    # --- reading and showing ------------------------------------------------------------

    def load(self, message: str = "") -> None:
        """Read the provider's delay and the patients it affects (a newer read supersedes)."""
        if self.provider_id is None:
            return
        engine, provider_id = self.engine, self.provider_id

        def done(loaded: Loaded) -> None:
            self.show(*loaded)
            if message:
                self.say(message)

        self.db(
            lambda: (provider_late(engine, provider_id), affected(engine, provider_id)),
            done,
            exclusive=True,
        )

    def show(self, late: ProviderLate, items: list[Affected]) -> None:
        """Put the delay and the list on screen; the typed minutes stay unless saved ones."""
        if self.field.value == self._filled:  # nothing typed over what was read: follow it
            self.field.value = self._filled = self._minutes_shown(late)
            self.field.cursor_position = len(self.field.value)
        self.late = late
        self._show_title()
        count = len(items)
        who = "1 patient" if count == 1 else f"{count} patients"
        if not items:
            summary = f"No one else is booked with {late.short_name} today"
        elif late.minutes:
            summary = f"{who} still to come with {late.short_name}; k makes a callback for each"
        else:
            summary = f"{who} still to come with {late.short_name}, expected on time"
        self.query_one("#rl-summary", Line).show(safe(summary))
        self._show_rows(items)

    def _is_saved(self, typed: str) -> bool:
        """Whether the minutes in the field are the delay on record."""
        assert self.late is not None
        try:
            return parse_minutes(typed or "0") == self.late.minutes
        except InvalidInput:
            return False

    @staticmethod
    def _minutes_shown(late: ProviderLate) -> str:
        return str(late.minutes) if late.minutes else ""

    def _show_title(self) -> None:
        now = clock.now().astimezone(self.clinic.zone)
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append("Running late", style="bold")
        title.append(f"   {now:%a %d %b %H:%M}")
        if self.late is not None:
            title.append("   ")
            title.append_text(safe(self.late.name))
            title.append(f": {state_text(self.late)}", style="bold" if self.late.minutes else "")
        self.query_one("#rl-title", Line).show(title)

    def _show_rows(self, items: list[Affected]) -> None:
        """Columns and rows in one handler; nothing redrawn when the list is the same."""
        table = self.table
        if not table.columns:
            for key, label, width in COLUMNS:
                table.add_column(label, key=key, width=width)
        elif items == self.items:
            return
        table.clear()
        for item in items:
            table.add_row(*affected_cells(item), key=str(item.appointment_id))
        self.items = list(items)

    def data_changed(self) -> None:
        """Another terminal changed something: read the list again (typed minutes are kept)."""
        if not self._busy:
            self.load()

    # --- actions ------------------------------------------------------------------------

    @on(Input.Submitted, "#rl-minutes")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Save the minutes typed as the provider's delay today."""
        message = self.query_one("#rl-field-message", FieldMessage)
        if self.provider_id is None or self._busy:
            return
        try:
            minutes = parse_minutes(self.field.value or "0")
        except InvalidInput as error:
            message.show(error.message)
            self.field.focus()
            return
        message.show("")
        engine, staff, provider_id = self.engine, self.staff, self.provider_id
        self._busy = True

        def job() -> Loaded:
            late = set_delay(engine, provider_id, minutes, staff=staff)
            return late, affected(engine, provider_id)

        def done(loaded: Loaded) -> None:
            self._busy = False
            late, items = loaded
            self.field.value = self._filled = self._minutes_shown(late)
            self.show(late, items)
            if late.minutes:
                text = f"Saved: {late.short_name} is running {late.minutes} min late"
                if items:
                    text += f" · {len(items)} to call (k)"
            else:
                text = f"Saved: {late.short_name} is on time again"
            self._saved = text
            self.say(text)
            self.table.focus()

        self.db(job, done, failed=self._failed)

    def _failed(self, error: FrontDeskError) -> None:
        self._busy = False
        if error.field == "minutes":
            self.query_one("#rl-field-message", FieldMessage).show(error.message)
        self.show_error(error)

    def action_call_all(self) -> None:
        """A "scheduling" callback for every patient listed (one key, one transaction)."""
        if self.late is None or self.provider_id is None or self._busy:
            return
        typed = self.field.value.strip()
        if not self._is_saved(typed):
            self.say(
                f"Press Enter to save {typed or 0} min first; then k makes the calls", error=True
            )
            self.field.focus()
            return
        if not self.late.minutes:
            self.say(f"{self.late.short_name} is on time: type the minutes late first", error=True)
            return
        engine, staff, provider_id = self.engine, self.staff, self.provider_id
        listed = len(self.items)
        due = clock.now().astimezone(self.clinic.zone) + timedelta(minutes=CALL_DUE_MINUTES)
        self._busy = True

        def done(made: int) -> None:
            self._busy = False
            if made:
                text = f"{made} callback{'s' if made != 1 else ''} for the desk, due {due:%H:%M}"
                if listed > made:
                    text += f" · {listed - made} already had one"
            elif listed:
                text = "Everyone listed already has a callback for this delay"
            else:
                text = "No one to call: nobody is still to come"
            self._saved = text
            self.load(text)

        self.db(
            lambda: create_delay_callbacks(engine, provider_id, staff=staff),
            done,
            failed=self._failed,
        )

    def action_minutes(self) -> None:
        """Back to the minutes field to change the delay."""
        self.field.focus()

    def action_refresh(self) -> None:
        """Read again now."""
        self.load("Refreshed")

    def action_back(self) -> None:
        """Back to the schedule, handing it what was saved here."""
        self.dismiss(self._saved or None)
