"""自评表 (.xlsx): the report's forms laid out as the official sheet — the 部门整体支出绩效自评表 of the
province and the national 项目支出绩效自评表 — one worksheet per form, filled from the extracted data, with
formulas where the official sheet computes (执行率, 预算执行率得分, 总分; their values cached so a reader
without a calculation engine sees them), print area and A4 landscape page setup (XlsxWriter; opens in
Excel and WPS). Layouts are data: ``data/sheets/<id>.yaml``, chosen by form and ``applies_to`` as the
scoring frameworks are; ``--template`` takes a layout file of the same shape.

A report whose 部门整体 figures are in its text rather than in a form gets a department sheet from its
facts (年初预算, 支出合计, 基本/项目支出) and its metrics with a target; what the report does not state stays
blank — never a guessed number.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Literal

import xlsxwriter
from pydantic import BaseModel, ConfigDict, Field

from jixiao.lexicon import data_files, load_model, validate_text
from jixiao.model import COMPARATOR_SIGNS, FundRow, Indicator, Project
from jixiao.render.inputs import RenderInput
from jixiao.score.framework import AppliesTo, FrameworkError, most_specific

COLUMNS = 8  # A…H: the official sheet's eight columns
WIDTHS = [12, 14, 24, 14, 14, 8, 10, 30]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FundSpec(_Model):
    """A row of the money block: its label, the form rows it takes (``match`` on their label), its 分值,
    whether it is the total, a heading row without figures, and the facts that fill it for a report
    without a form."""

    label: str
    match: str | None = None
    weight: Decimal | None = None
    total: bool = False
    heading: bool = False
    fact_budget: str | None = None
    fact_actual: str | None = None


class Funds(_Model):
    heading: str
    rows: list[FundSpec] = Field(min_length=1)


class SheetLayout(_Model):
    """One official sheet (``data/sheets/<id>.yaml``)."""

    id: str
    name: str
    form: Literal["project", "department"]
    default: bool = False
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    title: str
    subtitle: str = ""
    name_label: str
    bodies: list[str] = Field(default_factory=list, max_length=2)
    funds: Funds
    goal_heading: str
    total_label: str
    total_weight: Decimal
    notes: list[str] = Field(default_factory=list)


def layout_ids() -> list[str]:
    return [n[len("sheets/"):-5] for n in data_files("sheets")]


def load_layout(layout_id: str) -> SheetLayout:
    return load_model(f"sheets/{layout_id}.yaml", SheetLayout, True)  # type: ignore[return-value]


def choose_layout(data: RenderInput, form: str) -> SheetLayout:
    """The most specific layout of this form (project/department) whose ``applies_to`` the report meets."""
    candidates = [lay for lay in map(load_layout, layout_ids()) if lay.form == form]
    return most_specific(candidates, data.report, f"{'项目支出' if form == 'project' else '部门整体支出'}绩效自评表样式",
                         FrameworkError)


def department_form(data: RenderInput, layout: SheetLayout) -> Project:
    """The 部门整体 form of a report that states its figures in the text: facts into the money rows the
    layout names, metrics with a target into indicator rows. Nothing is computed or guessed."""
    report = data.report
    funds = []
    for spec in layout.funds.rows:
        budget = report.fact_value(spec.fact_budget) if spec.fact_budget else None
        actual = report.fact_value(spec.fact_actual) if spec.fact_actual else None
        if budget is not None or actual is not None:
            funds.append(FundRow(label=spec.label, budget=budget, actual=actual))
    indicators = [Indicator(label=m.label, target=m.target, comparator=m.target_comparator, actual=m.value,
                            unit=m.unit, evidence=m.evidence)
                  for m in report.metrics if m.target is not None]
    return Project(name=data.unit, kind="department", funds=funds, indicators=indicators)


def render_table(data: RenderInput, out: Path, *, template: Path | None = None) -> Path:
    """Write the report's 自评表 (.xlsx): a worksheet per form of the report, or one department sheet."""
    forms = list(data.report.projects)
    if not forms:
        forms = [None]  # type: ignore[list-item]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    custom = validate_text(SheetLayout, template.read_text(encoding="utf-8"), str(template), decimals=True) \
        if template is not None else None
    book = xlsxwriter.Workbook(str(out), {"strings_to_numbers": False, "strings_to_formulas": False})
    styles = _styles(book)
    names: set[str] = set()
    for form in forms:
        kind = form.kind if form is not None else "department"
        layout = custom if custom is not None else choose_layout(data, kind)
        if form is None:
            form = department_form(data, layout)
        _sheet(book, styles, _sheet_name(form, names), layout, form, data)
    book.close()
    return out


