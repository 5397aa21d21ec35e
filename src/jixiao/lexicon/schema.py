"""The schema of every data file: one pydantic model per file, extra keys forbidden.

A model checks the shape (a typo in a key is an error naming its line, not a KeyError at run
time), that every regular expression compiles, and the references between entries of the same
file (an indicator's domain is one of the pack's domains, an outline requires known sections).
The loader returns the validated data as plain dicts and lists (``None`` values left out), which
is what the extraction code reads.

Scoring frameworks (``frameworks/<id>.yaml``) have their own model in :mod:`jixiao.score.framework`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel, model_validator


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as err:
        raise ValueError(f"正则表达式无效：{value!r}（invalid regular expression: {err}）") from None
    return value


def _factor(value: str) -> str:
    try:
        ok = Decimal(value) > 0
    except InvalidOperation:
        ok = False
    if not ok:
        raise ValueError(f"换算系数应为正数，如 \"0.0001\"（factor must be a positive number: {value!r}）")
    return value


def _name(value: str) -> str:
    if not value.isidentifier():
        raise ValueError(f"名称须为标识符（字母、数字、下划线）：{value!r}（must be an identifier）")
    return value


Regex = Annotated[str, AfterValidator(_regex)]
"""A Python regular expression (a plain Chinese word is one)."""
Words = Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]
"""A non-empty list of literal words (matched as written)."""
Fragments = Annotated[list[Regex], Field(min_length=1)]
"""A non-empty list of regular-expression fragments, tried in the order written."""
Identifier = Annotated[str, AfterValidator(_name)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Checked(_Model):
    """A file whose entries refer to each other: :meth:`cross_check` yields ``(place, message)``
    for each broken reference, ``place`` being the path of the offending entry (so the error
    names its line)."""

    def cross_check(self) -> Iterator[tuple[tuple, str]]:
        return iter(())


# ── vocabulary.yaml ──────────────────────────────────────────────────────────────────────


class VocabularyFile(_Model):
    """Word lists shared by several parts of the code (each concept defined once).

    Each list is a list of regular-expression fragments joined into one alternation; another data
    file may use a list inside its own patterns as ``{@name}``.
    """

    goal: Fragments
    goal_strict: Fragments
    goal_noun: Fragments
    goal_section: Fragments
    result_section: Fragments
    change: Fragments
    other_period: Fragments
    link: Fragments
    breakdown: Fragments
    goal_setting: Fragments
    actual: Fragments
    stem_noise: Fragments
    whole_total: Fragments
    project_name_end: Fragments
    list_intro: Fragments
    list_before: Fragments
    org_name_end: Fragments


# ── units.yaml ───────────────────────────────────────────────────────────────────────────


class UnitsFile(Checked):
    """Units written after a number, approximation markers and bound words."""

    money: dict[str, Annotated[str, AfterValidator(_factor)]] = Field(min_length=1)
    percent: Words
    count: Words
    classifier: Words
    ordinal: Words
    approx_prefix: Words
    approx_suffix: Words
    lower_bound_suffix: Words
    upper_bound_suffix: Words
    at_least: Words
    at_most: Words
    declared_money: Words

    def cross_check(self) -> Iterator[tuple[tuple, str]]:
        for i, c in enumerate(self.classifier):
            if c not in self.count:
                yield ("classifier", i), f"{c} 不在 count 中（a classifier must be a count unit）"
        for i, d in enumerate(self.declared_money):
            if d not in self.money:
                yield ("declared_money", i), f"{d} 不在 money 中（a declared unit must be a money unit）"
        if "万元" not in self.money or Decimal(self.money["万元"]) != 1:
            yield ("money",), "money 须含 万元: \"1\"（amounts are stored in 万元）"


# ── facts.yaml ───────────────────────────────────────────────────────────────────────────


class MoneyFact(_Model):
    key: Identifier
    label: Regex
    home: list[str] | None = None
    not_in: list[str] = Field(default_factory=list)
    generic: bool = False
    fallback: Regex | None = None
    sentence_requires: Regex | None = None
    not_kinds: list[str] = Field(default_factory=list)  # report kinds (report_kinds.yaml) that never state it


class StaffFact(_Model):
    before: Regex
    fallback: Regex | None = None  # read only when the report gives no figure for ``before``


class UnitCountFact(_Model):
    before: Regex
    after: Regex
    # a noun after the count that names such units only in a sentence with ``listed_by`` before it
    listed: Regex | None = None
    listed_by: Regex | None = None


class FactsFile(_Model):
    """Keywords of the flat facts (spec/facts.md) stated in the body text."""

    money: list[MoneyFact] = Field(min_length=1)
    item_head: Regex
    item_in_sentence: Regex
    change_words: Regex
    fund_sections: dict[str, Identifier]
    fund_keywords: dict[Identifier, Regex]
    none_words: Regex
    filler: Regex
    staff: dict[Identifier, StaffFact]
    staff_kinds: Regex
    units: dict[Identifier, UnitCountFact]
    scoped_tables: Regex
    scoped_keys: list[Identifier] = Field(default_factory=list)


# ── identities.yaml ──────────────────────────────────────────────────────────────────────


class SumIdentity(_Model):
    total: str
    parts: list[str] = Field(min_length=2)
    exhaustive: bool = False


class RateIdentity(_Model):
    rate: str | None = None
    rate_label: Regex | None = None
    numerator: str
    denominator: str

    @model_validator(mode="after")
    def _one_of(self) -> RateIdentity:
        if (self.rate is None) == (self.rate_label is None):
            raise ValueError("rate 与 rate_label 须且只须给出一个（give exactly one of rate, rate_label）")
        return self


class Composition(_Model):
    """A total of the text named like ``total`` whose 其中 list names exactly ``parts`` (one word each) is
    their whole: a shortfall is wrong too."""

    total: Regex
    parts: Words


class IdentitiesFile(_Model):
    """Totals and their parts by definition, and rates with what they are computed from."""

    facts: list[SumIdentity] = Field(default_factory=list)
    kpis: list[SumIdentity] = Field(default_factory=list)
    rates: list[RateIdentity] = Field(default_factory=list)
    compositions: list[Composition] = Field(default_factory=list)
    # two groups neither of which holds the other (在职 / 退休): a figure named with the second is no part of a total
    # named with the first, after a "；" either
    disjoint: list[tuple[Regex, Regex]] = Field(default_factory=list)


# ── items.yaml ───────────────────────────────────────────────────────────────────────────

ItemRole = Literal["carryover_start", "budget_full", "budget", "adjustment_down", "adjustment_up", "actual", "carryover",
                   "implicit_actual"]


class RoleWords(_Model):
    role: ItemRole
    words: Regex


class ItemsFile(_Model):
    """How a project item's amounts and names are written."""

    roles: list[RoleWords] = Field(min_length=1)
    name_lead: Regex
    reason: Regex
    no_adjustment: Regex
    name_suffix: Regex
    sections: list[str]
    project_list_intro: Regex
    role_object: Regex
    generic_subject: Regex
    act_verbs: dict[Literal["budget", "actual"], Regex]
    act_object: Regex
    not_project: Regex


