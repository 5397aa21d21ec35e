"""Metamorphic tests: rewriting a report in a way that keeps its meaning keeps what is extracted.

Every transform of ``tests/transforms.py`` is applied to every seed report (``../shared/corpus/seeds``,
skipped cleanly when absent), to the bundled text sample, and to the text of the bundled Word sample
(which has a table). The transformed file goes through the file loader and the whole extraction
with review; its facts, project items, KPI metrics and findings must equal the original's, with
names changed where the transform renames them. A failure lists exactly what differs.

Random choices (the place a report is moved to, the wrap width, the page-chrome shape) are drawn by
hypothesis with a fixed, derandomised profile, so CI is deterministic.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import transforms as tf
from conftest import SAMPLES, SEEDS, require_corpus
from jixiao.extract.lexicon import load_yaml
from jixiao.ingest import load
from jixiao.model import Report
from jixiao.pipeline import analyse_document

META = settings(max_examples=3, derandomize=True, deadline=None, database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# --------------------------------------------------------------------------- documents
DOCX_SAMPLE = "sample-docx-text"


def _doc_ids() -> list[str]:
    seeds = sorted(p.name for p in SEEDS.glob("*.txt")) if SEEDS.is_dir() else ["seeds"]
    return seeds + sorted(p.name for p in SAMPLES.glob("*.txt")) + [DOCX_SAMPLE]


DOCS = _doc_ids()


def _short(doc_id: str) -> str:
    if doc_id in (DOCX_SAMPLE, "seeds"):
        return doc_id
    return doc_id[:3] if doc_id[:3].isdigit() else "sample-txt"


DOC = pytest.mark.parametrize("doc_id", DOCS, ids=[_short(d) for d in DOCS])


@cache
def original(doc_id: str) -> str:
    """The text of the document as decoded from its file (before normalisation)."""
    if doc_id == "seeds":
        require_corpus()
    if doc_id == DOCX_SAMPLE:
        return load(next(SAMPLES.glob("*.docx"))).origin  # paragraphs and tab-separated table rows
    path = SEEDS / doc_id if (SEEDS / doc_id).exists() else SAMPLES / doc_id
    return load(path).origin


# --------------------------------------------------------------------------- running
def run(t: tf.Transformed) -> Report:
    """Write the (transformed) text to a file, load it and extract with review."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.txt"
        path.write_bytes(t.data())
        doc = load(path)
    with provinces_follow(t.provinces):
        report = analyse_document(doc).report
    for span in [s for f in report.facts.values() for s in f.evidence] + [s for m in report.metrics for s in m.evidence]:
        assert doc.text[span.start:span.end] == span.text, f"{t.note}: evidence not grounded: {span}"
    return report


@contextmanager
def provinces_follow(provinces: dict[str, str]) -> Iterator[None]:
    """Knowledge keyed by province (the outline a report is held to) moves with the report: the new
    province is held to the old one's outline (or to none, when the old one had none)."""
    outlines = load_yaml("outline.yaml")["outlines"]
    saved = {k: list(o.get("provinces", [])) for k, o in outlines.items()}
    try:
        for o in outlines.values():
            for old, new in provinces.items():
                kept = [p for p in o.get("provinces", []) if p != new]
                o["provinces"] = [*kept, new] if old in kept else kept
        yield
    finally:
        for k, o in outlines.items():
            o["provinces"] = saved[k]


@cache
def baseline(doc_id: str) -> Report:
    return run(tf.Transformed(original(doc_id)))


# --------------------------------------------------------------------------- comparison
_POSITIONAL = frozenset({"first", "second"})  # paragraph numbers: where, not what
_KNOWLEDGE = frozenset({"outline", "section", "kpi", "key", "source"})  # names from data files, not the text


def _canon(v: Any, strings) -> Any:
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float, Decimal)):
        return Decimal(str(v)).normalize()
    if isinstance(v, str):
        return strings(v)
    if isinstance(v, (list, tuple)):
        return tuple(_canon(x, strings) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _canon(x, tf.same if k in _KNOWLEDGE else strings)) for k, x in v.items()))
    return v


def summary(report: Report, strings=tf.same, ignore: frozenset[str] = frozenset()) -> dict[str, Any]:
    """What must not change: facts, project items, KPI metrics, findings (rule + values)."""
    facts = {k: _canon(v, strings) for k, v in report.to_json()["facts"].items()}
    items = Counter((strings(it.name), *(_canon(getattr(it, k), strings) for k in ("budget", "adjustment", "actual")))
                    for it in report.project_items)
    kpis = Counter((m.kpi, _canon(m.value, strings), m.unit) for m in report.metrics if m.kpi)
    skip = _POSITIONAL | ignore
    findings = Counter((f.rule, _canon({k: v for k, v in f.values.items() if k not in skip}, strings))
                       for f in report.findings or [])
    return {"facts": facts, "items": items, "kpis": kpis, "findings": findings}


def _fmt(x: Any) -> str:
    if isinstance(x, tuple):
        return "(" + ", ".join(_fmt(v) for v in x) + ")"
    if isinstance(x, Decimal):
        return format(x, "f")
    return repr(x)


def differences(want: dict[str, Any], got: dict[str, Any]) -> list[str]:
    out = []
    wf, gf = want["facts"], got["facts"]
    for k in sorted(set(wf) | set(gf)):
        if k not in gf:
            out.append(f"fact {k}: lost (was {_fmt(wf[k])})")
        elif k not in wf:
            out.append(f"fact {k}: new {_fmt(gf[k])}")
        elif wf[k] != gf[k]:
            out.append(f"fact {k}: {_fmt(wf[k])} → {_fmt(gf[k])}")
    for part, label in (("items", "project item"), ("kpis", "kpi metric"), ("findings", "finding")):
        lost = want[part] - got[part]
        new = got[part] - want[part]
        out += [f"{label} lost: {_fmt(x)}" + (f" ×{n}" if n > 1 else "") for x, n in sorted(lost.items(), key=str)]
        out += [f"{label} new:  {_fmt(x)}" + (f" ×{n}" if n > 1 else "") for x, n in sorted(new.items(), key=str)]
    return out


