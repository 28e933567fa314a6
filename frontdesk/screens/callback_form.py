"""Quick add: note a call to return, from any signed-in screen (``^k``).

With the patient on screen (check-in, the drawer) the routine path is ``^k``,
the reason's number, ``^s``: three keys. Otherwise type the caller's name (or
``^f`` finds the patient) and a phone number. Each bad value gets its message
at its field and nothing typed is lost; a due time already past is saved and
shown as a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from frontdesk import clock
from frontdesk.data.callbacks import (
    MAX_NOTES,
    PRIORITIES,
    Added,
    NewCallback,
    Reason,
    add_callback,
    due_for,
    reasons,
)
from frontdesk.data.checkin import CheckInView, view_for_walk_in
from frontdesk.data.errors import FrontDeskError, InvalidInput
from frontdesk.data.validation import clean_name, clean_text, parse_phone
from frontdesk.screens.base import DeskScreen, MessageLine
from frontdesk.screens.find import FindScreen
from frontdesk.widgets.callback_rows import when
from frontdesk.widgets.choice_row import ChoiceRow
from frontdesk.widgets.due_field import DueField
from frontdesk.widgets.fields import FieldMessage, TextField
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.numbered_choice import NumberedChoice
from frontdesk.widgets.safe import safe

TEXT_FIELDS = ("caller", "phone", "due", "reference", "notes")
FIELDS = ("reason", "caller", "phone", "priority", "due", "reference", "notes")
SCREEN_KEYS = frozenset({"ctrl+s", "ctrl+f", "escape", "ctrl+l"})


@dataclass(frozen=True)
class CallbackAdded:
    """What the screen below says once the item is saved (a warning as an error line)."""

    callback_id: int
    message: str
    warning: bool = False


class CallerFindScreen(FindScreen):
    """The patient search, titled for choosing a caller (dismisses with the patient's id)."""

    def __init__(self) -> None:
        super().__init__(pick=True)

    def on_mount(self) -> None:
        """As the search, with a title that says what the patient is chosen for."""
        super().on_mount()
        self.query_one("#find-label", Static).update("Callback: find the caller ")


class CallbackFormScreen(DeskScreen):
    """Dismisses with :class:`CallbackAdded`, or ``None`` when left without saving."""

    CSS_PATH = "callback_form.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="callback_form.save"),
        Binding("tab", "app.focus_next", "Next field", id="callback_form.next"),
        Binding("shift+tab", "app.focus_previous", "Previous", key_display="S-Tab"),
        Binding("ctrl+f", "pick_patient", "Find patient", id="callback_form.patient"),
        Binding("escape", "back", "Back", id="callback_form.back"),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
    ]

    def __init__(self, *, patient_id: int | None = None) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient: CheckInView | None = None
        self.reasons: list[Reason] = []
        self._priority_set = False  # the clerk chose a priority: the reason no longer sets it
        self._saving = False

    def check_action(self, action: str, _parameters: tuple[object, ...]) -> bool | None:
        """Typing here: no second form, no search or drawer over a half-typed item."""
        return action not in ("callback", "find", "drawer")

    def compose(self) -> ComposeResult:
        yield Static("New callback", id="form-title", markup=False)
        with Vertical(id="cb-fields"):
            with Horizontal(classes="cb-row"):
                yield Label("Reason", classes="cb-label")
                with Vertical(id="reason-box"):
                    yield NumberedChoice(
                        [], id="f-reason", on_change=self._reason_chosen, screen_keys=SCREEN_KEYS
                    )
                    yield FieldMessage(id="m-reason")
            yield Static(
                "The reason decides whose queue it joins and when it is due",
                id="rule",
                markup=False,
            )
            with Horizontal(classes="cb-row"):
                yield Label("Patient", classes="cb-label")
                yield Static("", id="patient", markup=False)
            for name, label in (("caller", "Caller"), ("phone", "Phone")):
                yield from self._text_row(name, label)
            with Horizontal(classes="cb-row"):
                yield Label("Priority", classes="cb-label")
                yield ChoiceRow(
                    [(str(n), f"{n} {word}") for n, word in PRIORITIES.items()],
                    value="2",
                    on_change=self._priority_chosen,
                    screen_keys=SCREEN_KEYS,
                    id="f-priority",
                )
            for name, label in (("due", "Due"), ("reference", "Reference"), ("notes", "Notes")):
                yield from self._text_row(name, label)
        yield MessageLine(id="message")
        yield KeyBar(self.BINDINGS)  # type: ignore[arg-type]

    def _text_row(self, name: str, label: str) -> ComposeResult:
        with Horizontal(classes="cb-row", id=f"row-{name}"):
            yield Label(label, classes="cb-label")
            kind = DueField if name == "due" else TextField
            yield kind(id=f"f-{name}", classes="cb-input", next_on_enter=True)
            if name != "notes":
                yield FieldMessage(id=f"m-{name}")
        if name == "notes":  # the note is wide: its message goes under it
            yield FieldMessage(id="m-notes", classes="under")

    def on_mount(self) -> None:
        """Ready for the reason's number at once; reasons and the patient load behind."""
        self.query_one("#f-reason", NumberedChoice).focus()
        self.query_one("#m-reason").display = False
        self._show_patient()
        engine, patient_id = self.engine, self.patient_id

        def job() -> tuple[list[Reason], CheckInView | None]:
            found = view_for_walk_in(engine, patient_id) if patient_id is not None else None
            return reasons(engine), found

        self.db(job, self._loaded)

    def _loaded(self, loaded: tuple[list[Reason], CheckInView | None]) -> None:
        self.reasons, patient = loaded
        self.query_one("#f-reason", NumberedChoice).set_options(
            [(r.code, r.label) for r in self.reasons]
        )
        if patient is not None and patient.patient_id == self.patient_id:
            self.patient = patient
            self._show_patient()
        if not self.query_one("#f-reason", NumberedChoice).value:
            self.say("Choose the reason by its number; ^s saves")

    # --- what is shown as the clerk goes ----------------------------------------------

    def _show_patient(self) -> None:
        patient, phone = self.patient, self.query_one("#f-phone", TextField)
        if patient is None:
            text = "loading..." if self.patient_id else "none: type the caller below, or ^f"
            self.query_one("#patient", Static).update(text)
            phone.placeholder = ""
            return
        self.query_one("#patient", Static).update(
            Text.assemble(
                safe(patient.patient_name, "bold"), f"  MRN {patient.mrn}   (^f: another)"
            )
        )
        phone.placeholder = (
            f"blank: {patient.phone}" if patient.phone else "the patient has no phone on file"
        )
        self.query_one("#f-caller", TextField).placeholder = "blank: the patient"

    def _reason(self) -> Reason | None:
        code = self.query_one("#f-reason", NumberedChoice).value
        return next((r for r in self.reasons if r.code == code), None)

    def _reason_chosen(self, _code: str) -> None:
        reason = self._reason()
        if reason is None:
            return
        self._message("reason", "")
        if not self._priority_set:
            self.query_one("#f-priority", ChoiceRow).choose(str(reason.priority))
        due = due_for(reason, clock.now(), self.clinic).astimezone(self.clinic.zone)
        rule = f"→ {reason.queue} queue" + (" + supervisors" if reason.also_supervisor else "")
        rule += f" · by its rule due {when(due, self.clinic.today())}"
        self.query_one("#rule", Static).update(rule)
        self.query_one("#f-due", TextField).placeholder = f"blank: {when(due, self.clinic.today())}"

    def _priority_chosen(self, _value: str) -> None:
        self._priority_set = True

    # --- checking and saving --------------------------------------------------------

    def typed(self) -> dict[str, str]:
        """What is in every text field now."""
        return {name: self.query_one(f"#f-{name}", TextField).value for name in TEXT_FIELDS}

    def check(self) -> tuple[dict[str, str], datetime | None]:
        """Every field's problem at once (the save checks again); the due time if it reads."""
        values, errors, due = self.typed(), {}, None
        linked = self.patient_id is not None
        region = self.clinic.phone_region
        checks: dict[str, Any] = {
            "caller": lambda: clean_name(
                values["caller"], field="caller", label="Caller", required=not linked
            ),
            "phone": lambda: parse_phone(
                values["phone"], field="phone", label="Phone", region=region
            ),
            "reference": lambda: clean_text(
                values["reference"], field="reference", label="Reference", max_len=40
            ),
            "notes": lambda: clean_text(
                values["notes"], field="notes", label="Notes", max_len=MAX_NOTES, multiline=True
            ),
        }
        for name, check in checks.items():
            try:
                check()
            except InvalidInput as error:
                errors[name] = error.message
        try:
            due = self.query_one("#f-due", DueField).due(self.clinic, clock.now())
        except InvalidInput as error:
            errors["due"] = error.message
        if self._reason() is None:
            errors["reason"] = "Choose a reason: press its number"
        if "caller" in errors and not values["caller"].strip():
            errors["caller"] = "Who called? Type a name, or ^f to find the patient"
        if not linked and not values["phone"].strip():
            errors["phone"] = "A phone number to call back is needed"
        return errors, due

    def _message(self, name: str, text: str) -> None:
        message = self.query_one(f"#m-{name}", FieldMessage)
        message.show(text)
        if name == "reason":  # under the options: takes a line only when there is something
            message.display = bool(text)

    def show_errors(self, errors: dict[str, str]) -> None:
        """A message at each wrong field; the others cleared."""
        for name in FIELDS:
            if name != "priority":
                self._message(name, errors.get(name, ""))
            if name in TEXT_FIELDS:
                self.query_one(f"#f-{name}", TextField).set_class(name in errors, "-invalid")

    def _focus_field(self, name: str) -> None:
        self.query_one(f"#f-{name}").focus()

    def action_save(self) -> None:
        """Check every field; save in a thread; keep everything typed on any refusal."""
        if self._saving:
            return
        errors, due = self.check()
        self.show_errors(errors)
        reason = self._reason()
        if errors or reason is None:
            self._focus_field(next(name for name in FIELDS if name in errors))
            self.say(f"{len(errors)} field(s) need a fix; nothing saved yet", error=True)
            return
        values = self.typed()
        new = NewCallback(
            reason=reason.code,
            caller_name=values["caller"],
            patient_id=self.patient_id,
            phone=values["phone"],
            notes=values["notes"],
            reference=values["reference"],
            priority=int(self.query_one("#f-priority", ChoiceRow).value),
            due=due,
        )
        engine, staff = self.engine, self.staff
        due_at = due or due_for(reason, clock.now(), self.clinic)
        self._saving = True
        self.db(
            lambda: add_callback(engine, new, staff=staff),
            lambda added: self._saved(added, reason, due_at),
            failed=self._refused,
        )

    def _saved(self, added: Added, reason: Reason, due: datetime) -> None:
        self._saving = False
        who = self.patient.patient_name if self.patient else self.typed()["caller"].strip()
        if added.warnings:
            text = f"Callback added for {who}. " + " ".join(added.warnings)
        else:
            local = due.astimezone(self.clinic.zone)
            text = f"Callback added for {who} → {reason.queue}, due "
            text += when(local, self.clinic.today())
        self.dismiss(CallbackAdded(added.callback_id, text, warning=bool(added.warnings)))

    def _refused(self, error: FrontDeskError) -> None:
        self._saving = False
        field = error.field if error.field in FIELDS else None
        if field is not None:
            self.show_errors({field: error.message})
            self._focus_field(field)
        self.say(f"Nothing saved: {error.message}", error=True)

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()  # next_on_enter has moved on already

    def on_descendant_blur(self, _event: object) -> None:
        """A field just left: say at once what is wrong with what was typed in it."""
        errors, _ = self.check()
        for name, value in self.typed().items():
            if value.strip():
                self._message(name, errors.get(name, ""))
                self.query_one(f"#f-{name}", TextField).set_class(name in errors, "-invalid")

    # --- patient and leaving ----------------------------------------------------------

    def action_pick_patient(self) -> None:
        """Find the caller among the patients (their phone is used if none is typed)."""
        engine = self.engine

        def picked(patient_id: int | None) -> None:
            if patient_id is None:
                return
            self.patient_id = patient_id
            self.patient = None
            self._show_patient()
            self._message("caller", "")
            self.db(lambda: view_for_walk_in(engine, patient_id), self._patient_loaded)

        self.app.push_screen(CallerFindScreen(), picked)

    def _patient_loaded(self, view: CheckInView) -> None:
        if view.patient_id == self.patient_id:
            self.patient = view
            self._show_patient()

    def action_back(self) -> None:
        """Leave; if anything was typed, ask before throwing it away."""
        if not any(v.strip() for v in self.typed().values()):
            self.dismiss(None)
            return
        from frontdesk.dialogs.confirm import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Discard this callback?"), answer)
