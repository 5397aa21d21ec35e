"""The grounded report model: every value carries the span of text it came from.

Offsets index the normalised text of the document (``Document.text``); a span's ``text``
is always ``document.text[start:end]``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# The flat facts of spec/facts.md with their Chinese labels, in export order.
FACT_LABELS = {
    "unit_name": "单位名称", "province": "省", "city": "市", "county": "区县", "fiscal_year": "评价年度",
    "report_kind": "报告类型", "report_date": "报告日期", "staff_authorized": "编制数",
    "staff_actual": "实有人数", "staff_retired": "退休人数", "staff_contract": "编外聘用人员",
    "internal_units": "内设机构数", "subordinate_units": "下属机构数", "budget": "年初预算（万元）",
    "revenue_total": "本年收入合计（万元）", "expenditure_total": "本年支出合计（万元）",
    "basic_expenditure": "基本支出（万元）", "personnel_expenditure": "人员经费（万元）",
    "public_expenditure": "公用经费（万元）", "wages_welfare": "工资福利支出（万元）",
    "goods_services": "商品和服务支出（万元）", "household_subsidies": "对个人和家庭的补助（万元）",
    "capital_expenditure": "资本性支出（万元）", "project_expenditure": "项目支出（万元）",
    "three_public_total": "“三公”经费合计（万元）", "three_public_vehicle": "公务用车购置及运行维护费（万元）",
    "three_public_reception": "公务接待费（万元）", "three_public_overseas": "因公出国（境）费（万元）",
    "gov_fund_expenditure": "政府性基金预算支出（万元）", "soe_capital_expenditure": "国有资本经营预算支出（万元）",
    "social_insurance_expenditure": "社会保险基金预算支出（万元）", "carryover_end": "年末结转结余（万元）",
    "new_fixed_assets": "新增固定资产（万元）", "new_intangible_assets": "新增无形资产（万元）",
    "disposed_assets": "处置固定资产（万元）", "self_score": "自评得分",
}
FACT_KEYS = list(FACT_LABELS)

REPORT_KINDS = {"self_evaluation": "部门整体支出绩效自评报告", "project_self_evaluation": "项目支出绩效自评报告",
                "evaluation": "绩效评价报告", "final_accounts": "决算报告", "budget": "预算报告"}
"""The report kinds (fact ``report_kind``) and their Chinese names."""

SHEET_FORMATS = frozenset({"xlsx", "xls", "et", "ods"})
"""Document formats read as workbooks (a table per sheet, no report outline)."""

COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", ">": "＞", "<": "＜"}
"""How a comparator (a target's or a bound's: ">=" …) is written for a reader."""


def fact_label(key: str) -> str:
    """The Chinese name of a fact without its unit ("基本支出" for ``basic_expenditure``)."""
    return re.sub(r"（万元）$", "", FACT_LABELS.get(key, key))


class Span(BaseModel):
    """A character range of the normalised text, with the text it covers."""

    model_config = ConfigDict(frozen=True)
    start: int
    end: int
    text: str


def built(cls: type[BaseModel], values: dict[str, Any]) -> Any:
    """An instance of ``cls`` from ``values``, which name every field in the class's order, without
    validation or default handling: what ``cls.model_construct(**values)`` gives, a few times faster,
    for hot paths where the values are right by construction."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def page_at(page_starts: list[int] | None, pos: int) -> int | None:
    """The page (from 1) offset ``pos`` is on, given where each page starts; None without pages."""
    return (bisect_right(page_starts, pos) or 1) if page_starts else None


def make_span(start: int, end: int, text: str) -> Span:
    """A :class:`Span` built without validation (see :func:`built`)."""
    return built(Span, {"start": start, "end": end, "text": text})


class Fact(BaseModel):
    """One flat fact of a report (see spec/facts.md), e.g. ``basic_expenditure``.

    Attributes:
        computed: True when the value is derived (e.g. a sum) rather than stated; a computed
            value is never exported as a stated fact.
        decimals: digits after the decimal point as written (for rounding-aware checks);
            None for text values.
    """

    key: str
    value: Any
    evidence: list[Span] = Field(default_factory=list)
    computed: bool = False
    decimals: int | None = None
    others: list[Fact] = Field(default_factory=list)


