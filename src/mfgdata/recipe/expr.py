"""A small, safe expression language for ``filter`` and ``derive`` (no Python ``eval``).

Grammar (keywords are case-insensitive; a column name with spaces or symbols goes in backticks)::

    expr  := or
    or    := and ("or" and)*
    and   := not ("and" not)*
    not   := "not" not | cmp
    cmp   := arith [("=="|"!="|"<"|"<="|">"|">=") arith] | arith "is" ["not"] "null"
    arith := term (("+"|"-") term)*
    term  := unary (("*"|"/") unary)*
    unary := "-" unary | atom
    atom  := NUMBER | 'string' | "string" | true | false | null | NAME | `any name` | "(" expr ")"

``parse`` gives a tree of frozen nodes and ``unparse`` writes it back (fully parenthesised);
``mfgdata.recipe.translate`` turns a tree into a ``pl.Expr``. Every failure is a ``RecipeError``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from mfgdata.errors import RecipeError

Mode = Literal["filter", "arith"]
KEYWORDS = frozenset({"and", "or", "not", "is", "null", "true", "false"})
CMP_OPS = ("==", "!=", "<=", ">=", "<", ">")
MAX_LENGTH = 2000
MAX_DEPTH = 60

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|`(?P<qname>[^`]+)`"
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<op>==|!=|<=|>=|[-+*/()<>=]))"
)


@dataclass(frozen=True)
class Num:
    value: int | float


@dataclass(frozen=True)
class Str:
    value: str


@dataclass(frozen=True)
class Bool:
    value: bool


@dataclass(frozen=True)
class Null:
    pass


@dataclass(frozen=True)
class Col:
    name: str


@dataclass(frozen=True)
class Unary:
    op: str  # "-" or "not"
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str  # + - * / == != < <= > >= and or
    left: Node
    right: Node


@dataclass(frozen=True)
class IsNull:
    operand: Node
    negated: bool = False


Node = Num | Str | Bool | Null | Col | Unary | Binary | IsNull


def _error(text: str, pos: int, ko: str, en: str) -> RecipeError:
    return RecipeError(
        f"식 '{text[:80]}' 위치 {pos}: {ko}", f"expression '{text[:80]}' at position {pos}: {en}"
    )


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """(kind, value, position) tokens; kinds: num, str, name, op, end."""
    if len(text) > MAX_LENGTH:
        raise _error(text, 0, "식이 너무 깁니다", "expression is too long")
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            start = len(text) - len(text[pos:].lstrip())
            raise _error(
                text, start, f"알 수 없는 문자 {text[start]!r}", f"unexpected {text[start]!r}"
            )
        kind = m.lastgroup or "op"
        value, start = m.group(kind), m.start(kind)
        if kind == "qname":
            kind = "col"
        elif kind == "name":
            kind = "kw" if value.lower() in KEYWORDS else "col"
            value = value.lower() if kind == "kw" else value
        elif kind == "str":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        tokens.append((kind, value, start))
        pos = m.end()
    tokens.append(("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str, mode: Mode) -> None:
        self.text = text
        self.mode = mode
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def accept(self, kind: str, value: str | None = None) -> bool:
        k, v, _ = self.peek()
        if k == kind and (value is None or v == value):
            self.i += 1
            return True
        return False

    def fail(self, ko: str, en: str) -> RecipeError:
        return _error(self.text, self.peek()[2], ko, en)

    def need_filter(self, what: str) -> None:
        if self.mode == "arith":
            raise self.fail(
                f"산술식에는 {what}을(를) 쓸 수 없습니다", f"{what} is not allowed in arithmetic"
            )

    def parse(self) -> Node:
        node = self.or_()
        if self.peek()[0] != "end":
            raise self.fail(f"예상하지 못한 '{self.peek()[1]}'", f"unexpected '{self.peek()[1]}'")
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.peek()[:2] == ("kw", "or"):
            self.need_filter("or")
            self.i += 1
            node = Binary("or", node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.peek()[:2] == ("kw", "and"):
            self.need_filter("and")
            self.i += 1
            node = Binary("and", node, self.not_())
        return node

    def not_(self) -> Node:
        if self.peek()[:2] == ("kw", "not"):
            self.need_filter("not")
            self.i += 1
            return Unary("not", self.nested(self.not_))
        return self.cmp()

    def cmp(self) -> Node:
        left = self.arith()
        kind, value, _ = self.peek()
        if kind == "op" and value in CMP_OPS:
            self.need_filter(value)
            self.i += 1
            return Binary(value, left, self.arith())
        if (kind, value) == ("kw", "is"):
            self.need_filter("is null")
            self.i += 1
            negated = self.accept("kw", "not")
            if not self.accept("kw", "null"):
                raise self.fail("'is' 다음에는 null 이 와야 합니다", "expected null after 'is'")
            return IsNull(left, negated)
        return left

    def arith(self) -> Node:
        node = self.term()
        while self.peek()[0] == "op" and self.peek()[1] in "+-":
            op = self.peek()[1]
            self.i += 1
            node = Binary(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] in "*/":
            op = self.peek()[1]
            self.i += 1
            node = Binary(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.accept("op", "-"):
            return Unary("-", self.nested(self.unary))
        return self.atom()

    def nested(self, rule: Callable[[], Node]) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail("식이 너무 깊게 중첩되었습니다", "expression is nested too deeply")
        node = rule()
        self.depth -= 1
        return node

    def atom(self) -> Node:
        kind, value, _ = self.peek()
        if kind == "num":
            self.i += 1
            is_float = any(c in value for c in ".eE")
            return Num(float(value) if is_float else int(value))
        if kind == "col":
            self.i += 1
            return Col(value)
        if kind == "str":
            self.need_filter("문자열/string")
            self.i += 1
            return Str(value)
        if kind == "kw" and value in ("true", "false", "null"):
            self.need_filter(value)
            self.i += 1
            return Null() if value == "null" else Bool(value == "true")
        if self.accept("op", "("):
            node = self.nested(self.or_)
            if not self.accept("op", ")"):
                raise self.fail("')' 가 필요합니다", "expected ')'")
            return node
        shown = value or "끝/end"
        raise self.fail(
            f"값이나 열 이름이 필요한데 '{shown}'", f"expected a value or column, got '{shown}'"
        )


def parse(text: str, mode: Mode = "filter") -> Node:
    """Parse ``text``; ``mode="arith"`` allows only numbers, columns, + - * / and parentheses."""
    if not isinstance(text, str) or not text.strip():
        raise RecipeError("식이 비어 있습니다", "the expression is empty")
    return _Parser(text, mode).parse()


def parse_assignment(text: str) -> tuple[str, Node]:
    """``name = arithmetic`` → (name, tree)."""
    tokens = tokenize(text)
    if len(tokens) < 3 or tokens[0][0] != "col" or tokens[1][:2] != ("op", "="):
        raise _error(
            text, 0, "'새열 = 식' 형태여야 합니다", "expected the form 'new_column = expression'"
        )
    return tokens[0][1], parse(text[tokens[1][2] + 1 :], "arith")


def columns(node: Node) -> list[str]:
    """Column names the tree reads, in order of first use."""
    found: list[str] = []
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Col) and n.name not in found:
            found.append(n.name)
        elif isinstance(n, Unary | IsNull):
            stack.append(n.operand)
        elif isinstance(n, Binary):
            stack.extend([n.right, n.left])
    return found


def _name(name: str) -> str:
    simple = re.fullmatch(r"[^\W\d]\w*", name) and name.lower() not in KEYWORDS
    return name if simple else f"`{name}`"


def unparse(node: Node) -> str:
    """Text that parses back to the same tree."""
    match node:
        case Num(value=v):
            return repr(v)
        case Str(value=v):
            return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
        case Bool(value=v):
            return "true" if v else "false"
        case Null():
            return "null"
        case Col(name=n):
            return _name(n)
        case Unary(op=op, operand=x):
            return f"({op} {unparse(x)})" if op == "not" else f"(-{unparse(x)})"
        case IsNull(operand=x, negated=neg):
            return f"({unparse(x)} is {'not ' if neg else ''}null)"
        case Binary(op=op, left=left, right=right):
            return f"({unparse(left)} {op} {unparse(right)})"
    raise TypeError(node)  # pragma: no cover
