"""Programme administration: calls (공고) as data, eligibility, budgets and the scoring engine.

Library first; ``mfgdata programs rank`` is a thin shell over :func:`rank_applicants`.
"""

from __future__ import annotations

from mfgdata.programs.models import CallTemplate
from mfgdata.programs.panel import ScoreRow
from mfgdata.programs.scoring import Ranked, rank_applicants, round2
from mfgdata.programs.templates import load_template, template_names

__all__ = [
    "CallTemplate",
    "Ranked",
    "ScoreRow",
    "load_template",
    "rank_applicants",
    "round2",
    "template_names",
]
