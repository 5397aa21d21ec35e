"""Facts and project items stated in tables (自评表, 预算执行情况表): a header row names the
columns (年初预算数, 全年执行数, 得分 …), the first cells of a row name what it is about.
Every value points at its cell.

``table_totals`` reads, without changing anything, each table's 合计 row and the rows it totals;
review calls it for the sum check (on a fresh extraction or on a stored report alike).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from jixiao.extract.context import Context
from jixiao.extract.facts import add_fact
from jixiao.extract.lexicon import load_yaml
from jixiao.extract.metrics import classify, kpi_packs
from jixiao.extract.numbers import CELL_UNIT, FIGURE_CELL, Quantity, decimal_shift, money_factor, parse_number
from jixiao.extract.textview import TextView
from jixiao.ingest.document import Cell, Table
from jixiao.lexicon import data_cache
from jixiao.model import Fact, Metric, ProjectItem, Span

_NUM = FIGURE_CELL
_LABEL_LEAD = re.compile(r"^(?:其中[：:]?|[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．])\s*")
_MONEY_UNIT = CELL_UNIT


class TableFigure(NamedTuple):
    """A figure of a table cell in 万元: the row's label, the value, its decimals, the cell's span."""

    label: str
    value: Decimal
    decimals: int
    span: Span


@dataclass(frozen=True)
class TableTotal:
    """A table's 合计 row and the rows it totals, in one money column (万元)."""

    column: str
    label: str
    total: TableFigure
    parts: list[TableFigure]


@dataclass(frozen=True)
class Qualitative:
    """The cells of a 定性 indicator row (年度指标值 “好”, 实际完成值 “较好”), or of a row whose target and
    result are not quantities of one unit: the name, the target and the result as written."""

    label: Span
    target: Span
    actual: Span


@dataclass(frozen=True)
class IndicatorScore:
    """A 自评表 indicator row as scored: its target and result (the row's metric, or for a 定性 row the
    cells as written), 分值 and 得分 when given, and whether the form has a 偏差原因 column and what this
    row says there."""

    metric: Metric | None
    weight: TableFigure | None
    score: TableFigure | None
    has_reason_column: bool
    reason: str
    qualitative: Qualitative | None = None
    levels: tuple[str, str] = ("", "")  # 一级指标, 二级指标 (carried down over merged cells)

    @property
    def label(self) -> str:
        return self.metric.label if self.metric is not None else re.sub(r"\s", "", self.qualitative.label.text)

    @property
    def start(self) -> int:
        return (self.metric.evidence[0] if self.metric is not None else self.qualitative.label).start


class RowRead(NamedTuple):
    """A table row under a header: its label, the label's cell, and its figures by column
    (value as written, decimals, cell)."""

    label: str
    cell: Cell
    values: dict[str, tuple[Decimal, int, Cell]]


@dataclass
class TablePart:
    """The rows of a table under one header row (a table may restart its columns: a 自评表's 预算执行
    part, then its 指标 part), with the header's column roles and money unit."""

    table: Table
    cols: dict[str, int]
    unit: str | None
    width: int
    is_projects: bool  # the label column is 项目名称/专项名称/资金名称
    rows: list[list[Cell]]
    kind: tuple[bool, bool] | None = None  # see _table_kind, found when first asked


@dataclass(frozen=True)
class TableItem:
    """A project's row in a table of projects: its name and its figures in 万元 by column
    (``budget``, ``adjustment``, ``actual``)."""

    name: str
    label: Span
    figures: dict[str, TableFigure]


class TableView(TextView):
    """What reading tables needs besides the text view: the unit declarations of the text."""

    unit_declarations: list[tuple[int, str]]


@lru_cache(maxsize=1)
def _lex():
    lx = load_yaml("tables.yaml")
    cols = {k: re.compile(v) for k, v in lx["columns"].items()}
    rows = [{**r, "_re": re.compile(r["label"])} for r in lx["rows"]]
    return cols, rows, re.compile(lx["not_items"]), re.compile(lx["three_public_table"])


_OTHER_YEAR = re.compile(r"上年|去年|(\d{4})年")


def _header_cols(row: list[Cell], year: int | None) -> dict[str, int] | None:
    """Column roles of a header row, or None. Of several 决算数 columns, the one of the report's
    year (or marked 本年) is this year's; 上年 and other years' columns are not read."""
    cols = _lex()[0]
    found: dict[str, int] = {}
    matched = 0
    for ci, cell in enumerate(row):
        t = re.sub(r"\s", "", cell.text)
        for name, rx in cols.items():
            if not rx.search(t):
                continue
            matched += 1
            other = _OTHER_YEAR.search(t)
            if other and (other.group(1) is None or (year and int(other.group(1)) != year)):
                break
            if name not in found or (name == "actual" and other):
                found[name] = ci
            break
    return found if matched >= 2 and found else None


