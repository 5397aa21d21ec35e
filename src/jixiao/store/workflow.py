"""Tasks and the review workflow.

任务下达: a reviewer opens a year's self-evaluation task for a set of units with a deadline; the
task shows, per unit, who submitted, who is late, who was returned and who has not submitted yet.

A report belongs to a task when it was uploaded for it, or (automatically) when its unit is one of the
task's units and its fiscal year is the task's year. The state of a unit is read from its latest report
for the task:

* ``submitted`` 已提交 — uploaded on or before the deadline;
* ``late`` 逾期提交 — uploaded after the deadline;
* ``returned`` 退回修改 — the latest report was returned by a reviewer;
* ``missing`` 未提交 — nothing yet, the deadline has not passed;
* ``overdue`` 逾期未交 — nothing yet, the deadline has passed.

审核流程: ``change_status`` moves a report along ``TRANSITIONS`` (待审核 → 审核中 → 退回修改 / 审核通过),
with the reviewer's comment (required when returning it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only, selectinload

from jixiao.store import access
from jixiao.store.clock import iso, local_date, today
from jixiao.store.errors import InvalidInput, NotFound, PermissionDenied
from jixiao.store.models import (
    STATUSES,
    TRANSITIONS,
    Report,
    StatusChange,
    Task,
    TaskUnit,
    Unit,
    User,
    utcnow,
)
from jixiao.store.reports import check_version, committed, get_report
from jixiao.store.units import get_or_create_unit

UNIT_STATES = {"submitted": "已提交", "late": "逾期提交", "returned": "退回修改", "missing": "未提交",
               "overdue": "逾期未交"}


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
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise InvalidInput("年度应为整数") from None
    if not 1990 <= year <= 2200:
        raise InvalidInput("年度不正确")
    if isinstance(deadline, str):
        try:
            deadline = date.fromisoformat(deadline.strip())
        except ValueError:
            raise InvalidInput("截止日期格式应为 YYYY-MM-DD") from None
    title = (title or "").strip() or f"{year}年度部门整体支出绩效自评"
    unit_ids: list[int] = []
    for u in units or []:
        if isinstance(u, int) or (isinstance(u, str) and u.strip().isdigit()):
            unit = db.scalar(select(Unit).where(Unit.id == int(u), access.unit_clause(actor)))
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
    task = Task(year=year, title=title[:200], deadline=deadline, note=note or "", created_by=actor.id,
                units=[TaskUnit(unit_id=uid) for uid in unit_ids])
    db.add(task)
    db.flush()
    # reports already stored for these units and year belong to the task
    for r in db.scalars(select(Report).where(Report.task_id.is_(None), Report.fiscal_year == year,
                                             Report.unit_id.in_(unit_ids))):
        r.task_id = task.id
    db.commit()
    return task


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
    if members:
        stmt = (select(Report)
                .where(Report.task_id == task.id, Report.unit_id.in_([u.id for u in members]))
                .order_by(Report.id))
        stmt = stmt.options(*_light())
        for r in db.scalars(stmt):
            latest[r.unit_id] = r
    now = today()
    rows = []
    for unit in sorted(members, key=lambda u: u.name):
        r = latest.get(unit.id)
        region = " ".join(x for x in (unit.city, unit.county) if x)
        if r is None:
            state = "overdue" if now > task.deadline else "missing"
            rows.append(UnitProgress(unit.id, unit.name, state, UNIT_STATES[state], region=region))
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
                                 warning_count=r.warning_count if visible else None))
    counts = {s: sum(1 for row in rows if row.state == s) for s in UNIT_STATES}
    return TaskView(id=task.id, year=task.year, title=task.title, deadline=task.deadline.isoformat(),
                    note=task.note, created_at=iso(task.created_at), units=rows, counts=counts, overdue=now > task.deadline)


def _light():
    return [load_only(Report.id, Report.unit_id, Report.status, Report.created_at, Report.province, Report.city,
                      Report.county, Report.uploaded_by, Report.task_id, Report.error_count, Report.warning_count)]


def list_tasks(db: Session, actor: User) -> list[TaskView]:
    """The tasks ``actor`` sees (a unit user: the tasks addressed to its unit), newest year first,
    each with its per-unit progress."""
    return [_view(db, actor, t) for t in db.scalars(_visible_tasks(db, actor))]


def task_progress(db: Session, actor: User, task_id: int) -> TaskView:
    """One task with who submitted, who is late, who was returned and who has not submitted."""
    task = db.scalar(_visible_tasks(db, actor).where(Task.id == task_id))
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
    comment = (comment or "").strip()
    if to == "returned" and not comment:
        raise InvalidInput("退回修改时请填写审核意见")
    change = StatusChange(report_id=report.id, user_id=actor.id, from_status=report.status, to_status=to,
                          comment=comment[:4000])
    report.status = to
    report.updated_at = utcnow()
    with committed(db):
        db.add(change)
    return change
