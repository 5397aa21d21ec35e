"""Upload checks and the analysis of one stored file (load → extract with review → score).

``check_upload`` runs before anything is stored: size (50 MB by default, ``JIXIAO_MAX_FILE_MB``),
extension and a look at the first bytes. ``analyse_bytes`` never raises for a bad document: it
returns an ``Analysis`` with ``error`` set to the Chinese reason, so one bad file never stops a batch.
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao.store.errors import UploadRejected

ALLOWED_SUFFIXES = (".docx", ".pdf", ".txt", ".xlsx")
log = logging.getLogger("jixiao.store")


def max_upload_bytes() -> int:
    """The per-file size limit in bytes (the ingest limit, 50 MB unless ``JIXIAO_MAX_FILE_MB``)."""
    from jixiao.ingest.registry import max_mb_setting

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
class Analysis:
    """The outcome of analysing one file; ``error`` is set (and the rest empty) when it failed."""

    error: str | None = None
    file_format: str | None = None
    text: str | None = None
    extracted: dict[str, Any] | None = None
    findings: list[Any] | None = None
    score: dict[str, Any] | None = None


def _jsonable(obj: Any) -> Any:
    from jixiao import jsonout

    return json.loads(jsonout.dumps(obj))


def analyse_bytes(filename: str, data: bytes) -> Analysis:
    """Load, extract (with review) and score one file held in memory."""
    from jixiao.errors import IngestError
    from jixiao.extract import extract
    from jixiao.ingest import load

    suffix = Path(filename).suffix.lower() if Path(filename).suffix.lower() in ALLOWED_SUFFIXES else ".bin"
    try:
        with tempfile.TemporaryDirectory(prefix="jixiao-up-") as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(data)
            doc = load(path, source=filename)
        report = extract(doc, review=True)
    except IngestError as err:
        return Analysis(error=err.reason)
    except Exception as err:  # noqa: BLE001 - recorded on the report, the batch goes on
        log.warning("analysis of %s failed", filename, exc_info=True)
        return Analysis(error=f"处理时发生内部错误（{type(err).__name__}），请将文件反馈给开发者")
    out = report.to_json()
    findings = out.pop("findings", None) or []
    card = None
    try:
        from jixiao.score import score

        card = _jsonable(score(report).model_dump())
    except Exception:  # noqa: BLE001 - a report without a score card is still useful
        log.info("no score card for %s", filename, exc_info=True)
    return Analysis(file_format=doc.format, text=doc.text, extracted=_jsonable(out),
                    findings=_jsonable(findings), score=card)
