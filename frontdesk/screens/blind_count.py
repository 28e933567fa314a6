"""The blind count of one cash drawer, reached from the close-of-day screen.

The counter types how many of each bill and coin, then checks and card slips;
what the drawer should hold shows only after the count is stored (``^s``, or
Enter on the last field). A count that differs needs a reason (typed, then
Enter) or a recount (``^r``); every submission is stored as its own count.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from frontdesk.data.counts import denomination_label, parse_count
from frontdesk.data.drawer import BlindCount, CountResult, Drawer, count_drawer
from frontdesk.data.errors import FrontDeskError, InvalidInput
from frontdesk.money import InvalidAmount, format_cents, parse_cents
from frontdesk.screens.base import DeskScreen, MessageLine
from frontdesk.widgets.count_result_view import CountResultView
from frontdesk.widgets.fields import FieldMessage, TextField
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.safe import safe

# The fields after the cash, named as the data layer names them in its errors.
OTHER_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("check-count", "Checks, how many", 6),
    ("check-total", "Check total", 12),
    ("card-total", "Card slips total", 12),
)
AMOUNT_LABELS = {"check-total": "Check total", "card-total": "Card total"}

_NEXT = Binding("enter", "", "Next field", key_display="Enter/Tab")
_PREVIOUS = Binding("shift+tab", "", "Previous", key_display="S-Tab")


def count_field(denomination: int) -> str:
    """The id of a denomination's field, as the data layer names it: ``count-2000``."""
    return f"count-{denomination}"


def _amount(value: str, *, field: str) -> int:
    """A typed amount as the data layer reads it: empty is $0.00."""
    if value.strip() == "":
        return 0
    try:
        return parse_cents(value, allow_zero=True)
    except InvalidAmount as error:
        raise InvalidInput(f"{AMOUNT_LABELS[field]}: {error}", field=field) from None


