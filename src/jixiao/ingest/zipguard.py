"""Guarded reading of ZIP packages (.docx, .xlsx): what a member really inflates to is measured while
inflating, never taken from the sizes the ZIP headers declare (they can be patched).

Every member is streamed once through :mod:`zipfile`, in 1 MB pieces, before a reader opens the package;
the bytes the compressed data really produces are counted (the member is opened with its declared size
replaced by what is left of the budget, so the declared size cannot cut the stream short), and reading
stops with an :class:`IngestError` as soon as the total passes the limit. A member that inflates to
another size than its header declares is refused as damaged: the readers (python-docx, openpyxl)
inflate a member in one piece, which a patched size field would otherwise turn into a memory bomb. In
a Word document the paragraphs (``<w:p>``) are counted in the same pass, so a package of a few hundred
KB holding a hundred thousand paragraphs is refused before python-docx builds its tree.

Limits (environment variables, read on each call; see docs/queue.md):

* ``JIXIAO_MAX_UNZIPPED_MB`` — inflated bytes of all members together (default 200);
* ``JIXIAO_MAX_PARAGRAPHS`` — paragraphs of ``word/document.xml`` (default 50000).
"""

from __future__ import annotations

import copy
import os
import re
import zipfile

from jixiao.errors import IngestError

DEFAULT_MAX_UNZIPPED_MB = 200.0
DEFAULT_MAX_PARAGRAPHS = 50_000
CHUNK = 1 << 20
_PARAGRAPH = re.compile(rb"<w:p[ >/]")
_DOCUMENT_XML = "word/document.xml"


def _setting(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def max_unzipped_bytes() -> int:
    """The limit on inflated bytes (``JIXIAO_MAX_UNZIPPED_MB``, default 200 MB)."""
    return int(_setting("JIXIAO_MAX_UNZIPPED_MB", DEFAULT_MAX_UNZIPPED_MB) * 2**20)


def max_paragraphs() -> int:
    """The limit on a Word document's paragraphs (``JIXIAO_MAX_PARAGRAPHS``, default 50000)."""
    return int(_setting("JIXIAO_MAX_PARAGRAPHS", DEFAULT_MAX_PARAGRAPHS))


def check_members(zf: zipfile.ZipFile, source: str) -> int:
    """Inflate every member of ``zf`` once, counting the bytes really produced; return the total.

    Raises :class:`IngestError` (Chinese reason) once the total passes ``max_unzipped_bytes()`` or
    the Word body passes ``max_paragraphs()``; a damaged member (bad CRC, truncated stream, a size
    field that does not match the data) raises ``zipfile.BadZipFile`` / ``zlib.error`` / ``EOFError``,
    which :func:`jixiao.ingest.detect.detect` reports as a damaged file."""
    limit, para_limit = max_unzipped_bytes(), max_paragraphs()
    total = 0
    for info in zf.infolist():
        if info.is_dir():
            continue
        count_paragraphs = info.filename == _DOCUMENT_XML
        paragraphs, tail, real = 0, b"", 0
        probe = copy.copy(info)
        probe.file_size = limit - total + 1  # read what the data holds, up to just past the budget
        del probe.CRC  # (a stream cut at the budget has no whole CRC; the readers check it afterwards)
        with zf.open(probe) as member:
            while chunk := member.read(CHUNK):
                real += len(chunk)
                total += len(chunk)
                if real > info.file_size:
                    raise zipfile.BadZipFile(f"{info.filename}: inflates to more than the declared "
                                             f"{info.file_size} bytes")
                if total > limit:
                    raise IngestError(source, f"文件解压后超过 {limit / 2**20:.0f} MB（实际解压时测得），"
                                              "内容异常或过大，无法处理")
                if count_paragraphs:
                    window = tail + chunk
                    paragraphs += len(_PARAGRAPH.findall(window)) - len(_PARAGRAPH.findall(tail))
                    tail = window[-8:]
                    if paragraphs > para_limit:
                        raise IngestError(source, f"Word 文档段落过多（超过 {para_limit} 段），"
                                                  "内容异常或过大，无法处理")
        if real != info.file_size:
            raise zipfile.BadZipFile(f"{info.filename}: declared {info.file_size} bytes, inflates to {real}")
    return total
