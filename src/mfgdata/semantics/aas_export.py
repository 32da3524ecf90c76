"""AAS environment of a data product: built with basyx-python-sdk, checked with aas-core3.0.

Submodels: ``DataProductNameplate`` (id, title, version, provider, licence, contact: only values
that are known), ``DataDescription`` (a Property per column, semanticId = property IRDI/IRI, units
in ConceptDescriptions with IEC 61360 data specifications), ``TimeSeries`` (IDTA 02008 v1.1, an
ExternalSegment pointing at data/table.parquet) for time-series products, and
``QualityAndPrice`` (scalar results of the quality and price steps, only when they ran).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aas_core3 import jsonization as acj
from aas_core3 import verification as acv
from basyx.aas import model
from basyx.aas.adapter import aasx
from basyx.aas.adapter.json import object_store_to_json
from basyx.aas.model.concept import ConceptDescription
from pyecma376_2.core_properties import OPCCoreProperties

IEC61360 = "https://admin-shell.io/DataSpecificationTemplates/DataSpecificationIEC61360/3/0"
TS = "https://admin-shell.io/idta/TimeSeries"
PARQUET = "application/vnd.apache.parquet"
_DT = model.datatypes
Store = model.DictIdentifiableStore[model.Identifiable]


class SortedRefs(set[model.ModelReference[model.Submodel]]):
    """A set of submodel references that iterates sorted by the referenced id.

    basyx serialises ``AssetAdministrationShell.submodel`` (a set) by iterating it, and a plain
    set of strings iterates in hash order, which changes with ``PYTHONHASHSEED``: the same product
    would get a different ``environment.json`` and AASX on every run."""

    def __iter__(self) -> Iterator[model.ModelReference[model.Submodel]]:
        return iter(sorted(super().__iter__(), key=lambda r: tuple(k.value for k in r.key)))


def gref(value: str) -> model.ExternalReference:
    return model.ExternalReference((model.Key(model.KeyTypes.GLOBAL_REFERENCE, value),))


def id_short(text: str, used: set[str]) -> str:
    """A valid, unique idShort (``[a-zA-Z][a-zA-Z0-9_]*``) derived from ``text``."""
    base = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_") or "Column"
    base = base if base[0].isalpha() else f"C_{base}"
    base, n, name = base[:100], 1, base[:100]
    while name in used:
        n += 1
        name = f"{base}_{n}"
    used.add(name)
    return name


@dataclass(frozen=True)
class ProductInfo:
    product_id: str
    title: str | None = None
    version: str = "1"
    provider: str | None = None
    licence: str | None = None
    contact: str | None = None
    time_column: str | None = None
    rows: int | None = None
    start: str | None = None
    end: str | None = None
    data_file: str = "data/table.parquet"  # relative to the product folder
    dtypes: Mapping[str, str] = field(default_factory=dict)  # column -> numeric|datetime|...
    #: (Korean, English) description of the dataset (image products: images, classes, sizes)
    description: tuple[str, str] | None = None

    @property
    def base(self) -> str:
        return f"urn:mfgdata:product:{re.sub(r'[^0-9A-Za-z._~-]+', '-', self.product_id)}"


def _value_type(kind: str | None, data_type: str | None) -> type:
    if data_type in {"INTEGER_COUNT", "INTEGER_MEASURE"} or kind == "integer":
        return _DT.Long
    if data_type in {"REAL_MEASURE", "REAL_COUNT"} or kind == "numeric":
        return _DT.Double
    if data_type == "TIMESTAMP" or kind == "datetime":
        return _DT.DateTime
    if data_type == "BOOLEAN" or kind == "boolean":
        return _DT.Boolean
    return _DT.String


def _mlp(id_s: str, sem: str, ko: str | None, en: str) -> model.MultiLanguageProperty:
    texts = {"en": en[:2000]} | ({"ko": ko[:2000]} if ko else {})
    return model.MultiLanguageProperty(
        id_s, value=model.MultiLanguageTextType(texts), semantic_id=gref(sem)
    )


def _prop(id_s: str, sem: str, value: Any, vtype: type = _DT.String) -> model.Property:
    return model.Property(id_s, value_type=vtype, value=value, semantic_id=gref(sem))


def nameplate(info: ProductInfo) -> model.Submodel:
    els: list[model.SubmodelElement] = [
        _prop("URIOfTheProduct", "0112/2///61987#ABN590#002", info.base),
        _mlp(
            "ManufacturerProductDesignation",
            "0112/2///61987#ABA567#009",
            None,
            info.title or info.product_id,
        ),
        _prop("Version", "0173-1#02-AAS354#002", info.version),
    ]
    if info.description:
        ko, en = info.description
        els.append(_mlp("DatasetDescription", "urn:mfgdata:concept:description", ko, en))
    if info.provider:
        els.append(_mlp("ManufacturerName", "0112/2///61987#ABA565#009", None, info.provider))
    if info.licence:
        els.append(_prop("Licence", "urn:mfgdata:concept:licence", info.licence))
    if info.contact:
        els.append(_prop("Contact", "urn:mfgdata:concept:contact", info.contact))
    return model.Submodel(
        f"{info.base}:sm:nameplate",
        id_short="DataProductNameplate",
        semantic_id=gref("urn:mfgdata:submodel:DataProductNameplate:1"),
        submodel_element=els,
    )


def concept_units(columns: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Per property, the column whose unit its concept description states: a column converted
    to the property's unit first (converted columns share it), else the first column."""
    out: dict[str, Mapping[str, Any]] = {}  # in the order the properties first appear
    for c in columns:
        pid = c.get("property")
        if pid and (pid not in out or (c.get("converted") and not out[pid].get("converted"))):
            out[pid] = c
    return out


