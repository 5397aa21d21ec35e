"""Scoring rule types: small registered functions, looked up by the ``rule:`` name in YAML.

Three kinds of rule:

* ``leaf`` rules turn an indicator's value into points out of its weight
  (``capped_ratio``, ``band_table``, ``per_point_deduction``, ``checklist``, ``qualitative``);
* ``adjust`` rules change a leaf's points afterwards (``deviation_penalty``);
* ``total`` rules limit the framework total (``cap``).

Every rule validates its ``params`` with a pydantic model when a framework is loaded, so a
typo in a YAML file is reported then, not while scoring. Points are Decimals rounded half
up to two decimals (:func:`round_points`); comparisons use the unrounded value.
To add a rule type, write a params model and a function and decorate it with :func:`rule`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCORED, NOT_COMPUTABLE, REVIEW = "scored", "无法计算", "需人工评定"
_CENT = Decimal("0.01")
_ZERO = Decimal(0)
Number = Decimal | str  # a number, or an expression over the indicator's inputs


def round_points(x: Decimal) -> Decimal:
    """Points as written on a score card: two decimals, half up (四舍五入)."""
    return x.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndicatorInput:
    """What a scoring rule sees when it runs for one indicator.

    Attributes:
        weight: the indicator's 分值.
        value: the result of the indicator's formula (None when it has none).
        num: evaluates a :data:`Number` param (an expression) against the inputs.
        points: for ``adjust`` rules the leaf's points so far; for ``total`` rules the total.
        comparator: for ``for_each`` metrics, whether the target is a floor or a ceiling
            (``Metric.target_comparator``: ">=", "<=" …; None = a floor).
    """

    weight: Decimal
    value: Decimal | None
    num: Callable[[Number], Decimal]
    points: Decimal | None = None
    comparator: str | None = None


@dataclass(frozen=True)
class Outcome:
    """A rule's answer: points (None unless scored), status and a Chinese note."""

    points: Decimal | None
    status: str = SCORED
    note: str = ""


@dataclass(frozen=True)
class RuleType:
    """A registered rule type."""

    name: str
    kind: Literal["leaf", "adjust", "total"]
    label: str
    params: type[BaseModel]
    fn: Callable[[BaseModel, IndicatorInput], Outcome]
    needs_value: bool
    expressions: Callable[[BaseModel], list[str]]
    check: Callable[[BaseModel, Decimal], list[str]]


RULES: dict[str, RuleType] = {}


def rule(name: str, *, kind: str, label: str, params: type[BaseModel], needs_value: bool = True,
         expressions: Callable[[BaseModel], list[str]] | None = None,
         check: Callable[[BaseModel, Decimal], list[str]] | None = None):
    """Register a rule function under ``name`` (a rule name is never reused)."""

    def register(fn):
        if name in RULES:
            raise ValueError(f"评分规则 {name!r} 重复注册")
        RULES[name] = RuleType(name, kind, label, params, fn, needs_value,
                               expressions or (lambda p: []), check or (lambda p, w: []))
        return fn

    return register


def _exprs(*fields: str) -> Callable[[BaseModel], list[str]]:
    """The params among ``fields`` written as expressions (strings), for load-time checks."""
    return lambda p: [v for f in fields if isinstance(v := getattr(p, f), str)]


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ── capped_ratio ────────────────────────────────────────────────────────────────────────


class CappedRatioParams(_Params):
    """``target``: the value that earns full marks. ``direction``: ``higher`` (≥ target is
    good: weight × value/target), ``lower`` (≤ target is good: weight × target/value) or
    ``metric`` (from the metric's ``target_comparator``: ≤/< → lower). ``floor``: least points."""

    target: Number = Decimal(100)
    direction: Literal["higher", "lower", "metric"] = "higher"
    floor: Decimal = _ZERO


@rule("capped_ratio", kind="leaf", label="比例计分（封顶）", params=CappedRatioParams, expressions=_exprs("target"))
def capped_ratio(p: CappedRatioParams, ctx: IndicatorInput) -> Outcome:
    """Score = weight × min(value ÷ target, 1) (or target ÷ value for lower-is-better)."""
    target, value = ctx.num(p.target), ctx.value
    lower = p.direction == "lower" or (p.direction == "metric" and ctx.comparator in ("<=", "<"))
    if lower:
        ratio = Decimal(1) if value <= target else (target / value if value else Decimal(1))
    else:
        if target <= 0:
            return Outcome(None, NOT_COMPUTABLE, f"目标值为{target}，无法按比例计分")
        ratio = value / target
    ratio = min(max(ratio, _ZERO), Decimal(1))
    points = max(ctx.weight * ratio, p.floor)
    sign = "≤" if lower else "≥"
    return Outcome(round_points(points), note=f"目标{sign}{target}，计分比例{round_points(ratio * 100)}%")


