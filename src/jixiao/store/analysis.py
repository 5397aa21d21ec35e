"""Upload checks and the analysis of one stored file (through :mod:`jixiao.pipeline`).

``check_upload`` runs before anything is stored: size (50 MB by default, ``JIXIAO_MAX_FILE_MB``),
extension and a look at the first bytes. ``analyse_upload`` never raises for a bad document: it
returns a ``StoredAnalysis`` with ``error`` set to the Chinese reason, so one bad file never stops a
batch. Between reading and extraction it checks the text against the limits
(:class:`~jixiao.store.limits.AnalysisLimits`): its size, its number of lines, and that it is report
text at all (Chinese words, more than a handful of distinct characters). In the workspace it runs in
a child process with CPU and memory limits (:mod:`jixiao.store.sandbox`).
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao import jsonout, pipeline
from jixiao.errors import IngestError, InternalError, JixiaoError, PagesWanted
from jixiao.ingest import ocr, pdf
from jixiao.ingest.archive import REPORT_SUFFIXES, SUFFIX_LIST
from jixiao.ingest.registry import max_mb_setting
from jixiao.store.errors import UploadRejected
from jixiao.store.limits import AnalysisLimits

ALLOWED_SUFFIXES = REPORT_SUFFIXES
log = logging.getLogger("jixiao.store")


def max_upload_bytes() -> int:
    """The per-file size limit in bytes (the ingest limit, 50 MB unless ``JIXIAO_MAX_FILE_MB``)."""
    return int(max_mb_setting() * 1024 * 1024)


def max_request_bytes() -> int:
    """The largest HTTP request body accepted (``JIXIAO_MAX_REQUEST_MB``, default 100 MB; never less than
    one file of the upload limit plus 1 MB for the form around it)."""
    try:
        mb = float(os.environ.get("JIXIAO_MAX_REQUEST_MB", ""))
    except ValueError:
        mb = 0.0
    mb = mb if mb > 0 else 100.0
    return max(int(mb * 2**20), max_upload_bytes() + 2**20)


def safe_filename(name: str | None) -> str:
    """The base name of an uploaded file (no folders, no control characters, at most 200 chars)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[-200:] or "未命名文件"


def check_upload(filename: str, data: bytes) -> None:
    """Refuse a file before storing it: empty, too large, not .docx/.pdf/.txt/.xlsx, or content that
    contradicts the extension. Raises :class:`UploadRejected` with the Chinese reason."""
    limit = max_upload_bytes()
    if not data:
        raise UploadRejected("文件为空")
    if len(data) > limit:
        raise UploadRejected(f"文件过大（{len(data) / 2**20:.1f} MB），单个文件不能超过 {limit / 2**20:.0f} MB")
    suffix = Path(filename).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadRejected(f"不支持的文件类型（{suffix or '无扩展名'}），可上传 {SUFFIX_LIST} 文件")
    head = data[:8]
    if suffix == ".pdf" and b"%PDF-" not in data[:1024]:
        raise UploadRejected("文件扩展名为 .pdf，但内容不是 PDF")
    if suffix in (".docx", ".xlsx") and not head.startswith(b"PK"):
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise UploadRejected("旧版 Word/Excel 格式（.doc/.xls）或已加密的文件，请另存为 .docx/.xlsx 后再上传")
        raise UploadRejected(f"文件扩展名为 {suffix}，但内容不是 Office 文档")
    if suffix == ".txt" and b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadRejected("文件扩展名为 .txt，但内容不是文本")


@dataclass
class StoredAnalysis:
    """What is kept on a report row after analysing its file, JSON-ready; ``error`` is set (and the
    rest empty) when it failed."""

    error: str | None = None
    file_format: str | None = None
    text: str | None = None
    extracted: dict[str, Any] | None = None
    findings: list[Any] | None = None
    score: dict[str, Any] | None = None
    pages_wanted: list[int] | None = None  # not an analysis yet: these pages are to be read by OCR first


def _jsonable(obj: Any) -> Any:
    return json.loads(jsonout.dumps(obj))


