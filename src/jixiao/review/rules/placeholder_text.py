"""placeholder-text: template residue left in the text."""

from __future__ import annotations

import re
from functools import lru_cache

from jixiao.extract.chrome import find_chrome
from jixiao.review.registry import rule


@lru_cache(maxsize=8)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@rule("placeholder-text", "J112", "warning", "模板占位符未替换",
      "“{context}”中的“{token}”为未替换的模板占位符或填写提示。")
def check(rc):
    """报告中留有模板的占位符或填写提示。

    **何时触发**：正文出现 XX/××/某某 等代替数值或名称的占位符、“【请填写……】”“待补充”之类的填写
    提示，或连续重复的标点（“。。”“，，”）。网页的栏目、元数据等页面附带内容不在此列。占位符的写法在 ``data/review.yaml`` 的
    ``placeholder_text.patterns`` 中，可按需增删。

    **为什么重要**：占位符说明报告由模板改写而来、未经核对，相应的数值或名称实际缺失。

    **示例**：XX年度部门整体支出绩效自评报告。
    """
    cfg = rc.config.get("placeholder_text", {})
    pattern = _compiled(cfg.get("patterns", "XX"))
    text = rc.text
    chrome = None
    lines: dict[int, list[re.Match[str]]] = {}  # a line's placeholders (a template's line has several: XX万元，占XX%)
    for m in pattern.finditer(text):
        chrome = chrome or find_chrome(text)
        if chrome.covers(m.start()):
            continue  # page furniture of a mirror site ("相关文档：XX县…") is not the report's text
        lines.setdefault(rc.line_of(m.start())[0] if cfg.get("per_line", True) else m.start(), []).append(m)
    seen: set[str] = set()
    for found in lines.values():
        first, last = found[0], found[-1]
        a, b = rc.line_of(first.start())
        context = text[max(a, first.start() - 12):min(b, last.end() + 12)].strip()
        tokens = list(dict.fromkeys(m.group(0) for m in found))
        key = "|".join(tokens) + "|" + context
        if key in seen:
            continue
        seen.add(key)
        yield rc.finding("placeholder-text", values={"token": tokens[0], "tokens": tokens, "count": len(found)},
                         evidence=[rc.span(m.start(), m.end()) for m in found],
                         context=context[:80] + ("…" if len(context) > 80 else ""), token="”“".join(tokens))
