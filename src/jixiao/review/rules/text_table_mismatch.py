"""text-table-mismatch: a figure of the running text differs from the same figure in a table."""

from __future__ import annotations

import re
from bisect import bisect_left
from decimal import Decimal

from jixiao.extract.accounts import figures_of, lexicon, where
from jixiao.extract.items import same_project
from jixiao.extract.numbers import parse_number
from jixiao.extract.outline import TABLE_TITLE
from jixiao.model import fact_label
from jixiao.review.registry import rule
from jixiao.review.rules.common import amount, fmt, in_table, num, text_against_table
from jixiao.review.tolerance import differs, half_unit

# what a statement of the running text says of a project, and the table column that says the same
_COLUMN_OF_ROLE = {"actual": "actual", "implicit_actual": "actual", "budget": "budget"}
_COLUMN_NAMES = {"actual": "执行数", "budget": "年初预算"}


@rule("text-table-mismatch", "J118", "warning", "正文数字与表格不符",
      "正文称{label}{text_value}，与{where}{table_value}不符，相差{gap}。")
def check(rc):
    """正文中的数字与同一文档表格中的同一数字不一致（按书写精度比较）。

    **何时触发**：同一事实（基本支出、项目支出、支出合计……）在正文与表格中各写一次，数值不同；或正文写某个
    项目的年初预算或实际支出，与项目表格中该项目同一列的数字不同。按两处书写的精度比较：正文
    1208.4万元与表格1208.44相符。正文中另一年度、另一口径（调整后预算、累计支出、项目总投资，
    词表见 ``data/review.yaml`` 的 ``text_table_mismatch``）的数字不在此列。部门决算说明中的“收入支出总计”
    “财政拨款收入支出总计”与相应决算总表的总计行比较。

    **为什么重要**：读者会以表格为准核对正文；二者不一致，说明其中一处抄错或口径不同而未说明。

    **示例**：正文“2022年决算支出3,836.88万元，其中基本支出636.18万元”，预算执行情况表中基本支出决算数
    638.16万元。
    """
    # in a 决算 the tables' figures are held against the text by the section that explains them (_accounts); a
    # fact read from an empty table (0) or a part of an item (公务用车运行维护费 of 公务用车购置及运行维护费) is no statement
    checked = set(lexicon()["text_labels"]) | set(lexicon()["facts"]) if rc.accounts else set()
    yield from _accounts(rc)
    yield from _classification_lines(rc)
    for key, fact in rc.report.facts.items():
        if key in checked:
            continue  # the 决算 tables' figures, each held against the table its section explains
        for other in fact.others:
            if not text_against_table(rc, fact, other) \
                    or not differs(other.value, fact.value, other.decimals, fact.decimals):
                continue
            text_fact, table_fact = (other, fact) if in_table(rc, fact.evidence[0].start) else (fact, other)
            yield _finding(rc, fact_label(key), key, text_fact.value, table_fact.value,
                           [text_fact.evidence[-1], table_fact.evidence[-1]])
    if not rc.accounts:
        yield from _totals(rc)
    not_the_years = re.compile(rc.config.get("text_table_mismatch", {}).get("not_the_years", "累计"))
    for st in rc.item_statements:
        column = _COLUMN_OF_ROLE.get(st.role)
        q = rc.quantities[st.qi]
        if column is None or q.approx or in_table(rc, q.start):
            continue
        if not_the_years.search(rc.text, rc.sentence_start(q.start), q.num_start):
            continue  # "累计支出…", "项目总投资…": not the year's figure the table gives
        row = next((t for t in rc.table_items if column in t.figures and same_project(t.name, st.item)), None)
        if row is None:
            continue
        fig = row.figures[column]
        if differs(q.value, fig.value, q.decimals, fig.decimals):
            yield _finding(rc, f"{st.item}{_COLUMN_NAMES[column]}", st.item, q.value, fig.value,
                           [rc.span(q.start, q.end), row.label, fig.span])


_TOTAL_ROW = re.compile(r"^\s*总\s*计\s+(?P<num>-?[\d,]+(?:\.\d+)?)", re.M)


