"""low-execution: a budget line spent well below its budget."""

from __future__ import annotations

from decimal import Decimal

from jixiao.review.registry import rule
from jixiao.review.rules.common import fmt, num, pct


@rule("low-execution", "J105", "warning", "预算执行率偏低",
      "{name}年初预算{budget}万元，实际支出{actual}万元，执行率{rate}%，低于{threshold}%。")
def check(rc):
    """某个项目（或部门整体）的实际支出占预算的比例低于阈值（默认 80%，可配置）。

    **何时触发**：同一项目写明了预算数和实际支出数，实际支出 ÷ 预算 × 100 低于阈值；部门整体按
    本年支出合计 ÷ 年初预算计算。预算为 0 或未写明时不判断。

    **为什么重要**：执行率是部门整体支出绩效评价中权重最高的指标之一，执行率低说明预算编制不实
    或项目推进不力，应说明原因。

    **示例**：智慧矫正建设年初预算67.20万元，实际支出4.28万元，执行率6.4%，低于80%。
    """
    threshold = Decimal(str(rc.config.get("low_execution", {}).get("threshold", 80)))
    lines = [(it.name, it.budget, it.actual, it.evidence) for it in rc.report.project_items]
    facts = rc.report.facts
    if "budget" in facts and "expenditure_total" in facts:
        b, a = facts["budget"], facts["expenditure_total"]
        lines.append(("部门整体支出", Decimal(b.value), Decimal(a.value), [*b.evidence[:1], *a.evidence[:1]]))
    for name, budget, actual, evidence in lines:
        if budget is None or actual is None or budget <= 0:
            continue
        rate = Decimal(actual) / Decimal(budget) * 100
        if rate >= threshold:
            continue
        yield rc.finding(
            "low-execution",
            values={"stated": num(budget), "computed": num(actual), "rate": num(pct(actual, budget, 2)),
                    "threshold": num(threshold)},
            evidence=list(evidence),
            name=name, budget=fmt(budget), actual=fmt(actual), rate=fmt(pct(actual, budget, 1)),
            threshold=fmt(threshold))
