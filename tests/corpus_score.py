"""Scores analysed reports against gold files in the format of ../shared/corpus/gold, the way
../shared/tools/eval_corpus.py does (facts, project items, KPI and labelled metrics, expected
findings, false flags), in process so the suites stay fast. Used by the corpus tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from jixiao import pipeline
from jixiao.review import load_config
from jixiao.review.documents import pair_findings

TOL = Decimal("0.005")


@dataclass
class Score:
    """Hits and totals per measure, and what was missed (for the failure message)."""

    hits: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in
                                                                   ("facts", "items", "kpi", "labelled", "findings")})
    false_flags: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, key: str, ok: bool, what: str) -> None:
        self.hits[key][0] += ok
        self.hits[key][1] += 1
        if not ok:
            self.misses.append(what)

    def rate(self, key: str) -> float:
        hit, total = self.hits[key]
        return hit / total if total else 1.0

    def summary(self) -> str:
        return "  ".join(f"{k} {h}/{t}" for k, (h, t) in self.hits.items()) + f"  false-flags {self.false_flags}"


def _num_eq(a, b) -> bool:
    try:
        return abs(Decimal(str(a)) - Decimal(str(b))) <= TOL
    except (ArithmeticError, ValueError, TypeError):
        return False


def _overlap(a: str, b: str) -> float:
    chars = [c for c in a if not c.isspace()]
    return sum(1 for c in chars if c in b) / max(1, len(chars))


def _text_of(item: dict) -> str:
    parts = [str(item.get(k, "")) for k in ("label", "name", "message", "kpi")]
    parts += [str(ev.get("text", "")) for ev in item.get("evidence") or []]
    values = item.get("values") or {}
    parts += [f"{k}={v}" for k, v in values.items()] + [str(v) for v in values.values()]
    return " ".join(parts)


def _metric_found(g: dict, metrics: list[dict]) -> bool:
    for m in metrics:
        if not _num_eq(m.get("value"), g["value"]):
            continue
        if "kpi" in g:
            if m.get("kpi") == g["kpi"]:
                return True
            continue
        t = _text_of(m)
        if _overlap(g["label"], t) >= 0.5 or g["evidence"] in t or (m.get("label") and m["label"] in g["evidence"]):
            return True
    return False


def _item_found(g: dict, items: list[dict]) -> bool:
    for it in items:
        name = str(it.get("name", ""))
        if not name or not (g["name"] in name or name in g["name"] or _overlap(g["name"], name) >= 0.8):
            continue
        if all(_num_eq(it.get(k), g[k]) for k in ("budget", "adjustment", "actual") if k in g):
            return True
        if set(g) == {"name", "actual"} and any(_num_eq(it.get(k), g["actual"]) for k in ("budget", "actual")):
            return True
    return False


def score_folder(gold_dir: Path, docs_dir: Path | None = None) -> Score:
    """Analyse every document a gold file of ``gold_dir`` names and score it."""
    score = Score()
    for gf in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gf.read_text(encoding="utf-8"))
        out = pipeline.analyse((docs_dir or gold_dir) / gold["doc"]).report.to_json()
        facts = out["facts"]
        want = dict(gold.get("facts", {}))
        alts = want.pop("unit_name_alt", [])
        for key, value in want.items():
            got = facts.get(key)
            if value is None:
                ok = got in (None, "")
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ok = _num_eq(got, value)
            else:
                ok = got == value or (key == "unit_name" and got in alts)
            score.add("facts", ok, f"{gold['doc']}: {key} want {value!r} got {got!r}")
        for it in gold.get("project_items", []):
            score.add("items", _item_found(it, out["project_items"]), f"{gold['doc']}: item {it['name']}")
        for m in gold.get("metrics", []):
            score.add("kpi" if "kpi" in m else "labelled", _metric_found(m, out["metrics"]),
                      f"{gold['doc']}: metric {m.get('kpi') or m.get('label')}={m['value']}")
        _score_findings(score, gold, out.get("findings") or [], gold["doc"])
    return score


def _score_findings(score: Score, gold: dict, findings: list[dict], doc: str) -> None:
    """The expected findings found, and the traps flagged (false flags), of one document or pair."""
    for f in gold.get("expected_findings", []):
        hit = any(x["rule"] == f["rule"] and f["subject"] in _text_of(x) for x in findings)
        score.add("findings", hit, f"{doc}: {f['rule']} about {f['subject']}")
    for f in gold.get("must_not_flag", []):
        if any(x["rule"] == f["rule"] and f["subject"] in _text_of(x) for x in findings):
            score.false_flags += 1
            score.misses.append(f"{doc}: false flag {f['rule']} about {f['subject']}")


def score_pairs(folder: Path) -> Score:
    """The cross-document pairs of a set (``pairs.yaml``: a self-evaluation and the 部门决算 of the same unit and
    year, with the cross-document-mismatch findings expected and not to be raised), scored like the findings."""
    score = Score()
    for pair in yaml.safe_load((folder / "pairs.yaml").read_text(encoding="utf-8")):
        names = (pair["self_evaluation"], pair["final_accounts"])
        reports = [(n, pipeline.analyse(folder / n).report.to_json()) for n in names]
        found = [f.model_dump() for fs in pair_findings(reports, load_config()).values() for f in fs]
        _score_findings(score, pair, found, names[0])
    return score
