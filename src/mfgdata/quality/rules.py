"""Cross-column rules as safe expressions: ``min_temp <= max_temp``, ``good + defect == total``.

The text is parsed with :mod:`ast` and only a small whitelist is turned into an expression
(Polars, or narwhals for the checks that run on both engines):
column names (bare or in backticks for names with spaces or symbols), numbers, strings,
``+ - * / %``, comparisons (chained too), ``and``/``or``/``not`` and ``abs()``. Nothing is executed.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

_BACKTICK = re.compile(r"`([^`]+)`")

_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
}
_CMPOPS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


class RuleSyntaxError(ValueError):
    """A rule that is not a safe expression over known columns."""


class _Compiler:
    def __init__(self, columns: Sequence[str], names: dict[str, str], ns: Any) -> None:
        self.ns = ns
        self.columns = set(columns)
        self.names = names
        self.used: list[str] = []

    def column(self, ident: str) -> Any:
        name = self.names.get(ident, ident)
        if name not in self.columns:
            raise RuleSyntaxError(f"unknown column '{name}'")
        if name not in self.used:
            self.used.append(name)
        return self.ns.col(name)

    def visit(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Name):
            return self.column(node.id)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str | bool):
            return self.ns.lit(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](self.visit(node.left), self.visit(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self.visit(node.operand)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ~self.visit(node.operand)
        if isinstance(node, ast.BoolOp):
            parts = [self.visit(v) for v in node.values]
            out = parts[0]
            for p in parts[1:]:
                out = (out & p) if isinstance(node.op, ast.And) else (out | p)
            return out
        if isinstance(node, ast.Compare):
            left = self.visit(node.left)
            cmp: Any = None
            for op, comp in zip(node.ops, node.comparators, strict=True):
                if type(op) not in _CMPOPS:
                    raise RuleSyntaxError(f"operator {type(op).__name__} is not allowed")
                right = self.visit(comp)
                part = _CMPOPS[type(op)](left, right)
                cmp = part if cmp is None else cmp & part
                left = right
            return cmp
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "abs"
            and len(node.args) == 1
            and not node.keywords
        ):
            return self.visit(node.args[0]).abs()
        raise RuleSyntaxError(f"'{ast.unparse(node)}' is not allowed in a rule")


def compile_rule(text: str, columns: Sequence[str], ns: Any = pl) -> tuple[Any, list[str]]:
    """The rule as a boolean expression of ``ns`` (``polars`` or ``narwhals``), and the columns
    it reads."""
    names: dict[str, str] = {}

    def _sub(m: re.Match[str]) -> str:
        key = f"__c{len(names)}"
        names[key] = m.group(1)
        return key

    source = _BACKTICK.sub(_sub, text.strip())
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as e:
        raise RuleSyntaxError(f"not a valid expression: {e.msg}") from e
    compiler = _Compiler(columns, names, ns)
    expr = compiler.visit(tree.body)
    if not isinstance(expr, ns.Expr) or not isinstance(
        tree.body, ast.Compare | ast.BoolOp | ast.UnaryOp
    ):
        raise RuleSyntaxError("a rule must be a comparison (e.g. a <= b)")
    return expr, compiler.used


def uses_modulo(text: str) -> bool:
    """Whether the rule takes a remainder (``%``): the one operator whose result differs between
    the engines (Spark keeps the dividend's sign and fails on ``x % 0``; Polars: the divisor's
    sign, null)."""
    try:
        tree = ast.parse(_BACKTICK.sub("c", text.strip()), mode="eval")
    except SyntaxError:
        return False
    return any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mod) for n in ast.walk(tree))
