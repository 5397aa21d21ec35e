"""Totals of a 部门决算 table against their parts, as ``data/accounts.yaml`` lists them.

Each identity names the rule that reports it: a row's total column against its part columns and the
总表 identities (本年收入合计 + 年初结转和结余 = 总计 …) are table identities (``cross-table-mismatch``); a row
against the rows below it in the classification (合计 = Σ类, 类 = Σ款, 款 = Σ项, 本年收入合计 = Σ numbered rows,
人员经费合计 = Σ its classes) is a stated total against its stated parts (``sum-mismatch``). Figures are compared at
the precision they were written with (n parts: ±0.005 each), never by a percentage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from jixiao.extract.accounts import AccountsTable, Figure, Row, lexicon
from jixiao.review.tolerance import sum_tolerance

_TOTAL_NAME = re.compile(r"合计|总计|小计")
_SUBTOTAL = re.compile(r"/(?:小计|合计)$")


@dataclass(frozen=True)
class Gap:
    """A total of a table that is not the sum of its parts beyond rounding."""

    table: AccountsTable
    row: Row
    column: str
    total: Figure
    parts: list[tuple[Row, str, Figure]]
    label: str  # what the parts are: "基本支出、项目支出之和", "各类之和" …

    @property
    def computed(self) -> Decimal:
        return sum((f.value for _, _, f in self.parts), Decimal(0))

    @property
    def decimals(self) -> int:
        return max([self.total.decimals] + [f.decimals for _, _, f in self.parts])


def gaps(tables: list[AccountsTable], rule_id: str) -> Iterator[Gap]:
    """The totals of ``tables`` that differ from their parts, of the identities ``rule_id`` reports."""
    if not tables:
        return
    lx = lexicon()
    seen: set[tuple] = set()
    for spec in (s for s in lx["column_sums"] if s.get("rule", "cross-table-mismatch") == rule_id):
        for table in (t for t in tables if t.kind == spec["table"]):
            for per in spec.get("per") or [None]:
                yield from _column_sum(table, spec, per, seen)
    for spec in (s for s in lx["row_sums"] if s.get("rule", "cross-table-mismatch") == rule_id):
        for table in (t for t in tables if t.kind == spec["table"]):
            yield from _row_sum(table, spec, seen)
    code_sums = lx["code_sums"]
    if code_sums["rule"] == rule_id:
        total_row = re.compile(lx["total_row"])
        for table in (t for t in tables if t.kind in code_sums["tables"]):
            yield from _code_sums(table, total_row, seen)


def _pattern(text: str, per: str | None) -> re.Pattern[str]:
    return re.compile(text.replace("{per}", re.escape(per)) if per else text)


def _column_sum(table: AccountsTable, spec: dict, per: str | None, seen: set) -> Iterator[Gap]:
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
            yield from _compare(table, row, total_col, total, [(row, c, f) for c, f in parts], seen,
                                "、".join(_short(c, per) for c, _ in parts) + "之和")


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


def _row_sum(table: AccountsTable, spec: dict, seen: set) -> Iterator[Gap]:
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
                yield from _compare(table, total, col, fig, figs, seen, label)
            break


def _agrees(total: Row, parts: list[Row], columns: list[str]) -> bool:
    """Whether ``total``'s first figure is the sum of the parts' figures in any column, within rounding."""
    fig = next((total.values[c] for c in columns if c in total.values), None)
    figs = [next((r.values[c] for c in r.values), None) for r in parts]
    if fig is None or not parts or None in figs:
        return False
    return abs(fig.value - sum((f.value for f in figs), Decimal(0))) <= sum_tolerance(fig.decimals, [f.decimals for f in figs])


def _code_sums(table: AccountsTable, total_row: re.Pattern[str], seen: set) -> Iterator[Gap]:
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
                yield from _compare(table, parent, col, fig, figs, seen, label)


def _compare(table: AccountsTable, row: Row, col: str, total: Figure, parts: list[tuple[Row, str, Figure]],
             seen: set, label: str) -> Iterator[Gap]:
    key = (table.kind, id(row), col, tuple(id(p) for p, _, _ in parts))
    if key in seen:
        return
    seen.add(key)
    gap = Gap(table, row, col, total, parts, label)
    if abs(total.value - gap.computed) > sum_tolerance(total.decimals, [f.decimals for _, _, f in parts]):
        yield gap


def _short(column: str, per: str | None = None) -> str:
    """A column's own name: the last part of its path that is neither the sub-column all parts share (决算数)
    nor a 小计 (公务用车购置及运行维护费/小计 is the car's column)."""
    return next((p for p in reversed(column.split("/")) if p not in (per, "小计")), column)