_CJK = re.compile(r"[\u4e00-\u9fff]")
MIN_CJK = 20  # a report has at least this many Chinese characters
MIN_DISTINCT = 40  # distinct characters a longer text must have
DISTINCT_FROM = 1000  # ... from this length on


def size_refusal(data: bytes, limits: AnalysisLimits) -> str | None:
    """Why a plain-text file is not even read: it holds more characters than the text limit allows
    whatever its encoding (4 bytes at most a character), so decoding and normalising it would only
    cost memory (a 49 MB file of one letter took 1.9 GB before this check)."""
    if data[:4].startswith(b"PK") or b"%PDF-" in data[:1024]:
        return None
    if len(data) > 4 * limits.max_text_chars:
        return (f"文件文字过多（文本文件 {len(data) / 2**20:.1f} MB，超过 {limits.max_text_chars / 10000:.0f} 万字的上限），"
                "不像是一份自评报告，未分析")
    return None


def content_refusal(text: str, limits: AnalysisLimits) -> str | None:
    """Why a read text is not analysed (too long, too many lines, not report text), or None."""
    n = len(text)
    if n > limits.max_text_chars:
        return (f"文件文字过多（约 {n / 10000:.0f} 万字），超过上限 {limits.max_text_chars / 10000:.0f} 万字，"
                "不像是一份自评报告，未分析")
    lines = text.count("\n") + 1
    if lines > limits.max_lines:
        return f"文件段落过多（{lines} 段），超过上限 {limits.max_lines} 段，不像是一份自评报告，未分析"
    cjk = len(_CJK.findall(text))
    if cjk < MIN_CJK:
        return f"文件中几乎没有中文文字（{cjk} 个汉字），不像是一份自评报告，未分析"
    if n >= DISTINCT_FROM:
        distinct = len(set(text) - {" ", "\n", "\t"})
        if distinct < MIN_DISTINCT:
            return f"文件内容几乎全是重复的字符（{n} 个字符中只有 {distinct} 种），不像是一份自评报告，未分析"
    return None


def analyse_checked(filename: str, data: bytes, limits: AnalysisLimits | None = None,
                    options: pipeline.Options | None = None) -> pipeline.Analysis | str:
    """Read ``data``, check its text against ``limits`` and analyse it with ``options`` (default: review and
    score); the analysis, or the Chinese reason it could not be made (never raises for the file's sake, so
    one bad file never stops a batch). Shared by the workspace and ``jixiao batch``."""
    limits = limits or AnalysisLimits.from_env()
    options = options or pipeline.Options(score=True)
    if refusal := size_refusal(data, limits):
        return refusal
    try:
        document = pipeline.load_bytes(data, filename)
        refusal = content_refusal(document.text, limits)
        if refusal:
            return refusal
        return pipeline.analyse_document(document, options)
    except InternalError as err:
        if out_of_memory(err.cause):
            return MEMORY_REASON
        log.warning("analysis of %s failed", filename, exc_info=err.cause)
        return internal_reason(err.cause)
    except PagesWanted:
        raise  # the batch reads the pages in parallel (jixiao.ingest.ocr.sharing_pages)
    except IngestError as err:
        if isinstance(err.__cause__, MemoryError) and limits.memory_mb:
            return MEMORY_REASON  # reading ran out of the memory the limits allow
        return err.reason
    except JixiaoError as err:  # an invalid data folder: the file is kept, to be analysed again later
        log.warning("analysis of %s failed: %s", filename, err)
        return str(err)
    except MemoryError:
        return MEMORY_REASON
    except Exception as err:  # noqa: BLE001 - one bad file never stops the others
        if out_of_memory(err):
            return MEMORY_REASON
        log.warning("analysis of %s failed", filename, exc_info=err)
        return internal_reason(err)


