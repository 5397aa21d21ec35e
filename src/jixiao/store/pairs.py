"""A unit-year's self-evaluation and its 部门决算 held against each other in the workspace.

When a report's analysis or corrections change, :func:`refresh_cross_documents` compares its figures with
those of every other analysed report of the same unit and year whose kind completes the pair (a
self-evaluation and a 部门决算, :mod:`jixiao.review.documents`), corrections applied on both sides. The
``cross-document-mismatch`` findings are kept on both reports, each with its own evidence, and replaced
whenever either side changes; the other report's counts are brought up to date.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jixiao.review import load_config
from jixiao.review.documents import RULE, cross_document_findings, pair_kind
from jixiao.store.models import FindingCount, Report
from jixiao.store.values import apply_corrections


def refresh_cross_documents(db: Session, report: Report, data: dict, findings: list) -> list:
    """``findings`` of ``report`` (effective JSON ``data``) with its cross-document findings renewed; the
    other reports of the pair get theirs renewed too. Returns the report's findings."""
    own = [f for f in findings if f.get("rule") != RULE]
    kind = pair_kind((data.get("facts") or {}).get("report_kind"))
    if report.analysis != "done" or kind is None or not report.fiscal_year or not (report.unit_id or report.unit_name):
        return own
    config = load_config()
    # the reports filed under the same unit; one filed under none (a reviewer's upload of another region) is
    # paired by the name it states
    same_unit = Report.unit_id == report.unit_id if report.unit_id else \
        (Report.unit_id.is_(None) & (Report.unit_name == report.unit_name))
    others = db.scalars(select(Report).where(
        same_unit, Report.fiscal_year == report.fiscal_year, Report.id != report.id,
        Report.analysis == "done", Report.duplicate_of.is_(None)))
    for other in others:
        other_data = apply_corrections(other.extracted, list(other.corrections)).data
        if pair_kind((other_data.get("facts") or {}).get("report_kind")) in (None, kind):
            continue
        own += [f.model_dump(mode="json") for f in cross_document_findings(data, other_data, other.filename, config)]
        kept = [f for f in other.findings or []
                if not (f.get("rule") == RULE and (f.get("values") or {}).get("other", {}).get("source") == report.filename)]
        kept += [f.model_dump(mode="json") for f in cross_document_findings(other_data, data, report.filename, config)]
        if kept != (other.findings or []):
            other.findings = kept
            count_findings(db, other, kept)
    return own


def count_findings(db: Session, report: Report, findings: list) -> None:
    """The report's error and warning counts and its per-rule counts (table ``finding_counts``) from ``findings``."""
    report.error_count = sum(1 for f in findings if f.get("severity") == "error")
    report.warning_count = sum(1 for f in findings if f.get("severity") == "warning")
    if report.id is None:
        return
    db.execute(delete(FindingCount).where(FindingCount.report_id == report.id))
    counts: dict[tuple[str, str], int] = {}
    for f in findings:
        key = (str(f.get("rule"))[:64], str(f.get("severity"))[:16])
        counts[key] = counts.get(key, 0) + 1
    db.add_all(FindingCount(report_id=report.id, rule=r, severity=s, count=n) for (r, s), n in counts.items())
