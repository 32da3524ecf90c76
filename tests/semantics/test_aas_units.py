"""Two columns of one property in different units: the concept description had room for one
unit (the first column's), so the second column's unit was lost from the AAS. The concept
description keeps the property's unit (the one converted columns share) and a column in another
unit carries its own unit in its Property's IEC 61360 data specification."""

from __future__ import annotations

from typing import Any

from basyx.aas import model

from mfgdata.semantics.aas_export import ProductInfo, concept_descriptions, data_description

P = "urn:mfgdata:property:mould-temperature"


def _col(name: str, unit: str, converted: bool, irdi: str | None) -> dict[str, Any]:
    return {
        "name": name,
        "property": P,
        "name_en": "mould temperature",
        "name_ko": "금형온도",
        "data_type": "REAL_MEASURE",
        "unit": unit,
        "unit_irdi": irdi,
        "converted": converted,
    }


COLUMNS = [
    _col("T_raw", "°F", False, None),  # a reading the standardizer could not convert
    _col("금형온도", "°C", True, "0112/2///62720#UAA033"),
]


def _unit(specs: Any) -> str | None:
    for spec in specs or ():
        content = spec.data_specification_content
        if isinstance(content, model.DataSpecificationIEC61360):
            return content.unit
    return None


def test_concept_description_keeps_the_property_unit() -> None:
    (cd,) = concept_descriptions(COLUMNS)
    assert _unit(cd.embedded_data_specifications) == "°C"


def test_a_column_in_another_unit_carries_its_own() -> None:
    sm = data_description(
        COLUMNS, ProductInfo("p", dtypes={"T_raw": "numeric", "금형온도": "numeric"})
    )
    units = {
        str(e.display_name["en"]): _unit(e.embedded_data_specifications)
        for e in sm.submodel_element
    }
    assert units == {"T_raw": "°F", "금형온도": None}  # the second is its concept's unit
