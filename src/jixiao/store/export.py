"""The report list as an XLSX workbook, for the bureau's own spreadsheets.

Three sheets, each with a frozen, bold header row and set column widths:

* 报告列表 — one row per report: identity, status and analysis in Chinese, counts, upload time in
  Beijing time, the latest 审核意见, then the effective facts (corrections applied) as numbers;
* 审核发现 — one row per finding: report, level in Chinese (错误/警告/提示), rule code and title, message;
* 项目明细 — one row per project item: 年初预算, 调整数, 实际支出, 结转结余 (corrections applied) and the
  execution rate;
* 自评表资金 and 自评表指标 — the 项目支出绩效自评表 of each report as read: one row per money row
  (年度资金总额, 其中 …) and one per indicator row (指标值, 实际完成值, 分值, 得分, 偏差原因).

Numbers are written as numbers with their sign (Decimal, never float text); text cells are written as
text, never formulas.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session, load_only, selectinload

from jixiao.model import COMPARATOR_SIGNS, FACT_KEYS, FACT_LABELS
from jixiao.store.clock import beijing
from jixiao.store.dashboard import rule_codes, rule_titles
from jixiao.store.models import ANALYSIS, STATUSES, Report, ReportValue, StatusChange, User
from jixiao.store.reports import LIST_COLUMNS, ReportQuery, filtered, ordered
from jixiao.store.values import ITEM_ATTRS, apply_corrections, stored_decimal

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
CHUNK = 50  # reports whose findings and extracted JSON are read at a time (memory stays bounded)
TIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00##;-#,##0.00##;0"

LIST_HEADER = [("编号", 8), ("文件名", 36), ("单位", 28), ("年度", 7), ("省", 8), ("市", 10), ("区县", 10),
               ("审核状态", 10), ("审核意见", 40), ("分析", 8), ("错误", 6), ("警告", 6), ("上传时间（北京时间）", 18)]
FINDING_HEADER = [("报告编号", 9), ("单位", 28), ("年度", 7), ("级别", 7), ("规则编号", 9), ("规则", 26), ("说明", 80)]
FUND_HEADER = [("报告编号", 9), ("单位", 28), ("年度", 7), ("项目名称", 32), ("项目代码", 22), ("资金行", 18),
               *((f"{label}（万元）", 13) for label in ("年初预算数", "全年预算数", "全年执行数")), ("执行率（%）", 11),
               ("分值", 7), ("得分", 7), ("总分", 7)]
INDICATOR_HEADER = [("报告编号", 9), ("单位", 28), ("年度", 7), ("项目名称", 32), ("绩效指标", 30), ("比较", 6),
                    ("年度指标值", 11), ("实际完成值", 11), ("计量单位", 9), ("分值", 7), ("得分", 7), ("偏差原因", 40),
                    ("一级指标", 12), ("二级指标", 14)]
ITEM_HEADER = [("报告编号", 9), ("单位", 28), ("年度", 7), ("项目名称", 36),
               *((f"{label}（万元）", 14) for label in ("年初预算", "调整数", "实际支出", "结转结余")), ("执行率（%）", 11)]


def export_xlsx(db: Session, actor: User, query: ReportQuery | None = None) -> bytes:
    """The current list (filters and sort, every page) as an XLSX workbook (see the module's doc)."""
    q = query or ReportQuery()
    rows = db.execute(filtered(actor, q, select(*LIST_COLUMNS)).order_by(*ordered(q))).all()
    ids = [r.id for r in rows]
    facts = _facts(db, ids)
    comments = _latest_comments(db, ids)

    wb = Workbook(write_only=True)
    reports = _sheet(wb, "报告列表", LIST_HEADER + [(FACT_LABELS[k], 14) for k in FACT_KEYS])
    for r in rows:
        line = [r.id, r.filename, r.unit_name, r.fiscal_year, r.province, r.city, r.county,
                STATUSES.get(r.status, r.status), comments.get(r.id), ANALYSIS.get(r.analysis, r.analysis),
                r.error_count, r.warning_count, _local(r.created_at)]
        reports.append([_cell(reports, v) for v in line + [facts.get(r.id, {}).get(k) for k in FACT_KEYS]])

    findings = _sheet(wb, "审核发现", FINDING_HEADER)
    items = _sheet(wb, "项目明细", ITEM_HEADER)
    funds = _sheet(wb, "自评表资金", FUND_HEADER)
    indicators = _sheet(wb, "自评表指标", INDICATOR_HEADER)
    titles, codes = rule_titles(), rule_codes()
    by_id = {r.id: r for r in rows}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        stmt = (select(Report).where(Report.id.in_(chunk))
                .options(load_only(Report.id, Report.findings, Report.extracted), selectinload(Report.corrections)))
        loaded = {r.id: r for r in db.scalars(stmt)}
        for rid in chunk:
            report, row = loaded.get(rid), by_id[rid]
            if report is None:
                continue
            head = [rid, row.unit_name, row.fiscal_year]
            for f in report.findings or []:
                rule = f.get("rule") or ""
                findings.append([_cell(findings, v) for v in head + [
                    SEVERITY_LABELS.get(f.get("severity"), f.get("severity")), codes.get(rule, ""),
                    titles.get(rule, rule), f.get("message") or ""]])
            for it in _items(report):
                amounts = [stored_decimal(it.get(attr)) for attr in ITEM_ATTRS]
                items.append([_cell(items, v) for v in head + [it.get("name") or "", *amounts, _rate(it)]])
            for p in (report.extracted or {}).get("projects") or []:
                name = [p.get("name") or ""]
                for f in p.get("funds") or []:
                    funds.append([_cell(funds, v) for v in head + name + [p.get("code") or "", f.get("label") or "", *(
                        stored_decimal(f.get(k)) for k in ("budget", "budget_full", "actual", "rate", "weight", "score")),
                        stored_decimal(p.get("total_score"))]])
                for i in p.get("indicators") or []:
                    indicators.append([_cell(indicators, v) for v in head + name + [
                        i.get("label") or "", COMPARATOR_SIGNS.get(i.get("comparator") or "", i.get("comparator")),
                        *(stored_decimal(i[k]) if i.get(k) is not None else i.get(f"{k}_text") or ""
                          for k in ("target", "actual")), i.get("unit") or "",
                        stored_decimal(i.get("weight")), stored_decimal(i.get("score")), i.get("reason") or "",
                        i.get("level1") or "", i.get("level2") or ""]])
        for report in loaded.values():  # keep memory bounded on large exports
            for c in report.corrections:
                db.expunge(c)
            db.expunge(report)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _items(report: Report) -> list[dict]:
    """The report's project items with their corrections applied (only the items are copied)."""
    items = {"project_items": (report.extracted or {}).get("project_items") or []}
    fixes = [c for c in report.corrections if c.field.startswith("project_items.")]
    return apply_corrections(items, fixes).data.get("project_items") or []


def _sheet(wb: Workbook, title: str, header: list[tuple[str, int]]):
    """A write-only sheet with its column widths, a bold wrapped header row and the header frozen."""
    ws = wb.create_sheet(title)
    for i, (_, width) in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="center")
    cells = []
    for name, _ in header:
        c = WriteOnlyCell(ws, value=name)
        c.font, c.alignment = bold, wrap
        cells.append(c)
    ws.append(cells)
    return ws


