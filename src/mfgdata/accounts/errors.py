"""Errors of authentication and authorisation (each with its HTTP status)."""

from __future__ import annotations

from mfgdata.errors import MfgDataError


class AuthError(MfgDataError):
    """Wrong e-mail/password, unknown or revoked token, inactive user."""

    code = "auth_error"
    status_code = 401


class PermissionDenied(MfgDataError):
    code = "permission_denied"
    status_code = 403


class RateLimited(MfgDataError):
    code = "rate_limited"
    status_code = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"로그인 시도가 너무 많습니다. {retry_after}초 후에 다시 시도하세요",
            f"too many login attempts; try again in {retry_after} s",
        )
