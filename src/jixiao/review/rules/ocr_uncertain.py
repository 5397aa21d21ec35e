"""ocr-uncertain: a figure read by OCR with low confidence."""

from __future__ import annotations

from jixiao.model import FACT_LABELS, Finding, Report, Span
from jixiao.review.registry import rule
from jixiao.review.rules.common import num

RULE = "ocr-uncertain"


def uncertain_lines(report: Report, config: dict) -> list[tuple[int, int, float]]:
    """The OCR'd lines whose confidence is below the threshold (``ocr_uncertain.threshold``)."""
    threshold = float(config.get("ocr_uncertain", {}).get("threshold", 0.9))
    return [(o.start, o.end, o.confidence) for o in report.ocr_lines if o.confidence < threshold]


def on_uncertain(span: Span, lines: list[tuple[int, int, float]]) -> float | None:
    """The confidence of the uncertain line ``span`` lies on, or None."""
    return next((c for a, b, c in lines if span.start < b and a < span.end), None)


def trusted(findings: list[Finding], report: Report, config: dict) -> list[Finding]:
    """The findings less those resting on a figure read with low confidence: such a figure is flagged by
    ocr-uncertain for a reviewer, never made the ground of another finding."""
    lines = uncertain_lines(report, config)
    if not lines:
        return findings
    return [f for f in findings if f.rule == RULE or not any(on_uncertain(ev, lines) is not None for ev in f.evidence)]


@rule(RULE, "J124", "warning", "OCR 识别置信度低",
      "“{text}”（{what}）由 OCR 识别，置信度{confidence}低于{threshold}，请对照原件核对；据此数字的其他检查未执行。")
def check(rc):
    """扫描件或图片中由 OCR 识别、置信度低的数字。

    **何时触发**：报告的某个数值（事实、项目金额、绩效指标）所在的行由 OCR 识别，且该行的识别置信度低于
    阈值（默认 0.9，``review.yaml`` 的 ``ocr_uncertain.threshold``）。以该数值为依据的其他发现（合计不符、比率不符等）
    不再报出，以免把识别错误当成报告的错误。

    **为什么重要**：OCR 可能把“8”认成“3”、把小数点丢掉；未经核对的数字不能作为审核结论的依据。

    **示例**：扫描件中“本年支出合计1,512.99万元”一行的识别置信度为 0.62。
    """
    lines = uncertain_lines(rc.report, rc.config)
    if not lines:
        return
    threshold = rc.config.get("ocr_uncertain", {}).get("threshold", 0.9)
    report = rc.report
    figures: list[tuple[str, Span]] = []
    for key, fact in report.facts.items():
        label = FACT_LABELS.get(key, key).split("（")[0]
        figures += [(label, ev) for ev in fact.evidence if any(c.isdigit() for c in ev.text)]
    for item in report.project_items:
        figures += [(f"项目“{item.name}”", ev) for ev in item.evidence]
    for m in report.metrics:
        figures += [(m.label, ev) for ev in m.evidence[:1]]
    seen: set[tuple[int, int]] = set()
    for what, ev in sorted(figures, key=lambda f: f[1].start):
        confidence = on_uncertain(ev, lines)
        if confidence is None or (ev.start, ev.end) in seen:
            continue
        seen.add((ev.start, ev.end))
        yield rc.finding(RULE, values={"confidence": num(confidence), "threshold": num(threshold), "what": what},
                         evidence=[ev], text=ev.text, what=what, confidence=f"{confidence:.2f}",
                         threshold=f"{threshold:g}")
