"""The Chinese server-rendered pages (Jinja2, autoescape on) of the review workspace.

Routes (every one checks the session user; permissions are enforced by ``jixiao.store.service``):

* ``/login`` (GET, POST), ``/logout`` (POST);
* ``/`` 首页: counts by status, findings by rule (table + chart), reports needing attention;
* ``/tasks``, ``/tasks/new``, ``/tasks/{id}`` 任务下达 (a unit user sees the tasks addressed to it);
* ``/upload`` 上传 (GET page; POST one file per request, JSON answer, used by the page's XHR);
* ``/reports`` 报告列表 (filters, sort, paging), ``/reports/export.xlsx`` (the current filtered list);
* ``/reports/{id}`` 报告详情: text with every value and finding highlighted, values, findings, score
  card, corrections (``POST /reports/{id}/correct``), workflow (``POST /reports/{id}/status``);
* ``/reports/{id}/original`` the file as uploaded;
* ``/compare`` 对比分析 (units × years table and chart; ``/compare.csv``);
* ``/users`` 用户管理 (admin).

The report text is untrusted: :func:`highlight` escapes every character of it and builds the
``<mark>`` elements itself from the evidence offsets; templates never mark report data as safe.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from jixiao.jsonout import decimal_text
from jixiao.store import access, service
from jixiao.store.errors import ConflictError, NotFound, ServiceError, UploadRejected
from jixiao.store.models import ANALYSIS, ROLES, STATUSES, User
from jixiao.store.values import ITEM_ATTRS, field_label
from jixiao.web import security
from jixiao.web.deps import CurrentUser, OptionalUser, SessionDep

router = APIRouter(include_in_schema=False)
TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))  # .html → autoescape on

SEVERITIES = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ORDER = ("error", "warning", "info")
BEIJING = timezone(timedelta(hours=8))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 30
CONFLICT = "该报告已被他人修改，请刷新后重试"

# Chinese names of the 司法行政 KPI pack (spec/facts.md); a KPI not listed shows its id.
KPI_LABELS = {
    "mediation.cases": "调解矛盾纠纷数", "mediation.succeeded": "调解成功数",
    "mediation.success_rate": "调解成功率", "legal_aid.cases": "法律援助案件受理数",
    "legal_aid.target": "法律援助任务数", "legal_aid.closed": "法律援助结案数",
    "legal_consultations": "法律咨询人次", "community_correction.registered": "在册社区矫正对象",
    "community_correction.received": "累计接收社区矫正对象", "community_correction.released": "解除矫正",
    "community_correction.probation": "缓刑", "community_correction.parole": "假释",
    "community_correction.temporary_release": "暂予监外执行", "community_correction.surveillance": "管制",
    "resettlement.registered": "安置帮教对象", "admin_review.received": "行政复议申请数",
    "admin_review.accepted": "行政复议受理数", "admin_review.closed": "行政复议办结数",
    "admin_litigation.cases": "行政应诉案件数", "admin_litigation.closed": "行政诉讼审结数",
    "legality_review.opinions": "合法性审查意见数", "normative_documents.reviewed": "规范性文件审查数",
    "publicity.events": "普法宣传活动场次", "publicity.materials": "发放宣传资料份数",
    "notarization.cases": "公证业务数", "forensic.cases": "司法鉴定业务数", "arbitration.cases": "仲裁案件数",
    "hotline.calls": "热线咨询量", "law_enforcement.certified_officers": "持证执法人员数",
}
REPORT_KINDS = {"self_evaluation": "部门整体支出绩效自评报告", "project_self_evaluation": "项目支出绩效自评报告",
                "evaluation": "绩效评价报告", "final_accounts": "决算报告", "budget": "预算报告"}
MESSAGES = {
    "corrected": ("ok", "已保存更正，修改记录已追加。"),
    "status": ("ok", "审核状态已更新。"),
    "task": ("ok", "任务已下达。"),
    "login": ("ok", "已登录。"),
}
# button label and style of each workflow move (from, to)
TRANSITION_LABELS = {
    ("pending", "in_review"): ("开始审核", ""), ("returned", "in_review"): ("开始审核", ""),
    ("approved", "in_review"): ("撤销通过，重新审核", ""), ("in_review", "pending"): ("退回待审核", ""),
    ("returned", "pending"): ("重新提交（待审核）", ""),
}
TRANSITION_DEFAULT = {"returned": ("退回修改", "danger"), "approved": ("审核通过", "ok"),
                      "in_review": ("开始审核", ""), "pending": ("待审核", "")}


# --- formatting ------------------------------------------------------------------------------------

def _aware(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=BEIJING)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def fmt_dt(value: Any) -> str:
    """Beijing time ``2025-04-18 14:05`` from a datetime or ISO string (naive = UTC)."""
    dt = _aware(value)
    return dt.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if dt else ""


def fmt_num(value: Any, grouping: bool = True) -> str:
    """A number as written (no float noise, no trailing zeros), with thousands separators."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal)):
        try:
            text = decimal_text(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
        if not grouping:
            return text
        sign, _, rest = text.rpartition("-")
        whole, dot, frac = rest.partition(".")
        return f"{sign}{int(whole):,}{dot}{frac}" if whole.isdigit() else text
    return str(value)


def fmt_val(value: Any) -> str:
    """A stored (corrected) value for the change log; None is “空”."""
    if value is None:
        return "（空）"
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return fmt_num(value)
    return str(value)


def static_url(path: str) -> str:
    """``/static/<path>?v=<mtime>`` so browsers reload changed assets."""
    try:
        v = int((STATIC_DIR / path).stat().st_mtime)
    except OSError:
        v = 0
    return f"/static/{path}?v={v}"


templates.env.filters.update(dt=fmt_dt, num=fmt_num, val=fmt_val)
templates.env.globals.update(static=static_url, ROLES=ROLES, STATUSES=STATUSES, ANALYSIS=ANALYSIS,
                             SEVERITIES=SEVERITIES, field_label=field_label)


# --- rendering -------------------------------------------------------------------------------------

def _flash(request: Request) -> dict | None:
    code = request.query_params.get("msg")
    if code in MESSAGES:
        kind, text = MESSAGES[code]
        return {"kind": kind, "text": text}
    return None


def render(request: Request, name: str, user: User | None, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    ctx.setdefault("title", "")
    ctx.setdefault("nav", "")
    ctx.setdefault("flash", _flash(request))
    ctx.update(user=user, csrf_token=security.csrf_token(request))
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


ERROR_HEADINGS = {400: "请求有误", 403: "无权操作", 404: "页面不存在", 409: "数据已变化", 413: "文件过大",
                  422: "请求参数无效"}


def render_error(request: Request, status: int, detail: str) -> Response:
    """The error page (used by ``app.py`` for errors of page routes)."""
    user = getattr(request.state, "user", None)
    heading = ERROR_HEADINGS.get(status, "出错了")
    if user is None:
        body = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(heading)}</title>'
                f'<link rel="stylesheet" href="{static_url("app.css")}"></head><body class="login">'
                f'<div class="loginbox"><h1>{escape(heading)}</h1><p>{escape(detail)}</p>'
                f'<p><a class="btn primary" href="/login">登录</a></p></div></body></html>')
        return HTMLResponse(body, status_code=status)
    return render(request, "error.html", user, status_code=status, title=heading, heading=heading,
                  message=detail)


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


