"""staff-over-quota: more staff than authorised posts."""

from __future__ import annotations

from jixiao.review.registry import rule
from jixiao.review.rules.common import fmt, num, pct


@rule("staff-over-quota", "J106", "warning", "实有人数超过编制数",
      "实有人数{actual}人超过编制数{quota}人（在职人员控制率{rate}%）。")
def check(rc):
    """实有（在职）人数多于编制数。

    **何时触发**：报告写明了编制数和实有/在职人数，且实有人数 > 编制数。在职人员控制率
    = 实有人数 ÷ 编制数 × 100%，是共性指标“在职人员控制率”的依据。

    **为什么重要**：超编是财政和编制部门重点关注的问题；也可能是把编外人员算进了在职人数。

    **示例**：编制人数26个……实有人数47人 → 控制率180.8%。
    """
    facts = rc.report.facts
    quota, actual = facts.get("staff_authorized"), facts.get("staff_actual")
    if quota is None or actual is None or not quota.value:
        return
    if actual.value <= quota.value:
        return
    rate = pct(actual.value, quota.value, 1)
    yield rc.finding(
        "staff-over-quota",
        values={"stated": num(quota.value), "computed": num(actual.value), "rate": num(rate)},
        evidence=[*quota.evidence[:1], *actual.evidence[:1]],
        actual=actual.value, quota=quota.value, rate=fmt(rate))