def _own_unit(c: Mapping[str, Any], concept: Mapping[str, Any] | None) -> list[Any]:
    """An IEC 61360 data specification with the column's unit, when it is not its concept's
    (two columns of one property in different units: each keeps its own)."""
    unit = c.get("unit")
    if not unit or concept is None or concept.get("unit") == unit:
        return []
    content = model.DataSpecificationIEC61360(
        preferred_name=model.PreferredNameTypeIEC61360({"en": str(c["name"])[:255]}),
        unit=str(unit),
        unit_id=gref(c["unit_irdi"]) if c.get("unit_irdi") else None,
    )
    return [model.EmbeddedDataSpecification(gref(IEC61360), content)]


def _column_props(
    columns: Sequence[Mapping[str, Any]], info: ProductInfo, skip: str | None = None
) -> list[model.Property]:
    used: set[str] = set()
    concepts = concept_units(columns)
    out = []
    for c in columns:
        if c["name"] == skip:
            continue
        desc = f"source column '{c['name']}'" + (f", unit {c['unit']}" if c.get("unit") else "")
        out.append(
            model.Property(
                id_short(str(c["name"]), used),
                value_type=_value_type(info.dtypes.get(c["name"]), c.get("data_type")),
                semantic_id=gref(c["property"]) if c.get("property") else None,
                display_name=model.MultiLanguageNameType({"en": str(c["name"])[:128]}),
                description=model.MultiLanguageTextType({"en": desc[:1000]}),
                embedded_data_specifications=_own_unit(c, concepts.get(c.get("property") or "")),
            )
        )
    return out


def data_description(columns: Sequence[Mapping[str, Any]], info: ProductInfo) -> model.Submodel:
    return model.Submodel(
        f"{info.base}:sm:data-description",
        id_short="DataDescription",
        semantic_id=gref("urn:mfgdata:submodel:DataDescription:1"),
        submodel_element=_column_props(columns, info),
    )


def concept_descriptions(columns: Sequence[Mapping[str, Any]]) -> list[ConceptDescription]:
    out: dict[str, ConceptDescription] = {}
    for pid, c in concept_units(columns).items():
        unit = c.get("unit") or None
        dtype = c.get("data_type")
        if dtype and dtype.endswith("MEASURE") and not unit:
            dtype = None  # AASc-3a-009: a measure needs a unit
        content = model.DataSpecificationIEC61360(
            preferred_name=model.PreferredNameTypeIEC61360(
                {"en": c["name_en"]} | ({"ko": c["name_ko"]} if c.get("name_ko") else {})
            ),
            definition=model.DefinitionTypeIEC61360({"en": c.get("definition_en") or c["name_en"]}),
            data_type=model.DataTypeIEC61360[dtype] if dtype else None,
            unit=unit,
            unit_id=gref(c["unit_irdi"]) if c.get("unit_irdi") else None,
        )
        out[pid] = ConceptDescription(
            pid,
            embedded_data_specifications=[model.EmbeddedDataSpecification(gref(IEC61360), content)],
        )
    return list(out.values())


