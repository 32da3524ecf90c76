"""New raw files for ``predict``, read by the build's own ingest (``frames.readers``).

Whatever ``mfgdata build`` reads, predict reads the same way: CP949 / UTF-8 with a BOM, title
lines above the header, units in headers, vendor junk (``Bad``, ``Scan Timeout``: counted, set
to null), workbooks (``--sheet``, else the build's sheet when the workbook has it, else the sheet
with the largest table) and naive times read in the product's zone (``--timezone`` overrides).
"""

from __future__ import annotations

import json
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from mfgdata.errors import ConfigError, InputError, MfgDataError
from mfgdata.frames.readers import open_table
from mfgdata.settings import Settings, get_settings

NEW_TABLE = "new.parquet"


class DriftWarning(UserWarning):
    """A schema or unit drift that predict fixed; the message is Korean / English."""


def warn(ko: str, en: str) -> None:
    warnings.warn(f"{ko} / {en}", DriftWarning, stacklevel=3)


@dataclass(frozen=True)
class NewData:
    """The new rows under the ingest's column names, with each header's unit and raw name."""

    frame: pl.DataFrame
    units: dict[str, str | None]
    raw_names: dict[str, str]
    junk: dict[str, int] = field(default_factory=dict)
    file: Path | None = None  # the first input, for error messages


def _lineage(product_dir: Path) -> dict[str, Any]:
    try:
        doc = json.loads((product_dir / "lineage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def _zone(given: str | None, lineage: dict[str, Any], settings: Settings) -> str:
    zone = given or (lineage.get("options") or {}).get("timezone") or settings.timezone
    try:
        ZoneInfo(str(zone))
    except (ValueError, OSError, LookupError) as e:  # ZoneInfoNotFoundError is a KeyError
        raise ConfigError(
            f"알 수 없는 시간대입니다: {zone}", f"unknown time zone: {zone}", column=None
        ) from e
    return str(zone)


def _sheet(paths: Sequence[Path], given: str | None, lineage: dict[str, Any]) -> str | None:
    """``--sheet``; else the sheet the build read, when every new workbook has it."""
    if given is not None:
        return given
    built = [i.get("sheet") for i in lineage.get("inputs") or [] if isinstance(i, dict)]
    wanted = next((s for s in built if isinstance(s, str)), None)
    books = [p for p in paths if p.suffix.lower() in (".xlsx", ".xlsm") and p.is_file()]
    if wanted is None or not books:
        return None
    import fastexcel

    try:
        if all(wanted in fastexcel.read_excel(p).sheet_names for p in books):
            return wanted
    except Exception:  # a broken workbook: the ingest says so in its own words
        return None
    warn(
        f"상품은 시트 '{wanted}'에서 만들어졌지만 새 통합 문서에 그 시트가 없어 가장 큰 표를 "
        "읽었습니다 (--sheet로 지정하세요)",
        f"the product was built from sheet '{wanted}', which the new workbook lacks: the sheet "
        "with the largest table was read (give --sheet)",
    )
    return None


def read_new(
    paths: Sequence[Path],
    *,
    product_dir: Path,
    sheet: str | None = None,
    timezone: str | None = None,
    settings: Settings | None = None,
) -> NewData:
    """Read ``paths`` (one logical table, like ``build``'s inputs) as the build's ingest does."""
    settings = settings or get_settings()
    paths = [Path(p) for p in paths]
    lineage = _lineage(Path(product_dir))
    zone = _zone(timezone, lineage, settings)
    chosen = _sheet(paths, sheet, lineage)
    with tempfile.TemporaryDirectory(prefix="mfgdata-predict-") as work:
        try:
            table = open_table(
                paths,
                work_dir=Path(work),
                sheet=chosen,
                timezone=zone,
                infer_rows=settings.infer_rows,
            )
            stats = table.write_parquet(Path(work) / NEW_TABLE)
            frame = pl.read_parquet(Path(work) / NEW_TABLE)
        except MfgDataError:
            raise
        except Exception as e:  # a reader failure the ingest did not name: still one line
            raise InputError(
                "새 파일을 읽을 수 없습니다",
                f"cannot read the new file: {str(e).splitlines()[0][:200] if str(e) else e!r}",
                file=paths[0] if paths else None,
            ) from e
    columns = table.sources[0].columns
    junk = {c: j.count for c, j in sorted(stats.junk.items())}
    if junk:
        shown = ", ".join(f"{c} {n}" for c, n in junk.items())
        warn(
            f"숫자/날짜가 아닌 값을 빈 값으로 바꿨습니다: {shown}",
            f"non-parsable values were set to null: {shown}",
        )
    return NewData(
        frame=frame,
        units={name: unit for name, _, unit in columns},
        raw_names={name: raw for name, raw, _ in columns},
        junk=junk,
        file=paths[0],
    )


def rows_to_csv(rows: Sequence[dict[str, Any]], path: Path) -> Path:
    """JSON rows as a UTF-8 CSV, so that they go through the same ingest as a file: every value
    as text (numbers as JSON wrote them, ``null`` empty), columns in order of first appearance."""
    names = list(dict.fromkeys(k for r in rows for k in r))
    cols = {n: [_text(r.get(n)) for r in rows] for n in names}
    pl.DataFrame(cols, schema=dict.fromkeys(names, pl.String)).write_csv(path)
    return path


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