# ── outline.yaml ─────────────────────────────────────────────────────────────────────────


class SectionSpec(_Model):
    key: Identifier
    name: str
    level: Literal[1, 2]
    match: Regex
    exclude: Regex | None = None


class OutlineSpec(_Model):
    name: str
    provinces: list[str] = Field(default_factory=list)
    signature: Regex | None = None
    required: list[str]


class OutlineFile(Checked):
    """The standard sections of a report and the outlines a report may follow."""

    sections: list[SectionSpec] = Field(min_length=1)
    title_endings: Fragments
    outlines: dict[Identifier, OutlineSpec]
    table_rows: Regex

    def cross_check(self) -> Iterator[tuple[tuple, str]]:
        keys = {s.key for s in self.sections}
        for name, outline in self.outlines.items():
            for i, k in enumerate(outline.required):
                if k not in keys:
                    yield ("outlines", name, "required", i), f"{k} 不在 sections 中（unknown section key）"
        if "national" not in self.outlines:
            yield ("outlines",), "outlines 须含 national（通用提纲）（the national outline is required）"


# ── report_kinds.yaml ────────────────────────────────────────────────────────────────────


class ReportKind(_Model):
    kind: Identifier
    title: Regex | None = None
    unless: Regex | None = None
    also: Regex | None = None
    body: Regex | None = None

    @model_validator(mode="after")
    def _title_or_body(self) -> ReportKind:
        if self.title is None and self.body is None:
            raise ValueError("须给出 title 或 body（give a title or a body pattern）")
        return self


