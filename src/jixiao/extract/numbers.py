"""Numbers in Chinese report text: Arabic, full-width (normalised away earlier) and Chinese
numerals, with 万/亿 multipliers, units (万元/元/亿元 → 万元), percentages, approximation
markers (余/近/多/约) and bounds (≥, ≤, 以上).

``find_quantities(text)`` locates every number followed by a unit and returns
:class:`Quantity` objects with exact ``Decimal`` values and their spans.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import cn2an

from jixiao.lexicon import data_cache, load_yaml

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_UNITS = "十百千万亿"
_CN_NUM = f"[{_CN_DIGITS}{_CN_UNITS}壹贰叁肆伍陆柒捌玖拾佰仟]"
# thousands written with commas ("1,015.45") or, in some converted files, thin spaces ("1 015.45")
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d{1,3}(?: \d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?"


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, as written.

    Attributes:
        value: exact value; money converted to 万元, percent as the percent number.
        unit: the unit as written ("万元", "元", "件", "%"); ``kind`` says what it measures.
        kind: "money", "percent" or "count".
        decimals: digits after the point as written, shifted for unit conversion
            (598286.00 元 → 6 decimals in 万元).
        approx: 余/近/多/约 … qualify the number.
        comparator: ">=", "<=", ">" or "<" when written as a bound.
        start, end: span of the whole quantity (prefix markers, number, unit, suffix).
        num_start: where the number itself starts (label text ends before the markers).
    """

    value: Decimal
    unit: str
    kind: str
    decimals: int
    approx: bool
    comparator: str | None
    start: int
    end: int
    num_start: int


@lru_cache(maxsize=4096)
def cn_numeral(s: str) -> int | float | None:
    """cn2an's reading of a Chinese numeral (二十三 → 23); raises ValueError as cn2an does. The
    same few numerals recur in every report (headings 一、二、…, counts), so readings are kept."""
    return cn2an.cn2an(s, "normal")


@data_cache
def _units() -> dict:
    return load_yaml("units.yaml")


def alternation(words) -> str:
    """Literal words as one regex alternation, longest first (so 人次 is tried before 人)."""
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


MULTIPLIERS = {"万": Decimal(10000), "亿": Decimal(100000000)}
"""What 万 and 亿 written after a figure multiply it by."""


def money_factor(unit: str) -> Decimal:
    """The factor that brings an amount written in ``unit`` (元, 千元, 万元, 亿元; data/units.yaml) to 万元."""
    return Decimal(_units()["money"][unit])


def decimal_shift(factor: Decimal) -> int:
    """Digits after the point gained when a figure is multiplied by a money factor (元 → 万元: 4)."""
    return -factor.as_tuple().exponent if factor < 1 else -(len(str(int(factor))) - 1)


@data_cache
def _pattern() -> re.Pattern[str]:
    u = _units()
    pre, suf = u["approx_prefix"], u["approx_suffix"]
    cmp_words = [*u["at_least"], *u["at_most"]]
    first = "".join(sorted({w[0] for w in [*pre, *cmp_words, "≥", "≤", ">", "<", "百"]}))
    return re.compile(
        # a cheap first-character test lets the engine skip most positions
        rf"(?=[{re.escape(first)}\d{_CN_DIGITS}{_CN_UNITS}壹贰叁肆伍陆柒捌玖拾佰仟])"
        rf"(?P<cmp>[≥≤><]=?|{alternation(cmp_words)})?\s*"
        rf"(?P<pre>{alternation(pre)})?"
        rf"(?P<pct_cn>百分之)?"
        rf"(?P<num>{_ARABIC}|{_CN_NUM}+(?:点[{_CN_DIGITS}]+)?)"
        rf"[ \t\u3000]*(?P<suf1>{alternation(suf)})?"
        rf"(?P<mult>[万亿](?!元))?"
        rf"(?P<suf2>{alternation(suf)})?"
        rf"[ \t\u3000]*(?P<unit>{alternation(u['money'])}|{alternation(u['percent'])}|{alternation(u['count'])})?"
        rf"(?P<bound>{alternation([*u['lower_bound_suffix'], *u['upper_bound_suffix']])})?"
    )


