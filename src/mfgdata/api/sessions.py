"""Login sessions as signed cookies, and the CSRF token bound to each session.

The session cookie holds ``{uid, sid, exp, pw}`` signed with HMAC-SHA256 under the installation's
secret key (``MFGDATA_SECRET_KEY`` or a random key kept in ``{home}/secret_key``). ``pw`` is a
fingerprint of the password hash, so a password change ends every session; a logout is recorded
in the audit log (``session.logout``, target ``session:<sid>``) and ends that session server-side.
The CSRF token is ``HMAC(key, "csrf:" + sid)``: sent as a readable cookie and expected back in
the ``X-CSRF-Token`` header (or a ``csrf_token`` form field) on every unsafe request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import Request, Response

from mfgdata.accounts.errors import PermissionDenied
from mfgdata.db.tables import User
from mfgdata.settings import Settings

SESSION_COOKIE = "mfgdata_session"
CSRF_COOKIE = "mfgdata_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"

_KEYS: dict[Path, bytes] = {}


def secret_key(settings: Settings) -> bytes:
    """The signing key: from settings, else a random key created once under ``home``."""
    if settings.secret_key:
        return settings.secret_key.encode("utf-8")
    path = (settings.home / "secret_key").absolute()
    if path in _KEYS:
        return _KEYS[path]
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    key = path.read_text(encoding="ascii").strip().encode("ascii")
    if len(key) < 32:  # a half-written file from a concurrent first start: read again
        time.sleep(0.05)
        key = path.read_text(encoding="ascii").strip().encode("ascii")
    _KEYS[path] = key
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())


def password_fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class SessionData:
    user_id: int
    session_id: str
    expires: int
    password: str


def issue(user: User, settings: Settings, now: float | None = None) -> tuple[str, SessionData]:
    """A new signed session value for ``user`` and what it holds."""
    data = SessionData(
        user_id=user.id,
        session_id=secrets.token_urlsafe(16),
        expires=int((now or time.time()) + settings.session_hours * 3600),
        password=password_fingerprint(user),
    )
    body = {"uid": data.user_id, "sid": data.session_id, "exp": data.expires, "pw": data.password}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode("utf-8"))
    return f"{payload}.{_sign(secret_key(settings), payload)}", data


def read(value: str, settings: Settings, now: float | None = None) -> SessionData | None:
    """The session in a cookie value, or None when forged, malformed or expired."""
    payload, _, signature = value.partition(".")
    if not payload or not signature:
        return None
    if not hmac.compare_digest(_sign(secret_key(settings), payload), signature):
        return None
    try:
        body = json.loads(_unb64(payload))
        data = SessionData(int(body["uid"]), str(body["sid"]), int(body["exp"]), str(body["pw"]))
    except (ValueError, KeyError, TypeError):
        return None
    return data if data.expires > (now or time.time()) else None


def csrf_token(session_id: str, settings: Settings) -> str:
    return _sign(secret_key(settings), f"csrf:{session_id}")


def csrf_matches(session_id: str, sent: str | None, cookie: str | None, settings: Settings) -> bool:
    """Double submit: the sent token equals the cookie and both are this session's token."""
    if not sent or not cookie:
        return False
    expected = csrf_token(session_id, settings)
    return hmac.compare_digest(sent, cookie) and hmac.compare_digest(sent, expected)


def set_cookies(response: Response, value: str, data: SessionData, settings: Settings) -> str:
    """Set the session (HttpOnly) and CSRF (readable) cookies; the CSRF token is returned."""
    max_age = max(0, data.expires - int(time.time()))
    secure = settings.cookie_secure
    response.set_cookie(
        SESSION_COOKIE, value, max_age=max_age, secure=secure, httponly=True, samesite="lax"
    )
    token = csrf_token(data.session_id, settings)
    response.set_cookie(
        CSRF_COOKIE, token, max_age=max_age, secure=secure, httponly=False, samesite="strict"
    )
    return token


def clear_cookies(response: Response, settings: Settings) -> None:
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/", secure=settings.cookie_secure, httponly=True)


def check_same_site(request: Request) -> None:
    """Refuse a form post that another site's page sent (login CSRF: before a session exists
    there is no token to check, so the browser's own headers are, as OWASP recommends):
    ``Sec-Fetch-Site: cross-site``, or without that header an ``Origin`` naming another host.
    Requests without either header (scripts, older clients) pass: they carry no victim's browser.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    if fetch_site is not None:
        cross = fetch_site == "cross-site"
    elif origin is not None:
        cross = origin == "null" or urlsplit(origin).netloc != request.headers.get("host", "")
    else:
        cross = False
    if cross:
        raise PermissionDenied(
            "다른 사이트에서 보낸 요청은 받지 않습니다. 이 사이트의 화면에서 다시 시도하세요",
            "a request sent from another site is refused; try again from this site's page",
        )
