"""target-missed: the result is below its target."""

from __future__ import annotations

from jixiao.review.registry import rule
from jixiao.review.rules.common import fmt, num
from jixiao.review.rules.targets import target_pairs


@rule("target-missed", "J111", "warning", "未达到目标值",
      "{label}目标{cmp}{target}{unit}，实际完成{actual}{unit}，未达目标。")
def check(rc):
    """实际完成值没有达到目标值。

    **何时触发**：同一指标既有目标值又有实际完成值，且实际值低于“不少于/≥”类目标，或高于
    “不高于/≤”类目标。定性指标（“明显提升”）不比较。

    **为什么重要**：未完成的目标须在报告中说明原因并提出改进措施，也直接影响自评得分。

    **示例**：行政复议案件审结数目标≥165件，实际完成158件。
    """
    for p in target_pairs(rc):
        at_most = p.comparator in ("<=", "<")
        missed = p.actual > p.target if at_most else p.actual < p.target
        if not missed:
            continue
        yield rc.finding(
            "target-missed",
            values={"stated": num(p.target), "computed": num(p.actual), "comparator": p.comparator},
            evidence=p.evidence, label=p.label, cmp="≤" if at_most else ("≥" if p.comparator else ""),
            target=fmt(p.target), actual=fmt(p.actual), unit=p.unit)