class ReportKindsFile(RootModel[list[ReportKind]]):
    """Report kinds, tried in order against the title line (and the body when there is none)."""


# ── identity.yaml ────────────────────────────────────────────────────────────────────────

IdentitySource = Literal["title", "name_line", "unit", "implementing", "supervising", "opening", "seal",
                         "publisher", "breadcrumb", "file_name"]


class MetaKeys(_Model):
    publisher: Words
    title: Words
    other: Words


class IdentityFile(_Model):
    """Where a unit names itself (cover and form fields, web metadata, chrome) and which source wins."""

    org_suffix: Words
    place_unit_suffix: Words
    fields: dict[Literal["unit", "implementing", "supervising"], Fragments]
    meta: MetaKeys
    chrome_line: Regex
    breadcrumb_separators: Regex
    file_extensions: Regex
    name_prefix_noise: Regex
    name_suffix_noise: Regex
    request_context: Regex
    precedence: dict[str, list[IdentitySource]]
    title_tail: Regex
    title_words: Regex
    not_title: Regex
    year_fields: Regex

    @model_validator(mode="after")
    def _default(self) -> IdentityFile:
        if "default" not in self.precedence:
            raise ValueError("precedence 须含 default（the default precedence is required）")
        return self


# ── forms.yaml ───────────────────────────────────────────────────────────────────────────


class FormsFile(_Model):
    """How a 项目支出绩效自评表 reads as a stream of cells."""

    name_label: Regex
    department_label: Regex
    columns: dict[Literal["budget_full", "budget", "actual", "rate", "weight", "score", "reason"], Regex]
    total_row: Regex
    code_prefix: Regex
    default_unit: Literal["万元", "元", "千元", "亿元"]
    money_unit: Regex
    stop: Regex
    score_row: Regex
    part_rows: Regex
    indicator_columns: dict[Literal["name", "nature", "target", "measure", "achieved", "weight", "score", "reason"],
                            Regex]
    indicator_header_other: Regex
    indicator_level1: Regex
    indicator_category: Regex
    indicator_stop: Regex
    fields: dict[Literal["goal_planned", "goal_actual", "conclusion", "problems", "measures", "leader",
                         "finance_leader"], Regex]
    field_person: Regex


# ── gazetteer.yaml ───────────────────────────────────────────────────────────────────────


class GazetteerFile(_Model):
    """Rules over the divisions data: nationalities (short forms of autonomous areas), aliases that
    cannot be derived, names that place only under a named parent, words that are not towns."""

    nationalities: Words
    aliases: dict[str, str]
    need_parent: Words
    town_not_before: Words
    town_lead: Words


# ── review.yaml ──────────────────────────────────────────────────────────────────────────

Number = Annotated[int | float, Field(ge=0)]
Severity = Literal["error", "warning", "info"]


class LowExecutionConfig(_Model):
    threshold: Number = 80
    ceilings: Regex | None = None


class TargetFarExceededConfig(_Model):
    ratio: Number = 130


class DuplicateParagraphConfig(_Model):
    min_chars: Annotated[int, Field(ge=1)] = 40
    similarity: Annotated[float, Field(gt=0, le=1)] = 0.85
    boilerplate: Regex = "^(?:注|备注)"


