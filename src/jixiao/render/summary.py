"""汇总分析报告: for a task or a set of reports, what a finance bureau sends to its leadership — how many reports
of which kinds from how many units, the findings by rule and by unit, the distributions of execution rates and
scores, and units compared across years; a .docx in the GB/T 9704 layout with charts as images (matplotlib, a
CJK font found on the system), and the same tables as an .xlsx.

Every figure is counted from the reports' own data; an execution rate is computed (全年支出 ÷ 年初预算) and
said to be; a report that does not state a value is left out of that figure and the count says so.
"""

from __future__ import annotations

import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Mm

from jixiao.lexicon import load_yaml
from jixiao.model import REPORT_KINDS, Report
from jixiao.render.inputs import BEIJING, RenderInput, full_date, number
from jixiao.render.wordml import OfficialDoc, installed_families
from jixiao.review import RULES
from jixiao.review.registry import SEVERITIES, SEVERITY_NAMES
from jixiao.score import ScoreCard

_PERCENT = Decimal("0.01")


@dataclass
class SummaryRow:
    """One report as the summary counts it."""

    source: str
    unit: str | None = None
    year: int | None = None
    kind: str | None = None
    region: str = ""
    budget: Decimal | None = None
    expenditure: Decimal | None = None
    self_score: Decimal | None = None
    score_percent: Decimal | None = None
    findings: list[tuple[str, str]] = field(default_factory=list)  # (rule, severity)
    status: str | None = None

    @property
    def execution_rate(self) -> Decimal | None:
        """全年支出 ÷ 年初预算 × 100, computed (2 decimals); None when either is not stated or the budget is 0."""
        if self.budget is None or self.expenditure is None or not self.budget:
            return None
        return (self.expenditure / self.budget * 100).quantize(_PERCENT, rounding=ROUND_HALF_UP)

    def count(self, severity: str) -> int:
        return sum(1 for _, s in self.findings if s == severity)


def summary_row(report: Report, score: ScoreCard | None = None, source: str | None = None,
                status: str | None = None) -> SummaryRow:
    """The row of one analysed report (its findings in ``report.findings``)."""
    value = report.fact_value
    year = value("fiscal_year")
    return SummaryRow(
        source=source or report.source, unit=value("unit_name"), year=int(year) if year is not None else None,
        kind=value("report_kind"), region="".join(str(value(k) or "") for k in ("province", "city", "county")),
        budget=_dec(value("budget")), expenditure=_dec(value("expenditure_total")), self_score=_dec(value("self_score")),
        score_percent=score.percent if score is not None else None,
        findings=[(f.rule, f.severity) for f in report.findings or [] if f.rule != "internal-error"], status=status)


def rows_of(inputs: list[RenderInput]) -> list[SummaryRow]:
    return [summary_row(d.report, d.score, d.source_name, d.review.decision) for d in inputs]


def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


# ── figures ─────────────────────────────────────────────────────────────────────────────────


def by_rule(rows: list[SummaryRow]) -> list[list[Any]]:
    """Rule title, severity, findings, reports with it — most reports first."""
    findings: Counter[str] = Counter()
    reports: Counter[str] = Counter()
    severity: dict[str, str] = {}
    for row in rows:
        for rule, sev in row.findings:
            findings[rule] += 1
            if _rank(sev) < _rank(severity.get(rule, "")):
                severity[rule] = sev  # the most severe a rule was found at
        reports.update({rule for rule, _ in row.findings})
    out = []
    for rule, n in sorted(reports.items(), key=lambda kv: (-kv[1], -findings[kv[0]], kv[0])):
        title = RULES[rule].title if rule in RULES else rule
        out.append([title, SEVERITY_NAMES.get(severity[rule], severity[rule]), findings[rule], n])
    return out


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def by_unit(rows: list[SummaryRow]) -> list[list[Any]]:
    """Unit, year, kind, errors, warnings, notes, execution rate (computed), self score, automatic score (%)."""
    out = []
    for r in sorted(rows, key=lambda r: (-r.count("error"), -r.count("warning"), r.unit or "", r.year or 0)):
        out.append([r.unit or f"（未识别：{r.source}）", r.year or "", REPORT_KINDS.get(r.kind or "", "未识别"),
                    r.count("error"), r.count("warning"), r.count("info"), r.execution_rate, r.self_score,
                    r.score_percent])
    return out


def unit_by_year(rows: list[SummaryRow], measure: str = "self_score") -> tuple[list[int], list[list[Any]]]:
    """The years, and per unit its ``measure`` (self_score, execution_rate, errors) in each year."""
    years = sorted({r.year for r in rows if r.year is not None})
    table: dict[str, dict[int, Any]] = defaultdict(dict)
    for r in rows:
        if r.unit and r.year is not None:
            value = r.count("error") if measure == "errors" else getattr(r, measure)
            if value is not None:
                table[r.unit][r.year] = value
    return years, [[unit, *(cells.get(y) for y in years)] for unit, cells in sorted(table.items())]


