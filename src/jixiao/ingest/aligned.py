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
from jixiao.ingest.normalize import FOOTER
from jixiao.textlines import lines

_SEPARATOR = re.compile(r"(?: {2,}|\u3000+)")
_FIGURE = re.compile(r"^-?[\d,]+(?:\.\d+)?$")
_NOTE = re.compile(r"^\s*(?:注|说明)[：:0-9一二三]")
# a figure run into the next cell's label when the columns stood too close (“1376.92一、教育支出”), not into its
# unit (“12.50万元”)
_GLUED = re.compile(r"^(-?\d[\d,]*\.\d+)(?=[\u4e00-\u9fff（(])(?!万|亿|千元|元|个百分点|倍)")
# a two-decimal figure run into the classification code of the next pane (“1030.40302” is 1030.40 | 302, “192.7630201”
# is 192.76 | 30201): a code of 3, 5 or 7 digits (类 / 款 / 项, 301 / 30101) after exactly two decimals
_GLUED_CODE = re.compile(r"^(-?\d[\d,]*\.\d{2})(?=[2-5](?:\d{2}|\d{4}|\d{6})$)")
# a table going on (续表, 续表三, （续）, 续表6 金额单位：元)
CONTINUED = re.compile(r"^\s*(?:续表|[（(]续[）)]|续[一二三四五六七八九十\d]?\s*$)")


@dataclass
class Segment:
    """A piece of a line standing apart from the others: where it stands (display columns of a text, or points
    of a PDF page), where it starts in the original text (-1 when not known) and its text."""

    left: float
    right: float
    start: int
    text: str


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _segments(pos: int, line: str) -> list[Segment]:
    """The pieces of a line between runs of two spaces or more (or ideographic spaces), with their columns."""
    out: list[Segment] = []
    column, i = 0, 0
    for m in _SEPARATOR.finditer(line):
        if m.start() > i:
            piece = line[i:m.start()]
            w = sum(_width(c) for c in piece)
            out.append(Segment(column, column + w, pos + i, piece))
            column += w
        column += sum(_width(c) for c in m.group())
        i = m.end()
    if i < len(line):
        piece = line[i:]
        lead = len(piece) - len(piece.lstrip(" "))
        column += lead
        piece = piece.strip(" ")
        if piece:
            out.append(Segment(column, column + sum(_width(c) for c in piece), pos + i + lead, piece))
    for s in out:  # one leading space (a single space is not a separator) belongs to no cell
        stripped = s.text.lstrip(" ")
        if len(stripped) < len(s.text):
            shift = len(s.text) - len(stripped)
            s.left, s.start, s.text = s.left + shift, s.start + shift, stripped
    return [part for s in out for part in _unglued(s)]


def _unglued(s: Segment) -> list[Segment]:
    """A segment whose figure runs into the next column's label or code, as two segments."""
    m = _GLUED.match(s.text) or _GLUED_CODE.match(s.text)
    if m is None:
        return [s]
    cut = m.end()
    # the figure's characters are half-width: its share of the segment's width (display columns or points)
    mid = s.left + (s.right - s.left) * cut / max(1, sum(_width(c) for c in s.text))
    return [Segment(s.left, mid, s.start, s.text[:cut]), Segment(mid, s.right, s.start + cut, s.text[cut:])]


def _is_figure(seg: Segment) -> bool:
    return bool(_FIGURE.match(seg.text.replace(" ", "")))


def _is_body(segments: list[Segment]) -> bool:
    return len(segments) >= 2 and any(_is_figure(s) for s in segments)


def _columns(body: list[list[Segment]]) -> list[tuple[float, float]]:
    """The stretches of display columns the body segments cover, in order."""
    spans = sorted((s.left, s.right) for row in body for s in row)
    out: list[list[int]] = []
    for left, right in spans:
        if out and left < out[-1][1]:  # spans that only touch are two columns (a figure run into a label)
            out[-1][1] = max(out[-1][1], right)
        else:
            out.append([left, right])
    return [(a, b) for a, b in out]


def _column_of(seg: Segment, columns: list[tuple[float, float]]) -> int:
    best = max(range(len(columns)), key=lambda c: (min(seg.right, columns[c][1]) - max(seg.left, columns[c][0]),
                                                  -abs((seg.left + seg.right) - sum(columns[c]))))
    return best


