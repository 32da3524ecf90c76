"""Data library commands: ``register``, ``publish``, ``retire``, ``delete``, ``search`` and
``users create``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mfgdata.catalog.licences import LICENCES, get_licence
from mfgdata.catalog.metadata import ProductMeta
from mfgdata.catalog.proposal import propose as propose_meta
from mfgdata.catalog.register import register_product
from mfgdata.catalog.search import FILTERS, SORTS, search_products
from mfgdata.catalog.workflow import delete_version, edit_details
from mfgdata.catalog.workflow import publish as publish_version
from mfgdata.catalog.workflow import retire as retire_version
from mfgdata.catalog.workflow import verify as verify_version
from mfgdata.cli.console import console, handle_errors
from mfgdata.db.engine import session_scope
from mfgdata.db.migrate import upgrade
from mfgdata.db.repositories.organisations import get_or_create_organisation
from mfgdata.db.repositories.products import get_version
from mfgdata.db.repositories.users import UserCreate, create_user
from mfgdata.db.tables import ProductVersion
from mfgdata.errors import ConfigError

users_app = typer.Typer(help="사용자 / Users", no_args_is_help=True, add_completion=False)

OrgOption = Annotated[str, typer.Option("--org", help="조직 이름 / organisation name")]
KindOption = Annotated[
    str, typer.Option("--kind", help="조직 유형 / manufacturer|supplier|center|buyer")
]


def _row(v: ProductVersion) -> tuple[str, ...]:
    price = f"₩{int(v.price_krw):,}" if v.price_krw is not None else "-"
    return (v.product_id, str(v.version), v.status, v.grade or "-", price, v.product.title_ko)


def _table(title: str, versions: list[ProductVersion]) -> Table:
    table = Table(title=title)
    for col in ("id", "version", "status", "grade", "price", "title"):
        table.add_column(col)
    for v in versions:
        table.add_row(*_row(v))
    return table


def register_folder(
    product_dir: Path, *, org: str, kind: str = "manufacturer", meta: ProductMeta | None = None
) -> ProductVersion:
    """Register a built folder for ``org`` (created when new); what ``build --register`` calls."""
    upgrade()
    with session_scope() as session:
        owner = get_or_create_organisation(session=session, name=org, kind=kind)
        return register_product(product_dir, session=session, owner_org=owner, meta=meta)


@handle_errors
def register(
    product_dir: Annotated[Path, typer.Argument(help="제품 폴더 / product folder")],
    org: OrgOption = "local",
    kind: KindOption = "manufacturer",
    process_family: Annotated[str | None, typer.Option(help="공정 / process family")] = None,
    problem_type: Annotated[str | None, typer.Option(help="문제 유형 / problem type")] = None,
    licence: Annotated[str | None, typer.Option(help="라이선스 / licence")] = None,
    title_ko: Annotated[str | None, typer.Option(help="제목(한국어) / Korean title")] = None,
    title_en: Annotated[str | None, typer.Option(help="제목(영어) / English title")] = None,
    description: Annotated[str | None, typer.Option(help="설명 / description")] = None,
) -> None:
    """제품을 데이터 라이브러리에 초안으로 등록합니다 / Register a product as a draft.

    Without a title the library proposes one from the data (see ``mfgdata propose``)."""
    meta = ProductMeta(
        process_family=process_family,
        problem_type=problem_type,
        licence=licence,
        title_ko=title_ko,
        title_en=title_en,
        description=description,
    )
    v = register_folder(product_dir, org=org, kind=kind, meta=meta)
    console.print(_table("등록됨 / registered", [v]))


@handle_errors
def propose(
    product_dir: Annotated[Path, typer.Argument(help="제품 폴더 / product folder")],
    raw: Annotated[
        list[Path] | None, typer.Argument(help="원본 파일 (머리말용) / raw inputs (preamble)")
    ] = None,
) -> None:
    """데이터에서 제목과 설명을 제안합니다 / Propose a title and description from the data
    (edit them with ``register --title-ko/--title-en/--description``)."""
    p = propose_meta(product_dir, raw or [])
    console.print(f"title_ko: {p.title_ko}\ntitle_en: {p.title_en}", highlight=False)
    console.print(f"description: {p.description}", highlight=False)
    console.print(f"process_family: {p.process_family}", highlight=False)
    for reason in p.reasons:
        console.print(f"  - {reason}", highlight=False)


@handle_errors
def publish(
    product_id: Annotated[str, typer.Argument(help="제품 ID / product id")],
    version: Annotated[int | None, typer.Option(help="버전 / version (default: newest)")] = None,
    licence: Annotated[
        str | None,
        typer.Option(
            help=f"구매자가 동의할 라이선스 / licence buyers accept: {'|'.join(LICENCES)}"
        ),
    ] = None,
    approval: Annotated[
        bool | None,
        typer.Option(
            "--approval/--no-approval", help="주문에 판매자 승인 필요 / orders need approval"
        ),
    ] = None,
    title_ko: Annotated[
        str | None, typer.Option(help="게시 전 한국어 제목 수정 / Korean title before publishing")
    ] = None,
    title_en: Annotated[
        str | None, typer.Option(help="게시 전 영어 제목 수정 / English title before publishing")
    ] = None,
    description: Annotated[
        str | None, typer.Option(help="게시 전 설명 수정 / description before publishing")
    ] = None,
) -> None:
    """제품을 검증하고 게시합니다. 라이선스 문서가 제품 패키지에 들어갑니다 / Verify (if needed)
    and publish a product version; the licence texts go into the package."""
    upgrade()
    if licence is not None:
        get_licence(licence)  # an unknown licence is refused before anything changes
    with session_scope() as session:
        v = get_version(session=session, product_id=product_id, version=version, viewer=None)
        edit_details(
            session=session,
            version=v,
            actor=None,
            title_ko=title_ko,
            title_en=title_en,
            description=description,
        )
        if v.status == "draft":
            verify_version(session=session, version=v, actor=None)
        publish_version(
            session=session, version=v, actor=None, licence=licence, approval_required=approval
        )
        console.print(_table("게시됨 / published", [v]))


@handle_errors
def retire(
    product_id: Annotated[str, typer.Argument(help="제품 ID / product id")],
    version: Annotated[int | None, typer.Option(help="버전 / version (default: newest)")] = None,
) -> None:
    """게시를 중단합니다 (검색에서 숨김, 기존 구매자는 계속 다운로드) / Retire a version:
    hidden from search, still downloadable by past buyers and grantees."""
    upgrade()
    with session_scope() as session:
        v = get_version(session=session, product_id=product_id, version=version, viewer=None)
        retire_version(session=session, version=v, actor=None)
        console.print(_table("게시 중단됨 / retired", [v]))


@handle_errors
def delete(
    product_id: Annotated[str, typer.Argument(help="제품 ID / product id")],
    version: Annotated[int, typer.Option(help="버전 / version")],
) -> None:
    """버전을 삭제합니다 (게시 1년 후, 게시 중단 상태만) / Delete a version: never a published
    one, and a once-published one only a year after publication (refusals are audited)."""
    upgrade()
    with session_scope() as session:
        v = get_version(session=session, product_id=product_id, version=version, viewer=None)
        delete_version(session=session, version=v, actor=None)
        console.print(f"삭제됨 / deleted: {product_id}@{version}", highlight=False)


def _facets(pairs: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in FILTERS:
            raise ConfigError(
                f"패싯은 이름=값 형식입니다 (이름: {', '.join(FILTERS)})",
                f"a facet is NAME=VALUE (names: {', '.join(FILTERS)})",
            )
        out.setdefault(key, []).append(value)
    return out


@handle_errors
def search(
    q: Annotated[str, typer.Argument(help="검색어 / query")] = "",
    facet: Annotated[
        list[str] | None, typer.Option("--facet", "-f", help="이름=값 / NAME=VALUE")
    ] = None,
    limit: Annotated[int, typer.Option(help="최대 개수 / max results")] = 20,
    sort: Annotated[str, typer.Option(help=f"정렬 / sort: {'|'.join(SORTS)}")] = "newest",
    cursor: Annotated[str | None, typer.Option(help="다음 페이지 / next page cursor")] = None,
) -> None:
    """라이브러리를 검색합니다 (운영자 보기: 초안 포함) / Search the library (operator view).

    The same search as the web page and ``GET /api/v1/products``."""
    upgrade()
    raw = _facets(facet or [])
    facets: dict[str, object] = {
        k: (v[-1] if k.startswith("price_") else v) for k, v in raw.items()
    }
    with session_scope() as session:
        found = search_products(
            session=session, q=q, facets=facets, limit=limit, sort=sort, cursor=cursor
        )
        console.print(_table(f"검색 결과 / results: {found.total}", found.results))
        if found.next_cursor:
            console.print(f"다음 / next: --cursor {found.next_cursor}", highlight=False)
        for name, counts in found.facets.items():
            if counts:
                shown = ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
                console.print(f"[bold]{name}[/]: {shown}", highlight=False)


@users_app.command("create")
@handle_errors
def create(
    email: Annotated[str, typer.Option("--email", help="전자우편 / e-mail")],
    org: OrgOption,
    role: Annotated[str, typer.Option("--role", help="admin|center_staff|member|buyer")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="표준 입력의 비밀번호 / password on stdin")
    ] = False,
    name: Annotated[str | None, typer.Option(help="이름 / name")] = None,
    kind: KindOption = "manufacturer",
    locale: Annotated[str, typer.Option(help="ko|en")] = "ko",
) -> None:
    """사용자를 만듭니다 / Create a user (the password is read from stdin, never an argument)."""
    if not password_stdin:
        raise ConfigError(
            "비밀번호는 --password-stdin 으로 표준 입력에서 읽습니다",
            "pass the password on stdin with --password-stdin",
        )
    password = sys.stdin.readline().rstrip("\r\n")
    upgrade()
    with session_scope() as session:
        organisation = get_or_create_organisation(session=session, name=org, kind=kind)
        user = create_user(
            session=session,
            data=UserCreate(
                email=email,
                name=name or email.split("@")[0],
                org_id=organisation.id,
                role=role,
                password=password,
                locale=locale,
            ),
        )
        console.print(f"사용자 / user {user.id}: {user.email} ({user.role}, {organisation.name})")
