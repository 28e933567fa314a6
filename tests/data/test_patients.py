"""Patients: register (with the duplicate warning), search per query kind, edit safely."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from frontdesk.data import audit, patients
from frontdesk.data.clinic import load_clinic
from frontdesk.data.errors import DuplicatePatient, PatientNotFound, StaleRecord
from frontdesk.data.models import AuditEvent, Patient
from frontdesk.data.patients import FormInvalid, PatientForm, form_of, register, update
from frontdesk.data.search import search
from tests.conftest import TODAY, Clinic
from tests.data.helpers import audit_events, count, detail, fetch, register_many

pytestmark = pytest.mark.usefixtures("fast_hashing")


def form(
    last: str = "Smith", first: str = "Jo", dob: str = "3/14/1990", **extra: Any
) -> PatientForm:
    """A valid registration form."""
    return PatientForm(last_name=last, first_name=first, dob=dob, **extra)


# --- register ------------------------------------------------------------------------


def test_register_stores_clean_values_and_audits_in_the_same_transaction(clinic: Clinic) -> None:
    before = count(clinic.engine, AuditEvent)
    hit = register(
        clinic.engine,
        form(
            phone_mobile="(312) 555-0134",
            sex="f",
            email=" jo@example.org ",
            postal_code="60601",
            insurance_payer="Aetna",
        ),
        staff=clinic.desk,
    )
    row = fetch(clinic.engine, Patient, hit.id)
    assert (row.last_name, row.first_name, row.dob) == ("Smith", "Jo", date(1990, 3, 14))
    assert row.phone_mobile == "+13125550134"
    assert row.phone_key == "3125550134"
    assert row.sex == "F"
    assert row.email == "jo@example.org"
    assert (row.last_key, row.first_key, row.last2_key) == ("smith", "jo", None)
    assert row.demographics_confirmed_on == TODAY
    assert row.version == 1
    assert hit.phone == "(312) 555-0134"
    assert hit.mrn == row.mrn
    created = audit_events(clinic.engine, "patient.created")
    assert len(created) == 1
    assert created[0].entity_id == hit.id
    assert created[0].staff_id == clinic.desk.id
    assert detail(created[0]) == {"mrn": row.mrn, "duplicate_override": False}
    assert count(clinic.engine, AuditEvent) == before + 1


def test_mrns_are_unique_and_sequential(clinic: Clinic) -> None:
    first = register(clinic.engine, form("Abbott", "Al", "1/1/1950"), staff=clinic.desk)
    second = register(clinic.engine, form("Baker", "Bo", "2/2/1960"), staff=clinic.desk)
    assert first.mrn != second.mrn
    assert int(second.mrn) == int(first.mrn) + 1


@pytest.mark.parametrize(
    ("last", "first"),
    [("Smith", "Jo"), ("SMITH", "jo"), ("Smyth", "Joanna"), ("Smith", "J"), ("Smithe", "Joe")],
)
def test_same_birth_date_and_similar_name_warns_with_candidates(
    clinic: Clinic, last: str, first: str
) -> None:
    original = register(clinic.engine, form(), staff=clinic.desk)
    with pytest.raises(DuplicatePatient) as caught:
        register(clinic.engine, form(last, first, "1990-03-14"), staff=clinic.desk)
    assert [c.id for c in caught.value.candidates] == [original.id]  # type: ignore[attr-defined]
    assert "similar name" in str(caught.value)
    assert count(clinic.engine, Patient) == 1


def test_allow_duplicate_creates_and_records_the_override(clinic: Clinic) -> None:
    original = register(clinic.engine, form(), staff=clinic.desk)
    second = register(clinic.engine, form(), staff=clinic.desk, allow_duplicate=True)
    assert second.id != original.id
    assert count(clinic.engine, Patient) == 2
    created = audit_events(clinic.engine, "patient.created")
    assert [detail(e)["duplicate_override"] for e in created] == [False, True]


@pytest.mark.parametrize(
    ("last", "first", "dob"),
    [("Smith", "Jo", "3/15/1990"), ("Garcia", "Maria", "3/14/1990"), ("Smith", "Ana", "3/14/1990")],
)
def test_different_birth_date_or_name_does_not_warn(
    clinic: Clinic, last: str, first: str, dob: str
) -> None:
    register(clinic.engine, form(), staff=clinic.desk)
    register(clinic.engine, form(last, first, dob), staff=clinic.desk)
    assert count(clinic.engine, Patient) == 2


def test_every_invalid_field_is_reported_at_its_name_and_nothing_is_stored(
    clinic: Clinic,
) -> None:
    before = count(clinic.engine, AuditEvent)
    bad = PatientForm(
        last_name="Smith\x1b[2J",
        first_name="",
        middle_name="A" * 10_000,
        dob="2026-02-30",
        sex="q",
        phone_mobile="555-CALL-NOW",
        phone_home="12345",
        email="jo at example",
        postal_code="ABCDE",
        city="Chi\u202ecago",
    )
    with pytest.raises(FormInvalid) as caught:
        register(clinic.engine, bad, staff=clinic.desk)
    errors = caught.value.errors
    assert set(errors) == {
        "last_name",
        "first_name",
        "middle_name",
        "dob",
        "sex",
        "phone_mobile",
        "phone_home",
        "email",
        "postal_code",
        "city",
    }
    assert "U+001B" in errors["last_name"]
    assert errors["first_name"] == "First name is required"
    assert "limit is 100" in errors["middle_name"]
    assert "2026-02-30 is not a day on the calendar" in errors["dob"]
    assert "letters" in errors["phone_mobile"]
    assert "too few digits" in errors["phone_home"]
    assert "ZIP" in errors["postal_code"]
    assert "U+202E" in errors["city"]
    assert caught.value.field in errors
    assert count(clinic.engine, Patient) == 0
    assert count(clinic.engine, AuditEvent) == before


def test_future_birth_date_is_refused_at_the_dob_field(clinic: Clinic) -> None:
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(FormInvalid) as caught:
        register(clinic.engine, form(dob=tomorrow.isoformat()), staff=clinic.desk)
    assert set(caught.value.errors) == {"dob"}
    assert "future" in caught.value.errors["dob"]


@pytest.mark.parametrize(
    ("last", "first"),
    [
        ("[red]x[/]", "Smith[/]"),
        ("[@click=app.quit]x[/]", "Zoë 🌸"),
        ("Robert'); DROP TABLE patient;--", "Jose\u0301"),
    ],
)
def test_names_with_markup_and_sql_are_stored_exactly(
    clinic: Clinic, last: str, first: str
) -> None:
    hit = register(clinic.engine, form(last, first), staff=clinic.desk)
    row = fetch(clinic.engine, Patient, hit.id)
    assert (row.last_name, row.first_name) == (last, first)
    assert hit.display_name == f"{last}, {first}"
    found = search(clinic.engine, row.last_key)
    assert [(h.last_name, h.first_name) for h in found] == [(last, first)]


# --- search --------------------------------------------------------------------------


@pytest.fixture
def people(clinic: Clinic) -> dict[str, int]:
    """A handful of patients whose names exercise each search path."""
    rows = {
        "smith_jo": ("Smith", "Jo", "3/14/1990", "(312) 555-0134"),
        "smithers": ("Smithers", "Joanna", "7/4/1985", "(773) 555-0199"),
        "smith_ana": ("Smith", "Anna", "3/14/1990", ""),
        "jones": ("Jones", "Smita", "1/2/2000", ""),
        "obrien": ("O'Brien", "Seán", "5/6/1977", ""),
        "nunez": ("Núñez", "Ana", "8/9/1966", ""),
        "garcia": ("García López", "María", "10/11/1955", ""),
        "zed": ("Zed", "Zoe", "3/14/1990", ""),
    }
    ids = register_many(
        clinic.engine,
        clinic.desk,
        [
            {"last_name": last, "first_name": first, "dob": dob, "phone_mobile": phone}
            for last, first, dob, phone in rows.values()
        ],
    )
    return dict(zip(rows, ids, strict=True))


def found(clinic: Clinic, query: str) -> set[int]:
    return {h.id for h in search(clinic.engine, query)}


# What each kind of query must find (keys of the ``people`` fixture).
SEARCHES: dict[str, set[str]] = {
    "smi": {"smith_jo", "smithers", "smith_ana"},
    "SMITH": {"smith_jo", "smithers", "smith_ana"},
    "smithe": {"smithers"},
    "smi, jo": {"smith_jo", "smithers"},
    "smith,ann": {"smith_ana"},
    "jo smi": {"smith_jo", "smithers", "jones"},
    "smi jo": {"smith_jo", "smithers", "jones"},
    "o'br": {"obrien"},
    "obrien": {"obrien"},
    "O\u2019Brien": {"obrien"},
    "nunez": {"nunez"},
    "NÚÑEZ": {"nunez"},
    "lopez": {"garcia"},
    "garcia": {"garcia"},
    "garcia lopez": {"garcia"},
    "garcia lopez maria": {"garcia"},
    "lopez, maria": {"garcia"},
    "lopez mar": {"garcia"},
    "maria garcia": {"garcia"},
    "3/14/1990": {"smith_jo", "smith_ana", "zed"},
    "1990-03-14": {"smith_jo", "smith_ana", "zed"},
    "03141990": {"smith_jo", "smith_ana", "zed"},
    "14 Mar 1990": {"smith_jo", "smith_ana", "zed"},
    "Mar 14, 1990": {"smith_jo", "smith_ana", "zed"},
    "smi 3/14/1990": {"smith_jo", "smith_ana"},
    "3/14/1990 jo": {"smith_jo"},
    "312555": {"smith_jo"},
    "(312) 555-0134": {"smith_jo"},
    "773-555": {"smithers"},
    "xyz": set(),
    "": set(),
    "'": set(),
    "%": set(),
    "_": set(),
    "smi%": {"smith_jo", "smithers", "smith_ana"},
}


def test_search_by_each_kind_of_query(clinic: Clinic, people: dict[str, int]) -> None:
    names = {pid: key for key, pid in people.items()}
    wrong = {}
    for query, expected in SEARCHES.items():
        got = {names[pid] for pid in found(clinic, query)}
        if got != expected:
            wrong[query] = {"found": sorted(got), "expected": sorted(expected)}
    assert wrong == {}


def test_search_by_mrn(clinic: Clinic, people: dict[str, int]) -> None:
    mrn = fetch(clinic.engine, Patient, people["nunez"]).mrn
    assert [h.id for h in search(clinic.engine, mrn)] == [people["nunez"]]
    assert [h.mrn for h in search(clinic.engine, mrn)] == [mrn]


@pytest.mark.usefixtures("people")
def test_search_results_are_sorted_by_name_and_limited(clinic: Clinic) -> None:
    hits = search(clinic.engine, "smi")
    assert [(h.last_name, h.first_name) for h in hits] == [
        ("Smith", "Anna"),
        ("Smith", "Jo"),
        ("Smithers", "Joanna"),
    ]
    assert len(search(clinic.engine, "smi", limit=2)) == 2
    jo = next(h for h in hits if h.first_name == "Jo")
    assert jo.phone == "(312) 555-0134"
    assert jo.dob == date(1990, 3, 14)


# --- view and update -----------------------------------------------------------------


def test_opening_a_record_is_an_audited_view(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    patient = patients.get_patient(clinic.engine, pid, staff=clinic.desk2)
    assert patient.id == pid
    views = audit_events(clinic.engine, "patient.viewed")
    assert [(e.entity_id, e.staff_id) for e in views] == [(pid, clinic.desk2.id)]
    with pytest.raises(PatientNotFound):
        patients.get_patient(clinic.engine, pid + 100, staff=clinic.desk)


def test_update_saves_changes_bumps_version_and_audits_the_diff(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    settings = load_clinic(clinic.engine)
    patient = patients.get_patient(clinic.engine, pid, staff=clinic.desk)
    edited = replace(form_of(patient, settings), last_name="Smythe", city="Chicago")
    result = update(clinic.engine, pid, edited, expected_version=patient.version, staff=clinic.desk)
    assert result.patient.version == patient.version + 1
    assert result.changed["city"] == ["", "Chicago"]
    assert result.changed["last_name"] == ["Smith", "Smythe"]
    row = fetch(clinic.engine, Patient, pid)
    assert (row.last_name, row.city, row.last_key) == ("Smythe", "Chicago", "smythe")
    assert row.version == patient.version + 1
    updated = audit_events(clinic.engine, "patient.updated")
    assert len(updated) == 1
    assert detail(updated[0]) == {"city": ["", "Chicago"], "last_name": ["Smith", "Smythe"]}
    assert updated[0].entity_id == pid
    # the search keys moved with the name
    assert found(clinic, "smy") == {pid}
    assert found(clinic, "smith") == set()


def test_resaving_an_unchanged_form_changes_nothing(clinic: Clinic) -> None:
    pid = clinic.add_patient(phone_home="773 555 0100", interpreter_needed=True)
    settings = load_clinic(clinic.engine)
    patient = patients.get_patient(clinic.engine, pid, staff=clinic.desk)
    result = update(
        clinic.engine,
        pid,
        form_of(patient, settings),
        expected_version=patient.version,
        staff=clinic.desk,
    )
    assert result.changed == {}


def test_stale_version_is_refused_and_nothing_is_overwritten(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    settings = load_clinic(clinic.engine)
    # two clerks open the same record
    at_desk1 = patients.get_patient(clinic.engine, pid, staff=clinic.desk)
    at_desk2 = patients.get_patient(clinic.engine, pid, staff=clinic.desk2)
    update(
        clinic.engine,
        pid,
        replace(form_of(at_desk1, settings), city="Evanston"),
        expected_version=at_desk1.version,
        staff=clinic.desk,
    )
    audits = count(clinic.engine, AuditEvent)
    with pytest.raises(StaleRecord, match="Someone else saved this patient"):
        update(
            clinic.engine,
            pid,
            replace(form_of(at_desk2, settings), city="Skokie", first_name="Joanne"),
            expected_version=at_desk2.version,
            staff=clinic.desk2,
        )
    row = fetch(clinic.engine, Patient, pid)
    assert (row.city, row.first_name) == ("Evanston", "Jo")
    assert row.version == at_desk1.version + 1
    assert count(clinic.engine, AuditEvent) == audits
    # a fresh read lets the second clerk save
    fresh = patients.get_patient(clinic.engine, pid, staff=clinic.desk2)
    update(
        clinic.engine,
        pid,
        replace(form_of(fresh, settings), first_name="Joanne"),
        expected_version=fresh.version,
        staff=clinic.desk2,
    )
    row = fetch(clinic.engine, Patient, pid)
    assert (row.city, row.first_name, row.version) == ("Evanston", "Joanne", fresh.version + 1)


def test_invalid_update_changes_nothing(clinic: Clinic) -> None:
    pid = clinic.add_patient()
    settings = load_clinic(clinic.engine)
    patient = patients.get_patient(clinic.engine, pid, staff=clinic.desk)
    with pytest.raises(FormInvalid) as caught:
        update(
            clinic.engine,
            pid,
            replace(form_of(patient, settings), phone_mobile="call me", city="Chicago"),
            expected_version=patient.version,
            staff=clinic.desk,
        )
    assert set(caught.value.errors) == {"phone_mobile"}
    row = fetch(clinic.engine, Patient, pid)
    assert (row.city, row.version) == ("", patient.version)


def test_update_and_its_audit_event_commit_together(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = clinic.add_patient()
    settings = load_clinic(clinic.engine)
    patient = patients.get_patient(clinic.engine, pid, staff=clinic.desk)
    real_record = audit.record

    def failing_record(session: Any, **kwargs: Any) -> AuditEvent:
        if kwargs["action"] == "patient.updated":
            raise RuntimeError("disk full")
        return real_record(session, **kwargs)

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(RuntimeError, match="disk full"):
        update(
            clinic.engine,
            pid,
            replace(form_of(patient, settings), city="Chicago"),
            expected_version=patient.version,
            staff=clinic.desk,
        )
    row = fetch(clinic.engine, Patient, pid)
    assert (row.city, row.version) == ("", patient.version)


def test_update_of_a_missing_patient(clinic: Clinic) -> None:
    with pytest.raises(PatientNotFound):
        update(clinic.engine, 999, form(), expected_version=1, staff=clinic.desk)
