"""Who wrote the report and about what year: unit name, province/city/county, fiscal year,
report kind and date.

The unit name is chosen among *candidates*: every place a unit may name itself (the title, also
split over two lines; cover and form fields such as 单位名称/实施单位/主管部门, in text or table cells;
the unit alone on a line; the opening sentences; a signature line; web metadata 发布机构, breadcrumbs,
a mirror's file name). Each candidate is cleaned (本级, 盖章, code prefixes, spaces, aliases in
brackets) and the winner is picked by a data-driven precedence (``data/identity.yaml``) that
depends on the report kind. All candidates are kept, with their spans, so a reviewer sees why.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from jixiao.extract import gazetteer
from jixiao.extract.chrome import Chrome, find_chrome
from jixiao.extract.context import Context
from jixiao.extract.numbers import cn_numeral
from jixiao.ingest.aligned import FOOTER
from jixiao.lexicon import data_cache, load_yaml
from jixiao.model import Fact, IdentityCandidate
from jixiao.textlines import lines

_DATE = (r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})\s*(?:年\s*|[.\-/．])"
         r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*(?:月\s*|[.\-/．])"
         r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})(?!\d)\s*日?")
_COVER_DATE = re.compile(r"(?=[报填评编提自日时])(?P<pre>(?:报\s*告|填\s*报|报\s*送|评\s*价|编\s*制|提\s*交|自\s*评)\s*)?"
                         r"(?:日\s*期|时\s*间)\s*[：:\t|｜]?\s*" + _DATE)
_DATE_LINE = re.compile(r"^[\s|｜]*" + _DATE + r"[\s|｜]*$", re.M)
# under a signature the date may give the month only ("2018年3月")
_SEAL_DATE_LINE = re.compile(r"^[\s|｜]*(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
                             r"(?:\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日?)?[\s|｜]*$", re.M)
_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*(?:年|(?=\s*(?:部门|单位|整体|项目|度|预算|决算)))(?!\s*\d{1,2}\s*月)")
_PLACE = re.compile(r"[省市县区州盟旗镇乡]|自治|街道|苏木")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Title:
    """The document title: its span (possibly two lines) and its text with line breaks removed."""

    start: int
    end: int
    text: str
    offsets: list[int]  # offsets[i]: position in the document of text[i]


@dataclass(frozen=True)
class _Lex:
    suffix: re.Pattern[str]
    suffix_end: re.Pattern[str]
    place_end: re.Pattern[str]
    fields: dict[str, re.Pattern[str]]
    precedence: dict[str, list[str]]
    prefix_noise: re.Pattern[str]
    suffix_noise: re.Pattern[str]
    request: re.Pattern[str]
    title_tail: re.Pattern[str]
    title_words: re.Pattern[str]
    not_title: re.Pattern[str]
    kinds: list[dict]
    body_kinds: list[dict]
    year_fields: re.Pattern[str]


@data_cache
def _lex() -> _Lex:
    lx = load_yaml("identity.yaml")
    suffixes = "|".join(sorted(map(re.escape, lx["org_suffix"]), key=len, reverse=True))
    places = "|".join(map(re.escape, lx["place_unit_suffix"]))
    fields = {}
    for role, keys in lx["fields"].items():
        alt = "|".join(sorted(keys, key=len, reverse=True))
        first = "".join(sorted({k[0] for k in keys}))
        fields[role] = re.compile(
            rf"(?=[{first}])(?:^|(?<=[\s|｜\t：:、]))(?:{alt})\s*(?:[（(](?:盖章|公章|签章|章)[)）])?\s*(?:[：:|｜\t]\s*|\s+|(?=[\u4e00-\u9fff]))", re.M)
    all_kinds = load_yaml("report_kinds.yaml")
    kinds = [{**k, "_title": re.compile(k["title"]), "_unless": re.compile(k["unless"]) if k.get("unless") else None,
              "_also": re.compile(k["also"]) if k.get("also") else None} for k in all_kinds if k.get("title")]
    body = [{**k, "_body": re.compile(k["body"])} for k in all_kinds if k.get("body") and not k.get("title")]
    return _Lex(
        suffix=re.compile(rf"(?:{suffixes})"),
        suffix_end=re.compile(rf"(?:{suffixes})$"),
        place_end=re.compile(rf"(?:{places})$"),
        fields=fields,
        precedence=lx["precedence"],
        prefix_noise=re.compile(lx["name_prefix_noise"]),
        suffix_noise=re.compile(lx["name_suffix_noise"]),
        request=re.compile(lx["request_context"]),
        title_tail=re.compile(lx["title_tail"]),
        title_words=re.compile(lx["title_words"]),
        not_title=re.compile(lx["not_title"]),
        kinds=kinds,
        body_kinds=body,
        year_fields=re.compile(lx["year_fields"] + r"(20\d{2}|19\d{2})"),
    )


# ----------------------------------------------------------------------------------------- title

def find_title(text: str, chrome: Chrome | None = None) -> Title | None:
    """The document's title: the first line of the opening that names the document type, joined
    with the line before it when the title was split ("2023年度示例县林业局整体支出" / "绩效自评报告").
    A metadata 名称/标题 value counts; a mirror's file name only when there is no other title."""
    lx = _lex()
    chrome = chrome or find_chrome(text)
    for f in chrome.fields:
        if f.role == "title" and lx.title_words.search(f.value) and f.value_start < 4000:
            return _title(f.value_start, f.value)
    prev: list[tuple[int, str]] = []  # the short lines just above, a title's possible head
    for pos, line in lines(text[:3000]):
        s = line.strip()
        if not s:
            continue
        if chrome.covers(pos) or FOOTER.match(s):  # a page number ("第 1 页") is no title's head
            prev = []
            continue
        compact = re.sub(r"\s", "", s)
        if lx.title_words.search(compact) and len(s) <= 80 and not lx.not_title.search(compact) and "\t" not in s.strip("\t"):
            a = pos + line.find(s)
            title = _title(a, s)
            for p, ps in reversed(prev):
                head = _title(p, ps)
                if not _continues(head.text, title.text):
                    break
                title = Title(p, title.end, head.text + title.text, head.offsets + title.offsets)
            return title
        if len(s) <= 40 and not re.search(r"[。，,；;：:]", s):
            prev = [*prev[-3:], (pos + line.find(s), s)]
        else:
            prev = []
    if chrome.file_names:
        pos, name = chrome.file_names[0]
        return _title(pos, name)
    return None


