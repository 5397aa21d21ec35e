"""Extraction: normalised text → grounded :class:`jixiao.model.Report`."""

from __future__ import annotations

from jixiao.extract.context import Context
from jixiao.extract.facts import body_facts
from jixiao.extract.identity import identity_facts
from jixiao.extract.items import extract_items
from jixiao.extract.metrics import extract_metrics
from jixiao.ingest.document import Document
from jixiao.model import Report

__all__ = ["extract", "extract_text"]


def extract_text(text: str, source: str = "<text>", fmt: str = "txt") -> Report:
    """Extract from already normalised text."""
    ctx = Context.of(text)
    report = Report(source=source, format=fmt, sections=ctx.sections)
    for fact in identity_facts(ctx):
        report.facts.setdefault(fact.key, fact)
    for fact in body_facts(ctx):
        report.facts.setdefault(fact.key, fact)
    report.project_items = extract_items(ctx)
    report.metrics = extract_metrics(ctx, report.fact_value("unit_name"))
    return report


def extract(document: Document) -> Report:
    """Extract the grounded report model from a loaded document."""
    return extract_text(document.text, document.source, document.format)