# ── per_point_deduction ─────────────────────────────────────────────────────────────────


class PerPointParams(_Params):
    """Deduct ``deduct`` points per ``step`` the value is ``above``/``below`` ``threshold``,
    never below 0. ``whole_steps``: count only whole steps (each full 5% …)."""

    threshold: Number
    direction: Literal["above", "below"]
    deduct: Decimal = Field(gt=0)
    step: Decimal = Field(default=Decimal(1), gt=0)
    whole_steps: bool = False


@rule("per_point_deduction", kind="leaf", label="按点扣分", params=PerPointParams, expressions=_exprs("threshold"))
def per_point_deduction(p: PerPointParams, ctx: IndicatorInput) -> Outcome:
    """Full weight at or inside the threshold; k points off per point/step beyond it."""
    threshold = ctx.num(p.threshold)
    beyond = ctx.value - threshold if p.direction == "above" else threshold - ctx.value
    if beyond <= 0:
        return Outcome(round_points(ctx.weight), note=f"未{'超过' if p.direction == 'above' else '低于'}{threshold}")
    steps = beyond / p.step
    if p.whole_steps:
        steps = steps.to_integral_value(rounding=ROUND_FLOOR)
    deduction = steps * p.deduct
    points = max(ctx.weight - deduction, _ZERO)
    word = "超过" if p.direction == "above" else "低于"
    return Outcome(round_points(points), note=f"{word}{threshold}达{round_points(beyond)}，扣{round_points(min(deduction, ctx.weight))}分")


# ── band_table ──────────────────────────────────────────────────────────────────────────


class Band(_Params):
    """One band: its points and its bounds (all given bounds must hold; none = otherwise)."""

    points: Decimal = Field(ge=0)
    gt: Decimal | None = None
    ge: Decimal | None = None
    lt: Decimal | None = None
    le: Decimal | None = None
    eq: Decimal | None = None

    def holds(self, v: Decimal) -> bool:
        """True when ``v`` lies in the band."""
        return ((self.gt is None or v > self.gt) and (self.ge is None or v >= self.ge)
                and (self.lt is None or v < self.lt) and (self.le is None or v <= self.le)
                and (self.eq is None or v == self.eq))

    def text(self) -> str:
        """The band's bounds in Chinese notation (＝0、(0,10] …)."""
        marks = [(self.eq, "＝"), (self.gt, ">"), (self.ge, "≥"), (self.lt, "<"), (self.le, "≤")]
        return "且".join(f"{m}{b}" for b, m in marks if b is not None) or "其他"


class BandTableParams(_Params):
    """Bands tried in order; the first that holds gives the points."""

    bands: list[Band] = Field(min_length=1)


def _check_bands(p: BandTableParams, weight: Decimal) -> list[str]:
    return [f"分档 {b.text()} 的分数 {b.points} 超过权重 {weight}" for b in p.bands if b.points > weight]


@rule("band_table", kind="leaf", label="分档计分", params=BandTableParams, check=_check_bands)
def band_table(p: BandTableParams, ctx: IndicatorInput) -> Outcome:
    """Points of the first band the value falls in."""
    for band in p.bands:
        if band.holds(ctx.value):
            return Outcome(round_points(band.points), note=f"落在分档 {band.text()}")
    return Outcome(None, NOT_COMPUTABLE, f"取值{ctx.value}不在任何分档内")


# ── checklist ───────────────────────────────────────────────────────────────────────────


class ChecklistItem(_Params):
    """A 评价要点 worth ``points``; ``when``: condition over the inputs (None = a reviewer decides)."""

    name: str
    points: Decimal = Field(gt=0)
    when: str | None = None


class ChecklistParams(_Params):
    """``add``: points of the items met; ``deduct``: weight minus the items not met (floor 0)."""

    items: list[ChecklistItem] = Field(min_length=1)
    mode: Literal["add", "deduct"] = "add"


def _check_items(p: ChecklistParams, weight: Decimal) -> list[str]:
    total = sum((i.points for i in p.items), _ZERO)
    if p.mode == "add" and total != weight:
        return [f"要点分数之和 {total} 不等于权重 {weight}"]
    return [f"要点 {i.name} 的分数 {i.points} 超过权重 {weight}" for i in p.items if i.points > weight]


@rule("checklist", kind="leaf", label="要点计分", params=ChecklistParams, needs_value=False,
      expressions=lambda p: [i.when for i in p.items if i.when], check=_check_items)
