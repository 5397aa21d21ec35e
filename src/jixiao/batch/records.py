"""What a batch keeps of one report: a *record* — the row of the report (facts as columns, counts of
findings by severity, score) and its long tables (metrics, project items, findings with evidence,
projects of 项目支出绩效自评表) — or the Chinese reason it could not be analysed.

A record is plain JSON (money and rates as exact decimal strings), made in the analysing process
(:func:`analyse_record`) and stored in the cache as it is: the outputs are written from records
alone. It is keyed by the file's content, so it does not name the file: the writers add the source.

:data:`TABLES` says which tables there are and their columns with a type each (``text``, ``int``,
``decimal`` — exact, money in 万元 —, ``float``, ``bool``) and a Chinese label (the .xlsx header).
"""

from __future__ import annotations

import time
from collections import Counter
from decimal import Decimal
from typing import Any

from jixiao import pipeline
from jixiao.jsonout import decimal_text
from jixiao.model import FACT_KEYS, FACT_LABELS, Report
from jixiao.review import RULES
from jixiao.store.analysis import analyse_sharing_pages
from jixiao.store.limits import AnalysisLimits

SEVERITIES = ("error", "warning", "info")
_INT_FACTS = {"fiscal_year", "staff_authorized", "staff_actual", "staff_retired", "staff_contract",
              "internal_units", "subordinate_units"}
_TEXT_FACTS = {"unit_name", "province", "city", "county", "report_kind", "report_date"}


def _fact_type(key: str) -> str:
    return "int" if key in _INT_FACTS else "text" if key in _TEXT_FACTS else "decimal"


# (column, type, label); every table starts with the report's source and content hash (added by the writers)
KEY_COLUMNS = [("source", "text", "来源文件"), ("sha256", "text", "内容散列（SHA-256）")]
TABLES: dict[str, list[tuple[str, str, str]]] = {
    "reports": [
        ("status", "text", "状态"), ("error", "text", "无法分析的原因"), ("format", "text", "文件格式"),
        *((k, _fact_type(k), FACT_LABELS[k]) for k in FACT_KEYS),
        ("findings", "int", "发现数"), ("findings_error", "int", "错误级发现"),
        ("findings_warning", "int", "警告级发现"), ("findings_info", "int", "提示级发现"),
        ("rules_failed", "int", "运行出错的规则"),
        ("metrics", "int", "绩效指标数"), ("project_items", "int", "项目数"),
        ("score_framework", "text", "评分框架"), ("score_percent", "decimal", "自动评分（%）"),
        ("score_grade", "text", "等级"), ("score_partial", "bool", "部分评分"),
        ("seconds", "float", "分析用时（秒）"), ("pipeline", "text", "流水线版本"),
    ],
    "metrics": [
        ("label", "text", "指标"), ("kpi", "text", "标准指标"), ("value", "decimal", "数值"), ("unit", "text", "单位"),
        ("approx", "bool", "约数"), ("comparator", "text", "比较"), ("target", "decimal", "目标值"),
        ("section", "text", "所在部分"), ("evidence", "text", "原文"), ("start", "int", "起"), ("end", "int", "止"),
    ],
    "items": [
        ("name", "text", "项目"), ("budget", "decimal", "预算（万元）"), ("adjustment", "decimal", "调整（万元）"),
        ("actual", "decimal", "支出（万元）"), ("carryover", "decimal", "结转（万元）"), ("evidence", "text", "原文"),
        ("start", "int", "起"), ("end", "int", "止"),
    ],
    "findings": [
        ("rule", "text", "规则"), ("code", "text", "代码"), ("severity", "text", "级别"), ("message", "text", "说明"),
        ("evidence", "text", "原文"), ("start", "int", "起"), ("end", "int", "止"), ("page", "int", "页码"),
        ("table", "text", "表"), ("row", "text", "行"), ("column", "text", "列"),
    ],
    "projects": [
        ("project", "text", "项目名称"), ("code", "text", "项目编码"), ("supervising", "text", "主管部门"),
        ("implementing", "text", "实施单位"), ("total_score", "decimal", "自评得分"), ("evidence", "text", "原文"),
    ],
}


