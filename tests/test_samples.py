"""The bundled samples against samples/expected.yaml (written by hand with the samples)."""

import subprocess
import sys
from decimal import Decimal

import pytest
import yaml

from conftest import SAMPLES
from jixiao import analyse

EXPECTED = yaml.safe_load((SAMPLES / "expected.yaml").read_text(encoding="utf-8"))["samples"]


def _eq(a, b):
    if isinstance(b, bool) or not isinstance(b, (int, float)):
        return a == b
    return a is not None and abs(Decimal(str(a)) - Decimal(str(b))) <= Decimal("0.005")


@pytest.fixture(scope="module")
def reports():
    return {s["doc"]: analyse(SAMPLES / s["doc"]) for s in EXPECTED}


@pytest.mark.parametrize("sample", EXPECTED, ids=[s["format"] for s in EXPECTED])
def test_sample_facts(sample, reports):
    facts = reports[sample["doc"]].to_json()["facts"]
    want = sample["facts"]
    for key, value in want.items():
        if key.endswith("_alt"):
            continue
        alts = want.get(f"{key}_alt", [])
        assert _eq(facts.get(key), value) or any(_eq(facts.get(key), a) for a in alts), (key, facts.get(key), value)
    spurious = {k for k in facts if k not in want}
    assert not spurious, spurious


@pytest.mark.parametrize("sample", EXPECTED, ids=[s["format"] for s in EXPECTED])
def test_sample_items_and_kpis(sample, reports):
    report = reports[sample["doc"]]
    for want in sample.get("project_items", []):
        got = next((it for it in report.project_items if want["name"] in it.name or it.name in want["name"]), None)
        assert got is not None, want
        for fld in ("budget", "adjustment", "actual"):
            if fld in want:
                assert _eq(getattr(got, fld), want[fld]), (want["name"], fld, getattr(got, fld))
    got = {(m.kpi, m.value) for m in report.metrics}
    for m in sample.get("metrics", []):
        assert (m["kpi"], Decimal(str(m["value"]))) in got, m


def _text_of(f) -> str:
    return " ".join([f.message, *(e.text for e in f.evidence), *(str(v) for v in f.values.values())])


@pytest.mark.parametrize("sample", EXPECTED, ids=[s["format"] for s in EXPECTED])
def test_sample_findings(sample):
    report = analyse(SAMPLES / sample["doc"])
    findings = report.findings
    matched = set()
    for want in sample.get("expected_findings", []):
        hits = [f for f in findings if f.rule == want["rule"] and str(want["subject"]) in _text_of(f)]
        assert hits, (want, [f.message for f in findings])
        assert hits[0].severity == want["severity"], (want, hits[0].severity)
        matched.update(id(f) for f in hits)
    for bad in sample.get("must_not_flag") or []:
        hits = [f.message for f in findings if f.rule == bad["rule"] and str(bad["subject"]) in _text_of(f)]
        assert not hits, (bad, hits)
    # each deliberate inconsistency is found, and nothing else of error severity
    extra_errors = [f.message for f in findings if f.severity == "error" and id(f) not in matched]
    assert not extra_errors, extra_errors


def test_the_final_accounts_sample_is_what_its_script_builds():
    """samples/示例市示范区司法局_2024年度部门决算.pdf comes from tools/make_sample_accounts.py (byte for byte)."""
    script = SAMPLES.parent / "tools" / "make_sample_accounts.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
