"""PDF reader: pypdfium2 for the text layer, pdfplumber for tables.

Text: pdfium's text per page (its reading order), pages joined by a newline. A text-quality
gate finds the pages without a usable text layer (scans, or fonts without a Unicode map that
come out as U+FFFD / private-use / control characters): with the OCR engine installed they are read by OCR
(:mod:`jixiao.ingest.ocr`; a mixed file page by page), without it a file with no usable text is refused as needing OCR.

Tables: pdfplumber's ``extract_tables`` on each page that may hold one (a table head or rows of figures
in its text layer); pages of prose are passed over (p001–p005: 3.7 s in all, was 5.4 s, same tables read).
A page that may hold a table but has no ruling lines gives its tables from where its words stand
(:func:`jixiao.ingest.aligned.page_tables`: columns where the figures are, header words wrapped in a cell joined).
PDF tables are not written into the text a second time: the text is pdfium's, and each
:class:`Cell` points at the place in its page's text where the cell's text is found, searching
forward from the previous cell (whitespace and line breaks may differ). A cell that cannot be
found (the two libraries order or split text differently, or the cell is empty) keeps
``start == end == -1``; its ``text`` is still pdfplumber's. Lines wrapped inside a cell are
joined (without a space between Chinese characters). A table spanning pages is one
:class:`Table` per page, ``sheet`` = "第N页". If pdfplumber fails, the document keeps its
text and has no tables (a warning is logged).
"""

from __future__ import annotations

import io
import logging
import re
import threading
from collections import Counter
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from jixiao.errors import IngestError
from jixiao.ingest import ocr
from jixiao.ingest.aligned import page_tables
from jixiao.ingest.detect import HEAD_BYTES
from jixiao.ingest.document import Document, Table
from jixiao.ingest.layout import text_index
from jixiao.ingest.normalize import figure_row, normalize
from jixiao.ingest.positioned import FIGURE_ROW, locate_table, may_hold_a_table
from jixiao.ingest.txt import is_chrome, is_title

log = logging.getLogger(__name__)

_BAD = re.compile(r"\(cid:\d+\)|GLYPH<[^>]*>|[\ufffd\ufffe\ue000-\uf8ff\x00-\x08\x0e-\x1f]")
MIN_CHARS_PER_PAGE = 5  # fewer readable characters per page on average: no usable text layer
MAX_BAD_SHARE = 0.3
_PDFIUM_LOCK = threading.Lock()  # pdfium is not thread-safe: one document at a time per process


def read(path: Path, source: str, *, tables: bool = True) -> Document:
    """Read a PDF's text layer into a Document (tables from the page layout)."""
    page_texts = _page_texts(path, source)
    scanned = [i for i, page in enumerate(page_texts) if not has_text_layer([page])]
    if scanned and ocr.available():  # scanned pages (all, or some of a mixed file) are read by OCR, page by page
        read = ocr.pages_for(source, scanned, lambda wanted: _page_images(path, wanted))
        pages = [read.get(i, text) for i, text in enumerate(page_texts)]
        doc = ocr.document(pages, source, "pdf")
        if not doc.text.strip():
            raise IngestError(source, "扫描件（PDF 中没有文字层），OCR 也未识别出文字：页面可能是空白页，或图像过于模糊")
        if tables and len(scanned) < len(page_texts):
            doc.tables += _tables(path, doc.text, [*doc.page_starts, len(doc.text)])
        return doc
    if not has_text_layer(page_texts):
        ocr.require(source, "扫描件（PDF 中没有可提取的文字层）")
        raise IngestError(source, "扫描件（PDF 中没有可提取的文字层），未能识别")  # (require raised: no engine)
    origin = "\n".join(page_texts)
    text, offsets = normalize(origin)
    page_starts = []  # normalised start of each page
    pos = 0
    for page in page_texts:
        page_starts.append(text_index(offsets, pos))
        pos += len(page) + 1
    page_starts.append(len(text))
    doc = Document(source=source, format="pdf", text=text, origin=origin, offsets=offsets,
                   pages=len(page_texts), page_starts=page_starts[:-1])
    if tables:
        doc.tables = _tables(path, text, page_starts)
    return doc


