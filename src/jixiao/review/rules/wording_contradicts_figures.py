"""wording-contradicts-figures: 增加/减少/持平 wording that the two figures it compares contradict."""

from __future__ import annotations

import re
from bisect import bisect_left
from decimal import Decimal
from functools import lru_cache

from jixiao.review.registry import rule
from jixiao.review.rules.common import as_written, names_last_year, num
from jixiao.review.tolerance import half_unit

# "较上年的7.92万元", "比年初预算2961.68万元", "与上年（120人）": the marker and what it compares with
_MARKER = re.compile(r"(?:比|较|与|同)(?:上年|上一年|去年|上年度|\d{4}年|年初预算|预算|计划|上年同期)?(?:度)?(?:的|同期)?\s*[（(]?\s*$")
_BETWEEN = re.compile(r"\s*[)）]?\s*(?:相比|相较|比较)?\s*[，,]?\s*(?:有所|略有|明显|大幅|均|都|也|则)?\s*")


@lru_cache(maxsize=8)
def _words(up: str, down: str, flat: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return re.compile(rf"(?:{up})"), re.compile(rf"(?:{down})"), re.compile(rf"(?:基本)?(?:{flat})")


@rule("wording-contradicts-figures", "J114", "warning", "文字表述与数字矛盾",
      "称“{claim}”，但{a_label}{a}、{b_label}{b}。")
def check(rc):
    """“增加/减少/持平”之类的文字与其比较的两个数字相矛盾。

    **何时触发**：一句话写了本期数 A，再写“较（比、与）……B”并说增加（增长、上升）、减少（下降）或
    持平，而 A 与 B 的大小关系与之相反（持平允许相差 ``flat_tolerance``%）；或部门决算说明中“年初预算为…，
    支出决算为…”之后写“决算数大于（小于、等于）预算数”，与这两个数不符。词表在 ``data/review.yaml``
    的 ``wording_contradicts_figures`` 中。

    句中没有本年数时（“3.公务接待费。比上年增加0.47万元（上年公务接待费决算数为3.44万元）”），按该行开头所写的项目
    （``items``）取报告中该项的本年数（部门决算取自表格）核对。

    **为什么重要**：文字结论与数字相反，读者会被误导；多半是改写上年报告时只改了数字。

    **示例**：“三公”经费支出8.46万元……较上年的7.92万元有所下降。
    """
    cfg = rc.config.get("wording_contradicts_figures", {})
    up, down, flat = _words(cfg.get("up", "增加"), cfg.get("down", "减少"), cfg.get("flat", "持平"))
    tolerance = Decimal(str(cfg.get("flat_tolerance", 5)))
    yield from _verdicts(rc, cfg, tolerance)
    yield from _against_last_years(rc, up, down, flat, tolerance)
    text, qs = rc.text, rc.quantities
    for i, b in enumerate(qs):
        if i == 0 or b.approx or b.comparator or b.kind == "percent":
            continue
        marker = _MARKER.search(text, max(0, b.num_start - 14), b.num_start)
        if not marker or marker.end() != b.num_start and text[marker.end():b.num_start].strip():
            continue
        after = _BETWEEN.match(text, b.end).end()  # the pattern matches everywhere (all optional)
        said = next(((d, w) for d, rx in (("up", up), ("down", down), ("flat", flat)) if (w := rx.match(text, after))),
                    None)
        if said is None:
            continue
        direction, word = said
        sentence = rc.sentence_start(b.start)
        sentence = max(sentence, text.rfind("；", sentence, b.start) + 1, text.rfind(";", sentence, b.start) + 1)
        candidates = [q for q in reversed(qs[:i]) if q.start >= sentence and q.unit == b.unit and q.kind == b.kind
                      and not q.approx and not q.comparator]
        if not candidates and not text[sentence:marker.start()].strip(" \n　1234567890.、（()）"):
            # "…支出决算为3.56万元，完成预算的89.00%。与2022年度（3.05万元）相比，减少0.51万元。": a sentence opening
            # with the comparison compares the amount spent the sentence before
            before = rc.sentence_start(max(0, sentence - 1))
            candidates = [q for q in reversed(qs[:i]) if before <= q.start < sentence and q.unit == b.unit
                          and q.kind == b.kind and not q.approx and not q.comparator
                          and _SPENT.search(text, rc.clause_start(q.num_start), q.num_start)][:1]
        if not candidates:
            continue
        # the figure compared is the nearest one, or the total before a "其中" breakdown that the comparison
        # closes ("三公经费8.46万元，其中…因公出国费0万元，较上年的7.92万元下降"): of the two, the one nearer in
        # size to the figure it is compared with (last year's amount of the same thing)
        breakdown = text.rfind("其中", sentence, b.start)
        total = next((q for q in candidates if 0 <= breakdown and q.end <= breakdown), None)
        a = min((q for q in (candidates[0], total) if q is not None), key=lambda q: _distance(q.value, b.value))
        if b.value < 0 or a.value < 0:
            continue
        if not _contradicts(direction, a.value, b.value, tolerance):
            continue
        a_label = text[rc.clause_start(a.num_start):a.num_start].strip() or "本期"
        end = _CHANGE_TAIL.match(text, word.end()).end()
        yield rc.finding(
            "wording-contradicts-figures",
            values={"stated": num(a.value), "computed": num(b.value), "direction": direction},
            evidence=[rc.span(a.start, a.end), rc.span(marker.start(), end)],
            claim=text[marker.start():end].strip(), a_label=a_label, a=as_written(a.value, a.unit) + a.unit,
            b_label="比较的数字为", b=as_written(b.value, b.unit) + b.unit)


# the amount and the percent that follow the word of a change (“减少60.98万元，下降8.00%”): quoted with it
_CHANGE_TAIL = re.compile(r"(?:\s*-?[\d,]+(?:\.\d+)?\s*(?:亿元|万元|元))?(?:[，,]?\s*(?:增长|下降|上升|减少|增加|降低)了?\s*-?[\d.]+\s*[%％])?")
# "与上年相比，收入、支出总计各减少…", "比上年基本持平": a comparison with last year that names no figure itself
# (“与2024年度相比” too, when that year is the one before the report's: checked against the figures)
_LAST_YEAR_SAID = re.compile(r"(?:与(?:上年|(?P<year>\d{4})年)(?:度|同期)?相比|比上年(?:度|同期)?|较上年(?:度|同期)?)[，,\s]*"
                             r"(?P<subject>[^，,。；;\d]{0,12}?)(?=基本|略有|有所|明显|大幅|增|减|上升|下降|持平)")


def _against_last_years(rc, up, down, flat, tolerance: Decimal):
    """"2024年度决算总计823.28万元，2023年度决算总计762.30万元，与上年相比，…减少60.98万元": a comparison with last
    year after the sentence stated this year's figure and then last year's (named by its year or 上年), held against
    those two."""
    text, qs = rc.text, rc.quantities
    starts = rc.quantity_starts
    year = rc.report.fact_value("fiscal_year")
    for m in _LAST_YEAR_SAID.finditer(text):
        after = _BETWEEN.match(text, m.end()).end()
        said = next(((d, w) for d, rx in (("up", up), ("down", down), ("flat", flat)) if (w := rx.match(text, after))),
                    None)
        if said is None:
            continue
        if m.group("year") and (not year or int(m.group("year")) != int(year) - 1):
            continue
        sentence = rc.sentence_start(m.start())
        before = [q for q in qs[bisect_left(starts, sentence):bisect_left(starts, m.start())]
                  if q.kind == "money" and not q.approx and not q.comparator]
        if not before and m.group("subject"):
            yield from _subject_against_last_year(rc, m, said, tolerance)
        if len(before) < 2:
            yield from _item_against_last_year(rc, m, said, tolerance)
            continue
        a, b = before[-2], before[-1]  # this year's, then last year's
        if a.unit != b.unit or not names_last_year(rc, b) or names_last_year(rc, a):
            continue
        direction, word = said
        if not _contradicts(direction, a.value, b.value, tolerance):
            continue
        yield _against_last_year(rc, m, word, direction, a.value, a.unit, rc.span(a.start, a.end), b)


_DIGIT = re.compile(r"\d")
_LAST_YEAR_AFTER = re.compile(r"[（(]\s*(?:上年|\d{4}年)[^）)]{0,24}?(?:为|是|[:：])?\s*$")


def _item_against_last_year(rc, m: re.Match[str], said, tolerance: Decimal):
    """"3.公务接待费。比上年增加0.47万元（上年公务接待费决算数为3.44万元）": no amount of this year in the sentence; the
    item its line opens with (review.yaml ``wording_contradicts_figures.items``) has its figure in the report's facts
    (a 决算's table), last year's stated in brackets after the word; the word held against the two."""
    items = rc.config.get("wording_contradicts_figures", {}).get("items") or {}
    text = rc.text
    direction, word = said
    line = rc.line_of(m.start())[0]
    named = max(((mm.end(), key) for pattern, key in items.items() for mm in re.finditer(pattern, text[line:m.start()])),
                default=None)
    fact = rc.report.facts.get(named[1]) if named else None
    if fact is None or fact.computed or not fact.evidence:
        return
    b = _bracketed_last_year(rc, word)
    if b is None or not _contradicts(direction, Decimal(fact.value), b.value, tolerance):
        return
    figure = next((ev for ev in fact.evidence if _DIGIT.search(ev.text)), fact.evidence[0])
    yield _against_last_year(rc, m, word, direction, Decimal(fact.value), "万元", figure, b, key=fact.key)


def _subject_against_last_year(rc, m: re.Match[str], said, tolerance: Decimal):
    """"收入、支出总计1348.77万元。与2024年度相比，收入、支出总计减少94.41万元（2024年度为1254.36万元）": a sentence
    that opens with the comparison and names its subject, held against the amount of that subject the sentence
    before stated (its clause ends with the subject's last two characters) and last year's amount in brackets."""
    text, qs = rc.text, rc.quantities
    direction, word = said
    subject = re.sub(r"\s", "", m.group("subject"))[-2:]
    if len(subject) < 2:
        return
    before = rc.sentence_start(max(0, rc.sentence_start(m.start()) - 1))
    a = next((q for q in reversed(qs) if before <= q.start < m.start() and q.kind == "money" and not q.approx
              and not q.comparator and subject in text[rc.clause_start(q.num_start):q.num_start]
              and not names_last_year(rc, q)), None)
    b = _bracketed_last_year(rc, word)
    if a is None or b is None or a.unit != b.unit or not names_last_year(rc, b) \
            or not _contradicts(direction, a.value, b.value, tolerance):
        return
    yield _against_last_year(rc, m, word, direction, a.value, a.unit, rc.span(a.start, a.end), b)


def _bracketed_last_year(rc, word: re.Match[str]):
    """Last year's amount in brackets after the word of a change, in its sentence (“…（上年…为3.44万元）”,
    “…（2024年度为1254.36万元）”), or None."""
    text = rc.text
    stop = text.find("。", word.end())
    stop = len(text) if stop < 0 else stop
    return next((q for q in rc.quantities if word.end() <= q.start < stop and q.kind == "money" and not q.approx
                 and _LAST_YEAR_AFTER.search(text, max(word.end(), q.num_start - 30), q.num_start)), None)


def _against_last_year(rc, m: re.Match[str], word: re.Match[str], direction: str, a: Decimal, a_unit: str,
                       a_span, b, key: str | None = None):
    """The finding of a comparison with last year (``m`` to the change after ``word``) that this year's amount ``a``
    (written at ``a_span``) and last year's quantity ``b`` contradict."""
    end = _CHANGE_TAIL.match(rc.text, word.end()).end()
    return rc.finding(
        "wording-contradicts-figures",
        values={"stated": num(a), "computed": num(b.value), "direction": direction, **({"key": key} if key else {})},
        evidence=[a_span, rc.span(b.start, b.end), rc.span(m.start(), end)],
        claim=rc.text[m.start():end].strip(), a_label="本年", a=as_written(a, a_unit) + a_unit,
        b_label="上年", b=as_written(b.value, b.unit) + b.unit)


def _contradicts(direction: str, a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    """Whether "up" / "down" / "flat" (within ``tolerance`` %) is wrong of ``a`` against ``b``."""
    if direction == "flat":
        big = max(a, b)
        return big > 0 and abs(a - b) / big * 100 > tolerance
    return (direction == "up" and a < b) or (direction == "down" and a > b)


_BUDGET_KIND = re.compile(r"(年初|全年|调整后)预算")
_BUDGET = re.compile(r"预算(?:数)?(?:为|是)?\s*$")
_SPENT = re.compile(r"(?:支出)?决算(?:数)?(?:为|是)?\s*$")


def _verdicts(rc, cfg: dict, tolerance: Decimal):
    """"年初预算为1560.05万元，支出决算为1511.89万元。决算数大于预算数的主要原因：…": the verdict a 决算 line
    gives on its own two figures (the last budget and spending amounts before it, after the previous
    verdict), against them: 大于/小于 exactly, 等于 at the precision written, 持平 within the tolerance."""
    rx = re.compile(cfg.get("verdict") or r"决算数(?P<rel>大于|小于|等于)预算数")
    words = cfg.get("verdict_words") or {"大于": "up", "小于": "down", "等于": "equal"}
    text, qs = rc.text, rc.quantities
    starts = rc.quantity_starts
    lo = 0
    for m in rx.finditer(text):
        rel = words.get(m.group("rel"))
        window = [q for q in qs[bisect_left(starts, max(lo, m.start() - 160)):bisect_left(starts, m.start())]
                  if q.kind == "money" and not q.approx and not q.comparator]
        lo = m.end()
        # the words just before each amount, across a line break ("全年预算为\n321.02万元")
        label = {id(q): re.sub(r"\s", "", text[max(0, q.num_start - 12):q.num_start]) for q in window}
        budgets = [q for q in reversed(window) if _BUDGET.search(label[id(q)])]
        # the verdict names its budget (“决算数大于年初预算数”): that one, not the 全年预算 said after it
        named = _BUDGET_KIND.search(m.group(0))
        budget = next((q for q in budgets if named and named.group(1) in label[id(q)]), budgets[0] if budgets else None)
        spent = next((q for q in reversed(window) if _SPENT.search(label[id(q)])), None)
        if rel is None or budget is None or spent is None or budget.start > spent.start:
            continue
        a, b = spent.value, budget.value
        wrong = {"up": a <= b, "down": a >= b,
                 "equal": abs(a - b) > half_unit(min(spent.decimals, budget.decimals)) * 2,
                 "flat": max(a, b) > 0 and abs(a - b) / max(a, b) * 100 > tolerance}[rel]
        if not wrong:
            continue
        yield rc.finding(
            "wording-contradicts-figures", values={"stated": num(a), "computed": num(b), "direction": rel},
            evidence=[rc.span(budget.start, budget.end), rc.span(spent.start, spent.end), rc.span(m.start(), m.end())],
            claim=m.group(0), a_label="决算数", a=as_written(a, spent.unit) + spent.unit, b_label="预算数", b=as_written(b, budget.unit) + budget.unit)


def _distance(a: Decimal, b: Decimal) -> Decimal:
    """How far apart two amounts are in size (0 when equal)."""
    big, small = max(a, b), min(a, b)
    return Decimal(1) if small <= 0 else big / small - 1

