"""The standard licences a seller chooses from at publish time, each in Korean and English.

The codes are the pricing step's licence scopes (``internal-use``, ``commercial``,
``redistribution``; see pricing/inputs.py) plus CC BY 4.0 for open data. An order stores the
SHA-256 of the licence text the buyer accepted (``licence_text``), so a later change of wording
never changes what was agreed.

Publishing writes the chosen licence into the product package (``package_files``): the full text
in Korean (``LICENSE.ko.md``) and English (``LICENSE.en.md``), and the ``licenses`` entry of
``datapackage.json`` (which the Croissant ``license`` and the DCAT ``dct:license`` are read from).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from mfgdata.catalog.errors import OrderError


@dataclass(frozen=True)
class Licence:
    code: str
    title_ko: str
    title_en: str
    text_ko: str
    text_en: str
    url: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(licence_body(self).encode("utf-8")).hexdigest()


_COMMON_KO = (
    "데이터 제공자는 데이터가 제품 폴더의 manifest.json과 일치함을 보증하며, 품질 등급과 "
    "quality.json의 측정 결과 외의 적합성은 보증하지 않습니다. 구매자는 원 제공자와 제품 ID를 "
    "표시해야 합니다. 이 라이선스는 대한민국 법에 따릅니다."
)
_COMMON_EN = (
    "The provider warrants that the data matches the product folder's manifest.json and makes no "
    "warranty of fitness beyond the quality grade and the measures in quality.json. The buyer "
    "credits the provider and the product id. This licence is governed by the laws of Korea."
)

LICENCES: dict[str, Licence] = {
    lic.code: lic
    for lic in (
        Licence(
            "internal-use",
            "내부 이용 라이선스",
            "Internal-use licence",
            "구매 조직은 데이터를 조직 내부의 분석, 모델 학습과 검증에만 이용할 수 있습니다. "
            "데이터 자체나 데이터를 복원할 수 있는 결과물을 제3자에게 제공할 수 없습니다. "
            + _COMMON_KO,
            "The buying organisation may use the data for its own analysis, model training and "
            "validation only. It may not pass the data, or anything the data can be restored "
            "from, to third parties. " + _COMMON_EN,
        ),
        Licence(
            "commercial",
            "상업적 이용 라이선스",
            "Commercial licence",
            "구매 조직은 데이터와 데이터로 만든 모델을 자사의 상업적 제품과 서비스에 이용할 수 "
            "있습니다. 데이터 자체의 재판매와 재배포는 허용되지 않습니다. " + _COMMON_KO,
            "The buying organisation may use the data, and models made from it, in its own "
            "commercial products and services. Reselling or redistributing the data itself is "
            "not allowed. " + _COMMON_EN,
        ),
        Licence(
            "redistribution",
            "재배포 허용 라이선스",
            "Redistribution licence",
            "구매 조직은 데이터를 이용하고, 같은 조건과 출처 표시를 유지하는 한 제3자에게 "
            "재배포할 수 있습니다. " + _COMMON_KO,
            "The buying organisation may use the data and redistribute it to third parties, "
            "provided the same terms and the credit travel with it. " + _COMMON_EN,
        ),
        Licence(
            "CC-BY-4.0",
            "크리에이티브 커먼즈 저작자표시 4.0",
            "Creative Commons Attribution 4.0",
            "누구나 출처를 표시하면 데이터를 복제, 배포, 변경하고 상업적으로 이용할 수 있습니다 "
            "(https://creativecommons.org/licenses/by/4.0/deed.ko).",
            "Anyone may copy, redistribute, adapt and use the data commercially, giving "
            "appropriate credit (https://creativecommons.org/licenses/by/4.0/).",
            "https://creativecommons.org/licenses/by/4.0/",
        ),
    )
}


def licence_body(lic: Licence) -> str:
    return f"{lic.title_ko}\n\n{lic.text_ko}\n\n---\n\n{lic.title_en}\n\n{lic.text_en}\n"


def get_licence(code: str) -> Licence:
    """The standard licence ``code``; OrderError for a product without a standard licence."""
    lic = LICENCES.get(code)
    if lic is None:
        raise OrderError(
            f"표준 라이선스가 아닙니다: '{code}' (가능: {', '.join(LICENCES)})",
            f"not a standard licence: '{code}' (choose one of: {', '.join(LICENCES)})",
        )
    return lic


def licence_text(code: str) -> str:
    """The full bilingual text of licence ``code`` (what LICENCE.txt holds)."""
    return licence_body(get_licence(code))


LICENCE_FILES = {"ko": "LICENSE.ko.md", "en": "LICENSE.en.md"}


def licence_markdown(
    lic: Licence, lang: str, *, product_id: str, version: int, provider: str
) -> str:
    """The licence file of one language as it travels in the package."""
    ko = lang == "ko"
    title, text = (lic.title_ko, lic.text_ko) if ko else (lic.title_en, lic.text_en)
    other = LICENCE_FILES["en" if ko else "ko"]
    lines = [
        f"# {title}",
        "",
        text,
        "",
        f"- {'라이선스 코드' if ko else 'Licence code'}: `{lic.code}`",
        f"- {'제품' if ko else 'Product'}: `{product_id}` v{version}",
        f"- {'제공자' if ko else 'Provider'}: {provider}",
        f"- {'동의 문구 SHA-256' if ko else 'SHA-256 of the accepted text'}: `{lic.sha256}`",
    ]
    if lic.url:
        lines.append(f"- {'원문' if ko else 'Legal code'}: <{lic.url}>")
    lines += [
        "",
        f"{'영문' if ko else 'Korean'}: [{other}]({other})",
        "",
    ]
    return "\n".join(lines)


def datapackage_entry(lic: Licence) -> dict[str, str]:
    """The Data Package ``licenses`` item: ``path`` is the licence's URL, else the package file."""
    return {
        "name": lic.code,
        "title": f"{lic.title_en} / {lic.title_ko}",
        "path": lic.url or LICENCE_FILES["en"],
    }


def package_files(
    lic: Licence, datapackage: dict[str, Any], *, product_id: str, version: int, provider: str
) -> dict[str, bytes]:
    """The files publishing writes into the package for ``lic``: both licence texts and
    ``datapackage.json`` declaring it (other keys of ``datapackage`` kept as they are)."""
    files = {
        name: licence_markdown(
            lic, lang, product_id=product_id, version=version, provider=provider
        ).encode("utf-8")
        for lang, name in LICENCE_FILES.items()
    }
    package = {**datapackage, "licenses": [datapackage_entry(lic)]}
    text = json.dumps(package, ensure_ascii=False, sort_keys=True, indent=2, default=str)
    files["datapackage.json"] = (text + "\n").encode("utf-8")  # the product files' JSON form
    return files
