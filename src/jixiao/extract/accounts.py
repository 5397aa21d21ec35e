"""The 部门决算 (final accounts) table model: the nine standard tables read from a document's tables.

A table is recognised by its title, the nearest title line above it (data/accounts.yaml ``tables``: 收入支出
决算总表 … 财政拨款“三公”经费支出决算表 and their provincial wordings); a table with no title of its own
after the previous one continues it (a table running over pages; a repeated header is skipped). Its
columns are read by header: the header rows (the rows before the first row of figures, codes or
numbered class names) are merged top-down into one path per column ("本年支出/基本支出",
"公务用车购置及运行维护费/小计/决算数"), a blank header cell taking the cell to its left when no row
above starts a new cell there. A table whose label columns (项目, 科目名称, 经济分类科目编码 …) come
again after figure columns has panes side by side (收入 | 支出; 人员经费 | 公用经费), each read as rows of
its own. Rows carry their classification code (201 / 20101 / 2010101: 类/款/项; 301 / 30101) and name,
and their figures in 万元 (a table in 元 is converted, keeping its written precision); every figure
points at its cell, and the table knows its page.

Nothing here decides what is wrong: :mod:`jixiao.review.rules.cross_table_mismatch` and
``missing_table`` read the model; extraction takes facts from it (``accounts.yaml`` ``facts``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from jixiao.extract.lexicon import load_yaml
from jixiao.extract.numbers import CELL_UNIT, FIGURE_CELL, decimal_shift, money_factor, parse_number
from jixiao.extract.textview import TextView
from jixiao.ingest.document import Cell, Table
from jixiao.model import Fact, Span

_NUM = FIGURE_CELL
_CODE = re.compile(r"^(\d{3}|\d{5}|\d{7})(?!\d)")
_ORDINAL = re.compile(r"^[一二三四五六七八九十]{1,3}[、.．]")
_PAGE = re.compile(r"第(\d+)页")
_WS = re.compile(r"\s+")
_ROW_END = re.compile(r"[\d数]\s*$")  # what a table row ends with (a figure, 决算数)


@dataclass(frozen=True)
class Figure:
    """A figure of a table cell: value in 万元, the decimals it stands for, its cell's span (None when
    the cell could not be placed in the text), the page it is on."""

    value: Decimal
    decimals: int
    span: Span | None
    page: int | None


@dataclass
class Row:
    """A row of one pane: code (None for a row without one), name as written (whitespace removed,
    a leading 一、 kept in ``label``), figures by column path."""

    code: str | None
    name: str
    label: str
    span: Span | None
    values: dict[str, Figure]
    pane: int
    page: int | None

    @property
    def level(self) -> int:
        """1 for a 类 (3 digits), 2 for a 款 (5), 3 for a 项 (7); 0 without a code."""
        return {3: 1, 5: 2, 7: 3}.get(len(self.code or ""), 0)

    @property
    def ordinal(self) -> bool:
        return bool(_ORDINAL.match(self.label))


@dataclass
class AccountsTable:
    """One of the nine tables (``kind``: data/accounts.yaml ``tables`` id), over one or more pages."""

    kind: str
    name: str
    title: Span
    unit: str | None
    pages: list[int]
    panes: list[list[str]]  # the figure columns (header paths) of each pane
    rows: list[Row] = field(default_factory=list)
    end: int = 0  # where the table ends in the text
    sources: list[int] = field(default_factory=list, repr=False)  # id() of the document tables it was read from
    # per column: pane, label (True) / figure (False) / line number (None), header path
    layout: list[tuple[int, bool | None, str]] = field(default_factory=list, repr=False)

    @property
    def empty(self) -> bool:
        """No figure other than 0 in the whole table."""
        return not any(f.value for r in self.rows for f in r.values.values())

    def pane_rows(self, pane: int) -> list[Row]:
        return [r for r in self.rows if r.pane == pane]

    def column(self, row: Row, pattern: re.Pattern[str] | None) -> tuple[str, Figure] | None:
        """The figure of ``row`` in the first column of its pane matching ``pattern`` (default: the
        pane's first figure column)."""
        for path in self.panes[row.pane]:
            if pattern is None or pattern.search(path):
                fig = row.values.get(path)
                return (path, fig) if fig is not None else None
        return None


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """data/accounts.yaml with its patterns compiled."""
    lx = load_yaml("accounts.yaml")
    lx["_title_line"] = re.compile(lx["title_line"])
    lx["_contents"] = re.compile(lx["contents_line"])
    lx["_kinds"] = [(t["id"], t["name"], re.compile(t["title"])) for t in lx["tables"]]
    lx["_label_column"] = re.compile(lx["label_column"])
    lx["_empty_note"] = re.compile(lx["empty_note"])
    lx["_chrome_row"] = re.compile(lx["chrome_row"])
    return lx


def kind_names() -> dict[str, str]:
    """The Chinese name of each table kind."""
    return {t["id"]: t["name"] for t in lexicon()["tables"]}


def title_kind(line: str) -> str | None:
    """The kind of table a line titles, or None (not a title, or a line of a table of contents)."""
    lx = lexicon()
    t = _WS.sub("", line)
    if not t or len(t) > 60 or lx["_contents"].search(line.strip()) or not lx["_title_line"].search(t):
        return None
    return next((kid for kid, _, rx in lx["_kinds"] if rx.search(t)), None)


def title_lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every title line of a 决算 table in ``text``. A run of title lines one under
    the other is a table of contents (titles without page numbers), not titles."""
    found = []
    pos = 0
    for n, line in enumerate(text.split("\n")):
        if "表" in line:
            kind, at = title_kind(line), 0
            if kind is None:
                kind, at = _fused_title(line)  # "…258.50财政拨款收入支出决算总表"
            if kind is not None:
                found.append((n, pos + at, pos + len(line), kind))
        pos += len(line) + 1
    lines = {f[0] for f in found}
    return [(a, b, k) for n, a, b, k in found if n - 1 not in lines and n + 1 not in lines]


def _fused_title(line: str) -> tuple[str | None, int]:
    """A title the text layer ran into the end of a table row ("…258.50财政拨款收入支出决算总表",
    "…预算数 决算数政府性基金预算财政拨款收入支出决算表"): its kind and where it starts in ``line``."""
    line = line.rstrip()
    if not line.endswith("表"):
        return None, 0
    for kid, _, rx in lexicon()["_kinds"]:
        for m in rx.finditer(line):
            if m.end() == len(line) and _ROW_END.search(line, 0, m.start()) and m.start() > 0:
                start = m.start()
                lead = re.search(r"[^\d\s.,数]{0,12}$", line[:start])  # "财政拨款“" before "三公…"
                return kid, lead.start() if lead else start
    return None, 0


def read_accounts(view: TextView, tables: Sequence[Table]) -> list[AccountsTable]:
    """The 决算 tables of a document (module docstring); [] for a document without any."""
    text = view.text
    if "决算" not in text:
        return []
    titles = title_lines(text)
    if not titles:
        return []
    names = kind_names()
    out: list[AccountsTable] = []
    prev = 0
    for table in sorted((t for t in tables if t.start >= 0), key=lambda t: t.start):
        anchor = _anchor(table)
        title = next((t for t in reversed(titles) if prev <= t[0] < anchor), None)
        prev = max(prev, anchor)
        page = _page(table)
        current = out[-1] if out else None
        if title is not None and current is not None and title[2] == current.kind \
                and _CONTINUED.search(text, title[0], title[1]):
            title = None  # "支出决算表（续表）": the table above goes on
        if title is None:
            kind = _content_kind(table)
            if kind is not None and (current is None or current.kind != kind):
                title = (table.start, table.start, kind)  # no title of its own (lost in the text layer)
        if title is None and current is None:
            continue
        if title is not None:
            start, end, kind = title
            # (the unit line may stand just above the title: 表1 / 金额单位：元 / 收入支出决算总表)
            above = text.rfind("\n", 0, max(0, text.rfind("\n", 0, start))) + 1
            unit = _unit(view, text[above:max(table.start, anchor)], table)
            current = AccountsTable(kind, names[kind], view.span(start, end), unit, [], [])
            out.append(current)
            header, body = _split_header(table.rows)
            if not header:  # a text table whose header line was not read as its row
                header = _text_header(text, end, table.start, _width(table))
            current.panes, current.layout = _columns(header, _width(table))
            if kind == "three_public":
                current.panes, current.layout = _three_public_columns(header, current.panes, current.layout)
        else:
            if current.pages and page is not None and page - current.pages[-1] > 1:
                continue  # not on the next page: not a continuation
            header, body = _split_header(table.rows)
            if header and not current.rows:  # (the table above was its header alone)
                current.panes, current.layout = _columns(header, _width(table))
                if current.kind == "three_public":
                    current.panes, current.layout = _three_public_columns(header, current.panes, current.layout)
            elif len(current.layout) < _width(table):
                continue  # another layout with no title: not a continuation we can read
        layout = current.layout
        current.sources.append(id(table))
        if page is not None and page not in current.pages:
            current.pages.append(page)
        current.end = max(current.end, table.end)
        factor = money_factor(current.unit) if current.unit else Decimal(1)
        for cells in body:
            cells = _expanded(view.text, cells, len(layout))
            if len(cells) == len(layout):  # a row whose cells cannot be told apart is not read
                current.rows += _rows(view, cells, layout, factor, page)
    return out


_CONTINUED = re.compile(r"[（(]?续(?:表|[一二三四五\d])?[）)]?\s*$")


def _content_kind(table: Table) -> str | None:
    """The kind of a table known by what its cells say (``content``), when it has no title."""
    text = "".join(_clean(c) for row in table.rows for c in row)
    for t in lexicon()["tables"]:
        if t.get("content") and _compiled(t["content"]).search(text):
            return t["id"]
    return None


def _anchor(table: Table) -> int:
    """Where the table's body is in the text: its first figure or code located (a header cell may be
    found inside the title above it), else its end."""
    for row in table.rows:
        for cell in row:
            if cell.start >= 0 and _NUM.match(_clean(cell)):
                return cell.start
    return table.end


def _page(table: Table) -> int | None:
    m = _PAGE.search(table.sheet or "")
    return int(m.group(1)) if m else None


def _width(table: Table) -> int:
    return max((len(r) for r in table.rows), default=0)


def _unit(view: TextView, above: str, table: Table) -> str | None:
    for t in [above] + [c.text for row in table.rows[:4] for c in row]:
        m = CELL_UNIT.search(t)
        if m:
            return m.group(1) or m.group(2)
    declared = [unit for at, unit in getattr(view, "unit_declarations", []) if at <= table.start]
    return declared[-1] if declared else "万元"


def _clean(cell: Cell) -> str:
    return _WS.sub("", cell.text)


def _is_number(t: str) -> bool:
    return bool(_NUM.match(t.replace(" ", "")))


_RULE_CELL = re.compile(r"^:?-{2,}:?$|^$")


def _split_header(rows: list[list[Cell]]) -> tuple[list[list[Cell]], list[list[Cell]]]:
    """The leading header rows (no figure, no code or numbered class name in the first cell) and the rest;
    a 栏次 row (1, 2, 3 … under the headers) is dropped, as are the lines above a table that a text file gives
    as a row of it (编制单位：… 单位：万元)."""
    rows = [[_header_cell(c) for c in r] for r in rows]
    rows = [r for r in rows if not any(lexicon()["_chrome_row"].match(_clean(c)) for c in r)
            and not all(_RULE_CELL.match(_clean(c)) for c in r)]  # a markdown table's |---|---| line
    n = 0
    for k, row in enumerate(rows):
        texts = [_clean(c) for c in row]
        first = next((t for t in texts if t), "")
        if first in ("栏次", "行次"):
            return rows[:n], rows[k + 1:]  # the header ends with its 栏次 row
        if _CODE.match(first) or _ORDINAL.match(first) or any(_is_number(t) for t in texts[1:]) \
                or (_is_number(first) and first):
            break
        n += 1
    return rows[:n], rows[n:]


# the lines above a table (accounts.yaml ``chrome_row``) that a space-aligned text gives as the top of its header cells
# ("公开03表/编制单位：X/科目编码") are no part of the column's name; nor are they run into it without a separator
# ("公开06表编制单位：X单位：万元人员经费", "单位：万元项目支出")
_UNIT_LEAD = re.compile(r"^(?:公开\d{1,2}表)?(?:(?:编制|填报|编报)单位[：:][^：:/]*?(?=(?:金额)?单位[：:]))?"
                        r"(?:(?:金额)?单位[：:]\s*(?:万元|千元|元))(?=\S)|^公开\d{1,2}表(?=\S)")


def _header_cell(cell: Cell) -> Cell:
    """A cell without the chrome a text table's reader put on top of it (its path segments, a unit run into it)."""
    text = cell.text
    if "/" in text:
        chrome = lexicon()["_chrome_row"]
        kept = [part for part in text.split("/") if not chrome.match(_WS.sub("", part))]
        text = "/".join(kept) if kept else text
    text = _UNIT_LEAD.sub("", text.strip())
    return cell if text == cell.text else Cell(text, cell.start, cell.end)


