"""No import cycle in the package, except through imports made only for type checking.

The graph is read from the source (module-level and function-level ``import`` statements,
``if TYPE_CHECKING:`` blocks skipped), so a cycle hidden in a function body counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import mfgdata

SRC = Path(mfgdata.__file__).resolve().parent
PACKAGE = "mfgdata"


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, here: str, is_package: bool, known: set[str]) -> set[str]:
    found: set[str] = set()

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE):
                    target = resolve(alias.name)
                    if target:
                        found.add(target)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = here if is_package else here.rpartition(".")[0]
                for _ in range(node.level - 1):
                    pkg = pkg.rpartition(".")[0]
                base = f"{pkg}.{base}" if base else pkg
            if base.startswith(PACKAGE):
                for alias in node.names:
                    target = resolve(f"{base}.{alias.name}") or resolve(base)
                    if target:
                        found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    found.discard(here)
    return found


def import_graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in SRC.rglob("*.py")}
    known = set(files)
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = _imports(tree, name, path.name == "__init__.py", known)
    # importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first: not an edge we count,
    # a package's __init__ importing its own submodules is the normal shape
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_the_graph_sees_function_level_imports() -> None:
    graph = import_graph()
    assert "mfgdata.api.app" in graph
    assert "mfgdata.settings" in graph["mfgdata.api.app"]
    # a deliberately cyclic pair is found by the same code
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def _show(found: list[list[str]]) -> str:
    return "import cycles: " + "; ".join(" ↔ ".join(c) for c in found)


def test_no_import_cycle_through_the_web_layer() -> None:
    """api/, jobs/, uploads/ and cli/ are in no cycle (issue 13 item 7)."""
    web = ("mfgdata.api", "mfgdata.jobs", "mfgdata.uploads", "mfgdata.cli")
    found = [c for c in cycles(import_graph()) if any(m.startswith(web) for m in c)]
    assert found == [], _show(found)


def test_uploads_never_import_the_web_layer() -> None:
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith("mfgdata.uploads") or name.startswith("mfgdata.jobs"):
            assert not [t for t in targets if t.startswith("mfgdata.api")], name


def test_no_import_cycles_anywhere() -> None:
    found = cycles(import_graph())
    assert found == [], _show(found)


def test_the_pipeline_spine_imports_no_step() -> None:
    """Steps import the spine (RunContext, StepResult, result types), never the reverse; the
    step list lives in mfgdata.flow (issue 12 item 2)."""
    graph = import_graph()
    back = {
        (m, t)
        for m, targets in graph.items()
        if m.startswith("mfgdata.pipeline")
        for t in targets
        if t.startswith("mfgdata.steps") or t == "mfgdata.flow"
    }
    assert back == set()
