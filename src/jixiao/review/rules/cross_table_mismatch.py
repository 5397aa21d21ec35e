"""cross-table-mismatch: a 部门决算 table identity fails, or one figure differs between two tables."""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.extract.accounts import AccountsTable, Figure, Row, figures_of, lexicon, where
from jixiao.review.registry import rule
from jixiao.review.rules.common import num, wan
from jixiao.review.tolerance import half_unit, sum_tolerance


@rule("cross-table-mismatch", "J121", "error", "决算表内或表间数字不符",
      "{where}{stated}万元，与{against}{computed}万元不符，相差{gap}万元。")
def check(rc):
    """部门决算各表之间、表内的勾稽关系不成立（按书写精度比较）。

    **何时触发**：按 ``data/accounts.yaml`` 所列关系核对九张决算表：一行的合计等于基本支出、项目支出等各列
    之和；合计行等于各“类”之和，“类”等于其“款”之和，“款”等于其“项”之和；收入支出决算总表中本年收入合计＋
    使用非财政拨款结余＋年初结转和结余＝总计＝本年支出合计＋结余分配＋年末结转和结余；同一数字（本年支出合计、
    一般公共预算财政拨款基本支出＝人员经费＋公用经费……）在不同表中相同；“三公”经费合计等于三项之和。
    比较按两处书写的精度（n 个分项各 ±0.005），不用百分比容差。空白单元格视为未填写，不参与核对。

    **为什么重要**：决算表之间的勾稽关系是财政审核的第一道关；关系不成立，说明表格填报或转录有误。

    **示例**：《支出决算表》合计行本年支出合计5377.64万元，《一般公共预算财政拨款基本支出决算表》人员经费合计与
    公用经费合计之和为5364.75万元。
    """
    tables = rc.accounts
    if not tables:
        return
    lx = lexicon()
    seen: set[tuple] = set()
    for spec in lx["column_sums"]:
        for table in (t for t in tables if t.kind == spec["table"]):
            for per in spec.get("per") or [None]:
                yield from _column_sum(rc, table, spec, per, seen)
    for spec in lx["row_sums"]:
        for table in (t for t in tables if t.kind == spec["table"]):
            yield from _row_sum(rc, table, spec, seen)
    total_row = re.compile(lx["total_row"])
    for table in (t for t in tables if t.kind in lx["code_sums"]):
        yield from _code_sums(rc, table, total_row, seen)
    for spec in lx["same"]:
        yield from _same(rc, tables, spec)


_TOTAL_NAME = re.compile(r"合计|总计|小计")


def _pattern(text: str, per: str | None) -> re.Pattern[str]:
    return re.compile(text.replace("{per}", re.escape(per)) if per else text)


def _column_sum(rc, table: AccountsTable, spec: dict, per: str | None, seen: set):
    total_rx = _pattern(spec["total"], per)
    part_rxs = [_pattern(p, per) for p in spec["parts"]]
    for pane, columns in enumerate(table.panes):
        total_col = next((c for c in columns if total_rx.search(c)), None)
        if total_col is None:
            continue
        part_cols = _part_columns(columns, total_col, part_rxs)
        if not part_cols:
            continue
        for row in table.pane_rows(pane):
            total = row.values.get(total_col)
            parts = [(c, row.values[c]) for c in part_cols if c in row.values]
            if total is None or not parts:
                continue
            yield from _compare(rc, table, row, total_col, total, [(row, c, f) for c, f in parts], seen,
                                "、".join(_short(c) for c, _ in parts) + "之和")


def _part_columns(columns: list[str], total_col: str, part_rxs: list[re.Pattern[str]]) -> list[str]:
    """The columns a total column is the sum of: for each part, its column; a part with sub-columns under a
    group header (财政拨款收入 / 一般公共预算财政拨款, 政府性基金预算财政拨款) is its 小计 column when there is one, else
    all the group's sub-columns — never both, never a sub-column twice."""
    out: list[str] = []
    for rx in part_rxs:
        found = [c for c in columns if c != total_col and rx.search(c) and c not in out]
        if not found:
            continue
        col = min(found, key=lambda c: (not _SUBTOTAL.search(c), c.count("/")))
        group = col.rsplit("/", 1)[0] if "/" in col else ""
        if group and not total_col.startswith(group + "/") and not any(o.startswith(group + "/") for o in out):
            members = [c for c in found if c.startswith(group + "/")]  # the group's columns this part names
            subtotal = [c for c in members if _SUBTOTAL.search(c)]
            out += subtotal[:1] or members
        elif not any(col.startswith(o + "/") or o.startswith(col + "/") for o in out):
            out.append(col)
    return out


_SUBTOTAL = re.compile(r"/(?:小计|合计)$")


