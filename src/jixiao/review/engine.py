"""Running the rules over a :class:`~jixiao.review.input.ReviewInput`."""

from __future__ import annotations

import logging

from jixiao.model import Finding
from jixiao.review import rules  # noqa: F401 - registers the rules
from jixiao.review.config import load_config  # noqa: F401 - re-exported
from jixiao.review.input import ReviewInput
from jixiao.review.registry import RULES

log = logging.getLogger(__name__)
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def review(ri: ReviewInput, only: list[str] | None = None) -> list[Finding]:
    """Run every registered rule (or ``only`` those ids); a rule that fails is logged and
    skipped, the others still run."""
    findings: list[Finding] = []
    for rule_id, rule in RULES.items():
        if only and rule_id not in only:
            continue
        try:
            findings.extend(rule.check(ri))
        except Exception:  # noqa: BLE001 - one broken rule must not stop the review
            log.exception("审核规则 %s 运行出错", rule_id)
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.evidence[0].start if f.evidence else 0))
    return findings