def _sheet_name(form: Project, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", form.name)[:28] or "自评表"
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:25]}_{n}", n + 1
    taken.add(name)
    return name


def _styles(book) -> dict:
    font = {"font_name": "仿宋_GB2312", "font_size": 11, "border": 1, "valign": "vcenter", "text_wrap": True}
    return {
        "title": book.add_format({"font_name": "方正小标宋简体", "font_size": 18, "align": "center", "valign": "vcenter"}),
        "subtitle": book.add_format({"font_name": "仿宋_GB2312", "font_size": 12, "align": "center"}),
        "head": book.add_format({**font, "bold": True, "align": "center", "font_name": "黑体"}),
        "text": book.add_format({**font, "align": "left"}),
        "center": book.add_format({**font, "align": "center"}),
        "money": book.add_format({**font, "align": "right", "num_format": "#,##0.00"}),
        "num": book.add_format({**font, "align": "right", "num_format": "General"}),
        "rate": book.add_format({**font, "align": "right", "num_format": "0.00%"}),
        "note": book.add_format({"font_name": "仿宋_GB2312", "font_size": 10, "text_wrap": True, "valign": "top"}),
    }


def _sheet(book, st: dict, name: str, layout: SheetLayout, form: Project, data: RenderInput) -> None:
    ws = book.add_worksheet(name)
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    last = COLUMNS - 1
    ws.merge_range(0, 0, 0, last, layout.title, st["title"])
    ws.set_row(0, 32)
    ws.merge_range(1, 0, 1, last, layout.subtitle.format(year=data.year or "    ") if layout.subtitle else "",
                   st["subtitle"])
    row = 2
    ws.write(row, 0, layout.name_label, st["head"])
    ws.merge_range(row, 1, row, last, form.name, st["text"])
    row += 1
    if layout.bodies:
        values = [form.supervising or "", form.implementing or ""]
        ws.write(row, 0, layout.bodies[0], st["head"])
        ws.merge_range(row, 1, row, 3, values[0], st["text"])
        if len(layout.bodies) > 1:
            ws.write(row, 4, layout.bodies[1], st["head"])
            ws.merge_range(row, 5, row, last, values[1], st["text"])
        row += 1
    fund_start = row
    for col, head in enumerate(["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], start=1):
        ws.write(row, col, head, st["head"])
    row += 1
    score_cells: list[str] = []
    weight_cells: list[str] = []
    cached_points = Decimal(0)
    cached_weight = Decimal(0)
    used: set[int] = set()
    for spec in layout.funds.rows:
        ws.write(row, 1, spec.label, st["text"])
        fund = None if spec.heading else _match_fund(form.funds, spec, used)
        cells = [fund.budget, fund.budget_full, fund.actual] if fund else [None, None, None]
        for col, value in zip((2, 3, 4), cells, strict=True):
            _number(ws, row, col, value, st["money"])
        weight = fund.weight if fund and fund.weight is not None else (spec.weight if spec.total else None)
        _number(ws, row, 5, weight, st["num"])
        r = row + 1
        rate = _rate(fund)
        if fund is not None and fund.actual is not None and rate is not None:
            ws.write_formula(row, 6, f'=IF(N(D{r})>0,E{r}/D{r},IF(N(C{r})>0,E{r}/C{r},""))', st["rate"], float(rate))
        else:
            ws.write_blank(row, 6, None, st["rate"])
        if spec.total and weight is not None:
            weight_cells.append(f"F{r}")
            cached_weight += weight
            if fund is not None and fund.score is not None:
                _number(ws, row, 7, fund.score, st["num"])
                score_cells.append(f"H{r}")
                cached_points += fund.score
            elif rate is not None:
                points = (min(rate, Decimal(1)) * weight).quantize(Decimal("0.01"))
                ws.write_formula(row, 7, f'=IF(ISNUMBER(G{r}),ROUND(MIN(G{r},1)*F{r},2),"")', st["num"], float(points))
                score_cells.append(f"H{r}")
                cached_points += points
            else:
                ws.write_blank(row, 7, None, st["num"])
        else:
            _number(ws, row, 7, fund.score if fund else None, st["num"])
        row += 1
    ws.merge_range(fund_start, 0, row - 1, 0, layout.funds.heading, st["head"])
    ws.merge_range(row, 0, row + 1, 0, layout.goal_heading, st["head"])
    ws.merge_range(row, 1, row, 4, "预期目标", st["head"])
    ws.merge_range(row, 5, row, last, "实际完成情况", st["head"])
    ws.merge_range(row + 1, 1, row + 1, 4, form.goal_planned or "", st["text"])
    ws.merge_range(row + 1, 5, row + 1, last, form.goal_actual or "", st["text"])
    ws.set_row(row + 1, 60)
    row += 2
    heads = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    for col, head in enumerate(heads):
        ws.write(row, col, head, st["head"])
    indicator_head = row
    row += 1
    for ind in form.indicators:
        r = row + 1
        values = [ind.level1 or "", ind.level2 or "", ind.label, _target(ind), _actual(ind)]
        for col, value in enumerate(values):
            ws.write_string(row, col, value, st["text"] if col == 2 else st["center"])
        _number(ws, row, 5, ind.weight, st["num"])
        _number(ws, row, 6, ind.score, st["num"])
        ws.write_string(row, 7, ind.reason or "", st["text"])
        if ind.weight is not None:
            weight_cells.append(f"F{r}")
            cached_weight += ind.weight
        if ind.score is not None:
            score_cells.append(f"G{r}")
            cached_points += ind.score
        row += 1
    ws.merge_range(row, 0, row, 4, layout.total_label, st["head"])
    ws.write_formula(row, 5, f"=SUM({','.join(weight_cells)})" if weight_cells else "=0", st["num"],
                     float(cached_weight))
    if score_cells:
        ws.write_formula(row, 6, f"=SUM({','.join(score_cells)})", st["num"], float(cached_points))
    else:
        ws.write_blank(row, 6, None, st["num"])
    ws.write_blank(row, 7, None, st["text"])
    row += 1
    for note in layout.notes:
        ws.merge_range(row, 0, row, last, note, st["note"])
        ws.set_row(row, 30)
        row += 1
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.fit_to_pages(1, 0)
    ws.print_area(0, 0, row - 1, last)
    ws.repeat_rows(indicator_head, indicator_head)
    ws.set_footer("&C第 &P 页，共 &N 页")


def _match_fund(funds: list[FundRow], spec: FundSpec, used: set[int]) -> FundRow | None:
    """The first form row not yet used whose label the spec's ``match`` finds (or whose label is the spec's)."""
    for i, fund in enumerate(funds):
        if i in used:
            continue
        if fund.label == spec.label or (spec.match and re.search(spec.match, fund.label)):
            used.add(i)
            return fund
    return None


def _rate(fund: FundRow | None) -> Decimal | None:
    if fund is None or fund.actual is None:
        return None
    base = fund.budget_full if fund.budget_full else fund.budget
    if not base:
        return None
    return fund.actual / base


def _number(ws, row: int, col: int, value: Decimal | None, fmt) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_number(row, col, float(value), fmt)


def _target(ind: Indicator) -> str:
    if ind.target is None:
        return ind.target_text or ""
    return f"{COMPARATOR_SIGNS.get(ind.comparator or '', '')}{_plain(ind.target)}{ind.unit}"


def _actual(ind: Indicator) -> str:
    if ind.actual is None:
        return ind.actual_text or ""
    return f"{_plain(ind.actual)}{ind.unit}"


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


__all__ = ["SheetLayout", "choose_layout", "department_form", "layout_ids", "load_layout", "render_table"]
