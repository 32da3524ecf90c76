"""The subset of ODCS v3 that mfgdata checks (JSON Schema) and line numbers for error paths."""

from __future__ import annotations

from typing import Any

import yaml

_NUMBER = {"type": "number"}
_CUSTOM = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["property"],
        "properties": {"property": {"type": "string", "minLength": 1}},
    },
}
_PROPERTY = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "logicalType": {
            "enum": [
                "string",
                "date",
                "timestamp",
                "time",
                "number",
                "integer",
                "object",
                "array",
                "boolean",
            ]
        },
        "physicalType": {"type": "string"},
        "required": {"type": "boolean"},
        "logicalTypeOptions": {
            "type": "object",
            "properties": {"minimum": _NUMBER, "maximum": _NUMBER},
        },
        "customProperties": _CUSTOM,
    },
}
_QUALITY = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "type": {"enum": ["text", "library", "sql", "custom"]},
        "engine": {"type": "string"},
        "implementation": {"type": ["string", "object"]},
        "mustBeGreaterOrEqualTo": {"type": "number", "minimum": 0, "maximum": 1},
        "severity": {"enum": ["info", "warning", "error"]},
    },
    "if": {"properties": {"engine": {"const": "mfgdata-expr"}}, "required": ["engine"]},
    "then": {"required": ["implementation"]},
}
CONTRACT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "id", "schema"],
    "properties": {
        "apiVersion": {"type": "string", "pattern": "^v3\\."},
        "kind": {"const": "DataContract"},
        "id": {"type": "string", "minLength": 1},
        "version": {"type": "string"},
        "schema": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "properties": {"type": "array", "items": _PROPERTY},
                    "quality": {"type": "array", "items": _QUALITY},
                },
            },
        },
        "slaProperties": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["property", "value"],
                "properties": {
                    "property": {"type": "string"},
                    "value": {"type": "number", "exclusiveMinimum": 0},
                    "unit": {"enum": ["s", "sec", "min", "m", "h", "d"]},
                },
            },
        },
        "price": {
            "type": "object",
            "properties": {"priceAmount": _NUMBER, "priceCurrency": {"type": "string"}},
        },
        "customProperties": _CUSTOM,
    },
}


def line_of(doc: Any, path: list[Any]) -> int | None:
    """1-based line of the YAML node at ``path`` (the nearest existing parent), if known."""
    node = getattr(doc, "node", doc)
    if not isinstance(node, yaml.Node):
        return None
    best = node
    for key in path:
        nxt = None
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            nxt = node.value[key]
        if nxt is None:
            break
        node = best = nxt
    return int(best.start_mark.line) + 1
