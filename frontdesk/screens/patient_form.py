"""Demographics and insurance: register a new patient or edit one, field by field.

Each field is checked when the clerk leaves it and again on save; a problem is
shown beside its field and what was typed stays. Nothing is saved until every
field is right.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Static

from frontdesk.data.errors import DuplicatePatient, FrontDeskError, StaleRecord
from frontdesk.data.models import Patient
from frontdesk.data.patients import (
    FormInvalid,
    PatientForm,
    PatientHit,
    UpdateResult,
    form_of,
    get_patient,
    register,
    to_hit,
    update,
    validate_form,
)
from frontdesk.screens.base import DeskScreen, MessageLine
from frontdesk.widgets.fields import FieldMessage, TextField
from frontdesk.widgets.keybar import KeyBar

FIELDS: tuple[tuple[str, str], ...] = (
    ("last_name", "Last name"),
    ("first_name", "First name"),
    ("middle_name", "Middle name"),
    ("preferred_name", "Preferred"),
    ("dob", "Date of birth"),
    ("sex", "Sex F/M/X/U"),
    ("phone_mobile", "Mobile"),
    ("phone_home", "Home phone"),
    ("email", "E-mail"),
    ("address_line1", "Address"),
    ("address_line2", "Address 2"),
    ("city", "City"),
    ("state", "State"),
    ("postal_code", "ZIP"),
    ("preferred_language", "Language"),
    ("interpreter_needed", "Interpreter y/n"),
    ("accessibility_needs", "Accessibility"),
    ("insurance_payer", "Insurance"),
    ("insurance_member_id", "Member id"),
    ("insurance_group", "Group"),
)
YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0", ""}


class PatientFormScreen(DeskScreen):
    """Dismisses with the saved patient, or ``None`` when left without saving."""

    CSS_PATH = "patient_form.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save"),
        Binding("tab", "app.focus_next", "Next field", id="form.next"),
        Binding(
            "shift+tab", "app.focus_previous", "Previous", id="form.previous", key_display="S-Tab"
        ),
        Binding("escape", "back", "Back", id="form.back"),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
    ]

    def __init__(
        self, *, patient_id: int | None = None, prefill: PatientForm | None = None
    ) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.prefill = prefill or PatientForm()
        self.version = 0
        self.loaded: dict[str, str] = {}
        self._saving = False

    def compose(self) -> ComposeResult:
        title = "Edit patient" if self.patient_id else "New patient"
        yield Static(title, id="form-title", markup=False)
        with VerticalScroll(id="form-fields"):
            for name, label in FIELDS:
                with Horizontal(classes="form-row"):
                    yield Label(label, classes="form-label")
                    yield TextField(id=f"f-{name}", classes="form-input")
                    yield FieldMessage(id=f"m-{name}")
        yield MessageLine(id="message")
        yield KeyBar(self.BINDINGS)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        """Fill the form: from the record (an audited view), or from the prefill."""
        if self.patient_id is None:
            self.fill(self.prefill)
            self.query_one(
                "#f-last_name" if not self.prefill.last_name else "#f-dob", TextField
            ).focus()
            return
        engine, staff, patient_id = self.engine, self.staff, self.patient_id
        self.db(lambda: get_patient(engine, patient_id, staff=staff), self._loaded)

    def _loaded(self, patient: Patient) -> None:
        self.version = patient.version
        self.fill(form_of(patient, self.clinic))
        self.query_one("#f-last_name", TextField).focus()

    def fill(self, form: PatientForm) -> None:
        """Put a form's values into the fields."""
        for name, _ in FIELDS:
            value = getattr(form, name)
            text = ("y" if value else "n") if isinstance(value, bool) else str(value)
            self.query_one(f"#f-{name}", TextField).value = text
            self.loaded[name] = text

    def typed(self) -> dict[str, str]:
        """What is in every field now."""
        return {name: self.query_one(f"#f-{name}", TextField).value for name, _ in FIELDS}

    def form(self) -> tuple[PatientForm, dict[str, str]]:
        """The typed values as a form, plus errors only the screen can see (y/n)."""
        values = self.typed()
        errors: dict[str, str] = {}
        flag = values.pop("interpreter_needed").strip().casefold()
        if flag not in YES | NO:
            errors["interpreter_needed"] = "Interpreter: type y or n"
        return PatientForm(**values, interpreter_needed=flag in YES), errors

    def show_errors(self, errors: dict[str, str]) -> None:
        """A message beside each wrong field; clear the others."""
        for name, _ in FIELDS:
            self.query_one(f"#m-{name}", FieldMessage).show(errors.get(name, ""))
            self.query_one(f"#f-{name}", TextField).set_class(name in errors, "-invalid")

    def check(self) -> dict[str, str]:
        """Every field's problem, as the data layer sees it."""
        form, errors = self.form()
        try:
            validate_form(form, self.clinic)
        except FormInvalid as error:
            errors.update(error.errors)
        return errors

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def on_descendant_blur(self, event: object) -> None:
        """Check the field just left (and keep every other message current)."""
        del event
        errors = self.check()
        for name, _ in FIELDS:
            field = self.query_one(f"#f-{name}", TextField)
            if field.value != self.loaded.get(name, "") or name in errors:
                self.query_one(f"#m-{name}", FieldMessage).show(errors.get(name, ""))
                field.set_class(name in errors, "-invalid")

    def action_save(self) -> None:
        """Validate everything; save in one transaction; keep the typing on any failure."""
        if self._saving:
            return
        errors = self.check()
        self.show_errors(errors)
        if errors:
            first = next(name for name, _ in FIELDS if name in errors)
            self.query_one(f"#f-{first}", TextField).focus()
            self.say(f"{len(errors)} field(s) need a fix; nothing saved yet", error=True)
            return
        form, _ = self.form()
        self._saving = True
        engine, staff = self.engine, self.staff
        if self.patient_id is None:
            self.db(lambda: register(engine, form, staff=staff), self._saved, failed=self._failed)
            return
        patient_id, version = self.patient_id, self.version
        self.db(
            lambda: update(engine, patient_id, form, expected_version=version, staff=staff),
            self._updated,
            failed=self._failed,
        )

    def _saved(self, hit: PatientHit) -> None:
        self._saving = False
        self.dismiss(hit)

    def _updated(self, result: UpdateResult) -> None:
        self._saving = False
        self.dismiss(to_hit(result.patient, self.clinic))

    def _failed(self, error: FrontDeskError) -> None:
        self._saving = False
        if isinstance(error, FormInvalid):
            self.show_errors(error.errors)
            self.say(error.message, error=True)
        elif isinstance(error, DuplicatePatient):
            self._duplicate(error)
        elif isinstance(error, StaleRecord):
            self._stale(error)
        else:
            self.show_error(error)

    def _duplicate(self, error: DuplicatePatient) -> None:
        from frontdesk.dialogs.duplicate import DuplicateDialog

        candidates = [c for c in error.candidates if isinstance(c, PatientHit)]

        def decided(choice: PatientHit | bool | None) -> None:
            if choice is None:
                self.say("Not saved: check the details, or ^s again to see the match")
                return
            if isinstance(choice, PatientHit):
                self.dismiss(choice)
                return
            form, _ = self.form()
            engine, staff = self.engine, self.staff
            self._saving = True
            self.db(
                lambda: register(engine, form, staff=staff, allow_duplicate=True),
                self._saved,
                failed=self._failed,
            )

        self.app.push_screen(DuplicateDialog(candidates), decided)

    def _stale(self, error: StaleRecord) -> None:
        assert self.patient_id is not None
        engine, staff, patient_id = self.engine, self.staff, self.patient_id

        def fresh(patient: Patient) -> None:
            self.version = patient.version
            self.say(error.message + " ^s saves yours over theirs.", error=True)

        self.db(lambda: get_patient(engine, patient_id, staff=staff), fresh)

    def action_back(self) -> None:
        """Leave; if anything was typed, ask before throwing it away."""
        if self.typed() == self.loaded:
            self.dismiss(None)
            return
        from frontdesk.dialogs.confirm import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Discard what you typed?"), answer)
