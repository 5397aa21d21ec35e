"""Pairs of an achieved value and its target: from the same metric (法律援助 593件, 任务380件),
from a goal stated elsewhere for the same KPI ("全年调解矛盾纠纷不少于1000件"), or from a
自评表 row (年度指标值 / 实际完成值)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.model import Metric, Span

_GOAL_WORDS = re.compile(r"目标|任务|计划|不少于|不低于|力争|确保")


@dataclass
class TargetPair:
    label: str
    actual: Decimal
    target: Decimal
    comparator: str | None  # ">=" (at least), "<=" (at most) or None (at least, by default)
    unit: str
    evidence: list[Span]


def target_pairs(rc) -> list[TargetPair]:
    metrics: list[Metric] = rc.report.metrics
    pairs: list[TargetPair] = []
    goals: dict[str, Metric] = {}
    for m in metrics:
        if m.kpi and (m.comparator or _GOAL_WORDS.search(m.label) or rc.in_goal_section(m.evidence[0].start)):
            goals.setdefault(m.kpi, m)
    for m in metrics:
        if m.approx and m.target is None:
            continue
        if m.target is not None:
            pairs.append(TargetPair(m.label, m.value, m.target, m.target_comparator, m.unit, list(m.evidence)))
            continue
        goal = goals.get(m.kpi or "")
        if goal is None or goal is m or m.comparator or rc.in_goal_section(m.evidence[0].start):
            continue
        if _GOAL_WORDS.search(m.label) or m.kpi.endswith(".target"):
            continue
        pairs.append(TargetPair(m.label, m.value, goal.value, goal.comparator, m.unit,
                                [m.evidence[0], goal.evidence[0]]))
    return pairs
