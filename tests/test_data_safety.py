"""Data safety: kill -9 the server while its workers are analysing a stored upload batch, restart it,
and check that the database is intact, every stored report is readable, and the analyses the kill
interrupted are queued again and finish.

The server runs as a real subprocess (``jixiao serve``) on a free port with a temporary SQLite database.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
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


def _wait_analysed(client: httpx.Client, ids: list[int], seconds: float = 120) -> dict[int, dict]:
    deadline = time.monotonic() + seconds
    while True:
        items = client.get("/api/reports/status", params={"ids": ",".join(map(str, ids))}).json()["items"]
        states = {r["id"]: r for r in items}
        if len(states) == len(ids) and all(r["analysis"] in ("done", "failed") for r in states.values()):
            return states
        if time.monotonic() > deadline:
            pytest.fail(f"分析未在 {seconds} 秒内完成：{[(k, v['analysis']) for k, v in states.items()]}")
        time.sleep(0.2)


def test_kill_during_analysis_of_a_batch_then_restart(tmp_path):
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
    # the upload answers once every file is stored and queued; the workers analyse afterwards
    response = httpx.post(f"http://127.0.0.1:{port}/api/reports", headers=auth, files=batch, timeout=120)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["stored"] for r in results] == [True] * len(batch)
    assert {r["analysis"] for r in results} <= {"queued", "done"}
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        done = _rows(db_file, "SELECT count(*) FROM reports WHERE analysis = 'done'")[0][0]
        waiting = _rows(db_file, "SELECT count(*) FROM reports WHERE analysis IN ('queued', 'running')")[0][0]
        if done >= 3 and waiting:
            break
        time.sleep(0.01)
    else:
        _stop(server)
        pytest.fail("批量分析未按预期进行")
    os.kill(server.pid, signal.SIGKILL)
    server.wait(10)

    # straight after the crash: the file is a sound database; note what was left half-done
    assert _rows(db_file, "PRAGMA integrity_check") == [("ok",)]
    stored = _rows(db_file, "SELECT id, analysis FROM reports ORDER BY id")
    interrupted = [rid for rid, analysis in stored if analysis in ("queued", "running")]
    assert len(stored) == len(batch)
    assert interrupted, "the kill should have hit the batch before every file was analysed"

    server = _start(url, port, log)
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=auth, timeout=30)
        listed = client.get("/api/reports", params={"per_page": 500, "sort": "id"}).json()
        assert [r["id"] for r in listed["items"]] == [rid for rid, _ in stored]
        # the interrupted analyses were queued again at start-up and finish now
        states = _wait_analysed(client, [rid for rid, _ in stored])
        assert {rid: s["analysis"] for rid, s in states.items()} == {rid: "done" for rid, _ in stored}
        for rid, _ in stored:  # every stored report is readable and complete
            detail = client.get(f"/api/reports/{rid}")
            assert detail.status_code == 200, (rid, detail.text[:200])
            d = detail.json()
            assert d["facts"]["unit_name"] and d["findings"] is not None and d["text"]
            original = client.get(f"/api/reports/{rid}/original")
            assert original.status_code == 200 and original.content in {p.read_bytes() for p in samples}
        # a report can be analysed again from the stored original (queued, then done)
        again = client.post(f"/api/reports/{interrupted[0]}/reanalyse")
        assert again.status_code == 200 and again.json()["analysis"] == "queued"
        assert _wait_analysed(client, [interrupted[0]])[interrupted[0]]["analysis"] == "done"
        # the server works normally after the crash
        more = client.post("/api/reports", files=[("files", (TXT_SAMPLE.name, TXT_SAMPLE.read_bytes()))])
        rid = more.json()["results"][0]["report_id"]
        assert _wait_analysed(client, [rid])[rid]["analysis"] == "done"
        client.close()
    finally:
        _stop(server)
    assert _rows(db_file, "PRAGMA integrity_check") == [("ok",)]