def _totals(rc):
    """"上海市X局2024年度收入支出总计0万元" against the 总计 row of its 收入支出决算总表 (review.yaml
    ``text_table_mismatch.totals``), at the precision both are written with."""
    text = rc.text
    for spec in rc.config.get("text_table_mismatch", {}).get("totals", []):
        table_rx, text_rx = re.compile(spec["table"]), re.compile(spec["text"] + r"\s*(?:为|是|达)?\s*$")
        row = None
        for m in table_rx.finditer(text):
            line_end = text.find("\n", m.end())
            nxt = TABLE_TITLE.search(text, line_end if line_end >= 0 else len(text))
            total = _TOTAL_ROW.search(text, m.end(), nxt.start() if nxt else len(text))
            if total is not None:
                row = total
                break
        if row is None:
            continue
        parsed = parse_number(row.group("num"))
        if parsed is None:
            continue
        value, decimals = parsed
        for q in rc.quantities:
            if q.kind != "money" or q.approx or q.unit != "万元" or in_table(rc, q.start) or q.start < row.end():
                continue
            if not text_rx.search(re.sub(r"\s", "", text[max(0, q.num_start - 24):q.num_start])):
                continue
            if differs(q.value, value, q.decimals, decimals):
                yield _finding(rc, spec["label"], spec["label"], q.value, value,
                               [rc.span(q.start, q.end), rc.span(row.start("num"), row.end("num"))])


_YEAR = re.compile(r"(\d{4})\s*年")
# a line that runs on into the next (no sentence's or clause's end before its break)
_GOES_ON = re.compile(r"[^\s。；;：:！？!?，,、]\n$")
_WRAPPED_LINE = 20  # characters: a line of running text wrapped by its page, not a table's cell on a line of its own


def _accounts(rc):
    """A figure of a 决算's explanation against the table its section explains (accounts.yaml
    ``explained_by``, ``text_figures``; elsewhere the table of ``facts``): "六、一般公共预算财政拨款基本支出决算情况说明
    … 人员经费4896.98万元" against 人员经费合计 of the 基本支出决算表."""
    if not rc.accounts:
        return
    lx = lexicon()
    labels = [(key, re.compile(p)) for key, p in lx["text_labels"].items()]
    filler, not_this = re.compile(lx["text_filler"]), re.compile(lx["text_not_this"])
    actual_only, budget_tail = re.compile(lx["text_actual_only"]), re.compile(lx["text_budget_tail"])
    year = rc.report.fact_value("fiscal_year")
    for qi, q in enumerate(rc.quantities):
        if q.kind != "money" or q.approx or in_table(rc, q.start):
            continue
        cs = max(rc.clause_start(q.num_start), rc.prev_quantity_end(qi))
        window = filler.sub("", rc.text[cs:q.num_start])
        if not window.strip() and _GOES_ON.search(rc.text, max(0, cs - 40), cs) and \
                cs - 1 - rc.text.rfind("\n", 0, cs - 1) > _WRAPPED_LINE:
            # a figure that opens a line the line before runs into (“…年末结转和结余\n2161.65万元”): its label is there
            cs = max(rc.clause_start(cs - 1), rc.prev_quantity_end(qi))
            window = filler.sub("", re.sub(r"\s", "", rc.text[cs:q.num_start]))
        if actual_only.match(window) or (not window.strip() and "决算" in rc.text[cs:q.num_start]):
            # "“三公”经费财政拨款支出预算为2.80万元，支出决算为1.69万元": the 决算 of what the sentence opened with
            ss = rc.sentence_start(q.start)
            first = next((p for p in rc.quantities if ss <= p.start < q.start), None)
            if first is None or first is q:
                continue
            window = budget_tail.sub("", filler.sub("", rc.text[ss:first.num_start]))
        key, m = next(((k, m) for k, rx in labels if (m := rx.search(window))), (None, None))
        if key is None:
            continue
        head = window[:m.start()]
        if not_this.search(head) or any(int(y) != year for y in _YEAR.findall(head) if year):
            continue
        ref = _reference(rc, key, q.start, lx)
        got = figures_of(rc.accounts, ref) if ref else None
        if not got or any(f.span is None for *_, f in got):
            continue
        value = sum((f.value for *_, f in got), Decimal(0))
        decimals = min(f.decimals for *_, f in got)
        if not differs(q.value, value, q.decimals, decimals) or \
                (len(got) > 1 and abs(q.value - value) <= sum(half_unit(f.decimals) for *_, f in got)
                 + half_unit(q.decimals)):
            continue
        table, row, column, _ = got[0]
        place = where(table, row, column) if len(got) == 1 else \
            f"《{table.name}》" + "与".join(f"“{r.label}”" for _, r, _, _ in got) + "之和"
        yield rc.finding(
            "text-table-mismatch", values={"key": key, "stated": num(q.value), "computed": num(value),
                                           "table": table.name},
            evidence=[rc.span(q.start, q.end)] + [f.span for *_, f in got],
            label=m.group(0), text_value=amount(q.value, q.unit), table_value=amount(value, table.unit),
            gap=amount(abs(q.value - value), q.unit),
            where=place)


