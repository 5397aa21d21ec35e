"""score(): inputs with evidence, "无法计算" naming the input, review items, totals, caps, JSON."""

import json
from decimal import Decimal

from jixiao.model import Fact, Metric, ProjectItem, Report, Section, Span
from jixiao.score import score, scorecard_table, scorecard_text
from jixiao.score.engine import _split
from jixiao.score.framework import parse_framework

D = Decimal


def span(text, start=0):
    return Span(start=start, end=start + len(text), text=text)


def fact(key, value, text=None):
    return Fact(key=key, value=value, evidence=[span(text or f"{key}{value}")])


def report(*facts, metrics=(), items=(), sections=()):
    return Report(source="t.txt", facts={f.key: f for f in facts}, metrics=list(metrics),
                  project_items=list(items), sections=list(sections))


HUNAN = (fact("province", "湖南省"), fact("report_kind", "self_evaluation"), fact("fiscal_year", 2023))


def test_self_eval_table_scores_execution_and_each_target_metric():
    r = report(*HUNAN, fact("budget", D("723.42"), "预算资金723.42万元"),
               fact("expenditure_total", D("723.14"), "财政拨款支出723.14万元"),
               metrics=[Metric(label="受理法援案件", value=D(612), unit="件", kpi="legal_aid.cases", target=D(550),
                               evidence=[span("受理法援案件612件", 100)]),
                        Metric(label="全年任务数", value=D(550), unit="件", kpi="legal_aid.target",
                               evidence=[span("全年任务数550件", 120)]),
                        Metric(label="调解成功率", value=D(80), unit="%", target=D(90), evidence=[span("x", 200)])])
    card = score(r)
    assert card.framework_id == "hunan_self_eval_table"
    exec_rate, legal_aid, mediation = card.indicators
    assert exec_rate.points == D("10.00") and exec_rate.value == D("99.9613")
    assert exec_rate.inputs[0].evidence[0].text == "财政拨款支出723.14万元"
    assert exec_rate.path == ["预算执行", "年度资金总额执行率"]
    assert (legal_aid.weight, legal_aid.points) == (D(45), D("45.00"))
    assert legal_aid.inputs[1].evidence[0].text == "全年任务数550件"  # the target's own span
    assert mediation.points == D("40.00")  # 45 × 80/90
    assert card.auto_points == D("95.00") and card.auto_max == 100
    assert card.grade == "优" and not card.partial and card.grade_label == "优（95.00分）"


def test_missing_input_is_named_never_guessed():
    r = report(*HUNAN, fact("expenditure_total", D(100)), fact("basic_expenditure", D(60)))
    card = score(r)
    exec_rate, indicators = card.indicators
    assert exec_rate.status == "无法计算" and exec_rate.missing == ["fact.budget"] and exec_rate.points is None
    assert "预算数" in exec_rate.note and "报告未给出" in exec_rate.note
    assert indicators.status == "无法计算" and indicators.missing == ["metric.target"]
    assert card.percent is None and card.grade is None and "无法评定等级" in card.grade_label
    assert card.caps[0].status == "无法计算" and card.caps[0].missing == ["fact.budget"]


def test_deviation_penalty_and_execution_cap():
    r = report(*HUNAN, fact("budget", D(100)), fact("expenditure_total", D(65)),
               metrics=[Metric(label="案件", value=D(669), unit="件", target=D(400))])
    card = score(r)
    exec_rate, metric = card.indicators
    assert exec_rate.points == D("6.50")
    assert metric.points == D("88.00") and metric.adjustments[0].points == D("-2.00")
    assert card.caps[0].ceiling == 79
    assert card.auto_points == D(79) and card.percent == D("79.00") and card.grade == "中"
    assert any("封顶为79" in n for n in card.notes)


def test_weights_split_evenly_and_add_up():
    assert _split(D(90), 7) == [D("12.85")] * 6 + [D("12.90")]
    assert sum(_split(D(90), 7)) == 90
    assert _split(D(90), 2) == [D(45), D(45)]


def test_duplicate_metrics_count_once_conflicts_are_noted():
    m = Metric(label="受理", value=D(612), unit="件", kpi="legal_aid.cases", target=D(550))
    other = Metric(label="累计受理", value=D(669), unit="件", kpi="legal_aid.cases", target=D(400))
    card = score(report(*HUNAN, metrics=[m, m.model_copy(), other]))
    assert len(card.indicators) == 3  # execution + two distinct metrics
    assert "另有不同取值：669" in card.indicators[1].note


