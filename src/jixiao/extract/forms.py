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
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.extract.metrics import classify, kpi_packs
from jixiao.extract.numbers import decimal_shift, money_factor, parse_number
from jixiao.extract.tables import (
    COMPARATORS,
    IndicatorScore,
    Qualitative,
    TableFigure,
    TableTotal,
    indicator_levels,
)
from jixiao.extract.textview import TextView
from jixiao.lexicon import data_cache, load_yaml
from jixiao.model import Fact, FundRow, Metric, Project, ProjectItem

_SPLIT = re.compile(r"[|｜\t\n]|\s{2,}")
_NUMERIC = re.compile(r"^-?\d[\d,]*(?:\.\d+)?%?$")


@dataclass(frozen=True)
class TableRate:
    """A rate a form states (执行率) with its numerator and the bases it may be taken on (万元)."""

    label: str
    rate: TableFigure
    actual: TableFigure
    bases: list[tuple[str, TableFigure]]  # (column, figure): 全年预算数 first, then 年初预算数


@dataclass(frozen=True)
class ScoreConflict:
    """Two rows of one form's 项目资金 part with the same 执行率 and different 得分 (年度资金总额 9.8,
    其中财政拨款 9.6 at 98%): one of the scores is wrong."""

    project: str
    rate: TableFigure
    scores: tuple[TableFigure, TableFigure]


@dataclass(frozen=True)
class RateScore:
    """A form's 预算执行率 row as scored: the stated 执行率, its 分值 and 得分."""

    project: str
    rate: TableFigure
    weight: TableFigure
    score: TableFigure


@dataclass
class FormChecks:
    """What the forms of a text state that review checks: totals against their parts, stated rates,
    scores given differently for the same rate."""

    totals: list[TableTotal]
    rates: list[TableRate]
    score_conflicts: list[ScoreConflict] = field(default_factory=list)
    rate_scores: list[RateScore] = field(default_factory=list)
    zero_base_rates: list[TableRate] = field(default_factory=list)  # a rate stated where every budget is 0


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
            re.compile(lx["money_unit"]), re.compile(lx["stop"]), lx["default_unit"], re.compile(lx["score_row"]),
            re.compile(lx["part_rows"]))


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


def form_items(ctx: TextView, checks: FormChecks | None = None,
               projects: list[FormRead] | None = None) -> list[ProjectItem]:
    """One project item per 项目支出绩效自评表 in the text: its name, 年初预算数 (budget) and
    全年执行数 (actual), in 万元. With ``checks``, the forms' totals and stated rates are collected
    there too (for review); with ``projects``, each form as a :class:`~jixiao.model.Project` with
    the part of the text it covers (up to the next form)."""
    name_rx = _lex()[0]
    text = ctx.text
    starts = [m.start() for m in name_rx.finditer(text)] if "项目名称" in text else []
    department = False
    if not starts and projects is not None and "名称" in text and "资金总额" in text:
        # a 部门整体支出绩效自评表 (部门名称 | …, the same money rows): a form of the model, not a project item,
        # whose figures the table reader takes as the department's facts
        starts, department = [m.start() for m in _department_rx().finditer(text)], True
    items: list[ProjectItem] = []
    for i, a in enumerate(starts):
        b = starts[i + 1] if i + 1 < len(starts) else min(len(text), a + 6000)
        read = _read_form(ctx, tokens(text, a, b), None if department else checks, projects is not None,
                          _department_rx() if department else name_rx)
        if read:
            if not department:
                items.append(read[0])
            if projects is not None and read[1] is not None:
                read[1].kind = "department" if department else "project"
                projects.append(FormRead(a, starts[i + 1] if i + 1 < len(starts) else len(text), read[1]))
    return items


@data_cache
def _department_rx() -> re.Pattern[str]:
    return re.compile(load_yaml("forms.yaml")["department_label"])


def form_checks(view: TextView) -> FormChecks:
    """The totals and stated rates of the text's forms, read again from the text (for review)."""
    checks = FormChecks([], [])
    form_items(view, checks)
    return checks


