"""Terminal rendering of a score card (Chinese): a rich table plus a plain-text form."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.table import Table

from jixiao.jsonout import decimal_text
from jixiao.score.card import IndicatorScore, ScoreCard
from jixiao.score.forms import FormScore
from jixiao.score.rules import NOT_COMPUTABLE, REVIEW, SCORED

_STATUS = {SCORED: "已计分", NOT_COMPUTABLE: "无法计算", REVIEW: "需人工评定"}


def scorecard_table(card: ScoreCard) -> Table:
    """A rich table: 指标, 权重, 公式, 取值, 得分, 状态/缺少的输入; the totals in the caption."""
    table = Table(title=f"{card.unit_name or card.report_source} 评分卡：{card.framework_name}",
                  caption="\n".join(summary_lines(card)), caption_justify="left", show_lines=True)
    for header, kw in (("指标", {"ratio": 3}), ("权重", {"justify": "right"}), ("公式", {"ratio": 2}),
                       ("取值", {"ratio": 3}), ("得分", {"justify": "right"}), ("状态/缺少的输入", {"ratio": 3})):
        table.add_column(header, overflow="fold", **kw)  # Chinese has no spaces to wrap at
    for ind in card.indicators:
        table.add_row("/".join(ind.path), _num(ind.weight), _formula(ind), _values(ind),
                      "—" if ind.points is None else str(ind.points), _status(ind))
    return table


def summary_lines(card: ScoreCard) -> list[str]:
    """The totals, grade, self-score comparison, caps and notes, one per line."""
    lines = [f"自动计分：{card.auto_points} / {_num(card.auto_max)} 分（框架总分 {_num(card.total_weight)}）",
             f"等级：{card.grade_label}"]
    if card.review_count:
        lines.append(f"需人工评定：{card.review_count} 项，共 {_num(card.review_weight)} 分")
    if card.uncomputable_count:
        lines.append(f"无法计算：{card.uncomputable_count} 项，共 {_num(card.uncomputable_weight)} 分")
    if card.unknown_weight:
        lines.append(f"框架中未知的指标：{_num(card.unknown_weight)} 分")
    if card.self_score is not None:
        diff = "" if card.self_score_difference is None else f"，与自动计分相差 {_num(card.self_score_difference)} 分"
        diff += "（部分评分，仅供参考）" if diff and card.partial else ""
        lines.append(f"报告自评得分：{_num(card.self_score)}{diff}")
    for cap in card.caps:
        lines.append(f"{cap.name}：{cap.note}")
    lines.extend(card.notes)
    lines.append(f"依据：{card.framework_source}")
    return lines


def scorecard_text(card: ScoreCard, width: int = 160) -> str:
    """The table as plain text (no colours), e.g. for logs and tests."""
    console = Console(width=width, record=True, file=_Null(), color_system=None, highlight=False)
    console.print(scorecard_table(card))
    return console.export_text()


def _num(d: Decimal | int | None) -> str:
    if d is None:
        return "—"
    return decimal_text(d) if isinstance(d, Decimal) else str(d)


def _formula(ind: IndicatorScore) -> str:
    return f"{ind.formula}\n（{ind.rule_label}）" if ind.formula else ind.rule_label


def _values(ind: IndicatorScore) -> str:
    lines = [f"{i.name}={_num(i.value)}（{i.label}）" for i in ind.inputs]
    if ind.value is not None:
        lines.append(f"→ {_num(ind.value)}")
    return "\n".join(lines)


def _status(ind: IndicatorScore) -> str:
    parts = [_STATUS[ind.status], *(a.note for a in ind.adjustments if a.points)]
    if ind.note:
        parts.append(ind.note)
    return "\n".join(parts)


class _Null:
    def write(self, _s: str) -> int:
        return 0

    def flush(self) -> None:
        pass


_FORM_KIND = {"execution": "预算执行", "quantitative": "定量", "qualitative": "定性", "unscored": "不计分"}


def form_score_table(fs: FormScore) -> Table:
    """A rich table of a form scored again: 指标, 类型, 分值, 自评得分, 重算得分, 差异, 计算过程; the totals
    in the caption."""
    code = f"（{fs.code}）" if fs.code else ""
    lines = [f"自评总分：{_num(fs.stated_total)}　重算总分：{_num(fs.computed_total)}"
             + (f"　相差：{_num(fs.difference)}" if fs.difference else ""), f"计分规则：{fs.rules_name}", *fs.notes]
    table = Table(title=f"项目支出绩效自评表重算：{fs.project}{code}", caption="\n".join(lines),
                  caption_justify="left", show_lines=True)
    for header, kw in (("指标", {"ratio": 2}), ("类型", {}), ("分值", {"justify": "right"}),
                       ("自评得分", {"justify": "right"}), ("重算得分", {"justify": "right"}),
                       ("差异", {"justify": "right"}), ("计算过程", {"ratio": 4})):
        table.add_column(header, overflow="fold", **kw)
    for r in fs.rows:
        table.add_row(r.label, _FORM_KIND[r.kind], _num(r.weight), _num(r.stated), _num(r.computed),
                      _num(r.difference) if r.difference else "", r.explanation)
    return table
