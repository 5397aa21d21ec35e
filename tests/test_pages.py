"""The Chinese pages (``jixiao.web.routes``) through FastAPI's TestClient on a SQLite file: every page
renders for each role, filters/sort/paging work, report text is escaped, CSRF is required, a unit user
gets 404 on another unit's report pages, corrections and the workflow work end to end."""

from __future__ import annotations

import hashlib
import io
import json
import re
import warnings
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import SAMPLES

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from jixiao.render.highlight import Mark, highlight
from jixiao.store import service
from jixiao.store.models import Report, User
from jixiao.web.app import create_app

SAMPLE = SAMPLES / "示例市示范区司法局_2024年度部门整体支出绩效自评报告.txt"
UNIT_A = "示例市示范区司法局"
UNIT_B = "示例市其他区司法局"
PASSWORD = "secret-pass-1"
EVIL_TEXT = (f"{UNIT_B}2024年度部门整体支出绩效自评报告\n<script>alert(\"xss\")</script>\n"
             "<img src=x onerror=alert(2)>\n一、部门基本情况\n本年支出合计100.00万元，基本支出80.00万元。\n")
EVIL_NAME = "<img src=x onerror=alert(1)>.txt"


# --- fixtures --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """An app on a fresh SQLite file with an admin, a reviewer, two unit users and two reports:
    the bundled sample (unit A) and a hostile report of unit B."""
    folder = tmp_path_factory.mktemp("pages")
    app = create_app(f"sqlite:///{folder / 'pages.db'}", secret_key="t" * 48)
    with app.state.session_factory() as db:
        admin = service.create_user(db, username="admin", password=PASSWORD, role="admin", display_name="管理员")
        service.create_user(db, username="unit_a", password=PASSWORD, role="unit", unit=UNIT_A, display_name="甲填报")
        unit_b = service.create_user(db, username="unit_b", password=PASSWORD, role="unit", unit=UNIT_B,
                                     display_name="乙填报")
        service.create_user(db, username="unit_c", password=PASSWORD, role="unit", unit="示例市第三区司法局")
        service.get_or_create_unit(db, "示例市第三区司法局", "示例省", "示例市", "第三区")
        service.create_user(db, username="reviewer", password=PASSWORD, role="reviewer", region="示例市",
                            display_name="李审核")
        a = service.upload_files(db, admin, [(SAMPLE.name, SAMPLE.read_bytes())])[0]
        b = service.upload_files(db, unit_b, [(EVIL_NAME, EVIL_TEXT.encode())])[0]
        assert a.analysis == "done" and b.analysis == "done", (a, b)
    return {"app": app, "a": a.report_id, "b": b.report_id}


def client(site) -> TestClient:
    return TestClient(site["app"])


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert m, "page without CSRF token"
    return m.group(1)


def login(site, username: str) -> tuple[TestClient, str]:
    c = client(site)
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    return c, csrf_of(c.get("/").text)


def version_of(site, report_id: int) -> int:
    with site["app"].state.session_factory() as db:
        return db.get(Report, report_id).version


# --- highlighting (pure) ---------------------------------------------------------------------------

def test_highlight_escapes_everything_and_nests_nothing():
    text = "<script>alert(1)</script> 基本支出1126.47万元&"
    html = str(highlight(text, [Mark(0, 8, "f-a", 'x"<y'), Mark(4, 20, "x-0", "bad", "error"),
                                Mark(30, 37, "f-b", "基本"), Mark(33, 36, "m-1"), Mark(100, 120, "f-z"),
                                Mark(5, 5, "f-empty")]))
    # the text comes back unchanged once the marks are removed and entities decoded
    import html as h

    plain = h.unescape(re.sub(r"</?mark[^>]*>", "", html))
    assert plain == text
    # no mark inside a mark: the markup is a flat sequence
    assert re.search(r"<mark[^>]*>[^<]*<mark", html) is None
    assert html.count("<mark") == html.count("</mark>")
    # overlapping spans: the piece covered by both lists both refs, values first
    assert 'data-ev="f-a x-0"' in html
    assert 'data-ev="f-b m-1"' in html
    assert "f-z" not in html and "f-empty" not in html
    # the attribute value is escaped too
    assert 'title="x&#34;&lt;y' in html
    assert "<script>" not in html and "alert(1)&lt;/sc" in html


def test_highlight_severity_classes():
    html = str(highlight("abcdef", [Mark(0, 3, "x-0", "", "warning"), Mark(1, 2, "x-1", "", "error"),
                                    Mark(4, 6, "x-2", "", "info")]))
    assert 'class="ev f-only fw"' in html and 'class="ev f-only fe"' in html and 'class="ev f-only fi"' in html


# --- login and access ------------------------------------------------------------------------------

def test_anonymous_is_sent_to_login(site):
    c = client(site)
    r = c.get("/reports", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/reports")
    page = c.get("/login")
    assert page.status_code == 200 and "登录" in page.text and 'name="csrf_token"' in page.text


def test_wrong_password_is_refused_in_chinese(site):
    c = client(site)
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"username": "admin", "password": "nope", "csrf_token": token})
    assert r.status_code == 401 and "用户名或密码错误" in r.text


def test_login_needs_csrf(site):
    c = client(site)
    c.get("/login")
    r = c.post("/login", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 403


def test_login_next_is_local_only(site):
    c = client(site)
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token,
                               "next": "//evil.example/x"}, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_logout_needs_csrf_and_ends_session(site):
    c, token = login(site, "reviewer")
    assert c.post("/logout").status_code == 403
    r = c.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/", follow_redirects=False).status_code == 303


ROLE_PAGES = {
    "admin": {"/": 200, "/reports": 200, "/tasks": 200, "/tasks/new": 200, "/upload": 200, "/compare": 200,
              "/users": 200},
    "reviewer": {"/": 200, "/reports": 200, "/tasks": 200, "/tasks/new": 200, "/upload": 200, "/compare": 200,
                 "/users": 404},
    "unit_a": {"/": 200, "/reports": 200, "/tasks": 200, "/tasks/new": 404, "/upload": 200, "/compare": 404,
               "/users": 404, "/compare.csv": 404},
}


@pytest.mark.parametrize("role", sorted(ROLE_PAGES))
def test_pages_render_for_each_role(site, role):
    c, _ = login(site, role)
    for url, status in ROLE_PAGES[role].items():
        r = c.get(url)
        assert r.status_code == status, (role, url, r.status_code, r.text[:300])
        if status == 200:
            assert "退出" in r.text and "绩效自评审核" in r.text
    home = c.get("/").text
    assert ("对比分析" in home) == (role != "unit_a")
    assert ("用户管理" in home) == (role == "admin")
    assert {"admin": "管理员", "reviewer": "审核人员", "unit_a": "单位填报人"}[role] in home


def test_every_asset_is_local(site):
    c, _ = login(site, "admin")
    html = c.get(f"/reports/{site['a']}").text + c.get("/").text + c.get("/compare").text
    assert not re.search(r'(src|href)="(https?:)?//', html)
    for path in re.findall(r'(?:src|href)="(/static/[^"?]+)', html):
        assert c.get(path).status_code == 200, path


# --- home, list, filters ---------------------------------------------------------------------------

def test_home_shows_counts_rules_and_attention(site):
    c, _ = login(site, "admin")
    html = c.get("/").text
    assert "待审核" in html and "问题分布" in html
    assert "合计与分项之和不符" in html  # findings by rule
    assert re.search(r'id="attention".*示例市示范区司法局', html, re.S)  # has errors → needs attention


def test_report_list_filters(site, tmp_path):
    c, _ = login(site, "admin")
    with site["app"].state.session_factory() as db:
        for i in range(35):
            db.add(Report(filename=f"批量{i:02d}.txt", file_sha256=hashlib.sha256(str(i).encode()).hexdigest(),
                          file_size=1, original=b"x", analysis="done", status="approved" if i % 2 else "pending",
                          unit_name=f"批量单位{i:02d}", fiscal_year=2021 + i % 2, city="批量市", county=f"{i}区"))
        db.commit()
    try:
        all_rows = c.get("/reports").text
        assert "共 37 份报告" in all_rows and "第 1 / 2 页" in all_rows
        page2 = c.get("/reports?page=2").text
        assert page2.count('        <td><a href="/reports/') == 7
        y2023 = c.get("/reports?year=2021").text
        assert "共 18 份报告" in y2023 and "批量单位00" in y2023 and "批量单位01" not in y2023
        approved = c.get("/reports?status=approved&year=2022").text
        assert "共 17 份报告" in approved
        errors = c.get("/reports?severity=error").text
        assert "共 1 份报告" in errors and UNIT_A in errors
        unit = c.get("/reports?unit=批量单位07").text
        assert "共 1 份报告" in unit
        region = c.get("/reports?region=示范区").text
        assert "共 1 份报告" in region
        by_unit = c.get("/reports?sort=unit&year=2021").text
        names = re.findall(r"批量单位(\d\d)", by_unit)
        assert names == sorted(names)
        desc = re.findall(r"批量单位(\d\d)", c.get("/reports?sort=-unit&year=2021").text)
        assert desc == sorted(desc, reverse=True)
        # the XLSX export is the current filtered list (every page)
        from openpyxl import load_workbook

        x = c.get("/reports/export.xlsx?year=2021")
        assert x.status_code == 200 and x.headers["content-type"].startswith(
            "application/vnd.openxmlformats")
        ws = load_workbook(io.BytesIO(x.content)).active
        assert ws.max_row == 1 + 18
        assert c.get("/reports/export.xlsx").status_code == 200
        # bad filter values do not break the page
        assert c.get("/reports?year=abc&status=zzz&sort=nope&page=-3").status_code == 200
    finally:
        with site["app"].state.session_factory() as db:
            db.query(Report).filter(Report.filename.like("批量%")).delete(synchronize_session=False)
            db.commit()


# --- escaping --------------------------------------------------------------------------------------

def test_report_containing_script_renders_as_text(site):
    c, _ = login(site, "admin")
    html = c.get(f"/reports/{site['b']}").text
    assert '<script>alert("xss")</script>' not in html
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in html or \
        "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    listing = c.get("/reports").text
    assert EVIL_NAME not in listing and "&lt;img src=x onerror=alert(1)&gt;.txt" in listing
    # the only scripts are ours
    for m in re.finditer(r"<script([^>]*)>", html):
        assert 'src="/static/' in m.group(1) or 'type="application/json"' in m.group(1), m.group(0)


def test_detail_page_has_text_values_findings_and_score(site):
    c, _ = login(site, "reviewer")
    html = c.get(f"/reports/{site['a']}").text
    # every finding has a highlighted span in the text and a row pointing at it
    assert html.count('data-ref="x-') >= 5
    for ref in re.findall(r'<li data-ref="(x-\d+)"', html):
        assert re.search(rf'<mark class="ev[^"]*" data-ev="[^"]*\b{ref}\b', html), ref
    # facts with Chinese labels linked to their evidence
    assert 'data-ref="f-basic_expenditure"' in html and "基本支出" in html
    assert re.search(r'<mark class="ev[^"]*" data-ev="f-basic_expenditure', html)
    assert "调解成功率" in html and "评分卡" in html and "修改记录" in html and "审核流程" in html
    assert "项目支出386.52万元，与所列" in html  # the sum-mismatch message
    # every form carries the CSRF token
    forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S)
    assert forms and all('name="csrf_token"' in f for f in forms)


# --- CSRF ------------------------------------------------------------------------------------------

def test_posts_without_csrf_are_rejected(site):
    c, token = login(site, "admin")
    v = version_of(site, site["a"])
    form = {"field": "facts.budget", "new_value": "1", "reason": "测试", "version": str(v)}
    assert c.post(f"/reports/{site['a']}/correct", data=form).status_code == 403
    assert c.post(f"/reports/{site['a']}/correct", data={**form, "csrf_token": "forged"}).status_code == 403
    assert c.post(f"/reports/{site['a']}/status", data={"to_status": "in_review", "version": str(v)}).status_code == 403
    assert c.post("/tasks", data={"year": "2024", "deadline": "2025-04-30", "unit_ids": "1"}).status_code == 403
    r = c.post("/upload", files={"file": ("a.txt", b"abc", "text/plain")}, headers={"Accept": "application/json"})
    assert r.status_code == 403
    assert version_of(site, site["a"]) == v  # nothing changed


# --- another unit's report -------------------------------------------------------------------------

def test_unit_user_gets_404_on_another_units_report(site):
    c, token = login(site, "unit_a")
    b = site["b"]
    v = version_of(site, b)
    assert c.get(f"/reports/{b}").status_code == 404
    assert c.get(f"/reports/{b}/original").status_code == 404
    assert c.get(f"/reports/{b}/documents/memo").status_code == 404
    r = c.post(f"/reports/{b}/correct", data={"field": "facts.expenditure_total", "new_value": "1", "reason": "x",
                                              "version": str(v), "csrf_token": token})
    assert r.status_code == 404
    r = c.post(f"/reports/{b}/status", data={"to_status": "approved", "version": str(v), "csrf_token": token})
    assert r.status_code == 404
    assert c.get("/reports/999999").status_code == 404
    # not in the list, the export, the home page
    assert UNIT_B not in c.get("/reports").text
    assert UNIT_B not in c.get("/").text
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(c.get("/reports/export.xlsx").content)).active
    assert all(UNIT_B not in str(cell.value) for row in ws.iter_rows() for cell in row)
    # but its own report is there
    own = c.get(f"/reports/{site['a']}")
    assert own.status_code == 200 and "修改" in own.text
    assert version_of(site, b) == v


def test_unit_user_cannot_change_status(site):
    c, token = login(site, "unit_a")
    html = c.get(f"/reports/{site['a']}").text
    assert "审核通过</button>" not in html
    r = c.post(f"/reports/{site['a']}/status", data={"to_status": "approved", "version": str(version_of(site, site["a"])),
                                                     "csrf_token": token})
    assert r.status_code == 403 and "只有审核人员" in r.text


# --- corrections and workflow ----------------------------------------------------------------------

def test_correction_with_reason_and_conflict(site):
    c, token = login(site, "reviewer")
    rid = site["a"]
    v = version_of(site, rid)
    r = c.post(f"/reports/{rid}/correct", data={"field": "facts.project_expenditure", "new_value": "372.27",
                                                "reason": "以项目明细合计为准", "version": str(v), "csrf_token": token,
                                                "ref": "f-project_expenditure"}, follow_redirects=False)
    assert r.status_code == 303 and "msg=corrected" in r.headers["location"]
    html = c.get(r.headers["location"]).text
    assert "已保存更正" in html
    log = html[html.index('id="changelog"'):]
    assert "以项目明细合计为准" in log and "李审核" in log and "386.52" in log and "372.27" in log
    assert "已更正" in html
    # the same stale version again: conflict, nothing lost
    r = c.post(f"/reports/{rid}/correct", data={"field": "facts.budget", "new_value": "1", "reason": "x",
                                                "version": str(v), "csrf_token": token})
    assert r.status_code == 409 and "该报告已被他人修改，请刷新后重试" in r.text
    # a reason is required (the message is shown on the page)
    r = c.post(f"/reports/{rid}/correct", data={"field": "facts.budget", "new_value": "1", "reason": " ",
                                                "version": str(version_of(site, rid)), "csrf_token": token})
    assert r.status_code == 400 and "请填写更正原因" in r.text


def test_review_workflow_with_comment_and_history(site):
    c, token = login(site, "reviewer")
    rid = site["b"]

    def move(to, comment=""):
        return c.post(f"/reports/{rid}/status", data={"to_status": to, "comment": comment, "csrf_token": token,
                                                      "version": str(version_of(site, rid))}, follow_redirects=False)

    assert move("in_review").status_code == 303
    r = move("returned")
    assert r.status_code == 400 and "退回修改时请填写审核意见" in r.text
    assert move("returned", "支出合计与决算表不一致，请核实").status_code == 303
    html = c.get(f"/reports/{rid}").text
    review = html[html.index('id="review"'):html.index('id="facts"')]
    assert "支出合计与决算表不一致，请核实" in review and "李审核" in review and "退回修改" in review
    assert "待审核 → <b>审核中</b>" in review
    stale = c.post(f"/reports/{rid}/status", data={"to_status": "in_review", "csrf_token": token, "version": "1"})
    assert stale.status_code == 409 and "该报告已被他人修改，请刷新后重试" in stale.text
    assert move("in_review").status_code == 303
    assert move("approved", "同意").status_code == 303
    assert "审核通过" in c.get(f"/reports/{rid}").text


# --- tasks -----------------------------------------------------------------------------------------

def test_task_opened_by_reviewer_seen_by_units(site):
    c, token = login(site, "reviewer")
    with site["app"].state.session_factory() as db:
        from jixiao.store.models import Unit

        ids = {u.name: u.id for u in db.query(Unit).all()}
    past = (date.today() - timedelta(days=3)).isoformat()
    form = {"csrf_token": token, "year": "2024", "title": "2024年度部门整体支出绩效自评", "deadline": past,
            "note": "请按提纲编写", "unit_ids": [str(ids[UNIT_A]), str(ids["示例市第三区司法局"])]}
    r = c.post("/tasks", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    url = r.headers["location"].split("?")[0]
    page = c.get(url).text
    assert "任务已下达" in c.get(r.headers["location"]).text
    assert UNIT_A in page and "示例市第三区司法局" in page
    assert "逾期未交" in page  # unit C has nothing and the deadline passed
    # an empty unit selection is refused with a Chinese message, the form is kept
    bad = c.post("/tasks", data={"csrf_token": token, "year": "2024", "title": "空任务", "deadline": past})
    assert bad.status_code == 400 and "请至少选择一个单位" in bad.text and "空任务" in bad.text
    # unit C sees the task addressed to it; unit B does not
    cc, _ = login(site, "unit_c")
    assert "2024年度部门整体支出绩效自评" in cc.get("/tasks").text
    assert cc.get(url).status_code == 200
    cb, _ = login(site, "unit_b")
    assert "2024年度部门整体支出绩效自评" not in cb.get("/tasks").text
    assert cb.get(url).status_code == 404


# --- upload ----------------------------------------------------------------------------------------

def test_upload_one_file_per_request_with_chinese_reasons(site):
    c, token = login(site, "unit_c")
    h = {"X-CSRF-Token": token, "Accept": "application/json"}
    bad = c.post("/upload", files={"file": ("报告.pdf", b"not a pdf", "application/pdf")}, headers=h)
    assert bad.status_code == 400 and bad.json()["ok"] is False and "不是 PDF" in bad.json()["error"]
    doc = c.post("/upload", files={"file": ("苹果格式.pages", b"PK\x03\x04xxxx", "application/octet-stream")}, headers=h)
    assert doc.status_code == 400 and "不支持的文件类型" in doc.json()["error"]
    text = "示例市第三区司法局2023年度部门整体支出绩效自评报告\n本年支出合计50.00万元。\n"
    ok = c.post("/upload", files={"file": ("第三区.txt", text.encode(), "text/plain")}, headers=h)
    body = ok.json()
    assert ok.status_code == 200 and body["ok"] and body["url"] == f"/reports/{body['report_id']}"
    assert "示例市第三区司法局" in body["summary"]
    assert c.get(body["url"]).status_code == 200
    # stored, but the analysis fails: the reason is shown, the report page still renders
    broken = c.post("/upload", files={"file": ("损坏.docx", b"PK\x03\x04 not really a zip", "application/zip")},
                    headers=h)
    assert broken.json()["ok"] is False and broken.json()["error"].startswith("已保存，但分析失败")
    failed_page = c.get(broken.json()["url"])
    assert failed_page.status_code == 200 and "分析失败" in failed_page.text
    page = c.get("/upload").text
    assert 'class="dropzone"' in page and "multiple" in page and "第三区.txt" in page


def test_compare_units_by_years(site):
    c, _ = login(site, "reviewer")
    html = c.get("/compare?key=facts.expenditure_total").text
    assert 'id="compare-table"' in html and "本年支出合计" in html
    assert UNIT_A in html and "1,512.99" in html
    assert '"type": "line"' in html or '"type":"line"' in html
    assert c.get("/compare?key=kpi.mediation.success_rate&chart=bar").status_code == 200
    assert c.get("/compare?key=bogus").status_code == 200
    csv = c.get("/compare.csv?key=facts.expenditure_total")
    assert csv.status_code == 200 and UNIT_A in csv.content.decode("utf-8-sig")


def test_compare_three_districts_over_three_years(site):
    from jixiao.store.models import ReportValue

    data = {"示例市甲区司法局": [96.1, 97.3, 98.0], "示例市乙区司法局": [93.5, 95.2, 94.8],
            "示例市丙县司法局": [97.8, 98.4, 99.1]}
    with site["app"].state.session_factory() as db:
        for unit, values in data.items():
            for year, v in zip((2022, 2023, 2024), values, strict=True):
                r = Report(filename=f"对比{unit}{year}.txt", file_sha256=hashlib.sha256(f"{unit}{year}".encode()).hexdigest(),
                           file_size=1, original=b"x", analysis="done", unit_name=unit, fiscal_year=year, city="示例市")
                db.add(r)
                db.flush()
                db.add(ReportValue(report_id=r.id, key="kpi.mediation.success_rate", num=v, text="调解成功率", unit="%"))
        db.commit()
    try:
        c, _ = login(site, "reviewer")
        html = c.get("/compare?key=kpi.mediation.success_rate").text
        table = html[html.index('id="compare-table"'):]
        for unit, values in data.items():
            row = re.search(rf"<td>{unit}</td>(.*?)</tr>", table, re.S).group(1)
            assert [float(x) for x in re.findall(r">([\d.]+)</a>", row)] == values
        assert "2022年" in table and "2024年" in table and "+1.9" in table
        option = json.loads(re.search(r'<script type="application/json" id="cmp-chart">(.*?)</script>', html, re.S).group(1))
        assert option["xAxis"]["data"] == ["2022年", "2023年", "2024年"]
        assert {s["name"]: s["data"] for s in option["series"] if s["name"] in data} == data
        bar = c.get("/compare?key=kpi.mediation.success_rate&chart=bar&from=2023").text
        assert "2022年" not in bar[bar.index('id="compare-table"'):] and '"bar"' in bar
        # a unit user has no comparison page
        cu, _ = login(site, "unit_a")
        assert cu.get("/compare?key=kpi.mediation.success_rate").status_code == 404
    finally:
        with site["app"].state.session_factory() as db:
            db.query(Report).filter(Report.filename.like("对比%")).delete(synchronize_session=False)
            db.commit()


def test_a_pdf_reports_findings_link_to_their_pages(site):
    """A finding on a PDF says on which pages its evidence is, and the page can be seen as an image; another
    unit's user gets 404, as for the report itself."""
    pdf = Path(__file__).parent / "fixtures" / "dev_accounts" / "jilin_lishu_wenguanglv_2023.pdf"
    with site["app"].state.session_factory() as db:
        admin = db.scalar(select(User).where(User.username == "admin"))
        (res,) = service.upload_files(db, admin, [(pdf.name, pdf.read_bytes())])
        report = db.get(Report, res.report_id)
        located = [f for f in report.findings if any(loc.get("page") for loc in f.get("locations") or [])]
        assert located, [f["rule"] for f in report.findings]
        page = next(loc["page"] for loc in located[0]["locations"] if loc.get("page"))
        rid = report.id
    c, _ = login(site, "admin")
    html = c.get(f"/reports/{rid}").text
    assert f"/reports/{rid}/pages/{page}" in html and "位置：" in html
    r = c.get(f"/reports/{rid}/pages/{page}")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert c.get(f"/reports/{rid}/pages/999").status_code == 404
    other, _ = login(site, "unit_b")
    assert other.get(f"/reports/{rid}/pages/{page}").status_code == 404


