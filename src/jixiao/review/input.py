"""``ReviewInput``: what a rule sees, built from a report and its text alone.

A rule reads the :class:`~jixiao.model.Report` (facts with their evidence, project items, metrics,
sections) and the normalised text with its tables, plus a few structures derived from them here,
at review time:

* ``quantities`` — every number with its unit in the text, found again from the text
  (:func:`jixiao.extract.textview.text_quantities`; extraction of the same text shares the result);
* ``item_statements`` — the amounts the running text states for each project item, with their role
  (年初预算, 实际支出 …) and, for a part named after "其中", the item it is part of; read from the
  items' evidence (a statement's span runs from the item's name to its amount);
* ``table_totals`` — each table's 合计 row with the rows it totals
  (:func:`jixiao.extract.tables.table_totals`), and each 项目支出绩效自评表's 年度资金总额 with the rows
  that make it up (:func:`jixiao.extract.forms.form_checks`);
* ``table_items`` — the project rows of the tables with their figures
  (:func:`jixiao.extract.tables.table_items`), to hold against what the running text says of them;
* ``table_rates`` — the 执行率 each form states, with its 执行数 and budgets;
* ``score_conflicts`` — rows of a form's money part scored differently at the same 执行率;
* ``rate_scores`` — each form's 执行率 with its 分值 and 得分;
* ``zero_base_rates`` — a form's 执行率 stated on a row whose budgets are all 0 while money was spent;
* ``accounts`` — the 部门决算 tables read by title, columns by header, rows by code
  (:func:`jixiao.extract.accounts.read_accounts`);
* ``indicator_scores`` — the indicator rows of the tables, or of forms written one cell per line
  (:func:`jixiao.extract.forms.stream_indicators`), with 分值, 得分 and 偏差原因.

Nothing is taken from an extraction pass, so the rules run the same on a report just extracted, on a
stored one, or on one whose values a reviewer corrected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from jixiao.extract.accounts import AccountsTable, is_accounts_table, read_accounts
from jixiao.extract.forms import RateScore, ScoreConflict, TableRate, form_checks, stream_indicators
from jixiao.extract.items import clean_name, item_words, strip_parens
from jixiao.extract.numbers import Quantity, unit_declarations
from jixiao.extract.outline import SectionIndex
from jixiao.extract.tables import (
    IndicatorScore,
    TableItem,
    TableTotal,
    indicator_scores,
    table_items,
    table_parts,
    table_totals,
)
from jixiao.extract.textview import TextView, numeric_cell_quantities, text_quantities
from jixiao.ingest.document import Table
from jixiao.lexicon import vocab
from jixiao.model import Finding, Report, Section, Span
from jixiao.review.config import default_config
from jixiao.review.registry import RULES


@dataclass(frozen=True)
class ItemStatement:
    """One amount the running text states for a project item.

    Attributes:
        item: the item's name (``ProjectItem.name``).
        role: what the words before the amount make it (data/items.yaml: ``budget``, ``actual``,
            ``implicit_actual``, ``plain``, ``adjustment_up`` …).
        qi: the amount's index in ``ReviewInput.quantities``.
        parent: the item this one is a part of ("专项经费…，其中法律援助专项经费…"), else None.
    """

    item: str
    role: str
    qi: int
    parent: str | None


@dataclass
class ReviewInput(TextView):
    """The report under review, its text and tables, what is derived from them (module docstring),
    the review configuration (data/review.yaml merged with the user's), and a cache for work that
    several rules share. Build it with :meth:`build`."""

    report: Report
    text: str
    tables: list[Table]
    sections: list[Section]
    index: SectionIndex
    quantities: list[Quantity]
    unit_declarations: list[tuple[int, str]]
    config: dict[str, Any]
    item_statements: list[ItemStatement] = field(default_factory=list)
    table_totals: list[TableTotal] = field(default_factory=list)
    table_items: list[TableItem] = field(default_factory=list)
    table_rates: list[TableRate] = field(default_factory=list)
    score_conflicts: list[ScoreConflict] = field(default_factory=list)
    rate_scores: list[RateScore] = field(default_factory=list)
    zero_base_rates: list[TableRate] = field(default_factory=list)
    indicator_scores: list[IndicatorScore] = field(default_factory=list)
    accounts: list[AccountsTable] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)
    _ends: list[int] | None = None
    _starts: list[int] | None = None
    _marks: list[int] | None = None
    _boundaries: dict[str, list[int]] | None = None

    @classmethod
    def build(cls, report: Report, text: str, tables: Sequence[Table] = (),
              config: dict[str, Any] | None = None) -> ReviewInput:
        """The input of a review of ``report``, whose spans index ``text`` (the document's tables
        index it too). ``config`` defaults to :func:`jixiao.review.config.load_config`."""
        sections = list(report.sections)
        declarations = unit_declarations(text)
        ri = cls(report=report, text=text, tables=list(tables), sections=sections, index=SectionIndex(sections),
                 quantities=text_quantities(text, sections, declarations), unit_declarations=declarations,
                 config=config if config is not None else default_config())
        ri.item_statements = item_statements(ri)
        ri.accounts = read_accounts(ri, ri.tables)
        # a 决算 table's sums are its identities (cross-table-mismatch), panes and all, not a table's 合计 row
        parts = [p for p in table_parts(ri, ri.tables, report.fact_value("fiscal_year"))
                 if not is_accounts_table(ri.accounts, p.table)]
        ri.table_totals = table_totals(ri, parts)
        ri.table_items = table_items(ri, parts)
        forms = form_checks(ri)
        ri.table_totals += forms.totals
        ri.table_rates = forms.rates
        ri.score_conflicts = forms.score_conflicts
        ri.rate_scores = forms.rate_scores
        ri.zero_base_rates = forms.zero_base_rates
        ri.indicator_scores = indicator_scores(ri, parts) + \
            stream_indicators(ri, [(t.start, t.end) for t in ri.tables])
        return ri

    def words(self, name: str) -> re.Pattern[str]:
        """The compiled vocabulary list ``name`` (data/vocabulary.yaml), looked up once per review."""
        key = "words:" + name
        if key not in self.cache:
            self.cache[key] = vocab(name)
        return self.cache[key]

    @cached_property
    def _goal_sections(self) -> frozenset[int]:
        """The sections (by id) that set targets (绩效目标设置情况), not report results."""
        goal, result = self.words("goal_section"), self.words("result_section")
        return frozenset(id(s) for s in self.sections if goal.search(s.title) and not result.search(s.title))

    def in_goal_section(self, pos: int) -> bool:
        """Inside a section that sets targets (绩效目标设置情况), not one that reports results."""
        goals = self._goal_sections
        return bool(goals) and any(id(s) in goals for s in self.index.path(pos))

    def finding(self, rule_id: str, severity: str | None = None, values: dict | None = None,
                evidence: list[Span] | None = None, **fields: Any) -> Finding:
        """A finding of rule ``rule_id``: its message template filled with ``fields``, its default
        severity unless ``severity`` is given."""
        rule = RULES[rule_id]
        return Finding(rule=rule_id, severity=severity or rule.severity, message=rule.format(**fields),
                       values=values or {}, evidence=evidence or [])


def item_statements(ri: ReviewInput) -> list[ItemStatement]:
    """The amounts the running text states for the report's project items, in text order.

    Each item's evidence starts with its text statements, each a span from the item's name (or the
    start of a clause that goes on about it: "，实际支出4.28万元") to the amount, possibly followed by
    a "年中未作调整" span; the spans of table cells and forms follow. So an item's statements are the
    leading spans that end at an amount of running text (not a figure alone in a table cell); the
    role comes from the words before the amount. A statement is part of another item (``parent``)
    when "其中" comes between it and the first item named earlier in its sentence.
    """
    text, qs = ri.text, ri.quantities
    at_end = {q.end: i for i, q in enumerate(qs)}
    in_cells = numeric_cell_quantities(text, qs, ri.tables)
    lex = item_words()
    found: list[tuple[int, str, str, bool]] = []  # (quantity, item, role, the item is named there)
    for item in ri.report.project_items:
        last_end = None
        for ev in item.evidence:
            qi = at_end.get(ev.end)
            if qi is not None and qs[qi].kind == "money" and qi not in in_cells and ev.start <= qs[qi].num_start:
                q = qs[qi]
                words = strip_parens(text[ev.start:q.num_start])
                role, role_at = "plain", len(words)
                for name, rx in lex.roles:
                    m = rx.search(words)
                    if m:
                        role, role_at = name, m.start()
                        break
                found.append((qi, item.name, role, len(clean_name(words[:role_at], lex)) >= 2))
                last_end = q.end
                continue
            if last_end is not None:
                m = lex.no_adjustment.match(text, last_end)
                if m and (ev.start, ev.end) == (m.start() + m.group(0).index(m.group(1)), m.end()):
                    continue  # "，年中未作调整" after an amount: an adjustment of 0, no amount
            break  # table and form evidence follow the text statements
    found.sort()
    out: list[ItemStatement] = []
    sentence, top, top_end = -1, None, 0
    for qi, name, role, named in found:
        q = qs[qi]
        start = ri.sentence_start(q.start)
        if start != sentence:
            sentence, top = start, None
        part = top is not None and "其中" in text[top_end:q.num_start]
        if named and not part:
            top, top_end = name, q.end
        out.append(ItemStatement(name, role, qi, top if part and top != name else None))
    return out
