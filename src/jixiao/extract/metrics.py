"""Metrics: every quantitative statement not already read as a fact or project item, with its
label as written, and the KPI id from the KPI packs (data/kpi/*.yaml) where one fits."""

from __future__ import annotations

import copy
import re
from bisect import bisect_right

from jixiao.extract.context import Context
from jixiao.extract.numbers import MULTIPLIERS, decimal_shift
from jixiao.lexicon import data_cache, data_files, load_yaml, vocab, vocab_pattern
from jixiao.model import Metric, built

_LEAD = re.compile(r"^(?:[一二三四五六七八九十]+是|其中[：:]?|[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]|[、，,：:（(\s])+")
_NOUN_AFTER = re.compile(r"[^\s，,。；;：:、！？\d%（）()“”\"]{1,12}(?:[（(][^（）()]{1,6}[)）])?")
_NOT_NOUN_START = set("的以及和或与左右余多之")
_MONEY_UNIT = "万元"  # money values are converted to 万元 whatever unit they were written in


_REGEX_SYNTAX = re.compile(r"[\\.^$*+?{}\[\]()]")


def _first_char_test(patterns) -> str:
    """A lookahead on the first character when every pattern is a plain alternation of words
    (most positions of a text then fail at once), else nothing."""
    words = [w for p in patterns for w in p.split("|")]
    if not words or any(not w or _REGEX_SYNTAX.search(w) for w in words):
        return ""
    return "(?=[" + re.escape("".join(sorted({w[0] for w in words}))) + "])"


@data_cache
def kpi_packs() -> list[dict]:
    """The KPI packs (data/kpi/*.yaml, shipped and the user's), by file name, with their patterns
    compiled."""
    packs = []
    for name in data_files("kpi"):
        pack = copy.deepcopy(load_yaml(name))
        domains = pack.get("domains", {})
        # one alternation over every domain's words: the last match names the nearest domain
        pack["_domains"] = re.compile(_first_char_test(domains.values()) + "(?:" + "|".join(
            f"(?P<{k}>{v})" for k, v in domains.items()) + ")") if domains else None
        pack["_applies"] = re.compile(pack["applies_to"]) if pack.get("applies_to") else None
        # indicators by unit (a unit's aliases — 宗 for 件 — included), in the pack's order
        aliases = pack.get("unit_aliases", {})
        pack["_by_unit"] = {}
        for ind in pack["indicators"]:
            units = set(ind["units"]) | {a for a, target in aliases.items() if target in ind["units"]}
            for u in units:
                pack["_by_unit"].setdefault(u, []).append(ind)
            ind["_label"] = re.compile(ind["label"])
            ind["_exclude"] = re.compile(ind["exclude"]) if ind.get("exclude") else None
            ind["_exclude_before"] = re.compile(ind["exclude_before"]) if ind.get("exclude_before") else None
        packs.append(pack)
    return packs


@data_cache
def _classifiers() -> set[str]:
    return set(load_yaml("units.yaml")["classifier"])


class DomainMarks:
    """Every domain word of a text, found once; the nearest one before a position is a bisect."""

    def __init__(self, text: str, pack: dict):
        rx = pack["_domains"]
        found = [(m.end(), m.lastgroup) for m in rx.finditer(text)] if rx is not None else []
        self.ends = [e for e, _ in found]
        self.names = [n for _, n in found]

    def before(self, start: int, end: int) -> str | None:
        i = bisect_right(self.ends, end) - 1
        return self.names[i] if i >= 0 and self.ends[i] > start else None


def _domain(pack: dict, label: str, before: str | tuple[DomainMarks, int, int]) -> str | None:
    """The work area of a metric: the last domain word in its label, else the nearest before it
    (``before`` is the text before the label, or precomputed marks with the span to look in)."""
    rx = pack["_domains"]
    if rx is None:
        return None
    last = None
    for last in rx.finditer(label):  # noqa: B007 - the last match is the one wanted
        pass
    if last is not None:
        return last.lastgroup
    if isinstance(before, tuple):
        marks, start, end = before
        return marks.before(start, end)
    for last in rx.finditer(before[-300:]):  # noqa: B007
        pass
    return last.lastgroup if last is not None else None


@data_cache
def _tail() -> re.Pattern[str]:
    """Link words and spaces at the end of a label ("调处成功共计")."""
    return re.compile(rf"(?:{vocab_pattern('link')}|\s)+$")


@data_cache
def _words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The vocabulary lists classify() uses: another period's figure, a goal."""
    return vocab("other_period"), vocab("goal_strict")


@data_cache
def _target_noun() -> re.Pattern[str]:
    """A goal noun right after the figure ("1,200件年度任务")."""
    return re.compile(rf"^[^，。；]{{0,4}}{vocab_pattern('goal_noun')}")


