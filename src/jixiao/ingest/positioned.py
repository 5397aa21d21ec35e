"""Text placed on a page (an OFD page's text objects, OCR's boxes, a PDF's words) as lines, and the tables of such
pages anchored in the document's text. Pieces are dicts as pdfplumber's words: ``text``, ``x0``, ``x1``, ``top``,
``bottom`` (any one unit).

* :func:`layout_lines`: the pieces at one height form a line, left to right; a gap wider than a character is
  written as spaces, as a PDF's text layer gives a table's row;
* :func:`locate_table`: a table read apart from the text (rows of cell texts) whose cells are found in the text;
* :func:`page_tables_in`: the tables of pages drawn without ruling lines, from where their pieces stand.
"""

from __future__ import annotations

import re

from jixiao.ingest.aligned import page_tables
from jixiao.ingest.document import Cell, Table
from jixiao.ingest.normalize import normalize
from jixiao.ingest.txt import is_chrome, is_title

NEAR = 200  # characters after the previous cell found within which a cell's text is looked for


def layout_lines(words: list[dict]) -> tuple[str, list[tuple[int, int, dict]]]:
    """The page's text, and where each piece is in it: ``(start, end, piece)``."""
    if not words:
        return "", []
    heights = sorted(w["bottom"] - w["top"] for w in words)
    unit = heights[len(heights) // 2] or 1.0
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: ((w["top"] + w["bottom"]) / 2, w["x0"])):
        middle = (w["top"] + w["bottom"]) / 2
        if lines and abs(middle - (lines[-1][0]["top"] + lines[-1][0]["bottom"]) / 2) <= unit / 2:
            lines[-1].append(w)
        else:
            lines.append([w])
    text, spans = "", []
    for n, line in enumerate(lines):
        if n:
            text += "\n"
        line.sort(key=lambda w: w["x0"])
        for i, w in enumerate(line):
            if i:
                gap = w["x0"] - line[i - 1]["x1"]
                text += "  " if gap > unit * 1.5 else " " if gap > unit * 0.3 else ""
            spans.append((len(text), len(text) + len(w["text"]), w))
            text += w["text"]
    return text, spans


FIGURE_ROW = re.compile(r"^[^，。；\n]*?\d[\d,.]*%?[ \t]+[^，。；\n]*?\d", re.M)
_TABLE_HEAD = re.compile(r"^[ \t]*(?:金额)?单位[：:][ \t]*(?:万元|元|千元)[ \t]*$|表[ \t]*$", re.M)


def may_hold_a_table(page: str) -> bool:
    """A page with a table's head (单位：万元 on a line of its own, a line ending in 表), or at least
    three lines of figures set apart by spaces with no sentence punctuation (a table's rows as the
    text layer gives them); a page of prose has neither. (A page after a table's page is also read when it
    has a line of figures: the table's last rows.)"""
    return bool(_TABLE_HEAD.search(page)) or len(FIGURE_ROW.findall(page)) >= 3


def locate_table(raw: list[list[str | None]], text: str, cursor: int, hi: int, sheet: str):
    """A table read apart from the text (rows of cell texts) as a :class:`Table` whose cells point into ``text``,
    each found after the one before; (table, where the search goes on)."""
    rows = []
    found = []
    for raw_row in raw:
        row = []
        for value in raw_row:
            cell_text = join_lines(value or "")
            # searched near the previous cell: a header cell the text layer broke ("本年支出合\n计") must not
            # send the search on to the next table's header, and every later cell with it
            start, end = _find(text, cell_text, cursor, min(hi, cursor + NEAR)) if cell_text else (-1, -1)
            if start >= 0:
                cursor = end
                found.append((start, end))
            row.append(Cell(cell_text, start, end))
        rows.append(row)
    start = min((s for s, _ in found), default=-1)
    end = max((e for _, e in found), default=-1)
    return Table(rows, start, end, sheet), cursor


def join_lines(value: str) -> str:
    """Join the lines of a wrapped cell: no space between CJK characters, else one space."""
    value, _ = normalize(value)
    lines = [ln.strip() for ln in value.split("\n") if ln.strip()]
    if not lines:
        return ""
    out = lines[0]
    for ln in lines[1:]:
        out += ln if (not out[-1].isascii() or not ln[0].isascii()) else " " + ln
    return out


def _find(text: str, needle: str, lo: int, hi: int) -> tuple[int, int]:
    """First occurrence of ``needle`` in ``text[lo:hi]``, whitespace/line breaks ignored."""
    chars = [re.escape(c) for c in needle if not c.isspace()]
    if not chars:
        return -1, -1
    m = re.compile(r"\s*".join(chars)).search(text, lo, hi)
    return (m.start(), m.end()) if m else (-1, -1)


def page_tables_in(text: str, page_starts: list[int], pages: list[list[dict] | None]) -> list[Table]:
    """The tables of the pages whose pieces are given (None: a page without them) that may hold one, anchored in
    ``text``; ``page_starts`` holds each page's start and the text's end."""
    tables: list[Table] = []
    for n, words in enumerate(pages):
        lo, hi = page_starts[n], page_starts[n + 1]
        if not words or not may_hold_a_table(text[lo:hi]):
            continue
        cursor = lo
        for raw in page_tables(words, is_title, is_chrome):
            table, cursor = locate_table(raw, text, cursor, hi, f"第{n + 1}页")
            tables.append(table)
    return tables
