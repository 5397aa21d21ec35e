"""The JSON API on SQLite and PostgreSQL (``db_url`` is parametrized; PostgreSQL cases skip cleanly
without a local server): upload, list, detail, corrections, status, export, tasks, tokens, errors."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from web_support import DOCX_SAMPLE, FUTURE_DEADLINE, TXT_SAMPLE, UNIT_A, UNIT_B, XLSX_SAMPLE


def test_upload_several_files_bad_one_reports_reason_others_go_on(world):
    unit_a = world.users["unit_a"]
    files = [("files", (XLSX_SAMPLE.name, XLSX_SAMPLE.read_bytes())),
             ("files", ("坏文件.docx", b"PK\x03\x04 not really a zip")),
             ("files", ("动图.gif", b"GIF89a")),
             ("files", (TXT_SAMPLE.name, TXT_SAMPLE.read_bytes()))]
    r = world.client.post("/api/reports", headers=unit_a.auth, files=files)
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert [x["filename"] for x in res] == [XLSX_SAMPLE.name, "坏文件.docx", "动图.gif", TXT_SAMPLE.name]
    assert res[0]["analysis"] == "done" and res[0]["unit_name"] == UNIT_A and res[0]["fiscal_year"] == 2024
    assert res[1]["stored"] and res[1]["analysis"] == "failed" and "损坏" in res[1]["error"]
    assert not res[2]["stored"] and res[2]["report_id"] is None and "不支持的文件类型" in res[2]["error"]
    assert res[3]["analysis"] == "done" and res[3]["error_count"] >= 1
    failed = world.detail(res[1]["report_id"], "unit_a")
    assert failed["analysis"] == "failed" and failed["analysis_label"] == "分析失败" and failed["analysis_error"]


def test_upload_size_limit_checked_before_storing(world, monkeypatch):
    monkeypatch.setenv("JIXIAO_MAX_FILE_MB", "0.001")  # ~1 KB
    r = world.client.post("/api/reports", headers=world.users["admin"].auth,
                          files=[("files", ("大.txt", "绩效" * 2000))])
    assert r.status_code == 200
    (res,) = r.json()["results"]
    assert not res["stored"] and "文件过大" in res["error"]
    assert world.client.get("/api/reports", headers=world.users["admin"].auth).json()["total"] == 2


def test_list_filters_sort_and_paging(world):
    admin = world.users["admin"].auth
    world.client.post("/api/reports", headers=world.users["unit_a"].auth,
                      files=[("files", (XLSX_SAMPLE.name, XLSX_SAMPLE.read_bytes()))])
    get = lambda **p: world.client.get("/api/reports", headers=admin, params=p).json()  # noqa: E731
    everything = get()
    assert everything["total"] == 3 and everything["pages"] == 1
    assert [r["id"] for r in everything["items"]] == sorted((r["id"] for r in everything["items"]), reverse=True)
    assert {r["fiscal_year"] for r in get(year=2023)["items"]} == {2023}
    assert get(year=2024)["total"] == 2
    assert {r["unit_name"] for r in get(region="样板县")["items"]} == {UNIT_B}
    assert get(region="示例市")["total"] == 3
    assert {r["unit_name"] for r in get(unit="示范区")["items"]} == {UNIT_A}
    assert [r["id"] for r in get(severity="error")["items"]] == [world.report_a]
    assert get(severity="warning")["total"] == 3
    assert get(status="approved")["total"] == 0
    by_errors = get(sort="-errors")["items"]
    assert by_errors[0]["id"] == world.report_a and by_errors[0]["error_count"] > 0
    by_year = [r["fiscal_year"] for r in get(sort="year")["items"]]
    assert by_year == sorted(by_year)
    page2 = get(per_page=2, page=2)
    assert page2["total"] == 3 and page2["pages"] == 2 and len(page2["items"]) == 1
    assert get(rule="sum-mismatch")["total"] == 1
    row = everything["items"][0]
    assert "text" not in row and "extracted" not in row and row["status_label"] == "待审核"


def test_list_bad_filter_is_a_chinese_400(world):
    r = world.client.get("/api/reports", headers=world.users["admin"].auth, params={"sort": "bogus"})
    assert r.status_code == 400 and "未知的排序方式" in r.json()["detail"]
    r = world.client.get("/api/reports", headers=world.users["admin"].auth, params={"status": "nope"})
    assert r.status_code == 400 and r.json()["detail"] == "未知的状态：nope"


def test_detail_has_everything(world):
    d = world.detail(world.report_a)
    for key in ("facts", "fact_evidence", "metrics", "project_items", "sections", "findings", "score", "values",
                "corrections", "status_changes", "text", "version", "transitions"):
        assert key in d, key
    assert d["facts"]["unit_name"] == UNIT_A and d["fiscal_year"] == 2024
    assert {f["rule"] for f in d["findings"]} >= {"sum-mismatch", "rate-mismatch"}
    assert d["score"]["framework_id"]
    ev = d["fact_evidence"]["budget"][0]
    assert d["text"][ev["start"]:ev["end"]] == ev["text"]  # evidence indexes the stored text
    budget = next(v for v in d["values"] if v["field"] == "facts.budget")
    assert budget["label"] == "年初预算（万元）" and budget["value"] == budget["extracted"] and budget["evidence"]
    metric = next(v for v in d["values"] if v["kind"] == "metric")
    assert metric["field"].startswith("metrics.") and "@" in metric["field"]
    no_text = world.client.get(f"/api/reports/{world.report_a}", params={"text": "false"},
                               headers=world.users["admin"].auth).json()
    assert "text" not in no_text


def test_original_file_download(world):
    r = world.client.get(f"/api/reports/{world.report_b}/original", headers=world.users["unit_b"].auth)
    assert r.status_code == 200 and r.content == DOCX_SAMPLE.read_bytes()
    assert "attachment" in r.headers["content-disposition"]


def test_correction_applies_logs_and_bumps_version(world):
    unit_a = world.users["unit_a"]
    d = world.detail(world.report_a, "unit_a")
    r = world.client.post(f"/api/reports/{world.report_a}/corrections", headers=unit_a.auth,
                          json={"field": "facts.budget", "value": "1,600.5", "reason": "按预算批复更正",
                                "version": d["version"]})
    assert r.status_code == 201, r.text
    c = r.json()
    assert c["old_value"] == d["facts"]["budget"] and c["new_value"] == 1600.5 and c["version"] > d["version"]
    after = world.detail(world.report_a, "unit_a")
    assert after["facts"]["budget"] == 1600.5 and after["version"] == c["version"]
    (log,) = after["corrections"]
    assert log["user"] == "unit_a" and log["reason"] == "按预算批复更正" and log["label"] == "年初预算（万元）"
    assert log["applied"] and log["at"]
    row = next(v for v in after["values"] if v["field"] == "facts.budget")
    assert row["corrected"] and row["extracted"] != row["value"]


def test_correction_needs_reason_and_valid_value(world):
    auth = world.users["reviewer"].auth
    v = world.detail(world.report_a)["version"]
    url = f"/api/reports/{world.report_a}/corrections"
    r = world.client.post(url, headers=auth, json={"field": "facts.budget", "value": "1", "reason": " ", "version": v})
    assert r.status_code == 400 and r.json()["detail"] == "请填写更正原因"
    r = world.client.post(url, headers=auth, json={"field": "facts.budget", "value": "一千", "reason": "x", "version": v})
    assert r.status_code == 400 and "不是有效的数字" in r.json()["detail"]
    r = world.client.post(url, headers=auth, json={"field": "facts.nope", "value": "1", "reason": "x", "version": v})
    assert r.status_code == 400 and "未知的字段" in r.json()["detail"]
    r = world.client.post(url, headers=auth, json={"field": "facts.budget", "reason": "x"})
    assert r.status_code == 422 and "version" in r.json()["detail"]


def test_stale_version_is_a_409_and_nothing_is_lost(world):
    auth = world.users["reviewer"].auth
    v = world.detail(world.report_a)["version"]
    url = f"/api/reports/{world.report_a}/corrections"
    first = world.client.post(url, headers=auth, json={"field": "facts.budget", "value": "1", "reason": "甲", "version": v})
    assert first.status_code == 201
    second = world.client.post(url, headers=auth, json={"field": "facts.budget", "value": "2", "reason": "乙", "version": v})
    assert second.status_code == 409 and second.json()["detail"] == "该报告已被他人修改，请刷新后重试"
    status = world.client.post(f"/api/reports/{world.report_a}/status", headers=auth,
                               json={"to": "in_review", "version": v})
    assert status.status_code == 409
    d = world.detail(world.report_a)
    assert d["facts"]["budget"] == 1 and [c["reason"] for c in d["corrections"]] == ["甲"] and d["status"] == "pending"


def test_metric_and_item_corrections(world):
    auth = world.users["reviewer"].auth
    d = world.detail(world.report_a)
    metric = next(v for v in d["values"] if v["kind"] == "metric")
    item = next(v for v in d["values"] if v["kind"] == "item")
    r = world.client.post(f"/api/reports/{world.report_a}/corrections", headers=auth,
                          json={"field": metric["field"], "value": 7, "reason": "核对原文", "version": d["version"]})
    assert r.status_code == 201
    r = world.client.post(f"/api/reports/{world.report_a}/corrections", headers=auth,
                          json={"field": item["field"], "value": "12.5", "reason": "核对决算表",
                                "version": r.json()["version"]})
    assert r.status_code == 201, r.text
    after = {v["field"]: v for v in world.detail(world.report_a)["values"]}
    assert after[metric["field"]]["value"] == 7 and after[item["field"]]["value"] == 12.5


def test_status_workflow_with_comments(world):
    auth = world.users["reviewer"].auth
    url = f"/api/reports/{world.report_a}/status"
    v = world.detail(world.report_a)["version"]
    r = world.client.post(url, headers=auth, json={"to": "in_review", "version": v})
    assert r.status_code == 200 and r.json()["to_status"] == "in_review"
    r2 = world.client.post(url, headers=auth, json={"to": "returned", "version": r.json()["version"]})
    assert r2.status_code == 400 and r2.json()["detail"] == "退回修改时请填写审核意见"
    r2 = world.client.post(url, headers=auth, json={"to": "returned", "comment": "项目支出合计不符", "version": r.json()["version"]})
    assert r2.status_code == 200
    r3 = world.client.post(url, headers=auth, json={"to": "approved", "version": r2.json()["version"]})
    assert r3.status_code == 400 and "不能从“退回修改”改为“审核通过”" == r3.json()["detail"]
    d = world.detail(world.report_a)
    assert d["status"] == "returned" and d["status_label"] == "退回修改"
    assert [(s["from_status"], s["to_status"], s["comment"], s["user"]) for s in d["status_changes"]] == [
        ("pending", "in_review", "", "reviewer"), ("in_review", "returned", "项目支出合计不符", "reviewer")]
    # the unit corrects its returned report, the reviewer takes it up again and approves it
    ua = world.users["unit_a"].auth
    r = world.client.post(f"/api/reports/{world.report_a}/corrections", headers=ua,
                          json={"field": "facts.project_expenditure", "value": "372.27", "reason": "按项目明细合计",
                                "version": d["version"]})
    assert r.status_code == 201
    r = world.client.post(url, headers=auth, json={"to": "in_review", "version": r.json()["version"]})
    r = world.client.post(url, headers=auth, json={"to": "approved", "comment": "同意", "version": r.json()["version"]})
    assert r.status_code == 200
    approved = world.detail(world.report_a)
    assert approved["status"] == "approved" and not approved["can_correct"]
    r = world.client.post(f"/api/reports/{world.report_a}/corrections", headers=auth,
                          json={"field": "facts.budget", "value": "1", "reason": "x", "version": approved["version"]})
    assert r.status_code == 403 and "已审核通过" in r.json()["detail"]


def test_unit_user_cannot_change_status_or_correct_in_review(world):
    ua = world.users["unit_a"].auth
    v = world.detail(world.report_a)["version"]
    r = world.client.post(f"/api/reports/{world.report_a}/status", headers=ua, json={"to": "approved", "version": v})
    assert r.status_code == 403 and r.json()["detail"] == "只有审核人员可以更改审核状态"
    rv = world.users["reviewer"].auth
    v = world.client.post(f"/api/reports/{world.report_a}/status", headers=rv,
                          json={"to": "in_review", "version": v}).json()["version"]
    r = world.client.post(f"/api/reports/{world.report_a}/corrections", headers=ua,
                          json={"field": "facts.budget", "value": "1", "reason": "x", "version": v})
    assert r.status_code == 403 and "审核中" in r.json()["detail"]


def test_corrections_survive_reanalysis(world):
    auth = world.users["reviewer"].auth
    d = world.detail(world.report_a)
    world.client.post(f"/api/reports/{world.report_a}/corrections", headers=auth,
                      json={"field": "facts.budget", "value": "999", "reason": "更正", "version": d["version"]})
    r = world.client.post(f"/api/reports/{world.report_a}/reanalyse", headers=auth)
    assert r.status_code == 200 and r.json()["analysis"] == "done"
    after = world.detail(world.report_a)
    assert after["facts"]["budget"] == 999 and len(after["corrections"]) == 1 and after["corrections"][0]["applied"]
    assert after["version"] > d["version"] + 1


def test_export_xlsx_follows_filters_and_uses_corrected_values(world):
    from openpyxl import load_workbook

    auth = world.users["admin"].auth
    d = world.detail(world.report_a)
    world.client.post(f"/api/reports/{world.report_a}/corrections", headers=auth,
                      json={"field": "facts.unit_name", "value": "=HYPERLINK(\"http://x\",\"点我\")",
                            "reason": "测试公式注入", "version": d["version"]})
    world.client.post(f"/api/reports/{world.report_a}/corrections", headers=auth,
                      json={"field": "facts.budget", "value": "1234.5", "reason": "更正",
                            "version": world.detail(world.report_a)["version"]})
    r = world.client.get("/api/reports/export.xlsx", headers=auth, params={"sort": "id"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("编号", "文件名", "单位", "年度") and "年初预算（万元）" in header
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_id) == {world.report_a, world.report_b}
    a = by_id[world.report_a]
    assert a["年初预算（万元）"] == 1234.5
    assert a["单位名称"].startswith("=HYPERLINK")  # stored as text
    cell = next(c for c in ws[2] if isinstance(c.value, str) and c.value.startswith("=HYPER"))
    assert cell.data_type == "s"
    filtered = world.client.get("/api/reports/export.xlsx", headers=auth, params={"year": 2023})
    rows = list(load_workbook(io.BytesIO(filtered.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [world.report_b]


def test_tasks_open_list_and_progress(world):
    rv = world.users["admin"].auth  # a new unit the gazetteer cannot place: only outside a region limit
    r = world.client.post("/api/tasks", headers=rv, json={
        "year": 2024, "deadline": FUTURE_DEADLINE, "units": [UNIT_A, UNIT_B, "示例市新单位"], "title": "2024年度自评"})
    assert r.status_code == 201, r.text
    t = r.json()
    states = {u["unit_name"]: u["state"] for u in t["units"]}
    # 示范区 has its 2024 report (attached to the task automatically); 样板县's report is for 2023
    assert states == {UNIT_A: "submitted", UNIT_B: "missing", "示例市新单位": "missing"}
    assert t["counts"]["submitted"] == 1 and t["counts"]["missing"] == 2
    mine = world.client.get("/api/tasks", headers=world.users["unit_a"].auth).json()
    assert [x["id"] for x in mine] == [t["id"]] and [u["unit_name"] for u in mine[0]["units"]] == [UNIT_A]
    assert world.client.get(f"/api/tasks/{t['id']}", headers=world.users["unit_b"].auth).json()["units"][0]["state"] == "missing"
    r = world.client.post("/api/tasks", headers=world.users["unit_a"].auth,
                          json={"year": 2024, "deadline": FUTURE_DEADLINE, "units": [UNIT_A]})
    assert r.status_code == 403 and r.json()["detail"] == "只有审核人员可以下达任务"


def test_task_states_late_returned_overdue(world):
    rv = world.users["reviewer"].auth
    t = world.client.post("/api/tasks", headers=rv, json={"year": 2024, "deadline": "2024-06-30",
                                                           "units": [UNIT_A, UNIT_B]}).json()
    states = {u["unit_name"]: u["state"] for u in t["units"]}
    assert states == {UNIT_A: "late", UNIT_B: "overdue"} and t["overdue"]
    v = world.detail(world.report_a)["version"]
    v = world.client.post(f"/api/reports/{world.report_a}/status", headers=rv, json={"to": "in_review", "version": v}).json()["version"]
    world.client.post(f"/api/reports/{world.report_a}/status", headers=rv,
                      json={"to": "returned", "comment": "请补充", "version": v})
    t = world.client.get(f"/api/tasks/{t['id']}", headers=rv).json()
    assert {u["unit_name"]: u["state_label"] for u in t["units"]} == {UNIT_A: "退回修改", UNIT_B: "逾期未交"}
    # upload for the task: 样板县 sends a report (示范区's: not counted until a reviewer confirms it)
    r = world.client.post("/api/reports", headers=world.users["unit_b"].auth, data={"task_id": str(t["id"])},
                          files=[("files", (TXT_SAMPLE.name, TXT_SAMPLE.read_bytes()))])
    res = r.json()["results"][0]
    assert res["analysis"] == "done" and res["filing_state"] == "mismatch"
    t = world.client.get(f"/api/tasks/{t['id']}", headers=rv).json()
    assert {u["unit_name"]: u["state"] for u in t["units"]}[UNIT_B] == "overdue"
    v = world.detail(res["report_id"])["version"]
    r = world.client.post(f"/api/reports/{res['report_id']}/filing", headers=rv,
                          json={"reason": "经核实为样板县报送", "version": v})
    assert r.status_code == 201, r.text
    t = world.client.get(f"/api/tasks/{t['id']}", headers=rv).json()
    assert {u["unit_name"]: u["state"] for u in t["units"]}[UNIT_B] == "late"


def test_dashboard_and_compare(world):
    auth = world.users["admin"].auth
    dash = world.client.get("/api/dashboard", headers=auth).json()
    assert dash["total"] == 2 and {s["status"]: s["count"] for s in dash["status_counts"]}["pending"] == 2
    rules = {f["rule"]: f for f in dash["findings_by_rule"]}
    assert rules["sum-mismatch"]["title"] == "合计与分项之和不符" and rules["sum-mismatch"]["reports"] == 1
    assert [r["id"] for r in dash["attention"]] == [world.report_a]
    keys = world.client.get("/api/compare/keys", headers=auth).json()
    assert any(k["key"] == "facts.budget" for k in keys) and any(k["key"].startswith("kpi.") for k in keys)
    cmp_ = world.client.get("/api/compare", headers=auth, params={"key": "facts.budget"}).json()
    assert cmp_["years"] == [2023, 2024] and set(cmp_["units"]) == {UNIT_A, UNIT_B}
    assert cmp_["cells"][UNIT_A]["2024"]["report_id"] == world.report_a
    mine = world.client.get("/api/compare", headers=world.users["unit_b"].auth, params={"key": "facts.budget"}).json()
    assert mine["units"] == [UNIT_B]


def test_tokens_auth_and_errors(world):
    r = world.client.get("/api/reports")
    assert r.status_code == 401 and "令牌" in r.json()["detail"]
    r = world.client.get("/api/reports", headers={"Authorization": "Bearer jx_wrong"})
    assert r.status_code == 401 and r.json()["detail"] == "API 令牌无效、已过期或已撤销"
    # a logged-in user creates a token (cookie session + CSRF header), then uses it
    csrf = world.login("reviewer")
    assert world.client.post("/api/tokens", json={"name": "脚本"}).status_code == 403  # no CSRF token
    r = world.client.post("/api/tokens", json={"name": "脚本"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    world.client.cookies.clear()
    me = world.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["username"] == "reviewer" and me["role_label"] == "审核人员"
    from jixiao.store.models import ApiToken

    with world.db() as s:
        stored = [t.token_hash for t in s.query(ApiToken).all()]
    assert token not in stored and len(stored[0]) == 64


def test_not_found_and_validation_errors_are_chinese_json(world):
    auth = world.users["admin"].auth
    r = world.client.get("/api/reports/999999", headers=auth)
    assert r.status_code == 404 and r.json() == {"detail": "报告不存在或无权查看"}
    r = world.client.get("/api/reports/abc", headers=auth)
    assert r.status_code == 422 and r.json()["detail"].startswith("请求参数无效")
    r = world.client.post("/api/tasks", headers=auth, json={"year": 2024, "deadline": "明天", "units": [UNIT_A]})
    assert r.status_code == 422 and "日期格式应为 YYYY-MM-DD" in r.json()["detail"]
    r = world.client.get("/api/nothing-here", headers=auth)
    assert r.status_code == 404 and r.json() == {"detail": "页面不存在"}


@pytest.mark.parametrize("path", ["/api/docs", "/api/openapi.json"])
def test_openapi_docs_are_served_locally(world, path):
    r = world.client.get(path)
    assert r.status_code == 200
    if path.endswith("docs"):
        assert "/static/swagger/swagger-ui-bundle.js" in r.text and "cdn" not in r.text.lower()
        assert world.client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    else:
        paths = r.json()["paths"]
        assert "/api/reports/{report_id}/corrections" in paths and all(p.startswith("/api/") for p in paths)


def test_concurrent_edits_one_wins_none_lost(world):
    """Eight clients correct the same report from the same version at once: exactly one succeeds, the
    others get 409 (no lost update, no database error)."""
    from concurrent.futures import ThreadPoolExecutor

    v = world.detail(world.report_a)["version"]
    auth = world.users["reviewer"].auth

    def edit(i: int) -> int:
        r = world.client.post(f"/api/reports/{world.report_a}/corrections", headers=auth,
                              json={"field": "facts.budget", "value": str(100 + i), "reason": f"并发{i}", "version": v})
        return r.status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(edit, range(8)))
    assert sorted(codes) == [201] + [409] * 7, codes
    d = world.detail(world.report_a)
    (c,) = d["corrections"]
    assert d["facts"]["budget"] == c["new_value"] and c["reason"] == f"并发{int(c['new_value']) - 100}"


def _zip(members: dict[str, bytes]) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_admin_uploads_a_zip_each_report_filed_by_content(world):
    data = _zip({"各单位/样板县.docx": DOCX_SAMPLE.read_bytes(), "各单位/示范区.txt": TXT_SAMPLE.read_bytes() + b"\n",
                 "说明.pptx": b"PK\x03\x04", "坏.docx": b"PK\x03\x04 not really a zip"})
    r = world.client.post("/api/reports", headers=world.users["admin"].auth, files=[("files", ("报送.zip", data))])
    assert r.status_code == 200, r.text
    res = {x["filename"]: x for x in r.json()["results"]}
    assert set(res) == {"样板县.docx", "示范区.txt", "坏.docx"}  # the slides are not a report
    assert res["示范区.txt"]["analysis"] == "done" and res["示范区.txt"]["unit_name"] == UNIT_A
    assert res["样板县.docx"]["unit_name"] == UNIT_B
    assert res["坏.docx"]["stored"] and res["坏.docx"]["analysis"] == "failed"
    # a unit user may not: one file at a time
    r = world.client.post("/api/reports", headers=world.users["unit_a"].auth, files=[("files", ("报送.zip", data))])
    (only,) = r.json()["results"]
    assert not only["stored"] and "只有管理员" in only["error"]
    r = world.client.post("/api/reports", headers=world.users["admin"].auth,
                          files=[("files", ("坏.zip", b"PK\x03\x04 broken"))])
    (broken,) = r.json()["results"]
    assert not broken["stored"] and "压缩包无法打开" in broken["error"]


def test_upload_page_answers_a_zip_with_a_summary(world):
    from fastapi.testclient import TestClient

    c = TestClient(world.app)
    csrf = world.login("admin", c)
    data = _zip({"示范区.txt": TXT_SAMPLE.read_bytes() + b"\n\n", "空.txt": b""})
    body = c.post("/upload", files={"file": ("报送.zip", data, "application/zip")},
                  headers={"X-CSRF-Token": csrf, "Accept": "application/json"}).json()
    assert body["ok"] and body["analysis"] == "archive" and body["url"] == "/reports"
    assert "1 个报告文件已保存" in body["summary"] and "空.txt：文件为空" in body["summary"]
    assert ".zip" in c.get("/upload").text  # offered to an administrator


def test_report_documents_carry_corrections_review_and_findings(world):
    """The 审核意见书 and evidence report of a stored report (issue 13): the corrected value, the reviewer's
    comment and decision, the findings of its analysis; refused for a kind that does not exist and for a user
    who may not see the report."""
    import docx  # noqa: PLC0415 - optional: only this test opens the Word file

    reviewer = world.users["reviewer"].auth
    d = world.detail(world.report_a)
    r = world.client.post(f"/api/reports/{world.report_a}/corrections", headers=reviewer,
                          json={"field": "facts.budget", "value": "1,600.5", "reason": "按预算批复更正",
                                "version": d["version"]})
    assert r.status_code == 201, r.text
    url = f"/api/reports/{world.report_a}/status"
    v = world.client.post(url, headers=reviewer, json={"to": "in_review", "version": r.json()["version"]}).json()
    world.client.post(url, headers=reviewer, json={"to": "returned", "comment": "项目支出合计不符，请核对",
                                                   "version": v["version"]})
    memo = world.client.get(f"/api/reports/{world.report_a}/documents/memo", headers=reviewer)
    assert memo.status_code == 200, memo.text
    assert memo.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in memo.headers["content-disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(memo.content)).paragraphs)
    assert "示例市示范区司法局：" in text  # addressed to the unit
    assert "项目支出合计不符，请核对" in text and "退回修改" in text
    findings = world.detail(world.report_a)["findings"]
    assert findings and all(f["message"] in text for f in findings)
    page = world.client.get(f"/api/reports/{world.report_a}/documents/html", headers=reviewer)
    assert page.status_code == 200 and "http" not in page.text
    assert "1,600.5" in page.text  # the value as corrected
    assert all(f["message"] in page.text for f in findings if "<" not in f["message"])
    draft = world.client.get(f"/api/reports/{world.report_a}/documents/report", headers=reviewer)
    assert draft.status_code == 200
    from jixiao import pipeline  # noqa: PLC0415 - optional: the draft read back as a report
    again = pipeline.analyse(draft.content, pipeline.Options(review=False), name="draft.docx")
    assert again.report.fact_value("budget") == Decimal("1600.5")  # the corrected value, in place
    assert again.report.fact_value("unit_name") == "示例市示范区司法局"
    bad = world.client.get(f"/api/reports/{world.report_a}/documents/poster", headers=reviewer)
    assert bad.status_code == 400 and "不支持的文书类型" in bad.json()["detail"]
    other = world.client.get(f"/api/reports/{world.report_a}/documents/memo", headers=world.users["unit_b"].auth)
    assert other.status_code == 404


def test_task_summary_for_reviewers_only(world):
    """The 汇总分析报告 of a task (issue 13): the task's analysed reports counted, as .docx (with charts) and .xlsx;
    refused to a unit's user (it would show other units' reports) and for an unknown format."""
    import docx  # noqa: PLC0415 - optional: only these tests open the Word file
    import openpyxl  # noqa: PLC0415 - optional: as above

    rv = world.users["reviewer"].auth
    t = world.client.post("/api/tasks", headers=rv, json={"year": 2024, "deadline": FUTURE_DEADLINE,
                                                           "units": [UNIT_A, UNIT_B], "title": "2024年度自评"}).json()
    r = world.client.get(f"/api/tasks/{t['id']}/summary.docx", headers=rv)
    assert r.status_code == 200, r.text
    d = docx.Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in d.paragraphs)
    assert d.paragraphs[0].text.startswith("2024年度自评") and "本次汇总报告1份" in text  # 示范区's 2024 report
    assert "合计与分项之和不符" in "\n".join(c.text for tb in d.tables for row in tb.rows for c in row.cells)
    x = world.client.get(f"/api/tasks/{t['id']}/summary.xlsx", headers=rv)
    book = openpyxl.load_workbook(io.BytesIO(x.content))
    assert book["按单位"]["A2"].value == UNIT_A
    assert world.client.get(f"/api/tasks/{t['id']}/summary.docx", headers=world.users["unit_a"].auth).status_code == 403
    assert world.client.get(f"/api/tasks/{t['id']}/summary.pdf", headers=rv).status_code == 400