class BlindCountScreen(DeskScreen):
    """Dismisses with the settling count, or ``None`` to leave for the schedule."""

    CSS_PATH = "closeday.tcss"
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit count", id="count.submit"),
        Binding("ctrl+r", "recount", "Recount", id="count.recount"),
        Binding("enter", "done", "Continue", id="count.done"),
        Binding("escape", "leave", "Schedule", id="count.leave"),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
    ]

    def __init__(self, drawer: Drawer) -> None:
        super().__init__()
        self.drawer = drawer
        self.result: CountResult | None = None
        self._saving = False
        self._sent: dict[str, str] | None = None  # what the last stored count was made of

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="count-title", markup=False)
        yield Static(
            "Count what is in the drawer. What it should hold shows after you submit.",
            id="count-intro",
            markup=False,
        )
        with Horizontal(id="count-body"):
            with Vertical(id="cash-col"):
                yield Static("Cash, how many of each", classes="count-head", markup=False)
                for denom in self.clinic.denominations:
                    name = count_field(denom)
                    with Horizontal(classes="count-row"):
                        yield Label(f"{denomination_label(denom):>5} ×", classes="denom-label")
                        yield TextField(
                            id=name, classes="count-input", max_length=8, next_on_enter=True
                        )
                    yield FieldMessage(id=f"m-{name}")
                yield Static("", id="cash-total", markup=False)
            with Vertical(id="other-col"):
                yield Static("Checks and card slips", classes="count-head", markup=False)
                for name, label, width in OTHER_FIELDS:
                    with Horizontal(classes="count-row"):
                        yield Label(label, classes="other-label")
                        yield TextField(
                            id=name,
                            classes=f"count-input w{width}",
                            max_length=width,
                            next_on_enter=name != "card-total",
                        )
                    yield FieldMessage(id=f"m-{name}")
                yield CountResultView("", id="count-result")
                with Horizontal(id="reason-row", classes="count-row"):
                    yield Label("Reason", classes="reason-label")
                    yield TextField(id="reason", max_length=200)
                yield FieldMessage(id="m-reason")
        yield MessageLine(id="message")
        yield KeyBar(self.BINDINGS)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        """Heading, empty total, the first field ready for typing."""
        drawer = self.drawer
        opened = drawer.opened_at.astimezone(self.clinic.zone)
        when = f"{opened:%H:%M}"
        if drawer.business_date != self.clinic.today():
            when = f"{opened:%a %d %b %H:%M}"
        self.query_one("#count-title", Static).update(
            Text.assemble(
                ("Blind count", "bold"),
                f"   Drawer {drawer.id}  ",
                safe(drawer.clerk),
                f"   opened {when}",
            )
        )
        self.show_errors({})
        self._show_reason(False)
        self._show_total()
        self._keys()
        self.query_one(f"#{self.field_names()[0]}", TextField).focus()

    def field_names(self) -> list[str]:
        """Every count field, top to bottom (the reason is not one of them)."""
        return [count_field(d) for d in self.clinic.denominations] + [
            name for name, _, _ in OTHER_FIELDS
        ]

    def labels(self) -> dict[str, str]:
        """Each field's name in the data layer's messages."""
        labels = {count_field(d): denomination_label(d) for d in self.clinic.denominations}
        return {**labels, "check-count": "Checks", **AMOUNT_LABELS, "reason": "Reason"}

    def typed(self) -> dict[str, str]:
        """What is in every field now, the reason included."""
        names = [*self.field_names(), "reason"]
        return {name: self.query_one(f"#{name}", TextField).value for name in names}

    # --- checking -----------------------------------------------------------------------

    def check(self) -> dict[str, str]:
        """Each field's problem (the data layer's own rules); empty fields count as 0."""
        errors: dict[str, str] = {}
        values = self.typed()
        for name, label in self.labels().items():
            try:
                if name in AMOUNT_LABELS:
                    _amount(values[name], field=name)
                elif name != "reason":
                    parse_count(values[name], field=name, label=label)
            except InvalidInput as error:
                errors[name] = error.message
        return errors

    def show_errors(self, errors: dict[str, str], *, reason: bool = True) -> None:
        """A message under each field that needs a fix; clear the others.

        Under its own field a message needs no label: "$20: a count cannot be
        negative" shows as "a count cannot be negative".
        """
        labels = self.labels()
        for name in [*self.field_names(), "reason"] if reason else self.field_names():
            text = errors.get(name, "")
            message = self.query_one(f"#m-{name}", FieldMessage)
            message.show(text.removeprefix(f"{labels.get(name, '')}: "))
            message.display = name in errors  # no empty line under a field that is right
            self.query_one(f"#{name}", TextField).set_class(name in errors, "-invalid")

    def _show_total(self) -> None:
        """The counter's own cash figure (never the expected one)."""
        total = 0
        skipped = False
        values = self.typed()
        for denom in self.clinic.denominations:
            name = count_field(denom)
            try:
                total += denom * parse_count(values[name], field=name, label="")
            except InvalidInput:
                skipped = True
        line = Text.assemble("Cash counted ", (format_cents(total), "bold"))
        if skipped:
            line.append("\n(lines marked ! not added)")
        self.query_one("#cash-total", Static).update(line)

    @on(Input.Changed, ".count-input")
    def _changed(self) -> None:
        self._show_total()

    def on_descendant_blur(self, event: object) -> None:
        """Check the fields as the counter leaves them."""
        del event
        if self.result is None or not self.result.accepted:
            self.show_errors(self.check(), reason=False)

    # --- steps --------------------------------------------------------------------------

    def _show_reason(self, show: bool) -> None:
        row = self.query_one("#reason-row")
        row.display = show
        field = self.query_one("#reason", TextField)
        field.can_focus = show
        if not show:
            field.value = ""
            self.query_one("#m-reason", FieldMessage).show("")
            self.query_one("#m-reason", FieldMessage).display = False

    def _keys(self) -> None:
        """The footer for where the count stands."""
        bar = self.query_one(KeyBar)
        leave = Binding("escape", "", "Schedule")
        lock = Binding("ctrl+l", "", "Lock")
        if self.result is not None and self.result.accepted:
            bar.set_bindings([Binding("enter", "", "Continue"), leave, lock])
        elif self.query_one("#reason-row").display:
            bar.set_bindings(
                [
                    Binding("enter", "", "Save with reason", key_display="Enter/^s"),
                    Binding("ctrl+r", "", "Recount"),
                    _PREVIOUS,
                    leave,
                    lock,
                ]
            )
        else:
            bar.set_bindings([_NEXT, _PREVIOUS, Binding("ctrl+s", "", "Submit count"), leave, lock])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys that mean something now; no patient search in the middle of a count."""
        del parameters
        settled = self.result is not None and self.result.accepted
        if action == "find":
            return False
        if action == "done":
            return settled
        if action in ("submit", "recount"):
            return not settled
        return True

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id in ("card-total", "reason"):
            self.action_submit()

    def action_submit(self) -> None:
        """Check every field, then store the count in one transaction."""
        if self._saving or (self.result is not None and self.result.accepted):
            return
        errors = self.check()
        reason_shown = bool(self.query_one("#reason-row").display)
        self.show_errors(errors)
        if errors:
            first = next(name for name in self.field_names() if name in errors)
            self.query_one(f"#{first}", TextField).focus()
            self.say(f"{len(errors)} field(s) need a fix; nothing stored yet", error=True)
            return
        values = self.typed()
        count = BlindCount(
            cash={d: values[count_field(d)] for d in self.clinic.denominations},
            check_count=values["check-count"],
            check_total=values["check-total"],
            card_total=values["card-total"],
            reason=values["reason"] if reason_shown else "",
        )
        self._saving = True
        engine, staff, drawer_id = self.engine, self.staff, self.drawer.id

        def done(result: CountResult) -> None:
            self._saving = False
            self._sent = values
            self._counted(result)

        self.db(lambda: count_drawer(engine, drawer_id, count, by=staff), done, failed=self._failed)

    def _failed(self, error: FrontDeskError) -> None:
        self._saving = False
        if isinstance(error, InvalidInput) and error.field in self.typed():
            self.show_errors({error.field: error.message})
            self.query_one(f"#{error.field}", TextField).focus()
            self.say("Nothing stored yet: fix the field marked !", error=True)
            return
        self.show_error(error)

    def _counted(self, result: CountResult) -> None:
        self.result = result
        tolerance = self.clinic.variance_tolerance_cents
        self.query_one("#count-result", CountResultView).show(result, tolerance, previous=False)
        self.show_errors({})
        if result.accepted:
            self._show_reason(False)
            for name in self.field_names():
                self.query_one(f"#{name}", TextField).disabled = True
            self.set_focus(None)
            self.say(f"Drawer {self.drawer.id} counted and settled. Enter goes on.")
        else:
            self._show_reason(True)
            self.query_one("#reason", TextField).focus()
            self.say("Count stored. Type why it differs and press Enter, or ^r to recount.")
        self._keys()

    def action_recount(self) -> None:
        """Count again from the top; what was typed stays, to be corrected."""
        if self.result is None or self.result.accepted:
            self.query_one(f"#{self.field_names()[0]}", TextField).focus()
            return
        self._show_reason(False)
        tolerance = self.clinic.variance_tolerance_cents
        self.query_one("#count-result", CountResultView).show(self.result, tolerance, previous=True)
        self.query_one(f"#{self.field_names()[0]}", TextField).focus()
        self.say("Recount: correct the figures, then ^s stores a new count.")
        self._keys()

    def action_done(self) -> None:
        """The drawer is settled: back to the close of day."""
        if self.result is not None and self.result.accepted:
            self.dismiss(self.result)

    def action_leave(self) -> None:
        """Back to the schedule; ask first if typed figures were never stored."""
        settled = self.result is not None and self.result.accepted
        values = self.typed()
        unsent = any(v.strip() for v in values.values()) and values != self._sent
        if settled or not unsent:
            self.dismiss(None)
            return
        from frontdesk.dialogs.confirm import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog("Leave without storing the figures typed? They will be lost."),
            answer,
        )
