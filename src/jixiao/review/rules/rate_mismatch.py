"""rate-mismatch: a stated rate differs from the rate its stated counts give."""

from __future__ import annotations

import re
from bisect import bisect_left
from decimal import Decimal
from typing import NamedTuple

from jixiao.lexicon import vocab_pattern
from jixiao.model import fact_label
from jixiao.review.registry import rule
from jixiao.review.relations import identities
from jixiao.review.rules.common import as_written, fmt, in_table, names_last_year, num
from jixiao.review.tolerance import rate_agrees, rate_within


@rule("rate-mismatch", "J102", "error", "比率与其计算依据不符",
      "{label}记为{stated}%，按{den_label}{den}、{num_label}{numv}计算应为{computed}%。")
def check(rc):
    """写出的比率与同一段中写出的分子、分母计算结果不符（按所写精度四舍五入后比较）。

    **何时触发**：同一段落里写了调解件数、调解成功件数和调解成功率（或法律援助受理数与结案率、
    任务数与完成率等，见 data/identities.yaml 的 rates），而成功数 ÷ 件数 × 100 按该比率书写的
    小数位四舍五入后与所写比率不同。97% 只比较到整数，98.8% 比较到一位小数；舍去尾数（96.77%
    写作 96.7%）默认也视为相符，可在配置中关闭。

    也核对变动幅度：“总计A万元。与上年相比，总计减少B万元，下降C%”中，C 应为 B ÷ (A + B)（增加时为 B ÷ (A − B)）；
    上年为 0（新设单位“增长100%”）时不核对。

    **为什么重要**：比率是考核打分的直接依据，算错或“凑数”会影响评价结论。

    **示例**：共调解矛盾纠纷1260件，调解成功1215件，调解成功率98.5% → 按件数计算应为96.4%。
    """
    cfg = rc.config.get("rate_mismatch", {})
    accept_trunc = cfg.get("accept_truncation", True) and \
        rc.report.fact_value("report_kind") not in cfg.get("strict_kinds", ())
    # a form's 执行率 is checked on its own row's figures (_table_rates), not on the text around it
    checked: set[int] = {r.rate.span.start for r in [*rc.table_rates, *rc.zero_base_rates]}
    by_para: dict[int, list] = {}
    for m in rc.report.metrics:
        by_para.setdefault(rc.line_of(m.evidence[0].start)[0], []).append(m)
    for spec in identities()["rates"]:
        for metrics in by_para.values():
            for rate in metrics:
                if rate.unit != "%" or rate.approx or rate.comparator:
                    continue
                if spec.get("rate") and rate.kpi != spec["rate"]:
                    continue
                if spec.get("rate_label") and not re.search(spec["rate_label"], rate.label):
                    continue
                # the counts a rate is computed from come after the previous rate of the paragraph
                para = rc.line_of(rate.evidence[0].start)
                prev = [m.evidence[0].end for m in metrics if m.unit == "%" and m is not rate
                        and para[0] <= m.evidence[0].end <= rate.evidence[0].start]
                window = (max([para[0], *prev]), para[1])
                numerator = _nearest(metrics, spec["numerator"], window, rate.evidence[0].start)
                denominator = _nearest(metrics, spec["denominator"], window, rate.evidence[0].start)
                if numerator is None or denominator is None or denominator.value == 0:
                    continue
                checked.add(rate.evidence[0].start)
                ok, computed = rate_agrees(rate.value, rate.decimals, numerator.value, denominator.value, accept_trunc)
                if ok:
                    continue
                yield _finding(rc, rate, denominator, numerator, computed)
    for rate, denominator, numerator, computed in _generic(rc, by_para, checked, accept_trunc):
        checked.add(rate.evidence[0].start)
        yield _finding(rc, rate, denominator, numerator, computed)
    yield from _execution_rates(rc, checked, accept_trunc)
    yield from _table_rates(rc, accept_trunc)
    yield from _changes(rc, accept_trunc)
    yield from _shares(rc, {r.rate.span.start for r in [*rc.table_rates, *rc.zero_base_rates]}, accept_trunc, cfg)


_EXECUTION = re.compile(r"执行率$|执行进度$|支出进度$")
_SPENT = re.compile(r"(?:支出|执行|拨付|使用|完成|兑付|发放)[^，,。；;]{0,8}$")
_BASE = re.compile(r"预算|计划|下达|安排|到位|批复|总额|投资|调整后|调整[为至]")


