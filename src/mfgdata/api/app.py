"""The FastAPI application: ``create_app()``, one JSON error shape for the whole API.

Errors answer ``{"error": MfgDataError.to_dict()}`` with the error class's HTTP status; request
validation errors and HTTP errors (404 route, 405) use the same shape, in Korean and English.
Under the AAS prefix the AAS Part 2 ``Result{messages}`` shape is used instead. Never a trace.

Every router is mounted here (``ROUTERS``, then the pages'), with the authorizer and metering
of the product routes, and the proxy-header middleware when ``Settings.trusted_proxies`` is set.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from mfgdata import __version__
from mfgdata.api import pages
from mfgdata.api.authcache import AuthCache, ClearOnWrite
from mfgdata.api.authorize import make_authorizer
from mfgdata.api.deps import ProductStore, json_response
from mfgdata.api.docs import install_docs
from mfgdata.api.metering import MeteringMiddleware, UsageBatcher
from mfgdata.api.routes import (
    aas,
    auth,
    catalog_feeds,
    center,
    center_dashboard,
    center_events,
    center_testbeds,
    consulting,
    download,
    images,
    jobs,
    orders,
    predict,
    products,
    programs,
    rows,
    suppliers,
    uploads,
    valuechain,
)
from mfgdata.api.routes.aas import AAS_PREFIX, aas_result
from mfgdata.errors import MfgDataError
from mfgdata.settings import Settings, get_settings

log = logging.getLogger(__name__)

DESCRIPTION = """제조 데이터 상품의 Open API: 행 조회(열 선택, 필터, 시간 구간, 커서 페이징,
JSON/CSV/Parquet), AAS Part 2 읽기 API, ONNX 모델 예측, DCAT 카탈로그와 Croissant.

Open API of manufacturing data products: rows (column selection, filters, time windows, cursor
paging, JSON/CSV/Parquet), AAS Part 2 read API, ONNX model predictions, DCAT catalog and
Croissant. Errors: `{"error": {"code", "message_ko", "message_en", "parameter"?, ...}}`."""

#: the API's routers, mounted in this order by ``create_app`` (the pages' follow)
ROUTERS = (
    rows.router,
    predict.router,
    catalog_feeds.router,
    aas.router,
    products.router,
    orders.router,
    auth.router,
    uploads.router,
    jobs.router,
    download.router,
    suppliers.router,
    consulting.router,
    programs.router,
    center.router,
    center_testbeds.router,
    center_events.router,
    center_dashboard.router,
    images.router,
    valuechain.router,
)

HTTP_MESSAGES: dict[int, tuple[str, str, str]] = {
    404: ("not_found", "요청한 경로를 찾을 수 없습니다", "no such path"),
    405: ("method_not_allowed", "허용되지 않는 메서드입니다", "method not allowed"),
}


def _error(request: Request, status: int, body: dict[str, object]) -> Response:
    if request.url.path.startswith(AAS_PREFIX):
        text = f"{body.get('message_en')} / {body.get('message_ko')}"
        return aas_result(status, text)
    return json_response({"error": body}, status)


async def _mfgdata_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MfgDataError)
    if exc.status_code >= 500:
        log.error("API error: %s", exc.message(), exc_info=exc)
    return _error(request, exc.status_code, exc.to_dict())


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(p) for p in first.get("loc", ())]
    parameter = loc[-1] if loc else ""
    detail = str(first.get("msg", "invalid"))
    body: dict[str, object] = {
        "code": "invalid_parameter",
        "message_ko": f"요청 값이 올바르지 않습니다 (매개변수 '{parameter}'): {detail}",
        "message_en": f"invalid request value (parameter '{parameter}'): {detail}",
        "parameter": parameter,
        "file": None,
        "line": None,
        "column": None,
    }
    return _error(request, 422, body)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code, ko, en = HTTP_MESSAGES.get(
        exc.status_code, ("http_error", "요청을 처리할 수 없습니다", "request failed")
    )
    body: dict[str, object] = {"code": code, "message_ko": ko, "message_en": en}
    response = _error(request, exc.status_code, body)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("unexpected API error on %s", request.url.path, exc_info=exc)
    body: dict[str, object] = {
        "code": "internal_error",
        "message_ko": "서버 내부 오류가 발생했습니다",
        "message_en": "internal server error",
    }
    return _error(request, 500, body)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.usage.close()  # metered calls not yet written


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API application; ``settings`` default to the environment's."""
    app = FastAPI(
        title="mfgdata API — 제조 데이터 상품 / manufacturing data products",
        description=DESCRIPTION,
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # installed by install_docs, from the package's own files
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings = settings or get_settings()
    app.state.store = ProductStore()
    app.state.auth_cache = AuthCache(settings.token_cache_seconds)
    app.state.usage = UsageBatcher(settings)
    app.add_exception_handler(MfgDataError, _mfgdata_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    for router in ROUTERS:
        app.include_router(router)
    app.state.make_authorizer = make_authorizer
    app.add_middleware(MeteringMiddleware, batcher=app.state.usage)
    app.add_middleware(ClearOnWrite, cache=app.state.auth_cache)
    if settings.trusted_proxies:
        app.add_middleware(
            ProxyHeadersMiddleware,  # type: ignore[arg-type]
            trusted_hosts=list(settings.trusted_proxies),
        )
    install_docs(app)
    pages.install_pages(app)  # after the API's error handlers: it wraps them for page paths
    for router in pages.ROUTERS:
        app.include_router(router)
    return app
