"""`jixiao score` on project forms: each form scored again under 财预〔2020〕10号 (or a provincial variant
in data/form_rules), row by row beside the unit's own 得分 (invented forms, none from a seed)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.pipeline import Options, analyse
from jixiao.score import FormRulesError, score_forms

FORM = """{province}{year}年度项目支出绩效自评表
项目名称 | 乡村文化活动补助
主管部门 | {county}文化和旅游局 | 实施单位 | {county}文化馆
项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
年度资金总额 | 40.00 | 50.00 | 42.00 | 10 | 84% | {exec_score}
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
 | 产出指标 | 数量指标 | 送戏下乡场次 | ≥40场 | 36场 | 40 | {missed_score} | 部分场次因汛期取消
 | 效益指标 | 社会效益指标 | 群众文化生活改善 | 明显改善 | 有所改善 | 30 | 25 | 覆盖不足
 | 成本指标 | 经济成本指标 | 每场演出成本 | ≤1.2万元 | 1.1万元 | 10 | 10 |
 | 满意度指标 | 服务对象满意度 | 群众满意度 | ≥90% | 93% | 10 | 10 |
总分 | | | | | | 100 | {total} |
"""


def _report(**kw):
    values = {"year": 2023, "province": "", "county": "示例县", "exec_score": "8.4", "missed_score": "36",
              "total": "89.4"} | kw
    return analyse(FORM.format(**values).encode("utf-8"), name="form.txt").report


def test_each_row_scored_again_and_explained():
    (fs,) = score_forms(_report())
    assert fs.rules == "national_2020"
    rows = {r.label: r for r in fs.rows}
    ex = rows["预算执行率（年度资金总额）"]
    assert (ex.kind, ex.computed, ex.difference) == ("execution", Decimal("8.40"), 0)  # 42 ÷ 50 on 全年预算数
    assert "42.00 ÷ 全年预算数50.00" in ex.explanation
    missed = rows["送戏下乡场次"]
    assert (missed.computed, missed.difference) == (36, 0) and "40 × 36 ÷ 40" in missed.explanation
    assert rows["每场演出成本"].computed == 10 and "达到目标≤1.2万元" in rows["每场演出成本"].explanation
    q = rows["群众文化生活改善"]
    assert (q.kind, q.computed, q.stated) == ("qualitative", None, 25)
    assert "83.3%" in q.explanation and "达成年度指标" in q.explanation  # 25 of 30
    assert (fs.stated_total, fs.computed_total, fs.difference) == (Decimal("89.4"), Decimal("89.40"), 0)


def test_a_difference_is_traced_to_its_row():
    (fs,) = score_forms(_report(exec_score="10", missed_score="40", total="95"))
    diffs = {r.label: r.difference for r in fs.rows if r.difference}
    assert diffs == {"预算执行率（年度资金总额）": Decimal("1.60"), "送戏下乡场次": 4}
    assert fs.difference == Decimal("5.60")
    ex = next(r for r in fs.rows if r.kind == "execution")
    assert "自评10分，相差1.60分" in ex.explanation


def test_provincial_rules_are_chosen_by_province():
    (fs,) = score_forms(_report(province="四川省", county="青神县"))
    assert fs.rules == "sichuan_2020"
    assert any("低于90%" in n for n in fs.notes)  # 84% needs an explanation in Sichuan
    (national,) = score_forms(_report())
    assert not any("低于90%" in n for n in national.notes)


def test_a_report_without_forms_has_nothing_to_rescore():
    report = analyse("某县档案馆2022年度部门整体支出绩效自评报告\n全年支出836.20万元。".encode(), name="r.txt").report
    assert score_forms(report) == []


def test_unknown_rules_are_a_clear_error():
    with pytest.raises(FormRulesError, match="没有名为"):
        score_forms(_report(), "nowhere")


def test_the_score_command_on_forms(tmp_path):
    path = tmp_path / "form.txt"
    path.write_text(FORM.format(year=2023, province="", county="示例县", exec_score="10", missed_score="40", total="95"),
                    encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(app, ["score", str(path), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    (form,) = data["forms"]
    assert form["project"] == "乡村文化活动补助" and form["difference"] == 5.6
    text = runner.invoke(app, ["score", str(path)], env={"COLUMNS": "200"})
    assert text.exit_code == 0 and "重算总分：89.4" in text.stdout and "相差1.60分" in text.stdout
    bad = runner.invoke(app, ["score", str(path), "--form-rules", "nowhere"])
    assert bad.exit_code != 0 and "没有名为" in bad.output


def test_a_bureau_adds_its_own_rules_as_data(tmp_path):
    rules = tmp_path / "data" / "form_rules"
    rules.mkdir(parents=True)
    (rules / "example_2021.yaml").write_text("""id: example_2021
name: 示例省项目支出绩效自评表计分规则（执行率按年初预算数）
source: 示例
applies_to: {province: [山东省]}
execution: {basis: [budget], cap: 100}
qualitative:
  - {name: 达成, min: 80, max: 100}
  - {name: 未达成, min: 0, max: 80}
""", encoding="utf-8")
    analysis = analyse(FORM.format(year=2023, province="山东省", county="莒县", exec_score="8.4", missed_score="36",
                                   total="89.4").encode("utf-8"), name="form.txt",
                       options=Options(review=False, score=True, data=tmp_path / "data"))
    (fs,) = analysis.forms
    ex = fs.rows[0]
    assert fs.rules == "example_2021" and ex.computed == 10  # 42 ÷ 40 on 年初预算数, capped at 100%
    assert "高于100%按100%计" in ex.explanation


def test_every_shipped_rules_file_loads_and_one_is_the_default():
    from jixiao.score.forms import form_rules_ids, load_form_rules

    rules = [load_form_rules(i) for i in form_rules_ids()]
    assert {r.id for r in rules} >= {"national_2020", "sichuan_2020"}
    assert [r.id for r in rules if r.default] == ["national_2020"]
