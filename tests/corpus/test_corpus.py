"""Every hostile case through ``mfgdata build``: a correct product or one clear ko/en refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.case import Case
from corpus.cases import CASES
from corpus.run import build_case, judge


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, tmp_path: Path) -> None:
    outcome, out = build_case(case, tmp_path)
    problem = judge(case, outcome, out)
    assert problem is None, problem


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert sum(c.outcome == "product" for c in CASES) >= 20
