"""自评报告 draft (.docx): the unit's report laid out again in the province's outline and the GB/T 9704 layout, for
the unit to correct and resubmit. The text is the unit's own — each section's paragraphs and tables as read, in
the report's order, headings numbered again (一、 （一）) — with the values corrected in the workspace put in
place of the figures they replace; a section the outline requires and the report lacks is added with what the
report's facts say of it (``data/render.yaml``: ``report.sections``), or a request to fill it in. Nothing is
invented: a sentence is written only when every value it names is stated.

Extracting the draft again gives the facts, items and KPI metrics of the report (tests: seeds, samples and
synthetic reports)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.jsonout import decimal_text
from jixiao.lexicon import load_yaml
from jixiao.model import Report, Section
from jixiao.render.inputs import RenderInput, full_date, year_text
from jixiao.render.wordml import OfficialDoc

CHINESE_NUMERALS = "一二三四五六七八九十"
_HEADING_NUMBER = re.compile(r"^\s*(?:第[一二三四五六七八九十]+部分[、.．:：\s]*|[一二三四五六七八九十]+[、.．]\s*|"
                             r"[（(][一二三四五六七八九十\d]+[)）]\s*|\d{1,2}[、.．](?!\d)\s*)")
_FIELD = re.compile(r"\{(\w+)\}")
# labels of a cover page that a draft has no use for: 附件2, （封面）, （预算单位盖章）
_COVER_LABEL = re.compile(r"^(?:附件\s*\d{0,2}|[（(][^）)]{1,8}[）)])$")


@dataclass
class Block:
    """A piece of the draft: a heading (``level`` 1 or 2), a paragraph, or a table (``rows``)."""

    kind: str
    text: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)


def render_report(data: RenderInput, out: Path, *, fonts: str = "official", template: Path | None = None) -> Path:
    """Write the draft of the report to ``out`` (.docx)."""
    cfg = load_yaml("render.yaml")["report"]
    doc = OfficialDoc(fonts=fonts, template=template)
    doc.title(cfg["title"].format(unit=data.unit, year=year_text(data.year), kind=data.kind_name))
    for block in draft_blocks(data):
        if block.kind == "heading":
            doc.heading(block.level, block.text)
        elif block.kind == "table":
            width = 156 / max(len(r) for r in block.rows)
            doc.table(block.rows, [width] * max(len(r) for r in block.rows), header_rows=1)
        else:
            doc.paragraph(block.text)
    doc.signature(data.unit, _report_date(data.report))
    return doc.save(out)


def _report_date(report: Report) -> str:
    """The report's own date in full (2025年3月20日); empty when the report states none (the unit dates it)."""
    value = report.fact_value("report_date")
    if value is None:
        return ""
    try:
        return full_date(value if isinstance(value, date) else date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def draft_blocks(data: RenderInput) -> list[Block]:
    """The draft as blocks: the opening paragraphs, then each section (the report's own, in its order, and the
    outline's missing ones where the outline puts them)."""
    cfg = load_yaml("render.yaml")["report"]
    report = data.report
    text = data.text
    edits = _corrections(data)
    sections = sorted(report.sections, key=lambda s: s.start)
    tops = [s for s in sections if s.level == 1]
    blocks: list[Block] = _body(data, edits, 0, sections[0].start if sections else len(text), opening=True)
    order = _outline_order()
    present = {s.key for s in tops}
    missing = [k for k in _required(report) if k not in present]
    n = 0

    def add_missing(before: int | None) -> None:
        nonlocal n
        while missing and (before is None or order.get(missing[0], 99) < before):
            key = missing.pop(0)
            n += 1
            blocks.append(Block("heading", f"{_numeral(n)}、{_outline_name(key)}", 1))
            sentences = _sentences(cfg["sections"].get(key, []), report)
            blocks.extend(Block("paragraph", s) for s in sentences or [cfg["missing"]])

    for i, top in enumerate(tops):
        if top.key in order:  # a section the outline does not know is left where it is
            add_missing(order[top.key])
        n += 1
        blocks.append(Block("heading", f"{_numeral(n)}、{_title(top)}", 1))
        end = tops[i + 1].start if i + 1 < len(tops) else len(text)
        subs = [s for s in sections if s.level == 2 and top.start < s.start < end]
        blocks.extend(_body(data, edits, top.body_start, subs[0].start if subs else end))
        for j, sub in enumerate(subs):
            blocks.append(Block("heading", f"（{_numeral(j + 1)}）{_title(sub)}", 2))
            blocks.extend(_body(data, edits, sub.body_start, subs[j + 1].start if j + 1 < len(subs) else end))
    add_missing(None)
    return blocks


def _numeral(n: int) -> str:
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    return ("十" if n < 20 else CHINESE_NUMERALS[n // 10 - 1] + "十") + (CHINESE_NUMERALS[n % 10 - 1] if n % 10 else "")


def _title(section: Section) -> str:
    return _HEADING_NUMBER.sub("", section.title).strip() or section.title.strip()


def _body(data: RenderInput, edits: list[tuple[int, int, str]], start: int, end: int,
          opening: bool = False) -> list[Block]:
    """Paragraphs and tables of ``text[start:end]``, the corrections inside it made: a table of the document
    (its cells as read) where one starts, else lines of tab-separated cells. The opening part loses its
    title line (the draft has its own title)."""
    blocks: list[Block] = []
    pos = start
    for table in sorted((t for t in data.tables if start <= t.start < end), key=lambda t: t.start):
        if table.start < pos:
            continue
        blocks.extend(_lines(_edited(data.text, edits, pos, table.start), opening and not blocks))
        rows = [[_edited(data.text, edits, c.start, c.end) if c.end > c.start else c.text for c in row]
                for row in table.rows if row]
        if rows:
            blocks.append(Block("table", rows=rows))
        pos = max(pos, min(table.end, end))
    blocks.extend(_lines(_edited(data.text, edits, pos, end), opening and not blocks))
    for b in blocks:
        if b.kind == "table":
            width = max(len(r) for r in b.rows)
            b.rows = [r + [""] * (width - len(r)) for r in b.rows]
    return blocks


def _edited(text: str, edits: list[tuple[int, int, str]], start: int, end: int) -> str:
    piece = text[start:end]
    for a, b, value in sorted(edits, reverse=True):
        if start <= a and b <= end:
            piece = piece[:a - start] + value + piece[b - start:]
    return piece


def _lines(piece: str, opening: bool) -> list[Block]:
    blocks: list[Block] = []
    lines = [ln.strip(" \u3000\r") for ln in piece.split("\n")]  # a table row keeps its empty leading cells
    if opening:
        titles = [i for i, ln in enumerate(lines)
                  if "\t" not in ln and re.search(r"(?:自评|评价)报告$", ln) and len(ln) <= 80]
        if titles:
            del lines[titles[0]]
        lines = [ln for ln in lines if not _COVER_LABEL.match(ln)]
    for line in lines:
        if not line.strip():
            continue
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
        else:
            blocks.append(Block("paragraph", line))
    return blocks


def _outline_order() -> dict[str, int]:
    return {s["key"]: i for i, s in enumerate(load_yaml("outline.yaml")["sections"]) if s.get("level") == 1}


def _outline_name(key: str) -> str:
    return next((s["name"] for s in load_yaml("outline.yaml")["sections"] if s["key"] == key), key)


def _required(report: Report) -> list[str]:
    """The sections the province's outline requires (the national one when the province has none), in
    the outline's order."""
    outlines = load_yaml("outline.yaml")["outlines"]
    province = report.fact_value("province")
    chosen = next((o for o in outlines.values() if province in (o.get("provinces") or [])), None)
    chosen = chosen or next((o for o in outlines.values() if not o.get("provinces")), None)
    order = _outline_order()
    return sorted(chosen.get("required") or [], key=lambda k: order.get(k, 99)) if chosen else []


def _sentences(templates: list[list[str]], report: Report) -> list[str]:
    """Each template (a lead clause, then optional clauses) whose lead's values are all stated: the clauses
    whose values are stated, joined by “，” and ended with “。”."""
    out = []
    values = {k: f.value for k, f in report.facts.items()}
    values["year"] = report.fact_value("fiscal_year")
    for clauses in templates:
        kept = [_fill(c, values) for c in clauses]
        if kept and kept[0] is not None:
            out.append("，".join(c for c in kept if c is not None) + "。")
    return out


def _fill(template: str, values: dict[str, Any]) -> str | None:
    names = _FIELD.findall(template)
    if any(values.get(n) is None for n in names):
        return None
    return _FIELD.sub(lambda m: _shown(values[m.group(1)]), template)


def _shown(value: Any) -> str:
    return decimal_text(value) if isinstance(value, Decimal) else str(value)


def _corrections(data: RenderInput) -> list[tuple[int, int, str]]:
    """Where each corrected fact's figures are in the text and what replaces them: (start, end, value), at each
    evidence span holding exactly one number (others are left as written)."""
    edits: list[tuple[int, int, str]] = []
    for key, new in data.corrections.items():
        fact = data.report.facts.get(key)
        if fact is None or not isinstance(new, (int, Decimal)) or isinstance(new, bool):
            continue
        for span in fact.evidence:
            numbers = list(re.finditer(r"\d[\d,]*(?:\.\d+)?", data.text[span.start:span.end]))
            if len(numbers) == 1:
                m = numbers[0]
                edits.append((span.start + m.start(), span.start + m.end(), decimal_text(Decimal(new))))
    return edits
