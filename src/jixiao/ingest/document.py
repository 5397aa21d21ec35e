"""The result of ingestion: normalised text, a map back to the original, and tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.model import OcrLine


@dataclass
class Cell:
    """One table cell: its text and its span in the normalised document text."""

    text: str
    start: int
    end: int


@dataclass
class Table:
    """A table as rows of cells, in reading order. ``sheet`` names the xlsx sheet or PDF page."""

    rows: list[list[Cell]]
    start: int
    end: int
    sheet: str | None = None


@dataclass
class Document:
    """A report ready for extraction.

    Attributes:
        source: the path or upload name the document came from.
        format: "txt", "docx", "pdf", "xlsx", "ofd", or a format read through LibreOffice ("doc", "wps",
            "rtf", "odt", "xls", "et", "ods").
        text: the normalised text every span of the model indexes.
        origin: the text as read from the file (decoded, paragraphs and cells in reading
            order, Word list numbers written out), before normalisation.
        offsets: ``offsets[i]`` is the index in ``origin`` of ``text[i]``; one extra entry at
            the end maps the end of the text. So ``origin[offsets[s]:offsets[e]]`` is the
            original form of ``text[s:e]``.
        tables: the tables, whose cells also appear in ``text`` (cells separated by tabs,
            rows by newlines).
        encoding: the detected encoding of a text file.
    """

    source: str
    format: str
    text: str
    origin: str
    offsets: list[int]
    tables: list[Table] = field(default_factory=list)
    encoding: str | None = None
    pages: int | None = None
    page_starts: list[int] = field(default_factory=list)  # where each page starts in ``text`` (PDF)
    ocr_lines: list[OcrLine] = field(default_factory=list)  # the lines read by OCR, with confidence, page and box

    def origin_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``text`` to the corresponding span of ``origin``."""
        return self.offsets[start], self.offsets[end]
