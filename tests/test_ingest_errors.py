"""Files that cannot be read give an IngestError with a Chinese reason, never a traceback."""

from __future__ import annotations

import io
import os
import pathlib
import zipfile
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest

from jixiao.errors import IngestError
from jixiao.ingest import load, registry


def _reason(path, **kw) -> str:
    with pytest.raises(IngestError) as info:
        load(path, **kw)
    assert info.value.path == str(path)
    return info.value.reason


def _valid_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("部门整体支出绩效自评报告")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_missing_file(tmp_path):
    assert _reason(tmp_path / "nope.docx") == "文件不存在"


def test_directory(tmp_path):
    assert "目录" in _reason(tmp_path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert _reason(path) == "文件为空"


def test_whitespace_only_text(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text(" \n\u3000\n", encoding="utf-8")
    assert "文件为空" in _reason(path)


def test_binary_garbage(tmp_path):
    path = tmp_path / "garbage.docx"
    path.write_bytes(os.urandom(4096))
    assert "无法识别的文件内容" in _reason(path)


def test_truncated_docx(tmp_path):
    data = _valid_docx()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 2])
    assert "文件已损坏或不完整" in _reason(path)


def test_docx_with_broken_xml_is_wrapped(tmp_path):
    src = zipfile.ZipFile(io.BytesIO(_valid_docx()))
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            out.writestr(item, b"<w:document><oops" if item.filename == "word/document.xml" else data)
    assert "文件已损坏或不完整" in _reason(path)


def test_zip_that_is_not_office(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert "不支持的文件格式" in _reason(path)


def test_old_ole_formats(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    assert "未知的 OLE 复合文档" in _reason(path)  # neither a Word nor an Excel stream in it
    enc = tmp_path / "locked.docx"
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512) + "EncryptedPackage".encode("utf-16-le"))
    assert "加密" in _reason(enc)


def test_broken_image_and_unsupported_image_kinds(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(100))
    reason = _reason(path)
    assert "图片" in reason and ("损坏" in reason or "OCR" in reason)  # read by OCR when it can be opened
    gif = tmp_path / "a.gif"
    gif.write_bytes(b"GIF89a" + os.urandom(50))
    assert "不支持的文件格式（GIF 图片）" in _reason(gif)


def test_pdf_without_text_layer(tmp_path):
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.new_page(595, 842)
    path = tmp_path / "scan.pdf"
    pdf.save(str(path))
    pdf.close()
    reason = _reason(path)
    assert "扫描件" in reason and "OCR" in reason  # blank pages: no text layer, and nothing for OCR to read


def test_text_quality_gate():
    from jixiao.ingest.pdf import has_text_layer

    assert has_text_layer(["部门决算说明，预算执行情况良好。"])
    assert not has_text_layer(["", " \n "])
    assert not has_text_layer(["1", "2", "3"])  # page numbers only: a scan
    assert not has_text_layer(["\ufffd" * 50 + "决算"])
    assert not has_text_layer(["(cid:123)(cid:45)" * 20 + "说明"])


def _encrypted_pdf() -> bytes:
    """A minimal PDF whose trailer has a standard-security /Encrypt dictionary.

    The /U entry matches no password, so any reader must ask for one; no library to write
    real encrypted PDFs is a dependency (pypdf is not), hence this hand-made file.
    """
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    starts = []
    for number, body in enumerate(objects, 1):
        starts.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for start in starts:
        out.write(b"%010d 00000 n \n" % start)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\n"
              % (len(objects) + 1, b"ab" * 16, b"ab" * 16))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(_encrypted_pdf())
    assert _reason(path) == "PDF 已加密，请提供未加密的文件"


def test_corrupt_pdf(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    assert "损坏" in _reason(path)


def test_too_large_fails_without_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: takes no disk space

    def no_reading(*args, **kwargs):
        raise AssertionError("the file must not be read")

    monkeypatch.setattr(pathlib.Path, "open", no_reading)
    monkeypatch.setattr(pathlib.Path, "read_bytes", no_reading)
    assert _reason(path) == "文件过大（100 MB），上限 50 MB"


def test_size_limit_is_configurable(tmp_path, monkeypatch):
    path = tmp_path / "two.txt"
    with open(path, "wb") as f:
        f.truncate(2 * 1024 * 1024)
    assert _reason(path, max_mb=1) == "文件过大（2 MB），上限 1 MB"
    monkeypatch.setenv("JIXIAO_MAX_FILE_MB", "1.5")
    assert _reason(path) == "文件过大（2 MB），上限 1.5 MB"
    assert _reason(path, max_mb=0.001) == "文件过大（2 MB），上限 0.001 MB"


def test_unexpected_library_error_is_wrapped(tmp_path, monkeypatch):
    path = tmp_path / "ok.txt"
    path.write_text("绩效", encoding="utf-8")

    def boom(path: Path, source: str):
        raise RuntimeError("library exploded")

    monkeypatch.setitem(registry.READERS, "txt", boom)
    reason = _reason(path)
    assert "无法读取该 文本 文件" in reason and "RuntimeError" in reason
