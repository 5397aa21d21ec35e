"""Extraction: normalised text → grounded :class:`jixiao.model.Report`.

Extraction does not review: :mod:`jixiao.pipeline` runs the rules on the report it returns.
"""

from __future__ import annotations

from jixiao.extract.accounts import accounts_facts, is_accounts_table, read_accounts
from jixiao.extract.context import Context
from jixiao.extract.facts import body_facts
from jixiao.extract.forms import FormRead, form_items, form_scores, score_facts, stream_indicators
from jixiao.extract.identity import identity_facts
from jixiao.extract.items import extract_items, list_zones, merge_items
from jixiao.extract.metrics import extract_metrics
from jixiao.extract.projects import assemble, execution_metric
from jixiao.extract.tables import indicator_scores, table_facts, table_parts
from jixiao.ingest.document import Document, Table
from jixiao.model import Report

__all__ = ["extract", "extract_text"]


def extract_text(text: str, source: str = "<text>", fmt: str = "txt", tables: list[Table] | None = None) -> Report:
    """Extract from already normalised text (and the tables whose cells index it)."""
    ctx = Context.of(text, tables)
    report = Report(source=source, format=fmt, sections=ctx.sections)
    identity, report.identity_candidates = identity_facts(ctx)
    for fact in identity:
        report.facts.setdefault(fact.key, fact)
    found: dict = {}
    # a 部门决算's tables are read by their model; a self-evaluation quoting one keeps the general table reading
    accounts = read_accounts(ctx, ctx.tables) if ctx.kind == "final_accounts" else []
    parts = [p for p in table_parts(ctx, ctx.tables, report.fact_value("fiscal_year"))
             if not is_accounts_table(accounts, p.table)]
    table_items, table_metrics = table_facts(ctx, parts, found)
    if accounts:
        accounts_facts(ctx, found, accounts)
    reads: list[FormRead] = []
    forms = form_items(ctx, projects=reads)
    if len(forms) > 1:
        found.pop("self_score", None)  # several project forms: each 总分 is its project's, not the report's
    score, score_metrics = score_facts(ctx, forms)
    if score:
        found.setdefault("self_score", []).append((1, score))  # a stated 自评得分 in the text wins
    table_metrics += score_metrics
    streamed = stream_indicators(ctx, [(t.start, t.end) for t in ctx.tables])
    for row in (r for r in streamed if r.metric is not None):
        table_metrics.append(row.metric)  # a form's indicator rows written one cell per line (not a table)
        ctx.take_quantities(row.metric.evidence[1:])
    table_metrics += [m for r in reads if (m := execution_metric(r.project)) is not None]
    if reads:
        rows = indicator_scores(ctx, parts) + streamed
        report.projects = assemble(ctx, reads, rows, form_scores(ctx), report.identity_candidates)
    for fact in body_facts(ctx, found):
        report.facts.setdefault(fact.key, fact)
    total = report.facts.get("project_expenditure")
    zones = [(ev.end, ctx.line_of(ev.end)[1]) for f in ([total, *total.others] if total else []) for ev in f.evidence]
    zones += list_zones(ctx)
    report.project_items = merge_items(extract_items(ctx, zones, ctx.subject), table_items, forms)
    report.metrics = table_metrics + extract_metrics(ctx, report.fact_value("unit_name"))
    report.metrics.sort(key=lambda m: m.evidence[0].start if m.evidence else 0)
    return report


def extract(document: Document) -> Report:
    """Extract the grounded report model from a loaded document."""
    report = extract_text(document.text, document.source, document.format, document.tables)
    report.page_starts = list(document.page_starts)
    report.ocr_lines = list(document.ocr_lines)
    return report
