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
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年度项目支出绩效自评表"])
    for r in ROWS:
        ws.append(r)
    wb.save(tmp_path / "form.xlsx")
    assert _got(analyse(tmp_path / "form.xlsx").report) == WANT

    assert _got(analyse(_word_form(tmp_path, ROWS)).report) == WANT


def _word_form(folder, rows):
    """A .docx with the form's title and its rows as one Word table."""
    import docx

    d = docx.Document()
    d.add_paragraph("2023年度项目支出绩效自评表")
    table = d.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for i, r in enumerate(rows):
        for j, c in enumerate(r):
            table.cell(i, j).text = c
    d.save(folder / "form.docx")
    return folder / "form.docx"


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
    # each form scored again beside the unit's score: 农机购置补贴 gives 补贴农机台数 32 of 40 where 40 × 352 ÷ 400
    # = 35.2, so the unit scored 3.2 less than the rules give
    assert "重算总分 94.2，自评总分 91，自评比重算-3.2分" in page.text and "40 × 352 ÷ 400 = 35.20分" in page.text


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


QUALITATIVE = """2023年度项目支出绩效自评表
项目名称 | 乡村文化活动补助
主管部门 | 示例县文化和旅游局 | 实施单位 | 示例县文化馆
项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
年度资金总额 | 50.00 | 50.00 | 48.00 | 10 | 96% | 9.6
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
 | 产出指标 | 数量指标 | 送戏下乡场次 | ≥40场 | 42场 | 40 | 40 |
 | 效益指标 | 社会效益指标 | 群众文化生活改善 | 明显改善 | 有所改善 | 30 | 27 | 部分偏远村覆盖不足
 | 满意度指标 | 服务对象满意度 | 群众满意度 | ≥90% | 93% | 20 | 20 |
总分 | | | | | | 100 | 96.6 |
"""


@pytest.mark.parametrize("flatten", [lambda t: t, lambda t: "\n".join(c.strip() for ln in t.splitlines()
                                                                       for c in ln.split("|"))],
                         ids=["pipes", "cell-per-line"])
def test_a_qualitative_row_is_an_indicator_with_its_words(flatten):
    report = analyse(flatten(QUALITATIVE).encode("utf-8"), name="f.txt").report
    (p,) = report.projects
    assert [(i.level1, i.level2) for i in p.indicators] == [("产出指标", "数量指标"), ("效益指标", "社会效益指标"),
                                                            # one cell per line, a 二级 cell without 指标 reads as a row's name
                                                            ("满意度指标", "服务对象满意度" if "|" in flatten(QUALITATIVE) else None)]
    assert [(i.label, i.target_text, i.actual_text, i.target, i.weight, i.score) for i in p.indicators] == [
        ("送戏下乡场次", None, None, 40, 40, 40), ("群众文化生活改善", "明显改善", "有所改善", None, 30, 27),
        ("群众满意度", None, None, 90, 20, 20)]
    q = p.indicators[1]
    assert q.reason == "部分偏远村覆盖不足" and [e.text for e in q.evidence] == [
        "群众文化生活改善", "明显改善", "有所改善", "30", "27"]
    assert (p.total_weight, p.weight_evidence.text) == (100, "100")
    assert report.findings == []  # 9.6 + 40 + 27 + 20 = 96.6, weights 10 + 40 + 30 + 20 = 100
    assert "群众文化生活改善" not in [m.label for m in report.metrics]  # words are not a metric
    from jixiao.export import INDICATOR_COLUMNS, project_rows

    rows = [dict(zip(INDICATOR_COLUMNS, r, strict=True)) for r in project_rows([report])["project_indicators"][1:]]
    assert (rows[1]["target"], rows[1]["target_text"], rows[1]["actual_text"]) == (None, "明显改善", "有所改善")


def test_a_qualitative_row_scored_above_its_weight():
    wrong = QUALITATIVE.replace("| 30 | 27 |", "| 30 | 33 |").replace("| 100 | 96.6 |", "| 100 | 102.6 |")
    hits = [f for f in analyse(wrong.encode("utf-8"), name="f.txt").report.findings
            if f.rule == "score-exceeds-weight"]
    assert [h.message for h in hits] == ["“群众文化生活改善”得分33分，超过其分值30分。",
                                         "“乡村文化活动补助总分”得分102.6分，超过其分值100分。"]


