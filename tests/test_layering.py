"""The data layer, money and clock never load a UI library (textual, rich, typer).

Checked in a fresh interpreter, so nothing the test process already imported counts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import importlib, json, pkgutil, sys, tempfile
from pathlib import Path

import frontdesk.data
import frontdesk.clock
import frontdesk.money

loaded = ["frontdesk.clock", "frontdesk.money"]
for info in pkgutil.walk_packages(frontdesk.data.__path__, "frontdesk.data."):
    # Alembic's env and revision scripts run only inside a migration (below).
    if info.name.startswith("frontdesk.data.migrations."):
        continue
    importlib.import_module(info.name)
    loaded.append(info.name)

# Run the migrations too, which executes env.py and every revision script.
from frontdesk.data import schema
from frontdesk.data.db import make_engine

with tempfile.TemporaryDirectory() as tmp:
    engine = make_engine(Path(tmp) / "layering.db")
    schema.upgrade(engine)
    engine.dispose()

ui = sorted(
    name for name in sys.modules if name.split(".")[0] in ("textual", "rich", "typer")
)
print(json.dumps({"loaded": loaded, "ui": ui}))
"""


def test_data_layer_imports_no_ui_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    # the walk really covered the package
    for module in ("frontdesk.data.patients", "frontdesk.data.db", "frontdesk.data.audit"):
        assert module in report["loaded"]
    assert report["ui"] == [], f"UI modules loaded by the data layer: {report['ui']}"
