"""The home page's figures (reports by status, findings by rule, reports needing attention) and the
comparison of one fact or KPI across units and years, as SQL over the summary tables."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, load_only, selectinload

from jixiao.model import FACT_LABELS
from jixiao.review import INTERNAL_ERROR, INTERNAL_ERROR_TITLE, RULES
from jixiao.review.registry import INTERNAL_ERROR_CODE
from jixiao.store import access, filing
from jixiao.store.errors import InvalidInput
from jixiao.store.models import ANALYSIS, STATUSES, FindingCount, Report, ReportValue, User
from jixiao.store.reports import LIST_COLUMNS, report_row
from jixiao.store.submission import counted_clause
from jixiao.store.values import TEXT_FACTS, apply_corrections, number_cell, stored_decimal


def rule_titles() -> dict[str, str]:
    """Chinese titles of the review rules, by rule id (``internal-error`` included)."""
    return {**{rid: r.title for rid, r in RULES.items()}, INTERNAL_ERROR: INTERNAL_ERROR_TITLE,
            filing.RULE: filing.TITLE}


def rule_codes() -> dict[str, str]:
    """The short codes of the review rules (J101 …), by rule id."""
    return {**{rid: r.code for rid, r in RULES.items()}, INTERNAL_ERROR: INTERNAL_ERROR_CODE,
            filing.RULE: filing.CODE}


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
    attention_stmt = (select(*LIST_COLUMNS).where(vis, or_(
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
    ``years``, ``units`` and ``cells`` ({unit: {year: {"value", "report_id"}}}). A report whose content
    does not match the unit or task it was filed under (归属不符, not confirmed) is left out, so one
    unit's figures never show under another unit or year."""
    if not re.match(r"^(facts|kpi)\.[\w.]+$", key or ""):
        raise InvalidInput(f"无法对比的字段：{key}")
    stmt = (select(Report.unit_name, Report.fiscal_year, Report.id, ReportValue.num, ReportValue.unit)
            .join(ReportValue, ReportValue.report_id == Report.id)
            .where(access.visible_clause(actor), ReportValue.key == key, ReportValue.num.is_not(None),
                   Report.analysis == "done", Report.unit_name.is_not(None), Report.fiscal_year.is_not(None),
                   counted_clause())
            .order_by(Report.id))
    if years:
        stmt = stmt.where(Report.fiscal_year.in_([int(y) for y in years if 0 <= int(y) <= 9999]))  # others match nothing
    if region:
        stmt = stmt.where(or_(Report.province == region, Report.city == region, Report.county == region))
    cells: dict[str, dict[int, dict]] = {}
    unit_of_measure = ""
    for unit_name, year, rid, num, unit in db.execute(stmt):
        cells.setdefault(unit_name, {})[year] = {"value": number_cell(num), "report_id": rid}
        unit_of_measure = unit or unit_of_measure
    label = next((k["label"] for k in compare_keys(db, actor) if k["key"] == key), key)
    return {"key": key, "label": label, "unit": unit_of_measure,
            "years": sorted({y for row in cells.values() for y in row}), "units": sorted(cells), "cells": cells}


PROJECT_CHUNK = 200  # reports whose extracted JSON is held at once


def compare_projects(db: Session, actor: User, *, years: list[int] | None = None, region: str | None = None,
                     below: Decimal | None = None, forms_only: bool = False, limit: int = 2000) -> dict[str, Any]:
    """项目对比: every project item of the reports ``actor`` sees (effective values, corrections applied)
    with its execution rate = 实际支出 ÷ (年初预算 + 调整) (the 全年/调整后预算 when the report gives an
    adjustment, else the 年初预算; ``rate_initial`` on the 年初预算), lowest first; ``below``: only rates under it (80 → 执行率低于80%);
    ``forms_only``: only the projects of 项目支出绩效自评表. A project without a budget or an actual has
    no rate and is listed only when no ``below`` is asked. Reports filed under the wrong unit or year
    are left out, as in :func:`compare`."""
    stmt = (select(Report.id).where(access.visible_clause(actor), Report.analysis == "done", counted_clause())
            .order_by(Report.id))
    if years:
        stmt = stmt.where(Report.fiscal_year.in_([int(y) for y in years if 0 <= int(y) <= 9999]))
    if region:
        stmt = stmt.where(or_(Report.province == region, Report.city == region, Report.county == region))
    ids = list(db.scalars(stmt))
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), PROJECT_CHUNK):
        chunk = (select(Report).where(Report.id.in_(ids[start:start + PROJECT_CHUNK]))
                 .options(load_only(Report.id, Report.unit_name, Report.fiscal_year, Report.extracted),
                          selectinload(Report.corrections)))
        for report in db.scalars(chunk):
            data = apply_corrections(report.extracted, report.corrections).data
            forms = {p.get("name") for p in data.get("projects") or [] if p.get("kind", "project") == "project"}
            for item in data.get("project_items") or []:
                if forms_only and item.get("name") not in forms:
                    continue
                row = _project_row(report, item, item.get("name") in forms)
                if below is not None and (row["rate"] is None or row["rate"] >= below):
                    continue
                rows.append(row)
            db.expunge(report)
    rows.sort(key=lambda r: (r["rate"] is None, r["rate"] if r["rate"] is not None else 0, r["unit_name"] or "",
                             r["name"]))
    return {"rows": rows[:limit], "total": len(rows), "below": below, "forms_only": forms_only}


def _project_row(report: Report, item: dict, from_form: bool) -> dict[str, Any]:
    budget, adjustment, actual = (stored_decimal(item.get(k)) for k in ("budget", "adjustment", "actual"))
    base = budget + adjustment if budget is not None and adjustment is not None else budget
    def pct(b: Decimal | None) -> Decimal | None:
        return (actual / b * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) \
            if b is not None and actual is not None and b > 0 else None

    rate = pct(base)
    return {"rate_initial": pct(budget) if adjustment is not None else rate,"report_id": report.id, "unit_name": report.unit_name, "fiscal_year": report.fiscal_year,
            "name": item.get("name") or "", "budget": _cell(budget), "budget_full": _cell(base),
            "actual": _cell(actual), "rate": rate, "from_form": from_form}


def _cell(v: Decimal | None) -> int | float | None:
    return None if v is None else number_cell(v)
