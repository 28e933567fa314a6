"""Hand-off (``h`` in the callbacks queue): open items grouped by owner for the next shift.

A read-only list, one block per owner, overdue first in each; ``b`` (or Esc)
goes to the queue to work them.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll

from frontdesk import clock
from frontdesk.data.callback_queue import QueueItem, counts, handoff
from frontdesk.screens.base import DeskScreen, MessageLine
from frontdesk.widgets.callback_rows import SHORT_REASONS, due_text, tries_text, who_text
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.line import Line
from frontdesk.widgets.safe import safe

Grouped = dict[str, list[QueueItem]]


def cell(text: str, width: int) -> Text:
    """``text`` cut to ``width - 1`` and padded to ``width`` (user text stays plain)."""
    out = safe(text)
    out.truncate(width - 1, overflow="ellipsis")
    out.pad_right(width - out.cell_len)
    return out


def item_line(item: QueueItem, today: date, width: int) -> Text:
    """``  09:30! 1 Billing    Alvarez, Rosa   (312) 555-0134  1 VM  statement``."""
    line = Text("  ", no_wrap=True, overflow="ellipsis")
    line.append_text(cell(due_text(item, today), 8))
    line.append(f"{item.priority} ")
    line.append_text(cell(SHORT_REASONS.get(item.reason, item.reason_label), 11))
    line.append_text(cell(who_text(item), 21))
    line.append_text(cell(item.phone or "no phone", 16))
    line.append_text(cell(tries_text(item), 6))
    line.append_text(safe(" ".join(item.notes.split())))
    line.truncate(width, overflow="ellipsis")
    return line


def handoff_text(grouped: Grouped, today: date, width: int) -> Text:
    """Every owner's block: a heading with the counts, then the items."""
    if not grouped:
        return Text("Nothing is open: the next shift starts with an empty queue.")
    out = Text()
    for owner, items in grouped.items():
        late = sum(1 for i in items if i.overdue)
        heading = f"{owner}: {len(items)} open" + (f", {late} overdue" if late else "")
        out.append_text(safe(heading, "bold"))
        out.append("\n")
        for item in items:
            out.append_text(item_line(item, today, width))
            out.append("\n")
    out.rstrip()
    return out


class HandoffScreen(DeskScreen):
    """Dismisses with ``None``: the queue below reloads."""

    CSS_PATH = "handoff.tcss"
    BINDINGS = [
        Binding("b", "back", "Callbacks", id="handoff.callbacks"),
        Binding("down", "scroll('down')", "Scroll", id="handoff.scroll", key_display="↑↓"),
        Binding("up", "scroll('up')", "", id="handoff.scroll_up", show=False),
        Binding("pagedown", "scroll('page_down')", "Page", id="handoff.page", key_display="PgDn"),
        Binding("pageup", "scroll('page_up')", "", id="handoff.page_up", show=False),
        Binding("f5,ctrl+r", "refresh", "Refresh", id="handoff.refresh", key_display="F5"),
        Binding("escape", "back", "Back", id="handoff.back"),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
    ]

    def compose(self) -> ComposeResult:
        yield Line("", id="ho-title")
        with VerticalScroll(id="ho-scroll", can_focus=False):
            yield Line("Loading...", id="ho-list")
        yield MessageLine(id="message")
        yield KeyBar([b for b in self.BINDINGS if isinstance(b, Binding)])

    def on_mount(self) -> None:
        """Read the open items (in a thread)."""
        self.set_focus(None)
        self.load()

    def load(self) -> None:
        """Group the open items by owner."""
        engine = self.engine
        self.db(lambda: (handoff(engine), counts(engine)), self.show, exclusive=True)

    def show(self, loaded: tuple[Grouped, tuple[int, int]]) -> None:
        """Put the blocks on screen."""
        grouped, (found, overdue) = loaded
        now = clock.now().astimezone(self.clinic.zone)
        title = Text.assemble(
            ("Hand-off", "bold"),
            f"   open callbacks by owner   {now:%a %d %b %H:%M}   Open {found}  Overdue {overdue}",
        )
        self.query_one("#ho-title", Line).show(title)
        width = max(self.size.width, 80) - 2
        self.query_one("#ho-list", Line).show(handoff_text(grouped, now.date(), width))

    def action_scroll(self, how: str) -> None:
        """Move through the list."""
        scroll = self.query_one("#ho-scroll", VerticalScroll)
        {
            "down": scroll.scroll_down,
            "up": scroll.scroll_up,
            "page_down": scroll.scroll_page_down,
            "page_up": scroll.scroll_page_up,
        }[how](animate=False)

    def data_changed(self) -> None:
        """Another terminal changed something: read the list again."""
        self.load()

    def action_refresh(self) -> None:
        """Read again now."""
        self.load()
        self.say("Refreshed")

    def action_back(self) -> None:
        """To the queue (``b``) or back (Esc): both return to the callbacks list."""
        self.dismiss(None)
