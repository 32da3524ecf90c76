"""AAS Part 2 read API (SSP-002 read subset) over every readable product's aas/environment.json.

Identifiers in paths are base64url without padding; lists are paged
``{"paging_metadata": {"cursor"?}, "result": [...]}``; errors are ``Result{messages}``. When two
versions of a product carry the same identifier, the newest readable version answers.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from mfgdata.api.aasvalue import find_element, value_only
from mfgdata.api.deps import (
    READ_AAS,
    Authorizer,
    ProductStore,
    get_authorizer,
    get_settings_dep,
    get_store,
    json_response,
    list_products,
)
from mfgdata.errors import MfgDataError

AAS_PREFIX = "/api/v1/aas"
router = APIRouter(prefix=AAS_PREFIX, tags=["aas"])
Env = dict[str, list[dict[str, Any]]]
Limit = Annotated[int | None, Query(ge=1, le=10_000)]
Cursor = Annotated[str | None, Query(max_length=64)]


class AasNotFound(MfgDataError):
    code = "aas_not_found"
    status_code = 404


def aas_result(status: int, text: str) -> Response:
    """An AAS ``Result`` with one message."""
    message = {
        "code": str(status),
        "correlationId": "",
        "messageType": "Error" if status < 500 else "Exception",
        "text": text,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    return json_response({"messages": [message]}, status)


def b64url_decode(value: str, what: str) -> str:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise AasNotFound(
            f"{what} 식별자가 base64url이 아닙니다", f"{what} identifier is not base64url"
        ) from e


def b64url_encode(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode("utf-8")).rstrip(b"=").decode("ascii")


def environment(
    request: Request,
    authorize: Annotated[Authorizer, Depends(get_authorizer)],
    store: Annotated[ProductStore, Depends(get_store)],
) -> Env:
    """The merged environment of every version the caller may read (newest first wins)."""
    merged: Env = {"assetAdministrationShells": [], "submodels": [], "conceptDescriptions": []}
    seen: set[tuple[str, str]] = set()
    for ref in list_products(get_settings_dep(request)):
        try:
            authorize(ref, READ_AAS)
        except MfgDataError:
            continue
        path = ref.folder / "aas" / "environment.json"
        if not path.is_file():
            continue
        env: Env = store.files(ref).memo("aas", partial(_load, path))
        for kind, items in merged.items():
            for item in env.get(kind, []):
                if (kind, item["id"]) not in seen:
                    seen.add((kind, item["id"]))
                    items.append(item)
    return merged


def _load(path: Path) -> Env:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


EnvDep = Annotated[Env, Depends(environment)]


def _paged(items: list[Any], limit: int | None, cursor: str | None) -> Response:
    start = 0
    if cursor:
        try:
            start = int(b64url_decode(cursor, "cursor"))
        except ValueError as e:
            raise AasNotFound("커서가 올바르지 않습니다", "invalid cursor") from e
    end = len(items) if limit is None else start + limit
    paging = {"cursor": b64url_encode(str(end))} if end < len(items) else {}
    return json_response({"paging_metadata": paging, "result": items[start:end]})


def _one(env: Env, kind: str, identifier: str, what: str) -> dict[str, Any]:
    wanted = b64url_decode(identifier, what)
    for item in env[kind]:
        if item["id"] == wanted:
            return item
    raise AasNotFound(f"{what}을(를) 찾을 수 없습니다: {wanted}", f"{what} not found: {wanted}")


def _semantic_match(item: dict[str, Any], wanted: str) -> bool:
    """``wanted`` is a serialised Reference (JSON) or a bare key value."""
    try:
        ref = json.loads(wanted)
        values = [k.get("value") for k in ref.get("keys", [])] if isinstance(ref, dict) else None
    except ValueError:
        values = None
    refs = [item.get("semanticId"), *item.get("supplementalSemanticIds", [])]
    for r in refs:
        keys = [k.get("value") for k in (r or {}).get("keys", [])]
        if (values is not None and keys == values) or (values is None and wanted in keys):
            return True
    return False


@router.get("/shells", summary="AAS 목록 / All asset administration shells")
def get_shells(
    env: EnvDep, idShort: str | None = None, limit: Limit = None, cursor: Cursor = None
) -> Response:
    shells = [s for s in env["assetAdministrationShells"] if idShort in (None, s.get("idShort"))]
    return _paged(shells, limit, cursor)


@router.get("/shells/{aasIdentifier}", summary="AAS 하나 / One shell")
def get_shell(env: EnvDep, aasIdentifier: str) -> Response:
    return json_response(_one(env, "assetAdministrationShells", aasIdentifier, "AAS"))


@router.get("/shells/{aasIdentifier}/submodel-refs", summary="서브모델 참조 / Submodel references")
def get_submodel_refs(
    env: EnvDep, aasIdentifier: str, limit: Limit = None, cursor: Cursor = None
) -> Response:
    shell = _one(env, "assetAdministrationShells", aasIdentifier, "AAS")
    return _paged(list(shell.get("submodels", [])), limit, cursor)


@router.get("/submodels", summary="서브모델 목록 / All submodels")
def get_submodels(
    env: EnvDep,
    semanticId: str | None = None,
    idShort: str | None = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response:
    items = env["submodels"]
    if semanticId is not None:
        wanted = b64url_decode(semanticId, "semanticId")
        items = [s for s in items if _semantic_match(s, wanted)]
    if idShort is not None:
        items = [s for s in items if s.get("idShort") == idShort]
    return _paged(items, limit, cursor)


@router.get("/submodels/{submodelIdentifier}", summary="서브모델 / One submodel")
def get_submodel(env: EnvDep, submodelIdentifier: str) -> Response:
    return json_response(_one(env, "submodels", submodelIdentifier, "submodel"))


@router.get("/submodels/{submodelIdentifier}/$value", summary="서브모델 값 / Submodel ValueOnly")
def get_submodel_value(env: EnvDep, submodelIdentifier: str) -> Response:
    sm = _one(env, "submodels", submodelIdentifier, "submodel")
    return json_response({e["idShort"]: value_only(e) for e in sm.get("submodelElements", [])})


@router.get("/submodels/{submodelIdentifier}/submodel-elements", summary="요소 / Elements")
def get_elements(
    env: EnvDep, submodelIdentifier: str, limit: Limit = None, cursor: Cursor = None
) -> Response:
    sm = _one(env, "submodels", submodelIdentifier, "submodel")
    return _paged(list(sm.get("submodelElements", [])), limit, cursor)


@router.get(
    "/submodels/{submodelIdentifier}/submodel-elements/{idShortPath}",
    summary="요소 하나 / One element by idShortPath",
)
def get_element(env: EnvDep, submodelIdentifier: str, idShortPath: str) -> Response:
    sm = _one(env, "submodels", submodelIdentifier, "submodel")
    return json_response(_element(sm, idShortPath))


@router.get(
    "/submodels/{submodelIdentifier}/submodel-elements/{idShortPath}/$value",
    summary="요소 값 / Element ValueOnly",
)
def get_element_value(env: EnvDep, submodelIdentifier: str, idShortPath: str) -> Response:
    sm = _one(env, "submodels", submodelIdentifier, "submodel")
    return json_response(value_only(_element(sm, idShortPath)))


def _element(sm: dict[str, Any], path: str) -> dict[str, Any]:
    found = find_element(sm, path)
    if found is None:
        raise AasNotFound(f"요소를 찾을 수 없습니다: {path}", f"submodel element not found: {path}")
    return found


@router.get("/concept-descriptions", summary="개념 설명 / Concept descriptions")
def get_concept_descriptions(
    env: EnvDep, idShort: str | None = None, limit: Limit = None, cursor: Cursor = None
) -> Response:
    items = [c for c in env["conceptDescriptions"] if idShort in (None, c.get("idShort"))]
    return _paged(items, limit, cursor)
