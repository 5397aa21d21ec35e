"""Precision-aware comparison (spec/facts.md, the interval rule of XBRL Calculations 1.1).

A figure written with d decimals stands for [v − ½·10^−d, v + ½·10^−d]; a total agrees with its
parts when |total − Σparts| ≤ ½·10^−d_total + Σ ½·10^−d_i. Counts of people, cases … are exact.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

HALF = Decimal("0.5")


def half_unit(decimals: int) -> Decimal:
    """Half a unit of the last written digit: ½·10^−decimals."""
    return HALF * Decimal(10) ** -decimals


def sum_tolerance(total_decimals: int, part_decimals: list[int], exact: bool = False) -> Decimal:
    """How far a total may be from the sum of its parts, given the decimals written (0 when exact)."""
    if exact:
        return Decimal(0)
    return half_unit(total_decimals) + sum((half_unit(d) for d in part_decimals), Decimal(0))


def round_to(value: Decimal, decimals: int) -> Decimal:
    """四舍五入 to ``decimals`` places."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def rate_agrees(stated: Decimal, decimals: int, numerator: Decimal, denominator: Decimal,
                accept_truncation: bool = True) -> tuple[bool, Decimal]:
    """Whether a stated percent matches numerator/denominator at the precision it was written
    with (97% to the integer, 98.8% to one decimal). Returns (agrees, computed rounded)."""
    computed = numerator / denominator * 100
    rounded = round_to(computed, decimals)
    ok = rounded == stated
    if not ok and accept_truncation:
        ok = computed.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN) == stated
    return ok, rounded


def rate_within(stated: Decimal, decimals: int, numerator: Decimal, num_decimals: int, denominator: Decimal,
                den_decimals: int) -> bool:
    """Whether a stated percent can come from the two figures as written: some values within their written
    precision (29.42 stands for 29.415…29.425) give a rate that rounds to the stated one (9.56% stands for
    9.555…9.565). A share computed from exact 元 and quoted next to rounded 万元 figures agrees; 9.55% for
    29.42 ÷ 307.82 does not."""
    lo_n, hi_n = numerator - half_unit(num_decimals), numerator + half_unit(num_decimals)
    lo_d, hi_d = denominator - half_unit(den_decimals), denominator + half_unit(den_decimals)
    if lo_d <= 0:
        return True  # a base that may be 0 at its precision: any rate
    lo, hi = max(lo_n, Decimal(0)) / hi_d * 100, hi_n / lo_d * 100
    return lo <= stated + half_unit(decimals) and stated - half_unit(decimals) <= hi


def differs(a, b, da: int | None = None, db: int | None = None) -> bool:
    """Different values, at the precision of the less precise one (36234.51 万元 and
    362,345,120.18 元 are the same figure; 1208.4 and 1208.44 too)."""
    try:
        x, y = Decimal(str(a)), Decimal(str(b))
    except ArithmeticError:
        return a != b
    if da is None or db is None:
        return x != y
    d = min(da, db)
    return round_to(x, d) != round_to(y, d) and abs(x - y) > half_unit(da) + half_unit(db)
