"""duplicate-paragraph: two paragraphs are (near-)identical."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from jixiao.review.registry import rule
from jixiao.review.rules.common import in_table, num
from jixiao.textlines import lines

N = 4  # characters per gram
MAX_POSTING = 30  # clauses found in more paragraphs than this are ignored (keeps the cost linear)
_DIGITS = re.compile(r"\d")
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+是|\d{1,2}[.、．]|[（(][一二三四五六七八九十\d]{1,2}[）)]|[一二三四五六七八九十]+、|[①-⑳])")
_CLAUSE = re.compile(r"[，、。；：,;:！？!?“”\"（）()]+")


@rule("duplicate-paragraph", "J109", "warning", "段落内容重复",
      "第{second}段与第{first}段内容基本重复（相似度{similarity}%）：“{snippet}…”。")
def check(rc):
    """两个段落内容基本相同（疑似复制粘贴）。

    **何时触发**：两段（去掉“一是”“1.”等序号后）有相同的分句，且较短一段的 4 字片段有不少于
    相似度阈值（默认 85%）出现在另一段中。只比较不短于 40 字的段落，表下的“注：本表反映……”这类
    按格式本应相似的说明不比较（``boilerplate``）；用分句倒排索引找候选
    （出现在 30 个以上段落中的常见分句不参与），耗时随文本长度线性增长。

    **为什么重要**：复制粘贴的段落说明报告是拼凑的，往往把目标当成绩、把去年的内容当今年的。

    **示例**：“三是……突出政治教育引领，深入开展政治教育、党史教育……”与“五是突出政治教育引领……”几乎相同。
    """
    cfg = rc.config.get("duplicate_paragraph", {})
    min_chars = int(cfg.get("min_chars", 40))
    high, low = Decimal(str(cfg.get("similarity", 0.85))).as_integer_ratio()
    boilerplate = re.compile(cfg.get("boilerplate") or r"(?!)")
    paras = [p for p in _paragraphs(rc.text, min_chars) if not boilerplate.match(p[1])
             and not in_table(rc, p[0][0])]  # a table's header repeated on its next page is a table's
    pieces = [_pieces(p[1]) for p in paras]
    grams: list[set[str] | None] = [None] * len(paras)
    index: dict[str, list[int]] = defaultdict(list)
    for j, own in enumerate(pieces):
        candidates: set[int] = set()
        for c in own:
            posting = index.get(c, ())
            if len(posting) <= MAX_POSTING:  # a phrase every other paragraph has tells nothing
                candidates.update(posting)
        best = None  # (paragraph, shared grams, grams of the smaller one): ratios compared in integers
        for i in sorted(candidates):
            shared, size = _containment(_grams(grams, paras, i), _grams(grams, paras, j))
            if shared * low >= size * high and (best is None or shared * best[2] > best[1] * size):
                best = (i, shared, size)
        for c in own:
            index[c].append(j)
        if best is None:
            continue
        i, sim = best[0], Decimal(best[1]) / Decimal(best[2])
        (a1, b1, _t1, n1), (a2, b2, t2, n2) = paras[i][0], paras[j][0]
        yield rc.finding(
            "duplicate-paragraph",
            values={"similarity": num(round(sim * 100, 1)), "first": n1, "second": n2},
            evidence=[rc.span(a1, b1), rc.span(a2, b2)],
            first=n1, second=n2, similarity=f"{sim * 100:.0f}", snippet=t2[:24])


def _pieces(compact: str) -> set[str]:
    """The paragraph's clauses (between punctuation marks), used to find candidate pairs."""
    return {c for c in _CLAUSE.split(_ENUMERATOR.sub("", compact)) if len(c) >= 4}


def _grams(cache: list, paras, i: int) -> set[str]:
    if cache[i] is None:
        text = _ENUMERATOR.sub("", paras[i][1])
        cache[i] = {text[k:k + N] for k in range(len(text) - N + 1)}
    return cache[i]


def _containment(a: set[str], b: set[str]) -> tuple[int, int]:
    """How many of the smaller paragraph's 4-grams are found in the other, of how many."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large), max(1, len(small))


def _paragraphs(text: str, min_chars: int) -> list[tuple[tuple[int, int, str, int], str]]:
    """(span start, end, text, paragraph number) and the text without spaces, for long paragraphs."""
    out = []
    number = 0
    for start, line in lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        number += 1
        compact = "".join(stripped.split())
        if "\t" in stripped:
            continue  # a table row: forms repeat their header rows by design
        if len(compact) >= min_chars and len(_DIGITS.findall(compact)) * 5 < len(compact):  # not a table row
            lead = len(line) - len(line.lstrip())
            out.append(((start + lead, start + lead + len(stripped), stripped, number), compact))
    return out
