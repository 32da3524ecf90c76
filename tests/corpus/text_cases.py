"""Hostile CSV/text cases: encodings, line endings, quoting, headers, odd values."""

from __future__ import annotations

import math
from pathlib import Path

from corpus.case import HEAD, Case, Check, Make, column, csv_text, numbers, table, write


def _one(name: str, text: str | bytes, encoding: str = "utf-8") -> Make:
    def make(d: Path) -> list[Path]:
        return [write(d / name, text, encoding)]

    return make


def _rows(product: Path, n: int) -> None:
    assert table(product).height == n


def _values(name: str, want: list[object]) -> Check:
    def check(product: Path) -> None:
        got = column(product, name)
        assert got[: len(want)] == want, (got[: len(want)], want)

    return check


KO_ROWS = [[i, ["양품", "불량", "재작업"][i % 3], f"{20 + i % 7}.5"] for i in range(30)]
KO_HEAD = ["번호", "판정", "온도"]
KO_TEXT = csv_text(KO_HEAD, KO_ROWS)
LATIN = [[i, ["naïve", "café", "Müller", "façade"][i % 4], i * 2] for i in range(30)]
LATIN_TEXT = csv_text(["id", "word", "n"], LATIN)
CP1252_TEXT = csv_text(
    ["id", "note", "n"], [[i, ["“quoted” – 5 €", "Œuvre", "naïve"][i % 3], i] for i in range(30)]
)
_ko_check = _values("판정", ["양품", "불량", "재작업"])


def _finite(product: Path) -> None:
    t = table(product)
    vals = [v for v in t["x"].to_list() if v is not None]
    assert all(math.isfinite(v) for v in vals), vals
    assert t["x"].null_count() >= 3  # 1e309, inf, NaN are not measurements


def _bigints(product: Path) -> None:
    got = column(product, "serial")
    assert len(set(got)) == 100
    assert str(got[0]) == str(2**70)
    quality = (product / "quality.json").read_text() + (product / "lineage.json").read_text()
    assert "64" in quality


def _escaped(product: Path) -> None:
    text = (product / "data" / "table.csv").read_text(encoding="utf-8")
    assert "'=cmd|' /C calc'!A0" in text
    assert "\n=cmd" not in text and ",=cmd" not in text
    assert ",-5" in text or ",-5.0" in text  # a negative number is not a formula
    assert column(product, "cmd")[0] == "=cmd|' /C calc'!A0"  # the data keeps the value


def _ragged(n: int) -> str:
    lines = ["a,b,c"] + [f"{i},{i},{i}" if i % 3 != 2 else f"{i},{i}" for i in range(1, n)]
    return "\n".join(lines) + "\n"


def _mixed(d: Path) -> list[Path]:
    body = "id,word\n" + "".join(f"{i},가공{i}\n" for i in range(20))
    data = body.encode("utf-8") + "20,불량\n".encode("cp949")
    return [write(d / "mixed.csv", data)]


def _latin_check(product: Path) -> None:
    assert column(product, "word")[:4] == ["naïve", "café", "Müller", "façade"]
    assert '"encoding": "iso-8859-1"' in (product / "lineage.json").read_text()


def _cp1252_check(product: Path) -> None:
    assert column(product, "note")[:3] == ["“quoted” – 5 €", "Œuvre", "naïve"]
    assert '"encoding": "cp1252"' in (product / "lineage.json").read_text()


def _dup_names(product: Path) -> None:
    assert table(product).columns[:3] == ["a", "a_2", "b"]


def _empty_names(product: Path) -> None:
    cols = table(product).columns
    assert cols[0] == "a" and cols[2] == "c" and cols[1].startswith("column_")


def _quoted_nl(product: Path) -> None:
    got = column(product, "note")
    assert got[0] == "line one\nline two" and len(got) == 20


def _years(product: Path) -> None:
    t = table(product)
    assert t.height == 20
    assert t["value"].null_count() == 0


