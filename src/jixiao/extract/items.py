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
from functools import lru_cache

from jixiao.extract.context import Context
from jixiao.extract.facts import _lex as _fact_lex
from jixiao.extract.lexicon import load_yaml
from jixiao.model import ProjectItem

_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+是|其中[：:]?|另外[，,]?|此外|另|[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]|\s)+")
_TRAIL = re.compile(r"(?:共|合计|总计|为|是|达|了|计|的|：|:|\s)+$")
_ITEM_BREAK = re.compile(r"[，,。；;、\n]")


@lru_cache(maxsize=1)
def _lex():
    lx = load_yaml("items.yaml")
    roles = [(r["role"], re.compile(r"(?:" + r["words"] + r")(?:为|共|达|了)?\s*$")) for r in lx["roles"]]
    return roles, re.compile(lx["name_suffix"]), set(lx["sections"])


def _strip_parens(s: str) -> str:
    return re.sub(r"[（(][^（()）]*[)）]", "", s)


def _clause_start(ctx: Context, pos: int, floor: int) -> int:
    """Like Context.clause_start, but a boundary inside （…） does not count."""
    i = pos - 1
    depth = 0
    while i >= floor:
        c = ctx.text[i]
        if c in "）)":
            depth += 1
        elif c in "（(":
            depth = max(0, depth - 1)
        elif depth == 0 and _ITEM_BREAK.match(c):
            return i + 1
        i -= 1
    return floor


def extract_items(ctx: Context) -> list[ProjectItem]:
    roles, name_suffix, item_sections = _lex()
    fact_money = [f["_re"] for f in _fact_lex()[1]]
    items: list[ProjectItem] = []
    explicit: dict[int, set[str]] = {}
    current: ProjectItem | None = None
    current_sentence = -1
    for qi, q in enumerate(ctx.quantities):
        if q.kind != "money" or qi in ctx.consumed:
            continue
        keys = ctx.index.keys(q.start)
        if not item_sections.intersection(keys):
            continue
        in_list = "project_expenditure" in keys
        sentence = ctx.sentence_start(q.start)
        if sentence != current_sentence:
            current, current_sentence = None, sentence
        cs = max(_clause_start(ctx, q.num_start, sentence), ctx.prev_quantity_end(qi))
        raw = ctx.text[cs:q.num_start]
        words = _strip_parens(raw)
        role = "plain"
        role_at = len(words)
        for r, rx in roles:
            m = rx.search(words)
            if m:
                role, role_at = r, m.start()
                break
        name = _TRAIL.sub("", _ENUM.sub("", words[:role_at])).strip()
        if any(rx.fullmatch(name) for rx in fact_money):
            continue  # a total such as 项目支出, read as a fact
        if len(name) >= 2:
            if len(name) > 30 or (not in_list and role in ("plain",) and not name_suffix.search(name)):
                continue
            if q.approx:
                continue
            current = _find_or_add(items, name)
        elif current is None:
            # "一是公共法律服务工作经费，上年结余结转0.16万元，年初预算资金71.00万元": the name
            # stands alone in the clause before
            lead = _TRAIL.sub("", _ENUM.sub("", _strip_parens(ctx.text[sentence:cs]))).strip("，,：: ")
            if not (2 <= len(lead) <= 30) or re.search(r"\d|[，,]", lead) or not name_suffix.search(lead):
                continue
            current = _find_or_add(items, lead)
        if role == "carryover_start":
            ctx.consumed.add(qi)
            continue
        _set_amount(current, explicit.setdefault(id(current), set()), role, q.value, in_list)
        name_start = cs + (len(raw) - len(raw.lstrip()))
        current.evidence.append(ctx.span(name_start if len(name) >= 2 else cs, q.end))
        ctx.consumed.add(qi)
    return [it for it in items if any(v is not None for v in (it.budget, it.actual, it.adjustment))]


def _find_or_add(items: list[ProjectItem], name: str) -> ProjectItem:
    for it in items:
        if it.name == name or (min(len(it.name), len(name)) >= 4 and (it.name.startswith(name) or name.startswith(it.name))):
            return it
    it = ProjectItem(name=name)
    items.append(it)
    return it


def _set_amount(it: ProjectItem, explicit: set[str], role: str, value: Decimal, spent_section: bool) -> None:
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
