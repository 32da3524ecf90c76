"""What every page shares: the Jinja2 environment, the page context and rendering, login checks.

Pages render server-side; each gets ``_`` (the request's translations), ``lang``, ``user``,
``org`` and ``csrf`` (the session's CSRF token: in every form and in ``hx-headers`` on <body>).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from mfgdata.api import sessions
from mfgdata.api.auth import ANONYMOUS, Actor, ActorDep
from mfgdata.api.deps import get_settings_dep
from mfgdata.api.pages.i18n import LANGUAGES, gettext, request_language
from mfgdata.db.tables import User
from mfgdata.db.vocabulary import (
    DATA_EN,
    DATA_TYPES,
    PROBLEM_EN,
    PROBLEM_TYPES,
    PROCESS_EN,
    PROCESS_FAMILIES,
)
from mfgdata.errors import MfgDataError

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_KST = timezone(timedelta(hours=9))

PRICE_LABELS = {
    "lt_1m": ("100만원 미만", "under ₩1M"),
    "1m_10m": ("100만~1,000만원", "₩1M–10M"),
    "10m_100m": ("1,000만~1억원", "₩10M–100M"),
    "ge_100m": ("1억원 이상", "₩100M and more"),
}

UPDATED_LABELS = {
    "lt_7d": ("7일 이내", "last 7 days"),
    "7d_30d": ("7~30일", "7–30 days"),
    "30d_365d": ("30일~1년", "30 days–1 year"),
    "ge_365d": ("1년 이상", "over a year"),
}


def page_actor(actor: ActorDep) -> Actor:
    """Pages are for browsers: a Bearer token counts as anonymous there, so that a page form
    can never do what the token's scopes forbid (e.g. a read token minting an api token)."""
    return ANONYMOUS if actor.via == "token" else actor


PageActor = Annotated[Actor, Depends(page_actor)]


class LoginRequired(Exception):
    """Raised by a page that needs a login; answered with a redirect to /login."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def code_label(kind: str, code: str, lang: str) -> str:
    """A facet value's label in ``lang`` (process family, problem type, data type, price)."""
    if kind == "price_range" and code in PRICE_LABELS:
        return PRICE_LABELS[code][0 if lang == "ko" else 1]
    if kind == "updated" and code in UPDATED_LABELS:
        return UPDATED_LABELS[code][0 if lang == "ko" else 1]
    tables = {
        "process_family": (PROCESS_FAMILIES, PROCESS_EN),
        "problem_type": (PROBLEM_TYPES, PROBLEM_EN),
        "data_type": (DATA_TYPES, DATA_EN),
    }
    if kind in tables:
        ko, en = tables[kind]
        return (ko if lang == "ko" else en).get(code, code)
    return code


def number(value: Any, digits: int = 0) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, int | Decimal) or (isinstance(value, float) and digits == 0):
        return f"{round(float(value)):,}" if digits == 0 else f"{float(value):,.{digits}f}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "–"


def kst(value: datetime | None) -> str:
    """A time in Korea Standard Time with its offset (the center's pages)."""
    if value is None:
        return "–"
    return value.astimezone(_KST).strftime("%Y-%m-%d %H:%M +09:00")


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = number
    env.filters["when"] = when
    env.filters["kst"] = kst
    env.filters["urlq"] = lambda s: quote(str(s), safe="")
    env.globals["code_label"] = code_label
    env.globals["LANGUAGES"] = LANGUAGES
    return env


ENV = _env()


def page_context(request: Request, actor: Actor) -> dict[str, Any]:
    """The context every template receives."""
    user = actor.user
    lang = request_language(request, user.locale if user else None)
    csrf = ""
    if actor.via == "session" and actor.session_id:
        csrf = sessions.csrf_token(actor.session_id, get_settings_dep(request))
    return {
        "request": request,
        "lang": lang,
        "_": lambda message: gettext(lang, message),
        "user": user,
        "org": actor.org,
        "csrf": csrf,
        "path": request.url.path,
        "full_path": str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
    }


def render(request: Request, actor: Actor, name: str, **context: Any) -> HTMLResponse:
    """Render template ``name`` with the page context plus ``context`` (``status_code``)."""
    status_code = int(context.pop("status_code", 200))
    values = page_context(request, actor)
    values.update(context)
    html = ENV.get_template(name).render(**values)
    return HTMLResponse(html, status_code=status_code)


def viewer(actor: Actor) -> User:
    """Who reads the catalogue: the user, or for anonymous visitors a transient user of no
    organisation (published only). Never ``None``: the repositories read ``None`` as the system,
    which sees every draft."""
    if actor.user is not None:
        return actor.user
    return User(id=-1, org_id=-1, role="buyer", active=True, locale="ko")


def need_user(request: Request, actor: Actor) -> User:
    """The logged-in user of a page, or a redirect to the login page."""
    if actor.user is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return actor.user


def error_message(lang: str, exc: MfgDataError) -> str:
    return exc.ko if lang == "ko" else exc.en


def safe_next(target: str | None) -> str:
    """A path of this site to go back to, else ``/``. Browsers read ``\\`` as ``/`` and drop
    tabs and newlines, so ``/\\evil.example`` or ``/<TAB>/evil.example`` would leave the site."""
    bad = target is None or not target.startswith("/") or target.startswith("//")
    if bad or any(ch == "\\" or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target or ""):
        return "/"
    return str(target)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
