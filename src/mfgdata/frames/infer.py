"""Type inference from a sample of strings, and the Polars expressions that parse a column.

A value that does not parse for its column's kind is *junk* (``Bad``, ``Scan Timeout``, ``#N/A``
...): it becomes null and is counted; an empty cell is simply missing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Literal

import polars as pl

from mfgdata.frames.labels import plan_label
from mfgdata.frames.zones import attach_fixed

Kind = Literal["numeric", "datetime", "boolean", "categorical", "text"]
Parse = Literal["keep", "number", "datetime", "korean_datetime", "epoch_s", "epoch_ms", "bool"]

#: Known historian/spreadsheet junk (upper-case). Used to decide a column's kind.
JUNK_TOKENS = frozenset(
    """BAD|BAD INPUT|BAD QUALITY|SCAN TIMEOUT|I/O TIMEOUT|COMM FAIL|COMM FAILURE|#N/A|#VALUE!|
    #DIV/0!|#REF!|#NAME?|#NUM!|#NULL!|-|--|---|NAN|NULL|NONE|N/A|NA|?|***|ERR|ERROR|
    NO DATA|SHUTDOWN|CALC FAILED|OUT OF SERV|UNDER RANGE|OVER RANGE|INF|-INF""".replace("\n", "")
    .replace("    ", "")
    .split("|")
)
NUMERIC_SHARE = 0.98
#: A column is still numeric when this share of its non-empty sample values are numbers and the
#: rest are a few distinct wordings without digits (vendor status text: ``Intf Shut``, ``Pt
#: Created`` ...): those are junk, counted by value, whatever the vendor calls them.
JUNK_NUMERIC_SHARE = 0.9
MAX_JUNK_WORDINGS = 8
_WORDING = re.compile(r"^[^\d]*[^\W\d_][^\d]*$")  # has a letter, no digit: not a code like A1
_FLAG_NAME = re.compile(r"(?i)(^is_|^has_|flag|_yn$|^yn_|여부|ok_?ng|합격)")
_TIME_NAME = re.compile(r"(?i)(time|timestamp|epoch|^ts$|_ts$|date|시간|일시|시각|날짜)")
_NUM_RX = {
    ".": r"^[+-]?((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)([eE][+-]?\d+)?$",
    ",": r"^[+-]?((\d{1,3}([. ]\d{3})+|\d+)(,\d*)?|,\d+)([eE][+-]?\d+)?$",
}
_NUM = {k: re.compile(v) for k, v in _NUM_RX.items()}
KOREAN_DT = (
    r"^\s*(?P<y>\d{4})\s*(?:[-/.]|년)\s*(?P<mo>\d{1,2})\s*(?:[-/.]|월)\s*(?P<d>\d{1,2})\s*[일.]?"
    r"\s*T?\s*(?P<ap1>오전|오후|AM|PM|am|pm)?\s*"
    r"(?:(?P<h>\d{1,2})\s*(?::|시)\s*(?:(?P<mi>\d{1,2})\s*(?::|분)?\s*"
    r"(?:(?P<s>\d{1,2})(?:\.(?P<f>\d{1,6}))?\s*초?)?)?)?"
    r"\s*(?P<ap2>오전|오후|AM|PM|am|pm)?\s*$"
)
#: ISO 8601 with an offset or Z (``2024-06-03T08:00:00+01:00``): the data carries its zone.
ZONED_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z")
DATETIME_FORMATS = (
    *ZONED_FORMATS,
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y-%m-%d",
)
#: Years a parsed time may have: year 0 (and 9999, the end-of-time sentinel) cannot be read
#: by Python, Excel or a browser once a zone shifts it, so they are junk values, counted.
YEARS = (1, 9998)
EPOCH_RANGE = {"epoch_s": (946_684_800, 4_102_444_800)}
EPOCH_RANGE["epoch_ms"] = (EPOCH_RANGE["epoch_s"][0] * 1000, EPOCH_RANGE["epoch_s"][1] * 1000)


@dataclass(frozen=True)
class ColumnPlan:
    """How one column is read (``read``: the raw dtype) and parsed into its final ``kind``."""

    name: str
    kind: Kind
    parse: Parse
    read: pl.DataType
    fmt: str | None = None
    decimal: str = "."
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()
    #: (good, defect) values of a label kept as text: its header does not say which is true
    label_text: tuple[str, str] | None = None
    #: integers beyond 64 bits, kept exactly as text (a float would merge distinct values)
    exact_int: bool = False

    @property
    def zoned(self) -> bool:
        """Times that carry their own offset (parsed ISO 8601 offsets, zoned typed columns)."""
        if self.parse == "datetime":
            return self.fmt in ZONED_FORMATS
        return isinstance(self.read, pl.Datetime) and self.read.time_zone is not None

    @property
    def naive_times(self) -> bool:
        """Wall-clock times with no zone: read in the build's zone (given or assumed)."""
        if self.kind != "datetime" or self.zoned or self.parse in ("epoch_s", "epoch_ms"):
            return False
        return self.parse != "keep" or isinstance(self.read, pl.Datetime | pl.Date)

    @property
    def checks_junk(self) -> bool:
        """A string column parsed by an expression: a non-empty value that fails is junk."""
        return self.read == pl.String and self.parse != "keep"