def _read_form(ctx: TextView, toks: list[Token], checks: FormChecks | None = None,
               with_project: bool = False, name_rx: re.Pattern[str] | None = None
               ) -> tuple[ProjectItem, Project | None] | None:
    """The form's project item and (``with_project``) the whole form as a Project, or None; the form
    opens with ``name_rx`` (项目名称, or 部门名称 for a 部门整体 form)."""
    cols_lex, total_rx, code_rx, unit_rx, stop_rx, default_unit = _lex()[1:7]
    name_rx = name_rx or _lex()[0]
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
    code_tok = None
    if not code_rx.sub("", name_tok.text) and k < len(toks):  # "项目名称 | 4311292022000045 | 盘王节活动补助"
        code_tok, name_tok, k = name_tok, toks[k], k + 1
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
    figures, values = _row(toks, total_at, columns, unit)
    if not values or len(figures) < len(columns) - 3:
        return None
    rows: list[tuple[str, Token, dict]] = []
    if checks is not None or with_project:
        totals, rows = _parts(ctx, toks, total_at + 1 + len(figures), columns, unit, toks[total_at], values)
    if checks is not None:
        checks.totals += totals
        checks.score_conflicts += _score_conflicts(ctx, name, toks[total_at].text, values, rows)
        if all(k in values for k in ("rate", "weight", "score")):
            label = toks[total_at].text
            fig = {k: TableFigure(label, values[k][0], values[k][1], ctx.span(values[k][2].start, values[k][2].end))
                   for k in ("rate", "weight", "score")}
            checks.rate_scores.append(RateScore(name, fig["rate"], fig["weight"], fig["score"]))
        for label, row in [("", values), *((f"（{lab}）", row) for lab, _, row in rows)]:
            # the total's rate, and a rate on each source row too (其中：当年财政拨款 … 97.79%)
            rate = _rate(ctx, name + label, row)
            checks.rates += [r for r in rate if r.bases[0][1].value > 0]
            checks.zero_base_rates += [r for r in rate if r.bases[0][1].value == 0]
    project = None
    if with_project:
        code = code_rx.match(code_tok.text if code_tok is not None else name_tok.text)
        funds = [_fund_row(ctx, lab, tok, vals) for lab, tok, vals in [(toks[total_at].text, toks[total_at], values), *rows]]
        project = Project(name=name, code=(code.group(0).strip("-—_ ") or None) if code else None, funds=funds,
                          evidence=[ctx.span(name_tok.start, name_tok.end)])
    values = {k: (v[0], v[2]) for k, v in values.items() if k in _MONEY}
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
    return it, project


_MONEY = ("budget", "budget_full", "actual")
_FUND_COLUMNS = ("budget", "budget_full", "actual", "rate", "weight", "score")


@dataclass
class FormRead:
    """A form found in the text: where it starts (its 项目名称) and where its part of the text ends (the
    next form, or the end of the text), and the project read from it."""

    start: int
    end: int
    project: Project


def _fund_row(ctx: TextView, label: str, tok: Token, values: dict[str, tuple[Decimal, int, Token]]) -> FundRow:
    cells = {c: values[c] for c in _FUND_COLUMNS if c in values}
    return FundRow(label=label, **{c: v[0] for c, v in cells.items()},
                   evidence=[ctx.span(tok.start, tok.end), *(ctx.span(v[2].start, v[2].end) for v in cells.values())])