def _compact(start: int, s: str) -> tuple[str, list[int]]:
    """``s`` (at ``start`` in the text) without whitespace, and where each kept character is."""
    keep = [(start + i, c) for i, c in enumerate(s) if not c.isspace()]
    return "".join(c for _, c in keep), [i for i, _ in keep]


def _title(start: int, s: str) -> Title:
    text, offsets = _compact(start, s)
    return Title(start, start + len(s), text, offsets)


def _continues(prev: str, line: str) -> bool:
    """The title line continues the line before it: it starts where a title's tail starts."""
    if re.match(r"附件|第[一二三四五六七八九十]", line) or re.fullmatch(r"附件\s*\d*", prev):
        return False
    if re.match(r"\d{4}\s*年", line):
        return bool(_lex().suffix_end.search(prev))  # the unit alone on the line above a year-first title
    if re.match(r"(?:整体|部门|单位|项目|支出|绩效|自评|评价|报告|资金|专项|预算|决算|的|和|及|[（(])", line):
        return True
    lead = re.match(r"[\u4e00-\u9fff]{1,12}", line)
    if (lead and len(prev) <= 24 and _CJK.search(prev[-1:]) and not _lex().suffix_end.search(prev)
            and _lex().suffix_end.search(lead.group(0)) and re.match(r"\d{4}\s*年", line[lead.end():].lstrip())):
        return True  # "上海市普陀区规划和自然" / "资源局2024年度部门决算": the unit's name broken by the line
    # the unit (or year and unit) on the line before, the rest of the title on this one
    return bool(re.search(r"\d{4}\s*年度?$", prev)) or bool(_lex().suffix_end.search(prev))


def _name_in_title(title: str) -> tuple[int, str] | None:
    """The unit named in a title: the longest leading name that ends like a unit and is followed by
    what titles say next (a year, 部门整体支出 …)."""
    lx = _lex()
    m = re.match(r"\s*(?:附件\s*\d+\s*[：:、.．]?\s*)?(?:关于)?\s*(?:[（(]?(?:19|20)\d{2}\s*年?度?[)）]?)?\s*", title)
    start = m.end() if m else 0
    best = None
    for sm in lx.suffix.finditer(title, start):
        end = sm.end()
        rest = title[end:]
        noise = re.match(r"(?:[（(](?:本级|本局|本部|机关)[)）]|本级|机关本级)?\s*", rest)
        if lx.title_tail.match(rest, noise.end()) and end - start >= 3:
            best = (start, title[start:end])
    if best is None:
        # "样板镇2023年…": a town or township as the unit
        pm = re.match(r"([\u4e00-\u9fff]{2,12}?(?:镇|乡|街道|苏木))(?=\s*(?:人民政府)?\s*(?:19|20)\d{2}|\s*(?:部门|整体))",
                      title[start:])
        if pm:
            best = (start, pm.group(1))
    return best


