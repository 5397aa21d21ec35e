"""Identity by candidates and evidence (issue 7): unit name, places, report kind and fiscal year
wherever a real report puts them. Every case is invented (no seed wording)."""

from __future__ import annotations

import pytest

from jixiao.extract import extract_text
from jixiao.ingest.normalize import normalize

BODY = "\n一、基本情况\n本单位主要职责是做好本行业管理工作。\n二、存在的问题\n资金使用效益有待提高。\n"


def facts(text: str) -> dict:
    norm, _ = normalize(text)
    r = extract_text(norm)
    return {k: f.value for k, f in r.facts.items() if not f.computed}, r


@pytest.mark.parametrize(("text", "want"), [
    # year first, title wrapped over two lines
    ("2023年度平阳县林业局整体支出\n绩效自评报告\n" + BODY,
     {"unit_name": "平阳县林业局", "fiscal_year": 2023, "report_kind": "self_evaluation"}),
    # unit alone on a line, then the title
    ("松桃苗族自治县水务局\n关于2022年度部门整体支出绩效的自评报告\n" + BODY,
     {"unit_name": "松桃苗族自治县水务局", "fiscal_year": 2022, "county": "松桃苗族自治县"}),
    # a title split into four short lines with spaced digits
    ("附件3\n\n嵩县档案馆\n2 0 1 9 年 度\n部门整体支出\n绩效自评报告\n" + BODY,
     {"unit_name": "嵩县档案馆", "fiscal_year": 2019, "report_kind": "self_evaluation"}),
    # 本级 in the title is the unit's own budget
    ("2021年度宜宾市翠屏区教育和体育局本级部门整体支出绩效自评报告\n" + BODY,
     {"unit_name": "宜宾市翠屏区教育和体育局", "city": "宜宾市", "county": "翠屏区"}),
    # evaluation without 自评
    ("2020年敦化市财政局部门整体支出绩效评价报告\n" + BODY,
     {"report_kind": "evaluation", "unit_name": "敦化市财政局", "fiscal_year": 2020}),
])
def test_title_forms(text, want):
    got, _ = facts(text)
    for k, v in want.items():
        assert got.get(k) == v, (k, got.get(k), v)


def test_web_metadata_is_not_the_year_or_date_and_names_the_unit_when_the_title_does_not():
    text = ("首页 > 信息公开 > 部门预决算 > 绩效评价\n读屏\n放大\n"
            "索引号：11130626MB1234567X/2024-00031    发布机构：阜平县体育局\n"
            "发布日期：2024-05-20    文号：阜体〔2024〕3号\n"
            "阜平县2023年省级体育彩票公益金绩效自评报告\n"
            "一、项目基本情况\n2023年省级下达体育彩票公益金38万元，用于全民健身设施维护。\n")
    got, r = facts(text)
    assert got["unit_name"] == "阜平县体育局"
    assert got["fiscal_year"] == 2023
    assert got["report_kind"] == "project_self_evaluation"
    assert "report_date" not in got
    assert any(c.source == "publisher" for c in r.identity_candidates)


def test_title_wins_over_publisher():
    text = ("发布机构：沧县人民政府办公室\n发布日期：2023-04-11\n"
            "沧县卫生健康局2022年度部门整体支出绩效自评报告\n" + BODY)
    got, _ = facts(text)
    assert got["unit_name"] == "沧县卫生健康局"


def test_implementing_unit_beats_supervising_department_in_a_project_form():
    text = ("项目支出绩效自评表\n（2023年度）\n"
            "项目名称\t义务教育薄弱环节改善\n主管部门\t会同县教育局\t实施单位\t会同县第一中学\n"
            "项目资金（万元）\t年初预算数\t全年预算数\t全年执行数\n年度资金总额\t120.00\t120.00\t118.50\n")
    got, r = facts(text)
    assert got["unit_name"] == "会同县第一中学"
    assert got["fiscal_year"] == 2023
    assert got["report_kind"] == "project_self_evaluation"
    sources = {c.source for c in r.identity_candidates}
    assert {"implementing", "supervising"} <= sources


def test_form_field_on_next_line_and_code_prefix():
    text = ("2022年度部门整体支出绩效自评表\n部门名称\n305001-巴林右旗农牧局\n内容\n说明\n" + BODY)
    got, _ = facts(text)
    assert got["unit_name"] == "巴林右旗农牧局"
    assert got["county"] == "巴林右旗"
    assert got["province"] == "内蒙古自治区"


def test_finance_bureau_asking_for_the_report_is_never_the_unit():
    text = ("根据铜仁市财政局《关于开展2023年度部门整体支出绩效自评工作的通知》要求，现将我局自评情况报告如下。\n"
            "我局主要负责全区市场监管工作。\n")
    got, r = facts(text)
    assert got.get("unit_name") != "铜仁市财政局"
    assert all("财政局" not in c.name for c in r.identity_candidates)


def test_notice_year_is_not_the_fiscal_year():
    text = ("平罗县民政局部门整体支出绩效自评报告\n"
            "根据《关于做好2025年预算绩效自评工作的通知》要求，对2024年度部门整体支出开展自评。\n"
            "2024年度部门预算收入850.00万元。\n")
    got, _ = facts(text)
    assert got["fiscal_year"] == 2024


def test_report_date_from_signature_not_from_release_date():
    text = ("2023年度兴文县司法局部门整体支出绩效自评报告\n" + BODY +
            "兴文县司法局\n2024年3月5日\n发布日期：2024-03-18\n")
    got, r = facts(text)
    assert got["report_date"] == "2024-03-05"
    assert any(c.source == "seal" for c in r.identity_candidates)


