"""Korean reference codes the company registry checks: business registration numbers, KSIC
divisions of manufacturing, regions (시·도), size classes, maturity levels, consent scopes.

The business registration number (사업자등록번호) is 10 digits ``XXX-XX-XXXXX``; its last digit
is a check digit: with weights 1,3,7,1,3,7,1,3,5 on the first nine digits,
``s = Σ dᵢ·wᵢ + ⌊d₉·5 / 10⌋`` and ``d₁₀ = (10 − s mod 10) mod 10`` (National Tax Service rule).
"""

from __future__ import annotations

import re
import unicodedata

from mfgdata.db.tables import PROCESS_FAMILIES, REGIONS, SIZE_CLASSES

_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def business_number_digits(raw: str) -> str | None:
    """The 10 digits of a business number written with or without hyphens/spaces, else None."""
    digits = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw))
    return digits if re.fullmatch(r"\d{10}", digits) else None


def business_number_check_digit(first_nine: str) -> int:
    d = [int(c) for c in first_nine]
    total = sum(x * w for x, w in zip(d, _WEIGHTS, strict=True)) + (d[8] * 5) // 10
    return (10 - total % 10) % 10


def business_number_valid(raw: str) -> bool:
    digits = business_number_digits(raw)
    return digits is not None and business_number_check_digit(digits[:9]) == int(digits[9])


