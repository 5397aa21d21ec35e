"""Meaning-preserving rewrites of a report's text, for the metamorphic tests.

Each transform takes the text of a report file (as decoded, before normalisation) and returns a
:class:`Transformed`: the new text (or bytes) and how the extracted values are expected to change
— nothing, for most of them; names, for a renaming. None of them knows any particular report: they
work on shapes (amounts, counts, headings, title lines, table rows, paragraphs).
"""

from __future__ import annotations

import csv
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources

from jixiao.ingest.normalize import normalize


def same(s: str) -> str:
    """The identity on strings: what most transforms do to names."""
    return s


@dataclass
class Transformed:
    """A transformed report and how its extraction should relate to the original's.

    Attributes:
        text: the new text of the file.
        encoding: how the file is written (the loader must detect it).
        strings: how text values (unit name, item names, finding names) change.
        ignore: keys of finding values that legitimately change (e.g. a rounding tolerance that
            depends on how many decimals a figure is written with).
        provinces: {old: new} province names, for knowledge keyed by province (the outline).
        note: a short description for failure messages.
    """

    text: str
    encoding: str = "utf-8"
    strings: Callable[[str], str] = same
    ignore: frozenset[str] = frozenset()
    provinces: dict[str, str] = field(default_factory=dict)
    note: str = ""

    def data(self) -> bytes:
        return self.text.encode(self.encoding)


# --------------------------------------------------------------------------- 1. places
@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent: str


def _divisions() -> tuple[dict[str, Division], dict[str, list[Division]]]:
    raw = resources.files("jixiao").joinpath("data", "divisions.csv").read_text(encoding="utf-8")
    by_code: dict[str, Division] = {}
    by_name: dict[str, list[Division]] = {}
    for r in csv.DictReader(line for line in raw.splitlines() if not line.startswith("#")):
        d = Division(r["code"], r["name"], r["level"], r["parent"])
        by_code[d.code] = d
        by_name.setdefault(d.name, []).append(d)
    return by_code, by_name


_BY_CODE, _BY_NAME = _divisions()


def _stem(name: str) -> str:
    return name[:-1]


def _unique(name: str) -> bool:
    return len(_BY_NAME.get(name, [])) == 1


def is_real(name: str | None) -> bool:
    """A division of the gazetteer (示例省 of the bundled samples is not)."""
    return bool(name) and name in _BY_NAME


def _like(target: str, source: str | None) -> bool:
    """Same suffix (区/县/市/省), so that 全区/区委/本县 … stay true; two-character stems, which
    cannot be mistaken for other words."""
    return source is not None and len(target) == 3 and target[-1] == source[-1]


def place_targets(place: dict[str, str | None], text: str, same_province: bool) -> list[dict[str, str]]:
    """Real divisions a unit could be moved to: the same levels and suffixes as ``place``
    ({"province", "city", "county"}), names unique in the gazetteer and absent from the text.

    ``same_province`` keeps the province (only possible when it is a real one)."""
    out = []
    level = "county" if place.get("county") else "city"
    for divs in _BY_NAME.values():
        if len(divs) != 1 or divs[0].level != level:
            continue
        d = divs[0]
        chain = {level: d.name}
        parent = _BY_CODE.get(d.parent)
        if level == "county":
            if parent is None or parent.level != "city":
                continue
            chain["city"] = parent.name
            parent = _BY_CODE.get(parent.parent)
        if parent is None or parent.level != "province":
            continue
        chain["province"] = parent.name
        if not all(_like(chain[k], place.get(k)) and _unique(chain[k]) for k in chain if k != "province"):
            continue
        if same_province:
            if chain["province"] != place.get("province") or chain["city"] == place.get("city"):
                continue  # another city of the same province
        elif not _like(chain["province"], place.get("province")) or chain["province"] == place.get("province"):
            continue
        names = [v for k, v in chain.items() if not (same_province and k == "province")]
        if any(_stem(n) in text for n in names):
            continue
        out.append(chain)
    # a fixed order that is not alphabetical, so that different reports move to different places
    return sorted(out, key=lambda c: zlib.crc32("".join(c.values()).encode("utf-8")))