# ------------------------------------------------------------------------------------ candidates

_TEMPLATE_NAME = re.compile(r"[XxＸｘ×]{2,}|某某|[＊*]{2,}")


def clean_name(raw: str) -> str | None:
    """A unit name without noise: spaces, code prefixes, 本级/盖章 marks, bracketed aliases and
    file extensions; None when what is left does not end like a unit."""
    lx = _lex()
    s = re.sub(r"\s+", "", raw)
    s = re.sub(r"\.(?:pdf|docx?|xlsx?|wps|et|ofd|txt)$", "", s, flags=re.I)
    s = lx.prefix_noise.sub("", s)
    s = re.sub(r"[（(](?:以下简称|简称|下称|挂|加挂|合署)[^）)]*[)）]$", "", s)
    s = lx.suffix_noise.sub("", s)
    s = re.sub(r"[（(][^（()）]*[)）]$", "", s)   # an alias in brackets: "示例县档案馆（示例县档案局）"
    s = lx.suffix_noise.sub("", s)
    s = s.strip("：:|｜·•-—_、，,。 ")
    if len(s) < 3 or not _CJK.search(s) or re.search(r"\d{3,}", s):
        return None
    if lx.suffix_end.search(s) or (lx.place_end.search(s) and _PLACE.search(s[:-1])):
        return s
    return None


def candidates(ctx: Context, chrome: Chrome, title: Title | None) -> list[IdentityCandidate]:
    """Every place the unit may name itself, cleaned, in document order within each source."""
    text = ctx.text
    lx = _lex()
    out: list[IdentityCandidate] = []

    def add(source: str, start: int, raw: str) -> None:
        if lx.request.search(_clause_before(text, start)) or lx.request.search(raw):
            return  # "根据示例县财政局关于…的通知": the body that asks for the report
        name = clean_name(raw)
        if name:
            i = raw.find(name[:2]) if name[:2] in raw else 0
            out.append(IdentityCandidate(source=source, name=name, evidence=[ctx.span(start + i, start + len(raw))]))

    if title:
        got = _name_in_title(title.text)
        if got:
            a, name = got
            add("title", title.offsets[a], text[title.offsets[a]:title.offsets[a + len(name) - 1] + 1])
        # the unit alone on a line just above the title
        before = text[:title.start].rstrip().rsplit("\n", 1)[-1].strip()
        if before and not chrome.covers(title.start - 2):
            add("name_line", text.rfind(before, 0, title.start), before)
    head = text[:2500]
    for role, rx in lx.fields.items():
        for m in rx.finditer(head):
            value_start, value = _field_value(text, m.end())
            if value:
                add(role, value_start, value)
    for f in chrome.fields:
        if f.role == "publisher":
            add("publisher", f.value_start, f.value)
    for pos, seg in chrome.breadcrumbs:
        add("breadcrumb", pos, seg)
    for pos, name in chrome.file_names:
        got = _name_in_title(name)
        if got:
            add("file_name", pos + got[0], got[1])
    _opening(ctx, chrome, title, add)
    _seal(ctx, add)
    return out


def _clause_before(text: str, pos: int) -> str:
    a = max(text.rfind(c, 0, pos) for c in "。\n；，,") + 1
    return text[a:pos]


