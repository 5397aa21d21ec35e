"""Shared state of one extraction pass: the text, its sections, its quantities, and which
quantities a fact or project item has already taken (those are not metrics)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.extract.numbers import Quantity, find_quantities
from jixiao.extract.outline import SectionIndex, build_sections
from jixiao.model import Section, Span

CLAUSE_BOUNDARY = re.compile(r"[，,。；;：:！？!?\n\t（(]")
SENTENCE_BOUNDARY = re.compile(r"[。；;！？!?\n]")


@dataclass
class Context:
    text: str
    sections: list[Section]
    index: SectionIndex
    quantities: list[Quantity]
    consumed: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, text: str) -> Context:
        sections = build_sections(text)
        return cls(text, sections, SectionIndex(sections), find_quantities(text))

    def span(self, start: int, end: int) -> Span:
        return Span(start=start, end=end, text=self.text[start:end])

    def clause_start(self, pos: int, floor: int = 0) -> int:
        """Start of the clause that contains ``pos`` (after the last clause boundary)."""
        i = pos - 1
        while i >= floor:
            if CLAUSE_BOUNDARY.match(self.text, i):
                return i + 1
            i -= 1
        return floor

    def sentence_start(self, pos: int) -> int:
        i = pos - 1
        while i >= 0:
            if SENTENCE_BOUNDARY.match(self.text, i):
                return i + 1
            i -= 1
        return 0

    def sentence_end(self, pos: int) -> int:
        m = SENTENCE_BOUNDARY.search(self.text, pos)
        return m.start() if m else len(self.text)

    def prev_quantity_end(self, qi: int) -> int:
        return self.quantities[qi - 1].end if qi > 0 else 0

    def line_of(self, pos: int) -> tuple[int, int]:
        a = self.text.rfind("\n", 0, pos) + 1
        b = self.text.find("\n", pos)
        return a, (len(self.text) if b < 0 else b)

    def in_parens(self, pos: int, floor: int) -> bool:
        """Whether ``pos`` is inside an open （…） that started after ``floor``."""
        seg = self.text[floor:pos]
        return seg.count("（") + seg.count("(") > seg.count("）") + seg.count(")")
