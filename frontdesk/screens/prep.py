"""The prep worklist: a coming day's booked visits and what each needs before it.

``Space`` marks a visit, ``a`` marks every unconfirmed one, ``C`` confirms the
marked visits (or the cursor's visit when none is marked) in one save. ``←``
``→`` step through the days ahead (never into the past), ``e`` writes the list
as CSV to the export folder, ``P`` prints it. The selected visit's phones, needs
in words and prep instructions show under the table.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from frontdesk import clock
from frontdesk.data.prep import PrepRow, Worklist, confirm, past_day_message
from frontdesk.data.prep import worklist as load_worklist
from frontdesk.data.prep_export import export_csv, file_name, needs, record_export, worklist_text
from frontdesk.printing import print_command, send
from frontdesk.screens.base import DeskScreen, MessageLine
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.line import Line
from frontdesk.widgets.safe import safe

EXPORT_DIR_ENV = "FRONTDESK_EXPORT_DIR"
MARKED, UNMARKED = "■", "·"
COLUMNS = (
    ("mark", "", 1),
    ("time", "Time", 5),
    ("patient", "Patient", 16),
    ("phone", "Phone", 14),
    ("provider", "Provider", 8),
    ("flags", "Flags", 22),
)


def export_dir() -> Path:
    """Where ``e`` writes: ``FRONTDESK_EXPORT_DIR``, else ``exports`` in the user data dir."""
    configured = os.environ.get(EXPORT_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    from frontdesk.config import APP_NAME

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "exports"


def shown_path(path: Path, room: int = 200) -> str:
    """``~/...`` for a path under the home folder; cut at the front to fit ``room``."""
    home = str(Path.home())
    text = str(path)
    if home != "/" and text.startswith(home + os.sep):
        text = "~" + text[len(home) :]
    return text if len(text) <= room else "…" + text[-(room - 1) :]


def row_cells(row: PrepRow, marked: bool) -> tuple[Text, ...]:
    """One visit's cells; user text as plain ``Text``."""
    flags = " ".join(row.flags) if row.flags else "✓ ready"
    return (
        Text(MARKED if marked else UNMARKED, style="bold" if marked else ""),
        Text(f"{row.start:%H:%M}"),
        safe(row.patient),
        safe(row.phone or "no phone"),
        safe(row.provider),
        Text(flags, no_wrap=True, overflow="ellipsis"),
    )


def _joined(parts: list[str], room: int, most: int) -> list[str]:
    """``parts`` joined by ``, `` on up to ``most`` lines of ``room`` columns."""
    lines = [""]
    for part in parts:
        candidate = f"{lines[-1]}, {part}" if lines[-1] else part
        if lines[-1] and cell_len(candidate) > room and len(lines) < most:
            lines[-1] += ","
            lines.append(part)
        else:
            lines[-1] = candidate
    return lines


def detail_text(row: PrepRow | None, width: int) -> Text:
    """Up to four lines about the selected visit: how to reach them, needs, the visit, prep."""
    if row is None:
        return Text("No booked visits on this day. ← → shows another day.")
    room = max(width - 2, 20)
    phones = [f"mobile {row.phone_mobile}"] if row.phone_mobile else []
    phones += [f"home {row.phone_home}"] if row.phone_home else []
    first = "   ".join([row.patient, f"MRN {row.mrn}", *(phones or ["no phone on file"])])
    words = needs(row)
    said = _joined(["Needs: " + words[0], *words[1:]], room, 2) if words else []
    lines = [first, *(said or ["Confirmed; nothing else needed"])]
    visit = [f"{row.type_name} {row.minutes} min with {row.provider}"]
    if row.arrive_at != row.start:
        visit.append(f"arrive by {row.arrive_at:%H:%M}")
    if row.authorization_ref:
        visit.append(f"auth {row.authorization_ref}")
    prep = " ".join(row.prep_instructions.split())
    if prep and len(lines) == 2:
        lines += [" · ".join(visit), f"Prep: {prep}"]
    else:
        lines.append(" · ".join([*visit, f"Prep: {prep}"] if prep else visit))
    shown = [safe(line, "bold" if n == 0 else "") for n, line in enumerate(lines)]
    for line in shown:
        line.truncate(room, overflow="ellipsis")
    return Text("\n").join(shown)


class PrepTable(DataTable[Text]):
    """The day's visits; ← → belong to the screen (previous/next day)."""

    BINDINGS = [b for b in DataTable.BINDINGS if getattr(b, "key", "") not in ("left", "right")]