def _cell(segs: list[Segment], offsets: list[int], text: str) -> Cell:
    if not segs:
        return Cell("", -1, -1)
    start = text_index(offsets, segs[0].start)
    end = text_index(offsets, segs[-1].start + len(segs[-1].text))
    return Cell(" ".join(s.text for s in segs), start, end)


@dataclass
class _HeaderCell:
    pieces: list[Segment]
    left: float
    right: float
    top: int  # line of its first piece
    bottom: int  # line of its last piece
    group: bool = False  # a heading over several columns (_mark_groups)
    flush: bool = False  # such a heading set flush left over its columns, not centred

    @property
    def center(self) -> float:
        return (self.left + self.right) / 2


def _header_cells(header: list[list[Segment]], unit: float) -> list[_HeaderCell]:
    """The header's cells: a piece under a cell (the nearest above it), centred within it, no wider, and alone
    under it on its line, continues it (the cell's text wrapped: 本年收入合 / 计, 功能分 / 类科目 / 编码, 附属单位上缴收 / 入);
    any other piece starts a cell."""
    cells: list[_HeaderCell] = []
    for j, line in enumerate(header):
        for seg in line:
            mid = (seg.left + seg.right) / 2
            over = [c for c in cells if c.bottom < j and min(seg.right, c.right) - max(seg.left, c.left) > 0]
            above = max(over, key=lambda c: c.bottom, default=None)  # the nearest cell above it
            if above is not None and not (above.left <= mid <= above.right
                                          and seg.right - seg.left <= above.right - above.left + unit
                                          and sum(1 for o in line if above.left <= (o.left + o.right) / 2 <= above.right) == 1):
                above = None
            if above is not None:
                above.pieces.append(seg)
                above.left, above.right, above.bottom = min(above.left, seg.left), max(above.right, seg.right), j
            else:
                cells.append(_HeaderCell([seg], seg.left, seg.right, j, j))
    return cells


def _mark_groups(cells: list[_HeaderCell]) -> None:
    """Mark the headings over several columns: a cell with cells wholly below it on both sides of its centre, or
    with two or more starting under it or to its right (a heading set flush left), within its reach (up to halfway
    to the cells beside it on its line)."""
    for c in cells:
        beside = [o for o in cells if o is not c and o.top <= c.bottom and o.bottom >= c.top]
        lo = max((o.right for o in beside if o.right <= c.left), default=float("-inf"))
        hi = min((o.left for o in beside if o.left >= c.right), default=float("inf"))
        lo, hi = (lo + c.left) / 2 if lo > float("-inf") else lo, (hi + c.right) / 2 if hi < float("inf") else hi
        under = [o for o in cells if o.top > c.bottom and lo <= o.center <= hi]
        # (centred over them, or set flush left over two or more: “人员经费” over 经济分类科目编码 · 科目名称 · 决算数)
        c.group = any(o.center <= c.center for o in under) and any(o.center >= c.center for o in under)
        c.flush = not c.group and len(under) >= 2 and all(o.left >= c.left - 1 for o in under)
        c.group = c.group or c.flush


def _header_paths(cells: list[_HeaderCell], columns: list[tuple[float, float]],
                  unit: float) -> list[list[list[Segment]]]:
    """Each column's header, top-down (the cells over it: the headings over several columns, then its own)."""
    regions = _regions(columns, unit)
    groups = [c for c in cells if c.group]
    leaves = [c for c in cells if not c.group]
    paths: list[list[list[Segment]]] = [[] for _ in columns]
    for n, top in enumerate(sorted({g.top for g in groups})):
        line = [g for g in groups if g.top == top]
        for k, (a, b) in enumerate(regions):
            hits = [g for g in line if min(b, g.right) - max(a, g.left) > 0]
            if not hits and n == 0 and len(line) >= 2:  # (the top headings share out all the columns)
                mid = (a + b) / 2
                left = [g for g in line if g.left <= mid]
                hits = [max(left, key=lambda g: g.left)] if left and any(g.flush for g in line) else \
                    [min(line, key=lambda g: abs(g.center - mid))]  # flush left: the heading it is under
            if hits:
                paths[k].append(max(hits, key=lambda g: min(b, g.right) - max(a, g.left)).pieces)
    for k, (a, b) in enumerate(regions):
        hits = [c for c in leaves if min(b, c.right) - max(a, c.left) > 0]
        if hits:
            fa, fb = columns[k]
            paths[k].append(min(hits, key=lambda c: abs(c.center - (fa + fb) / 2)).pieces)
    return paths


