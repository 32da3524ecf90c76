"""Register a built product folder in the library: verify, copy immutably, insert rows.

Never half-registered: the folder is verified, copied to a temporary folder next to its place in
the object store, verified again, renamed into place, and only then are the rows inserted and
committed. Any failure removes the copy and rolls back the rows. A crash between rename and
commit leaves a folder without a row, which the next registration of that version (or
``sweep_orphans``) removes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.catalog.errors import RegistrationError
from mfgdata.catalog.metadata import (
    ProductFacts,
    ProductMeta,
    read_facts,
    resolve_meta,
    search_text,
)
from mfgdata.catalog.proposal import propose
from mfgdata.db.engine import objects_dir
from mfgdata.db.repositories.products import next_version_number
from mfgdata.db.tables import Organisation, Product, ProductVersion, User
from mfgdata.errors import ProductError
from mfgdata.pipeline.manifest import MANIFEST, check_manifest, read_manifest
from mfgdata.settings import Settings, get_settings


def products_root(settings: Settings | None = None) -> Path:
    return objects_dir(settings or get_settings()) / "products"


def _verify(folder: Path) -> None:
    problems = check_manifest(folder)
    if problems:
        listed = ", ".join(f"{p['file']} ({p['problem']})" for p in problems[:5])
        raise RegistrationError(
            f"제품 폴더가 manifest.json과 다릅니다 (변조 또는 손상): {listed}",
            f"the product folder does not match its manifest (tampered or damaged): {listed}",
            file=folder,
        )


def _freeze(folder: Path) -> None:
    """Make the registered copy read-only (files and folders)."""
    for path in sorted(folder.rglob("*"), reverse=True):
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    folder.chmod(folder.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def remove_tree(folder: Path) -> None:
    """Remove a (possibly read-only) folder of the object store."""
    if not folder.exists():
        return
    folder.chmod(0o755)
    for sub in folder.rglob("*"):
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(folder)  # files may stay read-only: unlinking needs the folder's permission


def _copy_in(source: Path, dest: Path) -> None:
    tmp = dest.parent / f".{dest.name}.partial-{uuid.uuid4().hex[:8]}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copytree(source, tmp)
        _verify(tmp)
        _freeze(tmp)
        os.rename(tmp, dest)
    except BaseException:
        remove_tree(tmp)
        raise


def _owner(session: Session, owner_org: Organisation | int) -> Organisation:
    org = owner_org if isinstance(owner_org, Organisation) else session.get(Organisation, owner_org)
    if org is None:
        raise RegistrationError(
            f"소유 조직이 없습니다: {owner_org}", f"unknown owner organisation {owner_org}"
        )
    return org


def content_digest(manifest: dict[str, Any]) -> str:
    """SHA-256 over the manifest's file digests only: a rebuild that writes the same files under
    a new header (created time) has the same content digest."""
    files = manifest.get("files") or {}
    listed = sorted((str(k), str(v.get("sha256"))) for k, v in files.items() if isinstance(v, dict))
    return hashlib.sha256(json.dumps(listed).encode()).hexdigest()


def _same_content(
    session: Session, product_id: str, digest: str, settings: Settings | None
) -> ProductVersion | None:
    """The newest registered version of ``product_id`` whose stored files are ``digest``."""
    stmt = (
        select(ProductVersion)
        .where(ProductVersion.product_id == product_id)
        .order_by(ProductVersion.version.desc())
    )
    for row in session.scalars(stmt):
        folder = version_folder(row, settings)
        try:
            stored = read_manifest(folder)
            # a published copy carries its licence files: compare what was registered
            if digest in (content_digest(stored), stored.get("registered_content_sha256")):
                return row
        except (OSError, ValueError, ProductError):
            continue
    return None


def _with_proposal(source: Path, facts: ProductFacts, pid: str, meta: ProductMeta) -> ProductMeta:
    """A folder built without a title gets a title (and description, process family) proposed
    from its data; anything given in ``meta`` wins."""
    if meta.title_ko or meta.title_en or facts.title not in (facts.product_id, pid, source.name):
        return meta
    proposal = propose(source)
    family = proposal.process_family if proposal.process_family != "other" else None
    return replace(
        meta,
        title_ko=proposal.title_ko,
        title_en=proposal.title_en,
        description=meta.description
        if meta.description is not None
        else (facts.description or proposal.description),
        process_family=meta.process_family or family,
    )


def register_product(
    product_dir: Path,
    *,
    session: Session,
    owner_org: Organisation | int,
    actor: User | None = None,
    meta: ProductMeta | None = None,
    product_id: str | None = None,
    settings: Settings | None = None,
) -> ProductVersion:
    """Register ``product_dir`` as a new draft version; commits ``session`` on success.

    An unchanged folder (the same file digests as a version of the same product) is not copied
    again: that version is returned, and the attempt audited (``product.register.unchanged``)."""
    source = Path(product_dir).absolute()
    _verify(source)
    manifest = read_manifest(source)
    facts = read_facts(source, manifest)
    pid = product_id or facts.product_id
    org = _owner(session, owner_org)
    product = session.get(Product, pid)
    if product is not None and product.owner_org_id != org.id:
        raise RegistrationError(
            f"제품 ID '{pid}'는 다른 조직의 제품입니다. 다른 ID로 등록하세요",
            f"product id '{pid}' belongs to another organisation; register under another id",
        )
    fields = resolve_meta(facts, _with_proposal(source, facts, pid, meta or ProductMeta()))
    existing = _same_content(session, pid, content_digest(manifest), settings) if product else None
    if existing is not None:
        audit.record(
            session=session,
            action="product.register.unchanged",
            actor=actor,
            org_id=org.id,
            target=f"product:{pid}@{existing.version}",
            detail={"manifest_sha256": existing.manifest_sha256},
        )
        session.commit()
        return existing
    version = next_version_number(session=session, product_id=pid)
    dest = products_root(settings) / pid / str(version)
    if dest.exists():  # left by a crash between rename and commit: no row points to it
        remove_tree(dest)
    _copy_in(source, dest)
    try:
        if product is None:
            product = Product(id=pid, owner_org_id=org.id, **fields)
            session.add(product)
        row = ProductVersion(
            product=product,
            product_id=pid,
            version=version,
            folder=dest.relative_to(objects_dir(settings or get_settings())).as_posix(),
            manifest_sha256=hashlib.sha256((dest / MANIFEST).read_bytes()).hexdigest(),
            status="draft",
            grade=facts.grade,
            score=facts.score,
            price_krw=facts.price_krw,
            rows=facts.rows,
            columns=facts.columns,
            registered_by_id=actor.id if actor else None,
            search_text=search_text(
                pid,
                fields,
                facts.column_names,
                semantic_names=facts.semantic_names,
                organisation=org.name,
            ),
        )
        session.add(row)
        session.flush()
        audit.record(
            session=session,
            action="product.register",
            actor=actor,
            org_id=org.id,
            target=f"product:{pid}@{version}",
            detail={"grade": facts.grade, "manifest_sha256": row.manifest_sha256},
        )
        session.commit()
    except BaseException:
        session.rollback()
        remove_tree(dest)
        raise
    return row


def _write_new(path: Path, data: bytes) -> None:
    """Replace ``path`` (maybe a hard link shared with the stored copy) by a new file."""
    path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _link_copy(source: Path, dest: Path) -> None:
    """``dest`` as a copy of ``source`` made of hard links (a plain copy where links fail)."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, dest, copy_function=link)


