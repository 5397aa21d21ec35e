"""rate-on-zero-base: a rate stated against a base the document states as zero."""

from __future__ import annotations

import re
from functools import lru_cache

from jixiao.extract.accounts import figures_of, lexicon
from jixiao.review.registry import rule
from jixiao.review.rules.common import fmt, in_table, names_last_year, num


@lru_cache(maxsize=8)
def _patterns(bases: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    # "完成年初预算的95.89%", "占年初预算95%", "年初预算执行率为95%"
    on_base = re.compile(rf"(?:完成|占|达到|为)?\s*(?P<base>{bases})(?:数|金额)?\s*(?:的|执行率|完成率)\s*(?:为|达到?|是)?\s*$")
    # a statement of a base: "年初预算为0", "年初预算为223.14万元" (zero or not)
    stated = re.compile(rf"(?P<base>{bases})(?:数|金额)?\s*(?:为|是|[:：])?\s*(?P<num>[\d,]+(?:\.\d+)?|零)\s*(?:万元|元|千元)?(?![\d.])")
    return on_base, stated


def _is_zero(m: re.Match[str]) -> bool:
    n = m.group("num")
    return n == "零" or not n.replace(",", "").replace("0", "").replace(".", "")


_COLUMN = {"budget_full": "全年（调整后）预算数", "budget": "年初预算数"}


@rule("rate-on-zero-base", "J113", "warning", "比率的基数为零",
      "{base}为0，却称“{stated}”。")
def check(rc):
    """比率或占比所依据的基数，报告本身写明为零。

    **何时触发**：报告写明年初预算（或 ``data/review.yaml`` 的 ``rate_on_zero_base.bases`` 所列的其他
    基数）为0，又称“完成年初预算的××%”之类；或自评表某一资金行的预算数（全年/调整后及年初）都为0，却有执行数并写了
    执行率。按调整后预算计算的执行率不在此列。上年数写明为0（“2024年度“三公”经费支出为0万元”），却称“比上年增长100%”，也属此类。

    **为什么重要**：以零为基数的比率无从计算，说明口径写错了（多半应为调整后预算或下达数）。

    **示例**：该项目年初预算为0，年中追加35.00万元……实际支出35.00万元，完成年初预算的100%。
    """
    for r in rc.zero_base_rates:  # a form's row: 年初 0.00 · 调整后 0.00 · 执行 12.00 · 执行率 100.00%
        base = f"{r.label}的{_COLUMN.get(r.bases[0][0], '预算数')}"
        yield rc.finding("rate-on-zero-base", values={"stated": num(r.rate.value), "base": base},
                         evidence=[b.span for _, b in r.bases] + [r.actual.span, r.rate.span], base=base,
                         stated=f"执行率{r.rate.span.text.strip()}")
    yield from _table_bases(rc)
    yield from _growth_on_zero(rc)
    on_base, stated = _patterns(rc.config.get("rate_on_zero_base", {}).get("bases", "年初预算"))
    text = rc.text
    statements = [m for m in stated.finditer(text) if not in_table(rc, m.start("num"))]
    budget = rc.report.facts.get("budget")
    zero_budget = budget is not None and budget.value == 0 and bool(budget.evidence)
    if not zero_budget and not any(_is_zero(m) for m in statements):
        return
    for q in rc.quantities:
        if q.kind != "percent" or q.approx or q.comparator or q.value <= 0:
            continue
        lead = text[rc.clause_start(q.num_start):q.num_start]
        m = on_base.search(lead)
        if not m:
            continue
        base = m.group("base")
        hit = _zero_base(text, statements, base, q.start)
        if hit is None and not (zero_budget and base.startswith("年初") and not statements):
            continue
        evidence = [rc.span(hit.start(), hit.end())] if hit is not None else list(budget.evidence[:1])
        start = rc.clause_start(q.num_start) + m.start()
        evidence.append(rc.span(start, q.end))
        yield rc.finding("rate-on-zero-base", values={"stated": num(q.value), "base": base},
                         evidence=evidence, base=base, stated=text[start:q.end].strip() or fmt(q.value))


def _zero_base(text: str, statements: list[re.Match[str]], base: str, at: int) -> re.Match[str] | None:
    """The statement of ``base`` as zero that a rate at ``at`` rests on: the last statement of that base in the rate's
    paragraph when there is one (a paragraph that states it as 223.14 is not about the 0 of another line), else the
    document's when every statement of it there is zero."""
    same = [m for m in statements if m.group("base").startswith(base[:2])]
    paragraph = text.rfind("\n", 0, at) + 1
    own = [m for m in same if paragraph <= m.start() < at]
    if own:
        return own[-1] if _is_zero(own[-1]) else None
    if same and all(_is_zero(m) for m in same):
        return same[0]
    return None


_GROWTH = re.compile(r"(?:比上年|较上年|同比)?\s*(?:增长|上升|增加)了?\s*$")


def _growth_on_zero(rc):
    """"2024年度“三公”经费支出为0万元，本年比上年增长100%": a growth on last year's amount that the paragraph states
    as 0 (the nearest amount before the rate that is called last year's)."""
    text = rc.text
    for i, q in enumerate(rc.quantities):
        if q.kind != "percent" or q.approx or q.comparator or q.value <= 0 or in_table(rc, q.start):
            continue
        grew = _GROWTH.search(text, rc.clause_start(q.num_start), q.num_start)
        if grew is None:
            continue
        paragraph = text.rfind("\n", 0, q.start) + 1
        last = next((b for b in reversed(rc.quantities[:i]) if b.kind == "money" and max(paragraph, q.start - 150) <= b.start
                     and names_last_year(rc, b)), None)
        if last is None or last.value != 0 or last.approx:
            continue
        yield rc.finding("rate-on-zero-base", values={"stated": num(q.value), "base": "上年数"},
                         evidence=[rc.span(last.start, last.end), rc.span(grew.start(), q.end)],
                         base=f"上年数（“{text[rc.clause_start(last.num_start):last.end].strip()}”）",
                         stated=text[grew.start():q.end].strip())


_COMPLETION = re.compile(r"完成(?:年初|全年)?预算(?:数)?的?\s*$")


def _table_bases(rc):
    """"因公出国（境）费决算为0.00万元，完成预算的0.00%" when the 三公 table gives that item's 预算数 as 0
    (accounts.yaml ``budget_of``)."""
    items = lexicon().get("budget_of") or {}
    if not rc.accounts or not items:
        return
    text = rc.text
    for q in rc.quantities:
        if q.kind != "percent" or q.approx or q.comparator or in_table(rc, q.start):
            continue
        if not _COMPLETION.search(text, rc.clause_start(q.num_start), q.num_start):
            continue
        sentence = text[rc.sentence_start(q.start):q.num_start]
        named = max(((sentence.rfind(word), word) for word in items if word in sentence), default=None)
        if named is None:
            continue
        got = figures_of(rc.accounts, items[named[1]])
        if not got or got[0][3].value != 0 or got[0][3].span is None:
            continue
        table, _, _, fig = got[0]
        start = rc.clause_start(q.num_start)
        yield rc.finding("rate-on-zero-base",
                         values={"stated": num(q.value), "base": f"{named[1]}预算数", "table": table.name},
                         evidence=[fig.span, rc.span(start, q.end)], base=f"《{table.name}》中{named[1]}的预算数",
                         stated=text[start:q.end].strip().lstrip("，,"))
