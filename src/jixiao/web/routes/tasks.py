"""任务下达: the task list, opening a task, one task's progress by unit; and the same as JSON."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from jixiao.store import access, service
from jixiao.store.errors import NotFound, ServiceError
from jixiao.store.models import User
from jixiao.web.deps import ApiUser, CurrentUser, SessionDep
from jixiao.web.format import BEIJING
from jixiao.web.params import TaskId
from jixiao.web.render import redirect, render, to_int
from jixiao.web.schemas import TaskIn

router = APIRouter()
API_TAGS = ["api"]


def _unit_tags(state: str, label: str, unconfirmed: int | None = None) -> list[tuple[str, str]]:
    cls = {"submitted": "st-approved", "late": "late", "returned": "st-returned", "missing": "st-pending",
           "overdue": "late", "failed": "st-returned"}.get(state, "")
    # a report whose content names another unit or year waits for a reviewer (not counted yet)
    return [(label, cls)] + ([("有报告归属不符，待确认", "error")] if unconfirmed else [])


@router.get("/tasks", response_class=HTMLResponse)
def tasks_page(request: Request, db: SessionDep, user: CurrentUser):
    """任务下达: the tasks with their submission counts (a unit user: its own state)."""
    rows = []
    for t in service.list_tasks(db, user):
        units = t.units
        mine = [tag for u in units for tag in _unit_tags(u.state, u.state_label, u.unconfirmed_report_id)] \
            if user.role == "unit" else []
        rows.append({"id": t.id, "title": t.title, "year": t.year, "deadline": t.deadline, "overdue": t.overdue,
                     "created_at": t.created_at, "units": len(units),
                     "submitted": sum(1 for u in units if u.state in ("submitted", "late")),
                     "approved": sum(1 for u in units if u.report_status == "approved"),
                     "returned": t.counts.get("returned", 0),
                     "late": sum(1 for u in units if u.state in ("overdue", "late")), "mine": mine})
    return render(request, "tasks.html", user, title="任务下达", nav="tasks", tasks=rows,
                  can_open=access.is_staff(user))


def _task_form(user: User, db, form: dict | None = None, error: str | None = None, request: Request | None = None,
               status_code: int = 200):
    this_year = datetime.now(BEIJING).year
    form = form or {"year": this_year - 1, "title": f"{this_year - 1}年度部门整体支出绩效自评",
                    "deadline": date(this_year, 4, 30).isoformat(), "unit_ids": [], "note": ""}
    return render(request, "task_new.html", user, status_code=status_code, title="下达任务", nav="tasks",
                  units=service.list_units(db, user), form=form, error=error,
                  year_choices=list(range(this_year, this_year - 6, -1)))


@router.get("/tasks/new", response_class=HTMLResponse)
def task_new(request: Request, db: SessionDep, user: CurrentUser):
    """The form to open a task (reviewers and admins)."""
    if not access.is_staff(user):
        raise NotFound("页面不存在")
    return _task_form(user, db, request=request)


@router.post("/tasks", response_class=HTMLResponse)
async def task_create(request: Request, db: SessionDep, user: CurrentUser):
    """Open a task; on a refusal show the form again with the reason."""
    form = await request.form()
    data = {"year": to_int(form.get("year")), "title": str(form.get("title") or ""),
            "deadline": str(form.get("deadline") or ""), "note": str(form.get("note") or ""),
            "unit_ids": [i for i in (to_int(v) for v in form.getlist("unit_ids")) if i is not None]}
    if not access.is_staff(user):
        raise NotFound("页面不存在")
    try:
        task = service.open_task(db, user, year=data["year"], title=data["title"], deadline=data["deadline"],
                                 units=data["unit_ids"], note=data["note"])
    except ServiceError as err:
        db.rollback()
        return _task_form(user, db, form=data, error=err.message, request=request, status_code=err.status)
    return redirect(f"/tasks/{task.id}?msg=task")


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_detail(request: Request, db: SessionDep, user: CurrentUser, task_id: TaskId):
    """One task: each unit's state, its report and the report's errors and warnings."""
    t = service.task_progress(db, user, task_id)
    rows = []
    counts = {"submitted": 0, "approved": 0, "returned": 0, "late": 0}
    for u in t.units:
        if u.state in ("submitted", "late"):
            counts["submitted"] += 1
        if u.state in ("late", "overdue"):
            counts["late"] += 1
        if u.state == "returned":
            counts["returned"] += 1
        if u.report_status == "approved":
            counts["approved"] += 1
        rows.append({"p": u, "tags": _unit_tags(u.state, u.state_label, u.unconfirmed_report_id),
                     "errors": u.error_count,
                     "warnings": u.warning_count, "region": u.region})
    return render(request, "task_detail.html", user, title=t.title, nav="tasks", t=t, rows=rows, counts=counts,
                  overdue=t.overdue)



@router.get("/tasks/{task_id}/summary{suffix}")
def task_summary(db: SessionDep, user: CurrentUser, task_id: TaskId, suffix: str):
    """The task's 汇总分析报告: ``.docx`` (with charts) or ``.xlsx`` (the tables)."""
    name, data, media = service.task_summary(db, user, task_id, suffix)
    return Response(data, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=summary{suffix}; filename*=UTF-8''{quote(name)}"})


@router.get("/api/tasks/{task_id}/summary{suffix}", tags=API_TAGS, response_class=Response,
            responses={200: {"description": "汇总分析报告（.docx，含图表）或汇总表（.xlsx）"}})
def api_task_summary(db: SessionDep, user: ApiUser, task_id: TaskId, suffix: str):
    """任务的汇总分析报告：``.docx``（计数、按规则与单位的问题、执行率与得分分布、单位×年度对比，含图表）或 ``.xlsx``。"""
    return task_summary(db, user, task_id, suffix)


@router.get("/api/tasks", tags=API_TAGS)
def read_tasks(db: SessionDep, user: ApiUser) -> list[dict]:
    """任务列表，每个任务附各单位的提交情况（已提交、逾期、退回、未提交）。"""
    return [t.to_dict() for t in service.list_tasks(db, user)]


@router.post("/api/tasks", tags=API_TAGS, status_code=201)
def create_task(db: SessionDep, user: ApiUser, body: TaskIn) -> dict:
    """下达任务：年度、截止日期、单位（编号或名称）。"""
    task = service.open_task(db, user, year=body.year, title=body.title, deadline=body.deadline,
                             units=body.units, note=body.note)
    return service.task_progress(db, user, task.id).to_dict()


@router.get("/api/tasks/{task_id}", tags=API_TAGS)
def read_task(db: SessionDep, user: ApiUser, task_id: TaskId) -> dict:
    """一个任务的各单位提交情况。"""
    return service.task_progress(db, user, task_id).to_dict()
