"""Errors of the consulting workflow: a bad experts/requests file or an impossible accepted pair."""

from __future__ import annotations

from mfgdata.errors import InputError, MfgDataError


class ConsultingError(MfgDataError):
    """An assignment input that breaks the programme's rules (422)."""

    code = "consulting_error"
    status_code = 422


class ConsultingFileError(ConsultingError, InputError):
    """An experts, requests or accepted-pairs file that cannot be used as it is."""

    code = "consulting_file_error"


class ConsultingConflict(ConsultingError):
    """The same company applies twice (409)."""

    code = "consulting_conflict"
    status_code = 409
