"""Business operations of the review workspace, framework-free: the web pages, the JSON API and the
CLI all call these functions. Permission checks are inside (``jixiao.store.access``).

Conventions:

* the first argument is a SQLAlchemy ``Session``; the second, where there is one, the acting ``User``;
* every operation that changes something commits before it returns (one operation = one transaction;
  an upload is two: store, then analyse);
* errors are :mod:`jixiao.store.errors` exceptions with Chinese messages: ``NotFound`` (also for a
  report the user may not see, so ids do not leak), ``PermissionDenied``, ``ConflictError``
  (optimistic locking), ``InvalidInput`` / ``UploadRejected``.

Users and tokens: ``create_user``, ``set_password``, ``authenticate``, ``get_user``, ``list_users``,
``create_api_token``, ``user_for_token``, ``list_api_tokens``, ``revoke_api_token``.
Units: ``get_or_create_unit``, ``list_units``.
Reports: ``upload_files`` (``store_upload`` + ``analyse_report``), ``reanalyse``, ``recover_interrupted``,
``list_reports`` (``ReportQuery`` → ``Page`` of ``ReportRow``), ``get_report``, ``report_detail``,
``original_file``, ``correct_value``, ``change_status``, ``export_xlsx``, ``dashboard``, ``compare``,
``compare_keys``. Tasks (re-exported from ``jixiao.store.tasks``): ``open_task``, ``list_tasks``,
``task_progress``.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select
from sqlalchemy.orm import Session, load_only, selectinload
from sqlalchemy.orm.exc import StaleDataError

from jixiao import __version__
from jixiao.auth import DUMMY_HASH, hash_password, needs_rehash, new_api_token, token_digest, verify_password
from jixiao.store import access
from jixiao.store.analysis import analyse_upload, check_upload, safe_filename
from jixiao.store.clock import aware as _aware
from jixiao.store.clock import iso as _iso
from jixiao.store.errors import (
    ConflictError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceError,
    UploadRejected,
)
from jixiao.store.models import (
    ANALYSIS,
    ROLES,
    STATUSES,
    ApiToken,
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
from jixiao.store.tasks import UNIT_STATES, list_tasks, open_task, task_progress  # noqa: F401 (re-export)
from jixiao.store.values import (
    apply_corrections,
    field_label,
    get_value,
    parse_value,
    summary_values,
    value_rows,
)

__all__ = [
    "ANALYSIS", "ROLES", "STATUSES", "TRANSITIONS", "UNIT_STATES", "ConflictError", "InvalidInput", "NotFound",
    "Page", "PermissionDenied", "ReportQuery", "ReportRow", "ServiceError", "UploadRejected", "UploadResult",
    "authenticate", "change_status", "compare", "compare_keys", "correct_value", "create_api_token",
    "create_user", "dashboard", "export_xlsx", "get_or_create_unit", "get_report", "get_user",
    "list_api_tokens", "list_reports", "list_tasks", "list_units", "list_users", "open_task",
    "original_file", "reanalyse", "recover_interrupted", "report_detail", "report_row", "revoke_api_token",
    "set_password", "task_progress", "upload_files", "user_for_token",
]

INTERRUPTED = "上传中断，未完成，请重新分析"
# allowed status changes (from, to); a return needs a comment
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("in_review", "returned", "approved"),
    "in_review": ("returned", "approved", "pending"),
    "returned": ("pending", "in_review"),
    "approved": ("in_review",),
}
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
MIN_PASSWORD = 8


# --- users -----------------------------------------------------------------------------------------

def create_user(db: Session, *, username: str, password: str, role: str, unit: str | None = None,
                region: str | None = None, display_name: str = "") -> User:
    """Create an account. ``unit`` (a unit name, created if new) is required for role ``unit``;
    ``region`` limits a reviewer to one province/city/county."""
    if role not in ROLES:
        raise InvalidInput(f"未知的角色：{role}（可选：admin、reviewer、unit）")
    if not _USERNAME.match(username or ""):
        raise InvalidInput("用户名应为 2–64 位字母、数字或 _ . @ -")
    _check_password(password)
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidInput(f"用户名“{username}”已存在")
    unit_obj = None
    if role == "unit":
        if not unit:
            raise InvalidInput("单位填报人必须指定所属单位")
        unit_obj = get_or_create_unit(db, unit, commit=False)
    user = User(username=username, password_hash=hash_password(password), role=role,
                unit_id=unit_obj.id if unit_obj else None, region=(region or None) if role != "unit" else None,
                display_name=display_name or username, active=True)
    db.add(user)
    db.commit()
    return user


def _check_password(password: str) -> None:
    if not password or len(password) < MIN_PASSWORD:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD} 位")


def set_password(db: Session, username: str, password: str) -> User:
    """Set a new password (ends the user's other sessions, see ``web.security``)."""
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户“{username}”不存在")
    _check_password(password)
    user.password_hash = hash_password(password)
    db.commit()
    return user


def authenticate(db: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, else None (the same answer for a wrong name
    and a wrong password). Upgrades an outdated hash."""
    user = db.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.active:
        verify_password(DUMMY_HASH, password or "")
        return None
    if not verify_password(user.password_hash, password or ""):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.commit()
    return user


def get_user(db: Session, user_id: int | None) -> User | None:
    """The active user with this id (with its unit loaded), or None."""
    if user_id is None:
        return None
    user = db.get(User, user_id, options=[selectinload(User.unit)])
    return user if user is not None and user.active else None


def list_users(db: Session, actor: User) -> list[User]:
    """Every account (admin only)."""
    if actor.role != "admin":
        raise PermissionDenied("只有管理员可以管理用户")
    return list(db.scalars(select(User).options(selectinload(User.unit)).order_by(User.id)))


# --- API tokens ------------------------------------------------------------------------------------

def create_api_token(db: Session, user: User, name: str = "") -> str:
    """Create an API token for ``user``; returns the token itself (shown once, only its sha256 is kept)."""
    token = new_api_token()
    db.add(ApiToken(user_id=user.id, name=(name or "")[:100], token_hash=token_digest(token)))
    db.commit()
    return token


def user_for_token(db: Session, token: str | None) -> User | None:
    """The active user owning a valid, non-revoked token, else None."""
    if not token:
        return None
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token), ApiToken.revoked.is_(False)))
    if row is None:
        return None
    user = get_user(db, row.user_id)
    if user is not None:
        now = utcnow()
        last = _aware(row.last_used_at)
        if last is None or now - last > timedelta(minutes=5):  # throttled: no write per request
            row.last_used_at = now
            db.commit()
    return user


def list_api_tokens(db: Session, user: User) -> list[ApiToken]:
    return list(db.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def revoke_api_token(db: Session, user: User, token_id: int) -> None:
    row = db.get(ApiToken, token_id)
    if row is None or (row.user_id != user.id and user.role != "admin"):
        raise NotFound("令牌不存在")
    row.revoked = True
    db.commit()


# --- units -----------------------------------------------------------------------------------------

def get_or_create_unit(db: Session, name: str, province: str | None = None, city: str | None = None,
                       county: str | None = None, *, commit: bool = True) -> Unit:
    """The unit of this name, created when new; empty region fields are filled in, never overwritten.
    Region fields not given are looked up from the name in the gazetteer (长沙市天心区司法局 → 湖南省 …)."""
    name = (name or "").strip()[:200]
    if not name:
        raise InvalidInput("单位名称不能为空")
    if not (province or city or county):
        from jixiao.extract.gazetteer import locate

        where = locate(name)
        province, city, county = where.get("province"), where.get("city"), where.get("county")
    unit = db.scalar(select(Unit).where(Unit.name == name))
    if unit is None:
        unit = Unit(name=name, province=province, city=city, county=county)
        db.add(unit)
    else:
        unit.province = unit.province or province
        unit.city = unit.city or city
        unit.county = unit.county or county
    db.flush()
    if commit:
        db.commit()
    return unit


def list_units(db: Session, actor: User) -> list[Unit]:
    """The units ``actor`` works with (all, its region's, or its own)."""
    return list(db.scalars(select(Unit).where(access.unit_clause(actor)).order_by(Unit.name)))


# --- upload and analysis ---------------------------------------------------------------------------

@dataclass
class UploadResult:
    """The outcome for one uploaded file. ``stored`` is False when the file was refused before
    storing (``error`` says why); ``analysis`` is ``done`` or ``failed`` (with ``error``)."""

    filename: str
    stored: bool
    report_id: int | None = None
    analysis: str | None = None
    error: str | None = None
    unit_name: str | None = None
    fiscal_year: int | None = None
    error_count: int = 0
    warning_count: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def store_upload(db: Session, actor: User, filename: str, data: bytes, *, task_id: int | None = None) -> Report:
    """Check and store one file as a ``queued`` report (committed before any analysis, so a crash
    leaves a row that ``recover_interrupted`` marks as not done)."""
    filename = safe_filename(filename)
    if actor.role == "unit" and actor.unit_id is None:
        raise PermissionDenied("账号未关联单位，不能上传")
    check_upload(filename, data)
    if task_id is not None:
        _task_for_upload(db, actor, task_id)
    report = Report(filename=filename, file_sha256=hashlib.sha256(data).hexdigest(), file_size=len(data),
                    original=data, analysis="queued", status="pending", uploaded_by=actor.id, task_id=task_id)
    if actor.role == "unit":
        unit = db.get(Unit, actor.unit_id)
        report.unit_id, report.unit_name = unit.id, unit.name
        report.province, report.city, report.county = unit.province, unit.city, unit.county
    db.add(report)
    db.commit()
    return report


def _task_for_upload(db: Session, actor: User, task_id: int) -> Task:
    task = db.get(Task, task_id)
    if task is None:
        raise NotFound("任务不存在")
    if actor.role == "unit":
        member = db.get(TaskUnit, (task_id, actor.unit_id))
        if member is None:
            raise NotFound("任务不存在")
    return task


@contextmanager
def _committed(db: Session):
    """Commit what the block changed; a concurrent edit of the same report (optimistic locking on
    ``Report.version``) rolls back and becomes a ConflictError (HTTP 409)."""
    try:
        yield
        db.commit()
    except StaleDataError:
        db.rollback()
        raise ConflictError() from None


def analyse_report(db: Session, report: Report) -> Report:
    """Analyse a stored report and store the results (``done``), or the Chinese reason (``failed``).
    Corrections are kept and re-applied; the report's version is bumped."""
    result = analyse_upload(report.filename, report.original)
    with _committed(db):
        report.analysed_at = utcnow()
        report.analysed_with = __version__
        if result.error:
            report.analysis, report.analysis_error = "failed", result.error
        else:
            report.analysis, report.analysis_error = "done", None
            report.file_format, report.text = result.file_format, result.text
            report.extracted, report.findings, report.score = result.extracted, result.findings, result.score
        _refresh_summary(db, report)
    return report


def upload_files(db: Session, actor: User, files: Iterable[tuple[str, bytes]], *,
                 task_id: int | None = None) -> list[UploadResult]:
    """Store and analyse several files, each independently: a refused or unreadable file gets its
    Chinese reason and the others go on."""
    results = []
    for name, data in files:
        name = safe_filename(name)
        try:
            report = store_upload(db, actor, name, data, task_id=task_id)
        except UploadRejected as err:
            results.append(UploadResult(filename=name, stored=False, error=err.message))
            continue
        analyse_report(db, report)
        results.append(UploadResult(
            filename=name, stored=True, report_id=report.id, analysis=report.analysis,
            error=report.analysis_error, unit_name=report.unit_name, fiscal_year=report.fiscal_year,
            error_count=report.error_count, warning_count=report.warning_count))
    return results


def reanalyse(db: Session, actor: User, report_id: int) -> Report:
    """Analyse the stored original again (a newer extractor, or after an interrupted upload);
    corrections survive."""
    report = get_report(db, actor, report_id)
    refusal = access.reanalysis_refusal(actor, report)
    if refusal:
        raise PermissionDenied(refusal)
    return analyse_report(db, report)


def recover_interrupted(db: Session) -> int:
    """Mark reports left ``queued`` by a crash as failed ("上传中断，未完成"); returns how many.

    Call once at start-up, before serving (one server process per database, or the analysis of a live
    process could be marked as interrupted)."""
    rows = list(db.scalars(select(Report).options(load_only(Report.id, Report.analysis, Report.analysis_error,
                                                            Report.version))
                           .where(Report.analysis == "queued")))
    for r in rows:
        r.analysis, r.analysis_error = "failed", INTERRUPTED
    db.commit()
    return len(rows)


def _refresh_summary(db: Session, report: Report) -> None:
    """Recompute the denormalised columns and the summary tables from extraction + corrections."""
    eff = apply_corrections(report.extracted, list(report.corrections) if report.id else [])
    facts = eff.data.get("facts") or {}
    findings = report.findings or []
    report.error_count = sum(1 for f in findings if f.get("severity") == "error")
    report.warning_count = sum(1 for f in findings if f.get("severity") == "warning")
    year = facts.get("fiscal_year")
    report.fiscal_year = int(year) if isinstance(year, (int, float)) and 1990 <= year <= 2200 else None
    unit = db.get(Unit, report.unit_id) if report.unit_id else None
    uploader = db.get(User, report.uploaded_by) if report.uploaded_by else None
    if (uploader is None or uploader.role != "unit") and facts.get("unit_name"):
        unit = get_or_create_unit(db, str(facts["unit_name"]), facts.get("province"), facts.get("city"),
                                  facts.get("county"), commit=False)
        report.unit_id = unit.id
    report.unit_name = unit.name if unit else (str(facts.get("unit_name"))[:200] if facts.get("unit_name") else None)
    for col in ("province", "city", "county"):
        value = (getattr(unit, col) if unit else None) or facts.get(col)
        setattr(report, col, str(value)[:50] if value else None)
    report.updated_at = utcnow()
    if report.task_id is None and report.unit_id and report.fiscal_year:
        report.task_id = db.scalar(select(Task.id).join(TaskUnit).where(
            TaskUnit.unit_id == report.unit_id, Task.year == report.fiscal_year).order_by(Task.id.desc()).limit(1))
    db.flush()
    db.execute(delete(FindingCount).where(FindingCount.report_id == report.id))
    db.execute(delete(ReportValue).where(ReportValue.report_id == report.id))
    counts: dict[tuple[str, str], int] = {}
    for f in findings:
        key = (str(f.get("rule"))[:64], str(f.get("severity"))[:16])
        counts[key] = counts.get(key, 0) + 1
    db.add_all(FindingCount(report_id=report.id, rule=r, severity=s, count=n) for (r, s), n in counts.items())
    db.add_all(ReportValue(report_id=report.id, **row) for row in summary_values(eff.data))


# --- reading ---------------------------------------------------------------------------------------

def get_report(db: Session, actor: User, report_id: int, *, options: list | None = None) -> Report:
    """The report, if ``actor`` may see it; else ``NotFound`` (also when it does not exist)."""
    report = db.get(Report, report_id, options=options or [])
    if report is None or not access.can_view(actor, report):
        raise NotFound()
    return report


def original_file(db: Session, actor: User, report_id: int) -> tuple[str, bytes]:
    """``(filename, bytes)`` of the file as uploaded."""
    report = get_report(db, actor, report_id)
    return report.filename, report.original


def report_detail(db: Session, actor: User, report_id: int, *, include_text: bool = True) -> dict[str, Any]:
    """Everything about one report, JSON-ready: identity and state, the effective ``facts``,
    ``metrics``, ``project_items`` (corrections applied), ``fact_evidence``, ``sections``, ``findings``,
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
        "analysed_at": _iso(report.analysed_at), "analysed_with": report.analysed_with,
        "facts": data.get("facts") or {}, "fact_evidence": data.get("fact_evidence") or {},
        "metrics": data.get("metrics") or [], "project_items": data.get("project_items") or [],
        "sections": data.get("sections") or [], "findings": report.findings or [], "score": report.score,
        "values": value_rows(report.extracted, eff),
        "corrections": [{"id": c.id, "field": c.field, "label": field_label(c.field), "old_value": c.old_value,
                         "new_value": c.new_value, "reason": c.reason, "user": _user_name(c.user),
                         "at": _iso(c.at), "applied": c.id not in orphan_ids} for c in report.corrections],
        "status_changes": [{"id": s.id, "from_status": s.from_status, "to_status": s.to_status,
                            "from_label": STATUSES.get(s.from_status, s.from_status),
                            "to_label": STATUSES.get(s.to_status, s.to_status), "comment": s.comment,
                            "user": _user_name(s.user), "at": _iso(s.at)} for s in report.status_changes],
        "transitions": [] if access.status_refusal(actor) else list(TRANSITIONS.get(report.status, ())),
        "can_correct": access.correction_refusal(actor, report) is None,
    }
    if include_text:
        out["text"] = report.text or ""
    return out


def _user_name(user: User | None) -> str:
    return (user.display_name or user.username) if user is not None else ""


# --- listing ---------------------------------------------------------------------------------------

SORTS = {"date": Report.created_at, "unit": Report.unit_name, "year": Report.fiscal_year,
         "errors": Report.error_count, "status": Report.status, "id": Report.id}
SEVERITIES = {"error": "有错误", "warning": "有警告", "clean": "无错误和警告"}
_LIST_COLUMNS = (Report.id, Report.filename, Report.task_id, Report.unit_id, Report.unit_name, Report.province,
                 Report.city, Report.county, Report.fiscal_year, Report.status, Report.analysis,
                 Report.analysis_error, Report.error_count, Report.warning_count, Report.uploaded_by,
                 Report.created_at, Report.updated_at, Report.version)


@dataclass
class ReportQuery:
    """Filters, sort and page of the report list. ``unit``: a unit id (int) or part of a unit name;
    ``region``: a province, city or county; ``severity``: ``error`` | ``warning`` | ``clean``;
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

    def to_dict(self) -> dict:
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
        return {"items": [r.to_dict() for r in self.items], "total": self.total, "page": self.page,
                "per_page": self.per_page, "pages": self.pages}


def report_row(r) -> ReportRow:
    return ReportRow(id=r.id, filename=r.filename, task_id=r.task_id, unit_id=r.unit_id, unit_name=r.unit_name,
                     province=r.province, city=r.city, county=r.county, fiscal_year=r.fiscal_year,
                     status=r.status, analysis=r.analysis, analysis_error=r.analysis_error,
                     error_count=r.error_count, warning_count=r.warning_count, uploaded_by=r.uploaded_by,
                     created_at=_iso(r.created_at), updated_at=_iso(r.updated_at), version=r.version,
                     status_label=STATUSES.get(r.status, r.status),
                     analysis_label=ANALYSIS.get(r.analysis, r.analysis))


def _filtered(actor: User, q: ReportQuery, stmt: Select) -> Select:
    stmt = stmt.where(access.visible_clause(actor))
    if q.year:
        stmt = stmt.where(Report.fiscal_year == int(q.year))
    if q.region:
        stmt = stmt.where(or_(Report.province == q.region, Report.city == q.region, Report.county == q.region))
    if q.unit not in (None, ""):
        if isinstance(q.unit, int) or str(q.unit).isdigit():
            stmt = stmt.where(Report.unit_id == int(q.unit))
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
        stmt = stmt.where(Report.task_id == int(q.task_id))
    if q.rule:
        stmt = stmt.where(Report.id.in_(select(FindingCount.report_id).where(FindingCount.rule == q.rule)))
    if q.q:
        text = str(q.q)
        stmt = stmt.where(or_(Report.filename.contains(text, autoescape=True),
                              Report.unit_name.contains(text, autoescape=True)))
    return stmt


def _order(q: ReportQuery):
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
    page = max(1, int(q.page or 1))
    total = db.scalar(_filtered(actor, q, select(func.count()).select_from(Report))) or 0
    stmt = _filtered(actor, q, select(*_LIST_COLUMNS)).order_by(*_order(q))
    rows = db.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=[report_row(r) for r in rows], total=total, page=page, per_page=per_page,
                pages=max(1, math.ceil(total / per_page)))


# --- editing ---------------------------------------------------------------------------------------

def _check_version(report: Report, version: int | None) -> None:
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
    new_value = parse_value(field, value)
    eff = apply_corrections(report.extracted, report.corrections)
    exists, old_value = get_value(eff.data, field)
    if not exists:
        raise InvalidInput(f"报告中没有这个字段：{field}")
    _check_version(report, version)
    if new_value == old_value:
        raise InvalidInput("新值与当前值相同，无需更正")
    correction = Correction(report_id=report.id, user_id=actor.id, field=field, old_value=old_value,
                            new_value=new_value, reason=reason[:2000])
    with _committed(db):
        report.corrections.append(correction)
        db.flush()  # the new correction gets its id, so it is the latest when re-applied
        _refresh_summary(db, report)
    return correction


def change_status(db: Session, actor: User, report_id: int, *, to: str, comment: str = "",
                  version: int | None) -> StatusChange:
    """Move a report along the workflow (``TRANSITIONS``), with the reviewer's comment (required when
    returning it), based on report ``version``."""
    report = get_report(db, actor, report_id)
    refusal = access.status_refusal(actor)
    if refusal:
        raise PermissionDenied(refusal)
    if to not in STATUSES:
        raise InvalidInput(f"未知的状态：{to}")
    _check_version(report, version)
    if to not in TRANSITIONS.get(report.status, ()):
        raise InvalidInput(f"不能从“{STATUSES[report.status]}”改为“{STATUSES[to]}”")
    comment = (comment or "").strip()
    if to == "returned" and not comment:
        raise InvalidInput("退回修改时请填写审核意见")
    change = StatusChange(report_id=report.id, user_id=actor.id, from_status=report.status, to_status=to,
                          comment=comment[:4000])
    report.status = to
    report.updated_at = utcnow()
    with _committed(db):
        db.add(change)
    return change


# --- export ----------------------------------------------------------------------------------------

def export_xlsx(db: Session, actor: User, query: ReportQuery | None = None) -> bytes:
    """The current list (filters and sort, every page) as an XLSX workbook: one row per report, the
    effective facts (corrections applied) as columns. Cells are written as values, never formulas."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from jixiao.export import FACT_KEYS, FACT_LABELS

    q = query or ReportQuery()
    rows = db.execute(_filtered(actor, q, select(*_LIST_COLUMNS)).order_by(*_order(q))).all()
    values: dict[int, dict[str, Any]] = {}
    ids = [r.id for r in rows]
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        stmt = select(ReportValue.report_id, ReportValue.key, ReportValue.num, ReportValue.text).where(
            ReportValue.report_id.in_(chunk), ReportValue.key.startswith("facts."))
        for rid, key, num, text in db.execute(stmt):
            values.setdefault(rid, {})[key[len("facts."):]] = _cell_number(num) if num is not None else text
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
                r.warning_count, _iso(r.created_at)]
        ws.append([cell(v) for v in line + [facts.get(k) for k in FACT_KEYS]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell_number(num) -> int | float:
    return int(num) if num == int(num) else float(num)


# --- home page and comparison ----------------------------------------------------------------------

def rule_titles() -> dict[str, str]:
    """Chinese titles of the review rules, by rule id."""
    import jixiao.review.rules  # noqa: F401 - registers the rules
    from jixiao.review.registry import RULES

    return {rid: r.title for rid, r in RULES.items()}


def _sees_all(actor: User) -> bool:
    return actor.role == "admin" or (actor.role == "reviewer" and not actor.region)


def dashboard(db: Session, actor: User, *, attention_limit: int = 10) -> dict[str, Any]:
    """首页: ``status_counts`` (every status, with labels), ``analysis_counts``, ``total``,
    ``findings_by_rule`` (rule, title, severity, findings, reports), ``attention`` (reports needing
    attention: failed analyses, then pending/in-review reports with errors, most errors first)."""
    vis = access.visible_clause(actor)
    by_status = dict(db.execute(select(Report.status, func.count()).where(vis).group_by(Report.status)).all())
    by_analysis = dict(db.execute(select(Report.analysis, func.count()).where(vis).group_by(Report.analysis)).all())
    titles = rule_titles()
    stmt = (select(FindingCount.rule, FindingCount.severity, func.sum(FindingCount.count),
                   func.count(FindingCount.report_id))
            .group_by(FindingCount.rule, FindingCount.severity).order_by(func.sum(FindingCount.count).desc()))
    if not _sees_all(actor):
        stmt = stmt.join(Report, Report.id == FindingCount.report_id).where(vis)
    findings = [{"rule": rule, "title": titles.get(rule, rule), "severity": sev, "findings": int(n),
                 "reports": int(nr)} for rule, sev, n, nr in db.execute(stmt)]
    attention_stmt = (select(*_LIST_COLUMNS).where(vis, or_(
        Report.analysis == "failed",
        and_(Report.error_count > 0, Report.status.in_(("pending", "in_review")))))
        .order_by((Report.analysis == "failed").desc(), Report.error_count.desc(), Report.id.desc())
        .limit(attention_limit))
    return {
        "total": sum(by_status.values()),
        "status_counts": [{"status": s, "label": label, "count": by_status.get(s, 0)} for s, label in STATUSES.items()],
        "analysis_counts": [{"analysis": a, "label": label, "count": by_analysis.get(a, 0)}
                            for a, label in ANALYSIS.items()],
        "findings_by_rule": findings,
        "attention": [report_row(r).to_dict() for r in db.execute(attention_stmt)],
    }


def compare_keys(db: Session, actor: User) -> list[dict[str, str]]:
    """What can be compared: the numeric facts and every KPI found in the reports ``actor`` sees
    (``key``, Chinese ``label``, ``unit``)."""
    from jixiao.export import FACT_LABELS
    from jixiao.store.values import TEXT_FACTS

    out = [{"key": f"facts.{k}", "label": label, "unit": "万元" if "万元" in label else ""}
           for k, label in FACT_LABELS.items() if k not in TEXT_FACTS and k != "fiscal_year"]
    stmt = (select(ReportValue.key, func.min(ReportValue.text), func.min(ReportValue.unit))
            .join(Report, Report.id == ReportValue.report_id)
            .where(access.visible_clause(actor), ReportValue.key.startswith("kpi."))
            .group_by(ReportValue.key).order_by(ReportValue.key))
    out += [{"key": key, "label": f"{key[4:]}（{label}）" if label else key[4:], "unit": unit or ""}
            for key, label, unit in db.execute(stmt)]
    return out


def compare(db: Session, actor: User, key: str, *, years: list[int] | None = None,
            region: str | None = None) -> dict[str, Any]:
    """对比分析: the value of one fact or KPI (``facts.<key>`` / ``kpi.<id>``) for every unit × year
    ``actor`` sees (the latest analysed report of each unit and year). Returns ``key``, ``label``,
    ``years``, ``units`` and ``cells`` ({unit: {year: {"value", "report_id"}}})."""
    if not re.match(r"^(facts|kpi)\.[\w.]+$", key or ""):
        raise InvalidInput(f"无法对比的字段：{key}")
    stmt = (select(Report.unit_name, Report.fiscal_year, Report.id, ReportValue.num, ReportValue.unit)
            .join(ReportValue, ReportValue.report_id == Report.id)
            .where(access.visible_clause(actor), ReportValue.key == key, ReportValue.num.is_not(None),
                   Report.analysis == "done", Report.unit_name.is_not(None), Report.fiscal_year.is_not(None))
            .order_by(Report.id))
    if years:
        stmt = stmt.where(Report.fiscal_year.in_([int(y) for y in years]))
    if region:
        stmt = stmt.where(or_(Report.province == region, Report.city == region, Report.county == region))
    cells: dict[str, dict[int, dict]] = {}
    unit_of_measure = ""
    for unit_name, year, rid, num, unit in db.execute(stmt):
        cells.setdefault(unit_name, {})[year] = {"value": _cell_number(num), "report_id": rid}
        unit_of_measure = unit or unit_of_measure
    label = next((k["label"] for k in compare_keys(db, actor) if k["key"] == key), key)
    return {"key": key, "label": label, "unit": unit_of_measure,
            "years": sorted({y for row in cells.values() for y in row}), "units": sorted(cells), "cells": cells}
