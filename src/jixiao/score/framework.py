"""Scoring frameworks as data: the YAML schema, the loader, and choosing one for a report.

A framework file (``data/frameworks/<id>.yaml``) holds an indicator tree. A node is one of

* a **group**: ``name``, ``weight``, ``children`` (and ``unknown_weight`` for rows the
  source does not show — the children plus that must add up to the weight);
* a **leaf**: ``id``, ``name``, ``weight``, ``rule`` + ``params``, ``inputs`` (alias → reference,
  see :mod:`jixiao.score.refs`), ``formula`` over the aliases, optional ``adjust`` rules;
* a **generator**: ``for_each`` (one leaf per metric of the report that has a target,
  the weight split evenly) with a leaf ``template``.

Everything is checked when the file is loaded (rule names, params, references, formulas,
weights); errors name the file and the place in it. Adding a province or a year is a new
YAML file, no code.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from jixiao.errors import DataError, JixiaoError
from jixiao.lexicon import data_cache, data_files, load_model, validate_text
from jixiao.model import Report
from jixiao.score.formula import Formula, FormulaError, compile_formula
from jixiao.score.refs import Ref, RefError, check_ref, parse_ref
from jixiao.score.rules import RULES, RuleType

_ZERO = Decimal(0)


class FrameworkError(JixiaoError):
    """A framework file is invalid, or a named framework does not exist."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AdjustSpec(_Model):
    """An ``adjust`` rule applied to a leaf after its own rule (e.g. ``deviation_penalty``)."""

    rule: str
    params: dict[str, Any] = Field(default_factory=dict)


class Scored(_Model):
    """What a leaf, a template and a cap have in common: a rule with inputs and a formula."""

    rule: str
    params: dict[str, Any] = Field(default_factory=dict)
    inputs: dict[str, str] = Field(default_factory=dict)
    formula: str | None = None
    adjust: list[AdjustSpec] = Field(default_factory=list)
    _refs: dict[str, Ref] = PrivateAttr(default_factory=dict)
    _formula: Formula | None = PrivateAttr(default=None)
    _params: BaseModel | None = PrivateAttr(default=None)
    _adjust: list[tuple[RuleType, BaseModel]] = PrivateAttr(default_factory=list)

    def compile(self, weight: Decimal | None, *, kind: str, in_template: bool = False) -> None:
        """Check the rule, params, references and formula; keep the parsed forms."""
        rt = _rule_type(self.rule, kind)
        self._refs = {alias: _ref(alias, text, in_template) for alias, text in self.inputs.items()}
        names = frozenset(self._refs)
        if rt.needs_value:
            if not self.formula:
                raise ValueError(f"规则 {self.rule} 需要 formula")
            self._formula = _formula(self.formula, names)
        elif self.formula:
            raise ValueError(f"规则 {self.rule} 不使用 formula")
        self._params = _params(rt, self.params, names)
        if weight is not None:
            problems = rt.check(self._params, weight)
            if problems:
                raise ValueError("；".join(problems))
        self._adjust = []
        for adj in self.adjust:
            art = _rule_type(adj.rule, "adjust")
            self._adjust.append((art, _params(art, adj.params, names)))

    @property
    def rule_type(self) -> RuleType:
        """The registered rule type."""
        return RULES[self.rule]

    @property
    def refs(self) -> dict[str, Ref]:
        """Parsed input references, by alias."""
        return self._refs

    @property
    def compiled_formula(self) -> Formula | None:
        """The checked formula (None for rules without one)."""
        return self._formula

    @property
    def parsed_params(self) -> BaseModel:
        """The rule's params as its pydantic model."""
        return self._params

    @property
    def adjustments(self) -> list[tuple[RuleType, BaseModel]]:
        """The ``adjust`` rules with parsed params."""
        return self._adjust


class Template(Scored):
    """The leaf made for each metric of a ``for_each`` node; ``name`` may use ``{label}``/``{unit}``."""

    name: str = "{label}"


class ForEach(_Model):
    """Generate one leaf per metric that has a target (``metrics_with_target``)."""

    source: Literal["metrics_with_target"] = "metrics_with_target"
    split: Literal["equal"] = "equal"
    missing: str = Field(description="Chinese name of what is missing when the report has no such metric")