def is_junk_token(value: str) -> bool:
    return value.strip().upper() in JUNK_TOKENS


def parse_number(value: str, decimal: str = ".") -> float | None:
    """``'1,234.5'`` → 1234.5; ``'1.234,5'`` (decimal comma) → 1234.5; junk → None."""
    v = value.strip()
    if not _NUM[decimal].match(v):
        return None
    if decimal == ",":
        v = v.replace(".", "").replace(" ", "").replace(",", ".")
    else:
        v = v.replace(",", "")
    return float(v)


def number_expr(col: pl.Expr, decimal: str, finite: bool = True) -> pl.Expr:
    """The number in a string column; ``1e309`` (infinite) is null unless ``finite=False``."""
    s = col.str.strip_chars()
    cleaned = (
        s.str.replace_all(r"[. ]", "").str.replace(",", ".", literal=True)
        if decimal == ","
        else s.str.replace_all(",", "", literal=True)
    )
    ok = s.str.contains(_NUM_RX[decimal])
    value = cleaned.cast(pl.Float64, strict=False)
    return pl.when(ok & (value.is_finite() | (not finite))).then(value).otherwise(None)


def korean_datetime_expr(col: pl.Expr) -> pl.Expr:
    """Korean/ISO-like date-times: ``2024-03-01 오후 2:30:15``, ``2024년 3월 1일 14시 30분``."""
    g = col.str.extract_groups(KOREAN_DT)
    hour = g.struct.field("h").cast(pl.Int32, strict=False).fill_null(0)
    ap = pl.coalesce(g.struct.field("ap1"), g.struct.field("ap2")).str.to_uppercase()
    hour = (
        pl.when(ap.is_in(["오후", "PM"]) & (hour < 12))
        .then(hour + 12)
        .when(ap.is_in(["오전", "AM"]) & (hour == 12))
        .then(0)
        .otherwise(hour)
    )

    def part(e: pl.Expr, width: int) -> pl.Expr:
        return e.fill_null("0").str.zfill(width)

    text = pl.format(
        "{}-{}-{} {}:{}:{}.{}",
        g.struct.field("y"),
        part(g.struct.field("mo"), 2),
        part(g.struct.field("d"), 2),
        hour.cast(pl.String).str.zfill(2),
        part(g.struct.field("mi"), 2),
        part(g.struct.field("s"), 2),
        g.struct.field("f").fill_null("0").str.pad_end(6, "0"),
    )
    return text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S%.f", strict=False)


def bool_expr(col: pl.Expr, plan: ColumnPlan) -> pl.Expr:
    mapping = {v: True for v in plan.true_values} | {v: False for v in plan.false_values}
    return (
        col.cast(pl.String)
        .str.strip_chars()
        .str.to_uppercase()
        .replace_strict(mapping, default=None, return_dtype=pl.Boolean)
    )


