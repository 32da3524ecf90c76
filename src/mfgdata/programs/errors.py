"""Errors of the programme administration: a bad call template or a bad score sheet.

``ProgramError`` (422) is the root here; ``ScoreSheetError`` is an ``InputError`` too, so a bad
CSV file reads like any other bad input.
"""

from __future__ import annotations

from mfgdata.errors import InputError, MfgDataError


class ProgramError(MfgDataError):
    """A call template, an application or a budget table that breaks the call's rules."""

    code = "program_error"
    status_code = 422


class TemplateError(ProgramError):
    code = "template_error"


class ScoreSheetError(ProgramError, InputError):
    """A scores, bonus or site-check file that cannot be used as it is."""

    code = "score_sheet_error"
    status_code = 422
