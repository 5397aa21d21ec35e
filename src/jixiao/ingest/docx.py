"""Word (.docx) reader: walks the body XML so paragraphs and tables come out in reading order.

The package is opened with zipfile and its parts parsed with lxml; the body is walked with lxml because ``paragraph.text`` drops
tracked insertions and skips content controls and text boxes. Rules:
- ``w:ins`` / ``w:moveTo`` text is kept, ``w:del`` / ``w:moveFrom`` skipped, hidden runs
  (``w:vanish``) skipped, field codes (``w:instrText``) skipped, field results kept;
- ``w:sdt`` content controls, hyperlinks, smart tags and custom XML are entered;
- text boxes (``w:txbxContent``) become lines after the paragraph that anchors them; of an
  ``mc:AlternateContent`` only the first choice is read, so a box is not read twice;
- Word list numbers are written out before the paragraph text (see :mod:`.numbering`);
- a table row is one line, its cells joined by tabs; a merged cell's text appears once (the
  cells it covers — ``gridSpan`` columns, ``vMerge`` continuations — are empty), so columns
  stay aligned; a nested table is flattened into its cell's text; all-empty rows are dropped.
Headers, footers, footnotes and comments are ignored.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from jixiao.errors import IngestError
from jixiao.ingest.document import Document
from jixiao.ingest.layout import LayoutBuilder, clean_cell
from jixiao.ingest.numbering import ListNumberer, StyleTable

_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_ALT = f"{{{_MC}}}AlternateContent"
_CHOICE = f"{{{_MC}}}Choice"
_FALLBACK = f"{{{_MC}}}Fallback"
W = {name: qn(f"w:{name}") for name in (
    "p", "tbl", "tr", "tc", "sdt", "sdtContent", "sdtPr", "sdtEndPr", "customXml", "r", "t", "tab",
    "ptab", "br", "cr", "noBreakHyphen", "softHyphen", "drawing", "pict", "object", "del",
    "moveFrom", "pPr", "rPr", "vanish", "txbxContent", "trPr", "tcPr", "gridSpan", "vMerge",
    "hMerge", "gridBefore", "val", "type", "body", "tblPr", "tblGrid", "customXmlPr",
)}
_SKIP_INLINE = {W["del"], W["moveFrom"], W["pPr"], W["rPr"], W["sdtPr"], W["sdtEndPr"],
                W["customXmlPr"]}
_OFF = ("0", "false", "off")
_STYLE_TABLES: dict[tuple[int, int], StyleTable] = {}  # the last styles parts seen (CRC-32, size) → table
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)  # as python-docx's


def read(path: Path, source: str) -> Document:
    """Read a .docx file into a Document (Word list numbers written out, tables as cells)."""
    body, numbering_el, styles = _open(path, source)
    walker = _Walker(ListNumberer(numbering_el, styles))
    walker.body(body)
    origin, text, offsets, tables = walker.out.finish()
    return Document(source=source, format="docx", text=text, origin=origin, offsets=offsets,
                    tables=tables)


def _open(path: Path, source: str):
    """Return (body, numbering root or None, the styles' numbering) of the main document part.

    The package is read with :mod:`zipfile` and its three parts parsed with lxml alone (python-docx's
    package model parses every part into its own element classes: five times the cost of the body walk)."""
    with zipfile.ZipFile(path) as zf:
        main = _target(zf, "", RT.OFFICE_DOCUMENT)
        if main is None:
            raise IngestError(source, "不是 Word 文档（缺少正文部分），文件可能已损坏")
        root = _parse(zf, main)
        body = root.find(W["body"])
        if body is None:
            if "wordprocessingml" not in root.tag:
                raise IngestError(source, "不是 Word 文档（缺少正文部分），文件可能已损坏")
            body = root
        numbering, styles = (_target(zf, main, rt) for rt in (RT.NUMBERING, RT.STYLES))
        return body, _parse(zf, numbering) if numbering else None, _style_table(zf, styles)


def _style_table(zf: zipfile.ZipFile, name: str | None) -> StyleTable:
    """The numbering of the paragraph styles. Word writes the same styles part (300 KB of latent styles,
    10 ms to parse) into every document made from one template, so the table is kept for the part's
    CRC-32 and size — checked against the inflated bytes when the package was first read (zipguard)."""
    if name is None:
        return StyleTable()
    info = zf.getinfo(name)
    key = (info.CRC, info.file_size)
    table = _STYLE_TABLES.get(key)
    if table is None:
        table = StyleTable.of(_parse(zf, name))
        if len(_STYLE_TABLES) >= 64:
            _STYLE_TABLES.pop(next(iter(_STYLE_TABLES)))
        _STYLE_TABLES[key] = table
    return table


def _parse(zf: zipfile.ZipFile, name: str):
    return etree.fromstring(zf.read(name), _PARSER)


def _target(zf: zipfile.ZipFile, part: str, reltype: str) -> str | None:
    """The package name of the part ``part`` relates to with ``reltype`` ("" for the package itself)."""
    folder, _, base = part.rpartition("/")
    rels = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    try:
        root = etree.fromstring(zf.read(rels), _PARSER)
    except KeyError:
        return None
    for rel in root:
        if rel.get("Type") == reltype and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            joined = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            name = posixpath.normpath(joined).lstrip("/")
            return name if name in zf.NameToInfo else None
    return None


def _on(el) -> bool:
    return el is not None and el.get(W["val"], "1") not in _OFF


def _pick(alt):
    """The one branch of an mc:AlternateContent to read: the first Choice, else the Fallback."""
    choice = alt.find(_CHOICE)
    return choice if choice is not None else alt.find(_FALLBACK)


def _textboxes(el) -> list:
    """Top-level w:txbxContent elements inside a drawing/picture/alternate-content element.

    A box inside another box is read with that box; a box in an unread mc branch is skipped.
    """
    boxes = []
    for box in el.iter(W["txbxContent"]):
        node = box.getparent()
        while node is not None and node is not el:
            if node.tag == W["txbxContent"] or (node.tag in (_CHOICE, _FALLBACK) and _unpicked(node)):
                break
            node = node.getparent()
        else:
            boxes.append(box)
    return boxes


def _unpicked(branch) -> bool:
    alt = branch.getparent()
    return alt is not None and alt.tag == _ALT and _pick(alt) is not branch


class _Walker:
    def __init__(self, numberer: ListNumberer):
        self.numberer = numberer
        self.out = LayoutBuilder()

    # -- block level ---------------------------------------------------------------------
    def items(self, parent):
        """Yield ("p", text) and ("tbl", rows) for the block content of ``parent``."""
        for child in parent:
            tag = child.tag
            if tag == W["p"]:
                text, boxes = self.paragraph(child)
                yield "p", text
                for box in boxes:
                    yield from self.items(box)
            elif tag == W["tbl"]:
                yield "tbl", self.table(child)
            elif tag == W["sdt"]:
                content = child.find(W["sdtContent"])
                if content is not None:
                    yield from self.items(content)
            elif tag == W["customXml"]:
                yield from self.items(child)
            elif tag == _ALT:
                branch = _pick(child)
                if branch is not None:
                    yield from self.items(branch)

    def body(self, body) -> None:
        for kind, value in self.items(body):
            if kind == "p":
                self.out.add_line(value)
            else:
                self.out.add_table(value)

    def cell_text(self, tc) -> str:
        pieces = []
        for kind, value in self.items(tc):
            if kind == "p":
                pieces.append(clean_cell(value))
            else:  # nested table: flattened into this cell
                pieces.extend(clean_cell(" ".join(c for c in row if c)) for row in value)
        return " ".join(p for p in pieces if p)

    def table(self, tbl) -> list[list[str]]:
        rows = []
        for tr in _children(tbl, W["tr"]):
            trpr = tr.find(W["trPr"])
            if trpr is not None and trpr.find(W["del"]) is not None:
                continue  # a deleted row (tracked change)
            cells: list[str] = [""] * _int_val(trpr, W["gridBefore"], 0)
            for tc in _children(tr, W["tc"]):
                tcpr = tc.find(W["tcPr"])
                span = max(1, _int_val(tcpr, W["gridSpan"], 1))
                cells.append("" if _continues(tcpr) else self.cell_text(tc))
                cells.extend([""] * (span - 1))
            if any(cells):
                rows.append(cells)
        return rows

    # -- inline level --------------------------------------------------------------------
    def paragraph(self, p) -> tuple[str, list]:
        parts: list[str] = []
        boxes: list = []
        self.inline(p, parts, boxes)
        text = "".join(parts)
        label, suffix = self.numberer.label(p)
        if label:
            text = label + (" " if _needs_space(label, text, suffix) else "") + text
        return text, boxes

    def inline(self, el, parts: list[str], boxes: list) -> None:
        for child in el:
            tag = child.tag
            if tag == W["r"]:
                self.run(child, parts, boxes)
            elif tag in _SKIP_INLINE or not isinstance(tag, str):
                continue  # deletions, properties, comments/processing instructions
            elif tag == _ALT:
                branch = _pick(child)
                if branch is not None:
                    self.inline(branch, parts, boxes)
            else:  # w:ins, w:moveTo, w:hyperlink, w:smartTag, w:sdt(Content), w:fldSimple, …
                self.inline(child, parts, boxes)

    def run(self, r, parts: list[str], boxes: list) -> None:
        rpr = r.find(W["rPr"])
        if rpr is not None and _on(rpr.find(W["vanish"])):
            return
        for c in r:
            tag = c.tag
            if tag == W["t"]:
                parts.append(c.text or "")
            elif tag in (W["tab"], W["ptab"]):
                parts.append("\t")
            elif tag == W["br"]:
                if c.get(W["type"]) in (None, "textWrapping"):
                    parts.append("\n")
            elif tag == W["cr"]:
                parts.append("\n")
            elif tag == W["noBreakHyphen"]:
                parts.append("-")
            elif tag in (W["drawing"], W["pict"], W["object"], _ALT):
                boxes.extend(_textboxes(c))
            # w:delText, w:instrText, w:sym, w:fldChar, … carry no visible body text


def _children(parent, tag):
    """Children with ``tag``, looking through content controls / custom XML wrappers."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == W["sdt"]:
            content = child.find(W["sdtContent"])
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == W["customXml"]:
            yield from _children(child, tag)


def _int_val(parent, tag, default: int) -> int:
    el = parent.find(tag) if parent is not None else None
    raw = el.get(W["val"]) if el is not None else None
    return int(raw) if raw and raw.isdigit() else default


def _continues(tcpr) -> bool:
    """A cell covered by the merged cell above (vMerge) or to the left (legacy hMerge)."""
    if tcpr is None:
        return False
    for tag in (W["vMerge"], W["hMerge"]):
        el = tcpr.find(tag)
        if el is not None and el.get(W["val"], "continue") == "continue":
            return True
    return False


def _needs_space(label: str, text: str, suffix: str) -> bool:
    """Separate "1." from "12个项目" but not "一、" from "部门概况"."""
    if suffix == "nothing" or not text:
        return False
    last, first = label[-1], text[0]
    return (last.isascii() and (last.isalnum() or last in ".)")) or (first.isascii() and first.isalnum())
