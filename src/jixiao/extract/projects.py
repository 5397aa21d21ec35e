"""Projects: each 项目支出绩效自评表 of a document as one :class:`~jixiao.model.Project`, with the
bodies its form names, its money rows (from ``forms``), the indicator rows and total score that lie
in its part of the text (up to the next form), whatever table or flattening they were read from.

The flat ``project_items`` and ``metrics`` of the report are filled elsewhere from the same reading;
this module only groups what belongs to each form.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from jixiao.extract.forms import FormRead, Token, form_fields
from jixiao.extract.numbers import parse_number, written_decimals
from jixiao.extract.tables import IndicatorScore
from jixiao.extract.textview import TextView
from jixiao.model import IdentityCandidate, Indicator, Metric, Project


def assemble(view: TextView, reads: Sequence[FormRead], rows: Sequence[IndicatorScore],
             scores: Sequence[tuple[Decimal, int, Token, Token]], cands: Sequence[IdentityCandidate]) -> list[Project]:
    """The projects of ``reads`` completed with the indicator rows, total scores and 主管部门 /
    实施单位 fields found within each form's part of the text."""
    out = []
    for read in reads:
        p = read.project

        def inside(pos: int, read: FormRead = read) -> bool:
            return read.start <= pos < read.end

        p.indicators = [_indicator(r) for r in sorted(rows, key=lambda r: r.start) if inside(r.start)]
        total = next((s for s in scores if inside(s[2].start)), None)
        if total is not None:
            p.total_score = total[0]
            p.evidence.append(view.span(total[2].start, total[2].end))
            p.total_weight = parse_number(total[3].text)[0]
            p.weight_evidence = view.span(total[3].start, total[3].end)
        for key, tok in form_fields(view, read.start, read.end).items():
            setattr(p, key, tok.text)
            p.field_evidence[key] = view.span(tok.start, tok.end)
        for field in ("supervising", "implementing"):  # the identity candidates of these form fields
            c = next((c for c in cands if c.source == field and c.evidence and inside(c.evidence[0].start)), None)
            if c is not None:
                setattr(p, field, c.name)
        out.append(p)
    return out


def _indicator(r: IndicatorScore) -> Indicator:
    m = r.metric
    scored = [f.span for f in (r.weight, r.score) if f is not None]
    weight, score = (r.weight.value if r.weight else None), (r.score.value if r.score else None)
    levels = {"level1": r.levels[0] or None, "level2": r.levels[1] or None}
    if m is None:
        q = r.qualitative
        return Indicator(label=r.label, **levels, target_text=q.target.text.strip(), actual_text=q.actual.text.strip(),
                         weight=weight, score=score, reason=r.reason or None,
                         evidence=[q.label, q.target, q.actual, *scored])
    ev = [*m.evidence, *scored]
    return Indicator(label=m.label, **levels, target=m.target, comparator=m.target_comparator, actual=m.value, unit=m.unit,
                     weight=weight, score=score, reason=r.reason or None, evidence=ev)


def execution_metric(p: Project) -> Metric | None:
    """The 执行率 a form states on its 年度资金总额 row, as a metric of the report (its project named)."""
    total = p.funds[0] if p.funds else None
    cell = next((e for e in total.evidence[1:] if e.text.strip().endswith("%")), None) if total else None
    if total is None or total.rate is None or cell is None:
        return None
    label = "预算执行率" if p.kind == "department" else f"{p.name}预算执行率"
    return Metric(label=label, value=total.rate, unit="%", decimals=written_decimals(total.rate), evidence=[cell])
