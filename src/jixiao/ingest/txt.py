"""Plain-text reader: bytes → str with encoding detection, then normalisation.

Strict decode attempts, in order: byte-order mark (UTF-8/UTF-16/UTF-32); BOM-less UTF-16
recognised by its NUL pattern; UTF-8; BOM-less UTF-16 recognised by CJK high bytes on one
parity; GB18030 (a superset of GBK and GB2312). charset-normalizer is only a fallback: it
guesses badly on short Chinese text. Whatever decodes must also look like text (few control
characters), otherwise the file is rejected as unrecognisable.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from jixiao.errors import IngestError
from jixiao.ingest.aligned import CONTINUED, FOOTER, aligned_tables, origin_lines
from jixiao.ingest.document import Cell, Document, Table
from jixiao.ingest.layout import text_index
from jixiao.ingest.normalize import normalize
from jixiao.lexicon import data_cache, load_yaml
from jixiao.textlines import lines

_BOMS = [  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
]
_SAMPLE = 64 * 1024
# high bytes of UTF-16 code units that Chinese text mostly consists of: ASCII, General
# Punctuation (U+20xx), CJK punctuation (U+30xx), CJK ideographs (U+4E00–U+9FFF), full-width forms
_CJK_HIGH = frozenset([0x00, 0x20, 0x30, 0xFF, *range(0x4E, 0xA0)])
_ALLOWED_CONTROLS = frozenset("\t\n\r\x0b\x0c")


def read(path: Path, source: str) -> Document:
    """Decode the whole file (its size was checked by the registry) and normalise it."""
    origin, encoding = decode(path.read_bytes())
    if origin is None or not _looks_like_text(origin):
        raise IngestError(source, "无法识别的文件内容（不是文本，也不是 .docx/.pdf/.xlsx 文件）")
    text, offsets = normalize(origin)
    tables = tab_tables(text)
    # 决算 tables one cell per line, or laid out in columns with spaces: read from the original lines; the rows
    # normalisation made of them are not tables of their own
    read = cell_per_line_tables(origin, offsets, text) + aligned_tables(origin, offsets, text, is_title, is_chrome)
    if read:
        # (a row normalisation made of the 编制单位 line above a table starts before it, and overlaps it)
        tables = [t for t in tables if not any(t.start < s.end and s.start < t.end for s in read)] + read
        tables.sort(key=lambda t: t.start)
    return Document(source=source, format="txt", text=text, origin=origin, offsets=offsets,
                    encoding=encoding, tables=tables)


def tab_tables(text: str) -> list[Table]:
    """Tables pasted as text: runs of consecutive lines whose cells are separated by tabs. A short
    label alone on a line between two rows of the same width (按收入性质分, a merged group row) is a
    row of the table, its other cells empty."""
    tables: list[Table] = []
    rows: list[list[Cell]] = []
    every = [*lines(text), (len(text) + 1, "")]
    for i, (pos, line) in enumerate(every):
        if "\t" in line:
            cells = []
            start = pos
            for part in line.split("\t"):
                cells.append(Cell(part, start, start + len(part)))
                start += len(part) + 1
            rows.append(cells)
        elif rows and _group_row(line, len(rows[-1]), every[i + 1][1] if i + 1 < len(every) else ""):
            label = line.strip()
            at = pos + line.find(label)
            rows.append([Cell(label, at, at + len(label))] + [Cell("", -1, -1)] * (len(rows[-1]) - 1))
        elif rows:
            if len(rows) >= 2:
                tables.append(Table(rows, rows[0][0].start, rows[-1][-1].end))
            rows = []
    return tables


_GROUP = re.compile(r"[\u4e00-\u9fff（）()、]{2,15}")


_NUMBERED = re.compile(r"^[一二三四五六七八九十]{1,3}、")  # a numbered row's name ends the header
_HEADER_CELL = re.compile(r"^[\u4e00-\u9fff（）()“”/、]{1,20}$")
_FIGURE = re.compile(r"^-?[\d,]+(?:\.\d+)?$")
_FIGURE_HEAD = re.compile(r"合计|小计|决算|预算|金额|支出|收入|结余|经费|费$")


@data_cache  # per data folder: a user's accounts.yaml counts here too
def _accounts() -> tuple[re.Pattern[str], ...]:
    """The 决算 table title, label-column header, chrome-line, pane-head, pane-group-head and 三公 per-column head
    patterns (data/accounts.yaml)."""
    lx = load_yaml("accounts.yaml")
    per = "|".join(re.escape(p) for p in lx["three_public_header"]["per"])  # 预算数 / 决算数 under each 三公 item
    return (*(re.compile(lx[k]) for k in ("title_line", "label_column", "chrome_row", "pane_head", "pane_group_head")),
            re.compile(f"^(?:{per})$"))


_SPACE = re.compile(r"\s")


def is_title(line: str) -> bool:
    """A line titling a 决算 table (data/accounts.yaml ``title_line``)."""
    if "决" not in line:
        return False
    t = _SPACE.sub("", line)
    return "决算" in t and bool(_accounts()[0].search(t))


def is_chrome(line: str) -> bool:
    return bool(_accounts()[2].match(_SPACE.sub("", line)))


def cell_per_line_tables(origin: str, offsets: list[int], text: str) -> list[Table]:
    """决算 tables written one cell per line, as a PDF viewer's copy gives them: under a title ending in 决算表,
    the header cells one per line give the width (the label columns 项目/科目名称…, then figure columns); every
    ``width`` lines after them are a row, a blank line a blank cell (read from the original lines: normalising
    merges blank lines), as long as each figure column holds a figure or nothing. Page footers are skipped."""
    if "决算" not in origin:
        return []
    lines = _without_page_breaks(origin_lines(origin))
    out: list[Table] = []
    i = 0
    while i < len(lines):
        if not is_title(lines[i][1]):
            i += 1
            continue
        table, i = _cell_per_line(lines, i + 1, offsets, text)
        if table is not None:
            out.append(table)
    return out


def _without_page_breaks(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The lines without page footers (- 5 -, 第5页) and the 续表 under them, and without the blank line on each
    side of a footer that the page break added (the blank lines of a table written one cell per line are its
    blank cells)."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        if lines[i][1].strip() and FOOTER.match(lines[i][1]):
            if out and not out[-1][1].strip():
                out.pop()
            i += 1
            if i < len(lines) and not lines[i][1].strip():
                i += 1
            if i < len(lines) and CONTINUED.match(lines[i][1]):
                i += 1
            continue
        out.append(lines[i])
        i += 1
    return out


def _cell_per_line(lines: list[tuple[int, str]], k: int, offsets: list[int], text: str) -> tuple[Table | None, int]:
    while k < len(lines) and (not lines[k][1].strip() or is_chrome(lines[k][1])):
        k += 1
    header = []
    while k < len(lines) and not is_title(lines[k][1]) and not _NUMBERED.match(lines[k][1].strip()):
        cell = lines[k][1].strip()
        if not cell and header and _accounts()[3].match(header[-1][1].strip()) and k + 1 < len(lines) \
                and _HEADER_CELL.match(lines[k + 1][1].strip() or "-"):
            header.append(lines[k])  # the blank head beside a pane's 收入 / 支出, with heads after it
        elif not _HEADER_CELL.match(cell or "-"):
            break
        else:
            header.append(lines[k])
        k += 1
    best: tuple[list[list[Cell]], int] = ([], k)
    for heads in _header_readings(header):  # the reading that takes in the most lines (the first, if equal)
        rows, end = _cell_rows(lines, k, heads, offsets, text)
        if len(rows) > 1 and end > best[1]:
            best = rows, end
    rows, k = best
    if len(rows) < 2:
        rows, k = _heads_then_figures(lines, k, header, offsets, text)
    if len(rows) < 2:
        return None, k
    found = [c for r in rows for c in r if c.start >= 0]
    return Table(rows, min(c.start for c in found), max(c.end for c in found)), k


def _heads_then_figures(lines: list[tuple[int, str]], k: int, header: list[tuple[int, str]], offsets: list[int],
                        text: str) -> tuple[list[list[Cell]], int]:
    """A table of one row and no label column (the 三公 table: 合计 / 因公出国（境）费 / … over 预算数 决算数 under each
    item), one cell per line: as many figures after the heads as there are 预算数 / 决算数 heads. Rows: the item heads
    (padded), the 预算数 / 决算数 heads, the figures; the table reader names the columns from the heads' words."""
    per_head = _accounts()[5]
    pers = [h for h in header if per_head.match(h[1].strip())]
    items = [h for h in header if h[1].strip() and not per_head.match(h[1].strip())]
    if len(pers) < 2 or not items or any(_accounts()[1].search(h[1].strip()) for h in items):
        return [], k
    j, figures = k, []
    while j < len(lines) and len(figures) < len(pers):
        cell = lines[j][1].strip()
        if cell and not _FIGURE.match(cell.replace(" ", "")):
            break
        if cell:
            figures.append(lines[j])
        j += 1
    if len(figures) != len(pers):
        return [], k
    width = len(pers)
    heads = [_cell(p, t, offsets, text) for p, t in items][:width]
    rows = [heads + [Cell("", -1, -1)] * (width - len(heads)), [_cell(p, t, offsets, text) for p, t in pers],
            [_cell(p, t, offsets, text) for p, t in figures]]
    return rows, j


