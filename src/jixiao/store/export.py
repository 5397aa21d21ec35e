"""The report list as an XLSX workbook: one row per report, the effective facts as columns."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import select
from sqlalchemy.orm import Session

from jixiao.model import FACT_KEYS, FACT_LABELS
from jixiao.store.clock import iso
from jixiao.store.models import ANALYSIS, STATUSES, ReportValue, User
from jixiao.store.reports import LIST_COLUMNS, ReportQuery, filtered, ordered
from jixiao.store.values import number_cell


def export_xlsx(db: Session, actor: User, query: ReportQuery | None = None) -> bytes:
    """The current list (filters and sort, every page) as an XLSX workbook: one row per report, the
    effective facts (corrections applied) as columns. Cells are written as values, never formulas."""
    q = query or ReportQuery()
    rows = db.execute(filtered(actor, q, select(*LIST_COLUMNS)).order_by(*ordered(q))).all()
    values: dict[int, dict[str, Any]] = {}
    ids = [r.id for r in rows]
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        stmt = select(ReportValue.report_id, ReportValue.key, ReportValue.num, ReportValue.text).where(
            ReportValue.report_id.in_(chunk), ReportValue.key.startswith("facts."))
        for rid, key, num, text in db.execute(stmt):
            values.setdefault(rid, {})[key[len("facts."):]] = number_cell(num) if num is not None else text
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报告列表")
    fixed = ["编号", "文件名", "单位", "年度", "省", "市", "区县", "审核状态", "分析", "错误", "警告", "上传时间"]
    ws.append(fixed + [FACT_LABELS[k] for k in FACT_KEYS])

    def cell(v):
        c = WriteOnlyCell(ws, value=v)
        if isinstance(v, str):
            c.data_type = "s"  # untrusted text starting with "=" stays text, not a formula
        return c

    for r in rows:
        facts = values.get(r.id, {})
        line = [r.id, r.filename, r.unit_name, r.fiscal_year, r.province, r.city, r.county,
                STATUSES.get(r.status, r.status), ANALYSIS.get(r.analysis, r.analysis), r.error_count,
                r.warning_count, iso(r.created_at)]
        ws.append([cell(v) for v in line + [facts.get(k) for k in FACT_KEYS]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
