"""The pipeline: one orchestration for paths, bytes and text; the rules over a stored or corrected
report (ReviewInput is built from the report and its text, nothing from the extraction pass)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import SAMPLES
from jixiao.errors import IngestError
from jixiao.model import Report
from jixiao.pipeline import Options, analyse, analyse_batch, analyse_text, review_report

SAMPLE_TXT = SAMPLES / "示例市示范区司法局_2024年度部门整体支出绩效自评报告.txt"
ITEMS = ("（一）项目支出情况\n项目支出共200.00万元，一是智慧矫正建设年初预算120.00万元，实际支出110.00万元；"
         "二是法律援助经费年初预算80.00万元，实际支出90.00万元。")


def _dump(findings):
    return [f.model_dump() for f in findings]


def test_path_and_bytes_give_the_same_analysis():
    a = analyse(SAMPLE_TXT)
    b = analyse(SAMPLE_TXT.read_bytes(), name=str(SAMPLE_TXT))
    assert a.report.to_json() == b.report.to_json()
    assert a.findings and a.score is None
    scored = analyse(SAMPLE_TXT, Options(score=True))
    assert scored.score is not None and scored.score.framework_id


def test_a_stored_report_reviews_like_a_fresh_one():
    a = analyse(SAMPLE_TXT)
    stored = Report.model_validate_json(a.report.model_dump_json())  # as kept, then read back
    again = review_report(stored, a.document.text, a.document.tables)
    assert _dump(again) == _dump(a.findings)


def test_a_corrected_report_is_reviewed_with_its_corrections():
    a = analyse_text(ITEMS)
    assert not [f for f in a.findings if f.rule == "low-execution"]
    corrected = a.report.model_copy(deep=True)
    item = next(it for it in corrected.project_items if it.name.startswith("智慧矫正"))
    item.actual = Decimal("30.00")  # a reviewer's correction
    low = [f for f in review_report(corrected, a.document.text) if f.rule == "low-execution"]
    assert len(low) == 1 and "30.00" in low[0].message


def test_a_batch_goes_on_after_a_bad_file(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    outcomes = list(analyse_batch([bad, SAMPLE_TXT]))
    assert isinstance(outcomes[0].error, IngestError) and outcomes[0].analysis is None
    assert outcomes[1].error is None and outcomes[1].analysis.findings


def test_bytes_need_a_name():
    with pytest.raises(ValueError):
        analyse(b"text")
