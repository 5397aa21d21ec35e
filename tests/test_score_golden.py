"""Golden score cards of the five seeds: recompute each and compare with the file written by
``tests/golden/make_scorecards.py`` (skipped when the shared corpus is absent)."""

import importlib.util
import json
from decimal import Decimal
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
SEEDS = SHARED / "corpus" / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden" / "scorecards"
REGEN = ".venv/bin/python tests/golden/make_scorecards.py"


def _maker():
    spec = importlib.util.spec_from_file_location("make_scorecards", GOLDEN.parent / "make_scorecards.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def test_corpus_present_or_skip():
    if not SEEDS.is_dir():
        pytest.skip(f"共享语料不存在：{SEEDS}（独立克隆没有 ../shared），跳过评分卡金标准比对")
    assert len(SEED_FILES) == 5


@pytest.mark.parametrize("seed", SEED_FILES, ids=[p.name[:3] for p in SEED_FILES])
def test_scorecard_matches_golden(seed):
    golden = GOLDEN / f"{seed.stem}.json"
    assert golden.is_file(), f"缺少金标准评分卡 {golden.name}；逐项人工核对后运行：{REGEN}"
    got = json.loads(_maker().card_json(seed), parse_float=Decimal)
    want = json.loads(golden.read_text(encoding="utf-8"), parse_float=Decimal)
    assert got == want, f"{seed.name} 的评分卡与金标准不同；确认变化正确后运行：{REGEN}"


@pytest.mark.parametrize("seed", SEED_FILES, ids=[p.name[:3] for p in SEED_FILES])
def test_scorecard_evidence_slices_the_document(seed):
    from jixiao import extract_report, load
    from jixiao.score import score

    document = load(seed)
    card = score(extract_report(document))
    spans = [s for ind in card.indicators for i in ind.inputs for s in i.evidence]
    spans += [s for cap in card.caps for i in cap.inputs for s in i.evidence]
    for s in spans:
        assert document.text[s.start:s.end] == s.text
