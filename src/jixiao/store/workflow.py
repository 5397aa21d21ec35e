"""Tasks and the review workflow.

任务下达: a reviewer opens a year's self-evaluation task for a set of units with a deadline; the
task shows, per unit, who submitted, who is late, who was returned and who has not submitted yet.

A report belongs to a task when it was uploaded for it, or (automatically) when its unit is one of the
task's units and its fiscal year is the task's year. A report whose content names another unit or year
(归属不符, ``store.filing``) is not counted until a reviewer confirms it; it is shown beside the unit's
state (``unconfirmed_report_id``). The state of a unit is read from its latest counted report for the task:

* ``submitted`` 已提交 — uploaded on or before the deadline;
* ``late`` 逾期提交 — uploaded after the deadline;
* ``returned`` 退回修改 — the latest report was returned by a reviewer;
* ``failed`` 分析失败 — the only reports for the task could not be analysed (not counted as submitted);
* ``missing`` 未提交 — nothing yet, the deadline has not passed;
* ``overdue`` 逾期未交 — nothing yet, the deadline has passed.

审核流程: ``change_status`` moves a report along ``TRANSITIONS`` (待审核 → 审核中 → 退回修改 / 审核通过),
with the reviewer's comment (required when returning it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, load_only, selectinload

from jixiao.store import access
from jixiao.store.clock import iso, local_date, today
from jixiao.store.errors import InvalidInput, NotFound, PermissionDenied, ServiceError
from jixiao.store.models import (
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
from jixiao.store.reports import check_text_length, check_version, committed, get_report, refresh_summary
from jixiao.store.units import get_or_create_unit
from jixiao.store.values import FILING_FIELD

FIRST_YEAR = 2000  # the earliest fiscal year of a task
DEADLINE_YEARS_AHEAD = 5
UNIT_STATES = {"submitted": "已提交", "late": "逾期提交", "returned": "退回修改", "failed": "分析失败，未计入",
               "missing": "未提交", "overdue": "逾期未交"}


@dataclass
class UnitProgress:
    """One unit of a task: its state and its latest report (``report_id`` only when visible)."""

    unit_id: int
    unit_name: str
    state: str
    state_label: str
    report_id: int | None = None
    report_status: str | None = None
    report_status_label: str | None = None
    submitted_at: str | None = None
    region: str = ""  # the unit's city and county
    error_count: int | None = None  # of the visible report
    warning_count: int | None = None
    # the latest report uploaded for this unit and task whose content does not match them (归属不符),
    # not counted until a reviewer confirms it; only when visible
    unconfirmed_report_id: int | None = None


@dataclass
class TaskView:
    """A task with its per-unit progress and counts by state."""

    id: int
    year: int
    title: str
    deadline: str
    note: str
    created_at: str | None
    units: list[UnitProgress] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    overdue: bool = False

    def to_dict(self) -> dict:
        """As a JSON-ready dict."""
        return asdict(self)


def open_task(db: Session, actor: User, *, year: int, title: str, deadline: date | str,
              units: list[int | str], note: str = "") -> Task:
    """Open a task (reviewers and admins). ``units`` are unit ids or names (new names are created)."""
    if not access.is_staff(actor):
        raise PermissionDenied("只有审核人员可以下达任务")
    year = _task_year(year)
    deadline = _deadline(deadline, year)
    title = check_text_length((title or "").strip(), "任务名称", 200) or f"{year}年度部门整体支出绩效自评"
    note = check_text_length((note or "").strip(), "备注")
    unit_ids: list[int] = []
    for u in units or []:
        if isinstance(u, int) or (isinstance(u, str) and u.strip().isascii() and u.strip().isdigit()):
            uid = int(u)
            unit = db.scalar(select(Unit).where(Unit.id == uid, access.unit_clause(actor))) if 1 <= uid <= MAX_ID else None
            if unit is None:
                raise InvalidInput(f"单位不存在：{u}")
        elif isinstance(u, str) and u.strip():
            unit = get_or_create_unit(db, u, commit=False)
        else:
            continue
        if not access.unit_in_scope(actor, unit):
            db.rollback()  # a unit created just now for this name is not kept
            where = "" if (unit.province or unit.city or unit.county) else "（无法从名称确定所在地区）"
            raise PermissionDenied(f"单位“{unit.name}”{where}不在您的审核地区（{actor.region}）内，不能为其下达任务")
        if unit.id not in unit_ids:
            unit_ids.append(unit.id)
    if not unit_ids:
        raise InvalidInput("请至少选择一个单位")
    task = Task(year=year, title=title, deadline=deadline, note=note, created_by=actor.id,
                units=[TaskUnit(unit_id=uid) for uid in unit_ids])
    db.add(task)
    db.flush()
    # reports already stored for these units and year belong to the task
    for r in db.scalars(select(Report).where(Report.task_id.is_(None), Report.fiscal_year == year,
                                             Report.unit_id.in_(unit_ids))):
        r.task_id = task.id
    db.commit()
    return task


def _task_year(year: object) -> int:
    """The fiscal year of a task: from ``FIRST_YEAR`` to next year."""
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise InvalidInput("年度应为整数，如 2024") from None
    last = today().year + 1
    if not FIRST_YEAR <= year <= last:
        raise InvalidInput(f"年度不正确：应在 {FIRST_YEAR} 至 {last} 年之间")
    return year


def _deadline(deadline: date | str, year: int) -> date:
    """A task's deadline: not before its fiscal year begins, at most ``DEADLINE_YEARS_AHEAD`` years
    from today."""
    if isinstance(deadline, str):
        try:
            deadline = date.fromisoformat(deadline.strip())
        except ValueError:
            raise InvalidInput("截止日期格式应为 YYYY-MM-DD，如 2025-04-30") from None
    if not isinstance(deadline, date):
        raise InvalidInput("截止日期格式应为 YYYY-MM-DD，如 2025-04-30")
    latest = date(today().year + DEADLINE_YEARS_AHEAD, 12, 31)
    if deadline < date(year, 1, 1):
        raise InvalidInput(f"截止日期不正确：{deadline.isoformat()} 早于 {year} 年度开始")
    if deadline > latest:
        raise InvalidInput(f"截止日期不正确：不能晚于 {latest.isoformat()}")
    return deadline


def _visible_tasks(db: Session, actor: User):
    stmt = select(Task).options(selectinload(Task.units).selectinload(TaskUnit.unit)).order_by(
        Task.year.desc(), Task.id.desc())
    if actor.role == "unit":
        stmt = stmt.where(Task.id.in_(select(TaskUnit.task_id).where(TaskUnit.unit_id == actor.unit_id)))
    elif actor.role == "reviewer" and actor.region:  # the tasks that include a unit of the region
        stmt = stmt.where(Task.id.in_(select(TaskUnit.task_id).join(Unit, Unit.id == TaskUnit.unit_id)
                                      .where(access.unit_clause(actor))))
    return stmt


def _view(db: Session, actor: User, task: Task) -> TaskView:
    members = [tu.unit for tu in task.units if access.unit_in_scope(actor, tu.unit)]
    latest: dict[int, Report] = {}
    failed: dict[int, Report] = {}
    unconfirmed: dict[int, Report] = {}
    if members:
        stmt = (select(Report)
                .where(Report.task_id == task.id, Report.unit_id.in_([u.id for u in members]))
                .order_by(Report.id))
        stmt = stmt.options(*_light())
        for r in db.scalars(stmt):
            if r.duplicate_of is not None:
                continue  # a duplicate upload repeats one already counted
            if r.analysis == "failed":  # a file that could not be analysed is not a submission
                failed[r.unit_id] = r
            else:
                # a report filed under the wrong unit or year is not this unit's submission (yet)
                (unconfirmed if r.filing_state == "mismatch" else latest)[r.unit_id] = r
    now = today()
    rows = []
    for unit in sorted(members, key=lambda u: u.name):
        r = latest.get(unit.id)
        region = " ".join(x for x in (unit.city, unit.county) if x)
        pending = unconfirmed.get(unit.id)
        pending_id = pending.id if pending is not None and (r is None or pending.id > r.id) and \
            access.can_view(actor, pending) else None
        if r is None and (f := failed.get(unit.id)) is not None:
            visible = access.can_view(actor, f)
            rows.append(UnitProgress(unit.id, unit.name, "failed", UNIT_STATES["failed"],
                                     report_id=f.id if visible else None, report_status=f.status,
                                     report_status_label=STATUSES.get(f.status), submitted_at=iso(f.created_at),
                                     region=region, unconfirmed_report_id=pending_id))
            continue
        if r is None:
            state = "overdue" if now > task.deadline else "missing"
            rows.append(UnitProgress(unit.id, unit.name, state, UNIT_STATES[state], region=region,
                                     unconfirmed_report_id=pending_id))
            continue
        if r.status == "returned":
            state = "returned"
        else:
            state = "late" if local_date(r.created_at) > task.deadline else "submitted"
        visible = access.can_view(actor, r)
        rows.append(UnitProgress(unit.id, unit.name, state, UNIT_STATES[state],
                                 report_id=r.id if visible else None, report_status=r.status,
                                 report_status_label=STATUSES.get(r.status),
                                 submitted_at=iso(r.created_at), region=region,
                                 error_count=r.error_count if visible else None,
                                 warning_count=r.warning_count if visible else None,
                                 unconfirmed_report_id=pending_id))
    counts = {s: sum(1 for row in rows if row.state == s) for s in UNIT_STATES}
    return TaskView(id=task.id, year=task.year, title=task.title, deadline=task.deadline.isoformat(),
                    note=task.note, created_at=iso(task.created_at), units=rows, counts=counts, overdue=now > task.deadline)


def _light():
    return [load_only(Report.id, Report.unit_id, Report.status, Report.analysis, Report.created_at, Report.province,
                      Report.city, Report.county, Report.uploaded_by, Report.task_id, Report.error_count,
                      Report.warning_count, Report.filing_state, Report.duplicate_of)]


def list_tasks(db: Session, actor: User) -> list[TaskView]:
    """The tasks ``actor`` sees (a unit user: the tasks addressed to its unit), newest year first,
    each with its per-unit progress."""
    return [_view(db, actor, t) for t in db.scalars(_visible_tasks(db, actor))]


def task_progress(db: Session, actor: User, task_id: int) -> TaskView:
    """One task with who submitted, who is late, who was returned and who has not submitted."""
    task = db.scalar(_visible_tasks(db, actor).where(Task.id == task_id)) if 1 <= task_id <= MAX_ID else None
    if task is None:
        raise NotFound("任务不存在或无权查看")
    return _view(db, actor, task)


# --- review workflow -------------------------------------------------------------------------------

def change_status(db: Session, actor: User, report_id: int, *, to: str, comment: str = "",
                  version: int | None) -> StatusChange:
    """Move a report along the workflow (``TRANSITIONS``), with the reviewer's comment (required when
    returning it), based on report ``version``."""
    report = get_report(db, actor, report_id)
    refusal = access.status_refusal(actor, report)
    if refusal:
        raise PermissionDenied(refusal)
    if to not in STATUSES:
        raise InvalidInput(f"未知的状态：{to}")
    check_version(report, version)
    if to not in TRANSITIONS.get(report.status, ()):
        raise InvalidInput(f"不能从“{STATUSES[report.status]}”改为“{STATUSES[to]}”")
    if to == "approved" and (refusal := access.approval_refusal(report)):
        raise InvalidInput(refusal)
    comment = check_text_length((comment or "").strip(), "审核意见")
    if to == "returned" and not comment:
        raise InvalidInput("退回修改时请填写审核意见")
    change = StatusChange(report_id=report.id, user_id=actor.id, from_status=report.status, to_status=to,
                          comment=comment)
    report.status = to
    report.updated_at = utcnow()
    with committed(db):
        db.add(change)
    return change


def confirm_filing(db: Session, actor: User, report_id: int, *, reason: str, version: int | None) -> Correction:
    """确认归属: a reviewer accepts a report whose content names another unit, place or year than the
    unit and task it was filed under as that unit's submission, with a reason, based on report
    ``version``; logged in the change log (field ``filing``), kept through re-analysis."""
    report = get_report(db, actor, report_id, options=[selectinload(Report.corrections)])
    if access.status_refusal(actor, report):
        raise PermissionDenied("只有审核人员可以确认报告归属")
    reason = check_text_length((reason or "").strip(), "确认归属的理由")
    if not reason:
        raise InvalidInput("请填写确认归属的理由")
    check_version(report, version)
    if report.filing_state != "mismatch":
        raise InvalidInput("该报告的归属已确认" if report.filing_state == "confirmed" else "该报告的归属无需确认")
    issues = "；".join(i["message"] for i in (report.filing or {}).get("issues") or [])
    correction = Correction(report_id=report.id, user_id=actor.id, user=actor, field=FILING_FIELD,
                            old_value=f"归属不符：{issues}"[:2000], new_value="已确认归属", reason=reason)
    with committed(db):
        report.corrections.append(correction)
        db.flush()  # the confirmation gets its id, then the summary follows the new filing state
        refresh_summary(db, report)
    return correction


# --- reviewer conveniences: many reports at once, resubmit, withdraw -------------------------------

MAX_BULK = 500


@dataclass
class BulkResult:
    """The outcome of a bulk status change for one report: ``ok`` with the new ``status``, or the
    Chinese ``error`` (a report that cannot be moved is reported, never skipped silently)."""

    report_id: int
    ok: bool
    status: str | None = None
    status_label: str | None = None
    error: str | None = None
    unit_name: str | None = None

    def to_dict(self) -> dict:
        """As a JSON-ready dict."""
        return asdict(self)


def bulk_change_status(db: Session, actor: User, report_ids: list[int], *, to: str, comment: str = "",
                       versions: dict[int, int] | None = None) -> list[BulkResult]:
    """Approve, return (…) several reports: each goes through :func:`change_status` with the same
    checks and its own transaction, based on the version given in ``versions`` (the one the reviewer
    saw) or else its current one. One result per distinct id, in the order given."""
    ids = list(dict.fromkeys(report_ids))
    if not ids:
        raise InvalidInput("请至少选择一份报告")
    if len(ids) > MAX_BULK:
        raise InvalidInput(f"一次最多处理 {MAX_BULK} 份报告")
    if to not in STATUSES:
        raise InvalidInput(f"未知的状态：{to}")
    results = []
    for rid in ids:
        name = None
        try:
            report = get_report(db, actor, rid)
            name = report.unit_name
            version = (versions or {}).get(rid, report.version)
            change_status(db, actor, rid, to=to, comment=comment, version=version)
            results.append(BulkResult(rid, True, to, STATUSES[to], unit_name=name))
        except ServiceError as err:
            db.rollback()
            results.append(BulkResult(rid, False, error=err.message, unit_name=name))
    return results


def resubmit(db: Session, actor: User, report_id: int, *, comment: str = "", version: int | None) -> StatusChange:
    """重新提交: a returned report goes back to 待审核 after its unit revised it (the unit's users and
    the reviewers who see it may do this); the unit's note is kept in the review history."""
    report = get_report(db, actor, report_id)
    if access.is_staff(actor) and not access.in_scope(actor, report):
        raise PermissionDenied(access.OUT_OF_REGION)  # a reviewer resubmits only reports of the region
    refusal = access.resubmit_refusal(actor, report)
    if refusal:
        raise InvalidInput(f"{refusal}（当前状态：{STATUSES[report.status]}）")
    check_version(report, version)
    note = check_text_length((comment or "").strip(), "说明") or "单位已修改，重新提交"
    change = StatusChange(report_id=report.id, user_id=actor.id, from_status="returned", to_status="pending",
                          comment=note)
    report.status = "pending"
    report.updated_at = utcnow()
    with committed(db):
        db.add(change)
    return change


def withdraw(db: Session, actor: User, report_id: int, *, version: int | None) -> str:
    """撤回: the unit takes back an upload before review; the report, its corrections and its summary rows
    are deleted. Returns the file name."""
    report = get_report(db, actor, report_id, options=[selectinload(Report.status_changes),
                                                       selectinload(Report.corrections)])
    refusal = access.withdrawal_refusal(actor, report)
    if refusal:
        raise PermissionDenied(refusal)
    check_version(report, version)
    name = report.filename
    db.execute(delete(Correction).where(Correction.report_id == report.id))
    db.execute(delete(FindingCount).where(FindingCount.report_id == report.id))
    db.execute(delete(ReportValue).where(ReportValue.report_id == report.id))
    with committed(db):
        db.delete(report)
    return name
