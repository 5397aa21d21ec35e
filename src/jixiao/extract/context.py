"""Shared state of one extraction pass: the text, its sections, its quantities, and which
quantities a fact or project item has already taken (those are not metrics)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from jixiao.extract.numbers import Quantity, find_bare_amounts, find_quantities, unit_declarations
from jixiao.extract.outline import SectionIndex, build_sections
from jixiao.ingest.document import Table
from jixiao.model import Section, Span

CLAUSE_BOUNDARY = re.compile(r"[，,。；;：:！？!?\n\t]")
ITEM_BOUNDARY = re.compile(r"[，,。；;、\n\t]")
SENTENCE_BOUNDARY = re.compile(r"[。；;！？!?\n]")


def _quantities(text: str, index: SectionIndex, declarations: list[tuple[int, str]]) -> list[Quantity]:
    """Every quantity; after a "（金额单位：万元）" declaration, plain figures up to the end of the
    section that declares it are amounts in that unit."""
    found = find_quantities(text)
    extra: list[Quantity] = []
    for at, unit in declarations:
        path = index.path(at)
        end = path[-1].end if path else min(len(text), at + 3000)
        extra += find_bare_amounts(text, at, end, unit, [(q.start, q.end) for q in found + extra])
    if not extra:
        return found
    return sorted(found + extra, key=lambda q: q.start)


@dataclass(frozen=True)
class ItemStatement:
    """One amount stated for a project item, where it was stated (for the sum checks)."""

    item: str
    role: str
    qi: int
    parent: str | None  # the item this one is a part of ("专项经费…，其中法律援助专项经费…")


@dataclass(frozen=True)
class TableTotal:
    """A table's 合计 row and the rows it totals, in one column (万元)."""

    column: str
    label: str
    total: tuple  # (value, decimals, span)
    parts: list  # [(label, value, decimals, span)]


@dataclass(frozen=True)
class TableRate:
    """A rate a form states (执行率) with its numerator and the bases it may be taken on (万元)."""

    label: str
    rate: tuple  # (value, decimals, span)
    actual: tuple  # (value, decimals, span)
    bases: list  # [(column, value, decimals, span)]: 全年预算数 first, then 年初预算数


@dataclass
class Context:
    text: str
    sections: list[Section]
    index: SectionIndex
    quantities: list[Quantity]
    tables: list[Table] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)
    item_statements: list[ItemStatement] = field(default_factory=list)
    table_totals: list[TableTotal] = field(default_factory=list)
    table_rates: list[TableRate] = field(default_factory=list)
    unit_declarations: list[tuple[int, str]] = field(default_factory=list)  # "（金额单位：万元）": (end, unit)
    subject: str | None = None  # the project a 项目自评报告 is about (from its title)
    kind: str | None = None  # the report kind (identity), for rules that depend on it
    _ends: list[int] | None = None
    _starts: list[int] | None = None
    _marks: list[int] | None = None

    @classmethod
    def of(cls, text: str, tables: list[Table] | None = None) -> Context:
        sections = build_sections(text)
        index = SectionIndex(sections)
        declarations = unit_declarations(text)
        ctx = cls(text, sections, index, _quantities(text, index, declarations), list(tables or []))
        ctx.unit_declarations = declarations
        ctx.consume_table_cells()
        return ctx

    @property
    def quantity_ends(self) -> list[int]:
        """End offsets of the quantities (non-decreasing: quantities do not overlap)."""
        if self._ends is None:
            self._ends = [q.end for q in self.quantities]
        return self._ends

    @property
    def quantity_starts(self) -> list[int]:
        """Start offsets of the quantities, in order."""
        if self._starts is None:
            self._starts = [q.start for q in self.quantities]
        return self._starts

    def consume_table_cells(self) -> None:
        """Quantities inside table cells are read by the table reader, not as running text."""
        if not self.tables:
            return
        spans = sorted((c.start, c.end) for t in self.tables for row in t.rows for c in row if c.start >= 0)
        starts = [a for a, _ in spans]
        for qi, q in enumerate(self.quantities):
            i = bisect_right(starts, q.start) - 1
            if i >= 0 and spans[i][0] <= q.start < spans[i][1] and q.end <= spans[i][1] and self._numeric_cell(spans[i]):
                self.consumed.add(qi)

    def _numeric_cell(self, span: tuple[int, int]) -> bool:
        return bool(re.fullmatch(r"\s*-?[\d,.]+\s*%?\s*", self.text[span[0]:span[1]]))

    def span(self, start: int, end: int) -> Span:
        # built without validation: the fields are right by construction, and this is a hot path
        return Span.model_construct(start=start, end=end, text=self.text[start:end])

    def clause_start(self, pos: int, floor: int = 0, boundary: re.Pattern[str] = CLAUSE_BOUNDARY) -> int:
        """Start of the clause that contains ``pos``.

        A clause ends at a boundary character; a balanced （…） before ``pos`` belongs to the
        clause ("因公出国（境）费0万元"), while an unclosed one starts it ("（全年任务数550件）").
        """
        text = self.text
        i = pos - 1
        depth = 0
        while i >= floor:
            c = text[i]
            if c in "）)":
                depth += 1
            elif c in "（(":
                if depth == 0:
                    return i + 1
                depth -= 1
            elif depth == 0 and boundary.match(c):
                return i + 1
            elif c == "\n":
                return i + 1
            i -= 1
        return floor

    @property
    def _sentence_marks(self) -> list[int]:
        if self._marks is None:
            self._marks = [m.start() for m in SENTENCE_BOUNDARY.finditer(self.text)]
        return self._marks

    def sentence_start(self, pos: int) -> int:
        """Just after the last sentence boundary (。；！？ or a line break) before ``pos``."""
        i = bisect_left(self._sentence_marks, pos) - 1
        return self._sentence_marks[i] + 1 if i >= 0 else 0

    def sentence_end(self, pos: int) -> int:
        """The first sentence boundary at or after ``pos``."""
        marks = self._sentence_marks
        i = bisect_left(marks, pos)
        return marks[i] if i < len(marks) else len(self.text)

    def prev_quantity_end(self, qi: int) -> int:
        return self.quantities[qi - 1].end if qi > 0 else 0

    def line_of(self, pos: int) -> tuple[int, int]:
        a = self.text.rfind("\n", 0, pos) + 1
        b = self.text.find("\n", pos)
        return a, (len(self.text) if b < 0 else b)

