"""Marketplace search: bilingual index (semantic dictionary, glossary, organisation names),
organisation and updated facets, every sort paged by keyset cursor, bad parameters refused."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy.orm import Session

from catalog.library import Library, make_library
from dbfixtures import make_user
from mfgdata.catalog.errors import InvalidQuery
from mfgdata.catalog.register import register_product
from mfgdata.catalog.search import SORTS, search_products
from mfgdata.catalog.workflow import publish, verify
from mfgdata.db.tables import ProductVersion, utcnow
from mfgdata.pipeline.manifest import read_manifest, write_manifest

TEMPERATURE = "0112/2///61987#ABA927#005"


def korean_reactor_folder(folder: Path) -> Path:
    """The built product with its temperature column renamed '반응기 온도' and mapped to the
    dictionary's temperature property in semantics.yaml (the manifest rewritten to match)."""
    dp_path = folder / "datapackage.json"
    dp = json.loads(dp_path.read_text(encoding="utf-8"))
    fields = dp["resources"][0]["schema"]["fields"]
    renamed = next(f for f in fields if "온도" in f["name"])
    renamed["name"] = "반응기 온도"
    dp_path.write_text(json.dumps(dp, ensure_ascii=False), encoding="utf-8")
    semantics = {
        "version": 1,
        "columns": [
            {
                "column": "반응기 온도",
                "property": TEMPERATURE,
                "name_en": "temperature",
                "name_ko": "온도",
            }
        ],
    }
    (folder / "semantics.yaml").write_text(yaml.safe_dump(semantics, allow_unicode=True))
    header = {k: v for k, v in read_manifest(folder).items() if k != "files"}
    write_manifest(folder, header)
    return folder


@pytest.fixture
def market(db_session: Session, product_dir: Path) -> tuple[Library, ProductVersion]:
    lib = make_library(db_session, product_dir)
    chem = make_user(db_session, org="한국정밀화학")
    v = register_product(
        korean_reactor_folder(product_dir),
        session=db_session,
        owner_org=chem.org_id,
        product_id="reactor-log",
    )
    verify(session=db_session, version=v, actor=chem)
    publish(session=db_session, version=v, actor=chem)
    db_session.commit()
    return lib, v


def _ids(session: Session, lib: Library, q: str | None = None, **kw: object) -> set[str]:
    found = search_products(session=session, q=q, viewer=lib.buyer, **kw)  # type: ignore[arg-type]
    return {v.product_id for v in found.results}


BILINGUAL = [
    ("reactor", {"reactor-log"}),  # glossary: a Korean column word found by its English name
    ("반응기", {"reactor-log"}),
    ("Reactor temperature", {"reactor-log"}),  # the dictionary's English property name
    ("process temperature", {"reactor-log"}),  # a dictionary synonym of the mapped property
    ("화학", {"reactor-log"}),  # the organisation's name
    ("chemical", {"reactor-log"}),  # the English word for the organisation's industry
    ("precision chemical", {"reactor-log"}),
    ("Acme", {"injection-line-1", "weld-seam", "press-die"}),
    ("equipment", {"injection-line-1", "weld-seam", "press-die", "reactor-log"}),  # 설비ID
    ("reactors", set()),  # English matches whole words of the glossary, not prefixes
]


def test_bilingual_search(db_session: Session, market: tuple[Library, ProductVersion]) -> None:
    lib, _ = market
    got = {q: _ids(db_session, lib, q) for q, _ in BILINGUAL}
    assert got == dict(BILINGUAL)


def test_organisation_and_updated_facets(
    db_session: Session, market: tuple[Library, ProductVersion]
) -> None:
    lib, reactor = market
    found = search_products(session=db_session, viewer=lib.buyer)
    assert found.facets["organisation"] == {"Acme": 3, "한국정밀화학": 1}
    assert found.facets["updated"] == {"lt_7d": 4}
    only = _ids(db_session, lib, facets={"organisation": ["한국정밀화학"]})
    assert only == {"reactor-log"}
    # a year later everything is older than 365 days; a version published 10 days ago is 7d_30d
    later = utcnow() + timedelta(days=400)
    aged = search_products(session=db_session, viewer=lib.buyer, now=later)
    assert aged.facets["updated"] == {"ge_365d": 4}
    reactor.published_at = utcnow() - timedelta(days=10)
    db_session.commit()
    found = search_products(session=db_session, viewer=lib.buyer)
    assert found.facets["updated"] == {"lt_7d": 3, "7d_30d": 1}
    assert _ids(db_session, lib, facets={"updated": ["7d_30d"]}) == {"reactor-log"}


def _page_through(session: Session, lib: Library, sort: str) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = search_products(session=session, viewer=lib.buyer, sort=sort, limit=1, cursor=cursor)
        seen += [v.product_id for v in page.results]
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("paging did not end")


def test_every_sort_pages_by_cursor(
    db_session: Session, market: tuple[Library, ProductVersion]
) -> None:
    lib, reactor = market
    reactor.price_krw = None  # no price: last in both price orders
    db_session.commit()
    orders = {sort: _page_through(db_session, lib, sort) for sort in SORTS}
    assert orders["newest"] == ["reactor-log", "press-die", "weld-seam", "injection-line-1"]
    assert orders["price_asc"] == ["injection-line-1", "weld-seam", "press-die", "reactor-log"]
    assert orders["price_desc"] == ["press-die", "weld-seam", "injection-line-1", "reactor-log"]
    for sort, seen in orders.items():  # one page at a time gives the same as one big page
        whole = search_products(session=db_session, viewer=lib.buyer, sort=sort, limit=50)
        assert seen == [v.product_id for v in whole.results], sort
    titles = [
        v.product.title_ko
        for v in search_products(session=db_session, viewer=lib.buyer, sort="title").results
    ]
    assert titles == sorted(titles)


def test_bad_parameters_are_refused(
    db_session: Session, market: tuple[Library, ProductVersion]
) -> None:
    lib, _ = market
    first = search_products(session=db_session, viewer=lib.buyer, limit=1)
    assert first.next_cursor
    cases: list[dict[str, object]] = [
        {"sort": "cheapest"},
        {"facets": {"colour": "red"}},
        {"facets": {"price_min": "lots"}},
        {"cursor": "garbage!"},
        {"cursor": first.next_cursor, "sort": "price_asc"},  # a cursor of another sort
    ]
    for kw in cases:
        with pytest.raises(InvalidQuery) as info:
            search_products(session=db_session, viewer=lib.buyer, **kw)  # type: ignore[arg-type]
        assert info.value.status_code == 422 and info.value.ko and info.value.en
