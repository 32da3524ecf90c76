"""Load, validate and dump recipes.

Bad YAML → ``RecipeError`` with the file, line and column of the YAML error. A schema violation →
``RecipeError`` naming the JSON path (``steps[2].method.window``) and the line it is on.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from pydantic import ValidationError

from mfgdata.errors import RecipeError
from mfgdata.pipeline.context import dump_yaml
from mfgdata.recipe.model import SCHEMA_PATH, Recipe

#: Tags of discriminated unions that pydantic puts into an error location.
_TAGS = {"op", "policy", "name"}


@lru_cache(maxsize=1)
def published_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


def _path_text(parts: list[str | int]) -> str:
    text = ""
    for p in parts:
        text += f"[{p}]" if isinstance(p, int) else (f".{p}" if text else p)
    return text or "(root)"


def _line_of(root: yaml.Node | None, parts: list[str | int]) -> int | None:
    """1-based line of the deepest YAML node on ``parts``."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for p in parts:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == p), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(p, int) and p < len(node.value):
            child = node.value[p]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _child(node: Any, item: int | str) -> tuple[bool, Any]:
    """(found, child) of a parsed YAML value."""
    if isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node):
        return True, node[item]
    if isinstance(node, dict) and item in node:
        return True, node[item]
    return False, None


def _clean_loc(data: Any, loc: tuple[int | str, ...]) -> list[str | int]:
    """Drop the union tags pydantic inserts (``steps.0.rename.mapping`` → ``steps[0].mapping``)."""
    parts: list[str | int] = []
    node = data
    for i, item in enumerate(loc):
        found, child = _child(node, item)
        missing_field = isinstance(node, dict) and i == len(loc) - 1
        if not (found or missing_field):
            continue  # a union tag or a type name, not a place in the document
        node = child
        parts.append(item)
    return parts


def _violation(file: str, root: yaml.Node | None, parts: list[str | int], msg: str) -> RecipeError:
    path = _path_text(parts)
    return RecipeError(
        f"레시피가 스키마에 맞지 않습니다: {path}: {msg}",
        f"recipe does not match the schema: {path}: {msg}",
        file=file,
        line=_line_of(root, parts),
    )


def parse_text(text: str, file: str | Path = "<recipe>") -> Recipe:
    """Validate YAML text as a recipe."""
    name = str(file)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        problem = getattr(e, "problem", None) or str(e)
        raise RecipeError(
            f"레시피 YAML 문법 오류 ({line}행 {col}열): {problem}",
            f"invalid YAML in recipe (line {line}, column {col}): {problem}",
            file=name,
            line=line,
        ) from e
    if not isinstance(data, dict):
        raise _violation(name, root, [], "a mapping with 'version' and 'steps' is required")
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as e:
        err = max(e.errors(), key=lambda x: len(x["loc"]))
        raise _violation(name, root, _clean_loc(data, err["loc"]), err["msg"]) from e
    errors = sorted(
        jsonschema.Draft202012Validator(published_schema()).iter_errors(data),
        key=lambda x: list(map(str, x.absolute_path)),
    )
    if errors:
        raise _violation(name, root, list(errors[0].absolute_path), errors[0].message)
    return recipe


def load(path: str | Path) -> Recipe:
    """Read and validate a recipe file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RecipeError(
            f"레시피 파일을 읽을 수 없습니다: {e}", f"cannot read the recipe file: {e}", file=p
        ) from e
    return parse_text(text, p)


def dump(recipe: Recipe) -> str:
    """The recipe as YAML text (deterministic: field order, no timestamps)."""
    return dump_yaml(recipe.to_dict())
