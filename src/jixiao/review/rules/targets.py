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
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher

from jixiao.lexicon import data_cache, vocab, vocab_pattern
from jixiao.model import Metric, Span

SIMILAR = 0.7
MAX_CANDIDATES = 8  # goals compared in full with one result


@dataclass
class TargetPair:
    label: str
    actual: Decimal
    target: Decimal
    comparator: str | None  # ">=" (at least), "<=" (at most) or None (at least, by default)
    unit: str
    evidence: list[Span]


@data_cache
def _goal_context() -> re.Pattern[str]:
    """"设定…目标：" / "目标为：": the figures after it, up to the end of the paragraph, are goals."""
    return re.compile(rf"{vocab_pattern('goal_setting')}[^。]{{0,30}}目标[^。]{{0,8}}[：:]|目标(?:为|是)?[：:]")


def stem(label: str, noise: re.Pattern[str] | None = None) -> str:
    """What a label says is measured, without the words any goal or result has (全年, 目标, 完成 …)."""
    return (noise or vocab("stem_noise")).sub("", label)


def is_goal(rc, m: Metric) -> bool:
    """Whether a metric states a goal (目标, 不少于, a 绩效目标 section, after "设定…目标：")."""
    if m.comparator or rc.words("goal").search(m.label) or rc.in_goal_section(m.evidence[0].start):
        return True
    if "goal_marks" not in rc.cache:  # every "设定…目标：" of the text, found once
        rc.cache["goal_marks"] = [g.end() for g in _goal_context().finditer(rc.text)]
    marks = rc.cache["goal_marks"]
    pos = m.evidence[0].start
    i = bisect_right(marks, pos) - 1
    return i >= 0 and marks[i] > rc.line_of(pos)[0]


def target_pairs(rc) -> list[TargetPair]:
    """All pairs of the report (computed once per review: two rules use them)."""
    if "target_pairs" not in rc.cache:
        rc.cache["target_pairs"] = _target_pairs(rc)
    return rc.cache["target_pairs"]


def _target_pairs(rc) -> list[TargetPair]:
    metrics: list[Metric] = rc.report.metrics
    goals = [m for m in metrics if is_goal(rc, m) and not (m.kpi or "").endswith(".target")]
    goal_ids = {id(m) for m in goals}
    index = GoalIndex(goals, rc.words("stem_noise"))
    by_sentence: dict[int, list[Metric]] = {}
    for g in goals:
        by_sentence.setdefault(rc.sentence_start(g.evidence[0].start), []).append(g)
    pairs: list[TargetPair] = []
    for m in metrics:
        if m.target is not None:
            pairs.append(TargetPair(m.label, m.value, m.target, m.target_comparator, m.unit, list(m.evidence)))
            continue
        if id(m) in goal_ids or m.comparator or (m.kpi or "").endswith(".target"):
            continue
        if "其中" in rc.text[rc.sentence_start(m.evidence[0].start):m.evidence[0].start]:
            continue  # a part ("其中刑事法律援助案件486件") is not measured against the whole's goal
        goal = _same_sentence_goal(rc, m, by_sentence) or _matching_goal(m, index)
        if goal is None:
            continue
        pairs.append(TargetPair(m.label if len(stem(m.label, index.noise)) > 2 else goal.label, m.value, goal.value,
                                goal.comparator, m.unit, [m.evidence[0], goal.evidence[0]]))
    return pairs


def _same_sentence_goal(rc, m: Metric, by_sentence: dict[int, list[Metric]]) -> Metric | None:
    """"计划改造危桥6座，实际完成4座": an achieved figure right after its goal in one sentence."""
    if not rc.words("actual").match(m.label):
        return None
    start = rc.sentence_start(m.evidence[0].start)
    before = [g for g in by_sentence.get(start, []) if g.evidence[0].start < m.evidence[0].start and g.unit == m.unit]
    return before[-1] if before else None


class GoalIndex:
    """Goals by unit and by the character pairs of their label stems, so that finding the goal of
    a result looks at a few candidates, not every goal (keeps the review linear)."""

    def __init__(self, goals: list[Metric], noise: re.Pattern[str]):
        self.noise = noise
        self.by_kpi: dict[tuple[str, str], list[Metric]] = {}
        self.by_pair: dict[tuple[str, str], list[Metric]] = {}
        self.stems = {id(g): stem(g.label, noise) for g in goals}
        for g in goals:
            if g.kpi:
                self.by_kpi.setdefault((g.unit, g.kpi), []).append(g)
            st = self.stems[id(g)]
            for pair in {st[i:i + 2] for i in range(len(st) - 1)}:
                posting = self.by_pair.setdefault((g.unit, pair), [])
                if len(posting) <= 50:
                    posting.append(g)

    def candidates(self, m: Metric) -> list[Metric]:
        """The goals that may be the goal of ``m``: same unit and KPI, or sharing the most character pairs."""
        if m.kpi and (m.unit, m.kpi) in self.by_kpi:
            return self.by_kpi[(m.unit, m.kpi)][:50]
        st = stem(m.label, self.noise)
        shared: dict[int, int] = {}
        goal_of: dict[int, Metric] = {}
        for pair in {st[i:i + 2] for i in range(len(st) - 1)}:
            for g in self.by_pair.get((m.unit, pair), ()):
                shared[id(g)] = shared.get(id(g), 0) + 1
                goal_of[id(g)] = g
        best = sorted(shared, key=shared.__getitem__, reverse=True)[:MAX_CANDIDATES]
        return [goal_of[i] for i in best]


def _matching_goal(m: Metric, index: GoalIndex) -> Metric | None:
    best: tuple[float, Metric] | None = None
    for g in index.candidates(m):
        if g.unit != m.unit or g.evidence[0].start == m.evidence[0].start:
            continue
        if g.kpi and not m.kpi:
            continue  # the goal of a standard indicator is paired with that indicator, not by label
        if m.kpi and g.kpi:
            score = 1.0 if m.kpi == g.kpi else 0.0
        else:
            a, b = stem(m.label, index.noise), index.stems[id(g)]
            if len(a) < 2 or len(b) < 2:
                continue
            score = SequenceMatcher(None, a, b).ratio()
        if score >= SIMILAR and (best is None or score > best[0]):
            best = (score, g)
    return best[1] if best else None