def _columns(header: list[list[Cell]], width: int) -> tuple[list[list[str]], list[tuple[int, bool | None, str]]]:
    """The panes (their figure columns' paths) and the layout: for each column, (pane, is a label
    column, path)."""
    grid = [[_clean(c) for c in row] + [""] * (width - len(row)) for row in header]
    carried = [[""] * width for _ in grid]
    for i, row in enumerate(grid):
        for c in range(width):
            if row[c]:
                carried[i][c] = row[c]
            elif c > 0 and not any(grid[j][c] for j in range(i)):
                carried[i][c] = carried[i][c - 1]  # a cell merged across: no row above starts one here
    paths = ["/".join(dict.fromkeys(carried[i][c] for i in range(len(grid)) if carried[i][c]))
             for c in range(width)]
    label_rx = lexicon()["_label_column"]
    layout: list[tuple[int, bool, str]] = []
    pane, seen_figure = 0, False
    panes: list[list[str]] = [[]]
    for c, path in enumerate(paths):
        tail = path.split("/")[-1] if path else ""
        # a label column by its own header, or one under 科目编码 (a 合计 row the layout merged into the header)
        # (or under one: 科目名称 / 人员经费)
        is_label = bool(label_rx.search(tail) or "编码" in path or any(label_rx.search(p) for p in path.split("/"))) \
            if tail else not seen_figure
        if is_label and seen_figure:
            pane, seen_figure = pane + 1, False
            panes.append([])
        if _LINE_NUMBER.search(tail):
            layout.append((pane, None, path))  # 行次 / 栏次: the row's number, neither its name nor a figure
            continue
        if not is_label:
            seen_figure = True
            panes[pane].append(path or f"第{c + 1}列")
        layout.append((pane, is_label, path or f"第{c + 1}列"))
    return panes, layout


