"""Reports: reading, the filtered and sorted list, corrections of extracted values, and the summary rows
(uploads and their analysis: :mod:`jixiao.store.uploads`).

Each analysis or correction rewrites the report's summary rows (``refresh_summary``: finding counts,
effective values) used by the list, the home page and the export.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from jixiao.ingest.pdf import render_page
from jixiao.model import REPORT_KINDS
from jixiao.store import access, filing
from jixiao.store.clock import iso
from jixiao.store.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from jixiao.store.models import (
    ANALYSIS,
    MAX_ID,
    STATUSES,
    TRANSITIONS,
    Correction,
    FindingCount,
    Report,
    ReportValue,
    StatusChange,
    Task,
    TaskUnit,
    Unit,
    User,
    utcnow,
)
from jixiao.store.pairs import count_findings, refresh_cross_documents
from jixiao.store.submission import filename_of, refresh_filing
from jixiao.store.units import get_or_create_unit, locate_unit
from jixiao.store.values import (
    apply_corrections,
    field_label,
    get_value,
    parse_value,
    summary_values,
    value_rows,
)

MAX_REASON = 2000  # characters of a correction reason or a review comment


def check_text_length(text: str, what: str, limit: int = MAX_REASON) -> str:
    """``text`` unchanged, or InvalidInput naming ``what`` and the limit (text is never cut silently)."""
    if len(text) > limit:
        raise InvalidInput(f"{what}过长：最多 {limit} 个字符（现有 {len(text)} 个），请精简后再提交")
    return text


@contextmanager
def committed(db: Session):
    """Commit what the block changed; a concurrent edit of the same report (optimistic locking on
    ``Report.version``) rolls back and becomes a ConflictError (HTTP 409)."""
    try:
        yield
        db.commit()
    except StaleDataError:
        db.rollback()
        raise ConflictError() from None


def refresh_summary(db: Session, report: Report) -> None:
    """Recompute the denormalised columns and the summary tables from extraction + corrections."""
    eff = apply_corrections(report.extracted, list(report.corrections) if report.id else [])
    facts = eff.data.get("facts") or {}
    year = facts.get("fiscal_year")
    report.fiscal_year = int(year) if isinstance(year, (int, float)) and 1990 <= year <= 2200 else None
    unit = db.get(Unit, report.unit_id) if report.unit_id else None
    uploader = db.get(User, report.uploaded_by) if report.uploaded_by else None
    if (uploader is None or uploader.role != "unit") and facts.get("unit_name"):
        unit = get_or_create_unit(db, str(facts["unit_name"]), facts.get("province"), facts.get("city"),
                                  facts.get("county"), commit=False)
        if uploader is not None and not access.unit_in_scope(uploader, unit):
            unit = None  # a regional reviewer's upload of another region's report is not filed under that unit
        report.unit_id = unit.id if unit else None
    report.unit_name = unit.name if unit else (str(facts.get("unit_name"))[:200] if facts.get("unit_name") else None)
    for col in ("province", "city", "county"):
        value = (getattr(unit, col) if unit else None) or facts.get(col)
        setattr(report, col, str(value)[:50] if value else None)
    report.updated_at = utcnow()
    if report.task_id is None and report.unit_id and report.fiscal_year:
        report.task_id = db.scalar(select(Task.id).join(TaskUnit).where(
            TaskUnit.unit_id == report.unit_id, Task.year == report.fiscal_year).order_by(Task.id.desc()).limit(1))
    findings = refresh_filing(db, report, eff, uploader)
    db.flush()
    findings = report.findings = refresh_cross_documents(db, report, eff.data, findings)
    count_findings(db, report, findings)
    db.execute(delete(ReportValue).where(ReportValue.report_id == report.id))
    db.add_all(ReportValue(report_id=report.id, **row) for row in summary_values(eff.data))


# --- reading ---------------------------------------------------------------------------------------

def get_report(db: Session, actor: User, report_id: int, *, options: list | None = None) -> Report:
    """The report, if ``actor`` may see it; else ``NotFound`` (also when it does not exist)."""
    if not isinstance(report_id, int) or not 1 <= report_id <= MAX_ID:
        raise NotFound()
    report = db.get(Report, report_id, options=options or [])
    if report is None or not access.can_view(actor, report):
        raise NotFound()
    return report


def original_file(db: Session, actor: User, report_id: int) -> tuple[str, bytes]:
    """``(filename, bytes)`` of the file as uploaded."""
    report = get_report(db, actor, report_id)
    return report.filename, report.original


def page_image(db: Session, actor: User, report_id: int, page: int, box: list[float] | None = None) -> bytes:
    """Page ``page`` of a PDF report (or of a scanned image) as a PNG, ``box`` (fractions of the page, an OCR'd
    line) outlined: the reader's view of where a finding is."""
    report = get_report(db, actor, report_id)
    paged = report.file_format in ("pdf", "image") and report.original
    image = render_page(report.original, page, box=box) if paged else None
    if image is None:
        raise NotFound("该报告没有这一页")
    return image


