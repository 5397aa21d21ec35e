"""Flat export: one row per report (facts as columns, spec/facts.md names) and the metrics in
long form, to .xlsx (two sheets) or .csv (two files: NAME.csv and NAME_metrics.csv)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from jixiao.jsonout import decimal_text
from jixiao.model import Report

FACT_LABELS = {
    "unit_name": "单位名称", "province": "省", "city": "市", "county": "区县", "fiscal_year": "评价年度",
    "report_kind": "报告类型", "report_date": "报告日期", "staff_authorized": "编制数",
    "staff_actual": "实有人数", "staff_retired": "退休人数", "staff_contract": "编外聘用人员",
    "internal_units": "内设机构数", "subordinate_units": "下属机构数", "budget": "年初预算（万元）",
    "revenue_total": "本年收入合计（万元）", "expenditure_total": "本年支出合计（万元）",
    "basic_expenditure": "基本支出（万元）", "personnel_expenditure": "人员经费（万元）",
    "public_expenditure": "公用经费（万元）", "wages_welfare": "工资福利支出（万元）",
    "goods_services": "商品和服务支出（万元）", "household_subsidies": "对个人和家庭的补助（万元）",
    "capital_expenditure": "资本性支出（万元）", "project_expenditure": "项目支出（万元）",
    "three_public_total": "“三公”经费合计（万元）", "three_public_vehicle": "公务用车购置及运行维护费（万元）",
    "three_public_reception": "公务接待费（万元）", "three_public_overseas": "因公出国（境）费（万元）",
    "gov_fund_expenditure": "政府性基金预算支出（万元）", "soe_capital_expenditure": "国有资本经营预算支出（万元）",
    "social_insurance_expenditure": "社会保险基金预算支出（万元）", "carryover_end": "年末结转结余（万元）",
    "new_fixed_assets": "新增固定资产（万元）", "new_intangible_assets": "新增无形资产（万元）",
    "disposed_assets": "处置固定资产（万元）", "self_score": "自评得分",
}
FACT_KEYS = list(FACT_LABELS)
METRIC_COLUMNS = ["source", "unit_name", "fiscal_year", "label", "kpi", "value", "unit", "approx",
                  "comparator", "target", "evidence"]


def _cell(v):
    if isinstance(v, Decimal):
        return float(v) if v != v.to_integral_value() else int(v)
    return v


def fact_rows(reports: list[Report]) -> list[list]:
    rows = [["source", *FACT_KEYS]]
    for r in reports:
        rows.append([r.source, *(_cell(r.fact_value(k)) if k in r.facts and not r.facts[k].computed else None
                                 for k in FACT_KEYS)])
    return rows


def metric_rows(reports: list[Report]) -> list[list]:
    rows = [METRIC_COLUMNS]
    for r in reports:
        for m in r.metrics:
            rows.append([r.source, r.fact_value("unit_name"), r.fact_value("fiscal_year"), m.label, m.kpi,
                         _cell(m.value), m.unit, m.approx, m.comparator, _cell(m.target),
                         m.evidence[0].text if m.evidence else ""])
    return rows


def export_reports(reports: list[Report], path: Path) -> None:
    path = Path(path)
    if path.suffix.lower() == ".csv":
        _write_csv(path, fact_rows(reports))
        _write_csv(path.with_name(path.stem + "_metrics.csv"), metric_rows(reports))
    else:
        from openpyxl import Workbook

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
