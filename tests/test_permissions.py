"""Access checks on every route, not a sample: the routes are enumerated from the app.

* every route with a ``{report_id}`` path parameter — API and pages — refuses another unit's report
  with 404 (reading) and changes nothing (writing), through a token and through a session cookie;
* lists, export, dashboard, comparison and tasks never show another unit's report;
* every unsafe request (POST/PUT/PATCH/DELETE) authenticated by the session cookie needs the CSRF token.
"""

from __future__ import annotations

import io
import re

import pytest

from jixiao.web.app import all_routes
from jixiao.web.security import CSRF_EXEMPT
from web_support import FUTURE_DEADLINE, TXT_SAMPLE, UNIT_A, UNIT_B

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# JSON bodies that would succeed on the owner's report (so a refusal is the permission check, not a
# validation error); routes not listed get {}.
API_BODIES = {
    "/api/reports/{report_id}/corrections": lambda v: {"field": "facts.budget", "value": "1", "reason": "越权",
                                                       "version": v},
    "/api/reports/{report_id}/status": lambda v: {"to": "in_review", "comment": "越权", "version": v},
    "/api/reports/{report_id}/filing": lambda v: {"reason": "越权", "version": v},
    "/api/reports/{report_id}/resubmit": lambda v: {"comment": "越权", "version": v},
    "/api/reports/{report_id}/withdraw": lambda v: {"version": v},
}
# form fields a page form may use; extra fields are ignored by FastAPI
PAGE_FORM = {"field": "facts.budget", "value": "1", "new_value": "1", "reason": "越权", "to": "in_review",
             "to_status": "in_review", "comment": "越权", "status": "in_review", "version": "{version}"}