def report_detail(db: Session, actor: User, report_id: int, *, include_text: bool = True) -> dict[str, Any]:
    """Everything about one report, JSON-ready: identity and state, the effective ``facts``,
    ``metrics``, ``project_items`` (corrections applied), ``projects`` (the 自评表 as read), ``fact_evidence``, ``sections``, ``findings``,
    ``score``, ``values`` (every correctable value with path, label, extracted and effective value,
    evidence), ``corrections`` (the change log, with ``applied``), ``status_changes``, ``transitions``
    (statuses ``actor`` may move it to), ``can_correct`` and, with ``include_text``, the ``text``."""
    report = get_report(db, actor, report_id, options=[
        selectinload(Report.corrections).selectinload(Correction.user),
        selectinload(Report.status_changes).selectinload(StatusChange.user)])
    eff = apply_corrections(report.extracted, report.corrections)
    orphan_ids = {c.id for c in eff.orphans}
    data = eff.data
    out = {
        **report_row(report).to_dict(),
        "file_format": report.file_format, "file_sha256": report.file_sha256, "file_size": report.file_size,
        "analysed_at": iso(report.analysed_at), "analysed_with": report.analysed_with,
        "facts": data.get("facts") or {}, "fact_evidence": data.get("fact_evidence") or {},
        "metrics": data.get("metrics") or [], "project_items": data.get("project_items") or [],
        "projects": data.get("projects") or [],
        "sections": data.get("sections") or [], "findings": report.findings or [], "score": report.score,
        "values": value_rows(report.extracted, eff),
        "corrections": [{"id": c.id, "field": c.field, "label": field_label(c.field), "old_value": c.old_value,
                         "new_value": c.new_value, "reason": c.reason, "user": _user_name(c.user),
                         "at": iso(c.at), "applied": c.id not in orphan_ids} for c in report.corrections],
        "status_changes": [{"id": s.id, "from_status": s.from_status, "to_status": s.to_status,
                            "from_label": STATUSES.get(s.from_status, s.from_status),
                            "to_label": STATUSES.get(s.to_status, s.to_status), "comment": s.comment,
                            "user": _user_name(s.user), "at": iso(s.at)} for s in report.status_changes],
        "transitions": [] if access.status_refusal(actor, report) else [
            t for t in TRANSITIONS.get(report.status, ()) if t != "approved" or not access.approval_refusal(report)],
        "can_reanalyse": (report.analysis not in ("queued", "running")
                          and access.reanalysis_refusal(actor, report) is None),
        "can_correct": access.correction_refusal(actor, report) is None,
        "filing": report.filing or {}, "duplicate_of": report.duplicate_of,
        "duplicate_name": filename_of(db, report.duplicate_of),
        "can_confirm_filing": report.filing_state == "mismatch" and access.status_refusal(actor, report) is None,
        "can_resubmit": actor.role == "unit" and access.resubmit_refusal(actor, report) is None,
        "can_withdraw": access.withdrawal_refusal(actor, report) is None,
    }
    out["unit_year"] = unit_year_reports(db, actor, report)
    if include_text:
        out["text"] = report.text or ""
    return out