def test_a_form_in_a_pdf(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # a CID font: no font file needed
    rows = [[c.strip() for c in ln.split("|")] for ln in QUALITATIVE.splitlines()[1:]]
    width = max(len(r) for r in rows)
    table = Table([r + [""] * (width - len(r)) for r in rows])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 8),
                               ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    doc = SimpleDocTemplate(str(tmp_path / "form.pdf"), pagesize=landscape(A4))
    doc.build([Paragraph("2023年度项目支出绩效自评表", ParagraphStyle("t", fontName="STSong-Light")), table])
    report = analyse(tmp_path / "form.pdf").report
    (p,) = report.projects
    assert (p.name, p.implementing, p.total_score) == ("乡村文化活动补助", "示例县文化馆", Decimal("96.6"))
    assert (p.funds[0].budget, p.funds[0].actual, p.funds[0].rate) == (50, 48, 96)
    assert [i.label for i in p.indicators] == ["送戏下乡场次", "群众文化生活改善", "群众满意度"]


@pytest.mark.parametrize("flatten", [lambda t: t, lambda t: "\n".join(c.strip() for ln in t.splitlines()
                                                                       for c in ln.split("|") if c.strip())],
                         ids=["pipes", "cell-per-line"])
def test_a_forms_goals_conclusion_and_people(flatten):
    form = QUALITATIVE.replace(
        "绩效指标 | 一级指标", "年度总体目标 | 预期目标 | 实际完成情况\n | 全年送戏下乡40场以上，丰富群众文化生活 | 全年送戏下乡42场，"
        "覆盖全县行政村\n绩效指标 | 一级指标") + (
        "评价结论 | 项目完成较好，资金使用规范。\n存在问题 | 偏远村覆盖不足。\n改进措施 | 下年度增加流动舞台车巡演。\n"
        "项目负责人：王立新 | 联系电话：13800001111 | 财务负责人 | 赵敏 | 填报日期：2024年2月1日\n")
    report = analyse(flatten(form).encode("utf-8"), name="f.txt").report
    (p,) = report.projects
    assert (p.goal_planned, p.goal_actual) == ("全年送戏下乡40场以上，丰富群众文化生活", "全年送戏下乡42场，覆盖全县行政村")
    assert (p.conclusion, p.problems, p.measures) == ("项目完成较好，资金使用规范。", "偏远村覆盖不足。",
                                                      "下年度增加流动舞台车巡演。")
    assert (p.leader, p.finance_leader) == ("王立新", "赵敏")
    for key, span in p.field_evidence.items():
        assert span.text == getattr(p, key)
    from jixiao.export import PROJECT_COLUMNS, project_rows

    (row,) = [dict(zip(PROJECT_COLUMNS, r, strict=True)) for r in project_rows([report])["projects"][1:]]
    assert (row["leader"], row["conclusion"]) == ("王立新", "项目完成较好，资金使用规范。")
    assert "王立新" not in {c.name for c in report.identity_candidates}  # a person, not a unit


def test_a_year_before_a_projects_name_is_not_its_code():
    form = QUALITATIVE.replace("项目名称 | 乡村文化活动补助", "项目名称 | 2023年乡村文化活动补助")
    (p,) = analyse(form.encode("utf-8"), name="f.txt").report.projects
    assert (p.name, p.code) == ("2023年乡村文化活动补助", None)


def test_the_provincial_money_rows_are_sources_not_projects(tmp_path):
    rows = [["项目名称", "就业见习补贴"], ["主管部门", "示例区人力资源和社会保障局", "实施单位", "示例区就业服务中心"],
            ["项目资金（万元）", "年初预算数", "调整后预算数", "执行数", "分值", "执行率", "得分"],
            ["资金总额", "30.00", "30.00", "28.50", "10", "95.00%", "9.5"],
            ["财政资金", "30.00", "30.00", "28.50", "—", "—", "—"], ["财政专户管理资金", "0", "0", "0", "—", "—", "—"],
            ["单位资金", "0", "0", "0", "—", "—", "—"]]
    report = analyse(_word_form(tmp_path, rows)).report
    assert [(i.name, i.budget, i.actual) for i in report.project_items] == [("就业见习补贴", 30, Decimal("28.50"))]
    assert [f.label for f in report.projects[0].funds] == ["资金总额", "财政资金", "财政专户管理资金", "单位资金"]


def test_a_code_in_a_cell_of_its_own_before_the_name():
    form = QUALITATIVE.replace("项目名称 | 乡村文化活动补助", "项目名称 | 4311292022000045 | 乡村文化活动补助")
    (p,) = analyse(form.encode("utf-8"), name="f.txt").report.projects
    assert (p.name, p.code) == ("乡村文化活动补助", "4311292022000045")


def test_a_projects_form_states_its_figures_over_the_narrative():
    text = ("示例县文化馆2023年度乡村文化活动补助项目支出绩效自评报告\n一、项目基本情况\n乡村文化活动补助项目其他资金年初预算为0，"
            "年中安排5.00万元，实际支出4.80万元。\n附表：\n" + QUALITATIVE)
    report = analyse(text.encode("utf-8"), name="r.txt").report
    (item,) = [i for i in report.project_items if "乡村文化活动补助" in i.name]
    assert (item.budget, item.actual) == (Decimal("50.00"), Decimal("48.00"))


