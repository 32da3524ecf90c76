"""Column matcher: ranked dictionary properties for a column, with confidence and reasons.

Evidence, in order of weight: name tokens (Korean substrings and English tokens against names and
synonyms; character trigrams as a fuzzy fallback), the unit in the header (dimension must fit the
property's unit), the column's type and value range from the profile, and neighbouring columns of
the same group. Korean headers are short compounds (``금형온도고정측``), so substring matching over
the synonym table does the work a tokenizer would; kiwipiepy is not needed (see the benchmark).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from mfgdata.semantics.dictionary import Dictionary, Property, UnitDef, nfkc
from mfgdata.semantics.tags import is_code, is_derived, isa_tag
from mfgdata.semantics.units import compatible, conversion, find_unit, readings, split_header

HIGH = 0.75  # at or above: accepted automatically
LOW = 0.45  # below: no property proposed
_HANGUL = re.compile(r"[가-힣]")
#: A short code (``tags.is_code``) matches only aliases of at least this many letters.
_SHORT_ALIAS = 4
_BRACKETED = re.compile(r"[\[(（{<][^\])）}>]*[\])）}>]")
#: Words that change what a measurand header means (a set point is not the measured value).
MODIFIERS = frozenset(
    [
        "set",
        "setpoint",
        "sp",  # DCS / PLC: set point, set value, controller output
        "sv",
        "op",
        "setting",
        "target",
        "limit",
        "high",
        "low",
        "switch",
        "flag",
        "failure",
        "ratio",
        "deviation",
        "dev",
        "error",
        "diff",
        "delta",
        "type",
        "week",
        "day",
        "demand",
        "demanded",
    ]
)
MODIFIERS_KO = ("설정", "목표", "상한", "하한", "편차", "차이", "절환")


@dataclass(frozen=True)
class ColumnInfo:
    """What the matcher knows about one column (name as in the data, unit if ingest split it)."""

    name: str
    unit: str | None = None
    kind: str | None = None  # numeric | datetime | boolean | categorical | text
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Candidate:
    property: Property
    confidence: float
    reasons: tuple[str, ...]
    name: float = 0.0  # the name evidence alone, before unit, kind and range


@dataclass(frozen=True)
class ColumnMatch:
    column: str
    unit_text: str | None
    unit: UnitDef | None
    candidates: tuple[Candidate, ...]

    @property
    def best(self) -> Candidate | None:
        """The proposed property, or None when even the top candidate is below ``LOW``."""
        if self.candidates and self.candidates[0].confidence >= LOW:
            return self.candidates[0]
        return None

    @property
    def review(self) -> bool:
        best = self.best
        return best is not None and best.confidence < HIGH


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[str, ...]:
    t = nfkc(text)
    t = re.sub(r"([a-z])([A-Z])", r"\1 \2", t)
    t = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", t).lower()
    t = re.sub(r"([가-힣])([^가-힣])", r"\1 \2", t)
    t = re.sub(r"([^가-힣])([가-힣])", r"\1 \2", t)
    t = re.sub(r"([a-z])(\d)|(\d)([a-z])", lambda m: " ".join(g for g in m.groups() if g), t)
    return tuple(p for p in re.split(r"[^0-9a-z가-힣]+", t) if p and not p.isdigit())


@lru_cache(maxsize=16384)
def _trigrams(s: str) -> Counter[str]:  # read-only: the cached Counter is shared
    s = f"  {s} "
    return Counter(s[i : i + 3] for i in range(len(s) - 2))


def _dice(a: str, b: str) -> float:
    ta, tb = _trigrams(a), _trigrams(b)
    return 2 * sum((ta & tb).values()) / max(1, sum(ta.values()) + sum(tb.values()))


@lru_cache(maxsize=65536)
def name_score(header: tuple[str, ...], alias: tuple[str, ...]) -> tuple[float, str]:
    """Similarity of header tokens and alias tokens in [0, 1] and how it was found."""
    hc, ac = "".join(header), "".join(alias)
    if not hc or not ac:
        return 0.0, ""
    if hc == ac:
        return 1.0, "exact"
    grams = set(header)
    grams |= {a + b for a, b in pairwise(header)}
    grams |= {a + b + c for a, b, c in zip(header, header[1:], header[2:], strict=False)}
    hangul = bool(_HANGUL.search(ac))
    if (hangul and ac in hc) or all(t in grams for t in alias) or ac in grams:
        return 0.45 + 0.55 * min(1.0, len(ac) / len(hc)), "contains"
    dice = _dice(hc, ac)
    if dice >= 0.6 and len(ac) >= 4:
        return 0.8 * dice, "similar"
    return 0.0, ""


def _modifier(header: tuple[str, ...], alias: tuple[str, ...]) -> str | None:
    for t in header:
        if t in MODIFIERS and t not in alias:
            return t
    hc, ac = "".join(header), "".join(alias)
    return next((m for m in MODIFIERS_KO if m in hc and m not in ac), None)


def _bump(score: float, weight: float) -> float:
    """Raise ``score`` towards 1 by ``weight`` of the remaining gap (keeps the ranking)."""
    return score + weight * (1.0 - score)


FAMILY_WEIGHT = 0.9


@lru_cache(maxsize=4096)
def _cased_word(alias: str, header: str) -> bool:
    """``alias`` written in its own case as a word of ``header`` (``Mw`` in ``Mw (g/mol)``)."""
    return re.search(rf"(?<![A-Za-z]){re.escape(alias)}(?![a-z])", header) is not None


def _aliases(prop: Property, dictionary: Dictionary, header: str = "") -> list[tuple[str, float]]:
    """The property's own names (weight 1) and its family members' names (``FAMILY_WEIGHT``);
    a case-sensitive abbreviation only where ``header`` writes it in its case."""
    cased = set(prop.syn_cased)
    own = [(a, 1.0) for a in prop.aliases() if a not in cased or _cased_word(a, header)]
    if not prop.family:
        return own
    kin = [
        (a, FAMILY_WEIGHT)
        for p in dictionary.properties.values()
        if p.family == prop.family and p.id != prop.id
        for a in p.aliases()
        if a not in p.syn_cased or _cased_word(a, header)
    ]
    return own + kin


def fitting_reading(unit: UnitDef, canon: UnitDef | None, dictionary: Dictionary) -> UnitDef | None:
    """The reading of ``unit`` (see ``units.readings``) whose dimension is the property's
    canonical unit's, or None: a property's quantity kind must agree with the unit."""
    if canon is None:
        return None
    return next((u for u in readings(unit, dictionary) if compatible(u, canon)), None)


def _score(
    col: ColumnInfo,
    names: Sequence[tuple[str, ...]],
    unit: UnitDef | None,
    prop: Property,
    dictionary: Dictionary,
    *,
    code: bool = False,
    isa: tuple[float, str] | None = None,
) -> Candidate:
    best, why = 0.0, ""
    best_alias: tuple[str, ...] = ()
    for alias, weight in _aliases(prop, dictionary, col.name):
        alias_tokens = tokens(alias)
        if code and len("".join(alias_tokens)) < _SHORT_ALIAS:
            continue  # 'ct_01', 'ec_3': a short code is not the abbreviation 'ct' / 'ec'
        for name in names:
            s, how = name_score(name, alias_tokens)
            if s * weight > best:
                best, why, best_alias = s * weight, f"name {how} '{alias}'", alias_tokens
    if isa is not None and isa[0] > best:
        best, why, best_alias = isa[0], isa[1], ()
    score, reasons = best, [why] if why else []
    context = next((t for t in names[0] if t in prop.exclude), None) if score > 0 else None
    if context:
        score *= 0.6
        reasons.append(f"'{context}' is not a {prop.name_en}")
    modifier = _modifier(names[0], best_alias) if score > 0 else None
    if modifier:
        score *= 0.7
        reasons.append(f"'{modifier}' changes the meaning")
    canon = dictionary.units.get(prop.unit) if prop.unit else None
    if unit is not None:
        fit = fitting_reading(unit, canon, dictionary)
        if canon is not None and fit is not None:
            if fit.key != unit.key:
                reasons.append(f"'{unit.key}' read as {fit.key} on a {prop.name_en}")
            if score > 0:
                score = _bump(score, 0.3)
                reasons.append(f"unit {fit.key} fits {canon.key}")
            elif fit.key in prop.unit_hints:
                score = 0.5
                reasons.append(f"unit {fit.key} alone suggests {prop.name_en}")
        elif canon is not None:
            score *= 0.3
            reasons.append(f"unit {unit.key} does not fit {canon.key}")
        else:
            score *= 0.4
            reasons.append(f"unit {unit.key} on a {prop.data_type} property")
    if col.kind:
        if prop.data_type == "TIMESTAMP":
            if col.kind == "datetime":
                score = max(0.55, min(1.0, score + 0.15))
                reasons.append("datetime values")
            else:
                score *= 0.5
        elif prop.numeric and col.kind != "numeric":
            return Candidate(prop, 0.0, (f"{col.kind} values cannot be a {prop.name_en}",), best)
        elif not prop.numeric and col.kind == "numeric":
            score *= 0.8
    if prop.range and canon and score > 0 and col.minimum is not None and col.maximum is not None:
        try:
            a, b = conversion(unit or canon, canon)
        except Exception:
            a, b = 1.0, 0.0
        lo, hi = sorted((col.minimum * a + b, col.maximum * a + b))
        slack = 0.05 * max(abs(lo), abs(hi))  # sensor noise around a bound (-0.3 L/min at zero)
        if lo < prop.range[0] - slack or hi > prop.range[1] + slack:
            why = f"values {lo:g}..{hi:g} {canon.key} outside {prop.range[0]:g}..{prop.range[1]:g}"
            return Candidate(prop, 0.0, (*reasons, why), best)
        else:
            score = _bump(score, 0.1)
            reasons.append("values in plausible range")
    return Candidate(prop, round(score, 3), tuple(reasons), best)


def _rank(
    col: ColumnInfo, dictionary: Dictionary, groups: Counter[str] | None = None
) -> ColumnMatch:
    name_text, unit_text = split_header(col.name, dictionary)
    if col.unit:
        unit_text = col.unit
    unit = find_unit(unit_text, dictionary) if unit_text else None
    if is_derived(col.name) or col.kind == "boolean":
        return ColumnMatch(col.name, unit_text, unit, ())  # a flag is never a property
    names = [tokens(name_text)]
    full = tokens(_BRACKETED.sub(" ", col.name))
    if full != names[0]:  # a trailing unit word may also be part of the name ("Total Count")
        names.append(full)
    code = is_code(name_text)
    isa = isa_tag(name_text) if code or "." in name_text or "/" in name_text else {}
    cands = [
        _score(col, names, unit, p, dictionary, code=code or bool(isa), isa=isa.get(p.id))
        for p in dictionary.properties.values()
    ]
    if groups:
        cands = [
            replace(
                c,
                confidence=round(_bump(c.confidence, 0.2), 3),
                reasons=(*c.reasons, f"neighbours are {c.property.group}"),
            )
            if c.confidence > 0 and groups.get(c.property.group, 0) >= 2
            else c
            for c in cands
        ]
    blocked = max((c for c in cands if c.confidence == 0.0), key=lambda c: c.name, default=None)
    cands = sorted(
        (c for c in cands if c.confidence > 0.2), key=lambda c: (-c.confidence, c.property.id)
    )[:5]
    if cands and blocked is not None and blocked.name > cands[0].name:
        top = cands[0]  # the name says a quantity the values cannot be: a person decides
        cands[0] = replace(
            top,
            confidence=min(top.confidence, round(HIGH - 0.01, 3)),
            reasons=(*top.reasons, f"the name says '{blocked.property.name_en}'"),
        )
    if len(cands) >= 2 and cands[0].confidence - cands[1].confidence < 0.03:
        top = cands[0]  # two near-equal candidates: a person decides
        cands[0] = replace(
            top,
            confidence=min(top.confidence, round(HIGH - 0.01, 3)),
            reasons=(*top.reasons, f"close to '{cands[1].property.name_en}'"),
        )
    if cands and unit is not None:  # the unit as the proposed property reads it (g: gₙ or gram)
        canon = dictionary.units.get(cands[0].property.unit or "")
        unit = fitting_reading(unit, canon, dictionary) or unit
    return ColumnMatch(col.name, unit_text, unit, tuple(cands))


def match_columns(columns: Sequence[ColumnInfo], dictionary: Dictionary) -> list[ColumnMatch]:
    """Rank properties for every column; a second pass lets confident neighbours vote a group."""
    first = [_rank(c, dictionary) for c in columns]
    groups = Counter(
        m.candidates[0].property.group
        for m in first
        if m.candidates and m.candidates[0].confidence >= HIGH
    )
    return [
        _rank(c, dictionary, groups) if m.best is None or m.review else m
        for c, m in zip(columns, first, strict=True)
    ]


def match_column(column: ColumnInfo, dictionary: Dictionary) -> ColumnMatch:
    """One column on its own (no neighbour vote)."""
    return _rank(column, dictionary)


def match_header(header: str, dictionary: Dictionary) -> ColumnMatch:
    return _rank(ColumnInfo(header), dictionary)
