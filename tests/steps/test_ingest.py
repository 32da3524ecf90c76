"""IngestStep on real files made in tmp_path."""

from __future__ import annotations

import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from mfgdata.errors import EncodingError, InputError
from mfgdata.pipeline.context import BuildOptions, ProductWriter, RunContext
from mfgdata.pipeline.results import IngestResult
from mfgdata.pipeline.step import StepResult
from mfgdata.settings import Settings
from mfgdata.steps.ingest import IngestStep

KST = ZoneInfo("Asia/Seoul")


def run_ingest(tmp_path: Path, *inputs: Path, **opts: Any) -> StepResult:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    (tmp_path / "staging").mkdir(exist_ok=True)
    ctx = RunContext(
        run_id="test",
        options=BuildOptions(inputs=tuple(inputs), out=tmp_path / "out", **opts),
        settings=Settings(home=tmp_path / "home"),
        product=ProductWriter(tmp_path / "staging"),
        work_dir=work,
    )
    return IngestStep().run(None, ctx)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def table(result: StepResult) -> pl.DataFrame:
    assert result.frame is not None
    return result.frame.collect()


def columns(result: StepResult) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in result.of(IngestResult).columns}


def test_cp949_preamble_units_korean_datetimes(tmp_path: Path) -> None:
    text = (
        "설비명: 사출기 3호기\n기간: 2024-03-01\n\n"
        "일시,온도[°C],압력(bar),속도 [mm/s],판정,검사여부\n"
        '2024-03-01 오후 2:30:15,"1,234.5",3,10,OK,예\n'
        "2024-03-01 오전 12:05:00,12.5,Bad,11,NG,아니오\n"
        "2024-03-01 오후 12:00:00,13.5,Scan Timeout,12,OK,예\n"
    )
    r = run_ingest(tmp_path, write(tmp_path, "a.csv", text, "cp949"))
    inp = r.of(IngestResult).inputs[0]
    assert (inp["encoding"], inp["delimiter"], inp["header_row"], inp["rows"]) == (
        "cp949",
        ",",
        4,
        3,
    )
    cols = columns(r)
    assert [c["name"] for c in r.of(IngestResult).columns] == [
        "일시",
        "온도",
        "압력",
        "속도",
        "판정",
        "검사여부",
    ]
    assert (cols["온도"]["unit"], cols["온도"]["raw_name"]) == ("°C", "온도[°C]")
    assert cols["속도"]["unit"] == "mm/s" and cols["압력"]["kind"] == "numeric"
    assert (cols["판정"]["kind"], cols["검사여부"]["kind"]) == ("categorical", "boolean")
    assert cols["일시"]["dtype"] == "Datetime(time_unit='us', time_zone='Asia/Seoul')"
    assert r.of(IngestResult).time_column == "일시"
    df = table(r)
    assert df["일시"].to_list() == [
        datetime(2024, 3, 1, 14, 30, 15, tzinfo=KST),
        datetime(2024, 3, 1, 0, 5, tzinfo=KST),
        datetime(2024, 3, 1, 12, 0, tzinfo=KST),
    ]
    assert df["온도"].to_list() == [1234.5, 12.5, 13.5]
    assert df["압력"].to_list() == [3.0, None, None]
    assert df["판정"].to_list() == ["OK", "NG", "OK"]  # 판정 does not say which one is true
    assert df["검사여부"].to_list() == [True, False, True]
    assert r.of(IngestResult).junk == {
        "압력": {
            "count": 2,
            "examples": ["Bad", "Scan Timeout"],
            "rows": [1, 2],
            "tokens": {"Bad": 1, "Scan Timeout": 1},
        }
    }
    f, label, zone = r.findings
    assert (f.code, f.severity, f.column, f.count, f.rows) == (
        "junk_value",
        "warning",
        "압력",
        2,
        (1, 2),
    )
    assert (label.code, label.column, label.examples) == (
        "label_meaning_unknown",
        "판정",
        ("OK", "NG"),
    )
    assert (zone.code, zone.column, zone.examples) == ("timezone_assumed", "일시", ("Asia/Seoul",))


