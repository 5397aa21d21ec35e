"""target-far-exceeded: the result is far above its target (target set too low)."""

from __future__ import annotations

from decimal import Decimal

from jixiao.review.registry import rule
from jixiao.review.rules.common import fmt, num, pct
from jixiao.review.rules.targets import target_pairs


@rule("target-far-exceeded", "J110", "info", "实际完成值远超目标值",
      "{label}完成{actual}{unit}，为目标{target}{unit}的{rate}%，目标值可能设置偏低。")
def check(rc):
    """实际完成值达到目标值的 130%（可配置）以上，目标可能定得过低。

    **何时触发**：同一指标既有目标值（任务数、“不少于”、自评表年度指标值）又有实际完成值，
    且实际 ÷ 目标 ≥ 阈值。“不高于”类（越低越好）的目标不适用。

    **为什么重要**：绩效目标应当“指向明确、细化量化、合理可行”；大幅超额往往说明目标设定保守，
    按 2020 年自评规则偏离 30% 以上还应说明原因。

    **示例**：法律援助案件完成593件，为目标380件的156%。
    """
    ratio = Decimal(str(rc.config.get("target_far_exceeded", {}).get("ratio", 130)))
    for p in target_pairs(rc):
        if p.comparator in ("<=", "<") or p.target <= 0:
            continue
        rate = p.actual / p.target * 100
        if rate < ratio:
            continue
        yield rc.finding(
            "target-far-exceeded",
            values={"stated": num(p.target), "computed": num(p.actual), "rate": num(pct(p.actual, p.target, 1))},
            evidence=p.evidence, label=p.label, actual=fmt(p.actual), target=fmt(p.target),
            unit=p.unit if p.unit != "%" else "%", rate=fmt(pct(p.actual, p.target, 0)))
