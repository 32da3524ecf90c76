"""ISO 22400-2 key performance indicators computed from the elements the standard names.

Time elements are in minutes (min), quantities in pieces (pcs), the planned run time per item in
minutes per piece (min/pcs). Each KPI carries its number and name in ISO 22400-2, its formula in
the standard's element symbols, the same formula with the figures filled in, its unit and its
trend (higher or lower is better), so a reader can recompute every value by hand.

    Availability            A   = APT / PBT
    Effectiveness           E   = PRI x PQ / APT
    Quality ratio           QR  = GQ / PQ
    OEE index               OEE = A x E x QR
    NEE index               NEE = (AUPT / PBT) x E x QR         (needs AUPT)
    Setup ratio                 = AUST / AUPT                   (needs AUST and AUPT)
    Technical efficiency        = APT / (APT + ADET)            (needs ADET)
    Actual to planned scrap     = SQ / PSQ                      (needs PSQ)
    Scrap ratio                 = SQ / PQ
    Rework ratio                = RQ / PQ
    Fall-off ratio              = (PQ - GQ) / PQ
    Equipment load ratio        = AUPT / POT                    (needs AUPT and POT)
    Throughput rate             = PQ / AOET        [pcs/min]    (needs AOET)

The quality ratio counts reworked pieces as not good (GQ excludes RQ), as the standard does.
Values are computed exactly (fractions) and rounded only for display, half up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from mfgdata.center.errors import KpiInputError

#: element symbol -> (Korean name, English name, unit)
ELEMENTS: dict[str, tuple[str, str, str]] = {
    "pot": ("계획 가동 시간", "planned operation time", "min"),
    "pbt": ("계획 작업 시간", "planned busy time", "min"),
    "apt": ("실제 생산 시간", "actual production time", "min"),
    "aupt": ("실제 설비 가공 시간", "actual unit processing time", "min"),
    "aust": ("실제 준비(셋업) 시간", "actual unit setup time", "min"),
    "adet": ("실제 지연 시간", "actual unit delay time", "min"),
    "aoet": ("실제 작업지시 수행 시간", "actual order execution time", "min"),
    "pri": ("품목당 계획 가공 시간", "planned run time per item", "min/pcs"),
    "pq": ("생산 수량", "produced quantity", "pcs"),
    "gq": ("양품 수량", "good quantity", "pcs"),
    "sq": ("폐기(스크랩) 수량", "scrap quantity", "pcs"),
    "rq": ("재작업 수량", "rework quantity", "pcs"),
    "psq": ("계획 폐기 수량", "planned scrap quantity", "pcs"),
}


REQUIRED = ("pbt", "apt", "pri", "pq", "gq")


@dataclass(frozen=True)
class KpiInputs:
    """The ISO 22400-2 elements of one work unit over one period (symbols in lower case)."""

    pbt: Decimal
    apt: Decimal
    pri: Decimal
    pq: Decimal
    gq: Decimal
    sq: Decimal = Decimal(0)
    rq: Decimal = Decimal(0)
    pot: Decimal | None = None
    aupt: Decimal | None = None
    aust: Decimal | None = None
    adet: Decimal | None = None
    aoet: Decimal | None = None
    psq: Decimal | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> KpiInputs:
        """Read the elements from a mapping (form fields, JSON, CSV row); blank means absent."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(k for k in values if k.lower() not in known)
        if unknown:
            raise KpiInputError(
                f"알 수 없는 ISO 22400 요소입니다: {', '.join(unknown)}",
                f"unknown ISO 22400 element: {', '.join(unknown)}",
                column=unknown[0],
            )
        parsed: dict[str, Decimal] = {}
        for key, raw in values.items():
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            parsed[key.lower()] = _number(key.lower(), raw)
        missing = [m for m in REQUIRED if m not in parsed]
        if missing:
            names_ko = ", ".join(f"{m.upper()} ({ELEMENTS[m][0]})" for m in missing)
            names_en = ", ".join(f"{m.upper()} ({ELEMENTS[m][1]})" for m in missing)
            raise KpiInputError(
                f"필수 요소가 없습니다: {names_ko}",
                f"required element missing: {names_en}",
                column=missing[0],
            )
        inputs = cls(**parsed)  # type: ignore[arg-type]
        inputs.check()
        return inputs

    def check(self) -> None:
        """The time model's and the quantity balance's rules; the first broken one is raised."""
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None and value < 0:
                raise _bad(f.name, "0 이상이어야 합니다", "must not be negative")
        if self.pbt <= 0:
            raise _bad("pbt", "0보다 커야 합니다", "must be above 0")
        if self.pri <= 0:
            raise _bad("pri", "0보다 커야 합니다", "must be above 0")
        if self.apt > self.pbt:
            raise _bad(
                "apt",
                f"계획 작업 시간 PBT({self.pbt} min)보다 길 수 없습니다",
                f"cannot exceed the planned busy time PBT ({self.pbt} min)",
            )
        if self.pot is not None and self.pbt > self.pot:
            raise _bad(
                "pbt",
                f"계획 가동 시간 POT({self.pot} min)보다 길 수 없습니다",
                f"cannot exceed the planned operation time POT ({self.pot} min)",
            )
        if self.gq + self.sq + self.rq > self.pq:
            total = self.gq + self.sq + self.rq
            raise _bad(
                "pq",
                f"양품+폐기+재작업({total} pcs)이 생산 수량 PQ({self.pq} pcs)보다 많습니다",
                f"good + scrap + rework ({total} pcs) exceeds the produced quantity "
                f"PQ ({self.pq} pcs)",
            )
        if self.pq > 0 and self.apt == 0:
            raise _bad("apt", "생산 수량이 있으면 0보다 커야 합니다", "must be above 0 when PQ > 0")
        if self.apt > 0 and self.pri * self.pq > self.apt:
            raise _bad(
                "pri",
                f"PRI x PQ({self.pri * self.pq} min)가 실제 생산 시간 APT({self.apt} min)보다 "
                "깁니다: 품목당 계획 가공 시간이 너무 깁니다 (효율 100% 초과)",
                f"PRI x PQ ({self.pri * self.pq} min) exceeds the actual production time "
                f"APT ({self.apt} min): the planned run time per item is too long "
                "(effectiveness above 100%)",
            )
        if self.aupt is not None and self.aust is not None and self.aust > self.aupt:
            raise _bad("aust", "AUPT보다 길 수 없습니다", "cannot exceed AUPT")

    def to_dict(self) -> dict[str, str | None]:
        return {k: None if v is None else str(v) for k, v in asdict(self).items()}


