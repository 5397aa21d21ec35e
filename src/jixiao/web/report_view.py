"""The report detail page's view of ``service.report_detail``: rows for facts, items, metrics and
findings, each linked to its highlighted evidence in the text, and the workflow buttons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jixiao.errors import JixiaoError
from jixiao.jsonout import decimal_text
from jixiao.model import Fact, Project, Report
from jixiao.render.highlight import Mark, highlight
from jixiao.score import score_forms
from jixiao.store import service
from jixiao.store.values import ITEM_ATTRS
from jixiao.web.format import (
    KPI_LABELS,
    SEVERITIES,
    SEVERITY_ORDER,
    display_value,
    execution_rate,
    fact_unit,
    fmt_change,
    fmt_num,
    metric_display,
    short_label,
    target_display,
)

TRANSITION_LABELS = {
    ("pending", "in_review"): ("开始审核", ""), ("returned", "in_review"): ("开始审核", ""),
    ("approved", "in_review"): ("撤销通过，重新审核", ""), ("in_review", "pending"): ("退回待审核", ""),
    ("returned", "pending"): ("重新提交（待审核）", ""),
}
TRANSITION_DEFAULT = {"returned": ("退回修改", "danger"), "approved": ("审核通过", "ok"),
                      "in_review": ("开始审核", ""), "pending": ("待审核", "")}



SHOWN_CHARS = 400_000  # the detail page shows at most this much of a report's text


def detail_view(d: dict) -> dict[str, Any]:
    """The detail page's view of ``service.report_detail``: rows for facts, items, metrics and findings,
    each with a ``ref`` linking it to its highlighted evidence in the text (``text_html``). A text
    longer than ``SHOWN_CHARS`` is cut there (``text_cut``: how many characters are not shown); the
    page never grows with a pathological file."""
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
        label = short_label(v["label"])
        shown = display_value(v["value"], key)
        for s in v.get("evidence") or []:
            marks.append(Mark(s["start"], s["end"], ref, f"{label}：{shown}{fact_unit(v['label'])}"))
        raw = "" if v["value"] is None else (decimal_text(Decimal(str(v["value"]))) if isinstance(
            v["value"], (int, float)) and not isinstance(v["value"], bool) else str(v["value"]))
        facts.append({"ref": ref, "field": v["field"], "label": v["label"], "display": shown, "raw": raw,
                      "unit": fact_unit(v["label"]), "corrected": v["corrected"],
                      "old": display_value(v["extracted"], key), "has_evidence": bool(v.get("evidence"))})

    metrics = []
    metric_rows = [v for v in values if v["kind"] == "metric"]
    for i, (m, v) in enumerate(zip(d.get("metrics") or [], metric_rows, strict=False)):
        ref = f"m-{i}"
        kpi = m.get("kpi")
        shown = metric_display(m, v["value"])
        for s in m.get("evidence") or []:
            marks.append(Mark(s["start"], s["end"], ref, f"{m.get('label')}：{shown}"))
        target = target_display(m["target"], m.get("target_comparator"), m.get("unit")) \
            if m.get("target") is not None else ""
        metrics.append({"ref": ref, "field": v["field"], "label": m.get("label") or "", "kpi": kpi,
                        "kpi_label": KPI_LABELS.get(kpi, kpi) if kpi else "", "display": shown,
                        "raw": fmt_num(v["value"], grouping=False), "unit": m.get("unit") or "",
                        "corrected": v["corrected"], "old": metric_display(m, v["extracted"]), "target": target})

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
        items.append({"ref": ref, "name": name, "cells": cells, "rate": execution_rate(it),
                      "field_prefix": f"project_items.{name}"})

    projects = []
    rescored = _rescored(d)
    for i, p in enumerate(d.get("projects") or []):
        ref = f"j-{i}"
        for s in (p.get("evidence") or [])[:1]:
            marks.append(Mark(s["start"], s["end"], ref, f"自评表：{p.get('name', '')}"))
        projects.append({"ref": ref, "name": p.get("name") or "", "code": p.get("code") or "",
                         "department": p.get("kind") == "department",
                         "supervising": p.get("supervising") or "", "implementing": p.get("implementing") or "",
                         "total": fmt_num(p["total_score"]) if p.get("total_score") is not None else "—",
                         "funds": [{k: (fmt_num(f[k]) if f.get(k) is not None else "—") if k != "label" else f[k]
                                    for k in ("label", "budget", "budget_full", "actual", "rate", "weight", "score")}
                                   for f in p.get("funds") or []],
                         "indicators": [_indicator_row(ind) for ind in p.get("indicators") or []],
                         "texts": [(label, p[k]) for k, label in FORM_TEXTS if p.get(k)],
                         "rescore": rescored[i] if i < len(rescored) else None})

    titles = service.rule_titles()
    codes = service.rule_codes()
    groups: dict[str, list] = {s: [] for s in SEVERITY_ORDER}
    for i, f in enumerate(d.get("findings") or []):
        sev = f.get("severity") if f.get("severity") in SEVERITY_ORDER else "info"
        ref = f"x-{i}"
        for s in f.get("evidence") or []:
            marks.append(Mark(s["start"], s["end"], ref, f"{SEVERITIES[sev]}：{f.get('message', '')}", sev))
        groups[sev].append({"ref": ref, "message": f.get("message", ""), "rule": f.get("rule", ""),
                            "where": where_text(f.get("locations") or []),
                            "pages": _page_links(f.get("locations") or []),
                            "title": titles.get(f.get("rule"), f.get("rule", "")), "code": codes.get(f.get("rule"), "")})
    finding_groups = [(s, SEVERITIES[s], groups[s]) for s in SEVERITY_ORDER if groups[s]]
    cut = max(0, len(text) - SHOWN_CHARS)
    if cut:
        text = text[:SHOWN_CHARS]
        marks = [m for m in marks if m.end <= SHOWN_CHARS]
    return {"text_html": highlight(text, marks), "text_cut": cut, "facts": facts, "metrics": metrics, "items": items,
            "projects": projects, "finding_groups": finding_groups, "info_count": len(groups["info"])}


def where_text(locations: list[dict]) -> str:
    """Where a finding's evidence is, for a reader: "第24页；第16页《一般公共预算财政拨款基本支出决算表》“人员经费合计”行
    “决算数”列" (pages of a PDF, and the table, row and column of a 决算 table's figure)."""
    out: list[str] = []
    for loc in locations:
        text = f"第{loc['page']}页" if loc.get("page") else ""
        if loc.get("table"):
            text += f"《{loc['table']}》“{loc.get('row', '')}”行“{loc.get('column', '')}”列"
        if text and text not in out:
            out.append(text)
    return "；".join(out)


