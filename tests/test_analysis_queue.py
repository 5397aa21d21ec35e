"""The analysis queue (issue 9, defects 3 and 5) through the service layer and the app:

* defect 3 — a report whose analysis failed cannot be approved (service, API, no button); a failed
  upload does not count as 已提交; 重新分析 (page button, API, service) queues the stored file again,
  with permission checks, and corrections survive;
* uploads are stored and queued, workers claim each report once, reports left ``queued``/``running``
  by a crash are queued again at start-up, the upload page polls ``/api/reports/status``;
* the detail page of a huge text is cut, never hundreds of MB.
"""

from __future__ import annotations

import time
import warnings
from datetime import timedelta

import pytest

from jixiao.store import service
from jixiao.store.clock import today
from jixiao.store.models import Report, User
from jixiao.web.app import create_app
from jixiao.web.report_view import SHOWN_CHARS
from web_support import PASSWORD, TXT_SAMPLE, UNIT_A, UNIT_B, Account, World, login_cookie

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

BAD_DOCX = ("坏.docx", b"PK\x03\x04 this is not a zip")


def _user(w: World, s, name: str) -> User:
    return s.get(User, w.users[name].id)


def _failed_report(w: World, who: str = "unit_b") -> int:
    with w.db() as s:
        (res,) = service.upload_files(s, _user(w, s, who), [BAD_DOCX])
    assert res.stored and res.analysis == "failed" and res.error
    return res.report_id


# --- defect 3: a failed analysis is not approvable and not a submission ----------------------------

def test_failed_report_cannot_be_approved(sqlite_world):
    w = sqlite_world
    rid = _failed_report(w)
    detail = w.detail(rid, "reviewer")
    assert "approved" not in detail["transitions"] and "returned" in detail["transitions"]
    r = w.client.post(f"/api/reports/{rid}/status", headers=w.users["reviewer"].auth,
                      json={"to": "approved", "comment": "", "version": detail["version"]})
    assert r.status_code == 400 and "分析失败" in r.json()["detail"] and "不能审核通过" in r.json()["detail"]
    assert w.detail(rid)["status"] == "pending"
    # through the page: no 通过 button; a forged form is refused with the reason
    csrf = w.login("reviewer")
    page = w.client.get(f"/reports/{rid}")
    assert page.status_code == 200 and 'value="approved"' not in page.text and "重新分析" in page.text
    forged = w.client.post(f"/reports/{rid}/status", data={"csrf_token": csrf, "to_status": "approved",
                                                           "version": str(detail["version"])})
    assert forged.status_code == 400 and "不能审核通过" in forged.text
    # an analysed report still can be approved
    ok = w.detail(w.report_a, "reviewer")
    assert "approved" in ok["transitions"]
    r = w.client.post(f"/api/reports/{w.report_a}/status", headers=w.users["reviewer"].auth,
                      json={"to": "approved", "comment": "", "version": ok["version"]})
    assert r.status_code == 200, r.text


def test_failed_upload_is_not_counted_as_submitted(sqlite_world):
    w = sqlite_world
    with w.db() as s:
        task = service.open_task(s, _user(w, s, "reviewer"), year=2024, title="2024年度自评（补报）", units=[UNIT_A, UNIT_B],
                                 deadline=today() + timedelta(days=10))
        task_id = task.id
    with w.db() as s:
        (bad,) = service.upload_files(s, _user(w, s, "unit_b"), [BAD_DOCX], task_id=task_id)
        (good,) = service.upload_files(s, _user(w, s, "unit_a"), [(TXT_SAMPLE.name, TXT_SAMPLE.read_bytes())],
                                       task_id=task_id)
        assert bad.analysis == "failed" and good.analysis == "done"
        view = service.task_progress(s, _user(w, s, "reviewer"), task_id)
    states = {u.unit_name: u.state for u in view.units}
    assert states == {UNIT_A: "submitted", UNIT_B: "failed"}
    assert view.counts["submitted"] == 1 and view.counts["failed"] == 1
    csrf = w.login("reviewer")
    assert csrf
    page = w.client.get(f"/tasks/{task_id}")
    assert page.status_code == 200 and "分析失败，未计入" in page.text