def _page_images(path: Path | bytes, pages: list[int]) -> dict:
    """Pages ``pages`` (from 0) of a PDF (its path or bytes) rendered at the OCR resolution, as PIL images."""
    with _PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(path if isinstance(path, bytes) else str(path))
        try:
            return {i: pdf[i].render(scale=ocr.DPI / 72).to_pil() for i in pages}
        finally:
            pdf.close()


def ocr_page(data: bytes, page: int) -> ocr.OcrPage:
    """Page ``page`` (from 0) of a scanned PDF — or a frame of an image file — held in memory, read by OCR (a
    batch reads a file's pages in parallel this way; see :func:`jixiao.ingest.ocr.sharing_pages`)."""
    if b"%PDF-" in data[:HEAD_BYTES]:
        image = _page_images(data, [page])[page]
    else:
        with Image.open(io.BytesIO(data)) as img:
            img.seek(page)
            image = img.copy()
    return ocr.read_page(image)


def _page_texts(path: Path, source: str) -> list[str]:
    with _PDFIUM_LOCK:
        return _page_texts_unlocked(path, source)


def _page_texts_unlocked(path: Path, source: str) -> list[str]:
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code in (pdfium.raw.FPDF_ERR_PASSWORD, pdfium.raw.FPDF_ERR_SECURITY):
            raise IngestError(source, "PDF 已加密，请提供未加密的文件") from e
        raise IngestError(source, "PDF 文件已损坏或不完整，无法打开") from e
    try:
        texts = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            try:
                texts.append(_with_indents(textpage, textpage.get_text_range()))
            finally:
                textpage.close()
                page.close()
        return _without_page_numbers(texts)
    finally:
        pdf.close()


_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_INDENT = 4  # characters: a paragraph's first-line indent (a title centred, a table's code level are not one)


def _with_indents(textpage, text: str) -> str:
    """The page's text with each line indented as it stands on the page, in full-width spaces (one per character
    width), as a typed indent would be: pdfium gives every line from its first character, so a paragraph indented
    by its position (not by spaces) would lose its start, which the rejoin of ragged lines needs
    (:func:`jixiao.ingest.normalize.rejoin_hard_wraps`). The margin is where most lines of the page start; only an
    indent of one to four characters on a line of text (not a row of figures) is written."""
    if textpage.count_chars() != len(text) or "\r\n" not in text:
        return text  # characters and text not one to one (surrogates): left as it is
    lines = text.split("\r\n")
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 2
    lefts: list[tuple[int, float, float]] = []  # (line, x of its first character, character width)
    for n, (line, at) in enumerate(zip(lines, starts, strict=True)):
        if not line or line[0].isspace() or not _CJK.search(line) or figure_row(line):
            continue
        left = textpage.get_charbox(at, loose=True)[0]
        # the width of the line's first Chinese character is the measure of an indent
        cjk_left, _, cjk_right, _ = textpage.get_charbox(at + _CJK.search(line).start(), loose=True)
        lefts.append((n, left, cjk_right - cjk_left))
    if len(lefts) < 3:
        return text
    margin = Counter(round(x) for _, x, _ in lefts).most_common(1)[0][0]
    for n, x, em in lefts:
        chars = round((x - margin) / em) if em > 1 else 0
        if 1 <= chars <= MAX_INDENT:
            lines[n] = "\u3000" * chars + lines[n]
    return "\r\n".join(lines)


_BARE_NUMBER = re.compile(r"\s*(\d{1,4})\s*")