def _lines_above(view: TextView, table: Table) -> list[str]:
    """The (up to) two lines just above a table: its title, its unit."""
    if table.start <= 0:
        return []
    return view.text[max(0, table.start - 120):table.start].split("\n")[-3:]


def _unit(ctx: TableView, table: Table, header_row: int) -> str | None:
    """The money unit stated in the header rows or in the two lines above the table."""
    texts = [cell.text for row in table.rows[: header_row + 1] for cell in row] + _lines_above(ctx, table)
    for t in texts:
        m = _MONEY_UNIT.search(t)
        if m:
            return m.group(1) or m.group(2)
    # else the unit the report declared once for its figures ("（金额单位：万元）") before the table
    declared = [unit for at, unit in ctx.unit_declarations if at <= table.start]
    return declared[-1] if declared else None


def _number(cell: Cell) -> tuple[Decimal, int] | None:
    t = cell.text.strip().replace(" ", "")
    if not _NUM.match(t) or cell.start < 0:
        return None
    negative = t.startswith("-")
    parsed = parse_number(t.lstrip("-").replace(",", ""))
    if parsed is None:
        return None
    return (-parsed[0] if negative else parsed[0]), parsed[1]


def _row_label(row: list[Cell], first_value_col: int) -> tuple[str, Cell | None]:
    parts = [c for c in row[:first_value_col] if c.text.strip() and not _NUM.match(c.text.strip())]
    if not parts:
        return "", None
    cell = parts[-1]
    return _LABEL_LEAD.sub("", re.sub(r"\s", "", cell.text)).rstrip("：:"), cell


def _read_row(row: list[Cell], cols: dict[str, int]) -> RowRead | None:
    """The label and figures of a row, or None when it has no label or no figure."""
    label, label_cell = _row_label(row, min(cols.values()))
    if not label:
        return None
    values: dict[str, tuple[Decimal, int, Cell]] = {}
    for name, ci in cols.items():
        if ci < len(row):
            parsed = _number(row[ci])
            if parsed:
                values[name] = (*parsed, row[ci])
    return RowRead(label, label_cell, values) if values else None


def table_parts(view: TableView, tables: Sequence[Table], year: int | None = None) -> list[TablePart]:
    """The tables cut at their header rows; rows above the first header are not read. Every reader
    of this module works on these parts (``view``: an extraction Context or a ReviewInput)."""
    out: list[TablePart] = []
    for table in tables:
        part = None
        unit = None
        for ri, row in enumerate(table.rows):
            header = _header_cols(row, year)
            if header:
                header.pop("label", None)
                amount = header.pop("amount", None)
                if amount is not None and "actual" not in header and _about_spending(_lines_above(view, table)):
                    header["actual"] = amount  # "支出决算明细表 | 项目 | 金额": the year's spending
                if not header:
                    continue
                unit = _unit(view, table, ri) or unit
                part = TablePart(table, header, unit, len(row),
                                 any(_PROJECT_HEADER.search(c.text) for c in row), [])
                out.append(part)
            elif part is not None:
                part.rows.append(row)
    return out


def _about_spending(lines: list[str]) -> bool:
    """The title just above a table (its nearest non-empty line) is about the year's spending (支出,
    决算), not about a budget."""
    title = next((line for line in reversed(lines) if line.strip()), "")
    return ("支出" in title or "决算" in title) and "预算" not in title


def _is_indicator_part(part: TablePart) -> bool:
    return "target" in part.cols and "achieved" in part.cols


def table_totals(view: TableView, parts: Sequence[TablePart]) -> list[TableTotal]:
    """Each table part's 合计 row with the rows it totals, per money column, read as ``table_facts``
    reads them but changing nothing."""
    rows: dict[int, list[RowRead]] = {id(part): [] for part in parts}
    for part, read in _rows(view, parts, None):
        rows[id(part)].append(read)
    return [t for part in parts for t in _close_table(view, rows[id(part)], part.unit)]