@pytest.mark.parametrize(
    ("name", "raw", "encoding", "expect"),
    [
        (
            "bom.csv",
            "\ufeff시간,값\n2024-03-01 14:00:00,1.5\n2024-03-01 14:01:00,2.5\n",
            "utf-8",
            {"encoding": "utf-8-sig", "delimiter": ",", "decimal": "."},
        ),
        (
            "semi.csv",
            "시간;값;수량\n2024/03/01 14:00;1.234,5;3\n2024/03/01 14:01;2,5;4\n",
            "utf-8",
            {"encoding": "utf-8", "delimiter": ";", "decimal": ","},
        ),
        (
            "tab.tsv",
            "시간\t값\n2024.03.01 14:30\t1.5\n2024.03.01 14:31\t2.5\n",
            "euc-kr",
            {"encoding": "cp949", "delimiter": "\t", "decimal": "."},
        ),
    ],
)
def test_dialects(
    tmp_path: Path, name: str, raw: str, encoding: str, expect: dict[str, str]
) -> None:
    r = run_ingest(tmp_path, write(tmp_path, name, raw, encoding))
    inp = r.of(IngestResult).inputs[0]
    assert {k: inp[k] for k in expect} == expect
    df = table(r)
    assert df["값"].to_list() in ([1.5, 2.5], [1234.5, 2.5])
    assert df["시간"].dtype == pl.Datetime("us", "Asia/Seoul")
    assert df["시간"][0] in (
        datetime(2024, 3, 1, 14, 0, tzinfo=KST),
        datetime(2024, 3, 1, 14, 30, tzinfo=KST),
    )


def test_units_row_epoch_ms_and_flag(tmp_path: Path) -> None:
    text = "timestamp,온도,is_running,vibration\n,[°C],,mm/s\n"
    text += "".join(f"{1709251200000 + i * 1000},{20 + i},{i % 2},{i % 2}\n" for i in range(5))
    r = run_ingest(tmp_path, write(tmp_path, "u.csv", text))
    cols = columns(r)
    assert cols["온도"]["unit"] == "°C" and cols["vibration"]["unit"] == "mm/s"
    assert cols["timestamp"]["kind"] == "datetime" and cols["is_running"]["kind"] == "boolean"
    assert cols["vibration"]["kind"] == "numeric"  # 0/1 sensor, not a flag name
    df = table(r)
    assert df["timestamp"][0] == datetime(2024, 3, 1, 9, 0, tzinfo=KST)
    assert df["is_running"].to_list() == [False, True, False, True, False]
    assert r.of(IngestResult).inputs[0]["rows"] == 5


def test_plain_numbers_are_not_epochs(tmp_path: Path) -> None:
    text = "가동시간,count\n" + "".join(f"{i},{i}\n" for i in range(10))
    r = run_ingest(tmp_path, write(tmp_path, "n.csv", text))
    assert columns(r)["가동시간"]["kind"] == "numeric"


JUNK = [
    "Bad",
    "Bad Input",
    "Scan Timeout",
    "I/O Timeout",
    "Comm Fail",
    "#N/A",
    "#VALUE!",
    "#DIV/0!",
    "-",
    "--",
    "NaN",
    "nan",
    "null",
    "NULL",
    "n/a",
    "?",
    "***",
    "Err",
]


def test_junk_counted_exactly_beyond_the_sample(tmp_path: Path) -> None:
    rows = [f"{i},{i * 0.5},{i}" for i in range(300)]
    for k, j in enumerate(JUNK):  # junk late in the file, after the inference sample
        rows[200 + k] = f"{200 + k},{j},{200 + k}"
    rows[5] = "5,,5"  # an empty cell is missing, not junk
    rows[250] = "250,7.0,Comm Fail"
    p = write(tmp_path, "j.csv", "n,v,w\n" + "\n".join(rows) + "\n")
    r = run_ingest(tmp_path, p)
    junk = r.of(IngestResult).junk
    assert junk["v"]["count"] == len(JUNK)
    assert junk["v"]["rows"] == list(range(200, 200 + len(JUNK)))
    assert set(junk["v"]["examples"]) == set(JUNK)
    assert junk["w"] == {
        "count": 1,
        "examples": ["Comm Fail"],
        "rows": [250],
        "tokens": {"Comm Fail": 1},
    }
    df = table(r)
    assert df["v"].null_count() == len(JUNK) + 1 and df["v"].dtype == pl.Float64
    assert df["v"].is_nan().sum() == 0


