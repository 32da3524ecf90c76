"""The catalogue's closed vocabularies of a product: key → Korean label, and the English labels.

Kept apart from ``db/tables.py`` (which checks them in the schema) so that a build can name a
product's process family and data type without importing SQLAlchemy.
"""

from __future__ import annotations

PROCESS_FAMILIES = {
    "injection_molding": "사출성형",
    "welding": "용접",
    "casting": "주조",
    "heat_treatment": "열처리",
    "press": "프레스",
    "surface_treatment": "표면처리",
    "cnc": "CNC",
    "other": "기타",
}
PROBLEM_TYPES = {
    "quality_assurance": "품질보증",
    "predictive_maintenance": "예지보전",
    "process_optimization": "공정최적화",
    "anomaly_detection": "이상탐지",
}
DATA_TYPES = {"timeseries": "시계열", "tabular": "정형", "image": "이미지"}

#: the English labels of the same keys
PROCESS_EN = {
    "injection_molding": "Injection moulding",
    "welding": "Welding",
    "casting": "Casting",
    "heat_treatment": "Heat treatment",
    "press": "Press",
    "surface_treatment": "Surface treatment",
    "cnc": "CNC machining",
    "other": "Other",
}
PROBLEM_EN = {
    "quality_assurance": "Quality assurance",
    "predictive_maintenance": "Predictive maintenance",
    "process_optimization": "Process optimisation",
    "anomaly_detection": "Anomaly detection",
}
DATA_EN = {"timeseries": "Time series", "tabular": "Tabular", "image": "Image"}
