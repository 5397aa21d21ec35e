"""Small helpers shared by the rules: number formatting for messages."""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.jsonout import decimal_text
from jixiao.review.tolerance import round_to

UNIT_OF_KIND = {"money": "万元", "percent": "%"}


def fmt(v: Decimal | int | float, decimals: int | None = None) -> str:
    """A figure as written: a Decimal keeps its own precision (110.00 stays 110.00) unless
    ``decimals`` is given (for computed values)."""
    v = v if isinstance(v, Decimal) else Decimal(str(v))
    if decimals is not None and decimals >= 0:
        return format(round_to(v, decimals), "f")
    if v.as_tuple().exponent < -6:
        return decimal_text(v)
    return format(v, "f")


def wan(v: Decimal, decimals: int | None = None) -> str:
    """A 万元 figure for a message: as written, or rounded to two decimals when it came from a table in 元
    (711,273.87 元 is 71.127387 万元 exactly; a reader is told 71.13)."""
    v = v if isinstance(v, Decimal) else Decimal(str(v))
    written = decimals if decimals is not None else max(0, -int(v.as_tuple().exponent))
    return fmt(v, 2) if written > 2 else fmt(v, decimals)


def figure_in(value: Decimal, unit: str | None, decimals: int | None = None) -> str:
    """A 万元 figure as told in the unit its table or text wrote it in: a 元 figure in 元 as printed (two
    decimals), any other in 万元 (``wan``)."""
    if unit == "元":
        return fmt(value * 10000, 2)
    return wan(value, decimals)


def as_written(value: Decimal, unit: str | None) -> str:
    """An amount of running text as its sentence wrote it (quantities hold 万元): one in 元 in 元, any other as is."""
    return figure_in(value, "元") if unit == "元" else fmt(value)


def amount(value: Decimal, unit: str | None, decimals: int | None = None) -> str:
    """``figure_in`` with its unit: 元 or 万元."""
    return figure_in(value, unit, decimals) + ("元" if unit == "元" else "万元")


def pct(numerator: Decimal, denominator: Decimal, decimals: int = 1) -> Decimal:
    """numerator ÷ denominator × 100, rounded half up to ``decimals``."""
    return round_to(Decimal(numerator) / Decimal(denominator) * 100, decimals)


def num(v) -> float | int:
    """A JSON-friendly plain number for ``values``."""
    d = Decimal(str(v))
    return int(d) if d == d.to_integral_value() else float(d)


def in_table(rc, pos: int) -> bool:
    """Whether offset ``pos`` of the text lies in one of the document's tables."""
    return any(t.start <= pos < t.end for t in rc.tables)


def text_against_table(rc, a, b) -> bool:
    """Whether of two statements of a fact (``Fact``) one is in a table and the other in running text
    (text-table-mismatch, not conflicting-values)."""
    if not (a.evidence and b.evidence):
        return False
    return in_table(rc, a.evidence[0].start) != in_table(rc, b.evidence[0].start)


_OTHER_YEAR = re.compile(r"(\d{4})\s*年|上年|上一年|去年")


def names_last_year(rc, q) -> bool:
    """Whether the clause of amount ``q`` calls it another year's: 上年, or a year before the report's."""
    year = rc.report.fact_value("fiscal_year")
    for m in _OTHER_YEAR.finditer(rc.text, rc.clause_start(q.num_start), q.num_start):
        if m.group(1) is None or (year and int(m.group(1)) < int(year)):
            return True
    return False
