"""Encoding detection checks the decoded text: Latin-1, CP1252, UTF-8, CP949 and UTF-16 apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from mfgdata.errors import ConfigError, EncodingError
from mfgdata.frames.encoding import detect_encoding, find_undecodable

KO = "설비,온도,판정\n사출기 3호기,21.5,양품\n사출기 4호기,22.0,불량\n"
FR = "mot,n\nnaïve,1\ncafé,2\nMüller,3\nfaçade,4\nàé,5\n"
WIN = "note,n\n“quoted” – 5 €,1\nŒuvre,2\n"


@pytest.mark.parametrize(
    ("data", "want"),
    [
        (KO.encode("utf-8"), "utf-8"),
        (KO.encode("cp949"), "cp949"),
        ("번호,온도[℃],길이[㎜]\n1,2,3\n".encode("cp949"), "cp949"),
        (FR.encode("latin-1"), "iso-8859-1"),
        (WIN.encode("cp1252"), "cp1252"),
        (b"\xef\xbb\xbf" + KO.encode(), "utf-8-sig"),
        (KO.encode("utf-16"), "utf-16"),
        (KO.encode("utf-16-le"), "utf-16-le"),
        (KO.encode("utf-16-be"), "utf-16-be"),
        (b"a,b\n1,2\n", "utf-8"),
    ],
)
def test_detects(data: bytes, want: str) -> None:
    assert detect_encoding(Path("x.csv"), data, True) == want
    assert data.decode(want) in (
        KO,
        FR,
        WIN,
        "\ufeff" + KO,
        "번호,온도[℃],길이[㎜]\n1,2,3\n",
        "a,b\n1,2\n",
    )


def test_latin1_that_cp949_also_decodes_is_not_korean() -> None:
    data = "x\nàé\nèê\n".encode("latin-1")  # two accented letters: valid CP949 Hanja
    data.decode("cp949")
    assert detect_encoding(Path("x.csv"), data, True) == "iso-8859-1"


def test_mixed_encodings_name_the_line() -> None:
    data = "a\n가\n".encode() + "나\n".encode("cp949")
    with pytest.raises(EncodingError, match="mixed encodings") as e:
        detect_encoding(Path("m.csv"), data, True)
    assert e.value.where.line == 3


def test_binary_names_its_kind_and_line() -> None:
    with pytest.raises(EncodingError, match="gzip"):
        detect_encoding(Path("g.csv"), b"\x1f\x8b\x08\x00rest", True)
    with pytest.raises(EncodingError, match="NUL") as e:
        detect_encoding(Path("n.csv"), b"a,b\n1,2\n3\x00,4\n", True)
    assert e.value.where.line == 3


def test_given_encoding_is_checked() -> None:
    assert detect_encoding(Path("x.csv"), FR.encode("latin-1"), True, "latin-1") == "latin-1"
    with pytest.raises(EncodingError) as e:
        detect_encoding(Path("x.csv"), FR.encode("latin-1"), True, "utf-8")
    assert e.value.where.line == 2
    with pytest.raises(ConfigError):
        detect_encoding(Path("x.csv"), b"a\n", True, "no-such-codec")


def test_find_undecodable(tmp_path: Path) -> None:
    p = tmp_path / "late.csv"
    p.write_bytes(b"a\n" * 10 + "가\n".encode("cp949"))
    assert find_undecodable(p, "utf-8") == 11
    assert find_undecodable(p, "cp949") is None
