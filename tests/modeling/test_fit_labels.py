"""Which class is the 'bad' outcome: by name, and by majority for booleans."""

from __future__ import annotations

import numpy as np
import pytest

from mfgdata.modeling.fit import bad_classes


@pytest.mark.parametrize(
    ("classes", "y", "bad"),
    [
        (["NG", "OK"], [1, 1, 1, 0], [0]),  # OK is normal by name
        (["false", "true"], [1, 1, 1, 0], [0]),  # OK/NG read as booleans: OK=true, the majority
        (["false", "true"], [0, 0, 0, 1], [1]),  # a defect flag: true is the rare class
        (["0", "1", "2"], [0, 1, 2, 0], [1, 2]),
    ],
)
def test_bad_classes(classes: list[str], y: list[int], bad: list[int]) -> None:
    assert bad_classes(classes, np.array(y)) == bad