def indicator_scores(view: TableView, parts: Sequence[TablePart]) -> list[IndicatorScore]:
    """The indicator rows of the tables with their 分值, 得分 and 偏差原因 (for review), read as
    ``table_facts`` reads them; a row lined up by content keeps the header's columns after its result."""
    out: list[IndicatorScore] = []
    for part in parts:
        if not _is_indicator_part(part):
            continue
        cols = part.cols
        levels = ("", "")
        for row in part.rows:
            m, _ = _indicator_row(view, row, cols, part.width)
            label_at = (m.evidence[0].start if m is not None else None)
            if m is None:
                q = _qualitative_row(view, row, cols, part.width)
                if q is not None:
                    levels = indicator_levels(levels, [c.text for c in row if 0 <= c.start < q.qualitative.label.start])
                    out.append(replace(q, levels=levels))
                continue
            levels = indicator_levels(levels, [c.text for c in row if 0 <= c.start < label_at])
            ai = next((i for i, c in enumerate(row) if c.start == m.evidence[-1].start), None)
            if ai is None:
                continue
            shift = ai - cols["achieved"]
            reason = _shifted_cell(row, cols, "reason", shift)
            out.append(IndicatorScore(m, _shifted_figure(view, row, cols, "weight", shift, m.label),
                                      _shifted_figure(view, row, cols, "score", shift, m.label), "reason" in cols,
                                      reason.text.strip(" \t—-/") if reason is not None else "", levels=levels))
    return out


def indicator_levels(levels: tuple[str, str], cells: list[str]) -> tuple[str, str]:
    """The 一级/二级指标 of a row from the cells before its name (a 一级指标 word, else the 二级), the
    previous row's carried down where a merged cell left them out (a new 一级指标 clears the 二级)."""
    level1_rx, other_rx = _level_lex()
    l1, l2 = levels
    for text in (re.sub(r"\s", "", c) for c in cells):
        if level1_rx.match(text):
            l1, l2 = text, ""
        elif text and not other_rx.match(text) and len(text) <= 12:
            l2 = text
    return l1, l2


@data_cache
def _level_lex() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lx = load_yaml("forms.yaml")
    return re.compile(lx["indicator_level1"]), re.compile(lx["indicator_header_other"])


def _qualitative_row(view: TextView, row: list[Cell], cols: dict[str, int], width: int) -> IndicatorScore | None:
    """A 定性 row (三级指标 | 好 | 较好 | 10 | 9 | reason), its cells where the header puts them (a row
    shorter than its header lacks its first, merged cells, or its empty last 原因 cell): target and
    result are written and 分值 and 得分 are plain figures, or the row is not read."""
    if "weight" not in cols or "score" not in cols:
        return None
    shifts = [0] if len(row) >= width else [len(row) - width]
    if len(row) < width and max(cols.values()) == cols.get("reason"):
        shifts.append(len(row) - width + 1)
    first = min(cols["target"], cols.get("nature", cols["target"]))
    for shift in shifts:
        cells = {k: _shifted_cell(row, cols, k, shift) for k in ("target", "achieved", "weight", "score")}
        if any(c is None or c.start < 0 for c in cells.values()):
            continue
        target, actual = cells["target"].text.strip(" \t—-/"), cells["achieved"].text.strip(" \t—-/")
        weight, score = _number(cells["weight"]), _number(cells["score"])
        if not target or not actual or weight is None or score is None or weight[0] <= 0 or score[0] < 0:
            continue
        label = next((c for c in reversed(row[:max(0, first + shift)]) if c.text.strip()), None)
        if label is None or label.start < 0 or _NUMBER_ONLY.match(label.text):
            continue
        reason = _shifted_cell(row, cols, "reason", shift)
        text = label.text.strip()
        return IndicatorScore(
            None, TableFigure(text, weight[0], weight[1], view.span(cells["weight"].start, cells["weight"].end)),
            TableFigure(text, score[0], score[1], view.span(cells["score"].start, cells["score"].end)),
            "reason" in cols, reason.text.strip(" \t—-/") if reason is not None and reason.start >= 0 else "",
            Qualitative(view.span(label.start, label.end), view.span(cells["target"].start, cells["target"].end),
                        view.span(cells["achieved"].start, cells["achieved"].end)))
    return None


def _shifted_cell(row: list[Cell], cols: dict[str, int], col: str, shift: int) -> Cell | None:
    """The row's cell of header column ``col``, the row's cells being ``shift`` places off the header's."""
    i = cols[col] + shift if col in cols else -1
    return row[i] if 0 <= i < len(row) else None


