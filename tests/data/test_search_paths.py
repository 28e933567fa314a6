"""The last+first search takes one of three index paths by how common each prefix is.

With the "common" threshold lowered, the small test register exercises every path;
each must give the same answer as reading the whole last-name range would.
"""

from __future__ import annotations

import pytest

from frontdesk.data import search as search_module
from frontdesk.data.search import search
from tests.conftest import Clinic

PEOPLE = [
    ("Smith", "Jo"),
    ("Smith", "Joan"),
    ("Smith", "Ann"),
    ("Smithers", "Jo"),
    ("Smithson", "Kim"),
    ("Smit", "Jon"),
    ("Jones", "Smitty"),
    ("Nguyen", "Jo"),
]


@pytest.fixture
def register(clinic: Clinic) -> Clinic:
    for i, (last, first) in enumerate(PEOPLE):
        clinic.add_patient(last, first, dob=f"1/{i + 1}/1980")
    return clinic


def names(clinic: Clinic, query: str) -> list[str]:
    return [f"{h.last_name}, {h.first_name}" for h in search(clinic.engine, query)]


# 200: "smi, jon" walks the first-name index (1 Jon against 6 Smi...);
# 5: "smi" and "jo" both count as common, the 4 distinct Smi... surnames are
#    sought one by one (skip-scan); 1: everything is common, the plain range walk.
@pytest.mark.parametrize("cap", [200, 5, 1])
def test_every_path_gives_the_same_answer(
    register: Clinic, cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "PROBE_CAP", cap)
    assert names(register, "smi, jo") == ["Smit, Jon", "Smith, Jo", "Smith, Joan", "Smithers, Jo"]
    assert names(register, "jo smi") == [
        "Jones, Smitty",
        "Smit, Jon",
        "Smith, Jo",
        "Smith, Joan",
        "Smithers, Jo",
    ]
    assert names(register, "smith, a") == ["Smith, Ann"]
    assert names(register, "smi, jon") == ["Smit, Jon"]
    assert names(register, "smithson k") == ["Smithson, Kim"]


def test_a_surname_is_found_without_its_particles(clinic: Clinic) -> None:
    for last in ("de la Cruz", "van der Berg", "Martínez de León"):
        clinic.add_patient(last, "Ana")
    assert names(clinic, "cruz") == ["de la Cruz, Ana"]
    assert names(clinic, "berg, an") == ["van der Berg, Ana"]
    assert names(clinic, "leon") == ["Martínez de León, Ana"]
    assert names(clinic, "de la") == ["de la Cruz, Ana"]


def test_a_full_mrn_comes_first_even_when_it_reads_as_a_birth_date(clinic: Clinic) -> None:
    """``000042`` could be a date; ``061982`` is one (6/19/82). The MRN's patient leads."""
    from frontdesk.data.db import write_session
    from frontdesk.data.models import Patient

    target = clinic.add_patient("Zimmerman", "Zoe", dob="1/1/1970")
    for i in range(25):  # more than a page of people born on 6/19/1982, all sorted before Z
        clinic.add_patient(f"Abbott{chr(97 + i)}", "Al", dob="6/19/1982")
    with write_session(clinic.engine) as session:
        patient = session.get(Patient, target)
        assert patient is not None
        patient.mrn = "061982"
        session.add(patient)
    hits = search(clinic.engine, "061982")
    assert hits[0].id == target
    assert len(hits) == 20