def _number(name: str, raw: object) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite():
        raise _bad(name, f"숫자가 아닙니다: {raw!r}", f"is not a number: {raw!r}")
    return value


def _bad(name: str, ko: str, en: str) -> KpiInputError:
    label_ko, label_en, _unit = ELEMENTS[name]
    return KpiInputError(
        f"{name.upper()} ({label_ko}): {ko}", f"{name.upper()} ({label_en}): {en}", column=name
    )


@dataclass(frozen=True)
class KpiValue:
    """One computed KPI with everything a reader needs to recompute it."""

    id: str
    number: int  # the KPI's number in ISO 22400-2
    name_ko: str
    name_en: str
    formula: str
    worked: str  # the formula with the figures filled in
    value: float | None  # None when the denominator is 0 (undefined, not 0)
    unit: str  # "%" for ratios, else the unit of the value
    trend: str  # "higher" or "lower" is better

    def display(self, places: int = 1) -> str:
        """The value as a person reads it, with its unit (half-up rounding)."""
        if self.value is None:
            return "-"
        scale = 100 if self.unit == "%" else 1
        q = Decimal(1).scaleb(-places)
        shown = (Decimal(repr(self.value)) * scale).quantize(q, rounding=ROUND_HALF_UP)
        return f"{shown} {self.unit}" if self.unit != "%" else f"{shown} %"

    def to_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["display"] = self.display()
        return out


def _f(value: Decimal) -> Fraction:
    return Fraction(value)


