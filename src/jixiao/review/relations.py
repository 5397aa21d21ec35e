"""Totals and their parts, found from the text's own structure and from definitions.

Sources, each giving a :class:`Relation`:
- ``其中`` / ``分别为`` lists right after a total in the same sentence
  ("基本支出592.98万元，其中：人员经费513.89万元，公用经费79.09万元");
- definitions kept as data (data/identities.yaml): 基本支出 = its economic classes, 支出合计 =
  基本支出 + 项目支出, 三公 = its three parts, 在册 = 缓刑 + 假释 + 暂予监外执行 + 管制;
- the project list under a 项目支出 total (the first amount stated for each project there).

A relation is ``exhaustive`` when the text or the definition says the parts cover the total;
otherwise only parts that add up to more than the total are a mismatch.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from jixiao.extract.accounts import table_at
from jixiao.extract.numbers import Quantity, parse_number, written_decimals
from jixiao.lexicon import data_cache, load_yaml, vocab, vocab_pattern
from jixiao.model import Metric, Report, Span, fact_label
from jixiao.review.input import ReviewInput
from jixiao.review.tolerance import sum_tolerance

_COUNT_ANNOUNCED = re.compile(r"(?:共|涉及|包括|以下|下列)?\s*(\d+|[一二三四五六七八九十]+)\s*(?:个|项)(?:项目|专项)?")


class _Words(NamedTuple):
    intro: re.Pattern[str]   # the breakdown opener after a total ("，其中：")
    lead: re.Pattern[str]    # … and before a part's label
    tail: re.Pattern[str]    # link words after a label ("共计")
    goal: re.Pattern[str]
    change: re.Pattern[str]


@data_cache
def _words() -> _Words:
    breakdown, link = vocab_pattern("breakdown"), vocab_pattern("link")
    return _Words(re.compile(rf"\s*[，,]?\s*[（(]?\s*({breakdown})\s*[：:]?"),
                  re.compile(rf"^[\s，,、：:（(]*{breakdown}?[：:]?\s*"),
                  re.compile(rf"{link}$"), vocab("goal"), vocab("change"))


@dataclass
class Term:
    """A total or a part of a relation: ``span`` covers its label and figure, ``figure`` the figure alone;
    an ``exact`` figure is not rounded, whatever its decimals (full points on a 自评表 row)."""

    label: str
    value: Decimal
    decimals: int
    span: Span
    figure: Span
    exact: bool = False


class Label(NamedTuple):
    """The label of a figure and where it starts."""

    text: str
    start: int


@dataclass
class Relation:
    """A total and its parts (``kind``: money | count | percent; ``source``: items, identity, kpi,
    text or table; ``exhaustive``: the parts are said to cover the total)."""

    total: Term
    parts: list[Term]
    exhaustive: bool
    kind: str
    unit: str
    source: str
    subject: str
    notes: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        """Counts are exact; so are points written as whole numbers (a 得分 of 32 is 32 points, not
        31.5–32.5)."""
        return self.kind == "count" or (self.kind == "score" and self.total.decimals == 0
                                        and all(p.decimals == 0 for p in self.parts))

    def tolerance(self, parts: list[Term] | None = None) -> Decimal:
        """How far the total may be from the sum of ``parts`` (default: all) at the precision written;
        a stated 0 (nothing at all) is exact, whatever its decimals."""
        parts = self.parts if parts is None else parts
        return sum_tolerance(self.total.decimals, [p.decimals for p in parts if p.value != 0 and not p.exact],
                             self.exact)

    def difference(self) -> Decimal:
        return sum((p.value for p in self.parts), Decimal(0)) - self.total.value


def identities() -> dict:
    """data/identities.yaml: totals and parts by definition, and rates with their counts."""
    return load_yaml("identities.yaml")


def _term(ri: ReviewInput, label: str, q: Quantity, start: int | None = None) -> Term:
    return Term(label, q.value, q.decimals, ri.span(q.start if start is None else start, q.end), ri.span(q.start, q.end))


def _figure(ri: ReviewInput, span: Span) -> Span:
    """The figure (number and unit) at the end of an evidence span."""
    i = bisect_left(ri.quantity_ends, span.end)
    if i < len(ri.quantities) and ri.quantities[i].end == span.end and ri.quantities[i].start >= span.start:
        q = ri.quantities[i]
        return ri.span(q.start, q.end)
    return span


def _part_label(ri: ReviewInput, qi: int, w: _Words) -> Label:
    q = ri.quantities[qi]
    cs = max(ri.clause_start(q.num_start), ri.prev_quantity_end(qi))
    raw = ri.text[cs:q.num_start]
    label = w.tail.sub("", w.lead.sub("", raw)).strip()
    return Label(label, cs + (len(raw) - len(raw.lstrip("，,、：: （("))))


def text_breakdowns(ri: ReviewInput) -> list[Relation]:
    """"T，其中A a、B b" / "T，分别为…" in one sentence."""
    out: list[Relation] = []
    qs = ri.quantities
    w = _words()
    for qi0, q0 in enumerate(qs):
        m = w.intro.match(ri.text, q0.end)
        if not m:
            continue
        qi = _total_before(ri, qi0, w)
        if qi is None:
            continue
        q = qs[qi]
        exhaustive = m.group(1).startswith("分别")
        in_parens = "（" in m.group(0) or "(" in m.group(0)
        end = ri.sentence_end(q.end)
        parts: list[tuple[int, Quantity]] = []
        for pj in range(qi + 1, len(qs)):
            p = qs[pj]
            if p.start >= end:
                break
            gap = ri.text[qs[pj - 1].end:p.num_start] if pj > qi + 1 else ri.text[m.end():p.num_start]
            if pj > qi + 1 and ("其中" in gap or (in_parens and re.search(r"[）)]", gap))):
                break
            if p.kind == "percent" and q.kind == "money" and _SHARE.search(gap):
                continue  # "一般公共服务支出（类）608.16万元，占52.25%；…": a part's share, not a part
            if p.kind != q.kind or (q.kind == "count" and p.unit != q.unit) or p.approx or p.comparator:
                break
            if _depth(ri.text, m.end(), p.start) > 0:
                continue  # "基本支出1,106.87万元（人员经费986.42万元…）": a part of a part
            if _COMPARED.search(_part_label(ri, pj, w)[0]):
                continue  # "其中基本支出562.33万元，与上年560.90万元基本持平": last year's figure, not a part
            parts.append((pj, p))
        if not parts:
            continue
        label, lstart = _part_label(ri, qi, w)
        parts += _parts_after_semicolons(ri, parts, end, q, label, w)
        total = _term(ri, label or "合计", q, lstart)
        refs = [_term_at(ri, pj, w) for pj, _ in parts]
        exhaustive = exhaustive or _composition(label, [r.label for r in refs])
        if sum(bool(_LEVEL.match(r.label)) for r in refs) >= 2:
            continue  # "一级指标2个、二级指标5个、三级指标9个": the levels of a hierarchy, not its parts
        out.append(Relation(total, refs, exhaustive, q.kind, q.unit if q.kind != "money" else "万元", "text",
                            label or "合计"))
    return out


_SHARE = re.compile(r"占[^，。；;\d]{0,24}$")
_COMPARED = re.compile(r"^(?:与|较|比|同比)(?:上年|上一年|去年|上年度|\d{4}\s*年)")


def _composition(total: str, parts: list[str]) -> bool:
    """Whether a 其中 list names exactly the parts a total so named is made of (identities.yaml ``compositions``)."""
    for comp in identities().get("compositions", []):
        if len(parts) == len(comp["parts"]) and re.search(comp["total"], total) \
                and all(any(word in p for p in parts) for word in comp["parts"]):
            return True
    return False


def _parts_after_semicolons(ri: ReviewInput, parts: list[tuple[int, Quantity]], end: int, q: Quantity,
                            total: str, w: _Words) -> list[tuple[int, Quantity]]:
    """"其中：人员经费324.02万元，主要包括：基本工资、…；公用经费74.73万元，主要包括…" (or any list its intro opens:
    "主要用于以下方面：A（类）…，占…%；B（类）…"): a list whose parts are
    separated by "；" goes on past it while the next clause opens with a part named like the first one (人员经费 /
    公用经费: the same last two characters), never with one named like the total's siblings."""
    text, qs = ri.text, ri.quantities
    first = _part_label(ri, parts[0][0], w)[0]
    before_first = qs[parts[0][0] - 1].end if parts[0][0] else 0
    if len(first) < 2 or not w.intro.search(text, before_first, qs[parts[0][0]].num_start):
        return []
    out: list[tuple[int, Quantity]] = []
    last = parts[-1][0]
    while True:
        # the "；" that ends the part's clause, also after a line the PDF's text layer broke ("基本工资、\n津贴补贴…；")
        semi = min((i for i in (text.find("；", end, end + 200), text.find(";", end, end + 200)) if i >= 0), default=-1)
        if semi < 0 or "。" in text[end:semi] or "\n\n" in text[end:semi]:
            break
        end = semi
        nxt = next((j for j in range(last + 1, len(qs)) if qs[j].start > end), None)
        if nxt is None:
            break
        p = qs[nxt]
        stop = min((i for i in (text.find("；", end + 1), text.find("。", end + 1), text.find("\n", end + 1))
                    if i >= 0), default=len(text))
        label = _part_label(ri, nxt, w)[0]
        if (p.start >= stop or p.kind != q.kind or p.approx or p.comparator or "其中" in text[end:p.num_start]
                or label[-2:] != first[-2:] or _disjoint(total, label)):
            break
        out.append((nxt, p))
        last, end = nxt, ri.sentence_end(p.end)
    return out


