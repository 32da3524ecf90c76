"""AAS ValueOnly serialisation (``$value``) and idShortPath lookup on plain AAS JSON.

ValueOnly as in IDTA-01002 Part 2: a Property is its typed value, a MultiLanguageProperty a list
of ``{language: text}``, a Range ``{min, max}``, File/Blob ``{contentType, value}``, a collection
an object by idShort, a list an array, an Entity ``{statements, entityType, globalAssetId}``.
"""

from __future__ import annotations

import re
from typing import Any

INTEGER_TYPES = {
    "xs:int", "xs:integer", "xs:long", "xs:short", "xs:byte", "xs:unsignedInt",
    "xs:unsignedLong", "xs:unsignedShort", "xs:unsignedByte", "xs:positiveInteger",
    "xs:nonNegativeInteger", "xs:negativeInteger", "xs:nonPositiveInteger",
}  # fmt: skip
FLOAT_TYPES = {"xs:double", "xs:float", "xs:decimal"}
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def typed(value: str | None, value_type: str | None) -> Any:
    """A Property's lexical value as JSON (numbers and booleans unquoted)."""
    if value is None:
        return None
    try:
        if value_type in INTEGER_TYPES:
            return int(value)
        if value_type in FLOAT_TYPES:
            return float(value)
    except ValueError:
        return value
    if value_type == "xs:boolean":
        return value in ("true", "1")
    return value


def value_only(element: dict[str, Any]) -> Any:
    kind = element.get("modelType")
    if kind == "Property":
        return typed(element.get("value"), element.get("valueType"))
    if kind == "MultiLanguageProperty":
        return [{t["language"]: t["text"]} for t in element.get("value") or []]
    if kind == "Range":
        vt = element.get("valueType")
        return {"min": typed(element.get("min"), vt), "max": typed(element.get("max"), vt)}
    if kind in ("File", "Blob"):
        return {"contentType": element.get("contentType"), "value": element.get("value")}
    if kind == "ReferenceElement":
        return element.get("value")
    if kind == "SubmodelElementCollection":
        return {e["idShort"]: value_only(e) for e in element.get("value") or []}
    if kind == "SubmodelElementList":
        return [value_only(e) for e in element.get("value") or []]
    if kind in ("RelationshipElement", "AnnotatedRelationshipElement"):
        out = {"first": element.get("first"), "second": element.get("second")}
        if kind == "AnnotatedRelationshipElement":
            out["annotations"] = [
                {a["idShort"]: value_only(a)} for a in element.get("annotations") or []
            ]
        return out
    if kind == "Entity":
        out = {
            "statements": {e["idShort"]: value_only(e) for e in element.get("statements") or []},
            "entityType": element.get("entityType"),
        }
        if element.get("globalAssetId"):
            out["globalAssetId"] = element["globalAssetId"]
        return out
    return None


def parse_path(path: str) -> list[str | int] | None:
    """``a.b[0].c`` → ``["a", "b", 0, "c"]``; None when malformed."""
    steps: list[str | int] = []
    pos = 0
    for part in path.split("."):
        if not part:
            return None
        matched = 0
        for m in _STEP.finditer(part):
            if m.start() != matched:
                return None
            steps.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
            matched = m.end()
        if matched != len(part) or isinstance(steps[pos], int):
            return None
        pos = len(steps)
    return steps


def find_element(submodel: dict[str, Any], path: str) -> dict[str, Any] | None:
    """The element at ``path`` (idShort is case-sensitive); None when absent."""
    steps = parse_path(path)
    if not steps:
        return None
    children: list[dict[str, Any]] = submodel.get("submodelElements") or []
    current: dict[str, Any] | None = None
    for step in steps:
        if isinstance(step, int):
            if current is None or current.get("modelType") != "SubmodelElementList":
                return None
            items = current.get("value") or []
            current = items[step] if step < len(items) else None
        else:
            current = next((c for c in children if c.get("idShort") == step), None)
        if current is None:
            return None
        kind = current.get("modelType")
        if kind in ("SubmodelElementCollection", "SubmodelElementList"):
            children = current.get("value") or []
        elif kind == "Entity":
            children = current.get("statements") or []
        else:
            children = []
    return current