def test_national_review_items_are_not_counted_and_grade_is_partial():
    r = report(fact("staff_authorized", 31), fact("staff_actual", 30), fact("self_score", D(95)))
    card = score(r)
    assert card.framework_id == "national_2013"
    staff = next(i for i in card.indicators if i.id == "input.alloc.staff_control_rate")
    assert staff.points == D("5.00") and staff.path == ["投入", "预算配置", "在职人员控制率"]
    social = next(i for i in card.indicators if i.id == "effect.benefit.social")
    assert social.status == "需人工评定" and social.points is None
    assert card.review_count == 11 and card.review_weight == 38
    assert card.auto_points == 5 and card.auto_max == 5 and card.partial
    assert card.grade == "优" and card.grade_label.startswith("优（部分评定：仅按可计算的5/100分")
    assert card.self_score == 95 and card.self_score_difference == 90


def test_items_sum_and_kpi_section_references():
    fw = parse_framework("""
id: t
name: 测试
source: 测试
weights_note: 测试
total: 6
grade_bands: [{grade: 优, min: 90}, {grade: 差, min: 0}]
indicators:
  - id: items
    name: 项目执行率
    weight: 2
    rule: capped_ratio
    inputs: {actual: items.actual, budget: items.budget}
    formula: actual / budget * 100
  - id: kpi
    name: 法援完成率
    weight: 2
    rule: capped_ratio
    inputs: {done: kpi.legal_aid.cases, target: target.legal_aid.cases}
    formula: done / target * 100
  - id: sections
    name: 报告完整性
    weight: 2
    rule: checklist
    inputs: {problems: section.problems, measures: section.measures, score: has.fact.self_score}
    params:
      items:
        - {name: 有问题分析, points: 1, when: problems}
        - {name: 有改进措施且写明自评得分, points: 1, when: measures and score}
""")
    items = [ProjectItem(name="甲", budget=D("71.00"), actual=D("50.24")),
             ProjectItem(name="乙", budget=D("3.00"), actual=D("4.35"))]
    sections = [Section(key="problems", title="七、存在的问题", level=1, start=10, end=50, body_start=17)]
    metric = Metric(label="受理", value=D(593), unit="件", kpi="legal_aid.cases", target=D(380))
    card = score(report(items=items, sections=sections, metrics=[metric]), fw)
    by_id = {i.id: i for i in card.indicators}
    assert by_id["items"].inputs[0].value == D("54.59") and by_id["items"].points == D("1.48")
    assert by_id["kpi"].points == D("2.00")
    assert by_id["sections"].points == D(1) and by_id["sections"].inputs[0].evidence[0].text == "七、存在的问题"

    items.append(ProjectItem(name="上级专项", actual=D("102.44")))
    card = score(report(items=items, metrics=[metric, metric.model_copy(update={"value": D(669)})]), fw)
    by_id = {i.id: i for i in card.indicators}
    assert by_id["items"].missing == ["items.budget"] and "上级专项" in by_id["items"].note
    assert by_id["kpi"].missing == ["kpi.legal_aid.cases"]  # the target agrees: 380 twice
    assert "多处取值不一致：593、669" in by_id["kpi"].note
    assert by_id["sections"].points == D(0)


def test_division_by_zero_is_not_computable():
    r = report(*HUNAN, fact("budget", D(0)), fact("expenditure_total", D(0)))
    exec_rate = score(r).indicators[0]
    assert exec_rate.status == "无法计算" and exec_rate.missing == [] and "除数为零" in exec_rate.note


def test_card_json_keeps_decimals_exact_and_renders_in_chinese():
    r = report(*HUNAN, fact("budget", D("723.42")), fact("expenditure_total", D("723.14")))
    card = score(r)
    data = json.loads(card.to_json_text(), parse_float=Decimal)
    assert data["indicators"][0]["value"] == D("99.9613")
    assert data["indicators"][0]["inputs"][1]["evidence"][0]["text"] == "budget723.42"
    assert data["auto_points"] == 10 and data["partial"] is True
    assert card.model_dump()["indicators"][0]["points"] == D("10.00")
    table = scorecard_table(card)
    assert [c.header for c in table.columns] == ["指标", "权重", "公式", "取值", "得分", "状态/缺少的输入"]
    text = scorecard_text(card)
    assert "预算执行/年度资金总额执行率" in text and "无法计算" in text and "部分评定" in text


def test_a_ceiling_target_is_scored_lower_is_better():
    ceiling = Metric(label="投诉率", value=D(4), unit="%", target=D(2), target_comparator="<=")
    easy = Metric(label="差错率", value=D(1), unit="%", target=D(2), target_comparator="<=")
    card = score(report(*HUNAN, fact("budget", D(1)), fact("expenditure_total", D(1)), metrics=[ceiling, easy]))
    missed, beaten = card.indicators[1:]
    assert missed.points == D("22.50") and not any(a.points for a in missed.adjustments)  # 45 × 2/4
    assert beaten.points == D("43.00") and beaten.adjustments[0].points == D(-2)  # 50% under a ceiling
