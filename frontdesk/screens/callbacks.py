"""The callbacks queue (``b`` from the schedule): work the calls to return, one key each.

``v`` left voicemail, ``r`` reached, ``n`` no answer, ``w`` wrong number log a
try on the selected item; ``Enter`` and the outcome's number close it; ``Tab``
passes it on (desk → nurse → supervisor), ``m`` takes it. After each action
only the cells that changed are redrawn and the cursor stays where it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from frontdesk.data.callback_queue import (
    FILTERS,
    QueueItem,
    counts,
    queue,
    queue_order,
    sweep_long_waits,
)
from frontdesk.data.callbacks import (
    ATTEMPTS,
    OUTCOMES,
    QUEUES,
    Reason,
    close_callback,
    log_attempt,
    reasons,
    reassign,
)
from frontdesk.data.errors import FrontDeskError
from frontdesk.screens.base import DeskScreen, MessageLine
from frontdesk.widgets.callback_rows import CallbackTable, detail_text
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.line import Line

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from frontdesk.screens.callback_form import CallbackAdded
    from frontdesk.screens.drawer import DrawerOutcome

log = logging.getLogger(__name__)
T = TypeVar("T")
Totals = tuple[int, int]


def sweep_quietly(engine: Engine, staff_id: int | None) -> None:
    """Make the long-wait items due now (the schedule's reload calls it too); never fails.

    A failed sweep (the database busy, say) must not keep the list or the day
    from loading: the next load sweeps again.
    """
    try:
        sweep_long_waits(engine, staff_id=staff_id)
    except Exception as error:  # the type only: no patient data in the log
        log.error("long-wait sweep failed: %s", type(error).__name__)


class CallbacksScreen(DeskScreen):
    """Open items, overdue first; the header's lists (1-6) and a reason filter (f)."""

    CSS_PATH = "callbacks.tcss"
    BINDINGS = [
        Binding("v", "attempt('voicemail')", "Voicemail", id="callbacks.voicemail"),
        Binding("r", "attempt('reached')", "Reached", id="callbacks.reached"),
        Binding("n", "attempt('no_answer')", "No answer", id="callbacks.no_answer"),
        Binding("w", "attempt('wrong_number')", "Wrong no.", id="callbacks.wrong_number"),
        Binding("enter,x", "close", "Close", id="callbacks.close"),
        Binding("c", "close(True)", "Close+note", id="callbacks.close_note"),
        Binding("tab", "owner", "Owner", id="callbacks.owner"),
        Binding("m", "mine", "Mine", id="callbacks.mine"),
        Binding("a,ctrl+k", "callback", "Add", id="callbacks.add", priority=True),
        Binding("f", "reason", "Reason", id="callbacks.reason"),
        Binding("1", "view(0)", "Lists", id="callbacks.view1", key_display="1-6"),
        *[
            Binding(str(n + 1), f"view({n})", "", id=f"callbacks.view{n + 1}", show=False)
            for n in range(1, len(FILTERS))
        ],
        Binding("left", "step(-1)", "", id="callbacks.previous", show=False),
        Binding("right", "step(1)", "", id="callbacks.next", show=False),
        Binding("h", "handoff", "Hand-off", id="callbacks.handoff"),
        Binding("f5,ctrl+r", "refresh", "Refresh", id="callbacks.refresh", key_display="F5"),
        Binding("slash", "find", "Find", id="find"),
        Binding("dollar_sign", "drawer", "Payment", id="drawer", key_display="$"),
        Binding("escape", "back", "Back", id="callbacks.back"),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
    ]

    def __init__(self, view: str = "all") -> None:
        super().__init__()
        self.view = view
        self.reason: str | None = None
        self.known_reasons: list[Reason] = []
        self.seen_reasons: dict[str, str] = {}  # automatic ones too (rebook, long wait)
        self._busy = True  # until the list is first shown: keys typed ahead wait for it
        self._first = True
        self._pending: list[Callable[[], None]] = []  # keys pressed while a save ran
        self._stale = False  # another terminal changed something while a save ran

    def compose(self) -> ComposeResult:
        yield Line("", id="cb-title")
        yield Line("", id="cb-lists")
        yield CallbackTable(id="queue")
        yield Line("", id="cb-detail")
        yield MessageLine(id="message")
        yield KeyBar([b for b in self.BINDINGS if isinstance(b, Binding)], classes="-tall")

    @property
    def table(self) -> CallbackTable:
        """The queue's rows."""
        return self.query_one(CallbackTable)

    def on_mount(self) -> None:
        """Sweep for long waits, then read the queue (in a thread)."""
        self.table.focus()
        self._show_lists()
        self.load()

    # --- loading and showing ------------------------------------------------------------

    def load(self, message: str = "", *, keep_shown: bool = False) -> None:
        """Read the list shown (a newer load supersedes this one).

        ``keep_shown`` (a live refresh) also keeps the items on screen that are
        still open but left this list, the way an action does: an item just
        passed on with Tab stays under the cursor until the list is read anew.
        """
        engine, staff_id, view, reason = self.engine, self.staff.id, self.view, self.reason
        first = not self.known_reasons
        shown = {item.id for item in self.table.items} if keep_shown else set()

        def job() -> tuple[list[Reason], list[QueueItem], Totals]:
            sweep_quietly(engine, staff_id)
            found = reasons(engine) if first else []
            items = queue(engine, view=view, staff_id=staff_id, reason=reason)
            if shown:
                listed = {item.id for item in items}
                kept = [i for i in queue(engine) if i.id in shown and i.id not in listed]
                items = sorted(items + kept, key=queue_order)
            return found, items, counts(engine)

        def done(result: tuple[list[Reason], list[QueueItem], Totals]) -> None:
            found, items, totals = result
            self.known_reasons = found or self.known_reasons
            self.show_queue(items, totals)
            if message:
                self.say(message)
            self._loaded()

        def failed(error: FrontDeskError) -> None:
            self.show_error(error)
            self._loaded()

        self.db(job, done, failed=failed, exclusive=True)

    def _loaded(self) -> None:
        if self._first:
            self._first = False
            self._ready()

    def show_queue(self, items: list[QueueItem], totals: Totals) -> None:
        """Put ``items`` on screen: changed cells only when the same items are listed."""
        self.table.show(items, self.clinic.today())
        self.seen_reasons.update({i.reason: i.reason_label for i in items})
        self._show_title(totals)
        self._show_detail()

    def refresh_rows(self, items: list[QueueItem], totals: Totals) -> None:
        """After an action: the rows shown updated in place; closed items leave."""
        self.table.refresh_items(items, self.clinic.today())
        self._show_title(totals)
        self._show_detail()

    def _show_title(self, totals: Totals) -> None:
        found, overdue = totals
        title = Text.assemble(("Callbacks", "bold"), f"   Open {found}  Overdue {overdue}")
        if self.view != "all" or self.reason is not None:
            title.append(f"   (this list: {len(self.table.items)})")
        self.query_one("#cb-title", Line).show(title)

    def _show_lists(self) -> None:
        line = Text("Show ", no_wrap=True, overflow="ellipsis")
        for name in FILTERS:
            if name == self.view:
                line.append(f"▸{name}", style="reverse bold")
            else:
                line.append(f" {name}")
            line.append(" ")
        label = self.seen_reasons.get(self.reason, self.reason) if self.reason else "all"
        line.append(f"  Reason: {label}")
        self.query_one("#cb-lists", Line).show(line)

    def _show_detail(self) -> None:
        width = self.size.width or 80
        self.query_one("#cb-detail", Line).show(
            detail_text(self.selected(), self.clinic.today(), width)
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The details follow the cursor."""
        event.stop()
        self._show_detail()

    def selected(self) -> QueueItem | None:
        """The cursor row's item."""
        return self.table.selected()

    def _chosen(self) -> QueueItem | None:
        item = self.selected()
        if item is None:
            self.say("Nothing chosen: this list is empty", error=True)
        return item

    # --- actions on the selected item -----------------------------------------------------

    def _wait_for_save(self, action: Callable[[], None]) -> bool:
        """While a save runs, keys pressed behind it wait their turn (they use its result)."""
        if self._busy:
            self._pending.append(action)
        return self._busy

    def _ready(self) -> None:
        """The list is current: run the next key that waited, if any."""
        self._busy = False
        if self._pending:
            self._pending.pop(0)()
        elif self._stale:
            self.data_changed()

    def data_changed(self) -> None:
        """Another terminal changed something: read again, once no save is running."""
        self._stale = self._busy
        if not self._busy:
            self.load(keep_shown=True)

    def _act(self, job: Callable[[], T], said: Callable[[T], str]) -> None:
        """Save in a thread, then re-read the items and update the rows shown."""
        self._busy = True
        engine, staff_id = self.engine, self.staff.id

        def work() -> tuple[T, list[QueueItem], Totals]:
            result = job()  # committed on return
            return result, queue(engine, staff_id=staff_id), counts(engine)

        def done(out: tuple[T, list[QueueItem], Totals]) -> None:
            result, items, totals = out
            self.refresh_rows(items, totals)
            self.say(said(result))
            self._ready()

        def failed(error: FrontDeskError) -> None:
            self._busy = False
            self._pending.clear()
            self.show_error(error)
            self.load()  # someone else changed or closed it: show what is there now

        self.db(work, done, failed=failed)

    def action_attempt(self, result: str) -> None:
        """Log one try at reaching the caller."""
        if self._wait_for_save(lambda: self.action_attempt(result)):
            return
        item = self._chosen()
        if item is None:
            return
        engine, staff, zone = self.engine, self.staff, self.clinic.zone

        def said(next_try: datetime | None) -> str:
            text = f"{ATTEMPTS[result]}: {item.who}"
            if next_try is not None:
                text += f" · try again at {next_try.astimezone(zone):%H:%M}"
            return text

        self._act(
            lambda: log_attempt(engine, item.id, result, staff=staff, version=item.version), said
        )

    def action_close(self, with_note: bool = False) -> None:
        """Close the item: its outcome by number (and, with ``c``, a note)."""
        if self._wait_for_save(lambda: self.action_close(with_note)):
            return
        item = self._chosen()
        if item is None:
            return
        from frontdesk.dialogs.choice import ChoiceDialog
        from frontdesk.dialogs.note import NoteDialog

        codes = list(OUTCOMES)
        engine, staff = self.engine, self.staff

        def closed(outcome: str) -> str:
            return f"Closed ({OUTCOMES[outcome]}): {item.who}"

        def chosen(index: int | None) -> None:
            if index is None:
                return
            code = codes[index]
            if not with_note:
                self._act(
                    lambda: close_callback(
                        engine, item.id, code, staff=staff, version=item.version
                    ),
                    lambda _: closed(code),
                )
                return

            def save(note: str) -> bool:
                close_callback(engine, item.id, code, staff=staff, note=note, version=item.version)
                return True

            def noted(done: bool | None) -> None:
                if done:
                    self._act(lambda: None, lambda _: closed(code))

            self.app.push_screen(
                NoteDialog(f"Close: {item.who}, {OUTCOMES[code]}", "Note (Enter closes):", save),
                noted,
            )

        self.app.push_screen(
            ChoiceDialog(f"Close {item.who}: what was the outcome?", list(OUTCOMES.values())),
            chosen,
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: close it."""
        event.stop()
        self.action_close()

    def action_owner(self) -> None:
        """Pass the item on: desk → nurse → supervisor → desk."""
        if self._wait_for_save(self.action_owner):
            return
        item = self._chosen()
        if item is None:
            return
        now = QUEUES.index(item.owner_queue) if item.owner_queue in QUEUES else -1
        target = QUEUES[(now + 1) % len(QUEUES)]
        engine, staff = self.engine, self.staff
        self._act(
            lambda: reassign(engine, item.id, staff=staff, queue=target, version=item.version),
            lambda _: f"{item.who} → {target} queue  (Tab again passes it on)",
        )

    def action_mine(self) -> None:
        """Take the item: it is yours until closed or passed on."""
        if self._wait_for_save(self.action_mine):
            return
        item = self._chosen()
        if item is None:
            return
        engine, staff = self.engine, self.staff
        self._act(
            lambda: reassign(
                engine, item.id, staff=staff, owner_staff_id=staff.id, version=item.version
            ),
            lambda _: f"{item.who} is yours now ({staff.username})",
        )

    # --- lists, filters, other screens ----------------------------------------------------

    def action_view(self, index: int) -> None:
        """Show one of the lists (1-6)."""
        if FILTERS[index] != self.view:
            self.view = FILTERS[index]
            self._show_lists()
            self.load()

    def action_step(self, step: int) -> None:
        """The previous or next list (← →)."""
        self.action_view((FILTERS.index(self.view) + step) % len(FILTERS))

    def action_reason(self) -> None:
        """Show one reason's items only, or all of them again."""
        from frontdesk.dialogs.choice import ChoiceDialog

        choices = {r.code: r.label for r in self.known_reasons}
        choices.update({c: label for c, label in self.seen_reasons.items() if c not in choices})
        codes: list[str | None] = [None, *choices]

        def chosen(index: int | None) -> None:
            if index is not None and codes[index] != self.reason:
                self.reason = codes[index]
                self._show_lists()
                self.load()

        self.app.push_screen(
            ChoiceDialog("Show which reason?", ["All reasons", *choices.values()], start=0),
            chosen,
        )

    def action_refresh(self) -> None:
        """Read the list again now."""
        self.load("Refreshed")

    def action_handoff(self) -> None:
        """Open items grouped by owner, for the next shift."""
        from frontdesk.screens.handoff import HandoffScreen

        self.app.push_screen(HandoffScreen(), lambda _: self.load())

    def after_callback(self, added: CallbackAdded | None) -> None:
        """Back from quick add: say what was saved; the new item shows in its list."""
        super().after_callback(added)
        if added is not None:
            self.load()

    def action_find(self) -> None:
        """Patient search; the list is read again afterwards."""
        from frontdesk.screens.find import FindScreen

        self.app.push_screen(FindScreen(), lambda _: self.load())

    def action_drawer(self) -> None:
        """Take a payment, for the selected item's patient if there is one."""
        from frontdesk.screens.drawer import DrawerScreen

        item = self.selected()
        self.app.push_screen(DrawerScreen(item.patient_id if item else None), self.after_drawer)

    def after_drawer(self, outcome: DrawerOutcome | None) -> None:
        """Back from the drawer: say what was taken."""
        super().after_drawer(outcome)
        self.load()

    def action_back(self) -> None:
        """Back to where the queue was opened."""
        self.dismiss(None)
