"""Testbeds: a company's PoC with its data attached (only its own), KPIs before/after by
ISO 22400-2, milestones, and the PoC report with the OEE change and the product's quality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from mfgdata.catalog.errors import NotFound
from mfgdata.catalog.register import register_product, version_folder
from mfgdata.center.access import set_staff_regions
from mfgdata.center.companies import create_company, parse_company
from mfgdata.center.errors import KpiInputError, PocError
from mfgdata.center.pocreport import render_poc_report
from mfgdata.center.testbeds import (
    add_milestone,
    attach,
    complete_milestone,
    create_testbed,
    get_testbed,
    kpi_results,
    list_testbeds,
    set_kpis,
)
from mfgdata.db.repositories.organisations import get_or_create_organisation
from mfgdata.db.repositories.users import UserCreate, create_user
from mfgdata.db.tables import Upload
from mfgdata.settings import get_settings

BEFORE = {"pbt": 480, "apt": 420, "pri": 0.75, "pq": 500, "gq": 475, "sq": 15, "rq": 10}
AFTER = {"pbt": 480, "apt": 450, "pri": 0.75, "pq": 560, "gq": 550, "sq": 6, "rq": 4}


def test_testbed_attach_kpis_milestones_report(db_session: Session, product_dir: Path) -> None:
    s = db_session
    maker = get_or_create_organisation(session=s, name="Maker", kind="manufacturer")
    other = get_or_create_organisation(session=s, name="Other", kind="manufacturer")
    company = create_company(
        session=s,
        data=parse_company(
            {
                "business_number": "124-81-00998",
                "name": "대구정밀",
                "ksic_code": "29",
                "region": "daegu",
                "size_class": "small",
                "org_id": maker.id,
            }
        ),
    )
    version = register_product(product_dir, session=s, owner_org=maker, product_id="poc-data")
    # the product carries a model's metrics (as the model step writes them)
    metrics = version_folder(version, get_settings()) / "model" / "metrics.json"
    metrics.parent.mkdir(parents=True, exist_ok=True)
    metrics.write_text(
        json.dumps({"model": {"f1": {"value": 0.91}}, "baseline": {"f1": {"value": 0.55}}}),
        encoding="utf-8",
    )
    own = Upload(
        org_id=maker.id, filename="press.csv", stored_path="x", bytes=2048, sha256="a" * 64
    )
    theirs = Upload(org_id=other.id, filename="x.csv", stored_path="y", bytes=1, sha256="b" * 64)
    s.add_all([own, theirs])
    s.flush()

    tb = create_testbed(
        session=s, company=company, title="프레스 불량 예측", problem_type="quality_assurance"
    )
    with pytest.raises(PocError, match="unknown problem type"):
        create_testbed(session=s, company=company, title="x", problem_type="magic")
    attach(session=s, testbed=tb, kind="upload", ref=str(own.id))
    attach(session=s, testbed=tb, kind="product", ref="poc-data@1")
    with pytest.raises(NotFound):  # another organisation's upload
        attach(session=s, testbed=tb, kind="upload", ref=str(theirs.id))
    with pytest.raises(NotFound):
        attach(session=s, testbed=tb, kind="product", ref="poc-data@9")

    with pytest.raises(KpiInputError, match="APT"):
        set_kpis(session=s, testbed=tb, before=BEFORE | {"apt": 481})
    set_kpis(
        session=s,
        testbed=tb,
        before=BEFORE,
        basis={"baseline_period": "2026-03 (1 month)", "data_source": "MES"},
    )
    b, a, change = kpi_results(tb)
    assert b is not None and a is None and change is None
    set_kpis(
        session=s,
        testbed=tb,
        after=AFTER,
        basis={"baseline_period": "2026-03", "measurement_window": "2026-06", "data_source": "MES"},
    )
    _b, _a, change = kpi_results(tb)
    assert change is not None
    oee = next(c for c in change if c.id == "oee")
    assert oee.delta_display() == "+11.7 %p" and oee.improved
    m = add_milestone(session=s, testbed=tb, title="데이터 수집")
    complete_milestone(session=s, testbed=tb, milestone_id=m.id)
    s.commit()

    html = render_poc_report(session=s, testbed=tb)
    assert 'id="change-oee"' in html and "+11.7 %p" in html
    assert "Availability × Effectiveness × Quality ratio" in html
    assert "press.csv" in html and "poc-data v1" in html and "0.91" in html and "0.55" in html
    assert "2026-06" in html and "대구정밀 (124-81-00998)" in html and "UTC" in html

    # isolation: the company's member and the region's staff see it; others get 404
    center = get_or_create_organisation(session=s, name="Center", kind="center")
    staff = create_user(
        session=s,
        data=UserCreate(
            email="s@c.kr", name="s", org_id=center.id, role="center_staff", password="x" * 12
        ),
    )
    far = create_user(
        session=s,
        data=UserCreate(
            email="f@c.kr", name="f", org_id=center.id, role="center_staff", password="x" * 12
        ),
    )
    member = create_user(
        session=s,
        data=UserCreate(
            email="m@m.kr", name="m", org_id=maker.id, role="member", password="x" * 12
        ),
    )
    stranger = create_user(
        session=s,
        data=UserCreate(
            email="o@o.kr", name="o", org_id=other.id, role="member", password="x" * 12
        ),
    )
    set_staff_regions(session=s, user=staff, regions=["daegu"])
    set_staff_regions(session=s, user=far, regions=["jeju"])
    assert get_testbed(session=s, testbed_id=tb.id, viewer=member).id == tb.id
    assert get_testbed(session=s, testbed_id=tb.id, viewer=staff).id == tb.id
    for who in (far, stranger):
        with pytest.raises(NotFound):
            get_testbed(session=s, testbed_id=tb.id, viewer=who)
    assert [t.id for t in list_testbeds(session=s, viewer=staff)] == [tb.id]
    assert list_testbeds(session=s, viewer=far) == []
    assert list_testbeds(session=s, viewer=stranger) == []