# --- highlighting ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    """One span to highlight: ``[start, end)`` of the text, the id of the thing it is evidence for
    (``f-budget``, ``m-3``, ``p-0``, ``x-2``), a tooltip label, and for findings the severity."""

    start: int
    end: int
    ref: str
    label: str = ""
    severity: str | None = None


_SEV_CLASS = {"error": "fe", "warning": "fw", "info": "fi"}


def highlight(text: str, marks: list[Mark]) -> Markup:
    """The whole text, HTML-escaped, with every mark wrapped in ``<mark>``.

    Overlapping and nested spans are handled by cutting the text at every span boundary: each piece
    covered by at least one span becomes one ``<mark>`` listing every span that covers it
    (``data-ev="f-budget x-0"``, values first), so the markup stays well-formed whatever the overlaps.
    Spans outside the text or empty are ignored. Everything, the text and the tooltip labels alike, is
    escaped: the report text is untrusted input."""
    n = len(text)
    starts: dict[int, list[Mark]] = {}
    ends: dict[int, list[Mark]] = {}
    for m in marks:
        s, e = max(0, min(n, int(m.start))), max(0, min(n, int(m.end)))
        if e > s:
            starts.setdefault(s, []).append(m)
            ends.setdefault(e, []).append(m)
    if not starts:
        return Markup(escape(text))
    cuts = sorted({0, n, *starts, *ends})
    active: dict[Mark, int] = {}
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        for m in ends.get(a, ()):
            if active.get(m, 0) <= 1:
                active.pop(m, None)
            else:
                active[m] -= 1
        for m in starts.get(a, ()):
            active[m] = active.get(m, 0) + 1
        piece = escape(text[a:b])
        if not active:
            out.append(piece)
            continue
        refs: list[str] = []
        labels: list[str] = []
        sev = None
        has_value = False
        for m in active:
            if m.ref not in refs:
                refs.append(m.ref)
            if m.label and m.label not in labels:
                labels.append(m.label)
            if m.severity:
                s = m.severity if m.severity in SEVERITY_ORDER else "info"
                if sev is None or SEVERITY_ORDER.index(s) < SEVERITY_ORDER.index(sev):
                    sev = s
            else:
                has_value = True
        cls = ["ev"]
        if not has_value:
            cls.append("f-only")
        if sev:
            cls.append(_SEV_CLASS[sev])
        refs.sort(key=lambda r: r.startswith("x-"))  # a click goes to the value before the finding
        out.append(f'<mark class="{" ".join(cls)}" data-ev="{escape(" ".join(refs))}" '
                   f'title="{escape("；".join(labels))}">{piece}</mark>')
    return Markup("".join(out))


# --- login -----------------------------------------------------------------------------------------

def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUser, next: str = "/"):
    if user is not None:
        return _redirect(_safe_next(next))
    return templates.TemplateResponse(request, "login.html", {
        "csrf_token": security.csrf_token(request), "next": _safe_next(next), "error": None, "username": ""})


@router.post("/login", response_class=HTMLResponse)
def login_submit(request: Request, db: SessionDep, username: Annotated[str, Form()] = "",
                 password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/"):
    user = service.authenticate(db, username, password)
    if user is None:
        return templates.TemplateResponse(request, "login.html", {
            "csrf_token": security.csrf_token(request), "next": _safe_next(next), "username": username,
            "error": "用户名或密码错误"}, status_code=401)
    security.login(request, user)
    return _redirect(_safe_next(next))


@router.post("/logout")
def logout(request: Request):
    security.logout(request)
    return _redirect("/login")


# --- home ------------------------------------------------------------------------------------------

def _attention(db, user: User, dash: dict) -> list[dict]:
    """Reports needing attention: failed analyses and reports with errors (from the dashboard), reports
    returned for revision, and (for reviewers) units late with a task."""
    out: list[dict] = []
    seen: set[int] = set()
    for r in dash["attention"]:
        tags = [("分析失败", "failed")] if r["analysis"] == "failed" else []
        if r["error_count"]:
            tags.append((f"{r['error_count']} 处错误", "error"))
        out.append({"report_id": r["id"], "unit": r["unit_name"] or r["filename"], "year": r["fiscal_year"],
                    "status": r["status"], "errors": r["error_count"], "warnings": r["warning_count"], "tags": tags})
        seen.add(r["id"])
    returned = service.list_reports(db, user, service.ReportQuery(status="returned", per_page=10))
    for r in returned.items:
        if r.id in seen:
            continue
        out.append({"report_id": r.id, "unit": r.unit_name or r.filename, "year": r.fiscal_year,
                    "status": r.status, "errors": r.error_count, "warnings": r.warning_count,
                    "tags": [("已退回修改", "warning")]})
        seen.add(r.id)
    for t in service.list_tasks(db, user):
        for u in t.units:
            if u.state in ("overdue", "late"):
                label = "逾期未交" if u.state == "overdue" else "逾期提交"
                if u.report_id in seen and u.report_id is not None:
                    continue
                out.append({"report_id": u.report_id, "task_id": t.id, "unit": u.unit_name, "year": t.year,
                            "status": u.report_status, "errors": None, "warnings": None,
                            "tags": [(f"{label}（截止 {t.deadline}）", "late")]})
    return out[:30]


def _rule_codes() -> dict[str, str]:
    import jixiao.review.rules  # noqa: F401 - registers the rules
    from jixiao.review.registry import RULES

    return {rid: r.code for rid, r in RULES.items()}


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: SessionDep, user: CurrentUser):
    dash = service.dashboard(db, user, attention_limit=15)
    codes = _rule_codes()
    by_rule = [{"rule": x["rule"], "code": codes.get(x["rule"], ""), "title": x["title"], "severity": x["severity"],
                "count": x["findings"], "reports": x["reports"]} for x in dash["findings_by_rule"]]
    with_errors = service.list_reports(db, user, service.ReportQuery(severity="error", per_page=1)).total
    sev_colors = {"error": "#c62828", "warning": "#e39b1b", "info": "#1565c0"}
    top = list(reversed(by_rule[:10]))
    rule_chart = {
        "animation": False,
        "grid": {"left": 8, "right": 30, "top": 6, "bottom": 6, "containLabel": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "value", "minInterval": 1, "splitLine": {"lineStyle": {"color": "#eef0f3"}}},
        "yAxis": {"type": "category", "data": [x["title"] for x in top], "axisLabel": {"fontSize": 11},
                  "axisTick": {"show": False}},
        "series": [{"type": "bar", "name": "涉及报告", "barMaxWidth": 14, "label": {"show": True, "position": "right"},
                    "data": [{"value": x["reports"], "itemStyle": {"color": sev_colors.get(x["severity"], "#0b4f9c")}}
                             for x in top]}],
    }
    tasks = [] if user.role == "unit" else [
        {"id": t.id, "title": t.title, "year": t.year, "deadline": t.deadline, "units": len(t.units),
         "submitted": sum(1 for u in t.units if u.state in ("submitted", "late")),
         "late": sum(1 for u in t.units if u.state in ("overdue", "late")),
         "returned": t.counts.get("returned", 0)}
        for t in service.list_tasks(db, user)[:8]]
    if user.role == "unit":
        scope = f"{user.unit.name if user.unit else ''} 的报告"
    elif user.role == "reviewer" and user.region:
        scope = f"{user.region} 范围内的报告"
    else:
        scope = "全部报告"
    return render(request, "home.html", user, title="首页", nav="home", total=dash["total"],
                  by_status={s["status"]: s["count"] for s in dash["status_counts"]}, with_errors=with_errors,
                  by_rule=by_rule, rule_chart=rule_chart, attention=_attention(db, user, dash),
                  open_tasks=tasks, scope_label=scope)


# --- tasks -----------------------------------------------------------------------------------------

def _unit_tags(state: str, label: str) -> list[tuple[str, str]]:
    cls = {"submitted": "st-approved", "late": "late", "returned": "st-returned", "missing": "st-pending",
           "overdue": "late"}.get(state, "")
    return [(label, cls)]


@router.get("/tasks", response_class=HTMLResponse)
def tasks_page(request: Request, db: SessionDep, user: CurrentUser):
    rows = []
    for t in service.list_tasks(db, user):
        units = t.units
        mine = [_unit_tags(u.state, u.state_label)[0] for u in units] if user.role == "unit" else []
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
    if not access.is_staff(user):
        raise NotFound("页面不存在")
    return _task_form(user, db, request=request)


@router.post("/tasks", response_class=HTMLResponse)
async def task_create(request: Request, db: SessionDep, user: CurrentUser):
    form = await request.form()
    data = {"year": _int(form.get("year")), "title": str(form.get("title") or ""),
            "deadline": str(form.get("deadline") or ""), "note": str(form.get("note") or ""),
            "unit_ids": [i for i in (_int(v) for v in form.getlist("unit_ids")) if i is not None]}
    if not access.is_staff(user):
        raise NotFound("页面不存在")
    try:
        task = service.open_task(db, user, year=data["year"], title=data["title"], deadline=data["deadline"],
                                 units=data["unit_ids"], note=data["note"])
    except ServiceError as err:
        db.rollback()
        return _task_form(user, db, form=data, error=err.message, request=request, status_code=err.status)
    return _redirect(f"/tasks/{task.id}?msg=task")


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_detail(request: Request, db: SessionDep, user: CurrentUser, task_id: int):
    from sqlalchemy import select

    from jixiao.store.models import Report, Unit

    t = service.task_progress(db, user, task_id)
    ids = [u.report_id for u in t.units if u.report_id]
    issues = {rid: (e, w) for rid, e, w in db.execute(
        select(Report.id, Report.error_count, Report.warning_count).where(Report.id.in_(ids)))} if ids else {}
    units = {u.id: u for u in db.scalars(select(Unit).where(Unit.id.in_([u.unit_id for u in t.units])))}
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
        unit = units.get(u.unit_id)
        errors, warnings = issues.get(u.report_id, (None, None))
        rows.append({"p": u, "tags": _unit_tags(u.state, u.state_label), "errors": errors, "warnings": warnings,
                     "region": " ".join(x for x in (unit.city, unit.county) if x) if unit else ""})
    return render(request, "task_detail.html", user, title=t.title, nav="tasks", t=t, rows=rows, counts=counts,
                  overdue=t.overdue)


# --- upload ----------------------------------------------------------------------------------------

@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, db: SessionDep, user: CurrentUser, task_id: str | None = None):
    from jixiao.store.analysis import max_upload_bytes

    recent = service.list_reports(db, user, service.ReportQuery(per_page=10, sort="-date")).items
    tasks = service.list_tasks(db, user)
    return render(request, "upload.html", user, title="上传报告", nav="upload", tasks=tasks,
                  task_id=_int(task_id), recent=recent, max_mb=round(max_upload_bytes() / 2**20))


@router.post("/upload")
async def upload_one(request: Request, db: SessionDep, user: CurrentUser,
                     file: Annotated[UploadFile, File()], task_id: Annotated[str | None, Form()] = None):
    """One file per request (the page sends each file separately and shows each result). Answers JSON
    ``{ok, filename, report_id, url, summary | error}``; without JavaScript, redirects to the report."""
    from jixiao.store.analysis import max_upload_bytes

    limit = max_upload_bytes()
    data = await file.read(limit + 1)
    name = file.filename or ""
    tid = _int(task_id) if task_id else None
    try:
        if len(data) > limit:
            raise UploadRejected(f"文件过大，单个文件不能超过 {limit / 2**20:.0f} MB")
        result = service.upload_files(db, user, [(name, data)], task_id=tid)[0]
    except ServiceError as err:
        db.rollback()
        return JSONResponse({"ok": False, "filename": name, "error": err.message}, status_code=err.status)
    body: dict[str, Any] = {"ok": result.stored and result.analysis == "done", "filename": result.filename,
                            "report_id": result.report_id, "error": result.error}
    if result.report_id:
        body["url"] = f"/reports/{result.report_id}"
    if body["ok"]:
        who = result.unit_name or "未识别单位"
        year = f"{result.fiscal_year}年度" if result.fiscal_year else ""
        body["summary"] = f"{who}{year}：错误 {result.error_count}，警告 {result.warning_count}"
    elif result.stored:
        body["error"] = f"已保存，但分析失败：{result.error}"
    if not _wants_json(request) and body.get("url"):
        return _redirect(body["url"])
    return JSONResponse(body, status_code=200 if result.stored else 400)


# --- report list -----------------------------------------------------------------------------------

LIST_FILTERS = ("year", "region", "unit", "status", "severity", "sort", "page")


def _list_query(request: Request, user: User) -> tuple[service.ReportQuery, dict]:
    p = request.query_params
    q = {k: (p.get(k) or "").strip() for k in LIST_FILTERS}
    year = _int(q["year"])
    severity = q["severity"] if q["severity"] in ("error", "warning", "clean", "failed") else ""
    status = q["status"] if q["status"] in STATUSES else ""
    sort = q["sort"] if q["sort"].lstrip("-") in service.SORTS else ""
    unit = q["unit"] if user.role != "unit" else ""
    query = service.ReportQuery(year=year, region=q["region"] or None, unit=unit or None, status=status or None,
                                severity=severity if severity in ("error", "warning", "clean") else None,
                                analysis="failed" if severity == "failed" else None, sort=sort or "-date",
                                page=max(1, _int(q["page"]) or 1), per_page=PER_PAGE)
    shown = {"year": year, "region": q["region"], "unit": unit, "status": status, "severity": severity,
             "sort": sort or "-date"}
    return query, shown


def _page_window(page: int, pages: int) -> list[int | None]:
    keep = {1, pages, *range(page - 2, page + 3)}
    out: list[int | None] = []
    for p in range(1, pages + 1):
        if p in keep:
            out.append(p)
        elif out and out[-1] is not None:
            out.append(None)
    return out


def _filter_choices(db, user: User) -> tuple[list[int], list[str]]:
    """Years and regions present in the reports ``user`` sees (one small grouped query each)."""
    from sqlalchemy import func, select

    from jixiao.store.models import Report

    vis = access.visible_clause(user)
    years = [y for (y,) in db.execute(select(Report.fiscal_year).where(vis, Report.fiscal_year.is_not(None))
                                      .group_by(Report.fiscal_year).order_by(Report.fiscal_year.desc()))]
    regions: list[str] = []
    for col in (Report.city, Report.county):
        for (g,) in db.execute(select(col).where(vis, col.is_not(None)).group_by(col).order_by(func.min(Report.id))):
            if g and g not in regions:
                regions.append(g)
    return years, regions


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, db: SessionDep, user: CurrentUser):
    query, shown = _list_query(request, user)
    page = service.list_reports(db, user, query)
    years, regions = _filter_choices(db, user)
    base = {k: v for k, v in shown.items() if v not in (None, "")}
    if base.get("sort") == "-date":
        base.pop("sort")

    def url_with(**changes) -> str:
        params = {**base, **changes}
        params = {k: v for k, v in params.items() if v not in (None, "")}
        return "/reports" + (f"?{urlencode(params)}" if params else "")

    export_params = {k: v for k, v in base.items() if k != "page"}
    view = {"rows": page.items, "total": page.total, "page": page.page, "pages": page.pages,
            "per_page": page.per_page, "window": _page_window(page.page, page.pages)}
    return render(request, "reports.html", user, title="报告列表", nav="reports", page=view, q=shown,
                  years=years, regions=regions, url_with=url_with,
                  filtered=any(shown[k] for k in ("year", "region", "unit", "status", "severity")),
                  export_url="/reports/export.xlsx" + (f"?{urlencode(export_params)}" if export_params else ""))


@router.get("/reports/export.xlsx")
def reports_export(request: Request, db: SessionDep, user: CurrentUser):
    query, _ = _list_query(request, user)
    data = service.export_xlsx(db, user, query)
    stamp = datetime.now(BEIJING).strftime("%Y%m%d")
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=reports-{stamp}.xlsx; "
                               f"filename*=UTF-8''{quote(f'报告列表_{stamp}.xlsx')}"})


# --- report detail ---------------------------------------------------------------------------------

def _fact_unit(label: str) -> str:
    return "万元" if "万元" in label else ""


def _fact_label(label: str) -> str:
    return label.replace("（万元）", "")


def _display(value: Any, key: str = "") -> str:
    if value is None:
        return "—"
    if key == "report_kind":
        return REPORT_KINDS.get(str(value), str(value))
    if key == "fiscal_year":
        return str(value)
    return fmt_num(value)


def _metric_display(m: dict, value: Any) -> str:
    if value is None:
        return "—"
    prefix = {">=": "≥", "<=": "≤", ">": "＞", "<": "＜"}.get(m.get("comparator") or "", "")
    approx = "约" if m.get("approx") else ""
    return f"{approx}{prefix}{fmt_num(value)}{m.get('unit') or ''}"


def _rate(item: dict) -> str:
    budget, actual = item.get("budget"), item.get("actual")
    try:
        if budget and actual is not None and float(budget) > 0:
            return f"{float(actual) / float(budget) * 100:.1f}%"
    except (TypeError, ValueError):
        pass
    return ""


def detail_view(d: dict) -> dict[str, Any]:
    """The detail page's view of ``service.report_detail``: rows for facts, items, metrics and findings,
    each with a ``ref`` linking it to its highlighted evidence in the text (``text_html``)."""
    text = d.get("text") or ""
    marks: list[Mark] = []
    values = d.get("values") or []
    by_field = {v["field"]: v for v in values}

    facts = []
    for v in values:
        if v["kind"] != "fact":
            continue
        key = v["field"][len("facts."):]
        ref = f"f-{key}"
        label = _fact_label(v["label"])
        shown = _display(v["value"], key)
        for s in v.get("evidence") or []:
            marks.append(Mark(s["start"], s["end"], ref, f"{label}：{shown}{_fact_unit(v['label'])}"))
        raw = "" if v["value"] is None else (decimal_text(Decimal(str(v["value"]))) if isinstance(
            v["value"], (int, float)) and not isinstance(v["value"], bool) else str(v["value"]))
        facts.append({"ref": ref, "field": v["field"], "label": v["label"], "display": shown, "raw": raw,
                      "unit": _fact_unit(v["label"]), "corrected": v["corrected"],
                      "old": _display(v["extracted"], key), "has_evidence": bool(v.get("evidence"))})

    metrics = []
    metric_rows = [v for v in values if v["kind"] == "metric"]
    for i, (m, v) in enumerate(zip(d.get("metrics") or [], metric_rows, strict=False)):
        ref = f"m-{i}"
        kpi = m.get("kpi")
        shown = _metric_display(m, v["value"])
        for s in m.get("evidence") or []:
            marks.append(Mark(s["start"], s["end"], ref, f"{m.get('label')}：{shown}"))
        target = ""
        if m.get("target") is not None:
            cmp_ = {">=": "≥", "<=": "≤"}.get(m.get("target_comparator") or "", "")
            target = f"{cmp_}{fmt_num(m['target'])}{m.get('unit') or ''}"
        metrics.append({"ref": ref, "field": v["field"], "label": m.get("label") or "", "kpi": kpi,
                        "kpi_label": KPI_LABELS.get(kpi, kpi) if kpi else "", "display": shown,
                        "raw": fmt_num(v["value"], grouping=False), "unit": m.get("unit") or "",
                        "corrected": v["corrected"], "old": _metric_display(m, v["extracted"]), "target": target})

    items = []
    for i, it in enumerate(d.get("project_items") or []):
        ref = f"p-{i}"
        name = it.get("name") or ""
        for s in it.get("evidence") or []:
            marks.append(Mark(s["start"], s["end"], ref, f"项目：{name}"))
        cells = {}
        for attr in ITEM_ATTRS:
            row = by_field.get(f"project_items.{name}.{attr}")
            cells[attr] = {"display": fmt_num(it.get(attr)) if it.get(attr) is not None else "—",
                           "raw": fmt_num(it.get(attr), grouping=False),
                           "corrected": bool(row and row["corrected"]),
                           "old": fmt_num(row["extracted"]) if row and row["extracted"] is not None else "—"}
        items.append({"ref": ref, "name": name, "cells": cells, "rate": _rate(it),
                      "field_prefix": f"project_items.{name}"})

    titles = service.rule_titles()
    codes = _rule_codes()
    groups: dict[str, list] = {s: [] for s in SEVERITY_ORDER}
    for i, f in enumerate(d.get("findings") or []):
        sev = f.get("severity") if f.get("severity") in SEVERITY_ORDER else "info"
        ref = f"x-{i}"
        for s in f.get("evidence") or []:
            marks.append(Mark(s["start"], s["end"], ref, f"{SEVERITIES[sev]}：{f.get('message', '')}", sev))
        groups[sev].append({"ref": ref, "message": f.get("message", ""), "rule": f.get("rule", ""),
                            "title": titles.get(f.get("rule"), f.get("rule", "")), "code": codes.get(f.get("rule"), "")})
    finding_groups = [(s, SEVERITIES[s], groups[s]) for s in SEVERITY_ORDER if groups[s]]
    return {"text_html": highlight(text, marks), "facts": facts, "metrics": metrics, "items": items,
            "finding_groups": finding_groups, "info_count": len(groups["info"])}


def _transitions(d: dict) -> list[tuple[str, str, str]]:
    out = []
    for to in d.get("transitions") or []:
        label, cls = TRANSITION_LABELS.get((d["status"], to)) or TRANSITION_DEFAULT.get(to, (to, ""))
        out.append((to, label, cls))
    order = {"in_review": 0, "pending": 1, "returned": 2, "approved": 3}
    return sorted(out, key=lambda t: order.get(t[0], 9))


def _render_detail(request: Request, db, user: User, report_id: int, *, status_code: int = 200,
                   conflict: str | None = None) -> HTMLResponse:
    d = service.report_detail(db, user, report_id)
    uploader = service.get_user(db, d.get("uploaded_by")) if d.get("uploaded_by") else None
    view = detail_view(d)
    return render(request, "report_detail.html", user, status_code=status_code,
                  title=f"{d.get('unit_name') or d['filename']} · 报告详情", nav="reports", r=d,
                  uploader=(uploader.display_name or uploader.username) if uploader else None,
                  transitions=_transitions(d), can_correct=d["can_correct"], conflict=conflict,
                  score=d.get("score"), **view)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, db: SessionDep, user: CurrentUser, report_id: int):
    return _render_detail(request, db, user, report_id)


@router.get("/reports/{report_id}/original")
def report_original(db: SessionDep, user: CurrentUser, report_id: int):
    name, data = service.original_file(db, user, report_id)
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=report; filename*=UTF-8''{quote(name)}"})


@router.post("/reports/{report_id}/correct", response_class=HTMLResponse)
def report_correct(request: Request, db: SessionDep, user: CurrentUser, report_id: int,
                   field: Annotated[str, Form()] = "", new_value: Annotated[str, Form()] = "",
                   reason: Annotated[str, Form()] = "", version: Annotated[str, Form()] = "",
                   ref: Annotated[str, Form()] = ""):
    anchor = f"#ref={quote(ref)}" if ref else "#changelog"
    return _edit(request, db, user, report_id, f"/reports/{report_id}?msg=corrected{anchor}",
                 lambda: service.correct_value(db, user, report_id, field=field, value=new_value, reason=reason,
                                               version=_int(version)))


@router.post("/reports/{report_id}/status", response_class=HTMLResponse)
def report_status(request: Request, db: SessionDep, user: CurrentUser, report_id: int,
                  to_status: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "",
                  version: Annotated[str, Form()] = ""):
    return _edit(request, db, user, report_id, f"/reports/{report_id}?msg=status#review",
                 lambda: service.change_status(db, user, report_id, to=to_status, comment=comment,
                                               version=_int(version)))


def _edit(request: Request, db, user, report_id: int, then: str, action):
    """Run one edit of a report; on a conflict or a refused edit show the detail page again with
    the reason (409 for a concurrent change), else redirect to ``then``."""
    try:
        action()
    except NotFound:
        raise
    except ConflictError:
        db.rollback()
        return _render_detail(request, db, user, report_id, status_code=409, conflict=CONFLICT)
    except ServiceError as err:
        db.rollback()
        return _render_detail(request, db, user, report_id, status_code=err.status, conflict=err.message)
    return _redirect(then)


# --- comparison ------------------------------------------------------------------------------------

def _compare_data(db, user: User, request: Request) -> dict[str, Any]:
    p = request.query_params
    keys = service.compare_keys(db, user)
    kpi_choices = [(k["key"], f"{KPI_LABELS.get(k['key'][4:], k['label'])}") for k in keys if k["key"].startswith("kpi.")]
    fact_choices = [(k["key"], _fact_label(k["label"])) for k in keys if k["key"].startswith("facts.")]
    valid = {k["key"] for k in keys}
    key = p.get("key") or ("kpi.mediation.success_rate" if "kpi.mediation.success_rate" in valid
                           else (kpi_choices[0][0] if kpi_choices else "facts.expenditure_total"))
    if key not in valid:
        key = "facts.expenditure_total"
    years_all, regions = _filter_choices(db, user)
    y_from, y_to = _int(p.get("from")), _int(p.get("to"))
    years = [y for y in years_all if (y_from is None or y >= y_from) and (y_to is None or y <= y_to)]
    region = p.get("region") or ""
    res = service.compare(db, user, key, years=years if (y_from or y_to) else None, region=region or None)
    label = dict(kpi_choices + fact_choices).get(key, res["label"])
    unit = res.get("unit") or ("万元" if "万元" in res["label"] else "")
    return {"key": key, "label": label, "unit": unit, "res": res, "kpi_choices": kpi_choices,
            "fact_choices": fact_choices, "years": sorted(years_all), "regions": regions, "region": region,
            "year_from": y_from, "year_to": y_to, "chart": "bar" if p.get("chart") == "bar" else "line"}


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, db: SessionDep, user: CurrentUser):
    if not access.is_staff(user):
        raise NotFound("页面不存在")
    c = _compare_data(db, user, request)
    res = c["res"]
    table = None
    option = None
    if res["units"]:
        cells = {}
        change = {}
        for u in res["units"]:
            row = res["cells"].get(u, {})
            for y in res["years"]:
                cell = row.get(y) or row.get(str(y))
                if cell:
                    cells[(u, y)] = {"display": fmt_num(cell["value"]), "report_id": cell["report_id"],
                                     "value": cell["value"]}
            have = [cells[(u, y)]["value"] for y in res["years"] if (u, y) in cells]
            if len(have) >= 2:
                diff = have[-1] - have[0]
                change[u] = ("+" if diff > 0 else "") + fmt_num(round(diff, 4))
        table = {"units": res["units"], "years": res["years"], "cells": cells, "change": change}
        kind = c["chart"]
        option = {
            "animation": False,
            "color": ["#0b4f9c", "#c62828", "#2e7d32", "#e39b1b", "#6a1b9a", "#00838f", "#5d4037", "#ad1457",
                      "#455a64", "#9e9d24"],
            "tooltip": {"trigger": "axis"},
            "legend": {"type": "scroll", "bottom": 0},
            "grid": {"left": 10, "right": 20, "top": 30, "bottom": 40, "containLabel": True},
            "xAxis": {"type": "category", "data": [f"{y}年" for y in res["years"]],
                      "boundaryGap": True},
            "yAxis": {"type": "value", "name": c["unit"], "scale": kind == "line",
                      "splitLine": {"lineStyle": {"color": "#eef0f3"}}},
            "series": [{"name": u, "type": kind, "connectNulls": True, "symbolSize": 8, "showSymbol": True,
                        "barMaxWidth": 22,
                        "data": [cells[(u, y)]["value"] if (u, y) in cells else None for y in res["years"]]}
                       for u in res["units"][:30]],
        }
    csv_params = {k: v for k, v in request.query_params.items() if k in ("key", "region", "from", "to")}
    csv_params.setdefault("key", c["key"])
    return render(request, "compare.html", user, title="对比分析", nav="compare", key=c["key"],
                  key_label=c["label"], unit_label=c["unit"], kpi_choices=c["kpi_choices"],
                  fact_choices=c["fact_choices"], years=c["years"], regions=c["regions"], region=c["region"],
                  year_from=c["year_from"], year_to=c["year_to"], chart=c["chart"], table=table,
                  chart_option=option, csv_url="/compare.csv?" + urlencode(csv_params))


@router.get("/compare.csv")
def compare_csv(request: Request, db: SessionDep, user: CurrentUser):
    if not access.is_staff(user):
        raise NotFound("页面不存在")
    c = _compare_data(db, user, request)
    res = c["res"]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["单位", *[f"{y}年" for y in res["years"]]])
    for u in res["units"]:
        row = res["cells"].get(u, {})
        w.writerow([_csv_text(u), *[(row.get(y) or {}).get("value", "") for y in res["years"]]])
    data = "\ufeff" + buf.getvalue()  # BOM: Excel/WPS open UTF-8 CSV correctly
    return Response(data.encode("utf-8"), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename=compare.csv; filename*=UTF-8''{quote(c['label'] + '_对比.csv')}"})


def _csv_text(s: str) -> str:
    """Untrusted text in a CSV cell: a leading = + - @ would be a formula in a spreadsheet."""
    return "'" + s if s[:1] in ("=", "+", "-", "@") else s


# --- users (admin) ---------------------------------------------------------------------------------

@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, db: SessionDep, user: CurrentUser):
    if user.role != "admin":
        raise NotFound("页面不存在")
    return render(request, "users.html", user, title="用户管理", nav="users", users=service.list_users(db, user))


__all__ = ["KPI_LABELS", "Mark", "detail_view", "highlight", "render_error", "router"]
