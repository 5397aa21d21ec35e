"""Review: rules over a report → findings (rule, severity, Chinese message, values, evidence).

``ReviewInput.build(report, text, tables, config)`` is what rules see; ``run_rules(input, select=…,
ignore=…)`` runs them; ``RULES`` is the registry (``resolve``, ``selection``). See docs/rules.md for
the catalogue and docs/architecture.md for how to add a rule.
"""

from jixiao.review.config import default_config, load_config
from jixiao.review.input import ReviewInput
from jixiao.review.registry import (
    INTERNAL_ERROR,
    INTERNAL_ERROR_TITLE,
    RULES,
    Rule,
    RuleError,
    resolve,
    rule,
    selection,
    split_names,
)
from jixiao.review.runner import internal_error, run_rules

__all__ = ["INTERNAL_ERROR", "INTERNAL_ERROR_TITLE", "RULES", "ReviewInput", "Rule", "RuleError", "internal_error",
           "default_config", "load_config", "resolve", "rule", "run_rules", "selection", "split_names"]