def _execution_rates(rc, checked: set[int], accept_trunc: bool):
    """"项目预算85.60万元 … 实际支出82.74万元，执行率96.66%": a stated 执行率 against the amount
    spent just before it, over any budget amount stated earlier in its paragraph (预算、下达、到位 …). It
    is flagged only when no amount of the paragraph gives it, so a rate on 下达数 is not wrong."""
    text, qs = rc.text, rc.quantities
    starts = rc.quantity_starts
    for m in rc.report.metrics:
        pos = m.evidence[0].start if m.evidence else -1
        if (m.unit != "%" or m.approx or m.comparator or pos in checked or not _EXECUTION.search(m.label)
                or m.value <= 0):
            continue
        para = max(text.rfind("\n\n", 0, pos), 0)
        head = next((s.start for s in reversed(rc.sections) if s.start <= pos), 0)
        lo = max(para, head)
        # a list of projects separated by "；" ("1.甲项目预算85万元…执行率38%；2.乙项目…执行率100%"): the rate is
        # about the part it closes, not the one before
        lo = max(lo, text.rfind("；", lo, pos) + 1, text.rfind(";", lo, pos) + 1)
        before = [q for q in qs[bisect_left(starts, lo):bisect_left(starts, pos)] if q.kind == "money" and not q.approx]
        if len(before) < 2:
            continue
        def label(q) -> str:
            return text[rc.clause_start(q.num_start):q.num_start]

        if not _SPENT.search(label(before[-1])):
            continue
        bases = [q for q in before[:-1] if q.value > 0 and _BASE.search(label(q))]
        if not bases:
            continue
        # any amount spent stated after a budget may be the numerator ("全年支出1701.46万元，其中基本支出…、
        # 项目支出808.26万元，执行率97.65%": the total, not the last part)
        spents = [q for q in before[before.index(bases[0]) + 1:] if _SPENT.search(label(q))]
        if any(rate_agrees(m.value, m.decimals, s.value, q.value, accept_trunc)[0]
               for s in spents for q in bases if q.start < s.start):
            continue
        spent = next((s for s in spents if "其中" not in label(s)), spents[-1])
        base = [q for q in bases if q.start < spent.start][-1]
        computed = rate_agrees(m.value, m.decimals, spent.value, base.value, accept_trunc)[1]
        base_label, spent_label = label(base).strip(), label(spent).strip()
        yield rc.finding(
            "rate-mismatch",
            values={"stated": num(m.value), "computed": num(computed), "numerator": num(spent.value),
                    "denominator": num(base.value), "decimals": m.decimals},
            evidence=[m.evidence[0], rc.span(base.start, base.end), rc.span(spent.start, spent.end)],
            label=m.label, stated=fmt(m.value), den_label=base_label, den=as_written(base.value, base.unit),
            num_label=spent_label, numv=as_written(spent.value, spent.unit), computed=fmt(computed))


_BASE_LABEL = {"budget_full": "全年预算数", "budget": "年初预算数"}


def _table_rates(rc, accept_trunc: bool):
    """A form's 执行率 that matches neither 执行数 ÷ 全年(调整后)预算数 nor 执行数 ÷ 年初预算数."""
    for tr in rc.table_rates:
        stated, dec, span = tr.rate.value, tr.rate.decimals, tr.rate.span
        actual, actual_span = tr.actual.value, tr.actual.span
        results = [(col, f.value, f.span, *rate_agrees(stated, dec, actual, f.value, accept_trunc))
                   for col, f in tr.bases]
        if any(ok for *_, ok, _ in results):
            continue
        col, value, vspan, _, computed = results[0]
        yield rc.finding(
            "rate-mismatch",
            values={"stated": num(stated), "computed": num(computed), "numerator": num(actual),
                    "denominator": num(value), "decimals": dec},
            evidence=[span, vspan, actual_span],
            label=f"{tr.label}执行率", stated=fmt(stated), den_label=_BASE_LABEL[col], den=fmt(value),
            num_label="执行数", numv=fmt(actual), computed=fmt(computed))


_COMPARED = re.compile(r"^[。；;，,\s]*(?:与|比|较)\s*(?:上年|上一年|去年|上年度|\d{4}\s*年度?)\s*(?:相比|比较)?\s*[，,]?\s*"
                       r"[^，,。；;\d]{0,30}?(?P<dir>增加|减少|增长|下降)\s*$")
_RATE_WORD = re.compile(r"^[，,\s]*(?P<dir>增长|下降|增加|减少|上升|降低)\s*$")