def rename_places(text: str, place: dict[str, str | None], target: dict[str, str]) -> Transformed:
    """Move the report to another real place: 长沙市天心区 → 绵阳市涪城区, 湖南省 → 四川省, and the
    short forms (天心 → 涪城) where a short form names one place only."""
    pairs: dict[str, str] = {}
    for key in ("province", "city", "county"):
        old, new = place.get(key), target.get(key)
        if old and new and old != new:
            pairs[old] = new
    stems = [_stem(old) for old in pairs]
    for old, new in list(pairs.items()):
        if len(_stem(old)) >= 2 and stems.count(_stem(old)) == 1:
            pairs[_stem(old)] = _stem(new)
    pattern = re.compile("|".join(sorted(map(re.escape, pairs), key=len, reverse=True)))

    def sub(s: str) -> str:
        return pattern.sub(lambda m: pairs[m.group(0)], s)

    provinces = {}
    if place.get("province") and target.get("province") and place["province"] != target["province"]:
        provinces[place["province"]] = target["province"]
    note = "、".join(f"{a}→{b}" for a, b in pairs.items())
    return Transformed(sub(text), strings=sub, provinces=provinces, note=note)


# --------------------------------------------------------------------------- 2, 3. money units
_AMOUNT = re.compile(r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<sp>[ \t]*)"
                     r"(?:万(?P<wan_approx>余|多)元|(?P<approx>余|多)?(?P<unit>万元|元))")


def _plain(d: Decimal, grouped: bool) -> str:
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if grouped:
        whole, _, frac = s.partition(".")
        s = f"{int(whole):,}" + ("." + frac if frac else "")
    return s


def swap_money_units(text: str) -> Transformed:
    """万元 ↔ 元: every amount in 万元 is written in 元 with two decimals (899.98万元 →
    8999800.00元; an approximate 3.7万余元 → 37000余元), every amount in 元 in 万元 with all its
    digits (598286.00元 → 59.8286万元). Values in 万元 stay exactly equal; only the written
    precision changes, and with it the rounding tolerance of a sum."""

    def amount(m: re.Match[str]) -> str:
        raw = m.group("num")
        grouped = "," in raw
        value = Decimal(raw.replace(",", ""))
        sp = m.group("sp")
        if m.group("wan_approx"):
            return f"{_plain(value * 10000, grouped)}{sp}{m.group('wan_approx')}元"
        approx = m.group("approx") or ""
        if m.group("unit") == "万元":
            yuan = value * 10000
            s = _plain(yuan, grouped) if approx else (f"{yuan:,.2f}" if grouped else f"{yuan:.2f}")
            return f"{s}{sp}{approx}元"
        return f"{_plain(value / 10000, grouped)}{sp}{approx}万元"

    return Transformed(_AMOUNT.sub(amount, text), ignore=frozenset({"tolerance"}), note="万元↔元")


_WANYUAN_AFTER_NUMBER = re.compile(r"(?<=[\d余多])(\s*)万元")


def drop_yuan_after_wan(text: str) -> Transformed:
    """``万元`` → ``万`` after a figure ("899.98万元" → "899.98万")."""
    return Transformed(_WANYUAN_AFTER_NUMBER.sub(r"\1万", text), note="万元→万")


# --------------------------------------------------------------------------- 4. full width
_HALF_TO_FULL = {ord(c): ord(c) + 0xFEE0 for c in "0123456789.%:()"}
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# what the normalisation keeps in full width (Chinese punctuation is the normal form)
_KEPT_FULL = {ord(c): ord(c) + 0xFEE0 for c in ":(),"}


def full_width(text: str) -> Transformed:
    """Digits and ``. % : ( ) ,`` in full width (０-９ ． ％ ： （ ） ，); a thousands separator keeps
    its half-width comma (１,２３４ is how such text is written, and "１，２３４" would be a list)."""
    marked = _THOUSANDS_COMMA.sub("\x00", text)
    out = marked.translate(_HALF_TO_FULL).replace(",", "，").replace("\x00", ",")

    def strings(s: str) -> str:
        return _THOUSANDS_COMMA.sub("\x00", s).translate(_KEPT_FULL).replace("\x00", ",")

    return Transformed(out, strings=strings, note="全角数字与标点")


# --------------------------------------------------------------------------- 5. Chinese numerals
_CN = "零一二三四五六七八九"
_COUNT_UNITS = ("人次", "场次", "件", "起", "人", "次", "场", "份", "个", "名", "户", "家", "所", "篇",
                "项", "位", "处", "条", "支", "座")
_SMALL_COUNT = re.compile(
    r"(?<![\d.,．，%A-Za-z第\-~～至到])(?P<n>\d{1,2})(?=(?:" + "|".join(_COUNT_UNITS) + r")(?!百分点))")