DEPARTMENT = """示例县档案馆2023年度部门整体支出绩效自评表
部门名称 | 示例县档案馆
年度预算申请（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
年度资金总额 | 210.00 | 226.00 | 220.50 | 10 | 97.57% | 9.76
按收入性质分 | | | | | |
一般公共预算 | 210.00 | 226.00 | 220.50 | — | 97.57% | —
按支出性质分 | | | | | |
基本支出 | 180.00 | 186.00 | 186.00 | — | 100.00% | —
项目支出 | 30.00 | 40.00 | 34.50 | — | 86.25% | —
一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
产出指标 | 数量指标 | 接收进馆档案 | ≥8000卷 | 8200卷 | 40 | 40 |
效益指标 | 社会效益指标 | 档案利用服务人次 | ≥6000人次 | 7260人次 | 30 | 30 |
满意度指标 | 服务对象满意度指标 | 查档群众满意度 | ≥90% | 95% | 20 | 20 |
总分 | | | | | 100 | {total} |
"""


@pytest.mark.parametrize("flatten", [lambda t: t, lambda t: "\n".join(c.strip() for ln in t.splitlines()
                                                                       for c in ln.split("|") if c.strip())],
                         ids=["pipes", "cell-per-line"])
def test_a_department_form_is_a_form_of_the_report_not_a_project_item(flatten):
    report = analyse(flatten(DEPARTMENT.format(total="99.76")).encode("utf-8"), name="d.txt").report
    (form,) = report.projects
    assert (form.kind, form.name, form.total_score, len(form.indicators)) == ("department", "示例县档案馆",
                                                                              Decimal("99.76"), 3)
    assert report.project_items == [] and report.fact_value("basic_expenditure") == Decimal("186.00")
    assert report.findings == []
    wrong = analyse(flatten(DEPARTMENT.format(total="98.76")).encode("utf-8"), name="d.txt").report
    assert [f.message for f in wrong.findings if f.rule == "sum-mismatch"] == [
        "“示例县档案馆”自评表总分98.76分，与所列4个分项之和99.76分（9.76 + 40 + 30 + 20）不符，相差1.00分。"]


def test_a_row_with_no_target_written_and_the_forms_rate_as_a_metric():
    form = QUALITATIVE.replace(" | 满意度指标 | 服务对象满意度 | 群众满意度 | ≥90% | 93% | 20 | 20 |",
                               " | 成本指标 | 经济成本指标 | 每场演出补助标准 |  | 1.2万元 | 20 | 20 |") + (
        "评价结论 | 项目资金使用规范，送戏下乡任务全面完成。\n")
    report = analyse(form.encode("utf-8"), name="f.txt").report
    (p,) = report.projects
    row = p.indicators[-1]
    assert (row.label, row.target, row.actual, row.unit) == ("每场演出补助标准", None, Decimal("1.2"), "万元")
    assert p.conclusion == "项目资金使用规范，送戏下乡任务全面完成。"  # words after 项目资金 are not a form label
    rate = next(m for m in report.metrics if m.label == "乡村文化活动补助预算执行率")
    assert (rate.value, rate.unit, rate.evidence[0].text) == (96, "%", "96%")
    assert not [f for f in report.findings if f.rule == "rate-mismatch"]


def test_a_unit_year_groups_its_reports(sqlite_world):
    from conftest import SAMPLES
    from jixiao.store import service
    from jixiao.store.models import User
    from web_support import login_cookie

    w = sqlite_world
    table = SAMPLES / "示例市示范区司法局_2024年度整体支出绩效自评表.xlsx"  # the same unit and year as report_a
    with w.app.state.session_factory() as s:
        (res,) = service.upload_files(s, s.get(User, w.users["unit_a"].id), [(table.name, table.read_bytes())])
    d = w.detail(w.report_a)
    assert [(o["id"], o["filename"]) for o in d["unit_year"]] == [(res.report_id, table.name)]
    assert w.detail(res.report_id)["unit_year"][0]["id"] == w.report_a
    assert w.detail(w.report_b)["unit_year"] == []  # another unit
    login_cookie(w.client, w.app, w.users["reviewer"].id)
    page = w.client.get(f"/reports/{w.report_a}")
    assert "本单位2024年度的其他材料（1）" in page.text and table.name in page.text


