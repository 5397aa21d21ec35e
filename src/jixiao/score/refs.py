"""Input references: where an indicator's input value comes from in a :class:`Report`.

A reference is a short dotted string written in a framework YAML file:

=====================  ==========================================================
``fact.KEY``           a flat fact (spec/facts.md), e.g. ``fact.expenditure_total``
``items.FIELD``        the sum of ``budget``/``adjustment``/``actual``/``carryover``
                       over the project items (missing unless every item states it)
``kpi.ID``             the value of the metrics with that KPI id (``kpi.legal_aid.cases``)
``target.ID``          the target the report pairs with that KPI
``section.KEY``        1 when the outline section is present, else 0 (never missing)
``has.REF``            1 when REF has a value, else 0 (never missing)
``metric.value``       inside a ``for_each`` template: the metric's value / target
=====================  ==========================================================

A value is never guessed: when the report does not state it (or states it in two
different ways) the input is missing and the resolver says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.lexicon import data_cache, load_yaml
from jixiao.model import Metric, ProjectItem, Report, Span

KINDS = ("fact", "items", "kpi", "target", "section", "has", "metric")
ITEM_FIELDS = {"budget": "预算数", "adjustment": "调整数", "actual": "实际支出", "carryover": "结转结余"}
METRIC_FIELDS = {"value": "实际完成值", "target": "年度指标值（目标）"}


class RefError(ValueError):
    """A reference is malformed or names something unknown."""


@dataclass(frozen=True)
class Ref:
    """A parsed reference: ``kind`` and ``key`` (``inner`` for ``has.``)."""

    text: str
    kind: str
    key: str
    inner: Ref | None = None


@dataclass
class Resolved:
    """The value of one input in one report, with the text it came from.

    Attributes:
        value: the number, or None when the report does not give it.
        evidence: spans of the normalised text the value was read from.
        note: Chinese remark: why the value is missing, or a caveat.
    """

    value: Decimal | None
    evidence: list[Span] = field(default_factory=list)
    note: str = ""


def parse_ref(text: str) -> Ref:
    """Parse a reference string; raises :class:`RefError` when it is malformed."""
    text = str(text).strip()
    kind, _, key = text.partition(".")
    if kind not in KINDS or not key:
        raise RefError(f"无法识别的输入引用 {text!r}（应为 {', '.join(k + '.…' for k in KINDS)}）")
    if kind == "has":
        inner = parse_ref(key)
        if inner.kind in ("has", "section"):
            raise RefError(f"{text!r}：has. 只能用于 fact/items/kpi/target/metric 引用")
        return Ref(text, kind, key, inner)
    if kind == "items" and key not in ITEM_FIELDS:
        raise RefError(f"{text!r}：项目字段只能是 {', '.join(ITEM_FIELDS)}")
    if kind == "metric" and key not in METRIC_FIELDS:
        raise RefError(f"{text!r}：metric. 只能是 {', '.join(METRIC_FIELDS)}")
    return Ref(text, kind, key)


def fact_catalogue() -> dict[str, dict]:
    """Fact inputs a framework may use (``data/frameworks/_inputs.yaml``), by key."""
    return load_yaml("frameworks/_inputs.yaml")["facts"]


@data_cache
def section_names() -> dict[str, str]:
    """Chinese names of the outline section keys (``data/outline.yaml``)."""
    return {s["key"]: s["name"] for s in load_yaml("outline.yaml")["sections"]}


def check_ref(ref: Ref, *, in_template: bool = False) -> None:
    """Raise :class:`RefError` when the reference names an unknown fact/section or misplaces ``metric.``."""
    target = ref.inner or ref
    if target.kind == "fact" and target.key not in fact_catalogue():
        raise RefError(f"{ref.text!r}：事实 {target.key!r} 不在 data/frameworks/_inputs.yaml 的目录中")
    if target.kind == "section" and target.key not in section_names():
        raise RefError(f"{ref.text!r}：章节 {target.key!r} 不在 data/outline.yaml 中")
    if target.kind == "metric" and not in_template:
        raise RefError(f"{ref.text!r}：metric. 只能在 for_each 模板中使用")


def label(ref: Ref) -> str:
    """Chinese label of what the reference reads, for score cards."""
    if ref.kind == "fact":
        return fact_catalogue()[ref.key]["label"]
    if ref.kind == "items":
        return f"各项目{ITEM_FIELDS[ref.key]}之和"
    if ref.kind == "kpi":
        return f"绩效指标 {ref.key} 的实际值"
    if ref.kind == "target":
        return f"绩效指标 {ref.key} 的目标值"
    if ref.kind == "section":
        return f"章节“{section_names()[ref.key]}”是否存在"
    if ref.kind == "metric":
        return METRIC_FIELDS[ref.key]
    return f"是否给出：{label(ref.inner)}" if ref.inner else ref.text


def resolve(ref: Ref, report: Report, metric: Metric | None = None) -> Resolved:
    """The value of ``ref`` in ``report`` (``metric``: the current for_each metric)."""
    if ref.kind == "has":
        inner = resolve(ref.inner, report, metric)
        present = inner.value is not None
        return Resolved(Decimal(int(present)), inner.evidence, inner.note if not present else "")
    return _RESOLVERS[ref.kind](ref.key, report, metric)


def _fact(key: str, report: Report, _metric) -> Resolved:
    fact = report.facts.get(key)
    if fact is None:
        return Resolved(None, note="报告未给出")
    if isinstance(fact.value, bool) or not isinstance(fact.value, int | Decimal):
        return Resolved(None, list(fact.evidence), note=f"不是数值：{fact.value!r}")
    note = "（由其他数值计算得出）" if fact.computed else ""
    return Resolved(Decimal(fact.value), list(fact.evidence), note)


def _items(key: str, report: Report, _metric) -> Resolved:
    items: list[ProjectItem] = report.project_items
    if not items:
        return Resolved(None, note="报告未列出项目")
    lacking = [it.name for it in items if getattr(it, key) is None]
    evidence = [s for it in items for s in it.evidence]
    if lacking:
        return Resolved(None, evidence, note=f"以下项目未给出{ITEM_FIELDS[key]}：{'、'.join(lacking)}")
    return Resolved(sum((getattr(it, key) for it in items), Decimal(0)), evidence)


def _kpi_metrics(kpi: str, report: Report) -> list[Metric]:
    return [m for m in report.metrics if m.kpi == kpi]


def _kpi(key: str, report: Report, _metric) -> Resolved:
    found = _kpi_metrics(key, report)
    return _single([(m.value, m.evidence) for m in found], "报告未给出该指标")


def _target(key: str, report: Report, _metric) -> Resolved:
    found = [m for m in _kpi_metrics(key, report) if m.target is not None]
    return _single([(m.target, target_evidence(m, report)) for m in found], "报告未给出该指标的目标值")


def _single(found: list[tuple[Decimal, list[Span]]], absent: str) -> Resolved:
    if not found:
        return Resolved(None, note=absent)
    evidence = [s for _, spans in found for s in spans]
    values = sorted({v for v, _ in found})
    if len(values) > 1:
        return Resolved(None, evidence, note=f"报告中多处取值不一致：{'、'.join(str(v) for v in values)}")
    return Resolved(values[0], evidence)


def _section(key: str, report: Report, _metric) -> Resolved:
    spans = [Span(start=s.start, end=s.start + len(s.title), text=s.title) for s in report.sections if s.key == key]
    return Resolved(Decimal(int(bool(spans))), spans, "" if spans else "报告中没有该章节")


def _metric_field(key: str, report: Report, metric: Metric | None) -> Resolved:
    if metric is None:
        return Resolved(None, note="不在 for_each 模板中")
    if key == "value":
        return Resolved(metric.value, list(metric.evidence))
    if metric.target is None:
        return Resolved(None, note="该指标没有目标值")
    return Resolved(metric.target, target_evidence(metric, report))


def target_evidence(metric: Metric, report: Report) -> list[Span]:
    """Where the report states ``metric.target``: the nearest metric stating that number
    as a task/target (``…target`` KPI or 任务/目标 in its label); else the metric's own span."""
    if not metric.evidence:
        return []
    at = metric.evidence[0].start
    candidates = [m for m in report.metrics
                  if m is not metric and m.value == metric.target and m.evidence
                  and ((m.kpi or "").endswith(".target") or any(w in m.label for w in ("任务", "目标", "计划")))]
    if not candidates:
        return list(metric.evidence)
    best = min(candidates, key=lambda m: abs(m.evidence[0].start - at))
    return list(best.evidence)


_RESOLVERS = {"fact": _fact, "items": _items, "kpi": _kpi, "target": _target,
              "section": _section, "metric": _metric_field}
