"""Flat export: one row per report (facts as columns, spec/facts.md names), the metrics in long
form, and the projects of 项目支出绩效自评表 at three levels (one row per project, per money row, per
indicator row), to .xlsx (one sheet each) or .csv (NAME.csv, NAME_metrics.csv, NAME_projects.csv,
NAME_project_funds.csv, NAME_project_indicators.csv)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from jixiao.jsonout import decimal_text
from jixiao.model import FACT_KEYS, FACT_LABELS, Report

METRIC_COLUMNS = ["source", "unit_name", "fiscal_year", "label", "kpi", "value", "unit", "approx",
                  "comparator", "target", "evidence"]


def _cell(v):
    if isinstance(v, Decimal):
        return float(v) if v != v.to_integral_value() else int(v)
    return v


def fact_rows(reports: list[Report]) -> list[list]:
    """One row per report: the source and every stated fact (header row first)."""
    rows = [["source", *FACT_KEYS]]
    for r in reports:
        rows.append([r.source, *(_cell(r.fact_value(k)) if k in r.facts and not r.facts[k].computed else None
                                 for k in FACT_KEYS)])
    return rows


def metric_rows(reports: list[Report]) -> list[list]:
    """One row per metric of every report (header row first)."""
    rows = [METRIC_COLUMNS]
    for r in reports:
        for m in r.metrics:
            rows.append([r.source, r.fact_value("unit_name"), r.fact_value("fiscal_year"), m.label, m.kpi,
                         _cell(m.value), m.unit, m.approx, m.comparator, _cell(m.target),
                         m.evidence[0].text if m.evidence else ""])
    return rows


PROJECT_COLUMNS = ["source", "unit_name", "fiscal_year", "project", "code", "supervising", "implementing",
                   "total_score", "evidence", "goal_planned", "goal_actual", "conclusion", "problems", "measures",
                   "leader", "finance_leader", "kind"]
FUND_COLUMNS = ["source", "project", "label", "budget", "budget_full", "actual", "rate", "weight", "score", "evidence"]
INDICATOR_COLUMNS = ["source", "project", "label", "comparator", "target", "actual", "unit", "weight", "score",
                     "reason", "evidence", "target_text", "actual_text", "level1", "level2"]


def project_rows(reports: list[Report]) -> dict[str, list[list]]:
    """The projects of the reports at three levels, each a table with its header row first."""
    projects, funds, indicators = [PROJECT_COLUMNS], [FUND_COLUMNS], [INDICATOR_COLUMNS]
    for r in reports:
        for p in r.projects:
            ev = p.evidence[0].text if p.evidence else ""
            projects.append([r.source, r.fact_value("unit_name"), r.fact_value("fiscal_year"), p.name, p.code,
                             p.supervising, p.implementing, _cell(p.total_score), ev,
                             *(getattr(p, k) for k in PROJECT_COLUMNS[9:])])
            for f in p.funds:
                funds.append([r.source, p.name, f.label, *(_cell(getattr(f, k)) for k in FUND_COLUMNS[3:-1]),
                              f.evidence[0].text if f.evidence else ""])
            for i in p.indicators:
                indicators.append([r.source, p.name, i.label, i.comparator, _cell(i.target), _cell(i.actual), i.unit,
                                   _cell(i.weight), _cell(i.score), i.reason,
                                   i.evidence[0].text if i.evidence else "", i.target_text, i.actual_text,
                                   i.level1, i.level2])
    return {"projects": projects, "project_funds": funds, "project_indicators": indicators}


def export_reports(reports: list[Report], path: Path) -> None:
    """Write the reports to ``path``: .csv (facts, plus NAME_metrics.csv) or .xlsx (two sheets)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        _write_csv(path, fact_rows(reports))
        _write_csv(path.with_name(path.stem + "_metrics.csv"), metric_rows(reports))
        for name, rows in project_rows(reports).items():
            _write_csv(path.with_name(f"{path.stem}_{name}.csv"), rows)
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = "facts"
        header = fact_rows(reports)
        ws.append(["来源", *(FACT_LABELS[k] for k in FACT_KEYS)])
        for row in header:
            ws.append(row)
        ws2 = wb.create_sheet("metrics")
        for row in metric_rows(reports):
            ws2.append(row)
        for name, rows in project_rows(reports).items():
            ws3 = wb.create_sheet(name)
            for row in rows:
                ws3.append(row)
        wb.save(path)


def _write_csv(path: Path, rows: list[list]) -> None:
    # utf-8-sig so that Excel on Chinese Windows opens it correctly
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        for row in rows:
            w.writerow([decimal_text(v) if isinstance(v, Decimal) else ("" if v is None else v) for v in row])