def _changes(rc, accept_trunc: bool):
    """"收入支出总计2995.39万元。与2023年度相比，收入支出总计减少56.95万元，下降1.87%": the change's percent
    against last year's figure (this year's ∓ the change); not when last year's was 0 (a new unit's 100%)."""
    text, qs = rc.text, rc.quantities
    for i in range(2, len(qs)):
        current, change, rate = qs[i - 2], qs[i - 1], qs[i]
        if (rate.kind != "percent" or change.kind != "money" or current.kind != "money" or current.unit != change.unit
                or any(q.approx or q.comparator for q in (current, change, rate)) or rate.start - current.end > 120):
            continue
        said = _COMPARED.match(text[current.end:change.num_start])
        word = _RATE_WORD.match(text[change.end:rate.num_start])
        if said is None or word is None:
            continue
        up = said.group("dir") in ("增加", "增长")
        if up != (word.group("dir") in ("增长", "增加", "上升")):
            continue  # 增加 … 下降: said otherwise, another rule's matter
        before = current.value - change.value if up else current.value + change.value
        den_label = f"上年数（{as_written(current.value, current.unit)}{'−' if up else '+'}{as_written(change.value, change.unit)}）"
        if names_last_year(rc, current):
            # "2024年度决算总计631.84万元，与上年相比…减少48.61万元，下降7.69%": the base itself
            before, den_label = current.value, "上年数"
        if before <= 0 or change.value <= 0:
            continue
        ok, computed = rate_agrees(rate.value, rate.decimals, change.value, before, accept_trunc)
        if ok:
            continue
        yield rc.finding(
            "rate-mismatch",
            values={"stated": num(rate.value), "computed": num(computed), "numerator": num(change.value),
                    "denominator": num(before), "decimals": rate.decimals},
            evidence=[rc.span(current.start, current.end), rc.span(change.start, change.end),
                      rc.span(rate.start, rate.end)],
            label="变动幅度", stated=fmt(rate.value), den_label=den_label, den=as_written(before, current.unit), num_label="变动额",
            numv=as_written(change.value, change.unit), computed=fmt(computed))


def _shares(rc, skip: set[int], accept_trunc: bool, cfg: dict):
    """(``skip``: rates checked on a form's row.) "基本支出2336.91万元，占79.49%" (of the total its sentence breaks down, or of the total it names: "占本年支出合计
    的99.86%") and "支出决算为9746.50万元，完成年初预算的95.45%": the share against the amount before it. Flagged only when
    no amount of the paragraph that could be its base gives it."""
    if not cfg.get("share"):
        return
    text, qs = rc.text, rc.quantities
    share, completion = re.compile(cfg["share"]), re.compile(cfg["completion"])
    breakdown = re.compile(cfg["breakdown"])
    for i in range(1, len(qs)):
        rate, part = qs[i], qs[i - 1]
        if (rate.kind != "percent" or part.kind != "money" or rate.approx or part.approx or rate.comparator
                or rate.start in skip or in_table(rc, rate.start)):
            continue
        between = text[part.end:rate.num_start]
        m, is_completion = share.match(between), False
        if m is None:
            m, is_completion = completion.match(between), True
        if m is None:
            continue
        para = rc.line_of(part.start)[0]
        lo = max(para - 600, rc.index.path(part.start)[-1].start if rc.index.path(part.start) else 0)
        before = [q for q in qs[:i - 1] if q.kind == "money" and not q.approx and q.start >= lo and q.value > 0]
        base_name = re.sub(r"\s", "", m.group("base"))
        if is_completion:
            if _BUDGET_LABEL.search(_label(rc, part)):
                # "全年预算数为1067.08万元，完成全年预算的92.44%": the amount before is the base; what was spent
                # is the last amount of the paragraph stated as spent
                spent = [q for q in before if _SPENT_LABEL.search(_label(rc, q)) and not _BUDGET_LABEL.search(_label(rc, q))]
                if not spent:
                    continue
                part, before = spent[-1], [q for q in before if q is not spent[-1]] + [part]
            candidates = [q for q in before if base_name[:2] in _label(rc, q)] or before
            # the budget a completion rate is on is stated in its own sentence ("…年初预算为223.14万元，支出决算为
            # 218.22万元，完成年初预算的97.80%"); one of an earlier sentence is another line's (the “三公” total's
            # budget for 公务接待费's rate, whose own budget only the table gives)
            sentence = rc.sentence_start(rate.start)
            candidates = [q for q in candidates if q.start >= sentence]
            before = [q for q in before if q.start >= sentence]
        elif base_name:
            candidates = [q for q in before if base_name in re.sub(r"\s", "", _label(rc, q))] or \
                _named_fact(rc, base_name)
        else:
            candidates = [q for q in before if breakdown.match(text, q.end) and q.value >= part.value]
        if not candidates:
            continue
        if any(rate_within(rate.value, rate.decimals, part.value, part.decimals, q.value, q.decimals)
               or rate_agrees(rate.value, rate.decimals, part.value, q.value, accept_trunc)[0]
               for q in [*before, *candidates] if q.value >= part.value or is_completion):
            continue  # some amount of the paragraph gives it, at the precision the figures are written with
        base = candidates[-1]
        computed = rate_agrees(rate.value, rate.decimals, part.value, base.value, accept_trunc)[1]
        if computed == rate.value:
            continue  # written as it computes (a part a rounding above its total: 515.50 of 515.495498 is 100.00%)
        yield rc.finding(
            "rate-mismatch",
            values={"stated": num(rate.value), "computed": num(computed), "numerator": num(part.value),
                    "denominator": num(base.value), "decimals": rate.decimals},
            evidence=[rc.span(rate.start, rate.end), rc.span(base.start, base.end), rc.span(part.start, part.end)],
            label=_label(rc, part) + ("完成率" if is_completion else "占比"), stated=fmt(rate.value),
            den_label=base_name if isinstance(base, _Stated) else (_label(rc, base) or "合计"),
            den=as_written(base.value, getattr(base, "unit", None)), num_label=_label(rc, part) or "分项",
            numv=as_written(part.value, part.unit), computed=fmt(computed))