def test_detail_page_offers_the_documents_and_they_download(site):
    c, _ = login(site, "reviewer")
    html = c.get(f"/reports/{site['a']}").text
    for kind in ("memo", "table", "report", "html"):
        assert f'href="/reports/{site["a"]}/documents/{kind}"' in html
    memo = c.get(f"/reports/{site['a']}/documents/memo")
    assert memo.status_code == 200 and memo.content.startswith(b"PK")
    assert "%E5%AE%A1%E6%A0%B8%E6%84%8F%E8%A7%81%E4%B9%A6.docx" in memo.headers["content-disposition"]  # 审核意见书
    table = c.get(f"/reports/{site['a']}/documents/table")
    assert table.status_code == 200 and table.content.startswith(b"PK") and "spreadsheetml" in table.headers["content-type"]
    page = c.get(f"/reports/{site['a']}/documents/html")
    assert page.status_code == 200 and page.text.startswith("<!DOCTYPE html>") and "<mark" in page.text


def test_a_scanned_reports_findings_outline_the_line_on_the_page(site, tmp_path):
    """A report uploaded as a scan (an image read by OCR): its finding links to the page with the OCR'd line's box,
    and the page image comes back with the box drawn; a malformed box is ignored."""
    from jixiao.ingest import ocr  # noqa: PLC0415 - optional: the OCR engine is the ocr extra
    from ocr_support import font_path, page_images  # noqa: PLC0415 - optional: as above

    if not ocr.available() or font_path() is None:
        pytest.skip("OCR engine or CJK font not installed")
    text = ("示例县档案馆2024年度部门整体支出绩效自评报告\n二、部门整体支出情况\n"
            "2024年度本年支出合计390.20万元，其中：基本支出280.20万元，项目支出100.00万元。\n")
    png = tmp_path / "扫描件.png"
    page_images(text, 200)[0].save(png)
    with site["app"].state.session_factory() as db:
        admin = db.scalar(select(User).where(User.username == "admin"))
        (res,) = service.upload_files(db, admin, [(png.name, png.read_bytes())])
        report = db.get(Report, res.report_id)
        assert report.analysis == "done", report.analysis_error
        located = [f for f in report.findings if any(loc.get("box") for loc in f.get("locations") or [])]
        assert located, [f["rule"] for f in report.findings]
        rid = report.id
    c, _ = login(site, "admin")
    html = c.get(f"/reports/{rid}").text
    link = re.search(rf"/reports/{rid}/pages/1\?box=([0-9.,]+)", html)
    assert link
    outlined = c.get(link.group(0))
    plain = c.get(f"/reports/{rid}/pages/1?box=nonsense")
    assert outlined.status_code == plain.status_code == 200 and outlined.content != plain.content
