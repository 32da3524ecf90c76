"""What a two-valued label means: which value is the defect, told by its header and its values.

One place for ingest (how OK/NG, 양품/불량, Y/N ... are stored) and modeling (which class is the
defect). Values such as OK/NG carry their meaning; Y/N, 1/0 and TRUE/FALSE do not, their header
does (``불량여부`` = "is defective", ``합격여부`` = "passed"). Nothing is decided by majority here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Sense = Literal["defect", "good"]

#: (good, defect) pairs whose values say which is which (upper-case).
MEANING_PAIRS: tuple[tuple[str, str], ...] = (
    ("OK", "NG"),
    ("OK", "NOK"),
    ("양품", "불량"),
    ("PASS", "FAIL"),
    ("PASSED", "FAILED"),
    ("GOOD", "BAD"),
    ("정상", "이상"),
    ("정상", "불량"),
    ("정상", "비정상"),
    ("합격", "불합격"),
    ("NORMAL", "ABNORMAL"),
    ("ACCEPT", "REJECT"),
)
#: (yes, no) pairs that say nothing good or bad by themselves: the header gives the meaning.
YES_NO_PAIRS: tuple[tuple[str, str], ...] = (
    ("Y", "N"),
    ("YES", "NO"),
    ("예", "아니오"),
    ("예", "아니요"),
    ("TRUE", "FALSE"),
    ("T", "F"),
    ("ON", "OFF"),
    ("1", "0"),
)
# Korean compounds first: 불합격 holds 합격, 비정상 holds 정상.
_DEFECT_KO = re.compile(r"불량|불합격|비정상|이상|결함|고장|폐기")
_DEFECT_EN = re.compile(
    r"(?<![a-z])(defect|not[ _-]?ok(?![a-z])|ng|nok|n\.g|fail|reject|scrap|bad|fault"
    r"|abnormal|anomal|broken)",
    re.I,
)
_GOOD_KO = re.compile(r"양품|합격|정상")
_GOOD_EN = re.compile(r"(?<![a-z])(ok(?![a-z])|pass|good|normal|accept)", re.I)


def header_sense(header: str) -> Sense | None:
    """What a label's header says ``true`` means: "defect" (불량여부, is_defect, NG, fail ...),
    "good" (합격여부, 양품, pass, ok ...), or None when it says neither or both (판정, OK/NG)."""
    text = re.sub(r"([a-z])([A-Z])", r"\1_\2", header)  # camelCase → camel_Case
    defect = bool(_DEFECT_KO.search(text) or _DEFECT_EN.search(text))
    rest = _DEFECT_EN.sub(" ", _DEFECT_KO.sub(" ", text))
    good = bool(_GOOD_KO.search(rest) or _GOOD_EN.search(rest))
    if defect == good:
        return None
    return "defect" if defect else "good"


def _norm(values: Iterable[str]) -> set[str]:
    return {v.strip().upper() for v in values if v is not None and v.strip()}


def meaning_pair(values: Iterable[str]) -> tuple[str, str] | None:
    """The (good, defect) pair that holds every value, if the values carry their meaning."""
    seen = _norm(values)
    return next((p for p in MEANING_PAIRS if seen and seen <= set(p)), None)


def yes_no_pair(values: Iterable[str]) -> tuple[str, str] | None:
    """The (yes, no) pair that holds every value, if the values are a plain yes/no."""
    seen = _norm(values)
    return next((p for p in YES_NO_PAIRS if seen and seen <= set(p)), None)


@dataclass(frozen=True)
class LabelPlan:
    """How ingest stores a two-valued label: as a boolean (``true_value``/``false_value``
    upper-case raw values) or, when its meaning cannot be told, as its original text."""

    boolean: bool
    true_value: str | None = None
    false_value: str | None = None
    pair: tuple[str, str] | None = None  # the (good, defect) values when they carry meaning


def plan_label(header: str, values: Iterable[str]) -> LabelPlan | None:
    """How to store a column whose values are a known pair (None: not a label column).

    OK/NG-like values under a defect header → true on the defect rows; under a good header →
    true on the good rows; under a neutral header → kept as text (never a guessed boolean).
    Y/N-like values → a boolean whose true is the "yes" value (the header tells what it means).
    """
    vals = list(values)
    pair = meaning_pair(vals)
    if pair is not None:
        good, defect = pair
        sense = header_sense(header)
        if sense == "defect":
            return LabelPlan(True, defect, good, pair)
        if sense == "good":
            return LabelPlan(True, good, defect, pair)
        return LabelPlan(False, pair=pair)
    yes_no = yes_no_pair(vals)
    if yes_no is not None:
        return LabelPlan(True, yes_no[0], yes_no[1])
    return None


def defect_class(header: str | None, classes: Iterable[str]) -> str | None:
    """Which of a two-valued label's classes (as the model sees them: ``true``/``false``,
    ``OK``/``NG`` ...) is the defect, from the same meanings ingest uses; None if unknown."""
    cls = [c for c in classes if c is not None]
    pair = meaning_pair(cls)
    if pair is not None:
        return next((c for c in cls if c.strip().upper() == pair[1]), None)
    yes_no = yes_no_pair(cls)
    sense = header_sense(header) if header else None
    if yes_no is None or sense is None:
        return None
    wanted = yes_no[0] if sense == "defect" else yes_no[1]
    return next((c for c in cls if c.strip().upper() == wanted), None)
