"""empty-section: a section that says only "无" (or nothing)."""

from __future__ import annotations

import re

from jixiao.extract.outline import TABLE_TITLE
from jixiao.review.registry import rule

_NUMBERING = re.compile(r"^\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])\s*")


@rule("empty-section", "J108", "warning", "部分内容为空或仅填“无”",
      "“{title}”仅填写“{content}”。")
def check(rc):
    """某个必须有内容的部分只写了“无”，或什么也没写。

    **何时触发**：一个部分（含其下级标题）除标题外只有“无”“暂无”“没有”之类的字样或为空。
    允许为“无”的部分（政府性基金、国有资本经营、社会保险基金、其他需要说明的情况等）不检查，
    名单在配置 empty_section.may_be_empty 中。

    **为什么重要**：“存在问题：无”是自评报告中最常见的敷衍写法，财政部门通常要求退回补充。

    **示例**：八、存在的主要问题及原因分析 —— 无。
    """
    cfg = rc.config.get("empty_section", {})
    may_be_empty = set(cfg.get("may_be_empty", []))
    empty = re.compile(r"^(?:" + cfg.get("empty_words", "无") + r")?$")
    sections = rc.report.sections
    last_of_title = {s.title: i for i, s in enumerate(sections)}
    for i, s in enumerate(sections):
        if s.key in may_be_empty:
            continue
        body = rc.text[s.body_start:s.end]
        content = re.sub(r"[\s。.；;：:,，、]", "", body)
        if not empty.match(content):
            continue
        if not content and (last_of_title[s.title] != i or _in_contents_list(rc.text, sections, i)
                            or TABLE_TITLE.search(s.title)):
            continue  # a table of contents (目录), the same heading again later, or a 决算 table's title
        title = _NUMBERING.sub("", s.title).strip()
        start = s.body_start + (len(body) - len(body.lstrip()))
        end = s.body_start + len(body.rstrip())
        yield rc.finding(
            "empty-section",
            values={"section": s.key, "content": content},
            evidence=[rc.span(s.start, s.body_start), *([rc.span(start, end)] if end > start else [])],
            title=title, content=content or "（空白）")


def _in_contents_list(text: str, sections, i: int) -> bool:
    """A heading with nothing under it, between other such headings, is a table of contents (目录)
    or a cover listing, not an empty section."""
    def bare(j: int) -> bool:
        if not 0 <= j < len(sections):
            return False
        s = sections[j]
        nxt = sections[j + 1].start if j + 1 < len(sections) else len(text)
        return not text[s.body_start:nxt].strip()
    return bare(i - 1) or bare(i + 1)
