"""Built-in call templates: YAML files in ``templates/``, validated by :class:`CallTemplate`."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from mfgdata.programs.errors import TemplateError
from mfgdata.programs.models import CallTemplate

_DIR = resources.files("mfgdata.programs") / "templates"


def template_names() -> list[str]:
    """Names of the built-in templates, sorted."""
    return sorted(p.name.removesuffix(".yaml") for p in _DIR.iterdir() if p.name.endswith(".yaml"))


def parse_template(text: str, *, source: str) -> CallTemplate:
    """Validate a template's YAML text; any problem is one :class:`TemplateError`."""
    try:
        data = yaml.safe_load(text)
        return CallTemplate.model_validate(data)
    except yaml.YAMLError as e:
        raise TemplateError(
            f"공고 템플릿이 올바른 YAML이 아닙니다: {e}",
            f"the call template is not valid YAML: {e}",
            file=source,
        ) from e
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "-"
        raise TemplateError(
            f"공고 템플릿이 올바르지 않습니다 ({where}): {first['msg']}",
            f"the call template is not valid ({where}): {first['msg']}",
            file=source,
        ) from e


@functools.cache
def load_template(name: str) -> CallTemplate:
    """A built-in template by name (``regional-ai-center-2025`` ...) or a path to a YAML file."""
    if name in template_names():
        return parse_template((_DIR / f"{name}.yaml").read_text(encoding="utf-8"), source=name)
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return parse_template(path.read_text(encoding="utf-8"), source=str(path))
    known = ", ".join(template_names())
    raise TemplateError(
        f"알 수 없는 공고 템플릿입니다: {name} (내장: {known})",
        f"unknown call template: {name} (built in: {known})",
    )
