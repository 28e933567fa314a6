"""The money tests' float, a patient and the desk clerk's open drawer."""

from __future__ import annotations

import pytest

from frontdesk.data.drawer import open_drawer
from tests.conftest import Clinic

FLOAT = {2000: "5", 1000: "5", 500: "4", 100: "10"}  # $180.00
FLOAT_CENTS = 18000


@pytest.fixture
def patient(clinic: Clinic) -> int:
    return clinic.add_patient()


@pytest.fixture
def drawer_id(clinic: Clinic) -> int:
    return open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT).id
