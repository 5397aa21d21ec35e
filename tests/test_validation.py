"""Issue 9, defect 11: every numeric and date input is validated with a Chinese message — huge
integers in paths and queries, money values beyond range (1e308, NaN, Infinity, too many decimals),
deadlines in absurd years, reasons and comments over 2000 characters (refused, never cut). Pages
answer 400/422 with the Chinese reason, the JSON API 422 (or 400) with a Chinese ``detail``; never a 500."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from web_support import UNIT_A

BIG = "99999999999999999999"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _chinese_error(r, *statuses) -> str:
    assert r.status_code in statuses, (r.status_code, r.text[:300])
    detail = r.json()["detail"] if r.headers["content-type"].startswith("application/json") else r.text
    assert isinstance(detail, str) and CJK.search(detail), detail
    return detail


@pytest.mark.parametrize("url", [
    f"/api/reports/{BIG}", f"/api/reports/{BIG}/original", f"/api/tasks/{BIG}",
    f"/api/reports?year={BIG}", f"/api/reports?page={BIG}", f"/api/reports?per_page={BIG}",
    f"/api/reports?task_id={BIG}", f"/api/reports?unit={BIG}", f"/api/reports/export.xlsx?year={BIG}",
    f"/api/reports/export.xlsx?task_id={BIG}", f"/api/compare?key=facts.expenditure_total&years={BIG}",
    "/api/reports?year=-1", "/api/reports?page=0",
])
def test_api_huge_integers_are_chinese_errors(sqlite_world, url):
    w = sqlite_world
    detail = _chinese_error(w.client.get(url, headers=w.users["admin"].auth), 400, 404, 422)
    assert "请求参数无效" in detail or "不正确" in detail or "不存在" in detail


@pytest.mark.parametrize("url", [f"/reports/{BIG}", f"/reports/{BIG}/original", f"/tasks/{BIG}",
                                 f"/reports?unit={BIG}"])
def test_pages_huge_integers_are_chinese_errors(sqlite_world, url):
    w = sqlite_world
    w.login("admin")
    r = w.client.get(url)
    assert r.status_code in (400, 404, 422) and CJK.search(r.text) and "Traceback" not in r.text


@pytest.mark.parametrize("url", [f"/reports?year={BIG}&page={BIG}", f"/compare?from={BIG}&to={BIG}",
                                 f"/upload?task_id={BIG}", "/reports?page=99999"])
def test_pages_ignore_out_of_range_filters(sqlite_world, url):
    w = sqlite_world
    w.login("admin")
    assert w.client.get(url).status_code == 200


def test_page_past_the_end_shows_the_last_page(sqlite_world):
    w = sqlite_world
    page = w.client.get("/api/reports?page=99999&per_page=1", headers=w.users["admin"].auth).json()
    assert page["page"] == page["pages"] == 2 and len(page["items"]) == 1


def _correct(w, value, who="admin", field="facts.budget", reason="核对"):
    version = w.detail(w.report_a)["version"]
    return w.client.post(f"/api/reports/{w.report_a}/corrections", headers=w.users[who].auth,
                         json={"field": field, "value": value, "reason": reason, "version": version})


@pytest.mark.parametrize("value", [1e308, -1e308, "1e308", "1" + "0" * 20, 10**15, "1000000000000000",
                                   "12.1234567", "NaN", "Infinity", "-Infinity"])
def test_api_money_out_of_range_refused(sqlite_world, value):
    w = sqlite_world
    detail = _chinese_error(_correct(w, value), 400, 422)
    assert "数字" in detail or "范围" in detail or "小数" in detail
    assert w.detail(w.report_a)["corrections"] == []


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e308"])
def test_api_json_nan_and_infinity_literals_refused(sqlite_world, literal):
    w = sqlite_world
    version = w.detail(w.report_a)["version"]
    body = ('{"field": "project_items.社区矫正工作经费.budget", "value": ' + literal
            + f', "reason": "核对", "version": {version}}}')
    r = w.client.post(f"/api/reports/{w.report_a}/corrections", content=body.encode(),
                      headers={**w.users["admin"].auth, "Content-Type": "application/json"})
    _chinese_error(r, 400, 422)
    assert w.detail(w.report_a)["corrections"] == []


@pytest.mark.parametrize(("value", "stored"), [("999999999999999.999999", 999999999999999.999999),
                                               ("−20.76", -20.76), ("-0", 0), ("1,234.5万元", 1234.5), ("１２", 12)])
def test_money_in_range_accepted(sqlite_world, value, stored):
    w = sqlite_world
    r = _correct(w, value)
    assert r.status_code == 201, r.text
    assert r.json()["new_value"] == pytest.approx(stored)


def test_page_correction_out_of_range_refused(sqlite_world):
    w = sqlite_world
    token = w.login("admin")
    version = w.detail(w.report_a)["version"]
    r = w.client.post(f"/reports/{w.report_a}/correct", data={
        "field": "facts.budget", "new_value": "1" + "0" * 30, "reason": "核对", "version": str(version),
        "csrf_token": token})
    assert r.status_code == 400 and "数值超出范围" in r.text
    assert w.detail(w.report_a)["corrections"] == []


def test_reason_over_2000_characters_refused_not_cut(sqlite_world):
    w = sqlite_world
    detail = _chinese_error(_correct(w, "1", reason="理" * 2001), 400, 422)
    assert "2000" in detail
    token = w.login("admin")
    version = w.detail(w.report_a)["version"]
    r = w.client.post(f"/reports/{w.report_a}/correct", data={
        "field": "facts.budget", "new_value": "1", "reason": "理" * 2001, "version": str(version),
        "csrf_token": token})
    assert r.status_code == 400 and "更正原因过长" in r.text and "2000" in r.text
    assert w.detail(w.report_a)["corrections"] == []
    assert _correct(w, "1", reason="理" * 2000).status_code == 201  # exactly 2000 is fine


def test_comment_over_2000_characters_refused_not_cut(sqlite_world):
    w = sqlite_world
    version = w.detail(w.report_a)["version"]
    r = w.client.post(f"/api/reports/{w.report_a}/status", headers=w.users["admin"].auth,
                      json={"to": "returned", "comment": "意" * 2001, "version": version})
    assert "2000" in _chinese_error(r, 400, 422)
    token = w.login("admin")
    r = w.client.post(f"/reports/{w.report_a}/status", data={
        "to_status": "returned", "comment": "意" * 2001, "version": str(version), "csrf_token": token})
    assert r.status_code == 400 and "审核意见过长" in r.text
    assert w.detail(w.report_a)["status"] == "pending" and w.detail(w.report_a)["status_changes"] == []


def _task(w, **changes):
    body = {"year": date.today().year - 1, "deadline": (date.today() + timedelta(days=30)).isoformat(),
            "units": [UNIT_A], **changes}
    return w.client.post("/api/tasks", headers=w.users["admin"].auth, json=body)


@pytest.mark.parametrize("changes", [
    {"deadline": "1999-12-31"}, {"deadline": "2999-01-01"}, {"deadline": "0001-01-01"},
    {"deadline": "9999-12-31"}, {"year": 1999}, {"year": date.today().year + 5}, {"year": int(BIG)},
    {"year": 2024, "deadline": "2023-06-30"}, {"units": [int(BIG)]}, {"title": "题" * 201},
    {"note": "注" * 2001}, {"deadline": "明天"},
])
def test_api_task_absurd_inputs_refused(sqlite_world, changes):
    w = sqlite_world
    _chinese_error(_task(w, **changes), 400, 422)
    assert w.client.get("/api/tasks", headers=w.users["admin"].auth).json() == []


def test_api_task_reasonable_dates_accepted(sqlite_world):
    w = sqlite_world
    past = date(date.today().year - 1, 6, 30).isoformat()  # a past deadline (overdue) is fine
    assert _task(w, deadline=past).status_code == 201
    assert _task(w, year=date.today().year, deadline=(date.today() + timedelta(days=365 * 4)).isoformat()).status_code == 201


def test_page_task_deadline_in_1999_refused(sqlite_world):
    w = sqlite_world
    token = w.login("admin")
    r = w.client.post("/tasks", data={"csrf_token": token, "year": "2024", "title": "t", "deadline": "1999-01-01",
                                      "unit_ids": "1"})
    assert r.status_code == 400 and "截止日期不正确" in r.text
    r = w.client.post("/tasks", data={"csrf_token": token, "year": BIG, "title": "t", "deadline": "2025-04-30",
                                      "unit_ids": BIG})
    assert r.status_code == 400 and "年度" in r.text
    assert w.client.get("/api/tasks", headers=w.users["admin"].auth).json() == []


def test_api_upload_task_id_too_large(sqlite_world):
    w = sqlite_world
    r = w.client.post("/api/reports", headers=w.users["unit_a"].auth, data={"task_id": BIG},
                      files=[("files", ("a.txt", "示例".encode(), "text/plain"))])
    _chinese_error(r, 400, 404, 422)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("facts.report_date", "2025/4/31", "不是有效的日期"),
    ("facts.report_date", "明天", "不是有效的日期"),
    ("facts.report_date", "1899-01-01", "报告日期不正确"),
    ("facts.report_date", "9999-12-31", "报告日期不正确"),
    ("facts.fiscal_year", BIG, "范围"),
    ("facts.fiscal_year", "99999", "评价年度不正确"),
    ("facts.fiscal_year", "1024", "评价年度不正确"),
    ("facts.staff_actual", "-3", "不能为负数"),
])
def test_date_year_and_count_corrections_validated(sqlite_world, field, value, message):
    w = sqlite_world
    assert message in _chinese_error(_correct(w, value, field=field), 400)
    assert w.detail(w.report_a)["corrections"] == []


def test_report_date_written_in_chinese_is_stored_as_iso(sqlite_world):
    w = sqlite_world
    r = _correct(w, "2025年5月6日", field="facts.report_date")
    assert r.status_code == 201 and r.json()["new_value"] == "2025-05-06"