def checklist(p: ChecklistParams, ctx: IndicatorInput) -> Outcome:
    """Sum (or deduct) item points; any item without a condition sends it to a reviewer."""
    met = [i for i in p.items if i.when and ctx.num(i.when)]
    unmet = [i for i in p.items if i.when and not ctx.num(i.when)]
    manual = [i for i in p.items if not i.when]
    seen = "；".join([f"✓{i.name}" for i in met] + [f"✗{i.name}" for i in unmet])
    if manual:
        names = "、".join(i.name for i in manual)
        return Outcome(None, REVIEW, f"需人工判断的要点：{names}" + (f"；自动判定：{seen}" if seen else ""))
    if p.mode == "add":
        points = sum((i.points for i in met), _ZERO)
    else:
        points = max(ctx.weight - sum((i.points for i in unmet), _ZERO), _ZERO)
    return Outcome(round_points(points), note=seen)


# ── qualitative ─────────────────────────────────────────────────────────────────────────


class QualBand(_Params):
    """A qualitative band: its name and its share of the weight, in percent [low, high]."""

    name: str
    low: Decimal = Field(ge=0, le=100)
    high: Decimal = Field(ge=0, le=100)


class QualitativeParams(_Params):
    """Three bands by default (财预〔2020〕10号, spec §2.5)."""

    bands: list[QualBand] = Field(default_factory=lambda: [
        QualBand(name="达成年度指标", low=Decimal(80), high=Decimal(100)),
        QualBand(name="部分达成年度指标并具有一定效果", low=Decimal(60), high=Decimal(80)),
        QualBand(name="未达成年度指标且效果较差", low=_ZERO, high=Decimal(60)),
    ])


@rule("qualitative", kind="leaf", label="定性分档（人工评定）", params=QualitativeParams, needs_value=False)
def qualitative(p: QualitativeParams, ctx: IndicatorInput) -> Outcome:
    """Never scored automatically: the note lists each band's point range for the reviewer."""
    ranges = "；".join(f"{b.name} {round_points(ctx.weight * b.low / 100)}–{round_points(ctx.weight * b.high / 100)}分"
                      for b in p.bands)
    return Outcome(None, REVIEW, ranges)


# ── deviation_penalty (adjust) ──────────────────────────────────────────────────────────


class DeviationParams(_Params):
    """Deduct ``deduct`` points when |actual − target| ÷ target ≥ ``threshold`` % in ``direction``
    (``over``: actual above target; ``under``; ``both``; ``better``: beyond the target on its
    good side — above a floor target, below a ceiling one, i.e. the target was set too easy)."""

    actual: str = "actual"
    target: str = "target"
    threshold: Decimal = Field(default=Decimal(30), gt=0)
    deduct: Decimal = Field(default=Decimal(2), gt=0)
    direction: Literal["over", "under", "both", "better"] = "over"


@rule("deviation_penalty", kind="adjust", label="偏离扣分", params=DeviationParams, needs_value=False,
      expressions=lambda p: [p.actual, p.target])
def deviation_penalty(p: DeviationParams, ctx: IndicatorInput) -> Outcome:
    """Outcome.points is the (negative) change; the leaf never goes below 0."""
    actual, target = ctx.num(p.actual), ctx.num(p.target)
    if target == 0:
        return Outcome(_ZERO, note="目标值为0，不计偏离")
    deviation = (actual - target) / abs(target) * 100
    direction = p.direction
    if direction == "better":
        direction = "under" if ctx.comparator in ("<=", "<") else "over"
    hit = {"over": deviation >= p.threshold, "under": -deviation >= p.threshold,
           "both": abs(deviation) >= p.threshold}[direction]
    text = f"偏离目标{round_points(deviation)}%"
    if not hit:
        return Outcome(_ZERO, note=f"{text}，未达{p.threshold}%")
    delta = -min(p.deduct, ctx.points or _ZERO)
    return Outcome(round_points(delta), note=f"{text}，达到{p.threshold}%，扣{round_points(-delta)}分")


# ── cap (total) ─────────────────────────────────────────────────────────────────────────


class CapLimit(_Params):
    """When the value is below ``below``, the total may not exceed ``max``."""

    below: Decimal
    max: Decimal = Field(ge=0)


class CapParams(_Params):
    """Limits tried together; the tightest one that applies wins."""

    limits: list[CapLimit] = Field(min_length=1)


@rule("cap", kind="total", label="总分封顶", params=CapParams)
def cap(p: CapParams, ctx: IndicatorInput) -> Outcome:
    """Outcome.points is the ceiling that applies (None: no ceiling)."""
    applies = [lim for lim in p.limits if ctx.value < lim.below]
    if not applies:
        return Outcome(None, note=f"取值{round_points(ctx.value)}，不触发封顶")
    tightest = min(applies, key=lambda lim: lim.max)
    return Outcome(tightest.max, note=f"取值{round_points(ctx.value)}低于{tightest.below}，总分不超过{tightest.max}")
