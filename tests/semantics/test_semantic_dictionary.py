from __future__ import annotations

from pathlib import Path

import pytest

from mfgdata.semantics.dictionary import LOCAL_PREFIX, id_key, load_dictionary
from mfgdata.semantics.errors import DictionaryError, UnknownPropertyError


def test_every_entry_has_a_source_names_and_known_units() -> None:
    d = load_dictionary()
    assert len(d.properties) >= 50
    for p in d.properties.values():
        assert p.source.strip(), p.id
        assert p.name_en and p.name_ko and p.definition_en
        assert p.unit is None or p.unit in d.units
        assert p.standard or p.id.startswith(LOCAL_PREFIX), p.id
    for u in d.units.values():
        assert u.source and u.aliases


def test_no_duplicate_ids_even_without_version() -> None:
    ids = [id_key(p.id) for p in load_dictionary().properties.values()]
    assert len(ids) == len(set(ids))


def test_standard_ids_are_sourced_formats() -> None:
    for p in load_dictionary().properties.values():
        if p.standard:
            assert p.id.startswith(("0112/2///", "0173-1#02-", "http://www.w3id.org/hsu-aut/"))


def test_lookup_ignores_version_and_whitespace() -> None:
    d = load_dictionary()
    assert d.get(" 0112/2///61987#ABA927#004 ").name_en == "temperature"
    with pytest.raises(UnknownPropertyError) as e:
        d.get("0173-1#02-ZZZ999#001", column="x")
    assert e.value.where.column == "x"


def test_extension_adds_company_terms_and_properties(tmp_path: Path) -> None:
    ext = tmp_path / "company.yaml"
    ext.write_text(
        "properties:\n"
        "- {id: '0112/2///61987#ABA927#005', syn_ko: [로온도]}\n"
        "- {id: 'urn:mfgdata:property:furnace-o2', standard: false, source: ACME,\n"
        "   name_en: furnace oxygen, name_ko: 로내산소, definition_en: O2 share in the furnace,\n"
        "   data_type: REAL_MEASURE, unit: '%', syn_ko: [산소농도]}\n",
        encoding="utf-8",
    )
    d = load_dictionary([ext])
    assert "로온도" in d.get("0112/2///61987#ABA927#005").syn_ko
    assert d.get("urn:mfgdata:property:furnace-o2").source == "ACME"
    assert "로온도" not in load_dictionary().get("0112/2///61987#ABA927#005").syn_ko


@pytest.mark.parametrize(
    "text",
    [
        "properties: [\n",
        "properties:\n- {id: 'https://example.com/x', standard: false, source: A, name_en: a,"
        " name_ko: a, definition_en: a, data_type: STRING}\n",
        "properties:\n- {id: 'urn:mfgdata:property:y', standard: false, source: A}\n",
    ],
)
def test_broken_extension_is_an_error(tmp_path: Path, text: str) -> None:
    ext = tmp_path / "bad.yaml"
    ext.write_text(text, encoding="utf-8")
    with pytest.raises(DictionaryError):
        load_dictionary([ext])
