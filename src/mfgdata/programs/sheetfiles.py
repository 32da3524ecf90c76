"""Reading score sheets, bonus lists and site-check results from UTF-8 CSV files.

``scores.csv``: ``applicant,evaluator,category,score`` (category = the call's Korean name).
``bonus.csv``: ``applicant,item`` (item = the bonus item's id or Korean name).
``site.csv``: ``applicant,item,result`` (result = 적/부, also pass/fail).
A file that is not UTF-8 (an Excel CP949 export, say) is refused with a clear line, never guessed:
names decoded wrongly would silently become different applicants.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path

from mfgdata.programs.errors import ScoreSheetError
from mfgdata.programs.models import CallTemplate
from mfgdata.programs.panel import ScoreRow

RESULTS = {"적": True, "부": False, "pass": True, "fail": False}


def _text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ScoreSheetError(
            f"파일을 읽을 수 없습니다: {e.strerror}",
            f"cannot read the file: {e.strerror}",
            file=path,
        ) from e
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        try:
            raw.decode("cp949")
            hint_ko, hint_en = " (CP949/EUC-KR로 보입니다)", " (it looks like CP949/EUC-KR)"
        except UnicodeDecodeError:
            hint_ko = hint_en = ""
        raise ScoreSheetError(
            f"UTF-8 파일이 아닙니다{hint_ko}: UTF-8(CSV UTF-8)로 다시 저장하세요",
            f"not a UTF-8 file{hint_en}: save it again as UTF-8 (CSV UTF-8)",
            file=path,
        ) from e


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(_text(path)))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ScoreSheetError(
            f"필요한 열이 없습니다: {', '.join(missing)} (필요: {','.join(columns)})",
            f"missing columns: {', '.join(missing)} (expected: {','.join(columns)})",
            file=path,
            line=1,
        )
    reader.fieldnames = header
    out = []
    for row in reader:
        line = reader.line_num
        # NFC: a file saved on macOS spells 한글 decomposed (NFD); it must match the call's names
        values = {c: unicodedata.normalize("NFC", (row.get(c) or "").strip()) for c in columns}
        if not any(values.values()):
            continue
        empty = [c for c, v in values.items() if not v]
        if empty:
            raise ScoreSheetError(
                f"빈 칸이 있습니다: {', '.join(empty)}",
                f"empty cell: {', '.join(empty)}",
                file=path,
                line=line,
                column=empty[0],
            )
        out.append((line, values))
    return out


def read_scores(path: Path) -> list[ScoreRow]:
    """Score rows; a score that is not a finite number is refused with its line."""
    rows = []
    for line, v in _rows(path, ("applicant", "evaluator", "category", "score")):
        try:
            score = Decimal(v["score"])
        except InvalidOperation:
            score = Decimal("NaN")
        if not score.is_finite():
            raise ScoreSheetError(
                f"점수가 숫자가 아닙니다: '{v['score']}'",
                f"the score is not a number: '{v['score']}'",
                file=path,
                line=line,
                column="score",
            )
        rows.append(ScoreRow(v["applicant"], v["evaluator"], v["category"], score, line))
    return rows


def _item_id(template: CallTemplate, kind: str, name: str, path: Path, line: int) -> str:
    items = template.bonus_items if kind == "bonus" else template.site_check_items
    for item in items:
        if name in (item.id, item.ko):
            return item.id
    known = ", ".join(f"{i.id} ({i.ko})" for i in items) or "-"
    kind_ko = "가점" if kind == "bonus" else "현장점검"
    raise ScoreSheetError(
        f"이 공고에 없는 {kind_ko} 항목입니다: '{name}' (항목: {known})",
        f"unknown {kind} item '{name}' for {template.name} (items: {known})",
        file=path,
        line=line,
        column="item",
    )


def read_bonus(path: Path, template: CallTemplate) -> dict[str, list[str]]:
    """applicant → bonus item ids."""
    bonus: dict[str, list[str]] = {}
    for line, v in _rows(path, ("applicant", "item")):
        item = _item_id(template, "bonus", v["item"], path, line)
        bonus.setdefault(v["applicant"], []).append(item)
    return bonus


def read_site_checks(path: Path, template: CallTemplate) -> dict[str, dict[str, bool]]:
    """applicant → {item id: 적 True / 부 False}."""
    checks: dict[str, dict[str, bool]] = {}
    for line, v in _rows(path, ("applicant", "item", "result")):
        item = _item_id(template, "site-check", v["item"], path, line)
        result = RESULTS.get(v["result"].lower())
        if result is None:
            raise ScoreSheetError(
                f"현장점검 결과는 적 또는 부여야 합니다: '{v['result']}'",
                f"a site-check result must be 적 (pass) or 부 (fail): '{v['result']}'",
                file=path,
                line=line,
                column="result",
            )
        seen = checks.setdefault(v["applicant"], {})
        if item in seen:
            raise ScoreSheetError(
                f"같은 현장점검 항목이 두 번 있습니다: {v['applicant']} / {v['item']}",
                f"the same site-check item twice: {v['applicant']} / {v['item']}",
                file=path,
                line=line,
            )
        seen[item] = result
    return checks
