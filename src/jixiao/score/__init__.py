"""Scoring: frameworks as YAML data (``data/frameworks/``) over a small set of rule types.

Public API:
    score(report, framework_name=None) -> ScoreCard
    framework_ids() -> list[str];  load_framework(id) -> Framework
    scorecard_table(card) -> rich Table;  scorecard_text(card) -> str
    score_forms(report, rules_id=None) -> list[FormScore]  (each project form scored again, data/form_rules/)
    form_score_table(form_score) -> rich Table
    card.model_dump() / card.to_json_text()  (exact Decimals via jixiao.jsonout.dumps)
"""

from jixiao.score.card import ScoreCard
from jixiao.score.engine import score
from jixiao.score.forms import FormRulesError, FormScore, form_rules_ids, score_forms
from jixiao.score.framework import Framework, FrameworkError, choose_framework, framework_ids, load_framework
from jixiao.score.render import form_score_table, scorecard_table, scorecard_text

__all__ = ["FormRulesError", "FormScore", "Framework", "FrameworkError", "ScoreCard", "choose_framework",
           "form_rules_ids", "form_score_table", "framework_ids", "load_framework", "score", "score_forms",
           "scorecard_table", "scorecard_text"]
