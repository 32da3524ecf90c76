"""Words for matching: Korean morphemes (kiwipiepy) and English words, and Okapi BM25 over them.

Korean compounds are written with and without spaces (``사출성형`` / ``사출 성형``) and glued to
suffixes (``사출성형기``); Kiwi splits all of them into the same morphemes (``사출``, ``성형``),
so a search for ``사출성형`` finds ``사출성형기 금형온도``. Only content morphemes count: nouns,
roots, foreign words and numbers; particles and endings are dropped. English words are
lower-cased, with a plural ``s`` removed.

Kiwi's segmentation depends on context (``금형`` alone is one noun, in ``사출성형기 금형온도`` it
becomes ``금`` + suffix ``형``), so two more kinds of word are added on both sides, query and
document: every pair of adjacent morphemes inside one written word joined back (``금형``,
``사출성형``, ``성형기``), and a four-syllable Hangul noun also as its two halves (``예지보전`` →
``예지``, ``보전``), the usual shape of a Korean compound.
"""

from __future__ import annotations

import functools
import math
import threading
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any

#: Kiwi tags kept: common/proper nouns, numerals, roots, foreign (Latin, Chinese) and numbers
CONTENT_TAGS = frozenset({"NNG", "NNP", "NR", "XR", "SL", "SH", "SN"})
#: tags that may be joined with their neighbour inside one written word (nouns and noun suffixes)
JOIN_TAGS = frozenset({"NNG", "NNP", "NR", "XR", "XSN"})
K1 = 1.5
B = 0.75


_LOCK = threading.Lock()  # one Kiwi per process, shared by the API's worker threads


@functools.cache
def _kiwi() -> Any:
    from kiwipiepy import Kiwi  # type: ignore[import-untyped]

    return Kiwi()


def _english(word: str) -> str:
    w = word.lower()
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return w


def tokens(text: str) -> list[str]:
    """The content words of ``text`` in order (duplicates kept: BM25 counts them)."""
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        return []
    out: list[str] = []
    prev: Any = None
    with _LOCK:
        morphemes = _kiwi().tokenize(text)
    for t in morphemes:
        if t.tag in CONTENT_TAGS:
            out.append(_english(t.form) if t.tag == "SL" else t.form)
        if t.tag in {"NNG", "NNP"} and len(t.form) == 4 and all(_hangul(c) for c in t.form):
            out.extend((t.form[:2], t.form[2:]))
        joinable = t.tag in JOIN_TAGS
        if joinable and prev is not None and prev.start + prev.len == t.start:
            out.append(prev.form + t.form)
        prev = t if joinable else None
    return out


def _hangul(c: str) -> bool:
    return "\uac00" <= c <= "\ud7a3"


class BM25:
    """Okapi BM25 over fixed documents (k1 = 1.5, b = 0.75, IDF with +1 so it stays > 0)."""

    def __init__(self, documents: Sequence[list[str]]) -> None:
        self.docs = [Counter(d) for d in documents]
        self.lengths = [len(d) for d in documents]
        self.avg = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        df: Counter[str] = Counter()
        for d in self.docs:
            df.update(d.keys())
        n = len(self.docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}

    def score(self, query: Sequence[str], index: int) -> tuple[float, list[str]]:
        """Score of document ``index`` and the query words it contains (in query order)."""
        doc, length = self.docs[index], self.lengths[index]
        total, hits = 0.0, []
        for w in dict.fromkeys(query):
            f = doc.get(w, 0)
            if not f:
                continue
            hits.append(w)
            norm = K1 * (1 - B + B * length / self.avg) if self.avg else K1
            total += self.idf[w] * f * (K1 + 1) / (f + norm)
        return total, hits