def unit_year_reports(db: Session, actor: User, report: Report, limit: int = 50) -> list[dict[str, Any]]:
    """The other reports of the same unit and fiscal year that ``actor`` sees (the 部门整体 report and the
    project forms of one unit-year): id, file name, kind and its label, status, newest first."""
    if report.fiscal_year is None or (report.unit_id is None and not report.unit_name):
        return []
    same_unit = Report.unit_id == report.unit_id if report.unit_id is not None else Report.unit_name == report.unit_name
    kind = (select(ReportValue.text).where(ReportValue.report_id == Report.id, ReportValue.key == "facts.report_kind")
            .correlate(Report).scalar_subquery())
    rows = db.execute(select(Report.id, Report.filename, Report.status, kind.label("kind"))
                      .where(access.visible_clause(actor), same_unit, Report.fiscal_year == report.fiscal_year,
                             Report.id != report.id)
                      .order_by(Report.created_at.desc(), Report.id.desc()).limit(limit)).all()
    return [{"id": r.id, "filename": r.filename, "status": r.status, "status_label": STATUSES.get(r.status, r.status),
             "kind": r.kind, "kind_label": REPORT_KINDS.get(r.kind or "", "未识别类型")} for r in rows]


def _user_name(user: User | None) -> str:
    return (user.display_name or user.username) if user is not None else ""


# --- listing ---------------------------------------------------------------------------------------

SORTS = {"date": Report.created_at, "unit": Report.unit_name, "year": Report.fiscal_year,
         "errors": Report.error_count, "status": Report.status, "id": Report.id}
SEVERITIES = {"error": "有错误", "warning": "有警告", "clean": "无错误和警告"}
LIST_COLUMNS = (Report.id, Report.filename, Report.task_id, Report.unit_id, Report.unit_name, Report.province,
                 Report.city, Report.county, Report.fiscal_year, Report.status, Report.analysis,
                 Report.analysis_error, Report.error_count, Report.warning_count, Report.uploaded_by,
                 Report.created_at, Report.updated_at, Report.version, Report.filing_state,
                 Report.duplicate_of)


@dataclass
class ReportQuery:
    """Filters, sort and page of the report list. ``unit``: a unit id (int) or part of a unit name;
    ``region``: a province, city or county; ``severity``: ``error`` | ``warning`` | ``clean``;
    ``kind``: the report kind (``self_evaluation``, ``project_self_evaluation`` …, model.REPORT_KINDS);
    ``sort``: ``date`` | ``unit`` | ``year`` | ``errors`` | ``status``, prefixed with ``-`` for
    descending (default ``-date``, newest first)."""

    year: int | None = None
    region: str | None = None
    unit: int | str | None = None
    status: str | None = None
    severity: str | None = None
    analysis: str | None = None
    task_id: int | None = None
    rule: str | None = None
    kind: str | None = None
    q: str | None = None
    sort: str = "-date"
    page: int = 1
    per_page: int = 50


@dataclass
class ReportRow:
    """One line of the report list (no document text, no extracted JSON)."""

    id: int
    filename: str
    task_id: int | None
    unit_id: int | None
    unit_name: str | None
    province: str | None
    city: str | None
    county: str | None
    fiscal_year: int | None
    status: str
    analysis: str
    analysis_error: str | None
    error_count: int
    warning_count: int
    uploaded_by: int | None
    created_at: str | None
    updated_at: str | None
    version: int
    status_label: str = ""
    analysis_label: str = ""
    filing_state: str | None = None  # store.filing: ok | unchecked | mismatch | confirmed
    filing_label: str = ""
    duplicate_of: int | None = None  # the earlier report with the same content

    def to_dict(self) -> dict:
        """As a JSON-ready dict."""
        return asdict(self)


@dataclass
class Page:
    """A page of the report list."""

    items: list[ReportRow]
    total: int
    page: int
    per_page: int
    pages: int = field(default=0)

    def to_dict(self) -> dict:
        """As a JSON-ready dict."""
        return {"items": [r.to_dict() for r in self.items], "total": self.total, "page": self.page,
                "per_page": self.per_page, "pages": self.pages}


