"""The safe formula evaluator: exact Decimal arithmetic, and nothing but arithmetic."""

from decimal import Decimal

import pytest

from jixiao.score.formula import FormulaError, ZeroDivisor, compile_formula

D = Decimal


def test_arithmetic_is_exact_decimal():
    f = compile_formula("executed / budget * 100")
    assert f.names == {"executed", "budget"}
    assert f.evaluate({"executed": D("723.14"), "budget": D("723.42")}) == D("723.14") / D("723.42") * 100
    assert compile_formula("0.1 + 0.2").evaluate({}) == D("0.3")  # no float on the way
    assert compile_formula("(a - b) / b * 100").evaluate({"a": D("63.46"), "b": D(32)}) == D("98.3125")
    assert compile_formula("-a + +b").evaluate({"a": D(1), "b": D(3)}) == D(2)


def test_conditions_give_one_or_zero():
    f = compile_formula("has_problems and rate >= 90 or not x")
    assert f.evaluate({"has_problems": D(1), "rate": D("90.0"), "x": D(1)}) == 1
    assert f.evaluate({"has_problems": D(0), "rate": D(95), "x": D(1)}) == 0
    assert compile_formula("0 < a <= 10").evaluate({"a": D(10)}) == 1
    assert compile_formula("0 < a <= 10").evaluate({"a": D(0)}) == 0


def test_division_by_zero_is_reported_not_raised_as_decimal_error():
    with pytest.raises(ZeroDivisor):
        compile_formula("a / b").evaluate({"a": D(1), "b": D(0)})
    with pytest.raises(ZeroDivisor):
        compile_formula("a / b").evaluate({"a": D(0), "b": D(0)})


@pytest.mark.parametrize("text", [
    "__import__('os')",
    "__import__('os').system('echo hi')",
    "a.b",
    "a.__class__",
    "abs(a)",
    "f(1)",
    "a[0]",
    "'text'",
    "lambda: 1",
    "[a for a in b]",
    "a if b else c",
    "a ** 2",
    "a % 2",
    "a // 2",
    "True",
    "__builtins__",
    "_private",
    "{'a': 1}",
    "(a := 1)",
])
def test_rejects_everything_but_arithmetic(text):
    with pytest.raises(FormulaError):
        compile_formula(text)


def test_rejects_syntax_errors_and_unknown_names():
    with pytest.raises(FormulaError, match="无法解析"):
        compile_formula("a / ")
    with pytest.raises(FormulaError, match="未声明的输入 c"):
        compile_formula("a / c", {"a", "b"})
