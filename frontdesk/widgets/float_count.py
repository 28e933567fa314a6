"""The opening float, counted by denomination: one short field each, a running total."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from frontdesk.data.counts import denomination_label, parse_count
from frontdesk.data.errors import InvalidInput
from frontdesk.money import format_cents
from frontdesk.widgets.fields import FieldMessage, TextField


class FloatCount(Vertical):
    """Enter moves to the next field; Enter on the last (or ^s) posts :class:`Counted`."""

    DEFAULT_CSS = """
    FloatCount { height: auto; padding: 0 1; }
    FloatCount .float-row { height: auto; }
    FloatCount .float-label { width: 12; }
    FloatCount TextField { width: 8; background: $boost; }
    FloatCount .float-sub { width: 14; padding-left: 1; }
    FloatCount #float-total { margin-top: 1; text-style: bold; }
    """
    BINDINGS = [Binding("ctrl+s", "counted", "Open drawer", show=False)]

    @dataclass
    class Counted(Message):
        """The clerk asked to open the drawer with these counts (as typed)."""

        counts: dict[int, str]

    def __init__(self, denominations: tuple[int, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.denominations = denominations

    def compose(self) -> ComposeResult:
        yield Static(
            "Open your drawer: count the float. How many of each? (blank = none)",
            markup=False,
        )
        last = len(self.denominations) - 1
        for index, denom in enumerate(self.denominations):
            with Horizontal(classes="float-row"):
                yield Static(denomination_label(denom), classes="float-label", markup=False)
                yield TextField(id=f"count-{denom}", max_length=7, next_on_enter=index < last)
                yield Static("", id=f"sub-{denom}", classes="float-sub", markup=False)
                yield FieldMessage(id=f"m-count-{denom}")
        yield Static("Float total $0.00", id="float-total", markup=False)

    def focus_first(self) -> None:
        """Start counting at the largest denomination."""
        self.screen.set_focus(self.query_one(f"#count-{self.denominations[0]}", TextField))

    def counts(self) -> dict[int, str]:
        """What is typed, per denomination."""
        return {d: self.query_one(f"#count-{d}", TextField).value for d in self.denominations}

    @on(Input.Changed)
    def _recount(self, event: Input.Changed) -> None:
        """Subtotals and the total as the clerk types; a bad count says why at once."""
        event.stop()
        total = 0
        bad = False
        for denom, raw in self.counts().items():
            label = denomination_label(denom)
            message = self.query_one(f"#m-count-{denom}", FieldMessage)
            sub = self.query_one(f"#sub-{denom}", Static)
            try:
                pieces = parse_count(raw, field=f"count-{denom}", label=label)
            except InvalidInput as error:
                message.show(error.message)
                sub.update("")
                bad = True
                continue
            message.show("")
            total += pieces * denom
            sub.update(f"= {format_cents(pieces * denom)}" if pieces else "")
        text = f"Float total {format_cents(total)}"
        if bad:
            text += "  (fix the counts marked !)"
        self.query_one("#float-total", Static).update(text)

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == f"count-{self.denominations[-1]}":
            self.action_counted()

    def action_counted(self) -> None:
        """Ask the screen to open the drawer."""
        self.post_message(self.Counted(self.counts()))

    def show_error(self, field: str | None, message: str) -> None:
        """Show a refused count at its field (and focus it), else under the total."""
        if field and field.startswith("count-") and self.query(f"#m-{field}"):
            self.query_one(f"#m-{field}", FieldMessage).show(message)
            self.screen.set_focus(self.query_one(f"#{field}", TextField))
            return
        self.query_one("#float-total", Static).update(f"! {message}")
