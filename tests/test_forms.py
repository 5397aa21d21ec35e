"""项目支出绩效自评表 read the same way whatever flattened it (issue 7: one grid model). Invented forms."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.extract import extract_text
from jixiao.ingest.normalize import normalize
from jixiao.pipeline import analyse_text

HEADER = ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
TOTAL = ["年度资金总额", "120.00", "126.00", "118.50", "10", "94.05%", "9.41"]
PART = ["其中：当年财政拨款", "120.00", "126.00", "118.50", "—", "—", "—"]
NAME = ["项目名称", "43012200T0007-义务教育薄弱环节改善"]
ORGS = ["主管部门", "会同县教育局", "实施单位", "会同县第一中学"]
ROWS = [NAME, ORGS, HEADER, TOTAL, PART]


def _tabs(rows):
    return "\n".join("\t".join(r) for r in rows)


def _pipes(rows):
    return "\n".join("| " + " | ".join(r) + " | | |" for r in rows)


def _cell_per_line(rows):
    return "\n".join(c for r in rows for c in r)


def _one_line(rows):
    return " ".join(c for r in rows for c in r)


@pytest.mark.parametrize("flatten", [_tabs, _pipes, _cell_per_line, _one_line])
def test_form_item_from_any_flattening(flatten):
    text, _ = normalize("2023年度项目支出绩效自评表\n" + flatten(ROWS) + "\n")
    r = extract_text(text)
    items = [(i.name, i.budget, i.actual) for i in r.project_items]
    assert items == [("义务教育薄弱环节改善", Decimal("120.00"), Decimal("118.50"))]
    # the form's 年度资金总额 is the project's money, not the department's budget
    assert "budget" not in r.facts and "expenditure_total" not in r.facts
    for it in r.project_items:
        for ev in it.evidence:
            assert text[ev.start:ev.end] == ev.text


def test_yuan_form_is_converted_and_several_forms_are_several_projects():
    one = [["项目名称", "村级公益设施维护"], ["项目资金（元）", "年初预算数", "全年预算数", "全年执行数"],
           ["年度资金总额", "180,000.00", "180,000.00", "162,345.50"]]
    two = [["项目名称", "农技推广补助"], ["项目资金（元）", "年初预算数", "全年预算数", "全年执行数"],
           ["年度资金总额", "50,000.00", "50,000.00", "50,000.00"]]
    text, _ = normalize(_pipes(one) + "\n说明：无\n" + _pipes(two))
    items = {i.name: (i.budget, i.actual) for i in extract_text(text).project_items}
    assert items == {"村级公益设施维护": (Decimal("18"), Decimal("16.23455")),
                     "农技推广补助": (Decimal("5"), Decimal("5"))}


def test_form_without_a_stated_unit_is_in_the_templates_wan_yuan_unless_the_report_declared_another():
    rows = [["项目名称", "河道保洁"], ["年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分"],
            ["总额", "10", "12", "9", "75%", "10", "7.5"]]
    text, _ = normalize(_pipes(rows))
    it = next(i for i in extract_text(text).project_items if i.name == "河道保洁")
    assert (it.budget, it.adjustment, it.actual) == (Decimal(10), Decimal(2), Decimal(9))
    text, _ = normalize("（金额单位：元）\n" + _pipes(rows))
    it = next(i for i in extract_text(text).project_items if i.name == "河道保洁")
    assert (it.budget, it.actual) == (Decimal("0.0010"), Decimal("0.0009"))


def test_score_row_of_an_indicator_table_is_the_self_score():
    rows = [["三级指标", "年度指标值", "实际完成值", "分值", "得分"], ["培训人次", "≥500人次", "620人次", "20", "20"],
            ["合计", "", "", "100", "97.25"]]
    text, _ = normalize("2023年度部门整体支出绩效自评表\n" + _pipes(rows))
    r = extract_text(text)
    assert r.facts["self_score"].value == Decimal("97.25")


def test_project_report_amounts_belong_to_the_project_of_the_title():
    text, _ = normalize("黎平县人民医院2022年度远程医疗能力提升项目绩效自评报告\n"
                        "一、项目概况\n项目预算96.50万元，全年实际支出90.12万元，执行率93.39%。\n")
    r = extract_text(text)
    it = next(i for i in r.project_items if i.name == "远程医疗能力提升项目")
    assert (it.budget, it.actual) == (Decimal("96.50"), Decimal("90.12"))
    # a project's 全年支出 is not the department's expenditure_total
    assert "expenditure_total" not in r.facts and "budget" not in r.facts


def test_projects_listed_after_an_introduction():
    text, _ = normalize("二、预算执行情况\n全年实际支出836.20万元。\n主要项目执行情况如下：\n"
                        "1.村级道路养护经费46.00万元，已全部拨付；\n2.人居环境整治项目预算80.00万元，实际支出76.54万元。\n\n"
                        "三、绩效情况\n项目支出主要有：会议经费45.00万元、调研经费38.18万元。\n")
    items = {i.name: (i.budget, i.actual) for i in extract_text(text).project_items}
    assert items["村级道路养护经费"][1] == Decimal("46.00")
    assert items["人居环境整治项目"] == (Decimal("80.00"), Decimal("76.54"))
    assert items["会议经费"][1] == Decimal("45.00") and items["调研经费"][1] == Decimal("38.18")


def test_form_total_row_against_its_parts_and_its_stated_rate():
    rows = [["项目名称", "学前教育发展资金"], HEADER,
            ["年度资金总额", "0.00", "0.00", "0.00", "10", "—", "10"],
            ["其中：当年财政拨款", "40.00", "40.00", "40.00", "—", "100%", "—"],
            ["上年结转资金", "0.00", "0.00", "0.00", "—", "—", "—"]]
    text, _ = normalize(_pipes(rows))
    r = analyse_text(text).report
    assert any(f.rule == "sum-mismatch" and "年度资金总额" in f.message for f in r.findings)
    # a stated rate that matches neither 执行数/全年预算数 nor 执行数/年初预算数
    rows = [["项目名称", "民族文化节经费"], ["年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分"],
            ["总额", "120.00", "150.00", "108.68", "72.46%", "10", "7.25"],
            ["财政资金", "120.00", "150.00", "108.68", "72.46%", "", ""]]
    text, _ = normalize(_pipes(rows))
    r = analyse_text(text).report
    rules = {f.rule for f in r.findings}
    assert "rate-mismatch" in rules  # 108.68 / 150 = 72.45%
    assert "low-execution" in rules  # against the budget raised in the year
    assert "sum-mismatch" not in rules  # one part equal to the total
    # 72.45% is right: no rate finding
    text, _ = normalize(_pipes(rows).replace("72.46%", "72.45%"))
    assert "rate-mismatch" not in {f.rule for f in analyse_text(text).report.findings}


def test_stated_execution_rate_against_the_amounts_of_its_paragraph():
    bad = "二、预算执行\n项目预算85.60万元，截至年底实际支出82.74万元，执行率94.20%。\n"
    good = "二、预算执行\n项目下达资金88.00万元，实际支出82.74万元，执行率94.02%。\n"  # on 下达: not wrong
    assert "rate-mismatch" in {f.rule for f in analyse_text(normalize(bad)[0]).report.findings}
    assert "rate-mismatch" not in {f.rule for f in analyse_text(normalize(good)[0]).report.findings}


def test_parts_listed_as_the_totals_composition_are_all_of_them():
    text, _ = normalize("基本支出548.36万元。基本支出按经济分类：工资福利支出421.52万元，商品和服务支出95.30万元，"
                        "对个人和家庭的补助31.45万元。")
    assert any(f.rule == "sum-mismatch" for f in analyse_text(text).report.findings)
    text, _ = normalize("基本支出548.36万元。其中工资福利支出421.52万元，商品和服务支出95.30万元。")
    assert not any(f.rule == "sum-mismatch" for f in analyse_text(text).report.findings)


def test_provincial_indicator_row_with_comparator_and_unit_cells(tmp_path):
    from jixiao.pipeline import analyse

    path = tmp_path / "form.txt"
    path.write_text("| 三级指标 | 指标性质 | 指标值 | 度量单位 | 实际完成值 | 权重 | 得分 |\n"
                    "| 门诊服务人次 | ≥ | 9000 | 人次 | 8120 | 10 | 9.02 |\n", encoding="utf-8")
    report = analyse(path).report
    m = next(m for m in report.metrics if m.label == "门诊服务人次")
    assert (m.value, m.target, m.unit, m.target_comparator) == (Decimal(8120), Decimal(9000), "人次", ">=")
    assert any(f.rule == "target-missed" for f in report.findings)


def test_a_figure_broken_by_a_space_is_not_read():
    from jixiao.extract.numbers import find_quantities

    assert [q.value for q in find_quantities("全年执行48. 3万元")] == []