def format_business_number(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


#: KSIC (11th revision) section C, manufacturing: division -> (ko, en)
KSIC_MANUFACTURING: dict[str, tuple[str, str]] = {
    "10": ("식료품 제조업", "food products"),
    "11": ("음료 제조업", "beverages"),
    "12": ("담배 제조업", "tobacco products"),
    "13": ("섬유제품 제조업; 의복 제외", "textiles, except apparel"),
    "14": ("의복, 의복 액세서리 및 모피제품 제조업", "wearing apparel, accessories and fur"),
    "15": ("가죽, 가방 및 신발 제조업", "leather, bags and footwear"),
    "16": ("목재 및 나무제품 제조업; 가구 제외", "wood and wood products, except furniture"),
    "17": ("펄프, 종이 및 종이제품 제조업", "pulp, paper and paper products"),
    "18": ("인쇄 및 기록매체 복제업", "printing and reproduction of recorded media"),
    "19": ("코크스, 연탄 및 석유정제품 제조업", "coke, briquettes and refined petroleum"),
    "20": ("화학 물질 및 화학제품 제조업; 의약품 제외", "chemicals, except pharmaceuticals"),
    "21": ("의료용 물질 및 의약품 제조업", "pharmaceuticals and medicinal chemicals"),
    "22": ("고무 및 플라스틱제품 제조업", "rubber and plastic products"),
    "23": ("비금속 광물제품 제조업", "other non-metallic mineral products"),
    "24": ("1차 금속 제조업", "basic metals"),
    "25": ("금속 가공제품 제조업; 기계 및 가구 제외", "fabricated metal products"),
    "26": (
        "전자 부품, 컴퓨터, 영상, 음향 및 통신장비 제조업",
        "electronic components, computers, audio-visual and communication equipment",
    ),
    "27": ("의료, 정밀, 광학 기기 및 시계 제조업", "medical, precision and optical instruments"),
    "28": ("전기장비 제조업", "electrical equipment"),
    "29": ("기타 기계 및 장비 제조업", "other machinery and equipment"),
    "30": ("자동차 및 트레일러 제조업", "motor vehicles and trailers"),
    "31": ("기타 운송장비 제조업", "other transport equipment"),
    "32": ("가구 제조업", "furniture"),
    "33": ("기타 제품 제조업", "other manufactured products"),
    "34": ("산업용 기계 및 장비 수리업", "repair of industrial machinery and equipment"),
}


def ksic_code(raw: str) -> str | None:
    """A KSIC code (2–5 digits, optional section letter C) in manufacturing, else None."""
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    text = text[1:] if text.startswith("C") else text
    if not re.fullmatch(r"\d{2,5}", text) or text[:2] not in KSIC_MANUFACTURING:
        return None
    return text


def ksic_division(code: str) -> tuple[str, str, str]:
    """(division, Korean name, English name) of a valid manufacturing KSIC code."""
    ko, en = KSIC_MANUFACTURING[code[:2]]
    return code[:2], ko, en


REGION_EN = {key: key.capitalize() for key in REGIONS} | {
    "chungbuk": "Chungcheongbuk-do",
    "chungnam": "Chungcheongnam-do",
    "jeonbuk": "Jeonbuk",
    "jeonnam": "Jeollanam-do",
    "gyeongbuk": "Gyeongsangbuk-do",
    "gyeongnam": "Gyeongsangnam-do",
    "gyeonggi": "Gyeonggi-do",
    "gangwon": "Gangwon",
}
_REGION_SHORT = {
    "chungbuk": "충북",
    "chungnam": "충남",
    "jeonbuk": "전북",
    "jeonnam": "전남",
    "gyeongbuk": "경북",
    "gyeongnam": "경남",
}


def region_code(raw: str) -> str | None:
    """A region key from its key, full Korean name, short name (대구, 충북) or English name."""
    text = unicodedata.normalize("NFC", raw).strip()
    low = text.lower().replace(" ", "")
    for key, ko in REGIONS.items():
        names = {key, REGION_EN[key].lower().replace(" ", ""), ko, ko[:2], _REGION_SHORT.get(key)}
        if low in names or text in names:
            return key
    if text == "전라북도":
        return "jeonbuk"
    if text == "강원도":
        return "gangwon"
    return None


SIZE_EN = {
    "micro": "micro enterprise",
    "small": "small enterprise",
    "medium": "medium enterprise",
    "midsize": "mid-sized enterprise",
    "large": "large enterprise",
}


def size_code(raw: str) -> str | None:
    text = unicodedata.normalize("NFC", raw).strip()
    for key, ko in SIZE_CLASSES.items():
        if text.lower() in (key, SIZE_EN[key]) or text == ko:
            return key
    return None


#: smart-factory maturity (스마트공장 수준) 1–5
MATURITY_LEVELS = {
    1: ("점검", "checking"),
    2: ("모니터링", "monitoring"),
    3: ("분석", "analysis"),
    4: ("최적화", "optimisation"),
    5: ("자율운영", "autonomous operation"),
}

#: what the company consented its data to be used for: key -> (ko, en)
CONSENT_SCOPES = {
    "survey": ("수요조사 응답 분석", "analysis of survey answers"),
    "testbed": ("실증(PoC)용 제조데이터 활용", "use of manufacturing data in a PoC"),
    "data_product": ("데이터 상품화 및 라이브러리 등록", "productising and listing its data"),
    "publicity": ("성과 사례 공개", "publishing the results as a case"),
    "contact": ("사업 안내 연락", "contact about programmes"),
}


def consent_scope(raw: str) -> str | None:
    text = unicodedata.normalize("NFC", raw).strip()
    for key, (ko, _en) in CONSENT_SCOPES.items():
        if text.lower() == key or text == ko:
            return key
    return None


def process_family(raw: str) -> str | None:
    text = unicodedata.normalize("NFC", raw).strip()
    for key, ko in PROCESS_FAMILIES.items():
        if text.lower().replace(" ", "_") == key or text == ko:
            return key
    return None


#: problem types, KAMP's taxonomy (the names of its AI datasets): key -> (ko, en)
PROBLEM_TYPES = {
    "quality_assurance": ("품질보증", "quality assurance"),
    "predictive_maintenance": ("예지보전", "predictive maintenance"),
    "process_optimization": ("공정최적화", "process optimisation"),
    "resource_optimization": ("자원최적화", "resource optimisation"),
    "supply_chain": ("공급망 최적화", "supply chain optimisation"),
    "anomaly_detection": ("품질 이상탐지·진단", "anomaly detection and diagnosis"),
}
