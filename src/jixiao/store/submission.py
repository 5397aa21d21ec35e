"""What counts as a unit's submission: the filing state of a report (``store.filing`` checked against
the unit it is filed under and its task, kept on the report with its ``filing-mismatch`` findings) and
duplicate uploads (the same content, SHA-256, as a report the uploader already sees).

A report is counted as its unit's submission for its task and year (task progress, comparison) unless
its content names another unit, place or year and no reviewer confirmed it (``filing_state``
``mismatch``), or it repeats an earlier upload (``duplicate_of``).
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, load_only

from jixiao.store import access, filing
from jixiao.store.models import Report, Task, TaskUnit, Unit, User
from jixiao.store.values import FILING_FIELD, Effective


def counted_clause():
    """SQL condition on ``Report``: counted as its unit's submission for its task and year, i.e. not
    an unconfirmed 归属不符 (``filing_state`` ``mismatch``) and not a duplicate upload."""
    return and_(or_(Report.filing_state.is_(None), Report.filing_state != "mismatch"),
                Report.duplicate_of.is_(None))


def find_duplicate(db: Session, actor: User, digest: str) -> Report | None:
    """The first stored report with this content (SHA-256) among those ``actor`` sees (a unit user:
    its own unit's), or None. An upload repeating it is kept (nothing sent is lost), marked
    ``duplicate_of``, and never counted as a second submission."""
    return db.scalar(select(Report).options(load_only(Report.id, Report.filename))
                     .where(Report.file_sha256 == digest, Report.duplicate_of.is_(None),
                            access.visible_clause(actor))
                     .order_by(Report.id).limit(1))


def upload_notes(filing_state: str | None, check: dict | None, duplicate_of: int | None,
                 duplicate_name: str | None) -> dict:
    """What the uploader is told about a file's filing by content and a duplicate: ``warning``
    (归属不符: not counted until confirmed), ``note`` (未能核对), ``duplicate`` + ``duplicate_url``."""
    check = check or {}
    out: dict = {"filing_state": filing_state}
    if filing_state == "mismatch":
        out["warning"] = ("；".join(i["message"] for i in check.get("issues") or [])
                          + "。审核人员确认归属或单位更正之前，不计入本单位的报送")
    elif filing_state == "unchecked":
        out["note"] = "；".join(check.get("unchecked") or [])
    if duplicate_of:
        out["duplicate"] = f"与已上传的报告《{duplicate_name or duplicate_of}》内容相同，已作为重复上传保存，不重复计入"
        out["duplicate_url"] = f"/reports/{duplicate_of}"
    return out


def filename_of(db: Session, report_id: int | None) -> str | None:
    """The file name of a report (the original of a duplicate), or None."""
    if report_id is None:
        return None
    return db.scalar(select(Report.filename).where(Report.id == report_id))


def refresh_filing(db: Session, report: Report, eff: Effective, uploader: User | None) -> list:
    """Check the report's filing by content (:func:`filing.check_filing`) against the unit it is filed
    under (its uploader's unit; a reviewer's upload is filed under the unit it names, so only the task
    is checked) and its task; keep the outcome on the report and its ``filing-mismatch`` findings
    among the others. A reviewer's confirmation (a change log entry of field ``filing``) turns a
    mismatch into ``confirmed``. Returns the report's findings."""
    findings = [f for f in report.findings or [] if f.get("rule") != filing.RULE]
    if report.analysis != "done":
        report.filing_state, report.filing = None, None
        return findings
    unit = db.get(Unit, report.unit_id) if uploader is not None and uploader.role == "unit" and report.unit_id \
        else None
    task = db.get(Task, report.task_id) if report.task_id else None
    members = list(db.scalars(select(Unit).join(TaskUnit, TaskUnit.unit_id == Unit.id)
                              .where(TaskUnit.task_id == task.id))) if task is not None else []
    check = filing.check_filing(eff.data.get("facts") or {}, unit, task, task_units=members)
    confirmation = next((c for c in reversed(list(report.corrections) if report.id else [])
                         if c.field == FILING_FIELD), None)
    confirmed_by = None
    if confirmation is not None and check.state == "mismatch":
        confirmed_by = (confirmation.user.display_name or confirmation.user.username) if confirmation.user else "审核人员"
    report.filing_state = "confirmed" if confirmed_by is not None else check.state
    report.filing = check.to_json()
    findings += filing.findings(check, eff.data.get("fact_evidence") or {}, confirmed_by=confirmed_by)
    report.findings = findings
    return findings