class EmptySectionConfig(_Model):
    empty_words: Regex = "无"
    may_be_empty: list[str] = Field(default_factory=list)


class RateMismatchConfig(_Model):
    accept_truncation: bool = True
    strict_kinds: list[str] = Field(default_factory=list)
    share: Regex | None = None
    breakdown: Regex | None = None
    completion: Regex | None = None


class SumMismatchConfig(_Model):
    severity_money: Severity = "error"
    severity_count: Severity = "warning"


class PlaceholderConfig(_Model):
    patterns: Regex = "XX"
    per_line: bool = True  # one finding per line, naming every placeholder on it


class ZeroBaseConfig(_Model):
    bases: Regex = "年初预算"


class WordingConfig(_Model):
    up: Regex = "增加"
    down: Regex = "减少"
    flat: Regex = "持平"
    flat_tolerance: Number = 5
    verdict: Regex = "决算数(?P<rel>大于|小于|等于)预算数"
    verdict_words: dict[str, Literal["up", "down", "equal", "flat"]] = Field(default_factory=dict)
    items: dict[Regex, Identifier] = Field(default_factory=dict)  # an item's name → the fact of its amount


class TotalOfTable(_Model):
    table: Regex
    text: Regex
    label: str


class TextTableConfig(_Model):
    not_the_years: Regex = "累计"
    totals: list[TotalOfTable] = Field(default_factory=list)


class YearMismatchConfig(_Model):
    title: Regex = "表$"
    topic: Regex = "执行"
    plan: Regex = "计划"
    before_year: Regex = "截至"
    year_end: Regex | None = None


class UnitNameMismatchConfig(_Model):
    sources: dict[str, str] = Field(default_factory=dict)
    alias: Regex = "加挂"
    accounts_places: dict[str, Regex] = Field(default_factory=dict)
    similar: float = Field(default=0.8, ge=0, le=1)


class CrossDocumentConfig(_Model):
    facts: list[Identifier] = Field(default_factory=list)  # held against each other in the two documents


class OcrUncertainConfig(_Model):
    """ocr-uncertain: a line read by OCR with a confidence below ``threshold`` (0–1) is not trusted."""

    threshold: float = Field(default=0.9, ge=0, le=1)


class ConflictingValuesConfig(_Model):
    # counts of what a unit holds at the year's end, said the same way in several places (“公务用车保有量为2辆”):
    # each a pattern whose group ``n`` is the count; every statement of one must give the same count
    stocks: dict[str, Regex] = Field(default_factory=dict)


class ReviewFile(_Model):
    """Thresholds and options of the review rules (``jixiao check --config`` overrides them)."""

    low_execution: LowExecutionConfig = Field(default_factory=LowExecutionConfig)
    target_far_exceeded: TargetFarExceededConfig = Field(default_factory=TargetFarExceededConfig)
    duplicate_paragraph: DuplicateParagraphConfig = Field(default_factory=DuplicateParagraphConfig)
    empty_section: EmptySectionConfig = Field(default_factory=EmptySectionConfig)
    rate_mismatch: RateMismatchConfig = Field(default_factory=RateMismatchConfig)
    sum_mismatch: SumMismatchConfig = Field(default_factory=SumMismatchConfig)
    conflicting_values: ConflictingValuesConfig = Field(default_factory=ConflictingValuesConfig)
    placeholder_text: PlaceholderConfig = Field(default_factory=PlaceholderConfig)
    rate_on_zero_base: ZeroBaseConfig = Field(default_factory=ZeroBaseConfig)
    wording_contradicts_figures: WordingConfig = Field(default_factory=WordingConfig)
    text_table_mismatch: TextTableConfig = Field(default_factory=TextTableConfig)
    year_mismatch: YearMismatchConfig = Field(default_factory=YearMismatchConfig)
    unit_name_mismatch: UnitNameMismatchConfig = Field(default_factory=UnitNameMismatchConfig)
    cross_document: CrossDocumentConfig = Field(default_factory=CrossDocumentConfig)
    ocr_uncertain: OcrUncertainConfig = Field(default_factory=OcrUncertainConfig)
    # the rules to run and to skip (ids, codes or aliases); the command line's --select/--ignore win
    select: list[str] | None = None
    ignore: list[str] | None = None


