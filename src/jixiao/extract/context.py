"""Shared state of one extraction pass: the text, its sections, its quantities, and which
quantities a fact or project item has already taken (those are not metrics). Review does not see
it: rules get a :class:`jixiao.review.input.ReviewInput` built from the report."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from jixiao.extract.numbers import Quantity, unit_declarations
from jixiao.extract.outline import SectionIndex, build_sections
from jixiao.extract.textview import (  # noqa: F401 - the boundaries are also imported from here
    CLAUSE_BOUNDARY,
    ITEM_BOUNDARY,
    SENTENCE_BOUNDARY,
    TextView,
    numeric_cell_quantities,
    text_quantities,
)
from jixiao.ingest.document import Table
from jixiao.model import Section


@dataclass
class Context(TextView):
    """One extraction pass over a text (see the module docstring)."""

    text: str
    sections: list[Section]
    index: SectionIndex
    quantities: list[Quantity]
    tables: list[Table] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)
    unit_declarations: list[tuple[int, str]] = field(default_factory=list)  # "（金额单位：万元）": (end, unit)
    subject: str | None = None  # the project a 项目自评报告 is about (from its title)
    kind: str | None = None  # the report kind (identity), for rules that depend on it
    year: int | None = None  # the fiscal year (identity): figures said to be of another year are not its facts
    unit: str | None = None  # the unit's name (identity)
    _ends: list[int] | None = None
    _starts: list[int] | None = None
    _marks: list[int] | None = None
    _boundaries: dict[str, list[int]] | None = None

    @classmethod
    def of(cls, text: str, tables: list[Table] | None = None) -> Context:
        """The context of ``text``: its sections, unit declarations and quantities; table cells taken."""
        sections = build_sections(text)
        index = SectionIndex(sections)
        declarations = unit_declarations(text)
        ctx = cls(text, sections, index, text_quantities(text, sections, declarations), list(tables or []))
        ctx.unit_declarations = declarations
        ctx.consume_table_cells()
        return ctx

    def take_quantities(self, spans: list) -> None:
        """The quantities inside ``spans`` (cells a form reader has read) are not running text."""
        starts = self.quantity_starts
        for sp in spans:
            for qi in range(bisect_left(starts, sp.start), len(starts)):
                if self.quantities[qi].start >= sp.end:
                    break
                self.consumed.add(qi)

    def consume_table_cells(self) -> None:
        """Quantities inside table cells are read by the table reader, not as running text."""
        self.consumed |= numeric_cell_quantities(self.text, self.quantities, self.tables)
