"""The home page: library search (Korean and English full text, facets), language switch."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mfgdata.api.auth import DbSession
from mfgdata.api.pages.common import PageActor, render, safe_next, viewer
from mfgdata.api.pages.i18n import LANG_COOKIE, LANGUAGES
from mfgdata.catalog.errors import InvalidQuery
from mfgdata.catalog.search import FACETS, SORTS, search_products

router = APIRouter(include_in_schema=False)

FacetParam = Annotated[list[str] | None, Query()]


def _link(params: dict[str, list[str]], name: str, value: str | None) -> str:
    """The search URL with facet ``name`` toggled to ``value`` (None clears it)."""
    out = {k: list(v) for k, v in params.items() if k not in ("cursor",)}
    current = out.get(name, [])
    if value is None or value in current:
        out.pop(name, None)
    else:
        out[name] = [value]
    pairs = [(k, v) for k, values in out.items() for v in values if v]
    return "/?" + urlencode(pairs) if pairs else "/"


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    actor: PageActor,
    session: DbSession,
    q: Annotated[str, Query(max_length=200)] = "",
    process_family: FacetParam = None,
    problem_type: FacetParam = None,
    data_type: FacetParam = None,
    grade: FacetParam = None,
    licence: FacetParam = None,
    price_range: FacetParam = None,
    organisation: FacetParam = None,
    updated: FacetParam = None,
    sort: Annotated[str, Query(max_length=20)] = "newest",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> HTMLResponse:
    chosen = {
        "process_family": process_family or [],
        "problem_type": problem_type or [],
        "data_type": data_type or [],
        "organisation": organisation or [],
        "grade": grade or [],
        "licence": licence or [],
        "price_range": price_range or [],
        "updated": updated or [],
    }
    sort = sort if sort in SORTS else "newest"
    try:
        found = search_products(
            session=session,
            q=q,
            facets={k: v for k, v in chosen.items() if v},
            sort=sort,
            limit=20,
            cursor=cursor,
            viewer=viewer(actor),
        )
    except InvalidQuery:  # a stale or edited cursor: the first page
        found = search_products(
            session=session,
            q=q,
            facets={k: v for k, v in chosen.items() if v},
            sort=sort,
            viewer=viewer(actor),
            limit=20,
        )
    params = {"q": [q] if q else [], **chosen, "sort": [sort] if sort != "newest" else []}
    facet_links = {
        name: [
            (value, count, _link(params, name, value), value in chosen[name])
            for value, count in sorted(found.facets.get(name, {}).items())
        ]
        for name in FACETS
    }
    more = None
    if found.next_cursor:
        pairs = [(k, v) for k, vs in params.items() for v in vs] + [("cursor", found.next_cursor)]
        more = "/?" + urlencode(pairs)
    template = "_results.html" if request.headers.get("HX-Request") else "home.html"
    return render(
        request,
        actor,
        template,
        q=q,
        found=found,
        facet_links=facet_links,
        chosen=chosen,
        clear_all="/?" + urlencode({"q": q}) if q else "/",
        more=more,
        sort=sort,
        sort_links=[(s, _link(params, "sort", None if s == "newest" else s)) for s in SORTS],
    )


@router.get("/lang/{code}")
def switch_language(code: str, next: str = "/") -> RedirectResponse:
    """Remember the page language in a cookie and go back."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="lax")
    return response