def _field_value(text: str, pos: int) -> tuple[int, str]:
    """The value after a field key: the rest of the cell on the same line, else the next non-empty
    line (a table flattened one cell per line)."""
    eol = text.find("\n", pos)
    eol = len(text) if eol < 0 else eol
    seg = text[pos:eol]
    cut = re.search(r"\t|[|｜]|\s{2,}|[，。；]", seg)
    value = seg[: cut.start()] if cut else seg
    if " " in value.strip():
        # "主管部门 示例县教育局 实施单位 示例县第一中学": cells on one line with single spaces
        acc = ""
        for part in value.strip().split(" "):
            acc += part
            if clean_name(acc):
                value = value[: value.find(part, len(value) - len(value.lstrip())) + len(part)]
                break
    if value.strip(" （()）盖章公签"):
        return pos + len(value) - len(value.lstrip()), value.strip()
    if seg.strip(" \t|｜（()）盖章公签"):
        # "单位名称：（盖章）　示例县水利局" or "| 单位名称 | | 示例县水利局 |"
        for part in re.finditer(r"[^\t|｜\s]+", seg):
            if part.group().strip("（()）盖章公签"):
                return pos + part.start(), part.group()
        return pos, ""
    nxt = eol + 1
    for _ in range(3):
        if nxt >= len(text):
            break
        e = text.find("\n", nxt)
        e = len(text) if e < 0 else e
        line = text[nxt:e].strip(" \t|｜")
        if line:
            if len(line) <= 40:
                return text.find(line, nxt), line
            break
        nxt = e + 1
    return pos, ""


def _opening(ctx: Context, chrome: Chrome, title: Title | None, add) -> None:
    """Names in the first sentences of the body ("现将2023年示例县水利局项目…自评报告如下",
    "示例县水利局成立于…"): the first name there that carries a place."""
    lx = _lex()
    text = ctx.text
    start = title.end if title else 0
    seen = 0
    for pos, line in lines(text[start:start + 1500]):
        if not line.strip() or chrome.covers(start + pos):
            continue
        seen += 1
        if seen > 4:
            break
        for sm in lx.suffix.finditer(line):
            m = _OPENING_NAME.search(line, 0, sm.end())
            if not m:
                continue
            name = _OPENING_LEAD.sub("", m.group(1))
            follows = lx.title_tail.match(line, sm.end()) or _OPENING_NEXT.match(line, sm.end())
            if _PLACE.search(name[:-1]) and follows:
                add("opening", start + pos + sm.end() - len(name), name)
                return


_OPENING_NAME = re.compile(r"(?:^|[，,。；;：:、\s“”\"（(]|现将|我们|本|对|为|\d{4}\s*年度?)((?:中共|中国共产党)?[\u4e00-\u9fff]{2,30})$")
_OPENING_LEAD = re.compile(r"^(?:\d{4}年度?|年度|现将|关于|对|本|我)")
_OPENING_NEXT = re.compile(r"\s*(?:成立|始建|位于|是|为|下设|内设|设有|承担|负责|主要|共有|现有|坚持|围绕|[，,])")


def _seal(ctx: Context, add) -> None:
    """A signature at the end: the unit on a line of its own (maybe with （盖章）) by a date line."""
    text = ctx.text
    tail = max(0, len(text) - 400)
    for m in _SEAL_DATE_LINE.finditer(text, tail):
        before = text[:m.start()].rstrip()
        line = before.rsplit("\n", 1)[-1].strip()
        if line and len(line) <= 40:
            add("seal", before.rfind(line), line)


def choose_unit(ctx: Context, cands: list[IdentityCandidate], kind: str | None) -> IdentityCandidate | None:
    """The candidate of the first source in the precedence of the report kind; a longer form of
    the same name from any source (with its place) completes a short one."""
    lx = _lex()
    order = lx.precedence.get(kind or "", lx.precedence["default"])
    chosen = None
    for source in order:
        got = [c for c in cands if c.source == source]
        if got:
            chosen = got[0]
            break
    if chosen is None:
        return None
    for c in cands:
        if c.name != chosen.name and c.name.endswith(chosen.name) and _PLACE.search(c.name[: -len(chosen.name)]):
            return c
    return chosen


# ------------------------------------------------------------------------------------------ unit

