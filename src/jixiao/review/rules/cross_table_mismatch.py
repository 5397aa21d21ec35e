"""cross-table-mismatch: a 部门决算 table identity fails, or one figure differs between two tables."""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.extract.accounts import AccountsTable, Figure, figures_of, lexicon, where
from jixiao.review.registry import rule
from jixiao.review.rules.common import amount, figure_in, num
from jixiao.review.table_sums import gaps
from jixiao.review.tolerance import half_unit


@rule("cross-table-mismatch", "J121", "error", "决算表内或表间数字不符",
      "{where}{stated}，与{against}{computed}不符，相差{gap}。")
def check(rc):
    """部门决算各表之间、表内的勾稽关系不成立（按书写精度比较）。

    **何时触发**：按 ``data/accounts.yaml`` 所列关系核对九张决算表：一行的合计等于基本支出、项目支出等各列
    之和；收入支出决算总表中本年收入合计＋使用非财政拨款结余＋年初结转和结余＝总计＝本年支出合计＋结余分配＋
    年末结转和结余；同一数字（本年支出合计、一般公共预算财政拨款基本支出＝人员经费＋公用经费……）在不同表中相同；
    “三公”经费合计等于三项之和；总表中每一类支出（一、一般公共服务支出……）等于明细表中同一“类”行。比较按两处书写的精度（n 个分项各 ±0.005），不用百分比容差。空白单元格视为
    未填写，不参与核对。一行与其下级科目之和（合计行＝各类之和，类＝款之和，款＝项之和）不符由 sum-mismatch 报告。

    **为什么重要**：决算表之间的勾稽关系是财政审核的第一道关；关系不成立，说明表格填报或转录有误。

    **示例**：《支出决算表》合计行本年支出合计5377.64万元，《一般公共预算财政拨款基本支出决算表》人员经费合计与
    公用经费合计之和为5364.75万元。
    """
    tables = rc.accounts
    if not tables:
        return
    for gap in gaps(tables, "cross-table-mismatch"):
        unit = gap.table.unit
        figures = " + ".join(figure_in(f.value, unit) for _, _, f in gap.parts)
        yield _finding(rc, where(gap.table, gap.row, gap.column), gap.total.value, gap.label, gap.computed,
                       [gap.total] + [f for _, _, f in gap.parts],
                       {"table": gap.table.name, "row": gap.row.label, "column": gap.column, "parts": figures},
                       decimals=gap.decimals, parts=figures, unit=unit)
    lx = lexicon()
    for spec in lx["same"]:
        yield from _same(rc, tables, spec)
    for spec in lx["class_rows"]:
        yield from _class_rows(rc, tables, spec)


_CLASS_TAIL = re.compile(r"[（(]类[)）]$")


def _class_rows(rc, tables: list[AccountsTable], spec: dict):
    """Each numbered class row of a 总表 against the 类 row of the same name in the table that details it."""
    ta = next((t for t in tables if t.kind == spec["a"]["table"]), None)
    tb = next((t for t in tables if t.kind == spec["b"]["table"]), None)
    if ta is None or tb is None:
        return
    col_a = re.compile(spec["a"]["column"]) if spec["a"].get("column") else None
    col_b = re.compile(spec["b"]["column"]) if spec["b"].get("column") else None
    classes = {_CLASS_TAIL.sub("", r.name): r for r in tb.rows if r.level == 1}
    for ra in (r for r in ta.rows if r.ordinal):
        rb = classes.get(_CLASS_TAIL.sub("", ra.name))
        a = ta.column(ra, col_a)
        b = tb.column(rb, col_b) if rb is not None else None
        if a is None or b is None:
            continue
        (ca, fa), (cb, fb) = a, b
        if abs(fa.value - fb.value) <= half_unit(fa.decimals) + half_unit(fb.decimals):
            continue
        unit = "元" if ta.unit == tb.unit == "元" else None
        yield _finding(rc, where(ta, ra, ca), fa.value, where(tb, rb, cb), fb.value, [fa, fb],
                       {"table": ta.name, "other_table": tb.name, "label": ra.name + spec["label"]}, unit=unit)


def _same(rc, tables: list[AccountsTable], spec: dict):
    a, b = figures_of(tables, spec["a"]), figures_of(tables, spec["b"])
    if not a or not b:
        return
    av = sum((f.value for *_, f in a), Decimal(0))
    bv = sum((f.value for *_, f in b), Decimal(0))
    tol = sum((half_unit(f.decimals) for *_, f in [*a, *b]), Decimal(0))
    if abs(av - bv) <= tol:
        return
    ta, ra, ca, _ = a[0]
    tb, rb, cb, _ = b[0]
    against = where(tb, rb, cb) if len(b) == 1 else \
        f"《{tb.name}》" + "与".join(f"“{r.label}”" for _, r, _, _ in b) + "之和"
    stated = where(ta, ra, ca) + spec["label"]
    unit = "元" if ta.unit == tb.unit == "元" else None
    yield _finding(rc, stated, av, against, bv, [f for *_, f in a] + [f for *_, f in b],
                   {"table": ta.name, "other_table": tb.name, "label": spec["label"]}, unit=unit)


def _finding(rc, stated_where: str, stated: Decimal, against: str, computed: Decimal, figures: list[Figure],
             values: dict, decimals: int = 2, parts: str | None = None, unit: str | None = None):
    evidence = [f.span for f in figures if f.span is not None]
    pages = sorted({f.page for f in figures if f.page})
    against_text = against + (f"（{parts}）" if parts and "+" in parts else "")
    printed = {}
    if figures and figures[0].span is not None:  # the figure as the table prints it (元, thousands separators)
        printed = {"stated_printed": re.sub(r"[,，\s]", "", figures[0].span.text)}
    return rc.finding(
        "cross-table-mismatch",
        values={**values, "stated": num(stated), "computed": num(computed), "pages": pages, **printed},
        evidence=evidence, where=stated_where, stated=amount(stated, unit), against=against_text,
        computed=amount(computed, unit, decimals), gap=amount(abs(stated - computed), unit, decimals))
