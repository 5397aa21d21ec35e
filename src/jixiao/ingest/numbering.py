"""Word automatic list numbering: compute the number Word would show before a paragraph.

Python-docx gives a paragraph's text without its list number, yet 自评报告 structure lives in
those numbers ("一、", "（一）", "1."). :class:`ListNumberer` reads ``numbering.xml`` and the
styles, and :meth:`ListNumberer.label` is called for every paragraph in reading order.

Counting follows Word: ``w:num`` instances that point to the same ``w:abstractNum`` share one
set of counters (a list continues across them) unless the instance has a ``w:lvlOverride`` (Word's
"restart numbering"), which gets counters of its own. When a level advances, deeper levels
restart (unless their ``w:lvlRestart`` says otherwise). Bullets produce no label.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.oxml.ns import qn

_CN_DIGITS = "零一二三四五六七八九"
_CN_UNITS = ["", "十", "百", "千"]
_CN_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CN_LEGAL_UNITS = ["", "拾", "佰", "仟"]
_CN_LEGAL_TRAD_DIGITS = "零壹貳參肆伍陸柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def chinese_number(n: int, digits: str = _CN_DIGITS, units: list[str] | None = None) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 101 → 一百零一 (up to 9999; beyond: digit by digit)."""
    units = units or _CN_UNITS
    if n <= 0:
        return digits[0]
    if n >= 10000:
        return "".join(digits[int(d)] for d in str(n))
    parts: list[str] = []
    s = str(n)
    zero = False
    for i, d in enumerate(s):
        place = len(s) - 1 - i
        if d == "0":
            zero = True
            continue
        if zero and parts:
            parts.append(digits[0])
        zero = False
        parts.append(digits[int(d)] + units[place])
    out = "".join(parts)
    if units is _CN_UNITS and 10 <= n < 20:
        out = out[1:]  # 十一, not 一十一
    return out


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
            (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for v, r in vals:
        while n >= v:
            out.append(r)
            n -= v
    return "".join(out)


def _letters(n: int) -> str:
    """Word's letter numbering: a … z, aa … zz, aaa …"""
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _enclosed(n: int, first: int, count: int) -> str:
    return chr(first + n - 1) if 1 <= n <= count else str(n)


def format_number(n: int, fmt: str) -> str:
    """Render ``n`` in a ``w:numFmt``; unknown formats fall back to decimal."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
               "taiwaneseCounting", "taiwaneseCountingThousand"):
        return chinese_number(n)
    if fmt == "chineseLegalSimplified":
        return chinese_number(n, _CN_LEGAL_DIGITS, _CN_LEGAL_UNITS)
    if fmt in ("ideographLegalTraditional", "japaneseLegal"):
        return chinese_number(n, _CN_LEGAL_TRAD_DIGITS, _CN_LEGAL_UNITS)
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return _enclosed(n, 0x2460, 20)
    if fmt == "decimalEnclosedParen":
        return _enclosed(n, 0x2474, 20)
    if fmt == "decimalEnclosedFullstop":
        return _enclosed(n, 0x2488, 20)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "none":
        return ""
    return str(n)  # decimal, decimalFullWidth (normalised later anyway), ordinal, …


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str | None = None  # lvlText; None = no label
    restart: int | None = None  # lvlRestart; 0 = never restart
    legal: bool = False
    suffix: str = "tab"
    style: str | None = None


@dataclass
class _Instance:
    key: str  # counter key: the abstractNum id, or "num:<id>" for instances with overrides
    levels: dict[int, _Level] = field(default_factory=dict)
    start_overrides: dict[int, int] = field(default_factory=dict)


def _val(el, tag: str, default: str | None = None) -> str | None:
    child = el.find(qn(tag)) if el is not None else None
    if child is None:
        return default
    return child.get(qn("w:val"), default)


def _parse_level(lvl) -> _Level:
    level = _Level()
    start = _val(lvl, "w:start")
    if start and start.lstrip("-").isdigit():
        level.start = int(start)
    level.fmt = _val(lvl, "w:numFmt", "decimal") or "decimal"
    lvl_text = lvl.find(qn("w:lvlText"))
    if lvl_text is not None:
        level.text = lvl_text.get(qn("w:val"), "")
    restart = _val(lvl, "w:lvlRestart")
    if restart and restart.isdigit():
        level.restart = int(restart)
    legal = lvl.find(qn("w:isLgl"))
    level.legal = legal is not None and legal.get(qn("w:val"), "1") not in ("0", "false", "off")
    level.suffix = _val(lvl, "w:suff", "tab") or "tab"
    level.style = _val(lvl, "w:pStyle")
    return level


def _ilvl(lvl) -> int:
    raw = lvl.get(qn("w:ilvl"), "0")
    return int(raw) if raw.isdigit() else 0


@dataclass(frozen=True)
class StyleTable:
    """What list numbering needs of a document's paragraph styles: for each style id its numbering
    (numId, ilvl) and the style it is based on, and the default paragraph style. Small and immutable, so
    a reader can keep it for the next document with the same styles part."""

    styles: dict[str, tuple[str | None, int | None, str | None, bool]] = field(default_factory=dict)
    default: str | None = None

    @classmethod
    def of(cls, styles_el) -> StyleTable:
        """The table of a parsed styles part (None: no styles)."""
        table, default = {}, None
        if styles_el is None:
            return cls()
        for st in styles_el.iter(qn("w:style")):
            if st.get(qn("w:type")) != "paragraph":
                continue
            sid = st.get(qn("w:styleId"))
            num_pr = st.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            num_id = ilvl = None
            if num_pr is not None:
                raw = _val(num_pr, "w:ilvl")
                num_id, ilvl = _val(num_pr, "w:numId"), int(raw) if raw and raw.isdigit() else None
            table[sid] = (num_id, ilvl, _val(st, "w:basedOn"), num_pr is not None)
            if st.get(qn("w:default")) in ("1", "true", "on"):
                default = sid
        return cls(table, default)


class ListNumberer:
    """Computes list labels for paragraphs, in reading order."""

    def __init__(self, numbering_el, styles: StyleTable | None = None):
        self._styles = styles or StyleTable()
        self._default_style = self._styles.default
        self._abstract: dict[str, object] = {}
        self._nums: dict[str, object] = {}
        if numbering_el is not None:
            for an in numbering_el.iter(qn("w:abstractNum")):
                self._abstract[an.get(qn("w:abstractNumId"))] = an
            for num in numbering_el.iter(qn("w:num")):
                self._nums[num.get(qn("w:numId"))] = num
        self._instances: dict[str, _Instance | None] = {}
        self._counters: dict[str, dict[int, int]] = {}

    # -- resolution --------------------------------------------------------------------
    def _abstract_levels(self, abstract_id: str | None, depth: int = 0) -> dict[int, _Level]:
        an = self._abstract.get(abstract_id)
        if an is None or depth > 3:
            return {}
        link = _val(an, "w:numStyleLink")
        if link:  # the definition lives with the numbering style's own num
            num_id = self._style_num(link)[0]
            num = self._nums.get(num_id)
            if num is not None:
                return self._abstract_levels(_val(num, "w:abstractNumId"), depth + 1)
        return {_ilvl(lvl): _parse_level(lvl) for lvl in an.findall(qn("w:lvl"))}

    def _instance(self, num_id: str) -> _Instance | None:
        if num_id in self._instances:
            return self._instances[num_id]
        inst = None
        num = self._nums.get(num_id)
        if num is not None:
            abstract_id = _val(num, "w:abstractNumId")
            overrides = num.findall(qn("w:lvlOverride"))
            inst = _Instance(key=f"num:{num_id}" if overrides else f"abs:{abstract_id}",
                             levels=self._abstract_levels(abstract_id))
            for ov in overrides:
                ilvl = _ilvl(ov)
                start = _val(ov, "w:startOverride")
                if start and start.lstrip("-").isdigit():
                    inst.start_overrides[ilvl] = int(start)
                lvl = ov.find(qn("w:lvl"))
                if lvl is not None:
                    inst.levels[ilvl] = _parse_level(lvl)
        self._instances[num_id] = inst
        return inst

    def _style_num(self, style_id: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) a paragraph style gives, following basedOn."""
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            entry = self._styles.styles.get(style_id)
            if entry is None:
                break
            num_id, ilvl, based_on, numbered = entry
            if numbered:
                return num_id, ilvl
            style_id = based_on
        return None, None

    def _resolve(self, p) -> tuple[str | None, int | None, str | None]:
        ppr = p.find(qn("w:pPr"))
        style_id = _val(ppr, "w:pStyle") or self._default_style
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        num_id = ilvl = None
        if num_pr is not None:
            num_id = _val(num_pr, "w:numId")
            raw = _val(num_pr, "w:ilvl")
            ilvl = int(raw) if raw and raw.isdigit() else None
        if num_id is None:
            num_id, style_ilvl = self._style_num(style_id)
            ilvl = ilvl if ilvl is not None else style_ilvl
        return num_id, ilvl, style_id

    # -- counting ------------------------------------------------------------------------
    def label(self, p) -> tuple[str, str]:
        """(label, suffix) for paragraph element ``p``; ("", "") when it is not numbered."""
        num_id, ilvl, style_id = self._resolve(p)
        if not num_id or num_id == "0":
            return "", ""
        inst = self._instance(num_id)
        if inst is None or not inst.levels:
            return "", ""
        if ilvl is None:  # a style-linked level, else level 0
            ilvl = next((k for k, lv in inst.levels.items() if lv.style and lv.style == style_id), 0)
        level = inst.levels.get(ilvl)
        if level is None:
            return "", ""
        counters = self._counters.setdefault(inst.key, {})
        start = inst.start_overrides.get(ilvl, level.start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            restart = inst.levels.get(deeper, _Level()).restart
            if restart is None or (restart != 0 and ilvl <= restart - 1):
                del counters[deeper]
        if level.fmt == "bullet" or not level.text:
            return "", ""
        out = level.text
        for k in range(8, -1, -1):  # levels 0–8 → %1–%9
            token = f"%{k + 1}"
            if token not in out:
                continue
            lv = inst.levels.get(k, _Level())
            n = counters.get(k, inst.start_overrides.get(k, lv.start))
            fmt = "decimal" if level.legal else lv.fmt
            out = out.replace(token, format_number(n, fmt))
        return out, level.suffix