class ProjectItem(BaseModel):
    """One named 项目/专项 with whichever amounts (万元) the report states."""

    name: str
    budget: Decimal | None = None
    adjustment: Decimal | None = None
    actual: Decimal | None = None
    carryover: Decimal | None = None
    evidence: list[Span] = Field(default_factory=list)


class Metric(BaseModel):
    """A quantitative statement about work done or targets ("调处成功832件").

    Attributes:
        value: the number as a Decimal (counts are integral Decimals).
        unit: the unit as written (件, 人次, %, 万元 …).
        approx: the text qualifies the number (余/近/多/约/上千 …).
        target: the goal the text pairs with the number, when it does; ``target_comparator``
            says whether the goal is a floor (">=") or a ceiling ("<=").
        comparator: ">=", "<=", ">" or "<" when the number itself is a bound (≥95%).
        kpi: the standard indicator id from a KPI pack, or None.
        section: key of the outline section the metric sits in.
    """

    label: str
    value: Decimal
    unit: str
    kpi: str | None = None
    approx: bool = False
    target: Decimal | None = None
    target_comparator: str | None = None
    comparator: str | None = None
    decimals: int = 0
    section: str | None = None
    evidence: list[Span] = Field(default_factory=list)


class Section(BaseModel):
    """A section of the report outline, mapped to a standard key (``problems`` …)."""

    key: str
    title: str
    level: int
    start: int
    end: int
    body_start: int


class Finding(BaseModel):
    """A review finding (issue 3 builds the rules); kept here so the model is complete."""

    rule: str
    severity: str
    message: str
    values: dict[str, Any] = Field(default_factory=dict)
    evidence: list[Span] = Field(default_factory=list)
    # for each evidence span, where a reader finds it: {"page": 7} in a PDF, and for a figure of a 决算 table
    # {"table": "支出决算表", "row": "合计", "column": "基本支出"} (empty when nothing more than the span is known)
    locations: list[dict[str, Any]] = Field(default_factory=list)


class IdentityCandidate(BaseModel):
    """A place where the report may name its unit: the source (title, unit, implementing, publisher
    …, see data/identity.yaml), the cleaned name and the span it was read from."""

    source: str
    name: str
    evidence: list[Span] = Field(default_factory=list)


class FundRow(BaseModel):
    """A row of a 项目支出绩效自评表's 项目资金 part (年度资金总额, 其中 当年财政拨款 / 上年结转 / 其他资金):
    money in 万元, 执行率 in %, 分值 and 得分 as written; absent cells are None."""

    label: str
    budget: Decimal | None = None  # 年初预算数
    budget_full: Decimal | None = None  # 全年预算数 / 调整后预算数
    actual: Decimal | None = None  # 全年执行数
    rate: Decimal | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    evidence: list[Span] = Field(default_factory=list)


class Indicator(BaseModel):
    """An indicator row of a form: 三级指标 (label), 年度指标值 (target, with its comparator),
    实际完成值 (actual, in ``unit``), 分值, 得分 and 偏差原因 as written. A 定性 row (or one whose
    target and result are not quantities of one unit) has ``target_text``/``actual_text`` only."""

    label: str
    level1: str | None = None  # 一级指标 (产出指标 …)
    level2: str | None = None  # 二级指标 (数量指标 …)
    target_text: str | None = None
    actual_text: str | None = None
    target: Decimal | None = None
    comparator: str | None = None
    actual: Decimal | None = None
    unit: str = ""
    weight: Decimal | None = None
    score: Decimal | None = None
    reason: str | None = None
    evidence: list[Span] = Field(default_factory=list)


class Project(BaseModel):
    """One 项目支出绩效自评表 of the document: the project (name without its code), the bodies the form
    names, its money rows, indicator rows and total score. ``evidence`` is the name cell, then, when
    ``total_score`` is stated, its cell."""

    name: str
    kind: Literal["project", "department"] = "project"  # a 项目支出 or a 部门整体支出绩效自评表
    code: str | None = None
    supervising: str | None = None  # 主管部门
    implementing: str | None = None  # 实施单位
    funds: list[FundRow] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    total_score: Decimal | None = None
    total_weight: Decimal | None = None  # the 分值 of the 总分 row (100)
    weight_evidence: Span | None = None
    goal_planned: str | None = None  # 年度总体目标: 预期目标
    goal_actual: str | None = None  # 年度总体目标: 实际完成情况
    conclusion: str | None = None  # 评价结论
    problems: str | None = None  # 存在问题
    measures: str | None = None  # 改进措施
    leader: str | None = None  # 项目负责人 (a person)
    finance_leader: str | None = None  # 财务负责人 (a person)
    field_evidence: dict[str, Span] = Field(default_factory=dict)  # the cell of each text field above
    evidence: list[Span] = Field(default_factory=list)