def _row(toks: list[Token], at: int, columns: list[tuple[str, Token]], unit: str
         ) -> tuple[list[Token], dict[str, tuple[Decimal, int, Token]]]:
    """The figures after the row label at ``toks[at]``, lined up with the header's columns:
    money columns in 万元 with their decimals (元 → +4), the rate as written."""
    figures: list[Token] = []
    for t in toks[at + 1:]:
        if _NUMERIC.match(t.text):
            figures.append(t)
            if len(figures) == len(columns):
                break
        elif t.text in ("-", "—", "/", "－"):
            figures.append(t)
        else:
            break
    values: dict[str, tuple[Decimal, int, Token]] = {}
    money = [t.text for (col, _), t in zip(columns, figures, strict=False) if col in _MONEY]
    if any("." in m for m in money) and _broken_digits(money):
        return figures, values  # "1 5 0.00 150.00": a figure broken into digits (OCR) — omitted, not guessed
    for (col, _), t in zip(columns, figures, strict=False):
        if col in values or not _NUMERIC.match(t.text):
            continue
        if col in _MONEY and not t.text.endswith("%"):
            parsed = parse_number(t.text)
            if parsed:
                factor = money_factor(unit)
                values[col] = (parsed[0] * factor, parsed[1] + decimal_shift(factor), t)
        elif col == "rate" and t.text.endswith("%"):
            parsed = parse_number(t.text[:-1])
            if parsed:
                values[col] = (parsed[0], parsed[1], t)
        elif col in ("score", "weight") and not t.text.endswith("%"):
            parsed = parse_number(t.text)
            if parsed:
                values[col] = (parsed[0], parsed[1], t)
    return figures, values


def _broken_digits(money: list[str]) -> bool:
    """A single non-zero digit followed by another digit or a figure starting "0." ("1 5 0.00"): one
    figure broken into pieces. A lone 0 beside decimals is a stated zero (年初预算数 0 | 40.00)."""
    return any(len(a) == 1 and a != "0" and (len(b) == 1 or b.startswith("0."))
               for a, b in zip(money, money[1:], strict=False))


def _parts(ctx: TextView, toks: list[Token], at: int, columns: list[tuple[str, Token]], unit: str,
           total_tok: Token, total: dict[str, tuple[Decimal, int, Token]]
           ) -> tuple[list[TableTotal], list[tuple[str, Token, dict]]]:
    """The rows under the total (其中：当年财政拨款 · 上年结转资金 · 其他资金, or 财政资金 · 单位资金 …) make
    it up: recorded for the sum check, per money column; with the rows read."""
    part_rx = _lex()[8]
    rows: list[tuple[str, Token, dict]] = []
    j = at
    while j < len(toks):
        t = toks[j]
        if not part_rx.match(t.text):
            break
        figures, values = _row(toks, j, columns, unit)
        rows.append((part_rx.sub("", t.text) or t.text, t, values))
        j += 1 + len(figures)
    out: list[TableTotal] = []
    for col in _MONEY:
        if col not in total or not any(col in v for _, _, v in rows):
            continue
        value, dec, tok = total[col]
        parts = [TableFigure(lab, v[col][0], v[col][1], ctx.span(v[col][2].start, v[col][2].end))
                 for lab, _, v in rows if col in v]
        if len(parts) == 1 and parts[0].value == value:
            continue  # one part equal to the total: nothing to add up
        out.append(TableTotal(column=col, label=total_tok.text,
                              total=TableFigure(total_tok.text, value, dec, ctx.span(tok.start, tok.end)), parts=parts))
    return out, rows


def _score_conflicts(ctx: TextView, project: str, total_label: str, total: dict,
                     rows: list[tuple[str, Token, dict]]) -> list[ScoreConflict]:
    """Part rows scored differently from the total row at the same stated 执行率."""
    if "rate" not in total or "score" not in total:
        return []

    def figure(label: str, read: tuple[Decimal, int, Token]) -> TableFigure:
        return TableFigure(label, read[0], read[1], ctx.span(read[2].start, read[2].end))

    out = []
    for label, _, values in rows:
        if "rate" in values and "score" in values and values["rate"][0] == total["rate"][0] \
                and values["score"][0] != total["score"][0]:
            out.append(ScoreConflict(project, figure(total_label, total["rate"]),
                                     (figure(total_label, total["score"]), figure(label, values["score"]))))
    return out


