"""The rule registry and rule selection: registration checks, ``jixiao rules``, ``--select`` /
``--ignore`` (and in the config file), aliases, and a rule that raises (``internal-error``, exit 2)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from jixiao.cli import app
from jixiao.pipeline import Options, analyse, analyse_text
from jixiao.review import INTERNAL_ERROR, RULES, RuleError, resolve, rule, selection
from jixiao.review.registry import unregister

SAMPLE_TXT = SAMPLES / "示例市示范区司法局_2024年度部门整体支出绩效自评报告.txt"
SUM_TEXT = "项目支出共920.54万元，一是业务工作经费支出670.74万元；二是专项经费294.80万元。"
DOC = '''测试规则。

**何时触发**：测试时。

**为什么重要**：测试注册表。

**示例**：无。
'''

runner = CliRunner()


def _cli(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def case_file(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text("rule: test\ncases: []\n", encoding="utf-8")
    return path


@pytest.fixture
def raising_rule(case_file):
    """A registered rule that raises on every report."""

    def check(rc):
        raise RuntimeError("boom")
        yield  # a generator, like every rule

    check.__doc__ = DOC
    rule("always-raises", "J990", "warning", "总是出错的测试规则", "不会出现。", fixture=case_file)(check)
    yield "always-raises"
    unregister("always-raises")


def _register(case_file, **kw):
    fields = {"id": "test-rule", "code": "J991", "severity": "warning", "title": "测试规则", "message": "测试。"}
    fields.update(kw)

    def check(rc):
        yield from ()

    check.__doc__ = kw.pop("doc", DOC)
    return rule(fields["id"], fields["code"], fields["severity"], fields["title"], fields["message"],
                aliases=kw.get("aliases", ()), fixture=kw.get("fixture", case_file))(check)


@pytest.mark.parametrize("change,problem", [
    ({"id": "Bad_Id"}, "id 应为"),
    ({"code": "X1"}, "代码应为"),
    ({"code": "J101"}, "J101 已被规则 sum-mismatch 使用"),
    ({"id": "sum-mismatch"}, "sum-mismatch 已被规则 sum-mismatch 使用"),
    ({"severity": "fatal"}, "级别应为"),
    ({"title": "English only"}, "缺少中文名称"),
    ({"doc": "测试规则。\n\n**何时触发**：测试时。"}, "文档缺少 **为什么重要**、**示例**"),
])
def test_registration_is_checked(case_file, change, problem):
    doc = change.pop("doc", DOC)
    with pytest.raises(RuleError, match=problem.replace("*", r"\*")):
        _register(case_file, doc=doc, **change)
    assert "test-rule" not in RULES


def test_a_rule_needs_its_case_file(tmp_path):
    with pytest.raises(RuleError, match="缺少测试用例文件"):
        _register(None, fixture=tmp_path / "missing.yaml")


def test_every_builtin_rule_passes_the_checks():
    assert len(RULES) >= 11
    for r in RULES.values():
        assert r.summary and r.title and r.code.startswith("J")


def test_names_resolve_by_id_code_and_alias(case_file):
    assert resolve("sum-mismatch").code == "J101"
    assert resolve("j102").id == "rate-mismatch"
    _register(case_file, aliases=("old-test-rule",))
    try:
        assert resolve("old-test-rule").id == "test-rule"
        assert [r.id for r in selection(["old-test-rule"])] == ["test-rule"]
    finally:
        unregister("test-rule")
    with pytest.raises(RuleError, match="未知的规则"):
        resolve("no-such-rule")


def test_rules_lists_every_rule():
    result = _cli("rules")
    assert result.exit_code == 0, result.output
    for r in RULES.values():
        assert r.id in result.output and r.code in result.output and r.title in result.output


def test_rules_id_prints_the_documentation():
    result = _cli("rules", "sum-mismatch")
    assert result.exit_code == 0, result.output
    assert "J101" in result.output and "**何时触发**" in result.output and "消息模板" in result.output
    assert _cli("rules", "J101").output == result.output
    bad = _cli("rules", "no-such-rule")
    assert bad.exit_code == 2 and "未知的规则" in bad.output


def test_check_select_and_ignore():
    every = {f["rule"] for f in json.loads(_cli("check", "--json", SAMPLE_TXT).stdout)["findings"]}
    assert {"sum-mismatch", "count-mismatch"} <= every
    only = _cli("check", "--json", "--select", "sum-mismatch", SAMPLE_TXT)
    assert only.exit_code == 1  # sum-mismatch is an error here
    assert {f["rule"] for f in json.loads(only.stdout)["findings"]} == {"sum-mismatch"}
    both = _cli("check", "--json", "--select", "sum-mismatch,J103", SAMPLE_TXT)
    assert {f["rule"] for f in json.loads(both.stdout)["findings"]} == {"sum-mismatch", "count-mismatch"}
    rest = _cli("check", "--json", "--ignore", "sum-mismatch", "--ignore", "rate-mismatch", SAMPLE_TXT)
    assert {f["rule"] for f in json.loads(rest.stdout)["findings"]} == every - {"sum-mismatch", "rate-mismatch"}
    assert rest.exit_code == 0  # the error-level findings were ignored
    unknown = _cli("check", "--select", "no-such-rule", SAMPLE_TXT)
    assert unknown.exit_code == 2 and "未知的规则" in unknown.output


def test_select_and_ignore_in_the_config_file(tmp_path):
    cfg = tmp_path / "review.yaml"
    cfg.write_text("ignore: [sum-mismatch]\n", encoding="utf-8")
    out = json.loads(_cli("check", "--json", "--config", cfg, SAMPLE_TXT).stdout)
    assert "sum-mismatch" not in {f["rule"] for f in out["findings"]}
    cfg.write_text("select: [J101]\n", encoding="utf-8")
    out = json.loads(_cli("check", "--json", "--config", cfg, SAMPLE_TXT).stdout)
    assert {f["rule"] for f in out["findings"]} == {"sum-mismatch"}
    # the command line wins over the file
    out = json.loads(_cli("check", "--json", "--config", cfg, "--select", "count-mismatch", SAMPLE_TXT).stdout)
    assert {f["rule"] for f in out["findings"]} == {"count-mismatch"}


def test_a_rule_that_raises_is_an_internal_error_and_check_exits_2(raising_rule):
    analysis = analyse_text(SUM_TEXT)
    failed = analysis.internal_errors
    assert [f.values["rule"] for f in failed] == [raising_rule]
    assert failed[0].rule == INTERNAL_ERROR and failed[0].severity == "error"
    assert raising_rule in failed[0].message and "RuntimeError" in failed[0].message
    assert any(f.rule == "sum-mismatch" for f in analysis.findings)  # the other rules still ran

    result = _cli("check", "--json", SAMPLE_TXT)
    assert result.exit_code == 2
    rules = [f["rule"] for f in json.loads(result.stdout)["findings"]]
    assert INTERNAL_ERROR in rules and "sum-mismatch" in rules
    assert raising_rule in result.stderr
    # skipping the broken rule gives the ordinary exit status again
    assert _cli("check", "--ignore", raising_rule, SAMPLE_TXT).exit_code == 1


def test_options_select_in_the_pipeline():
    findings = analyse(SAMPLE_TXT, Options(select=["J105"])).report.findings
    assert findings and {f.rule for f in findings} == {"low-execution"}
    assert analyse(SAMPLE_TXT, Options(review=False)).report.findings is None
