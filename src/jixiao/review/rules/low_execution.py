"""low-execution: a budget line spent well below its budget."""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.review.registry import rule
from jixiao.review.rules.common import fmt, num, pct


@rule("low-execution", "J105", "warning", "预算执行率偏低",
      "{name}{basis}{budget}万元，实际支出{actual}万元，执行率{rate}%，低于{threshold}%。")
def check(rc):
    """某个项目（或部门整体）的实际支出占预算的比例低于阈值（默认 80%，可配置）。

    **何时触发**：同一项目写明了预算数和实际支出数，实际支出 ÷ 预算 × 100 低于阈值；年中追加了
    预算（调整后预算大于年初预算）时按调整后预算计算，调减时仍按年初预算；项目支出绩效自评表中的项目按表中的
    全年（调整后）预算数计算（财预〔2020〕10号：执行率 = 全年执行数 ÷ 全年预算数）；部门整体按本年支出合计 ÷
    年初预算计算。预算为 0 或未写明时不判断；“三公”经费各项（``low_execution.ceilings``：预算是不得超过的上限，
    少花是节约）不判断。

    **为什么重要**：执行率是部门整体支出绩效评价中权重最高的指标之一，执行率低说明预算编制不实
    或项目推进不力，应说明原因。

    **示例**：智慧矫正建设年初预算67.20万元，实际支出4.28万元，执行率6.4%，低于80%。
    """
    cfg = rc.config.get("low_execution", {})
    threshold = Decimal(str(cfg.get("threshold", 80)))
    ceilings = re.compile(cfg["ceilings"]) if cfg.get("ceilings") else None
    lines = []
    # a project's own 自评表 takes its 执行率 on the year's budget (全年/调整后预算数), as the form's rules say
    full_year = {p.name: p.funds[0].budget_full for p in rc.report.projects
                 if p.kind == "project" and p.funds and p.funds[0].budget_full is not None}
    for it in rc.report.project_items:
        budget, basis = it.budget, "年初预算"
        if it.name in full_year:
            budget, basis = full_year[it.name], "全年预算"
        elif it.budget is not None and it.adjustment is not None and it.adjustment > 0:
            budget, basis = it.budget + it.adjustment, "调整后预算"  # money added in the year is money to spend
        lines.append((it.name, budget, basis, it.actual, it.evidence))
    facts = rc.report.facts
    if "budget" in facts and "expenditure_total" in facts:
        b, a = facts["budget"], facts["expenditure_total"]
        lines.append(("部门整体支出", Decimal(b.value), "年初预算", Decimal(a.value), [*b.evidence[:1], *a.evidence[:1]]))
    for name, budget, basis, actual, evidence in lines:
        if budget is None or actual is None or budget <= 0 or (ceilings and ceilings.search(name)):
            continue
        rate = Decimal(actual) / Decimal(budget) * 100
        if rate >= threshold:
            continue
        yield rc.finding(
            "low-execution",
            values={"stated": num(budget), "computed": num(actual), "rate": num(pct(actual, budget, 2)),
                    "threshold": num(threshold)},
            evidence=list(evidence),
            name=name, basis=basis, budget=fmt(budget), actual=fmt(actual), rate=fmt(pct(actual, budget, 1)),
            threshold=fmt(threshold))