def time_series(columns: Sequence[Mapping[str, Any]], info: ProductInfo) -> model.Submodel:
    record = [
        model.Property("Time", value_type=_DT.DateTime, semantic_id=gref(f"{TS}/UtcTime/1/1"))
    ]
    record += _column_props(columns, info, skip=info.time_column)
    seg: list[model.SubmodelElement] = [
        _mlp("Name", f"{TS}/Segment/Name/1/1", None, info.title or info.product_id),
        model.File(
            "File",
            content_type=PARQUET,
            value=f"{info.base}/{info.data_file}",
            semantic_id=gref(f"{TS}/File/1/1"),
        ),
    ]
    if info.rows is not None:
        seg.append(_prop("RecordCount", f"{TS}/Segment/RecordCount/1/1", info.rows, _DT.Long))
    if info.start:
        seg.append(_prop("StartTime", f"{TS}/Segment/StartTime/1/1", info.start))
    if info.end:
        seg.append(_prop("EndTime", f"{TS}/Segment/EndTime/1/1", info.end))
    return model.Submodel(
        f"{info.base}:sm:timeseries",
        id_short="TimeSeries",
        semantic_id=gref(f"{TS}/1/1"),
        submodel_element=[
            model.SubmodelElementCollection(
                "Metadata",
                semantic_id=gref(f"{TS}/Metadata/1/1"),
                value=[
                    _mlp("Name", f"{TS}/Metadata/Name/1/1", None, info.title or info.product_id),
                    model.SubmodelElementCollection(
                        "Record", semantic_id=gref(f"{TS}/Record/1/1"), value=record
                    ),
                ],
            ),
            model.SubmodelElementCollection(
                "Segments",
                semantic_id=gref(f"{TS}/Segments/1/1"),
                value=[
                    model.SubmodelElementCollection(
                        "ExternalSegment",
                        semantic_id=gref(f"{TS}/Segments/ExternalSegment/1/1"),
                        value=seg,
                    )
                ],
            ),
        ],
    )


def _scalars(name: str, data: Mapping[str, Any]) -> model.SubmodelElementCollection | None:
    used: set[str] = set()
    els = []
    for key in sorted(data):
        v = data[key]
        if isinstance(v, bool):
            vt: type = _DT.Boolean
        elif isinstance(v, int):
            vt = _DT.Long
        elif isinstance(v, float):
            vt = _DT.Double
        elif isinstance(v, str) and v:
            vt = _DT.String
        else:
            continue  # lists, dicts, None: not a summary value
        els.append(_prop(id_short(key, used), f"urn:mfgdata:concept:{name.lower()}:{key}", v, vt))
    if not els:
        return None
    return model.SubmodelElementCollection(
        name, semantic_id=gref(f"urn:mfgdata:concept:{name.lower()}"), value=els
    )


def quality_price(
    info: ProductInfo, quality: Mapping[str, Any] | None, price: Mapping[str, Any] | None
) -> model.Submodel | None:
    els = [e for e in (_scalars("Quality", quality or {}), _scalars("Price", price or {})) if e]
    if not els:
        return None
    return model.Submodel(
        f"{info.base}:sm:quality-price",
        id_short="QualityAndPrice",
        semantic_id=gref("urn:mfgdata:submodel:QualityAndPrice:1"),
        submodel_element=els,
    )


def build_environment(
    columns: Sequence[Mapping[str, Any]],
    info: ProductInfo,
    *,
    quality: Mapping[str, Any] | None = None,
    price: Mapping[str, Any] | None = None,
) -> Store:
    submodels = [nameplate(info), data_description(columns, info)]
    if info.time_column:
        submodels.append(time_series(columns, info))
    qp = quality_price(info, quality, price)
    if qp is not None:
        submodels.append(qp)
    shell = model.AssetAdministrationShell(
        id_=f"{info.base}:aas",
        id_short="DataProduct",
        asset_information=model.AssetInformation(
            asset_kind=model.AssetKind.INSTANCE, global_asset_id=info.base
        ),
        submodel=SortedRefs(model.ModelReference.from_referable(s) for s in submodels),
    )
    return Store([shell, *submodels, *concept_descriptions(columns)])


def environment_json(store: Store) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(object_store_to_json(store))
    return doc


def verify(doc: Mapping[str, Any]) -> list[str]:
    """aas-core3.0 verification errors of an environment JSON document (empty: valid)."""
    env = acj.environment_from_jsonable(dict(doc))
    return [f"{e.path}: {e.cause}" for e in acv.verify(env)]


def aasx_bytes(store: Store) -> bytes:
    """The AASX package. ``write_all_aas_objects`` keeps ConceptDescriptions (``write_aas``
    drops those referenced through a GlobalReference)."""
    buf = io.BytesIO()
    files = aasx.DictSupplementaryFileContainer()  # type: ignore[no-untyped-call]
    with aasx.AASXWriter(buf) as writer:
        writer.write_all_aas_objects("/aasx/data.json", store, files, write_json=True)
        props = OPCCoreProperties()  # type: ignore[no-untyped-call]
        props.creator = "mfgdata"
        writer.write_core_properties(props)
    return buf.getvalue()


def read_aasx(path: Path) -> Store:
    store: Store = Store()
    with aasx.AASXReader(str(path)) as reader:
        reader.read_into(store, aasx.DictSupplementaryFileContainer())  # type: ignore[no-untyped-call]
    return store