def check(doc_id: str, t: tf.Transformed) -> None:
    base = baseline(doc_id)
    want = summary(base, t.strings, t.ignore)
    got = summary(run(t), ignore=t.ignore)
    diff = differences(want, got)
    assert not diff, f"{doc_id} [{t.note}] changed:\n  " + "\n  ".join(diff)


def identity(doc_id: str) -> dict[str, str | None]:
    facts = baseline(doc_id).facts
    return {k: (facts[k].value if k in facts else None) for k in ("province", "city", "county")}


# --------------------------------------------------------------------------- the transforms
def test_reading_twice_is_stable():
    """Sanity of the harness itself: the same text gives the same summary."""
    doc = DOCS[-1]
    check(doc, tf.Transformed(original(doc)))


@pytest.mark.parametrize("same_province", [True, False], ids=["same-province", "other-province"])
@DOC
@META
@given(data=st.data())
def test_rename_places(doc_id, same_province, data):
    text = original(doc_id)
    place = identity(doc_id)
    assert place["city"] or place["county"], f"{doc_id}: the original has no place to rename"
    targets = tf.place_targets(place, text, same_province)
    if same_province and not targets:
        assert not tf.is_real(place["province"]), f"{doc_id}: no other place in {place['province']}"
        return  # a fictional province has no other real places
    if not targets:  # a fictional county alone (示例县), with no city to keep its shape
        assert not place["city"] and not tf.is_real(place["county"]), f"{doc_id}: no place to move to"
        return
    target = data.draw(st.sampled_from(targets), label="target")
    check(doc_id, tf.rename_places(text, place, target))


@DOC
def test_money_in_yuan_and_wanyuan(doc_id):
    check(doc_id, tf.swap_money_units(original(doc_id)))


@DOC
def test_wan_without_yuan(doc_id):
    check(doc_id, tf.drop_yuan_after_wan(original(doc_id)))


@DOC
def test_full_width_digits_and_punctuation(doc_id):
    check(doc_id, tf.full_width(original(doc_id)))


@pytest.mark.parametrize("two", ["二", "两"])
@DOC
def test_chinese_numerals_for_small_counts(doc_id, two):
    check(doc_id, tf.chinese_counts(original(doc_id), two))


@pytest.mark.parametrize("style", tf.NUMBERING_STYLES)
@DOC
def test_heading_numbering_styles(doc_id, style):
    titles = [s.title for s in baseline(doc_id).sections if s.level == 1]
    check(doc_id, tf.renumber_headings(original(doc_id), titles, style))


@pytest.mark.parametrize("year_first", [False, True], ids=["split", "year-first"])
@DOC
def test_title_over_two_lines(doc_id, year_first):
    check(doc_id, tf.split_title(original(doc_id), year_first))


@pytest.mark.parametrize("shape", tf.METADATA_SHAPES)
@DOC
@META
@given(chinese_date=st.booleans())
def test_web_chrome_and_metadata(doc_id, shape, chinese_date):
    base = baseline(doc_id)
    year = base.fact_value("fiscal_year")
    assert year, f"{doc_id}: the original has no fiscal year"
    check(doc_id, tf.web_chrome(original(doc_id), base.fact_value("unit_name"), year, shape, chinese_date))


@pytest.mark.parametrize("shape", tf.TABLE_SHAPES)
@DOC
def test_tables_reflowed(doc_id, shape):
    check(doc_id, tf.reflow_tables(original(doc_id), shape))


@DOC
@META
@given(width=st.integers(min_value=30, max_value=40))
def test_hard_wrapped_lines(doc_id, width):
    check(doc_id, tf.hard_wrap(original(doc_id), width))


@pytest.mark.parametrize("encoding", tf.ENCODINGS)
@DOC
def test_file_encodings(doc_id, encoding):
    check(doc_id, tf.encode(original(doc_id), encoding))


# --------------------------------------------------------------------------- compositions
def _compose(first: tf.Transformed, second) -> tf.Transformed:
    t = second(first.text)
    return tf.Transformed(t.text, t.encoding, strings=lambda s: t.strings(first.strings(s)),
                          ignore=first.ignore | t.ignore, provinces={**first.provinces, **t.provinces},
                          note=" + ".join(n for n in (first.note, t.note) if n))


# in the order they are applied: what a report says first, then how it is laid out and written
TEXT_TRANSFORMS = {
    "yuan": tf.swap_money_units,
    "wan": tf.drop_yuan_after_wan,
    "chinese-counts": tf.chinese_counts,
    "tables": lambda text: tf.reflow_tables(text, "pipes"),
    "title": lambda text: tf.split_title(text, year_first=True),
    "full-width": tf.full_width,
    "wrap": lambda text: tf.hard_wrap(text, 34),
}
ORDER = list(TEXT_TRANSFORMS)


@DOC
@META
@given(names=st.sets(st.sampled_from(ORDER), min_size=2, max_size=4),
       encoding=st.sampled_from(("utf-8", *tf.ENCODINGS)))
def test_transforms_compose(doc_id, names, encoding):
    """Several transforms at once, then any encoding: still the same report."""
    t = tf.Transformed(original(doc_id))
    for name in sorted(names, key=ORDER.index):
        t = _compose(t, TEXT_TRANSFORMS[name])
    t.encoding = encoding
    check(doc_id, t)
