"""duplicate-paragraph: two paragraphs are (near-)identical."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from jixiao.review.registry import rule
from jixiao.review.rules.common import num

N = 4  # characters per shingle


@rule("duplicate-paragraph", "J109", "warning", "段落内容重复",
      "第{second}段与第{first}段内容基本重复（相似度{similarity}%）：“{snippet}…”。")
def check(rc):
    """两个段落内容基本相同（疑似复制粘贴）。

    **何时触发**：把每个段落切成 4 字片段，较短段落的片段有不少于相似度阈值（默认 85%）出现在
    另一段中。只比较不短于 40 字的段落；用片段倒排索引找候选，耗时随文本长度线性增长。

    **为什么重要**：复制粘贴的段落说明报告是拼凑的，往往把目标当成绩、把去年的内容当今年的。

    **示例**：“三是……突出政治教育引领，深入开展政治教育、党史教育……”与“五是突出政治教育引领……”几乎相同。
    """
    cfg = rc.config.get("duplicate_paragraph", {})
    min_chars = int(cfg.get("min_chars", 40))
    threshold = Decimal(str(cfg.get("similarity", 0.85)))
    paras = _paragraphs(rc.text, min_chars)
    shingles = [{p[1][i:i + N] for i in range(len(p[1]) - N + 1)} for p in paras]
    index: dict[str, list[int]] = defaultdict(list)
    for i, sh in enumerate(shingles):
        for s in sh:
            index[s].append(i)
    reported: set[int] = set()
    for j in range(len(paras)):
        counts: dict[int, int] = defaultdict(int)
        for s in shingles[j]:
            for i in index[s]:
                if i < j:
                    counts[i] += 1
        best = None
        for i, c in counts.items():
            shorter = min(len(shingles[i]), len(shingles[j]))
            sim = Decimal(c) / Decimal(max(1, shorter))
            if sim >= threshold and (best is None or sim > best[1]):
                best = (i, sim)
        if best is None or j in reported:
            continue
        i, sim = best
        reported.add(j)
        (a1, b1, _t1, n1), (a2, b2, t2, n2) = paras[i][0], paras[j][0]
        yield rc.finding(
            "duplicate-paragraph",
            values={"similarity": num(round(sim * 100, 1)), "first": n1, "second": n2},
            evidence=[rc.span(a1, b1), rc.span(a2, b2)],
            first=n1, second=n2, similarity=f"{sim * 100:.0f}", snippet=t2[:24])


def _paragraphs(text: str, min_chars: int) -> list[tuple[tuple[int, int, str, int], str]]:
    """(span start, end, text, paragraph number) and the text without spaces, for long paragraphs."""
    out = []
    pos = 0
    number = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        number += 1
        compact = "".join(stripped.split())
        digits = sum(c.isdigit() for c in compact)
        if len(compact) >= min_chars and digits * 5 < len(compact):  # rows of figures are tables
            lead = len(line) - len(line.lstrip())
            out.append(((start + lead, start + lead + len(stripped), stripped, number), compact))
    return out
