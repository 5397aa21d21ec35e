"""首页: counts by status, findings by rule (table and chart), reports needing attention; and the same
figures as JSON (``/api/dashboard``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from jixiao.store import service
from jixiao.store.models import User
from jixiao.web.deps import ApiUser, CurrentUser, SessionDep
from jixiao.web.render import render

router = APIRouter()
API_TAGS = ["api"]


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



@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: SessionDep, user: CurrentUser):
    """首页: counts by status, findings by rule, reports needing attention, open tasks."""
    dash = service.dashboard(db, user, attention_limit=15)
    codes = service.rule_codes()
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



@router.get("/api/dashboard", tags=API_TAGS)
def read_dashboard(db: SessionDep, user: ApiUser) -> dict:
    """首页统计：各状态数量、按规则的审核发现、需要关注的报告。"""
    return service.dashboard(db, user)
