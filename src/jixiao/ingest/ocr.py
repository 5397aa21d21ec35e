"""OCR of page images — scanned PDF pages, scanned or photographed reports as .png/.jpg/.tif — with RapidOCR on
ONNX Runtime (package ``rapidocr_onnxruntime``, the ``ocr`` extra: its detection and recognition models come inside
the package, nothing is downloaded) or, as a second engine, Tesseract (Debian's tesseract-ocr with its chi_sim data;
``JIXIAO_OCR_ENGINE=tesseract`` chooses it). Each page: the recognizer's boxes (text, corners, confidence) become pieces placed
on the page, laid out as lines (:func:`jixiao.ingest.positioned.layout_lines`); tables without ruling lines are read
from where the pieces stand, as for a PDF. Every OCR'd line keeps its confidence (``Document.ocr_lines``): the review
flags a figure read with low confidence (``ocr-uncertain``) and raises no other finding on it.

Without the package a scanned page cannot be read: the file is refused with a Chinese reason saying how to add it.

Pages in parallel: a reader asks :func:`pages_for` for its OCR'd pages. Inside :func:`sharing_pages` with
``hand_out`` set, a file with two pages or more still to read raises :class:`PagesWanted` instead, naming them; the
caller (``jixiao batch``) reads each page in its own task (:func:`jixiao.pipeline.ocr_page`) and reads the file again
with the pages given — the same document as read in one go."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageOps

from jixiao.errors import IngestError, PagesWanted
from jixiao.ingest.document import Document
from jixiao.ingest.layout import text_index
from jixiao.ingest.normalize import normalize
from jixiao.ingest.positioned import layout_lines, page_tables_in
from jixiao.lexicon import data_cache, load_yaml
from jixiao.model import OcrLine

DPI = 200  # scanned PDF pages are rendered at this resolution for OCR
MAX_SIDE = 4000  # a larger image is scaled down first (pixels of its longer side)
INSTALL_HINT = ("pip install 'jixiao[ocr]'（rapidocr_onnxruntime，模型随包提供，无需联网），"
                "或 apt install tesseract-ocr tesseract-ocr-chi-sim")
TESSERACT_LANGS = "chi_sim"
TESSERACT_TIMEOUT = 120
_LOCK = threading.Lock()  # one recognizer per process, used by one thread at a time


ENGINES = ("rapidocr", "tesseract")


def engine_name() -> str | None:
    """The OCR engine in use: ``JIXIAO_OCR_ENGINE`` (rapidocr or tesseract) when it is installed, else RapidOCR when
    installed, else Tesseract (Debian: tesseract-ocr, tesseract-ocr-chi-sim) when on the PATH; None without either."""
    chosen = os.environ.get("JIXIAO_OCR_ENGINE", "").strip().lower()
    order = [chosen] if chosen in ENGINES else list(ENGINES)
    for name in order:
        if name == "rapidocr" and importlib.util.find_spec("rapidocr_onnxruntime") is not None:
            return name
        if name == "tesseract" and shutil.which("tesseract") is not None:
            return name
    return None


def available() -> bool:
    """Whether an OCR engine is installed."""
    return engine_name() is not None


@lru_cache(maxsize=1)
def _engine(threads: int):
    from rapidocr_onnxruntime import RapidOCR  # optional: the ocr extra

    if threads > 0:  # ONNX Runtime's threads for one page (default: one per core)
        return RapidOCR(intra_op_num_threads=min(threads, os.cpu_count() or 1), inter_op_num_threads=1)
    return RapidOCR()


@dataclass
class OcrPage:
    """One page read by OCR: its text, and each line of it with its lowest box confidence."""

    text: str
    words: list[dict]
    lines: list[OcrLine] = field(default_factory=list)

    def to_json(self) -> dict:
        """The page as plain JSON (a batch's cache keeps it)."""
        return {"text": self.text, "words": self.words, "lines": [line.model_dump() for line in self.lines]}

    @classmethod
    def from_json(cls, data: dict) -> OcrPage:
        return cls(text=data["text"], words=data["words"], lines=[OcrLine(**line) for line in data["lines"]])


_GIVEN: ContextVar[dict[int, OcrPage] | None] = ContextVar("jixiao_ocr_given", default=None)
_HAND_OUT: ContextVar[bool] = ContextVar("jixiao_ocr_hand_out", default=False)
_THREADS: ContextVar[int] = ContextVar("jixiao_ocr_threads", default=0)


@contextmanager
def sharing_pages(given: dict[int, OcrPage] | None = None, *, hand_out: bool = False,
                  threads: int = 0) -> Iterator[None]:
    """Within: the pages ``given`` (from 0) are taken as read, with ``hand_out`` a file with two pages or more left
    to read raises :class:`PagesWanted` (see the module's doc), and a page is read with ``threads`` threads (0: one
    per core; a batch reading pages in parallel gives each process its share of the cores)."""
    tokens = _GIVEN.set(given or {}), _HAND_OUT.set(hand_out), _THREADS.set(max(0, threads))
    try:
        yield
    finally:
        _GIVEN.reset(tokens[0])
        _HAND_OUT.reset(tokens[1])
        _THREADS.reset(tokens[2])


def pages_for(source: str, pages: Sequence[int], images: Callable[[list[int]], dict[int, Image.Image]]
              ) -> dict[int, OcrPage]:
    """The OCR'd ``pages`` (from 0) of a file: those given (:func:`sharing_pages`), the others rendered by ``images``
    and read here — or :class:`PagesWanted` when handing out and two or more are left."""
    given = _GIVEN.get() or {}
    missing = [i for i in pages if i not in given]
    if _HAND_OUT.get() and len(missing) >= 2:
        raise PagesWanted(source, missing)
    rendered = images(missing) if missing else {}
    return {i: given[i] if i in given else read_page(rendered[i]) for i in pages}


def read_page(image: Image.Image) -> OcrPage:
    """OCR one page image."""
    image = ImageOps.exif_transpose(image).convert("RGB")
    scale = min(1.0, MAX_SIDE / max(image.size))
    if scale < 1.0:
        image = image.resize((int(image.width * scale), int(image.height * scale)))
    fix = _confusions()
    words = []
    for w in (_tesseract(image) if engine_name() == "tesseract" else _rapidocr(image)):
        w["text"] = fix(w["text"])
        words.append(w)
    text, spans = layout_lines(words)
    lines: dict[int, OcrLine] = {}
    width, height = image.size
    for start, end, w in spans:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        box = [w["x0"] / width, w["top"] / height, w["x1"] / width, w["bottom"] / height]
        line = lines.get(line_start)
        if line is None:
            lines[line_start] = OcrLine(start=line_start, end=line_end if line_end >= 0 else len(text),
                                        confidence=w["confidence"], box=box)
        else:
            line.confidence = min(line.confidence, w["confidence"])
            line.box = [min(line.box[0], box[0]), min(line.box[1], box[1]), max(line.box[2], box[2]),
                        max(line.box[3], box[3])]
    return OcrPage(text=text, words=words, lines=[lines[k] for k in sorted(lines)])


@data_cache
def _confusions():
    """The replacement of the confusions of ``data/ocr.yaml`` (same lengths: offsets stay)."""
    pairs = load_yaml("ocr.yaml").get("confusions") or {}
    if not pairs:
        return lambda text: text
    pattern = re.compile("|".join(re.escape(w) for w in sorted(pairs, key=len, reverse=True)))
    return lambda text: pattern.sub(lambda m: pairs[m.group()], text)


def _rapidocr(image: Image.Image) -> list[dict]:
    import numpy  # optional: the ocr extra brings it; the engine takes an array

    with _LOCK:
        result, _ = _engine(_THREADS.get())(numpy.asarray(image))
    words = []
    for box, text, confidence in result or []:
        text = str(text).strip()
        if text:
            xs, ys = [p[0] for p in box], [p[1] for p in box]
            words.append({"text": text, "x0": min(xs), "x1": max(xs), "top": min(ys), "bottom": max(ys),
                          "confidence": float(confidence)})
    return words


def _tesseract(image: Image.Image) -> list[dict]:
    """Tesseract's words (TSV, level 5) with their boxes and confidence (0–100 → 0–1)."""
    with tempfile.TemporaryDirectory(prefix="jixiao-ocr-") as tmp:
        path = Path(tmp) / "page.png"
        image.save(path)
        done = subprocess.run(["tesseract", str(path), "-", "-l", TESSERACT_LANGS, "--psm", "6", "tsv"],
                              capture_output=True, text=True, timeout=TESSERACT_TIMEOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"tesseract: {(done.stderr or '').strip()[:200]}")
    lines: dict[tuple[str, ...], list[dict]] = {}
    for row in done.stdout.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        left, top, width, height = (float(v) for v in cells[6:10])
        lines.setdefault(tuple(cells[1:5]), []).append(
            {"text": cells[11].strip(), "x0": left, "x1": left + width, "top": top, "bottom": top + height,
             "confidence": max(0.0, float(cells[10])) / 100})
    return [piece for words in lines.values() for piece in _runs(words)]


def _runs(words: list[dict]) -> list[dict]:
    """Tesseract's words of one line (single characters, for Chinese) joined into pieces: a gap wider than one and a
    half characters (a table's column) starts a new piece; the piece's confidence is the mean of its words'."""
    words.sort(key=lambda w: w["x0"])
    size = sorted(w["bottom"] - w["top"] for w in words)[len(words) // 2] or 1.0
    size = max(size, max(w["bottom"] - w["top"] for w in words) * 0.6)
    pieces: list[dict] = []
    for w in words:
        last = pieces[-1] if pieces else None
        if last is not None and w["x0"] - last["x1"] <= 1.5 * size:
            ascii_pair = last["text"][-1].isascii() and w["text"][0].isascii() and w["x0"] - last["x1"] > 0.3 * size
            last["text"] += (" " if ascii_pair else "") + w["text"]
            last["x1"] = max(last["x1"], w["x1"])
            last["top"], last["bottom"] = min(last["top"], w["top"]), max(last["bottom"], w["bottom"])
            last["scores"].append(w["confidence"])
        else:
            pieces.append({**w, "scores": [w["confidence"]]})
    for piece in pieces:  # Tesseract scores each character, lower than RapidOCR scores a line: the piece's mean
        scores = piece.pop("scores")
        piece["confidence"] = sum(scores) / len(scores)
    return pieces


def require(source: str, what: str) -> None:
    """Refuse ``what`` (a scanned PDF, an image) when the OCR engine is not installed."""
    if not available():
        raise IngestError(source, f"{what}需要 OCR 识别，本机未安装 OCR 组件（{INSTALL_HINT}）")


def document(pages: list[OcrPage | str], source: str, fmt: str) -> Document:
    """A Document of pages, each OCR'd (:class:`OcrPage`) or read from a text layer (a str): text, page starts,
    the OCR'd lines with their confidence, and the tables of OCR'd pages."""
    texts = [p.text if isinstance(p, OcrPage) else p for p in pages]
    origin = "\n".join(texts)
    text, offsets = normalize(origin)
    starts, pos, ocr_lines = [], 0, []
    for n, (page, page_text) in enumerate(zip(pages, texts, strict=True)):
        starts.append(text_index(offsets, pos))
        if isinstance(page, OcrPage):
            for line in page.lines:
                ocr_lines.append(OcrLine(start=text_index(offsets, pos + line.start), end=text_index(offsets, pos + line.end),
                                         confidence=round(line.confidence, 4), page=n + 1,
                                         box=[round(v, 4) for v in line.box or []] or None))
        pos += len(page_text) + 1
    starts.append(len(text))
    tables = page_tables_in(text, starts, [p.words if isinstance(p, OcrPage) else None for p in pages])
    return Document(source=source, format=fmt, text=text, origin=origin, offsets=offsets, tables=tables,
                    pages=len(pages), page_starts=starts[:-1], ocr_lines=ocr_lines)


def read_image(path: Path, source: str) -> Document:
    """An image file (.png/.jpg/.tif, every frame of a multi-page TIFF a page) read by OCR."""
    require(source, "图片")
    with Image.open(path) as img:
        count = getattr(img, "n_frames", 1)
    read = pages_for(source, range(count), lambda wanted: _frames(path, wanted))
    return document([read[i] for i in range(count)], source, "image")


def _frames(path: Path, wanted: list[int]) -> dict[int, Image.Image]:
    with Image.open(path) as img:
        frames = {}
        for i in wanted:
            img.seek(i)
            frames[i] = img.copy()
    return frames
