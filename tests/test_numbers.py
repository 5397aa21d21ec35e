from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.extract.numbers import find_quantities, parse_number


def one(text):
    qs = find_quantities(text)
    assert len(qs) == 1, (text, qs)
    return qs[0]


def test_money_units_convert_to_wanyuan_exactly():
    q = one("新增固定资产 598286.00 元")
    assert q.value == Decimal("59.8286") and q.kind == "money"
    assert q.decimals == 6  # 2 decimals in 元 = 6 in 万元
    assert one("预算1.2亿元").value == Decimal("12000")
    assert one("基本支出共899.98万元").value == Decimal("899.98")
    assert one("合计1,234.50万元").value == Decimal("1234.50")


def test_approx_markers_and_multipliers():
    # 万 before a count unit is part of the unit as written (variety.md §5: 观众4万人次 → 4 万人次)
    q = one("发放宣传资料30多万份")
    assert (q.value, q.unit, q.approx) == (Decimal(30), "万份", True)
    q = one("解答法律咨询近5万次")
    assert (q.value, q.unit, q.approx) == (Decimal(5), "万次", True)
    q = one("挽回经济损失150余万元")
    assert (q.value, q.unit, q.approx) == (Decimal(150), "万元", True)
    assert one("共调解案件842件").approx is False


def test_wan_without_yuan_is_money():
    q = one("下达水利发展资金38万，")
    assert (q.value, q.unit, q.kind, q.decimals) == (Decimal(38), "万", "money", 0)
    assert one("年末结转结余17.35万。").value == Decimal("17.35")
    assert find_quantities("部门整体支出612.40万其中：人员经费500万")[0].kind == "money"  # a run-on clause
    assert one("省级补助1.5亿").value == Decimal(15000)
    # what is counted follows the multiplier, or the figure is approximate: not money
    assert find_quantities("惠及3万群众") == []
    assert find_quantities("服务群众达10余万。") == []
    assert (one("观众4万人次").value, one("观众4万人次").unit) == (Decimal(4), "万人次")


def test_percent_precision_and_bounds():
    q = one("调处成功率98.8%")
    assert (q.value, q.decimals, q.kind) == (Decimal("98.8"), 1, "percent")
    assert one("预算完成率≥95%").comparator == ">="
    assert one("满意度达90%以上").comparator == ">="
    assert one("百分之九十五").value == 95


def test_chinese_numerals_only_where_counting():
    assert one("内设职能科室二十一个").value == 21
    assert one("局机关内设六个职能股室").value == 6  # a classifier after the digit: a count
    assert [q.value for q in find_quantities("其中假释二人、暂予监外执行三人")] == [2, 3]
    assert find_quantities("区第二人民医院") == []  # an ordinal
    assert find_quantities("严格执行中央八项规定精神") == []  # a phrase
    assert find_quantities("一是加强统一管理") == []
    assert find_quantities("落实“三项制度”") == []


def test_dates_are_not_quantities():
    assert find_quantities("2021年12月31日前完成") == []


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_money_round_trip(value):
    text = f"支出{value}万元"
    q = one(text)
    assert q.value == value


@given(st.integers(min_value=0, max_value=99999))
def test_chinese_numeral_round_trip(n):
    import cn2an

    numeral = cn2an.an2cn(n)
    parsed = parse_number(numeral)
    assert parsed is not None and parsed[0] == n


@given(st.text(max_size=300))
def test_find_quantities_never_raises(text):
    for q in find_quantities(text):
        assert 0 <= q.start <= q.num_start < q.end <= len(text)


def test_kpi_metrics_are_counted_in_the_packs_unit_others_keep_wan_as_written():
    from jixiao.extract import extract_text

    r = extract_text("全年共接待群众法律咨询2.1万人次，新建高标准农田3.2万亩。")
    got = {(m.kpi, m.unit): m.value for m in r.metrics}
    assert got[("legal_consultations", "人次")] == Decimal(21000)
    assert got[(None, "万亩")] == Decimal("3.2")


@pytest.mark.parametrize(("text", "want"), [
    ("本年收入合计 307.82 本年支出合计 307.82", []),              # 本 begins the next cell's word
    ("30310 个人农业生产补贴", []),                               # a classification code before a name
    ("推进“15分钟生活圈”建设", []),                               # part of a name in quotes
    ("机要通信用车 0 辆", [(0, "辆")]),                           # a unit after a space, at the end
    ("全年办结信访件 12 件，", [(12, "件")]),
    ("每天服务 8 小时", [(8, "小时")]),
    ("平均等候15分钟", [(15, "分钟")]),
    ("实有在职人员 35 人在岗", [(35, "人")]),                     # a count before a word, not a table fragment
    ("全年培训 120 人次参训率高", [(120, "人次")]),
])
def test_a_count_unit_across_a_gap_is_not_the_next_word(text, want):
    assert [(q.value, q.unit) for q in find_quantities(text) if q.kind == "count"] == want
