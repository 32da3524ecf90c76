"""YAML read with libyaml's parser (PyYAML's C extension), the same documents as PyYAML's own.

The built-in dictionary (41 KB) took 0.13 CPU-s to read with the pure-Python parser and 0.02 with
libyaml, in every build (issue 12). Both build their values with PyYAML's safe constructor, so a
valid document gives the same data; an invalid one is read again by the pure-Python parser, so
its error (message and line) is the one PyYAML reports.
"""

from __future__ import annotations

from typing import Any

import yaml

_FAST: Any = getattr(yaml, "CSafeLoader", None)


def safe_load(text: str) -> Any:
    """``yaml.safe_load(text)``, parsed by libyaml when it is there."""
    if _FAST is not None:
        try:
            return yaml.load(text, Loader=_FAST)  # the safe loader, in C
        except yaml.YAMLError:
            pass  # the pure-Python parser's error below
    return yaml.safe_load(text)


def compose(text: str) -> yaml.Node | None:
    """``yaml.compose(text, Loader=SafeLoader)`` (nodes with their lines), by libyaml when
    it is there."""
    if _FAST is not None:
        try:
            return yaml.compose(text, Loader=_FAST)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)
