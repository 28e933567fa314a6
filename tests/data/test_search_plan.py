"""Every patient search path and the day schedule are index searches, never table scans.

The statements are captured as SQLAlchemy sends them (``before_cursor_execute``)
and explained by SQLite with the same parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from frontdesk.data.appointments import change_status
from frontdesk.data.checkin import CheckInRequest, check_in
from frontdesk.data.clinic import get_clinic_in
from frontdesk.data.db import read_session
from frontdesk.data.diagnostics import captured_selects, query_plan
from frontdesk.data.models import Status
from frontdesk.data.schedule import load_day_in, visit_times_in
from frontdesk.data.search import search_in
from tests.conftest import TODAY, Clinic
from tests.data.helpers import register_many

pytestmark = pytest.mark.usefixtures("fast_hashing")

Statement = tuple[str, Any]


def plans_of(engine: Engine, action: Callable[[], object]) -> list[list[str]]:
    with captured_selects(engine) as statements:
        action()
    assert statements, "nothing was queried"
    return [query_plan(engine, sql, params) for sql, params in statements]


@pytest.fixture
def filled(clinic: Clinic) -> Clinic:
    """Thirty patients with a spread of names, birth dates and phones."""
    lasts = ["Smith", "O'Brien", "Núñez", "García López", "Jones", "Nguyen"]
    firsts = ["Jo", "Ana", "Sam", "Lee", "Kim"]
    register_many(
        clinic.engine,
        clinic.desk,
        [
            {
                "last_name": lasts[i % len(lasts)],
                "first_name": firsts[i % len(firsts)],
                "dob": f"{i % 12 + 1}/{i % 27 + 1}/{1950 + i}",
                "phone_mobile": f"(312) 555-{1000 + i:04d}",
            }
            for i in range(30)
        ],
    )
    return clinic


# Each kind of query, and the indexes its plan must use (beyond "no scan").
QUERIES: dict[str, tuple[str, set[str]]] = {
    "last name prefix": ("smi", {"ix_patient_name", "ix_patient_last2"}),
    "last, first": ("smi, jo", set()),
    "first last": ("jo smi", set()),
    "apostrophe": ("o'br", {"ix_patient_name"}),
    "second surname": ("lopez", {"ix_patient_last2"}),
    "dob slashes": ("3/14/1990", {"ix_patient_dob"}),
    "dob words": ("14 Mar 1990", {"ix_patient_dob"}),
    "dob digits": ("03141990", {"ix_patient_dob"}),
    "name and dob": ("smi 3/14/1990", {"ix_patient_dob"}),
    # the UNIQUE constraint on mrn is SQLite's first automatic index on patient
    "phone digits": ("312555", {"ix_patient_phone_key", "sqlite_autoindex_patient_1"}),
    "phone typed": ("(312) 555-1004", {"ix_patient_phone_key"}),
    "mrn": ("000007", {"sqlite_autoindex_patient_1"}),
}


def test_patient_search_never_scans_the_table(filled: Clinic) -> None:
    problems: dict[str, list[str]] = {}
    with read_session(filled.engine) as session:
        settings = get_clinic_in(session)
        for kind, (query, expected_indexes) in QUERIES.items():
            plans = plans_of(filled.engine, partial(search_in, session, query, settings))
            lines = [line for p in plans for line in p]
            # "SCAN patient" is a full pass over the table (or a whole index); scans of
            # a constant row, a subquery's few rows or a recursive CTE's rows are fine
            found = [line for line in lines if line.startswith("SCAN patient")]
            found += [
                f"no index search in {p}"
                for p in plans
                if not any(
                    line.startswith("SEARCH patient USING") and "INDEX" in line for line in p
                )
            ]
            used = {line.split(" INDEX ")[1].split(" ")[0] for line in lines if " INDEX " in line}
            found += [f"{name} not used: {lines}" for name in sorted(expected_indexes - used)]
            if found:
                problems[kind] = found
    assert problems == {}


def test_the_day_schedule_uses_the_start_time_index(filled: Clinic) -> None:
    pid = filled.add_patient("Sched", "Ule", "1/1/1980")
    aid = filled.book(pid, 9, 30)
    filled.book(pid, 14, 0)
    check_in(filled.engine, CheckInRequest(patient_id=pid, appointment_id=aid), staff=filled.desk)
    change_status(filled.engine, aid, Status.IN_ROOM, staff=filled.desk)
    change_status(filled.engine, aid, Status.DONE, staff=filled.desk)
    other = filled.book(pid, 11, 0)
    check_in(filled.engine, CheckInRequest(patient_id=pid, appointment_id=other), staff=filled.desk)
    with read_session(filled.engine) as session:
        settings = get_clinic_in(session)
        plans = plans_of(filled.engine, lambda: load_day_in(session, TODAY, settings))
        times = plans_of(filled.engine, lambda: visit_times_in(session, aid))
    appointment_plans = [p for p in plans if any("appointment " in line for line in p)]
    assert appointment_plans
    main = appointment_plans[0]
    assert any(
        line.startswith("SEARCH appointment USING INDEX ix_appointment_start") for line in main
    ), main
    everything = [line for p in plans + times for line in p]
    # only the handful of providers, and their weekly hours and breaks, may be read whole
    scans = [line for line in everything if line.startswith("SCAN")]
    allowed = ("SCAN provider", "SCAN working_hours", "SCAN break_time")
    assert all(line.startswith(allowed) for line in scans), scans
    assert any("ix_appointment_event_appointment_id" in line for line in everything)
