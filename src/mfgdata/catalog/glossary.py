"""A small Korean ↔ English glossary of plant words, for the search index only.

The semantic dictionary (``semantics/``) names *properties* (온도 / temperature); column headers
and organisation names also carry *equipment* and *industry* words (반응기 온도, 한국정밀화학) the
dictionary does not cover. ``bilingual_words`` finds those words in a text and returns their
counterparts in the other language, so that ``reactor`` finds ``반응기`` and ``chemical`` finds
``화학``. Matching is by substring on the Korean side (no spaces inside compounds) and by whole
word on the English side.
"""

from __future__ import annotations

import re

#: (Korean, English words); English words lower case
GLOSSARY: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("반응기", ("reactor",)),
    ("반응조", ("reactor", "reaction tank")),
    ("증류탑", ("distillation column",)),
    ("열교환기", ("heat exchanger",)),
    ("냉각탑", ("cooling tower",)),
    ("압축기", ("compressor",)),
    ("펌프", ("pump",)),
    ("보일러", ("boiler",)),
    ("건조기", ("dryer", "drier")),
    ("가열로", ("furnace", "heater")),
    ("소둔로", ("annealing furnace",)),
    ("탱크", ("tank",)),
    ("밸브", ("valve",)),
    ("배관", ("pipe", "piping")),
    ("모터", ("motor",)),
    ("전동기", ("motor",)),
    ("베어링", ("bearing",)),
    ("스핀들", ("spindle",)),
    ("금형", ("mould", "mold", "die")),
    ("사출기", ("injection machine",)),
    ("용접기", ("welder", "welding machine")),
    ("설비", ("equipment", "machine")),
    ("라인", ("line",)),
    ("공장", ("plant", "factory")),
    ("분리기", ("separator",)),
    ("스트리퍼", ("stripper",)),
    ("응축기", ("condenser",)),
    ("컨베이어", ("conveyor",)),
    ("로봇", ("robot",)),
    ("터빈", ("turbine",)),
    ("발전", ("power", "power plant")),
    ("정유", ("refinery", "refining")),
    ("화학", ("chemical", "chemicals")),
    ("석유화학", ("petrochemical",)),
    ("제철", ("steel",)),
    ("철강", ("steel",)),
    ("자동차", ("automotive", "car")),
    ("부품", ("parts", "components")),
    ("전자", ("electronics",)),
    ("반도체", ("semiconductor",)),
    ("섬유", ("textile",)),
    ("식품", ("food",)),
    ("제약", ("pharmaceutical",)),
    ("정밀", ("precision",)),
    ("콘크리트", ("concrete",)),
    ("항공", ("aerospace", "aircraft")),
    ("엔진", ("engine",)),
)

_EN = [(ko, en) for ko, words in GLOSSARY for en in words]


def _has_word(low: str, word: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", low) is not None


def bilingual_words(text: str) -> list[str]:
    """The other language's words for the glossary words found in ``text`` (sorted, unique)."""
    low = text.lower()
    found: set[str] = set()
    for ko, words in GLOSSARY:
        if ko in text:
            found.update(words)
    for ko, en in _EN:
        if _has_word(low, en):
            found.add(ko)
    return sorted(found)