# --- 重新分析 ---------------------------------------------------------------------------------------

@pytest.fixture
def queued_world(db_url):
    """``make_world``'s accounts on an app whose uploads are queued, with one worker running (SQLite: a queue
    file beside the database; PostgreSQL: the queue tables in the same database)."""
    app = create_app(db_url, secret_key="queue-test", workers=1)
    with TestClient(app) as client:  # the lifespan starts the worker
        w = World(app=app, client=client)
        with app.state.session_factory() as s:
            # the units first: a reviewer's region must be a known place (gazetteer or a stored unit's)
            service.get_or_create_unit(s, UNIT_A, "示例省", "示例市", "示范区")
            service.get_or_create_unit(s, UNIT_B, "示例省", "示例市", "样板县")
            for name, role, unit, region in [("admin", "admin", None, None), ("reviewer", "reviewer", None, "示例市"),
                                             ("unit_a", "unit", UNIT_A, None), ("unit_b", "unit", UNIT_B, None)]:
                u = service.create_user(s, username=name, password=PASSWORD, role=role, unit=unit, region=region)
                w.users[name] = Account(name, u.id, service.create_api_token(s, u, "t"), role)
        yield w
    app.state.engine.dispose()


def _wait(w: World, ids: list[int], who: str = "admin", seconds: float = 60) -> dict[int, dict]:
    deadline = time.monotonic() + seconds
    while True:
        r = w.client.get("/api/reports/status", params={"ids": ",".join(map(str, ids))}, headers=w.users[who].auth)
        assert r.status_code == 200, r.text
        states = {x["id"]: x for x in r.json()["items"]}
        if all(states.get(i, {}).get("analysis") in ("done", "failed") for i in ids):
            return states
        assert time.monotonic() < deadline, states
        time.sleep(0.1)


def test_upload_is_queued_then_analysed_and_status_is_polled(queued_world):
    w = queued_world
    r = w.client.post("/api/reports", headers=w.users["unit_a"].auth,
                      files=[("files", (TXT_SAMPLE.name, TXT_SAMPLE.read_bytes())), ("files", BAD_DOCX)])
    assert r.status_code == 200
    res = r.json()["results"]
    assert [x["analysis"] for x in res] == ["queued", "queued"] and all(x["stored"] for x in res)
    ids = [x["report_id"] for x in res]
    states = _wait(w, ids, "unit_a")
    assert states[ids[0]]["analysis"] == "done" and states[ids[0]]["unit_name"] == UNIT_A
    assert states[ids[0]]["analysis_label"] == "已分析" and states[ids[0]]["error_count"] >= 1
    assert states[ids[1]]["analysis"] == "failed" and states[ids[1]]["analysis_label"] == "分析失败"
    assert states[ids[1]]["error"]
    # another unit does not learn about them
    other = w.client.get("/api/reports/status", params={"ids": ",".join(map(str, ids))},
                         headers=w.users["unit_b"].auth)
    assert other.status_code == 200 and other.json()["items"] == []
    # the page's upload answers at once, queued
    csrf = login_cookie(w.client, w.app, w.users["unit_a"].id)
    page = w.client.post("/upload", data={"csrf_token": csrf}, headers={"Accept": "application/json"},
                         files={"file": (TXT_SAMPLE.name, TXT_SAMPLE.read_bytes())})
    assert page.status_code == 200 and page.json()["analysis"] == "queued" and page.json()["ok"]
    assert _wait(w, [page.json()["report_id"]])[page.json()["report_id"]]["analysis"] == "done"