def _disjoint(total: str, part: str) -> bool:
    """Whether ``part`` names a group that is no part of the group ``total`` names (identities.yaml ``disjoint``)."""
    return any(re.search(a, total) and re.search(b, part) for a, b in identities().get("disjoint", []))


_LEVEL = re.compile(r"^(?:其中[：:]?)?[一二三四五六七八九1-9]级")


def _depth(text: str, a: int, b: int) -> int:
    """How many （ opened between a and b are still open at b."""
    seg = text[a:b]
    return seg.count("（") + seg.count("(") - seg.count("）") - seg.count(")")


def _total_before(ri: ReviewInput, qi: int, w: _Words) -> int | None:
    """The total a "其中" list breaks down: the figure just before it, unless that figure is a
    target ("办理206件，超过年度目标180件，其中刑事案件78件…"), then the one before that."""
    start = ri.sentence_start(ri.quantities[qi].start)
    unit = ri.quantities[qi].unit
    j = qi
    while j >= 0 and ri.quantities[j].start >= start:
        q = ri.quantities[j]
        if q.unit == unit and q.kind != "percent" and not q.approx and not q.comparator:
            label, _ = _part_label(ri, j, w)
            if not w.goal.search(label) and not w.change.search(label):
                return j
        j -= 1
    return None


