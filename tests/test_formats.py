"""Every format units submit (issue 14): .doc/.wps/.rtf/.odt and .xls/.et/.ods through LibreOffice (made by the tests
from the project's own samples with LibreOffice), OFD (built here from XML), each read as its modern counterpart is;
an absent converter gives a clear Chinese message and exit 2."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from jixiao import pipeline
from jixiao.errors import IngestError
from jixiao.ingest import convert, load
from jixiao.ingest.detect import detect
from ofd_support import make_ofd
from system_support import require_libreoffice

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DOCX = SAMPLES / "示例省样板县司法局_2023年度部门整体支出绩效自评报告.docx"
XLSX = SAMPLES / "示例县青石镇农业综合服务中心_2024年度项目支出绩效自评表.xlsx"
TEXTS = sorted(SAMPLES.glob("*.txt")) + sorted((ROOT.parent / "shared" / "corpus" / "seeds").glob("*.txt"))
OPTIONS = pipeline.Options(review=False)
JIXIAO = str(Path(sys.executable).with_name("jixiao"))


def _facts(path: Path) -> dict[str, str]:
    return {k: str(f.value) for k, f in pipeline.analyse(path, OPTIONS).report.facts.items()}


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, Path]:
    """The samples saved by LibreOffice as .doc/.odt/.rtf and .xls/.ods; .wps and .et are the same formats under
    the names Kingsoft WPS gives them."""
    require_libreoffice()
    out = tmp_path_factory.mktemp("converted")
    for source, target in ((DOCX, "doc:MS Word 97"), (DOCX, "odt"), (DOCX, "rtf"), (XLSX, "xls:MS Excel 97"),
                           (XLSX, "ods")):
        done = convert.run_soffice(source, target, out)
        assert done.returncode == 0, done.stderr
    files = {p.suffix[1:]: p for p in out.iterdir()}
    files["wps"] = shutil.copyfile(files["doc"], out / "报告.wps")
    files["et"] = shutil.copyfile(files["xls"], out / "自评表.et")
    return files


@pytest.mark.parametrize("fmt", ["doc", "wps", "rtf", "odt"])
def test_word_processor_formats_read_as_the_docx(converted, fmt):
    doc = load(converted[fmt])
    assert doc.format == fmt
    expected = _facts(DOCX)
    assert len(expected) > 20
    assert _facts(converted[fmt]) == expected


@pytest.mark.parametrize("fmt", ["xls", "et", "ods"])
def test_spreadsheet_formats_read_as_the_xlsx(converted, fmt):
    assert load(converted[fmt]).format == fmt
    first = pipeline.analyse(XLSX, OPTIONS).report
    again = pipeline.analyse(converted[fmt], OPTIONS).report
    key = lambda p: (p.name, [(f.label, f.budget, f.actual) for f in p.funds],  # noqa: E731
                     [(i.label, i.target, i.actual, i.weight, i.score) for i in p.indicators], p.total_score)
    assert first.projects and [key(p) for p in again.projects] == [key(p) for p in first.projects]


def test_without_libreoffice_the_reason_names_it(converted, monkeypatch, tmp_path):
    monkeypatch.setattr(convert, "soffice", lambda: None)
    with pytest.raises(IngestError) as err:
        load(converted["doc"])
    assert "LibreOffice" in err.value.reason and "apt install" in err.value.reason
    # the command: exit 2, the reason in Chinese, no traceback (PATH without LibreOffice)
    done = subprocess.run([JIXIAO, "extract", str(converted["wps"]), str(DOCX)], capture_output=True, text=True,
                          env={"PATH": "/nonexistent", "HOME": str(tmp_path)}, timeout=120)
    assert done.returncode == 2 and "需要 LibreOffice" in done.stderr and "Traceback" not in done.stderr
    assert "示例市样板县司法局" in done.stdout  # the other file is read all the same


def test_ofd_reads_as_the_text(tmp_path):
    """OFD files of the samples' and seeds' texts (lines wrapped at the page width, pages of 40 lines) give the
    facts of the text."""
    kept = total = 0
    for n, src in enumerate(TEXTS):
        ofd = make_ofd(tmp_path / f"{n}.ofd", src.read_text(encoding="utf-8"))
        doc = load(ofd)
        assert doc.format == "ofd" and doc.pages and len(doc.page_starts) == doc.pages
        expected, got = _facts(src), _facts(ofd)
        kept += sum(got.get(k) == v for k, v in expected.items())
        total += len(expected)
    assert total > 30 and kept >= 0.98 * total, (kept, total)


def test_ofd_without_its_parts_is_refused(tmp_path):
    bad = tmp_path / "坏.ofd"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody>'
                               "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    with pytest.raises(IngestError) as err:
        load(bad)
    assert "OFD 文件不完整" in err.value.reason and "Document.xml" in err.value.reason


def _detect(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return detect(path, path.name, data[:1024], 10**8)


def test_formats_are_told_by_content(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert _detect(tmp_path / "a.bin", ole + "WordDocument".encode("utf-16-le")) == "doc"
    assert _detect(tmp_path / "报告.WPS", ole + "WordDocument".encode("utf-16-le")) == "wps"
    assert _detect(tmp_path / "b.bin", ole + "Workbook".encode("utf-16-le")) == "xls"
    assert _detect(tmp_path / "表.et", ole + "Workbook".encode("utf-16-le")) == "et"
    assert _detect(tmp_path / "c.doc", b"{\\rtf1\\ansi hello}") == "rtf"
    for mimetype, fmt in (("application/vnd.oasis.opendocument.text", "odt"),
                          ("application/vnd.oasis.opendocument.spreadsheet", "ods")):
        path = tmp_path / f"x.{fmt}"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("mimetype", mimetype)
            zf.writestr("content.xml", "<x/>")
        assert detect(path, path.name, path.read_bytes()[:1024], 10**8) == fmt
    slides = tmp_path / "x.odp"
    with zipfile.ZipFile(slides, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.presentation")
    with pytest.raises(IngestError) as err:
        detect(slides, slides.name, slides.read_bytes()[:1024], 10**8)
    assert "不支持" in err.value.reason
