"""The evidence report: one self-contained HTML file (styles inlined, no script, no external request) with
the report's text, every value and finding highlighted in it and cross-linked with the tables of facts,
project items, metrics and findings, and the score card. Prints on A4. Template: ``data/templates/
evidence.html`` (a bureau may put its own of that name in its data folder, or pass ``--template``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from jixiao import __version__
from jixiao.lexicon import data_text
from jixiao.model import COMPARATOR_SIGNS, FACT_LABELS
from jixiao.render.highlight import Mark, highlight
from jixiao.render.inputs import RenderInput, number, passage, where_text
from jixiao.render.memo import score_rows
from jixiao.review import RULES
from jixiao.review.registry import SEVERITY_NAMES


def render_html(data: RenderInput, out: Path, *, template: Path | None = None) -> Path:
    """Write the evidence report of ``data`` to ``out`` (.html)."""
    source = template.read_text(encoding="utf-8") if template is not None else data_text("templates/evidence.html")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    page = env.from_string(source).render(**evidence_view(data))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


def evidence_view(data: RenderInput) -> dict[str, Any]:
    """What the template shows: rows of facts, items, metrics, findings and the card, each with the ref
    (``f-budget``, ``p-0``, ``m-0``, ``x-0``) its highlighted evidence carries in ``text_html``."""
    report, text = data.report, data.text
    marks: list[Mark] = []

    def cite(ref: str, evidence, label: str, severity: str | None = None) -> bool:
        for s in evidence:
            marks.append(Mark(s.start, s.end, ref, label, severity))
        return bool(evidence)

    facts = []
    for key, fact in report.facts.items():
        ref = f"f-{key}"
        label = FACT_LABELS.get(key, key)
        shown = number(fact.value)
        facts.append({"ref": ref, "label": label, "value": shown, "computed": fact.computed,
                      "cited": cite(ref, fact.evidence, f"{label}：{shown}"),
                      "page": _page(report, fact.evidence)})
    items = []
    for i, it in enumerate(report.project_items):
        ref = f"p-{i}"
        items.append({"ref": ref, "name": it.name, "budget": number(it.budget), "actual": number(it.actual),
                      "adjustment": _signed(it.adjustment),
                      "cited": cite(ref, it.evidence, f"项目：{it.name}"), "page": _page(report, it.evidence)})
    metrics = []
    for i, m in enumerate(report.metrics):
        ref = f"m-{i}"
        target = (f"{COMPARATOR_SIGNS.get(m.target_comparator or '', '')}{number(m.target)}{m.unit}"
                  if m.target is not None else "")
        shown = f"{'约' if m.approx else ''}{number(m.value)}{m.unit}"
        metrics.append({"ref": ref, "label": m.label, "kpi": m.kpi or "", "value": shown, "target": target,
                        "cited": cite(ref, m.evidence, f"{m.label}：{shown}"), "page": _page(report, m.evidence)})
    findings = []
    for i, f in enumerate(data.findings):
        ref = f"x-{i}"
        rule = RULES.get(f.rule)
        title = rule.title if rule else f.rule
        findings.append({"ref": ref, "severity": f.severity, "severity_name": SEVERITY_NAMES.get(f.severity, f.severity),
                         "rule": f.rule, "title": title, "message": f.message, "where": where_text(f),
                         "passage": passage(text, f.evidence[0]) if f.evidence else "",
                         "cited": cite(ref, f.evidence, f"{title}：{f.message}", f.severity)})
    card = data.score
    return {
        "title": data.document_name,
        "unit": data.unit,
        "year": data.year,
        "source": data.source_name or report.source,
        "date": data.date_text,
        "version": __version__,
        "counts": {SEVERITY_NAMES[s]: sum(1 for f in findings if f["severity"] == s) for s in SEVERITY_NAMES},
        "facts": facts, "items": items, "metrics": metrics, "findings": findings,
        "card": card, "card_rows": score_rows(card) if card is not None else [],
        "indicators": [{"path": " / ".join(ind.path), "weight": number(ind.weight), "points": number(ind.points),
                        "status": ind.status, "note": ind.note,
                        "inputs": "；".join(f"{v.label}={number(v.value) if v.value is not None else '缺'}"
                                           for v in ind.inputs)} for ind in (card.indicators if card else [])],
        "score_error": data.score_error,
        "text_html": highlight(text, marks, anchors=True),
    }


def _signed(value) -> str:
    """A change with its sign always written (+18.60, -6.40)."""
    return "" if value is None else (("+" if value > 0 else "") + number(value))


def _page(report, evidence) -> int | None:
    return report.page_of(evidence[0].start) if evidence else None
