"""Each 项目支出绩效自评表 of a document as a project: its money rows, indicator rows, total score and the
bodies its form names, whatever the flattening (invented forms, none from a seed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.pipeline import analyse


def _form(name: str, code: str, unit: str, money: str, rows: str, total: str) -> str:
    return f"""项目支出绩效自评表
项目名称 | {code}{name}
主管部门 | 示例县农业农村局 | 实施单位 | {unit}
项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
{money}
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
{rows}
总分 | | | | | | 100 | {total} |
"""


TWO_FORMS = _form(
    "高标准农田建设补助", "51082222T000000123-", "示例县农田建设服务中心",
    "年度资金总额 | 300.00 | 320.00 | 312.50 | 10 | 97.66% | 9.77\n其中：当年财政拨款 | 300.00 | 320.00 | 312.50 | — | — | —\n"
    "上年结转资金 | 0 | 0 | 0 | — | — | —",
    " | 产出指标 | 数量指标 | 新建高标准农田面积 | ≥2000亩 | 2150亩 | 40 | 40 |\n"
    " | 满意度指标 | 服务对象满意度 | 农户满意度 | ≥90% | 95% | 50 | 50 |", "99.77") + _form(
    "农机购置补贴", "", "示例县农机推广站",
    "年度资金总额 | 80.00 | 80.00 | 72.00 | 10 | 90% | 9",
    " | 产出指标 | 数量指标 | 补贴农机台数 | ≥400台 | 352台 | 40 | 32 | 部分农户推迟购机\n"
    " | 满意度指标 | 服务对象满意度 | 购机户满意度 | ≥90% | 92% | 50 | 50 |", "91")


def test_several_forms_in_one_file_are_several_projects():
    report = analyse(TWO_FORMS.encode("utf-8"), name="自评表.txt").report
    first, second = report.projects
    assert (first.name, first.code, second.name, second.code) == ("高标准农田建设补助", "51082222T000000123",
                                                                  "农机购置补贴", None)
    assert (first.supervising, first.implementing) == ("示例县农业农村局", "示例县农田建设服务中心")
    assert second.implementing == "示例县农机推广站"
    total = first.funds[0]
    assert (total.label, total.budget, total.budget_full, total.actual, total.rate, total.weight, total.score) == (
        "年度资金总额", Decimal("300.00"), Decimal("320.00"), Decimal("312.50"), Decimal("97.66"), 10, Decimal("9.77"))
    assert [f.label for f in first.funds] == ["年度资金总额", "其中：当年财政拨款", "上年结转资金"]
    assert [(i.label, i.target, i.comparator, i.actual, i.unit, i.weight, i.score) for i in first.indicators] == [
        ("新建高标准农田面积", 2000, ">=", 2150, "亩", 40, 40), ("农户满意度", 90, ">=", 95, "%", 50, 50)]
    assert [(i.label, i.score, i.reason) for i in second.indicators] == [
        ("补贴农机台数", 32, "部分农户推迟购机"), ("购机户满意度", 50, None)]
    assert (first.total_score, second.total_score) == (Decimal("99.77"), Decimal("91"))


def test_projects_are_in_the_json_and_every_value_has_its_evidence():
    report = analyse(TWO_FORMS.encode("utf-8"), name="自评表.txt").report
    out = report.to_json()["projects"]
    assert [p["name"] for p in out] == ["高标准农田建设补助", "农机购置补贴"]
    for p in report.projects:
        assert p.evidence[0].text.endswith(p.name)  # the name cell, with the code when one is written
        for row in p.funds:
            assert row.evidence[0].text.startswith(row.label[:2])
        for ind in p.indicators:
            assert ind.evidence[0].text == ind.label


def test_a_report_without_forms_has_no_projects():
    report = analyse("某县档案馆2022年度部门整体支出绩效自评报告\n全年支出836.20万元。".encode(), name="r.txt").report
    assert report.projects == [] and "projects" not in report.to_json()


ROWS = [["项目名称", "43012200T0007-义务教育薄弱环节改善"], ["主管部门", "会同县教育局", "实施单位", "会同县第一中学"],
        ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", "120.00", "126.00", "118.50", "10", "94.05%", "9.41"],
        ["其中：当年财政拨款", "120.00", "126.00", "118.50", "—", "—", "—"]]
WANT = ("义务教育薄弱环节改善", "43012200T0007", "会同县第一中学",
        ("年度资金总额", Decimal("120.00"), Decimal("126.00"), Decimal("118.50"), Decimal("94.05"), Decimal("9.41")))


def _got(report):
    (p,) = report.projects
    t = p.funds[0]
    return p.name, p.code, p.implementing, (t.label, t.budget, t.budget_full, t.actual, t.rate, t.score)


@pytest.mark.parametrize("joiner", [
    lambda rows: "\n".join("\t".join(r) for r in rows),
    lambda rows: "\n".join("| " + " | ".join(r) + " |" for r in rows),
    lambda rows: "\n".join(" | ".join(r) for r in rows),
    lambda rows: "\n".join(c for r in rows for c in r),
], ids=["tabs", "outer-pipes", "inner-pipes", "cell-per-line"])
def test_the_same_project_from_every_flattening(joiner):
    text = "2023年度项目支出绩效自评表\n" + joiner(ROWS) + "\n"
    assert _got(analyse(text.encode("utf-8"), name="form.txt").report) == WANT


def test_the_same_project_from_an_xlsx_sheet_and_a_word_table(tmp_path):
    import docx
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年度项目支出绩效自评表"])
    for r in ROWS:
        ws.append(r)
    wb.save(tmp_path / "form.xlsx")
    assert _got(analyse(tmp_path / "form.xlsx").report) == WANT

    d = docx.Document()
    d.add_paragraph("2023年度项目支出绩效自评表")
    table = d.add_table(rows=len(ROWS), cols=7)
    for i, r in enumerate(ROWS):
        for j, c in enumerate(r):
            table.cell(i, j).text = c
    d.save(tmp_path / "form.docx")
    assert _got(analyse(tmp_path / "form.docx").report) == WANT


def test_projects_exported_at_three_levels(tmp_path):
    import csv

    from openpyxl import load_workbook

    from jixiao.export import export_reports

    report = analyse(TWO_FORMS.encode("utf-8"), name="自评表.txt").report
    export_reports([report], tmp_path / "out.xlsx")
    wb = load_workbook(tmp_path / "out.xlsx", read_only=True)
    projects = list(wb["projects"].iter_rows(values_only=True))
    assert [r[3] for r in projects[1:]] == ["高标准农田建设补助", "农机购置补贴"]
    funds = list(wb["project_funds"].iter_rows(values_only=True))
    assert funds[1][1:6] == ("高标准农田建设补助", "年度资金总额", 300, 320, 312.5)
    indicators = list(wb["project_indicators"].iter_rows(values_only=True))
    assert ("农机购置补贴", "补贴农机台数", ">=", 400, 352, "台", 40, 32, "部分农户推迟购机") in [
        r[1:10] for r in indicators]
    wb.close()
    export_reports([report], tmp_path / "out.csv")
    rows = list(csv.DictReader((tmp_path / "out_project_indicators.csv").open(encoding="utf-8-sig")))
    assert len(rows) == 4 and rows[2]["reason"] == "部分农户推迟购机"


def test_the_workspace_shows_each_form(sqlite_world):
    from jixiao.store import service
    from jixiao.store.models import User
    from web_support import login_cookie

    w = sqlite_world
    with w.app.state.session_factory() as s:
        (res,) = service.upload_files(s, s.get(User, w.users["unit_a"].id), [("自评表.txt", TWO_FORMS.encode("utf-8"))])
    d = w.detail(res.report_id)
    assert [p["name"] for p in d["projects"]] == ["高标准农田建设补助", "农机购置补贴"]
    login_cookie(w.client, w.app, w.users["unit_a"].id)
    page = w.client.get(f"/reports/{res.report_id}")
    assert page.status_code == 200
    assert "项目支出绩效自评表（2）" in page.text and "部分农户推迟购机" in page.text and "≥400台" in page.text


def test_the_workspace_export_has_the_forms(sqlite_world):
    import io

    from openpyxl import load_workbook

    from jixiao.store import service
    from jixiao.store.export import export_xlsx
    from jixiao.store.models import User

    w = sqlite_world
    with w.app.state.session_factory() as s:
        user = s.get(User, w.users["unit_a"].id)
        service.upload_files(s, user, [("自评表.txt", TWO_FORMS.encode("utf-8"))])
        data = export_xlsx(s, user)
    wb = load_workbook(io.BytesIO(data), read_only=True)
    funds = list(wb["自评表资金"].iter_rows(min_row=2, values_only=True))
    assert ("高标准农田建设补助", "51082222T000000123", "年度资金总额", 300, 320, 312.5) in [r[3:9] for r in funds]
    indicators = list(wb["自评表指标"].iter_rows(min_row=2, values_only=True))
    assert ("农机购置补贴", "补贴农机台数", "≥", 400, 352, "台", 40, 32, "部分农户推迟购机") in [r[3:12] for r in indicators]


def test_the_list_filters_by_report_kind(sqlite_world):
    from jixiao.store import service
    from jixiao.store.models import User
    from web_support import login_cookie

    w = sqlite_world
    with w.app.state.session_factory() as s:
        (res,) = service.upload_files(s, s.get(User, w.users["unit_a"].id), [("自评表.txt", TWO_FORMS.encode("utf-8"))])
    auth = w.users["admin"].auth
    forms = w.client.get("/api/reports", params={"kind": "project_self_evaluation"}, headers=auth).json()
    assert [r["id"] for r in forms["items"]] == [res.report_id]
    whole = w.client.get("/api/reports", params={"kind": "self_evaluation"}, headers=auth).json()
    assert res.report_id not in [r["id"] for r in whole["items"]] and whole["total"] >= 1
    bad = w.client.get("/api/reports", params={"kind": "nonsense"}, headers=auth)
    assert bad.status_code == 400 and "未知的报告类型" in bad.json()["detail"]
    login_cookie(w.client, w.app, w.users["admin"].id)
    page = w.client.get("/reports", params={"kind": "project_self_evaluation"})
    assert page.status_code == 200 and "自评表.txt" in page.text and '<option value="project_self_evaluation" selected' in page.text


def test_a_forms_total_score_against_its_rows():
    wrong = TWO_FORMS.replace("| 100 | 91 |", "| 100 | 93 |")  # 9 + 32 + 50 = 91
    findings = analyse(wrong.encode("utf-8"), name="自评表.txt").report.findings
    hits = [f for f in findings if f.rule == "sum-mismatch" and "总分" in f.message]
    assert len(hits) == 1 and "农机购置补贴" in hits[0].message and "93" in hits[0].message
    right = analyse(TWO_FORMS.encode("utf-8"), name="自评表.txt").report.findings
    assert not [f for f in right if f.rule == "sum-mismatch" and "总分" in f.message]
