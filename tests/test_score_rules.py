"""Each scoring rule type on its own: pass and fail cases, Decimal exactness, rounding."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.score.engine import _split
from jixiao.score.formula import compile_formula
from jixiao.score.rules import NOT_COMPUTABLE, REVIEW, RULES, SCORED, IndicatorInput, round_points, rule

D = Decimal


def run(name, params, *, weight, value=None, values=None, points=None, comparator=None):
    rt = RULES[name]
    values = {k: D(v) for k, v in (values or {}).items()}

    def num(x):
        return x if isinstance(x, Decimal) else compile_formula(x, values).evaluate(values)

    ctx = IndicatorInput(weight=D(weight), value=None if value is None else D(value), num=num,
                  points=None if points is None else D(points), comparator=comparator)
    return rt.fn(rt.params.model_validate(params), ctx)


def test_registry_has_the_seven_rule_types():
    assert {"capped_ratio", "band_table", "per_point_deduction", "checklist", "qualitative",
            "cap", "deviation_penalty"} <= set(RULES)
    assert RULES["deviation_penalty"].kind == "adjust" and RULES["cap"].kind == "total"
    with pytest.raises(ValueError, match="重复注册"):
        rule("capped_ratio", kind="leaf", label="x", params=RULES["cap"].params)(lambda p, c: None)


@pytest.mark.parametrize("raw,want", [("2.765", "2.77"), ("2.745", "2.75"), ("0.005", "0.01"),
                                      ("9.99612950", "10.00"), ("-1.005", "-1.01")])
def test_round_points_is_half_up(raw, want):
    assert str(round_points(D(raw))) == want


# ── capped_ratio ──


def test_capped_ratio_full_marks_at_or_above_target():
    out = run("capped_ratio", {"target": 100}, weight=10, value=D("723.14") / D("723.42") * 100)
    assert (out.status, out.points) == (SCORED, D("10.00"))
    assert run("capped_ratio", {"target": 100}, weight=10, value="112").points == D("10.00")


def test_capped_ratio_in_proportion_below_target():
    out = run("capped_ratio", {"target": 100}, weight=10, value="73.5")
    assert out.points == D("7.35") and str(out.points) == "7.35"
    assert run("capped_ratio", {"target": "target"}, weight=45, value=500, values={"target": 550}).points == D("40.91")


def test_capped_ratio_lower_is_better():
    # 在职 47 / 编制 26 = 180.77% → 5 × 100/180.77 = 2.766 → 2.77
    out = run("capped_ratio", {"target": 100, "direction": "lower"}, weight=5, value=D(47) / D(26) * 100)
    assert out.points == D("2.77")
    assert run("capped_ratio", {"target": 100, "direction": "lower"}, weight=5, value="96.77").points == D("5.00")
    assert run("capped_ratio", {"target": 100, "direction": "metric"}, weight=5, value=200, comparator="<=").points \
        == D("2.50")
    assert run("capped_ratio", {"target": 100, "direction": "metric"}, weight=5, value=50).points == D("2.50")


def test_capped_ratio_floor_and_zero_target():
    assert run("capped_ratio", {"target": 100, "floor": 2}, weight=10, value=5).points == D(2)
    assert run("capped_ratio", {"target": 100}, weight=10, value=-5).points == D("0.00")
    out = run("capped_ratio", {"target": 0}, weight=10, value=5)
    assert out.status == NOT_COMPUTABLE and out.points is None


# ── per_point_deduction (the 2.2.B W3 worked example) ──


def test_per_point_deduction_inside_threshold_is_full():
    out = run("per_point_deduction", {"threshold": 100, "direction": "above", "deduct": 0.5},
              weight=8, value=D(136) / D(143) * 100)
    assert out.points == D("8.00")


def test_per_point_deduction_floors_at_zero():
    out = run("per_point_deduction", {"threshold": 0, "direction": "above", "deduct": D("0.8")},
              weight=8, value=(D("63.46") - 32) / 32 * 100)
    assert out.points == D("0.00")


def test_per_point_deduction_proportional_and_whole_steps():
    assert run("per_point_deduction", {"threshold": 100, "direction": "above", "deduct": D("0.5")},
               weight=8, value="110.3").points == D("2.85")
    whole = {"threshold": 100, "direction": "below", "step": 5, "deduct": 2, "whole_steps": True}
    assert run("per_point_deduction", whole, weight=8, value="99.27").points == D("8.00")
    assert run("per_point_deduction", whole, weight=8, value="89.99").points == D("4.00")
    assert run("per_point_deduction", whole, weight=8, value="50").points == D("0.00")


# ── band_table ──

W3_BANDS = {"bands": [{"eq": 0, "points": 8}, {"gt": 0, "le": 10, "points": 6}, {"gt": 10, "le": 20, "points": 4},
                      {"gt": 20, "le": 30, "points": 2}, {"gt": 30, "points": 0}]}


@pytest.mark.parametrize("value,points", [("0", "8"), ("0.01", "6"), ("10", "6"), ("10.0001", "4"),
                                          ("30", "2"), ("31", "0")])
def test_band_table_picks_the_first_band_that_holds(value, points):
    out = run("band_table", W3_BANDS, weight=8, value=value)
    assert out.status == SCORED and out.points == D(points)


def test_band_table_without_a_matching_band_is_not_computable():
    out = run("band_table", W3_BANDS, weight=8, value="-3")
    assert out.status == NOT_COMPUTABLE and "不在任何分档内" in out.note


def test_band_table_catch_all_band():
    bands = {"bands": [{"ge": 90, "points": 5}, {"ge": 80, "points": 4}, {"points": 0}]}
    assert run("band_table", bands, weight=5, value="89.99").points == D(4)
    assert run("band_table", bands, weight=5, value="12").points == D(0)


# ── checklist ──

ITEMS = {"items": [{"name": "有问题分析", "points": 1, "when": "problems"},
                   {"name": "有改进措施", "points": 1, "when": "measures"},
                   {"name": "执行率达标", "points": 1, "when": "rate >= 90"}]}


def test_checklist_adds_points_of_items_met():
    out = run("checklist", ITEMS, weight=3, values={"problems": 1, "measures": 0, "rate": 95})
    assert out.status == SCORED and out.points == D(2)
    assert "✓有问题分析" in out.note and "✗有改进措施" in out.note


def test_checklist_deduct_mode():
    params = {**ITEMS, "mode": "deduct"}
    assert run("checklist", params, weight=3, values={"problems": 0, "measures": 0, "rate": 10}).points == D(0)
    assert run("checklist", params, weight=3, values={"problems": 1, "measures": 0, "rate": 95}).points == D(2)


def test_checklist_item_without_condition_needs_a_reviewer():
    params = {"items": [{"name": "制度健全", "points": 1}, {"name": "有问题分析", "points": 1, "when": "p"}]}
    out = run("checklist", params, weight=2, values={"p": 1})
    assert out.status == REVIEW and out.points is None and "制度健全" in out.note


# ── qualitative ──


def test_qualitative_is_never_auto_scored():
    out = run("qualitative", {}, weight=5)
    assert out.status == REVIEW == "需人工评定" and out.points is None
    assert "达成年度指标 4.00–5.00分" in out.note and "0.00–3.00分" in out.note


# ── deviation_penalty ──


def test_deviation_penalty_at_30_percent_over_target():
    out = run("deviation_penalty", {}, weight=45, points=45, values={"actual": 669, "target": 400})
    assert out.points == D("-2.00") and "67.25%" in out.note
    assert run("deviation_penalty", {}, weight=45, points=45, values={"actual": 520, "target": 400}).points == D(-2)


def test_deviation_penalty_below_threshold_or_other_direction():
    assert run("deviation_penalty", {}, weight=45, points=45, values={"actual": 612, "target": 550}).points == 0
    assert run("deviation_penalty", {}, weight=45, points=30, values={"actual": 200, "target": 400}).points == 0
    both = {"direction": "both"}
    assert run("deviation_penalty", both, weight=45, points=30, values={"actual": 200, "target": 400}).points == -2


def test_deviation_penalty_never_takes_more_than_the_points():
    out = run("deviation_penalty", {"deduct": 5}, weight=10, points="1.5", values={"actual": 10, "target": 1})
    assert out.points == D("-1.50")


# ── cap ──

CAP = {"limits": [{"below": 80, "max": 89}, {"below": 70, "max": 79}, {"below": 60, "max": 69},
                  {"below": 50, "max": 59}]}


@pytest.mark.parametrize("rate,ceiling", [("99.96", None), ("80", None), ("79.99", 89), ("65", 79),
                                          ("55", 69), ("49.9", 59)])
def test_cap_gives_the_tightest_ceiling(rate, ceiling):
    out = run("cap", CAP, weight=0, value=rate)
    assert out.points == (None if ceiling is None else D(ceiling))


# ── invariants ──
decimals = st.decimals(min_value=-1000, max_value=100000, places=4, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@given(value=decimals, weight=weights, direction=st.sampled_from(["higher", "lower"]))
def test_capped_ratio_points_stay_within_the_weight(value, weight, direction):
    out = run("capped_ratio", {"target": 100, "direction": direction}, weight=weight, value=value)
    assert D(0) <= out.points <= weight and out.points == round_points(out.points)


@given(value=decimals, weight=weights)
def test_per_point_deduction_never_below_zero(value, weight):
    out = run("per_point_deduction", {"threshold": 100, "direction": "above", "deduct": "0.5"},
              weight=weight, value=value)
    assert D(0) <= out.points <= weight


@given(weight=weights, n=st.integers(min_value=1, max_value=40))
def test_split_weights_add_up(weight, n):
    parts = _split(weight, n)
    assert len(parts) == n and sum(parts) == weight


def test_deviation_penalty_better_follows_the_kind_of_target():
    floor = run("deviation_penalty", {"direction": "better"}, weight=10, points=10, values={"actual": 140, "target": 100})
    assert floor.points == -2
    ceiling = {"direction": "better"}
    assert run("deviation_penalty", ceiling, weight=10, points=10, comparator="<=",
               values={"actual": 140, "target": 100}).points == 0
    assert run("deviation_penalty", ceiling, weight=10, points=10, comparator="<=",
               values={"actual": 60, "target": 100}).points == -2
