"""A safe evaluator for the small formula language of framework YAML files.

A formula is a Python-like expression over the input names of one indicator and number
literals: ``executed / budget * 100``, ``(actual - target) / target * 100``. Conditions (for
checklist items) may also compare and combine: ``has_problems and rate >= 90``.

The text is parsed with :mod:`ast` and only the node types listed below are accepted:
no calls, attributes, subscripts, strings, lambdas or comprehensions, so a framework file
can never run code. All arithmetic is done in :class:`decimal.Decimal`; number literals
are read from their source text, never through a float.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext

_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
            ast.Eq: operator.eq, ast.NotEq: operator.ne}
_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd, ast.Not, ast.And, ast.Or,
        *_COMPARE, ast.Load)
_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Name, ast.Constant, *_OPS)

_TRUE, _FALSE = Decimal(1), Decimal(0)


class FormulaError(ValueError):
    """A formula uses something the language does not allow, or cannot be parsed."""


class ZeroDivisor(ArithmeticError):
    """The formula divided by zero for these values (the indicator cannot be computed)."""


@dataclass(frozen=True)
class Formula:
    """A checked formula: its text, the names it reads, and its parsed tree."""

    text: str
    names: frozenset[str]
    tree: ast.Expression

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        """Evaluate with ``values`` (every name must be present); a condition gives 1 or 0.

        Raises:
            ZeroDivisor: a division by zero.
        """
        with localcontext() as ctx:
            ctx.prec = 28
            ctx.traps[DivisionByZero] = True
            ctx.traps[InvalidOperation] = True
            try:
                return _eval(self.tree.body, self.text, values)
            except (DivisionByZero, InvalidOperation) as err:
                raise ZeroDivisor(self.text) from err


def compile_formula(text: str, allowed: frozenset[str] | set[str] | None = None) -> Formula:
    """Parse and check ``text``; ``allowed`` limits the names it may read.

    Raises:
        FormulaError: syntax error, a forbidden construct, or an unknown name.
    """
    source = str(text).strip()
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        raise FormulaError(f"公式无法解析：{source!r}（{err.msg}）") from None
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, _NODES):
            raise FormulaError(f"公式中不允许使用 {type(node).__name__}：{source!r}（只允许四则运算、比较、数字和输入名）")
        if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or not isinstance(node.value, int | float)):
            raise FormulaError(f"公式中只允许数字常量：{source!r}")
        if isinstance(node, ast.Name):
            if node.id.startswith("_"):
                raise FormulaError(f"公式中不允许以下划线开头的名字 {node.id!r}：{source!r}")
            names.add(node.id)
    if allowed is not None and not names <= set(allowed):
        unknown = ", ".join(sorted(names - set(allowed)))
        raise FormulaError(f"公式使用了未声明的输入 {unknown}：{source!r}")
    return Formula(source, frozenset(names), tree)


def _eval(node: ast.AST, source: str, values: Mapping[str, Decimal]) -> Decimal:
    if isinstance(node, ast.Constant):
        return Decimal(ast.get_source_segment(source, node) or repr(node.value))
    if isinstance(node, ast.Name):
        return Decimal(values[node.id])
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, source, values)
        if isinstance(node.op, ast.Not):
            return _FALSE if operand else _TRUE
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.BinOp):
        return _ARITH[type(node.op)](_eval(node.left, source, values), _eval(node.right, source, values))
    if isinstance(node, ast.BoolOp):
        results = (_eval(v, source, values) for v in node.values)
        ok = all(results) if isinstance(node.op, ast.And) else any(results)
        return _TRUE if ok else _FALSE
    if isinstance(node, ast.Compare):
        left = _eval(node.left, source, values)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _eval(right_node, source, values)
            if not _COMPARE[type(op)](left, right):
                return _FALSE
            left = right
        return _TRUE
    raise FormulaError(f"公式中不允许使用 {type(node).__name__}：{source!r}")  # pragma: no cover
