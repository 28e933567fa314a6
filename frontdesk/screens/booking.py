"""Book or move a visit (``a`` / ``m`` on the schedule): type, provider, then the openings.

Keys: a digit chooses the visit type, ``p`` the provider ("any" first), ←/→
move the search a week, Enter books the opening under the cursor. The
soonest opening is under the cursor when the list arrives, so booking an
established patient is ``a``, the name, Enter, Enter, Enter (the slip).
A slot taken by another terminal meanwhile is refused in the booking's own
transaction; the screen says so and reads fresh openings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from frontdesk.data.booking import (
    Booked,
    BookingRequest,
    Freed,
    SlotTaken,
    book,
    book_at,
    reschedule,
)
from frontdesk.data.booking_view import BookingContext, booking_context
from frontdesk.data.errors import FrontDeskError
from frontdesk.data.openings import Opening, OpeningQuery, Openings, search_openings
from frontdesk.data.when import parse_when
from frontdesk.screens.base import DeskScreen, MessageLine
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.line import Line
from frontdesk.widgets.safe import safe

LIMIT = 12


@dataclass(frozen=True)
class Moving:
    """The appointment a reschedule moves."""

    appointment_id: int
    version: int
    label: str  # "Tue 24 Nov 10:30 Follow-up"


@dataclass(frozen=True)
class BookingDone:
    """What the schedule hears back: what to say, and a slot a reschedule freed."""

    message: str
    booked: Booked
    freed: Freed | None = None


class OpeningsTable(DataTable[Text]):
    """The openings; left/right belong to the screen (previous/next week)."""

    BINDINGS = [b for b in DataTable.BINDINGS if getattr(b, "key", "") not in ("left", "right")]


class BookingScreen(DeskScreen):
    """Choose the type and provider; Enter books the opening under the cursor."""

    CSS_PATH = "booking.tcss"
    BINDINGS = [
        Binding("enter", "book", "Book", id="booking.book", show=True),
        Binding("1", "type(0)", "Type", id="booking.type", key_display="1-9"),
        *[
            Binding(str(n + 1), f"type({n})", "", id=f"booking.type{n + 1}", show=False)
            for n in range(1, 9)
        ],
        Binding("p", "provider", "Provider", id="booking.provider"),
        Binding("t", "at_time", "At a time", id="booking.at_time"),
        Binding("left", "week(-1)", "Week", id="booking.prev", key_display="←→"),
        Binding("right", "week(1)", "", id="booking.next", show=False),
        Binding("w", "wait_list", "Wait list", id="booking.wait"),
        Binding("escape", "back", "Back", id="booking.back"),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
    ]

    def __init__(
        self,
        patient_id: int,
        moving: Moving | None = None,
        *,
        type_id: int | None = None,
        waitlist_entry_id: int | None = None,
    ) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.moving = moving
        self.waitlist_entry_id = waitlist_entry_id
        self.context: BookingContext | None = None
        self.type_id: int | None = type_id
        self.provider_id: int | None = None
        self.first_day: date | None = None
        self.openings: Openings | None = None
        self._saving = False

    def compose(self) -> ComposeResult:
        yield Line("Loading...", id="bk-title")
        yield Line("", id="bk-types")
        yield Line("", id="bk-where")
        yield OpeningsTable(id="bk-openings", cursor_type="row", zebra_stripes=False)
        yield MessageLine(id="message")
        yield KeyBar([b for b in self.BINDINGS if isinstance(b, Binding)])

    def on_mount(self) -> None:
        """Columns once; the patient and types, then the openings, in a thread."""
        table = self.query_one(OpeningsTable)
        for key, label, width in (
            ("day", "Day", 11),
            ("time", "Time", 6),
            ("provider", "Provider", 12),
            ("free", "Free until", 22),
        ):
            table.add_column(label, key=key, width=width)
        table.focus()
        engine, patient_id, type_id = self.engine, self.patient_id, self.type_id
        moved = self.moving.appointment_id if self.moving else None

        def loaded(context: BookingContext) -> None:
            self.context = context
            self.type_id = context.type_id
            self.first_day = self.clinic.today()
            self._show_header()
            self.search()

        self.db(lambda: booking_context(engine, patient_id, type_id, moved), loaded)

    # --- showing --------------------------------------------------------------------------

    def _show_header(self) -> None:
        context = self.context
        if context is None:
            return
        verb = f"Move {self.moving.label} for" if self.moving else "Book"
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(verb, style="bold")
        title.append("  ")
        title.append_text(safe(context.patient))
        title.append(f"   MRN {context.mrn}   DOB {context.dob}")
        self.query_one("#bk-title", Line).show(title)
        types = Text("Type ", no_wrap=True, overflow="ellipsis")
        for number, choice in enumerate(context.types[:9], start=1):
            chosen = choice.id == self.type_id
            label = f"{'▸' if chosen else ' '}{number} {choice.name} {choice.minutes}m "
            types.append(label, style="reverse bold" if chosen else "")
        self.query_one("#bk-types", Line).show(types)
        names = {c.id: c.name for c in context.providers}
        who = names.get(self.provider_id, "Any provider") if self.provider_id else "Any provider"
        day = self.first_day or self.clinic.today()
        where = Text(no_wrap=True, overflow="ellipsis")
        where.append("Provider ")
        where.append_text(safe(who, "bold"))
        where.append(f"   From {day:%a %d %b}")
        if self.openings is not None and not self.openings.openings:
            where.append(f"   nothing free up to {self.openings.last_day:%d %b}")
        self.query_one("#bk-where", Line).show(where)

    def show_openings(self, found: Openings) -> None:
        """The openings, soonest first, with the cursor on the soonest."""
        self.openings = found
        table = self.query_one(OpeningsTable)
        table.clear()
        for index, opening in enumerate(found.openings):
            table.add_row(*self._cells(opening), key=str(index))
        if found.openings:
            table.move_cursor(row=0, animate=False)
        self._show_header()

    def _cells(self, opening: Opening) -> tuple[Text, ...]:
        end = opening.end
        room = opening.gap_minutes
        return (
            Text(f"{opening.start:%a %d %b}"),
            Text(f"{opening.start:%H:%M}"),
            safe(opening.provider),
            Text(f"{end:%H:%M} ({room} min free)"),
        )

    # --- reading and booking ----------------------------------------------------------------

    def search(self, message: str = "") -> None:
        """Read the openings for the type, provider and first day chosen."""
        if self.type_id is None or self.first_day is None:
            return
        query = OpeningQuery(
            type_id=self.type_id,
            provider_id=self.provider_id,
            first_day=self.first_day,
            limit=LIMIT,
        )
        engine = self.engine

        def found(result: Openings) -> None:
            self.show_openings(result)
            if message:
                self.say(message, error=True)

        self.db(lambda: search_openings(engine, query), found, exclusive=True)

    def selected(self) -> Opening | None:
        """The opening under the cursor."""
        table = self.query_one(OpeningsTable)
        if self.openings is None or not table.row_count:
            return None
        return self.openings.openings[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on an opening books it."""
        event.stop()
        self.action_book()

    def action_book(self) -> None:
        """Book (or move to) the opening under the cursor: one transaction."""
        opening = self.selected()
        if opening is None or self.type_id is None or self._saving:
            if opening is None:
                self.say("No opening chosen: change the type, provider or week", error=True)
            return
        request = BookingRequest(
            patient_id=self.patient_id,
            provider_id=opening.provider_id,
            type_id=self.type_id,
            start=opening.start,
            waitlist_entry_id=self.waitlist_entry_id,
        )
        engine, staff, moving = self.engine, self.staff, self.moving
        self._saving = True

        def job() -> tuple[Booked, Freed | None]:
            if moving is None:
                return book(engine, request, staff=staff), None
            return reschedule(
                engine, moving.appointment_id, request, staff=staff, version=moving.version
            )

        def failed(error: FrontDeskError) -> None:
            self._saving = False
            if isinstance(error, SlotTaken):
                self.search(f"Just taken on another terminal ({error.message}); fresh openings:")
            else:
                self.show_error(error)

        self.db(job, self._booked, failed=failed)

    def _booked(self, result: tuple[Booked, Freed | None]) -> None:
        from frontdesk.dialogs.booked import BookedDialog

        booked, freed = result
        verb = "Moved" if self.moving else "Booked"
        message = f"{verb}: {booked.patient} {booked.start:%a %d %b %H:%M} with {booked.provider}"
        done = BookingDone(message, booked, freed)
        self.app.push_screen(
            BookedDialog(booked, self.clinic.name, self.clinic.print_command),
            lambda _: self.dismiss(done),
        )

    # --- choices ------------------------------------------------------------------------------

    def action_type(self, index: int) -> None:
        """A digit: that visit type."""
        if self.context is None or index >= len(self.context.types):
            return
        self.type_id = self.context.types[index].id
        self._show_header()
        self.search()

    def action_provider(self) -> None:
        """Any provider, or one."""
        if self.context is None:
            return
        from frontdesk.dialogs.choice import ChoiceDialog

        providers = list(self.context.providers)

        def chosen(index: int | None) -> None:
            if index is None:
                return
            self.provider_id = None if index == 0 else providers[index - 1].id
            self.search()

        options = ["Any provider", *[p.name for p in providers]]
        self.app.push_screen(ChoiceDialog("Which provider?", options, start=0), chosen)

    def action_week(self, step: int) -> None:
        """Search from a week later (or earlier, not before today)."""
        if self.first_day is None:
            return
        today = self.clinic.today()
        self.first_day = max(today, self.first_day + timedelta(days=7 * step))
        self.search()

    def action_at_time(self) -> None:
        """The patient asks for a time: type it ("thu 14:30"); checked like any booking."""
        if self.context is None or self.type_id is None:
            return
        from frontdesk.dialogs.note import NoteDialog

        clinic, engine, staff, moving = self.clinic, self.engine, self.staff, self.moving
        patient_id, type_id, entry = self.patient_id, self.type_id, self.waitlist_entry_id
        providers = (
            [self.provider_id] if self.provider_id else [p.id for p in self.context.providers]
        )

        def save(text: str) -> tuple[Booked, Freed | None]:
            start = parse_when(text, clinic)
            request = BookingRequest(
                patient_id, providers[0], type_id, start, waitlist_entry_id=entry
            )
            return book_at(
                engine,
                request,
                providers,
                staff=staff,
                moving=moving.appointment_id if moving else None,
                version=moving.version if moving else None,
            )

        def saved(result: tuple[Booked, Freed | None] | None) -> None:
            if result is not None:
                self._booked(result)

        prompt = "Day and time, e.g. thu 14:30, tomorrow 9am, 12/3 10:15 (blank day: today)"
        self.app.push_screen(NoteDialog("Book at a time", prompt, save), saved)

    def action_wait_list(self) -> None:
        """Nothing suits yet: put the patient on the wait list for this type."""
        if self.context is None or self.type_id is None:
            return
        from frontdesk.screens.waitlist_form import WaitlistForm

        form = WaitlistForm(self.context, self.type_id, self.provider_id)
        self.app.push_screen(form, self._waiting)

    def _waiting(self, message: str | None) -> None:
        if message:
            self.say(message)

    def data_changed(self) -> None:
        """Another terminal booked or freed something: read the openings again."""
        if not self._saving:
            self.search()

    def action_back(self) -> None:
        """Back without booking."""
        self.dismiss(None)