def test_projects_compared_by_execution_rate(sqlite_world):
    from jixiao.store import service
    from jixiao.store.models import User
    from web_support import login_cookie

    w = sqlite_world
    form = (QUALITATIVE.replace("2023年度", "2024年度").replace("乡村文化活动补助", "社区矫正信息化建设")
            .replace("示例县文化和旅游局", "示例市司法局").replace("示例县文化馆", "示例市示范区司法局")
            .replace("年度资金总额 | 50.00 | 50.00 | 48.00 | 10 | 96% | 9.6", "年度资金总额 | 50.00 | 60.00 | 42.00 | 10 | 70% | 7"))
    with w.app.state.session_factory() as s:
        service.upload_files(s, s.get(User, w.users["unit_a"].id), [("自评表.txt", form.encode("utf-8"))])
    auth = w.users["admin"].auth
    low = w.client.get("/api/compare/projects", params={"below": "80"}, headers=auth).json()
    assert [(r["name"], r["rate"], r["rate_initial"], r["from_form"]) for r in low["rows"]] == [
        ("社区矫正信息化建设", 70.0, 84.0, True)]  # 42.00 ÷ 60.00 (全年预算), 42.00 ÷ 50.00 (年初)
    every = w.client.get("/api/compare/projects", params={"below": ""}, headers=auth).json()["rows"]
    rates = [r["rate"] for r in every if r["rate"] is not None]
    assert rates == sorted(rates) and len(every) > 1 and every[0]["name"] == "社区矫正信息化建设"
    forms = w.client.get("/api/compare/projects", params={"below": "", "forms": "1"}, headers=auth).json()["rows"]
    assert [r["name"] for r in forms] == ["社区矫正信息化建设"]
    far = w.client.get("/api/compare/projects", params={"below": ""}, headers=w.users["reviewer_far"].auth).json()
    assert far["rows"] == []  # a reviewer of another region sees none of them
    bad = w.client.get("/api/compare/projects", params={"below": "abc"}, headers=auth)
    assert bad.status_code == 400 and "执行率上限" in bad.json()["detail"]
    login_cookie(w.client, w.app, w.users["reviewer"].id)
    page = w.client.get("/compare/projects", params={"below": "80"})
    assert page.status_code == 200 and "执行率低于 80% 的项目" in page.text and "社区矫正信息化建设" in page.text


def test_a_money_indicator_reads_in_the_unit_it_is_written_in():
    form = QUALITATIVE.replace(" | 满意度指标 | 服务对象满意度 | 群众满意度 | ≥90% | 93% | 20 | 20 |",
                               " | 产出指标 | 成本指标 | 每场演出补助标准 | ≤1500元 | 1200元 | 20 | 20 |")
    report = analyse(form.encode("utf-8"), name="f.txt").report
    m = next(m for m in report.metrics if m.label == "每场演出补助标准")
    assert (m.value, m.unit, m.target, m.target_comparator) == (1200, "元", 1500, "<=")  # not 0.12 万元 beside 元
    assert not [f for f in report.findings if f.rule.startswith("target")]


def test_a_unitless_target_written_as_a_bound_one_cell_per_line():
    form = QUALITATIVE.replace(" | 满意度指标 | 服务对象满意度 | 群众满意度 | ≥90% | 93% | 20 | 20 |",
                               " | 效益指标 | 生态效益指标 | 渠系水利用系数 | ≥0.62 | 0.65 | 20 | 20 |")
    lines = "\n".join(c.strip() for ln in form.splitlines() for c in ln.split("|"))
    (p,) = analyse(lines.encode("utf-8"), name="f.txt").report.projects
    row = p.indicators[-1]
    assert (row.label, row.target, row.actual, row.comparator, row.unit) == (
        "渠系水利用系数", Decimal("0.62"), Decimal("0.65"), ">=", "")


def test_a_numbered_list_of_projects_and_a_source_of_funds_before_it():
    """Under "项目支出…主要包括：" each numbered line names a project, whatever its name ends with ("高中部教学设备购置");
    the source's share that opens the list ("一般公共预算财政拨款项目支出217.42万元") is no project, and "另有…" is no
    part of the next name."""
    text = ("示例县第一中学2024年度部门整体支出绩效自评报告\n二、部门整体支出情况\n（三）项目支出情况。"
            "一般公共预算财政拨款项目支出217.42万元，主要包括：\n1.校舍维修改造项目，年初预算63.68万元，实际支出58.96万元；\n"
            "2.初中部课后服务补助，年初预算82.80万元，实际支出78.82万元；\n3.高中部教学设备购置，年初预算82.00万元，"
            "实际支出79.64万元。\n另有用于教育事业的彩票公益金支出27.94万元。\n")
    items = {it.name: it for it in analyse(text.encode("utf-8"), name="a.txt").report.project_items}
    assert items["高中部教学设备购置"].actual == Decimal("79.64")
    assert not any("一般公共预算" in name for name in items)
    assert "用于教育事业的彩票公益金" in items