def _regions(columns: list[tuple[float, float]], unit: float) -> list[tuple[float, float]]:
    """Each column widened to the middle of the gaps beside it."""
    out = []
    for k, (a, b) in enumerate(columns):
        left = 0 if k == 0 else (columns[k - 1][1] + a) / 2
        right = (b + columns[k + 1][0]) / 2 if k + 1 < len(columns) else b + 40 * unit
        out.append((left, right))
    return out


def layout(header: list[list[Segment]], body: list[list[Segment]],
           unit: float = 1) -> tuple[list[list[list[Segment]]], list[list[list[Segment]]]] | None:
    """The columns' header paths (each a list of cells' pieces, top-down) and the rows (each a list of its
    columns' pieces), from where the pieces stand (``unit``: the width of a half-width character in the pieces'
    coordinates); None when the body does not make two columns."""
    cells = _header_cells(header, unit)
    _mark_groups(cells)
    columns = _columns(body)
    if len(columns) < 2 and _is_empty(header, body):  # an empty table: its columns are its header's
        columns = _columns([[Segment(c.left, c.right, -1, "") for c in cells if not c.group]])
    if len(columns) < 2:
        return None
    columns = sorted(columns + _columns([[s for c in _apart(cells, columns, unit) for s in c.pieces]]))
    rows = []
    for line in body:
        row: list[list[Segment]] = [[] for _ in columns]
        for seg in line:
            row[_column_of(seg, columns)].append(seg)
        rows.append(row)
    return _header_paths(cells, columns, unit), _wrapped_labels(_centred_figures(rows, unit), unit)


def _centred_figures(rows: list[list[list[Segment]]], unit: float) -> list[list[list[Segment]]]:
    """A row whose label wrapped in its cell with the figures set at the cell's middle height comes out as three
    lines: the label's top (人员经费 · 公用经费), the figures alone, the label's rest (合计 · 合计). One row: the labels
    above and below joined around the figures (人员经费合计 9150949.89 · 公用经费合计 2929257.62)."""
    def labels_only(row):
        return any(row) and not any(_is_figure(sg) for segs in row for sg in segs)
    out: list[list[list[Segment]]] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        filled = [k for k, segs in enumerate(row) if segs]
        if (out and labels_only(out[-1]) and filled and all(_is_figure(sg) for k in filled for sg in row[k])
                and not any(row[k] for k, segs in enumerate(out[-1]) if segs)):
            top = out.pop()
            merged = [list(a) + list(b) for a, b in zip(top, row, strict=True)]
            below = rows[i + 1] if i + 1 < len(rows) else None
            if below is not None and labels_only(below) and all(
                    top[k] and abs(segs[0].left - top[k][0].left) <= unit for k, segs in enumerate(below) if segs):
                merged = [list(m) + list(b) for m, b in zip(merged, below, strict=True)]
                i += 1
            out.append(merged)
        else:
            out.append(row)
        i += 1
    return out


_NOT_GOING_ON = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d|合\s*计|总\s*计|小\s*计|其中)")


def _wrapped_labels(rows: list[list[list[Segment]]], unit: float) -> list[list[list[Segment]]]:
    """Rows whose long labels wrapped onto the next line (“年初财政拨款结转” over “和结余”, “三、国有资本经营” over
    “预算财政拨款”) as one row: a line with no figure whose every piece starts where the label above it starts, in a
    column that label fills (as wide as the column's widest piece), and does not start a row of its own (一、, 合计,
    其中 …), is the rest of those labels."""
    widths = [max((sg.right - sg.left for row in rows for sg in row[k]), default=0) for k in range(len(rows[0]))] \
        if rows else []
    out: list[list[list[Segment]]] = []
    for row in rows:
        pieces = [(k, segs) for k, segs in enumerate(row) if segs]
        above = out[-1] if out else None
        if above is not None and pieces and all(
                len(segs) == 1 and not _is_figure(segs[0]) and above[k]
                and not _NOT_GOING_ON.match(segs[0].text) and abs(segs[0].left - above[k][0].left) <= unit
                and above[k][-1].right - above[k][0].left >= widths[k] - 2 * unit
                and not any(_is_figure(sg) for sg in above[k])
                for k, segs in pieces):
            for k, segs in pieces:
                above[k].append(segs[0])
            continue
        out.append(row)
    return out