class PrepScreen(DeskScreen):
    """A day's prep list (``day`` ``None``: the next clinic day). Dismisses with ``None``."""

    CSS_PATH = "prep.tcss"
    BINDINGS = [
        Binding("space", "mark", "Mark", id="prep.mark"),
        Binding("a", "mark_unconfirmed", "Mark unconfirmed", id="prep.mark_unconfirmed"),
        Binding("C", "confirm", "Confirm", id="prep.confirm"),
        Binding("left", "day(-1)", "Day", id="prep.previous_day", key_display="←→"),
        Binding("right", "day(1)", "", id="prep.next_day", show=False),
        Binding("e", "export", "Export CSV", id="prep.export"),
        Binding("P", "print", "Print", id="prep.print"),
        Binding("f5,ctrl+r", "refresh", "Refresh", id="prep.refresh", key_display="F5"),
        Binding("slash", "find", "Find", id="find"),
        Binding("dollar_sign", "drawer", "Payment", id="drawer", key_display="$"),
        Binding("escape", "back", "Back", id="prep.back"),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
    ]

    def __init__(self, day: date | None = None) -> None:
        super().__init__()
        self.day = day
        self.worklist: Worklist | None = None
        self.marked: set[int] = set()
        self._keys: list[int] = []

    def compose(self) -> ComposeResult:
        yield Line("", id="prep-title")
        yield Line("", id="prep-counts")
        yield PrepTable(id="prep-table", cursor_type="row", zebra_stripes=False)
        yield Line("", id="prep-detail")
        yield MessageLine(id="message")
        yield KeyBar([b for b in self.BINDINGS if isinstance(b, Binding)])

    @property
    def table(self) -> PrepTable:
        """The visits' rows."""
        return self.query_one(PrepTable)

    def on_mount(self) -> None:
        """Read the day (in a thread)."""
        self.table.focus()
        self.load()

    # --- loading and showing ------------------------------------------------------------

    def load(self, message: str = "") -> None:
        """Read the day shown (a newer read supersedes this one)."""
        engine, day = self.engine, self.day

        def done(found: Worklist) -> None:
            self.show(found)
            if message:
                self.say(message)

        self.db(lambda: load_worklist(engine, day), done, exclusive=True)

    def show(self, found: Worklist) -> None:
        """Put the list on screen; only changed cells are redrawn when the same visits show."""
        table = self.table
        if not table.columns:  # with the first rows, in one handler (steady snapshots)
            for key, label, width in COLUMNS:
                table.add_column(label, key=key, width=width)
        if self.worklist is None or found.day != self.worklist.day:
            self.marked.clear()
        self.day = found.day
        self.worklist = found
        keys = [row.appointment_id for row in found.rows]
        self.marked &= set(keys)
        if keys == self._keys:
            for row in found.rows:
                self._update_row(row)
        else:
            current = self.selected()
            index = table.cursor_row
            table.clear()
            for row in found.rows:
                marked = row.appointment_id in self.marked
                table.add_row(*row_cells(row, marked), key=str(row.appointment_id))
            self._keys = keys
            if current is not None and current.appointment_id in keys:
                table.move_cursor(row=keys.index(current.appointment_id), animate=False)
            elif keys:
                table.move_cursor(row=min(index, len(keys) - 1), animate=False)
        self._show_title()
        self._show_detail()

    def _update_row(self, row: PrepRow) -> None:
        key = str(row.appointment_id)
        cells = row_cells(row, row.appointment_id in self.marked)
        for (column, _, _), cell in zip(COLUMNS, cells, strict=True):
            old = self.table.get_cell(key, column)
            if old != cell or old.style != cell.style:
                self.table.update_cell(key, column, cell)

    def _show_title(self) -> None:
        if self.worklist is None:
            return
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append("Prep", style="bold")
        title.append(f"   {self.worklist.day_label()}")
        if self.marked:
            title.append(f"   Marked {len(self.marked)}", style="bold")
        self.query_one("#prep-title", Line).show(title)
        self.query_one("#prep-counts", Line).show(
            Text(self.worklist.counts_text(), no_wrap=True, overflow="ellipsis")
        )

    def _show_detail(self) -> None:
        width = self.size.width or 80
        self.query_one("#prep-detail", Line).show(detail_text(self.selected(), width))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The details follow the cursor."""
        event.stop()
        self._show_detail()

    def selected(self) -> PrepRow | None:
        """The cursor row's visit."""
        if self.worklist is None or not self.table.row_count:
            return None
        rows = self.worklist.rows
        return rows[self.table.cursor_row] if self.table.cursor_row < len(rows) else None

    def data_changed(self) -> None:
        """Another terminal changed something: read again (marks stay on listed visits)."""
        self.load()

    def on_screen_resume(self) -> None:
        """Back from another screen: the data may have changed."""
        if self.worklist is not None and self.desk.staff is not None:
            self.load()

    # --- marking and confirming ---------------------------------------------------------

    def _remark(self, ids: set[int]) -> None:
        if self.worklist is None:
            return
        for row in self.worklist.rows:
            if row.appointment_id in ids:
                self._update_row(row)
        self._show_title()

    def action_mark(self) -> None:
        """Mark or unmark the cursor's visit, then move down a row."""
        row = self.selected()
        if row is None:
            self.say("Nothing to mark: no booked visits on this day", error=True)
            return
        self.marked ^= {row.appointment_id}
        self._remark({row.appointment_id})
        self.table.action_cursor_down()

    def action_mark_unconfirmed(self) -> None:
        """Mark every visit not yet confirmed."""
        if self.worklist is None:
            return
        ids = {r.appointment_id for r in self.worklist.rows if not r.confirmed}
        if not ids:
            self.say("Every visit on this day is confirmed")
            return
        self.marked |= ids
        self._remark(ids)
        self.say(f"Marked {len(ids)} unconfirmed (C confirms them)")

    def action_confirm(self) -> None:
        """Confirm the marked visits, or the cursor's when none is marked: one save."""
        if self.worklist is None:
            return
        if self.marked:
            ids = [r.appointment_id for r in self.worklist.rows if r.appointment_id in self.marked]
        else:
            row = self.selected()
            if row is None:
                self.say("Nothing to confirm: no booked visits on this day", error=True)
                return
            ids = [row.appointment_id]
        engine, staff, day = self.engine, self.staff, self.day

        def job() -> tuple[int, Worklist]:
            confirmed = confirm(engine, ids, staff=staff)  # committed on return
            return confirmed, load_worklist(engine, day)

        def done(result: tuple[int, Worklist]) -> None:
            confirmed, found = result
            self.marked -= set(ids)
            if found.day == self.day:
                self.show(found)
            else:  # another day was chosen while saving
                self.load()
            already = len(ids) - confirmed
            text = f"Confirmed {confirmed}"
            if already:
                text += f" ({already} already confirmed)"
            self.say(text)

        self.db(job, done)

    # --- days, export, print ------------------------------------------------------------

    def action_day(self, step: int) -> None:
        """The previous or next day; the list never goes back past today."""
        if self.day is None:
            return
        today = self.clinic.today()
        target = self.day + timedelta(days=step)
        if target < today:
            self.say(past_day_message(target, today), error=True)
            return
        self.day = target
        self.load()

    def action_refresh(self) -> None:
        """Read the day again now."""
        self.load("Refreshed")

    def action_export(self) -> None:
        """Write the list as CSV to the export folder (readable by you only)."""
        found = self.worklist
        if found is None:
            return
        engine, staff_id = self.engine, self.staff.id
        path = export_dir() / file_name(found)

        def job() -> Path:
            return export_csv(engine, found, path, staff_id=staff_id)

        def done(written: Path) -> None:
            said = f"Exported {len(found.rows)} visits to "
            room = max(self.size.width, 80) - 4 - len(said)
            self.say(said + shown_path(written, room))

        self.db(job, done)

    def action_print(self) -> None:
        """Print the list on this terminal's printer."""
        found = self.worklist
        if found is None:
            return
        command = print_command(self.clinic.print_command)
        if not command:
            self.say("No printer is set up for this terminal; e exports the list", error=True)
            return
        engine, staff_id, zone = self.engine, self.staff.id, self.clinic.zone
        text = worklist_text(found, printed_at=clock.now().astimezone(zone))

        def job() -> str | None:
            visits = len(found.rows)
            record_export(
                engine, found.day, how="print", target=command, visits=visits, staff_id=staff_id
            )
            try:
                return send(text, command)  # after the commit, as receipts are
            except Exception:
                return "The printer did not answer"

        def done(error: str | None) -> None:
            if error:
                self.say(f"Not printed: {error}", error=True)
            else:
                self.say(f"Printed the list of {len(found.rows)} visits")

        self.db(job, done)

    def action_back(self) -> None:
        """Back to where the list was opened."""
        self.dismiss(None)
