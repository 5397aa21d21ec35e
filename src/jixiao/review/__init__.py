"""Review: rules over an extracted report → findings (rule, severity, Chinese message, values,
evidence). See docs/rules.md for the catalogue."""

from jixiao.review.engine import load_config, review
from jixiao.review.registry import RULES

__all__ = ["RULES", "load_config", "review"]
