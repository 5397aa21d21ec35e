"""The report's outline: headings found by their numbering, mapped to standard keys by meaning.

Numbering styles (一、 / 第一部分 / （一） / 1、 / 1. / （1）) are mixed freely in real reports and
headings are often run into their first sentence ("（一）基本支出：基本支出共…"). A heading's level
comes from its numbering style (one level lower throughout when the report is divided into
第X部分), except that an Arabic-numbered heading (1、 or （1）) whose meaning is a top-level section
of the standard outline and whose number continues the top-level sequence ("三、… 4、国有资本经营预算
支出情况", or a report numbering all its top-level sections （1）（2）…) is taken as top-level.
Keys and patterns live in ``data/outline.yaml``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from jixiao.extract.numbers import alternation, cn_numeral
from jixiao.lexicon import data_cache, load_yaml
from jixiao.model import Section
from jixiao.textlines import lines

_CN = "一二三四五六七八九十"
_NUMBERING = re.compile(
    rf"^(?:(?P<part>第[{_CN}]+(?:部分|章|节))\s*[、.．:：]?"
    rf"|(?P<cn>[{_CN}]{{1,3}})\s*[、.．]"
    rf"|[（(](?P<pcn>[{_CN}]{{1,3}})\s*[）)]"
    rf"|(?P<ar>\d{{1,2}})\s*(?:[、．]|\.(?!\d))"
    rf"|[（(](?P<par>\d{{1,2}})[）)]"
    rf"|(?P<ar2>\d{{1,2}})[)）])\s*"
)
_CUT = re.compile(r"[。：:；;！？]")
_TABLE_ROW = re.compile(r"\t|\d+\.\d+")  # a table row or a line of figures, not a heading
# a 决算 table's title at the end of a line (also after a row the text layer ran into it: "…258.50财政拨款收入
# 支出决算总表"): facts read under it are that table's; the text-table check finds where a table ends with it
class _TableTitles:
    """The lines that end in a 决算 table's title (``[^\\n\\d\\s.,]{0,40}决算(?:总)?表[ \\t]*$``, multiline), found from
    their ends: the pattern tried at every character cost 2 ms a document; its ``finditer``/``search`` give the same
    matches."""

    _whole = re.compile(r"[^\n\d\s.,]{0,40}决算(?:总)?表[ \t]*$", re.M)
    _end = re.compile(r"决算(?:总)?表[ \t]*$", re.M)
    _stop = frozenset("\n.,")

    def finditer(self, text: str, pos: int = 0):
        last = pos
        for m in self._end.finditer(text, pos):
            k = m.start()
            start = max(last, k - 40)
            for i in range(k - 1, start - 1, -1):
                c = text[i]
                if c in self._stop or c.isspace() or c.isdecimal():
                    start = i + 1
                    break
            found = self._whole.match(text, start)
            if found is not None:
                last = found.end()
                yield found

    def search(self, text: str, pos: int = 0):
        return next(self.finditer(text, pos), None)


TABLE_TITLE = _TableTitles()
# a line of a table of contents: its title, leader dots and a page number ("一、部门概况…………3")
CONTENTS_ENTRY = re.compile(r"(?:…{2,}|\.{4,}|·{4,}|-{4,}|_{4,})\s*\d{1,3}\s*$")
_SECOND_ITEM = re.compile(rf"\s[{_CN}]{{1,3}}、\S")  # "二、…收入 二、外交支出": two panes of one table row


@dataclass
class Heading:
    start: int          # line start in the text
    body_start: int     # where the section's own text starts (after the title)
    title: str          # heading text as written, numbering included
    name: str           # title without numbering
    key: str | None
    style: str          # part | cn | pcn | ar | par
    ordinal: int
    standalone: bool    # the heading is the whole line
    level: int = 0


@data_cache
def _money_or_rate() -> re.Pattern[str]:
    """A figure with a money unit or a percent sign: a line of figures, not a heading."""
    units = load_yaml("units.yaml")
    return re.compile(rf"\d(?:[\d.,]*)\s*(?:{alternation([*units['money'], *units['percent']])})")


@data_cache
def _title_line() -> re.Pattern[str]:
    """A line that is nothing but a section title (its numbering lost): it ends with a title word."""
    endings = "|".join(load_yaml("outline.yaml")["title_endings"])
    return re.compile(rf"^\s*([\u4e00-\u9fff（）()“”、和及与]{{2,24}}?(?:{endings}))\s*[：:]?\s*$")


@data_cache
def _table_rows() -> re.Pattern[str]:
    return re.compile(load_yaml("outline.yaml")["table_rows"])


@data_cache
def _section_specs() -> list[dict]:
    specs = []
    for s in load_yaml("outline.yaml")["sections"]:
        specs.append({**s, "_match": re.compile(s["match"]),
                      "_exclude": re.compile(s["exclude"]) if s.get("exclude") else None})
    return specs


def level1_keys() -> set[str]:
    return {s["key"] for s in _section_specs() if s["level"] == 1}


def classify_heading(name: str, specs: list[dict] | None = None) -> str | None:
    """The standard key of a heading text, or None (``specs``: the section specs, when the caller
    classifies many headings)."""
    for spec in specs if specs is not None else _section_specs():
        if spec["_match"].search(name) and not (spec["_exclude"] and spec["_exclude"].search(name)):
            return spec["key"]
    return None


def _ordinal(m: re.Match[str]) -> tuple[str, int]:
    for style in ("part", "cn", "pcn", "ar", "par", "ar2"):
        g = m.group(style)
        if g:
            digits = g[1:-2] if style == "part" else g
            try:
                n = int(digits) if digits.isdigit() else int(cn_numeral(digits))
            except ValueError:
                n = 0
            return ("par" if style == "ar2" else style), n
    return "", 0


_LABEL_LINE = re.compile(r"^\s*([^\s，。；;：:\d]{2,14})[：:]\s*$")


def find_headings(text: str) -> list[Heading]:
    """Headings in document order. A report numbered with 第X部分 has its 一、 headings one level
    down; a short unnumbered line ending in "：" that names a known sub-section ("主要项目支出
    情况：") is a heading too."""
    parts_style = bool(re.search(r"^\s*第[一二三四五六七八九十]+部分", text, re.M))
    parts = 1 if parts_style else 0
    heads: list[Heading] = []
    top_ordinal = 0
    top_styles: set[str] = set()  # numbering styles of the top-level headings so far
    last_list_ordinal: dict[str, int] = {}  # last 1、/（1） numbered line inside the current top-level section
    specs = _section_specs()
    level1 = {s["key"] for s in specs if s["level"] == 1}
    level2 = {s["key"] for s in specs if s["level"] == 2}
    money_or_rate = _money_or_rate()
    table_rows = _table_rows()
    for line_start, line in lines(text):
        stripped = line.lstrip()
        if not stripped:
            continue
        if CONTENTS_ENTRY.search(stripped):
            continue  # a line of a table of contents opens nothing
        m = _NUMBERING.match(stripped)
        if not m:
            lm = _LABEL_LINE.match(line)
            key = classify_heading(lm.group(1), specs) if lm else None
            if key in level2:
                offset = line_start + (len(line) - len(stripped))
                heads.append(Heading(offset, line_start + len(line), stripped, lm.group(1), key, "label", 0,
                                     True, level=4 + parts))
            continue
        style, ordinal = _ordinal(m)
        arabic = style in ("ar", "par")
        continues_list = arabic and last_list_ordinal.get(style, 0) > 0 and ordinal == last_list_ordinal[style] + 1
        if arabic:
            last_list_ordinal[style] = ordinal
        offset = line_start + (len(line) - len(stripped))
        rest = stripped[m.end():]
        cut = _CUT.search(rest)
        name = (rest[: cut.start()] if cut else rest).strip()
        standalone = cut is None or not rest[cut.end():].strip()
        if (not name or len(name) > 40 or money_or_rate.search(name) or _TABLE_ROW.search(name) or "\t" in rest
                or _SECOND_ITEM.search(rest) or table_rows.match(name)
                or table_rows.match(name + _next_word(text, line_start + len(line)))):
            continue  # a line of figures, or a row of a 决算 table (收入支出决算总表) numbered like a heading
        if not standalone and len(name) > 20:
            continue
        key = classify_heading(name, specs)
        body_start = offset + m.end() + (cut.end() if cut else len(rest))
        h = Heading(offset, body_start, stripped[: m.end()] + name, name, key, style, ordinal, standalone)
        if style == "part" or (style == "cn" and not parts_style):
            h.level = 1
        elif style == "cn":
            h.level = 2  # 第一部分 … 一、
        elif (arabic and key in level1 and standalone and ordinal == top_ordinal + 1
              and (not continues_list or style in top_styles) and len(name) <= 30):
            h.level = 1  # "三、… 4、国有资本经营预算支出情况", "（1）部门基本情况 …（2）…": top-level headings
        elif style == "pcn" or (style == "par" and key in level2 and standalone):
            h.level = 2 + parts
        elif key is None or not standalone or len(name) > 15:
            continue  # an item of a numbered list, not a heading
        else:
            h.level = (3 if style == "ar" else 4) + parts  # 第一部分 puts every style one level down
        if h.level == 1:
            top_ordinal = ordinal
            top_styles.add(style)
            last_list_ordinal = {}
        heads.append(h)
    return heads


def _next_word(text: str, line_end: int) -> str:
    """The first word of the next line ("拨款" after "三、国有资本经营预算财政": a table cell wrapped)."""
    m = re.match(r"\n[ \t]*(\S+)", text[line_end:line_end + 40])
    return m.group(1) if m else ""


def _unnumbered_titles(text: str) -> list[Heading]:
    """Headings whose numbering Word dropped: a line that is nothing but a standard section title."""
    heads = []
    level1 = level1_keys()
    title_line = _title_line()
    for line_start, line in lines(text):
        m = title_line.match(line)
        if not m:
            continue
        key = classify_heading(m.group(1))
        if key in level1:
            offset = line_start + (len(line) - len(line.lstrip()))
            heads.append(Heading(offset, line_start + len(line), m.group(1), m.group(1), key, "title", 0, True,
                                 level=1))
    return heads


def build_sections(text: str) -> list[Section]:
    """Sections in document order; each ends where the next heading of the same or a higher
    level starts (or at the end of the text). When a report has almost no numbered top-level
    headings (the numbering was lost in conversion), lines that are standard titles are used."""
    heads = find_headings(text)
    if sum(1 for h in heads if h.level == 1) < 2:
        titled = _unnumbered_titles(text)
        if len(titled) >= 2:
            heads = sorted(heads + titled, key=lambda h: h.start)
    sections: list[Section] = []
    for i, h in enumerate(heads):
        end = len(text)
        for later in heads[i + 1:]:
            if later.level <= h.level:
                end = later.start
                break
        sections.append(Section(key=h.key or "unknown", title=h.title, level=h.level,
                                start=h.start, end=end, body_start=h.body_start))
    return sections


class SectionIndex:
    """Answers "which sections contain this offset" in O(log n + depth)."""

    def __init__(self, sections: list[Section]):
        self.sections = sections  # in document order (by start)
        self._starts = [s.start for s in sections]

    def path(self, pos: int) -> list[Section]:
        """Sections containing ``pos``, outermost first."""
        i = bisect_right(self._starts, pos) - 1
        out: list[Section] = []
        level = 99
        while i >= 0:
            s = self.sections[i]
            if s.level < level and s.end > pos:
                out.append(s)
                level = s.level
                if level <= 1:
                    break
            i -= 1
        out.reverse()
        return out

    def keys(self, pos: int) -> list[str]:
        return [s.key for s in self.path(pos)]
