"""contract.yaml in the Open Data Contract Standard (ODCS v3) form: build, dump, load, validate.

mfgdata reads these parts of a contract (everything else is kept for people and other tools):

- ``schema[0].properties``: columns with ``logicalType``/``physicalType``, ``required``,
  ``logicalTypeOptions.minimum/maximum`` (physical or specification range) and the unit as
  ``customProperties: [{property: unit, value: ...}]``;
- ``schema[0].quality``: ``type: custom`` entries; ``engine: mfgdata`` sets the threshold of the
  measure ``id`` (``mustBeGreaterOrEqualTo``), ``engine: mfgdata-expr`` is a cross-column rule whose
  ``implementation`` is an expression (``min_temp <= max_temp``) and whose threshold is the share of
  rows that must satisfy it;
- ``slaProperties``: ``property: latency`` with ``value`` and ``unit`` (s, min, h, d):
  the freshness SLA;
- ``price``: ``priceAmount``/``priceCurrency``/``priceUnit`` (written from the pricing step);
- ``customProperties``: ``mfgdata.timeColumn``, ``mfgdata.idColumn``, ``mfgdata.target``,
  ``mfgdata.weights``, ``mfgdata.registrationGrade``, ``mfgdata.parameters``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from mfgdata import yamltext
from mfgdata.errors import MfgDataError
from mfgdata.quality.contract_schema import CONTRACT_SCHEMA, line_of
from mfgdata.quality.rules import RuleSyntaxError, compile_rule

API_VERSION = "v3.1.0"
SLA_UNITS = {"s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
#: ISO/IEC 25012 characteristic -> ODCS quality dimension
DIMENSION = {
    "completeness": "completeness",
    "accuracy": "accuracy",
    "consistency": "consistency",
    "uniqueness": "uniqueness",
    "currentness": "timeliness",
    "traceability": "conformity",
    "credibility": "accuracy",
}


class ContractError(MfgDataError):
    """A contract.yaml that is not valid YAML or not a valid data contract."""

    code = "contract_error"
    status_code = 422


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    logical_type: str = "string"
    physical_type: str | None = None
    required: bool = False
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class RuleSpec:
    id: str
    expression: str
    threshold: float = 1.0
    severity: str = "error"
    description: str = ""


@dataclass(frozen=True)
class Contract:
    """What quality needs from a contract; ``extra`` keeps the rest of the document."""

    id: str
    name: str = ""
    version: str = "1.0.0"
    columns: tuple[ColumnSpec, ...] = ()
    rules: tuple[RuleSpec, ...] = ()
    thresholds: dict[str, float] = field(default_factory=dict)
    time_column: str | None = None
    id_column: str | None = None
    target: str | None = None
    sla_seconds: float | None = None
    weights: dict[str, float] = field(default_factory=dict)
    registration_grade: str = "B"
    parameters: dict[str, float] = field(default_factory=dict)
    price: dict[str, Any] | None = None
    descriptions: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> ColumnSpec | None:
        return next((c for c in self.columns if c.name == name), None)

    def with_price(self, price: dict[str, Any] | None) -> Contract:
        return replace(self, price=price)

    # -- ODCS document -------------------------------------------------------------------------
    def to_odcs(self) -> dict[str, Any]:
        props: list[dict[str, Any]] = []
        for c in self.columns:
            p: dict[str, Any] = {"name": c.name, "logicalType": c.logical_type}
            if c.physical_type:
                p["physicalType"] = c.physical_type
            p["required"] = c.required
            opts = {
                k: v for k, v in (("minimum", c.minimum), ("maximum", c.maximum)) if v is not None
            }
            if opts:
                p["logicalTypeOptions"] = opts
            if c.unit:
                p["customProperties"] = [{"property": "unit", "value": c.unit}]
            props.append(p)
        quality: list[dict[str, Any]] = []
        for mid, thr in sorted(self.thresholds.items()):
            quality.append(
                {
                    "id": mid,
                    "type": "custom",
                    "engine": "mfgdata",
                    "dimension": DIMENSION.get(mid.split(".")[0], "conformity"),
                    "description": self.descriptions.get(mid, mid),
                    "mustBeGreaterOrEqualTo": thr,
                }
            )
        for r in self.rules:
            quality.append(
                {
                    "id": r.id,
                    "type": "custom",
                    "engine": "mfgdata-expr",
                    "dimension": "consistency",
                    "description": r.description or r.expression,
                    "implementation": r.expression,
                    "severity": r.severity,
                    "mustBeGreaterOrEqualTo": r.threshold,
                }
            )
        custom: list[dict[str, Any]] = [
            {"property": "mfgdata.registrationGrade", "value": self.registration_grade}
        ]
        for key, value in (
            ("mfgdata.timeColumn", self.time_column),
            ("mfgdata.idColumn", self.id_column),
            ("mfgdata.target", self.target),
            ("mfgdata.weights", self.weights or None),
            ("mfgdata.parameters", self.parameters or None),
        ):
            if value is not None:
                custom.append({"property": key, "value": value})
        doc: dict[str, Any] = {
            "apiVersion": API_VERSION,
            "kind": "DataContract",
            "id": self.id,
            "name": self.name or self.id,
            "version": self.version,
            "status": "draft",
            "schema": [
                {
                    "name": "table",
                    "physicalName": "data/table.parquet",
                    "physicalType": "table",
                    "logicalType": "object",
                    "properties": props,
                    "quality": quality,
                }
            ],
        }
        if self.sla_seconds is not None:
            doc["slaProperties"] = [{"property": "latency", "value": self.sla_seconds, "unit": "s"}]
        if self.price:
            doc["price"] = self.price
        doc["customProperties"] = custom
        return doc

    @classmethod
    def from_odcs(cls, doc: dict[str, Any], file: str | Path | None = None) -> Contract:
        table = doc["schema"][0]
        cols = []
        for p in table.get("properties", []):
            opts = p.get("logicalTypeOptions") or {}
            unit = next(
                (c.get("value") for c in p.get("customProperties", []) if c["property"] == "unit"),
                None,
            )
            cols.append(
                ColumnSpec(
                    name=p["name"],
                    logical_type=p.get("logicalType", "string"),
                    physical_type=p.get("physicalType"),
                    required=bool(p.get("required", False)),
                    unit=unit,
                    minimum=opts.get("minimum"),
                    maximum=opts.get("maximum"),
                )
            )
        names = [c.name for c in cols]
        thresholds: dict[str, float] = {}
        rules: list[RuleSpec] = []
        descriptions: dict[str, str] = {}
        for i, q in enumerate(table.get("quality", [])):
            thr = float(q.get("mustBeGreaterOrEqualTo", 1.0))
            if q.get("engine") == "mfgdata-expr":
                expr = str(q.get("implementation", ""))
                try:
                    compile_rule(expr, names)
                except RuleSyntaxError as e:
                    raise _error(
                        doc,
                        file,
                        ["schema", 0, "quality", i, "implementation"],
                        f"규칙 식이 잘못되었습니다: {e}",
                        f"bad rule expression: {e}",
                    ) from e
                rules.append(
                    RuleSpec(
                        id=str(q.get("id", f"rule{i + 1}")),
                        expression=expr,
                        threshold=thr,
                        severity=str(q.get("severity", "error")),
                        description=str(q.get("description", "")),
                    )
                )
            elif q.get("engine") == "mfgdata" and "id" in q:
                thresholds[str(q["id"])] = thr
                descriptions[str(q["id"])] = str(q.get("description", q["id"]))
        custom = {c["property"]: c.get("value") for c in doc.get("customProperties", [])}
        sla = None
        for s in doc.get("slaProperties", []):
            if s.get("property") in ("latency", "freshness"):
                sla = float(s["value"]) * SLA_UNITS[str(s.get("unit", "s"))]
        for key in ("mfgdata.timeColumn", "mfgdata.idColumn", "mfgdata.target"):
            if custom.get(key) is not None and custom[key] not in names:
                i = [c["property"] for c in doc["customProperties"]].index(key)
                raise _error(
                    doc,
                    file,
                    ["customProperties", i, "value"],
                    f"스키마에 없는 열입니다: {custom[key]}",
                    f"unknown column: {custom[key]}",
                )
        return cls(
            id=str(doc["id"]),
            name=str(doc.get("name", "")),
            version=str(doc.get("version", "1.0.0")),
            columns=tuple(cols),
            rules=tuple(rules),
            thresholds=thresholds,
            time_column=custom.get("mfgdata.timeColumn"),
            id_column=custom.get("mfgdata.idColumn"),
            target=custom.get("mfgdata.target"),
            sla_seconds=sla,
            weights={k: float(v) for k, v in (custom.get("mfgdata.weights") or {}).items()},
            registration_grade=str(custom.get("mfgdata.registrationGrade", "B")),
            parameters={
                k: v if isinstance(v, int) else float(v)
                for k, v in (custom.get("mfgdata.parameters") or {}).items()
            },
            price=doc.get("price"),
            descriptions=descriptions,
        )


def _error(doc: Any, file: str | Path | None, path: list[Any], ko: str, en: str) -> ContractError:
    where = "/".join(str(p) for p in path) or "/"
    return ContractError(
        f"계약서 {where}: {ko}", f"contract {where}: {en}", file=file, line=line_of(doc, path)
    )


def dump_contract(contract: Contract) -> str:
    return yaml.safe_dump(
        contract.to_odcs(), allow_unicode=True, sort_keys=False, default_flow_style=False
    )


def parse_contract(text: str, file: str | Path | None = None) -> Contract:
    """Parse and validate contract text; every problem is a ContractError with file and path."""
    try:
        doc = yamltext.compose(text)
        data = yamltext.safe_load(text)
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise ContractError(
            f"계약서가 올바른 YAML이 아닙니다: {e.problem}",
            f"the contract is not valid YAML: {e.problem}",
            file=file,
            line=line,
        ) from e
    except yaml.YAMLError as e:
        raise ContractError(
            "계약서가 올바른 YAML이 아닙니다", f"the contract is not valid YAML: {e}", file=file
        ) from e
    from jsonschema import Draft202012Validator  # only a contract read from text needs it

    errors = sorted(Draft202012Validator(CONTRACT_SCHEMA).iter_errors(data), key=lambda e: e.path)
    if errors:
        err = errors[0]
        path = list(err.absolute_path)
        raise _error(doc, file, path, f"계약서 형식 오류: {err.message}", err.message)
    return Contract.from_odcs(_Doc(data, doc), file=file)


class _Doc(dict[str, Any]):
    """The parsed contract with its YAML node tree (for line numbers in errors)."""

    def __init__(self, data: dict[str, Any], node: Any) -> None:
        super().__init__(data)
        self.node = node


def load_contract(path: Path) -> Contract:
    if not path.is_file():
        raise ContractError("계약서 파일이 없습니다", "the contract file does not exist", file=path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ContractError(
            "계약서는 UTF-8이어야 합니다", "the contract must be UTF-8 text", file=path
        ) from e
    return parse_contract(text, file=path)
