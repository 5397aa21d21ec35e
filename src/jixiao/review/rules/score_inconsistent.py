"""score-inconsistent: a score that does not follow from the result under the form's rule."""

from __future__ import annotations

from decimal import Decimal

from jixiao.review.registry import rule
from jixiao.review.rules.common import fmt, num
from jixiao.review.rules.missing_deviation_reason import missed
from jixiao.review.tolerance import half_unit, round_to

_HUNDRED = Decimal(100)


@rule("score-inconsistent", "J117", "warning", "得分与完成情况不符",
      "{label}的得分与完成情况不符：{why}")
def check(rc):
    """得分不符合自评表的计分规则。

    **何时触发**：
    * 预算执行率的得分 ≠ min(执行率, 100%) × 分值（按所写精度比较：写作 9.0 的得分与 89.47% × 10 = 8.947 不符，写作 9 的则相符）；
    * 指标实际完成值未达目标，却得了满分；
    * 指标达到目标，却被扣分，且偏差原因栏为空。

    **为什么重要**：得分是评价结论的依据，计分与完成情况对不上，总分和等级就不可信。

    **示例**：预算执行率92.5%、分值10分，应得9.25分，表中为10分。
    """
    for r in rc.rate_scores:
        rate, weight, score = r.rate.value, r.weight.value, r.score.value
        if weight <= 0:
            continue
        expected = min(rate, _HUNDRED) / _HUNDRED * weight
        tolerance = half_unit(r.score.decimals) + weight * half_unit(r.rate.decimals) / _HUNDRED
        if abs(score - expected) <= tolerance:
            continue
        yield rc.finding(
            "score-inconsistent", values={"stated": num(score), "computed": num(round_to(expected, 2))},
            evidence=[r.rate.span, r.weight.span, r.score.span], label=f"{r.project}预算执行率",
            why=f"执行率{fmt(rate)}%、分值{fmt(weight)}分，应得{fmt(expected, 2)}分，表中为{fmt(score)}分。")
    for s in rc.indicator_scores:
        m = s.metric
        if m is None or s.weight is None or s.score is None or m.target is None or s.weight.value <= 0:
            continue
        full = s.score.value >= s.weight.value
        if missed(m.target, m.value, m.target_comparator):
            if not full:
                continue
            why = f"实际{fmt(m.value)}{m.unit}未达目标{fmt(m.target)}{m.unit}，却得满分{fmt(s.score.value)}分。"
        elif not full and s.has_reason_column and not s.reason:
            why = (f"实际{fmt(m.value)}{m.unit}已达目标{fmt(m.target)}{m.unit}，却只得{fmt(s.score.value)}分"
                   f"（分值{fmt(s.weight.value)}分），且未说明扣分原因。")
        else:
            continue
        yield rc.finding("score-inconsistent", values={"stated": num(s.score.value), "computed": num(s.weight.value)},
                         evidence=[*m.evidence, s.weight.span, s.score.span], label=f"“{m.label}”", why=why)