def test_junk_with_small_infer_sample(tmp_path: Path) -> None:
    rows = [f"{i}.5,{i}" for i in range(400)] + ["Bad,#N/A", "3.5,NaN"]
    p = write(tmp_path, "late.csv", "v,w\n" + "\n".join(rows) + "\n")
    work = tmp_path / "work"
    work.mkdir()
    from mfgdata.frames.readers import open_table

    t = open_table([p], work_dir=work, sheet=None, timezone="Asia/Seoul", infer_rows=100)
    stats = t.write_parquet(work / "t.parquet")
    assert stats.junk["v"].count == 1 and stats.junk["v"].rows == [400]
    assert stats.junk["w"].count == 2 and stats.junk["w"].rows == [400, 401]
    assert pl.read_parquet(work / "t.parquet")["w"].dtype in (pl.Float64, pl.Int64)


def test_daily_files_one_table(tmp_path: Path) -> None:
    paths = [
        write(
            tmp_path,
            f"day{d}.csv",
            f"시간,온도[°C]\n2024-03-0{d} 00:00:00,{d}.5\n2024-03-0{d} 01:00:00,Bad\n",
        )
        for d in (1, 2, 3)
    ]
    r = run_ingest(tmp_path, *paths)
    df = table(r)
    assert df.height == 6 and df["source_file"].to_list() == [
        "day1.csv",
        "day1.csv",
        "day2.csv",
        "day2.csv",
        "day3.csv",
        "day3.csv",
    ]
    assert [i["rows"] for i in r.of(IngestResult).inputs] == [2, 2, 2]
    assert r.of(IngestResult).junk["온도"]["rows"] == [1, 3, 5]
    assert "source_file" in columns(r)


def test_daily_files_columns_differ(tmp_path: Path) -> None:
    a = write(tmp_path, "day1.csv", "시간,온도\n2024-03-01 00:00:00,1\n")
    b = write(tmp_path, "day2.csv", "시간,압력\n2024-03-02 00:00:00,1\n")
    with pytest.raises(InputError) as e:
        run_ingest(tmp_path, a, b)
    assert "day2.csv" in str(e.value) and "압력" in str(e.value)


