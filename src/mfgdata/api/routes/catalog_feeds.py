"""DCAT 3 catalog (JSON-LD, harvestable by CKAN's ckanext-dcat) and Croissant per product."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from mfgdata.api.croissant import croissant, licence_url
from mfgdata.api.deps import (
    READ_META,
    Authorizer,
    ProductRef,
    ProductStore,
    get_authorizer,
    get_settings_dep,
    get_store,
    json_response,
    list_products,
    product_for,
)
from mfgdata.errors import MfgDataError

router = APIRouter(prefix="/api/v1", tags=["catalog"])
JSONLD = "application/ld+json"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}
PARQUET_IANA = "https://www.iana.org/assignments/media-types/application/vnd.apache.parquet"


def _texts(ko: str, en: str) -> list[dict[str, str]]:
    return [{"@value": ko, "@language": "ko"}, {"@value": en, "@language": "en"}]


def _licence_url(files_dp: dict[str, Any], fallback: str, base: str) -> str | None:
    return licence_url(files_dp, base) or fallback or None


def dataset(base: str, ref: ProductRef, store: ProductStore) -> dict[str, Any]:
    """One dcat:Dataset with a download and an API distribution."""
    files = store.files(ref)
    pid, v = ref.product_id, ref.version
    api = f"{base}api/v1/products/{pid}/versions/{v}"
    landing = f"{base}products/{pid}"
    res = (files.datapackage.get("resources") or [{}])[0]
    download: dict[str, Any] = {
        "@id": f"{api}#parquet",
        "@type": "dcat:Distribution",
        "dct:title": "Parquet",
        "dcat:accessURL": {"@id": landing},
        "dcat:mediaType": {"@id": PARQUET_IANA},
        "dct:format": "parquet",
    }
    if res.get("bytes"):
        download["dcat:byteSize"] = {"@value": str(res["bytes"]), "@type": "xsd:nonNegativeInteger"}
    if str(res.get("hash", "")).startswith("sha256:"):
        download["spdx:checksum"] = {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"},
            "spdx:checksumValue": {"@value": res["hash"][7:], "@type": "xsd:hexBinary"},
        }
    service = {
        "@id": f"{base}api/v1#service",
        "@type": "dcat:DataService",
        "dct:title": "mfgdata Open API",
        "dcat:endpointURL": {"@id": f"{base}api/v1"},
        "dcat:endpointDescription": {"@id": f"{base}api/v1/openapi.json"},
        "dcat:servesDataset": {"@id": api},
    }
    api_dist = {
        "@id": f"{api}#api",
        "@type": "dcat:Distribution",
        "dct:title": "Open API (JSON, CSV, Parquet)",
        "dcat:accessURL": {"@id": f"{api}/rows"},
        "dcat:accessService": service,
        "dct:format": "JSON",
        "dcat:mediaType": {"@id": "https://www.iana.org/assignments/media-types/application/json"},
    }
    out: dict[str, Any] = {
        "@id": api,
        "@type": "dcat:Dataset",
        "dct:identifier": f"{pid}@{v}",
        "dct:title": _texts(ref.title_ko or pid, ref.title_en or pid),
        "dct:description": ref.description or files.datapackage.get("description") or pid,
        "dcat:version": str(v),
        "dcat:landingPage": {"@id": landing},
        "dcat:keyword": [pid, "manufacturing", "제조"],
        "dcat:distribution": [download, api_dist],
        "dct:conformsTo": {"@id": "https://datapackage.org/standard/data-package/"},
        "rdfs:seeAlso": {"@id": f"{api}/croissant.json"},
    }
    licence = _licence_url(files.datapackage, ref.licence, base)
    if licence:
        out["dct:license"] = {"@id": licence}
    if ref.published_at:
        out["dct:issued"] = {"@value": ref.published_at, "@type": "xsd:dateTime"}
    return out


@router.get("/catalog.jsonld", summary="DCAT 카탈로그 / DCAT 3 catalog (JSON-LD)")
def get_catalog(
    request: Request,
    authorize: Annotated[Authorizer, Depends(get_authorizer)],
    store: Annotated[ProductStore, Depends(get_store)],
) -> Response:
    base = str(request.base_url)
    datasets, seen = [], set()
    for ref in list_products(get_settings_dep(request)):
        try:
            authorize(ref, READ_META)
        except MfgDataError:
            continue
        if (ref.product_id, ref.version) not in seen:
            seen.add((ref.product_id, ref.version))
            datasets.append(dataset(base, ref, store))
    body = {
        "@context": CONTEXT,
        "@id": f"{base}api/v1/catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": _texts("제조 데이터 라이브러리", "Manufacturing data library"),
        "dct:description": _texts(
            "검증되고 가격이 매겨진 제조 데이터 상품",
            "Verified, priced manufacturing data products",
        ),
        "foaf:homepage": {"@id": base},
        "dcat:dataset": datasets,
    }
    response = json_response(body)
    response.headers["content-type"] = JSONLD
    return response


@router.get(
    "/products/{product_id}/versions/{version}/croissant.json",
    summary="Croissant 메타데이터 / Croissant JSON-LD",
)
def get_croissant(
    request: Request,
    product: Annotated[ProductRef, Depends(product_for(READ_META))],
    store: Annotated[ProductStore, Depends(get_store)],
) -> Response:
    body = croissant(str(request.base_url), product, store.files(product))
    response = json_response(body)
    response.headers["content-type"] = JSONLD
    return response