def unit_name(ctx: Context, chosen: IdentityCandidate | None, year: int | None = None) -> Fact | None:
    """The unit's official name: the chosen candidate, completed with the city the report writes
    before it (青云谱区司法局 → 南昌市青云谱区司法局) or that the gazetteer knows for a district."""
    if chosen is None:
        return None
    text = ctx.text
    name, evidence = chosen.name, list(chosen.evidence)
    parts = _NAME_DIVISIONS.match(name)
    if parts.group("province") and (parts.group("city") or parts.group("county")):
        name, evidence = _below_the_province(ctx, name, parts, evidence)
    elif not parts.group("city") and not parts.group("province"):
        loc = gazetteer.locate(name, year)
        known_city = None
        if loc.get("county") and name.startswith(loc["county"]):
            known_city = gazetteer.parent_city_of(loc["county"], year)
        prefixes: Counter[str] = Counter()
        for m in re.finditer(r"((?:(?!省)[\u4e00-\u9fff]){2,4}?(?:市|州|盟|地区))" + re.escape(name), text):
            city = m.group(1)
            if known_city and not city.endswith(known_city):
                continue
            prefixes[city] += 1
        if prefixes:
            city = known_city or prefixes.most_common(1)[0][0]
            full = city + name
            i = text.find(full)
            if i >= 0:
                name, evidence = full, [ctx.span(i, i + len(full))]
        elif known_city and loc["county"].endswith("区") and known_city != loc.get("province"):
            name = known_city + name  # a district unit takes its city's name (variety.md §2)
    name = gazetteer.expand_name(name, year)
    return Fact(key="unit_name", value=name, evidence=evidence)


def _below_the_province(ctx: Context, name: str, parts: re.Match[str], evidence: list) -> tuple[str, list]:
    """A unit below the province named with its province before it (a cover's “河南省泓州市伊源县水利局”): the name as
    the text calls it without the province — without the city too where the text names a county's unit so on its
    own more often than with its city (a district's unit keeps its city, :func:`unit_name`). Kept whole when the
    text does not name the unit so at least twice."""
    forms = [name[parts.end("province"):]]
    county = parts.group("county")
    if parts.group("city") and county and not county.endswith("区"):
        forms.append(name[parts.start("county"):])
    best: list[int] = []
    for form in forms:
        found = _standing_alone(ctx.text, form)
        if len(found) > len(best):
            best, name = found, form
    if len(best) < 2:
        return parts.string, evidence
    return name, [ctx.span(best[0], best[0] + len(name))]


def _standing_alone(text: str, form: str) -> list[int]:
    """Where ``form`` stands in ``text`` not as the tail of a longer name (after punctuation, a line start or a space)."""
    return [m.start() for m in re.finditer(re.escape(form), text)
            if not text[max(0, m.start() - 1):m.start()].strip("，。；：、（）“”\n 　")]


_NAME_DIVISIONS = re.compile(r"^(?:中共|中国共产党|共青团)?(?P<province>[\u4e00-\u9fff]{2,3}(?:省|自治区))?"
                             r"(?P<city>[\u4e00-\u9fff]{2,10}?自治州|[\u4e00-\u9fff]{2,4}?(?:市|州|盟|地区))?"
                             r"(?P<county>[\u4e00-\u9fff]{1,8}?自治(?:县|旗)|[\u4e00-\u9fff]{1,4}?(?:区|县|旗|市))?")
# "湖南省财政厅", "位于广东省西部": a province the text places the unit in (or its finance department in)
_PROVINCE_MENTION = re.compile(r"(?:(?<=位于)|(?<=地处)|(?=[\u4e00-\u9fff]{2}省(?:财政厅|人民政府|委|司法厅|政府|级|厅)))"
                               r"([\u4e00-\u9fff]{2})省")


def _province_before(text: str, places: list[str], year: int | None) -> tuple[re.Match[str], re.Match[str] | None] | None:
    """A province written just before the unit's own city or county, perhaps with the city between ("是河北省鸣琴市人民政府
    办公室管理的…", "福建省鹭屿市蓝岙县卫生健康局所属"): the match of the province (group 1 its name without 省, as
    :data:`_PROVINCE_MENTION` gives it) and of the city between (or None); None when the text has no such place."""
    for place in places:
        for m in re.finditer(re.escape(place), text):
            lead = max(0, m.start() - 12)
            for start in range(lead, m.start() - 2):
                got = _PROVINCE_LEAD.fullmatch(text, start, m.start())
                if got and gazetteer.locate(got.group(1) + "省", year).get("province") == got.group(1) + "省":
                    city = _WORD.match(text, got.start("city"), got.end("city")) if got.group("city") else None
                    return _PROVINCE_NAME.match(text, start, got.end(1) + 1), city
    for place in places:  # "桐溪县隶属湖南省湘岭市": the seat written after the place
        for m in re.finditer(re.escape(place) + _SEAT_WORD + _PROVINCE_LEAD.pattern, text):
            if gazetteer.locate(m.group(1) + "省", year).get("province") == m.group(1) + "省":
                city = _WORD.match(text, m.start("city"), m.end("city")) if m.group("city") else None
                return _PROVINCE_NAME.match(text, m.start(1), m.end(1) + 1), city
    return None