def stats(values: list[Decimal]) -> dict[str, Any]:
    """n, mean, median, min, max of ``values`` (2 decimals)."""
    if not values:
        return {"n": 0}
    q = lambda v: Decimal(v).quantize(_PERCENT, rounding=ROUND_HALF_UP)  # noqa: E731
    return {"n": len(values), "mean": q(sum(values) / len(values)), "median": q(statistics.median(values)),
            "min": q(min(values)), "max": q(max(values))}


# ── charts ──────────────────────────────────────────────────────────────────────────────────


def chart_font() -> str | None:
    """The first font of the ``chart`` role installed here (a chart needs a CJK font to show Chinese)."""
    have = installed_families()
    return next((name for name in load_yaml("render.yaml")["fonts"]["chart"] if name in have), None)


def _figure():
    import matplotlib  # optional: only the summary draws charts

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # optional: as above

    font = chart_font()
    plt.rcParams.update({"font.sans-serif": [font] if font else [], "font.family": "sans-serif",
                         "axes.unicode_minus": False, "figure.dpi": 150})
    return plt


def bar_chart(labels: list[str], values: list[float], title: str, xlabel: str) -> bytes:
    """A horizontal bar chart as PNG."""
    plt = _figure()
    fig, ax = plt.subplots(figsize=(6.2, 0.35 * len(labels) + 1.2))
    ax.barh(range(len(labels)), values, color="#4a78b5")
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:g}", va="center", fontsize=8)
    return _png(plt, fig)


def histogram(values: list[float], bins: list[float], title: str, xlabel: str) -> bytes:
    """A histogram as PNG (report counts per bin)."""
    plt = _figure()
    fig, ax = plt.subplots(figsize=(6.2, 3.0))
    ax.hist(values, bins=bins, color="#4a78b5", edgecolor="white")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("报告数（份）")
    ax.set_title(title)
    return _png(plt, fig)


def _png(plt, fig) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


# ── documents ───────────────────────────────────────────────────────────────────────────────


def render_summary(rows: list[SummaryRow], out: Path, *, scope: str = "本批", issuer: str | None = None,
                   day=None, fonts: str = "official", template: Path | None = None) -> Path:
    """Write the 汇总分析报告 (.docx) of ``rows`` to ``out`` and its tables beside it (same name, .xlsx)."""
    text = load_yaml("render.yaml")["memo"]
    doc = OfficialDoc(fonts=fonts, template=template)
    doc.title(f"{scope}部门整体支出绩效自评报告审核情况汇总分析")
    units = {r.unit for r in rows if r.unit}
    years = sorted({r.year for r in rows if r.year is not None})
    kinds = Counter(REPORT_KINDS.get(r.kind or "", "未识别类型") for r in rows)
    severities = {s: sum(r.count(s) for r in rows) for s in SEVERITY_NAMES}
    doc.heading(1, "一、基本情况")
    year_text = f"，涉及{years[0]}年度" + (f"至{years[-1]}年度" if len(years) > 1 else "") if years else ""
    doc.paragraph(f"本次汇总报告{len(rows)}份，来自{len(units)}个单位{year_text}。其中"
                  + "、".join(f"{k}{n}份" for k, n in kinds.most_common()) + "。")
    statuses = Counter(r.status for r in rows if r.status)
    if statuses:
        names = {"pending": "待审核", "in_review": "审核中", "returned": "退回修改", "approved": "审核通过"}
        doc.paragraph("审核状态：" + "、".join(f"{names.get(s, s)}{n}份" for s, n in statuses.most_common()) + "。")
    doc.heading(1, "二、发现的问题")
    with_findings = sum(1 for r in rows if r.findings)
    doc.paragraph(f"共发现问题{sum(severities.values())}个（错误{severities['error']}个、警告{severities['warning']}个、"
                  f"提示{severities['info']}个），涉及报告{with_findings}份。按规则统计如下：")
    rule_rows = by_rule(rows)
    if rule_rows:
        doc.table([["问题类型", "级别", "问题数", "涉及报告数"], *[[a, b, str(c), str(d)] for a, b, c, d in rule_rows]],
                  [70, 20, 30, 36], align=["left", "center", "right", "right"])
        top = rule_rows[:12]
        _picture(doc, lambda: bar_chart([r[0] for r in top], [r[3] for r in top], "各类问题涉及的报告数", "报告数（份）"))
    doc.heading(1, "三、各单位情况")
    doc.paragraph("各单位报告的问题数、预算执行率（按全年支出÷年初预算计算）和得分如下（按错误数、警告数排序）：")
    unit_rows = by_unit(rows)
    doc.table([["单位", "年度", "错误", "警告", "执行率（%）", "自评得分", "自动评分（%）"],
               *[[str(u), str(y), str(e), str(w), number(rate) if rate is not None else "—",
                  number(s) if s is not None else "—", number(p) if p is not None else "—"]
                 for u, y, _k, e, w, _i, rate, s, p in unit_rows]],
              [52, 14, 12, 12, 22, 20, 24], align=["left", "center", "right", "right", "right", "right", "right"])
    doc.heading(1, "四、预算执行率与得分分布")
    rates = [r.execution_rate for r in rows if r.execution_rate is not None]
    scores = [r.self_score for r in rows if r.self_score is not None]
    for name, values, unit in (("预算执行率（计算值）", rates, "%"), ("单位自评得分", scores, "分")):
        s = stats(values)
        if s["n"]:
            doc.paragraph(f"{name}：有数据的报告{s['n']}份（另{len(rows) - s['n']}份未载明），平均{number(s['mean'])}{unit}，"
                          f"中位数{number(s['median'])}{unit}，最低{number(s['min'])}{unit}，最高{number(s['max'])}{unit}。")
        else:
            doc.paragraph(f"{name}：报告均未载明，无法统计。")
    if rates:
        _picture(doc, lambda: histogram([float(v) for v in rates], [0, 50, 60, 70, 80, 90, 95, 100, 105, 120, 200],
                                        "预算执行率分布", "预算执行率（%）"))
    if scores:
        _picture(doc, lambda: histogram([float(v) for v in scores], [0, 60, 70, 80, 85, 90, 95, 100],
                                        "单位自评得分分布", "自评得分（分）"))
    doc.heading(1, "五、单位与年度对比")
    years_, pivot = unit_by_year(rows, "self_score")
    multi = [row for row in pivot if sum(v is not None for v in row[1:]) > 1]
    if len(years_) > 1 and multi:
        doc.paragraph("同一单位各年度的自评得分：")
        doc.table([["单位", *[f"{y}年度" for y in years_]],
                   *[[row[0], *(number(v) if v is not None else "—" for v in row[1:])] for row in multi]],
                  [60, *[96 / len(years_)] * len(years_)], align=["left", *["right"] * len(years_)])
    else:
        doc.paragraph("本批报告中没有同一单位多个年度的报告，暂无年度对比。")
    doc.signature(issuer or text["issuer"], full_date(day or datetime.now(BEIJING).date()))
    written = doc.save(out)
    write_summary_xlsx(rows, Path(out).with_suffix(".xlsx"))
    return written