def chinese_small(n: int, two: str = "二") -> str:
    """2 → 二 (or 两), 10 → 十, 12 → 十二, 20 → 二十, 45 → 四十五 (1 ≤ n ≤ 99)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return two if n == 2 else _CN[n]
    head = "" if tens == 1 else _CN[tens]
    return head + "十" + (_CN[ones] if ones else "")


def chinese_counts(text: str, two: str = "二") -> Transformed:
    """Small counts in Chinese numerals: 3个 → 三个, 12名 → 十二名, 45人 → 四十五人 (2–99; 1 stays,
    since 一个 is mostly the article)."""

    def sub(m: re.Match[str]) -> str:
        n = int(m.group("n"))
        if not 2 <= n <= 99 or m.group("n").startswith("0"):
            return m.group(0)
        return chinese_small(n, two)

    return Transformed(_SMALL_COUNT.sub(sub, text), note=f"中文小数字（2→{two}）")


# --------------------------------------------------------------------------- 6. heading numbering
_NUMBER_PREFIX = re.compile(
    r"^(?P<lead>\s*)(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]{1,3}\s*[、.．]|[（(][一二三四五六七八九十]{1,3}\s*[）)]"
    r"|\d{1,2}\s*[、.．]|[（(]\d{1,2}[）)]|\d{1,2}[)）])[ \t\u3000]*")
NUMBERING_STYLES = ("一、", "1.", "（1）", "第一部分")


def _number(style: str, n: int) -> str:
    if style == "一、":
        return chinese_small(n) + "、" if n > 1 else "一、"
    if style == "1.":
        return f"{n}."
    if style == "（1）":
        return f"（{n}）"
    return f"第{chinese_small(n) if n > 1 else '一'}部分 "


def renumber_headings(text: str, titles: list[str], style: str) -> Transformed:
    """The top-level headings (``titles``, as the original's outline found them, numbering
    included) renumbered 1, 2, 3 … in ``style``: 一、 / 1. / （1） / 第一部分."""
    out = []
    pending = list(titles)
    n = 0
    for line in text.split("\n"):
        flat = normalize(line)[0].strip()
        if pending and flat.startswith(pending[0]):
            m = _NUMBER_PREFIX.match(line)
            if m:
                n += 1
                line = m.group("lead") + _number(style, n) + line[m.end():]
            pending.pop(0)
        out.append(line)
    return Transformed("\n".join(out), note=f"一级标题编号 {style}")


# --------------------------------------------------------------------------- 7. title
_TITLE = re.compile(r"自评报告|评价报告|自评表")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?")


def title_line_index(lines: list[str]) -> int | None:
    for i, line in enumerate(lines[:20]):
        if _TITLE.search(line) and len(line.strip()) <= 60:
            return i
    return None


def split_title(text: str, year_first: bool) -> Transformed:
    """The title over two lines: "…整体支出" / "绩效自评报告"; with ``year_first`` the year leads
    ("2024年度示例县X局" / "部门整体支出绩效自评报告")."""
    lines = text.split("\n")
    i = title_line_index(lines)
    if i is None:
        return Transformed(text, note="无标题")
    line = lines[i]
    lead = line[: len(line) - len(line.lstrip())]
    title = line.strip()
    if year_first:
        m = _YEAR.search(title)
        if m:
            title = m.group(0) + title[: m.start()] + title[m.end():]
        k = title.find("部门整体") if "部门整体" in title else title.find("整体")
        cut = k if k > 0 else title.rfind("绩效")
    else:
        cut = title.rfind("绩效")
    if cut <= 0:
        return Transformed(text, note="标题无法拆分")
    lines[i] = lead + title[:cut] + "\n" + lead + title[cut:]
    return Transformed("\n".join(lines), note="标题拆为两行" + ("（年度在前）" if year_first else ""))


# --------------------------------------------------------------------------- 8. web chrome
METADATA_SHAPES = ("two-per-line", "one-per-line", "pipes", "brackets")


def web_chrome(text: str, unit: str | None, year: int, shape: str, chinese_date: bool) -> Transformed:
    """A government web page around the report: accessibility bar, breadcrumb and a metadata
    block (索引号, 发布机构, 发布日期, 文号, 名称; years after the report's) before it, footer after."""
    publisher = unit or "示例区财政局"
    lines = text.split("\n")
    i = title_line_index(lines)
    name = lines[i].strip() if i is not None else f"{publisher}部门整体支出绩效自评报告"
    published = f"{year + 1}年05月20日" if chinese_date else f"{year + 1}-05-20 10:32"
    fields = [("索引号", f"000014349/{year + 2}-00123"), ("发布机构", publisher),
              ("发布日期", published), ("文号", f"财绩〔{year + 1}〕5号"),
              ("有效性", "有效"), ("名称", name)]
    if shape == "two-per-line":
        meta = [f"{a}：{b}        {c}：{d}" for (a, b), (c, d) in zip(fields[::2], fields[1::2], strict=True)]
    elif shape == "one-per-line":
        meta = [x for k, v in fields for x in (f"• {k}", v)]
    elif shape == "pipes":
        meta = [f"| {k} | {v} |" for k, v in fields]
    else:
        meta = [f"[ {k} ] {v}" for k, v in fields]
    head = ["无障碍", "读屏", "放大", "缩小", "简体", "繁体", "登录 | 注册",
            "首页 > 信息公开 > 法定主动公开内容 > 预决算信息 > 绩效评价", *meta,
            "【字体：大 中 小】  浏览次数：1523", ""]
    foot = ["", "【打印本页】【关闭窗口】", "扫一扫在手机打开当前页",
            "主办：示例市人民政府办公室    承办：示例市数据资源局",
            "网站标识码：4301030001    ICP备05001234号-1    公网安备 43010302000123号",
            "联系我们 | 网站地图 | 隐私声明", "您是本站第 128456 位访客"]
    return Transformed("\n".join(head) + "\n" + text + "\n" + "\n".join(foot),
                       note=f"网页外壳（{shape}{'，中文日期' if chinese_date else ''}）")


# --------------------------------------------------------------------------- 9. tables
TABLE_SHAPES = ("pipes", "cells", "spaces")


def reflow_tables(text: str, shape: str) -> Transformed:
    """Tab-separated rows (a table pasted as text) written another way: ``| a | b |`` rows, one
    cell per line, or columns aligned with runs of spaces."""
    out = []
    for line in text.split("\n"):
        cells = [c.strip() for c in line.strip().split("\t")]
        if len(cells) < 2 or not all(cells):  # a table row, not an indented line
            out.append(line)
            continue
        if shape == "pipes":
            out.append("| " + " | ".join(cells) + " |")
        elif shape == "cells":
            out.extend(cells)
        else:
            out.append("    ".join(cells))
    return Transformed("\n".join(out), note=f"表格改写（{shape}）")


# --------------------------------------------------------------------------- 10. hard wraps
_UNBREAKABLE = re.compile(r"[0-9A-Za-z.,%]")


def _cols(c: str) -> int:
    return 1 if c < "\u1100" else 2


def hard_wrap(text: str, width: int) -> Transformed:
    """Every paragraph set as a PDF sets it and broken as text taken from it is: the first line
    indented two characters (首行缩进), every line filled to the measure of ``width`` Chinese
    characters (2 columns a Chinese character or full-width form, 1 an ASCII one), never inside a
    run of Latin letters or digits; the last line of a paragraph is the shorter one.

    Without the indentation a paragraph whose last line happens to be full would run into the
    next one in the text itself, and no reader could tell them apart."""
    measure = 2 * width
    out = []
    text = re.sub(r"\[bookmark: [^\]\n]*\]", "", text)  # a Word artefact, not in a PDF's text
    for line in text.split("\n"):
        if "\t" in line or line.lstrip().startswith("|") or line.count(" | ") >= 2:
            out.append(line)  # a table row (also one without outer pipes), not a paragraph
            continue
        if line.strip() and not line[0].isspace():
            line = "\u3000\u3000" + line
        while sum(map(_cols, line)) > measure:
            cut, cols = 0, 0
            while cols + _cols(line[cut]) <= measure:
                cols += _cols(line[cut])
                cut += 1
            while cut > width // 2 and _UNBREAKABLE.match(line[cut - 1]) and _UNBREAKABLE.match(line[cut]):
                cut -= 1
            out.append(line[:cut].rstrip(" "))
            line = line[cut:].lstrip(" ")  # a space at a break is the break
        out.append(line)
    return Transformed("\n".join(out), note=f"每行 {width} 字宽硬换行")


# --------------------------------------------------------------------------- 11. encodings
ENCODINGS = ("gb18030", "utf-16", "utf-16-le", "utf-16-be")


def encode(text: str, encoding: str) -> Transformed:
    return Transformed(text, encoding=encoding, note=f"编码 {encoding}")