def _null_const(product: Path) -> None:
    t = table(product)
    assert "empty" not in t.columns  # dropped by the recipe, which says so
    assert "- empty" in (product / "recipe.yaml").read_text(encoding="utf-8")
    assert t["same"].n_unique() == 1 and t.height == 30


def _utf16_nobom(d: Path) -> list[Path]:
    return [write(d / "utf16le_nobom.csv", KO_TEXT.encode("utf-16-le"))]


def _gz(d: Path) -> list[Path]:
    import gzip

    data = gzip.compress(csv_text(HEAD, numbers(2000)).encode())
    return [write(d / "cut.csv.gz", data[: len(data) // 2])]


def _gz_named_csv(d: Path) -> list[Path]:
    import gzip

    return [write(d / "packed.csv", gzip.compress(csv_text(HEAD, numbers()).encode()))]


BIG = 2**70
B = "cp949"
CASES: list[Case] = [
    Case("empty_file", _one("empty.csv", b""), "refusal", ("empty.csv", "0 bytes")),
    Case("blank_lines_only", _one("blank.csv", "\n\n \n\n"), "refusal", ("blank.csv", "empty")),
    Case("header_only", _one("head.csv", "a,b,c\n"), "refusal", ("head.csv", "header only")),
    Case("header_no_newline", _one("head2.csv", "a,b,c"), "refusal", ("head2.csv", "header")),
    Case(
        "binary_as_csv",
        _one("noise.csv", bytes(range(256)) * 40),
        "refusal",
        ("noise.csv", "binary"),
    ),
    Case("gzip_named_csv", _gz_named_csv, "refusal", ("packed.csv", "gzip")),
    Case("truncated_gzip", _gz, "refusal", ("cut.csv.gz",)),
    Case("one_row", _one("one.csv", "a,b\n1,x\n"), "product", check=lambda p: _rows(p, 1)),
    Case(
        "one_column",
        _one("onecol.csv", "value\n" + "".join(f"{i}\n" for i in range(30))),
        "product",
        check=_values("value", [0, 1, 2]),
    ),
    Case("utf8_bom", _one("bom.csv", "\ufeff" + KO_TEXT), "product", check=_ko_check),
    Case("utf8_korean", _one("ko.csv", KO_TEXT), "product", check=_ko_check),
    Case("cp949_korean", _one("ko949.csv", KO_TEXT, B), "product", check=_ko_check),
    Case(
        "euc_kr_units",
        _one(
            "units.csv",
            "번호,온도[℃],길이[㎜]\n" + "".join(f"{i},{i}.5,{i}\n" for i in range(30)),
            B,
        ),
        "product",
        check=lambda p: _rows(p, 30),
    ),
    Case(
        "utf16le_bom",
        _one("u16le.csv", "\ufeff" + KO_TEXT, "utf-16-le"),
        "product",
        check=_ko_check,
    ),
    Case(
        "utf16be_bom",
        _one("u16be.csv", "\ufeff" + KO_TEXT, "utf-16-be"),
        "product",
        check=_ko_check,
    ),
    Case("utf16le_no_bom", _utf16_nobom, "product", check=_ko_check),
    Case("latin1", _one("latin1.csv", LATIN_TEXT, "latin-1"), "product", check=_latin_check),
    Case("cp1252", _one("win.csv", CP1252_TEXT, "cp1252"), "product", check=_cp1252_check),
    Case(
        "latin1_forced_encoding",
        _one("forced.csv", LATIN_TEXT, "latin-1"),
        "product",
        check=_values("word", ["naïve"]),
        args=("--encoding", "latin-1"),
    ),
    Case(
        "wrong_forced_encoding",
        _one("forced8.csv", LATIN_TEXT, "latin-1"),
        "refusal",
        ("forced8.csv", "utf-8", "line 2"),
        args=("--encoding", "utf-8"),
    ),
    Case("mixed_encodings", _mixed, "refusal", ("mixed.csv", "line 22")),
    Case(
        "nul_bytes",
        _one("nul.csv", csv_text(HEAD, numbers()).replace("4,", "4\x00,", 1)),
        "refusal",
        ("nul.csv", "NUL", "line 6"),
    ),
    Case(
        "cr_only",
        _one("mac.csv", csv_text(HEAD, numbers(), nl="\r")),
        "product",
        check=lambda p: _rows(p, 30),
    ),
    Case(
        "crlf",
        _one("dos.csv", csv_text(HEAD, numbers(), nl="\r\n")),
        "product",
        check=_values("pressure", [1.0, 1.3, 1.1]),
    ),
    Case(
        "semicolon_decimal_comma",
        _one("eu.csv", "id;temp\n" + "".join(f"{i};{i},5\n" for i in range(30))),
        "product",
        check=_values("temp", [0.5, 1.5]),
    ),
    Case(
        "tsv",
        _one("tab.tsv", csv_text(HEAD, numbers(), sep="\t")),
        "product",
        check=lambda p: _rows(p, 30),
    ),
    Case("ragged_short", _one("ragged.csv", _ragged(300)), "refusal", ("ragged.csv", "line 3")),
    Case(
        "ragged_long",
        _one("long.csv", "a,b,c\n1,2,3\n4,5,6,7\n" + "8,9,10\n" * 200),
        "refusal",
        ("long.csv", "line 3"),
    ),
    Case(
        "unclosed_quote",
        _one("quote.csv", 'a,b,c\n1,2,3\n4,"5,6\n7,8,9\n'),
        "refusal",
        ("quote.csv", "line 3"),
    ),
    Case(
        "quoted_newlines",
        _one(
            "nl.csv",
            "id,note,n\n" + "".join(f'{i},"line one\nline two",{i}\n' for i in range(20)),
        ),
        "product",
        check=_quoted_nl,
    ),
    Case(
        "duplicate_names",
        _one("dup.csv", "a,a,b\n" + "".join(f"{i},{i + 1},x{i}\n" for i in range(30))),
        "product",
        check=_dup_names,
    ),
    Case(
        "empty_names",
        _one("noname.csv", "a,,c\n" + "".join(f"{i},{i + 1},{i + 2}\n" for i in range(30))),
        "product",
        check=_empty_names,
    ),
    Case(
        "header_newline_in_name",
        _one("hnl.csv", '"first\nname",b\n' + "".join(f"{i},{i}\n" for i in range(30))),
        "product",
        check=lambda p: _rows(p, 30),
    ),
    Case(
        "inf_nan_1e309",
        _one(
            "inf.csv",
            "id,x\n0,1e309\n1,inf\n2,NaN\n3,-inf\n" + "".join(f"{i},{i}.5\n" for i in range(4, 30)),
        ),
        "product",
        check=_finite,
    ),
    Case(
        "years_0_and_9999",
        _one(
            "years.csv",
            "time,value\n0000-01-01 00:00:00,1\n9999-12-31 23:59:59,2\n"
            + "".join(f"2024-01-{i:02d} 00:00:00,{i}\n" for i in range(1, 19)),
        ),
        "product",
        check=_years,
    ),
    Case(
        "bigints",
        _one("big.csv", "id,serial\n" + "".join(f"{i},{BIG + i}\n" for i in range(100))),
        "product",
        check=_bigints,
    ),
    Case(
        "bigints_after_sample",
        _one(
            "late.csv",
            "id,serial\n" + "".join(f"{i},{i}\n" for i in range(200)) + f"200,{BIG}\n",
        ),
        "product",
        check=lambda p: column(p, "serial")[-1] in (str(BIG), BIG),
        args=(),
    ),
    Case(
        "null_and_constant",
        _one("nc.csv", "id,empty,same\n" + "".join(f"{i},,7\n" for i in range(30))),
        "product",
        check=_null_const,
    ),
    Case(
        "formula_injection",
        _one(
            "inject.csv",
            "id,cmd,n\n0,=cmd|' /C calc'!A0,-5\n1,+SUM(A1),2\n2,@x,3\n"
            + "".join(f"{i},-{i}abc,{i}\n" for i in range(3, 30)),
        ),
        "product",
        check=_escaped,
    ),
]