def _three_public_columns(header: list[list[Cell]], panes: list[list[str]],
                          layout: list[tuple[int, bool | None, str]]) -> tuple[list[list[str]], list[tuple[int, bool | None, str]]]:
    """A 三公 table's figure columns named again from the words of its header when the header came out of order
    (a column with no item or two, two columns of one name: “公务接待费/公务用车运行维护费/决算数”): the items in
    the order the header names them, the car's parts in their standard order, under 预算数 and 决算数 as the header
    interleaves (预算数 决算数 under each item) or groups them; unchanged when that does not give as many columns."""
    spec = lexicon()["three_public_header"]
    car = re.compile(spec["car"])
    parts = [re.compile(p) for p in spec["car_parts"]]
    leaf_rxs = [re.compile(p) for p in spec["items"] if p != spec["car"]] + parts
    figures = [path for _, is_label, path in layout if is_label is False]

    def leaves(path: str) -> int:
        found = sum(bool(rx.search(path)) for rx in leaf_rxs)
        return found or int(bool(car.search(path)))
    if len(set(figures)) == len(figures) and all(leaves(p) == 1 for p in figures):
        return panes, layout
    words = "/".join(_clean(c) for row in header for c in row)
    names = re.compile("|".join(f"(?:{p})" for p in [*spec["items"], *spec["car_parts"], *spec["per"]]))
    seen = [m.group(0) for m in names.finditer(words)]
    group = next((w for w in seen if car.fullmatch(w)), None)
    car_group = group or "公务用车购置及运行维护费"
    firsts: dict[str, int] = {}
    for k, w in enumerate(seen):
        item = next((p for p in spec["items"] if re.fullmatch(p, w)), None)
        if item is None and any(rx.fullmatch(w) for rx in parts):
            item = spec["car"]
        if item is not None:
            firsts.setdefault(item, k)
    cols: list[str] = []
    for item in sorted(firsts, key=firsts.get):
        if item == spec["car"]:
            found = [next(w for w in seen if rx.fullmatch(w)) for rx in parts if any(rx.fullmatch(w) for w in seen)]
            cols += [f"{car_group}/{w}" for w in found] or [group or item]
        else:
            cols.append(next(w for w in seen if re.fullmatch(item, w)))
    pers = [w for w in seen if w in spec["per"]]
    car_parts = [k for k, c in enumerate(cols) if c.startswith(f"{car_group}/")]
    if car_parts and not any(c.endswith("/小计") for c in cols) and len(figures) in (len(cols) + 1, 2 * len(cols) + 2):
        # the car's parts named, its 小计 lost in the header's words (a wrapped cell): it stands first, as always
        cols.insert(car_parts[0], f"{car_group}/小计")
    if len(figures) == len(cols):
        named = cols
    elif len(figures) == 2 * len(cols) and len(pers) == len(figures):
        named = [f"{c}/{pers[2 * k + j]}" for k, c in enumerate(cols) for j in range(2)]  # interleaved
    elif len(figures) == 2 * len(cols) and len(pers) == 2:
        named = [f"{p}/{c}" for p in pers for c in cols]  # grouped: 预算数 over the items, then 决算数
    else:
        return panes, layout
    it = iter(named)
    layout = [(pane, is_label, next(it) if is_label is False else path) for pane, is_label, path in layout]
    renamed = iter(named)
    return [[next(renamed) for _ in pane] for pane in panes], layout


