"""Flat facts stated in the body: money lines (万元), funds, staffing, organisation counts and
the self-score. Each value keeps the span it was read from.

Binding rule for money: an amount belongs to the fact keyword that heads its clause — only
"filler" (其中, 本年度, 我局, numbering …) may stand before the keyword — and keywords introduced
by 用于/包括 describe a purpose, not the amount. Section scoping keeps a fund's own 支出 or a
project's 年初预算 from being read as the department's.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from decimal import Decimal
from functools import lru_cache

from jixiao.extract.context import Context
from jixiao.extract.lexicon import load_yaml
from jixiao.extract.numbers import Quantity
from jixiao.extract.outline import TABLE_TITLE
from jixiao.lexicon import vocab
from jixiao.model import Fact

_PURPOSE = re.compile(r"用于|包括|包含|具体包括|主要为|含")
_ITEM_LINE = re.compile(r"[（(][类款项][)）]")


def _another_keyword_after(money: list[dict], window: str, pos: int) -> bool:
    tail = window[pos:]
    for f in money:
        m = f["_re"].search(tail)
        if m and not _PURPOSE.search(tail, 0, m.start()):
            return True
    return False


@lru_cache(maxsize=1)
def _lex():
    lx = load_yaml("facts.yaml")
    money = []
    for f in lx["money"]:
        not_in = frozenset(f.get("not_in", []))
        money.append({**f, "_re": re.compile(f["label"]), "_prio": 0, "_not_in": not_in})
        if f.get("fallback"):
            money.append({**f, "_re": re.compile(f["fallback"]), "_prio": 2, "_not_in": not_in})
    filler = re.compile(r"^" + lx["filler"] + r"$")
    lx["_item_head"] = re.compile(lx["item_head"])
    lx["_item_in_sentence"] = re.compile(lx["item_in_sentence"])
    lx["_change"] = re.compile(lx["change_words"])
    staff = {k: re.compile(v["before"]) for k, v in lx["staff"].items()}
    for k, v in lx["staff"].items():
        if v.get("fallback"):
            staff[k + ":fallback"] = re.compile(v["fallback"])
    lx["_staff_kinds"] = lx["staff_kinds"]
    lx["_scoped"] = re.compile(lx["scoped_tables"], re.M)
    units = {k: (re.compile(v["before"]), re.compile(v["after"] + (f"|(?:{v['listed']})(?=\\W|$)" if v.get("listed") else "")))
             for k, v in lx["units"].items()}
    lx["_listed_by"] = {k: (re.compile(v["listed"]), re.compile(v["listed_by"]))
                        for k, v in lx["units"].items() if v.get("listed")}
    return lx, money, filler, staff, units


def money_fact_patterns() -> list[re.Pattern[str]]:
    """The keyword patterns of the money facts (项目支出, 基本支出 …), in data/facts.yaml order."""
    return [f["_re"] for f in _lex()[1]]


def _fact(ctx: Context, key: str, q: Quantity, label_start: int, value=None) -> Fact:
    return Fact(key=key, value=q.value if value is None else value, decimals=q.decimals,
                evidence=[ctx.span(label_start, q.end)])


def add_fact(found: dict[str, list[tuple[int, Fact]]], key: str, prio: int, fact: Fact) -> None:
    """Record a candidate ``fact`` for ``key`` with priority ``prio`` (0 wins over 1 …)."""
    found.setdefault(key, []).append((prio, fact))


def money_facts(ctx: Context, found: dict) -> None:
    lx, money, filler, _, _ = _lex()
    fund_sections = lx["fund_sections"]
    titles = [(m.start(), bool(lx["_scoped"].match(m.group(0)))) for m in TABLE_TITLE.finditer(ctx.text)
              ] if "决算" in ctx.text else []
    title_starts = [t[0] for t in titles]
    scoped_keys = set(lx.get("scoped_keys", ()))
    for qi, q in enumerate(ctx.quantities):
        if q.kind != "money" or q.approx:
            continue
        keys = ctx.index.keys(q.start)
        fund = next((fund_sections[k] for k in reversed(keys) if k in fund_sections), None)
        cs = max(ctx.clause_start(q.num_start), ctx.prev_quantity_end(qi))
        window = ctx.text[cs:q.num_start]
        if fund:
            # inside a fund's section only the fund's own expenditure is read
            if "支出" in window and not re.search(r"基本支出|项目支出", window):
                add_fact(found, fund, 0, _fact(ctx, fund, q, cs))
                ctx.consumed.add(qi)
            continue
        ss = ctx.sentence_start(q.start)
        if _ITEM_LINE.search(ctx.text, max(0, ss - 80), q.start):
            continue  # about one line of the functional classification ("…（项）。全年预算为…")
        best = None
        for f in money:
            if f["_not_in"] and not f["_not_in"].isdisjoint(keys):
                continue
            if f.get("generic") and ctx.kind == "project_self_evaluation":
                continue  # in a project's self-evaluation, 预算/全年支出 are the project's money
            if ctx.kind in f.get("not_kinds", ()):
                continue
            for m in f["_re"].finditer(window):
                if window[m.end():m.end() + 1] == "中":
                    continue  # "基本支出中人员经费…": the keyword qualifies the next one
                head = window[: m.start()]
                if _PURPOSE.search(head):
                    continue
                if not filler.match(head):
                    continue
                if best is None or m.start() < best[1]:
                    best = (f, m.start(), m.end())
                break
        if best is None:
            continue
        f, start, kw_end = best
        if f["key"] in scoped_keys and titles:
            t = bisect_right(title_starts, q.start) - 1
            if t >= 0 and titles[t][1]:
                continue  # "本年收入合计" of the 财政拨款收入支出决算总表: the appropriation's, not the department's
        if _another_keyword_after(money, window, kw_end):
            continue  # "财政拨款支出年初预算为0万元": the amount is a qualifier of the keyword
        if lx["_change"].search(window, kw_end):
            continue  # "支出决算减少0.15万元": a change, not the figure
        if _of_another_year(ctx, window[:kw_end]):
            continue  # "作为参照，2018年全年支出2287.53万元", "上年支出…": another year's figure
        if f.get("sentence_requires") and not re.search(f["sentence_requires"], ctx.text[ss:cs + start]):
            continue
        if f.get("generic") and (lx["_item_head"].search(ctx.text, ctx.line_of(q.start)[0], q.start)
                                 or lx["_item_in_sentence"].search(ctx.text, ss, cs + start)):
            continue  # a project's budget or spending, in a line or sentence about that project
        prio = f["_prio"] or (0 if any(k in f.get("home", keys) for k in keys) else 1)
        add_fact(found, f["key"], prio, _fact(ctx, f["key"], q, cs + start))
        ctx.consumed.add(qi)


_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*年")


def _of_another_year(ctx: Context, head: str) -> bool:
    """Whether the words before a fact's keyword place it in another period: 上年/去年 …, or a year
    that is not the report's fiscal year."""
    if vocab("other_period").search(head):
        return True
    if ctx.year is None:
        return False
    return any(int(y) != ctx.year for y in _YEAR.findall(head))