@data_cache
def _comparators() -> dict[str, str]:
    """Comparator symbols and words (units.yaml at_least / at_most) → ">=", "<=", ">", "<"."""
    u = _units()
    return {"≥": ">=", ">=": ">=", ">": ">", "≤": "<=", "<=": "<=", "<": "<",
            **{w: ">=" for w in u["at_least"]}, **{w: "<=" for w in u["at_most"]}}


def parse_number(s: str) -> tuple[Decimal, int] | None:
    """Parse one numeral (Arabic with optional thousands commas, or Chinese) to (value, decimals).

    Figures of more than 18 digits are not amounts a report states (they are codes or garbage)."""
    if "," in s or " " in s:
        s = s.replace(",", "").replace(" ", "")
    if len(s) > 18 and sum(c.isdigit() for c in s) > 18:
        return None
    if _PLAIN.fullmatch(s):
        point = s.find(".")
        return Decimal(s), (len(s) - point - 1 if point >= 0 else 0)
    if s in _LONE_UNIT:
        return Decimal(_LONE_UNIT[s]), 0  # 上千 / 近万 / 逾百
    try:
        if "点" in s:
            whole, frac = s.split("点", 1)
            w = Decimal(int(cn_numeral(whole))) if whole else Decimal(0)
            digits = "".join(str("零一二三四五六七八九".index(c)) if c != "〇" else "0" for c in frac)
            return w + Decimal("0." + digits), len(digits)
        v = cn_numeral(s)
    except (ValueError, KeyError, IndexError, InvalidOperation):
        return None
    if v is None:
        return None
    return Decimal(int(v)), 0


_PLAIN = re.compile(r"\d+(?:\.\d+)?")
FIGURE_CELL = re.compile(r"^-?\d[\d,]*(?:\.\d+)?$")
"""A table cell that is a figure and nothing else (1,015.45; -3.20; 0)."""
CELL_UNIT = re.compile(r"[（(](?:金额)?(?:单位[：:]?\s*)?(万元|千元|元|亿元)[)）]|单位[：:]\s*(万元|千元|元|亿元)")
"""The money unit a table declares in a cell or a line above it ("单位：万元", "（元）"): group 1 or 2."""
_LONE_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10000, "亿": 100000000}
_LONE_CN_OK = re.compile(rf"^(?:{_CN_NUM}*[{_CN_UNITS}]{_CN_NUM}*|[{_CN_DIGITS}]{{1,2}})$")