def _without_page_numbers(texts: list[str]) -> list[str]:
    """The pages' texts without their page numbers written as a bare figure (“16”) on the first or last line: a
    paragraph running on to the next page would otherwise take the number into its figure (“年初预算为” / “16” /
    “28.80万元”). A bare figure is a page number when it stands first or last on its page and the pages agree on it:
    the number less the page's index is the same on most pages that have one (a cover and a contents page
    before page 1 shift it), and on three pages at least."""
    found: list[tuple[int, int, int]] = []  # (page, line index, number - page index)
    for n, page in enumerate(texts):
        lines = page.split("\r\n")
        filled = [k for k, line in enumerate(lines) if line.strip()]
        for k in {filled[0], filled[-1]} if filled else ():
            m = _BARE_NUMBER.fullmatch(lines[k])
            if m:
                found.append((n, k, int(m.group(1)) - n))
    if not found:
        return texts
    shift, count = Counter(d for _, _, d in found).most_common(1)[0]
    if count < 3:
        return texts
    out = list(texts)
    for n, k, d in sorted(found, reverse=True):  # (the last line of a page before its first)
        if d == shift:
            lines = out[n].split("\r\n")
            del lines[k]
            out[n] = "\r\n".join(lines)
    return out


def has_text_layer(page_texts: list[str]) -> bool:
    """Enough readable characters per page, and few undecodable ones (U+FFFD, (cid:…), …)."""
    joined = "".join(page_texts)
    visible = sum(1 for c in joined if not c.isspace())
    bad = sum(len(m.group()) for m in _BAD.finditer(joined))
    good = visible - bad
    pages = max(1, len(page_texts))
    return good >= MIN_CHARS_PER_PAGE * pages and bad <= MAX_BAD_SHARE * max(visible, 1)


def _tables(path: Path, text: str, page_starts: list[int]) -> list[Table]:
    out: list[Table] = []
    try:
        with pdfplumber.open(str(path)) as plumber:
            previous = False  # the page before held a table (this one may hold its last rows)
            for n, page in enumerate(plumber.pages):
                lo, hi = page_starts[n], page_starts[n + 1]
                if not may_hold_a_table(text[lo:hi]) and not (previous and FIGURE_ROW.search(text, lo, hi)):
                    previous = False
                    continue  # prose only: pdfplumber's table finding is the slow part, not run here
                cursor = lo
                raws = page.extract_tables()
                if not raws:  # a table drawn without ruling lines: read from where its words stand
                    raws = page_tables(page.extract_words(), is_title, is_chrome)
                for raw in raws:
                    table, cursor = locate_table(raw, text, cursor, hi, f"第{n + 1}页")
                    out.append(table)
                previous = bool(raws)
                page.flush_cache()
    except Exception as e:  # tables are an extra: keep the text
        log.warning("%s: pdfplumber table extraction failed: %s", path, e)
        return []
    return out


def render_page(data: bytes, page: int, scale: float = 1.5, box: list[float] | None = None) -> bytes | None:
    """Page ``page`` (from 1) of a PDF — or of an image file (a frame of a TIFF) — as a PNG image, for a reader to
    see where a finding is, with ``box`` (x0, y0, x1, y1 as fractions of the page; an OCR'd line) outlined in red;
    None when the file cannot be opened or has no such page."""
    if not data.startswith(b"%PDF"):
        return _image_page(data, page, box)
    with _PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return None
        try:
            if not 1 <= page <= len(pdf):
                return None
            image = pdf[page - 1].render(scale=scale).to_pil()
        finally:
            pdf.close()
    return _png(image, box)


def _image_page(data: bytes, page: int, box: list[float] | None) -> bytes | None:
    try:
        with Image.open(io.BytesIO(data)) as img:
            if not 1 <= page <= getattr(img, "n_frames", 1):
                return None
            img.seek(page - 1)
            image = img.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    image.thumbnail((1600, 1600))
    return _png(image, box)


def _png(image: Image.Image, box: list[float] | None) -> bytes:
    if box and len(box) == 4 and all(0 <= v <= 1 for v in box):
        image = image.convert("RGB")
        w, h = image.size
        x0, y0, x1, y1 = box
        ImageDraw.Draw(image).rectangle([x0 * w - 3, y0 * h - 3, x1 * w + 3, y1 * h + 3], outline=(220, 0, 0),
                                        width=max(2, w // 400))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
