"""部门决算 documents (issue 11): the rows of the 收入支出决算总表 numbered like headings, and a contents page,
open no section of figures (invented 决算 text, none from the PDFs in ../shared/corpus/pdf)."""

from __future__ import annotations

from decimal import Decimal

from jixiao.extract.outline import build_sections
from jixiao.pipeline import analyse

FINAL = """示例市示例区档案局 2024 年度部门决算
目 录
第一部分 示例市示例区档案局概况
第二部分 示例市示例区档案局 2024 年度部门决算表
八、政府性基金预算财政拨款收入支出决算表
九、国有资本经营预算财政拨款收入支出决算表
第三部分 示例市示例区档案局 2024 年度部门决算情况说明
八、政府性基金预算财政拨款收入支出决算情况说明
九、国有资本经营预算财政拨款收入支出决算情况说明
第一部分 示例市示例区档案局概况
一、主要职能
负责全区档案事业的统筹规划和组织协调。
第二部分 示例市示例区档案局 2024 年度部门决算表
财政拨款收入支出决算总表
单位：万元
一、一般公共预算财政拨款 512.40 一、一般公共服务支出 468.12
二、政府性基金预算财政拨 二、外交支出
款
三、国有资本经营预算财政
拨款 三、国防支出
八、社会保障和就业支出 30.16
九、卫生健康支出 14.12
二十一、国有资本经营预算
支出
二十二、灾害防治及应急管
理支出
总计 512.40 总计 512.40
一般公共预算财政拨款基本支出决算表
301 工资福利支出 301.20
302 商品和服务支出 41.37
310 资本性支出 0.00
第三部分 示例市示例区档案局 2024 年度部门决算情况说明
九、国有资本经营预算财政拨款收入支出决算情况说明
示例市示例区档案局2024年度无国有资本经营预算财政拨款收入和支出。
"""


def test_total_table_rows_and_contents_are_not_fund_sections():
    sections = build_sections(FINAL)
    soe = [s for s in sections if s.key == "soe_capital"]
    assert all("决算" in s.title for s in soe)  # the contents entry and the narrative heading, not the table rows
    assert not [s for s in sections if "外交支出" in s.title or "国防支出" in s.title or "灾害防治" in s.title]
    report = analyse(FINAL.encode("utf-8"), name="决算.txt").report
    assert not [f for f in report.findings if f.rule == "conflicting-values"]
    assert report.fact_value("soe_capital_expenditure") == 0  # "无国有资本经营预算财政拨款收入和支出"


def test_a_units_name_broken_by_the_title_line():
    text = "示例市示例区规划和自然\n资源局\n2024 年度部门决算\n目 录\n第一部分 示例市示例区规划和自然资源局概况\n"
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    assert report.fact_value("unit_name") == "示例市示例区规划和自然资源局"


def test_the_appropriation_tables_totals_are_not_the_departments():
    text = """示例区档案局2024年度部门决算
收入支出决算总表
单位：万元
本年收入合计 1,306.25 本年支出合计 1,300.05
总计 1,330.40 总计 1,330.40
221 02 03 购房补贴 58.50 58.50财政拨款收入支出决算总表
单位：万元
本年收入合计 1,280.05 本年支出合计 1,280.05
总计 1,301.68 总计 1,301.68
"""
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    assert report.fact_value("revenue_total") == Decimal("1306.25")  # not the 财政拨款 table's 1,280.05
    assert not [f for f in report.findings if f.rule == "conflicting-values"]