def fund_none_facts(ctx: Context, found: dict) -> None:
    """"本单位未安排政府性基金预算支出" / a fund section that says only "无" → 0."""
    lx = _lex()[0]
    none = lx["none_words"]
    by_key = {v: k for k, v in lx["fund_sections"].items()}
    for key, word in lx["fund_keywords"].items():
        if key not in by_key and not (found.get("three_public_total") or found.get("three_public_vehicle")
                                      or found.get("three_public_reception")):
            continue  # "未发生因公出国（境）费用" is read where the report gives its 三公经费
        if key in found:
            continue
        # "未安排政府性基金…" or "政府性基金预算、国有资本经营预算、社会保险基金预算：均未安排"
        m = re.search(rf"(?:{none})[^，。；\n]{{0,40}}?{word}|{word}[^，。；\n]{{0,40}}?(?:{none})", ctx.text)
        if m and not _in_heading(ctx, m.start()) and not _TEMPLATE.search(ctx.text, *ctx.line_of(m.start())):
            add_fact(found, key, 0, Fact(key=key, value=Decimal(0), decimals=0, evidence=[ctx.span(m.start(), m.end())]))
            continue
        for s in ctx.sections:
            if s.key == by_key.get(key):
                body = ctx.text[s.body_start:s.end]
                mm = re.search(rf"^\s*(?:{none})\s*[。.]?\s*$", body)
                if mm:
                    a = s.body_start + len(body) - len(body.lstrip())
                    b = s.body_start + len(body.rstrip())
                    add_fact(found, key, 0, Fact(key=key, value=Decimal(0), decimals=0, evidence=[ctx.span(a, b)]))
                break


_TEMPLATE = re.compile(r"[XxＸｘ×]{2,}|某某")  # a template's sample sentence ("上海市 XX 局本年度没有…") states nothing


def _in_heading(ctx: Context, pos: int) -> bool:
    return any(s.start <= pos < s.body_start for s in ctx.sections)