def report_row(r) -> ReportRow:
    """A list row from a Report (or a row of ``LIST_COLUMNS``)."""
    return ReportRow(id=r.id, filename=r.filename, task_id=r.task_id, unit_id=r.unit_id, unit_name=r.unit_name,
                     province=r.province, city=r.city, county=r.county, fiscal_year=r.fiscal_year,
                     status=r.status, analysis=r.analysis, analysis_error=r.analysis_error,
                     error_count=r.error_count, warning_count=r.warning_count, uploaded_by=r.uploaded_by,
                     created_at=iso(r.created_at), updated_at=iso(r.updated_at), version=r.version,
                     status_label=STATUSES.get(r.status, r.status),
                     analysis_label=ANALYSIS.get(r.analysis, r.analysis), filing_state=r.filing_state,
                     filing_label=filing.STATES.get(r.filing_state or "", ""), duplicate_of=r.duplicate_of)


def _bounded(value: Any, what: str, limit: int = MAX_ID) -> int:
    """A filter value as an int from 0 to ``limit``, else InvalidInput naming ``what``."""
    try:
        n = int(str(value).strip()) if len(str(value)) <= 20 else None
    except ValueError:
        n = None
    if n is None or not 0 <= n <= limit:
        raise InvalidInput(f"{what}不正确：{str(value)[:30]}")
    return n


def filtered(actor: User, q: ReportQuery, stmt: Select) -> Select:
    """``stmt`` limited to the reports ``actor`` sees that match ``q``'s filters."""
    stmt = stmt.where(access.visible_clause(actor))
    if q.year:
        stmt = stmt.where(Report.fiscal_year == _bounded(q.year, "年度", 9999))
    if q.region:
        stmt = stmt.where(or_(Report.province == q.region, Report.city == q.region, Report.county == q.region))
    if q.unit not in (None, ""):
        if isinstance(q.unit, int) or (str(q.unit).isascii() and str(q.unit).isdigit()):
            stmt = stmt.where(Report.unit_id == _bounded(q.unit, "单位编号"))
        else:
            stmt = stmt.where(Report.unit_name.contains(str(q.unit), autoescape=True))
    if q.status:
        if q.status not in STATUSES:
            raise InvalidInput(f"未知的状态：{q.status}")
        stmt = stmt.where(Report.status == q.status)
    if q.analysis:
        if q.analysis not in ANALYSIS:
            raise InvalidInput(f"未知的分析状态：{q.analysis}")
        stmt = stmt.where(Report.analysis == q.analysis)
    if q.severity:
        cond = {"error": Report.error_count > 0, "warning": Report.warning_count > 0,
                "clean": and_(Report.error_count == 0, Report.warning_count == 0)}.get(q.severity)
        if cond is None:
            raise InvalidInput(f"未知的严重程度：{q.severity}（可选：error、warning、clean）")
        stmt = stmt.where(cond)
    if q.task_id:
        stmt = stmt.where(Report.task_id == _bounded(q.task_id, "任务编号"))
    if q.rule:
        stmt = stmt.where(Report.id.in_(select(FindingCount.report_id).where(FindingCount.rule == q.rule)))
    if q.kind:
        if q.kind not in REPORT_KINDS:
            raise InvalidInput(f"未知的报告类型：{q.kind}（可选：{'、'.join(REPORT_KINDS)}）")
        stmt = stmt.where(Report.id.in_(select(ReportValue.report_id).where(
            ReportValue.key == "facts.report_kind", ReportValue.text == q.kind)))
    if q.q:
        text = str(q.q)
        stmt = stmt.where(or_(Report.filename.contains(text, autoescape=True),
                              Report.unit_name.contains(text, autoescape=True)))
    return stmt


def ordered(q: ReportQuery) -> list:
    """The ORDER BY of ``q.sort`` (newest first by default; ties broken by id)."""
    key = q.sort or "-date"
    desc = key.startswith("-")
    col = SORTS.get(key.lstrip("-"))
    if col is None:
        raise InvalidInput(f"未知的排序方式：{q.sort}（可选：{'、'.join(SORTS)}，前加 - 为降序）")
    primary = col.desc().nulls_last() if desc else col.asc().nulls_last()
    return [primary, Report.id.desc() if desc else Report.id.asc()]


