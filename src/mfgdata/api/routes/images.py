"""Image records of an image product (issue 15): the list and one image per record.

``GET /api/v1/products/{id}/versions/{v}/images?label=&limit=&offset=`` lists the records of
``data/table.parquet`` (image, label, size, format, URL of the image);
``GET .../images/{path}`` returns one image file of ``data/images/`` (a path the product's
manifest lists; anything else is 404). Both need the rows permission, as the rows API does; a
table product lists no images.
"""

from __future__ import annotations

import io
import json
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, Response
from PIL import Image
from starlette.concurrency import run_in_threadpool

from mfgdata.api.deps import READ_ROWS, ProductRef, json_response, product_for
from mfgdata.catalog.errors import NotFound
from mfgdata.images.decode import grey
from mfgdata.images.records import IMAGES_DIR

router = APIRouter(prefix="/api/v1/products/{product_id}/versions/{version}", tags=["images"])

MEDIA = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".bmp": "image/bmp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
MAX_LIMIT = 1_000
COLUMNS = ("image", "name", "label", "width", "height", "bit_depth", "format", "bytes")


def _no_images() -> NotFound:
    return NotFound("이 제품에는 이미지가 없습니다", "this product holds no images")


def image_url(product: ProductRef, image: str) -> str:
    rel = image.removeprefix(f"{IMAGES_DIR}/")
    return f"/api/v1/products/{product.product_id}/versions/{product.version}/images/{rel}"


def list_records(product: ProductRef, label: str | None, limit: int, offset: int) -> dict[str, Any]:
    folder = Path(product.folder)
    table = folder / "data" / "table.parquet"
    units = {"width": "px", "height": "px", "bit_depth": "bit", "bytes": "B"}
    head = {"product_id": product.product_id, "version": product.version, "units": units}
    names = pl.scan_parquet(table).collect_schema().names() if table.is_file() else []
    if not (folder / IMAGES_DIR).is_dir() or "image" not in names:  # a table product
        return {**head, "total": 0, "offset": offset, "limit": limit, "images": []}
    lf = pl.scan_parquet(table)
    if label is not None:
        lf = lf.filter(pl.col("label") == label)
    total = int(lf.select(pl.len()).collect().item())
    cols = [c for c in COLUMNS if c in names]
    page = lf.select(cols).slice(offset, limit).collect()
    rows = [{**r, "url": image_url(product, r["image"])} for r in page.iter_rows(named=True)]
    return {**head, "total": total, "offset": offset, "limit": limit, "images": rows}


@router.get("/images", summary="이미지 레코드 목록 / List the image records")
async def list_images(
    product: Annotated[ProductRef, Depends(product_for(READ_ROWS))],
    label: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> Response:
    body = await run_in_threadpool(list_records, product, label, limit, offset)
    return json_response(body)


def image_file(product: ProductRef, path: str) -> Path:
    """The image file ``path`` (relative to data/images) if the manifest lists it."""
    rel = PurePosixPath(path)
    bad = "\x00" in path or "\\" in path or rel.is_absolute() or ".." in rel.parts
    if bad or Path(path).suffix.lower() not in MEDIA:
        raise NotFound("이미지를 찾을 수 없습니다", "no such image")
    folder = Path(product.folder)
    key = f"{IMAGES_DIR}/{rel.as_posix()}"
    try:
        files = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError) as e:
        raise _no_images() from e
    if key not in files or not (folder / key).is_file():
        raise NotFound("이미지를 찾을 수 없습니다", "no such image")
    return folder / key


#: longer side of a preview (px)
THUMB_SIDE = 160


def thumbnail_png(file: Path) -> bytes:
    """A browser-safe preview: 8-bit PNG at most THUMB_SIDE px (TIFF and 16-bit images too)."""
    with Image.open(file) as im:
        im.load()
        bits = 16 if im.mode.startswith("I;16") or (im.mode == "I" and im.format == "PNG") else 8
        if bits == 16 or im.mode in ("I", "F"):
            small = Image.fromarray((grey(im, bits) * 255.0).astype("uint8"))
        else:
            small = im.convert("RGB") if im.mode not in ("L", "RGB") else im.copy()
    small.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.BOX)
    buf = io.BytesIO()
    small.save(buf, format="PNG")
    return buf.getvalue()


@router.get(
    "/images/{path:path}",
    summary="이미지 한 장 다운로드 / Download one image",
    response_class=FileResponse,
)
async def get_image(
    path: str,
    product: Annotated[ProductRef, Depends(product_for(READ_ROWS))],
    thumb: Annotated[
        bool, Query(description="작은 PNG 미리보기 / a small PNG preview (any format, 16-bit too)")
    ] = False,
) -> Response:
    file = await run_in_threadpool(image_file, product, path)
    if thumb:
        data = await run_in_threadpool(thumbnail_png, file)
        return Response(
            data, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"}
        )
    return FileResponse(
        file,
        media_type=MEDIA[file.suffix.lower()],
        headers={"Cache-Control": "private, max-age=3600"},
    )
