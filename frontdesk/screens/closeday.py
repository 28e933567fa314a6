"""Close of day for a supervisor: what keeps the day open, the report, the lock.

Reached from the schedule (``E``). One screen, one step at a time:

- *Blockers*: visits not finished and drawers not counted. Enter on a drawer
  opens its blind count (the first drawer is highlighted, so Enter alone
  does it); ``F`` force-closes with a reason.
- *Report*: nothing blocks; the preview report, and Enter closes and locks
  the day (after a yes).
- *Closed*: the report stored when the day closed.

Routine close: ``E`` (from the schedule), Enter (count the drawer), the
figures with Enter after each, Enter (settled: go on), Enter (close and
lock), ``y``. Esc goes back to the schedule from every step; each count
and the close are single transactions, so nothing is ever half-saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.console import Group, RenderableType
from rich.text import Text
from sqlalchemy.engine import Engine
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.data.closeout import (
    Closed,
    DayStatus,
    close_day,
    preview_report,
    status_of,
    stored_report,
)
from frontdesk.data.closeout_report import Report
from frontdesk.data.drawer import CountResult
from frontdesk.data.errors import DayBlocked, FrontDeskError, InvalidInput
from frontdesk.report_view import report_renderable, variance_word
from frontdesk.screens.base import DeskScreen, MessageLine
from frontdesk.widgets.fields import FieldMessage, TextField
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.safe import safe

KIND_WORDS = {"visit": "VISIT ", "drawer": "DRAWER"}

# What the footer shows at each step (the screen's BINDINGS do the work).
_ESC = Binding("escape", "", "Schedule")
_FIND = Binding("slash", "", "Find")
_LOCK = Binding("ctrl+l", "", "Lock")
_SCROLL = Binding("pageup", "", "Scroll", key_display="↑↓ PgUp PgDn")
STEP_KEYS: dict[str, list[Binding]] = {
    "loading": [_ESC, _LOCK],
    "refused": [_ESC, _LOCK],
    "future": [_ESC, _FIND, _LOCK],
    "blockers": [
        Binding("up", "", "Choose", key_display="↑↓"),
        Binding("enter", "", "Count drawer"),
        Binding("F", "", "Force close"),
        _ESC,
        _FIND,
        _LOCK,
    ],
    "force": [Binding("enter", "", "Force close"), Binding("escape", "", "Cancel"), _LOCK],
    "preview": [Binding("enter", "", "Close and lock"), _SCROLL, _ESC, _FIND, _LOCK],
    "closed": [_SCROLL, _ESC, _FIND, _LOCK],
}


def things(count: int) -> str:
    """``1 thing`` / ``3 things``."""
    return "1 thing" if count == 1 else f"{count} things"


@dataclass(frozen=True)
class DayView:
    """What the screen shows for a day: where it stands, and the report if there is one."""

    status: DayStatus
    report: Report | None  # stored when closed, a preview when nothing blocks, else None


def load_view(engine: Engine, day: date) -> DayView:
    """Status, then the report that goes with it (runs in a worker thread)."""
    status = status_of(engine, day)
    if status.closed:
        return DayView(status, stored_report(engine, day))
    if status.blockers:
        return DayView(status, None)
    return DayView(status, preview_report(engine, day))


class CloseDayScreen(DeskScreen):
    """The supervisor's close of day; leaves (dismisses) only back to the schedule."""

    CSS_PATH = "closeday.tcss"
    AUTO_FOCUS = None
    BINDINGS = [
        Binding("enter", "enter", "Close and lock", id="closeday.enter"),
        Binding("F,f", "force", "Force close", id="closeday.force", key_display="F"),
        Binding("escape", "back", "Schedule", id="closeday.back"),
        Binding("slash", "find", "Find", id="find"),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
    ]

    def __init__(self, day: date | None = None) -> None:
        super().__init__()
        self._day = day
        self.step = "loading"
        self.view: DayView | None = None
        self._busy = False

    @property
    def day(self) -> date:
        """The business day being closed (the clinic's today unless given)."""
        return self._day if self._day is not None else self.clinic.today()

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="cd-title", markup=False)
        yield Static("", id="cd-intro", markup=False)
        with Vertical(id="cd-blockers-step"):
            yield OptionList(id="cd-blockers")
            with Horizontal(id="force-row"):
                yield Label("Why close anyway?", id="force-label")
                yield TextField(id="force-reason", max_length=300)
            yield FieldMessage(id="m-force-reason")
        with VerticalScroll(id="cd-report"):
            yield Static("", id="cd-report-body")
        yield MessageLine(id="message")
        yield KeyBar([])

    def on_mount(self) -> None:
        """Refuse a desk clerk; otherwise load the day."""
        if self._day is None:
            self._day = self.clinic.today()  # fixed now: a close that runs past midnight
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append("Close of day", style="bold")
        title.append(f"   {self.day:%a %d %b %Y}   ")
        title.append_text(safe(self.staff.display_name))
        title.append(f" ({self.staff.role.value})")
        self.query_one("#cd-title", Static).update(title)
        self.query_one("#cd-intro", Static).update(Text("Loading the day..."))
        self.query_one(KeyBar).set_bindings(STEP_KEYS["loading"])
        for hidden in ("#force-row", "#m-force-reason", "#cd-report"):
            self.query_one(hidden).display = False
        # The empty list stays focusable but unfocused while the day loads: the app
        # holds keys typed ahead (Enter, y) until a step takes focus, then replays them.
        if not self.staff.is_supervisor:
            self._intro(
                "Only a supervisor can close the day. Esc goes back to the schedule.", "refused"
            )
            return
        if self.day > self.clinic.today():
            self._intro(
                f"{self.day:%a %d %b %Y} has not happened yet: "
                "only today or an earlier day can close.",
                "future",
            )
            return
        self.load()

    def _intro(self, text: str, step: str) -> None:
        self.query_one("#cd-intro", Static).update(Text(text))
        self.show_step(step)

    def show_step(self, step: str) -> None:
        """Show only the parts of this step, focus where the keys go, set the footer."""
        self.step = step
        self.query_one("#cd-blockers-step").display = step in ("blockers", "force")
        self.query_one("#force-row").display = step == "force"
        self.query_one("#m-force-reason").display = step == "force"
        self.query_one("#force-reason", TextField).can_focus = step == "force"
        self.query_one("#cd-report").display = step in ("preview", "closed")
        if step == "blockers":
            self.query_one("#cd-blockers").focus()
        elif step == "force":
            self.query_one("#force-reason").focus()
        elif step in ("preview", "closed"):
            self.query_one("#cd-report").focus()
        else:
            self.set_focus(None)
        keys = STEP_KEYS[step]
        if step == "blockers" and not (self.view and self.view.status.uncounted):
            keys = [k for k in keys if k.key != "enter"]  # only visits left: nothing to count
        self.query_one(KeyBar).set_bindings(keys)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter and F only where they mean something."""
        del parameters
        if action == "enter":
            return self.step == "preview"
        if action == "force":
            return self.step == "blockers"
        return True

    # --- loading ------------------------------------------------------------------------

    def load(self, message: str = "") -> None:
        """Where the day stands, in a thread; then the step that fits."""
        engine, day = self.engine, self.day

        def done(view: DayView) -> None:
            self.show_view(view)
            if message:
                self.say(message)

        self.db(lambda: load_view(engine, day), done, exclusive=True)

    def show_view(self, view: DayView) -> None:
        """The step for what the day needs now."""
        self.view = view
        status = view.status
        when = f"{status.day:%a %d %b %Y}"
        if status.closed and view.report is not None:
            self._show_report(view.report)
            self._intro(f"{when} is already closed. This is the report stored then.", "closed")
        elif status.blockers:
            self._show_blockers(status)
            count = len(status.blockers)
            self._intro(
                f"{things(count)} {'keeps' if count == 1 else 'keep'} {when} open. "
                "Finish visits on the schedule; "
                "count drawers here.",
                "blockers",
            )
        else:
            assert view.report is not None
            self._show_report(view.report, warnings=status.warnings)
            self._intro(
                f"Nothing keeps {when} open. Check the report, then Enter closes and locks it.",
                "preview",
            )

    def _show_blockers(self, status: DayStatus) -> None:
        options: list[Option | None] = []
        first_drawer = None
        for index, blocker in enumerate(status.blockers):
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(KIND_WORDS.get(blocker.kind, blocker.kind.upper()), style="bold")
            line.append("  ")
            line.append_text(safe(blocker.text))
            if blocker.kind == "drawer" and first_drawer is None:
                first_drawer = index
            options.append(Option(line, id=f"blocker-{index}"))
        if status.warnings:
            options.append(None)
            options.append(Option(Text("Handed on, not blocking:", style="bold"), disabled=True))
            for warning in status.warnings:
                line = Text.assemble(("NOTE    ", "bold"), safe(warning))
                options.append(Option(line, disabled=True))
        blockers = self.query_one("#cd-blockers", OptionList)
        blockers.set_options(options)
        blockers.highlighted = first_drawer if first_drawer is not None else 0

    def _show_report(self, report: Report, warnings: tuple[str, ...] = ()) -> None:
        body: RenderableType = report_renderable(report)
        if warnings:
            handed = Text("To hand on (goes in the report when it closes)", style="bold")
            for warning in warnings:
                handed.append("\n  ")
                handed.append_text(safe(warning))
            body = Group(handed, Text(""), body)
        self.query_one("#cd-report-body", Static).update(body)
        self.query_one("#cd-report", VerticalScroll).scroll_home(animate=False)

    # --- blockers: drawers ----------------------------------------------------------------

    @on(OptionList.OptionSelected, "#cd-blockers")
    def _blocker_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.view is None or event.option.id is None:
            return
        index = int(event.option.id.removeprefix("blocker-"))
        status = self.view.status
        blocker = status.blockers[index]
        if blocker.kind != "drawer":
            self.say("Finish this visit on the schedule (Esc), or F to close anyway.")
            return
        drawer = next(d for d in status.uncounted if d.id == blocker.drawer_id)
        from frontdesk.screens.blind_count import BlindCountScreen

        self.app.push_screen(BlindCountScreen(drawer), self._after_count)

    def _after_count(self, result: CountResult | None) -> None:
        """Settled: see what the day needs now. Left with Esc: back to the schedule."""
        if result is None:
            self.dismiss(None)
            return
        word = variance_word(result.cash_variance)
        self.load(f"Drawer {result.drawer_id} settled: cash {word}")

    # --- closing ------------------------------------------------------------------------

    def action_enter(self) -> None:
        """Close and lock the previewed day, after a yes."""
        if self.step != "preview" or self._busy:
            return
        from frontdesk.dialogs.confirm import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                self._close(None)

        self.app.push_screen(
            ConfirmDialog(
                f"Close and lock {self.day:%a %d %b %Y}? Nothing on that day can change afterwards."
            ),
            answer,
        )

    def action_force(self) -> None:
        """Ask why the day must close with things still open."""
        if self.step == "blockers":
            self.query_one("#force-reason", TextField).value = ""
            self.query_one("#m-force-reason", FieldMessage).show("")
            self.say("")
            self.show_step("force")

    @on(Input.Submitted, "#force-reason")
    def _force_reason(self, event: Input.Submitted) -> None:
        event.stop()
        if self._busy:
            return
        reason = event.value.strip()
        if not reason:
            self.query_one("#m-force-reason", FieldMessage).show(
                "Say why the day must close now (it goes in the report)"
            )
            return
        self.query_one("#m-force-reason", FieldMessage).show("")
        from frontdesk.dialogs.confirm import ConfirmDialog

        count = len(self.view.status.blockers) if self.view else 0

        def answer(yes: bool | None) -> None:
            if yes:
                self._close(reason)

        self.app.push_screen(
            ConfirmDialog(
                f"Force close {self.day:%a %d %b %Y} with {things(count)} still open? "
                "The day is locked and the reason goes in the report."
            ),
            answer,
        )

    def _close(self, force_reason: str | None) -> None:
        self._busy = True
        engine, staff, day = self.engine, self.staff, self.day

        def done(closed: Closed) -> None:
            self._busy = False
            self._show_report(closed.report)
            when = f"{day:%a %d %b %Y}"
            if closed.already_closed:
                self._intro(f"{when} was already closed. This is the report stored then.", "closed")
                self.say(f"Already closed {when}")
                return
            forced = " (forced)" if force_reason is not None else ""
            self._intro(f"{when} is closed and locked{forced}. The stored report:", "closed")
            self.say(f"Closed {when}{forced}")

        def failed(error: FrontDeskError) -> None:
            self._busy = False
            if isinstance(error, InvalidInput) and error.field == "reason":
                self.query_one("#m-force-reason", FieldMessage).show(error.message)
                return
            if isinstance(error, DayBlocked):
                self.load(f"Not closed: {error.message}")
                return
            self.show_error(error)

        self.db(
            lambda: close_day(engine, day, by=staff, force_reason=force_reason),
            done,
            failed=failed,
        )

    def action_back(self) -> None:
        """Esc: out of the force reason, otherwise back to the schedule."""
        if self.step == "force":
            self.show_step("blockers")
            return
        self.dismiss(None)