def list_reports(db: Session, actor: User, query: ReportQuery | None = None) -> Page:
    """A page of the reports ``actor`` may see, filtered and sorted (two small SQL queries that never
    read the file, the text or the extracted JSON)."""
    q = query or ReportQuery()
    per_page = max(1, min(int(q.per_page or 50), 500))
    total = db.scalar(filtered(actor, q, select(func.count()).select_from(Report))) or 0
    page = max(1, min(int(q.page or 1), math.ceil(total / per_page) or 1))  # past the end: the last page
    stmt = filtered(actor, q, select(*LIST_COLUMNS)).order_by(*ordered(q))
    rows = db.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=[report_row(r) for r in rows], total=total, page=page, per_page=per_page,
                pages=max(1, math.ceil(total / per_page)))

# --- filters ---------------------------------------------------------------------------------------

@dataclass
class FilterChoices:
    """The years and regions (cities, then counties, in order of first appearance) present in the
    reports a user sees, for the filters of the report list and the comparison."""

    years: list[int]
    regions: list[str]


def filter_choices(db: Session, actor: User) -> FilterChoices:
    """What the list filters can offer ``actor`` (one small grouped query each)."""
    vis = access.visible_clause(actor)
    years = [y for (y,) in db.execute(select(Report.fiscal_year).where(vis, Report.fiscal_year.is_not(None))
                                      .group_by(Report.fiscal_year).order_by(Report.fiscal_year.desc()))]
    regions: list[str] = []
    for col in (Report.city, Report.county):
        for (g,) in db.execute(select(col).where(vis, col.is_not(None)).group_by(col).order_by(func.min(Report.id))):
            if g and g not in regions:
                regions.append(g)
    return FilterChoices(years, regions)


# --- editing ---------------------------------------------------------------------------------------

def _place_after(db: Session, report: Report, field: str, value: Any) -> tuple[str | None, ...]:
    """(province, city, county) of ``report`` once ``field`` (an identity field) is set to ``value``."""
    place = {"province": report.province, "city": report.city, "county": report.county}
    name = field.split(".", 1)[1]
    if name in place:
        place[name] = str(value) if value else None
    elif value:  # the unit name: the stored unit's region, else the gazetteer's
        unit = db.scalar(select(Unit).where(Unit.name == str(value).strip()))
        where = ({"province": unit.province, "city": unit.city, "county": unit.county} if unit
                 else locate_unit(str(value)))
        place = {k: where.get(k) for k in place}
    return place["province"], place["city"], place["county"]


def check_version(report: Report, version: int | None) -> None:
    """Refuse an edit based on another version of the report than the current one (409)."""
    if version is None:
        raise InvalidInput("缺少报告版本号（version）")
    if int(version) != report.version:
        raise ConflictError()


def correct_value(db: Session, actor: User, report_id: int, *, field: str, value: Any, reason: str,
                  version: int | None) -> Correction:
    """Append a correction (who, when, field, old, new, reason) based on report ``version``.
    Raises ``ConflictError`` when the report changed since; the report's version is bumped."""
    report = get_report(db, actor, report_id, options=[selectinload(Report.corrections)])
    refusal = access.correction_refusal(actor, report) or access.field_refusal(actor, field)
    if refusal:
        raise PermissionDenied(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写更正原因")
    check_text_length(reason, "更正原因")
    new_value = parse_value(field, value)
    if field in access.IDENTITY_FIELDS and not access.region_in_scope(actor, *_place_after(db, report, field, new_value)):
        raise PermissionDenied("更正后报告将移出您的审核地区，请由该地区的审核人员更正")
    eff = apply_corrections(report.extracted, report.corrections)
    exists, old_value = get_value(eff.data, field)
    if not exists:
        raise InvalidInput(f"报告中没有这个字段：{field}")
    check_version(report, version)
    if new_value == old_value:
        raise InvalidInput("新值与当前值相同，无需更正")
    correction = Correction(report_id=report.id, user_id=actor.id, field=field, old_value=old_value,
                            new_value=new_value, reason=reason)
    with committed(db):
        report.corrections.append(correction)
        db.flush()  # the new correction gets its id, so it is the latest when re-applied
        refresh_summary(db, report)
    return correction
