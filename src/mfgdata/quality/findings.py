"""Findings are data, failures are exceptions: a quality problem is a ``Finding``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["info", "warning", "error"]

#: At most this many row numbers / examples are kept as evidence for one finding.
MAX_EVIDENCE = 20


@dataclass(frozen=True)
class Finding:
    """One observed problem in the data.

    ``rows`` are 0-based row numbers in the table the step saw (a bounded sample);
    ``examples`` are the offending raw values (a bounded sample).
    """

    code: str
    severity: Severity
    message_ko: str
    message_en: str
    column: str | None = None
    count: int = 0
    rows: tuple[int, ...] = field(default_factory=tuple)
    examples: tuple[str, ...] = field(default_factory=tuple)
    step: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", tuple(self.rows)[:MAX_EVIDENCE])
        object.__setattr__(self, "examples", tuple(self.examples)[:MAX_EVIDENCE])

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rows"] = list(self.rows)
        d["examples"] = list(self.examples)
        return d
