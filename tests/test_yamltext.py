"""libyaml reads the project's YAML as PyYAML's own parser does: the same values, the same
lines, and for a broken document PyYAML's own error."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mfgdata import yamltext

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(
    p
    for folder in ("src", "examples", "tests", "docs")
    if (ROOT / folder).is_dir()
    for p in (ROOT / folder).rglob("*.y*ml")
)


def _lines(node: yaml.Node | None) -> list[tuple[int, int]]:
    if node is None:
        return []
    out = [(node.start_mark.line, node.start_mark.column)]
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            out += _lines(k) + _lines(v)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            out += _lines(v)
    return out


def test_there_are_files_to_compare() -> None:
    assert len(FILES) >= 5


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_same_values_and_lines_as_pyyaml(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        want = yaml.safe_load(text)
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            yaml.safe_load(text)
        return
    assert yamltext.safe_load(text) == want
    assert _lines(yamltext.compose(text)) == _lines(yaml.compose(text, Loader=yaml.SafeLoader))


def test_a_broken_document_gets_pyyamls_own_error() -> None:
    text = "a: [1,\nb: 2\n  c"
    with pytest.raises(yaml.MarkedYAMLError) as want:
        yaml.safe_load(text)
    with pytest.raises(yaml.MarkedYAMLError) as got:
        yamltext.safe_load(text)
    assert str(got.value) == str(want.value)
    assert got.value.problem_mark.line == want.value.problem_mark.line == 2
