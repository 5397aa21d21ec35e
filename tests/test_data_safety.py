"""Data safety: kill -9 the server in the middle of an upload batch, restart it, and check that the
database is intact, every stored report is readable, and the interrupted upload is reported as not done.

The server runs as a real subprocess (``jixiao serve``) on a free port with a temporary SQLite database.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from jixiao.store import db as store_db
from jixiao.store import service
from web_support import DOCX_SAMPLE, TXT_SAMPLE, XLSX_SAMPLE

JIXIAO = [sys.executable, "-m", "jixiao.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "JIXIAO_SECRET_KEY": "data-safety-test"}
    proc = subprocess.Popen([*JIXIAO, "serve", "--db", url, "--port", str(port)], stdout=log.open("ab"),
                            stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"服务未能启动：{log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    pytest.fail("服务 60 秒内未就绪")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _rows(db_file: Path, sql: str) -> list:
    conn = sqlite3.connect(db_file, timeout=10)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_kill_during_upload_batch_then_restart(tmp_path):
    db_file = tmp_path / "jixiao.db"
    url = f"sqlite:///{db_file}"
    store_db.upgrade(url)
    engine = store_db.make_engine(url)
    with store_db.session_factory(engine)() as s:
        admin = service.create_user(s, username="admin", password="pass-word-123", role="admin")
        token = service.create_api_token(s, admin, "batch")
    engine.dispose()
    auth = {"Authorization": f"Bearer {token}"}

    # a batch of 30 files: mostly the xlsx sample (the slowest to analyse), a few others
    samples = [XLSX_SAMPLE, XLSX_SAMPLE, TXT_SAMPLE, XLSX_SAMPLE, DOCX_SAMPLE]
    batch = [("files", (f"{i:02d}_{p.name}", p.read_bytes())) for i, p in enumerate(samples * 6)]
    port = _free_port()
    log = tmp_path / "server.log"
    server = _start(url, port, log)
    outcome: dict = {}

    def upload() -> None:
        try:
            outcome["response"] = httpx.post(f"http://127.0.0.1:{port}/api/reports", headers=auth, files=batch,
                                             timeout=120)
        except httpx.HTTPError as err:
            outcome["error"] = err

    thread = threading.Thread(target=upload, daemon=True)
    thread.start()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        done = _rows(db_file, "SELECT count(*) FROM reports WHERE analysis = 'done'")[0][0]
        queued = _rows(db_file, "SELECT count(*) FROM reports WHERE analysis = 'queued'")[0][0]
        if done >= 3 and queued:
            break
        time.sleep(0.01)
    else:
        _stop(server)
        pytest.fail("批量上传未按预期进行")
    os.kill(server.pid, signal.SIGKILL)
    server.wait(10)
    thread.join(30)
    assert "response" not in outcome, "the batch must have been cut off by the kill"

    # straight after the crash: the file is a sound database; note what was left half-done
    assert _rows(db_file, "PRAGMA integrity_check") == [("ok",)]
    stored = _rows(db_file, "SELECT id, analysis FROM reports ORDER BY id")
    interrupted = [rid for rid, analysis in stored if analysis == "queued"]
    assert 3 <= len(stored) < len(batch)
    assert interrupted, "the kill should have hit a file between storing and analysing"

    server = _start(url, port, log)
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=auth, timeout=30)
        listed = client.get("/api/reports", params={"per_page": 500, "sort": "id"}).json()
        assert [r["id"] for r in listed["items"]] == [rid for rid, _ in stored]
        by_id = {r["id"]: r for r in listed["items"]}
        for rid in interrupted:
            assert by_id[rid]["analysis"] == "failed" and by_id[rid]["analysis_label"] == "失败"
            assert by_id[rid]["analysis_error"] == service.INTERRUPTED
        assert not [r for r in listed["items"] if r["analysis"] == "queued"]
        failed = client.get("/api/reports", params={"analysis": "failed"}).json()
        assert sorted(r["id"] for r in failed["items"]) == interrupted
        for rid, analysis in stored:  # every stored report is readable, the analysed ones complete
            detail = client.get(f"/api/reports/{rid}")
            assert detail.status_code == 200, (rid, detail.text[:200])
            d = detail.json()
            if analysis == "done":
                assert d["facts"]["unit_name"] and d["findings"] is not None and d["text"]
            original = client.get(f"/api/reports/{rid}/original")
            assert original.status_code == 200 and original.content in {p.read_bytes() for p in samples}
        # an interrupted upload can be analysed again from the stored original
        again = client.post(f"/api/reports/{interrupted[0]}/reanalyse")
        assert again.status_code == 200 and again.json()["analysis"] == "done"
        # the server works normally after the crash
        more = client.post("/api/reports", files=[("files", (TXT_SAMPLE.name, TXT_SAMPLE.read_bytes()))])
        assert more.json()["results"][0]["analysis"] == "done"
        client.close()
    finally:
        _stop(server)
    assert _rows(db_file, "PRAGMA integrity_check") == [("ok",)]