_SPILLED = re.compile(r"^[\u4e00-\u9fff）)]{1,3}(-?[\d,]+\.\d{1,2})$")
_LINE_NUMBER = re.compile(r"^(?:行次|栏次|序号|行号)$")


_FIGURE_THEN_TEXT = re.compile(r"^(-?[\d,]+(?:\.\d+)?)\s+(\S.*)$|^(\S*\D)\s+(-?[\d,]+(?:\.\d+)?)$")


def _text_header(text: str, start: int, stop: int, width: int) -> list[list[Cell]]:
    """The header of a table in a text file when it is a line of its own above the rows: the last line
    between the title and the table whose cells (split at tabs or runs of spaces) are as many as the table's
    columns (科目编码 and 科目名称 over one merged code-and-name cell count as one). Header words have no space
    inside; a line that splits into another number of cells is not taken."""
    for line in reversed(text[start:stop].split("\n")):
        cells = [c for c in re.split(r"\s+", line.strip()) if c]  # the normalised text keeps one space
        if not cells or lexicon()["_chrome_row"].match(_WS.sub("", cells[0])) or any(_NUM.match(c) for c in cells):
            continue
        if len(cells) == width + 1 and all(lexicon()["_label_column"].search(c) for c in cells[:2]):
            cells = [cells[0] + "/" + cells[1], *cells[2:]]
        if len(cells) == width:
            return [[Cell(c, -1, -1) for c in cells]]
        break
    return []