def report_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route that takes a report id."""
    out = []
    for r in all_routes(app):
        if r.path and "{report_id}" in r.path:
            for m in sorted(r.methods or ()):
                if m != "HEAD":
                    out.append((m, r.path))
    return out


def _url(path: str, report_id: int) -> str:
    url = path.replace("{report_id}", str(report_id))
    return re.sub(r"\{[^}]+\}", "0", url)


def _snapshot(world, report_id: int) -> tuple:
    from jixiao.store.models import Correction, Report, StatusChange

    with world.db() as s:
        r = s.get(Report, report_id)
        return (r.version, r.status, r.analysis, r.analysed_at,
                s.query(Correction).filter_by(report_id=report_id).count(),
                s.query(StatusChange).filter_by(report_id=report_id).count())


def _leaks(body: str, world) -> bool:
    return UNIT_A in body or TXT_SAMPLE.name in body


def test_every_api_report_route_is_covered(sqlite_world):
    routes = report_routes(sqlite_world.app)
    api = {(m, p) for m, p in routes if p.startswith("/api/")}
    assert api >= {("GET", "/api/reports/{report_id}"), ("GET", "/api/reports/{report_id}/original"),
                   ("POST", "/api/reports/{report_id}/corrections"), ("POST", "/api/reports/{report_id}/status"),
                   ("POST", "/api/reports/{report_id}/reanalyse")}
    # the bodies table knows every unsafe API route (a new one must be added to it deliberately)
    unsafe = {p for m, p in api if m in UNSAFE}
    assert unsafe - set(API_BODIES) <= {"/api/reports/{report_id}/reanalyse"}


@pytest.mark.parametrize("intruder", ["unit_b", "reviewer_far"])
def test_other_units_report_refused_on_every_route_by_token(sqlite_world, intruder):
    w = sqlite_world
    before = _snapshot(w, w.report_a)
    version = before[0]
    auth = w.users[intruder].auth
    checked = 0
    for method, path in report_routes(w.app):
        url = _url(path, w.report_a)
        if path.startswith("/api/"):
            body = API_BODIES.get(path, lambda v: {})(version)
            r = w.client.request(method, url, headers=auth, json=body if method in UNSAFE else None)
            assert r.status_code == 404, (method, path, r.status_code, r.text[:200])
            assert r.json() == {"detail": "报告不存在或无权查看"}
        else:  # pages ignore API tokens: not logged in → redirect to the login page, never the report
            r = w.client.request(method, url, headers=auth, follow_redirects=False)
            assert r.status_code in (303, 401, 403, 404), (method, path, r.status_code)
        assert not _leaks(r.text, w), (method, path)
        checked += 1
    assert checked >= 5
    assert _snapshot(w, w.report_a) == before


@pytest.mark.parametrize("intruder", ["unit_b", "reviewer_far"])
def test_other_units_report_refused_on_every_route_by_session(sqlite_world, intruder):
    w = sqlite_world
    before = _snapshot(w, w.report_a)
    csrf = w.login(intruder)
    for method, path in report_routes(w.app):
        url = _url(path, w.report_a)
        headers = {"X-CSRF-Token": csrf}
        if path.startswith("/api/"):
            body = API_BODIES.get(path, lambda v: {})(before[0])
            r = w.client.request(method, url, headers=headers, json=body if method in UNSAFE else None,
                                 follow_redirects=False)
        elif method in UNSAFE:
            form = {k: v.replace("{version}", str(before[0])) for k, v in PAGE_FORM.items()}
            r = w.client.request(method, url, data={**form, "csrf_token": csrf}, headers=headers,
                                 follow_redirects=False)
        else:
            r = w.client.request(method, url, follow_redirects=False)
        # 404 for the report; a page form may fail validation (422) first, which reveals nothing either
        assert r.status_code in ((404,) if method == "GET" or path.startswith("/api/") else (404, 422)), \
            (method, path, r.status_code, r.text[:200])
        assert not _leaks(r.text, w), (method, path)
    assert _snapshot(w, w.report_a) == before


def test_owner_and_reviewer_can_read(sqlite_world):
    w = sqlite_world
    for who in ("unit_a", "reviewer", "admin"):
        assert w.client.get(f"/api/reports/{w.report_a}", headers=w.users[who].auth).status_code == 200
    assert w.client.get(f"/api/reports/{w.report_b}", headers=w.users["unit_a"].auth).status_code == 404


def test_lists_never_show_another_units_report(sqlite_world):
    from openpyxl import load_workbook

    w = sqlite_world
    auth = w.users["unit_b"].auth
    with w.db() as s:
        from jixiao.store.models import Report

        unit_a_id = s.get(Report, w.report_a).unit_id
    for params in ({}, {"unit": str(unit_a_id)}, {"unit": "示范区"}, {"region": "示范区"}, {"year": 2024},
                   {"severity": "error"}, {"q": "示范区"}, {"per_page": 500}):
        ids = [r["id"] for r in w.client.get("/api/reports", headers=auth, params=params).json()["items"]]
        assert w.report_a not in ids, params
    rows = list(load_workbook(io.BytesIO(w.client.get("/api/reports/export.xlsx", headers=auth).content))
                .active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [w.report_b]
    dash = w.client.get("/api/dashboard", headers=auth).json()
    assert dash["total"] == 1 and all(r["id"] != w.report_a for r in dash["attention"])
    assert not _leaks(str(dash), w)
    cmp_ = w.client.get("/api/compare", headers=auth, params={"key": "facts.budget"}).json()
    assert UNIT_A not in cmp_["units"]
    assert all(u["name"] != UNIT_A for u in w.client.get("/api/units", headers=auth).json())
    far = w.client.get("/api/reports", headers=w.users["reviewer_far"].auth).json()
    assert far["total"] == 0


def test_task_view_of_a_unit_shows_only_its_own_row(sqlite_world):
    w = sqlite_world
    rv = w.users["reviewer"].auth
    t = w.client.post("/api/tasks", headers=rv, json={"year": 2024, "deadline": FUTURE_DEADLINE,
                                                       "units": [UNIT_A, "示例市样板县司法局"]}).json()
    seen = w.client.get(f"/api/tasks/{t['id']}", headers=w.users["unit_b"].auth).json()
    assert [u["unit_name"] for u in seen["units"]] == ["示例市样板县司法局"]
    other_task = w.client.post("/api/tasks", headers=rv, json={"year": 2024, "deadline": FUTURE_DEADLINE,
                                                               "units": [UNIT_A]}).json()
    r = w.client.get(f"/api/tasks/{other_task['id']}", headers=w.users["unit_b"].auth)
    assert r.status_code == 404
    r = w.client.post("/api/reports", headers=w.users["unit_b"].auth, data={"task_id": str(other_task["id"])},
                      files=[("files", ("x.txt", "测试".encode()))])
    assert r.json()["results"][0]["stored"] is False and "任务不存在" in r.json()["results"][0]["error"]


def _unsafe_routes(app) -> list[tuple[str, str]]:
    out = []
    for r in all_routes(app):
        for m in sorted((r.methods or set()) & UNSAFE):
            out.append((m, r.path))
    return out


def test_every_unsafe_route_needs_csrf_with_a_session(sqlite_world):
    w = sqlite_world
    routes = _unsafe_routes(w.app)
    assert ("POST", "/api/tokens") in routes and ("POST", "/api/reports") in routes
    before = _snapshot(w, w.report_a)
    csrf = w.login("admin")
    # the exempt routes take a user name and password, never the session (tested in test_accounts.py)
    assert {p for _, p in routes} & CSRF_EXEMPT == {"/api/auth/token"}
    for method, path in routes:
        if path in CSRF_EXEMPT:
            continue
        url = _url(path, w.report_a)
        for headers, data in (({}, {"x": "1"}), ({"X-CSRF-Token": "forged"}, {"csrf_token": "forged"})):
            r = w.client.request(method, url, data=data, headers=headers, follow_redirects=False)
            assert r.status_code == 403, (method, path, r.status_code, r.text[:200])
            assert "CSRF" in r.text
        r = w.client.request(method, url, json={}, follow_redirects=False)
        assert r.status_code == 403, (method, path)
    assert _snapshot(w, w.report_a) == before
    ok = w.client.post("/api/tokens", json={"name": "x"}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201


def test_csrf_form_field_accepted(sqlite_world):
    w = sqlite_world
    csrf = w.login("unit_a")
    r = w.client.post("/api/reports", data={"csrf_token": csrf},
                      files=[("files", (TXT_SAMPLE.name, TXT_SAMPLE.read_bytes()))])
    assert r.status_code == 200 and r.json()["results"][0]["analysis"] == "done"


def test_session_cookie_flags_and_password_change_ends_sessions(sqlite_world):
    from jixiao.store import service

    w = sqlite_world
    w.login("reviewer")
    assert w.client.get("/api/me").json()["username"] == "reviewer"
    with w.db() as s:
        service.set_password(s, "reviewer", "another-pass-1")
    assert w.client.get("/api/me").status_code == 401
    # the cookie the app sets is HttpOnly and SameSite=Lax
    from fastapi.testclient import TestClient

    fresh = TestClient(w.app)
    pages = [r.path for r in all_routes(w.app) if r.path == "/login" and "GET" in (r.methods or ())]
    if not pages:
        pytest.skip("页面（/login）尚未实现")
    r = fresh.get("/login")
    cookie = r.headers.get("set-cookie", "")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()


def test_pages_escape_report_text(sqlite_world):
    w = sqlite_world
    page_routes = [(m, p) for m, p in report_routes(w.app) if m == "GET" and not p.startswith("/api/")]
    if not page_routes:
        pytest.skip("报告页面尚未实现")
    evil = ("<script>alert('x')</script>示例市示范区司法局2024年度部门整体支出绩效自评报告\n"
            "一、部门基本情况\n年初预算<b>100</b>万元。\n").encode()
    r = w.client.post("/api/reports", headers=w.users["admin"].auth, files=[("files", ("<img src=x>.txt", evil))])
    rid = r.json()["results"][0]["report_id"]
    w.login("admin")
    for _, path in page_routes:
        r = w.client.get(_url(path, rid))
        if "attachment" in r.headers.get("content-disposition", ""):
            assert r.headers["content-type"] == "application/octet-stream"  # a download, never rendered
            continue
        body = r.text
        assert "<script>alert('x')" not in body and "<img src=x>" not in body and "<b>100</b>" not in body, path


# --- region and unit scoping of every write (issue 9, defect 7) ------------------------------------------
# reviewer: 示例市 (UNIT_A and UNIT_B lie there); reviewer_far: 长沙市


def _task_count(w) -> int:
    from jixiao.store.models import Task

    with w.db() as s:
        return s.query(Task).count()


def test_regional_reviewer_cannot_open_a_task_for_another_regions_unit(sqlite_world):
    from jixiao.store.models import Unit

    w = sqlite_world
    far = w.users["reviewer_far"].auth
    before = _task_count(w)
    for units in ([UNIT_A], ["示例市新设单位"], ["长沙市天心区司法局", UNIT_B]):
        r = w.client.post("/api/tasks", headers=far, json={"year": 2024, "deadline": FUTURE_DEADLINE, "units": units})
        assert r.status_code == 403 and "不在您的审核地区（长沙市）内" in r.json()["detail"], (units, r.text)
    # and through the page, by unit id (the form lists only the region's units; a forged id is refused)
    csrf = w.login("reviewer_far")
    with w.db() as s:
        unit_a_id = s.query(Unit).filter_by(name=UNIT_A).one().id
        assert s.query(Unit).filter_by(name="示例市新设单位").count() == 0  # nothing created on refusal
    r = w.client.post("/tasks", data={"csrf_token": csrf, "year": "2024", "deadline": FUTURE_DEADLINE,
                                      "unit_ids": str(unit_a_id)}, follow_redirects=False)
    assert r.status_code in (400, 403, 404) and "任务已下达" not in r.text
    assert _task_count(w) == before
    # within the region it works (a unit the gazetteer places in 长沙市 is created)
    r = w.client.post("/api/tasks", headers=far, json={"year": 2024, "deadline": FUTURE_DEADLINE,
                                                        "units": ["长沙市天心区司法局"]})
    assert r.status_code == 201, r.text


def test_regional_reviewer_sees_only_tasks_of_the_region(sqlite_world):
    w = sqlite_world
    t = w.client.post("/api/tasks", headers=w.users["reviewer"].auth,
                      json={"year": 2024, "deadline": FUTURE_DEADLINE, "units": [UNIT_A], "title": "示例市的任务"}).json()
    far = w.users["reviewer_far"].auth
    assert t["id"] not in [x["id"] for x in w.client.get("/api/tasks", headers=far).json()]
    assert w.client.get(f"/api/tasks/{t['id']}", headers=far).status_code == 404
    w.login("reviewer_far")
    assert "示例市的任务" not in w.client.get("/tasks").text
    assert w.client.get(f"/tasks/{t['id']}").status_code == 404
    assert "示例市的任务" not in w.client.get("/upload").text  # not offered as an upload target
    # the region's reviewer and the admin see it
    assert t["id"] in [x["id"] for x in w.client.get("/api/tasks", headers=w.users["reviewer"].auth).json()]
    assert t["id"] in [x["id"] for x in w.client.get("/api/tasks", headers=w.users["admin"].auth).json()]


def test_regional_reviewer_cannot_upload_into_another_regions_task_or_for_its_unit(sqlite_world):
    from jixiao.store.models import Report

    w = sqlite_world
    t = w.client.post("/api/tasks", headers=w.users["reviewer"].auth,
                      json={"year": 2024, "deadline": FUTURE_DEADLINE, "units": [UNIT_A]}).json()
    far = w.users["reviewer_far"].auth
    r = w.client.post("/api/reports", headers=far, data={"task_id": str(t["id"])},
                      files=[("files", (TXT_SAMPLE.name, TXT_SAMPLE.read_bytes()))])
    res = r.json()["results"][0]
    assert res["stored"] is False and "任务不存在" in res["error"]
    # without a task: stored for the uploader, but not filed under 示范区 (another region's unit)
    r = w.client.post("/api/reports", headers=far, files=[("files", (TXT_SAMPLE.name, TXT_SAMPLE.read_bytes()))])
    rid = r.json()["results"][0]["report_id"]
    with w.db() as s:
        rep = s.get(Report, rid)
        assert rep.unit_id is None and rep.task_id is None
    ids = [x["id"] for x in w.client.get("/api/reports", headers=w.users["unit_a"].auth,
                                         params={"per_page": 100}).json()["items"]]
    assert rid not in ids
    units = {u["unit_name"]: u for u in w.client.get(f"/api/tasks/{t['id']}", headers=w.users["reviewer"].auth)
             .json()["units"]}
    assert units[UNIT_A]["report_id"] != rid


def test_regional_reviewer_cannot_review_or_correct_another_regions_report(sqlite_world):
    w = sqlite_world
    far = w.users["reviewer_far"].auth
    # a report of 示范区 uploaded by the 长沙市 reviewer: visible to them (their upload), not theirs to review
    r = w.client.post("/api/reports", headers=far, files=[("files", (TXT_SAMPLE.name, TXT_SAMPLE.read_bytes()))])
    rid = r.json()["results"][0]["report_id"]
    detail = w.client.get(f"/api/reports/{rid}", headers=far).json()
    assert detail["transitions"] == [] and detail["can_correct"] is False
    v = detail["version"]
    r = w.client.post(f"/api/reports/{rid}/status", headers=far, json={"to": "approved", "comment": "越权", "version": v})
    assert r.status_code == 403 and "不在您的审核地区" in r.json()["detail"]
    r = w.client.post(f"/api/reports/{rid}/corrections", headers=far,
                      json={"field": "facts.budget", "value": "1", "reason": "越权", "version": v})
    assert r.status_code == 403 and "不在您的审核地区" in r.json()["detail"]
    assert w.client.get(f"/api/reports/{rid}", headers=far).json()["status"] == "pending"
    # the 示例市 reviewer may review it, but may not move a report of the region out of it by a correction
    rv = w.users["reviewer"].auth
    v = w.detail(w.report_a, "reviewer")["version"]
    for field, value in (("facts.city", "长沙市"), ("facts.unit_name", "长沙市天心区司法局")):
        r = w.client.post(f"/api/reports/{w.report_a}/corrections", headers=rv,
                          json={"field": field, "value": value, "reason": "移走", "version": v})
        assert r.status_code == 403 and "移出您的审核地区" in r.json()["detail"], (field, r.text)
    r = w.client.post(f"/api/reports/{w.report_a}/status", headers=rv, json={"to": "in_review", "version": v})
    assert r.status_code == 200


def test_regional_reviewer_page_review_refused_for_another_region(sqlite_world):
    w = sqlite_world
    far = w.users["reviewer_far"].auth
    rid = w.client.post("/api/reports", headers=far, files=[("files", (TXT_SAMPLE.name, TXT_SAMPLE.read_bytes()))]
                        ).json()["results"][0]["report_id"]
    before = _snapshot(w, rid)
    csrf = w.login("reviewer_far")
    for method, path in report_routes(w.app):
        if method not in UNSAFE or path.startswith("/api/") or path.endswith("reanalyse"):
            continue
        form = {k: v.replace("{version}", str(before[0])) for k, v in PAGE_FORM.items()}
        r = w.client.request(method, _url(path, rid), data={**form, "csrf_token": csrf}, follow_redirects=False)
        assert r.status_code in (403, 422), (method, path, r.status_code)
    assert _snapshot(w, rid) == before


def test_regional_scoping_through_the_pages_upload_and_correction(sqlite_world):
    w = sqlite_world
    t = w.client.post("/api/tasks", headers=w.users["reviewer"].auth,
                      json={"year": 2024, "deadline": FUTURE_DEADLINE, "units": [UNIT_A]}).json()
    csrf = w.login("reviewer_far")
    r = w.client.post("/upload", data={"csrf_token": csrf, "task_id": str(t["id"])},
                      files=[("file", (TXT_SAMPLE.name, TXT_SAMPLE.read_bytes()))], headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.json()["ok"] is False and "任务不存在" in r.json()["error"]
    # the region's own reviewer cannot move a report out of the region from the detail page
    csrf = w.login("reviewer")
    v = w.detail(w.report_a, "reviewer")["version"]
    r = w.client.post(f"/reports/{w.report_a}/correct", data={"csrf_token": csrf, "field": "facts.city",
                                                              "new_value": "长沙市", "reason": "移走", "version": str(v)})
    assert r.status_code == 403 and "移出您的审核地区" in r.text
    assert w.detail(w.report_a)["version"] == v