def out_of_memory(err: BaseException | None) -> bool:
    """Whether ``err`` is the analysis running out of the memory it may use: a MemoryError, ENOMEM, or — under an
    address-space limit (the sandbox's children) — a C extension whose allocation failed without setting an
    exception (``SystemError: error return without exception set``); a C++ library's failed allocation
    (``std::bad_alloc`` in its message: ONNX Runtime's, for OCR) is one too."""
    if isinstance(err, MemoryError) or (isinstance(err, OSError) and err.errno == errno.ENOMEM):
        return True
    if err is not None and "bad_alloc" in str(err):
        return True
    if isinstance(err, SystemError) and "without exception set" in str(err):
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        return soft != resource.RLIM_INFINITY
    return False


def internal_reason(err: BaseException) -> str:
    """The Chinese reason for an unexpected failure while analysing a file."""
    return f"处理时发生内部错误（{type(err).__name__}），请将文件反馈给开发者"


def analyse_sharing_pages(filename: str, data: bytes, limits: AnalysisLimits | None, options: pipeline.Options,
                          pages: dict[int, dict] | None = None, threads: int = 0, *,
                          hand_out: bool = True) -> pipeline.Analysis | str | list[int]:
    """:func:`analyse_checked` for a caller that reads a scan's pages in parallel: with two pages or more to OCR that
    ``pages`` (page from 0 → :func:`read_ocr_page`'s JSON) does not hold, the list of the pages to read (from 0)
    instead of an analysis; ``threads``: OCR threads in this process (0: one per core)."""
    given = {int(i): ocr.OcrPage.from_json(page) for i, page in (pages or {}).items()}
    try:
        with ocr.sharing_pages(given, hand_out=hand_out, threads=threads):
            return analyse_checked(filename, data, limits, options)
    except PagesWanted as wanted:
        return wanted.pages


def ocr_threads(workers: int) -> int:
    """OCR threads of one of ``workers`` analysing processes on this machine: its share of the cores."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def page_failure(page: int, reason: str) -> str:
    """The reason a file is not analysed when its page ``page`` (from 0) could not be read."""
    return f"第 {page + 1} 页 OCR 识别失败：{reason}"


# a file asked for its pages again when they were given: cannot happen unless the reader changed
PAGES_ASKED_TWICE = "处理时发生内部错误（扫描件各页已识别后再次要求识别），请将文件反馈给开发者"


def read_ocr_page(data: bytes, page: int, threads: int = 0) -> dict[str, Any]:
    """Page ``page`` (from 0) of a scanned PDF or image file read by OCR with ``threads`` threads (0: one per core),
    as JSON, with the seconds it took (a task of its own: its own time, CPU and memory limits)."""
    started = time.perf_counter()
    with ocr.sharing_pages(threads=threads):
        read = pdf.ocr_page(data, page).to_json()
    return {**read, "seconds": round(time.perf_counter() - started, 4)}


def analyse_upload(filename: str, data: bytes, limits: AnalysisLimits | None = None,
                   data_folder: str | None = None, pages: dict[int, dict] | None = None,
                   threads: int = 0, hand_out: bool = False) -> StoredAnalysis:
    """Analyse one stored file through the pipeline (review and score), as :func:`analyse_checked` does;
    ``data_folder`` is the user's data folder (``--data``) when the caller runs in another process. With
    ``hand_out``, a scan with several pages to read gives ``pages_wanted`` (see :func:`analyse_sharing_pages`)."""
    analysis = analyse_sharing_pages(filename, data, limits, pipeline.Options(score=True, data=data_folder),
                                     pages, threads, hand_out=hand_out)
    if isinstance(analysis, list):
        return StoredAnalysis(pages_wanted=analysis)
    if isinstance(analysis, str):
        return StoredAnalysis(error=analysis)
    out = analysis.report.to_json()
    findings = out.pop("findings", None) or []
    card = _jsonable(analysis.score.model_dump()) if analysis.score is not None else None
    return StoredAnalysis(file_format=analysis.document.format, text=analysis.document.text,
                          extracted=_jsonable(out), findings=_jsonable(findings), score=card)


MEMORY_REASON = "分析所需内存超过上限，文件内容异常或过大，未分析"