# ── tables.yaml ──────────────────────────────────────────────────────────────────────────

Column = Literal["budget", "budget_full", "adjustment", "actual", "change", "score", "weight", "rate", "target",
                 "achieved", "measure", "nature", "reason", "label", "amount"]


class RowRule(_Model):
    """A row label and the fact each of its columns gives."""

    label: Regex
    budget: Identifier | None = None
    actual: Identifier | None = None
    score: Identifier | None = None


class TablesFile(_Model):
    """Reading facts and project items from tables."""

    columns: dict[Column, Regex]
    project_header: Regex
    rows: list[RowRule]
    three_public_table: Regex
    not_items: Regex


# ── accounts.yaml ────────────────────────────────────────────────────────────────────────


class AccountsKind(_Model):
    """One of the nine 部门决算 tables: id, canonical name, title pattern, may it be empty (with a note)."""

    id: Identifier
    name: str
    title: Regex
    content: Regex | None = None
    may_be_empty: bool = False
    required: bool = True
    blank_is_zero: bool = False


class AccountsRef(_Model):
    """A figure of a table: the row by name pattern (or by code, or the sum of several rows), the column
    by a pattern on its header path (default: the pane's first figure column)."""

    table: Identifier
    row: Regex | None = None
    rows: list[Regex] | None = None
    code: str | None = None
    column: Regex | None = None


TableSumRule = Literal["cross-table-mismatch", "sum-mismatch"]


class ColumnSum(_Model):
    table: Identifier
    total: Regex
    parts: Fragments
    per: list[str] | None = None
    rule: TableSumRule = "cross-table-mismatch"  # the rule that reports a row where it fails


class RowSum(_Model):
    table: Identifier
    total: Regex
    parts: Fragments | Literal["ordinal", "classes"]
    codes: list[str] | None = None  # for ``classes``: the class codes a total is made of, wherever they sit
    rule: TableSumRule = "cross-table-mismatch"


class CodeSums(_Model):
    """Tables whose rows carry classification codes: a 合计 row is the sum of its 类, a 类 of its 款, a 款 of its 项."""

    rule: TableSumRule = "sum-mismatch"
    tables: list[Identifier]


class SameFigure(_Model):
    label: str
    a: AccountsRef
    b: AccountsRef


class Explained(_Model):
    table: Identifier
    section: Regex


class ThreePublicHeader(_Model):
    """The names of a 三公 table's columns, to read them again when a header came out of order."""

    items: list[Regex] = Field(min_length=2)
    car: Regex
    car_parts: list[Regex] = Field(min_length=1)
    per: list[str] = Field(min_length=2, max_length=2)


class ClassRows(_Model):
    """The 类 rows of a 总表 (``a``, numbered 一、…) against the rows of the same class in another table (``b``)."""

    label: str
    a: AccountsRef
    b: AccountsRef


