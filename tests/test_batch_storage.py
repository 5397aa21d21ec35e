"""``jixiao batch`` reading its inputs from object storage (issue 12): an S3 URL stands for every report object under
its prefix (hidden objects and other types passed over, .zip objects for their members), read through fsspec/s3fs
from a local S3 service (moto's server on 127.0.0.1 — nothing leaves the machine); the rows are those of the same
files read from disk; a prefix that holds nothing, or a service that cannot be reached, is an error of its own."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from jixiao import batch
from jixiao.batch.sources import expand

moto_server = pytest.importorskip("moto.server", reason="moto[server] not installed (the dev extra)")
pytest.importorskip("s3fs", reason="s3fs not installed (pip install 'jixiao[cluster]')")
boto3 = pytest.importorskip("boto3")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
REPORT_TXT = SAMPLES / "示例市示范区司法局_2024年度部门整体支出绩效自评报告.txt"
REPORT_DOCX = SAMPLES / "示例省样板县司法局_2023年度部门整体支出绩效自评报告.docx"
FORM_TXT = SAMPLES / "示例县青山乡人民政府_2023年度项目支出绩效自评表.txt"
BUCKET = "jixiao-reports"


@pytest.fixture(scope="module")
def s3():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {"AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("乡镇/项目自评表.txt", FORM_TXT.read_bytes())
        zf.writestr("说明.md", "不是报告")
    for key, body in {"2024/司法局.txt": REPORT_TXT.read_bytes(), "2024/县/样板县.docx": REPORT_DOCX.read_bytes(),
                      "2024/乡镇.zip": archive.getvalue(), "2024/.隐藏.txt": b"x", "2024/notes.md": b"x"}.items():
        client.put_object(Bucket=BUCKET, Key=key, Body=body)
    yield env
    server.stop()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def _rows(path: Path) -> dict[str, dict]:
    rows = {}
    for r in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
        r.pop("seconds", None)
        rows[r.pop("source")] = r
    return rows


def test_objects_under_a_prefix_are_the_batchs_sources(s3):
    found = expand([f"s3://{BUCKET}/2024/"])
    assert [s.name for s in found.sources] == [f"s3://{BUCKET}/2024/乡镇.zip!乡镇/项目自评表.txt",
                                               f"s3://{BUCKET}/2024/县/样板县.docx", f"s3://{BUCKET}/2024/司法局.txt"]
    assert found.skipped == 2 and not found.errors  # notes.md and the archive's 说明.md; the hidden object unseen
    assert found.sources[2].read(10**8) == REPORT_TXT.read_bytes()


def test_rows_from_object_storage_are_those_of_the_files_on_disk(s3, tmp_path):
    remote = batch.run_batch([f"s3://{BUCKET}/2024/"], tmp_path / "s3.jsonl",
                             batch.BatchOptions(workers=1, cache=tmp_path / "c.sqlite"))
    assert remote.analysed == 3 and remote.errors == 0
    local = tmp_path / "local"
    local.mkdir()
    for f in (REPORT_TXT, REPORT_DOCX, FORM_TXT):
        (local / f.name).write_bytes(f.read_bytes())
    batch.run_batch([local], tmp_path / "disk.jsonl", batch.BatchOptions(workers=1, cache=tmp_path / "c2.sqlite"))
    by_hash = {r["sha256"]: r for r in _rows(tmp_path / "disk.jsonl").values()}
    rows = _rows(tmp_path / "s3.jsonl")
    assert len(rows) == 3 and all(r == by_hash[r["sha256"]] for r in rows.values())
    assert rows[f"s3://{BUCKET}/2024/司法局.txt"]["unit_name"] == "示例市示范区司法局"


def test_a_missing_prefix_or_an_unreachable_service_is_an_error_of_its_own(s3, tmp_path):
    done = subprocess.run([str(Path(sys.executable).with_name("jixiao")), "batch", f"s3://{BUCKET}/2099/",
                           str(REPORT_TXT), "--out", "r.csv", "-j", "1"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env={**os.environ})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    errors = (tmp_path / "r_errors.csv").read_text(encoding="utf-8-sig")
    assert "对象存储中没有该对象或前缀" in errors and "2099" in errors
    assert "示例市示范区司法局" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")  # the other input all the same
    off = {**os.environ, "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1",
           "AWS_RETRY_MODE": "standard"}
    done = subprocess.run([str(Path(sys.executable).with_name("jixiao")), "batch", f"s3://{BUCKET}/2024/",
                           "--out", "r2.csv", "-j", "1"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env=off)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "无法访问对象存储" in (tmp_path / "r2_errors.csv").read_text(encoding="utf-8-sig")
