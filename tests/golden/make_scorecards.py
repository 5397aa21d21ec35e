"""Write ``tests/golden/scorecards/<seed-id>.json``: the score card of each seed of the shared
corpus, for the framework chosen by default for that seed.

Run from the repository root::

    .venv/bin/python tests/golden/make_scorecards.py

Look at every changed card by hand before committing it (``scorecards/README.md`` says what
was checked); ``tests/test_score_golden.py`` recomputes the cards and compares.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jixiao import analyse
from jixiao.jsonout import dumps
from jixiao.score import score

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parents[1] / ".." / "shared" / "corpus" / "seeds"
OUT = HERE / "scorecards"


def card_json(path: Path) -> str:
    """The golden JSON text of one seed's card (the source path reduced to its file name)."""
    data = score(analyse(path)).model_dump()
    data["report_source"] = path.name
    return dumps(data, indent=1) + "\n"


def seeds() -> list[Path]:
    """The seed files, sorted (empty when the shared corpus is absent)."""
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def main() -> int:
    """Write one golden card per seed; report the files written."""
    if not seeds():
        sys.stderr.write(f"共享语料不存在：{SEEDS.resolve()}\n")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    for path in seeds():
        target = OUT / f"{path.stem}.json"
        target.write_text(card_json(path), encoding="utf-8")
        sys.stdout.write(f"写入 {target.relative_to(HERE.parents[1])}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