def test_month_only_date_is_absent():
    got, _ = facts("2023年度兴文县司法局部门整体支出绩效自评报告\n" + BODY + "二〇二四年三月\n")
    assert "report_date" not in got


@pytest.mark.parametrize(("title", "kind"), [
    ("2023年度凤凰县农村公路养护专项资金绩效自评报告", "project_self_evaluation"),
    ("2022年中央财政衔接推进乡村振兴补助资金绩效自评报告", "project_self_evaluation"),
    ("东兴市2021年度项目支出绩效自评表", "project_self_evaluation"),
    ("2023年度部门整体支出和项目支出绩效自评报告", "self_evaluation"),
    ("景洪市妇幼保健院2022年度单位自评报告", "self_evaluation"),
    ("2024年度部门整体支出绩效自评表", "self_evaluation"),
    ("2019年度部门整体支出绩效评价报告", "evaluation"),
])
def test_report_kind_from_title_signals(title, kind):
    got, _ = facts(title + BODY)
    assert got["report_kind"] == kind


def test_candidates_in_json_with_spans():
    text = "发布机构：岑巩县交通运输局\n2023年度岑巩县交通运输局部门整体支出绩效自评报告\n" + BODY
    norm, _ = normalize(text)
    out = extract_text(norm).to_json()
    cands = out["identity_candidates"]
    assert {c["source"] for c in cands} >= {"title", "publisher"}
    for c in cands:
        for ev in c["evidence"]:
            assert norm[ev["start"]:ev["end"]] == ev["text"]


@pytest.mark.parametrize(("text", "want"), [
    ("鹤屿市地方志办公室2023年度部门决算\n鹤屿市地方志办公室是河北省鹤屿市人民政府管理的事业单位。\n",
     {"province": "河北省", "city": "鹤屿市"}),
    ("青岚县妇幼保健院2022年度部门决算\n青岚县妇幼保健院是福建省鹭汀市青岚县卫生健康局所属的公益一类事业单位。\n",
     {"province": "福建省", "city": "鹭汀市", "county": "青岚县"}),
    ("澄汐县融媒体中心2025年度部门决算\n澄汐县融媒体中心是县委直属的公益一类事业单位，地处广东省西部。\n",
     {"province": "广东省", "county": "澄汐县"}),
    # the seat written after the county
    ("中共槐屿县委员会办公室2021年度部门决算\n一、主要职能\n槐屿县隶属江苏省澜江市。县委办公室是县委的综合办事机构。\n",
     {"province": "江苏省", "city": "澜江市", "county": "槐屿县"}),
    # a 共青团 committee of a city
    ("共青团鹭岙市委员会2023年度部门决算\n团市委机关位于福建省鹭岙市行政中心。\n",
     {"unit_name": "共青团鹭岙市委员会", "province": "福建省", "city": "鹭岙市"}),
    # a county named as one the gazetteer knows in another province: the text's seat
    ("柳河县青石镇卫生院2022年度部门决算\n青石镇卫生院位于湖北省荆岚市柳河县青石镇，是公益一类事业单位。\n",
     {"province": "湖北省", "city": "荆岚市", "county": "柳河县"}),
])
def test_the_province_the_text_places_an_unknown_city_or_county_in(text, want):
    got, _ = facts(text)
    assert {k: got.get(k) for k in want} == want


def test_a_province_prefix_before_a_county_unit_is_dropped_as_the_text_does():
    text = ("河北省鹤屿市青岚县水利局2024年度部门决算\n第一部分 青岚县水利局概况\n青岚县水利局是青岚县人民政府工作部门。"
            "\n青岚县水利局内设3个股室。\n")
    got, _ = facts(text)
    assert (got["unit_name"], got["province"], got["city"], got["county"]) == ("青岚县水利局", "河北省", "鹤屿市", "青岚县")


def test_a_province_elsewhere_in_the_text_is_not_the_units():
    assert "province" not in facts("槐汀县供销合作社联合社2022年度部门决算\n槐汀县供销合作社联合社与浙江省的企业开展合作。\n")[0]


def test_a_page_number_above_the_title_is_not_part_of_it():
    got, _ = facts("第 1 页\n青岚县气象局2024年度部门决算\n第 2 页\n目录\n")
    assert got["unit_name"] == "青岚县气象局"


@pytest.mark.parametrize(("text", "want"), [
    ("岑溪县气象局2023年度部门决算\n岑溪县气象局（以下简称“县气象局”）是甘肃省气象部门和岑溪县人民政府双重领导的机构。\n",
     {"province": "甘肃省", "county": "岑溪县"}),
    ("峨屿彝族自治县民族宗教事务局2024年度部门决算\n峨屿彝族自治县民族宗教事务局是云南省峨屿彝族自治县人民政府工作部门。\n",
     {"province": "云南省", "county": "峨屿彝族自治县"}),
])
def test_the_province_of_a_body_the_unit_belongs_to(text, want):
    got, _ = facts(text)
    assert {k: got.get(k) for k in want} == want


def test_two_provinces_named_as_seats_of_bodies_give_none():
    text = ("岑溪县气象局2023年度部门决算\n岑溪县气象局是甘肃省气象部门和岑溪县人民政府双重领导的机构，"
            "与陕西省气象局开展协作。\n")
    assert "province" not in facts(text)[0]
