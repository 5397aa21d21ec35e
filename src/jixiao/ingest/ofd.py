"""OFD reader (GB/T 33190-2016, the national format of electronic official documents): an OFD file is a ZIP of
XML — ``OFD.xml`` names the document's root (``DocBody/DocRoot``), its ``Document.xml`` lists the pages
(``Pages/Page/@BaseLoc``), and each page's content holds text objects (``TextObject`` with a ``Boundary``
"x y w h" in mm and ``TextCode`` pieces at X/Y inside it, and ``DeltaX`` gaps between glyphs). Namespaces vary
between producers; elements are matched by local name.

Text: per page, the text pieces placed by their position (:func:`jixiao.ingest.positioned.layout_lines`), pages
joined by a newline, with ``page_starts``. Tables drawn without ruling lines are read from where the pieces stand, as for a
PDF (:func:`jixiao.ingest.aligned.page_tables`). Members are read through the ZIP guard (sizes and ratios)."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from jixiao.errors import IngestError
from jixiao.ingest.document import Document
from jixiao.ingest.layout import text_index
from jixiao.ingest.normalize import normalize
from jixiao.ingest.positioned import layout_lines, page_tables_in

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def read(path: Path, source: str) -> Document:
    """Read an .ofd file into a Document (pages of positioned text, tables from where their words stand)."""
    with zipfile.ZipFile(path) as zf:
        pages = [_page_words(zf, loc) for loc in _page_locations(zf, source)]
    page_texts = [layout_lines(words)[0] for words in pages]
    origin = "\n".join(page_texts)
    text, offsets = normalize(origin)
    page_starts, pos = [], 0
    for page in page_texts:
        page_starts.append(text_index(offsets, pos))
        pos += len(page) + 1
    page_starts.append(len(text))
    tables = page_tables_in(text, page_starts, pages)
    return Document(source=source, format="ofd", text=text, origin=origin, offsets=offsets, tables=tables,
                    pages=len(page_texts), page_starts=page_starts[:-1])


def _xml(zf: zipfile.ZipFile, name: str, source: str) -> etree._Element:
    try:
        data = zf.read(name)
    except KeyError:
        raise IngestError(source, f"OFD 文件不完整：缺少 {name}") from None
    return etree.fromstring(data, _PARSER)


def _local(el: etree._Element, name: str) -> list[etree._Element]:
    return el.xpath(f".//*[local-name()='{name}']")


def _page_locations(zf: zipfile.ZipFile, source: str) -> list[str]:
    """The content XML of each page of the first document, in order."""
    root = _xml(zf, "OFD.xml", source)
    doc_roots = [el.text.strip().lstrip("/") for el in _local(root, "DocRoot") if el.text]
    if not doc_roots:
        raise IngestError(source, "OFD 文件无效：OFD.xml 中没有文档（DocRoot）")
    doc_path = doc_roots[0]
    document = _xml(zf, doc_path, source)
    base = posixpath.dirname(doc_path)
    out = []
    for page in _local(document, "Page"):
        loc = page.get("BaseLoc")
        if loc:
            out.append(loc.lstrip("/") if loc.startswith("/") else posixpath.normpath(posixpath.join(base, loc)))
    return out


def _page_words(zf: zipfile.ZipFile, loc: str) -> list[dict]:
    """The text pieces of a page as words (text, x0, x1, top, bottom in mm), as pdfplumber gives a PDF's."""
    page = etree.fromstring(zf.read(loc), _PARSER)
    words = []
    for obj in _local(page, "TextObject"):
        x, y, _w, _h = (_float(v) for v in (obj.get("Boundary", "0 0 0 0").split() + ["0"] * 4)[:4])
        size = _float(obj.get("Size")) or 3.5
        for code in _local(obj, "TextCode"):
            text = "".join(code.itertext()).strip()
            if not text:
                continue
            cx, cy = x + _float(code.get("X")), y + _float(code.get("Y"))
            width = _advance(code.get("DeltaX"), len(text), size)
            words.append({"text": text, "x0": cx, "x1": cx + width, "top": cy - size, "bottom": cy})
    return words


def _advance(delta_x: str | None, n: int, size: float) -> float:
    """The width of a piece: its glyph gaps (``DeltaX``, with ``g N D`` runs), else one em per character."""
    if not delta_x:
        return n * size
    tokens, gaps = delta_x.split(), []
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            gaps += [_float(tokens[i + 2])] * int(_float(tokens[i + 1]))
            i += 3
        else:
            gaps.append(_float(tokens[i]))
            i += 1
    return sum(gaps[:n - 1]) + size


def _float(value: str | None) -> float:
    try:
        return float(value) if value is not None else 0.0
    except ValueError:
        return 0.0