def parse_expr(plan: ColumnPlan, col: pl.Expr, tz: str, offset: timedelta | None = None) -> pl.Expr:
    """The expression that turns the raw column into its final dtype (naive times → ``tz``;
    by subtracting ``offset`` when the caller knows the zone's offset is fixed for the data)."""
    if plan.parse == "number":
        e = number_expr(col, plan.decimal)
    elif plan.parse == "datetime" and plan.zoned:  # the offsets say the instant
        e = col.str.strip_chars().str.strptime(pl.Datetime("us", "UTC"), plan.fmt, strict=False)
        return e.dt.convert_time_zone(tz)
    elif plan.parse == "datetime":
        e = col.str.strip_chars().str.strptime(pl.Datetime("us"), plan.fmt, strict=False)
        e = pl.when(e.dt.year().is_between(*YEARS)).then(e)
    elif plan.parse == "korean_datetime":
        e = korean_datetime_expr(col)
        e = pl.when(e.dt.year().is_between(*YEARS)).then(e)
    elif plan.parse in ("epoch_s", "epoch_ms"):
        num = col.cast(pl.Int64, strict=False) if plan.read != pl.String else number_expr(col, ".")
        e = pl.from_epoch(num.cast(pl.Int64), time_unit="s" if plan.parse == "epoch_s" else "ms")
        return e.dt.replace_time_zone("UTC").dt.convert_time_zone(tz)
    elif plan.parse == "bool":
        return bool_expr(col, plan)
    elif plan.read == pl.Float64:
        return pl.when(col.is_finite()).then(col).otherwise(None)  # NaN, ±inf → null
    elif isinstance(plan.read, pl.Datetime) and plan.read.time_zone is None:
        e = col  # a typed naive time (Parquet, Excel): local time in ``tz`` like a parsed one
    else:
        return col
    if plan.kind == "datetime" and offset is not None:
        unit = plan.read.time_unit if isinstance(plan.read, pl.Datetime) else "us"
        return attach_fixed(e, tz, offset, unit or "us")
    if plan.kind == "datetime":
        return e.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    return e


def _vendor_junk(sample: pl.Series, nums: pl.Series, non_empty: int) -> bool:
    """Mostly numbers, the rest a few wordings (no digits): a numeric column with junk."""
    parsed = int(nums.is_not_null().sum())
    if not parsed or parsed < JUNK_NUMERIC_SHARE * non_empty:
        return False
    words = sample.filter(nums.is_null()).unique().to_list()
    return len(words) <= MAX_JUNK_WORDINGS and all(_WORDING.match(w) for w in words)


def _share(values: pl.Series, ok: pl.Series) -> float:
    return float(ok.sum()) / len(values) if len(values) else 0.0


