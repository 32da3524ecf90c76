"""The citation KAMP asks users of a dataset to give, in its exact format::

    중소벤처기업부, Korea AI Manufacturing Platform(KAMP), {dataset}, {provider}({participants}),
    {YYYY.MM.DD}, www.kamp-ai.kr

``participants`` are the co-providers (comma-separated); with none the parentheses are left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from mfgdata.errors import ConfigError

MINISTRY = "중소벤처기업부"
PLATFORM = "Korea AI Manufacturing Platform(KAMP)"
SITE = "www.kamp-ai.kr"


def kamp_citation(
    *, dataset: str, provider: str, participants: Sequence[str] = (), day: dt.date
) -> str:
    dataset, provider = dataset.strip(), provider.strip()
    if not dataset or not provider:
        raise ConfigError(
            "KAMP 인용에는 데이터셋 이름과 제공기관이 필요합니다",
            "a KAMP citation needs the dataset name and the provider",
        )
    names = [p.strip() for p in participants if p.strip()]
    who = f"{provider}({', '.join(names)})" if names else provider
    return f"{MINISTRY}, {PLATFORM}, {dataset}, {who}, {day:%Y.%m.%d}, {SITE}"