def _classification_lines(rc):
    """A line of the functional classification in a 决算's explanation (“气象事务（款）气象探测（项）。年初预算为62.90万元，
    支出决算为61.11万元”) against that line's row of the table its section explains (accounts.yaml ``text_item_*``):
    the row of that name whose parent has the name written before it."""
    if not rc.accounts:
        return
    lx = lexicon()
    part, actual = re.compile(lx["text_item_part"]), re.compile(lx["text_item_actual"])
    direct = re.compile(lx["text_item_direct"])
    not_this = re.compile(lx["text_not_this"])
    starts = rc.quantity_starts
    text = rc.text
    for m in re.finditer(rf"(?:{part.pattern}\s*)+", text):
        if in_table(rc, m.start()):
            continue
        parts = [(_WS.sub("", p.group("name")).strip("、“”"), p.group("level")) for p in part.finditer(m.group())]
        stop = text.find("\n", m.end())
        stop = len(text) if stop < 0 else stop
        nxt = part.search(text, m.end(), stop)
        stop = nxt.start() if nxt else stop  # the figures up to the next line of the classification are this one's
        q = next((q for q in rc.quantities[bisect_left(starts, m.end()):] if q.start < stop and q.kind == "money"
                  and not q.approx and (direct.fullmatch(text, m.end(), q.num_start)
                                        or (actual.search(text, rc.clause_start(q.num_start), q.num_start)
                                            and not not_this.search(text, rc.clause_start(q.num_start), q.num_start)))),
                 None)
        if q is None:
            continue
        found = _classification_row(rc, parts, _section_table(rc, m.start(), lx) or lx["text_item_table"])
        if found is None:
            continue
        table, row, (column, fig) = found
        if fig.span is None or not differs(q.value, fig.value, q.decimals, fig.decimals):
            continue
        name, level = parts[-1]
        yield rc.finding(
            "text-table-mismatch", values={"key": row.code or name, "stated": num(q.value), "computed": num(fig.value),
                                           "table": table.name},
            evidence=[rc.span(q.start, q.end), fig.span],
            label=f"{name}（{level}）支出决算", text_value=amount(q.value, q.unit), table_value=amount(fig.value, table.unit),
            gap=amount(abs(q.value - fig.value), q.unit), where=where(table, row, column))


def _section_table(rc, pos: int, lx: dict) -> str | None:
    """The table the section around ``pos`` explains (accounts.yaml ``explained_by``: the first entry whose section
    pattern a heading over ``pos`` matches), or None."""
    titles = [s.title for s in rc.index.path(pos)]
    for spec in lx["explained_by"]:
        if any(re.compile(spec["section"]).search(t) for t in reversed(titles)):
            return spec["table"]
    return None


_LEVEL = {"类": 1, "款": 2, "项": 3}
_WS = re.compile(r"\s+")


def _classification_row(rc, parts: list[tuple[str, str]], kind: str):
    """The one row of the table of ``kind`` named as the last part, at its level when the row has a code, whose
    parent (the part before) has the name written; with the figure of its first column."""
    tables = [t for t in rc.accounts if t.kind == kind]
    if len(tables) != 1:
        return None
    table = tables[0]
    names = {r.code: r.name for r in table.rows if r.code}
    name, level = parts[-1]
    parent = parts[-2][0] if len(parts) > 1 else None
    rows = [r for r in table.rows if r.name == name and (r.level in (0, _LEVEL[level]))]
    if parent is not None:
        rows = [r for r in rows if not r.code or r.level < 2 or names.get(r.code[:2 * r.level - 1]) == parent]
    if len(rows) != 1:
        return None
    got = table.column(rows[0], None)
    return (table, rows[0], got) if got else None


def _reference(rc, key: str, pos: int, lx: dict) -> dict | None:
    """The table figure a fact stated at ``pos`` is: the one of the table its section explains, else its
    figure in ``facts``."""
    if key in lx["text_totals"]:
        return lx["text_totals"][key]
    table = _section_table(rc, pos, lx)
    by_table = lx["text_figures"].get(key, {})
    if table in by_table:
        return by_table[table]  # None: that section's figure of this name is another one
    return lx["facts"].get(key)


def _finding(rc, label: str, key: str, text_value, table_value, evidence):
    return rc.finding(
        "text-table-mismatch",
        values={"key": key, "stated": num(text_value), "computed": num(table_value)},
        evidence=evidence, label=label, text_value=fmt(text_value) + "万元", table_value=fmt(table_value) + "万元",
        where="表格中的", gap=fmt(abs(text_value - table_value)) + "万元")
