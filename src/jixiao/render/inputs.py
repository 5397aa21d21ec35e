"""What a rendered document is made of: the report (facts, items, metrics, findings), its text, the score
card, and in the workspace the reviewer's decision and comments (:class:`RenderInput`); and the plain
Chinese pieces every document kind writes the same way: the passage a finding concerns, where it is
(page, table, row, column), a figure with its unit, a date."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from jixiao.ingest import Table
from jixiao.jsonout import decimal_text
from jixiao.model import REPORT_KINDS, Finding, Report, Span
from jixiao.score import FormScore, ScoreCard

BEIJING = timezone(timedelta(hours=8))
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
MAX_PASSAGE = 120  # characters of a passage quoted in a document


@dataclass
class ReviewNote:
    """The workspace's review of a report: its status (``approved``, ``returned`` …), the reviewers'
    comments in order, and who reviewed it."""

    decision: str | None = None
    comments: list[str] = field(default_factory=list)
    reviewer: str | None = None


@dataclass
class RenderInput:
    """Everything a document is rendered from. ``text`` is the text the report's spans index."""

    report: Report
    text: str
    score: ScoreCard | None = None
    score_error: str | None = None
    forms: list[FormScore] = field(default_factory=list)
    review: ReviewNote = field(default_factory=ReviewNote)
    issuer: str | None = None
    day: date | None = None
    source_name: str | None = None
    corrections: dict[str, Any] = field(default_factory=dict)  # fact key → the value corrected in the workspace
    tables: list[Table] = field(default_factory=list)  # the document's tables (cells index ``text``), when known

    @classmethod
    def of(cls, analysis: Any, **kw: Any) -> RenderInput:
        """The input of a :class:`jixiao.pipeline.Analysis` (and the keyword fields given)."""
        return cls(report=analysis.report, text=analysis.document.text, score=analysis.score,
                   score_error=analysis.score_error, forms=list(analysis.forms), tables=list(analysis.document.tables),
                   **kw)

    @property
    def findings(self) -> list[Finding]:
        return [f for f in (self.report.findings or []) if f.rule != "internal-error"]

    @property
    def unit(self) -> str:
        """The unit's name, or “（单位名称未识别）”."""
        return str(self.report.fact_value("unit_name") or "（单位名称未识别）")

    @property
    def year(self) -> int | None:
        value = self.report.fact_value("fiscal_year")
        return int(value) if value is not None else None

    @property
    def kind_name(self) -> str:
        """The report kind in Chinese (部门整体支出绩效自评报告 …)."""
        return REPORT_KINDS.get(str(self.report.fact_value("report_kind") or ""), "部门整体支出绩效自评报告")

    @property
    def document_name(self) -> str:
        """The report's name as a reader knows it: 单位 + 年度 + kind (the file's name when neither is known)."""
        if self.report.fact_value("unit_name") or self.year:
            return f"{self.unit}{year_text(self.year)}{self.kind_name}"
        return self.source_name or self.report.source

    @property
    def date_text(self) -> str:
        """The document's date in full (2024年3月15日), today in Beijing unless given."""
        return full_date(self.day or datetime.now(BEIJING).date())


def year_text(year: int | None) -> str:
    return f"{year}年度" if year else ""


def full_date(day: date) -> str:
    """A date as GB/T 9704 writes it: Arabic numerals with 年月日, never abbreviated."""
    return f"{day.year}年{day.month}月{day.day}日"


def passage(text: str, span: Span, limit: int = MAX_PASSAGE) -> str:
    """The sentence (or table row) around ``span``: from the end of the sentence before it to the end
    of the sentence it is in, cut to ``limit`` characters around the span (…)."""
    start, end = max(0, min(len(text), span.start)), max(0, min(len(text), span.end))
    left = start
    while left > 0 and not _SENTENCE_END.match(text[left - 1]):
        left -= 1
    m = _SENTENCE_END.search(text, end)
    right = m.end() if m and m.group() != "\n" else (m.start() if m else len(text))
    before, after = text[left:start], text[end:right]
    room = max(0, limit - (end - start))
    if len(before) + len(after) > room:
        keep_before = min(len(before), room // 2)
        keep_after = min(len(after), room - keep_before)
        keep_before = min(len(before), room - keep_after)
        before = ("…" if keep_before < len(before) else "") + before[len(before) - keep_before:]
        after = after[:keep_after] + ("…" if keep_after < len(after) else "")
    return " ".join((before + text[start:end] + after).split())


def where_text(finding: Finding, i: int = 0) -> str:
    """Where the ``i``-th evidence of a finding is: 第3页，收入支出决算总表“本年支出合计”行“决算数”列."""
    if i >= len(finding.locations):
        return ""
    loc = finding.locations[i]
    parts = []
    if loc.get("page") is not None:
        parts.append(f"第{loc['page']}页")
    if loc.get("table"):
        cell = str(loc["table"])
        if loc.get("row"):
            cell += f"“{loc['row']}”行"
        if loc.get("column"):
            cell += f"“{loc['column']}”列"
        parts.append(cell)
    if loc.get("ocr_confidence") is not None:
        parts.append(f"扫描件识别，置信度{loc['ocr_confidence']:.2f}")
    return "，".join(parts)


def number(value: Any) -> str:
    """A number as a finance reader writes it: exact decimals, thousands separated (1,234.56)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, Decimal)):
        text = decimal_text(Decimal(value))
        whole, dot, frac = text.partition(".")
        sign = "-" if whole.startswith("-") else ""
        return f"{sign}{int(whole.lstrip('-') or 0):,}{dot}{frac}"
    return str(value)
