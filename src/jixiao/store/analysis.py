"""Upload checks and the analysis of one stored file (through :mod:`jixiao.pipeline`).

``check_upload`` runs before anything is stored: size (50 MB by default, ``JIXIAO_MAX_FILE_MB``),
extension and a look at the first bytes. ``analyse_upload`` never raises for a bad document: it
returns a ``StoredAnalysis`` with ``error`` set to the Chinese reason, so one bad file never stops a
batch.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao import jsonout, pipeline
from jixiao.errors import IngestError, InternalError, JixiaoError
from jixiao.ingest.registry import max_mb_setting
from jixiao.store.errors import UploadRejected

ALLOWED_SUFFIXES = (".docx", ".pdf", ".txt", ".xlsx")
log = logging.getLogger("jixiao.store")


def max_upload_bytes() -> int:
    """The per-file size limit in bytes (the ingest limit, 50 MB unless ``JIXIAO_MAX_FILE_MB``)."""
    return int(max_mb_setting() * 1024 * 1024)


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
        raise UploadRejected(f"不支持的文件类型（{suffix or '无扩展名'}），请上传 .docx、.pdf、.txt 或 .xlsx 文件")
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


def _jsonable(obj: Any) -> Any:
    return json.loads(jsonout.dumps(obj))


def analyse_upload(filename: str, data: bytes) -> StoredAnalysis:
    """Analyse one stored file through the pipeline (review and score); never raises for a bad
    document: the Chinese reason is returned instead, so one bad file never stops a batch."""
    try:
        analysis = pipeline.analyse(data, pipeline.Options(score=True), name=filename)
    except InternalError as err:
        log.warning("analysis of %s failed", filename, exc_info=err.cause)
        return StoredAnalysis(error=f"处理时发生内部错误（{type(err.cause).__name__}），请将文件反馈给开发者")
    except IngestError as err:
        return StoredAnalysis(error=err.reason)
    except JixiaoError as err:  # an invalid data folder: the file is kept, to be analysed again later
        log.warning("analysis of %s failed: %s", filename, err)
        return StoredAnalysis(error=str(err))
    out = analysis.report.to_json()
    findings = out.pop("findings", None) or []
    card = _jsonable(analysis.score.model_dump()) if analysis.score is not None else None
    return StoredAnalysis(file_format=analysis.document.format, text=analysis.document.text,
                          extracted=_jsonable(out), findings=_jsonable(findings), score=card)
