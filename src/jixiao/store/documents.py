"""The documents of a stored report (``jixiao.render``): its 审核意见书 and evidence report as the workspace
knows it — corrections applied, the findings and score card of its last analysis, the review's status and
comments."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jixiao.model import Report as ReportModel
from jixiao.render import KINDS, RenderInput, ReviewNote, default_name, render
from jixiao.render.summary import render_summary, summary_row
from jixiao.score import ScoreCard, score_forms
from jixiao.store import access
from jixiao.store.errors import InvalidInput, PermissionDenied
from jixiao.store.models import Correction, Report, StatusChange, User
from jixiao.store.reports import get_report
from jixiao.store.values import Effective, apply_corrections
from jixiao.store.workflow import task_progress

MEDIA_TYPES = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               ".html": "text/html; charset=utf-8",
               ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _as_analysed(report: Report) -> tuple[ReportModel, ScoreCard | None, Effective]:
    """A stored report as its last analysis gave it, corrections applied: the model, the score card, the corrections."""
    eff = apply_corrections(report.extracted, report.corrections)
    model = ReportModel.from_json({**eff.data, "source": report.filename, "findings": report.findings or []})
    return model, ScoreCard.model_validate(report.score) if report.score else None, eff


def render_input(db: Session, actor: User, report_id: int) -> RenderInput:
    """What a document of report ``report_id`` is made of, as ``actor`` may see it."""
    report = get_report(db, actor, report_id, options=[
        selectinload(Report.corrections).selectinload(Correction.user),
        selectinload(Report.status_changes).selectinload(StatusChange.user)])
    if report.extracted is None or report.analysis != "done":
        raise InvalidInput("该报告尚未分析完成，暂不能生成文书")
    model, card, eff = _as_analysed(report)
    changes = sorted(report.status_changes, key=lambda s: (s.at, s.id))
    reviewer = changes[-1].user if changes else None
    corrected = {path[len("facts."):]: model.fact_value(path[len("facts."):])
                 for path in eff.corrected if path.startswith("facts.")}
    return RenderInput(report=model, text=report.text or "", score=card, forms=score_forms(model), corrections=corrected,
                       review=ReviewNote(decision=report.status, comments=[s.comment for s in changes if s.comment],
                                         reviewer=(reviewer.display_name or reviewer.username) if reviewer else None),
                       source_name=report.filename)


def report_document(db: Session, actor: User, report_id: int, kind: str) -> tuple[str, bytes, str]:
    """The document ``kind`` (``memo``, ``html``, ``table``) of a report: (file name, content, media type)."""
    data = render_input(db, actor, report_id)  # first: a report the user may not see is not found, whatever the kind
    if kind not in KINDS:
        raise InvalidInput(f"不支持的文书类型：{kind}（可用：{'、'.join(KINDS)}）")
    name = default_name(data, kind)
    with tempfile.TemporaryDirectory(prefix="jixiao-doc-") as tmp:
        out = render(kind, data, Path(tmp) / f"document{KINDS[kind][1]}")
        return name, out.read_bytes(), MEDIA_TYPES[KINDS[kind][1]]


def task_summary(db: Session, actor: User, task_id: int, suffix: str = ".docx") -> tuple[str, bytes, str]:
    """The 汇总分析报告 of a task's analysed reports that ``actor`` sees (a reviewer's or an administrator's: a
    unit's user gets :class:`PermissionDenied`): (file name, content, media type); ``suffix`` .docx or .xlsx."""
    task = task_progress(db, actor, task_id)  # NotFound when the task is not the actor's to see
    if actor.role == "unit":
        raise PermissionDenied("汇总分析报告仅供审核人员和管理员使用")
    if suffix not in (".docx", ".xlsx"):
        raise InvalidInput(f"不支持的格式：{suffix}（可用：.docx、.xlsx）")
    reports = db.scalars(select(Report).where(Report.task_id == task_id, Report.analysis == "done",
                                              Report.duplicate_of.is_(None), access.visible_clause(actor))
                         .options(selectinload(Report.corrections)).order_by(Report.id)).all()
    rows = []
    for report in reports:
        model, card, _ = _as_analysed(report)
        rows.append(summary_row(model, card, report.filename, report.status))
    scope = task.title or f"{task.year}年度"
    with tempfile.TemporaryDirectory(prefix="jixiao-doc-") as tmp:
        docx_path = render_summary(rows, Path(tmp) / "summary.docx", scope=scope)
        out = docx_path if suffix == ".docx" else docx_path.with_suffix(".xlsx")
        return f"{scope}汇总分析报告{suffix}", out.read_bytes(), MEDIA_TYPES[suffix]