def _expanded(text: str, cells: list[Cell], width: int) -> list[Cell]:
    """A row of a text table with fewer cells than its columns, where a figure and the next cell's words (or a
    label and its figure) ran together with one space ("1322.87 一、社会保障和就业支出"): those cells split; else
    the missing cells are the row's last, empty ones."""
    if len(cells) >= width:
        return cells
    out: list[Cell] = []
    for cell in cells:
        m = _FIGURE_THEN_TEXT.match(cell.text.strip())
        if m is None or len(out) + (len(cells) - len(out)) >= width + 1:
            out.append(cell)
            continue
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        sa = text.find(a, cell.start, cell.end) if cell.start >= 0 else -1
        sb = text.find(b, sa + len(a) if sa >= 0 else cell.start, cell.end) if cell.start >= 0 else -1
        out += [Cell(a, sa, sa + len(a) if sa >= 0 else -1), Cell(b, sb, sb + len(b) if sb >= 0 else -1)]
    if len(out) == width:
        return out
    # a text line whose last cells are empty ("303\t对个人和家庭的补助\t8.50" under six columns): the rest is blank
    return cells + [Cell("", -1, -1)] * (width - len(cells))


def _rows(view: TextView, cells: list[Cell], layout: list[tuple[int, bool | None, str]], factor: Decimal,
          page: int | None) -> list[Row]:
    out = []
    panes = sorted({p for p, _, _ in layout})
    for pane in panes:
        label_cells = [cells[c] for c, (p, lab, _) in enumerate(layout) if p == pane and lab is True and c < len(cells)]
        code, names, span = "", [], None
        heads = lexicon()["_label_column"]
        for cell in label_cells:
            t = _clean(cell)
            if not t or heads.match(t):
                continue  # a blank cell, or 类/款/项 under the code columns
            m = _CODE.match(t) if not code else None
            if m:
                code, t = m.group(1), t[m.end():]
            elif t.isdigit() and len(t) <= 2 and len(code) in (3, 5):
                code, t = code + t, ""  # the code split over 类 | 款 | 项 columns: 201 | 06 | 01
            if t:
                names.append(t)
                if cell.start >= 0:
                    span = view.span(cell.start, cell.end)
            elif span is None and cell.start >= 0:
                span = view.span(cell.start, cell.end)
        values: dict[str, Figure] = {}
        for c, (p, lab, path) in enumerate(layout):
            if p != pane or lab is not False or c >= len(cells):
                continue
            t = _clean(cells[c])
            spill = _SPILLED.match(t)
            if spill:  # "费75.10": the end of the name cell's text ran over into the figure's cell
                t = spill.group(1)
            if not _is_number(t):
                continue
            parsed = parse_number(t.lstrip("-").replace(",", ""))
            if parsed is None:
                continue
            value, dec = parsed
            if t.startswith("-"):
                value = -value
            if factor != 1:
                value, dec = value * factor, dec + decimal_shift(factor)
            cell = cells[c]
            values[path] = Figure(value, dec, view.span(cell.start, cell.end) if cell.start >= 0 else None, page)
        label = "".join(names)
        code = code or None
        if not label and code is None and not values:
            continue
        name = _ORDINAL.sub("", label)
        out.append(Row(code, name, label, span, values, pane, page))
    return out