def _shifted_figure(view: TextView, row: list[Cell], cols: dict[str, int], col: str, shift: int,
                    label: str) -> TableFigure | None:
    c = _shifted_cell(row, cols, col, shift)
    parsed = _number(c) if c is not None else None
    return TableFigure(label, parsed[0], parsed[1], view.span(c.start, c.end)) if parsed else None


def table_facts(ctx: Context, parts: Sequence[TablePart], found: dict) -> tuple[list[ProjectItem], list[Metric]]:
    """Add the facts of the table parts to ``found`` (as body_facts does); return the tables' project
    items and indicator rows (自评表: 年度指标值 / 实际完成值) as metrics with their targets."""
    items: list[ProjectItem] = []
    metrics: list[Metric] = []
    for part, read in _rows(ctx, parts, metrics):
        facts = _row_facts(ctx, part, read)
        if facts is not None:
            for key, fig in facts:
                add_fact(found, key, 0, Fact(key=key, value=fig.value, decimals=fig.decimals,
                                             evidence=[ctx.span(read.cell.start, read.cell.end), fig.span]))
            continue
        item = _row_item(ctx, part, read)
        if item is not None:
            items.append(ProjectItem(name=item.name, evidence=[item.label], **{
                f: fig.value for f, fig in item.figures.items()}))
            items[-1].evidence += [fig.span for fig in item.figures.values()]
    return items, metrics


def table_items(view: TableView, parts: Sequence[TablePart]) -> list[TableItem]:
    """The project rows of the tables with their figures, read as ``table_facts`` reads them but
    changing nothing (for review: a table row against the running text)."""
    return [item for part, read in _rows(view, parts, None)
            if _row_facts(view, part, read) is None and (item := _row_item(view, part, read)) is not None]


def _rows(view: TextView, parts: Sequence[TablePart], metrics: list[Metric] | None):
    """(part, read) for each row of figures that is not an indicator row; indicator rows go to
    ``metrics`` and their quantities are taken (extraction: ``metrics`` is a list and ``view`` a
    Context) or are passed over (review: ``metrics`` is None)."""
    for part in parts:
        for row in part.rows:
            if _is_indicator_part(part):
                m, taken = _indicator_row(view, row, part.cols, part.width)
                if metrics is not None:
                    view.consumed.update(taken)
                if m:
                    if metrics is not None:
                        metrics.append(m)
                    continue
            read = _read_row(row, part.cols)
            if read is not None:
                yield part, read


def _table_kind(part: TablePart, view: TextView) -> tuple[bool, bool]:
    """(a 三公经费 table, a 项目支出绩效自评表) — whose 合计 and money rows are not the department's."""
    if part.kind is not None:
        return part.kind
    table = part.table
    three_public = _lex()[3]
    is_three_public = bool(three_public.search(" ".join(c.text for row in table.rows for c in row)))
    # a 项目支出绩效自评表: its 年度资金总额 is the project's money (extract/forms.py), not the department's
    is_form = (any(re.sub(r"\s", "", c.text).startswith("项目名称") for row in table.rows[:6] for c in row)
               or "项目名称" in view.text[max(0, table.start - 300):table.start])  # the form's name just above
    part.kind = (is_three_public, is_form)
    return part.kind


def _row_facts(view: TextView, part: TablePart, read: RowRead) -> list[tuple[str, TableFigure]] | None:
    """The department facts a row states (data/tables.yaml rows), [] for a fact row of a form (the
    project's money, not the department's), None when the row is not a fact row."""
    label, values = read.label, read.values
    if part.is_projects and label in ("合计", "总计", "小计"):
        return []  # the projects' total, checked against the rows, not a department figure
    row_rules = _lex()[1]
    for rule in row_rules:
        if not rule["_re"].search(label):
            continue
        is_three_public, is_form = _table_kind(part, view)
        if is_three_public and label in ("合计", "总计"):
            rule = {"actual": "three_public_total"}
        if is_form and {"budget", "expenditure_total"} & set(rule.values()):
            return []
        out = []
        for col, key in rule.items():
            if col in ("label", "_re") or col not in values:
                continue
            value, dec, cell = values[col]
            if col != "score":
                if part.unit is None:
                    continue  # a money column with no stated unit: not read
                factor = money_factor(part.unit)
                value, dec = value * factor, dec + decimal_shift(factor)
            out.append((key, TableFigure(label, value, dec, view.span(cell.start, cell.end))))
        return out or None
    return None


