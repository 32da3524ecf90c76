"""DCAT catalog (JSON-LD parsed by rdflib) and Croissant (validated by mlcroissant)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from api.conftest import ApiWorld

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
CROISSANT = "/api/v1/products/api-injection/versions/1/croissant.json"


def test_dcat_catalog_parses_and_lists_published_only(client: TestClient) -> None:
    r = client.get("/api/v1/catalog.jsonld")
    assert r.headers["content-type"] == "application/ld+json"
    g = Graph().parse(data=r.text, format="json-ld")
    datasets = list(g.subjects(RDF.type, DCAT.Dataset))
    assert [str(d) for d in datasets] == [
        "http://testserver/api/v1/products/api-injection/versions/1"
    ]
    ds = datasets[0]
    assert Literal("Injection API test", lang="en") in set(g.objects(ds, DCT.title))
    assert (ds, DCT.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in g or any(
        g.objects(ds, DCT.license)
    )
    dists = list(g.objects(ds, DCAT.distribution))
    assert len(dists) == 2
    services = [s for d in dists for s in g.objects(d, DCAT.accessService)]
    assert services and any(g.objects(services[0], DCAT.endpointURL))
    assert (None, RDF.type, DCAT.Catalog) in g


def test_croissant_fields(client: TestClient, api_world: ApiWorld) -> None:
    doc = client.get(CROISSANT).json()
    for key in ("@context", "name", "description", "license", "url", "creator", "datePublished"):
        assert doc[key]
    assert doc["@type"] == "sc:Dataset"
    assert doc["conformsTo"].startswith("http://mlcommons.org/croissant/")
    fields = {f["name"]: f for f in doc["recordSet"][0]["field"]}
    assert list(fields) == api_world.table.columns
    assert (
        fields["온도"]["dataType"] == "sc:Float" and fields["불량여부"]["dataType"] == "sc:Boolean"
    )
    assert len(doc["distribution"][0]["sha256"]) == 64
    # the licence written into the package at publish time (a URL, never the relative file)
    package = json.loads((api_world.folder / "datapackage.json").read_text(encoding="utf-8"))
    code = package["licenses"][0]["name"]
    assert (api_world.folder / "LICENSE.ko.md").is_file() and code == "internal-use"
    assert doc["license"] == f"http://testserver/api/v1/licences/{code}.txt"
    assert client.get(doc["license"]).status_code == 200


def test_croissant_validates_with_mlcroissant(
    client: TestClient, api_world: ApiWorld, tmp_path: Path
) -> None:
    mlc = pytest.importorskip("mlcroissant")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "table.parquet").symlink_to(api_world.folder / "data" / "table.parquet")
    (tmp_path / "croissant.json").write_bytes(client.get(CROISSANT).content)
    dataset = mlc.Dataset(jsonld=tmp_path / "croissant.json")
    assert not dataset.metadata.ctx.issues.errors
    records = list(dataset.records("table"))
    assert len(records) == api_world.table.height
