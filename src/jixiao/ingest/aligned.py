"""决算 tables in a text file laid out in columns with spaces, as a PDF-to-text conversion keeps them
(``pdftotext -layout``): the columns are where the characters stand, not how many cells a line has.

Under a title ending in 决算表 (data/accounts.yaml ``title_line``), past the lines around a title (编制单位,
单位：万元, 表1 …), the lines up to a blank line, a note (注：…) or a page footer are a block. Each line is cut
into segments at runs of two spaces or more; the *body* rows are the lines with a figure among two segments
or more. The columns are the stretches of display columns (a Chinese character is two wide) that some body
segment covers, separated by columns no body segment touches: a row with blank cells keeps its other cells in
their columns, and an overflowing name stays in its own; a header standing clear of them is a column with no
figures. The lines above the first body row are the header:
each header segment goes to the column it overlaps most, and a column's header pieces read top-down are one
wrapped cell ("本年收入合" over "计" → 本年收入合计) unless a piece spans several columns (收入 over
项目 and 决算数: a level of its own). After a page footer, the rows that go on under 续表 are a table of their
own (the table model joins a continuation to the table above).

Cells point at the normalised text through the offset map, like the other text readers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from jixiao.ingest.document import Cell, Table
from jixiao.ingest.layout import text_index

_SEPARATOR = re.compile(r"(?: {2,}|\u3000+)")
_FIGURE = re.compile(r"^-?[\d,]+(?:\.\d+)?$")
_FOOTER = re.compile(r"^\s*(?:-\s*\d+\s*-|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\f)\s*$")
_NOTE = re.compile(r"^\s*(?:注|说明)[：:0-9一二三]")
_CONTINUED = re.compile(r"^\s*(?:续表|\(续\)|（续）|续)\s*\d*\s*$")


@dataclass
class _Segment:
    left: int  # display column of the first character
    right: int  # display column after the last character
    start: int  # offset in the original text
    text: str


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _segments(pos: int, line: str) -> list[_Segment]:
    """The pieces of a line between runs of two spaces or more (or ideographic spaces), with their columns."""
    out: list[_Segment] = []
    column, i = 0, 0
    for m in _SEPARATOR.finditer(line):
        if m.start() > i:
            piece = line[i:m.start()]
            w = sum(_width(c) for c in piece)
            out.append(_Segment(column, column + w, pos + i, piece))
            column += w
        column += sum(_width(c) for c in m.group())
        i = m.end()
    if i < len(line):
        piece = line[i:]
        lead = len(piece) - len(piece.lstrip(" "))
        column += lead
        piece = piece.strip(" ")
        if piece:
            out.append(_Segment(column, column + sum(_width(c) for c in piece), pos + i + lead, piece))
    for s in out:  # one leading space (a single space is not a separator) belongs to no cell
        stripped = s.text.lstrip(" ")
        if len(stripped) < len(s.text):
            shift = len(s.text) - len(stripped)
            s.left, s.start, s.text = s.left + shift, s.start + shift, stripped
    return out


def _is_body(segments: list[_Segment]) -> bool:
    return len(segments) >= 2 and any(_FIGURE.match(s.text.replace(" ", "")) for s in segments)


def _columns(body: list[list[_Segment]]) -> list[tuple[int, int]]:
    """The stretches of display columns the body segments cover, in order."""
    spans = sorted((s.left, s.right) for row in body for s in row)
    out: list[list[int]] = []
    for left, right in spans:
        if out and left <= out[-1][1]:
            out[-1][1] = max(out[-1][1], right)
        else:
            out.append([left, right])
    return [(a, b) for a, b in out]


def _column_of(seg: _Segment, columns: list[tuple[int, int]]) -> int:
    best = max(range(len(columns)), key=lambda c: (min(seg.right, columns[c][1]) - max(seg.left, columns[c][0]),
                                                  -abs((seg.left + seg.right) - sum(columns[c]))))
    return best


def _overlapped(seg: _Segment, columns: list[tuple[int, int]]) -> int:
    return sum(1 for a, b in columns if min(seg.right, b) - max(seg.left, a) > 0)


def _cell(segs: list[_Segment], offsets: list[int], text: str) -> Cell:
    if not segs:
        return Cell("", -1, -1)
    start = text_index(offsets, segs[0].start)
    end = text_index(offsets, segs[-1].start + len(segs[-1].text))
    return Cell(" ".join(s.text for s in segs), start, end)


def _header_rows(header: list[list[_Segment]], columns: list[tuple[int, int]], offsets: list[int],
                 text: str) -> list[list[Cell]]:
    """The header lines as rows of the table. A piece under a piece of the line above that filled its column's
    width continues it (a cell's wrapped text: 本年收入合 / 计, 功能分 / 类科目 / 编码); otherwise it starts a cell.
    The cells starting on one line are a level, a row of their own: a cell heads the columns whose stretch (from
    the gap before it to the gap after) it overlaps, and in a top level of two cells or more but fewer than half
    the columns (收入 | 支出; 合计 | 因公出国（境）费 | 公务用车… | 公务接待费 over 预算数 and 决算数) each column
    takes the nearest cell."""

    def overlap(a: int, b: int, c: list) -> int:
        return min(b, c[2]) - max(a, c[1])

    figures, columns = columns, _regions(columns)  # a header stands over the stretch between the gaps beside its column
    cells: list[list] = []  # [pieces, left, right, top line, bottom line]
    for j, line in enumerate(header):
        for seg in line:
            above = next((c for c in cells if c[4] == j - 1 and min(seg.right, c[2]) - max(seg.left, c[1]) > 0), None)
            if above is not None and _fills(above, figures):
                above[0].append(seg)
                above[1], above[2], above[4] = min(above[1], seg.left), max(above[2], seg.right), j
            else:
                cells.append([[seg], seg.left, seg.right, j, j])
    rows: list[list[Cell]] = []
    for n, top in enumerate(sorted({c[3] for c in cells})):
        level = [c for c in cells if c[3] == top]
        row = [Cell("", -1, -1) for _ in columns]
        for k, (a, b) in enumerate(columns):
            hits = [c for c in level if overlap(a, b, c) > 0]
            if not hits and n == 0 and 2 <= len(level) and len(level) * 2 <= len(columns):
                hits = [min(level, key=lambda c: abs((c[1] + c[2]) - (a + b)))]
            if hits:
                best = max(hits, key=lambda c: overlap(a, b, c))
                cell = _cell(best[0], offsets, text)
                row[k] = Cell(cell.text.replace(" ", ""), cell.start, cell.end)
        rows.append(row)
    return rows


def _regions(columns: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each column widened to the middle of the gaps beside it."""
    out = []
    for k, (a, b) in enumerate(columns):
        left = 0 if k == 0 else (columns[k - 1][1] + a) // 2
        right = (b + columns[k + 1][0]) // 2 if k + 1 < len(columns) else b + 40
        out.append((left, right))
    return out


def _fills(cell: list, columns: list[tuple[int, int]]) -> bool:
    """The header cell's last piece is as wide as what stands in the column it is over (the figures, or for a
    column without any, its header: its text went on below), and it is over one column only (a heading over
    several is a level of its own)."""
    last = cell[0][-1]
    over = [(a, b) for a, b in columns if min(last.right, b) - max(last.left, a) > 1]
    if len(over) != 1:
        return False
    a, b = over[0]
    return last.right - last.left >= (b - a) - 2


def _table(header: list[list[_Segment]], body: list[list[_Segment]], offsets: list[int], text: str) -> Table | None:
    columns = _columns(body)
    if len(columns) < 2:
        return None
    # a column no row has a figure in (上级补助收入 of a unit that had none) stands where its header is
    apart = [s for line in header for s in line if not any(min(s.right, b) - max(s.left, a) > 0 for a, b in columns)]
    columns = sorted(columns + _columns([apart]))
    rows = _header_rows(header, columns, offsets, text)
    for line in body:
        cells: list[list[_Segment]] = [[] for _ in columns]
        for seg in line:
            cells[_column_of(seg, columns)].append(seg)
        rows.append([_cell(segs, offsets, text) for segs in cells])
    found = [c for r in rows for c in r if c.start >= 0]
    if not found:
        return None
    return Table(rows, min(c.start for c in found), max(c.end for c in found))


def aligned_tables(origin: str, offsets: list[int], text: str, is_title, is_chrome) -> list[Table]:
    """The column-aligned 决算 tables of a text (``is_title`` / ``is_chrome`` tell a table's title line and the
    lines around it)."""
    if "  " not in origin:
        return []
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in origin.split("\n"):
        lines.append((pos, line.rstrip("\r")))
        pos += len(line) + 1
    out: list[Table] = []
    i, after_table = 0, False
    while i < len(lines):
        line = lines[i][1]
        if is_title(line):
            i, after_table = i + 1, False
            while i < len(lines) and (not lines[i][1].strip() or is_chrome(lines[i][1])):
                i += 1
            table, i = _block(lines, i, offsets, text, with_header=True)
        elif after_table and (not line.strip() or _FOOTER.match(line) or _CONTINUED.match(line) or is_chrome(line)):
            i += 1
            continue
        elif after_table and _is_body(_segments(*lines[i])):
            table, i = _block(lines, i, offsets, text, with_header=False)
        else:
            i, after_table = i + 1, False
            continue
        after_table = table is not None
        if table is not None:
            out.append(table)
    return out


def _block(lines: list[tuple[int, str]], i: int, offsets: list[int], text: str, *,
           with_header: bool) -> tuple[Table | None, int]:
    header: list[list[_Segment]] = []
    body: list[list[_Segment]] = []
    while i < len(lines):
        pos, line = lines[i]
        if "\t" in line:
            return None, i  # cells separated by tabs: a tab table (txt.tab_tables), whatever the columns look like
        if not line.strip() or _FOOTER.match(line) or _NOTE.match(line) or "。" in line:
            break
        segs = _segments(pos, line)
        if _is_body(segs) or (body and len(segs) >= 1 and not _CONTINUED.match(line)):
            body.append(segs)
        elif with_header and not body:
            header.append(segs)
        else:
            break
        i += 1
    figures = [sum(bool(_FIGURE.match(seg.text.replace(" ", ""))) for seg in row) for row in body]
    if sum(1 for n in figures if n) < 2 and not (header and figures and figures[0] >= 3):
        return None, i  # (a table of one row under its header: the 三公 table laid out in columns)
    return _table(header, body, offsets, text), i
