"""A text with its quantities, and the questions both extraction and review ask about it: where a
clause or sentence starts, which line an offset is on, the span of a range.

``TextView`` holds no extraction state: :class:`jixiao.extract.context.Context` (one extraction
pass) and :class:`jixiao.review.input.ReviewInput` (one review) are both built on it.
``text_quantities`` finds every quantity of a text once; extraction and the review of the same text
share the result (the last few texts are remembered).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from typing import NamedTuple

from jixiao.extract.numbers import Quantity, find_bare_amounts, find_quantities
from jixiao.extract.outline import SectionIndex
from jixiao.ingest.document import Table
from jixiao.lexicon import data_dir
from jixiao.model import Section, Span, make_span

CLAUSE_BOUNDARY = re.compile(r"[，,。；;：:！？!?\n\t]")
ITEM_BOUNDARY = re.compile(r"[，,。；;、\n\t]")
SENTENCE_BOUNDARY = re.compile(r"[。；;！？!?\n]")
_NUMERIC_CELL = re.compile(r"\s*-?[\d,.]+\s*%?\s*")
_MARK_PATTERNS: dict[str, re.Pattern[str]] = {}  # boundary pattern → it, or a bracket, or a line break


class Declaration(NamedTuple):
    """A "（金额单位：万元）" declaration: where it ends and the unit it declares."""

    at: int
    unit: str


_REMEMBERED = 4
_memo: OrderedDict[tuple, list[Quantity]] = OrderedDict()


def text_quantities(text: str, sections: Sequence[Section], declarations: Sequence[tuple[int, str]]) -> list[Quantity]:
    """Every quantity of ``text`` in order; after a "（金额单位：万元）" declaration, plain figures up
    to the end of the section that declares it are amounts in that unit.

    The result depends only on the text, its sections and the data folder, so the last few results
    are remembered: extraction and then review of one document find the quantities once. The list
    is shared: do not change it.
    """
    key = (str(data_dir()), text, tuple((s.start, s.end, s.level) for s in sections), tuple(declarations))
    found = _memo.get(key)
    if found is not None:
        _memo.move_to_end(key)
        return found
    found = _find(text, SectionIndex(list(sections)), declarations)
    _memo[key] = found
    if len(_memo) > _REMEMBERED:
        _memo.popitem(last=False)
    return found


def _find(text: str, index: SectionIndex, declarations: Sequence[tuple[int, str]]) -> list[Quantity]:
    found = find_quantities(text)
    extra: list[Quantity] = []
    for at, unit in declarations:
        path = index.path(at)
        end = path[-1].end if path else min(len(text), at + 3000)
        extra += find_bare_amounts(text, at, end, unit, [(q.start, q.end) for q in found + extra])
    if not extra:
        return found
    return sorted(found + extra, key=lambda q: q.start)


def numeric_cell_quantities(text: str, quantities: Sequence[Quantity], tables: Sequence[Table]) -> set[int]:
    """Indexes of the quantities written alone in a numeric table cell ("67.20", "96.5%"): the table
    reader reads those, they are not running text."""
    if not tables:
        return set()
    spans = sorted((c.start, c.end) for t in tables for row in t.rows for c in row if c.start >= 0)
    starts = [a for a, _ in spans]
    out: set[int] = set()
    for qi, q in enumerate(quantities):
        i = bisect_right(starts, q.start) - 1
        if i >= 0 and spans[i][0] <= q.start < spans[i][1] and q.end <= spans[i][1] \
                and _NUMERIC_CELL.fullmatch(text[spans[i][0]:spans[i][1]]):
            out.add(qi)
    return out


class TextView:
    """Questions about a text and its quantities. A class using it provides ``text`` and
    ``quantities`` (in order, not overlapping) and the cache slots ``_ends``, ``_starts``,
    ``_marks``, ``_boundaries`` (None at first)."""

    text: str
    quantities: list[Quantity]
    _ends: list[int] | None
    _starts: list[int] | None
    _marks: list[int] | None
    _boundaries: dict[str, list[int]] | None

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

    def span(self, start: int, end: int) -> Span:
        """The span ``[start, end)`` with its text."""
        # built without validation: the fields are right by construction, and this is a hot path
        return make_span(start, end, self.text[start:end])

    def clause_start(self, pos: int, floor: int = 0, boundary: re.Pattern[str] = CLAUSE_BOUNDARY) -> int:
        """Start of the clause that contains ``pos``.

        A clause ends at a boundary character; a balanced （…） before ``pos`` belongs to the
        clause ("因公出国（境）费0万元"), while an unclosed one starts it ("（全年任务数550件）").
        Only the characters that can end a clause are visited (their offsets are found once per
        boundary).
        """
        marks = self._clause_marks(boundary)
        text = self.text
        k = bisect_left(marks, pos) - 1
        depth = 0
        while k >= 0:
            i = marks[k]
            if i < floor:
                break
            c = text[i]
            if c in "）)":
                depth += 1
            elif c in "（(":
                if depth == 0:
                    return i + 1
                depth -= 1
            elif depth == 0 or c == "\n":
                return i + 1  # a boundary outside brackets, or a line break anywhere
            k -= 1
        return floor

    def _clause_marks(self, boundary: re.Pattern[str]) -> list[int]:
        """Offsets of the boundary characters, brackets and line breaks of the text, in order."""
        cache = self._boundaries
        if cache is None:
            cache = self._boundaries = {}
        marks = cache.get(boundary.pattern)
        if marks is None:
            rx = _MARK_PATTERNS.get(boundary.pattern)
            if rx is None:
                rx = _MARK_PATTERNS[boundary.pattern] = re.compile(f"{boundary.pattern}|[（()）\n]")
            marks = cache[boundary.pattern] = [m.start() for m in rx.finditer(self.text)]
        return marks

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
        """Where the quantity before quantity ``qi`` ends (0 for the first)."""
        return self.quantities[qi - 1].end if qi > 0 else 0

    def line_of(self, pos: int) -> tuple[int, int]:
        """Start and end of the line containing ``pos`` (the end excludes the line break)."""
        a = self.text.rfind("\n", 0, pos) + 1
        b = self.text.find("\n", pos)
        return a, (len(self.text) if b < 0 else b)
