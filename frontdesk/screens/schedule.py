"""The day schedule: the home screen. Status changes by single keys; the cursor stays put."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import DataTable

from frontdesk.data.appointments import Changed, change_status, undo_last
from frontdesk.data.desk_counts import DeskCounts, desk_counts
from frontdesk.data.models import Status
from frontdesk.data.schedule import DaySchedule, ScheduleRow, load_day
from frontdesk.screens.base import MessageLine
from frontdesk.screens.callbacks import CallbacksScreen, sweep_quietly
from frontdesk.screens.schedule_marks import MarkKeys
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.line import Line
from frontdesk.widgets.schedule_rows import (
    COLUMNS,
    CONTEXT_ROWS,
    COUNT_ORDER,
    ScheduleTable,
    row_cells,
    row_key,
)

if TYPE_CHECKING:
    from frontdesk.screens.drawer import DrawerOutcome


class ScheduleScreen(MarkKeys):
    """Home screen: today's appointments in time order."""

    CSS_PATH = "schedule.tcss"
    BINDINGS = [
        Binding("c", "check_in", "Check in", id="schedule.check_in"),
        Binding("r", "status('IN ROOM')", "Roomed", id="schedule.roomed"),
        Binding("o", "status('DONE')", "Out", id="schedule.out"),
        Binding("n", "status('NO-SHOW')", "No-show", id="schedule.no_show"),
        Binding("x", "cancel", "Cancel", id="schedule.cancel"),
        Binding("a", "book", "Book", id="schedule.book"),
        Binding("m", "move", "Move", id="schedule.move"),
        Binding("W", "wait_list", "Wait list", id="schedule.wait_list"),
        Binding("L", "running_late", "Late", id="schedule.running_late"),
        Binding("N", "no_shows", "No-shows", id="schedule.no_shows"),
        Binding("P", "prep", "Prep", id="schedule.prep"),
        Binding("space", "mark", "Mark", id="schedule.mark", key_display="Spc"),
        Binding("C", "confirm_marked", "Confirm (marked)", id="schedule.confirm", show=False),
        Binding(
            "M", "move_provider", "To provider (marked)", id="schedule.move_provider", show=False
        ),
        Binding("u", "undo", "Undo", id="schedule.undo"),
        Binding("w", "walk_in", "Walk-in", id="schedule.walk_in"),
        Binding("dollar_sign", "drawer", "Payment", id="drawer", key_display="$"),
        Binding("slash", "find", "Find", id="find"),
        Binding("b", "callbacks", "Callbacks", id="schedule.callbacks"),
        Binding("ctrl+k", "callback", "New callback", id="callback", priority=True),
        Binding("left", "day(-1)", "Day", id="schedule.prev_day", key_display="←→"),
        Binding("right", "day(1)", "Next day", id="schedule.next_day", show=False),
        Binding("t", "today", "Today", id="schedule.today", show=False),
        Binding("g", "go_to", "Go to date", id="schedule.go_to", show=False),
        Binding("p", "provider", "Provider", id="schedule.provider"),
        Binding(
            "f5,ctrl+r", "refresh", "Refresh", id="schedule.refresh", key_display="F5", show=False
        ),
        Binding("question_mark", "keys", "All keys", id="schedule.keys", key_display="?"),
        Binding("E", "end_day", "End day", id="schedule.end_day"),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
        Binding("ctrl+q", "app.quit", "Quit", id="quit", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None
        self.provider_id: int | None = None
        self.schedule: DaySchedule | None = None
        self._keys: list[str] = []
        self._message = ""
        self.callbacks: DeskCounts | None = None
        self.marks: set[str] = set()  # row keys marked with Space for a batch action
        self._due_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Line("", id="title")
        table: ScheduleTable = ScheduleTable(id="day", cursor_type="row", zebra_stripes=False)
        yield table
        yield Line("", id="counts")
        yield MessageLine(id="message")
        keys = [b for b in self.BINDINGS if isinstance(b, Binding)]
        # Three lines: the callbacks keys (and a supervisor's End day) need the third.
        yield KeyBar(
            [b for b in keys if self.check_action(b.action, ()) is not False], classes="-tall"
        )

    def check_action(self, action: str, _parameters: tuple[object, ...]) -> bool | None:
        """End day is a supervisor's key: not shown, not active for the desk."""
        if action == "end_day":
            return self.staff.is_supervisor
        return True

    def on_mount(self) -> None:
        """Columns once; rows as soon as the day is loaded."""
        table = self.query_one(ScheduleTable)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        table.focus()
        self.day = self.clinic.today()
        self.reload()

    # --- loading ------------------------------------------------------------------------

    def reload(self, message: str = "") -> None:
        """Load the day in a thread and update only what changed."""
        day, provider_id, engine = self.day, self.provider_id, self.engine
        if message:
            self._message = message  # kept even if a newer reload supersedes this one

        staff_id = self.staff.id

        def job() -> tuple[DaySchedule, DeskCounts]:
            sweep_quietly(engine, staff_id)
            return load_day(engine, day, provider_id), desk_counts(engine)

        def done(result: tuple[DaySchedule, DeskCounts]) -> None:
            self.callbacks = result[1]
            self.show_day(result[0])
            self._wake_at(result[1].wake_at)
            if self._message:
                self.say(self._message)
                self._message = ""

        self.db(job, done, exclusive=True)

    def data_changed(self) -> None:
        """Another terminal changed something: read the day again; only changes are drawn."""
        self.reload()

    def _wake_at(self, moment: datetime | None) -> None:
        """Read again when the counts change by the clock alone (an item falls overdue).

        One timer for that moment, not a ticking one: waiting sends nothing.
        """
        from frontdesk import clock

        if self._due_timer is not None:
            self._due_timer.stop()
            self._due_timer = None
        if moment is not None:
            delay = max((moment - clock.now()).total_seconds(), 0.0) + 1.0
            self._due_timer = self.set_timer(delay, self.reload, name="next-due")

    def show_day(self, schedule: DaySchedule) -> None:
        """Put ``schedule`` on screen, keeping the cursor on the same appointment."""
        self.schedule = schedule
        table = self.query_one(ScheduleTable)
        keys = [row_key(r) for r in schedule.rows]
        selected = self.selected_key()
        if keys == self._keys:
            for row in schedule.rows:
                key = row_key(row)
                cells = row_cells(row, key in self.marks)
                for (col_key, _, _), cell in zip(COLUMNS, cells, strict=True):
                    if table.get_cell(key, col_key) != cell:
                        table.update_cell(key, col_key, cell)
        else:
            self.marks &= set(keys)
            pairs = zip(keys, schedule.rows, strict=True)
            rows = [(key, row_cells(row, key in self.marks)) for key, row in pairs]
            top: int | None = None
            if selected in keys:
                cursor = keys.index(selected)
            elif self.day == self.clinic.today():
                cursor = self._first_current_row(schedule)
                top = cursor - CONTEXT_ROWS
            else:
                cursor = top = 0
            table.replace_rows(rows, cursor, top)
            self._keys = keys
        self._show_title()
        self._show_counts()

    def _first_current_row(self, schedule: DaySchedule) -> int:
        """Where the cursor starts on today: the next patient still to be seen."""
        from frontdesk import clock

        now = clock.now().astimezone(self.clinic.zone)
        waiting = (Status.BOOKED, Status.ARRIVED)
        fallback = None
        for index, row in enumerate(schedule.rows):
            if row.is_opening or row.start + timedelta(minutes=row.minutes) < now:
                continue
            if row.status in waiting:
                return index
            fallback = index if fallback is None else fallback
        return fallback if fallback is not None else max(len(schedule.rows) - 1, 0)

    def _show_title(self) -> None:
        assert self.day is not None
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(self.clinic.name, style="bold")
        title.append(f"   {self.day:%a %d %b %Y}")
        if self.day == self.clinic.today():
            title.append(" (today)")
        title.append(f"   {self.staff.display_name} ({self.staff.role.value})")
        self.query_one("#title", Line).show(title)

    def _show_counts(self) -> None:
        counts = self.schedule.counts if self.schedule else {}
        parts = [f"{label} {counts[key]}" for label, key in COUNT_ORDER if counts.get(key)]
        if self.provider_id is not None and self.schedule is not None:
            name = dict(self.schedule.providers).get(self.provider_id, "?")
            parts.insert(0, f"{name.upper()} ONLY (p: everyone) ·")
        text = "  ".join(parts) if parts else "No appointments"
        line = Text(text, no_wrap=True)
        if self.callbacks is not None:
            found, overdue = self.callbacks.callbacks, self.callbacks.overdue
            right = f"Callbacks {found}" + (f" ({overdue} overdue)" if overdue else "")
            if self.callbacks.no_show_due:
                right = f"No-show? {self.callbacks.no_show_due} (N)  {right}"
            room = max(self.size.width, 80) - 2 - len(right) - 2
            if len(text) > room:  # a busy day: closer together before anything is cut
                line = Text(" ".join(parts), no_wrap=True)
            line.truncate(room, overflow="ellipsis")
            line.pad_right(room + 2 - line.cell_len)
            line.append(right, style="bold" if overdue else "")
        self.query_one("#counts", Line).show(line)

    # --- selection ----------------------------------------------------------------------

    def selected_key(self) -> str | None:
        """The key of the cursor row."""
        table = self.query_one(ScheduleTable)
        if not table.row_count:
            return None
        return self._keys[table.cursor_row] if table.cursor_row < len(self._keys) else None

    def selected_row(self) -> ScheduleRow | None:
        """The cursor row's data."""
        if self.schedule is None:
            return None
        table = self.query_one(ScheduleTable)
        if not table.row_count or table.cursor_row >= len(self.schedule.rows):
            return None
        return self.schedule.rows[table.cursor_row]

    def _selected_appointment(self) -> ScheduleRow | None:
        row = self.selected_row()
        if row is None or row.is_opening:
            self.say("Choose an appointment row first (↑ ↓)", error=True)
            return None
        return row

    # --- actions ------------------------------------------------------------------------

    def action_check_in(self) -> None:
        """Open check-in for the selected appointment."""
        row = self._selected_appointment()
        if row is None or row.appointment_id is None or row.patient_id is None:
            return
        from frontdesk.screens.checkin import CheckInScreen

        self.app.push_screen(
            CheckInScreen(patient_id=row.patient_id, appointment_id=row.appointment_id),
            self.after_check_in,
        )

    def after_check_in(self, message: str | None) -> None:
        """Back from check-in: refresh and say what happened."""
        self.reload(message or "")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: check in."""
        event.stop()
        self.action_check_in()

    def redraw_row(self, key: str) -> None:
        """Show one row's mark as it is now."""
        if self.schedule is None or key not in self._keys:
            return
        row = self.schedule.rows[self._keys.index(key)]
        cell = row_cells(row, key in self.marks)[0]
        self.query_one(ScheduleTable).update_cell(key, "time", cell)

    def action_status(self, status: str) -> None:
        """Roomed, out or no-show for the selected appointment (no-show: every marked one)."""
        if status == Status.NO_SHOW.value and self.no_show_marked():
            return
        row = self._selected_appointment()
        if row is None or row.appointment_id is None:
            return
        target = Status(status)
        engine, staff, appt_id = self.engine, self.staff, row.appointment_id
        self.db(
            lambda: change_status(engine, appt_id, target, staff=staff),
            lambda result: self._changed(result, row),
        )

    def _changed(self, result: Changed, row: ScheduleRow) -> None:
        if result.changed:
            text = f"{result.to_status.value}: {row.patient}  (u undoes)"
        else:
            text = f"Already {result.to_status.value}: {row.patient}"
        self.reload(text)
        if result.changed and result.to_status == Status.NO_SHOW:
            self.offer_rest_of_slot(row)

    def action_undo(self) -> None:
        """Undo your own last status change on the selected appointment."""
        row = self._selected_appointment()
        if row is None or row.appointment_id is None:
            return
        engine, staff, appt_id = self.engine, self.staff, row.appointment_id

        def done(result: Changed) -> None:
            self.reload(f"Undone: {row.patient} is {result.to_status.value} again")

        self.db(lambda: undo_last(engine, appt_id, staff=staff), done)

    def action_walk_in(self) -> None:
        """Find the patient, then check them in without an appointment."""
        from frontdesk.screens.find import FindScreen

        self.app.push_screen(FindScreen(walk_in=True))

    def after_drawer(self, outcome: DrawerOutcome | None) -> None:
        """Back from the drawer: copays taken change the flags; say what happened."""
        self.reload(outcome.message if outcome is not None else "")

    def action_callbacks(self) -> None:
        """The callbacks queue; the counts line is refreshed on the way back."""
        self.app.push_screen(CallbacksScreen())

    def action_end_day(self) -> None:
        """Count the drawers and close the day (supervisors)."""
        from frontdesk.screens.closeday import CloseDayScreen

        self.app.push_screen(CloseDayScreen())

    def action_day(self, step: int) -> None:
        """Previous or next day."""
        assert self.day is not None
        self.day += timedelta(days=step)
        self.marks.clear()
        self.reload()

    def action_today(self) -> None:
        """Back to today."""
        self.day = self.clinic.today()
        self.reload()

    def action_refresh(self) -> None:
        """Reload the day now."""
        self.reload("Refreshed")

    def action_go_to(self) -> None:
        """Jump to a date typed by the clerk."""
        from frontdesk.dialogs.date import DateDialog

        def chosen(day: date | None) -> None:
            if day is not None:
                self.day = day
                self.reload()

        self.app.push_screen(DateDialog(self.clinic), chosen)

    def action_provider(self) -> None:
        """Show one provider's day, or everyone's."""
        if self.schedule is None:
            return
        from frontdesk.dialogs.choice import ChoiceDialog

        providers = list(self.schedule.providers)
        options = ["Everyone", *[name for _, name in providers]]

        def chosen(index: int | None) -> None:
            if index is None:
                return
            self.provider_id = None if index == 0 else providers[index - 1][0]
            self.reload()

        self.app.push_screen(ChoiceDialog("Show whose schedule?", options, start=0), chosen)

    def on_screen_resume(self) -> None:
        """Coming back from another screen: the data may have changed."""
        if self.schedule is not None and self.desk.staff is not None:
            self.reload()