def _apart(cells: list[_HeaderCell], columns: list[tuple[float, float]], unit: float) -> list[_HeaderCell]:
    """The header cells of columns no row has a figure in (上级补助收入 of a unit that had none): of the lowest
    cells over one column's stretch, the one nearest its figures heads it, the others stand for columns of their
    own."""
    regions = _regions(columns, unit)
    leaves = [c for c in cells if not c.group]
    by_column: dict[int, list[_HeaderCell]] = {}
    for c in leaves:
        k = max(range(len(regions)), key=lambda k: min(regions[k][1], c.right) - max(regions[k][0], c.left))
        by_column.setdefault(k, []).append(c)
    out: list[_HeaderCell] = []
    for k, group in by_column.items():
        if len(group) > 1:
            a, b = columns[k]
            keep = min(group, key=lambda c: abs(c.center - (a + b) / 2))
            out += [c for c in group if c is not keep and not any(min(c.right, d) - max(c.left, e) > 0
                                                                   for e, d in columns)]
    return out


_TOTAL_ONLY = re.compile(r"^(?:合\s*计|总\s*计)$")


def _is_empty(header: list[list[Segment]], body: list[list[Segment]]) -> bool:
    """A table printed empty: its header, then a 合计 row with no figure (本表为空表)."""
    return bool(header) and len(body) == 1 and bool(_TOTAL_ONLY.match("".join(s.text for s in body[0])))


def take_total_row(header: list[list[Segment]], body: list[list[Segment]]) -> None:
    """An empty table's 合计 line, read with its header for want of figures, is its one row."""
    if not body and len(header) > 1 and _TOTAL_ONLY.match("".join(s.text for s in header[-1])):
        body.append(header.pop())


def enough_body(header: list[list[Segment]], body: list[list[Segment]]) -> bool:
    """Two rows with figures, or one with three figures or more under a header (the 三公 table laid out in columns),
    or an empty table's 合计 row."""
    if _is_empty(header, body):
        return True
    figures = [sum(bool(_FIGURE.match(seg.text.replace(" ", ""))) for seg in row) for row in body]
    return sum(1 for n in figures if n) >= 2 or bool(header and figures and figures[0] >= 3)


def _table(header: list[list[Segment]], body: list[list[Segment]], offsets: list[int], text: str) -> Table | None:
    made = layout(header, body)
    if made is None:
        return None
    paths, rows = made
    cells = [[_cell(segs, offsets, text) for segs in row] for row in rows]
    if any(paths):  # one header row: each column's path (a wrapped word joined, the levels parted by /)
        heads = []
        for path in paths:
            spans = [_cell([s], offsets, text) for cell in path for s in cell]
            heads.append(Cell("/".join("".join(s.text for s in c).replace(" ", "") for c in path),
                              min((c.start for c in spans), default=-1), max((c.end for c in spans), default=-1)))
        cells.insert(0, heads)
    found = [c for r in cells for c in r if c.start >= 0]
    if not found:
        return None
    return Table(cells, min(c.start for c in found), max(c.end for c in found))


def origin_lines(origin: str) -> list[tuple[int, str]]:
    """The original text's lines with where each starts (a carriage return dropped)."""
    return [(pos, line.rstrip("\r")) for pos, line in lines(origin)]


def aligned_tables(origin: str, offsets: list[int], text: str, is_title, is_chrome) -> list[Table]:
    """The column-aligned 决算 tables of a text (``is_title`` / ``is_chrome`` tell a table's title line and the
    lines around it)."""
    if "  " not in origin or "决算" not in origin:
        return []
    lines = origin_lines(origin)
    out: list[Table] = []
    i, after_table = 0, False
    while i < len(lines):
        line = lines[i][1]
        if is_title(line):
            i, after_table = i + 1, False
            # the lines around the title, and the table's own title under a part's (第二部分 2022年度部门决算表)
            while i < len(lines) and (not lines[i][1].strip() or is_chrome(lines[i][1]) or is_title(lines[i][1])):
                i += 1
            table, i = _block(lines, i, offsets, text, with_header=True)
        elif after_table and (not line.strip() or FOOTER.match(line) or CONTINUED.match(line) or is_chrome(line)):
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
    header: list[list[Segment]] = []
    body: list[list[Segment]] = []
    while i < len(lines):
        pos, line = lines[i]
        if "\t" in line:
            return None, i  # cells separated by tabs: a tab table (txt.tab_tables), whatever the columns look like
        if not line.strip() or FOOTER.match(line) or _NOTE.match(line) or "。" in line:
            break
        segs = _segments(pos, line)
        if _is_body(segs) or (body and len(segs) >= 1 and not CONTINUED.match(line)):
            body.append(segs)
        elif with_header and not body:
            header.append(segs)
        else:
            break
        i += 1
    take_total_row(header, body)
    if not enough_body(header, body):
        return None, i
    return _table(header, body, offsets, text), i