def _row_sum(rc, table: AccountsTable, spec: dict, seen: set):
    total_rx = re.compile(spec["total"])
    parts_spec = spec["parts"]
    for pane in range(len(table.panes)):
        rows = table.pane_rows(pane)
        for i, total in enumerate(rows):
            if not total_rx.search(total.name):
                continue
            if parts_spec == "ordinal":
                # the numbered rows since the previous total (其中 rows and the like between them are not parts)
                start = max((k + 1 for k, r in enumerate(rows[:i]) if _TOTAL_NAME.search(r.name)), default=0)
                parts = [r for r in rows[start:i] if r.ordinal]
                label = "所列各项之和"
            elif parts_spec == "classes":
                parts = [r for r in rows if r.level == 1]
                label = "各类（" + "、".join(r.code for r in parts) + "）之和"
                if spec.get("codes") and _agrees(total, [r for r in table.rows if r.level == 1 and r.code in spec["codes"]],
                                                 table.panes[pane]):
                    continue  # the classes of its kind (301, 303) agree, wherever the layout put them
            else:
                rxs = [re.compile(p) for p in parts_spec]
                if not rows or not any(rxs[0].search(r.name) for r in rows):
                    continue
                parts = [next(r for r in rows if rx.search(r.name)) for rx in rxs
                         if any(rx.search(r.name) for r in rows)]
                label = "、".join(r.name for r in parts) + "之和"
            if not parts or total in parts:
                continue
            for col in table.panes[pane]:
                fig = total.values.get(col)
                figs = [(r, col, r.values[col]) for r in parts if col in r.values]
                if fig is None or not figs:
                    continue
                yield from _compare(rc, table, total, col, fig, figs, seen, label)
            break


def _agrees(total: Row, parts: list[Row], columns: list[str]) -> bool:
    """Whether ``total``'s first figure is the sum of the parts' figures in any column, within rounding."""
    fig = next((total.values[c] for c in columns if c in total.values), None)
    figs = [next((r.values[c] for c in r.values), None) for r in parts]
    if fig is None or not parts or None in figs:
        return False
    return abs(fig.value - sum((f.value for f in figs), Decimal(0))) <= sum_tolerance(fig.decimals, [f.decimals for f in figs])


def _code_sums(rc, table: AccountsTable, total_row: re.Pattern[str], seen: set):
    for pane in range(len(table.panes)):
        rows: dict[str, Row] = {}
        total = None
        for r in table.pane_rows(pane):
            if r.code and r.code not in rows:
                rows[r.code] = r
            elif not r.code and total_row.search(r.name) and total is None:
                total = r
        for col in table.panes[pane]:
            groups: list[tuple[Row, list[Row], str]] = []
            if total is not None:
                groups.append((total, [r for r in rows.values() if r.level == 1], "各类之和"))
            for code, parent in rows.items():
                if parent.level in (1, 2):
                    size = len(code) + 2
                    kids = [r for c, r in rows.items() if len(c) == size and c.startswith(code)]
                    groups.append((parent, kids, "下级科目之和"))
            for parent, kids, label in groups:
                fig = parent.values.get(col)
                figs = [(k, col, k.values[col]) for k in kids if col in k.values]
                if fig is None or not figs:
                    continue
                yield from _compare(rc, table, parent, col, fig, figs, seen, label)


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
    yield _finding(rc, stated, av, against, bv, [f for *_, f in a] + [f for *_, f in b],
                   {"table": ta.name, "other_table": tb.name, "label": spec["label"]})


def _compare(rc, table: AccountsTable, row: Row, col: str, total: Figure, parts: list[tuple[Row, str, Figure]],
             seen: set, label: str):
    key = (table.kind, id(row), col, tuple(id(p) for p, _, _ in parts))
    if key in seen:
        return
    seen.add(key)
    computed = sum((f.value for _, _, f in parts), Decimal(0))
    tol = sum_tolerance(total.decimals, [f.decimals for _, _, f in parts])
    if abs(total.value - computed) <= tol:
        return
    figures = " + ".join(wan(f.value) for _, _, f in parts)
    yield _finding(rc, where(table, row, col), total.value, label, computed, [total] + [f for _, _, f in parts],
                   {"table": table.name, "row": row.label, "column": col, "parts": figures},
                   decimals=max([total.decimals] + [f.decimals for _, _, f in parts]), parts=figures)


def _finding(rc, stated_where: str, stated: Decimal, against: str, computed: Decimal, figures: list[Figure],
             values: dict, decimals: int = 2, parts: str | None = None):
    evidence = [f.span for f in figures if f.span is not None]
    pages = sorted({f.page for f in figures if f.page})
    against_text = against + (f"（{parts}）" if parts and "+" in parts else "")
    printed = {}
    if figures and figures[0].span is not None:  # the figure as the table prints it (元, thousands separators)
        printed = {"stated_printed": re.sub(r"[,，\s]", "", figures[0].span.text)}
    return rc.finding(
        "cross-table-mismatch",
        values={**values, "stated": num(stated), "computed": num(computed), "pages": pages, **printed},
        evidence=evidence, where=stated_where, stated=wan(stated), against=against_text,
        computed=wan(computed, decimals), gap=wan(abs(stated - computed), decimals))


def _short(column: str) -> str:
    return column.split("/")[-1]