def staff_facts(ctx: Context, found: dict) -> None:
    _, _, _, staff, units = _lex()
    text = ctx.text
    for qi, q in enumerate(ctx.quantities):
        if q.kind != "count" or q.unit not in ("人", "名", "个", "位") or qi in ctx.consumed or q.approx:
            continue
        cs = max(ctx.clause_start(q.num_start), ctx.prev_quantity_end(qi))
        window = text[cs:q.num_start]
        ss = ctx.sentence_start(q.start)
        for name, rx in staff.items():
            key, _, fallback = name.partition(":")
            if q.unit == "个" and key != "staff_authorized":
                continue
            m = _last_match(rx, window)
            if m is None or len(window) - m.end() > 8 or not _staff_head_ok(text, ss, cs + m.start(), key, ctx.unit):
                continue  # the keyword must stand right before its number ("编制数45人", "编制为行政60人")
            if _in_change_note(text, ss, q.start):
                break  # "比上年增加1人（调入3人、退休1人）": the parts of a change, not head counts
            if key == "staff_authorized":
                total = _authorized_sum(ctx, qi)
                if total:
                    value, end = total
                    add_fact(found, key, 0, Fact(key=key, value=value, decimals=0,
                                                 evidence=[ctx.span(cs + m.start(), end)]))
                    ctx.consumed.add(qi)
                    break
            add_fact(found, key, 2 if fallback else 0, _fact(ctx, key, q, cs + m.start(), int(q.value)))
            ctx.consumed.add(qi)
            break
        else:
            if q.unit == "个":
                _unit_count(ctx, found, qi, window, cs)


def _in_change_note(text: str, sentence_start: int, pos: int) -> bool:
    """``pos`` is inside brackets that explain a change ("增加1人（调入3人、退休1人、调出1人）")."""
    before = text[sentence_start:pos]
    depth = 0
    for i in range(len(before) - 1, -1, -1):
        c = before[i]
        if c in "）)":
            depth += 1
        elif c in "（(":
            if depth == 0:
                return bool(_lex()[0]["_change"].search(before, max(0, i - 12), i))
            depth -= 1
    return False


def _last_match(rx: re.Pattern[str], s: str) -> re.Match[str] | None:
    last = None
    for last in rx.finditer(s):  # noqa: B007 - the last match is the one wanted
        pass
    return last


_ORG_CONTEXT = re.compile(r"内设|下设|下辖|下属|设有|共有|组成|包括|机构|科室|股室|所属|直属")


def _unit_count(ctx: Context, found: dict, qi: int, window: str, cs: int) -> None:
    """"7个内设科室" (the noun after) or "内设职能科室21个" (the keyword just before) — in a sentence
    about the organisation, not "完成义安、石亭2个司法所业务用房改造"."""
    units = _lex()[4]
    q = ctx.quantities[qi]
    ss = ctx.sentence_start(q.start)
    if not _ORG_CONTEXT.search(ctx.text, ss, q.start) and not _ORG_CONTEXT.match(ctx.text, q.end):
        return
    after = ctx.text[q.end:q.end + 10]
    listed_by = _lex()[0]["_listed_by"]
    for key, (_, after_rx) in units.items():
        ma = after_rx.match(after)
        if ma and key in listed_by and listed_by[key][0].match(after) \
                and not listed_by[key][1].search(ctx.text, ss, q.start):
            continue  # "共有事业单位…": 事业单位 counted without 下设 is not the unit's own
        if ma:
            add_fact(found, key, 0, Fact(key=key, value=int(q.value), decimals=0,
                                         evidence=[ctx.span(q.start, q.end + ma.end())]))
            ctx.consumed.add(qi)
            return
    for key, (before_rx, _) in units.items():
        for mb in before_rx.finditer(window):
            if re.fullmatch(r"[共有为计是数量达\s：:]*", window[mb.end():]):
                add_fact(found, key, 0, _fact(ctx, key, q, cs + mb.start(), int(q.value)))
                ctx.consumed.add(qi)
                return


_SUB_SUBJECT = re.compile(r"(?:所属|下属|直属|局属|系统内)[^，,。；;]{0,6}(?:单位|机构)")  # the sentence is about them
# (the body's kind word: a unit of that kind names itself so — a 中心's report says "市交易中心")
_SUB_BODY = re.compile(r"(?:[^机](?P<body>所)|(?P<kind>中心|站|队)|事业单位|下属单位|所属单位|二级单位|直属单位)(?:的|共|现|有|仅)?$")