def _rate(ctx: TextView, name: str, values: dict[str, tuple[Decimal, int, Token]]) -> list[TableRate]:
    """The form's stated 执行率 with the figures it should follow (执行数 over 全年 or 年初 预算数); with
    the budgets it was stated on when every one is 0 and money was spent."""
    if "rate" not in values or "actual" not in values:
        return []
    bases = [(c, values[c]) for c in ("budget_full", "budget") if c in values and values[c][0] > 0]
    if not bases:
        bases = [(c, values[c]) for c in ("budget_full", "budget") if c in values]
        if not bases or values["actual"][0] <= 0 or values["rate"][0] <= 0:
            return []

    def figure(label: str, read: tuple[Decimal, int, Token]) -> TableFigure:
        return TableFigure(label, read[0], read[1], ctx.span(read[2].start, read[2].end))

    return [TableRate(label=name, rate=figure("执行率", values["rate"]), actual=figure("执行数", values["actual"]),
                      bases=[(c, figure(c, v)) for c, v in bases])]


def _declared_unit(ctx: TextView, at: int) -> str | None:
    """The money unit the report declared once before ``at`` ("（金额单位：元）"), if any."""
    declared = [u for pos, u in ctx.unit_declarations if pos <= at]
    return declared[-1] if declared else None


_SCORE_HEAD = re.compile(r"(?:^|[|｜\t\s])得分(?=$|[|｜\t\s])", re.M)


def form_scores(ctx: TextView) -> list[tuple[Decimal, int, Token, Token]]:
    """The total score of each indicator table ("合计 | 100 | 97.25"): the last figure of its total row,
    after the weights' 100 (the cell of the total weight comes last)."""
    score_rx = _lex()[7]
    text = ctx.text
    out = []
    if "得分" not in text:
        return out
    heads = [m.start() for m in _SCORE_HEAD.finditer(text)]
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
                if parsed and parsed[0] <= 150:  # a 总分 above its 100 is a finding, still the 总分
                    seen.add(t.start)
                    out.append((parsed[0], parsed[1], figures[-1], figures[0]))
            break
    return out


def score_facts(ctx: TextView, forms: list[ProjectItem]) -> tuple[Fact | None, list[Metric]]:
    """One indicator table's total score is the report's self score; several (one per project form)
    are each a metric (unit 分) labelled with the project of the form it closes."""
    scores = form_scores(ctx)
    if len(scores) == 1 and len(forms) <= 1:
        value, dec, tok, _ = scores[0]
        return Fact(key="self_score", value=value, decimals=dec, evidence=[ctx.span(tok.start, tok.end)]), []
    metrics = []
    for v, d, t, _ in scores:
        owner = [f.name for f in forms if f.evidence and f.evidence[0].start < t.start]
        label = (owner[-1] if owner else "") + "总分"
        metrics.append(Metric(label=label, value=v, unit="分", decimals=d, evidence=[ctx.span(t.start, t.end)]))
    return None, metrics


# --- the texts of a form: goals, conclusion, people ---------------------------------------------------

@data_cache
def _field_lex():
    lx = load_yaml("forms.yaml")
    return [(k, re.compile(rx)) for k, rx in lx["fields"].items()], re.compile(lx["field_person"])


_PEOPLE = ("leader", "finance_leader")
_GOALS = ("goal_planned", "goal_actual")


