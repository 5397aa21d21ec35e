"""Where a reader finds a finding's evidence: the PDF page of each span, for a figure of a 部门决算 table its
table, row and column, and for text read by OCR the line's box on the page image and its confidence
(``Finding.locations``, one entry per evidence span)."""

from __future__ import annotations

from typing import Any

from jixiao.extract.accounts import column_name
from jixiao.model import Finding
from jixiao.review.input import ReviewInput


def locate(findings: list[Finding], ri: ReviewInput) -> list[Finding]:
    """Fill ``locations`` of each finding (in place) from the report's pages and the 决算 tables."""
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    for table in ri.accounts:
        for row in table.rows:
            for column, fig in row.values.items():
                if fig.span is not None:
                    cells[(fig.span.start, fig.span.end)] = {
                        "table": table.name, "row": row.label or row.code or "", "column": column_name(column)}
    report = ri.report
    if not report.page_starts and not cells and not report.ocr_lines:
        return findings
    for f in findings:
        out = []
        for ev in f.evidence:
            where: dict[str, Any] = {}
            page = report.page_of(ev.start)
            if page is not None:
                where["page"] = page
            where.update(cells.get((ev.start, ev.end), {}))
            line = next((o for o in report.ocr_lines if o.start <= ev.start < o.end), None)
            if line is not None:  # read by OCR: where on the page image, and how sure
                where.update({"page": line.page or where.get("page"), "box": line.box,
                              "ocr_confidence": line.confidence})
            out.append(where)
        f.locations = out
    return findings
