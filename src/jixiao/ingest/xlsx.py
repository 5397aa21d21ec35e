"""Excel (.xlsx) reader: every sheet's non-empty rows become a table.

openpyxl with ``data_only=True``: formulas give the value Excel cached when it last saved the
file (a file written by a program that never calculated has none: the cell reads empty).
Text: per sheet a line ``【sheet title】`` then one line per non-empty row, cells joined by tabs.
Merged cells keep their value in the top-left cell only; the covered cells are empty, so
columns stay aligned. Leading/trailing all-empty columns of a sheet are dropped.
Numbers are written as Excel shows them without float noise (15 significant digits: 59.93,
12), percentages formatted as such (0.9593 with a "%" format → 95.93%), dates in ISO form.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl import load_workbook

from jixiao.ingest.document import Document
from jixiao.ingest.layout import LayoutBuilder, clean_cell


def read(path: Path, source: str) -> Document:
    """Read an .xlsx workbook into a Document (each sheet as a table of cells)."""
    wb = load_workbook(str(path), data_only=True, read_only=False)
    try:
        out = LayoutBuilder()
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            rows = _sheet_rows(ws)
            if rows:
                out.add_line(f"【{ws.title}】")
                out.add_table(rows, sheet=ws.title)
    finally:
        wb.close()
    origin, text, offsets, tables = out.finish()
    return Document(source=source, format="xlsx", text=text, origin=origin, offsets=offsets,
                    tables=tables)


def _sheet_rows(ws) -> list[list[str]]:
    grid = [[cell_text(c.value, getattr(c, "number_format", "General")) for c in row]
            for row in ws.iter_rows()]
    grid = [row for row in grid if any(row)]
    if not grid:
        return []
    used = [k for row in grid for k, v in enumerate(row) if v]
    lo, hi = min(used), max(used) + 1
    return [row[lo:hi] + [""] * (hi - len(row)) if len(row) < hi else row[lo:hi] for row in grid]


def cell_text(value, number_format: str | None = "General") -> str:
    """A cell value as the text a reader would see."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        decimals, grouping, percent = _fixed_format(number_format)
        if percent:
            value = value * 100
        if decimals is None:
            text = number_text(value)
        else:  # "0.00" shows 68 as 68.00: the precision the sheet writes the figure with
            d = Decimal(format(value, ".15g")) if isinstance(value, float) else Decimal(value)
            text = format(d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP), ",f" if grouping else "f")
        return text + ("%" if percent else "")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return clean_cell(str(value))


_FIXED = re.compile(r"^[#,]*0(?:\.(0+))?%?$")


def _fixed_format(number_format: str | None) -> tuple[int | None, bool, bool]:
    """(decimals, thousands separators, percent) of a number format such as ``#,##0.00`` or ``0.0%``;
    decimals None for General and formats other than fixed decimals."""
    if not number_format:
        return None, False, False
    first = re.sub(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]', "", number_format.split(";")[0]).strip()
    percent = "%" in first
    m = _FIXED.match(first)
    if m is None:
        return None, False, percent
    return len(m.group(1) or ""), "," in first, percent


def number_text(value: int | float | Decimal) -> str:
    """12 → "12", 12.0 → "12", 59.93000000000001 → "59.93", 1e20 → "100000000000000000000"."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    d = Decimal(format(value, ".15g"))
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