def form_fields(ctx: TextView, start: int, end: int) -> dict[str, Token]:
    """The texts of the form in ``text[start:end]`` by field (``data/forms.yaml`` ``fields``), each the
    cell (or the part of the cell after its label) that holds it; a field stated twice keeps the first."""
    fields, person = _field_lex()
    toks = tokens(ctx.text, start, end)

    def field_of(t: Token) -> tuple[str, str] | None:
        for k, rx in fields:
            m = rx.match(t.text)
            if m:
                return k, t.text[m.end():].lstrip("：:（(签字章)）").strip()
        return None

    out: dict[str, Token] = {}
    i = 0
    while i < len(toks):
        f = field_of(toks[i])
        if f is None:
            i += 1
            continue
        run = [(i, f)]
        while f[1] == "" and f[0] in _GOALS and i + len(run) < len(toks):  # 预期目标 | 实际完成情况 | … | …
            nxt = field_of(toks[i + len(run)])
            if nxt is None or nxt[0] not in _GOALS or nxt[1]:
                break
            run.append((i + len(run), nxt))
        if len(run) > 2 and run[0][1][0] == run[1][1][0]:
            i, run = i + 1, run[1:]  # 年度总体目标 | 预期目标 | 实际完成情况: the heading over the two labels
        values = toks[i + len(run): i + 2 * len(run)] if f[1] == "" else []
        taken = 0
        for n, (j, (key, rest)) in enumerate(run):
            tok = toks[j]
            if rest:
                cell = Token(rest, tok.end - len(rest), tok.end)
            elif n == taken < len(values) and _is_text(values[n]) and field_of(values[n]) is None:
                cell, taken = values[n], taken + 1
            else:
                continue
            value = cell.text.split("联系电话")[0].strip("：:，, ") if key in _PEOPLE else cell.text
            if key in _PEOPLE and not person.match(value):
                continue
            out.setdefault(key, Token(value, cell.start, cell.start + len(value)) if key in _PEOPLE else cell)
        i += len(run) + taken
    return out


def _is_text(t: Token) -> bool:
    """A cell that may be a field's value: words, not a figure nor a heading of the form's parts."""
    _, other_rx, category_rx, stop_rx = _indicator_lex()
    return len(t.text) >= 2 and not (_NUMERIC.match(t.text) or other_rx.match(t.text) or category_rx.match(t.text)
                                     or stop_rx.match(t.text) or _FORM_LABEL.fullmatch(t.text))


_FORM_LABEL = re.compile(r"(?:项目名称|主管部门|实施单位|项目资金|年度预算申请)(?:[（(][^）)]*[)）])?")


# --- the indicator part read as a stream of cells ----------------------------------------------------

_BOUND = re.compile("^(" + "|".join(map(re.escape, sorted(COMPARATORS, key=len, reverse=True)))
                    + r")?\s*(-?\d[\d,]*(?:\.\d+)?)\s*(\S{0,8})$")


@data_cache
def _indicator_lex():
    lx = load_yaml("forms.yaml")
    cols = [(name, re.compile(rx)) for name, rx in lx["indicator_columns"].items()]
    return (cols, re.compile(lx["indicator_header_other"]), re.compile(lx["indicator_category"]),
            re.compile(lx["indicator_stop"]))


def stream_indicators(ctx: TextView, skip: list[tuple[int, int]] = ()) -> list[IndicatorScore]:
    """The indicator rows of forms written one cell per line or otherwise flattened outside a table
    (``skip``: spans already read as tables): after a header naming 三级指标 … 实际完成值 (and 指标性质,
    度量单位, 分值, 得分, 偏差原因 where the form has them), each row is its name (after the category
    cells of 一级/二级指标), then its cells in the header's order; a row that does not fit is passed over."""
    text = ctx.text
    if "实际完成值" not in text and "实际值" not in text and "完成值" not in text:
        return []
    cols_lex, other_rx, category_rx, stop_rx = _indicator_lex()
    out: list[IndicatorScore] = []
    for m in re.finditer(r"(?:三级指标|指标名称)", text):
        if any(a <= m.start() < b for a, b in skip):
            continue
        toks = tokens(text, m.start(), min(len(text), m.start() + 8000))
        header: list[str] = []
        k = 0
        while k < len(toks):
            col = next((c for c, rx in cols_lex if rx.search(toks[k].text)), None)
            if col is None:
                break
            header.append(col)
            k += 1
        if header[:1] != ["name"] or "target" not in header or "achieved" not in header:
            continue
        out += _stream_rows(ctx, toks[k:], header, category_rx, other_rx, stop_rx)
    return out