def _blank_cell_table(tables: Sequence[AccountsTable], refs: dict | list[dict], kinds: set[str]):
    """The table (of a kind whose blank cells are zeros) that has the column a fact reference names, but
    no figure in it: the fact is 0 there."""
    for ref in refs if isinstance(refs, list) else [refs]:
        table = next((t for t in tables if t.kind == ref["table"] and t.kind in kinds), None)
        if table is None or not ref.get("column"):
            continue
        column = _compiled(ref["column"])
        if ref.get("row") and not any(_compiled(ref["row"]).search(r.name) for r in table.rows):
            continue
        if any(column.search(path) for pane in table.panes for path in pane):
            return table
    return None


def is_accounts_table(tables: Sequence[AccountsTable], table: Table) -> bool:
    """Whether a document table was read into one of the 决算 tables (its sums and facts are theirs)."""
    return any(id(table) in t.sources for t in tables)


def table_at(tables: Sequence[AccountsTable], pos: int) -> AccountsTable | None:
    """The 决算 table whose title or body holds offset ``pos`` of the text."""
    return next((t for t in tables if t.title.start <= pos < max(t.end, t.title.end)), None)


def figure_of(tables: Sequence[AccountsTable], ref: dict) -> tuple[AccountsTable, Row, str, Figure] | None:
    """The figure an ``accounts.yaml`` reference names (table, row by name or code, column): the table,
    row, column path and figure; None when the document's tables do not give it. A reference to several
    rows (``rows``) is not a single figure (see :func:`figures_of`)."""
    table = next((t for t in tables if t.kind == ref["table"]), None)
    if table is None:
        return None
    column = _compiled(ref["column"]) if ref.get("column") else None
    if ref.get("row") or ref.get("code"):
        name = _compiled(ref["row"]) if ref.get("row") else None
        candidates = [r for r in table.rows if (ref.get("code") and r.code == ref["code"])
                      or (name is not None and name.search(r.name))]
    else:
        candidates = [r for r in table.rows if r.values]  # a table of one row of figures (三公)
    for row in candidates:
        got = table.column(row, column)
        if got is not None:
            return table, row, got[0], got[1]
    return None


