"""Score a :class:`Report` against a framework: :func:`score` → :class:`ScoreCard`.

Each leaf reads its inputs from the report (with their evidence), evaluates its formula and
applies its rule. An indicator whose input the report does not give is "无法计算" and names
that input — never a guessed number; a qualitative one is "需人工评定". Totals and the grade
use only what could be computed, and say so.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from jixiao.model import Metric, Report
from jixiao.score.card import Adjustment, CapResult, IndicatorScore, InputValue, ScoreCard
from jixiao.score.formula import ZeroDivisor, compile_formula
from jixiao.score.framework import CapSpec, Framework, Node, Scored, choose_framework, load_framework
from jixiao.score.refs import label, resolve
from jixiao.score.rules import NOT_COMPUTABLE, REVIEW, SCORED, IndicatorInput, Outcome, round_points

_ZERO = Decimal(0)
_VALUE_PLACES = Decimal("0.0001")


def score(report: Report, framework_name: str | Framework | None = None) -> ScoreCard:
    """Score ``report`` with the framework ``framework_name`` (a file stem such as
    ``national_2013``, or a :class:`Framework` already loaded), or else the one chosen from
    the report's province/kind/year (``applies_to``), or else the default (national) one.

    Raises:
        FrameworkError: ``framework_name`` does not exist or a framework file is invalid.
    """
    if isinstance(framework_name, Framework):
        fw, why = framework_name, f"按指定选用评分框架：{framework_name.id}"
    elif framework_name:
        fw, why = load_framework(framework_name), f"按指定选用评分框架：{framework_name}"
    else:
        fw = choose_framework(report)
        why = (f"按报告的省份/类型/年度选用评分框架：{fw.id}" if fw.applies_to.criteria()
               else f"未找到适用于该报告的专用框架，选用默认框架：{fw.id}")
    indicators: list[IndicatorScore] = []
    for node in fw.indicators:
        indicators.extend(_score_node(node, [], report))
    caps = [_apply_cap(cap, report) for cap in fw.caps]
    unknown = [fw.unknown_note] + [n.unknown_note for top in fw.indicators for n in top.walk()]
    return _card(fw, report, indicators, caps, [why, *(f"框架未收录：{u}" for u in unknown if u)])


def _score_node(node: Node, path: list[str], report: Report) -> list[IndicatorScore]:
    here = [*path, node.name]
    if node.children:
        return [s for child in node.children for s in _score_node(child, here, report)]
    if node.leaf is not None:
        return [_score_leaf(node.leaf, node.id, node.name, here, node.weight, report)]
    return _score_generator(node, here, report)


def _score_generator(node: Node, path: list[str], report: Report) -> list[IndicatorScore]:
    """One leaf per distinct metric with a target; the node's weight split evenly."""
    template = node.template
    metrics: list[Metric] = []
    for m in report.metrics:
        if m.target is not None and not any(_same(m, seen) for seen in metrics):
            metrics.append(m)
    if not metrics:
        return [IndicatorScore(
            id=node.id, name=node.name, path=path, weight=node.weight, rule=template.rule,
            rule_label=template.rule_type.label, formula=template.formula, status=NOT_COMPUTABLE,
            missing=["metric.target"], note=f"报告中没有{node.for_each.missing}，无法逐项计分")]
    out = []
    for i, (m, weight) in enumerate(zip(metrics, _split(node.weight, len(metrics)), strict=True), 1):
        name = template.name.format(label=m.label, unit=m.unit, kpi=m.kpi or "")
        card = _score_leaf(template, f"{node.id}.{i}", name, [*path, name], weight, report, m)
        clash = sorted({o.value for o in report.metrics if m.kpi and o.kpi == m.kpi and o.value != m.value})
        if clash:
            card.note = _join(card.note, f"同一指标（{m.kpi}）在报告中另有不同取值：{'、'.join(map(str, clash))}")
        out.append(card)
    return out


def _same(a: Metric, b: Metric) -> bool:
    return (a.kpi, a.label, a.value, a.target) == (b.kpi, b.label, b.value, b.target)


def _split(weight: Decimal, n: int) -> list[Decimal]:
    """``weight`` in ``n`` parts of 2 decimals; the last takes the remainder, so they add up."""
    part = (weight / n).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [part] * (n - 1) + [weight - part * (n - 1)]


def _inputs(spec: Scored, report: Report, metric: Metric | None) -> list[InputValue]:
    out = []
    for alias, ref in spec.refs.items():
        r = resolve(ref, report, metric)
        out.append(InputValue(name=alias, ref=ref.text, label=label(ref), value=r.value,
                              evidence=r.evidence, note=r.note))
    return out


def _evaluate(spec: Scored, inputs: list[InputValue], weight: Decimal, comparator: str | None):
    """Run the formula and the rule: (value, Outcome), or raise ZeroDivisor."""
    values = {i.name: i.value for i in inputs}

    def num(x):
        return x if isinstance(x, Decimal) else compile_formula(x, values.keys()).evaluate(values)

    value = spec.compiled_formula.evaluate(values) if spec.compiled_formula else None
    ctx = IndicatorInput(weight=weight, value=value, num=num, comparator=comparator)
    outcome: Outcome = spec.rule_type.fn(spec.parsed_params, ctx)
    adjustments = []
    if outcome.points is not None:
        points = outcome.points
        for rt, params in spec.adjustments:
            adj = rt.fn(params, IndicatorInput(weight=weight, value=value, num=num, points=points, comparator=comparator))
            points = max(points + adj.points, _ZERO)
            adjustments.append(Adjustment(rule=rt.name, points=adj.points, note=adj.note))
        outcome = Outcome(points, outcome.status, outcome.note)
    return value, outcome, adjustments


