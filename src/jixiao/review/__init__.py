"""Review: rules over an extracted report → findings (rule, severity, Chinese message, values,
evidence). See docs/rules.md for the catalogue."""

from jixiao.review.config import load_config
from jixiao.review.engine import review
from jixiao.review.input import ReviewInput
from jixiao.review.registry import RULES

__all__ = ["RULES", "ReviewInput", "load_config", "review"]
