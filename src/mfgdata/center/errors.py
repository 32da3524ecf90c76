"""Errors of the regional AI center's workflows.

``CenterError`` (422) is the root here: a KPI input that breaks the ISO 22400 time model, a
company record or import row that fails its checks, a survey definition or answer that does
not fit the survey. ``SurveyClosed`` (409) is a token that has already submitted.
"""

from __future__ import annotations

from mfgdata.errors import MfgDataError


class CenterError(MfgDataError):
    code = "center_error"
    status_code = 422


class KpiInputError(CenterError):
    code = "kpi_input_error"


class CompanyError(CenterError):
    code = "company_error"


class SurveyError(CenterError):
    code = "survey_error"


class SurveyClosed(SurveyError):
    code = "survey_closed"
    status_code = 409


class PocError(CenterError):
    """A testbed (PoC) change that does not fit: unknown problem type, empty title, ..."""

    code = "testbed_error"


class EventError(CenterError):
    """An event or registration that does not fit (bad kind, times, e-mail ...)."""

    code = "event_error"


class EventConflict(CenterError):
    """Full, closed, duplicate or already checked-in: the request conflicts with the state."""

    code = "event_conflict"
    status_code = 409
