"""Errors of suppliers and matching: bad files, unknown stages, stage moves out of order."""

from __future__ import annotations

from mfgdata.errors import InputError, MfgDataError


class SupplierError(MfgDataError):
    """A supplier, solution, demand or match that breaks the rules (422)."""

    code = "supplier_error"
    status_code = 422


class SupplierFileError(SupplierError, InputError):
    """A suppliers or demand file that cannot be used as it is."""

    code = "supplier_file_error"


class StageError(SupplierError):
    """A match stage change out of order (backwards, repeated, or dated before the last)."""

    code = "stage_error"
    status_code = 409