# ── PDF pages: the same reading over the words of a page ─────────────────────────────────────────────────


def page_tables(words: list[dict], is_title, is_chrome) -> list[list[list[str]]]:
    """The tables of a PDF page drawn without ruling lines, from its words (pdfplumber's ``extract_words``:
    text, x0, x1, top, bottom), as rows of cell texts (header cells without spaces). Lines are the words at one
    height; a line's words closer than a character make one piece. Blocks as in a text: under a title (or at the
    top of the page, going on from the page before), header lines, then rows up to a sentence, a note or the next
    title."""
    if not words:
        return []
    heights = sorted(w["bottom"] - w["top"] for w in words)
    unit = heights[len(heights) // 2] / 2  # a half-width character
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(w["top"] - lines[-1][0]["top"]) <= unit:
            lines[-1].append(w)
        else:
            lines.append([w])
    pieces = [_word_segments(sorted(line, key=lambda w: w["x0"]), unit) for line in lines]
    texts = ["".join(seg.text for seg in line) for line in pieces]
    out: list[list[list[str]]] = []
    i = 0
    while i < len(pieces) and (is_chrome(texts[i]) or FOOTER.match(texts[i]) or CONTINUED.match(texts[i])):
        i += 1
    # a page's first rows (under its header again, or not) go on with the table of the page before when no
    # title comes before them
    body_at = next((k for k in range(i, len(pieces)) if _is_body(pieces[k])), len(pieces))
    first = i if not any(is_title(texts[k]) for k in range(i, body_at)) and body_at < len(pieces) else -1
    while i < len(pieces):
        if is_title(texts[i]):
            i += 1
        elif i != first:
            i += 1
            continue
        while i < len(pieces) and (is_chrome(texts[i]) or FOOTER.match(texts[i]) or CONTINUED.match(texts[i])):
            i += 1
        header: list[list[Segment]] = []
        body: list[list[Segment]] = []
        while i < len(pieces) and not is_title(texts[i]):
            t = texts[i]
            if FOOTER.match(t) or _NOTE.match(t) or "。" in t or (len(pieces[i]) == 1 and _PAGE_NUMBER.match(t)):
                break  # (a number alone on a line of the page is its page number, no row)
            if _is_body(pieces[i]) or body:
                body.append(pieces[i])
            else:
                header.append(pieces[i])
            i += 1
        take_total_row(header, body)
        made = layout(header, body, unit) if enough_body(header, body) else None
        if made is not None:
            paths, rows = made
            table = [[" ".join(s.text for s in segs) for segs in row] for row in rows]
            if any(paths):
                table.insert(0, ["/".join("".join(s.text for s in c) for c in path) for path in paths])
            out.append(table)
    return out


_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")


def _word_segments(line: list[dict], unit: float) -> list[Segment]:
    out: list[Segment] = []
    for w in line:
        # (two figures apart are two cells — a pane's last figure and the next pane's code, “825.20  302” — however
        # close: the words of one figure are one word already)
        figures = out and out[-1].text[-1:].isdigit() and w["text"][:1].isdigit()
        if out and not figures and w["x0"] - out[-1].right < 1.5 * unit:
            last = out[-1]
            joint = " " if last.text[-1:].isascii() and w["text"][:1].isascii() else ""
            out[-1] = Segment(last.left, w["x1"], -1, last.text + joint + w["text"])
        else:
            out.append(Segment(w["x0"], w["x1"], -1, w["text"]))
    return [part for seg in out for part in _unglued(seg)]