def _stream_rows(ctx: TextView, toks: list[Token], header: list[str], category_rx, other_rx, stop_rx
                 ) -> list[IndicatorScore]:
    out: list[IndicatorScore] = []
    i = 0
    levels = ("", "")
    while i < len(toks):
        t = toks[i].text
        if stop_rx.match(t):
            break
        if category_rx.match(t):
            levels = indicator_levels(levels, [t])
        if category_rx.match(t) or other_rx.match(t) or _NUMERIC.match(t) or t in COMPARATORS:
            i += 1
            continue
        row, used = _stream_row(ctx, toks, i, header)
        if row is None:
            i += 1
            continue
        reason = ""
        if "reason" in header and i + used < len(toks):
            nxt = toks[i + used]
            after = toks[i + used + 1].text if i + used + 1 < len(toks) else ""
            if not (category_rx.match(nxt.text) or stop_rx.match(nxt.text) or _NUMERIC.match(nxt.text)
                    or nxt.text in COMPARATORS or _BOUND.match(after) or after in COMPARATORS):
                reason = nxt.text  # "部分工程受征地影响未开工": not the next row's name (a figure follows that)
                used += 1
        out.append(IndicatorScore(row[0], row[1], row[2], "reason" in header, reason, row[3], levels))
        i += used
    return out


def _stream_row(ctx: TextView, toks: list[Token], i: int, header: list[str]):
    """One row from ``toks[i]`` (its name) on, cell by cell in the header's order (no reason); a 定性
    row (target and result written in words) when its 分值 and 得分 are figures."""
    name = toks[i]
    j = i + 1
    comparator = None
    target = achieved = None
    words: dict[str, Token] = {}
    unit = ""
    weight = score = None
    for col in header[1:]:
        if col == "reason":
            continue
        if j >= len(toks):
            return None, 0
        t = toks[j]
        if col == "nature":
            if t.text in COMPARATORS or t.text in _NATURE_WORDS:
                comparator = COMPARATORS.get(t.text)
                j += 1
            continue
        if col == "measure":
            if _NUMERIC.match(t.text) or len(t.text) > 8:
                return None, 0
            unit, j = t.text, j + 1
            continue
        m = _BOUND.match(t.text)
        value = parse_number(m.group(2)) if m else None
        if value is None:
            if col in ("target", "achieved") and not _NUMERIC.match(t.text) and t.text not in COMPARATORS:
                words[col] = t  # “好”, “按期完成”: a 定性 row, if its 分值 and 得分 follow as figures
                j += 1
                continue
            return None, 0
        if col == "target":
            comparator = COMPARATORS.get(m.group(1) or "", comparator)
            target = (value, t)
            unit = unit or m.group(3)
        elif col == "achieved":
            achieved = (value, t)
            unit = unit or m.group(3)
        elif col in ("weight", "score") and not m.group(3):
            fig = TableFigure(name.text, value[0], value[1], ctx.span(t.start, t.end))
            weight, score = (fig, score) if col == "weight" else (weight, fig)
        else:
            return None, 0
        j += 1
    if target is None or achieved is None or not (unit or comparator):  # a bound makes a unitless target (≥0.62)
        cells = {"target": words.get("target") or (target and target[1]),
                 "achieved": words.get("achieved") or (achieved and achieved[1])}
        if not words or weight is None or score is None or weight.value <= 0 or not all(cells.values()):
            return None, 0
        span = [ctx.span(c.start, c.end) for c in (name, cells["target"], cells["achieved"])]
        return (None, weight, score, Qualitative(*span)), j - i
    metric = Metric(label=name.text, value=achieved[0][0], unit=unit, decimals=achieved[0][1],
                    kpi=classify(kpi_packs(), name.text, "", unit),
                    target=target[0][0], target_comparator=comparator if comparator in (">=", "<=") else None,
                    evidence=[ctx.span(name.start, name.end), ctx.span(target[1].start, target[1].end),
                              ctx.span(achieved[1].start, achieved[1].end)])
    return (metric, weight, score, None), j - i


_NATURE_WORDS = ("定性", "定量")
