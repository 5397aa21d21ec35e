"""Running the selected rules over a :class:`~jixiao.review.input.ReviewInput`.

Each rule runs on its own: a rule that raises does not stop the others, and its findings are
replaced by one ``internal-error`` finding that names it (severity ``error``; the check of this
report is incomplete, and ``jixiao check`` exits with 2).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from jixiao.model import Finding
from jixiao.review import rules  # noqa: F401 - registers the built-in rules
from jixiao.review.input import ReviewInput
from jixiao.review.registry import INTERNAL_ERROR, INTERNAL_ERROR_CODE, Rule, selection
from jixiao.review.rules import ocr_uncertain

log = logging.getLogger(__name__)
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def run_rules(ri: ReviewInput, *, select: Iterable[str] | None = None, ignore: Iterable[str] = ()) -> list[Finding]:
    """The findings of the selected rules (all when ``select`` is None, less ``ignore``; ids, codes
    or aliases), errors first, then in text order."""
    findings: list[Finding] = []
    for r in selection(select, ignore):
        try:
            found = list(r.check(ri))
        except Exception as err:  # noqa: BLE001 - one broken rule must not stop the review
            log.exception("审核规则 %s 运行出错", r.id)
            found = [internal_error(r, err)]
        findings.extend(found)
    findings = ocr_uncertain.trusted(findings, ri.report, ri.config)  # no finding rests on an uncertain figure
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.evidence[0].start if f.evidence else 0))
    return findings


def internal_error(r: Rule, err: BaseException) -> Finding:
    """The finding that stands for rule ``r`` having raised ``err`` on this report."""
    return Finding(
        rule=INTERNAL_ERROR, severity="error",
        message=(f"规则 {r.id}（{r.code}）运行出错（{type(err).__name__}: {err}），本报告的该项检查未完成；"
                 f"请将报告反馈给开发者，或用 --ignore {r.id} 跳过该规则。"),
        values={"rule": r.id, "code": r.code, "internal_code": INTERNAL_ERROR_CODE,
                "exception": type(err).__name__, "detail": str(err)})
