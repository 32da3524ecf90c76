"""The one check of the center's own routes: a center staff member or an admin, with ``api``."""

from __future__ import annotations

from mfgdata.accounts.errors import PermissionDenied
from mfgdata.api.auth import Actor, require_user
from mfgdata.db.tables import User

STAFF_ROLES = frozenset({"center_staff", "admin"})


def require_staff(actor: Actor, scope: str = "api") -> User:
    """The actor's user when center staff or admin (401 anonymous, 403 otherwise)."""
    user = require_user(actor, scope)
    if user.role not in STAFF_ROLES:
        raise PermissionDenied(
            "센터 담당자만 할 수 있습니다", "only the center's staff can do this"
        )
    return user
