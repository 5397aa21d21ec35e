"""The fictional fixture sets, scored like ../shared/tools/eval_corpus.py (tests/fixtures/README.md).

Development sets (dev4, dev6, dev9, dev10, dev11, heldout, heldout2) were used to find and fix general rules: their floors
guard against regressions. Held-out sets (heldout3, heldout5, heldout7, heldout8, heldout9, heldout10, heldout11) are measured only — written by
helpers who had not read the code, run once for the first-run figures, then frozen; a floor below
the recorded figures catches a collapse, and no code change is chosen by looking at their misses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus_score import score_folder, score_pairs

FIXTURES = Path(__file__).parent / "fixtures"

# set: (facts, items, kpi, labelled, findings, false flags at most)
FLOORS = {
    "dev4": (0.95, 0.90, 0.95, 0.85, 0.75, 0),
    "dev6": (0.93, 0.70, 0.85, 0.75, 0.55, 1),
    "dev9": (0.93, 0.88, 0.95, 0.83, 0.52, 0),
    "dev10": (0.92, 0.90, 0.88, 0.90, 0.90, 0),
    "dev11": (0.88, 0.75, 0.93, 0.82, 0.80, 0),
    "dev12": (0.90, 0.62, 0.95, 0.90, 0.80, 0),
    "dev_forms": (0.93, 0.95, 0.0, 0.85, 0.90, 0),
    "dev_accounts": (0.95, 0.0, 0.9, 0.0, 0.85, 0),
    "dev_accounts2": (0.90, 0.0, 0.0, 0.0, 0.85, 3),  # its 3 "false flags" are traps whose subject the right finding names
    "heldout": (0.98, 0.95, 0.95, 0.95, 0.90, 0),
    "heldout2": (0.98, 0.95, 0.95, 0.95, 0.95, 0),
    "heldout3": (0.85, 0.75, 0.90, 0.85, 0.85, 0),
    "heldout5": (0.90, 0.70, 0.85, 0.80, 0.45, 0),
    "heldout7": (0.90, 0.50, 0.80, 0.78, 0.60, 1),
    "heldout8": (0.90, 0.75, 0.80, 0.75, 0.35, 1),
    "heldout9": (0.95, 0.70, 0.95, 0.85, 0.65, 3),
    "heldout10": (0.90, 0.70, 0.85, 0.90, 0.80, 1),
    "heldout11": (0.88, 0.80, 0.72, 0.82, 0.72, 2),
    "heldout12": (0.92, 0.70, 0.95, 0.93, 0.85, 0),
    "heldout_forms": (0.98, 0.95, 0.0, 0.95, 0.90, 1),
    "heldout_forms2": (0.97, 0.95, 0.0, 0.95, 0.90, 0),
    # (4 false flags since 7a82a1d, 3 before: one of that session's changes flags a trap there, not looked at as the
    # set is frozen; facts went 371 → 401 of 417 with the same changes)
    "heldout_accounts": (0.83, 0.0, 0.0, 0.0, 0.5, 4),
    "dev_accounts3": (0.95, 0.5, 0.9, 0.0, 0.9, 2),  # its false flags: a trap whose subject the right finding computes, and a trap (the unit's short form) that the right unit-name-mismatch names
    "heldout_accounts2": (0.82, 0.0, 0.9, 0.0, 0.45, 1),  # first run: facts 327/391 findings 11/23 ff 1
    "dev_accounts4": (0.93, 0.9, 0.0, 0.9, 0.6, 1),  # first run (as heldout_accounts3): facts 250/298 findings 13/23 ff 1
    "dev_accounts5": (0.97, 0.0, 0.0, 0.0, 0.52, 1),  # first run at 6da8716+: facts 320/324 findings 28/60 ff 1
    "heldout_accounts5": (0.89, 0.9, 0.0, 0.9, 0.5, 2),  # first run at 554de5d: facts 279/306 findings 13/25 ff 2
    "heldout_accounts6": (0.88, 0.5, 0.0, 0.9, 0.7, 3),  # first run at d924137: facts 290/327 findings 25/34 ff 3
    "dev_accounts7": (0.92, 0.9, 0.0, 0.95, 0.95, 0),  # first run at 314965a: facts 283/332 findings 15/26 ff 9
    "heldout_accounts7": (0.89, 0.6, 0.0, 0.95, 0.84, 2),  # first run at 314965a: facts 284/316 findings 22/26 ff 2
    "dev_accounts8": (0.95, 0.9, 0.95, 0.9, 0.65, 1),  # first run at 0204b36: facts 300/332 findings 16/26 ff 6
    "heldout_accounts8": (0.92, 0.9, 0.0, 0.9, 0.78, 4),  # first run at 0204b36: facts 299/318 findings 23/28 ff 4
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_fixture_set_floors(name):
    score = score_folder(FIXTURES / name)
    facts, items, kpi, labelled, findings, flags = FLOORS[name]
    detail = f"{name}: {score.summary()}"
    assert score.rate("facts") >= facts, detail
    assert score.rate("items") >= items, detail
    assert score.rate("kpi") >= kpi, detail
    assert score.rate("labelled") >= labelled, detail
    assert score.rate("findings") >= findings, detail
    assert score.false_flags <= flags, detail


# 部门决算 sets (issue 11): the self-evaluation and the 决算 of one unit-year held against each other
PAIR_FLOORS = {"dev_accounts": (0.6, 0), "dev_accounts2": (0.9, 0), "heldout_accounts": (0.9, 0),
               "dev_accounts3": (0.9, 0), "heldout_accounts2": (0.3, 0), "dev_accounts4": (0.9, 0),
               "heldout_accounts5": (0.9, 0), "heldout_accounts6": (0.9, 0), "dev_accounts7": (0.9, 0),
               "heldout_accounts7": (0.9, 0), "dev_accounts8": (0.9, 0), "heldout_accounts8": (0.9, 0)}


@pytest.mark.parametrize("name", sorted(PAIR_FLOORS))
def test_cross_document_pairs(name):
    score = score_pairs(FIXTURES / name)
    findings, flags = PAIR_FLOORS[name]
    detail = f"{name}: {score.summary()} {score.misses}"
    assert score.rate("findings") >= findings, detail
    assert score.false_flags <= flags, detail
