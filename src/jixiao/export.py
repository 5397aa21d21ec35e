"""Flat export: one row per report (facts as columns, spec/facts.md names) and the metrics in
long form, to .xlsx (two sheets) or .csv (two files: NAME.csv and NAME_metrics.csv)."""

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


def export_reports(reports: list[Report], path: Path) -> None:
    """Write the reports to ``path``: .csv (facts, plus NAME_metrics.csv) or .xlsx (two sheets)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        _write_csv(path, fact_rows(reports))
        _write_csv(path.with_name(path.stem + "_metrics.csv"), metric_rows(reports))
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
        wb.save(path)


def _write_csv(path: Path, rows: list[list]) -> None:
    # utf-8-sig so that Excel on Chinese Windows opens it correctly
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        for row in rows:
            w.writerow([decimal_text(v) if isinstance(v, Decimal) else ("" if v is None else v) for v in row])
