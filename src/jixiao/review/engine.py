"""Running the rules over an extracted report."""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from jixiao.errors import JixiaoError
from jixiao.extract.context import Context
from jixiao.lexicon import load_yaml, validate_text, vocab
from jixiao.lexicon.schema import ReviewFile
from jixiao.model import Finding, Report, Span
from jixiao.review.registry import RULES

log = logging.getLogger(__name__)
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class ReviewContext:
    """What a rule sees: the report, the extraction context (text, sections, quantities) and
    the configuration (data/review.yaml, possibly overridden by the user)."""

    report: Report
    ctx: Context
    config: dict[str, Any]
    cache: dict[str, Any] = field(default_factory=dict)  # work shared by several rules

    @property
    def text(self) -> str:
        return self.ctx.text

    def words(self, name: str) -> re.Pattern[str]:
        """The compiled vocabulary list ``name`` (data/vocabulary.yaml), looked up once per review."""
        key = "words:" + name
        if key not in self.cache:
            self.cache[key] = vocab(name)
        return self.cache[key]

    @cached_property
    def _goal_sections(self) -> frozenset[int]:
        """The sections (by id) that set targets (绩效目标设置情况), not report results."""
        goal, result = self.words("goal_section"), self.words("result_section")
        return frozenset(id(s) for s in self.ctx.sections if goal.search(s.title) and not result.search(s.title))

    def in_goal_section(self, pos: int) -> bool:
        """Inside a section that sets targets (绩效目标设置情况), not one that reports results."""
        goals = self._goal_sections
        return bool(goals) and any(id(s) in goals for s in self.ctx.index.path(pos))

    def span(self, start: int, end: int) -> Span:
        return self.ctx.span(start, end)

    def finding(self, rule_id: str, severity: str | None = None, values: dict | None = None,
                evidence: list[Span] | None = None, **fields: Any) -> Finding:
        rule = RULES[rule_id]
        return Finding(rule=rule_id, severity=severity or rule.severity, message=rule.format(**fields),
                       values=values or {}, evidence=evidence or [])


def load_config(path: str | Path | None = None) -> dict[str, Any]:
    """Defaults from data/review.yaml, deep-merged with the user's file (validated by the same
    schema: an unknown key or a wrong type is a :class:`~jixiao.errors.DataError` naming its line)."""
    config = copy.deepcopy(load_yaml("review.yaml"))
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as err:
            raise JixiaoError(f"{path}：无法读取审核配置（{err.strerror or err}）") from None
        user = validate_text(ReviewFile, text, str(path), empty_ok=True)
        _merge(config, user.model_dump(exclude_unset=True))
    return config


def _merge(base: dict, extra: dict) -> None:
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            _merge(base[k], v)
        else:
            base[k] = v


def review(report: Report, ctx: Context, config: dict[str, Any] | None = None,
           only: list[str] | None = None) -> list[Finding]:
    """Run every registered rule (or ``only`` those ids); a rule that fails is logged and
    skipped, the others still run."""
    from jixiao.review import rules  # noqa: F401 - registers the rules

    rc = ReviewContext(report, ctx, config or load_config())
    findings: list[Finding] = []
    for rule_id, rule in RULES.items():
        if only and rule_id not in only:
            continue
        try:
            findings.extend(rule.check(rc))
        except Exception:  # noqa: BLE001 - one broken rule must not stop the review
            log.exception("审核规则 %s 运行出错", rule_id)
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.evidence[0].start if f.evidence else 0))
    return findings
