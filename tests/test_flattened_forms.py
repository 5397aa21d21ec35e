"""Forms and sentences written the ways unseen reports write them (invented cases, none from a seed)."""

from __future__ import annotations

from decimal import Decimal

from jixiao.extract import extract_text
from jixiao.ingest.normalize import normalize
from jixiao.pipeline import analyse, analyse_text

# a 项目支出绩效自评表 flattened with pipes but no outer pipes; merged cells left as leading empty cells
FORM = """项目支出绩效自评表
项目名称 | 村级文化活动室运行补助
主管部门 | 示例县文化旅游局 | 实施单位 | 示例县青石镇文化站
项目资金（万元） | | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
年度资金总额 | | 0 | 52.00 | 49.40 | 10 | 95% | 9.5
其中：当年财政拨款 | | 52.00 | 52.00 | 49.40 | — | 95% | 9.2
上年结转资金 | | 0 | 0 | 0 | — | — | —
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
 | 产出指标 | 数量指标 | 开展文化活动场次 | ≥12场 | 40场 | 20 | 20 |
 | | 质量指标 | 群众参与率 | ≥85% | 78% | 20 | 14 | 农忙时节参与少
 | 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% | 93% | 10 | 10 |
"""


def test_rows_without_outer_pipes_become_tab_rows():
    text, offsets = normalize(FORM)
    lines = text.split("\n")
    assert lines[4] == "年度资金总额\t\t0\t52.00\t49.40\t10\t95%\t9.5"
    assert lines[8].startswith("\t产出指标\t数量指标")  # the merged first cell stays an empty cell
    for i, ch in enumerate(text):
        if ch not in "\t\n":
            assert FORM[offsets[i]] == ch


def test_a_menu_of_links_is_not_a_table():
    text, _ = normalize("首页 | 政务公开 | 财政资金\n机构概况 | 办事服务\n正文开始")
    assert text.startswith("首页 | 政务公开")


def _form():
    return analyse(FORM.encode("utf-8"), name="自评表.txt")


def test_a_stated_zero_beside_decimals_is_read_not_taken_for_broken_digits():
    r = _form().report
    (item,) = r.project_items
    assert (item.name, item.budget, item.actual) == ("村级文化活动室运行补助", Decimal(0), Decimal("49.40"))


def test_indicator_rows_are_read_with_their_merged_cells_left_empty():
    r = _form().report
    got = {m.label: (m.target, m.value) for m in r.metrics if m.target is not None}
    assert got == {"开展文化活动场次": (12, 40), "群众参与率": (85, 78), "群众满意度": (90, 93)}


def test_form_findings_sum_score_conflict_and_targets():
    a = _form()
    rules = sorted(f.rule for f in a.report.findings)
    assert "sum-mismatch" in rules  # 年度资金总额 年初 0 while its 其中 row holds 52.00
    assert "conflicting-values" in rules  # 9.5 and 9.2 points at the same 95%
    assert "target-missed" in rules and "target-far-exceeded" in rules


def test_indicator_rows_shorter_than_their_header_are_lined_up_by_content():
    short = FORM.replace(" | 产出指标 | 数量指标 | ", "产出指标 | ").replace(" | | 质量指标 | ", "").replace(
        " | 满意度指标 | 服务对象满意度指标 | ", "")
    got = {m.label: (m.target, m.value) for m in analyse(short.encode(), name="表.txt").report.metrics
           if m.target is not None}
    assert got == {"开展文化活动场次": (12, 40), "群众参与率": (85, 78), "群众满意度": (90, 93)}


def test_execution_rate_on_the_total_spent_not_the_last_part():
    text = ("二、预算执行情况\n全年预算860.00万元，全年支出842.80万元，其中基本支出512.30万元、"
            "项目支出330.50万元，预算执行率98%。\n")
    assert not [f for f in analyse_text(text).report.findings if f.rule == "rate-mismatch"]


def test_economic_parts_after_the_total_and_qizhong_are_complete():
    text = ("二、支出情况\n基本支出210.46万元，其中工资福利支出168.20万元、商品和服务支出30.11万元、"
            "对个人和家庭的补助12.08万元。\n")
    found = [f for f in analyse_text(text).report.findings if f.rule == "sum-mismatch"]
    assert found and "0.07" in found[0].message


def test_projects_named_short_in_a_later_paragraph_are_the_same_projects():
    text = ("一、项目概况\n资金安排两个子项目：示例县第一中学操场改造工程预算120.00万元，示例县第二小学围墙修缮工程预算40.00万元。\n"
            "二、资金使用\n第一中学操场改造工程完成支付118.50万元。\n")
    items = {i.name: (i.budget, i.actual) for i in extract_text(text).project_items}
    assert items["示例县第一中学操场改造工程"] == (Decimal("120.00"), Decimal("118.50"))


def test_projects_listed_after_a_key_projects_colon():
    text = "三、项目支出\n重点项目：乡村文化广场建设经费支出62.50万元，非遗保护传承经费支出18.00万元。\n"
    names = {i.name for i in extract_text(text).project_items}
    assert {"乡村文化广场建设经费", "非遗保护传承经费"} <= names


