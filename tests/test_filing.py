"""Filing by content (issue 9, defect 2) and duplicate uploads.

A report is compared with the unit it is filed under (the uploader's unit) and the task: another unit's
report, or a report of another year, gets a ``filing-mismatch`` finding with the evidence it was read
from, a banner on its page and a warning in the upload answer, and is not counted as the unit's
submission (task progress, comparison) until a reviewer confirms the filing (确认归属, in the change
log) or the unit corrects it. A report that does not state its year is "未能核对" and counted as before.
Names are compared tolerantly (本级, 中共, spaces, short and full names). An upload repeating a report
already stored (same SHA-256) is kept but marked as a duplicate and never counted twice.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from jixiao.store import service
from jixiao.store.filing import check_filing
from web_support import DOCX_SAMPLE, FUTURE_DEADLINE, PASSWORD, TXT_SAMPLE, UNIT_A, UNIT_B

# small reports written for these tests (fictional units of the samples' 示例省)
NO_YEAR = ("示例市样板县司法局部门整体支出绩效自评报告\n\n单位名称：示例市样板县司法局\n\n一、部门基本情况\n\n"
           "我局主要负责全县的法治宣传、人民调解、法律援助和社区矫正工作。\n\n二、收支情况\n\n本年支出合计612.38万元。\n")
BENJI = ("示范区司法局（本级）2024年度部门整体支出绩效自评报告\n\n单位名称：示范区司法局（本级）\n\n一、部门基本情况\n\n"
         "我局主要负责全区的法治宣传、人民调解、法律援助和社区矫正工作。\n\n二、收支情况\n\n本年支出合计1512.99万元。\n")
ZHONGGONG = ("中共示例市示范区委政法委员会2024年度部门整体支出绩效自评报告\n\n一、部门基本情况\n\n我委主要负责全区政法工作。\n\n"
             "二、收支情况\n\n本年支出合计312.99万元。\n")


def unit(name, province=None, city=None, county=None):
    return SimpleNamespace(name=name, province=province, city=city, county=county)


A = unit(UNIT_A, "示例省", "示例市", "示范区")
B = unit(UNIT_B, "示例省", "示例市", "样板县")
TASK_2021 = SimpleNamespace(year=2021, title="2021年度部门整体支出绩效自评")


# --- the check itself (pure) -------------------------------------------------------------------------

@pytest.mark.parametrize(("stated", "registered"), [
    ({"unit_name": "示范区司法局（本级）", "county": "示范区"}, A),
    ({"unit_name": "示例市示范区司法局本级"}, A),
    ({"unit_name": "示例市 示范区 司法局"}, A),
    ({"unit_name": "示例市示范区司法局(机关本级)"}, A),
    ({"unit_name": "示例市样板县司法局", "city": "示例市", "county": "样板县"}, unit("样板县司法局")),
    ({"unit_name": "样板县司法局", "county": "样板县"}, B),
    ({"unit_name": "中共示例市示范区委政法委员会", "city": "示例市", "county": "示范区"},
     unit("示例市示范区委政法委员会", "示例省", "示例市", "示范区")),
    ({"unit_name": "长沙市天心区司法局", "province": "湖南省", "city": "长沙市", "county": "天心区"}, unit("天心区司法局")),
    ({"unit_name": "长阳县教育局"}, unit("长阳土家族自治县教育局")),
])
def test_same_unit_written_differently_is_no_mismatch(stated, registered):
    check = check_filing({**stated, "fiscal_year": 2021}, registered, TASK_2021)
    assert check.state == "ok", check.issues
    assert check.issues == [] and check.unchecked == []


@pytest.mark.parametrize(("stated", "registered", "kind"), [
    ({"unit_name": UNIT_A, "city": "示例市", "county": "示范区"}, B, "region"),
    ({"unit_name": UNIT_A, "city": "示例市", "county": "示范区"}, unit("样板县司法局"), "unit"),
    ({"unit_name": "示例市示范区财政局", "county": "示范区"}, A, "unit"),
    ({"unit_name": "长沙市岳麓区司法局"}, unit("长沙市天心区司法局", "湖南省", "长沙市", "天心区"), "region"),
    ({"unit_name": "益阳市司法局", "city": "益阳市"}, unit("益阳市赫山区司法局", "湖南省", "益阳市", "赫山区"), "unit"),
    ({"unit_name": "长沙市天心区司法局"}, unit("长沙市司法局"), "unit"),
])
def test_another_units_report_is_a_mismatch(stated, registered, kind):
    check = check_filing({**stated, "fiscal_year": 2021}, registered, TASK_2021)
    assert check.state == "mismatch" and [i.kind for i in check.issues] == [kind]
    assert check.issues[0].message.startswith(f"报告单位为“{stated['unit_name']}”，与上传单位“{registered.name}”不符")


def test_year_and_task_membership():
    check = check_filing({"unit_name": UNIT_A, "fiscal_year": 2024}, A, TASK_2021)
    assert check.state == "mismatch"
    assert [i.message for i in check.issues] == ["报告年度为2024年度，与任务《2021年度部门整体支出绩效自评》（2021年度）不符"]
    # a reviewer's upload is filed under the unit the report names: it must be one of the task's units
    check = check_filing({"unit_name": UNIT_A, "fiscal_year": 2021}, None, TASK_2021, task_units=[B])
    assert [i.kind for i in check.issues] == ["task"] and "不在任务" in check.issues[0].message
    assert check_filing({"unit_name": UNIT_A, "fiscal_year": 2021}, None, TASK_2021, task_units=[A, B]).state == "ok"


def test_what_the_report_does_not_state_is_unchecked_not_a_mismatch():
    check = check_filing({"unit_name": UNIT_B}, B, TASK_2021)
    assert check.state == "unchecked" and check.issues == []
    assert check.unchecked == ["报告中未写明年度，未能核对是否属于任务《2021年度部门整体支出绩效自评》（2021年度）"]
    check = check_filing({"fiscal_year": 2021}, B, TASK_2021)
    assert check.state == "unchecked" and check.unchecked == ["报告中未写明单位名称，未能核对单位"]
    assert check_filing({"unit_name": UNIT_B, "fiscal_year": 2024}, B, None).state == "ok"  # no task: no year to match


# --- through the service, the API and the pages --------------------------------------------------------

def _task(world, year: int, units: list[str], deadline: str = FUTURE_DEADLINE) -> dict:
    r = world.client.post("/api/tasks", headers=world.users["admin"].auth,
                          json={"year": year, "deadline": deadline, "units": units, "title": f"{year}年度自评"})
    assert r.status_code == 201, r.text
    return r.json()


def _states(world, task_id: int) -> dict[str, dict]:
    t = world.client.get(f"/api/tasks/{task_id}", headers=world.users["admin"].auth).json()
    return {u["unit_name"]: u for u in t["units"]}


def _upload(world, who: str, name: str, data: bytes, task_id: int | None = None) -> dict:
    r = world.client.post("/api/reports", headers=world.users[who].auth,
                          data={"task_id": str(task_id)} if task_id else {}, files=[("files", (name, data))])
    assert r.status_code == 200, r.text
    res = r.json()["results"][0]
    assert res["stored"] and res["analysis"] == "done", res
    return res


def _web(world, who: str) -> tuple[TestClient, str]:
    c = TestClient(world.app)
    return c, world.login(who, c)


def test_unit_uploads_another_units_report_mismatch_shown_and_not_counted(world):
    task = _task(world, 2024, [UNIT_A, UNIT_B])
    assert _states(world, task["id"])[UNIT_B]["state"] == "missing"
    # 样板县 uploads 示范区's 2024 report for the task
    res = _upload(world, "unit_b", TXT_SAMPLE.name, TXT_SAMPLE.read_bytes(), task["id"])
    assert res["filing_state"] == "mismatch" and res["duplicate_of"] is None  # 示范区's copy is not visible to 样板县
    assert res["filing_issues"] == [f"报告单位为“{UNIT_A}”，与上传单位“{UNIT_B}”不符（所在区县：报告为示范区，上传单位为样板县）"]
    d = world.detail(res["report_id"])
    assert d["unit_name"] == UNIT_B and d["filing_state"] == "mismatch"  # filed under the uploader, flagged
    [f] = [f for f in d["findings"] if f["rule"] == "filing-mismatch"]
    assert f["severity"] == "error" and f["message"].startswith(f"报告单位为“{UNIT_A}”，与上传单位“{UNIT_B}”不符")
    assert "不计入该单位的报送" in f["message"] and f["values"]["compared_with"] == f"上传单位“{UNIT_B}”"
    text = d["text"]
    assert f["evidence"] and all(text[s["start"]:s["end"]] == s["text"] for s in f["evidence"])
    assert any(UNIT_A in s["text"] or "示范区" in s["text"] for s in f["evidence"])
    # not counted: 样板县 has not submitted; the report waits for confirmation
    row = _states(world, task["id"])[UNIT_B]
    assert row["state"] == "missing" and row["report_id"] is None and row["unconfirmed_report_id"] == res["report_id"]
    # comparisons do not show 示范区's figures under 样板县
    cmp_ = world.client.get("/api/compare", headers=world.users["admin"].auth, params={"key": "facts.budget"}).json()
    assert set(cmp_["cells"][UNIT_B]) == {"2023"} and cmp_["cells"][UNIT_A]["2024"]["report_id"] == world.report_a
    # 示范区 does not see it (it is not filed under 示范区)
    assert world.client.get(f"/api/reports/{res['report_id']}", headers=world.users["unit_a"].auth).status_code == 404
    # the upload page answers with the mismatch; the report page shows the banner
    c, csrf = _web(world, "unit_b")
    data = TXT_SAMPLE.read_bytes() + "\n附：重新上传。\n".encode()
    body = c.post("/upload", files={"file": ("示范区.txt", data, "text/plain")},
                  headers={"X-CSRF-Token": csrf, "Accept": "application/json"}).json()
    assert body["ok"] and body["filing_state"] == "mismatch"
    assert f"报告单位为“{UNIT_A}”，与上传单位“{UNIT_B}”不符" in body["warning"] and "不计入本单位的报送" in body["warning"]
    page = c.get(f"/reports/{res['report_id']}").text
    assert "归属不符，暂不计入“示例市样板县司法局”的报送" in page and "与上传单位“示例市样板县司法局”不符" in page
    assert "/filing\"" not in page  # a unit user cannot confirm its own filing
    assert "归属不符" in c.get("/reports").text


def test_report_of_another_year_into_a_task_then_reviewer_confirms(world):
    task = _task(world, 2021, [UNIT_A])
    data = TXT_SAMPLE.read_bytes() + b"\n"  # 示范区's own 2024 report (another copy), for the 2021 task
    res = _upload(world, "unit_a", "2024年报告.txt", data, task["id"])
    assert res["filing_state"] == "mismatch"
    assert res["filing_issues"] == ["报告年度为2024年度，与任务《2021年度自评》（2021年度）不符"]
    d = world.detail(res["report_id"])
    [f] = [f for f in d["findings"] if f["rule"] == "filing-mismatch"]
    assert f["evidence"] and f["evidence"][0]["text"].startswith("2024")
    assert _states(world, task["id"])[UNIT_A]["state"] == "missing"
    errors = d["error_count"]
    # only a reviewer confirms, with a reason, on the current version
    rid, v = res["report_id"], d["version"]
    unit_try = world.client.post(f"/api/reports/{rid}/filing", headers=world.users["unit_a"].auth,
                                 json={"reason": "是本单位的", "version": v})
    assert unit_try.status_code == 403 and unit_try.json()["detail"] == "只有审核人员可以确认报告归属"
    no_reason = world.client.post(f"/api/reports/{rid}/filing", headers=world.users["admin"].auth,
                                  json={"reason": " ", "version": v})
    assert no_reason.status_code == 400 and no_reason.json()["detail"] == "请填写确认归属的理由"
    stale = world.client.post(f"/api/reports/{rid}/filing", headers=world.users["admin"].auth,
                              json={"reason": "x", "version": v - 1})
    assert stale.status_code == 409
    c, csrf = _web(world, "admin")
    page = c.get(f"/reports/{rid}").text
    assert f'action="/reports/{rid}/filing"' in page and "确认归属" in page
    r = c.post(f"/reports/{rid}/filing", data={"csrf_token": csrf, "version": str(v),
                                                "reason": "2021年度报告误用了2024年封面，经电话核实"}, follow_redirects=False)
    assert r.status_code == 303 and "msg=filing" in r.headers["location"]
    # counted now; the finding stays as information; the confirmation is in the change log
    assert _states(world, task["id"])[UNIT_A]["state"] == "submitted"
    d = world.detail(rid)
    assert d["filing_state"] == "confirmed" and d["error_count"] == errors - 1
    [f] = [f for f in d["findings"] if f["rule"] == "filing-mismatch"]
    assert f["severity"] == "info" and "已由admin确认归属" in f["message"]
    [log] = [c for c in d["corrections"] if c["field"] == "filing"]
    assert log["label"] == "报告归属" and log["new_value"] == "已确认归属" and log["applied"]
    assert log["reason"] == "2021年度报告误用了2024年封面，经电话核实" and "报告年度为2024年度" in log["old_value"]
    again = world.client.post(f"/api/reports/{rid}/filing", headers=world.users["admin"].auth,
                              json={"reason": "x", "version": d["version"]})
    assert again.status_code == 400 and again.json()["detail"] == "该报告的归属已确认"
    # the confirmation survives a re-analysis
    assert world.client.post(f"/api/reports/{rid}/reanalyse", headers=world.users["admin"].auth).status_code == 200
    assert world.detail(rid)["filing_state"] == "confirmed"
    assert "已确认归属" in c.get(f"/reports/{rid}").text


def test_unit_corrects_the_year_and_the_check_runs_again(sqlite_world):
    world = sqlite_world
    task = _task(world, 2021, [UNIT_A])
    res = _upload(world, "unit_a", "报告.txt", TXT_SAMPLE.read_bytes() + b"\n", task["id"])
    assert res["filing_state"] == "mismatch"
    v = world.detail(res["report_id"])["version"]
    r = world.client.post(f"/api/reports/{res['report_id']}/corrections", headers=world.users["unit_a"].auth,
                          json={"field": "facts.fiscal_year", "value": "2021", "reason": "年度填写错误", "version": v})
    assert r.status_code == 201, r.text
    d = world.detail(res["report_id"])
    assert d["filing_state"] == "ok" and not [f for f in d["findings"] if f["rule"] == "filing-mismatch"]
    assert _states(world, task["id"])[UNIT_A]["state"] == "submitted"


def test_report_without_a_year_is_unchecked_and_counted(sqlite_world):
    world = sqlite_world
    task = _task(world, 2023, [UNIT_B])
    res = _upload(world, "unit_b", "无年度.txt", NO_YEAR.encode(), task["id"])
    assert res["filing_state"] == "unchecked" and res["filing_issues"] == []
    assert res["filing_unchecked"] == ["报告中未写明年度，未能核对是否属于任务《2023年度自评》（2023年度）"]
    d = world.detail(res["report_id"])
    assert not [f for f in d["findings"] if f["rule"] == "filing-mismatch"]
    row = _states(world, task["id"])[UNIT_B]
    assert row["state"] == "submitted" and row["report_id"] == res["report_id"]
    c, _ = _web(world, "unit_b")
    assert "归属未能核对：报告中未写明年度" in c.get(f"/reports/{res['report_id']}").text


def test_same_unit_written_with_benji_short_name_or_party_prefix_is_counted(sqlite_world):
    world = sqlite_world
    res = _upload(world, "unit_a", "本级.txt", BENJI.encode())
    assert res["filing_state"] == "ok" and res["unit_name"] == UNIT_A
    with world.db() as s:
        for username, name, county in (("short_b", "样板县司法局", "样板县"), ("zfw", "示例市示范区委政法委员会", "示范区")):
            service.get_or_create_unit(s, name, "示例省", "示例市", county)
            u = service.create_user(s, username=username, password=PASSWORD, role="unit", unit=name)
            world.users[username] = SimpleNamespace(auth={"Authorization": f"Bearer {service.create_api_token(s, u, 't')}"})
    res = _upload(world, "short_b", DOCX_SAMPLE.name, DOCX_SAMPLE.read_bytes())  # says 示例市样板县司法局
    assert res["filing_state"] == "ok" and res["unit_name"] == "样板县司法局"
    res = _upload(world, "zfw", "政法委.txt", ZHONGGONG.encode())  # says 中共示例市示范区委政法委员会
    assert res["filing_state"] == "ok"


def test_duplicate_upload_recognised_and_not_counted_twice(sqlite_world):
    world = sqlite_world
    task = _task(world, 2024, [UNIT_A])
    assert _states(world, task["id"])[UNIT_A]["report_id"] == world.report_a
    c, csrf = _web(world, "unit_a")
    body = c.post("/upload", files={"file": ("再传一次.txt", TXT_SAMPLE.read_bytes(), "text/plain")},
                  headers={"X-CSRF-Token": csrf, "Accept": "application/json"}).json()
    assert body["ok"] and body["duplicate_url"] == f"/reports/{world.report_a}"
    assert body["duplicate"] == f"与已上传的报告《{TXT_SAMPLE.name}》内容相同，已作为重复上传保存，不重复计入"
    dup = body["report_id"]
    assert world.detail(dup)["duplicate_of"] == world.report_a
    res = _upload(world, "unit_a", "第三次.txt", TXT_SAMPLE.read_bytes())
    assert res["duplicate_of"] == world.report_a and res["duplicate_name"] == TXT_SAMPLE.name
    # the task still counts the first report; the comparison shows the first report, once
    assert _states(world, task["id"])[UNIT_A]["report_id"] == world.report_a
    cmp_ = world.client.get("/api/compare", headers=world.users["admin"].auth, params={"key": "facts.budget"}).json()
    assert cmp_["cells"][UNIT_A]["2024"]["report_id"] == world.report_a
    rows = world.client.get("/api/reports", headers=world.users["unit_a"].auth).json()["items"]
    assert {r["id"]: r["duplicate_of"] for r in rows} == {world.report_a: None, dup: world.report_a,
                                                          res["report_id"]: world.report_a}
    page = c.get(f"/reports/{dup}").text
    assert f'与已上传的报告《<a href="/reports/{world.report_a}">' in page and "重复上传" in page
    assert "重复上传" in c.get("/reports").text
    # another unit's identical file is not reported as a duplicate to a unit that cannot see it
    res = _upload(world, "unit_b", TXT_SAMPLE.name, TXT_SAMPLE.read_bytes())
    assert res["duplicate_of"] is None and res["filing_state"] == "mismatch"


def test_reviewers_upload_into_a_task_of_other_units_is_a_mismatch(sqlite_world):
    world = sqlite_world
    task = _task(world, 2024, [UNIT_B])
    # a reviewer's upload is filed under the unit the report names (示范区), which is not in the task
    res = _upload(world, "admin", "示范区.txt", TXT_SAMPLE.read_bytes() + b"\n", task["id"])
    assert res["unit_name"] == UNIT_A and res["filing_state"] == "mismatch"
    assert res["filing_issues"] == [f"报告单位“{UNIT_A}”不在任务《2024年度自评》（2024年度）的单位中"]
    # and a reviewer's identical file is recognised among the reports the reviewer sees
    res = _upload(world, "admin", "又一份.txt", TXT_SAMPLE.read_bytes())
    assert res["duplicate_of"] == world.report_a


def test_task_pages_show_the_report_waiting_for_confirmation(sqlite_world):
    world = sqlite_world
    task = _task(world, 2024, [UNIT_B])
    res = _upload(world, "unit_b", TXT_SAMPLE.name, TXT_SAMPLE.read_bytes(), task["id"])
    c, _ = _web(world, "unit_b")
    assert "有报告归属不符，待确认" in c.get("/tasks").text
    page = c.get(f"/tasks/{task['id']}").text
    assert "有报告归属不符，待确认" in page and f'href="/reports/{res["report_id"]}#filing"' in page
