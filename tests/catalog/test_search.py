"""Search: Korean substrings, English words, facets with exact counts, paging, visibility."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from catalog.library import Library, make_library
from mfgdata.catalog.errors import InvalidQuery
from mfgdata.catalog.search import search_products
from mfgdata.catalog.workflow import retire


@pytest.fixture
def lib(db_session: Session, product_dir: Path) -> Library:
    return make_library(db_session, product_dir)


def _ids(session: Session, lib: Library, q: str | None = None, **kw: object) -> set[str]:
    found = search_products(session=session, q=q, viewer=lib.buyer, **kw)  # type: ignore[arg-type]
    return {v.product_id for v in found.results}


TEXT_CASES = [
    ("사출", {"injection-line-1"}),  # 2-character Korean substring of 사출성형
    ("사출성형", {"injection-line-1"}),
    ("출성", {"injection-line-1"}),
    ("용접 품질", {"weld-seam"}),  # every term must match
    ("데이터", {"injection-line-1", "weld-seam"}),
    ("Predictive", {"press-die"}),  # English, case-insensitive
    ("weld", {"weld-seam"}),
    ("quality", {"injection-line-1", "weld-seam"}),  # title and problem type
    ("예지보전", {"press-die"}),
    ("이상탐지", {"weld-seam"}),  # Korean label of the problem type code
    ("온도", {"injection-line-1", "weld-seam", "press-die"}),  # column name
    ("열처리", set()),  # Beta's draft is invisible to a buyer
    ("100%_", set()),
    ('"; DROP TABLE products; --', set()),
]


def test_text_search(db_session: Session, lib: Library) -> None:
    # one library for the whole table (registering is the slow part)
    got = {q: _ids(db_session, lib, q) for q, _ in TEXT_CASES}
    assert got == dict(TEXT_CASES)


def test_facet_counts_are_exact(db_session: Session, lib: Library) -> None:
    found = search_products(session=db_session, viewer=lib.buyer)
    assert found.total == 3
    assert found.facets["process_family"] == {"injection_molding": 1, "welding": 1, "press": 1}
    assert found.facets["problem_type"] == {
        "quality_assurance": 1,
        "anomaly_detection": 1,
        "predictive_maintenance": 1,
    }
    assert found.facets["data_type"] == {"timeseries": 3}
    licence = lib.versions["injection-line-1"].product.licence
    assert found.facets["licence"] == {licence: 1, "CC-BY-4.0": 2}
    grade = lib.versions["injection-line-1"].grade
    assert found.facets["grade"] == {str(grade): 3}
    price = lib.versions["injection-line-1"].price_krw
    assert price is not None and price < 1_000_000
    assert found.facets["price_range"] == {"lt_1m": 1, "1m_10m": 1, "ge_100m": 1}
    # with a text query and a facet filter the counts follow the matches
    narrowed = search_products(
        session=db_session,
        q="CC-BY",
        facets={"process_family": ["press", "welding"]},
        viewer=lib.buyer,
    )
    assert {v.product_id for v in narrowed.results} == {"weld-seam", "press-die"}
    assert narrowed.facets["process_family"] == {"welding": 1, "press": 1}


FACET_CASES: list[tuple[dict[str, object], set[str]]] = [
    ({"process_family": "welding"}, {"weld-seam"}),
    (
        {"problem_type": ["predictive_maintenance", "quality_assurance"]},
        {"press-die", "injection-line-1"},
    ),
    ({"licence": "CC-BY-4.0"}, {"weld-seam", "press-die"}),
    ({"price_min": 1_000_000}, {"weld-seam", "press-die"}),
    ({"price_max": 10_000_000}, {"weld-seam", "injection-line-1"}),
    ({"price_range": "ge_100m"}, {"press-die"}),
    ({"data_type": "image"}, set()),
]


def test_facet_filters(db_session: Session, lib: Library) -> None:
    for facets, expected in FACET_CASES:
        assert _ids(db_session, lib, facets=facets) == expected, facets


def test_paging_with_cursor(db_session: Session, lib: Library) -> None:
    first = search_products(session=db_session, viewer=lib.buyer, limit=2)
    assert len(first.results) == 2 and first.next_cursor
    second = search_products(
        session=db_session, viewer=lib.buyer, limit=2, cursor=first.next_cursor
    )
    assert len(second.results) == 1 and second.next_cursor is None
    seen = [v.product_id for v in first.results + second.results]
    assert sorted(seen) == sorted(["injection-line-1", "weld-seam", "press-die"])
    with pytest.raises(InvalidQuery):
        search_products(session=db_session, viewer=lib.buyer, cursor="garbage!")


def test_visibility_and_retired(db_session: Session, lib: Library) -> None:
    assert "heat-draft" in {
        v.product_id
        for v in search_products(session=db_session, q="열처리", viewer=lib.other).results
    }
    assert _ids(db_session, lib, "열처리") == set()
    assert {
        v.product_id
        for v in search_products(session=db_session, q="열처리", viewer=lib.admin).results
    } == {"heat-draft"}
    retire(session=db_session, version=lib.versions["press-die"], actor=lib.owner)
    db_session.commit()
    assert _ids(db_session, lib, "프레스") == set()
    owner_view = search_products(
        session=db_session, q="프레스", viewer=lib.owner, include_retired=True
    )
    assert [v.product_id for v in owner_view.results] == ["press-die"]