class AccountsFile(Checked):
    """The 部门决算 table model: table kinds, facts, identities, and which table a section of the text explains."""

    title_line: Regex
    contents_line: Regex
    tables: list[AccountsKind]
    empty_note: Regex
    empty_note_topics: dict[Identifier, Regex]
    label_column: Regex
    three_public_header: ThreePublicHeader
    chrome_row: Regex
    pane_head: Regex
    pane_group_head: Regex
    facts: dict[Identifier, AccountsRef | list[AccountsRef]]
    column_sums: list[ColumnSum]
    row_sums: list[RowSum]
    code_sums: CodeSums
    total_row: Regex
    same: list[SameFigure]
    class_rows: list[ClassRows]
    explained_by: list[Explained]
    text_figures: dict[Identifier, dict[Identifier, AccountsRef | None]]
    text_labels: dict[Identifier, Regex]
    text_totals: dict[Identifier, AccountsRef | list[AccountsRef]]
    text_filler: Regex
    text_not_this: Regex
    text_actual_only: Regex
    text_budget_tail: Regex
    text_item_part: Regex
    text_item_actual: Regex
    text_item_direct: Regex
    text_item_table: Identifier
    budget_of: dict[str, list[AccountsRef]] = Field(default_factory=dict)

    def cross_check(self) -> Iterator[tuple[tuple, str]]:
        kinds = {t.id for t in self.tables}
        refs = [(("facts", k), r.table) for k, rs in self.facts.items() for r in (rs if isinstance(rs, list) else [rs])]
        refs += [(("column_sums", i), c.table) for i, c in enumerate(self.column_sums)]
        refs += [(("row_sums", i), c.table) for i, c in enumerate(self.row_sums)]
        refs += [(("code_sums", "tables", i), t) for i, t in enumerate(self.code_sums.tables)]
        refs += [(("same", i, side), getattr(s, side).table) for i, s in enumerate(self.same) for side in "ab"]
        refs += [(("class_rows", i, side), getattr(s, side).table) for i, s in enumerate(self.class_rows) for side in "ab"]
        refs += [(("explained_by", i), e.table) for i, e in enumerate(self.explained_by)]
        refs += [(("text_figures", k, t), r.table) for k, by in self.text_figures.items() for t, r in by.items()
                 if r is not None]
        refs += [(("text_figures", k), t) for k, by in self.text_figures.items() for t in by]
        refs.append((("text_item_table",), self.text_item_table))
        for place, table in refs:
            if table not in kinds:
                yield place, f"未定义的表：{table}（unknown table id; known: {', '.join(sorted(kinds))}）"


# ── kpi/<pack>.yaml ──────────────────────────────────────────────────────────────────────


class Indicator(_Model):
    kpi: str = Field(pattern=r"^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*$")
    domain: str | None = None
    label: Regex
    exclude: Regex | None = None
    exclude_before: Regex | None = None
    units: Words
    target_of: str | None = None


class KpiPack(Checked):
    """A department's indicators (KPI ids) and how a metric's label and unit select one."""

    pack: str
    applies_to: Regex | None = None
    domains: dict[Identifier, Regex] = Field(default_factory=dict)
    unit_aliases: dict[str, str] = Field(default_factory=dict)
    indicators: list[Indicator] = Field(min_length=1)

    def cross_check(self) -> Iterator[tuple[tuple, str]]:
        kpis = {ind.kpi for ind in self.indicators}
        for i, ind in enumerate(self.indicators):
            if ind.domain and ind.domain not in self.domains:
                yield ("indicators", i, "domain"), f"{ind.domain} 不在 domains 中（unknown domain）"
            if ind.target_of and ind.target_of not in kpis:
                yield ("indicators", i, "target_of"), f"{ind.target_of} 不是本指标包的 kpi（unknown kpi）"


# ── frameworks/_inputs.yaml ──────────────────────────────────────────────────────────────


class FactInput(_Model):
    label: str
    planned: bool = False


class InputsFile(_Model):
    """Fact inputs a scoring framework may read with ``fact.KEY``."""

    facts: dict[Identifier, FactInput]


# ── render.yaml ──────────────────────────────────────────────────────────────────────────


class PageLayout(_Model):
    """The page of a generated Word document (GB/T 9704: A4, margins, 22 lines × 28 characters)."""

    width_mm: float = Field(gt=0)
    height_mm: float = Field(gt=0)
    top_mm: float = Field(ge=0)
    bottom_mm: float = Field(ge=0)
    left_mm: float = Field(ge=0)
    right_mm: float = Field(ge=0)
    footer_mm: float = Field(ge=0)
    lines_per_page: int = Field(gt=0)
    chars_per_line: int = Field(gt=0)
    line_pitch_pt: float = Field(gt=0)


