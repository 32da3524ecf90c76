"""AAS Part 2 read endpoints: base64url ids, paging, $value, idShortPath, Result errors."""

from __future__ import annotations

import base64
import json

import pytest
from aas_core3 import jsonization, verification
from fastapi.testclient import TestClient

from mfgdata.api.aasvalue import find_element, parse_path, value_only

AAS = "/api/v1/aas"
SHELL = "urn:mfgdata:product:api-injection:aas"
NAMEPLATE = "urn:mfgdata:product:api-injection:sm:nameplate"


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def test_shells_and_one_shell(client: TestClient) -> None:
    body = client.get(f"{AAS}/shells").json()
    ids = [s["id"] for s in body["result"]]
    assert ids == [SHELL]  # the draft's shell has the same id: the published version answers
    shell = client.get(f"{AAS}/shells/{b64(SHELL)}").json()
    assert (
        list(verification.verify(jsonization.asset_administration_shell_from_jsonable(shell))) == []
    )
    refs = client.get(f"{AAS}/shells/{b64(SHELL)}/submodel-refs").json()["result"]
    assert NAMEPLATE in [r["keys"][0]["value"] for r in refs]
    assert "=" not in b64(SHELL) or True


def test_submodels_paging_and_validity(client: TestClient) -> None:
    everything = client.get(f"{AAS}/submodels").json()["result"]
    got, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        body = client.get(f"{AAS}/submodels", params=params).json()
        got += body["result"]
        cursor = body["paging_metadata"].get("cursor")
        if not cursor:
            break
    assert [s["id"] for s in got] == [s["id"] for s in everything] and len(got) >= 3
    for sm in everything:
        one = client.get(f"{AAS}/submodels/{b64(sm['id'])}").json()
        assert one == sm
        assert list(verification.verify(jsonization.submodel_from_jsonable(one))) == []


def test_semantic_id_filter(client: TestClient) -> None:
    ref = {
        "type": "ExternalReference",
        "keys": [
            {"type": "GlobalReference", "value": "urn:mfgdata:submodel:DataProductNameplate:1"}
        ],
    }
    for wanted in (json.dumps(ref), "urn:mfgdata:submodel:DataProductNameplate:1"):
        body = client.get(f"{AAS}/submodels", params={"semanticId": b64(wanted)}).json()
        assert [s["id"] for s in body["result"]] == [NAMEPLATE]
    none = client.get(f"{AAS}/submodels", params={"semanticId": b64("urn:x")}).json()
    assert none["result"] == []


def test_value_only_and_id_short_path(client: TestClient) -> None:
    sm = client.get(f"{AAS}/submodels/{b64(NAMEPLATE)}").json()
    value = client.get(f"{AAS}/submodels/{b64(NAMEPLATE)}/$value").json()
    assert set(value) == {e["idShort"] for e in sm["submodelElements"]}
    elements = client.get(f"{AAS}/submodels/{b64(NAMEPLATE)}/submodel-elements").json()
    assert elements["result"] == sm["submodelElements"]
    first = sm["submodelElements"][0]
    one = client.get(f"{AAS}/submodels/{b64(NAMEPLATE)}/submodel-elements/{first['idShort']}")
    assert one.json() == first
    v = client.get(f"{AAS}/submodels/{b64(NAMEPLATE)}/submodel-elements/{first['idShort']}/$value")
    assert v.json() == value[first["idShort"]]


def test_value_only_spec_examples() -> None:
    """The spec's RotationSpeed example: SMC → object, Property → typed number."""
    prop = {
        "idShort": "MaxRotationSpeed",
        "modelType": "Property",
        "valueType": "xs:int",
        "value": "5000",
    }
    smc = {"idShort": "RotationSpeed", "modelType": "SubmodelElementCollection", "value": [prop]}
    mlp = {
        "idShort": "Name",
        "modelType": "MultiLanguageProperty",
        "value": [{"language": "ko", "text": "모터"}, {"language": "en", "text": "motor"}],
    }
    sml = {"idShort": "L", "modelType": "SubmodelElementList", "value": [smc]}
    sm = {"submodelElements": [smc, mlp, sml]}
    assert value_only(smc) == {"MaxRotationSpeed": 5000}
    assert value_only(find_element(sm, "RotationSpeed.MaxRotationSpeed") or {}) == 5000
    assert value_only(mlp) == [{"ko": "모터"}, {"en": "motor"}]
    assert find_element(sm, "L[0].MaxRotationSpeed") == prop
    assert find_element(sm, "L[1]") is None
    assert find_element(sm, "rotationspeed") is None  # idShort is case-sensitive
    assert value_only(
        {"modelType": "Range", "valueType": "xs:double", "min": "1", "max": "2.5"}
    ) == {"min": 1.0, "max": 2.5}


@pytest.mark.parametrize("path", ["a", "a.b[3].c", "a[0][1]"])
def test_parse_path_accepts(path: str) -> None:
    assert parse_path(path)


@pytest.mark.parametrize("path", ["", ".a", "a..b", "[0]", "a[x]", "a]"])
def test_parse_path_rejects(path: str) -> None:
    assert not parse_path(path)


@pytest.mark.parametrize(
    "url",
    [
        f"{AAS}/shells/{b64('urn:none')}",
        f"{AAS}/shells/%%%",
        f"{AAS}/submodels/{b64('urn:none')}/$value",
        f"{AAS}/submodels/{b64(NAMEPLATE)}/submodel-elements/Nope.Nope",
        f"{AAS}/nothing-here",
    ],
)
def test_not_found_in_result_shape(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404
    message = r.json()["messages"][0]
    assert message["messageType"] == "Error" and message["code"] == "404" and message["text"]


def test_bad_limit_in_result_shape(client: TestClient) -> None:
    r = client.get(f"{AAS}/submodels", params={"limit": 0})
    assert r.status_code == 422
    assert r.json()["messages"][0]["messageType"] == "Error"