NO_CHART_FONT = "（本机未安装中文字体，未绘制图表；安装 fonts-noto-cjk 等中文字体后重新生成。）"


def _picture(doc: OfficialDoc, draw) -> None:
    """The chart ``draw()`` makes, centred; without a CJK font on this machine its Chinese labels would be
    boxes, so the document says so instead."""
    if chart_font() is None:
        doc.paragraph(NO_CHART_FONT)
        return
    png = draw()
    para = doc.paragraph(indent=0, align="center", snap=False)
    para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # an exact line height would cut the picture
    para.add_run().add_picture(io.BytesIO(png), width=Mm(150))


def write_summary_xlsx(rows: list[SummaryRow], out: Path) -> Path:
    """The summary's tables as sheets: 按单位, 按规则, 单位×年度 (自评得分, 执行率, 错误数)."""
    book = xlsxwriter.Workbook(str(out))
    head = book.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1})
    num = book.add_format({"num_format": "#,##0.00"})
    ws = book.add_worksheet("按单位")
    ws.write_row(0, 0, ["单位", "年度", "报告类型", "错误", "警告", "提示", "执行率（%，计算值）", "自评得分", "自动评分（%）", "文件"],
                 head)
    for i, (r, row) in enumerate(zip(sorted(rows, key=lambda r: (-r.count("error"), -r.count("warning"), r.unit or "",
                                                               r.year or 0)), by_unit(rows), strict=True), 1):
        for j, value in enumerate(row):
            if isinstance(value, Decimal):
                ws.write_number(i, j, float(value), num)
            else:
                ws.write(i, j, value)
        ws.write(i, 9, r.source)
    ws.freeze_panes(1, 0)
    ws.set_column(0, 0, 30)
    ws = book.add_worksheet("按规则")
    ws.write_row(0, 0, ["问题类型", "级别", "问题数", "涉及报告数"], head)
    for i, row in enumerate(by_rule(rows), 1):
        ws.write_row(i, 0, row)
    ws.set_column(0, 0, 28)
    for measure, name in (("self_score", "单位×年度 自评得分"), ("execution_rate", "单位×年度 执行率"),
                          ("errors", "单位×年度 错误数")):
        years, pivot = unit_by_year(rows, measure)
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, ["单位", *[f"{y}年度" for y in years]], head)
        for i, row in enumerate(pivot, 1):
            ws.write(i, 0, row[0])
            for j, value in enumerate(row[1:], 1):
                if value is not None:
                    ws.write_number(i, j, float(value))
        ws.set_column(0, 0, 30)
    book.close()
    return out
