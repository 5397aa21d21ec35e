"""Each 项目支出绩效自评表 of a report scored again under the rules of its form (财预〔2020〕10号 and the
provincial variants, ``data/form_rules/<id>.yaml``), row by row beside the unit's own 得分.

* 预算执行率: 分值 × min(执行率, cap) with 执行率 = 执行数 ÷ the budget the rules name (全年/调整后预算数);
* a quantitative indicator: full points when the target is met, else 分值 × 实际 ÷ 目标 (≥) or
  分值 × 目标 ÷ 实际 (≤), never above the 分值;
* a 定性 indicator: the unit's score is kept (the rules only give bands) and the band it falls in named.

Every row says how its figure was reached, so a difference with the unit's score is explained by the
row it comes from. Nothing is invented: a row without 分值 is listed as not scored, a form without a
total has no stated total.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from jixiao.errors import DataError, JixiaoError
from jixiao.extract.numbers import written_decimals
from jixiao.lexicon import data_cache, data_files, load_model
from jixiao.model import COMPARATOR_SIGNS, FundRow, Indicator, Project, Report, Span
from jixiao.review.rules.common import fmt
from jixiao.review.tolerance import round_to
from jixiao.score.framework import AppliesTo, most_specific

_HUNDRED = Decimal(100)
_BASIS_LABEL = {"budget_full": "全年预算数", "budget": "年初预算数"}


class FormRulesError(JixiaoError):
    """A form-rules file is invalid, or the named rules do not exist."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExecutionRule(_Model):
    basis: list[Literal["budget_full", "budget"]] = Field(min_length=1)
    cap: Decimal = _HUNDRED
    rate_decimals: int = 2
    explain_below: Decimal | None = None  # a rate below this needs an explanation


class QuantitativeRule(_Model):
    cap_at_weight: bool = True


class Band(_Model):
    """A band of a 定性 indicator's 分值, in percent (80 ≤ share ≤ 100)."""

    name: str
    min: Decimal
    max: Decimal


class FormRules(_Model):
    id: str
    name: str
    source: str
    default: bool = False
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    execution: ExecutionRule
    quantitative: QuantitativeRule = Field(default_factory=QuantitativeRule)
    qualitative: list[Band] = Field(min_length=1)
    score_decimals: int = 2


class FormRow(BaseModel):
    """One scored row of a form: the unit's 得分 (``stated``) and ours (``computed``, None for a 定性 row
    whose score is the unit's), and how ours was reached."""

    label: str
    kind: Literal["execution", "quantitative", "qualitative", "unscored"]
    weight: Decimal | None = None
    stated: Decimal | None = None
    computed: Decimal | None = None
    difference: Decimal | None = None  # stated − computed
    explanation: str = ""
    evidence: list[Span] = Field(default_factory=list)


class FormScore(BaseModel):
    """A form scored again: its rows, the unit's 总分 and ours (定性 rows counted at the unit's score)."""

    project: str
    code: str | None = None
    rules: str
    rules_name: str
    rows: list[FormRow]
    stated_total: Decimal | None = None
    computed_total: Decimal | None = None
    difference: Decimal | None = None
    notes: list[str] = Field(default_factory=list)


def form_rules_ids() -> list[str]:
    return [n[len("form_rules/"):-5] for n in data_files("form_rules")]


@data_cache
def load_form_rules(rules_id: str) -> FormRules:
    if rules_id not in form_rules_ids():
        raise FormRulesError(f"没有名为 {rules_id!r} 的自评表计分规则（可用：{', '.join(form_rules_ids())}）")
    try:
        rules = load_model(f"form_rules/{rules_id}.yaml", FormRules, True)
    except DataError as err:
        raise FormRulesError("自评表计分规则无效（invalid form rules）：\n" + str(err).split("\n", 1)[1]) from None
    if rules.id != rules_id:
        raise FormRulesError(f"form_rules/{rules_id}.yaml：id {rules.id!r} 与文件名不一致")
    return rules


def choose_form_rules(report: Report) -> FormRules:
    """The most specific rules whose ``applies_to`` the report meets, else the default."""
    return most_specific([load_form_rules(i) for i in form_rules_ids()], report, "自评表计分规则", FormRulesError)


def score_forms(report: Report, rules_id: str | None = None) -> list[FormScore]:
    """Each project form of ``report`` scored again (none when it has no forms)."""
    if not report.projects:
        return []
    rules = load_form_rules(rules_id) if rules_id else choose_form_rules(report)
    return [score_form(p, rules) for p in report.projects]


def score_form(p: Project, rules: FormRules) -> FormScore:
    notes: list[str] = []
    rows = []
    if p.funds:
        rows.append(_execution(p.funds[0], rules, notes))
    rows += [_indicator(i, rules) for i in p.indicators]
    scored = [r for r in rows if r.kind != "unscored" and (r.computed is not None or r.stated is not None)]
    computed = None
    if scored and all(r.computed is not None or r.kind == "qualitative" and r.stated is not None for r in scored):
        computed = sum((r.computed if r.computed is not None else r.stated for r in scored), Decimal(0))
    if any(r.kind == "qualitative" for r in rows):
        notes.append("定性指标按单位自评得分计入重算总分。")
    weights = sum((r.weight for r in rows if r.weight is not None), Decimal(0))
    total_weight = p.total_weight if p.total_weight is not None else _HUNDRED
    if rows and weights != total_weight:
        notes.append(f"各行分值合计{fmt(weights)}分，与总分的分值{fmt(total_weight)}分不符（可能有未读出的行）。")
    diff = p.total_score - computed if p.total_score is not None and computed is not None else None
    return FormScore(project=p.name, code=p.code, rules=rules.id, rules_name=rules.name, rows=rows,
                     stated_total=p.total_score, computed_total=computed, difference=diff, notes=notes)