def _staff_head_ok(text: str, sentence_start: int, kw_start: int, key: str, unit: str | None = None) -> bool:
    """A staffing keyword inside the breakdown of another head count ("实有人数30人（其中：
    行政编制29人…）", "在职人数47人，其中：…工勤编制6人") is a part, not the fact; a body's count is another body's
    staff unless the unit is a body of that kind ("市交易中心编制数45人" in the 交易中心's own report)."""
    before = text[sentence_start:kw_start]
    body = _SUB_BODY.search(before)
    word = body and (body.group("body") or body.group("kind"))
    if word and unit and unit.endswith(word) and not _SUB_SUBJECT.search(before):
        body = None  # the unit itself (a 中心's report naming the 中心)
    if (key in ("staff_actual", "staff_authorized") and (body or _SUB_SUBJECT.search(before))
            and not re.search(r"(?:机关|本级|全局|本部门|全系统)(?:及|和|与|、|连同)", before)):
        return False  # "司法所在编人员仅8人", "所属事业单位核定编制300人": another body's staff
    breakdown = "其中" in before or "含" in before
    if key == "staff_authorized" and re.search(r"实有|在职|在编人数|编制", before) and breakdown:
        return False  # "核定编制25名，其中行政编制8名": a part of the quota, or of the staff
    if key == "staff_actual" and re.search(r"实有|在职在编|在职人数", before) and breakdown:
        return False
    return True


_OPEN_NOTE = re.compile(r"[（(][^（）()]*$")
_NOTE = re.compile(r"^[（(][^（）()]*[)）]")


def _authorized_sum(ctx: Context, qi: int) -> tuple[int, int] | None:
    """"人员编制数为行政60人，事业7人" — a quota written by kind is summed (facts.md: all kinds).
    Only when the kinds follow directly, not after a stated total ("26个，其中：…")."""
    text = ctx.text
    q = ctx.quantities[qi]
    kinds = _lex()[0]["_staff_kinds"]
    lead = text[ctx.clause_start(q.num_start):q.num_start]
    if not re.search(kinds + r"(?:编制)?(?:数|人数)?(?:为|是)?$", lead):
        return None
    total = int(q.value)
    end = q.end
    j = qi + 1
    while j < len(ctx.quantities):
        nq = ctx.quantities[j]
        gap = text[end:nq.num_start]
        if _OPEN_NOTE.match(gap):
            j += 1
            continue  # "政法专项编制58名（含法官员额22名）": a note on the kind before, not a kind
        gap = _NOTE.sub("", gap, count=1)
        if nq.unit not in ("人", "名") or not re.fullmatch(r"[，、,；;和及]?" + kinds + r"(?:编制)?(?:人员)?(?:数|人数)?(?:为|是)?", gap):
            break
        total += int(nq.value)
        end = nq.end
        ctx.consumed.add(j)
        j += 1
    return (total, end) if end != q.end else None


_SELF_SCORE = re.compile(r"(?:自评|综合|总|绩效评价|整体支出评价|评价)[^，。；\n]{0,30}?(?:得分|评分|分数|总分)(?:为|是|合计)?[：:]?\s*$"
                         r"|^(?:总分|得分合计|自评得分)[：:]?\s*$")


def self_score(ctx: Context, found: dict) -> None:
    """"自评得分98.89分", "…绩效自评报告得分100分" — not a part score ("预算执行率得分9.89分") nor the average of
    the projects' scores ("项目自评平均得分93.6分")."""
    for qi, q in enumerate(ctx.quantities):
        if q.unit != "分" or q.approx:
            continue
        cs = max(ctx.sentence_start(q.num_start), ctx.prev_quantity_end(qi))
        cs = max(cs, ctx.text.rfind("，", cs, q.num_start) + 1)  # the clause, but across a "："
        window = ctx.text[cs:q.num_start]
        m = _SELF_SCORE.search(window)
        if m and not re.search(r"分值|满分|权重|执行率得分|指标得分|平均", window):  # (an average of projects)
            add_fact(found, "self_score", 0, _fact(ctx, "self_score", q, cs + m.start()))
            ctx.consumed.add(qi)


def body_facts(ctx: Context, found: dict | None = None) -> list[Fact]:
    """Every body fact; for a key stated several times the home-section, earliest one wins and
    the others stay listed (in ``others``) for the conflicting-values check."""
    found = {} if found is None else found
    money_facts(ctx, found)
    fund_none_facts(ctx, found)
    staff_facts(ctx, found)
    self_score(ctx, found)
    out: list[Fact] = []
    for cands in found.values():
        cands.sort(key=lambda pf: (pf[0], pf[1].evidence[0].start))
        if cands[0][0] < 2:
            cands = [pf for pf in cands if pf[0] < 2]  # a stated total makes the fallbacks moot
        best = cands[0][1]
        for _, other in cands[1:]:
            if other.value == best.value:
                best.evidence.extend(other.evidence)
            elif all(o.value != other.value for o in best.others):
                best.others.append(other)
            else:
                next(o for o in best.others if o.value == other.value).evidence.extend(other.evidence)
        out.append(best)
    return out
