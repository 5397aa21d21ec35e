"""Format detection from a file's content (magic bytes), never from its extension.

``%PDF-`` → "pdf"; a ZIP holding ``word/document.xml`` → "docx", ``xl/workbook.xml`` → "xlsx", ``OFD.xml`` →
"ofd", an OpenDocument ``mimetype`` → "odt"/"ods"; an OLE compound file → "doc" (a ``WordDocument`` stream;
"wps" when the file is named so: Kingsoft WPS writes the same format) or "xls" ("et"), refused when it is a
password-protected Office file; ``{\\rtf`` → "rtf"; other known binary formats are refused with a Chinese
reason; anything else is tried as text.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from jixiao.errors import IngestError, unsupported_format
from jixiao.ingest.zipguard import check_members

HEAD_BYTES = 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")  # PNG, JPEG, TIFF: read by OCR
_OTHER = [
    (b"GIF8", "GIF 图片"), (b"Rar!\x1a\x07", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"), (b"\x1f\x8b", "gzip 压缩包"),
]
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_ODF = {"application/vnd.oasis.opendocument.text": "odt", "application/vnd.oasis.opendocument.spreadsheet": "ods"}


def _ole_kind(data: bytes, source: str) -> str:
    """An OLE compound file by the streams its directory names."""
    if _ENCRYPTED_PACKAGE in data:
        raise IngestError(source, "Office 文件设置了打开密码（已加密），请取消密码后再提供")
    named = source.lower().rsplit(".", 1)[-1]
    if _WORD_STREAM in data:
        return "wps" if named == "wps" else "doc"
    if any(s in data for s in _EXCEL_STREAMS):
        return "et" if named == "et" else "xls"
    raise unsupported_format(source, "未知的 OLE 复合文档（不是 Word/Excel/WPS 文件）")


def detect(path: Path, source: str, head: bytes, max_bytes: int) -> str:
    """Return the format ("pdf", "docx", "xlsx", "txt", "doc", "wps", "rtf", "odt", "xls", "et", "ods", "ofd"),
    or raise :class:`IngestError`."""
    if head.startswith(_OLE):
        return _ole_kind(path.read_bytes(), source)
    if b"%PDF-" in head[:HEAD_BYTES]:
        return "pdf"
    if head.startswith(_ZIP):
        return _zip_kind(path, source, max_bytes)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_IMAGES):
        return "image"
    for magic, kind in _OTHER:
        if head.startswith(magic):
            raise unsupported_format(source, kind)
    return "txt"


def _zip_kind(path: Path, source: str, max_bytes: int) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            check_members(zf, source)  # inflated bytes measured while inflating, not from the headers
    except (zipfile.BadZipFile, EOFError, ValueError, zlib.error, NotImplementedError) as e:
        raise IngestError(source, "文件已损坏或不完整（压缩结构无效），请重新导出或重新上传") from e
    names = {info.filename for info in infos}
    if "word/document.xml" in names or any(n.startswith("word/") for n in names):
        return "docx"
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        raise unsupported_format(source, "PowerPoint 演示文稿")
    if "OFD.xml" in names:
        return "ofd"
    if "mimetype" in names:
        with zipfile.ZipFile(path) as zf:
            mimetype = zf.read("mimetype")[:100].decode("ascii", "replace").strip()
        if mimetype in _ODF:
            return _ODF[mimetype]
        raise unsupported_format(source, "OpenDocument 演示文稿或其他文档，请另存为 .docx/.xlsx")
    raise unsupported_format(source, "ZIP 压缩包")