def _score_leaf(spec: Scored, id_: str, name: str, path: list[str], weight: Decimal, report: Report,
                metric: Metric | None = None) -> IndicatorScore:
    inputs = _inputs(spec, report, metric)
    card = IndicatorScore(id=id_, name=name, path=path, weight=weight, rule=spec.rule,
                          rule_label=spec.rule_type.label, formula=spec.formula, inputs=inputs,
                          status=NOT_COMPUTABLE)
    missing = [i for i in inputs if i.value is None]
    if spec.rule == "qualitative":  # a reviewer decides, whatever the inputs say
        outcome = spec.rule_type.fn(spec.parsed_params, IndicatorInput(weight=weight, value=None, num=_no_inputs))
        card.status, card.note = outcome.status, outcome.note
        return card
    if missing:
        card.missing = [i.ref for i in missing]
        card.note = "；".join(f"缺少{i.label}（{i.ref}）：{i.note}" for i in missing)
        return card
    try:
        comparator = metric.target_comparator if metric else None
        value, outcome, card.adjustments = _evaluate(spec, inputs, weight, comparator)
    except ZeroDivisor:
        card.note = f"除数为零，公式 {spec.formula} 无法计算"
        return card
    card.value = None if value is None else value.quantize(_VALUE_PLACES, rounding=ROUND_HALF_UP)
    card.points = outcome.points
    card.status = outcome.status
    card.note = outcome.note
    return card


def _no_inputs(x):
    raise ZeroDivisor(str(x))  # pragma: no cover - a rule without inputs never evaluates one


def _apply_cap(cap: CapSpec, report: Report) -> CapResult:
    inputs = _inputs(cap, report, None)
    result = CapResult(id=cap.id, name=cap.name, rule=cap.rule, formula=cap.formula, inputs=inputs,
                       status=NOT_COMPUTABLE)
    missing = [i for i in inputs if i.value is None]
    if missing:
        result.missing = [i.ref for i in missing]
        result.note = "无法判断是否封顶：" + "；".join(f"缺少{i.label}（{i.ref}）" for i in missing)
        return result
    try:
        value, outcome, _ = _evaluate(cap, inputs, _ZERO, None)
    except ZeroDivisor:
        result.note = f"除数为零，公式 {cap.formula} 无法计算"
        return result
    result.value = value.quantize(_VALUE_PLACES, rounding=ROUND_HALF_UP)
    result.ceiling, result.status, result.note = outcome.points, SCORED, outcome.note
    return result


def _card(fw: Framework, report: Report, indicators: list[IndicatorScore], caps: list[CapResult],
          notes: list[str]) -> ScoreCard:
    scored = [i for i in indicators if i.status == SCORED]
    review = [i for i in indicators if i.status == REVIEW]
    unknown = [i for i in indicators if i.status == NOT_COMPUTABLE]
    points = sum((i.points for i in scored), _ZERO)
    auto_max = sum((i.weight for i in scored), _ZERO)
    percent = None if not auto_max else points / auto_max * 100
    for cap in caps:
        if cap.ceiling is None:
            continue
        if points > cap.ceiling:
            notes.append(f"{cap.name}：总分由{points}封顶为{cap.ceiling}")
            points = cap.ceiling
        if percent is not None:
            percent = min(percent, cap.ceiling / fw.total * 100)
    partial = bool(review or unknown or fw.unknown_total or any(c.status != SCORED for c in caps))
    percent = None if percent is None else round_points(percent)
    grade = None if percent is None else next((b.grade for b in fw.grade_bands if percent >= b.min), None)
    card = ScoreCard(
        framework_id=fw.id, framework_name=fw.name, framework_source=fw.source, report_source=report.source,
        unit_name=report.fact_value("unit_name"), fiscal_year=report.fact_value("fiscal_year"),
        total_weight=fw.total, unknown_weight=fw.unknown_total, indicators=indicators, caps=caps,
        auto_points=round_points(points), auto_max=auto_max, review_count=len(review),
        review_weight=sum((i.weight for i in review), _ZERO), uncomputable_count=len(unknown),
        uncomputable_weight=sum((i.weight for i in unknown), _ZERO), percent=percent, grade=grade,
        partial=partial, grade_label="", notes=notes)
    card.grade_label = _grade_label(card)
    _self_score(card, report)
    return card


def _grade_label(card: ScoreCard) -> str:
    if card.percent is None:
        return "无法评定等级（没有可自动计算的指标）"
    if not card.partial:
        return f"{card.grade}（{card.auto_points}分）"
    rest = [f"{card.uncomputable_count}项无法计算（{card.uncomputable_weight}分）" if card.uncomputable_count else "",
            f"{card.review_count}项需人工评定（{card.review_weight}分）" if card.review_count else "",
            f"框架中{card.unknown_weight}分的指标未知" if card.unknown_weight else ""]
    rest_text = "，".join(r for r in rest if r)
    return (f"{card.grade}（部分评定：仅按可计算的{card.auto_max}/{card.total_weight}分折算为{card.percent}分"
            + (f"；另有{rest_text}" if rest_text else "") + "）")


def _self_score(card: ScoreCard, report: Report) -> None:
    fact = report.facts.get("self_score")
    if fact is None or isinstance(fact.value, bool) or not isinstance(fact.value, int | Decimal):
        return
    card.self_score = Decimal(fact.value)
    if not card.auto_max:
        card.notes.append(f"报告自评得分{card.self_score}分；没有可自动计算的指标，无法比较")
        return
    card.self_score_difference = card.self_score - card.auto_points
    if card.partial:
        card.notes.append(f"自评得分{card.self_score}分与可自动计算部分{card.auto_points}分之差为"
                          f"{card.self_score_difference}分（部分评分，仅供参考）")


def _join(a: str, b: str) -> str:
    return f"{a}；{b}" if a else b
