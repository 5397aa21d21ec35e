"""Build a document's origin text line by line and map table cells into the normalised text.

Readers of structured formats (docx, xlsx) append paragraphs and table rows to a
:class:`LayoutBuilder`; it remembers where every cell sits in the origin string, normalises
the whole text once, and turns the remembered origin spans into :class:`Table` / :class:`Cell`
spans of the normalised text via :func:`text_index`.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from jixiao.ingest.document import Cell, Table
from jixiao.ingest.normalize import normalize


def text_index(offsets: list[int], origin_pos: int) -> int:
    """Index in the normalised text of the first character at or after ``origin_pos``.

    ``offsets`` is the map returned by :func:`normalize` (non-decreasing), so this inverts it:
    for a span ``[a, b)`` of the origin, ``text[text_index(a):text_index(b)]`` is what the
    normalisation made of it (characters dropped there simply vanish).
    """
    i = bisect_left(offsets, origin_pos)
    return min(i, len(offsets) - 1)


def clean_cell(text: str) -> str:
    """A cell's text on one line: tabs and line breaks inside a cell become spaces."""
    return " ".join(text.replace("\t", " ").split("\n")).strip()


@dataclass
class _PendingTable:
    rows: list[list[tuple[int, int]]]  # origin spans of cells
    start: int
    end: int
    sheet: str | None


@dataclass
class LayoutBuilder:
    """Accumulates lines of origin text and the origin spans of table cells."""

    lines: list[str] = field(default_factory=list)
    _length: int = 0  # length of "\n".join(lines)
    _tables: list[_PendingTable] = field(default_factory=list)

    def _next_start(self) -> int:
        return self._length + 1 if self.lines else 0

    def add_line(self, line: str) -> None:
        """Append one paragraph (it may itself contain line breaks)."""
        start = self._next_start()
        self.lines.append(line)
        self._length = start + len(line)

    def add_table(self, rows: list[list[str]], sheet: str | None = None) -> None:
        """Append a table: one line per row, cells (already one-line texts) joined by tabs."""
        if not rows:
            return
        table_start = self._next_start()
        spans: list[list[tuple[int, int]]] = []
        for row in rows:
            pos = self._next_start()
            row_spans = []
            for k, cell in enumerate(row):
                if k:
                    pos += 1  # the tab
                row_spans.append((pos, pos + len(cell)))
                pos += len(cell)
            self.add_line("\t".join(row))
            spans.append(row_spans)
        self._tables.append(_PendingTable(spans, table_start, self._length, sheet))

    def finish(self) -> tuple[str, str, list[int], list[Table]]:
        """Return (origin, text, offsets, tables) with table spans in the normalised text."""
        origin = "\n".join(self.lines)
        text, offsets = normalize(origin)
        tables = []
        for pending in self._tables:
            rows = []
            for row in pending.rows:
                cells = []
                for a, b in row:
                    s, e = text_index(offsets, a), text_index(offsets, b)
                    cells.append(Cell(text[s:e], s, e))
                rows.append(cells)
            tables.append(Table(rows, text_index(offsets, pending.start),
                                text_index(offsets, pending.end), pending.sheet))
        return origin, text, offsets, tables