class _Stated(NamedTuple):
    """A fact's stated figure standing in for an amount of the text (the base a share names)."""

    value: Decimal
    start: int
    end: int
    num_start: int
    decimals: int


def _named_fact(rc, name: str) -> list:
    """The report's figure of the fact a share names as its base ("占本年支出合计的99.86%"), as a candidate base."""
    for key, fact in rc.report.facts.items():
        if fact_label(key) == name and fact.evidence and not fact.computed and isinstance(fact.value, (int, float, Decimal)):
            ev = fact.evidence[-1]
            return [_Stated(Decimal(str(fact.value)), ev.start, ev.end, ev.start, fact.decimals or 2)]
    return []


_BUDGET_LABEL = re.compile(r"预算(?:数|金额)?(?:[（(][^）)]*[)）])?\s*$")
_SPENT_LABEL = re.compile(r"(?:支出|决算|决算数|执行数|实际支出)\s*$")


def _label(rc, q) -> str:
    """What the text calls an amount: the words of its clause before it."""
    words = rc.text[rc.clause_start(q.num_start):q.num_start]
    return re.sub(r"^[\s：:，,（(]*(?:其中)?[：:]?|[\s为是：:]+$", "", words)


def _finding(rc, rate, denominator, numerator, computed):
    return rc.finding(
        "rate-mismatch",
        values={"stated": num(rate.value), "computed": num(computed), "numerator": num(numerator.value),
                "denominator": num(denominator.value), "decimals": rate.decimals},
        evidence=[rate.evidence[0], denominator.evidence[0], numerator.evidence[0]],
        label=rate.label, stated=fmt(rate.value), den_label=denominator.label, den=fmt(denominator.value),
        num_label=numerator.label, numv=fmt(numerator.value), computed=fmt(computed))


def _generic(rc, by_para: dict[int, list], checked: set[int], accept_trunc: bool):
    """"入学申请3,260人，安排入学3,198人，入学率99.5%": a rate right after two counts of the same
    unit that both name what the rate measures (入学 in 入学率)."""
    link = re.compile(rf"{vocab_pattern('link')}$")  # link words before 率 do not say what it measures
    for metrics in by_para.values():
        for k, rate in enumerate(metrics):
            if (rate.unit != "%" or rate.approx or rate.comparator or k < 2
                    or rate.evidence[0].start in checked or not rate.label.endswith("率")):
                continue
            den, numr = metrics[k - 2], metrics[k - 1]
            what = link.sub("", rate.label[:-1])[-2:]
            same_sentence = rc.sentence_start(den.evidence[0].start) == rc.sentence_start(rate.evidence[0].start)
            if (len(what) < 2 or not same_sentence or den.unit != numr.unit or den.unit == "%"
                    or den.approx or numr.approx or not den.value or numr.value > den.value
                    or what not in numr.label or what not in den.label):
                continue
            ok, computed = rate_agrees(rate.value, rate.decimals, numr.value, den.value, accept_trunc)
            if not ok:
                yield rate, den, numr, computed


def _nearest(metrics, kpi: str, para: tuple[int, int], before: int):
    """The metric with this KPI in the paragraph, nearest before the rate (else after it)."""
    cands = [m for m in metrics if m.kpi == kpi and para[0] <= m.evidence[0].start < para[1]
             and not m.approx and not m.comparator]
    prior = [m for m in cands if m.evidence[0].start < before]
    if prior:
        return prior[-1]
    return cands[0] if cands else None
