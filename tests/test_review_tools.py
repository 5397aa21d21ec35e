"""Issue 9, reviewer conveniences: bulk approve / return (page and API, each report through the same
checks as a single change, one result per report), 重新提交 by the unit, withdrawing an upload before
review, the XLSX export (审核意见, findings and project sheets, Chinese codes, widths, frozen header,
Beijing time), times in Beijing time and the print stylesheet."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from openpyxl import load_workbook

from jixiao.store.models import Report, StatusChange
from jixiao.web.format import STATIC_DIR, fmt_dt
from web_support import TXT_SAMPLE, UNIT_A


def _status(w, rid: int) -> str:
    return w.detail(rid)["status"]


def _set_status(w, rid: int, to: str, comment: str = "") -> None:
    r = w.client.post(f"/api/reports/{rid}/status", headers=w.users["admin"].auth,
                      json={"to": to, "comment": comment, "version": w.detail(rid)["version"]})
    assert r.status_code == 200, r.text


def _bulk(w, who: str, ids: list[int], to: str, comment: str = ""):
    return w.client.post("/api/reports/bulk-status", headers=w.users[who].auth,
                         json={"ids": ids, "to": to, "comment": comment})


# --- bulk approve / return -------------------------------------------------------------------------


def test_api_bulk_approve_each_report_with_its_own_result(world):
    w = world
    r = _bulk(w, "admin", [w.report_a, w.report_b, w.report_a], "approved", "材料齐全")
    assert r.status_code == 200, r.text
    out = r.json()
    assert [x["report_id"] for x in out["results"]] == [w.report_a, w.report_b]  # duplicates once
    assert all(x["ok"] and x["status"] == "approved" and x["status_label"] == "审核通过" for x in out["results"])
    assert out["done"] == 2 and out["refused"] == 0
    for rid in (w.report_a, w.report_b):
        d = w.detail(rid)
        assert d["status"] == "approved" and d["status_changes"][-1]["comment"] == "材料齐全"


def test_api_bulk_reports_what_it_cannot_do(world):
    w = world
    # a return needs a comment, per report
    r = _bulk(w, "admin", [w.report_a], "returned")
    assert r.json()["results"][0]["error"] == "退回修改时请填写审核意见" and _status(w, w.report_a) == "pending"
    _set_status(w, w.report_b, "returned", "请补充")
    r = _bulk(w, "admin", [w.report_a, w.report_b, 2_000_000], "approved")
    res = {x["report_id"]: x for x in r.json()["results"]}
    assert res[w.report_a]["ok"]
    assert not res[w.report_b]["ok"] and res[w.report_b]["error"] == "不能从“退回修改”改为“审核通过”"
    assert not res[2_000_000]["ok"] and res[2_000_000]["error"] == "报告不存在或无权查看"
    assert r.json()["refused"] == 2 and _status(w, w.report_b) == "returned"
    assert _status(w, w.report_a) == "approved"


def test_api_bulk_permissions(world):
    w = world
    r = _bulk(w, "unit_a", [w.report_a], "approved")
    assert r.json()["results"][0] == {"report_id": w.report_a, "ok": False, "status": None, "status_label": None,
                                      "error": "只有审核人员可以更改审核状态", "unit_name": UNIT_A}
    far = _bulk(w, "reviewer_far", [w.report_a, w.report_b], "approved").json()["results"]
    assert all(not x["ok"] and x["error"] == "报告不存在或无权查看" and x["unit_name"] is None for x in far)
    assert _status(w, w.report_a) == _status(w, w.report_b) == "pending"
    with w.db() as s:
        assert s.query(StatusChange).count() == 0


def test_api_bulk_input_validation(sqlite_world):
    w = sqlite_world
    for body in ({"ids": [], "to": "approved"}, {"ids": [0], "to": "approved"},
                 {"ids": list(range(1, 502)), "to": "approved"}, {"ids": [1], "to": "approved", "comment": "x" * 2001}):
        r = w.client.post("/api/reports/bulk-status", headers=w.users["admin"].auth, json=body)
        assert r.status_code == 422 and "请求参数无效" in r.json()["detail"], r.text
    assert _bulk(w, "admin", [w.report_a], "bogus").json()["detail"] == "未知的状态：bogus"


def test_page_bulk_approve_from_the_list(sqlite_world):
    w = sqlite_world
    token = w.login("reviewer")
    html = w.client.get("/reports").text
    boxes = re.findall(r'name="report_ids" value="([^"]+)"', html)
    assert 'id="bulk-form"' in html and len(boxes) == 2
    assert f"{w.report_a}:{w.detail(w.report_a)['version']}" in boxes  # id and the version seen
    r = w.client.post("/reports/bulk", data={"csrf_token": token, "report_ids": boxes, "to_status": "approved",
                                             "comment": ""})
    assert r.status_code == 200 and "批量审核结果" in r.text and "成功 2 份" in r.text
    assert _status(w, w.report_a) == _status(w, w.report_b) == "approved"
    # again: both are reported as not done, with the reason
    r = w.client.post("/reports/bulk", data={"csrf_token": token, "report_ids": [str(w.report_a)],
                                             "to_status": "approved"})
    assert "未能处理 1 份" in r.text and "不能从“审核通过”改为“审核通过”" in r.text
    # nothing ticked
    r = w.client.post("/reports/bulk", data={"csrf_token": token, "to_status": "approved"})
    assert r.status_code == 400 and "请至少选择一份报告" in r.text
    # a unit user has no bulk form, and the post changes nothing
    token = w.login("unit_a")
    assert 'id="bulk-form"' not in w.client.get("/reports").text


def test_page_bulk_refuses_a_report_changed_since_the_list_was_shown(sqlite_world):
    w = sqlite_world
    token = w.login("reviewer")
    boxes = re.findall(r'name="report_ids" value="([^"]+)"', w.client.get("/reports").text)
    v = w.detail(w.report_a)["version"]
    assert w.client.post(f"/api/reports/{w.report_a}/corrections", headers=w.users["unit_a"].auth, json={
        "field": "facts.budget", "value": "1", "reason": "改", "version": v}).status_code == 201
    r = w.client.post("/reports/bulk", data={"csrf_token": token, "report_ids": boxes, "to_status": "approved"})
    assert "成功 1 份" in r.text and "该报告已被他人修改，请刷新后重试" in r.text
    assert _status(w, w.report_a) == "pending" and _status(w, w.report_b) == "approved"


def test_page_bulk_needs_csrf(sqlite_world):
    w = sqlite_world
    w.login("reviewer")
    r = w.client.post("/reports/bulk", data={"report_ids": [str(w.report_a)], "to_status": "approved"})
    assert r.status_code == 403 and _status(w, w.report_a) == "pending"


# --- resubmit ----------------------------------------------------------------------------------------


def test_unit_resubmits_a_returned_report(world):
    w = world
    _set_status(w, w.report_a, "returned", "请补充绩效目标")
    v = w.detail(w.report_a)["version"]
    other = w.client.post(f"/api/reports/{w.report_a}/resubmit", headers=w.users["unit_b"].auth,
                          json={"version": v})
    assert other.status_code == 404
    r = w.client.post(f"/api/reports/{w.report_a}/resubmit", headers=w.users["unit_a"].auth,
                      json={"comment": "已补充绩效目标", "version": v})
    assert r.status_code == 200, r.text
    assert r.json()["from_status"] == "returned" and r.json()["to_status"] == "pending"
    d = w.detail(w.report_a)
    assert d["status"] == "pending" and d["status_changes"][-1]["comment"] == "已补充绩效目标"
    again = w.client.post(f"/api/reports/{w.report_a}/resubmit", headers=w.users["unit_a"].auth,
                          json={"version": d["version"]})
    assert again.status_code == 400 and "只有“退回修改”的报告可以重新提交" in again.json()["detail"]


def test_resubmit_button_on_the_page(sqlite_world):
    w = sqlite_world
    token = w.login("unit_a")
    assert 'id="resubmit-form"' not in w.client.get(f"/reports/{w.report_a}").text
    _set_status(w, w.report_a, "returned", "请补充")
    html = w.client.get(f"/reports/{w.report_a}").text
    assert 'id="resubmit-form"' in html and "重新提交" in html
    r = w.client.post(f"/reports/{w.report_a}/resubmit", data={
        "csrf_token": token, "comment": "", "version": str(w.detail(w.report_a)["version"])}, follow_redirects=False)
    assert r.status_code == 303 and "msg=resubmitted" in r.headers["location"]
    assert "已重新提交" in w.client.get(r.headers["location"]).text
    d = w.detail(w.report_a)
    assert d["status"] == "pending" and d["status_changes"][-1]["comment"] == "单位已修改，重新提交"


# --- withdraw ----------------------------------------------------------------------------------------


def test_unit_withdraws_before_review_only(world):
    w = world
    v = w.detail(w.report_a)["version"]
    for who, status in (("unit_b", 404), ("reviewer", 403), ("admin", 403)):
        r = w.client.post(f"/api/reports/{w.report_a}/withdraw", headers=w.users[who].auth, json={"version": v})
        assert r.status_code == status, (who, r.text)
    r = w.client.post(f"/api/reports/{w.report_a}/withdraw", headers=w.users["unit_a"].auth, json={"version": v + 1})
    assert r.status_code == 409
    r = w.client.post(f"/api/reports/{w.report_a}/withdraw", headers=w.users["unit_a"].auth, json={"version": v})
    assert r.status_code == 200 and r.json() == {"id": w.report_a, "filename": TXT_SAMPLE.name, "withdrawn": True}
    assert w.client.get(f"/api/reports/{w.report_a}", headers=w.users["admin"].auth).status_code == 404
    assert w.client.get("/api/reports", headers=w.users["unit_a"].auth).json()["total"] == 0
    # once a reviewer has acted, the unit can no longer withdraw
    _set_status(w, w.report_b, "in_review")
    _set_status(w, w.report_b, "pending")
    r = w.client.post(f"/api/reports/{w.report_b}/withdraw", headers=w.users["unit_b"].auth,
                      json={"version": w.detail(w.report_b)["version"]})
    assert r.status_code == 403 and r.json()["detail"] == "报告已进入审核流程，不能撤回"


def test_withdraw_removes_corrections_and_summaries(sqlite_world):
    from jixiao.store.models import Correction, FindingCount, ReportValue

    w = sqlite_world
    v = w.detail(w.report_a)["version"]
    assert w.client.post(f"/api/reports/{w.report_a}/corrections", headers=w.users["unit_a"].auth, json={
        "field": "facts.budget", "value": "1", "reason": "笔误", "version": v}).status_code == 201
    token = w.login("unit_a")
    html = w.client.get(f"/reports/{w.report_a}").text
    assert 'id="withdraw-form"' in html
    r = w.client.post(f"/reports/{w.report_a}/withdraw", data={
        "csrf_token": token, "version": str(w.detail(w.report_a)["version"])}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/reports?msg=withdrawn"
    with w.db() as s:
        assert s.get(Report, w.report_a) is None
        for model in (Correction, FindingCount, ReportValue):
            assert s.query(model).filter_by(report_id=w.report_a).count() == 0
    w.login("reviewer")
    assert 'id="withdraw-form"' not in w.client.get(f"/reports/{w.report_b}").text


# --- XLSX export -------------------------------------------------------------------------------------


def test_xlsx_export_sheets_comments_codes_layout_and_beijing_time(sqlite_world):
    w = sqlite_world
    _set_status(w, w.report_b, "returned", "请补充项目绩效目标")
    with w.db() as s:
        s.get(Report, w.report_a).created_at = datetime(2025, 4, 18, 16, 5, tzinfo=UTC)
        s.commit()
    r = w.client.get("/api/reports/export.xlsx", headers=w.users["admin"].auth)
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["报告列表", "审核发现", "项目明细", "自评表资金", "自评表指标"]
    for ws in wb:
        assert ws.freeze_panes == "A2" and ws["A1"].font.b
        assert ws.column_dimensions["B"].width >= 9
    main = wb["报告列表"]
    header = [c.value for c in main[1]]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in main.iter_rows(min_row=2, values_only=True)}
    assert rows[w.report_b]["审核意见"] == "请补充项目绩效目标" and rows[w.report_b]["审核状态"] == "退回修改"
    assert rows[w.report_a]["审核意见"] is None and rows[w.report_a]["审核状态"] == "待审核"
    assert rows[w.report_a]["分析"] == "已分析"
    assert rows[w.report_a]["上传时间（北京时间）"] == datetime(2025, 4, 19, 0, 5)  # 16:05 UTC = 00:05 next day
    findings = list(wb["审核发现"].iter_rows(min_row=2, values_only=True))
    assert findings and {f[3] for f in findings} <= {"错误", "警告", "提示"}
    assert all(re.fullmatch(r"J\d+", f[4]) for f in findings if f[4])
    assert {f[0] for f in findings} == {w.report_a, w.report_b}
    assert any(f[0] == w.report_a and f[3] == "错误" for f in findings)
    items = {(x[0], x[3]): x for x in wb["项目明细"].iter_rows(min_row=2, values_only=True)}
    item = items[(w.report_a, "社区矫正工作经费")]
    assert item[4] == 85 and item[5] == -6.4 and item[6] == 78.6 and item[8] == 92.5


def test_xlsx_export_applies_corrections_and_scopes(sqlite_world):
    w = sqlite_world
    v = w.detail(w.report_a)["version"]
    w.client.post(f"/api/reports/{w.report_a}/corrections", headers=w.users["admin"].auth, json={
        "field": "project_items.社区矫正工作经费.adjustment", "value": "-20.76", "reason": "核对", "version": v})
    wb = load_workbook(io.BytesIO(w.client.get("/api/reports/export.xlsx", headers=w.users["admin"].auth).content))
    items = {(x[0], x[3]): x for x in wb["项目明细"].iter_rows(min_row=2, values_only=True)}
    assert items[(w.report_a, "社区矫正工作经费")][5] == -20.76
    mine = load_workbook(io.BytesIO(w.client.get("/api/reports/export.xlsx", headers=w.users["unit_b"].auth).content))
    for ws in mine:
        assert {row[0] for row in ws.iter_rows(min_row=2, values_only=True)} <= {w.report_b}
        assert UNIT_A not in str(list(ws.values))


# --- Beijing time, print ---------------------------------------------------------------------------


def test_times_are_beijing_time():
    assert fmt_dt(datetime(2025, 12, 31, 16, 30, tzinfo=UTC)) == "2026-01-01 00:30"
    assert fmt_dt("2025-04-18T02:05:00+00:00") == "2025-04-18 10:05"
    assert fmt_dt(datetime(2025, 4, 18, 2, 5)) == "2025-04-18 10:05"  # naive = UTC (SQLite)
    assert fmt_dt(None) == ""


def test_page_times_are_beijing_time(sqlite_world):
    w = sqlite_world
    with w.db() as s:
        s.get(Report, w.report_a).created_at = datetime(2025, 4, 18, 16, 5, tzinfo=UTC)
        s.commit()
    w.login("admin")
    assert "2025-04-19 00:05" in w.client.get(f"/reports/{w.report_a}").text
    assert "2025-04-19 00:05" in w.client.get("/reports").text


def test_print_stylesheet_hides_navigation_and_working_controls(sqlite_world):
    css = (STATIC_DIR / "app.css").read_text(encoding="utf-8")
    m = re.search(r"@media print\s*\{(.*)\}\s*$", css, re.S)
    assert m, "no print stylesheet"
    hidden = re.search(r"([^{}]+)\{\s*display:\s*none\s*!important", m.group(1))
    selectors = {s.strip() for s in hidden.group(1).split(",")}
    assert {".topbar", ".sidenav", "button", "form", ".btn", ".no-print", ".pager", ".actions"} <= selectors
    w = sqlite_world
    w.login("reviewer")
    html = w.client.get("/reports").text
    assert 'class="actions no-print"' in html and 'class="bulkbar no-print"' in html
    w.login("unit_a")
    detail = w.client.get(f"/reports/{w.report_a}").text
    assert 'class="legend right no-print"' in detail and 'class="review-actions"' in detail