def _row_item(view: TextView, part: TablePart, read: RowRead) -> TableItem | None:
    """The project a row of a table of money is about, or None."""
    not_items = _lex()[2]
    label, values = read.label, read.values
    if part.unit is None or not_items.search(label) or not ({"budget", "actual"} & set(values)):
        return None
    if ("budget" not in part.cols and "actual" not in part.cols) or _table_kind(part, view)[0]:
        return None
    factor = money_factor(part.unit)
    shift = decimal_shift(factor)
    figures = {col: TableFigure(label, values[col][0] * factor, values[col][1] + shift,
                                view.span(values[col][2].start, values[col][2].end))
               for col in ("budget", "adjustment", "actual") if col in values}
    return TableItem(label, view.span(read.cell.start, read.cell.end), figures)


_PROJECT_HEADER = re.compile(r"^(?:项目|专项|资金)名称$")


def _close_table(view: TextView, rows: list[RowRead], unit: str | None) -> list[TableTotal]:
    """A table's 合计 row with the rows it totals, per money column, for the sum check. Tables with
    "其中" rows (sub-items) are left alone: which rows a 合计 covers is not certain there."""
    if unit is None or len(rows) < 3:
        return []
    if any(r.cell.text.strip().startswith("其中") for r in rows):
        return []
    totals = [i for i, r in enumerate(rows) if r.label in ("合计", "总计")]
    if len(totals) != 1:
        return []
    total = rows[totals[0]]
    parts = rows[:totals[0]] if totals[0] > 0 else rows[1:]
    if len(parts) < 2:
        return []
    factor = money_factor(unit)
    shift = decimal_shift(factor)

    def figure(label: str, read: tuple[Decimal, int, Cell]) -> TableFigure:
        value, dec, cell = read
        return TableFigure(label, value * factor, dec + shift, view.span(cell.start, cell.end))

    return [TableTotal(column=col, label=total.label, total=figure(total.label, total.values[col]),
                       parts=[figure(p.label, p.values[col]) for p in parts])
            for col in ("budget", "adjustment", "budget_full", "actual")
            if col in total.values and all(col in p.values for p in parts)]


def _indicator_row(ctx: TextView, row: list[Cell], cols: dict[str, int],
                   width: int) -> tuple[Metric | None, list[int]]:
    """A 自评表 indicator row (三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分) as a metric, or None;
    with the quantities of its value cells, which the table reader takes (even when the row is not
    an indicator row). A row shorter than its header (``width`` cells) is lined up by content."""
    ti, ai = cols["target"], cols["achieved"]
    if len(row) < width and "measure" not in cols:
        shifted = _align_by_content(ctx, row, cols)
        if shifted is None:
            return None, []
        ti, ai = shifted
    if max(ti, ai) >= len(row):
        return None, []
    label_cell = next((c for c in reversed(row[:ti]) if c.text.strip()), None)
    tq = _cell_quantity(ctx, row[ti])
    aq = _cell_quantity(ctx, row[ai])
    taken = [qi for qi, _ in (tq, aq) if qi is not None]
    if label_cell is not None and (tq.quantity is None or aq.quantity is None) and "measure" in cols:
        return _split_indicator_row(ctx, row, cols, label_cell), taken
    untargeted = tq.quantity is None and not row[ti].text.strip(" \t—-/") and len(row) >= width
    if label_cell is None or (tq.quantity is None and not untargeted) or aq.quantity is None:
        return None, taken
    if untargeted:  # "人均补助标准 |  | 84元": a result with no 年度指标值 written
        aq = aq.quantity
        label = re.sub(r"\s", "", label_cell.text)
        value, decimals, _ = _as_written(aq, None)
        return Metric(label=label, value=value, unit=aq.unit, kpi=classify(kpi_packs(), label, "", aq.unit),
                      approx=aq.approx, decimals=decimals,
                      evidence=[ctx.span(label_cell.start, label_cell.end), ctx.span(row[ai].start, row[ai].end)]), taken
    tq, aq = tq.quantity, aq.quantity
    label = re.sub(r"\s", "", label_cell.text)
    value, decimals, target = _as_written(aq, tq)
    return Metric(label=label, value=value, unit=aq.unit, kpi=classify(kpi_packs(), label, "", aq.unit),
                  approx=aq.approx, target=target, target_comparator=tq.comparator, decimals=decimals,
                  evidence=[ctx.span(label_cell.start, label_cell.end), ctx.span(row[ti].start, row[ti].end),
                            ctx.span(row[ai].start, row[ai].end)]), taken