def _execution(f: FundRow, rules: FormRules, notes: list[str]) -> FormRow:
    ex = rules.execution
    label = f"预算执行率（{f.label}）"
    base = next(((k, getattr(f, k)) for k in ex.basis if getattr(f, k) is not None and getattr(f, k) > 0), None)
    if base is not None and f.actual is not None:
        rate = round_to(f.actual / base[1] * _HUNDRED, ex.rate_decimals)
        how = f"执行率{fmt(rate)}%（全年执行数{fmt(f.actual)} ÷ {_BASIS_LABEL[base[0]]}{fmt(base[1])}）"
        if f.rate is not None and round_to(f.rate, ex.rate_decimals) != rate:
            how += f"，表中写作{fmt(f.rate)}%"
    elif f.rate is not None:
        rate, how = f.rate, f"执行率按表中所写{fmt(f.rate)}%（缺少执行数或{'/'.join(_BASIS_LABEL[k] for k in ex.basis)}）"
    else:
        return FormRow(label=label, kind="unscored", weight=f.weight, stated=f.score,
                       explanation="未写执行率，也无法由执行数和预算数算出。", evidence=list(f.evidence))
    if ex.explain_below is not None and rate < ex.explain_below:
        notes.append(f"执行率{fmt(rate)}%低于{fmt(ex.explain_below)}%，按规定须说明原因。")
    if f.weight is None:
        return FormRow(label=label, kind="unscored", stated=f.score, explanation=how + "；未写分值。",
                       evidence=list(f.evidence))
    counted = min(rate, ex.cap)
    computed = round_to(f.weight * counted / _HUNDRED, rules.score_decimals)
    how += f"，{fmt(f.weight)} × {fmt(counted)}% = {fmt(computed)}分"
    if rate > ex.cap:
        how += f"（执行率高于{fmt(ex.cap)}%按{fmt(ex.cap)}%计）"
    return _row(label, "execution", f.weight, f.score, computed, how, f.evidence)


def _indicator(i: Indicator, rules: FormRules) -> FormRow:
    if i.weight is None:
        return FormRow(label=i.label, kind="unscored", stated=i.score, explanation="未写分值，不计分。",
                       evidence=list(i.evidence))
    w = i.weight
    if i.target is None or i.actual is None:
        how = "定性指标，按评价档次由评价人确定，保留自评得分"
        if i.score is not None and w > 0:
            share = i.score / w * _HUNDRED
            band = next((b for b in rules.qualitative if b.min <= share <= b.max), None)
            how += f"；得分占分值{fmt(share, 1)}%" + (f"，属“{band.name}”档（{fmt(band.min)}%–{fmt(band.max)}%）"
                                                   if band else "，不在任何档次内")
        return FormRow(label=i.label, kind="qualitative", weight=w, stated=i.score, explanation=how + "。",
                       evidence=list(i.evidence))
    t, a, d = i.target, i.actual, rules.score_decimals
    shown = f"{COMPARATOR_SIGNS.get(i.comparator or '', '')}{fmt(t)}{i.unit}"
    if i.comparator == "<=":
        met, ratio, formula = a <= t, (t / a if a > 0 else None), f"{fmt(w)} × {fmt(t)} ÷ {fmt(a)}"
    else:
        met, ratio, formula = a >= t, (a / t if t > 0 else None), f"{fmt(w)} × {fmt(a)} ÷ {fmt(t)}"
    if met:
        computed, how = w, f"实际{fmt(a)}{i.unit}达到目标{shown}，得满分{fmt(w)}分"
    elif ratio is None:
        computed, how = Decimal(0), f"实际{fmt(a)}{i.unit}未达目标{shown}，按0分计"
    else:
        raw = w * ratio
        computed = round_to(min(raw, w) if rules.quantitative.cap_at_weight else raw, d)
        how = f"实际{fmt(a)}{i.unit}未达目标{shown}，{formula} = {fmt(computed)}分"
    return _row(i.label, "quantitative", w, i.score, computed, how, i.evidence)


def _row(label: str, kind: str, weight: Decimal, stated: Decimal | None, computed: Decimal, how: str,
         evidence: list[Span]) -> FormRow:
    diff = None
    if stated is not None:  # the same at the precision the unit wrote (9.8 for 9.77) is no difference
        diff = Decimal(0) if round_to(computed, written_decimals(stated)) == stated else stated - computed
    if diff:
        how += f"；自评{fmt(stated)}分，相差{fmt(diff)}分"
    return FormRow(label=label, kind=kind, weight=weight, stated=stated, computed=computed, difference=diff,
                   explanation=how + "。", evidence=list(evidence))
