"""项目支出绩效自评表 read as a stream of cells, whatever the source flattened it to.

A form is the same sequence of cells whether it came as a Word or Excel table (cells joined by tabs),
a web page flattened with ``|``, one cell per line, or a whole form on one line: 项目名称 and its value,
主管部门/实施单位, the 项目资金 header (年初预算数 · 全年预算数 · 全年执行数 · 分值 · 执行率 · 得分, or a
provincial variant's 年初预算 · 调整后预算数 · 预算执行数 …) and the 年度资金总额 (总额) row. Reading the
cells in order, the row's figures are matched to the header's money columns. Every value keeps the
span of its cell. Labels and column words are data (``data/forms.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.extract.context import Context
from jixiao.extract.numbers import parse_number
from jixiao.lexicon import data_cache, load_yaml
from jixiao.model import Fact, Metric, ProjectItem

_SPLIT = re.compile(r"[|｜\t\n]|\s{2,}")
_NUMERIC = re.compile(r"^-?\d[\d,]*(?:\.\d+)?%?$")
_FACTOR = {"万元": Decimal(1), "元": Decimal("0.0001"), "千元": Decimal("0.1"), "亿元": Decimal(10000)}


@dataclass(frozen=True)
class Token:
    """One cell of a flattened table: its text (whitespace removed) and span."""

    text: str
    start: int
    end: int


@data_cache
def _lex():
    lx = load_yaml("forms.yaml")
    cols = [(name, re.compile(rx)) for name, rx in lx["columns"].items()]
    return (re.compile(lx["name_label"]), cols, re.compile(lx["total_row"]), re.compile(lx["code_prefix"]),
            re.compile(lx["money_unit"]), re.compile(lx["stop"]), lx["default_unit"], re.compile(lx["score_row"]))


def tokens(text: str, start: int, end: int) -> list[Token]:
    """The cells of ``text[start:end]``: split at pipes, tabs, line breaks and wide gaps; a run of
    figures separated by single spaces ("1491 1530.16 1512.99"), or a whole form written on one line
    with single spaces, is several cells."""
    out: list[Token] = []
    pos = start
    for m in _SPLIT.finditer(text, start, end):
        _emit(text, pos, m.start(), out)
        pos = m.end()
    _emit(text, pos, end, out)
    return out


def _emit(text: str, a: int, b: int, out: list[Token]) -> None:
    seg = text[a:b]
    s = seg.strip()
    if not s:
        return
    a += seg.find(s)
    parts = s.split(" ")
    if len(parts) > 1 and (sum(bool(_NUMERIC.match(p)) for p in parts) >= 2 or len(parts) >= 6):
        i = 0
        for p in parts:
            j = s.find(p, i)
            if p:
                out.append(Token(p, a + j, a + j + len(p)))
            i = j + len(p)
        return
    out.append(Token(re.sub(r"\s", "", s), a, a + len(s)))


def form_items(ctx: Context) -> list[ProjectItem]:
    """One project item per 项目支出绩效自评表 in the text: its name, 年初预算数 (budget) and
    全年执行数 (actual), in 万元."""
    name_rx = _lex()[0]
    text = ctx.text
    starts = [m.start() for m in name_rx.finditer(text)]
    items: list[ProjectItem] = []
    for i, a in enumerate(starts):
        b = starts[i + 1] if i + 1 < len(starts) else min(len(text), a + 6000)
        it = _read_form(ctx, tokens(text, a, b))
        if it:
            items.append(it)
    return items


def _read_form(ctx: Context, toks: list[Token]) -> ProjectItem | None:
    name_rx, cols_lex, total_rx, code_rx, unit_rx, stop_rx, default_unit, _ = _lex()
    if not toks:
        return None
    first = toks[0]
    m = name_rx.match(first.text)
    rest = first.text[m.end():] if m else ""
    k = 1
    if rest.strip("：:"):
        name_tok = Token(rest.strip("：:"), first.end - len(rest.strip("：:")), first.end)
    else:
        if len(toks) < 2:
            return None
        name_tok = toks[1]
        k = 2
    name = code_rx.sub("", name_tok.text)
    if len(name) < 2 or _NUMERIC.match(name) or stop_rx.search(name):
        return None
    unit = None
    columns: list[tuple[str, Token]] = []
    total_at = None
    for j in range(k, len(toks)):
        t = toks[j].text
        mu = unit_rx.search(t)
        if mu and unit is None and total_at is None:
            unit = mu.group(1)
        col = next((c for c, rx in cols_lex if rx.search(t)), None)
        if col and total_at is None:
            columns.append((col, toks[j]))
            continue
        if columns and total_rx.match(t):
            total_at = j
            break
    if total_at is None or not columns:
        return None
    if unit is None:
        unit = _declared_unit(ctx, toks[0].start) or default_unit
    figures: list[Token] = []
    for t in toks[total_at + 1:]:
        if _NUMERIC.match(t.text):
            figures.append(t)
            if len(figures) == len(columns):
                break
        elif t.text in ("-", "—", "/", "－"):
            figures.append(t)
        else:
            break
    values: dict[str, tuple[Decimal, Token]] = {}
    for (col, _), t in zip(columns, figures, strict=False):
        if col in ("budget", "budget_full", "actual") and _NUMERIC.match(t.text) and not t.text.endswith("%"):
            parsed = parse_number(t.text)
            if parsed and col not in values:
                values[col] = (parsed[0] * _FACTOR[unit], t)
    if not values or len(figures) < len(columns) - 3:
        return None
    budget = values.get("budget") or values.get("budget_full")
    actual = values.get("actual")
    it = ProjectItem(name=name, evidence=[ctx.span(name_tok.start, name_tok.end)])
    if budget:
        it.budget = budget[0]
        it.evidence.append(ctx.span(budget[1].start, budget[1].end))
    if values.get("budget") and values.get("budget_full"):
        # the form's 全年(调整后)预算数 beside its 年初预算数: the year's adjustment
        it.adjustment = values["budget_full"][0] - values["budget"][0]
        it.evidence.append(ctx.span(values["budget_full"][1].start, values["budget_full"][1].end))
    if actual:
        it.actual = actual[0]
        it.evidence.append(ctx.span(actual[1].start, actual[1].end))
    if it.budget is None and it.actual is None:
        return None
    return it


def _declared_unit(ctx: Context, at: int) -> str | None:
    """The money unit the report declared once before ``at`` ("（金额单位：元）"), if any."""
    declared = [u for pos, u in ctx.unit_declarations if pos <= at]
    return declared[-1] if declared else None


def form_scores(ctx: Context) -> list[tuple[Decimal, int, Token]]:
    """The total score of each indicator table ("合计 | 100 | 97.25"): the last figure of its total row,
    after the weights' 100."""
    score_rx = _lex()[7]
    text = ctx.text
    out = []
    heads = [m.start() for m in re.finditer(r"(?:^|[|｜\t\s])得分(?=$|[|｜\t\s])", text, re.M)]
    if not heads:
        return out
    seen: set[int] = set()
    for h in heads:
        for t_i, t in enumerate(toks := tokens(text, h, min(len(text), h + 4000))):
            if not score_rx.match(t.text) or t.start in seen:
                continue
            figures = []
            for u in toks[t_i + 1:t_i + 6]:
                if _NUMERIC.match(u.text) and not u.text.endswith("%"):
                    figures.append(u)
                elif figures:
                    break
            if len(figures) >= 2 and figures[0].text in ("100", "100.00", "100.0"):
                parsed = parse_number(figures[-1].text)
                if parsed and parsed[0] <= 100:
                    seen.add(t.start)
                    out.append((parsed[0], parsed[1], figures[-1]))
            break
    return out


def score_facts(ctx: Context) -> tuple[Fact | None, list[Metric]]:
    """One indicator table's total score is the report's self score; several (one per project form)
    are each a metric (unit 分)."""
    scores = form_scores(ctx)
    if len(scores) == 1:
        value, dec, tok = scores[0]
        return Fact(key="self_score", value=value, decimals=dec, evidence=[ctx.span(tok.start, tok.end)]), []
    metrics = [Metric(label="总分", value=v, unit="分", decimals=d, evidence=[ctx.span(t.start, t.end)])
               for v, d, t in scores]
    return None, metrics