def _cell(ws, v: Any) -> WriteOnlyCell:
    c = WriteOnlyCell(ws, value=v)
    if isinstance(v, str):
        c.data_type = "s"  # untrusted text starting with "=" stays text, not a formula
    elif isinstance(v, Decimal):
        c.number_format = MONEY_FORMAT
    elif hasattr(v, "hour"):
        c.number_format = TIME_FORMAT
    return c


def _rate(item: dict) -> Decimal | None:
    budget, actual = stored_decimal(item.get("budget")), stored_decimal(item.get("actual"))
    if budget is None or actual is None or budget <= 0:
        return None
    return (actual / budget * 100).quantize(Decimal("0.1"))


def _local(dt) -> Any:
    """Beijing time without a timezone (spreadsheets have none)."""
    local = beijing(dt)
    return local.replace(tzinfo=None) if local else None


def _facts(db: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 900):
        stmt = select(ReportValue.report_id, ReportValue.key, ReportValue.num, ReportValue.text).where(
            ReportValue.report_id.in_(ids[start:start + 900]), ReportValue.key.startswith("facts."))
        for rid, key, num, text in db.execute(stmt):
            value = _number(num) if num is not None else text
            out.setdefault(rid, {})[key[len("facts."):]] = value
    return out


def _number(num: Any) -> int | Decimal:
    d = Decimal(str(num))
    return int(d) if d == d.to_integral_value() else d.normalize()


def _latest_comments(db: Session, ids: list[int]) -> dict[int, str]:
    """The latest non-empty review comment of each report (审核意见)."""
    out: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        stmt = (select(StatusChange.report_id, StatusChange.comment)
                .where(StatusChange.report_id.in_(ids[start:start + 900]), StatusChange.comment != "")
                .order_by(StatusChange.id))
        for rid, comment in db.execute(stmt):
            out[rid] = comment
    return out