_SEAT_WORD = r"(?:隶属于?|属于|地处|位于)"  # then the province and city as _PROVINCE_LEAD reads them


def _only_province(text: str, year: int | None) -> re.Match[str] | None:
    """The one province the text names as the seat of a body (“是甘肃省气象部门和岑川县人民政府双重领导的…”), when it
    names only one so: its first mention (group 1 its name without 省); None when it names none or several."""
    found: dict[str, re.Match[str]] = {}
    for m in _SHENG.finditer(text):
        for n in (3, 2):  # 黑龙江省, 甘肃省
            name = text[max(0, m.start() - n):m.end()]
            if len(name) == n + 1 and gazetteer.locate(name, year).get("province") == name:
                if name not in found and _PROVINCE_BODY.match(text, m.end()):
                    found[name] = _PROVINCE_SHORT.match(text, m.start() - n)
                break
        if len(found) > 1:
            return None
    return next(iter(found.values()), None)


_SHENG = re.compile("省")
# a body of the province the unit belongs to (甘肃省气象部门, 云南省民族宗教委员会), not a thing of it (浙江省的企业)
_PROVINCE_BODY = re.compile(r"[^\W的]{0,6}?(?:部门|系统|厅|局|委员会|委|办公室|人民政府|政府)")
_PROVINCE_SHORT = re.compile(r"(\w{2,3}?)省")
_PROVINCE_LEAD = re.compile(r"(\w{2,3})省(?P<city>\w{2,5}?(?:市|自治州|州|地区|盟))?")
_PROVINCE_NAME = re.compile(r"(\w+)省")
_WORD = re.compile(r"\w+")


def _as_the_text_seats(ctx: Context, loc: dict[str, str], evidence: list, year: int | None) -> tuple[dict, list]:
    """A county the gazetteer places in one province that the text seats, in so many words, in another (“位于河南省
    嵩阳市柳河县杏岭镇” where the gazetteer's 柳河县 is Jilin's; a name used twice, or one newer than its data): the
    text's province and city."""
    before = _province_before(ctx.text, [loc["county"]], year)
    if before is None or before[0].group(1) + "省" == loc["province"]:
        return loc, evidence
    province, city = before
    seat = {"province": province.group(1) + "省", "county": loc["county"]}
    if city:
        seat["city"] = city.group()
    return seat, [ctx.span(province.start(), (city or province).end())]


def divisions(ctx: Context, name_fact: Fact | None, cands: list[IdentityCandidate],
              year: int | None = None) -> list[Fact]:
    """Province, city and county of the unit: from the gazetteer, else from the name's own
    structure (a division created after the gazetteer's data), else — for a name without any
    place (县水利局, 我局) — from the other candidates and the finance body that asked for the report."""
    loc: dict[str, str] = {}
    evidence = name_fact.evidence if name_fact else []
    if name_fact:
        loc = {k: v for k, v in gazetteer.locate(name_fact.value, year).items() if v}
        m = _NAME_DIVISIONS.match(name_fact.value)
        if loc.get("city") and "county" not in loc and m and m.group("city") == loc["city"] and m.group("county") \
                and len(name_fact.value) - m.end() >= 2 and not gazetteer.is_county_name(m.group("county")):
            # a county of a known city that the gazetteer knows nowhere (created after its data); a county it knows
            # elsewhere (长沙市矿区…: 矿区 is 阳泉's) contradicts the city and stays out
            loc["county"] = m.group("county")
        if set(loc) == {"province"} and m and m.group("province") == loc["province"] and m.group("city") \
                and len(name_fact.value) - m.end() >= 2 and not gazetteer.locate(m.group("city"), year):
            # a province the gazetteer knows, then a city and county it does not (newer, or invented): as the name says
            loc.update({k: v for k, v in m.groupdict().items() if v and k != "province"})
        if not loc:
            m = _NAME_DIVISIONS.match(name_fact.value)
            rest = name_fact.value[m.end():] if m else ""
            if m and m.end() and len(rest) >= 2 and (m.group("city") or m.group("county") or m.group("province")):
                loc = {k: v for k, v in m.groupdict().items() if v}
    if not loc and (name_fact is None or not _PLACE.search(name_fact.value[:-1])):
        for c in cands:
            got = {k: v for k, v in gazetteer.locate(c.name, year).items() if v}
            if got:
                loc, evidence = got, c.evidence
                break
    if loc.get("province") and loc.get("county") and name_fact:
        loc, evidence = _as_the_text_seats(ctx, loc, evidence, year)
    facts = [Fact(key=k, value=v, evidence=evidence) for k, v in loc.items()]
    if loc and "province" not in loc:
        before = _province_before(ctx.text, [loc[k] for k in ("city", "county") if loc.get(k)], year)
        if before and before[1] and "city" not in loc:
            city = before[1]
            facts.append(Fact(key="city", value=city.group(), evidence=[ctx.span(city.start(), city.end())]))
        found = before[0] if before else _PROVINCE_MENTION.search(ctx.text) or _only_province(ctx.text, year)
        if found:
            facts.append(Fact(key="province", value=found.group(1) + "省",
                              evidence=[ctx.span(found.start(), found.end())]))
    return facts