def _header_readings(header: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """The ways the header lines may give the columns: as they come; without 收入 / 支出 over two panes; and, when
    a two-level header came out level by level (项目 / 决算数 over 科目编码, 科目名称, 合计, 人员经费, 公用经费; or
    项目 over the figure heads and 科目编码, 科目名称 after them), its lower heads in their order."""
    label = _accounts()[1]
    heads = [h.strip() for _, h in header]
    # (收入 / 支出 over two panes, with the blank cells beside them)
    while len(heads) > 2 and (_accounts()[4].match(heads[0]) or not heads[0]) and any(label.search(h) for h in heads[1:]):
        header, heads = header[1:], heads[1:]
    out = [header]
    i = next((i for i in range(1, len(heads)) if label.search(heads[i]) and not label.search(heads[i - 1])), None)
    if i is not None and label.search(heads[0]):
        tail = header[i:]
        out.append(tail)  # the groups above dropped
        out.append(tail + header[1:i])  # 项目 dropped, the figure heads after its own heads
        under = _grouped_under(heads[1:i], [h for h in heads[i:] if not label.search(h)])
        if under is not None:  # 本年支出 over 合计 / 基本支出 / 项目支出, between 年初结转和结余 and 年末结转和结余
            own = [h for h in tail if label.search(h[1].strip())]
            lower = [h for h in tail if not label.search(h[1].strip())]
            out.insert(0, own + header[1:1 + under] + lower + header[2 + under:i])
    return out


def _grouped_under(upper: list[str], lower: list[str]) -> int | None:
    """Which of the upper figure heads the lower ones sit under: the only one whose last word (支出) ends every
    lower head but a 合计/小计 (基本支出, 项目支出)."""
    parts = [h for h in lower if h not in ("合计", "小计")]
    if len(upper) < 2 or len(parts) < 2:
        return None
    found = [g for g, u in enumerate(upper) if len(u) >= 3 and all(p.endswith(u[-2:]) for p in parts)]
    return found[0] if len(found) == 1 else None


def _cell_rows(lines: list[tuple[int, str]], k: int, header: list[tuple[int, str]], offsets: list[int],
               text: str) -> tuple[list[list[Cell]], int]:
    """The header and the rows under it: every ``width`` lines, as long as each figure column holds a figure or
    nothing; nothing when the header is not one of a 决算 table (label columns, then figure columns)."""
    heads = [h.strip() for _, h in header]
    width = len(header)
    figure_cols = [c for c, h in enumerate(heads) if not _accounts()[1].search(h)]
    if width < 3 or not figure_cols or len(figure_cols) == width or not all(_FIGURE_HEAD.search(heads[c])
                                                                           for c in figure_cols):
        return [], k
    rows = [[_cell(p, t, offsets, text) for p, t in header]]
    while k < len(lines):
        group: list[tuple[int, str]] = []
        j = k
        while j < len(lines) and len(group) < width:
            if not FOOTER.match(lines[j][1]) or not lines[j][1].strip():
                group.append(lines[j])
            j += 1
        cells = [t.strip() for _, t in group]
        if (len(group) < width or not any(cells) or is_title(group[0][1])
                or any(c and (not _FIGURE.match(c.replace(" ", ""))) for c in (cells[f] for f in figure_cols))
                or any(len(c) > 40 or "。" in c for c in cells)):
            break
        rows.append([_cell(p, t, offsets, text) for p, t in group])
        k = j
    return rows, k


def _cell(pos: int, line: str, offsets: list[int], text: str) -> Cell:
    """A line as a cell, placed in the normalised text (a blank line: a blank cell, nowhere)."""
    stripped = line.strip()
    if not stripped:
        return Cell("", -1, -1)
    a = pos + line.find(stripped)
    start, end = text_index(offsets, a), text_index(offsets, a + len(stripped))
    return Cell(text[start:end], start, end)


def _group_row(line: str, width: int, following: str) -> bool:
    """A label of a few Chinese characters whose next line is a row of ``width`` cells."""
    return bool(_GROUP.fullmatch(line.strip())) and "\t" in following and following.count("\t") + 1 == width


def decode(data: bytes) -> tuple[str | None, str | None]:
    """Return (text, encoding name) or (None, None) when no encoding fits."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], codec)
            return (text, name) if text is not None else (None, None)
    utf16 = _utf16_by_nuls(data)
    if utf16:
        text = _strict(data, utf16)
        if text is not None:
            return text, utf16
    text = _utf8(data)
    if text is not None:
        return text, "utf-8"
    utf16 = _utf16_by_cjk(data)
    if utf16:
        text = _strict(data, utf16)
        if text is not None:
            return text, utf16
    text = _strict(data, "gb18030")
    if text is not None:
        return text, "gb18030"
    return _charset_normalizer(data)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf8(data: bytes) -> str | None:
    """UTF-8, tolerating a character cut off at the end and rare stray bytes.

    A UTF-8 file with a few broken bytes must not fall through to GB18030, which would
    decode it "successfully" into mojibake; GBK text read as UTF-8, on the other hand, is
    almost all U+FFFD.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start >= len(data) - 3 and e.reason == "unexpected end of data":
            return _strict(data[: e.start], "utf-8")
    lossy = data.decode("utf-8", errors="replace")
    broken = lossy.count("\ufffd")
    multibyte = sum(1 for c in lossy if c > "\x7f") - broken
    return lossy if broken * 200 <= multibyte else None


def _utf16_by_nuls(data: bytes) -> str | None:
    """UTF-16 without BOM: ASCII characters leave NUL bytes on one parity only."""
    sample = data[:_SAMPLE]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= max(2, half // 20) and even * 10 <= odd:
        return "utf-16-le"
    if even >= max(2, half // 20) and odd * 10 <= even:
        return "utf-16-be"
    return None


def _utf16_by_cjk(data: bytes) -> str | None:
    """UTF-16 without BOM or ASCII: the high byte of each unit is almost always a CJK one."""
    sample = data[: _SAMPLE - _SAMPLE % 2]
    if len(sample) < 32 or len(data) % 2:
        return None
    share = []
    for parity in (0, 1):
        part = sample[parity::2]
        share.append(sum(b in _CJK_HIGH for b in part) / len(part))
    if share[1] >= 0.95 and share[0] < 0.7:
        return "utf-16-le"
    if share[0] >= 0.95 and share[1] < 0.7:
        return "utf-16-be"
    return None


def _charset_normalizer(data: bytes) -> tuple[str | None, str | None]:
    best = from_bytes(data).best()
    if best is None:
        return None, None
    return str(best), best.encoding


_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _looks_like_text(text: str) -> bool:
    """Reject binary data that happened to decode: control characters or many U+FFFD."""
    sample = text[:_SAMPLE]
    if not sample:
        return True
    controls = len(_CONTROLS.findall(sample))
    return controls <= len(sample) / 1000 and sample.count("\ufffd") <= len(sample) / 100
