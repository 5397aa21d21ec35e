"""审核意见书 (.docx): the finance bureau's review of one report, addressed to the unit — each finding in plain
Chinese with the passage it concerns, where it is and what to correct; the score card; the reviewers'
comments and decision; the issuing body and the date. Wording in ``data/render.yaml`` (``memo``), layout
by :mod:`jixiao.render.wordml` (GB/T 9704)."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from pathlib import Path

from jixiao.lexicon import load_yaml
from jixiao.model import Finding
from jixiao.render.inputs import RenderInput, number, passage, where_text, year_text
from jixiao.render.wordml import OfficialDoc
from jixiao.review import RULES
from jixiao.review.registry import SEVERITY_NAMES
from jixiao.score import FormScore, ScoreCard

CHINESE_ORDINALS = "一二三四五六七八九十"


def render_memo(data: RenderInput, out: Path, *, fonts: str = "official", template: Path | None = None) -> Path:
    """Write the 审核意见书 of ``data`` to ``out`` (.docx)."""
    text = load_yaml("render.yaml")["memo"]
    doc = OfficialDoc(fonts=fonts, template=template)
    doc.title(text["title"].format(unit=data.unit, year=year_text(data.year), kind=data.kind_name))
    doc.paragraph(f"{data.unit}：", indent=0)
    doc.paragraph(text["opening"].format(document=data.document_name))
    heads = text["headings"]
    sections = [(heads["overview"], _overview), (heads["findings"], _findings), (heads["score"], _score),
                (heads["opinion"], _opinion)]
    for n, (heading, write) in enumerate(sections):
        doc.heading(1, f"{CHINESE_ORDINALS[n]}、{heading}")
        write(doc, data, text)
    doc.signature(data.issuer or text["issuer"], data.date_text)
    return doc.save(out)


def _overview(doc: OfficialDoc, data: RenderInput, text: dict) -> None:
    findings = data.findings
    by = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_NAMES}
    doc.paragraph(text["overview"].format(rules=len(RULES), count=len(findings), errors=by["error"],
                                          warnings=by["warning"], infos=by["info"]))


def _findings(doc: OfficialDoc, data: RenderInput, text: dict) -> None:
    findings = data.findings
    if not findings:
        doc.paragraph(text["no_findings"])
        return
    groups: OrderedDict[str, list[Finding]] = OrderedDict((s, []) for s in SEVERITY_NAMES)
    for f in findings:
        groups.setdefault(f.severity, []).append(f)
    n = 0
    level2 = 0
    for severity, found in groups.items():
        if not found:
            continue
        doc.heading(2, f"（{CHINESE_ORDINALS[level2]}）{SEVERITY_NAMES.get(severity, severity)}（{len(found)}个）")
        level2 += 1
        for f in found:
            n += 1
            rule = RULES.get(f.rule)
            doc.heading(3, f"{n}. {rule.title if rule else f.rule}")
            where = where_text(f)
            doc.paragraph(f.message + (text["location"].format(where=where) if where else ""))
            quoted_before: set[str] = set()
            for i, ev in enumerate(f.evidence[:2]):
                quoted = passage(data.text, ev)
                if quoted and quoted not in quoted_before:
                    quoted_before.add(quoted)
                    extra = where_text(f, i) if i else ""
                    doc.paragraph(f"{text['passage']}“{quoted}”" + (text["location"].format(where=extra)
                                                                     if extra else ""))
            doc.paragraph(text["fix"] + text["fixes"].get(f.rule, text["default_fix"]))


def _score(doc: OfficialDoc, data: RenderInput, text: dict) -> None:
    for fs in data.forms:
        doc.paragraph(form_line(fs))
    card = data.score
    if data.forms and data.report.fact_value("report_kind") == "project_self_evaluation":
        return  # a project's self-evaluation is scored by its forms, not by the department framework
    if card is None:
        doc.paragraph(text["score_none"].format(reason=data.score_error or "报告未能评分"))
        return
    grade = f"，等级为“{card.grade_label}”" if card.grade_label else ""
    doc.paragraph(text["score_line"].format(framework=card.framework_name, points=number(card.auto_points),
                                            max=number(card.auto_max), percent=number(card.percent or 0),
                                            grade=grade))
    if card.review_count or card.uncomputable_count:
        doc.paragraph(text["score_partial"].format(review=card.review_count, uncomputable=card.uncomputable_count))
    if card.self_score is not None:
        doc.paragraph(text["self_score"].format(self_score=number(card.self_score)))
    doc.table(score_rows(card), [58, 22, 22, 54], align=["left", "right", "right", "left"])


def form_line(fs: FormScore) -> str:
    """One project form scored again: 项目“X”自评表：单位自评总分 A 分，按《规则》重算 B 分，相差 C 分。"""
    parts = [f"项目“{fs.project}”自评表："]
    if fs.stated_total is not None:
        parts.append(f"单位自评总分{number(fs.stated_total)}分，")
    if fs.computed_total is not None:
        parts.append(f"按《{fs.rules_name}》重算{number(fs.computed_total)}分")
        if fs.difference:
            parts.append(f"，相差{number(fs.difference)}分")
    else:
        parts.append(f"按《{fs.rules_name}》无法重算")
    return "".join(parts) + "。"


def score_rows(card: ScoreCard) -> list[list[str]]:
    """The card by 一级 indicator: 指标 · 分值 · 得分 · 说明 (how many indicators are not scored), and 合计."""
    groups: OrderedDict[str, dict] = OrderedDict()
    for ind in card.indicators:
        g = groups.setdefault(ind.path[0] if ind.path else ind.name,
                              {"weight": Decimal(0), "points": Decimal(0), "open": 0, "missing": 0})
        g["weight"] += ind.weight
        if ind.points is not None:
            g["points"] += ind.points
        elif ind.status == "需人工评定":
            g["open"] += 1
        else:
            g["missing"] += 1
    rows = [["指标", "分值", "得分", "说明"]]
    for name, g in groups.items():
        notes = [f"{g['open']}项需人工评定" if g["open"] else "", f"{g['missing']}项无法计算" if g["missing"] else ""]
        rows.append([name, number(g["weight"]), number(g["points"]), "，".join(n for n in notes if n)])
    rows.append(["合计", number(card.total_weight), number(card.auto_points),
                 f"得分率{number(card.percent)}%" if card.percent is not None else ""])
    return rows


def _opinion(doc: OfficialDoc, data: RenderInput, text: dict) -> None:
    for comment in data.review.comments:
        if comment.strip():
            doc.paragraph(text["comments"] + comment.strip())
    decision = data.review.decision or "pending"
    doc.paragraph(text["decisions"].get(decision, text["decisions"]["pending"]))
