"""Password hashing with argon2id (argon2-cffi defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from mfgdata.errors import ConfigError

_HASHER = PasswordHasher()
MIN_LENGTH = 8

#: a valid hash of a random secret: verified against when the user does not exist, so that
#: an unknown e-mail takes as long as a wrong password (no user enumeration by timing)
DUMMY_HASH = _HASHER.hash("mfgdata-dummy-password-for-timing")


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ConfigError(
            f"비밀번호는 {MIN_LENGTH}자 이상이어야 합니다",
            f"the password must have at least {MIN_LENGTH} characters",
        )
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; never raises on a wrong password or a broken hash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