_GROUPS = ("cmp", "pre", "pct_cn", "num", "suf1", "mult", "suf2", "unit", "bound")
_PAGE_OF = re.compile(r"第\s*\d+\s*页\s*[/／,，]?\s*共\s*$")


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every number followed by a known unit (or a %), in text order."""
    out: list[Quantity] = []
    units = _units()
    money_units, pct_units, lower_bounds = units["money"], units["percent"], units["lower_bound_suffix"]
    ordinal = units["ordinal"]
    comparators = _comparators()
    for m in _pattern().finditer(text, start, len(text) if end is None else end):
        cmp_word, pre, pct, num, suf1, mult, suf2, unit, bound = m.group(*_GROUPS)
        bare_money = False
        if not unit and not pct:
            bare_money = _bare_money(text, m)
            if not bare_money:
                continue
        ns = m.start("num")
        is_cn = not num[0].isdigit()
        if (unit and not mult and not pct and unit not in money_units and unit not in pct_units
                and text[m.end("num"):m.start("unit")].isspace() and _is_cjk_word_char(text[m.end():m.end() + 1])
                and ("." in num or (len(num) >= 3 and num.isdigit() and _line_start(text, ns))
                     or _CODE_PART.search(text, max(0, ns - 12), ns))):
            # a table's figure or a classification code at the head of a row, then the next cell's word:
            # "307.82 本年支出合计", "30310 个人农业生产补贴", "303 10 个人农业生产补贴" (a code written in parts)
            # ("培训 120 人次参训…" still counts)
            continue
        if ns > 0 and text[ns - 1] in "“\"《「‘" and _is_cjk_word_char(text[m.end():m.end() + 1]):
            continue  # "推进“15分钟生活圈”建设": part of a name in quotes
        if not pre and text[max(0, ns - 3):ns].rstrip(" ").endswith("第"):
            continue  # "第 3 页", "第2批": an ordinal, not a count
        if unit == "页" and _PAGE_OF.search(text, max(0, ns - 14), ns):
            continue  # "第 3 页 共 5 页": page furniture
        if is_cn:
            # Chinese numerals are read only where the text clearly counts something:
            # after 百分之 or directly before a unit, and not as part of a word (一是, 统一, 十分).
            prev = text[ns - 1] if ns > 0 else ""
            if not pct:
                if not _LONE_CN_OK.match(num) or unit == "分":
                    continue
                if prev in "“\"《「‘":
                    continue  # part of a name: “三项制度”
                if len(num) == 1 and num in _CN_UNITS and not pre:
                    continue  # 千家万户
                if num == "一" and not pre:
                    continue  # 一个、一批: the indefinite article, not a count
                if unit in ordinal:
                    continue  # 二期工程: an ordinal
                if len(num) == 1 and prev in _ORDINAL_BEFORE:
                    continue  # 第二人民医院, 周三, 初二
                if (len(num) == 1 and _is_cjk_word_char(prev) and not pre
                        and unit not in _CLASSIFIERS and not _PUNCT_AFTER.match(text, m.end())):
                    continue  # 中央八项规定 (but "下属事业单位五个：", "内设六个股室", "假释二人" count)
        elif ns > 0 and (text[ns - 1].isdigit() or text[ns - 1] == "."
                                     or _BROKEN_FIGURE.search(text, max(0, ns - 3), ns)):
            continue  # the tail of a figure, or of one broken by a space ("48. 3万元"): not read, not guessed
        low = _range_low(text, ns)
        negative = (low is None and ns > 0 and text[ns - 1] in "-－−"
                    and not pre and not pct)
        parsed = parse_number(num)
        if parsed is None:
            continue
        value, decimals = parsed
        if bare_money:  # "基本支出899.98万": 万 stands for 万元, 亿 for 亿元
            kind, unit_out = "money", mult
            factor = money_factor(mult + "元")
            value *= factor
            decimals += decimal_shift(factor)
        elif mult and not pct and unit not in money_units and unit not in pct_units:
            # "观众4万人次", "4.8万亩": 万人次 is the unit as written (variety.md §5); a KPI pack
            # brings its indicators to their own unit (extract/metrics.py)
            kind, unit_out = "count", mult + unit
        else:
            if mult:
                value *= MULTIPLIERS[mult]
                decimals += decimal_shift(MULTIPLIERS[mult])
            if pct:
                kind, unit_out = "percent", "%"
            elif unit in money_units:
                kind, unit_out = "money", unit
                factor = Decimal(money_units[unit])
                value *= factor
                decimals += decimal_shift(factor)
            elif unit in pct_units:
                kind, unit_out = "percent", unit
            else:
                kind, unit_out = "count", unit
        comparator = comparators.get(cmp_word.strip()) if cmp_word else None
        if bound:
            comparator = ">=" if bound in lower_bounds else "<="
        approx = bool(pre or suf1 or suf2 or low is not None)
        if negative:
            value = -value
        q_start = m.start("pre") if pre else (m.start("pct_cn") if pct else ns)
        if low is not None:
            q_start = low
        elif negative:
            q_start -= 1
        if comparator and cmp_word:
            q_start = m.start("cmp")
        end = m.end()
        per = _PER_UNIT.match(text, end) if kind == "money" and unit and not bare_money else None
        if per:
            # "5元/生·天", "365元/套": a price per unit, kept as written (not an amount in 万元)
            value, decimals, kind = parsed[0], parsed[1], "count"
            unit_out, end = unit + "/" + per.group(1), per.end()
        out.append(Quantity(value=_clean(value), unit=unit_out, kind=kind, decimals=max(decimals, 0) if kind != "money" else decimals,
                            approx=approx, comparator=comparator, start=q_start, end=end,
                            num_start=m.start("pre") if pre else ns))
    return out


# after 万 a Chinese character is what the figure counts ("3万群众"), unless a clause runs on ("…723.14万其中：")
_COUNTED_AFTER = re.compile(r"(?!其中|主要|用于|同比|较|比|占|包括|含|的)[\u4e00-\u9fff]")


def _bare_money(text: str, m: re.Match[str]) -> bool:
    """A figure with 万/亿 and no unit ("基本支出899.98万，", "下达38万") is an amount in 万元/亿元,
    unless the multiplier is followed by what is counted ("3万群众") or the figure is approximate
    ("群众达10余万": a number of people far more often than an amount)."""
    if not m.group("mult") or m.group("pre") or m.group("suf1") or m.group("suf2") or not m.group("num")[0].isdigit():
        return False
    return not _COUNTED_AFTER.match(text, m.end("mult"))


_RANGE_LOW = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(?:至|到|~|～|—|－|-)\s*$")
_PUNCT_AFTER = re.compile(r"[：:，,。；;、）)]")
# a classifier after a single Chinese digit makes it a count even inside a phrase ("内设六个股室");
# after these characters the digit is an ordinal or a date
_CLASSIFIERS = frozenset("个名人位家")
_ORDINAL_BEFORE = frozenset("第周初")


_BROKEN_FIGURE = re.compile(r"\d[.．] $")
_PER_UNIT = re.compile(r"[/／]\s*([\u4e00-\u9fff·•・]{1,6}|[a-zA-Z²]{1,4})")


def _range_low(text: str, num_start: int) -> int | None:
    """Start of "1至2人": the upper figure of a range is read as approximate, spanning both."""
    m = _RANGE_LOW.search(text, max(0, num_start - 12), num_start)
    return m.start(1) if m else None


_CODE_PART = re.compile(r"(?:^|\n)[ \t]*\d{3}(?:[ \t]+\d{2})?[ \t]+$")  # "303 " / "201 06 " before a code's next part


def _line_start(text: str, pos: int) -> bool:
    """Nothing but spaces between the start of the line and ``pos``."""
    return not text[text.rfind("\n", 0, pos) + 1:pos].strip()


def _is_cjk_word_char(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" and c not in "共计为达约近有是和与及至、"


def _clean(v: Decimal) -> Decimal:
    """Drop a float-like exponent while keeping the written precision."""
    return v if v.as_tuple().exponent <= 0 else v.quantize(Decimal(1))


_BARE_AMOUNT = re.compile(r"(?<![\d.,，])(\d{1,3}(?:,\d{3})+(?:\.\d{1,4})?|\d+\.\d{1,4})(?![\d.,]|\s*(?:%|％|年|月|日|倍))")


@data_cache
def _unit_declaration() -> re.Pattern[str]:
    units = alternation(_units()["declared_money"])
    return re.compile(rf"(?=[金货单（(])(?:(?:金额|货币)?单位[：:]\s*({units})|[（(]({units})[)）]\s*$)", re.M)


def unit_declarations(text: str) -> list[tuple[int, str]]:
    """Where a text says "（金额单位：万元）" once for the figures after it: (end offset, unit)."""
    return [(m.end(), m.group(1) or m.group(2)) for m in _unit_declaration().finditer(text)]


def find_bare_amounts(text: str, start: int, end: int, unit: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    """Plain figures ("本年支出合计3,497.60") in a stretch of text whose money unit was declared once.

    Only figures with decimals or thousands separators count (integers there are usually counts),
    and never one inside a quantity already found."""
    factor = Decimal(_units()["money"][unit])
    shift = decimal_shift(factor)
    out = []
    spans = sorted(taken)
    starts = [a for a, _ in spans]
    for m in _BARE_AMOUNT.finditer(text, start, end):
        i = bisect_right(starts, m.start()) - 1
        if i >= 0 and spans[i][1] > m.start():
            continue
        parsed = parse_number(m.group(1))
        if parsed is None:
            continue
        value, dec = parsed
        out.append(Quantity(value=_clean(value * factor), unit=unit, kind="money", decimals=dec + shift,
                            approx=False, comparator=None, start=m.start(), end=m.end(), num_start=m.start()))
    return out


def written_decimals(v: Decimal) -> int:
    """The decimals a Decimal was written with (98.60 → 2, 40 → 0)."""
    e = v.as_tuple().exponent
    return -e if isinstance(e, int) and e < 0 else 0
