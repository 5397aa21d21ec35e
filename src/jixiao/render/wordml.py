"""Word documents in the layout of GB/T 9704-2012 《党政机关公文格式》 (python-docx, with what it has no API
for written in the XML): A4 with the standard margins, 22 lines of 28 characters, 2号小标宋 title, 3号仿宋
body, 黑体/楷体 headings, page numbers “— 1 —” outside on odd and even pages, and the East Asian font set
on every run (``w:eastAsia``; python-docx sets only the Latin ones). Layout and fonts come from
``data/render.yaml``; ``fonts="installed"`` writes, for each role, the first of its fonts this machine has.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from jixiao.lexicon import load_yaml

HEADING_ROLES = {1: ("heading1", False), 2: ("heading2", False), 3: ("body", True), 4: ("body", False)}


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """The font families fontconfig knows on this machine (empty where fc-list is absent)."""
    if shutil.which("fc-list") is None:
        return frozenset()
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=20,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def choose_fonts(roles: dict[str, list[str]], fonts: str = "official") -> dict[str, str]:
    """For each role its font: the official one, or (``installed``) the first of the role's fonts
    installed here (the official one when none is)."""
    if fonts == "installed":
        have = installed_families()
        return {role: next((n for n in names if n in have), names[0]) for role, names in roles.items()}
    return {role: names[0] for role, names in roles.items()}


def text_width(text: str) -> float:
    """Width in body characters: a Chinese character is one, a digit or Latin letter half."""
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


class OfficialDoc:
    """A document being written in the official layout. ``template``: a .docx (e.g. a bureau's
    letterhead) whose content comes first and whose page setup is kept."""

    def __init__(self, *, fonts: str = "official", template: Path | None = None) -> None:
        cfg = load_yaml("render.yaml")
        self.page: dict[str, Any] = cfg["page"]
        self.sizes: dict[str, float] = cfg["sizes_pt"]
        self.fonts = choose_fonts(cfg["fonts"], fonts)
        self.doc = Document(str(template)) if template is not None else Document()
        self._normal_style()
        if template is None:
            self._page_setup(self.doc.sections[0])

    # ── page ────────────────────────────────────────────────────────────────────────────

    def _page_setup(self, section, landscape: bool = False) -> None:
        p = self.page
        width, height = Mm(p["width_mm"]), Mm(p["height_mm"])
        section.page_width, section.page_height = (height, width) if landscape else (width, height)
        section.top_margin, section.bottom_margin = Mm(p["top_mm"]), Mm(p["bottom_mm"])
        section.left_margin, section.right_margin = Mm(p["left_mm"]), Mm(p["right_mm"])
        section.footer_distance = Mm(p["footer_mm"])
        section.header_distance = Mm(15)
        self._grid(section)
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._page_number(section.footer, odd=True)
        self._page_number(section.even_page_footer, odd=False)

    def _grid(self, section) -> None:
        """The line grid: ``lines_per_page`` lines in the type area. (The ``chars_per_line`` are made by the
        body's character spacing, :meth:`_char_spacing`: a character grid narrower than a 3号 character
        makes LibreOffice give each character two cells.)"""
        sect = section._sectPr
        for old in sect.findall(qn("w:docGrid")):
            sect.remove(old)
        grid = OxmlElement("w:docGrid")
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(self.page["line_pitch_pt"] * 20)))
        sect.append(grid)

    def _char_spacing(self) -> int:
        """The spacing, in twentieths of a point, that puts ``chars_per_line`` body characters on a line."""
        p = self.page
        type_width_pt = (p["width_mm"] - p["left_mm"] - p["right_mm"]) / 25.4 * 72
        return math.floor((type_width_pt / p["chars_per_line"] - self.sizes["body"]) * 20)

    def _page_number(self, footer, odd: bool) -> None:
        """“— N —” in 4号宋体: on odd pages at the right, on even pages at the left, one character in."""
        footer.is_linked_to_previous = False
        para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        for r in list(para.runs):
            r._element.getparent().remove(r._element)
        size = self.sizes["page_number"]
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
        fmt = para.paragraph_format
        if odd:
            fmt.right_indent = Pt(size)
        else:
            fmt.left_indent = Pt(size)
        self.run(para, "— ", "page_number", size)
        self._field(para, "PAGE", "1", size)
        self.run(para, " —", "page_number", size)

    def _field(self, para, instruction: str, shown: str, size: float) -> None:
        for kind, text in (("begin", None), ("instr", f" {instruction} "), ("separate", None), ("text", shown),
                           ("end", None)):
            run = self.run(para, "" if kind != "text" else text, "page_number", size)
            if kind in ("begin", "separate", "end"):
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                run._element.append(fld)
            elif kind == "instr":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._element.append(instr)

    def landscape_section(self) -> None:
        """Start a new page in landscape A4 (an attached table)."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page_setup(section, landscape=True)

    # ── text ────────────────────────────────────────────────────────────────────────────

    def _normal_style(self) -> None:
        """The body font and size as the document's defaults and the Normal style (the character grid's
        pitch is reckoned from the default size)."""
        style = self.doc.styles["Normal"]
        style.font.size = Pt(self.sizes["body"])
        self._set_fonts(style.element.get_or_add_rPr(), self.fonts["body"])
        styles = self.doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is None:
            defaults = OxmlElement("w:docDefaults")
            styles.insert(0, defaults)
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is None:
            rpr_default = OxmlElement("w:rPrDefault")
            defaults.insert(0, rpr_default)
        rpr = rpr_default.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            rpr_default.append(rpr)
        self._set_fonts(rpr, self.fonts["body"])
        for tag, value in (("w:spacing", self._char_spacing()), ("w:sz", round(self.sizes["body"] * 2)),
                           ("w:szCs", round(self.sizes["body"] * 2))):
            old = rpr.find(qn(tag))
            if old is not None:
                rpr.remove(old)
            element = OxmlElement(tag)
            element.set(qn("w:val"), str(value))
            rpr.append(element)

    def _set_fonts(self, rpr, east_asian: str) -> None:
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = OxmlElement("w:rFonts")
            rpr.insert(0, rfonts)
        latin = self.fonts["latin"]
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        rfonts.set(qn("w:ascii"), latin)
        rfonts.set(qn("w:hAnsi"), latin)
        rfonts.set(qn("w:cs"), latin)
        rfonts.set(qn("w:eastAsia"), east_asian)
        rfonts.set(qn("w:hint"), "eastAsia")

    def run(self, para, text: str, role: str = "body", size: float | None = None, bold: bool = False):
        """A run of ``text`` in the font of ``role`` (East Asian and Latin fonts both set)."""
        r = para.add_run(text)
        r.font.size = Pt(size or self.sizes["body"])
        r.font.bold = bold
        self._set_fonts(r._element.get_or_add_rPr(), self.fonts[role])
        return r

    def paragraph(self, text: str = "", *, role: str = "body", size: float | None = None, bold: bool = False,
                  indent: float = 2, align: str = "justify", right_indent: float = 0, outline: int | None = None, snap: bool = True):
        """A paragraph on the line grid; ``indent``/``right_indent`` in characters of its size."""
        para = self.doc.add_paragraph()
        size = size or self.sizes["body"]
        fmt = para.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(max(self.page["line_pitch_pt"], size * 1.2))
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.first_line_indent = Pt(indent * size) if indent else None
        if right_indent:
            fmt.right_indent = Pt(right_indent * size)
        para.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                          "left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        if not snap:  # a title or a table cell keeps its own line height
            grid = OxmlElement("w:snapToGrid")
            grid.set(qn("w:val"), "0")
            para._p.get_or_add_pPr().append(grid)
        if outline is not None:
            lvl = OxmlElement("w:outlineLvl")
            lvl.set(qn("w:val"), str(outline))
            para._p.get_or_add_pPr().append(lvl)
        if text:
            self.run(para, text, role, size, bold)
        return para

    def title(self, text: str) -> None:
        """The title: 2号小标宋, centred, with an empty line after it."""
        self.paragraph(text, role="title", size=self.sizes["title"], indent=0, align="center", outline=0, snap=False)
        self.paragraph(indent=0)

    def heading(self, level: int, text: str) -> None:
        """一、 (黑体) → （一） (楷体) → 1. (仿宋 bold) → （1） (仿宋), indented two characters."""
        role, bold = HEADING_ROLES.get(level, ("body", False))
        para = self.paragraph(text, role=role, bold=bold, outline=level)
        para.paragraph_format.keep_with_next = True  # never the last line of a page

    def signature(self, issuer: str, date_text: str) -> None:
        """An unsealed document's signature: the issuer two characters from the right, the date on the
        next line starting two characters further right (or the date two characters in if longer)."""
        self.paragraph(indent=0)
        if not date_text:
            self.paragraph(issuer, indent=0, align="right", right_indent=2)
            return
        wi, wd = text_width(issuer), text_width(date_text)
        if wd <= wi:  # the issuer's line is the longer: it sets the place, the date starts 2 further right
            issuer_right, date_right = 2.0, wi - wd
        else:
            date_right, issuer_right = 2.0, 4 + wd - wi
        self.paragraph(issuer, indent=0, align="right", right_indent=issuer_right)
        self.paragraph(date_text, indent=0, align="right", right_indent=date_right)

    def table(self, rows: list[list[str]], widths_mm: list[float], *, header_rows: int = 1,
              align: list[str] | None = None) -> None:
        """A ruled table in 小四仿宋 (header rows bold, repeated on each page); ``align`` per column."""
        size = self.sizes["table"]
        table = self.doc.add_table(rows=len(rows), cols=len(widths_mm))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for j, width in enumerate(widths_mm):
            table.columns[j].width = Mm(width)
        for i, row in enumerate(rows):
            cells = table.rows[i].cells
            if i < header_rows:
                trpr = table.rows[i]._tr.get_or_add_trPr()
                head = OxmlElement("w:tblHeader")
                trpr.append(head)
            for j, value in enumerate(row):
                cell = cells[j]
                cell.width = Mm(widths_mm[j])
                para = cell.paragraphs[0]
                fmt = para.paragraph_format
                fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
                fmt.space_before = fmt.space_after = Pt(0)
                snap = OxmlElement("w:snapToGrid")
                snap.set(qn("w:val"), "0")
                para._p.get_or_add_pPr().append(snap)
                where = "center" if i < header_rows else (align[j] if align else "left")
                para.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                                  "right": WD_ALIGN_PARAGRAPH.RIGHT}[where]
                self.run(para, value, "body", size, bold=i < header_rows)
        self.paragraph(indent=0, size=size)

    def save(self, out: Path) -> Path:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(out))
        return out
