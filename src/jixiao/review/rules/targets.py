"""Pairs of an achieved value and its target, found three ways:
- the KPI pack pairs them (法律援助 593件 with 任务380件, via ``target_of``) or a 自评表 row gives
  both (年度指标值 / 实际完成值);
- a goal stated elsewhere for the same thing: a metric with a goal marker (不少于/≥, 目标, 计划,
  in a 绩效目标 section or after "设定…目标：") and an achieved metric with the same unit whose
  label says the same thing ("新增中小学、幼儿园学位不少于6,000个" / "全年新增中小学、幼儿园学位5,430个");
- in one sentence: "计划改造危桥6座，实际完成4座", "年度目标新增养老床位2,000张，实际新增1,200张".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher

from jixiao.model import Metric, Span

_GOAL_WORDS = re.compile(r"目标|任务|计划|预计|力争|确保")
_GOAL_CONTEXT = re.compile(r"(?:设定|确定|制定|设置)[^。]{0,30}目标[^。]{0,8}[：:]|目标(?:为|是)?[：:]")
_STEM_NOISE = re.compile(r"\d{4}年度?|全年|年度|本年|计划|目标|任务|实际|完成|累计|共|力争|确保|预计|达到|达|为|"
                         r"全区|全县|全市|我局|我区|各级")
_ACTUAL_ONLY = re.compile(r"^(?:实际|实际完成|完成|实际新增|已完成)")
SIMILAR = 0.7


@dataclass
class TargetPair:
    label: str
    actual: Decimal
    target: Decimal
    comparator: str | None  # ">=" (at least), "<=" (at most) or None (at least, by default)
    unit: str
    evidence: list[Span]


def stem(label: str) -> str:
    return _STEM_NOISE.sub("", label)


def is_goal(rc, m: Metric) -> bool:
    if m.comparator or _GOAL_WORDS.search(m.label) or rc.in_goal_section(m.evidence[0].start):
        return True
    line_start = rc.ctx.line_of(m.evidence[0].start)[0]
    return bool(_GOAL_CONTEXT.search(rc.text, line_start, m.evidence[0].start))


def target_pairs(rc) -> list[TargetPair]:
    metrics: list[Metric] = rc.report.metrics
    goals = [m for m in metrics if is_goal(rc, m) and not (m.kpi or "").endswith(".target")]
    goal_ids = {id(m) for m in goals}
    pairs: list[TargetPair] = []
    for m in metrics:
        if m.target is not None:
            pairs.append(TargetPair(m.label, m.value, m.target, m.target_comparator, m.unit, list(m.evidence)))
            continue
        if id(m) in goal_ids or m.comparator or (m.kpi or "").endswith(".target"):
            continue
        goal = _same_sentence_goal(rc, m, goals) or _matching_goal(m, goals)
        if goal is None:
            continue
        pairs.append(TargetPair(m.label if len(stem(m.label)) > 2 else goal.label, m.value, goal.value,
                                goal.comparator, m.unit, [m.evidence[0], goal.evidence[0]]))
    return pairs


def _same_sentence_goal(rc, m: Metric, goals: list[Metric]) -> Metric | None:
    """"计划改造危桥6座，实际完成4座": an achieved figure right after its goal in one sentence."""
    if not _ACTUAL_ONLY.search(m.label):
        return None
    start = rc.ctx.sentence_start(m.evidence[0].start)
    before = [g for g in goals if start <= g.evidence[0].start < m.evidence[0].start and g.unit == m.unit]
    return before[-1] if before else None


def _matching_goal(m: Metric, goals: list[Metric]) -> Metric | None:
    best: tuple[float, Metric] | None = None
    for g in goals:
        if g.unit != m.unit or g.evidence[0].start == m.evidence[0].start:
            continue
        if m.kpi and g.kpi:
            score = 1.0 if m.kpi == g.kpi else 0.0
        else:
            a, b = stem(m.label), stem(g.label)
            if len(a) < 2 or len(b) < 2:
                continue
            score = SequenceMatcher(None, a, b).ratio()
        if score >= SIMILAR and (best is None or score > best[0]):
            best = (score, g)
    return best[1] if best else None
