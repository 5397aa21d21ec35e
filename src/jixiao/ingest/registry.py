"""``load(path) -> Document``: checks the file, detects its format, dispatches to a reader.

Readers are registered in :data:`READERS` (format name → ``read(path, source) -> Document``).
Every failure reaches the caller as :class:`IngestError` with a Chinese reason — a library
exception is wrapped, never shown as a traceback. The size limit (default 50 MB; argument
``max_mb`` or environment variable ``JIXIAO_MAX_FILE_MB``) is checked from the file's metadata
before anything is read.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from lxml.etree import XMLSyntaxError

from jixiao.errors import IngestError, PagesWanted
from jixiao.ingest import docx, ocr, ofd, pdf, txt, xlsx
from jixiao.ingest.convert import converted
from jixiao.ingest.detect import HEAD_BYTES, detect
from jixiao.ingest.document import Document

Reader = Callable[[Path, str], Document]

def _via(fmt: str, suffix: str, target: str, label: str, reader: Reader) -> Reader:
    """A reader of ``fmt``: LibreOffice converts the file to ``target``, which ``reader`` reads."""

    def read(path: Path, source: str) -> Document:
        with converted(path, source, suffix, target, label) as out:
            doc = reader(out, source)
        doc.format = fmt
        return doc

    return read


READERS: dict[str, Reader] = {
    "txt": txt.read,
    "docx": docx.read,
    "pdf": pdf.read,
    "xlsx": xlsx.read,
    "ofd": ofd.read,
    "image": ocr.read_image,
    "doc": _via("doc", ".doc", "docx", "旧版 Word（.doc）文件", docx.read),
    "wps": _via("wps", ".doc", "docx", "WPS 文字（.wps）文件", docx.read),
    "rtf": _via("rtf", ".rtf", "docx", "RTF 文件", docx.read),
    "odt": _via("odt", ".odt", "docx", "OpenDocument 文本（.odt）文件", docx.read),
    "xls": _via("xls", ".xls", "xlsx", "旧版 Excel（.xls）文件", xlsx.read),
    "et": _via("et", ".xls", "xlsx", "WPS 表格（.et）文件", xlsx.read),
    "ods": _via("ods", ".ods", "xlsx", "OpenDocument 表格（.ods）文件", xlsx.read),
}
DEFAULT_MAX_MB = 50.0
_LABELS = {"txt": "文本", "docx": "Word", "pdf": "PDF", "xlsx": "Excel", "ofd": "OFD", "image": "图片", "doc": "Word", "wps": "WPS",
           "rtf": "RTF", "odt": "OpenDocument", "xls": "Excel", "et": "WPS 表格", "ods": "OpenDocument 表格"}
_CORRUPT = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, XMLSyntaxError)


def max_mb_setting() -> float:
    """The size limit in MB: ``JIXIAO_MAX_FILE_MB`` if set to a positive number, else 50."""
    raw = os.environ.get("JIXIAO_MAX_FILE_MB", "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_MAX_MB
    return value if value > 0 else DEFAULT_MAX_MB


def load(path: str | os.PathLike, *, source: str | None = None, max_mb: float | None = None) -> Document:
    """Read one report file into a :class:`Document`.

    ``source`` names the document (default: the path as given), e.g. an upload's file name.
    Raises :class:`IngestError` for anything that cannot be read.
    """
    path = Path(path)
    source = str(path) if source is None else source
    limit_mb = max_mb if max_mb is not None else max_mb_setting()
    max_bytes = int(limit_mb * 1024 * 1024)
    head = _check_file(path, source, max_bytes, limit_mb)
    fmt = detect(path, source, head, max_bytes)
    try:
        doc = READERS[fmt](path, source)
    except (IngestError, PagesWanted):
        raise
    except _CORRUPT as e:
        raise IngestError(source, "文件已损坏或不完整，请重新导出或重新上传") from e
    except MemoryError as e:
        raise IngestError(source, "文件内容过多，内存不足，无法读取") from e
    except Exception as e:
        raise _wrap(source, fmt, e) from e
    if not doc.text.strip():
        raise IngestError(source, "文件为空（没有可读取的文字内容）")
    return doc


def _check_file(path: Path, source: str, max_bytes: int, limit_mb: float) -> bytes:
    """Existence, type and size checks from metadata; return the first bytes of the file."""
    try:
        st = path.stat()
    except FileNotFoundError as e:
        raise IngestError(source, "文件不存在") from e
    except OSError as e:
        raise IngestError(source, f"无法访问文件（{e.strerror or e}）") from e
    if stat.S_ISDIR(st.st_mode):
        raise IngestError(source, "这是一个目录，不是文件")
    if not stat.S_ISREG(st.st_mode):
        raise IngestError(source, "不是普通文件，无法读取")
    if st.st_size == 0:
        raise IngestError(source, "文件为空")
    if st.st_size > max_bytes:
        raise IngestError(source, f"文件过大（{_mb(st.st_size / 2**20)} MB），上限 {_mb(limit_mb)} MB")
    try:
        with path.open("rb") as f:
            return f.read(HEAD_BYTES)
    except PermissionError as e:
        raise IngestError(source, "没有读取该文件的权限") from e
    except OSError as e:
        raise IngestError(source, f"无法读取文件（{e.strerror or e}）") from e


def _mb(value: float) -> str:
    """100.0 → "100", 50.4 → "50.4", 0.001 → "0.001"."""
    text = f"{value:.1f}" if value >= 0.1 else f"{value:.2g}"
    return text[:-2] if text.endswith(".0") else text


def _wrap(source: str, fmt: str, e: Exception) -> IngestError:
    detail = f"{type(e).__name__}: {e}"
    if len(detail) > 200:
        detail = detail[:200] + "…"
    label = _LABELS.get(fmt, fmt)
    return IngestError(source, f"无法读取该 {label} 文件，文件可能已损坏或格式不受支持（{detail}）")
