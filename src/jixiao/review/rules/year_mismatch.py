"""year-mismatch: a title (heading, table or form) names a year other than the fiscal year."""

from __future__ import annotations

import re
from functools import lru_cache

from jixiao.review.registry import rule

_YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*年(?:度)?(?!\s*\d{1,2}\s*月)(?!\s*[—\-~～至到]\s*\d)")
_HEAD = 40  # a title is looked for in a line's first characters (a flattened form runs on after it)


@lru_cache(maxsize=8)
def _patterns(title: str, topic: str, plan: str, before: str) -> tuple[re.Pattern[str], ...]:
    return re.compile(title), re.compile(topic), re.compile(plan), re.compile(rf"(?:{before})\s*$")


@rule("year-mismatch", "J119", "warning", "标题年度与报告年度不符",
      "“{title}”的年度为{stated}年，报告年度为{year}年。")
def check(rc):
    """标题、表头或自评表的年度与报告年度不一致。

    **何时触发**：章节标题或表格、自评表的标题（如“2020年度部门整体支出绩效自评表”“二、2022年度预算收支及执行
    情况”）所写的年度，与报告的年度不同。只看标题行（或被压成一行的表格的开头），且标题须关于执行、收支、自评
    等本年度事项；关于计划、下一年目标的标题（“2024年工作计划”）、比较与区间（“较2021年”“2021—2023年”）、
    日期（“2023年9月28日”）不在此列。判断标题与主题的词表在 ``data/review.yaml`` 的 ``year_mismatch``。

    **为什么重要**：年度写错多半是套用上年模板未改，表中数字可能也是上年的。

    部门决算的表格，表题下单独一行或编制单位行中的年度（“2022年度”）也核对；部门决算正文“截至2020年12月31日”
    （国有资产占有使用情况、车辆）所写的年末也应是决算年度的年末。

    **示例**：瑞金市人大常委会办公室2021年度部门整体支出绩效自评报告……附：2020年度部门整体支出绩效自评表。
    """
    year = rc.report.fact_value("fiscal_year")
    fact = rc.report.facts.get("fiscal_year")
    if year is None or fact is None:
        return
    cfg = rc.config.get("year_mismatch", {})
    title, topic, plan, before = _patterns(cfg.get("title", "表$"), cfg.get("topic", "执行"),
                                           cfg.get("plan", "计划"), cfg.get("before_year", "截至"))
    heads = {s.start for s in rc.sections}
    text = rc.text
    seen: set[int] = set()
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        head = text[start:min(end, start + _HEAD)]
        if (start in heads or title.search(head)) and (m := _YEAR.search(head)):
            a = start + m.start()
            stated = int(m.group("year"))
            if (stated != int(year) and topic.search(head) and not plan.search(head)
                    and not before.search(head[:m.start()])
                    and not any(ev.start <= a < ev.end for ev in fact.evidence) and stated not in seen):
                seen.add(stated)
                yield rc.finding("year-mismatch", values={"stated": stated, "computed": int(year)},
                                 evidence=[rc.span(start, min(end, start + _HEAD))],
                                 title=head.strip().split("\t")[0][:30], stated=stated, year=int(year))
        start = end + 1
    yield from _table_years(rc, int(year), seen)


# a year on a line of its own, or standing apart on the 编制单位 line (“编制单位：X县交通运输局 2022年度 单位：万元”)
_YEAR_LINE = re.compile(r"^[ \t]*(?:(?:19|20)\d{2})[ \t]*年度?[ \t]*$"
                        r"|^[ \t]*(?:编制|填报|编报)单位[：:][^\n]*?[ \t](?:19|20)\d{2}[ \t]*年度?(?=[ \t]|$)", re.M)


def _table_years(rc, year: int, seen: set[int]):
    """The year line of a 决算 table (its title, 编制单位, then "2022年度" on a line of its own)."""
    for table in rc.accounts:
        stop = min((r.span.start for r in table.rows if r.span is not None), default=table.title.end + 200)
        for m in _YEAR_LINE.finditer(rc.text, table.title.end, max(table.title.end, stop)):
            y = re.search(r"((?:19|20)\d{2})[ \t]*年度?[ \t]*$", m.group())
            stated = int(y.group(1))
            if stated != year and stated not in seen:
                seen.add(stated)
                yield rc.finding("year-mismatch", values={"stated": stated, "computed": year},
                                 evidence=[rc.span(m.start() + y.start(), m.end())],
                                 title=f"{table.name} {y.group().strip()}", stated=stated, year=year)
    yield from _year_end(rc, year, seen)


def _year_end(rc, year: int, seen: set[int]):
    """A 决算's “截至YYYY年12月31日” (its 国有资产占有使用情况, its vehicles): the end of the year it accounts for."""
    pattern = rc.config.get("year_mismatch", {}).get("year_end")
    if not pattern or rc.report.fact_value("report_kind") != "final_accounts":
        return
    for m in re.finditer(pattern, rc.text):
        stated = int(m.group("year"))
        if stated != year and stated not in seen:
            seen.add(stated)
            stop = min((k for k in (rc.text.find(c, m.end()) for c in "，。；\n") if k >= 0), default=m.end())
            yield rc.finding("year-mismatch", values={"stated": stated, "computed": year},
                             evidence=[rc.span(m.start(), m.end())],
                             title=rc.text[m.start():min(stop, m.start() + 30)], stated=stated, year=year)