def _ratio(num: Fraction, den: Fraction) -> float | None:
    return None if den == 0 else float(num / den)


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def compute_kpis(inputs: KpiInputs) -> list[KpiValue]:
    """Every KPI the given elements allow, in ISO 22400-2 order of the ones implemented."""
    inputs.check()
    i = inputs
    pbt, apt, pri, pq, gq, sq, rq = (_f(v) for v in (i.pbt, i.apt, i.pri, i.pq, i.gq, i.sq, i.rq))
    avail = None if pbt == 0 else apt / pbt
    eff = None if apt == 0 else pri * pq / apt
    qr = None if pq == 0 else gq / pq
    out: list[KpiValue] = []

    def add(
        kid: str,
        number: int,
        ko: str,
        en: str,
        formula: str,
        worked: str,
        value: object,
        *,
        unit: str = "%",
        trend: str = "higher",
    ) -> None:
        val = None if value is None else float(value)  # type: ignore[arg-type]
        out.append(KpiValue(kid, number, ko, en, formula, worked, val, unit, trend))

    s = _fmt
    add(
        "availability",
        8,
        "가동률",
        "availability",
        "APT / PBT",
        f"{s(i.apt)} min / {s(i.pbt)} min",
        avail,
    )
    add(
        "effectiveness",
        9,
        "성능 효율",
        "effectiveness",
        "PRI × PQ / APT",
        f"{s(i.pri)} min/pcs × {s(i.pq)} pcs / {s(i.apt)} min",
        eff,
    )
    add(
        "quality_ratio",
        10,
        "품질률",
        "quality ratio",
        "GQ / PQ",
        f"{s(i.gq)} pcs / {s(i.pq)} pcs",
        qr,
    )
    oee = None if None in (avail, eff, qr) else avail * eff * qr  # type: ignore[operator]
    add(
        "oee",
        6,
        "설비종합효율(OEE)",
        "OEE index",
        "Availability × Effectiveness × Quality ratio",
        "(APT / PBT) × (PRI × PQ / APT) × (GQ / PQ) = "
        f"{s(i.pri)} min/pcs × {s(i.gq)} pcs / {s(i.pbt)} min",
        oee,
    )
    if i.aupt is not None:
        aupt = _f(i.aupt)
        nee = None if None in (eff, qr) else (aupt / pbt) * eff * qr  # type: ignore[operator]
        add(
            "nee",
            7,
            "순설비효율(NEE)",
            "NEE index",
            "(AUPT / PBT) × Effectiveness × Quality ratio",
            f"({s(i.aupt)} min / {s(i.pbt)} min) × E × QR",
            nee,
        )
        if i.aust is not None:
            add(
                "setup_ratio",
                11,
                "셋업 비율",
                "setup ratio",
                "AUST / AUPT",
                f"{s(i.aust)} min / {s(i.aupt)} min",
                _ratio(_f(i.aust), aupt),
                trend="lower",
            )
    if i.adet is not None:
        add(
            "technical_efficiency",
            12,
            "기술 효율",
            "technical efficiency",
            "APT / (APT + ADET)",
            f"{s(i.apt)} min / ({s(i.apt)} min + {s(i.adet)} min)",
            _ratio(apt, apt + _f(i.adet)),
        )
    if i.psq is not None:
        add(
            "actual_to_planned_scrap",
            14,
            "계획 대비 실제 폐기율",
            "actual to planned scrap ratio",
            "SQ / PSQ",
            f"{s(i.sq)} pcs / {s(i.psq)} pcs",
            _ratio(sq, _f(i.psq)),
            trend="lower",
        )
    add(
        "scrap_ratio",
        16,
        "폐기율(스크랩율)",
        "scrap ratio",
        "SQ / PQ",
        f"{s(i.sq)} pcs / {s(i.pq)} pcs",
        _ratio(sq, pq),
        trend="lower",
    )
    add(
        "rework_ratio",
        17,
        "재작업율",
        "rework ratio",
        "RQ / PQ",
        f"{s(i.rq)} pcs / {s(i.pq)} pcs",
        _ratio(rq, pq),
        trend="lower",
    )
    add(
        "fall_off_ratio",
        18,
        "불량률(탈락률)",
        "fall-off ratio",
        "(PQ − GQ) / PQ",
        f"({s(i.pq)} pcs − {s(i.gq)} pcs) / {s(i.pq)} pcs",
        _ratio(pq - gq, pq),
        trend="lower",
    )
    if i.aupt is not None and i.pot is not None:
        add(
            "equipment_load_ratio",
            27,
            "설비 부하율",
            "equipment load ratio",
            "AUPT / POT",
            f"{s(i.aupt)} min / {s(i.pot)} min",
            _ratio(_f(i.aupt), _f(i.pot)),
        )
    if i.aoet is not None:
        add(
            "throughput_rate",
            3,
            "처리율(시간당 생산량)",
            "throughput rate",
            "PQ / AOET",
            f"{s(i.pq)} pcs / {s(i.aoet)} min",
            _ratio(pq, _f(i.aoet)),
            unit="pcs/min",
        )
    return out


@dataclass(frozen=True)
class KpiChange:
    """One KPI before and after support; ``delta`` in percentage points for ratios."""

    id: str
    name_ko: str
    name_en: str
    unit: str
    trend: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def improved(self) -> bool | None:
        d = self.delta
        if d is None or d == 0:
            return None if d is None else False
        return d > 0 if self.trend == "higher" else d < 0

    def delta_display(self) -> str:
        d = self.delta
        if d is None:
            return "-"
        if self.unit == "%":
            pp = (Decimal(repr(d)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            return f"{pp:+} %p"
        return (
            f"{Decimal(repr(d)).quantize(Decimal('0.001'), rounding=ROUND_HALF_UP):+} {self.unit}"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name_ko": self.name_ko,
            "name_en": self.name_en,
            "unit": self.unit,
            "trend": self.trend,
            "before": self.before,
            "after": self.after,
            "delta": self.delta,
            "delta_display": self.delta_display(),
            "improved": self.improved,
        }


def compare(before: KpiInputs, after: KpiInputs) -> list[KpiChange]:
    """The KPIs both periods allow, before and after, in the order of ``compute_kpis``."""
    b = {k.id: k for k in compute_kpis(before)}
    changes = []
    for k in compute_kpis(after):
        if k.id in b:
            changes.append(
                KpiChange(k.id, k.name_ko, k.name_en, k.unit, k.trend, b[k.id].value, k.value)
            )
    return changes
