"""Project items (项目/专项) from the sections that list them.

A clause that starts with a name opens an item ("一是业务工作经费支出670.74万元",
"三是智慧矫正建设年初预算67.2万元"); the clauses that follow without a name add amounts to it
("，年中执行调减62.92万元，实际支出4.28万元"). The role of each amount comes from the words
before it (data/items.yaml). The same project named twice (e.g. in 项目支出 and again in
专项资金绩效) is merged; an explicitly qualified amount (实际支出) wins over an implicit one.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from jixiao.extract.context import ITEM_BOUNDARY, Context
from jixiao.extract.facts import money_fact_patterns
from jixiao.lexicon import data_cache, load_yaml, vocab_pattern
from jixiao.model import ProjectItem


class ItemWords(NamedTuple):
    """data/items.yaml (and the shared link words) compiled."""

    roles: list[tuple[str, re.Pattern[str]]]
    name_suffix: re.Pattern[str]
    sections: set[str]
    lead: re.Pattern[str]    # numbering and words before a name ("三是", "其中：", "全年")
    trail: re.Pattern[str]   # link words between a name and its amount ("共", "为", "：")
    reason: re.Pattern[str]
    no_adjustment: re.Pattern[str]
    intro: re.Pattern[str]    # "项目支出包括：": a list of projects follows
    acts: list[tuple[str, re.Pattern[str]]]  # "预拨人民调解以奖代补经费": a role verb, then the project named
    not_project: re.Pattern[str]  # a source of funds ("区级配套资金"), not a project
    generic: re.Pattern[str]  # "项目", "本项目": the project a 项目自评报告 is about


_SPENT = ("actual", "implicit_actual")  # roles that may name the money spent ("实际发放扶助资金…")


@data_cache
def item_words() -> ItemWords:
    """data/items.yaml compiled (cached per data folder)."""
    lx = load_yaml("items.yaml")
    link = vocab_pattern("link")
    return ItemWords(
        roles=[(r["role"], re.compile(rf"(?:{r['words']})" + (f"(?:{lx['role_object']})?" if r["role"] in _SPENT else "")
                                      + rf"(?:{link})?\s*$")) for r in lx["roles"]],
        name_suffix=re.compile(lx["name_suffix"]),
        sections=set(lx["sections"]),
        lead=re.compile(rf"^(?:[一二三四五六七八九十]+是|{vocab_pattern('breakdown')}[：:]?|{lx['name_lead']}"
                        r"|[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]|\s)+"),
        trail=re.compile(rf"(?:{link}|的|：|:|\s)+$"),
        reason=re.compile(lx["reason"]),
        no_adjustment=re.compile(rf"[，,；;]\s*({lx['no_adjustment']})"),
        intro=re.compile(lx["project_list_intro"]),
        acts=[(role, re.compile(rf"(?:{verbs})(?P<obj>[^，,。；;：:\d]{{2,24}}?{lx['act_object']})(?:{link})?\s*$"))
              for role, verbs in lx["act_verbs"].items()],
        not_project=re.compile(lx["not_project"]),
        generic=re.compile(lx["generic_subject"]),
    )


def list_zones(ctx: Context) -> list[tuple[int, int]]:
    """Stretches of text that list projects after an introduction ("项目支出包括：…"; "主要项目执行
    情况如下：" and the numbered lines below it, to a blank line or the next heading)."""
    heads = sorted(s.start for s in ctx.sections)
    zones = []
    for m in item_words().intro.finditer(ctx.text):
        _, eol = ctx.line_of(m.end())
        end = eol
        if ctx.text[m.end():eol].strip() and not ctx.text[:eol].rstrip().endswith(("。", "；", "！")):
            # the list runs on past a line break (a wrapped line): to the end of its sentence
            stop = ctx.text.find("。", eol)
            blank = ctx.text.find("\n\n", eol)
            end = min(x for x in (stop, blank, len(ctx.text)) if x >= 0)
        elif not ctx.text[m.end():eol].strip():
            nxt = ctx.text.find("\n\n", eol)
            end = len(ctx.text) if nxt < 0 else nxt
            later = [h for h in heads if h > eol]
            if later and later[0] < end:
                end = later[0]
        zones.append((m.end(), end))
    return zones


def strip_parens(s: str) -> str:
    """``s`` without its bracketed asides ("（含追加）")."""
    return re.sub(r"[（(][^（()）]*[)）]", "", s)


def extract_items(ctx: Context, zones_in: list[tuple[int, int]] | None = None,
                  subject: str | None = None) -> list[ProjectItem]:
    """Project items; ``zones_in`` are spans that list projects besides the 项目支出 sections
    (the rest of the paragraph after a "项目支出共N万元" total). ``subject`` is the project a
    项目自评报告 is about: "项目预算…" there means that project."""
    zones = zones_in or []
    lex = item_words()
    roles, name_suffix, item_sections = lex.roles, lex.name_suffix, lex.sections
    fact_money = money_fact_patterns()
    items: list[ProjectItem] = []
    explicit: dict[int, set[str]] = {}
    current: ProjectItem | None = None
    current_line = -1
    for qi, q in enumerate(ctx.quantities):
        if q.kind != "money" or qi in ctx.consumed:
            continue
        keys = ctx.index.keys(q.start)
        in_list = "project_expenditure" in keys or any(a <= q.start < b for a, b in zones)
        in_sections = bool(item_sections.intersection(keys))
        line_start, _ = ctx.line_of(q.start)
        if line_start != current_line:
            current, current_line = None, line_start
        sentence = ctx.sentence_start(q.start)
        cs = max(ctx.clause_start(q.num_start, line_start, ITEM_BOUNDARY), ctx.prev_quantity_end(qi))
        lead_in = None
        for lead_in in lex.intro.finditer(ctx.text, cs, q.num_start):  # noqa: B007 - the last one counts
            pass
        if lead_in:
            cs = lead_in.end()  # "项目支出主要有：会议经费45.00万元": the name starts after the introduction
        raw = ctx.text[cs:q.num_start]
        words = strip_parens(raw)
        role = "plain"
        role_at = len(words)
        named = None
        for r, rx in roles:
            m = rx.search(words)
            if m:
                role, role_at = r, m.start()
                break
        else:
            for r, rx in lex.acts:
                m = rx.search(words)
                if m and not lex.not_project.match(m.group("obj")):
                    role, role_at, named = r, m.start(), m.group("obj")  # "县财政预拨人民调解以奖代补经费6万"
                    break
        name = named or clean_name(words[:role_at], lex)
        explicit_role = role not in ("plain", "implicit_actual")
        if subject and not named and (lex.generic.match(name) or (explicit_role and not name_suffix.search(name)
                                                                   and (current is None or name))):
            name = subject  # "项目预算168.42万元" / "截至年底实际支出…" in a report about one project
        if any(rx.fullmatch(name) for rx in fact_money) or (not named and len(name) >= 2 and lex.not_project.match(name)):
            continue  # a total such as 项目支出, read as a fact; a source's share (一般公共预算财政拨款项目支出)
        if len(name) < 2 and current is not None and role in _SPENT + ("budget", "carryover"):
            # "；丙工程因设计变更，完成支付180.20万元": a project named after the last amount, in a clause
            # of its own, is the one this amount belongs to (not the item before it)
            name = _named_between(ctx.text, max(ctx.prev_quantity_end(qi), line_start), cs, lex) or name
        if len(name) >= 2:
            if q.approx or len(name) > 30:
                continue
            looks_like_project = bool(name_suffix.search(name))
            if not in_list and not (looks_like_project and (in_sections or explicit_role)) and name != subject:
                continue
            current = _find_or_add(items, name)
        elif current is None:
            # "一是公共法律服务工作经费，上年结余结转0.16万元" or "1、X经费。年初预算120.00万元":
            # the name stands alone before, in the same sentence or at the head of the line
            current = _lead_item(ctx, items, lex, sentence, cs, line_start, in_sections or explicit_role, in_list)
            if current is None:
                continue
        if role == "carryover_start":
            ctx.consumed.add(qi)
            continue
        _set_amount(current, explicit.setdefault(id(current), set()), role, q.value, in_list)
        # review reads the statements back from these spans (name … amount): review/input.py
        name_start = cs + (len(raw) - len(raw.lstrip()))
        current.evidence.append(ctx.span(name_start, q.end))
        ctx.consumed.add(qi)
        _unchanged_adjustment(ctx, current, explicit[id(current)], q.end, lex)
    return [it for it in items if any(v is not None for v in (it.budget, it.actual, it.adjustment))]


def clean_name(words: str, lex: ItemWords) -> str:
    """The item name in the words before an amount: numbering, lead and link words removed; "" when
    the words give a reason rather than a name."""
    name = lex.trail.sub("", lex.lead.sub("", words)).strip()
    if lex.reason.search(name):
        return ""  # "年中因平台提质改造追加18.60万元": a reason, not a name
    return name



_REASON_START = re.compile(r"(?:因|由于|受)")


def _named_between(text: str, a: int, b: int, lex: ItemWords) -> str:
    """The project named by a clause between ``a`` and ``b`` with no amount of its own, before its
    reason ("丙镇中心小学食堂改造工程因设计变更"), or ""."""
    clauses = [c for c in ITEM_BOUNDARY.split(text[a:b]) if c.strip()]
    if not clauses:
        return ""
    clause = strip_parens(clauses[-1]).strip()
    cut = _REASON_START.search(clause, 4)
    name = clean_name(clause[:cut.start()] if cut else clause, lex)
    if 4 <= len(name) <= 30 and not re.search(r"\d", name) and lex.name_suffix.search(name):
        return name
    return ""


def _lead_item(ctx: Context, items: list[ProjectItem], lex: ItemWords, sentence: int,
               cs: int, line_start: int, allowed: bool, listed: bool = False) -> ProjectItem | None:
    """The item a line or sentence names before its amounts. Its name must look like a project's (name_suffix),
    except at the head of a numbered line of a list of projects ("3.高中部教学设备购置，年初预算…")."""
    if not allowed:
        return None
    numbered = listed and bool(_NUMBERED_LINE.match(ctx.text, line_start))
    for a, b in ((sentence, cs), (line_start, ctx.sentence_end(line_start) + 1)):
        if a >= b:
            continue
        lead = clean_name(strip_parens(ctx.text[a:b]).strip("，,：:。 "), lex)
        if 2 <= len(lead) <= 30 and not re.search(r"\d|[，,。]", lead) \
                and (lex.name_suffix.search(lead) or numbered and len(lead) >= 4 and not lex.not_project.match(lead)):
            return _find_or_add(items, lead)
    return None


_NUMBERED_LINE = re.compile(r"[ \t]*(?:\d{1,2}[.、．]|[（(][\d一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、是])")


def _unchanged_adjustment(ctx: Context, item: ProjectItem, explicit: set[str], after: int, lex: ItemWords) -> None:
    """"年中未作调整" right after an amount states an adjustment of 0."""
    m = lex.no_adjustment.match(ctx.text, after)
    if m and "adjustment" not in explicit:
        item.adjustment = Decimal(0)
        explicit.add("adjustment")
        item.evidence.append(ctx.span(m.start() + m.group(0).index(m.group(1)), m.end()))


def same_project(a: str, b: str) -> bool:
    """Two names of one project: equal, one the start of the other ("法律援助经费" / "法律援助经费（中央）"), or
    one the other without its place ("民族中学运动场改造工程" / "连南县民族中学运动场改造工程")."""
    if a == b:
        return True
    short = min(len(a), len(b))
    return (short >= 4 and (a.startswith(b) or b.startswith(a))) or (short >= 6 and (a.endswith(b) or b.endswith(a)))


def _find_or_add(items: list[ProjectItem], name: str) -> ProjectItem:
    for it in items:
        if same_project(it.name, name):
            return it
    it = ProjectItem(name=name)
    items.append(it)
    return it


def _set_amount(it: ProjectItem, explicit: set[str], role: str, value: Decimal, spent_section: bool) -> None:
    if role == "budget_full":
        # "年初预算120.00万元，年中追加36.00万元，全年预算156.00万元": the full budget is not a second budget;
        # after a 年初预算 it gives the adjustment (unless stated), else it stands for the budget
        if "budget" in explicit and it.budget is not None:
            if "adjustment" not in explicit:
                it.adjustment = value - it.budget
            return
        it.budget = value
        explicit.add("budget_full")
        return
    if role == "budget" and "budget_full" in explicit and it.budget is not None and "adjustment" not in explicit:
        it.adjustment = it.budget - value  # the full budget came first: it was the budget until now
    if role == "budget":
        field, strong = "budget", True
    elif role == "adjustment_down":
        field, strong, value = "adjustment", True, -value
    elif role == "adjustment_up":
        field, strong = "adjustment", True
    elif role == "actual":
        field, strong = "actual", True
    elif role == "carryover":
        field, strong = "carryover", True
    elif role == "implicit_actual":
        field, strong = "actual", False
    else:  # plain: 支出 section → actual, else budget (facts.md)
        field, strong = ("actual" if spent_section else "budget"), False
    if strong:
        setattr(it, field, value)
        explicit.add(field)
    elif field not in explicit and getattr(it, field) is None:
        setattr(it, field, value)


def merge_items(text_items: list[ProjectItem], table_items: list[ProjectItem],
                forms: list[ProjectItem] = ()) -> list[ProjectItem]:
    """Items found in the text, completed by the same projects' rows in tables; a project's own
    自评表 (``forms``) states its figures in named columns, so they replace what the text or a table
    gave for it."""
    out = list(text_items)
    for t in [*table_items, *forms]:
        form = any(t is f for f in forms)
        same = next((it for it in out if same_project(it.name, t.name)), None)
        if same is None:
            out.append(t)
            continue
        for fld in ("budget", "adjustment", "actual") if form else ("budget", "actual"):
            if getattr(t, fld) is not None and (form or getattr(same, fld) is None):
                setattr(same, fld, getattr(t, fld))
        same.evidence.extend(t.evidence)
    return out
