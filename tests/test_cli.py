"""The command line, run as a real process: JSON / JSON Lines output, export, exit codes, and
bad inputs that must give exit 2 with a Chinese reason naming the file — never a traceback."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest

from conftest import SAMPLES
from jixiao import load
from test_ingest_errors import _encrypted_pdf

SAMPLE_TXT = SAMPLES / "示例市示范区司法局_2024年度部门整体支出绩效自评报告.txt"
SAMPLE_DOCX = SAMPLES / "示例省样板县司法局_2023年度部门整体支出绩效自评报告.docx"
REPORT_KEYS = {"source", "facts", "fact_evidence", "project_items", "metrics", "sections", "findings", "identity_candidates"}

TINY_REPORT = """示例县测试局2024年度部门整体支出绩效自评报告
一、部门基本情况
示例县测试局内设机构2个，分别为办公室、业务股。编制10人，实有人数9人。
二、一般公共预算支出情况
本年支出合计150.00万元，其中基本支出100.00万元，项目支出50.00万元。
三、部门整体支出绩效情况
全年办理案件120件，群众满意度95%。
四、存在的主要问题及原因分析
预算编制还不够细化。
五、下一步改进措施
进一步加强预算管理。
"""


def run(*args) -> tuple[int, str, str]:
    """Run ``jixiao ARGS…`` in a fresh interpreter; return (exit code, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "JIXIAO_MAX_FILE_MB")}
    env.update(NO_COLOR="1", COLUMNS="200", PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "jixiao.cli", *map(str, args)], capture_output=True,
                          env=env, timeout=300)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def _no_traceback(*outputs: str) -> None:
    for out in outputs:
        assert "Traceback" not in out, out


@pytest.fixture
def tiny(tmp_path) -> Path:
    path = tmp_path / "示例县测试局_2024年度自评报告.txt"
    path.write_text(TINY_REPORT, encoding="utf-8")
    return path


def _spans(report: dict):
    """Every evidence span of a report's JSON."""
    for spans in report["fact_evidence"].values():
        yield from spans
    for group in ("project_items", "metrics", "findings"):
        for entry in report.get(group) or []:
            yield from entry.get("evidence", [])


# -- extract --------------------------------------------------------------------------------

def test_extract_json_one_object_with_grounded_spans():
    code, out, err = run("extract", "--json", SAMPLE_TXT)
    assert code == 0, err
    report = json.loads(out)  # one JSON object (indented), nothing else on stdout
    assert set(report) == REPORT_KEYS
    assert report["source"].endswith(SAMPLE_TXT.name)
    assert report["facts"]["unit_name"] == "示例市示范区司法局"
    assert set(report["fact_evidence"]) == set(report["facts"])
    text = load(SAMPLE_TXT).text
    spans = list(_spans(report))
    assert len(spans) > 50
    for span in spans:
        assert text[span["start"]:span["end"]] == span["text"], span
    for section in report["sections"]:
        assert 0 <= section["start"] <= section["body_start"] <= section["end"] <= len(text)


def test_extract_json_keeps_decimals_exact():
    code, out, _ = run("extract", "--json", SAMPLE_TXT)
    assert code == 0
    facts = json.loads(out, parse_float=Decimal)["facts"]
    assert facts["expenditure_total"] == Decimal("1512.99")
    assert facts["new_fixed_assets"] == Decimal("41.2368")


def test_extract_several_files_gives_json_lines(tiny):
    code, out, err = run("extract", "--json", SAMPLE_TXT, SAMPLE_DOCX, tiny)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 3
    reports = [json.loads(line) for line in lines]
    assert [Path(r["source"]).name for r in reports] == [SAMPLE_TXT.name, SAMPLE_DOCX.name, tiny.name]
    assert all(set(r) == REPORT_KEYS for r in reports)
    for path, report in zip((SAMPLE_TXT, SAMPLE_DOCX, tiny), reports, strict=True):
        text = load(path).text
        for span in _spans(report):
            assert text[span["start"]:span["end"]] == span["text"]


def test_extract_plain_output(tiny):
    code, out, err = run("extract", tiny)
    assert code == 0, err
    assert "示例县测试局" in out and "本年支出合计150.00万元" in out
    _no_traceback(out, err)


def test_extract_to_xlsx(tmp_path, tiny):
    from openpyxl import load_workbook

    target = tmp_path / "out.xlsx"
    code, out, err = run("extract", SAMPLE_TXT, tiny, "--to", target)
    assert code == 0, err
    assert "已导出 2 份报告" in err
    wb = load_workbook(target, read_only=True)
    assert wb.sheetnames == ["facts", "metrics", "projects", "project_funds", "project_indicators"]
    rows = list(wb["facts"].iter_rows(values_only=True))
    assert rows[0][:2] == ("来源", "单位名称")  # Chinese labels, then the spec/facts.md keys
    header = list(rows[1])
    assert header[:2] == ["source", "unit_name"]
    data = [dict(zip(header, row, strict=True)) for row in rows[2:]]
    assert [d["unit_name"] for d in data] == ["示例市示范区司法局", "示例县测试局"]
    assert data[0]["expenditure_total"] == pytest.approx(1512.99)
    assert data[1]["fiscal_year"] == 2024
    metrics = list(wb["metrics"].iter_rows(values_only=True))
    assert metrics[0][:4] == ("source", "unit_name", "fiscal_year", "label")
    assert {m[1] for m in metrics[1:]} == {"示例市示范区司法局", "示例县测试局"}
    wb.close()