def fact_figure(tables: Sequence[AccountsTable], refs: dict | list[dict]):
    """The figure of a fact (``accounts.yaml`` ``facts``: one reference, or alternatives for the layouts of a
    table, the first one the tables give)."""
    for ref in refs if isinstance(refs, list) else [refs]:
        got = figure_of(tables, ref)
        if got is not None:
            return got
    return None


def figures_of(tables: Sequence[AccountsTable], ref: dict | list[dict]) -> list[tuple[AccountsTable, Row, str, Figure]] | None:
    """The figures of a reference: one, or each of its ``rows`` (None when any of them is not given); of a
    list of alternative references, the first the tables give."""
    if isinstance(ref, list):
        return next((got for r in ref if (got := figures_of(tables, r)) is not None), None)
    if not ref.get("rows"):
        got = figure_of(tables, ref)
        return None if got is None else [got]
    out = []
    for pattern in ref["rows"]:
        got = figure_of(tables, {**ref, "rows": None, "row": pattern})
        if got is None:
            return None
        out.append(got)
    return out


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def where(table: AccountsTable, row: Row, column: str) -> str:
    """Where a figure is, for a reader: 《支出决算表》第8页“合计”行“基本支出”列."""
    page = f"第{row.page}页" if row.page else ""
    name = row.label or (f"{row.code}" if row.code else "")
    row_text = f"“{name}”行" if name else ""
    return f"《{table.name}》{page}{row_text}“{column_name(column)}”列"


def column_name(path: str) -> str:
    """A column's header path as a reader names it: "本年支出/基本支出"; a title repeated over every column
    (财政拨款“三公”经费) left out."""
    return "/".join(p for p in path.split("/") if not re.search(r"三公.{0,3}经费$", p)) or path


def accounts_facts(ctx: TextView, found: dict, tables: list[AccountsTable] | None = None) -> None:
    """Add the facts the 决算 tables give (``accounts.yaml`` ``facts``) to ``found`` (as
    :func:`jixiao.extract.facts.add_fact` does), ahead of what the text says of them (priority -1); each
    points at its row label and its cell."""
    tables = read_accounts(ctx, ctx.tables) if tables is None else tables
    # a blank template's tables are all empty: nothing is spent there, nothing is stated either
    zero_kinds = {t["id"] for t in lexicon()["tables"] if t.get("blank_is_zero")} \
        if not all(t.empty for t in tables) else set()
    for key, refs in lexicon()["facts"].items():
        got = fact_figure(tables, refs)
        if got is None:
            table = _blank_cell_table(tables, refs, zero_kinds)
            if table is not None and table.title.text:
                found.setdefault(key, []).append((-1, Fact(key=key, value=Decimal(0), decimals=2,
                                                           evidence=[table.title])))
            continue
        if got[3].span is None:
            continue
        _, row, _, fig = got
        evidence = [s for s in (row.span, fig.span) if s is not None]
        found.setdefault(key, []).append((-1, Fact(key=key, value=fig.value, decimals=fig.decimals, evidence=evidence)))