def _plain(v: Any) -> Any:
    """A value as JSON keeps it exactly: Decimal as its decimal string."""
    return decimal_text(v) if isinstance(v, Decimal) else v


def _span(evidence) -> tuple[str, int | None, int | None]:
    if not evidence:
        return "", None, None
    first = evidence[0]
    return first.text, first.start, first.end


def _findings(report: Report) -> list[list]:
    rows = []
    for f in report.findings or []:
        text, start, end = _span(f.evidence)
        loc = f.locations[0] if f.locations else {}
        rule = RULES.get(f.rule)
        rows.append([f.rule, rule.code if rule else None, f.severity, f.message, text, start, end,
                     loc.get("page"), loc.get("table"), loc.get("row"), loc.get("column")])
    return rows


def record_of(analysis: pipeline.Analysis, seconds: float, version: str) -> dict[str, Any]:
    """The record of an analysis (see the module's doc)."""
    report = analysis.report
    findings = report.findings or []
    by_severity = Counter(f.severity for f in findings)
    card = analysis.score
    row: dict[str, Any] = {"status": "ok", "error": None, "format": analysis.document.format}
    for key in FACT_KEYS:
        fact = report.facts.get(key)
        row[key] = None if fact is None or fact.computed else _plain(fact.value)
    row.update(findings=len(findings), **{f"findings_{s}": by_severity.get(s, 0) for s in SEVERITIES},
               rules_failed=len(analysis.internal_errors), metrics=len(report.metrics),
               project_items=len(report.project_items),
               score_framework=card.framework_id if card else None,
               score_percent=_plain(card.percent) if card else None,
               score_grade=card.grade_label if card else None, score_partial=card.partial if card else None,
               seconds=round(seconds, 4), pipeline=version)
    metrics = [[m.label, m.kpi, _plain(m.value), m.unit, m.approx, m.comparator, _plain(m.target), m.section,
                *_span(m.evidence)] for m in report.metrics]
    items = [[it.name, *(_plain(getattr(it, k)) for k in ("budget", "adjustment", "actual", "carryover")),
              *_span(it.evidence)] for it in report.project_items]
    projects = [[p.name, p.code, p.supervising, p.implementing, _plain(p.total_score), _span(p.evidence)[0]]
                for p in report.projects]
    return {"ok": True, "row": row, "metrics": metrics, "items": items, "findings": _findings(report),
            "projects": projects}


def error_record(reason: str, version: str, seconds: float = 0.0) -> dict[str, Any]:
    """The record of a file that could not be analysed."""
    row = {name: None for name, _, _ in TABLES["reports"]}
    row.update(status="error", error=reason, seconds=round(seconds, 4), pipeline=version)
    return {"ok": False, "row": row, "metrics": [], "items": [], "findings": [], "projects": []}


def analyse_record(name: str, data: bytes, limits: AnalysisLimits, options: pipeline.Options,
                   version: str, pages: dict[int, dict] | None = None, threads: int = 0) -> dict[str, Any]:
    """Analyse one file's bytes (review and score) into its record; never raises for the file's sake.

    A file with several pages to OCR is not read here: the record is ``{"pages_wanted": [...]}`` (pages from 0), for
    the batch to OCR them in parallel (:func:`jixiao.store.analysis.read_ocr_page`) and call again with ``pages``
    (page → its JSON). ``threads``: OCR threads in this process (0: one per core)."""
    started = time.perf_counter()
    analysis = analyse_sharing_pages(name, data, limits, options, pages, threads)
    if isinstance(analysis, list):
        return {"pages_wanted": analysis}
    seconds = time.perf_counter() - started
    if isinstance(analysis, str):
        return error_record(analysis, version, seconds)
    return record_of(analysis, seconds, version)