def _rescored(d: dict) -> list[dict[str, Any]]:
    """Each form of the report scored again under its form rules (财预〔2020〕10号 or the province's), for
    display: the totals and the rows whose score differs, with how ours was reached."""
    facts = d.get("facts") or {}
    report = Report(source=d.get("filename") or "", projects=[Project.model_validate(p) for p in d.get("projects") or []],
                    facts={k: Fact(key=k, value=facts[k]) for k in ("province", "fiscal_year", "report_kind") if k in facts})
    try:
        scored = score_forms(report)
    except JixiaoError:  # a user's form rules that do not load: the page still shows the form
        return []
    return [{"rules": fs.rules_name, "stated": fmt_num(fs.stated_total) if fs.stated_total is not None else "—",
             "computed": fmt_num(fs.computed_total) if fs.computed_total is not None else "—",
             "difference": fmt_change(fs.computed_total, fs.stated_total) if fs.difference else "",
             "rows": [{"label": r.label, "stated": fmt_num(r.stated) if r.stated is not None else "—",
                       "computed": fmt_num(r.computed) if r.computed is not None else "—",
                       "difference": fmt_change(r.computed, r.stated), "explanation": r.explanation}
                      for r in fs.rows if r.difference], "notes": fs.notes} for fs in scored]


FORM_TEXTS = (("goal_planned", "预期目标"), ("goal_actual", "实际完成情况"), ("conclusion", "评价结论"),
              ("problems", "存在问题"), ("measures", "改进措施"), ("leader", "项目负责人"),
              ("finance_leader", "财务负责人"))


def _indicator_row(ind: dict) -> dict[str, str]:
    """An indicator row of a 自评表 for display: target with its comparator, result, 分值, 得分, 偏差原因."""
    unit = ind.get("unit")

    def num(k: str) -> str:
        return fmt_num(ind[k]) if ind.get(k) is not None else "—"

    def value(k: str, comparator: str | None) -> str:  # a 定性 row: its words
        return ind.get(f"{k}_text") or "—" if ind.get(k) is None else target_display(ind[k], comparator, unit)

    return {"label": ind.get("label") or "", "levels": " / ".join(x for x in (ind.get("level1"), ind.get("level2")) if x),
            "target": value("target", ind.get("comparator")),
            "actual": value("actual", None), "weight": num("weight"),
            "score": num("score"), "reason": ind.get("reason") or ""}


def transitions(d: dict) -> list[tuple[str, str, str]]:
    """The workflow buttons of a report: (target status, label, style), in a fixed order."""
    out = []
    for to in d.get("transitions") or []:
        label, cls = TRANSITION_LABELS.get((d["status"], to)) or TRANSITION_DEFAULT.get(to, (to, ""))
        out.append((to, label, cls))
    order = {"in_review": 0, "pending": 1, "returned": 2, "approved": 3}
    return sorted(out, key=lambda t: order.get(t[0], 9))


def _page_links(locations: list[dict]) -> list[dict]:
    """The pages a finding's evidence is on, each once, with the query outlining the OCR'd line (``?box=…``)."""
    out: dict[int, str] = {}
    for loc in locations:
        page = loc.get("page")
        if page and page not in out:
            box = loc.get("box")
            out[page] = "?box=" + ",".join(f"{v:.4f}" for v in box) if box and len(box) == 4 else ""
    return [{"page": p, "query": q} for p, q in sorted(out.items())]
