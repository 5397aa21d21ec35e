import re

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.extract.outline import TABLE_TITLE, build_sections

HUNAN_MIXED = """一、部门基本情况
（一）职能职责
1、负责全区法治建设。
2、承担行政复议工作。
二、一般公共预算支出情况
（一）基本支出：基本支出共100.00万元。
（二）项目支出。项目支出共50.00万元。
三、政府性基金预算支出情况
本单位无政府性基金。
4、 国有资本经营预算支出情况
无
5、 社会保险基金预算支出情况
无
6、 部门整体支出绩效情况
全年办理法律援助案件100件。
七、下一步改进措施
（一）加强预算管理
八、部门整体支出绩效自评结果拟应用和公开情况
按规定公开。"""


def keys(text, level=None):
    return [s.key for s in build_sections(text) if level is None or s.level == level]


def test_mixed_numbering_top_level():
    assert keys(HUNAN_MIXED, 1) == ["basic_info", "general_budget", "gov_fund", "soe_capital",
                                    "social_insurance", "performance", "measures", "publication"]


def test_run_in_headings_and_list_items():
    secs = build_sections(HUNAN_MIXED)
    sub = [s for s in secs if s.level == 2]
    assert [s.key for s in sub][:3] == ["functions", "basic_expenditure", "project_expenditure"]
    # numbered list items ("1、负责…") are not headings
    assert not any("负责" in s.title for s in secs)


def test_arabic_list_is_not_promoted_to_top_level():
    text = "一、部门概况\n1.投入管理指标绩效目标\n2.产出指标绩效目标\n3.效果指标绩效目标\n二、存在的问题\n无。"
    assert keys(text, 1) == ["basic_info", "problems"]


def test_section_spans_cover_the_body():
    secs = build_sections(HUNAN_MIXED)
    gov = next(s for s in secs if s.key == "gov_fund")
    assert "无政府性基金" in HUNAN_MIXED[gov.body_start:gov.end]
    assert HUNAN_MIXED[gov.start:].startswith("三、政府性基金")


def test_other_numbering_styles():
    text = "第一部分 部门概况\n内容。\n第二部分 存在的问题及原因分析\n问题。\n（1）改进措施\n措施。"
    assert keys(text, 1) == ["basic_info", "problems"]


def test_headings_whose_numbering_was_lost():
    text = ("部门基本情况\n本局内设科室5个。\n一般公共预算支出情况\n基本支出100.00万元。\n"
            "存在的问题\n预算编制不够细。\n改进措施\n加强管理。")
    assert keys(text, 1) == ["basic_info", "general_budget", "problems", "measures"]


def test_numbered_reports_do_not_take_plain_lines_as_headings():
    text = "一、部门基本情况\n内容。\n二、存在的问题\n问题。\n三、改进措施\n措施。\n存在的问题\n这一行只是正文。"
    assert [s.title for s in build_sections(text) if s.level == 1] == ["一、部门基本情况", "二、存在的问题", "三、改进措施"]


def test_top_level_numbered_with_parenthesised_arabic():
    """（1）（2）… for the top level, （一） below it, and a （1）（2） list inside a section."""
    text = ("（1）单位概况\n（一）主要职能\n负责全县水利工程建设管理。\n（二）人员情况\n编制12名。\n"
            "（2）一般公共预算支出情况\n（一）项目支出\n项目支出包括：\n（1）河道整治经费30.00万元；\n"
            "（2）水源保护经费12.00万元。\n（3）政府性基金预算支出情况\n无。\n(4) 存在的问题及原因分析\n无。")
    sections = build_sections(text)
    assert [s.key for s in sections if s.level == 1] == ["basic_info", "general_budget", "gov_fund", "problems"]
    assert [s.key for s in sections if s.level == 2] == ["functions", "organisation", "project_expenditure"]


def test_parts_put_every_numbering_style_one_level_down():
    text = ("第一部分 单位概况\n（一）年度绩效目标\n1.产出指标绩效目标\n完成河道整治12公里。\n2.效益指标绩效目标\n群众满意度90%以上。\n"
            "第二部分 存在的问题\n无。")
    sections = {s.title: s for s in build_sections(text)}
    goal = sections["（一）年度绩效目标"]
    assert goal.level == 3 and goal.end > text.index("2.效益指标")  # the goals are inside it
    assert sections["第二部分 存在的问题"].level == 1


_TITLE_PATTERN = re.compile(r"[^\n\d\s.,]{0,40}决算(?:总)?表[ \t]*$", re.M)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("决算总表收支出 \t\n.,1２x三公经费")), max_size=160),
       st.integers(min_value=0, max_value=160))
def test_table_titles_are_those_of_their_pattern(text, pos):
    """The 决算 table titles found from their ends are the pattern's own matches."""
    assert [m.span() for m in TABLE_TITLE.finditer(text)] == [m.span() for m in _TITLE_PATTERN.finditer(text)]
    want = _TITLE_PATTERN.search(text, pos)
    got = TABLE_TITLE.search(text, pos)
    assert (got and got.span()) == (want and want.span())


def test_a_table_of_contents_opens_no_section():
    text = ("目 录\n一、部门概况…………………………3\n二、存在的问题…………………………9\n"
            "一、部门概况\n本局负责全县水利工作。\n二、部门整体支出情况\n全年支出512.30万元。\n")
    titles = [s.title for s in build_sections(text)]
    assert not any("…" in t for t in titles)
    assert not any(s.key == "problems" for s in build_sections(text))  # the contents line is no 存在的问题 section