def restamp(
    *,
    session: Session,
    version: ProductVersion,
    files: dict[str, bytes],
    header: dict[str, Any] | None = None,
    settings: Settings | None = None,
) -> bool:
    """Write ``files`` (relative path → bytes) into the registered copy of ``version`` with a new
    manifest (``header`` merged into its header); False when the copy already holds them.

    The copy stays immutable in the sense that matters: a complete new folder is made next to it
    (hard links for the unchanged files, so no data is copied), its manifest checked, frozen, and
    swapped in by two renames; ``version.manifest_sha256`` follows. The previous folder is removed
    when the session commits, and swapped back if it rolls back. The manifest remembers the
    registered content (``registered_content_sha256``), so registering the unchanged source
    folder again still finds this version."""
    folder = version_folder(version, settings)
    old = read_manifest(folder)
    listed = old.get("files") or {}
    new_files = {
        rel: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        for rel, data in files.items()
    }
    new_header = {k: v for k, v in old.items() if k != "files"}
    new_header.setdefault("registered_content_sha256", content_digest(old))
    new_header.update(header or {})
    if all(listed.get(rel) == meta for rel, meta in new_files.items()) and all(
        old.get(k) == v for k, v in new_header.items()
    ):
        return False
    tag = uuid.uuid4().hex[:8]
    fresh = folder.parent / f".{folder.name}.stamp-{tag}"
    previous = folder.parent / f".{folder.name}.prev-{tag}"
    try:
        _link_copy(folder, fresh)
        fresh.chmod(0o755)
        for sub in fresh.rglob("*"):
            if sub.is_dir():
                sub.chmod(0o755)
        for rel, data in files.items():
            _write_new(fresh / rel, data)
        manifest = {**new_header, "files": {**listed, **new_files}}
        _write_new(
            fresh / MANIFEST,
            (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode(),
        )
        _verify(fresh)
        _freeze(fresh)
        os.rename(folder, previous)
        os.rename(fresh, folder)
    except BaseException:
        remove_tree(fresh)
        if previous.exists() and not folder.exists():
            os.rename(previous, folder)
        raise
    version.manifest_sha256 = hashlib.sha256((folder / MANIFEST).read_bytes()).hexdigest()
    _on_outcome(session, folder, previous)
    return True


_SWAPS = "mfgdata.restamped"


def _on_outcome(session: Session, folder: Path, previous: Path) -> None:
    """Remove ``previous`` when the session commits; put it back if it rolls back."""
    swaps: list[tuple[Path, Path]] = session.info.setdefault(_SWAPS, [])
    swaps.append((folder, previous))
    if len(swaps) == 1 and not event.contains(session, "after_commit", _after_commit):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)


def _after_commit(session: Session) -> None:
    for _folder, previous in session.info.pop(_SWAPS, []):
        remove_tree(previous)


def _after_rollback(session: Session) -> None:
    for folder, previous in reversed(session.info.pop(_SWAPS, [])):
        if previous.exists():
            dead = folder.parent / f".{folder.name}.dead-{uuid.uuid4().hex[:8]}"
            os.rename(folder, dead)
            os.rename(previous, folder)
            remove_tree(dead)


def version_folder(version: ProductVersion, settings: Settings | None = None) -> Path:
    """The registered copy of a version in the object store."""
    return objects_dir(settings or get_settings()) / version.folder


def sweep_orphans(*, session: Session, settings: Settings | None = None) -> list[Path]:
    """Remove object-store folders that no version row points to (crash leftovers)."""
    root = objects_dir(settings or get_settings())
    known = set(session.scalars(select(ProductVersion.folder)).all())
    removed: list[Path] = []
    base = products_root(settings)
    if not base.is_dir():
        return removed
    for product in base.iterdir():
        for folder in product.iterdir() if product.is_dir() else ():
            if folder.relative_to(root).as_posix() not in known:
                remove_tree(folder)
                removed.append(folder)
    return removed