def infer_plan(name: str, raw: Sequence[str | None] | pl.Series, decimal: str = ".") -> ColumnPlan:
    """Decide a column's kind from a sample of raw strings (``decimal`` from the dialect)."""
    stripped = pl.Series("v", raw, dtype=pl.String).str.strip_chars()
    values = stripped.filter(stripped.is_not_null() & (stripped != ""))
    junk = values.str.to_uppercase().is_in(list(JUNK_TOKENS))
    sample = values.filter(~junk)
    has_junk = bool(junk.any())
    if sample.is_empty():
        return ColumnPlan(
            name, "text" if values.is_empty() else "numeric", "number", pl.String(), None, decimal
        )
    number = number_expr(pl.col("v"), decimal, finite=False)  # 1e309 looks like a number
    nums = pl.DataFrame({"v": sample}).select(number).to_series()
    parsed = int(nums.is_not_null().sum())
    if parsed < NUMERIC_SHARE * len(sample) and _vendor_junk(sample, nums, len(values)):
        return ColumnPlan(name, "numeric", "number", pl.String(), decimal=decimal)
    if parsed >= NUMERIC_SHARE * len(sample):
        every = parsed == len(sample)
        ints = (
            every and bool((nums % 1 == 0).all()) and not bool(sample.str.contains("[.eE]").any())
        )
        if ints and beyond_int64(sample):
            return exact_int_plan(name)
        if _FLAG_NAME.search(name) and set(sample.unique().to_list()) <= {"0", "1"}:
            return ColumnPlan(
                name, "boolean", "bool", pl.String(), true_values=("1",), false_values=("0",)
            )
        if ints and _TIME_NAME.search(name):
            lo_n, hi_n = nums.min(), nums.max()
            for unit, (lo, hi) in EPOCH_RANGE.items():
                if isinstance(lo_n, float) and isinstance(hi_n, float) and lo <= lo_n <= hi_n <= hi:
                    parse: Parse = "epoch_s" if unit == "epoch_s" else "epoch_ms"
                    return ColumnPlan(
                        name, "datetime", parse, pl.String() if has_junk else pl.Int64()
                    )
        plain = decimal == "." and not bool(sample.str.contains(",", literal=True).any())
        if not has_junk and plain and every:
            return ColumnPlan(name, "numeric", "keep", pl.Int64() if ints else pl.Float64())
        return ColumnPlan(name, "numeric", "number", pl.String(), decimal=decimal)
    upper_set = set(sample.str.to_uppercase().unique().to_list())
    label = plan_label(name, upper_set)
    if label is not None and label.boolean:
        assert label.true_value is not None and label.false_value is not None
        return ColumnPlan(
            name,
            "boolean",
            "bool",
            pl.String(),
            true_values=(label.true_value,),
            false_values=(label.false_value,),
        )
    if label is not None:  # OK/NG under a neutral header: the original text, never a guess
        return ColumnPlan(name, "categorical", "keep", pl.String(), label_text=label.pair)
    for fmt in DATETIME_FORMATS:
        dtype = pl.Datetime("us", "UTC") if fmt in ZONED_FORMATS else pl.Datetime("us")
        ok = sample.str.strptime(dtype, fmt, strict=False).is_not_null()
        if _share(sample, ok) >= NUMERIC_SHARE:
            return ColumnPlan(name, "datetime", "datetime", pl.String(), fmt)
    ok = (
        pl.DataFrame({"v": sample})
        .select(korean_datetime_expr(pl.col("v")))
        .to_series()
        .is_not_null()
    )
    if _share(sample, ok) >= NUMERIC_SHARE:
        return ColumnPlan(name, "datetime", "korean_datetime", pl.String())
    distinct = values.n_unique()
    kind: Kind = (
        "categorical" if distinct <= 50 and distinct <= max(2, len(values) // 2) else "text"
    )
    return ColumnPlan(name, kind, "keep", pl.String())


def plan_for_dtype(name: str, dtype: pl.DataType) -> ColumnPlan:
    """A column that arrives typed (Parquet, JSON, Excel numbers) keeps its type (128-bit
    integers: exact text, as no later step can hold them)."""
    if dtype in (pl.Int128, pl.UInt128):
        return exact_int_plan(name)
    if dtype.is_numeric():
        return ColumnPlan(name, "numeric", "keep", dtype)
    if dtype == pl.Boolean:
        return ColumnPlan(name, "boolean", "keep", dtype)
    if isinstance(dtype, pl.Datetime | pl.Date):
        return ColumnPlan(name, "datetime", "keep", dtype)
    return ColumnPlan(name, "text", "keep", dtype)


INT64 = (-(2**63), 2**63 - 1)
_INT = re.compile(r"^[+-]?\d+$")


def beyond_int64(values: pl.Series) -> bool:
    """Some integer string of ``values`` does not fit a signed 64-bit integer."""
    long = values.filter(values.str.strip_chars().str.len_chars() >= 19).to_list()
    return any(_INT.match(v.strip()) and not INT64[0] <= int(v.strip()) <= INT64[1] for v in long)


def exact_int_plan(name: str) -> ColumnPlan:
    return ColumnPlan(name, "text", "keep", pl.String(), exact_int=True)


def widen(plan: ColumnPlan, value: str) -> ColumnPlan:
    """After a native parse failed on ``value``: Int64 → Float64 (an integer beyond 64 bits:
    exact text), else read as string."""
    if plan.read == pl.Int64 and plan.parse == "keep" and beyond_int64(pl.Series([value])):
        return exact_int_plan(plan.name)
    if plan.read == pl.Int64 and plan.parse == "keep" and parse_number(value) is not None:
        return replace(plan, read=pl.Float64())
    if plan.parse in ("epoch_s", "epoch_ms"):
        return replace(plan, read=pl.String())
    return replace(plan, parse="number", read=pl.String())
