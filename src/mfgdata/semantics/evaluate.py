"""Matcher evaluation on labelled headers.

Two formats: the development set (``header,property,dataset`` CSV, headers only) and the unseen
set (YAML: ``ids`` short names -> property ids, ``headers`` as ``[header, expect]`` or
``{header, expect, kind, min, max}`` with what the profile would pass). ``NONE`` means no property.

Figures: top-1 / top-3 on headers that have a property; on the others, how often the matcher
proposes nothing; and confident-wrong: an auto-accepted (>= ``HIGH``) answer that is not the
expected one, counted over every header (the figure that must be 0).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mfgdata.semantics.dictionary import Dictionary, id_key
from mfgdata.semantics.matcher import HIGH, ColumnInfo, match_column

NONE = "NONE"


@dataclass(frozen=True)
class Labelled:
    column: ColumnInfo
    expected: str  # a property id or NONE


@dataclass
class Evaluation:
    in_dictionary: int = 0
    top1: int = 0
    top3: int = 0
    out_of_dictionary: int = 0
    abstained: int = 0  # out-of-dictionary headers with no proposal
    confident_wrong_ood: int = 0
    confident_wrong: int = 0  # any header: auto-accepted and not the expected property
    confusions: list[tuple[str, str, str, float]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.in_dictionary if self.in_dictionary else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.in_dictionary if self.in_dictionary else 0.0

    @property
    def abstain_rate(self) -> float:
        return self.abstained / self.out_of_dictionary if self.out_of_dictionary else 0.0

    @property
    def accuracy(self) -> float:
        """Right answer over all headers (a NONE header is right when nothing is proposed)."""
        n = self.in_dictionary + self.out_of_dictionary
        return (self.top1 + self.abstained) / n if n else 0.0


def read_labelled(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(row["header"], row["property"]) for row in csv.DictReader(f)]


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def read_unseen(path: Path) -> list[Labelled]:
    """The YAML benchmark set (see module docstring)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    ids: dict[str, str] = {str(k): str(v) for k, v in doc["ids"].items()}
    out: list[Labelled] = []
    for item in doc["headers"]:
        raw: dict[str, Any] = (
            {"header": item[0], "expect": item[1]} if isinstance(item, list) else dict(item)
        )
        expect = str(raw["expect"])
        out.append(
            Labelled(
                ColumnInfo(
                    name=str(raw["header"]),
                    kind=raw.get("kind"),
                    minimum=_num(raw.get("min")),
                    maximum=_num(raw.get("max")),
                ),
                NONE if expect == "none" else ids[expect],
            )
        )
    return out


def as_labelled(rows: list[tuple[str, str]]) -> list[Labelled]:
    return [Labelled(ColumnInfo(h), p) for h, p in rows]


def evaluate(rows: list[tuple[str, str]] | list[Labelled], dictionary: Dictionary) -> Evaluation:
    """Top-1 counts the proposed property (``best``, confidence >= LOW)."""
    items = [r if isinstance(r, Labelled) else Labelled(ColumnInfo(r[0]), r[1]) for r in rows]
    ev = Evaluation()
    for item in items:
        header, want = item.column.name, item.expected
        m = match_column(item.column, dictionary)
        best = m.best
        got = best.property.id if best else NONE
        conf = m.candidates[0].confidence if m.candidates else 0.0
        top = m.candidates[0].property.id if m.candidates else NONE
        confident_wrong = conf >= HIGH and id_key(top) != id_key(want)
        ev.confident_wrong += confident_wrong
        if want == NONE:
            ev.out_of_dictionary += 1
            ev.abstained += best is None
            if confident_wrong:
                ev.confident_wrong_ood += 1
            if best is not None:
                ev.confusions.append((header, want, got, conf))
            continue
        ev.in_dictionary += 1
        top3 = [id_key(c.property.id) for c in m.candidates[:3]]
        if id_key(got) == id_key(want):
            ev.top1 += 1
        else:
            ev.confusions.append((header, want, got, conf))
        if id_key(want) in top3:
            ev.top3 += 1
    return ev
