"""Scoring: frameworks as YAML data (``data/frameworks/``) over a small set of rule types.

Public API:
    score(report, framework_name=None) -> ScoreCard
    framework_ids() -> list[str];  load_framework(id) -> Framework
    scorecard_table(card) -> rich Table;  scorecard_text(card) -> str
    card.model_dump() / card.to_json_text()  (exact Decimals via jixiao.jsonout.dumps)
"""

from jixiao.score.card import ScoreCard
from jixiao.score.engine import score
from jixiao.score.framework import Framework, FrameworkError, choose_framework, framework_ids, load_framework
from jixiao.score.render import scorecard_table, scorecard_text

__all__ = ["Framework", "FrameworkError", "ScoreCard", "choose_framework", "framework_ids", "load_framework",
           "score", "scorecard_table", "scorecard_text"]
