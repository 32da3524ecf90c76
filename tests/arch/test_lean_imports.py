"""A table build's data steps do not import what only other parts of the package need (issue 12).

Interpreter start and imports are a fixed cost of every build, so the step modules of the table
flow import the catalogue database (SQLAlchemy) and pint only where they are used: registering a
product, reading an existing data library, converting a unit. Each check runs in a fresh
interpreter, since the test process itself has imported everything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import mfgdata

SRC = Path(mfgdata.__file__).resolve().parents[1]

#: imported by the table flow's step modules? (none of these may be)
HEAVY = ("sqlalchemy", "pint")

IMPORT_STEPS = "from mfgdata.flow import default_steps; default_steps()"

#: the price step's library lookup when there is no data library database (a fresh home)
LOOKUP_WITHOUT_DB = """
import tempfile
from pathlib import Path
from mfgdata.flow import default_steps
from mfgdata.pricing.library import library_comparables
from mfgdata.settings import Settings
default_steps()
found = library_comparables(Settings(home=Path(tempfile.mkdtemp())), product_id="p",
                            process_family="other", data_type="tabular")
assert found.status == "no_database", found
"""


def _loaded_after(code: str) -> set[str]:
    check = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", check],
        env={k: v for k, v in os.environ.items() if not k.startswith("MFGDATA_")}
        | {"PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


@pytest.mark.parametrize("code", [IMPORT_STEPS, LOOKUP_WITHOUT_DB], ids=["import", "no-db"])
def test_the_table_flow_does_not_import_the_database_nor_pint(code: str) -> None:
    assert _loaded_after(code) == set()
