"""Supervised products: label completeness, class balance, label-noise suspects.

Label-noise suspects are rows whose feature values are exactly equal to another row's but whose
label differs (cheap and honest: no model, no guess).
"""

from __future__ import annotations

import math

from mfgdata.quality.contract import Contract
from mfgdata.quality.measures import Measure, ratio
from mfgdata.quality.scan import TableStats


def measures(s: TableStats, c: Contract) -> list[Measure]:
    y = c.target
    if not y or y not in s.columns:
        return []
    th = c.thresholds
    nulls = s.columns[y].nulls
    out = [
        Measure(
            id="labels.completeness",
            characteristic="completeness",
            name_ko="레이블 완전성",
            name_en="Label completeness",
            formula="1 - rows without a label / rows",
            value=ratio(nulls, s.rows),
            threshold=th.get("labels.completeness", 0.99),
            severity="error",
            column=y,
            evidence={"count": nulls},
        )
    ]
    if s.classes:
        n = sum(s.classes.values())
        k = len(s.classes)
        h = -sum((v / n) * math.log(v / n) for v in s.classes.values() if v)
        out.append(
            Measure(
                id="labels.balance",
                characteristic="accuracy",
                name_ko="클래스 균형",
                name_en="Class balance",
                formula="entropy of class shares / ln(number of classes)",
                value=h / math.log(k) if k > 1 else 0.0,
                threshold=th.get("labels.balance", 0.5),
                severity="info",
                column=y,
                evidence={"count": k, "classes": dict(list(s.classes.items())[:50])},
            )
        )
    if s.label_conflicts is not None:
        out.append(
            Measure(
                id="labels.noise",
                characteristic="accuracy",
                name_ko="레이블 잡음 의심",
                name_en="Label-noise suspects",
                formula=(
                    "1 - labelled rows whose exact feature values appear with another label"
                    " / labelled rows"
                ),
                value=ratio(s.label_conflicts, s.rows - nulls),
                threshold=th.get("labels.noise", 0.99),
                severity="warning",
                column=y,
                evidence={"count": s.label_conflicts, "groups": s.label_conflict_groups},
            )
        )
    return out
