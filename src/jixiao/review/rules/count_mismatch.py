"""count-mismatch: "N个" stated, but a different number of names listed."""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

from jixiao.lexicon import data_cache, vocab_pattern
from jixiao.review.registry import rule

_NOUN = re.compile(r"[^\s，,。；;：:、（）()\d]{1,8}")
_COUNTED = ("个", "所", "家", "项")


class _Words(NamedTuple):
    list_after: re.Pattern[str]   # a list of names announced after the count ("，分别是：")
    opener: re.Pattern[str]       # … its opener alone
    list_before: re.Pattern[str]  # the last opener of a list before the count ("包括A、B和C 3个")
    org_end: re.Pattern[str]      # the end of an office's name (科, 股, 室 …)


@data_cache
def _words() -> _Words:
    intro = vocab_pattern("list_intro")
    return _Words(re.compile(rf"[^。；;\n\d一二三四五六七八九十]{{0,12}}?(?:[：:]|{intro}[：:]?)\s*"),
                  re.compile(rf"[：:]|{intro}"),
                  re.compile(rf"{vocab_pattern('list_before')}|[：:]"),
                  re.compile(rf"{vocab_pattern('org_name_end')}$"))


@rule("count-mismatch", "J103", "warning", "所称个数与列举不符",
      "称{noun}{stated}个，但列出的名称只有{computed}个。")
def check(rc):
    """文中称“N个”，紧接着（或在“X具体为：”中）列出的名称个数却不是 N。

    **何时触发**：“内设职能科室21个，分别是：……”“包括A、B……和G 8个职能股室”“下设机构具体为：……”
    这类“数字 + 名称列举”的结构里，按顿号（及最后一个“和/及”）数出的名称个数与所称个数不同。
    只有真正的名称列举（至少两个名称、不含数字和逗号）才比较。

    **为什么重要**：机构、科室数量是部门基本情况的核心信息，前后不一说明材料未经核对。

    **示例**：全局内设职能科室21个，分别是：……（只列了20个名称）。
    """
    text = rc.text
    w = _words()
    for q in rc.quantities:
        if q.kind != "count" or q.unit not in _COUNTED or q.approx or q.comparator:
            continue
        noun_m = _NOUN.match(text, q.end)
        noun = noun_m.group(0) if noun_m else ""
        label_before = _label_before(text, q.num_start)
        names, span = _list_after(text, noun_m.end() if noun_m else q.end, rc, w)
        listed_before = False
        if names is None and noun:
            names, span = _list_before(text, q.num_start, rc, w)
            listed_before = names is not None
        if names is None:
            names, span = _list_elsewhere(text, noun or label_before, q.end, rc, w)
        if names is None or len(names) < 2:
            continue
        stated = int(q.value)
        if len(names) == stated:
            continue
        subject = noun if listed_before or not label_before else label_before + noun
        yield rc.finding(
            "count-mismatch",
            values={"stated": stated, "computed": len(names), "names": names},
            evidence=[rc.span(q.start, noun_m.end() if noun_m else q.end), span],
            noun=subject, stated=stated, computed=len(names))


def _label_before(text: str, pos: int) -> str:
    m = re.search(r"([^\s，,。；;：:、（）()\d]{1,8})$", text[max(0, pos - 8):pos])
    return m.group(1) if m else ""


def _names(ri, a: int, b: int, w: _Words) -> list[str] | None:
    """The names listed in ``text[a:b]``, or None when it is not a list of names: it holds a figure
    ("行政编制二十人、工勤编制六人" as much as "行政编制20人、工勤编制6人") or a clause break."""
    starts = ri.quantity_starts
    i = bisect_left(starts, a)
    if i < len(starts) and starts[i] < b:
        return None
    return _split_names(ri.text[a:b], w)


def _split_names(s: str, w: _Words) -> list[str] | None:
    s = re.sub(r"[（(][^（）()]*[)）]", "", s).strip().rstrip("。；;，,")
    if not s or re.search(r"\d|[，,。；;]", s) or re.search(r"(?:等|等等|等单位|等部门)$", s):
        return None  # "A、B等": the list says it is not complete
    parts = [p.strip() for p in s.split("、") if p.strip()]
    if parts:
        last = parts[-1]
        for sep in ("和", "及", "与"):
            i = last.rfind(sep)
            if i > 0:
                a, b = last[:i], last[i + 1:]
                if len(a) >= 3 and w.org_end.search(a) and w.org_end.search(b):  # not "社会和法制委员会"
                    parts[-1:] = [a, b]
                    break
    return parts


# where a list ends: a sentence's end, or a line break not right after a 、 or ， (a list wrapped at its separator
# goes on: “…信息科、药剂科、\n后勤保障部。”)
_LIST_END = re.compile(r"[。；;]|(?<![、，,])\s*\n")


def _list_after(text: str, pos: int, ri, w: _Words):
    m = w.list_after.match(text, pos)
    if not m or not w.opener.search(m.group(0)):
        return None, None
    end = _LIST_END.search(text, m.end())
    stop = end.start() if end else len(text)
    if end is None or ("\n" in end.group() and not text[m.end():stop].rstrip().endswith(("。", "；", "等"))
                       and stop >= len(text.rstrip())):
        return None, None  # the text ends inside the list: what is cut is not counted
    names = _names(ri, m.end(), stop, w)
    return names, ri.span(m.end(), stop)


def _list_before(text: str, pos: int, ri, w: _Words):
    start = ri.clause_start(pos)
    seg = text[start:pos]
    m = None
    for m in w.list_before.finditer(seg):  # noqa: B007 - the last introducer counts
        pass
    if m is None or "、" not in seg[m.end():]:
        return None, None
    names = _names(ri, start + m.end(), pos, w)
    return names, ri.span(start + m.end(), pos)


def _list_elsewhere(text: str, noun: str, pos: int, ri, w: _Words):
    """"…7个内设科室…。内设科室具体为：A、B…" later in the same paragraph."""
    if len(noun) < 2:
        return None, None
    a, b = ri.line_of(pos)
    m = re.compile(re.escape(noun) + r"(?:具体|分别)?(?:为|是|包括)[：:]").search(text, pos, b)
    if not m:
        return None, None
    end = re.search(r"[。；;\n]", text[m.end():b])
    stop = m.end() + (end.start() if end else b - m.end())
    return _names(ri, m.end(), stop, w), ri.span(m.end(), stop)