def _as_written(actual: Quantity, target: Quantity | None) -> tuple[Decimal, int, Decimal | None]:
    """An indicator's result (value, decimals) and target in the unit the result is written in: a form's
    "生均资助标准 | ≥2000元 | 2000元" is 2000 元, not the 0.2 万元 running-text money becomes."""
    if actual.kind != "money":
        return actual.value, actual.decimals, target.value if target is not None else None
    f = money_factor(actual.unit)
    decimals = max(actual.decimals - decimal_shift(f), 0)
    value = (actual.value / f).quantize(Decimal(1).scaleb(-decimals))
    if target is None:
        return value, decimals, None
    if target.kind != "money":
        return value, decimals, target.value
    td = max(target.decimals - decimal_shift(f), 0)
    return value, decimals, (target.value / f).quantize(Decimal(1).scaleb(-td))


def _align_by_content(ctx: TextView, row: list[Cell], cols: dict[str, int]) -> tuple[int, int] | None:
    """A row shorter than its header (the merged 一级/二级指标 cells of a flattened form left out): its
    target and actual are the first two neighbouring cells that each hold one quantity of the same unit,
    after a text label and followed by as many cells as the header has weights and scores after
    实际完成值 (so "分值 | 得分" figures are never read as a target and its result)."""
    if cols["achieved"] != cols["target"] + 1:
        return None
    tail = sum(1 for k in ("weight", "score") if k in cols and cols[k] > cols["achieved"])
    for i in range(1, len(row) - 1 - tail):
        label = row[i - 1].text.strip()
        if not label or _NUMBER_ONLY.match(label):
            continue
        tq, aq = _cell_quantity(ctx, row[i]).quantity, _cell_quantity(ctx, row[i + 1]).quantity
        if tq is None or aq is None:
            continue
        if tq.unit == aq.unit:
            return i, i + 1
        return None
    return None


_NUMBER_ONLY = re.compile(r"^[\s\d.,%≥≤<>=＞＜-]*$")


# a comparator written in a cell of its own (指标性质) or before a target
COMPARATORS = {"≥": ">=", ">=": ">=", "≧": ">=", "＞": ">", ">": ">", "≤": "<=", "<=": "<=", "≦": "<=", "＜": "<",
               "<": "<", "=": "=", "＝": "="}


def _split_indicator_row(ctx: TextView, row: list[Cell], cols: dict[str, int], label_cell: Cell) -> Metric | None:
    """"住院服务人次 | ≥ | 9000 | 人次 | 10 | 8120": 指标性质, 指标值, 度量单位 and 实际完成值 in cells of their own."""
    ti, ai, mi = cols["target"], cols["achieved"], cols["measure"]
    if max(ti, ai, mi) >= len(row):
        return None
    target, achieved = _number(row[ti]), _number(row[ai])
    unit = re.sub(r"\s", "", row[mi].text)
    if target is None or achieved is None or not unit or len(unit) > 6:
        return None
    nature = re.sub(r"\s", "", row[cols["nature"]].text) if "nature" in cols and cols["nature"] < len(row) else ""
    comparator = COMPARATORS.get(nature)
    first = min(ti, cols.get("nature", ti))
    label_cell = next((c for c in reversed(row[:first]) if c.text.strip()), None)
    if label_cell is None:
        return None
    label = re.sub(r"\s", "", label_cell.text)
    return Metric(label=label, value=achieved[0], unit=unit, kpi=classify(kpi_packs(), label, "", unit),
                  target=target[0], target_comparator=comparator if comparator in (">=", "<=") else None,
                  decimals=achieved[1],
                  evidence=[ctx.span(label_cell.start, label_cell.end), ctx.span(row[ti].start, row[ti].end),
                            ctx.span(row[ai].start, row[ai].end)])


class CellQuantity(NamedTuple):
    """The one quantity written in a cell and its index, or (None, None)."""

    qi: int | None
    quantity: Quantity | None


def _cell_quantity(ctx: TextView, cell: Cell) -> CellQuantity:
    """The one quantity written in a cell (the caller takes it, so it is not read again as running text)."""
    if cell.start < 0:
        return CellQuantity(None, None)
    first = bisect_left(ctx.quantity_starts, cell.start)
    hits = []
    for qi in range(first, len(ctx.quantities)):
        q = ctx.quantities[qi]
        if q.start >= cell.end:
            break
        if q.end <= cell.end:
            hits.append((qi, q))
    if len(hits) != 1:
        return CellQuantity(None, None)
    return CellQuantity(*hits[0])
