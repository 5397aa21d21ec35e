"""Each review rule against its own pass and fail cases (tests/fixtures/rules/<rule>.yaml)."""

from pathlib import Path

import pytest
import yaml

from jixiao.pipeline import Options, analyse_text
from jixiao.review import RULES, load_config
from jixiao.ruledocs import analyse_case, render

FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def _cases():
    for path in sorted(FIXTURES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            yield pytest.param(data["rule"], case, id=f"{data['rule']}:{case['name']}")


@pytest.mark.parametrize("rule_id,case", list(_cases()))
def test_rule_case(rule_id, case):
    analysis = analyse_case(case)
    report = analysis.report
    hits = [f for f in report.findings if f.rule == rule_id]
    if case["fail"]:
        assert hits, f"{rule_id} not raised: {[f.message for f in report.findings]}"
        f = hits[0]
        if "severity" in case:
            assert f.severity == case["severity"]
        for word in case.get("contains", []):
            assert word in f.message, (word, f.message)
        for ev in f.evidence:
            assert analysis.document.text[ev.start:ev.end] == ev.text
    else:
        assert not hits, [f.message for f in hits]


def test_every_rule_has_pass_and_fail_cases():
    covered: dict[str, set] = {}
    for path in FIXTURES.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        covered[data["rule"]] = {c["fail"] for c in data["cases"]}
    for rule_id in RULES:
        assert covered.get(rule_id) == {True, False}, rule_id


def test_thresholds_come_from_config():
    text = "（二）专项资金支出绩效情况\n二是社区矫正工作经费年初预算40.00万元，实际支出37.26万元。"
    config = load_config()
    config["low_execution"]["threshold"] = 95
    report = analyse_text(text, Options(config=config)).report
    assert any(f.rule == "low-execution" for f in report.findings)


def test_user_config_file_overrides_defaults(tmp_path):
    p = tmp_path / "review.yaml"
    p.write_text("low_execution:\n  threshold: 50\n", encoding="utf-8")
    config = load_config(p)
    assert config["low_execution"]["threshold"] == 50
    assert config["target_far_exceeded"]["ratio"] == 130  # untouched defaults stay


def test_rules_have_docs_and_codes():
    codes = [r.code for r in RULES.values()]
    assert len(codes) == len(set(codes))
    for r in RULES.values():
        assert "**何时触发**" in r.doc and "**示例**" in r.doc, r.id
        assert r.severity in ("error", "warning", "info")


def test_rules_doc_is_up_to_date():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    assert doc == render(), "docs/rules.md 已过期：运行 python -m jixiao.ruledocs > docs/rules.md"