def _term_at(ri: ReviewInput, qi: int, w: _Words) -> Term:
    label, start = _part_label(ri, qi, w)
    return _term(ri, label, ri.quantities[qi], start)


def fact_identities(ri: ReviewInput, report: Report) -> list[Relation]:
    """Totals and parts by definition (data/identities.yaml ``facts``) among the report's stated facts."""
    out: list[Relation] = []
    facts = report.facts
    for ident in identities()["facts"]:
        total = facts.get(ident["total"])
        if total is None or total.computed or not total.evidence:
            continue
        parts = [facts[k] for k in ident["parts"] if k in facts and not facts[k].computed and facts[k].evidence]
        if len(parts) < 2:
            continue
        complete = len(parts) == len(ident["parts"])
        if ident["total"] == "expenditure_total":
            # the total may or may not include the funds' spending: the parts cover it only
            # when the report has none
            funds = ("gov_fund_expenditure", "soe_capital_expenditure", "social_insurance_expenditure")
            complete = complete and not any(f in facts and facts[f].value for f in funds)
        # (where each was read: its first evidence — a table fact's row, before the sentences saying the same)
        held = [table_at(ri.accounts, f.evidence[0].start) for f in (total, *parts)] if ri.accounts else []
        where = {f.key: f.evidence[0] for f in (total, *parts)}
        if any(t is not None for t in held):
            # 决算 tables of different scope (all sources, 财政拨款), or a table and the text: the table identities
            # (cross-table-mismatch) and the text-table check hold them against each other; one table: its own
            # totals (sum-mismatch, cross-table-mismatch), unless the text says the total and its parts again
            said = {f.key: next((ev for ev in f.evidence if table_at(ri.accounts, ev.start) is None), None)
                    for f in (total, *parts)}
            if len({id(t) for t in held}) > 1 or None in said.values():
                continue
            where = said
        if _broken_down_from_another(ri, [ev for f in (total, *total.others) for ev in f.evidence],
                                     [p.evidence[-1] for p in parts]):
            continue  # "预算总金额9846.25万元，其中基本支出…、项目支出…": the parts of the budget
        if not complete and ident["exhaustive"]:
            complete = _listed_as_composition(ri, fact_label(total.key), parts)
        refs = [Term(fact_label(p.key), Decimal(p.value), p.decimals or 0, where[p.key], _figure(ri, p.evidence[-1]))
                for p in parts]
        tev = where[total.key]
        out.append(Relation(Term(fact_label(total.key), Decimal(total.value), total.decimals or 0, tev, _figure(ri, tev)),
                            refs, ident["exhaustive"] and complete, "money", "万元", "identity", fact_label(total.key)))
    return out