# ------------------------------------------------------------------------------ kind, date, year

def report_kind(ctx: Context, title: Title | None) -> Fact | None:
    """The report kind from the title's signals (data/report_kinds.yaml), else from the body."""
    lx = _lex()
    if title:
        for kind in lx.kinds:
            m = kind["_title"].search(title.text)
            if not m or (kind["_unless"] and kind["_unless"].search(title.text)):
                continue
            if kind["_also"] and not kind["_also"].search(title.text):
                if not (kind["kind"] == "project_self_evaluation" and re.search("决算", title.text)
                        and re.search("自评", ctx.text)):
                    continue
            a = title.offsets[m.start()]
            return Fact(key="report_kind", value=kind["kind"], evidence=[ctx.span(a, title.offsets[m.end() - 1] + 1)])
    for kind in lx.body_kinds:
        m = kind["_body"].search(ctx.text)
        if m:
            return Fact(key="report_kind", value=kind["kind"], evidence=[ctx.span(m.start(), m.end())])
    return None


def report_date(ctx: Context, chrome: Chrome) -> Fact | None:
    """报告日期/填报日期, else a date line near the end (a signature); never 发布日期/成文日期."""
    text = ctx.text
    tail = max(3000, len(text) - 1500)  # a cover date stands on the cover or by the signature
    m = next((m for m in (*_COVER_DATE.finditer(text, 0, 3000), *_COVER_DATE.finditer(text, tail))
              if _cover_field(text, m) and not chrome.covers(m.start())), None)
    if not m:
        tail_start = max(0, len(ctx.text) - 400)
        ms = [m for m in _DATE_LINE.finditer(ctx.text, tail_start) if not chrome.covers(m.start())]
        m = ms[-1] if ms else None
    if not m:
        return None
    try:
        d = date(_date_part(m.group("y")), _date_part(m.group("m")), _date_part(m.group("d")))
    except (ValueError, KeyError):
        return None
    return Fact(key="report_date", value=d.isoformat(), evidence=[ctx.span(m.start(), m.end())])


def _cover_field(text: str, m: re.Match[str]) -> bool:
    """报告日期/填报时间 … or a bare 日期: at the start of a line or cell (not 发布日期, 成文日期)."""
    if m.group("pre"):
        return m.start() == 0 or text[m.start() - 1] in " \t\n|｜"
    line_start = text.rfind("\n", 0, m.start()) + 1
    return not text[line_start:m.start()].strip(" \t|｜")


def _date_part(s: str) -> int:
    """A year, month or day written in digits or Chinese (二〇二一, 四, 二十)."""
    if s.isdigit():
        return int(s)
    if len(s) == 4:  # 二〇二一: digit by digit
        return int("".join(str("〇一二三四五六七八九".index(c.replace("零", "〇"))) for c in s))
    return int(cn_numeral(s))