def test_a_project_named_in_a_clause_before_its_reason_gets_its_own_amount():
    text = ("二、资金使用\n截至年底，甲村道路硬化工程完成支付88.00万元；乙村饮水安全工程因选址调整，完成支付21.40万元。\n")
    items = {i.name: i.actual for i in extract_text(text).project_items}
    assert items == {"甲村道路硬化工程": Decimal("88.00"), "乙村饮水安全工程": Decimal("21.40")}


def test_indicator_scores_follow_their_columns_in_rows_lined_up_by_content():
    text = ("绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n"
            "数量指标\t改造农村公路里程\t≥30公里\t24公里\t20\t16\n"
            "满意度指标\t群众满意度\t≥90%\t95%\t10\t12\n")
    rules = {f.rule for f in analyse(text.encode(), name="表.txt").report.findings}
    assert {"missing-deviation-reason", "score-exceeds-weight", "target-missed"} <= rules


# a provincial form's indicator part written one cell per line; a blank line is an empty cell
ONE_CELL_PER_LINE = "\n".join([
    "项目名称", "示例县乡村文化广场建设", "绩效指标（90分）", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
    "度量单位", "实际完成值", "权重", "得分", "未完成原因分析",
    "产出指标", "数量指标", "新建文化广场", "≥", "12", "个", "9", "20", "15", "",
    "质量指标", "验收合格率", "=", "100", "%", "100", "10", "10", "",
    "成本指标", "单个广场造价", "≤", "18", "万元/个", "17.6", "10", "10", "",
    "满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%", "86", "10", "8", "部分广场照明未配齐",
    "合计", "88.00"])


def test_indicator_rows_written_one_cell_per_line_are_read_with_their_scores():
    a = analyse(ONE_CELL_PER_LINE.encode(), name="表.txt")
    got = {m.label: (m.target, m.target_comparator, m.value, m.unit) for m in a.report.metrics if m.target is not None}
    assert got == {"新建文化广场": (12, ">=", 9, "个"), "验收合格率": (100, None, 100, "%"),
                   "单个广场造价": (18, "<=", Decimal("17.6"), "万元/个"), "群众满意度": (90, ">=", 86, "%")}
    found = {(f.rule, f.evidence[0].text) for f in a.report.findings}
    assert ("missing-deviation-reason", "新建文化广场") in found  # missed, reason cell empty
    assert ("missing-deviation-reason", "群众满意度") not in found  # missed, reason given
    assert ("target-missed", "群众满意度") in found


def test_the_full_budget_after_the_initial_one_is_the_adjustment_not_a_second_budget():
    text = "三、项目支出\n示例中学校舍改造项目年初预算120.00万元，年中追加36.00万元，全年预算156.00万元，全年实际支出144.50万元。\n"
    items = {i.name: (i.budget, i.adjustment, i.actual) for i in extract_text(text).project_items}
    assert items == {"示例中学校舍改造项目": (Decimal("120.00"), Decimal("36.00"), Decimal("144.50"))}
    text = "三、项目支出\n示例中学校舍改造项目全年预算156.00万元，年初预算120.00万元，全年实际支出144.50万元。\n"
    items = {i.name: (i.budget, i.adjustment, i.actual) for i in extract_text(text).project_items}
    assert items == {"示例中学校舍改造项目": (Decimal("120.00"), Decimal("36.00"), Decimal("144.50"))}


def test_last_years_figure_and_the_change_are_not_projects():
    text = ("二、支出情况\n2020年度支出1320.77万元，其中基本支出1098.35万元、项目支出222.42万元，"
            "比2019年的1288.10万元增加32.67万元。\n")
    assert extract_text(text).project_items == []
    assert not [f for f in analyse_text(text).report.findings if f.rule == "sum-mismatch"]


def test_page_numbers_are_not_counts_but_pages_are():
    text = "全年完成档案数字化58.6万页。\n第 3 页 共 5 页\n"
    assert [(m.value, m.unit) for m in extract_text(text).metrics] == [(Decimal("58.6"), "万页")]


def test_a_table_with_one_space_between_cells_becomes_tab_rows():
    text = ("指标名称 年度目标 实际完成 完成率\n儿童健康管理率 ≥90% 93.6% 104.0%\n慢病规范管理率 ≥65% 64.2% 98.8%\n"
            "项目 名称 说明\n")
    out, offsets = normalize(text)
    assert out.split("\n")[:3] == ["指标名称\t年度目标\t实际完成\t完成率", "儿童健康管理率\t≥90%\t93.6%\t104.0%",
                                   "慢病规范管理率\t≥65%\t64.2%\t98.8%"]
    assert out.split("\n")[3] == "项目 名称 说明"  # words with spaces, no figures: not a table
    rules = {(f.rule, f.evidence[0].text) for f in analyse(text.encode(), name="表.txt").report.findings}
    assert ("target-missed", "慢病规范管理率") in rules


def test_a_forms_money_rows_below_its_name_are_the_projects_not_the_departments():
    text = ("示例县幼儿园2023年度项目支出绩效自评表\n项目名称 学前教育发展资金 主管部门 示例县教育局 实施单位 示例县幼儿园\n"
            "项目资金(万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n"
            "年度资金总额 42.50 42.50 41.80 10 98.35% 9.84\n其中:当年财政拨款 42.50 42.50 41.80 — 98.35% —\n"
            "上年结转资金 0 0 0 — — —\n")
    facts = analyse(text.encode(), name="表.txt").report.facts
    assert "budget" not in facts and "expenditure_total" not in facts