def test_reanalyse_requeues_keeps_corrections_and_checks_permissions(queued_world):
    w = queued_world
    r = w.client.post("/api/reports", headers=w.users["unit_a"].auth,
                      files=[("files", (TXT_SAMPLE.name, TXT_SAMPLE.read_bytes()))])
    rid = r.json()["results"][0]["report_id"]
    _wait(w, [rid])
    d = w.detail(rid, "reviewer")
    fix = w.client.post(f"/api/reports/{rid}/corrections", headers=w.users["reviewer"].auth,
                        json={"field": "facts.budget", "value": "123.45", "reason": "以决算表为准",
                              "version": d["version"]})
    assert fix.status_code == 201, fix.text
    # another unit: not found; the unit itself may while pending
    assert w.client.post(f"/api/reports/{rid}/reanalyse", headers=w.users["unit_b"].auth).status_code == 404
    again = w.client.post(f"/api/reports/{rid}/reanalyse", headers=w.users["unit_a"].auth)
    assert again.status_code == 200 and again.json()["analysis"] == "queued"
    assert _wait(w, [rid])[rid]["analysis"] == "done"
    after = w.detail(rid)
    assert str(after["facts"]["budget"]) in ("123.45", "123.450000") and after["corrections"][0]["applied"]
    # the page's button (a reviewer, CSRF): queued, then the page says it is waiting
    csrf = login_cookie(w.client, w.app, w.users["reviewer"].id)
    page = w.client.post(f"/reports/{rid}/reanalyse", data={"csrf_token": csrf}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith(f"/reports/{rid}?msg=reanalyse")
    shown = w.client.get(f"/reports/{rid}")
    assert shown.status_code == 200
    assert _wait(w, [rid])[rid]["analysis"] == "done"
    # under review, a unit user may not
    d = w.detail(rid, "reviewer")
    w.client.post(f"/api/reports/{rid}/status", headers=w.users["reviewer"].auth,
                  json={"to": "in_review", "comment": "", "version": d["version"]})
    refused = w.client.post(f"/api/reports/{rid}/reanalyse", headers=w.users["unit_a"].auth)
    assert refused.status_code == 403 and "不能重新分析" in refused.json()["detail"]


def test_a_report_is_claimed_once_and_interrupted_ones_are_requeued(sqlite_world):
    w = sqlite_world
    with w.db() as s:
        report = service.store_upload(s, _user(w, s, "unit_a"), TXT_SAMPLE.name, TXT_SAMPLE.read_bytes())
        rid = report.id
    with w.db() as s:
        assert service.claim_analysis(s, rid) == (TXT_SAMPLE.name, TXT_SAMPLE.read_bytes())
    with w.db() as s:
        assert service.claim_analysis(s, rid) is None  # the same job delivered twice: analysed once
        assert s.get(Report, rid).analysis == "running"
    # a crash now: at start-up the running report is queued again (with the ones never started)
    with w.db() as s:
        other = service.store_upload(s, _user(w, s, "unit_b"), TXT_SAMPLE.name, TXT_SAMPLE.read_bytes()).id
    with w.db() as s:
        ids = service.requeue_interrupted(s)
    assert ids == [rid, other]
    with w.db() as s:
        assert s.get(Report, rid).analysis == "queued"
        assert service.claim_analysis(s, rid) is not None


def test_restart_with_a_queue_analyses_what_a_crash_left(sqlite_url):
    app = create_app(sqlite_url, secret_key="k")
    with app.state.session_factory() as s:
        admin = service.create_user(s, username="admin", password=PASSWORD, role="admin")
        left = [service.store_upload(s, admin, f"{i}_{TXT_SAMPLE.name}", TXT_SAMPLE.read_bytes()).id for i in range(2)]
        assert service.claim_analysis(s, left[0])  # one was being analysed when the server died
    app.state.engine.dispose()
    restarted = create_app(sqlite_url, secret_key="k", workers=1)
    with TestClient(restarted):
        deadline = time.monotonic() + 60
        while True:
            with restarted.state.session_factory() as s:
                states = [s.get(Report, rid).analysis for rid in left]
            if states == ["done", "done"] or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    restarted.state.engine.dispose()
    assert states == ["done", "done"]


# --- the detail page of a huge text ------------------------------------------------------------------

def test_detail_page_of_a_huge_text_is_cut(sqlite_world):
    w = sqlite_world
    with w.db() as s:
        report = s.get(Report, w.report_a)
        report.text = report.text + ("附加段落内容。" * 10 + "\n") * 20_000  # 1.4 million characters
        s.commit()
        length = len(report.text)
    assert length > 3 * SHOWN_CHARS
    w.login("admin")
    page = w.client.get(f"/reports/{w.report_a}")
    assert page.status_code == 200 and "原文过长，只显示前" in page.text
    assert len(page.content) < 4 * SHOWN_CHARS
