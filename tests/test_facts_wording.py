"""Staffing, organisation and money wording (variety.md §6–7), on invented sentences."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.extract import extract_text
from jixiao.ingest.normalize import normalize


def facts(text: str) -> dict:
    norm, _ = normalize(text)
    return {k: f.value for k, f in extract_text(norm).facts.items() if not f.computed}


@pytest.mark.parametrize(("text", "key", "value"), [
    ("核定行政编制12名，事业编制35名；实有在职人员44人。", "staff_authorized", 47),
    ("核定政法专项编制26名，工勤编制2名；实有在职干警25人。", "staff_authorized", 28),
    ("编制30名，其中事业编制2名、政法专项编制28名（机关18名、所12名）。", "staff_authorized", 30),
    ("年末在职人员51人，退休人员12人。", "staff_actual", 51),
    ("离退休人员29人，其中离休1人、退休28人。", "staff_retired", 28),
    ("离退休人员44名。", "staff_retired", 44),
    ("局机关及下属事业单位核定编制86名，其中行政编制32名。", "staff_authorized", 86),
    ("2023年度部门整体支出21,586.43万元，其中基本支出9,604.21万元。", "expenditure_total", Decimal("21586.43")),
    ("本年支出中基本支出486.71万元，项目支出2,534.11万元。", "basic_expenditure", Decimal("486.71")),
    ("2021年度年初预算860.00万元，全年执行929.19万元。", "expenditure_total", Decimal("929.19")),
    ("2020年度厅机关本级支出合计8563.27万元。", "expenditure_total", Decimal("8563.27")),
    ("经评价，我局2020年度部门整体支出绩效评价得分92.8分。", "self_score", Decimal("92.8")),
    ("2020年度支出1,320.77万元，其中基本支出1,098.35万元、项目支出222.42万元。", "expenditure_total",
     Decimal("1320.77")),
    ('"三公"经费支出3.16万元，其中公务接待费0.75万元。', "three_public_total", Decimal("3.16")),
    ("核定行政编制24名、事业编制18名，在职在编39人。", "staff_actual", 39),
    ("核定政法专项编制41名（含检察官员额16名）、事业编制3名，在编在岗43人。", "staff_authorized", 44),
    ("核定政法专项编制41名（含检察官员额16名）、事业编制3名，在编在岗43人。", "staff_actual", 43),
    ("核定事业编制三百一十名，年末在编职工二百九十八人。", "staff_actual", 298),
    ("核定编制64名，在岗职工61人，另有编外聘用人员9人。", "staff_actual", 61),
    ("局机关内设4个股室，下设县园林绿化服务中心、县环卫所3个事业单位。", "subordinate_units", 3),
    ("本年度一般公共预算财政拨款年初预算1,204.60万元，全年支出1,198.37万元。", "budget", Decimal("1204.60")),
    ("2025年财政拨款年初预算518.20万元。", "budget", Decimal("518.20")),
    ("本年度“三公”经费财政拨款支出决算数为6.41万元，比上年减少0.37万元。", "three_public_total", Decimal("6.41")),
])
def test_wording(text, key, value):
    assert facts(text).get(key) == value


@pytest.mark.parametrize(("text", "key"), [
    ("年末实有在职人员52人，比上年增加1人（调入3人、退休1人、调出1人）。", "staff_retired"),
    ("司法所在编人员仅8人，人员力量薄弱。", "staff_actual"),
    ("所属事业单位核定编制300人，在职270人。", "staff_authorized"),
    ("全县共有中小学和幼儿园等62个事业单位纳入本次绩效评价。", "subordinate_units"),
])
def test_not_the_departments_figure(text, key):
    assert key not in facts(text)


def test_a_three_public_budget_is_not_its_spending():
    assert facts("“三公”经费财政拨款支出预算为12.00万元，支出决算为10.26万元。").get("three_public_total") != Decimal("12.00")


def test_table_in_thousand_yuan(tmp_path):
    from jixiao.extract import extract
    from jixiao.ingest import load

    path = tmp_path / "r.txt"
    path.write_text("表1 2016年度支出决算情况(单位:千元)\n| 项目 | 年初预算 | 决算数 |\n| 支出合计 | 15,200.0 | 14,862.5 |\n"
                    "| 基本支出 | 11,480.0 | 11,203.8 |\n", encoding="utf-8")
    got = extract(load(path)).facts
    assert got["basic_expenditure"].value == Decimal("1120.38")


def test_another_years_figure_is_not_the_years_fact():
    """A figure said to be of another year (or 上年) is not a fact of the fiscal year."""
    text = ("某县文化馆2022年度部门整体支出绩效自评报告\n2022年全年支出836.20万元，其中基本支出512.40万元。"
            "作为对比，2021年全年支出901.75万元；上年基本支出560.12万元。")
    report = extract_text(normalize(text)[0])
    total = report.facts["expenditure_total"]
    assert total.value == Decimal("836.20")
    assert [o.value for o in total.others] == []
    assert [o.value for o in report.facts["basic_expenditure"].others] == []


def test_budget_columns_headed_with_the_year():
    """"2019年年初预算" is this year's budget column; "2018年决算数" is another year's and not read."""
    from jixiao.pipeline import analyse_document, load_bytes

    text = ("某区档案馆2019年度部门整体支出绩效自评报告\n单位：万元\n"
            "项目\t2018年决算数\t2019年年初预算\t2019年决算数\n支出合计\t812.40\t790.00\t836.15\n")
    report = analyse_document(load_bytes(text.encode(), "report.txt")).report
    assert report.fact_value("budget") == Decimal("790.00")
    assert report.fact_value("expenditure_total") == Decimal("836.15")


def test_a_project_section_lists_projects_whatever_their_names():
    """Under “重点项目实施情况” each line is a project, though its name ends in none of the usual words; their budgets
    are not the department's."""
    text = ("一、部门整体支出情况\n本年度一般公共预算财政拨款年初预算930.15万元。\n二、绩效情况\n（一）重点项目实施情况\n"
            "1.乡村学校少年宫运行：年初预算45.20万元，实际支出43.80万元，完成年初预算的96.90%。\n"
            "2.特殊教育随班就读：年初预算18.00万元，实际支出18.00万元。\n（二）履职成效\n全年开展活动36场。\n")
    norm, _ = normalize(text)
    report = extract_text(norm)
    assert report.fact_value("budget") == Decimal("930.15")
    assert [(i.name, i.budget, i.actual) for i in report.project_items] == [
        ("乡村学校少年宫运行", Decimal("45.20"), Decimal("43.80")), ("特殊教育随班就读", Decimal("18.00"), Decimal("18.00"))]


def test_a_retired_count_and_a_count_with_the_long_retired_are_not_in_conflict():
    norm, _ = normalize("年末在职人员58人，退休人员97人。\n……\n离退休人员99人，其中离休2人。\n")
    fact = extract_text(norm).facts["staff_retired"]
    assert fact.value == 97 and not fact.others


def test_another_years_figure_in_the_keyword_itself_is_not_this_years():
    norm, _ = normalize("伊宁县教育局2024年度部门整体支出绩效自评报告\n一、部门整体支出情况\n全年支出1741.03万元。"
                        "与上年相比，2023年支出1689.10万元，增加51.93万元。\n")
    fact = extract_text(norm).facts["expenditure_total"]
    assert fact.value == Decimal("1741.03") and not fact.others
