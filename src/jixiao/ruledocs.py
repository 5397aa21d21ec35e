"""The rules' documentation, made from the registry and the rules' own test cases: the text of
``jixiao rules ID`` and the page docs/rules.md.

    python -m jixiao.ruledocs > docs/rules.md

Each rule's section is its docstring, its defaults, its message template, and a real example: the
first failing case of tests/fixtures/rules/<rule>.yaml run through the pipeline, with the message it
produces (in a source checkout, where the cases are).
"""

from __future__ import annotations

import sys
from typing import Any

import yaml

from jixiao.model import OcrLine
from jixiao.pipeline import Analysis, Document, analyse, analyse_document, analyse_text
from jixiao.review import RULES, Rule, load_config
from jixiao.review.documents import cross_document_findings
from jixiao.review.registry import FIXTURES, SEVERITY_NAMES

SEVERITY_CN = SEVERITY_NAMES


def rule_text(r: Rule, config: dict[str, Any]) -> str:
    """One rule's documentation as plain text (``jixiao rules ID``)."""
    out = [f"{r.id}（{r.code}）{r.title} · 默认级别：{SEVERITY_CN[r.severity]}", "", r.doc]
    defaults = _defaults(r, config)
    if defaults:
        out += ["", f"默认配置：{defaults}"]
    out += ["", f"消息模板：{r.message}"]
    if r.aliases:
        out += ["", "别名：" + "、".join(r.aliases)]
    return "\n".join(out)


def _defaults(r: Rule, config: dict[str, Any]) -> str:
    key = r.id.replace("-", "_")
    if key not in config:
        return ""
    return yaml.safe_dump({key: config[key]}, allow_unicode=True, default_flow_style=True).strip()


def render() -> str:
    """docs/rules.md."""
    config = load_config()
    out = ["# 审核规则（Review rules）", "",
           "本页由 `python -m jixiao.ruledocs > docs/rules.md` 根据规则注册表和各规则的测试用例生成，请勿手工编辑。",
           "阈值可用 `jixiao check --config 配置.yaml` 覆盖（默认值见 `src/jixiao/data/review.yaml`）；"
           "`jixiao rules` 列出全部规则，`jixiao check --select/--ignore` 选择要运行的规则。", "",
           "| 规则 | 代码 | 默认级别 | 名称 |", "|---|---|---|---|"]
    ordered = sorted(RULES.values(), key=lambda r: r.code)
    for r in ordered:
        out.append(f"| [`{r.id}`](#{r.id}) | {r.code} | {SEVERITY_CN[r.severity]} | {r.title} |")
    for r in ordered:
        out += ["", f"## {r.id}", "", f"**{r.code} · {r.title}** · 默认级别：{SEVERITY_CN[r.severity]}", ""]
        out.append(r.doc)
        defaults = _defaults(r, config)
        if defaults:
            out += ["", f"默认配置：`{defaults}`"]
        out += ["", f"消息模板：`{r.message}`"]
        if r.aliases:
            out += ["", "别名：" + "、".join(f"`{a}`" for a in r.aliases)]
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
            findings = analyse_case(case).findings
            return case["text"], [f.message for f in findings if f.rule == rule_id]
    return None


def _ocr_document(text: str, confidence: dict[str, float]) -> Document:
    """The case's text as if a scan of it was read by OCR: each line an OCR'd line, at the confidence given for
    a part of it (others 0.99)."""
    lines, pos = [], 0
    for line in text.split("\n"):
        conf = next((c for part, c in confidence.items() if part in line), 0.99)
        if line:
            lines.append(OcrLine(start=pos, end=pos + len(line), confidence=conf))
        pos += len(line) + 1
    return Document(source="case.pdf", format="pdf", text=text, origin=text, offsets=list(range(len(text) + 1)),
                    ocr_lines=lines)


def analyse_case(case: dict) -> Analysis:
    """A rule's test case analysed: its text as it stands, or (``file: true``) read as a .txt file is,
    so that its tab- or pipe-separated rows become tables; with ``other``, a second document (read as a
    .txt file) whose facts the first one's are held against (cross-document-mismatch)."""
    if case.get("ocr"):  # lines read by OCR: {part of a line: confidence} (ocr-uncertain)
        analysis = analyse_document(_ocr_document(case["text"], case["ocr"]))
    elif case.get("file"):
        analysis = analyse(case["text"].encode("utf-8"), name="case.txt")
    else:
        analysis = analyse_text(case["text"])
    if case.get("other"):  # a second document of the same unit and year (cross-document-mismatch)
        other = analyse(case["other"].encode("utf-8"), name="other.txt")
        analysis.report.findings = (analysis.report.findings or []) + cross_document_findings(
            analysis.report.to_json(), other.report.to_json(), "other.txt", load_config())
    return analysis


if __name__ == "__main__":
    sys.stdout.write(render())
