# ruff: noqa: E501  (the matrix rows are a wide table on purpose)
"""Issue 18's part of the security world: a productization call, Owner's eligible application
with Supplier on its panel (Supplier is the evaluator role of the matrix), a published ranking,
and fresh objects for the calls that change state (each request gets its own)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from mfgdata.db.tables import ProgAssignment, ProgRanking, utcnow
from mfgdata.programs import service as svc

if TYPE_CHECKING:
    from security.world import SecWorld

TEMPLATE = "data-productization-2025"
DEADLINE = dt.date(2099, 12, 20)
ISSUED = dt.date(2099, 12, 10)
CATS = (
    "사업 이해 및 필요성",
    "사업 수행 공정 및 수행 방안",
    "수행 결과물 및 상품화",
    "프로젝트 수행능력",
)


def form(name: str = "Owner") -> dict[str, Any]:
    return {
        "title": f"{name} 데이터 상품화",
        "company": {"name": name, "founded": "2015-03-01"},
        "members": [{"name": name, "role": "lead"}, {"name": "수요", "role": "demand"}],
        "budget": {
            "track": "productization",
            "government": 40_000_000,
            "cash": 5_000_000,
            "in_kind": 5_000_000,
            "applying_alone": False,
        },
    }


def fresh_call(world: SecWorld) -> int:
    with world.session() as s:
        call = svc.open_call(
            session=s,
            actor=world.user(s, "staff"),
            template=TEMPLATE,
            deadline_day=DEADLINE,
            now=utcnow(),
            slots=None,
        )
        s.commit()
        return call.id


def fresh_app(world: SecWorld, stage: str = "draft") -> int:
    """Owner's application on a fresh call, taken to ``stage``: draft, submitted, eligible,
    scored (Supplier's sheet in), ranked (ranking computed), published, selected (+ site check)."""
    call_id = fresh_call(world)
    order = ("draft", "submitted", "eligible", "scored", "ranked", "published")
    with world.session() as s:
        owner, staff, ev = (world.user(s, r) for r in ("owner", "staff", "supplier"))
        call = svc.get_call(s, call_id)
        app = svc.save_application(
            session=s, actor=owner, call=call, form=svc.parse_form(form()), now=utcnow()
        )
        now = utcnow()
        if order.index(stage) >= 1:
            svc.submit(session=s, actor=owner, app=app, now=now)
        if order.index(stage) >= 2:
            svc.review(session=s, actor=staff, app=app, eligible=True, note="ok", now=now)
        if order.index(stage) >= 3:
            a = svc.assign(session=s, actor=staff, app=app, evaluator=ev)
            svc.declare(session=s, actor=ev, assignment=a, conflict=False, note="", now=now)
            svc.score(
                session=s,
                actor=ev,
                assignment=a,
                scores=dict(zip(CATS, ("16", "24", "24", "16"), strict=True)),
                now=now,
            )
            svc.record_site_check(
                session=s,
                actor=staff,
                app=app,
                results={"existence": True, "data_holding": True, "capacity": True},
            )
        if order.index(stage) >= 4:
            r = svc.compute_ranking(session=s, actor=staff, call=call, now=now)
            world.ids["last_ranking"] = r.id
            if order.index(stage) >= 5:
                svc.publish_ranking(session=s, actor=staff, ranking=r, now=now)
        s.commit()
        world.ids["last_call"] = call_id
        return app.id


def fresh_assignment(world: SecWorld, declared: bool = False) -> int:
    app_id = fresh_app(world, "eligible")
    with world.session() as s:
        ev = world.user(s, "supplier")
        app = svc.get_application(s, app_id, world.user(s, "staff"))
        a = svc.assign(session=s, actor=world.user(s, "staff"), app=app, evaluator=ev)
        if declared:
            svc.declare(session=s, actor=ev, assignment=a, conflict=False, note="", now=utcnow())
        s.commit()
        return a.id


def fresh_appeal(world: SecWorld) -> int:
    app_id = fresh_app(world, "published")
    with world.session() as s:
        owner = world.user(s, "owner")
        app = svc.get_application(s, app_id, owner)
        appeal = svc.file_appeal(session=s, actor=owner, app=app, text="재검토", now=utcnow())
        s.commit()
        return appeal.id


def assignments_of(session: Any, app_id: int) -> list[ProgAssignment]:
    stmt = select(ProgAssignment).where(ProgAssignment.application_id == app_id)
    return list(session.scalars(stmt))


def setup(world: SecWorld) -> None:
    """The fixed objects: an eligible, scored, published application of Owner."""
    app_id = fresh_app(world, "published")
    world.ids["prog_app"] = app_id
    world.ids["prog_call"] = world.ids["last_call"]
    world.ids["prog_ranking"] = world.ids["last_ranking"]
    with world.session() as s:
        ranking = s.get(ProgRanking, world.ids["prog_ranking"])
        assert ranking is not None and ranking.published_at is not None
        ev = world.user(s, "supplier")
        world.ids["prog_assignment"] = svc.my_assignments(s, ev)[0].id


# -- matrix rows and how to call each route ------------------------------------------------------
AP = "/api/v1/programs"
A_ = f"{AP}/applications/{{app_id}}"
PG = "/programs"

# route                                               target  anon owner other supplier buyer staff admin t_read t_down t_api t_admin
ROWS = f"""
GET  {AP}/templates                                            -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {AP}/calls                                                -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST {AP}/calls                                                -       N    N     N     N        N     Y     Y     N      N      N     N
GET  {AP}/calls/{{call_id}}                                    -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST {AP}/calls/{{call_id}}/applications                       -       N    Y     Y     Y        Y     N     N     N      N      Y     N
GET  {AP}/applications                                         -       N    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  {A_}                                                      -       N    Y     N     Y        N     Y     Y     Y      N      N     N
PUT  {A_}                                                      -       N    Y     N     N        N     N     N     N      N      Y     N
POST {A_}/documents                                            -       N    Y     N     N        N     N     N     N      N      Y     N
POST {A_}/submit                                               -       N    Y     N     N        N     N     N     N      N      Y     N
POST {A_}/review                                               -       N    N     N     N        N     Y     Y     N      N      N     N
POST {A_}/bonus                                                -       N    N     N     N        N     Y     Y     N      N      N     N
POST {A_}/site-check                                           -       N    N     N     N        N     Y     Y     N      N      N     N
POST {A_}/assignments                                          -       N    N     N     N        N     Y     Y     N      N      N     N
GET  {AP}/assignments                                          -       N    Y     Y     Y        Y     Y     Y     Y      N      N     N
POST {AP}/assignments/{{assignment_id}}/declaration            -       N    N     N     Y        N     N     N     N      N      N     N
POST {AP}/assignments/{{assignment_id}}/scores                 -       N    N     N     Y        N     N     N     N      N      N     N
POST {AP}/calls/{{call_id}}/rankings                           -       N    N     N     N        N     Y     Y     N      N      N     N
GET  {AP}/calls/{{call_id}}/rankings                           -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {AP}/rankings/{{ranking_id}}                              -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST {AP}/rankings/{{ranking_id}}/publish                      -       N    N     N     N        N     Y     Y     N      N      N     N
POST {A_}/appeals                                              -       N    Y     N     N        N     N     N     N      N      Y     N
POST {AP}/appeals/{{appeal_id}}/decision                       -       N    N     N     N        N     Y     Y     N      N      N     N
POST {A_}/stages                                               -       N    N     N     N        N     Y     Y     N      N      N     N
GET  {A_}/audit                                                -       N    N     N     N        N     Y     Y     N      N      N     N
GET  {PG}                                                      -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {PG}/calls/{{call_id}}                                    -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST {PG}/calls/{{call_id}}/apply                              -       L    Y     Y     Y        Y     N     N     L      L      L     L
GET  {PG}/applications/{{app_id}}                              -       L    Y     N     Y        N     Y     Y     L      L      L     L
POST {PG}/applications/{{app_id}}/documents                    -       L    Y     N     N        N     N     N     L      L      L     L
POST {PG}/applications/{{app_id}}/submit                       -       L    Y     N     N        N     N     N     L      L      L     L
POST {PG}/applications/{{app_id}}/review                       -       L    N     N     N        N     Y     Y     L      L      L     L
POST {PG}/applications/{{app_id}}/assign                       -       L    N     N     N        N     Y     Y     L      L      L     L
POST {PG}/applications/{{app_id}}/site-check                   -       L    N     N     N        N     Y     Y     L      L      L     L
POST {PG}/applications/{{app_id}}/appeal                       -       L    Y     N     N        N     N     N     L      L      L     L
POST {PG}/appeals/{{appeal_id}}/decide                         -       L    N     N     N        N     Y     Y     L      L      L     L
GET  {PG}/assignments/{{assignment_id}}                        -       L    N     N     Y        N     N     N     L      L      L     L
POST {PG}/assignments/{{assignment_id}}/declare                -       L    N     N     Y        N     N     N     L      L      L     L
POST {PG}/assignments/{{assignment_id}}/scores                 -       L    N     N     Y        N     N     N     L      L      L     L
POST {PG}/calls/{{call_id}}/rank                               -       L    N     N     N        N     Y     Y     L      L      L     L
GET  {PG}/rankings/{{ranking_id}}                              -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST {PG}/rankings/{{ranking_id}}/publish                      -       L    N     N     N        N     Y     Y     L      L      L     L
"""

Req = tuple[str, str, dict[str, Any]]
SCORES = dict(zip(CATS, ("15", "22", "22", "15"), strict=True))


def _docs(w: SecWorld, app_id: int) -> dict[str, Any]:
    with w.session() as s:
        member = svc.members_of(s, svc.get_application(s, app_id, w.user(s, "owner")))[0].id
    return {
        "member_id": member,
        "doc_id": "business_registration",
        "issued_on": str(ISSUED),
        "filename": "b.pdf",
    }


def _api_docs(w: SecWorld, _t: str) -> Req:
    app_id = fresh_app(w)
    return (
        "POST",
        f"{AP}/applications/{app_id}/documents",
        {"params": _docs(w, app_id), "content": b"%PDF-1.4"},
    )


def _page_docs(w: SecWorld, _t: str) -> Req:
    app_id = fresh_app(w)
    data = {k: str(v) for k, v in _docs(w, app_id).items() if k != "filename"}
    return (
        "POST",
        f"{PG}/applications/{app_id}/documents",
        {"data": data, "files": {"file": ("b.pdf", b"%PDF-1.4", "application/pdf")}},
    )


def _stage(w: SecWorld, _t: str) -> Req:
    app_id = fresh_app(w, "published")
    return "POST", f"{AP}/applications/{app_id}/stages", {"json": {"kind": "agreement"}}


SITE = {"existence": True, "data_holding": True, "capacity": True}
BUILDERS: dict[str, Any] = {
    f"GET {AP}/templates": lambda w, t: ("GET", f"{AP}/templates", {}),
    f"GET {AP}/calls": lambda w, t: ("GET", f"{AP}/calls", {}),
    f"POST {AP}/calls": lambda w, t: (
        "POST",
        f"{AP}/calls",
        {"json": {"template": TEMPLATE, "deadline_day": str(DEADLINE)}},
    ),
    f"GET {AP}/calls/{{call_id}}": lambda w, t: ("GET", f"{AP}/calls/{w.ids['prog_call']}", {}),
    f"POST {AP}/calls/{{call_id}}/applications": lambda w, t: (
        "POST",
        f"{AP}/calls/{fresh_call(w)}/applications",
        {"json": form()},
    ),
    f"GET {AP}/applications": lambda w, t: ("GET", f"{AP}/applications", {}),
    f"GET {A_}": lambda w, t: ("GET", f"{AP}/applications/{w.ids['prog_app']}", {}),
    f"PUT {A_}": lambda w, t: ("PUT", f"{AP}/applications/{fresh_app(w)}", {"json": form()}),
    f"POST {A_}/documents": _api_docs,
    f"POST {A_}/submit": lambda w, t: ("POST", f"{AP}/applications/{fresh_app(w)}/submit", {}),
    f"POST {A_}/review": lambda w, t: (
        "POST",
        f"{AP}/applications/{fresh_app(w, 'submitted')}/review",
        {"json": {"eligible": True, "note": "ok"}},
    ),
    f"POST {A_}/bonus": lambda w, t: (
        "POST",
        f"{AP}/applications/{w.ids['prog_app']}/bonus",
        {"json": {"items": ["trading_record"]}},
    ),
    f"POST {A_}/site-check": lambda w, t: (
        "POST",
        f"{AP}/applications/{w.ids['prog_app']}/site-check",
        {"json": {"results": SITE}},
    ),
    f"POST {A_}/assignments": lambda w, t: (
        "POST",
        f"{AP}/applications/{fresh_app(w, 'eligible')}/assignments",
        {"json": {"evaluator_email": "supplier@supplier.kr"}},
    ),
    f"GET {AP}/assignments": lambda w, t: ("GET", f"{AP}/assignments", {}),
    f"POST {AP}/assignments/{{assignment_id}}/declaration": lambda w, t: (
        "POST",
        f"{AP}/assignments/{fresh_assignment(w)}/declaration",
        {"json": {"conflict": False}},
    ),
    f"POST {AP}/assignments/{{assignment_id}}/scores": lambda w, t: (
        "POST",
        f"{AP}/assignments/{fresh_assignment(w, declared=True)}/scores",
        {"json": {"scores": SCORES}},
    ),
    f"POST {AP}/calls/{{call_id}}/rankings": lambda w, t: (
        "POST",
        f"{AP}/calls/{w.ids['last_call'] if fresh_app(w, 'scored') else 0}/rankings",
        {},
    ),
    f"GET {AP}/calls/{{call_id}}/rankings": lambda w, t: (
        "GET",
        f"{AP}/calls/{w.ids['prog_call']}/rankings",
        {},
    ),
    f"GET {AP}/rankings/{{ranking_id}}": lambda w, t: (
        "GET",
        f"{AP}/rankings/{w.ids['prog_ranking']}",
        {},
    ),
    f"POST {AP}/rankings/{{ranking_id}}/publish": lambda w, t: (
        "POST",
        f"{AP}/rankings/{w.ids['last_ranking'] if fresh_app(w, 'ranked') else 0}/publish",
        {},
    ),
    f"POST {A_}/appeals": lambda w, t: (
        "POST",
        f"{AP}/applications/{fresh_app(w, 'published')}/appeals",
        {"json": {"text": "x"}},
    ),
    f"POST {AP}/appeals/{{appeal_id}}/decision": lambda w, t: (
        "POST",
        f"{AP}/appeals/{fresh_appeal(w)}/decision",
        {"json": {"uphold": False, "note": "no"}},
    ),
    f"POST {A_}/stages": _stage,
    f"GET {A_}/audit": lambda w, t: ("GET", f"{AP}/applications/{w.ids['prog_app']}/audit", {}),
    f"GET {PG}": lambda w, t: ("GET", PG, {}),
    f"GET {PG}/calls/{{call_id}}": lambda w, t: ("GET", f"{PG}/calls/{w.ids['prog_call']}", {}),
    f"POST {PG}/calls/{{call_id}}/apply": lambda w, t: (
        "POST",
        f"{PG}/calls/{fresh_call(w)}/apply",
        {
            "data": {
                "title": "t",
                "company_name": "c",
                "founded": "2015-03-01",
                "track": "productization",
                "government": "40000000",
                "cash": "5000000",
                "in_kind": "5000000",
                "demand": "d",
            }
        },
    ),
    f"GET {PG}/applications/{{app_id}}": lambda w, t: (
        "GET",
        f"{PG}/applications/{w.ids['prog_app']}",
        {},
    ),
    f"POST {PG}/applications/{{app_id}}/documents": _page_docs,
    f"POST {PG}/applications/{{app_id}}/submit": lambda w, t: (
        "POST",
        f"{PG}/applications/{fresh_app(w)}/submit",
        {},
    ),
    f"POST {PG}/applications/{{app_id}}/review": lambda w, t: (
        "POST",
        f"{PG}/applications/{fresh_app(w, 'submitted')}/review",
        {"data": {"decision": "eligible", "note": "ok"}},
    ),
    f"POST {PG}/applications/{{app_id}}/assign": lambda w, t: (
        "POST",
        f"{PG}/applications/{fresh_app(w, 'eligible')}/assign",
        {"data": {"evaluator_email": "supplier@supplier.kr"}},
    ),
    f"POST {PG}/applications/{{app_id}}/site-check": lambda w, t: (
        "POST",
        f"{PG}/applications/{w.ids['prog_app']}/site-check",
        {"data": {f"item_{k}": "pass" for k in SITE}},
    ),
    f"POST {PG}/applications/{{app_id}}/appeal": lambda w, t: (
        "POST",
        f"{PG}/applications/{fresh_app(w, 'published')}/appeal",
        {"data": {"text": "x"}},
    ),
    f"POST {PG}/appeals/{{appeal_id}}/decide": lambda w, t: (
        "POST",
        f"{PG}/appeals/{fresh_appeal(w)}/decide",
        {"data": {"decision": "reject", "note": "no"}},
    ),
    f"GET {PG}/assignments/{{assignment_id}}": lambda w, t: (
        "GET",
        f"{PG}/assignments/{w.ids['prog_assignment']}",
        {},
    ),
    f"POST {PG}/assignments/{{assignment_id}}/declare": lambda w, t: (
        "POST",
        f"{PG}/assignments/{fresh_assignment(w)}/declare",
        {"data": {"conflict": "no"}},
    ),
    f"POST {PG}/assignments/{{assignment_id}}/scores": lambda w, t: (
        "POST",
        f"{PG}/assignments/{fresh_assignment(w, declared=True)}/scores",
        {"data": {f"cat_{i}": v for i, v in enumerate(SCORES.values())}},
    ),
    f"POST {PG}/calls/{{call_id}}/rank": lambda w, t: (
        "POST",
        f"{PG}/calls/{w.ids['last_call'] if fresh_app(w, 'scored') else 0}/rank",
        {},
    ),
    f"GET {PG}/rankings/{{ranking_id}}": lambda w, t: (
        "GET",
        f"{PG}/rankings/{w.ids['prog_ranking']}",
        {},
    ),
    f"POST {PG}/rankings/{{ranking_id}}/publish": lambda w, t: (
        "POST",
        f"{PG}/rankings/{w.ids['last_ranking'] if fresh_app(w, 'ranked') else 0}/publish",
        {},
    ),
}
