"""Account pages: sign up (organisation + first user), log in, log out, API tokens.

The forms post to these page routes, which call the same library functions as the JSON API
(``accounts``, ``db.repositories``) and set the same signed session and CSRF cookies.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.exc import IntegrityError

from mfgdata.accounts import audit, tokens
from mfgdata.accounts.login import authenticate
from mfgdata.api import sessions
from mfgdata.api.auth import ANONYMOUS, LOGOUT, DbSession, client_ip
from mfgdata.api.deps import DbInt, get_settings_dep
from mfgdata.api.pages.common import (
    PageActor,
    error_message,
    need_user,
    redirect,
    render,
    safe_next,
)
from mfgdata.api.pages.i18n import gettext, request_language
from mfgdata.api.routes.auth import SIGNUP_ROLE
from mfgdata.catalog.errors import NotFound
from mfgdata.db.repositories.organisations import OrganisationCreate, create_organisation
from mfgdata.db.repositories.users import UserCreate, create_user
from mfgdata.db.tables import ORG_KINDS, ApiToken, User
from mfgdata.errors import MfgDataError

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


def _logged_in(request: Request, user: User, target: str) -> Response:
    response = redirect(target)
    value, data = sessions.issue(user, get_settings_dep(request))
    sessions.set_cookies(response, value, data, get_settings_dep(request))
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, actor: PageActor, next: str = "/") -> HTMLResponse:
    return render(request, actor, "login.html", next=safe_next(next), email="")


@router.post("/login")
def login_form(
    request: Request, session: DbSession, email: Text, password: Text, next: Text = "/"
) -> Response:
    try:
        sessions.check_same_site(request)
        user = authenticate(
            session=session,
            email=email,
            password=password,
            ip=client_ip(request),
            settings=get_settings_dep(request),
        )
    except MfgDataError as e:
        lang = request_language(request)
        return render(
            request,
            ANONYMOUS,
            "login.html",
            status_code=e.status_code,
            next=safe_next(next),
            email=email,
            flash=error_message(lang, e),
            flash_kind="error",
        )
    return _logged_in(request, user, safe_next(next))


@router.get("/signup", response_class=HTMLResponse)
def signup_page(request: Request, actor: PageActor) -> HTMLResponse:
    return render(request, actor, "signup.html", kinds=ORG_KINDS, form={})


@router.post("/signup")
def signup_form(
    request: Request,
    session: DbSession,
    organisation: Text,
    kind: Text,
    name: Text,
    email: Text,
    password: Text,
) -> Response:
    lang = request_language(request)
    form = {"organisation": organisation, "kind": kind, "name": name, "email": email}
    problem = None
    if kind not in SIGNUP_ROLE:
        problem = gettext(lang, "Choose the kind of organisation.")
    elif len(password) < 8:
        problem = gettext(lang, "The password needs at least 8 characters.")
    if problem is None:
        try:
            sessions.check_same_site(request)
            org = create_organisation(
                session=session, data=OrganisationCreate(name=organisation.strip(), kind=kind)
            )
            user = create_user(
                session=session,
                data=UserCreate(
                    email=email.strip(),
                    name=name.strip(),
                    org_id=org.id,
                    role=SIGNUP_ROLE[kind],
                    password=password,
                    locale=lang,
                ),
            )
            session.commit()
            return _logged_in(request, user, "/upload" if kind != "buyer" else "/")
        except MfgDataError as e:
            session.rollback()
            problem = error_message(lang, e)
        except IntegrityError:
            session.rollback()
            problem = gettext(lang, "This organisation or e-mail is already registered.")
    return render(
        request,
        ANONYMOUS,
        "signup.html",
        status_code=400,
        kinds=ORG_KINDS,
        form=form,
        flash=problem,
        flash_kind="error",
    )


@router.post("/logout")
def logout_form(request: Request, actor: PageActor, session: DbSession) -> Response:
    if actor.via == "session" and actor.user is not None:
        audit.record(
            session=session,
            action=LOGOUT,
            actor=actor.user,
            target=f"session:{actor.session_id}",
            ip=client_ip(request),
        )
        session.commit()
    response = redirect("/")
    sessions.clear_cookies(response, get_settings_dep(request))
    return response


def _tokens_page(
    request: Request, actor: PageActor, session: DbSession, **extra: object
) -> HTMLResponse:
    user = need_user(request, actor)
    rows = tokens.list_tokens(session=session, user=user)
    base = str(request.base_url).rstrip("/")
    return render(request, actor, "tokens.html", tokens=rows, base=base, **extra)


@router.get("/account/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, actor: PageActor, session: DbSession) -> HTMLResponse:
    return _tokens_page(request, actor, session)


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token_form(
    request: Request,
    actor: PageActor,
    session: DbSession,
    name: Text,
    scopes: Annotated[list[str] | None, Form()] = None,
) -> HTMLResponse:
    user = need_user(request, actor)
    lang = request_language(request, user.locale)
    try:
        made = tokens.create_token(
            session=session,
            user=user,
            name=name.strip() or "token",
            scopes=scopes or ["read"],
            ip=client_ip(request),
        )
        session.commit()
    except MfgDataError as e:
        session.rollback()
        return _tokens_page(
            request, actor, session, flash=error_message(lang, e), flash_kind="error"
        )
    return _tokens_page(request, actor, session, new_secret=made.secret, new_name=made.token.name)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token_form(
    token_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> Response:
    user = need_user(request, actor)
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound(f"토큰을 찾을 수 없습니다: {token_id}", f"token not found: {token_id}")
    tokens.revoke_token(session=session, token_id=token_id, actor=user, ip=client_ip(request))
    session.commit()
    return redirect("/account/tokens")