def fiscal_year(ctx: Context, title: Title | None, chrome: Chrome, date_fact: Fact | None) -> Fact | None:
    """The year evaluated: the title's year; a "（2023年度）" line under it; a 评价年度 field; else the
    year the body names most (never a year of metadata, a document number 〔2024〕, a date, or a
    notice "关于做好2024年…的通知")."""
    text = ctx.text
    lx = _lex()
    if title:
        m = _YEAR.search(title.text)
        if m:
            a = title.offsets[m.start()]
            return Fact(key="fiscal_year", value=int(m.group(1)), evidence=[ctx.span(a, a + 4)])
        after = text[title.end:title.end + 60].lstrip()
        m = re.match(r"[（(]\s*((?:19|20)\d{2})\s*年度?\s*[)）]", after)
        if m:
            a = text.find(m.group(0), title.end)
            return Fact(key="fiscal_year", value=int(m.group(1)), evidence=[ctx.span(a, a + len(m.group(0)))])
    for m in lx.year_fields.finditer(text):
        if not chrome.covers(m.start()):
            return Fact(key="fiscal_year", value=int(m.group(1)), evidence=[ctx.span(m.start(), m.end())])
    limit = int(date_fact.value[:4]) if date_fact else 9999
    skip = date_fact.evidence[0] if date_fact else None
    years: Counter[int] = Counter()
    first: dict[int, re.Match[str]] = {}
    notices = [(n.start(), n.end()) for n in re.finditer(r"《[^》]{0,80}》|关于[^，。；\n]{0,50}?通知", text)]
    for m in _YEAR.finditer(text):
        if skip and skip.start <= m.start() < skip.end:
            continue
        if text[max(0, m.start() - 1)] in "[〔［(（" and re.match(r"\d{4}\s*[\]〕］)）]", text[m.start():m.start() + 6]):
            continue  # a document number such as 天政办发[2018]8号
        if chrome.covers(m.start()) or any(a <= m.start() < b for a, b in notices):
            continue
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


_SUBJECT_TAIL = re.compile(r"(?:支出)?(?:整体)?(?:绩效)?(?:的)?(?:自评价?|评价)(?:自评)?(?:报告|表|情况|总结|结果)?.*$")
_SUBJECT_HEAD = re.compile(r"^(?:[\u4e00-\u9fff]{2,10}?(?:省|自治区|市|州|盟|地区|县|区|旗)(?=\s*(?:本级|[（(]?(?:19|20)\d{2})))?"
                           r"(?:本级|[（(]本级[)）])?(?:关于)?\s*[（(]?(?:19|20)\d{2}\s*年?度?[)）]?(?:度)?")


def title_subject(title: Title | None, unit: str | None) -> str | None:
    """What a 项目自评报告's title evaluates ("…卫生院2020年基本公共卫生服务项目绩效自评报告" →
    基本公共卫生服务项目): the title without unit, place, year and the report words."""
    if title is None:
        return None
    t = re.sub(r"^(?:附件\s*\d+\s*[：:、.．]?|关于)", "", title.text)
    got = _name_in_title(t)
    if got:
        t = t[got[0] + len(got[1]):]
    elif unit and unit in t:
        t = t[t.index(unit) + len(unit):]
    t = _SUBJECT_HEAD.sub("", t)
    t = _SUBJECT_TAIL.sub("", t).strip("的之“”\"")
    place = re.match(r"^[\u4e00-\u9fff]{2,6}?(?:省|自治区|市|州|县|区|旗)", t)
    if place and len(t) - place.end() >= 4 and gazetteer.locate(place.group(0)):
        t = t[place.end():]  # "2023年度凤凰县农村公路养护专项资金": the place is not the project
    if len(t) < 3 or not re.search(r"项目|资金|经费|专项|补助|补贴|奖补|工程|费|金$|计划|服务", t):
        return None
    return t


def identity_facts(ctx: Context) -> tuple[list[Fact], list[IdentityCandidate]]:
    """The identity facts of a report and the unit-name candidates they were chosen from."""
    chrome = find_chrome(ctx.text)
    title = find_title(ctx.text, chrome)
    facts: list[Fact] = []
    kind = report_kind(ctx, title)
    cands = candidates(ctx, chrome, title)
    d = report_date(ctx, chrome)
    y = fiscal_year(ctx, title, chrome, d)
    year = y.value if y else None  # place names in force in the report's year
    chosen = choose_unit(ctx, cands, kind.value if kind else None)
    if chosen is not None and _TEMPLATE_NAME.search(chosen.name):
        chosen = None  # a template's "上海市XX局", "某某县司法局" names no unit (its places still tell where)
    name = unit_name(ctx, chosen, year)
    if name:
        facts.append(name)
    facts.extend(divisions(ctx, name, cands, year))
    if d:
        facts.append(d)
    if y:
        facts.append(y)
    if kind:
        facts.append(kind)
    ctx.kind = kind.value if kind else None
    ctx.year = int(y.value) if y else None
    ctx.unit = name.value if name else None
    ctx.subject = title_subject(title, name.value if name else None) if kind and kind.value == "project_self_evaluation" else None
    return facts, cands
