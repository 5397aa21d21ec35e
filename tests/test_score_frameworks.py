"""Framework YAML files: each loads and validates; bad files are refused with a reason."""

from decimal import Decimal

import pytest

from jixiao.model import Fact, Report
from jixiao.score import FrameworkError, choose_framework, framework_ids, load_framework, score
from jixiao.score.framework import parse_framework
from jixiao.score.rules import RULES

D = Decimal


def _groups(node):
    yield node
    for child in node.children:
        yield from _groups(child)


def test_the_shipped_frameworks_are_there():
    assert {"national_2013", "hunan_self_eval_table", "hunan_2_2_b"} <= set(framework_ids())
    assert "_inputs" not in framework_ids()


@pytest.mark.parametrize("fid", framework_ids())
def test_framework_loads_and_weights_sum_to_declared_totals(fid):
    fw = load_framework(fid)
    assert fw.id == fid and fw.name and fw.source and fw.weights_note
    assert sum((n.weight for n in fw.indicators), D(0)) + fw.unknown_weight == fw.total
    ids = []
    for top in fw.indicators:
        for node in _groups(top):
            if node.children:
                assert sum((c.weight for c in node.children), D(0)) + node.unknown_weight == node.weight, node.name
            else:
                ids.append(node.id)
                rule = node.rule or node.template.rule
                assert RULES[rule].kind == "leaf"
    assert len(ids) == len(set(ids))
    assert [b.grade for b in fw.grade_bands] == ["优", "良", "中", "差"]
    assert [b.min for b in fw.grade_bands] == [90, 80, 60, 0]


def test_national_tree_is_4_7_28():
    fw = load_framework("national_2013")
    assert [n.name for n in fw.indicators] == ["投入", "过程", "产出", "效果"]
    seconds = [c for top in fw.indicators for c in top.children]
    assert len(seconds) == 7
    leaves = [leaf for s in seconds for leaf in s.children]
    assert len(leaves) == 28 and all(leaf.rule for leaf in leaves)
    assert fw.default and not fw.applies_to.criteria()


def test_hunan_self_eval_is_10_plus_90():
    fw = load_framework("hunan_self_eval_table")
    assert [(n.name, n.weight) for n in fw.indicators] == [("预算执行", 10), ("绩效指标", 90)]
    assert fw.indicators[1].for_each is not None
    assert [c.rule for c in fw.caps] == ["cap"]


def test_hunan_2_2_b_marks_what_is_unknown():
    fw = load_framework("hunan_2_2_b")
    assert fw.unknown_total == 26 + 42
    assert {n.weight for top in fw.indicators for n in top.children} == {8}


GOOD = """
id: t
name: 测试
source: 测试
weights_note: 测试
total: 10
grade_bands: [{grade: 优, min: 90}, {grade: 差, min: 0}]
indicators:
  - name: 一级
    weight: 10
    children:
      - id: a
        name: 叶
        weight: 10
        rule: capped_ratio
        inputs: {x: fact.expenditure_total, y: fact.budget}
        formula: x / y * 100
"""


def test_a_minimal_framework_parses():
    fw = parse_framework(GOOD)
    assert fw.indicators[0].children[0].leaf.compiled_formula.names == {"x", "y"}


@pytest.mark.parametrize("old,new,message", [
    ("weight: 10\n    children", "weight: 9\n    children", "下级权重之和"),
    ("total: 10", "total: 11", "不等于总分"),
    ("rule: capped_ratio", "rule: magic", "未知的评分规则"),
    ("rule: capped_ratio", "rule: cap", "total 类规则"),
    ("fact.budget", "fact.budgett", "不在 data/frameworks/_inputs.yaml"),
    ("fact.budget", "budget", "无法识别的输入引用"),
    ("x / y * 100", "__import__('os')", "不允许"),
    ("x / y * 100", "x.real", "不允许"),
    ("x / y * 100", "x / z", "未声明的输入 z"),
    ("formula: x / y * 100", "formula: x / y * 100\n        params: {target: 100, bogus: 1}", "bogus"),
    ("formula: x / y * 100", "formula: x / y * 100\n        params: {target: 'x.y'}", "不允许"),
    ("- id: a\n        name: 叶", "- name: 叶", "缺少 id"),
])
def test_invalid_frameworks_are_refused_with_the_place_and_reason(old, new, message):
    assert old in GOOD
    with pytest.raises(FrameworkError) as err:
        parse_framework(GOOD.replace(old, new, 1), "bad.yaml")
    assert "bad.yaml" in str(err.value) and message in str(err.value)


def test_checklist_points_must_add_up_to_the_weight():
    bad = GOOD.replace("""        rule: capped_ratio
        inputs: {x: fact.expenditure_total, y: fact.budget}
        formula: x / y * 100
""", """        rule: checklist
        params: {items: [{name: 甲, points: 4}, {name: 乙, points: 4}]}
""")
    with pytest.raises(FrameworkError, match="要点分数之和 8 不等于权重 10"):
        parse_framework(bad)


def test_unknown_framework_name():
    with pytest.raises(FrameworkError, match="没有名为 'nope' 的评分框架"):
        score(Report(source="x"), "nope")


def _report(**facts):
    return Report(source="t", facts={k: Fact(key=k, value=v) for k, v in facts.items()})


@pytest.mark.parametrize("facts,want", [
    ({"province": "湖南省", "report_kind": "self_evaluation", "fiscal_year": 2023}, "hunan_self_eval_table"),
    ({"province": "湖南省", "report_kind": "self_evaluation", "fiscal_year": 2018}, "hunan_2_2_b"),
    ({"province": "湖南省", "report_kind": "evaluation", "fiscal_year": 2021}, "national_2013"),
    ({"province": "湖南省", "report_kind": "self_evaluation"}, "national_2013"),  # year unknown: no match
    ({"province": "江西省", "report_kind": "self_evaluation", "fiscal_year": 2021}, "national_2013"),
    ({}, "national_2013"),
])
def test_framework_choice_by_province_kind_year(facts, want):
    assert choose_framework(_report(**facts)).id == want


def test_hunan_2_2_b_worked_example():
    """The W3 2018 filing: 编制143/在职136 → 8; 三公 63.46 vs 32 → 0; 预算完成率 99.27% → 8."""
    report = _report(staff_authorized=143, staff_actual=136, three_public_budget=D("63.46"),
                     three_public_budget_prev=D(32), carryover_begin=D(0), budget=D(100),
                     budget_added=D(0), carryover_end=D("0.73"))
    card = score(report, "hunan_2_2_b")
    got = {i.id: i.points for i in card.indicators}
    assert got == {"hn.input.staff_control_rate": D("8.00"), "hn.input.three_public_change": D("0.00"),
                   "hn.exec.completion": D("8.00"), "hn.exec.budget_control": D("8.00")}
    assert card.indicators[0].value == D("95.1049")
    assert card.partial and card.unknown_weight == 68 and card.auto_max == 32