def classify(packs: list[dict], label: str, before, unit: str, sentence_before: str = "",
             marks: list[DomainMarks] | None = None, words: tuple | None = None) -> str | None:
    """The KPI id of a metric, from its label, the paragraph before it (for the work area), the
    sentence before it (for subset markers) and its unit (``words``: :func:`_words`, when the
    caller classifies many metrics)."""
    other_period, goal_words = words or _words()
    if other_period.search(label) or other_period.search(sentence_before[-12:]):
        return None  # last year's figure ("2023年同期…1,046件") is not this year's indicator
    goal = bool(goal_words.search(label))
    for pi, pack in enumerate(packs):
        dom = _domain(pack, label, (marks[pi], *before) if marks else before)
        for ind in pack["_by_unit"].get(unit, ()):
            if ind.get("domain") and ind["domain"] != dom:
                continue
            if not ind["_label"].search(label):
                continue
            if ind["_exclude"] and ind["_exclude"].search(label):
                continue
            if ind["_exclude_before"] and ind["_exclude_before"].search(sentence_before):
                continue
            if goal and not ind.get("target_of"):
                continue  # "受理量目标1,000件" is a target, never the achieved indicator
            return ind["kpi"]
    return None


def extract_metrics(ctx: Context, unit_name: str | None) -> list[Metric]:
    packs = [p for p in kpi_packs() if not unit_name or not p["_applies"] or p["_applies"].search(unit_name)]
    classifiers = _classifiers()
    words = _words()
    tail = _tail()
    target_noun = _target_noun()
    text = ctx.text
    marks = [DomainMarks(text, p) for p in packs]
    metrics: list[Metric] = []
    for qi, q in enumerate(ctx.quantities):
        if qi in ctx.consumed:
            continue
        cs = max(ctx.clause_start(q.num_start), ctx.prev_quantity_end(qi))
        before = text[cs:q.num_start]
        lead = _LEAD.match(before)
        label_start = cs + (lead.end() if lead else 0)
        # the label stops before a comparator or approximation marker ("不少于950件", "近5万次")
        label = tail.sub("", text[label_start:min(q.num_start, q.start)])
        ev_start, ev_end = label_start, q.end
        after = _NOUN_AFTER.match(text, q.end)
        label_after = False
        if after and text[q.end] not in _NOT_NOUN_START and (q.unit in classifiers or len(label) < 2):
            label_after = q.unit not in classifiers  # "14件跨年度审结": what follows is a predicate
            label = after.group(0)
            ev_end = after.end()
        if not label:
            continue
        line_start, _ = ctx.line_of(q.start)
        ss = ctx.sentence_start(q.start)
        kpi_label = label
        if not label_after and after and target_noun.match(after.group(0)):
            kpi_label = label + after.group(0)  # "市局下达的1,200件年度任务": the noun says what it is
        value, unit, decimals = q.value, q.unit, q.decimals
        scaled = q.kind == "count" and unit[:1] in MULTIPLIERS and len(unit) > 1
        base_unit = unit[1:] if scaled else unit
        kpi = None if label_after else classify(packs, kpi_label, (max(line_start, label_start - 300), label_start),
                                                base_unit, text[ss:label_start], marks, words)
        if kpi and scaled:  # a KPI is counted in its pack's unit: 2.1万人次 → 21000 人次
            factor = MULTIPLIERS[unit[0]]
            value, unit, decimals = value * factor, base_unit, max(0, decimals + decimal_shift(factor))
        path = ctx.index.path(q.start)
        metrics.append(built(Metric, {
            "label": label, "value": value, "unit": _MONEY_UNIT if q.kind == "money" else unit, "kpi": kpi,
            "approx": q.approx, "target": None, "target_comparator": None, "comparator": q.comparator,
            "decimals": decimals, "section": path[-1].key if path else None,
            "evidence": [ctx.span(ev_start, ev_end)]}))
    _first_per_sentence(ctx, metrics)
    _pair_targets(ctx, metrics, packs)
    return metrics


def _first_per_sentence(ctx: Context, metrics: list[Metric]) -> None:
    """One KPI is stated once per sentence; a later figure with the same KPI in that sentence is a
    subset ("共调解735件，其中…重点领域纠纷408件", "审结38件，审结案件中维持22件")."""
    seen: set[tuple[int, str]] = set()
    for m in metrics:
        if not m.kpi:
            continue
        key = (ctx.sentence_start(m.evidence[0].start), m.kpi)
        if key in seen:
            m.kpi = None
        seen.add(key)


def _pair_targets(ctx: Context, metrics: list[Metric], packs: list[dict]) -> None:
    """A target metric (法律援助任务数) gives its value as the target of the metric it is the goal
    of, stated in the same paragraph."""
    target_of = {ind["kpi"]: ind["target_of"] for p in packs for ind in p["indicators"] if ind.get("target_of")}
    by_para: dict[tuple[int, str], list[Metric]] = {}
    for m in metrics:
        if m.kpi:
            by_para.setdefault((ctx.line_of(m.evidence[0].start)[0], m.kpi), []).append(m)
    for t in metrics:
        goal_of = target_of.get(t.kpi or "")
        if not goal_of:
            continue
        for m in by_para.get((ctx.line_of(t.evidence[0].start)[0], goal_of), []):
            if m.target is None:
                m.target = t.value
                m.target_comparator = t.comparator
