"""Errors of the data library (each with its HTTP status)."""

from __future__ import annotations

from mfgdata.errors import MfgDataError, ProductError


class NotFound(MfgDataError):
    """Unknown id, or an id the caller may not see (the same answer, so ids cannot be probed)."""

    code = "not_found"
    status_code = 404


class RegistrationError(ProductError):
    """A product folder that cannot be registered (bad manifest, id owned by another org)."""

    code = "registration_error"


class WorkflowError(MfgDataError):
    """A status transition that is not allowed (e.g. publishing below the registration grade)."""

    code = "workflow_error"
    status_code = 409


class InvalidQuery(MfgDataError):
    """A search or listing parameter that cannot be used (unknown filter or sort, bad cursor)."""

    code = "invalid_query"
    status_code = 422


class OrderError(MfgDataError):
    """An order that cannot be placed (licence not accepted, no price list, own product...)."""

    code = "order_error"
    status_code = 422
