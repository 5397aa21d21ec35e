"""``jixiao batch`` (issue 12): every output format opened by its real reader, the errors file, exit
codes, .zip input (GBK member names), duplicates, per-file limits, resume after ``kill -9`` (no loss,
no repeat), and Ray on this machine giving the same rows as the process pool."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from jixiao import batch, pipeline
from jixiao.batch.cache import Cache
from jixiao.batch.sources import expand

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
REPORT_TXT = SAMPLES / "示例市示范区司法局_2024年度部门整体支出绩效自评报告.txt"
REPORT_DOCX = SAMPLES / "示例省样板县司法局_2023年度部门整体支出绩效自评报告.docx"
FORM_TXT = SAMPLES / "示例县青山乡人民政府_2023年度项目支出绩效自评表.txt"
JIXIAO = [str(Path(sys.executable).with_name("jixiao"))]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*JIXIAO, "batch", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def _counts(stderr: str) -> tuple[int, int, int]:
    m = re.search(r"新分析 (\d+)，取自缓存 (\d+)，无法分析 (\d+)", stderr)
    assert m, stderr
    return int(m[1]), int(m[2]), int(m[3])


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Three reports, one unreadable .pdf, one empty .txt, a note of another type, a hidden file."""
    d = tmp_path_factory.mktemp("in")
    (d / "sub").mkdir()
    (d / "a.txt").write_bytes(REPORT_TXT.read_bytes())
    (d / "sub" / "b.docx").write_bytes(REPORT_DOCX.read_bytes())
    (d / "sub" / "c.txt").write_bytes(FORM_TXT.read_bytes())
    (d / "坏.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    (d / "空.txt").write_bytes(b"")
    (d / "说明.pptx").write_bytes(b"whatever")
    (d / ".hidden.txt").write_bytes(REPORT_TXT.read_bytes())
    return d


@pytest.fixture(scope="module")
def parquet_run(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "结果.parquet"
    summary = batch.run_batch([folder], out, batch.BatchOptions(workers=2))
    return out, summary


def test_parquet_rows_match_the_pipeline(parquet_run, folder):
    out, summary = parquet_run
    rows = {Path(r["source"]).name: r for r in pq.read_table(out).to_pylist()}
    assert set(rows) == {"a.txt", "b.docx", "c.txt", "坏.pdf", "空.txt"}  # slides and hidden files passed over
    assert summary.skipped == 1 and summary.total == 5
    expected = pipeline.analyse(folder / "a.txt", pipeline.Options(score=True))
    row = rows["a.txt"]
    assert row["status"] == "ok" and row["unit_name"] == expected.report.fact_value("unit_name")
    assert row["basic_expenditure"] == expected.report.fact_value("basic_expenditure")  # Decimal, exact
    assert isinstance(row["basic_expenditure"], Decimal)
    assert row["fiscal_year"] == 2024
    errors = sum(f.severity == "error" for f in expected.findings)
    assert row["findings_error"] == errors and row["findings"] == len(expected.findings)
    assert row["score_percent"] == expected.score.percent
    findings = pq.read_table(out.with_name("结果_findings.parquet")).to_pylist()
    mine = [f for f in findings if f["source"].endswith("a.txt")]
    assert [f["rule"] for f in mine] == [f.rule for f in expected.findings]
    assert all(f["evidence"] and f["code"].startswith("J") for f in mine)
    metrics = pq.read_table(out.with_name("结果_metrics.parquet")).to_pylist()
    assert len([m for m in metrics if m["source"].endswith("a.txt")]) == len(expected.report.metrics) > 0
    projects = pq.read_table(out.with_name("结果_projects.parquet")).to_pylist()
    assert any(p["source"].endswith("c.txt") for p in projects)


def test_bad_files_go_to_the_errors_file_and_the_run_goes_on(parquet_run):
    out, summary = parquet_run
    with out.with_name("结果_errors.csv").open(encoding="utf-8-sig") as f:
        errors = {Path(r["source"]).name: r["原因"] for r in csv.DictReader(f)}
    assert set(errors) == {"坏.pdf", "空.txt"}
    assert "PDF" in errors["坏.pdf"] and "空" in errors["空.txt"]
    rows = {Path(r["source"]).name: r for r in pq.read_table(out).to_pylist()}
    assert rows["坏.pdf"]["status"] == "error" and rows["坏.pdf"]["error"] == errors["坏.pdf"]
    assert summary.errors == 2 and summary.exit_code == 2


def test_xlsx_csv_jsonl_hold_the_same_rows(folder, tmp_path, parquet_run):
    ref = {Path(r["source"]).name: r for r in pq.read_table(parquet_run[0]).to_pylist()}
    opts = batch.BatchOptions(workers=1, resume=True, cache=tmp_path / "c.sqlite")
    batch.run_batch([folder], tmp_path / "r.xlsx", opts)
    book = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)
    assert book.sheetnames == ["报告", "绩效指标", "项目明细", "审核发现", "项目自评表"]
    sheet = list(book["报告"].iter_rows(values_only=True))
    header = sheet[0]
    assert header[0] == "来源文件" and "基本支出（万元）" in header
    xrows = {Path(r[0]).name: dict(zip(header, r, strict=True)) for r in sheet[1:]}
    assert float(ref["a.txt"]["basic_expenditure"]) == xrows["a.txt"]["基本支出（万元）"]
    assert len(list(book["审核发现"].iter_rows())) - 1 == sum(r["findings"] or 0 for r in ref.values())
    # the second run took every record from the cache filled by the first .xlsx run
    summary = batch.run_batch([folder], tmp_path / "r.csv", opts)
    assert summary.analysed == 0 and summary.cached == 4  # 坏.pdf too: its reason is kept
    with (tmp_path / "r.csv").open(encoding="utf-8-sig") as f:
        crows = {Path(r["source"]).name: r for r in csv.DictReader(f)}
    assert Decimal(crows["a.txt"]["basic_expenditure"]) == ref["a.txt"]["basic_expenditure"]
    assert (tmp_path / "r_findings.csv").exists() and (tmp_path / "r_metrics.csv").exists()
    batch.run_batch([folder], tmp_path / "r.jsonl", opts)
    lines = [json.loads(x, parse_float=Decimal) for x in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    jrows = {Path(o["source"]).name: o for o in lines}
    assert jrows["a.txt"]["basic_expenditure"] == ref["a.txt"]["basic_expenditure"]
    assert len(jrows["a.txt"]["findings"]) == ref["a.txt"]["findings"]
    assert jrows["坏.pdf"]["status"] == "error"


def test_zip_input_with_gbk_member_names_and_duplicates(tmp_path):
    archive = tmp_path / "报送.zip"
    gbk = "各单位/司法局自评报告.txt".encode("gbk")
    placeholder = b"Q" * (len(gbk) - 4) + b".txt"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(placeholder.decode(), REPORT_TXT.read_bytes())
        zf.writestr("副本.txt", REPORT_TXT.read_bytes())
        zf.writestr("__MACOSX/._副本.txt", b"x")
    # the name as Chinese Windows writes it: GBK bytes, no UTF-8 flag
    archive.write_bytes(archive.read_bytes().replace(placeholder, gbk))
    names = [s.name for s in expand([archive]).sources]
    assert names == [f"{archive}!副本.txt", f"{archive}!各单位/司法局自评报告.txt"]
    summary = batch.run_batch([archive], tmp_path / "r.parquet", batch.BatchOptions(workers=1))
    assert summary.analysed == 1 and summary.total == 2  # the same content is analysed once
    rows = pq.read_table(tmp_path / "r.parquet").to_pylist()
    assert len(rows) == 2 and rows[0]["sha256"] == rows[1]["sha256"] and rows[0]["unit_name"]


def test_a_slow_file_is_stopped_and_the_others_are_analysed(tmp_path):
    (tmp_path / "大.txt").write_text(REPORT_TXT.read_text(encoding="utf-8") * 200, encoding="utf-8")
    (tmp_path / "a.txt").write_bytes(REPORT_TXT.read_bytes())
    limits = batch.BatchOptions().limits
    opts = batch.BatchOptions(workers=2, limits=type(limits)(**{**limits.to_dict(), "timeout_seconds": 2.0}))
    summary = batch.run_batch([tmp_path], tmp_path / "r.jsonl", opts)
    rows = {Path(o["source"]).name: o for o in map(json.loads, (tmp_path / "r.jsonl").read_text().splitlines())}
    assert "超时" in rows["大.txt"]["error"] and rows["a.txt"]["status"] == "ok"
    assert summary.errors == 1


def test_exit_codes_and_cli_messages(tmp_path, folder):
    clean = _run(str(REPORT_DOCX), "--out", "r.csv", "-j", "1", cwd=tmp_path)
    assert clean.returncode == 0, clean.stderr
    found = _run(str(REPORT_TXT), "--out", "r.csv", "-j", "1", cwd=tmp_path)
    assert found.returncode == 1 and "错误" in found.stderr
    bad = _run(str(folder), "missing-folder", "--out", "r.csv", "-j", "1", cwd=tmp_path)
    assert bad.returncode == 2 and _counts(bad.stderr)[2] == 3  # 坏.pdf, 空.txt and the missing input
    wrong = _run(str(REPORT_TXT), "--out", "r.doc", cwd=tmp_path)
    assert wrong.returncode == 2 and "不支持的输出格式" in wrong.stderr and "Traceback" not in wrong.stderr
    unknown = _run(str(REPORT_TXT), "--out", "r.csv", "--select", "no-such-rule", cwd=tmp_path)
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


def test_resume_after_kill_loses_nothing_and_repeats_nothing(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = REPORT_TXT.read_text(encoding="utf-8")
    n = 60
    for i in range(n):
        (src / f"r{i:03}.txt").write_text(f"{text}\n附件编号：第{i}号\n", encoding="utf-8")
    cache = tmp_path / "jixiao-cache.sqlite"
    proc = subprocess.Popen([*JIXIAO, "batch", str(src), "--out", "r.parquet", "-j", "2"], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    kept = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if cache.exists():
            try:
                kept = sqlite3.connect(cache).execute("SELECT COUNT(*) FROM records").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if kept >= 10:
                break
    assert proc.poll() is None, "the run ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its analysing children
    proc.wait()
    kept = sqlite3.connect(cache).execute("SELECT COUNT(*) FROM records").fetchone()[0]
    assert 10 <= kept < n
    again = _run(str(src), "--out", "r.parquet", "-j", "2", "--resume", cwd=tmp_path)
    analysed, cached, failed = _counts(again.stderr)
    assert (analysed, cached, failed) == (n - kept, kept, 0), again.stderr
    rows = pq.read_table(tmp_path / "r.parquet").to_pylist()
    assert sorted(Path(r["source"]).name for r in rows) == [f"r{i:03}.txt" for i in range(n)]
    assert all(r["status"] == "ok" and r["unit_name"] for r in rows)
    assert sqlite3.connect(cache).execute("SELECT COUNT(*) FROM records").fetchone()[0] == n


def test_ray_on_this_machine_gives_the_rows_of_the_process_pool(folder, parquet_run, tmp_path):
    ray = pytest.importorskip("ray")
    try:
        summary = batch.run_batch([folder], tmp_path / "r.parquet",
                                  batch.BatchOptions(workers=2, ray="local", cache=tmp_path / "c.sqlite"))
    finally:
        ray.shutdown()
    assert summary.analysed == 4 and summary.errors == 2
    drop = {"seconds"}
    local = [{k: v for k, v in r.items() if k not in drop} for r in pq.read_table(parquet_run[0]).to_pylist()]
    remote = [{k: v for k, v in r.items() if k not in drop} for r in pq.read_table(tmp_path / "r.parquet").to_pylist()]
    assert remote == local
    for table in ("findings", "metrics", "items", "projects"):
        a = pq.read_table(parquet_run[0].with_name(f"结果_{table}.parquet")).to_pylist()
        b = pq.read_table(tmp_path / f"r_{table}.parquet").to_pylist()
        assert a == b, table


def test_the_cache_keeps_records_compressed_and_reads_plain_ones(tmp_path):
    record = {"ok": True, "row": {"unit_name": "示例市示范区司法局", "budget": "1530.16"},
              "findings": [["sum-mismatch", "J101", "error", "项目支出与分项之和不符。" * 20]]}
    cache = Cache(tmp_path / "c.sqlite")
    cache.put("a" * 64, "v1", record)
    raw = sqlite3.connect(tmp_path / "c.sqlite").execute("SELECT record FROM records").fetchone()[0]
    assert isinstance(raw, bytes) and len(raw) < len(json.dumps(record, ensure_ascii=False).encode()) / 3
    assert cache.get("a" * 64, "v1") == record
    db = sqlite3.connect(tmp_path / "c.sqlite")  # a record written by an earlier version: plain JSON text
    db.execute("INSERT INTO records VALUES (?, ?, ?)", ("b" * 64, "v1", json.dumps(record, ensure_ascii=False)))
    db.commit()
    assert cache.get("b" * 64, "v1") == record and cache.get("c" * 64, "v1") is None
    cache.close()