class Node(_Model):
    """A group, a leaf or a generator of the indicator tree (see the module docstring)."""

    id: str | None = None
    name: str
    weight: Decimal = Field(ge=0)
    note: str | None = None
    children: list[Node] = Field(default_factory=list)
    unknown_weight: Decimal = Field(default=_ZERO, ge=0)
    unknown_note: str | None = None
    rule: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    inputs: dict[str, str] = Field(default_factory=dict)
    formula: str | None = None
    adjust: list[AdjustSpec] = Field(default_factory=list)
    for_each: ForEach | None = None
    template: Template | None = None
    _leaf: Scored | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> Node:
        shapes = [bool(self.children), self.rule is not None, self.for_each is not None]
        if sum(shapes) != 1:
            raise ValueError(f"指标 {self.name}：必须且只能是分组（children）、叶子（rule）或生成器（for_each）之一")
        if self.children:
            total = sum((c.weight for c in self.children), _ZERO) + self.unknown_weight
            if total != self.weight:
                raise ValueError(f"指标 {self.name}：下级权重之和 {total}（含未知 {self.unknown_weight}）不等于 {self.weight}")
        elif self.rule is not None:
            if not self.id:
                raise ValueError(f"叶子指标 {self.name} 缺少 id")
            self._leaf = Scored(rule=self.rule, params=self.params, inputs=self.inputs,
                                formula=self.formula, adjust=self.adjust)
            self._leaf.compile(self.weight, kind="leaf")
        else:
            if not self.id or self.template is None:
                raise ValueError(f"生成器 {self.name} 需要 id 与 template")
            self.template.compile(None, kind="leaf", in_template=True)
        return self

    @property
    def leaf(self) -> Scored | None:
        """The compiled rule of a leaf node."""
        return self._leaf

    def walk(self):
        """Yield every node of this subtree, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


class AppliesTo(_Model):
    """Which reports the framework is meant for; every criterion given must hold."""

    province: list[str] = Field(default_factory=list)
    report_kind: list[str] = Field(default_factory=list)
    fiscal_year_min: int | None = None
    fiscal_year_max: int | None = None

    def criteria(self) -> int:
        """How many criteria are set (a more specific framework wins)."""
        return (bool(self.province) + bool(self.report_kind)
                + (self.fiscal_year_min is not None) + (self.fiscal_year_max is not None))

    def matches(self, report: Report) -> bool:
        """True when the report meets every criterion set (an unknown fact never matches)."""
        year = report.fact_value("fiscal_year")
        return ((not self.province or report.fact_value("province") in self.province)
                and (not self.report_kind or report.fact_value("report_kind") in self.report_kind)
                and (self.fiscal_year_min is None or (year is not None and year >= self.fiscal_year_min))
                and (self.fiscal_year_max is None or (year is not None and year <= self.fiscal_year_max)))


class GradeBand(_Model):
    """A grade and the lowest score (inclusive) that earns it."""

    grade: str
    min: Decimal


class CapSpec(Scored):
    """A ``total`` rule on the framework (e.g. the total limited by 执行率)."""

    id: str
    name: str
    note: str | None = None


class Framework(_Model):
    """A scoring framework file."""

    id: str
    name: str
    source: str
    weights_note: str
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    default: bool = False
    total: Decimal
    unknown_weight: Decimal = Field(default=_ZERO, ge=0)
    unknown_note: str | None = None
    grade_bands: list[GradeBand] = Field(min_length=1)
    indicators: list[Node] = Field(min_length=1)
    caps: list[CapSpec] = Field(default_factory=list)

    @property
    def unknown_total(self) -> Decimal:
        """All weight the source does not show: top level plus every group's ``unknown_weight``."""
        return self.unknown_weight + sum((n.unknown_weight for top in self.indicators for n in top.walk()), _ZERO)

    @model_validator(mode="after")
    def _check(self) -> Framework:
        total = sum((n.weight for n in self.indicators), _ZERO) + self.unknown_weight
        if total != self.total:
            raise ValueError(f"一级指标权重之和 {total}（含未知 {self.unknown_weight}）不等于总分 {self.total}")
        ids = [n.id for top in self.indicators for n in top.walk() if n.id] + [c.id for c in self.caps]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"指标 id 重复：{', '.join(dupes)}")
        mins = [b.min for b in self.grade_bands]
        if mins != sorted(mins, reverse=True):
            raise ValueError("grade_bands 须按下限从高到低排列")
        for cap in self.caps:
            cap.compile(None, kind="total")
        return self


