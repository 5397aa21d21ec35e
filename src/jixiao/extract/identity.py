"""Who wrote the report and about what year: unit name, province/city/county, fiscal year,
report kind and date — from the cover fields, the title and, failing those, the body."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import cn2an

from jixiao.extract.context import Context
from jixiao.extract.gazetteer import locate, parent_city_of
from jixiao.extract.lexicon import load_yaml
from jixiao.model import Fact

_ORG_SUFFIX = (r"(?:局|委员会|委|办公室|办|院|中心|所|站|馆|联合会|协会|会|部|厅|队|处|室|公司|学校|"
               r"医院|政府|法院|检察院|总工会|联社)")
_COVER_NAME = re.compile(
    r"(?:(?:预算)?单位|部门)(?:[（(]单位[)）])?名称(?:[（(]盖章[)）])?\s*[：:\t]\s*([^\s（(：:]{2,40})")
_DATE = (r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})\s*(?:年\s*|[.\-/．])"
         r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*(?:月\s*|[.\-/．])"
         r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日?")
# a web page's 发布日期/成文日期/更新时间 is not the report's date
_COVER_DATE = re.compile(r"(?:报\s*告|填\s*报|报\s*送|评\s*价|编\s*制|提\s*交)?\s*(?<!发布)(?<!成文)(?<!发文)(?<!更新)(?<!生成)"
                         r"(?:日\s*期|时\s*间)\s*[：:\t]\s*" + _DATE)
_DATE_LINE = re.compile(r"^\s*" + _DATE + r"\s*$", re.M)
_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*年")
_TITLE_WORDS = re.compile(r"自评报告|评价报告|自评表|绩效报告|决算|预算(?:公开)?(?:说明|报告)?$")


_PAGE_CHROME = re.compile(r"[>＞»›].*[>＞»›]|^\W*(?:索引号|发布机构|发布日期|成文日期|文号|有效性|来源|信息来源)\W")
_TITLE_HEAD = re.compile(r"[^\s：:，。；]{2,30}")


def title_line(text: str) -> tuple[int, str] | None:
    """The first line in the opening part of the text that names the document type, not counting
    a web page's breadcrumb or metadata; a title broken over two lines ("2023年度示例县X局整体支出"
    / "绩效自评报告") is returned with both lines."""
    pos = 0
    prev: tuple[int, str] | None = None
    for line in text[:1500].split("\n"):
        if _TITLE_WORDS.search(line) and len(line.strip()) <= 80 and not _PAGE_CHROME.search(line):
            if prev and _TITLE_HEAD.fullmatch(prev[1].strip()) and not _TITLE_WORDS.search(prev[1]):
                return prev[0], prev[1] + "\n" + line
            return pos, line
        prev = (pos, line)
        pos += len(line) + 1
    return None


def report_kind(ctx: Context) -> Fact | None:
    kinds = load_yaml("report_kinds.yaml")
    found = title_line(ctx.text)
    if found:
        pos, line = found
        for kind in kinds:
            m = re.search(kind["title"], line)
            if m:
                return Fact(key="report_kind", value=kind["kind"],
                            evidence=[ctx.span(pos + m.start(), pos + m.end())])
    # no title: the body names the exercise ("绩效自评结果拟应用…")
    for kind in kinds:
        if kind.get("body"):
            m = re.search(kind["body"], ctx.text)
            if m:
                return Fact(key="report_kind", value=kind["kind"], evidence=[ctx.span(m.start(), m.end())])
    return None


_NAME_LINE = re.compile(r"^\s*(?:单位[：:]\s*)?([\u4e00-\u9fff]{2,30}?" + _ORG_SUFFIX + r")\s*(?:[（(]?本级[)）]?)?\s*$",
                        re.M)


def _name_from_title(line: str) -> tuple[int, str] | None:
    m = re.search(r"(?:(?:19|20)\d{2}\s*年度?)?\s*([^\s\d（(：:]{2,40}?" + _ORG_SUFFIX + r")(?:本级)?"
                  r"\s*(?:20\d{2}\s*年度?)?\s*(?:部门|单位|整体|项目|预算|决算|绩效|财政)", line)
    if not m:
        return None
    return m.start(1), m.group(1)


def unit_name(ctx: Context) -> Fact | None:
    text = ctx.text
    cand: tuple[int, str] | None = None
    m = _COVER_NAME.search(text[:3000])
    if m and re.search(_ORG_SUFFIX + r"(?:本级)?$", m.group(1)):
        cand = (m.start(1), re.sub(r"本级$", "", m.group(1)))
    if cand is None:
        found = title_line(text)
        if found:
            got = _name_from_title(found[1])
            if got:
                cand = (found[0] + got[0], got[1])
    if cand is None:
        m = _NAME_LINE.search(text[:800])
        if m:
            cand = (m.start(1), m.group(1))
    if cand is None:
        return None
    pos, name = cand
    evidence = [ctx.span(pos, pos + len(name))]
    # the report may write the name short (青云谱区司法局) and in full elsewhere (南昌市青云谱区司法局)
    if not _NAME_DIVISIONS.match(name).group("city") and not _NAME_DIVISIONS.match(name).group("province"):
        known_city = None
        loc = locate(name)
        if loc.get("county") and name.startswith(loc["county"]):
            known_city = parent_city_of(loc["county"])
        prefixes: Counter[str] = Counter()
        for m in re.finditer(r"([\u4e00-\u9fff]{2,4}?(?:市|州|盟|地区))" + re.escape(name), text):
            city = m.group(1)
            if known_city and not city.endswith(known_city):
                continue
            prefixes[city] += 1
        if prefixes:
            city = prefixes.most_common(1)[0][0]
            if known_city:
                city = known_city
            full = city + name
            i = text.find(full)
            name, evidence = full, [ctx.span(i, i + len(full))]
    return Fact(key="unit_name", value=name, evidence=evidence)


_NAME_DIVISIONS = re.compile(r"^(?P<province>[\u4e00-\u9fff]{2,3}(?:省|自治区))?"
                             r"(?P<city>[\u4e00-\u9fff]{2,4}?(?:市|州|盟|地区))?"
                             r"(?P<county>[\u4e00-\u9fff]{1,4}?(?:区|县|旗|市))?")
_PROVINCE_MENTION = re.compile(r"([\u4e00-\u9fff]{2})省(?=财政厅|人民政府|委|司法厅|政府|级|厅)")


def divisions(ctx: Context, name_fact: Fact) -> list[Fact]:
    """Province, city and county of the unit: from the gazetteer, else from the name's own
    structure (a division created after the gazetteer's data, 示例市示范区) and a province the
    text names (示例省财政厅)."""
    loc = {k: v for k, v in locate(name_fact.value).items() if v}
    if not loc:
        m = _NAME_DIVISIONS.match(name_fact.value)
        rest = name_fact.value[m.end():] if m else ""
        if m and m.end() and len(rest) >= 2:
            loc = {k: v for k, v in m.groupdict().items() if v}
    facts = [Fact(key=k, value=v, evidence=name_fact.evidence) for k, v in loc.items()]
    if loc and "province" not in loc:
        found = _PROVINCE_MENTION.search(ctx.text)
        if found:
            facts.append(Fact(key="province", value=found.group(1) + "省",
                              evidence=[ctx.span(found.start(), found.end())]))
    return facts


def report_date(ctx: Context) -> Fact | None:
    m = _COVER_DATE.search(ctx.text)
    if not m:
        tail_start = max(0, len(ctx.text) - 400)
        ms = list(_DATE_LINE.finditer(ctx.text, tail_start))
        m = ms[-1] if ms else None
    if not m:
        return None
    try:
        d = date(_date_part(m.group("y")), _date_part(m.group("m")), _date_part(m.group("d")))
    except (ValueError, KeyError):
        return None
    return Fact(key="report_date", value=d.isoformat(), evidence=[ctx.span(m.start(), m.end())])


def _date_part(s: str) -> int:
    """A year, month or day written in digits or Chinese (二〇二一, 四, 二十)."""
    if s.isdigit():
        return int(s)
    if len(s) == 4:  # 二〇二一: digit by digit
        return int("".join(str("〇一二三四五六七八九".index(c.replace("零", "〇"))) for c in s))
    return int(cn2an.cn2an(s, "normal"))


def fiscal_year(ctx: Context, date_fact: Fact | None) -> Fact | None:
    text = ctx.text
    found = title_line(text)
    if found:
        pos, line = found
        m = _YEAR.search(line)
        if m:
            return Fact(key="fiscal_year", value=int(m.group(1)),
                        evidence=[ctx.span(pos + m.start(), pos + m.end())])
    m = re.search(r"(?:评价|预算|所属|报告)年度\s*[：:]\s*(20\d{2})", text)
    if m:
        return Fact(key="fiscal_year", value=int(m.group(1)), evidence=[ctx.span(m.start(), m.end())])
    limit = int(date_fact.value[:4]) if date_fact else 9999
    skip = date_fact.evidence[0] if date_fact else None
    years = Counter()
    first: dict[int, re.Match[str]] = {}
    for m in _YEAR.finditer(text):
        if skip and skip.start <= m.start() < skip.end:
            continue
        if text[max(0, m.start() - 1)] in "[〔［":
            continue  # a document number such as 天政办发[2018]8号
        y = int(m.group(1))
        if y <= limit:
            years[y] += 1
            first.setdefault(y, m)
    if years:
        y, _ = max(years.items(), key=lambda kv: (kv[1], kv[0]))
        m = first[y]
        return Fact(key="fiscal_year", value=y, evidence=[ctx.span(m.start(), m.end())])
    if date_fact:
        return Fact(key="fiscal_year", value=int(date_fact.value[:4]) - 1, evidence=date_fact.evidence,
                    computed=True)
    return None


def identity_facts(ctx: Context) -> list[Fact]:
    facts: list[Fact] = []
    name = unit_name(ctx)
    if name:
        facts.append(name)
        facts.extend(divisions(ctx, name))
    d = report_date(ctx)
    if d:
        facts.append(d)
    y = fiscal_year(ctx, d)
    if y:
        facts.append(y)
    k = report_kind(ctx)
    if k:
        facts.append(k)
    return facts
