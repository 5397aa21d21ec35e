"""Shared test helpers: where the shared corpus is (it may be absent in a user's clone)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "corpus" / "gold"
SAMPLES = ROOT / "samples"

# the tests are about the shipped data: a user data folder of the developer's shell must not apply
os.environ.pop("JIXIAO_DATA", None)


def gold_cases() -> list[tuple[Path, dict]]:
    if not GOLD.is_dir():
        return []
    out = []
    for gf in sorted(GOLD.glob("*.json")):
        g = json.loads(gf.read_text(encoding="utf-8"))
        out.append((SEEDS / g["doc"], g))
    return out


def require_corpus() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"共享语料不存在：{SEEDS}（用户的独立克隆没有 ../shared）")


# fixtures of the store / API / permission tests (databases, a small world of users and reports)
pytest_plugins = ["web_support"]
