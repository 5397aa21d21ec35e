"""Identity facts where the page layout gets in the way: a title over two lines, a web page's
breadcrumb and metadata before the report. All examples are invented."""

from __future__ import annotations

from jixiao.extract import extract_text

BODY = "一、部门概况\n样板县林业局内设股室4个。\n二、存在的问题\n无。\n"


def facts(text: str) -> dict:
    return extract_text(text).to_json()["facts"]


def test_title_over_two_lines():
    for title in ("2023年度样板县林业局整体支出\n绩效自评报告", "2023年度样板县林业局\n部门整体支出绩效自评报告"):
        got = facts(title + "\n" + BODY)
        assert (got.get("unit_name"), got.get("fiscal_year"), got.get("report_kind")) == \
            ("样板县林业局", 2023, "self_evaluation"), title


def test_breadcrumb_and_publication_date_are_not_the_report():
    page = ("首页 > 信息公开 > 预决算信息 > 绩效评价\n"
            "索引号：11350000/2026-00031    发布机构：样板县林业局\n"
            "发布日期：2025-06-01    文号：林财〔2025〕3号\n"
            "2024年度样板县林业局部门整体支出绩效自评报告\n"
            "报告日期：2025年3月5日\n" + BODY)
    got = facts(page)
    assert got["report_kind"] == "self_evaluation"  # not final_accounts from 预决算信息
    assert got["report_date"] == "2025-03-05"  # not the 发布日期
    assert got["fiscal_year"] == 2024
    assert "report_date" not in facts(page.replace("报告日期：2025年3月5日\n", ""))
