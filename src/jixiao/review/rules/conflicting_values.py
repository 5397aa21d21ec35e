"""conflicting-values: the same indicator is given different values in one report."""

from __future__ import annotations

import re

from jixiao.model import fact_label
from jixiao.review.registry import rule
from jixiao.review.rules.common import fmt, in_table, num, text_against_table
from jixiao.review.tolerance import differs


@rule("conflicting-values", "J104", "warning", "同一指标前后数值不一致",
      "{label}前后不一致：{listing}。")
def check(rc):
    """同一事实或同一标准指标（KPI）在报告中出现了不同的数值。

    **何时触发**：同一个事实（如项目支出）或同一个 KPI（如法律援助受理案件数）在报告不同位置写了
    不同的值。目标值（“不少于”“≥”、任务数、计划数）和约数（“300余场”）不参与比较；按书写精度相等的
    值（67.2 与 67.20）视为相同。

    **为什么重要**：同一数字前后矛盾，读者无法判断哪一个可信，也是复制粘贴、口径混用的信号。

    自评表“项目资金”部分中，年度资金总额行与其中某一资金行的执行率相同、得分却不同，也属此类。

    没有标准指标的数字，只在至少一处写明是全年（全县、累计……）合计、指标名称相同、计量单位相同（人次、件等
    计数）、另一处不是“其中”的分项时比较：“全年接待游客1,865万人次”与“接待游客1,568万人次”。

    同一存量计数（“公务用车保有量为2辆”……“年末公务用车保有量3辆”，``data/review.yaml`` 的
    ``conflicting_values.stocks``）在几处写法相同、数值不同，也属此类。

    **示例**：全年累计受理法援案件612件……累计受理法援案件669件。
    """
    for key, fact in rc.report.facts.items():
        others = [o for o in fact.others if differs(o.value, fact.value, o.decimals, fact.decimals)
                  and not text_against_table(rc, fact, o)]
        if not others:
            continue
        label = fact_label(key)
        all_facts = [fact, *others]
        yield rc.finding(
            "conflicting-values",
            values={"key": key, "values": [num(f.value) for f in all_facts],
                    "stated": num(fact.value), "computed": num(others[0].value)},
            evidence=[f.evidence[0] for f in all_facts],
            label=label, listing="、".join(f"{fmt(f.value)}（“{f.evidence[0].text}”）" for f in all_facts))
    for sc in rc.score_conflicts:
        a, b = sc.scores
        yield rc.finding(
            "conflicting-values",
            values={"key": "score", "values": [num(a.value), num(b.value)], "stated": num(a.value),
                    "computed": num(b.value), "rate": num(sc.rate.value)},
            evidence=[sc.rate.span, a.span, b.span],
            label=f"{sc.project}执行率{fmt(sc.rate.value)}%的得分",
            listing=f"{fmt(a.value)}分（{a.label}）、{fmt(b.value)}分（{b.label}）")
    by_kpi: dict[str, list] = {}
    goal = rc.words("goal")
    for m in rc.report.metrics:
        if not m.kpi or m.kpi.endswith(".target") or m.approx or m.comparator:
            continue
        if goal.search(m.label) or rc.in_goal_section(m.evidence[0].start):
            continue
        by_kpi.setdefault(m.kpi, []).append(m)
    yield from _whole_totals(rc, goal)
    yield from _stocks(rc)
    for kpi, ms in by_kpi.items():
        yield from _metric_conflict(rc, {"kpi": kpi}, ms)


def _metric_conflict(rc, values: dict, ms: list):
    """One finding when the metrics ``ms`` (the same indicator) give two values or more."""
    distinct: list = []
    for m in ms:
        if all(differs(m.value, d.value, m.decimals, d.decimals) for d in distinct):
            distinct.append(m)
    if len(distinct) < 2:
        return
    yield rc.finding(
        "conflicting-values",
        values={**values, "values": [num(m.value) for m in distinct],
                "stated": num(distinct[0].value), "computed": num(distinct[1].value)},
        evidence=[m.evidence[0] for m in distinct], label=distinct[0].label,
        listing="、".join(f"{fmt(m.value)}{m.unit}（“{m.evidence[0].text}”）" for m in distinct))



_EARLIER = re.compile(r"上年|去年|上一年|年初|同期")  # a count of another time: “上年公务用车保有量4辆”


def _stocks(rc):
    """A count said the same way in several places (“公务用车保有量为2辆” … “年末公务用车保有量3辆”) with two values
    (``data/review.yaml`` ``conflicting_values.stocks``)."""
    for label, pattern in rc.config.get("conflicting_values", {}).get("stocks", {}).items():
        said = [m for m in re.finditer(pattern, rc.text) if not in_table(rc, m.start())
                and not _EARLIER.search(rc.text[max(rc.clause_start(m.start()), m.start() - 20):m.start()])]
        counts = list(dict.fromkeys(int(m.group("n")) for m in said))
        if len(counts) < 2:
            continue
        firsts = [next(m for m in said if int(m.group("n")) == n) for n in counts]
        yield rc.finding(
            "conflicting-values", values={"label": label, "values": counts, "stated": counts[0], "computed": counts[1]},
            evidence=[rc.span(m.start(), m.end()) for m in firsts], label=label,
            listing="、".join(f"{n}{m.group(0)[m.end('n') - m.start():].strip()}（“{m.group(0)}”）"
                             for n, m in zip(counts, firsts, strict=True)))


_COUNTED = ("%", "万元", "元", "亿元", "千元", "分")


def _whole_totals(rc, goal):
    """Running-text figures without a KPI that both claim the whole year's total of the same thing."""
    whole = rc.words("whole_total")
    groups: dict[tuple[str, str], list] = {}
    for m in rc.report.metrics:
        if (m.kpi or m.target is not None or m.approx or m.comparator or m.unit in _COUNTED
                or len(m.evidence) != 1 or goal.search(m.label) or rc.in_goal_section(m.evidence[0].start)):
            continue
        label = "".join(m.label.split())
        lead = whole.match(label)
        start = m.evidence[0].start
        if not lead and "其中" in rc.text[rc.sentence_start(start):start]:
            continue  # a part of a breakdown
        what = label[lead.end():] if lead else label
        if len(what) < 3:
            continue
        groups.setdefault((what, m.unit), []).append((m, bool(lead)))
    for (what, _), members in groups.items():
        if any(whole_year for _, whole_year in members):  # else two projects' figures may well differ
            yield from _metric_conflict(rc, {"label": what}, [m for m, _ in members])