def _broken_down_from_another(ri: ReviewInput, spans: list[Span], parts: list[Span]) -> bool:
    """Whether the parts (their evidence) are all listed after a "其中" under one figure that is not
    the total (stated at ``spans``): "在册社区矫正对象416人，累计接收238人，其中缓刑203人…"."""
    w = _words()
    unders = {_listed_under(ri, _figure(ri, p), w) for p in parts}
    if len(unders) != 1 or None in unders:
        return False
    under = ri.quantities[unders.pop()]
    return not any(ev.start <= under.num_start < ev.end for ev in spans)


def _listed_under(ri: ReviewInput, figure: Span, w: _Words) -> int | None:
    """The quantity a "其中" list that holds ``figure`` breaks down (its index), if any."""
    qs = ri.quantities
    i = bisect_left(ri.quantity_starts, figure.start)
    sentence = ri.sentence_start(figure.start)
    for j in range(i - 1, -1, -1):
        if qs[j].start < sentence:
            break
        if w.intro.match(ri.text, qs[j].end):
            return _total_before(ri, j, w)
    return None


_COMPOSITION = r"\s*(?:中|按(?:支出)?经济(?:分类|科目)(?:划分)?|包括|构成(?:为|如下)?|具体为|分别为|明细(?:如下)?)\s*[：:，,]?\s*"


def _listed_as_composition(ri: ReviewInput, label: str, parts: list) -> bool:
    """"基本支出中：工资福利支出…，商品和服务支出…，对个人和家庭的补助…" (or "基本支出386.52万元，其中
    工资福利支出…") — a sentence that opens with the total's name and lists its parts by definition gives
    all of them, even when a class of the definition is absent."""
    starts = sorted(p.evidence[0].start for p in parts)
    ss = ri.sentence_start(starts[0])
    if any(ri.sentence_start(a) != ss for a in starts):
        return False
    lead = ri.text[ss:starts[0]]
    return bool(re.fullmatch(r"\s*(?:其中[，,：:]?)?" + re.escape(label) + _COMPOSITION, lead)
                or re.fullmatch(r"\s*" + re.escape(label) + _STATED + r"[，,]?\s*其中\s*[：:，,]?\s*", lead))


# the total's own figure between its name and 其中: "基本支出386.52万元，其中工资福利支出…"
_STATED = r"(?:为|共计|合计|共)?\s*[\d,]+(?:\.\d+)?\s*(?:万元|元|千元|亿元|万)"


def kpi_identities(ri: ReviewInput, metrics: list[Metric]) -> list[Relation]:
    """A KPI total followed in its sentence by the KPIs that make it up."""
    out: list[Relation] = []
    by_sentence: dict[int, list[Metric]] = {}
    for m in metrics:
        if m.kpi:
            by_sentence.setdefault(ri.sentence_start(m.evidence[0].start), []).append(m)
    for ident in identities()["kpis"]:
        wanted = set(ident["parts"])
        for m in metrics:
            if m.kpi != ident["total"] or m.approx or m.comparator:
                continue
            ev = m.evidence[0]
            end = ri.sentence_end(ev.end)
            same = by_sentence.get(ri.sentence_start(ev.start), [])
            parts = [p for p in same if p.kpi in wanted and ev.end <= p.evidence[0].start < end]
            seen: set[str] = set()
            parts = [p for p in parts if not (p.kpi in seen or seen.add(p.kpi))]
            if len(parts) < 2 or _broken_down_from_another(ri, [ev], [p.evidence[0] for p in parts]):
                continue
            refs = [Term(p.label, p.value, p.decimals, p.evidence[0], _figure(ri, p.evidence[0])) for p in parts]
            out.append(Relation(Term(m.label, m.value, m.decimals, ev, _figure(ri, ev)), refs, ident["exhaustive"], "count",
                                m.unit, "kpi", m.label))
    return out


