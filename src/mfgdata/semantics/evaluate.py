"""Matcher evaluation on a labelled set of headers (``header,property,dataset`` CSV)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from mfgdata.semantics.dictionary import Dictionary, id_key
from mfgdata.semantics.matcher import HIGH, match_header

NONE = "NONE"


@dataclass
class Evaluation:
    in_dictionary: int = 0
    top1: int = 0
    top3: int = 0
    out_of_dictionary: int = 0
    confident_wrong_ood: int = 0
    confusions: list[tuple[str, str, str, float]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.in_dictionary if self.in_dictionary else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.in_dictionary if self.in_dictionary else 0.0


def read_labelled(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(row["header"], row["property"]) for row in csv.DictReader(f)]


def evaluate(rows: list[tuple[str, str]], dictionary: Dictionary) -> Evaluation:
    """Top-1 counts the proposed property (``best``, confidence >= LOW); an out-of-dictionary
    header is a confident wrong answer when its top candidate reaches ``HIGH``."""
    ev = Evaluation()
    for header, want in rows:
        m = match_header(header, dictionary)
        best = m.best
        got = best.property.id if best else NONE
        conf = m.candidates[0].confidence if m.candidates else 0.0
        if want == NONE:
            ev.out_of_dictionary += 1
            if m.candidates and conf >= HIGH:
                ev.confident_wrong_ood += 1
                ev.confusions.append((header, want, m.candidates[0].property.id, conf))
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