class OcrLine(BaseModel):
    """A line of text read by OCR: its span in the text, the recognizer's lowest confidence on it (0–1), and where
    it is on its page: ``page`` (from 1) and ``box`` (x0, y0, x1, y1 as fractions of the page's width and height),
    so that a reader can be shown the region of the image."""

    start: int
    end: int
    confidence: float
    page: int | None = None
    box: list[float] | None = None


class Report(BaseModel):
    """Everything extracted from one document."""

    source: str
    format: str = ""
    facts: dict[str, Fact] = Field(default_factory=dict)
    project_items: list[ProjectItem] = Field(default_factory=list)
    metrics: list[Metric] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    findings: list[Finding] | None = None
    identity_candidates: list[IdentityCandidate] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    page_starts: list[int] = Field(default_factory=list)  # where each page of a PDF starts in the text
    ocr_lines: list[OcrLine] = Field(default_factory=list)  # the lines read by OCR (scanned pages, images)

    def page_of(self, pos: int) -> int | None:
        """The page (from 1) offset ``pos`` of the text is on, for a PDF; None otherwise."""
        return page_at(self.page_starts, pos)

    def fact_value(self, key: str) -> Any:
        """The value of fact ``key``, or None when the report does not state it."""
        fact = self.facts.get(key)
        return None if fact is None else fact.value

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """The report of its JSON (:meth:`to_json`, as the workspace stores it, corrections applied): numbers
        given as JSON numbers or text become Decimal again where the model has Decimal fields."""
        evidence = data.get("fact_evidence") or {}
        facts = {k: Fact(key=k, value=_exact(v), evidence=[Span(**s) for s in evidence.get(k) or []])
                 for k, v in (data.get("facts") or {}).items() if v is not None}
        return cls(source=data.get("source") or "", facts=facts,
                   project_items=[ProjectItem.model_validate(_exact_all(i)) for i in data.get("project_items") or []],
                   metrics=[Metric.model_validate(_exact_all(m)) for m in data.get("metrics") or []],
                   sections=[Section.model_validate(s) for s in data.get("sections") or []],
                   identity_candidates=[IdentityCandidate.model_validate(c) for c in data.get("identity_candidates") or []],
                   projects=[Project.model_validate(p) for p in data.get("projects") or []],
                   page_starts=list(data.get("page_starts") or []),
                   ocr_lines=[OcrLine.model_validate(o) for o in data.get("ocr_lines") or []],
                   findings=None if data.get("findings") is None else [Finding.model_validate(f) for f in data["findings"]])

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of spec/facts.md (plain facts plus ``fact_evidence``)."""
        stated = {k: f for k, f in self.facts.items() if not f.computed}
        out: dict[str, Any] = {
            "source": self.source,
            "facts": {k: f.value for k, f in stated.items()},
            "fact_evidence": {k: [s.model_dump() for s in f.evidence] for k, f in stated.items()},
            "project_items": [
                {k: v for k, v in it.model_dump().items() if v is not None} for it in self.project_items
            ],
            "metrics": [m.model_dump() for m in self.metrics],
            "sections": [s.model_dump() for s in self.sections],
            "identity_candidates": [c.model_dump() for c in self.identity_candidates],
        }
        if self.page_starts:
            out["page_starts"] = self.page_starts
        if self.ocr_lines:
            out["ocr_lines"] = [o.model_dump() for o in self.ocr_lines]
        if self.projects:
            out["projects"] = [p.model_dump(exclude_none=True) for p in self.projects]
        if self.findings is not None:
            out["findings"] = [f.model_dump() for f in self.findings]
        return out


def _exact(value: Any) -> Any:
    """A JSON float as the Decimal it was written from (its shortest repr); other values unchanged."""
    return Decimal(repr(value)) if isinstance(value, float) else value


def _exact_all(d: dict[str, Any]) -> dict[str, Any]:
    return {k: _exact(v) for k, v in d.items()}