def test_extract_to_csv_writes_two_files(tmp_path, tiny):
    target = tmp_path / "out.csv"
    code, _, err = run("extract", SAMPLE_TXT, tiny, "--to", target)
    assert code == 0, err
    metrics_path = tmp_path / "out_metrics.csv"
    assert target.is_file() and metrics_path.is_file()
    facts = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [f["unit_name"] for f in facts] == ["示例市示范区司法局", "示例县测试局"]
    assert facts[0]["expenditure_total"] == "1512.99"
    assert facts[1]["staff_actual"] == "9"
    metrics = list(csv.DictReader(io.StringIO(metrics_path.read_text(encoding="utf-8-sig"))))
    assert metrics and {m["unit_name"] for m in metrics} == {"示例市示范区司法局", "示例县测试局"}
    assert all(m["evidence"] for m in metrics)


# -- check ----------------------------------------------------------------------------------

def test_check_exits_1_on_error_findings():
    code, out, err = run("check", SAMPLE_TXT)
    assert code == 1, err
    assert "sum-mismatch" in out and "rate-mismatch" in out
    code, out, _ = run("check", "--json", SAMPLE_TXT)
    assert code == 1
    result = json.loads(out)
    assert set(result) == {"source", "findings"}
    assert {f["rule"] for f in result["findings"] if f["severity"] == "error"} == {"sum-mismatch", "rate-mismatch"}


def test_check_exits_0_on_clean_report(tiny):
    code, out, err = run("check", tiny)
    assert code == 0, err
    assert "错误 0 项" in out
    code, out, _ = run("check", "--json", tiny)
    assert code == 0
    assert json.loads(out)["findings"] == []


def test_check_exits_2_on_bad_file(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    code, out, err = run("check", bad)
    assert code == 2
    assert "empty.txt" in err and "文件为空" in err
    _no_traceback(out, err)


# -- bad inputs -----------------------------------------------------------------------------

def _valid_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("部门整体支出绩效自评报告")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _make_empty(d: Path) -> Path:
    path = d / "空文件.txt"
    path.write_bytes(b"")
    return path


def _make_garbage(d: Path) -> Path:
    path = d / "乱码.docx"
    path.write_bytes(os.urandom(4096))
    return path


def _make_truncated_docx(d: Path) -> Path:
    data = _valid_docx()
    path = d / "截断.docx"
    path.write_bytes(data[: len(data) // 2])
    return path


def _make_scanned_pdf(d: Path) -> Path:
    path = d / "扫描件.pdf"
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.save(str(path))
    pdf.close()
    return path


def _make_encrypted_pdf(d: Path) -> Path:
    path = d / "加密.pdf"
    path.write_bytes(_encrypted_pdf())
    return path


def _make_huge(d: Path) -> Path:
    path = d / "超大.txt"
    with open(path, "wb") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: no disk space used
    return path


def _make_missing(d: Path) -> Path:
    return d / "不存在.txt"


def _make_directory(d: Path) -> Path:
    path = d / "一个目录"
    path.mkdir()
    return path


BAD_INPUTS = {
    "empty": (_make_empty, "文件为空"),
    "garbage": (_make_garbage, "无法识别的文件内容"),
    "truncated-docx": (_make_truncated_docx, "文件已损坏或不完整"),
    "scanned-pdf": (_make_scanned_pdf, "扫描件"),
    "encrypted-pdf": (_make_encrypted_pdf, "PDF 已加密"),
    "100MB": (_make_huge, "文件过大（100 MB）"),
    "missing": (_make_missing, "文件不存在"),
    "directory": (_make_directory, "目录"),
}


@pytest.mark.parametrize("command", ["extract", "check"])
@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_bad_input_exits_2_with_chinese_reason(tmp_path, kind, command):
    make, reason = BAD_INPUTS[kind]
    path = make(tmp_path)
    code, out, err = run(command, "--json", path)
    assert code == 2, (out, err)
    assert out == ""
    assert path.name in err and reason in err, err
    assert "错误" in err
    _no_traceback(out, err)


def test_batch_with_one_bad_file_still_prints_the_good_one(tmp_path, tiny):
    bad = _make_truncated_docx(tmp_path)
    code, out, err = run("extract", "--json", bad, tiny)
    assert code == 2
    lines = out.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["facts"]["unit_name"] == "示例县测试局"
    assert bad.name in err and "文件已损坏或不完整" in err
    _no_traceback(out, err)


def test_check_batch_bad_input_wins_over_findings(tmp_path):
    bad = _make_empty(tmp_path)
    for order in ((SAMPLE_TXT, bad), (bad, SAMPLE_TXT)):
        code, out, err = run("check", "--json", *order)
        assert code == 2, err
        lines = out.splitlines()
        assert len(lines) == 1 and json.loads(lines[0])["findings"]
        _no_traceback(out, err)


def test_export_with_one_bad_file_exports_the_good_one(tmp_path, tiny):
    target = tmp_path / "out.csv"
    code, _, err = run("extract", _make_missing(tmp_path), tiny, "--to", target)
    assert code == 2
    assert "不存在.txt" in err and "已导出 1 份报告" in err
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [r["unit_name"] for r in rows] == ["示例县测试局"]


def test_file_names_with_brackets_are_printed_verbatim(tmp_path):
    odd = tmp_path / "报告["
    odd.mkdir()
    path = odd / "终稿].txt"  # "…/报告[/终稿].txt": a rich closing tag once printed
    path.write_text(TINY_REPORT, encoding="utf-8")
    code, out, err = run("check", path.parent / "不存在[draft].txt", path)
    _no_traceback(out, err)
    assert code == 2
    assert "不存在[draft].txt" in err
    assert str(path) in out
