"""The fit of an expert for a request, in points (integers, so totals compare exactly).

* the expert must cover the request's field (an expert outside the field is no fit at all) and
  must not have a conflict of interest with the company;
* covering the field gives ``FIELD_POINTS`` (2), serving the company's region adds
  ``REGION_POINTS`` (1): 3 points is a perfect fit, 2 points an expert from another region.

docs/consulting.md explains the choice.
"""

from __future__ import annotations

from mfgdata.consulting.models import ConsultRequest, Expert

FIELD_POINTS = 2
REGION_POINTS = 1


def fit(expert: Expert, request: ConsultRequest) -> int | None:
    """Points of ``expert`` for ``request``; ``None`` when the pair is not allowed."""
    if not expert.covers(request.field) or expert.conflicts_with(request.company):
        return None
    return FIELD_POINTS + (REGION_POINTS if expert.serves(request.region) else 0)
