"""The score card: what :func:`jixiao.score.score` returns (pydantic, JSON-able).

``card.model_dump()`` holds Decimals; write it with :func:`jixiao.jsonout.dumps` to keep
the numbers exact (``ScoreCard.to_json_text`` does that).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from jixiao.jsonout import dumps
from jixiao.model import Span

Status = Literal["scored", "无法计算", "需人工评定"]


class InputValue(BaseModel):
    """One input of an indicator as found in the report.

    Attributes:
        name: the alias used in the formula.
        ref: where it is read from (``fact.budget``, ``kpi.legal_aid.cases`` …).
        label: Chinese name of the input.
        value: the number, or None when the report does not give it.
        evidence: the spans of the report text the value was read from.
        note: why the value is missing, or a caveat (Chinese).
    """

    name: str
    ref: str
    label: str
    value: Decimal | None = None
    evidence: list[Span] = Field(default_factory=list)
    note: str = ""


class Adjustment(BaseModel):
    """An ``adjust`` rule applied to an indicator (points: the change, ≤ 0)."""

    rule: str
    points: Decimal
    note: str = ""


class IndicatorScore(BaseModel):
    """One scored (or not scorable) indicator.

    Attributes:
        path: names from the 一级 indicator down to this one.
        value: the formula's result (4 decimals, half up; points use the unrounded value).
        points: points earned, 2 decimals; None unless ``status`` is "scored".
        missing: refs of the inputs that are missing when ``status`` is "无法计算".
    """

    id: str
    name: str
    path: list[str]
    weight: Decimal
    rule: str
    rule_label: str
    formula: str | None = None
    inputs: list[InputValue] = Field(default_factory=list)
    value: Decimal | None = None
    points: Decimal | None = None
    status: Status
    missing: list[str] = Field(default_factory=list)
    note: str = ""
    adjustments: list[Adjustment] = Field(default_factory=list)


class CapResult(BaseModel):
    """A ``total`` rule as applied: its ceiling (None: none applies) and the inputs it read."""

    id: str
    name: str
    rule: str
    formula: str | None = None
    inputs: list[InputValue] = Field(default_factory=list)
    value: Decimal | None = None
    ceiling: Decimal | None = None
    status: Status
    missing: list[str] = Field(default_factory=list)
    note: str = ""


class ScoreCard(BaseModel):
    """A report scored against one framework.

    Attributes:
        auto_points: points of the indicators scored automatically (after caps).
        auto_max: the weights of those indicators (what they could have earned).
        percent: auto_points ÷ auto_max × 100 (2 decimals) — the basis of ``grade``.
        partial: True when some weight is not auto-scored (uncomputable, for review, or
            unknown in the framework): the grade then reflects only the computable part.
        unknown_weight: weight of rows the framework's source does not show.
        self_score_difference: self_score − auto_points, when both exist.
    """

    framework_id: str
    framework_name: str
    framework_source: str
    report_source: str
    unit_name: str | None = None
    fiscal_year: int | None = None
    total_weight: Decimal
    unknown_weight: Decimal = Decimal(0)
    indicators: list[IndicatorScore]
    caps: list[CapResult] = Field(default_factory=list)
    auto_points: Decimal
    auto_max: Decimal
    review_count: int
    review_weight: Decimal
    uncomputable_count: int
    uncomputable_weight: Decimal
    percent: Decimal | None = None
    grade: str | None = None
    partial: bool
    grade_label: str
    self_score: Decimal | None = None
    self_score_difference: Decimal | None = None
    notes: list[str] = Field(default_factory=list)

    def to_json_text(self, indent: int | None = 1) -> str:
        """The card as JSON with exact Decimal numbers."""
        return dumps(self.model_dump(), indent=indent)
