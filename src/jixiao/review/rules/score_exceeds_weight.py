"""score-exceeds-weight: an indicator's 得分 above its 分值."""

from __future__ import annotations

from jixiao.review.registry import rule
from jixiao.review.rules.common import fmt, num


@rule("score-exceeds-weight", "J115", "error", "得分超过分值",
      "“{label}”得分{score}分，超过其分值{weight}分。")
def check(rc):
    """自评表中某项指标（或预算执行率）的得分高于它的分值。

    **何时触发**：自评表的指标行或“年度资金总额”行写明了分值和得分，且得分 > 分值；或自评表的总分高于总分行
    的分值（100）。

    **为什么重要**：任何指标的得分都不能超过分值，超出部分会虚增总分。

    **示例**：服务对象满意度 分值10 得分12。
    """
    rows = [(s.label, s.weight, s.score) for s in rc.indicator_scores]
    rows += [(f"{r.project}预算执行率", r.weight, r.score) for r in rc.rate_scores]
    for label, weight, score in rows:
        if weight is None or score is None or weight.value <= 0 or score.value <= weight.value:
            continue
        yield rc.finding("score-exceeds-weight", values={"stated": num(score.value), "computed": num(weight.value)},
                         evidence=[weight.span, score.span], label=label, score=fmt(score.value),
                         weight=fmt(weight.value))
    for p in rc.report.projects:  # the 总分 above the total of 100
        if p.total_score is None or p.total_weight is None or p.total_score <= p.total_weight or len(p.evidence) < 2:
            continue
        evidence = [p.weight_evidence, p.evidence[-1]] if p.weight_evidence else [p.evidence[-1]]
        yield rc.finding("score-exceeds-weight", values={"stated": num(p.total_score), "computed": num(p.total_weight)},
                         evidence=evidence, label=f"{p.name}总分", score=fmt(p.total_score), weight=fmt(p.total_weight))