def test_xlsx_two_sheets(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "요약"
    ws.append(["메모"])
    ws.append(["없음"])
    ws2 = wb.create_sheet("데이터")
    ws2.append(["설비명: 사출기 3호기"])
    ws2.append(["시간", "온도[°C]", "상태"])
    ws2.append([datetime(2024, 3, 1, 14, 0), 20.5, "OK"])
    ws2.append([datetime(2024, 3, 1, 14, 1), "Bad", "NG"])
    p = tmp_path / "x.xlsx"
    wb.save(p)
    r = run_ingest(tmp_path, p, sheet="데이터")
    inp = r.of(IngestResult).inputs[0]
    assert (inp["sheet"], inp["header_row"], inp["rows"], inp["format"]) == ("데이터", 2, 2, "xlsx")
    df = table(r)
    assert df["온도"].to_list() == [20.5, None]
    assert df["시간"][1] == datetime(2024, 3, 1, 14, 1, tzinfo=KST)
    assert r.of(IngestResult).junk["온도"]["count"] == 1
    with pytest.raises(InputError) as e:
        run_ingest(tmp_path, p, sheet="없는시트")
    assert "요약" in str(e.value) and "데이터" in str(e.value) and "x.xlsx" in str(e.value)
    assert (
        run_ingest(tmp_path, p).of(IngestResult).inputs[0]["sheet"] == "데이터"
    )  # the larger table


def test_parquet_and_jsonl(tmp_path: Path) -> None:
    df = pl.DataFrame(
        {
            "시간": ["2024-03-01 14:00:00", "2024-03-01 14:01:00"],
            "압력(bar)": [1.5, 2.5],
            "v": ["1", "Bad"],
        }
    )
    df.write_parquet(tmp_path / "a.parquet")
    df.write_ndjson(tmp_path / "a.jsonl")
    for name in ("a.parquet", "a.jsonl"):
        r = run_ingest(tmp_path, tmp_path / name)
        out = table(r)
        assert out["압력"].to_list() == [1.5, 2.5], name
        assert columns(r)["압력"]["unit"] == "bar"
        assert out["시간"].dtype == pl.Datetime("us", "Asia/Seoul")
        assert r.of(IngestResult).junk["v"]["count"] == 1


def test_blob_stored_once_and_immutable(tmp_path: Path) -> None:
    p = write(tmp_path, "a.csv", "a,b\n1,2\n")
    r1 = run_ingest(tmp_path, p)
    sha = r1.of(IngestResult).inputs[0]["sha256"]
    blob = tmp_path / "home" / "blobs" / sha[:2] / sha
    assert blob.read_bytes() == p.read_bytes()
    stat = blob.stat()
    assert not stat.st_mode & 0o222
    run_ingest(tmp_path, p)
    assert blob.stat().st_mtime_ns == stat.st_mtime_ns and blob.stat().st_ino == stat.st_ino
    assert len(list((tmp_path / "home" / "blobs").rglob("*"))) == 2  # one folder, one blob


def test_deterministic_parquet(tmp_path: Path) -> None:
    text = "시간,v,s\n" + "".join(
        f"2024-03-01 00:{i // 60:02d}:{i % 60:02d},{i}.5,{'Bad' if i % 7 == 0 else i}\n"
        for i in range(2000)
    )
    p = write(tmp_path, "d.csv", text)
    (tmp_path / "1").mkdir()
    (tmp_path / "2").mkdir()
    a = run_ingest(tmp_path / "1", p)
    b = run_ingest(tmp_path / "2", p)
    assert (tmp_path / "1" / "work" / "ingested.parquet").read_bytes() == (
        tmp_path / "2" / "work" / "ingested.parquet"
    ).read_bytes()
    assert a.data == b.data


def test_time_column_option(tmp_path: Path) -> None:
    p = write(tmp_path, "t.csv", "a,측정시각\n1,2024-03-01 00:00:00\n")
    assert (
        run_ingest(tmp_path, p, time_column="측정시각").of(IngestResult).time_column == "측정시각"
    )
    with pytest.raises(InputError) as e:
        run_ingest(tmp_path, p, time_column="없음")
    assert "없음" in str(e.value)


def _broken_xlsx(tmp_path: Path) -> Path:
    p = tmp_path / "ok.xlsx"
    import openpyxl

    openpyxl.Workbook().save(p)
    data = p.read_bytes()
    q = tmp_path / "cut.xlsx"
    q.write_bytes(data[: len(data) // 2])
    return q


BAD: list[tuple[str, Any, type[Exception], int | None]] = [
    ("missing.csv", None, InputError, None),
    ("folder.csv", "dir", InputError, None),
    ("empty.csv", b"", InputError, None),
    ("header_only.csv", b"a,b,c\n", InputError, None),
    ("binary.csv", bytes(range(256)) * 4, EncodingError, None),
    ("ragged.csv", b"a,b,c\n1,2,3\n4,5\n6,7,8\n", InputError, 3),
    ("ragged_long.csv", b"a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n", InputError, 4),
    ("cut.csv", b"a,b,c\n1,2,3\n4,5,6\n7,8", InputError, 4),
    ("cutquote.csv", b'a,b,c\n1,2,"x"\n4,5,"unterminated\n', InputError, 3),
    ("text.xlsx", b"this is not a workbook\n", InputError, None),
    ("data.xls2", b"a,b\n1,2\n", InputError, None),
]


@pytest.mark.parametrize(("name", "content", "error", "line"), BAD)
def test_bad_inputs(
    tmp_path: Path, name: str, content: Any, error: type[Exception], line: int | None
) -> None:
    p = tmp_path / name
    if content == "dir":
        p.mkdir()
    elif content is not None:
        p.write_bytes(content)
    with pytest.raises(error) as e:
        run_ingest(tmp_path, p)
    err = e.value
    assert isinstance(err, InputError)
    assert name in str(err) and err.ko and err.en and err.ko != err.en
    if line is not None:
        assert err.where.line == line


def test_broken_xlsx(tmp_path: Path) -> None:
    q = _broken_xlsx(tmp_path)
    with pytest.raises(InputError) as e:
        run_ingest(tmp_path, q)
    assert "cut.xlsx" in str(e.value)
    assert zipfile.is_zipfile(tmp_path / "ok.xlsx")


@pytest.mark.parametrize("encoding", ["utf-8", "cp949"])
def test_last_column_gaps_are_not_short_rows(tmp_path: Path, encoding: str) -> None:
    rows = [f"2024-03-01 00:00:{i % 60:02d},{i},{'' if i % 3 else i}" for i in range(600)]
    p = write(tmp_path, "gaps.csv", "시간,값,온도\n" + "\n".join(rows) + "\n", encoding)
    r = run_ingest(tmp_path, p)
    assert r.of(IngestResult).rows == 600 and table(r)["온도"].null_count() == 400
    rows[450] = "2024-03-01 00:07:30,450"  # one short row, far beyond the sample
    q = write(tmp_path, "short.csv", "시간,값,온도\n" + "\n".join(rows) + "\n", encoding)
    with pytest.raises(InputError) as e:
        run_ingest(tmp_path, q)
    assert e.value.where.line == 452 and "short.csv" in str(e.value)


def test_quoted_file_with_gaps_is_checked_exactly(tmp_path: Path) -> None:
    rows = [f'{i},"{i},5",' + ("" if i % 2 else str(i)) for i in range(300)]
    p = write(tmp_path, "q.csv", "n,v,w\n" + "\n".join(rows) + "\n")
    assert run_ingest(tmp_path, p).of(IngestResult).rows == 300
    rows[200] = '200,"200,5"'
    with pytest.raises(InputError) as e:
        run_ingest(tmp_path, write(tmp_path, "q2.csv", "n,v,w\n" + "\n".join(rows) + "\n"))
    assert e.value.where.line == 202


def test_times_before_seoul_dst_end_use_the_zone_rules(tmp_path: Path) -> None:
    """The sample (2024) allows a fixed +09:00; a later 1987 summer time (+10:00) must not."""
    times = [f"2024-03-01 00:{i // 60:02d}:{i % 60:02d}" for i in range(300)]
    times.append("1987-07-01 12:00:00")
    p = write(tmp_path, "dst.csv", "시간,v\n" + "".join(f"{t},1\n" for t in times))
    work = tmp_path / "work"
    work.mkdir()
    from mfgdata.frames.readers import open_table

    t = open_table([p], work_dir=work, sheet=None, timezone="Asia/Seoul", infer_rows=100)
    t.write_parquet(work / "t.parquet")
    assert "시간" not in t.offsets  # fell back to the zone's rules
    got = pl.read_parquet(work / "t.parquet")["시간"]
    assert got[0] == datetime(2024, 3, 1, tzinfo=KST)
    assert got[-1] == datetime(1987, 7, 1, 12, tzinfo=KST)
    assert got[-1].utcoffset() == timedelta(hours=10)


def test_preamble_with_as_many_fields_as_the_data(tmp_path: Path) -> None:
    text = "설비명,사출기 3호기\n시간,온도[°C]\n2024-03-01 00:00:00,1.5\n2024-03-01 00:01:00,2.5\n"
    r = run_ingest(tmp_path, write(tmp_path, "pre.csv", text))
    assert r.of(IngestResult).inputs[0]["header_row"] == 2
    assert [c["name"] for c in r.of(IngestResult).columns] == ["시간", "온도"]
    assert table(r)["온도"].to_list() == [1.5, 2.5]


def test_typed_parquet_is_read_in_place_from_the_stored_copy(tmp_path: Path) -> None:
    inputs = []
    for day in (1, 2):
        p = tmp_path / f"day{day}.parquet"
        pl.DataFrame(
            {
                "시각": [datetime(2024, 3, day, 9, m) for m in range(3)],
                "온도[°C]": [20.5, float("nan"), 21.5],
                "설비": ["M1", "M2", "M1"],
            }
        ).write_parquet(p)
        inputs.append(p)
    r = run_ingest(tmp_path, *inputs)
    assert not (tmp_path / "work" / "ingested.parquet").exists()  # nothing written again
    for p in inputs:
        p.unlink()  # later steps read the immutable blobs, not the user's files
    out = table(r)
    assert out["시각"].dtype == pl.Datetime("us", "Asia/Seoul")
    assert out["시각"][0] == datetime(2024, 3, 1, 9, 0, tzinfo=KST)
    assert out["온도"].to_list() == [20.5, None, 21.5, 20.5, None, 21.5]
    assert out["source_file"].to_list() == ["day1.parquet"] * 3 + ["day2.parquet"] * 3
    assert r.of(IngestResult).junk["온도"] == {
        "count": 2,
        "examples": ["NaN"],
        "rows": [1, 4],
        "tokens": {"NaN": 2},
    }
    assert r.of(IngestResult).rows == 6 and [i["rows"] for i in r.of(IngestResult).inputs] == [3, 3]
    assert columns(r)["온도"]["unit"] == "°C"


def test_parquet_with_text_to_parse_is_written_again(tmp_path: Path) -> None:
    p = tmp_path / "t.parquet"
    pl.DataFrame({"v": ["1.5", "Bad", "2.5"]}).write_parquet(p)
    r = run_ingest(tmp_path, p)
    assert (tmp_path / "work" / "ingested.parquet").exists()
    assert table(r)["v"].to_list() == [1.5, None, 2.5]


@pytest.mark.parametrize("zone", ["Asia/Seoul", "Europe/Berlin"])
def test_typed_naive_times_take_the_zone_keeping_their_unit(tmp_path: Path, zone: str) -> None:
    # Seoul has one offset over the range (integer shift); Berlin changes offset on 2024-03-31
    wall = [datetime(2024, 3, 30, 12), datetime(2024, 3, 31, 12), datetime(2024, 4, 1, 12)]
    p = tmp_path / "ns.parquet"
    times = (
        pl.Series("t", wall)
        .cast(pl.Datetime("ns"))
        .to_frame()
        .select(pl.col("t") + pl.duration(nanoseconds=7))["t"]
    )
    pl.DataFrame({"t": times, "v": [1.0, 2.0, 3.0]}).write_parquet(p)
    got = table(run_ingest(tmp_path, p, timezone=zone))["t"]
    assert got.dtype == pl.Datetime("ns", zone)
    assert got.dt.replace_time_zone(None).to_list() == times.to_list()  # same wall clock
    assert [t.utcoffset() for t in got.dt.truncate("1s").to_list()] == [
        ZoneInfo(zone).utcoffset(w) for w in wall
    ]
    assert (got.dt.nanosecond() % 1000 == 7).all()


def test_identical_input_files_are_read_once(tmp_path: Path) -> None:
    """Two monthly exports of the same bytes (a copy saved under the next month's name)."""
    head = "일시,온도[°C]\n"
    jan = write(tmp_path, "1월.csv", head + "2024-01-01 00:00:00,1.5\n2024-01-01 00:01:00,1.6\n")
    feb = write(tmp_path, "2월.csv", jan.read_text(encoding="utf-8"))
    mar = write(tmp_path, "3월.csv", head + "2024-03-01 00:00:00,2.5\n2024-03-01 00:01:00,2.7\n")
    r = run_ingest(tmp_path, jan, feb, mar)
    assert table(r)["온도"].to_list() == [1.5, 1.6, 2.5, 2.7]  # February's copy adds no rows
    assert r.counts["rows"] == 4 and r.counts["duplicate_inputs"] == 1
    first, dup, third = r.of(IngestResult).inputs
    assert dup["sha256"] == first["sha256"] != third["sha256"]
    assert (dup["name"], dup["duplicate_of"], dup["rows"]) == ("2월.csv", "1월.csv", 0)
    assert "duplicate_of" not in first and first["rows"] == 2
    (f,) = [f for f in r.findings if f.code == "duplicate_input_file"]
    assert f.examples == ("2월.csv", "1월.csv")
    assert "2월.csv" in f.message_ko and "1월.csv" in f.message_en


def test_same_size_different_bytes_are_not_duplicates(tmp_path: Path) -> None:
    a = write(tmp_path, "a.csv", "t,v\n2024-01-01 00:00:00,1.5\n")
    b = write(tmp_path, "b.csv", "t,v\n2024-01-01 00:00:00,2.5\n")
    r = run_ingest(tmp_path, a, b)
    assert r.counts["duplicate_inputs"] == 0 and r.counts["rows"] == 2
    assert not [f for f in r.findings if f.code == "duplicate_input_file"]