def item_lists(ri: ReviewInput, report: Report) -> list[Relation]:
    """项目支出 total vs the projects listed under it."""
    total = report.facts.get("project_expenditure")
    if total is None or not total.evidence:
        return []
    # the mention that heads the project list: the one in a 项目支出 section, else the first
    tev = next((ev for ev in total.evidence if "project_expenditure" in ri.index.keys(ev.start)),
               total.evidence[0])
    para = ri.line_of(tev.start)
    chosen: dict[str, tuple[int, str]] = {}
    order: list[str] = []
    for st in ri.item_statements:
        q = ri.quantities[st.qi]
        if st.parent is not None or q.start < tev.end:
            continue
        in_list_section = "project_expenditure" in ri.index.keys(q.start)
        if not (in_list_section or para[0] <= q.start < para[1]):
            continue
        rank = {"actual": 0, "implicit_actual": 1, "plain": 2}.get(st.role)
        if rank is None:
            continue
        if st.item not in chosen:
            order.append(st.item)
        if st.item not in chosen or rank < chosen[st.item][1]:
            chosen[st.item] = (st.qi, rank)
    if len(order) < 2:
        return []
    refs = []
    for name in order:
        q = ri.quantities[chosen[name][0]]
        refs.append(Term(name, q.value, q.decimals, ri.span(q.start, q.end), ri.span(q.start, q.end)))
    announced = _COUNT_ANNOUNCED.search(ri.text, tev.end, min(len(ri.text), tev.end + 30))
    exhaustive = False
    if announced:
        n = parse_number(announced.group(1))
        exhaustive = bool(n) and int(n[0]) == len(refs)
    return [Relation(Term("项目支出", Decimal(total.value), total.decimals or 0, tev, _figure(ri, tev)), refs, exhaustive, "money",
                     "万元", "items", "项目支出")]


def table_totals(ri: ReviewInput) -> list[Relation]:
    """A table's 合计 row against the rows above it."""
    out = []
    names = {"budget": "年初预算", "adjustment": "调整数", "budget_full": "全年预算", "actual": "决算数"}
    for tt in ri.table_totals:
        t = tt.total
        refs = [Term(p.label, p.value, p.decimals, p.span, p.span) for p in tt.parts]
        subject = f"表格（{names.get(tt.column, tt.column)}）{tt.label}"
        out.append(Relation(Term(tt.label, t.value, t.decimals, t.span, t.span), refs, True, "money", "万元", "table", subject))
    return out


def project_scores(report: Report) -> list[Relation]:
    """A 项目支出绩效自评表's 总分 against the 得分 of its 年度资金总额 row and of its indicator rows, when
    the form is complete: every row scored and weighted, the weights adding up to the 总分 row's 分值
    (100). When they do not but the scores make the 总分 (so no row was missed), the 分值 column
    against its total."""
    out = []
    for p in report.projects:
        if p.total_score is None or len(p.evidence) < 2 or not p.indicators or not p.funds:
            continue
        rows = [p.funds[0], *p.indicators]
        if any(r.score is None or r.weight is None or len(r.evidence) < 3 for r in rows):
            continue
        span = p.evidence[-1]
        # full points are exact (a 40 of 40 is not 39.5–40.5); a whole score below its 分值 may be rounded
        parts = [Term(r.label, r.score, written_decimals(r.score), r.evidence[-1], r.evidence[-1], r.score == r.weight)
                 for r in rows]
        scores = Relation(Term("总分", p.total_score, written_decimals(p.total_score), span, span), parts, True,
                          "score", "分", "form", f"“{p.name}”自评表总分")
        stated = p.total_weight if p.total_weight is not None else Decimal(100)
        if sum((r.weight for r in rows), Decimal(0)) == stated:
            out.append(scores)
        elif p.weight_evidence is not None and abs(scores.difference()) <= scores.tolerance():
            w = p.weight_evidence  # every row read (their scores make the 总分): the 分值 column is off
            parts = [Term(r.label, r.weight, written_decimals(r.weight), r.evidence[-2], r.evidence[-2]) for r in rows]
            out.append(Relation(Term("分值合计", stated, written_decimals(stated), w, w), parts, True, "score", "分",
                                "form", f"“{p.name}”自评表分值合计"))
        # else: a layout whose 总分 also covers rows not read (项目决策, 项目管理 …)
    return out


def all_relations(ri: ReviewInput) -> list[Relation]:
    """Every relation of the report, one per total figure and set of parts."""
    report = ri.report
    rels = (item_lists(ri, report) + fact_identities(ri, report) + kpi_identities(ri, report.metrics)
            + text_breakdowns(ri) + table_totals(ri) + project_scores(report))
    # one relation per total figure and parts: the first source wins (items, definitions, then
    # text), but if any source says the parts are exhaustive ("分别为"), so is the relation
    seen: dict[tuple[int, tuple], Relation] = {}
    for r in rels:
        key = (r.total.span.end, tuple(sorted(p.span.end for p in r.parts)))
        if key in seen:
            seen[key].exhaustive = seen[key].exhaustive or r.exhaustive
            continue
        seen[key] = r
    return list(seen.values())
