"""对比分析: one fact or KPI for every unit × year (table, chart, CSV); and the same as JSON."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from jixiao.jsonout import decimal_text
from jixiao.store import access, service
from jixiao.store.errors import InvalidInput, NotFound
from jixiao.store.models import User
from jixiao.web.deps import ApiUser, CurrentUser, SessionDep
from jixiao.web.format import KPI_LABELS, csv_text, fmt_change, fmt_num, short_label
from jixiao.web.params import YearsQuery
from jixiao.web.render import render, to_int

router = APIRouter()
API_TAGS = ["api"]


def _compare_data(db, user: User, request: Request) -> dict[str, Any]:
    p = request.query_params
    keys = service.compare_keys(db, user)
    kpi_choices = [(k["key"], f"{KPI_LABELS.get(k['key'][4:], k['label'])}") for k in keys if k["key"].startswith("kpi.")]
    fact_choices = [(k["key"], short_label(k["label"])) for k in keys if k["key"].startswith("facts.")]
    valid = {k["key"] for k in keys}
    key = p.get("key") or ("kpi.mediation.success_rate" if "kpi.mediation.success_rate" in valid
                           else (kpi_choices[0][0] if kpi_choices else "facts.expenditure_total"))
    if key not in valid:
        key = "facts.expenditure_total"
    choices = service.filter_choices(db, user)
    years_all, regions = choices.years, choices.regions
    y_from, y_to = to_int(p.get("from")), to_int(p.get("to"))
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
    """对比分析 page: one fact or KPI, units × years, as a table and a chart."""
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
                change[u] = fmt_change(have[0], have[-1])  # exact, signed: 100 → 98.8 is -1.2
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


def _project_query(request: Request) -> dict[str, Any]:
    """The filters of the project comparison: region, years, 执行率低于 (a percent; default 80), forms only."""
    p = request.query_params
    below_raw = p.get("below", "80").strip()
    try:
        below = Decimal(below_raw) if below_raw else None
    except InvalidOperation:
        raise InvalidInput(f"执行率上限应为数字：{below_raw}") from None
    if below is not None and not (0 < below <= 1000):
        raise InvalidInput("执行率上限应在 0 到 1000 之间")
    return {"region": p.get("region") or "", "year_from": to_int(p.get("from")), "year_to": to_int(p.get("to")),
            "below": below, "forms_only": p.get("forms") == "1"}


def _projects(db, user: User, q: dict[str, Any]) -> dict[str, Any]:
    years_all = service.filter_choices(db, user).years
    years = [y for y in years_all if (q["year_from"] is None or y >= q["year_from"])
             and (q["year_to"] is None or y <= q["year_to"])]
    return service.compare_projects(db, user, years=years if (q["year_from"] or q["year_to"]) else None,
                                    region=q["region"] or None, below=q["below"], forms_only=q["forms_only"])


@router.get("/compare/projects", response_class=HTMLResponse)
def compare_projects_page(request: Request, db: SessionDep, user: CurrentUser):
    """项目对比: the projects of the reports a reviewer sees, lowest execution rate first (e.g. every
    project below 80% in a region)."""
    if not access.is_staff(user):
        raise NotFound("页面不存在")
    q = _project_query(request)
    res = _projects(db, user, q)
    choices = service.filter_choices(db, user)
    rows = [{**r, "budget_d": fmt_num(r["budget"]) if r["budget"] is not None else "—",
             "budget_full_d": fmt_num(r["budget_full"]) if r["budget_full"] is not None else "—",
             "actual_d": fmt_num(r["actual"]) if r["actual"] is not None else "—",
             "rate_d": f"{fmt_num(r['rate'])}%" if r["rate"] is not None else "—",
             "rate_initial_d": f"{fmt_num(r['rate_initial'])}%" if r["rate_initial"] is not None else "—"}
            for r in res["rows"]]
    return render(request, "compare_projects.html", user, title="项目对比", nav="compare", rows=rows,
                  total=res["total"], years=sorted(choices.years), regions=choices.regions, **q)


@router.get("/api/compare/projects", tags=API_TAGS)
def read_compare_projects(request: Request, db: SessionDep, user: ApiUser, region: str | None = None,
                          below: str | None = "80", forms: str | None = None) -> dict:
    """项目对比：各报告的项目及其执行率（实际支出 ÷ 全年预算），由低到高；below=执行率上限（%），forms=1 只取自评表的项目。"""
    res = _projects(db, user, _project_query(request))
    return {**res, "below": decimal_text(res["below"]) if res["below"] is not None else None,
            "rows": [{**r, **{k: float(r[k]) if r[k] is not None else None for k in ("rate", "rate_initial")}}
                     for r in res["rows"]]}


@router.get("/compare.csv")
def compare_csv(request: Request, db: SessionDep, user: CurrentUser):
    """The comparison table as CSV (UTF-8 with BOM, for Excel and WPS)."""
    if not access.is_staff(user):
        raise NotFound("页面不存在")
    c = _compare_data(db, user, request)
    res = c["res"]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["单位", *[f"{y}年" for y in res["years"]]])
    for u in res["units"]:
        row = res["cells"].get(u, {})
        w.writerow([csv_text(u), *[(row.get(y) or {}).get("value", "") for y in res["years"]]])
    data = "\ufeff" + buf.getvalue()  # BOM: Excel/WPS open UTF-8 CSV correctly
    return Response(data.encode("utf-8"), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename=compare.csv; filename*=UTF-8''{quote(c['label'] + '_对比.csv')}"})



@router.get("/api/compare/keys", tags=API_TAGS)
def read_compare_keys(db: SessionDep, user: ApiUser) -> list[dict]:
    """可对比的事实和绩效指标。"""
    return service.compare_keys(db, user)


@router.get("/api/compare", tags=API_TAGS)
def read_compare(db: SessionDep, user: ApiUser, key: str, region: str | None = None,
                 years: YearsQuery = None) -> dict:
    """对比分析：一个事实或指标，各单位 × 各年度。"""
    return service.compare(db, user, key, years=years, region=region)
