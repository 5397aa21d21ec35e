"""docs/rules.md, generated from the rule registry and the rules' own test cases.

    python -m jixiao.review.docs > docs/rules.md

Each rule's section is its docstring, its defaults, and a real example: the first failing case
of tests/fixtures/rules/<rule>.yaml run through the extractor, with the message it produces.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from jixiao.extract import extract_text
from jixiao.review import RULES
from jixiao.review.engine import load_config

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "rules"
SEVERITY_CN = {"error": "错误", "warning": "警告", "info": "提示"}


def render() -> str:
    from jixiao.review import rules  # noqa: F401 - registers the rules

    config = load_config()
    out = ["# 审核规则（Review rules）", "",
           "本页由 `python -m jixiao.review.docs > docs/rules.md` 根据规则注册表和各规则的测试用例生成，请勿手工编辑。",
           "阈值可用 `jixiao check --config 配置.yaml` 覆盖（默认值见 `src/jixiao/data/review.yaml`）。", "",
           "| 规则 | 代码 | 默认级别 | 名称 |", "|---|---|---|---|"]
    ordered = sorted(RULES.values(), key=lambda r: r.code)
    for r in ordered:
        out.append(f"| [`{r.id}`](#{r.id}) | {r.code} | {SEVERITY_CN[r.severity]} | {r.title} |")
    for r in ordered:
        out += ["", f"## {r.id}", "", f"**{r.code} · {r.title}** · 默认级别：{SEVERITY_CN[r.severity]}", ""]
        out.append(r.doc)
        key = r.id.replace("-", "_")
        if key in config:
            out += ["", "默认配置：`" + yaml.safe_dump({key: config[key]}, allow_unicode=True,
                                                   default_flow_style=True).strip() + "`"]
        out += ["", f"消息模板：`{r.message}`"]
        example = _example(r.id)
        if example:
            text, messages = example
            out += ["", "实例（取自本规则的测试用例）：", "", "```text", text, "```", ""]
            out += [f"→ {m}" for m in messages]
    return "\n".join(out) + "\n"


def _example(rule_id: str) -> tuple[str, list[str]] | None:
    path = FIXTURES / f"{rule_id}.yaml"
    if not path.exists():
        return None
    for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
        if case["fail"]:
            report = extract_text(case["text"], review=True)
            return case["text"], [f.message for f in report.findings if f.rule == rule_id]
    return None


if __name__ == "__main__":
    sys.stdout.write(render())