class FontRoles(_Model):
    """For each role, the official font first, then installed fonts with the same metrics."""

    title: list[str] = Field(min_length=1)
    body: list[str] = Field(min_length=1)
    heading1: list[str] = Field(min_length=1)
    heading2: list[str] = Field(min_length=1)
    page_number: list[str] = Field(min_length=1)
    latin: list[str] = Field(min_length=1)
    chart: list[str] = Field(min_length=1)


class FontSizes(_Model):
    title: float = Field(gt=0)
    body: float = Field(gt=0)
    page_number: float = Field(gt=0)
    table: float = Field(gt=0)
    note: float = Field(gt=0)


class MemoHeadings(_Model):
    overview: str
    findings: str
    score: str
    opinion: str


class MemoText(_Model):
    """The wording of the 审核意见书 (``{name}`` fields are filled in by the renderer)."""

    title: str
    opening: str
    headings: MemoHeadings
    overview: str
    no_findings: str
    passage: str
    fix: str
    location: str
    decisions: dict[str, str]
    comments: str
    score_line: str
    score_partial: str
    self_score: str
    score_none: str
    issuer: str
    default_fix: str
    fixes: dict[str, str] = Field(default_factory=dict)  # by rule id (tests check each names a rule)


class DraftText(_Model):
    """The report draft: its title, the request written in a missing section, and per outline key the
    sentences (a lead clause, then optional clauses; ``{fact}`` fields) written from the report's facts."""

    title: str
    missing: str
    sections: dict[Identifier, list[list[str]]] = Field(default_factory=dict)


class RenderFile(_Model):
    """The documents ``jixiao render`` writes: page layout, fonts, sizes, the memo's and the draft's wording."""

    page: PageLayout
    fonts: FontRoles
    sizes_pt: FontSizes
    memo: MemoText
    report: DraftText


# ── ocr.yaml ─────────────────────────────────────────────────────────────────────────────


class OcrFile(Checked):
    """What OCR gets wrong in these reports: wrong form → right form, of the same length."""

    confusions: dict[str, str] = Field(default_factory=dict)

    def cross_check(self) -> Iterator[tuple[tuple, str]]:
        for wrong, right in self.confusions.items():
            if len(wrong) != len(right) or not wrong:
                yield (("confusions", wrong), f"“{wrong}”与“{right}”长度不同：替换须等长（offsets stay）")


# ── which model reads which file ─────────────────────────────────────────────────────────

FILES: dict[str, type[BaseModel]] = {
    "vocabulary.yaml": VocabularyFile,
    "units.yaml": UnitsFile,
    "facts.yaml": FactsFile,
    "identities.yaml": IdentitiesFile,
    "items.yaml": ItemsFile,
    "outline.yaml": OutlineFile,
    "report_kinds.yaml": ReportKindsFile,
    "identity.yaml": IdentityFile,
    "forms.yaml": FormsFile,
    "gazetteer.yaml": GazetteerFile,
    "review.yaml": ReviewFile,
    "tables.yaml": TablesFile,
    "accounts.yaml": AccountsFile,
    "frameworks/_inputs.yaml": InputsFile,
    "render.yaml": RenderFile,
    "ocr.yaml": OcrFile,
}
FOLDERS: dict[str, type[BaseModel] | None] = {
    "kpi": KpiPack,
    "frameworks": None,  # validated by jixiao.score.framework.Framework when loaded
    "form_rules": None,  # validated by jixiao.score.forms.FormRules when loaded
    "sheets": None,  # validated by jixiao.render.sheet.SheetLayout when loaded
}


def model_for(name: str) -> type[BaseModel] | None:
    """The model of a data file by its name relative to the data folder; KeyError if unknown."""
    if name in FILES:
        return FILES[name]
    folder, _, rest = name.partition("/")
    if folder in FOLDERS and rest.endswith(".yaml") and "/" not in rest:
        return FOLDERS[folder]
    raise KeyError(name)
