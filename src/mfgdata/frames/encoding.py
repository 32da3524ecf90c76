"""Which text encoding a table is in, decided from its bytes *and* the decoded text.

UTF-8 is taken when the bytes are valid UTF-8; CP949 (a superset of EUC-KR) only when its
two-byte characters are the common KS X 1001 Hangul and symbols (Latin-1 text can also be valid
CP949: ``é,`` is not, but ``àé`` is a Hanja); Latin-1 (ISO-8859-1) or CP1252 when the
non-ASCII characters read as letters and symbols (CP1252 when the bytes 0x80-0x9F are used:
``€ “ ” –``). UTF-16 is taken from a BOM or from the NUL byte of every other byte. A given
``--encoding`` is used as is and checked. Other files are refused, never guessed into mojibake.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from mfgdata.errors import ConfigError, EncodingError, InputError

_PAIR = re.compile(rb"[\x81-\xfe][\x41-\xfe]")
_LATIN_SYMBOLS = set("°±µ²³·«»¼½¾×÷§¶©®€“”‘’–—…•™ ¢£¥¦¨ª¬¯´¸¹º¿")
#: Bytes that say what a file is when it is not text.
MAGIC = (
    (b"PK\x03\x04", "zip 압축 파일(엑셀 .xlsx일 수 있음)", "a zip archive (an .xlsx workbook?)"),
    (b"\x1f\x8b", "gzip 압축 파일 (먼저 압축을 푸세요)", "gzip-compressed (unpack it first)"),
    (b"\xd0\xcf\x11\xe0", "옛 엑셀(.xls) 파일", "an old Excel .xls file (save it as .xlsx)"),
    (b"PAR1", "Parquet 파일 (.parquet로 이름을 바꾸세요)", "a Parquet file (name it .parquet)"),
)


def _line_at(head: bytes, pos: int) -> int:
    return head[:pos].count(b"\n") + 1


def decode_error_line(head: bytes, encoding: str, final: bool) -> int | None:
    """1-based line of the first byte ``encoding`` cannot decode in ``head``, or None."""
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(head, final=final)
    except UnicodeDecodeError as e:
        return _line_at(head, e.start)
    return None


def _binary(path: Path, head: bytes) -> InputError:
    for magic, ko, en in MAGIC:
        if head.startswith(magic):
            return EncodingError(
                f"텍스트 표가 아닙니다: {ko}", f"not a text table: the file is {en}", file=path
            )
    return EncodingError(
        "텍스트 표가 아닌 이진 파일입니다 (NUL 바이트)",
        "the file is binary, not a text table (NUL bytes)",
        file=path,
        line=_line_at(head, head.index(b"\x00")),
    )


def _utf16_without_bom(head: bytes) -> str | None:
    probe = head[: 1 << 16]
    even, odd = probe[0::2], probe[1::2]
    if not odd:
        return None
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    for enc, text_zeros, other in (
        ("utf-16-le", zeros_odd, zeros_even),
        ("utf-16-be", zeros_even, zeros_odd),
    ):
        if (
            text_zeros > 0.3
            and other < 0.05
            and decode_error_line(probe[: len(probe) // 2 * 2], enc, False) is None
        ):
            return enc
    return None


def _korean(head: bytes) -> bool:
    """CP949 bytes whose two-byte characters are (nearly all) KS X 1001 Hangul and symbols."""
    pairs = _PAIR.findall(head)
    if not pairs:
        return False
    common = sum(
        bool((0xA1 <= p[0] <= 0xAC or 0xB0 <= p[0] <= 0xC8) and p[1] >= 0xA1) for p in pairs
    )
    return bool(common >= 0.9 * len(pairs))


def _latin(head: bytes) -> str | None:
    """``cp1252`` or ``iso-8859-1`` when the non-ASCII characters read as Western text."""
    high = bytes(b for b in set(head) if b >= 0x80)
    if not high:
        return None
    c1 = any(0x80 <= b <= 0x9F for b in high)
    encoding = "cp1252" if c1 else "iso-8859-1"
    try:
        text = head.decode(encoding)
    except UnicodeDecodeError:
        return None
    odd = [ch for ch in text if ord(ch) >= 0x80]
    good = sum(ch.isalpha() or ch in _LATIN_SYMBOLS for ch in odd)
    return encoding if good >= 0.9 * len(odd) else None


def check_encoding(name: str) -> str:
    try:
        codecs.lookup(name)
    except LookupError as e:
        raise ConfigError(f"알 수 없는 인코딩입니다: {name}", f"unknown encoding: {name}") from e
    return name.lower()


def detect_encoding(path: Path, head: bytes, complete: bool, given: str | None = None) -> str:
    """The encoding of ``head`` (the file's first bytes; ``complete`` when it is all of it)."""
    if given:
        encoding = check_encoding(given)
        line = decode_error_line(head, encoding, complete)
        if line is not None:
            raise EncodingError(
                f"지정한 인코딩({encoding})으로 읽을 수 없는 바이트가 있습니다",
                f"bytes that are not valid {encoding} (the encoding given)",
                file=path,
                line=line,
            )
        return encoding
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head or any(head.startswith(m) for m, _, _ in MAGIC):
        found = _utf16_without_bom(head)
        if found:
            return found
        raise _binary(path, head)
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=complete)
        return "utf-8"
    except UnicodeDecodeError as e:
        if any(b >= 0x80 for b in head[: e.start]):  # valid UTF-8 text before: two encodings
            raise EncodingError(
                "한 파일에 인코딩이 섞여 있습니다: 앞부분은 UTF-8인데 이 줄은 아닙니다",
                "mixed encodings in one file: earlier lines are UTF-8, this line is not",
                file=path,
                line=_line_at(head, e.start),
            ) from e
    if decode_error_line(head, "cp949", complete) is None and _korean(head):
        return "cp949"
    latin = _latin(head)
    if latin:
        return latin
    raise EncodingError(
        "파일 인코딩을 알 수 없습니다 (UTF-8, CP949/EUC-KR, Latin-1/CP1252, UTF-16 모두 아님); "
        "--encoding으로 지정하세요",
        "unknown text encoding (not UTF-8, CP949/EUC-KR, Latin-1/CP1252 or UTF-16); "
        "give it with --encoding",
        file=path,
    )


def find_undecodable(path: Path, encoding: str, chunk: int = 1 << 22) -> int | None:
    """1-based line of the first byte of ``path`` that ``encoding`` cannot decode, or None."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines = 0
    with path.open("rb") as f:
        while True:
            block = f.read(chunk)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as e:
                return lines + block[: max(e.start, 0)].count(b"\n") + 1
            lines += block.count(b"\n")
            if not block:
                return None
