"""Every hostile case, in one table (text cases, then files, paths and sizes)."""

from __future__ import annotations

from corpus.case import Case
from corpus.file_cases import CASES as FILE_CASES
from corpus.text_cases import CASES as TEXT_CASES

CASES: list[Case] = [*TEXT_CASES, *FILE_CASES]
BY_NAME = {c.name: c for c in CASES}
assert len(BY_NAME) == len(CASES), "case names must be unique"
