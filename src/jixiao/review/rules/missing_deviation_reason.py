"""missing-deviation-reason: a missed target with its 偏差原因 left empty."""

from __future__ import annotations

from jixiao.review.registry import rule
from jixiao.review.rules.common import fmt, num


def missed(target, actual, comparator) -> bool:
    """Below a floor (≥, or no comparator), or above a ceiling (≤)."""
    return actual > target if comparator in ("<=", "<") else actual < target


@rule("missing-deviation-reason", "J116", "warning", "未达目标且未说明偏差原因",
      "“{label}”目标{cmp}{target}{unit}、实际{actual}{unit}，未填写偏差原因。")
def check(rc):
    """自评表中未达到目标值的指标，其“偏差原因分析及改进措施”一栏为空。

    **何时触发**：自评表有偏差原因栏，某指标行的实际完成值未达年度指标值（≥ 类低于目标，≤ 类高于
    目标），而该行的偏差原因栏为空或只有“—”“/”。

    **为什么重要**：按自评规定，未完成的指标必须说明原因和改进措施；空栏使评价无法核实。

    **示例**：培训人次 ≥500人次 实际420人次，偏差原因栏空白。
    """
    for s in rc.indicator_scores:
        m = s.metric
        if m is None or not s.has_reason_column or s.reason or m.target is None or not missed(m.target, m.value, m.target_comparator):
            continue
        at_most = m.target_comparator in ("<=", "<")
        yield rc.finding("missing-deviation-reason",
                         values={"stated": num(m.target), "computed": num(m.value)},
                         evidence=list(m.evidence), label=m.label, target=fmt(m.target), actual=fmt(m.value),
                         unit=m.unit, cmp="≤" if at_most else "≥")
