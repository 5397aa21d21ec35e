"""missing-table: a table the 部门决算 must hold is absent, or empty without its 空表说明."""

from __future__ import annotations

import re

from jixiao.extract.accounts import lexicon, title_lines
from jixiao.review.registry import rule

MIN_TABLES = 3  # fewer 决算 tables read: not a 决算 publication (a report quoting one of its tables)


@rule("missing-table", "J122", "error", "缺少规定的表格或空表未说明",
      "部门决算中《{table}》{problem}。")
def check(rc):
    """部门决算缺少规定的“九张表”之一，或某张表为空表而未作空表说明。

    **何时触发**：部门决算（报告类型为决算，且读出至少三张决算表）中，``data/accounts.yaml`` 所列九张表有一张
    既没有表格也没有表题（目录中的表名不算）；或可以为空的表（政府性基金、国有资本经营预算财政拨款表，
    “三公”经费表）中没有一个非零数字，而表下（到下一张表为止）没有“本单位无……，故本表为空表”之类的说明
    （财政部要求“仍保留该表格式，并在本表下方作说明”；情况说明中说明这张表为空表的一句，如“本部门无政府性基金
    预算财政拨款收入、支出，故该表为空表”，也算说明）。
    所有表格都为空（空白模板）时不报空表。

    **为什么重要**：公开部门决算必须包括九张表；无数据的表也须保留格式并说明原因，否则读者无法判断是漏报还是
    确无此项收支。

    **示例**：目录列有“三、支出决算表”，正文中没有这张表；《财政拨款“三公”经费支出决算表》全为空白，
    表下没有说明。
    """
    if rc.report.fact_value("report_kind") != "final_accounts" or len(rc.accounts) < MIN_TABLES:
        return
    lx = lexicon()
    text = rc.text
    found = {t.kind for t in rc.accounts}
    titled = {kind for _, _, kind in title_lines(text)}
    anchor = rc.accounts[0].title if rc.accounts[0].title.text else None
    for spec in lx["tables"]:
        kind = spec["id"]
        if not spec.get("required", True) or kind in found or kind in titled:
            continue
        evidence = _named_at(rc, spec) or ([anchor] if anchor else [])
        if not evidence:
            continue
        yield rc.finding("missing-table", values={"table": spec["name"], "kind": "absent"}, evidence=evidence,
                         table=spec["name"], problem="缺失：文档中没有这张表")
    if all(t.empty for t in rc.accounts):
        return  # a blank template: every table is empty
    note = lx["_empty_note"]
    for i, table in enumerate(rc.accounts):
        spec = next(s for s in lx["tables"] if s["id"] == table.kind)
        if not spec.get("may_be_empty") or not table.empty:
            continue
        end = rc.accounts[i + 1].title.start if i + 1 < len(rc.accounts) else len(text)
        below = text[table.title.start:end]
        if note.search(below) or _noted_elsewhere(text, note, lx["empty_note_topics"].get(table.kind)):
            continue
        evidence = [table.title] if table.title.text else _named_at(rc, spec)
        yield rc.finding("missing-table", values={"table": table.name, "kind": "empty"}, evidence=evidence,
                         table=table.name, problem="为空表，未说明原因")


def _noted_elsewhere(text: str, note: re.Pattern[str], topic: str | None) -> bool:
    """A sentence of the 情况说明 saying the table is empty for want of its topic ("本部门无政府性基金预算财政
    拨款收入、支出，故《…》为空表")."""
    if not topic:
        return False
    return any(note.search(s) and re.search(topic, s) and re.search(r"空表|无数据|本表", s)
               for s in re.split(r"[。\n]", text))


def _named_at(rc, spec: dict) -> list:
    """Where the document names the table (its line in the contents), as evidence."""
    rx = re.compile(r"\s*".join(re.escape(c) for c in spec["name"]))
    m = rx.search(rc.text)
    if m is None:
        short = re.compile(spec["title"])
        for line_m in re.finditer(r"[^\n]+", rc.text):
            if short.search(re.sub(r"\s", "", line_m.group())):
                return [rc.span(line_m.start(), line_m.end())]
        return []
    return [rc.span(m.start(), m.end())]