def _rule_type(name: str, kind: str) -> RuleType:
    rt = RULES.get(name)
    if rt is None:
        raise ValueError(f"未知的评分规则 {name!r}（可用：{', '.join(sorted(RULES))}）")
    if rt.kind != kind:
        raise ValueError(f"规则 {name!r} 是 {rt.kind} 类规则，不能用在 {kind} 位置")
    return rt


def _ref(alias: str, text: str, in_template: bool) -> Ref:
    if not alias.isidentifier() or alias.startswith("_"):
        raise ValueError(f"输入名 {alias!r} 须为标识符（字母、数字、下划线，不以下划线开头）")
    try:
        ref = parse_ref(text)
        check_ref(ref, in_template=in_template)
    except RefError as err:
        raise ValueError(str(err)) from None
    return ref


def _formula(text: str, names: frozenset[str]) -> Formula:
    try:
        return compile_formula(text, names)
    except FormulaError as err:
        raise ValueError(str(err)) from None


def _params(rt: RuleType, raw: dict[str, Any], names: frozenset[str]) -> BaseModel:
    try:
        parsed = rt.params.model_validate(raw)
    except ValidationError as err:
        raise ValueError(f"规则 {rt.name} 的参数有误：{_first_error(err)}") from None
    for expr in rt.expressions(parsed):
        _formula(expr, names)
    return parsed


def _first_error(err: ValidationError) -> str:
    e = err.errors()[0]
    return f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"


# ── loading ─────────────────────────────────────────────────────────────────────────────


def framework_ids() -> list[str]:
    """Ids (file stems) of the frameworks, shipped and in the user's data folder, sorted."""
    return [n[len("frameworks/"):-5] for n in data_files("frameworks") if not n.startswith("frameworks/_")]


def _framework_error(err: DataError) -> FrameworkError:
    return FrameworkError("评分框架无效（invalid framework）：\n" + str(err).split("\n", 1)[1])


def parse_framework(text: str, where: str = "<text>") -> Framework:
    """Validate a framework from YAML text; errors name ``where`` and the line in the file."""
    try:
        return validate_text(Framework, text, where, decimals=True)
    except DataError as err:
        raise _framework_error(err) from None


@data_cache
def load_framework(framework_id: str) -> Framework:
    """The framework ``framework_id`` (the file stem; a file of the user's data folder with the
    same name replaces the shipped one)."""
    if framework_id not in framework_ids():
        raise FrameworkError(f"没有名为 {framework_id!r} 的评分框架（可用：{', '.join(framework_ids())}）")
    name = f"frameworks/{framework_id}.yaml"
    try:
        fw = load_model(name, Framework, True)
    except DataError as err:
        raise _framework_error(err) from None
    if fw.id != framework_id:
        raise FrameworkError(f"{name}：id {fw.id!r} 与文件名不一致")
    return fw


def choose_framework(report: Report) -> Framework:
    """The most specific framework whose ``applies_to`` the report meets, else the default."""
    return most_specific([load_framework(i) for i in framework_ids()], report, "评分框架", FrameworkError)


def most_specific(candidates: list, report: Report, what: str, error: type[JixiaoError]):
    """Of ``candidates`` (each with ``id``, ``applies_to`` and ``default``), the most specific one whose
    ``applies_to`` the report meets, else the one default; ``error`` names ``what`` otherwise."""
    matching = [c for c in candidates if c.applies_to.criteria() and c.applies_to.matches(report)]
    if matching:
        # max() keeps the first of equals, so a tie goes to the smallest id
        return max(sorted(matching, key=lambda c: c.id), key=lambda c: c.applies_to.criteria())
    defaults = [c for c in candidates if c.default]
    if len(defaults) != 1:
        raise error(f"须恰有一个默认{what}（default: true），现有 {len(defaults)} 个")
    return defaults[0]
