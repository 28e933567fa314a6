"""Find a patient as the clerk types; open, check in, walk in or register.

Accepts ``smi``, ``smi, jo``, ``jo smi``, a date of birth (``3/14/1990``,
``1990-03-14``, ``03141990``), phone digits, or an MRN.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from frontdesk.data.checkin import WalkIn
from frontdesk.data.lookup import FoundPatient, find_patients
from frontdesk.data.models import Status
from frontdesk.data.patients import PatientForm, PatientHit
from frontdesk.data.reference import Choice, appointment_types, providers
from frontdesk.screens.base import DeskScreen, MessageLine
from frontdesk.widgets.fields import TextField
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.safe import safe

COLUMNS = (
    ("name", "Name", 26),
    ("dob", "Born", 13),
    ("mrn", "MRN", 6),
    ("phone", "Phone", 14),
    ("today", "Today", 9),
)


def result_cells(found: FoundPatient) -> tuple[Text, ...]:
    """One result row; names as typed, never markup."""
    hit = found.hit
    today = Text("")
    if found.today is not None:
        visit = found.today
        word = "" if visit.status == Status.BOOKED else f" {visit.status.value}"
        today = Text(f"{visit.start:%H:%M}{word}")
    return (
        safe(hit.display_name),
        Text(f"{hit.sex or '-'} {hit.dob:%d %b %Y}"),
        Text(hit.mrn),
        safe(hit.phone),
        today,
    )


class ResultsTable(DataTable[Text]):
    """Search results; letters here are commands, not typing."""


class FindScreen(DeskScreen):
    """Patient search; with ``walk_in=True`` Enter starts a walk-in check-in.

    With ``pick=True`` (taking a payment) Enter dismisses with the patient's id,
    Esc with ``None``.
    """

    CSS_PATH = "find.tcss"
    BINDINGS = [
        Binding("enter", "open", "Open / check in", id="find.open", show=True),
        Binding("down", "results", "Results", id="find.results", key_display="↓"),
        Binding("w", "walk_in", "Walk-in", id="find.walk_in", key_display="↓ w"),
        Binding("e", "edit", "Edit", id="find.edit", key_display="↓ e"),
        Binding("ctrl+n", "new", "New patient", id="find.new"),
        Binding("slash", "search", "Search", id="find.search"),
        Binding("escape", "back", "Back", id="find.back"),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
    ]

    def __init__(self, *, walk_in: bool = False, pick: bool = False) -> None:
        super().__init__()
        self.walk_in = walk_in
        self.pick = pick
        self.found: list[FoundPatient] = []
        self._query = ""  # what is typed now
        self._shown = ""  # the query whose results are on screen
        self._open_when_shown = False  # Enter pressed before the results arrived
        self._note = ""  # said instead of the result count, once

    def compose(self) -> ComposeResult:
        with Horizontal(id="find-bar"):
            label = "Walk-in: find patient " if self.walk_in else "Find patient "
            if self.pick:
                label = "Take payment: find patient "
            yield Static(label, id="find-label", markup=False)
            yield TextField(
                id="query", max_length=60, placeholder="name, last, first, birth date, phone or MRN"
            )
        yield ResultsTable(id="results", cursor_type="row")
        yield MessageLine(id="message")
        yield KeyBar(self._key_list())

    def _key_list(self) -> list[Binding]:
        keys: list[Binding] = []
        for b in self.BINDINGS:
            assert isinstance(b, Binding)
            if b.action == "open" and self.walk_in:
                b = Binding("enter", "open", "Walk-in check-in")
            if self.pick and b.action == "open":
                b = Binding("enter", "open", "Choose patient")
            if self.pick and b.action == "walk_in":
                continue
            keys.append(b)
        return keys

    def check_action(self, action: str, _parameters: tuple[object, ...]) -> bool | None:
        """Picking a patient for a payment: no walk-in, no second drawer screen."""
        return not (self.pick and action in ("walk_in", "drawer"))

    def on_mount(self) -> None:
        """Columns once; focus the query."""
        table = self.query_one(ResultsTable)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        self.query_one("#query", TextField).focus()
        self.say("Type a name (smi, jo), birth date, phone or MRN")

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        self._query = event.value
        self.search(event.value)

    def search(self, query: str) -> None:
        """Search in a thread; a newer keystroke cancels a stale search."""
        engine = self.engine
        if not query.strip():
            self.show_results([], query)
            return
        self.db(
            lambda: find_patients(engine, query),
            lambda found: self.show_results(found, query),
            exclusive=True,
        )

    def show_results(self, found: list[FoundPatient], query: str) -> None:
        """Replace the rows (the newest query only)."""
        if query != self._query:
            return
        self.found = found
        self._shown = query
        table = self.query_one(ResultsTable)
        table.clear()
        for item in found:
            table.add_row(*result_cells(item), key=str(item.hit.id))
        if not query.strip():
            self.say("Type a name (smi, jo), birth date, phone or MRN")
        elif not found:
            self.say("No patient matches. ^n registers a new patient.")
        else:
            self.say(self._note or f"{len(found)} found{' (first 20)' if len(found) >= 20 else ''}")
        self._note = ""
        if self._open_when_shown:
            self._open_when_shown = False
            self.action_open()

    def selected(self) -> FoundPatient | None:
        """The highlighted result (the first, while typing)."""
        if not self.found:
            return None
        table = self.query_one(ResultsTable)
        index = table.cursor_row if table.has_focus else 0
        return self.found[min(index, len(self.found) - 1)]

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a result."""
        event.stop()
        self.action_open()

    def action_results(self) -> None:
        """Move from typing into the results."""
        table = self.query_one(ResultsTable)
        if table.row_count:
            table.focus()
            table.move_cursor(row=min(1, table.row_count - 1) if table.row_count > 1 else 0)

    def action_search(self) -> None:
        """Back to typing."""
        self.query_one("#query", TextField).focus()

    def action_open(self) -> None:
        """Check in today's booked visit; otherwise open the patient's details."""
        if self._shown != self._query:
            self._open_when_shown = True  # typed ahead: open once these results arrive
            return
        chosen = self.selected()
        if chosen is None:
            self.say("Nothing to open yet: type a name first", error=True)
            return
        if self.pick:
            self.dismiss(chosen.hit.id)
            return
        if self.walk_in:
            self.action_walk_in()
            return
        visit = chosen.today
        if visit is not None and visit.status == Status.BOOKED:
            self.desk_open_check_in(chosen.hit.id, visit.appointment_id, None)
            return
        self.action_edit()

    def desk_open_check_in(
        self, patient_id: int, appointment_id: int | None, walk_in: WalkIn | None
    ) -> None:
        """Replace this screen with check-in; the schedule refreshes afterwards."""
        from frontdesk.screens.checkin import CheckInScreen
        from frontdesk.screens.schedule import ScheduleScreen

        app = self.app
        app.pop_screen()
        below = app.screen
        callback = below.after_check_in if isinstance(below, ScheduleScreen) else None
        app.push_screen(
            CheckInScreen(patient_id=patient_id, appointment_id=appointment_id, walk_in=walk_in),
            callback,
        )

    def action_walk_in(self) -> None:
        """Walk-in: choose the provider and the visit type, then check in."""
        chosen = self.selected()
        if chosen is None:
            self.say("Find the patient first, or ^n to register them", error=True)
            return
        self.start_walk_in(chosen.hit)

    def start_walk_in(self, hit: PatientHit) -> None:
        """Two one-key choices, then the check-in screen."""
        from frontdesk.dialogs.choice import ChoiceDialog

        engine = self.engine

        def loaded(choices: tuple[list[Choice], list[Choice]]) -> None:
            people, kinds = choices

            def provider_chosen(index: int | None) -> None:
                if index is None:
                    return

                def type_chosen(kind: int | None) -> None:
                    if kind is None:
                        return
                    walk = WalkIn(provider_id=people[index].id, type_id=kinds[kind].id)
                    self.desk_open_check_in(hit.id, None, walk)

                self.app.push_screen(
                    ChoiceDialog(
                        "What kind of visit?", [f"{k.name} ({k.minutes} min)" for k in kinds]
                    ),
                    type_chosen,
                )

            self.app.push_screen(
                ChoiceDialog(
                    f"Walk-in {hit.display_name}: which provider?", [p.name for p in people]
                ),
                provider_chosen,
            )

        self.db(lambda: (providers(engine), appointment_types(engine)), loaded)

    def action_edit(self) -> None:
        """Open the patient's demographics and insurance."""
        chosen = self.selected()
        if chosen is None:
            return
        from frontdesk.screens.patient_form import PatientFormScreen

        def saved(result: PatientHit | None) -> None:
            if result is not None:
                self.search(self._query)

        self.app.push_screen(PatientFormScreen(patient_id=chosen.hit.id), saved)

    def action_new(self) -> None:
        """Register a new patient, starting from what was typed."""
        from frontdesk.screens.patient_form import PatientFormScreen

        prefill = PatientForm()
        text = self._query.strip()
        if text and not any(ch.isdigit() for ch in text):
            last, _, first = text.partition(",")
            prefill.last_name, prefill.first_name = last.strip(), first.strip()

        def saved(result: PatientHit | None) -> None:
            if result is None:
                return
            if self.pick:
                self.dismiss(result.id)
                return
            if self.walk_in:
                self.start_walk_in(result)
                return
            self._note = f"Registered {result.display_name}, MRN {result.mrn}"
            self.query_one("#query", TextField).value = result.mrn

        self.app.push_screen(PatientFormScreen(prefill=prefill), saved)

    def action_back(self) -> None:
        """Back to where the search was opened."""
        if self.pick:
            self.dismiss(None)
            return
        self.app.pop_screen()
