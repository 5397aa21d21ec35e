"""部门决算 documents (issue 11): the rows of the 收入支出决算总表 numbered like headings, and a contents page,
open no section of figures (invented 决算 text, none from the PDFs in ../shared/corpus/pdf)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SHARED
from corpus_score import score_folder
from jixiao.cli import app
from jixiao.extract.accounts import _header_cell, read_accounts
from jixiao.extract.context import Context
from jixiao.extract.outline import build_sections
from jixiao.ingest import load
from jixiao.ingest.document import Cell
from jixiao.pipeline import analyse, load_bytes
from jixiao.review import ReviewInput, load_config

FINAL = """示例市示例区档案局 2024 年度部门决算
目 录
第一部分 示例市示例区档案局概况
第二部分 示例市示例区档案局 2024 年度部门决算表
八、政府性基金预算财政拨款收入支出决算表
九、国有资本经营预算财政拨款收入支出决算表
第三部分 示例市示例区档案局 2024 年度部门决算情况说明
八、政府性基金预算财政拨款收入支出决算情况说明
九、国有资本经营预算财政拨款收入支出决算情况说明
第一部分 示例市示例区档案局概况
一、主要职能
负责全区档案事业的统筹规划和组织协调。
第二部分 示例市示例区档案局 2024 年度部门决算表
财政拨款收入支出决算总表
单位：万元
一、一般公共预算财政拨款 512.40 一、一般公共服务支出 468.12
二、政府性基金预算财政拨 二、外交支出
款
三、国有资本经营预算财政
拨款 三、国防支出
八、社会保障和就业支出 30.16
九、卫生健康支出 14.12
二十一、国有资本经营预算
支出
二十二、灾害防治及应急管
理支出
总计 512.40 总计 512.40
一般公共预算财政拨款基本支出决算表
301 工资福利支出 301.20
302 商品和服务支出 41.37
310 资本性支出 0.00
第三部分 示例市示例区档案局 2024 年度部门决算情况说明
九、国有资本经营预算财政拨款收入支出决算情况说明
示例市示例区档案局2024年度无国有资本经营预算财政拨款收入和支出。
"""


def test_total_table_rows_and_contents_are_not_fund_sections():
    sections = build_sections(FINAL)
    soe = [s for s in sections if s.key == "soe_capital"]
    assert all("决算" in s.title for s in soe)  # the contents entry and the narrative heading, not the table rows
    assert not [s for s in sections if "外交支出" in s.title or "国防支出" in s.title or "灾害防治" in s.title]
    report = analyse(FINAL.encode("utf-8"), name="决算.txt").report
    assert not [f for f in report.findings if f.rule == "conflicting-values"]
    assert report.fact_value("soe_capital_expenditure") == 0  # "无国有资本经营预算财政拨款收入和支出"


def test_a_units_name_broken_by_the_title_line():
    text = "示例市示例区规划和自然\n资源局\n2024 年度部门决算\n目 录\n第一部分 示例市示例区规划和自然资源局概况\n"
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    assert report.fact_value("unit_name") == "示例市示例区规划和自然资源局"


def test_the_appropriation_tables_totals_are_not_the_departments():
    text = """示例区档案局2024年度部门决算
收入支出决算总表
单位：万元
本年收入合计 1,306.25 本年支出合计 1,300.05
总计 1,330.40 总计 1,330.40
221 02 03 购房补贴 58.50 58.50财政拨款收入支出决算总表
单位：万元
本年收入合计 1,280.05 本年支出合计 1,280.05
总计 1,301.68 总计 1,301.68
"""
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    assert report.fact_value("revenue_total") == Decimal("1306.25")  # not the 财政拨款 table's 1,280.05
    assert not [f for f in report.findings if f.rule == "conflicting-values"]


# --- the 决算 table model (invented tables, tab-separated as a .txt gives them) -----------------------------

T = "\t"


def _table(title: str, header: list[str], rows: list[list[str]], unit: str = "万元") -> str:
    return f"{title}\n编制单位：示例县档案馆\t单位：{unit}\n" + T.join(header) + "\n" + \
        "\n".join(T.join(r) for r in rows) + "\n"


def _accounts(expenditure_total: str = "380.20", unit: str = "万元", scale: int = 1) -> str:
    def m(v: str) -> str:
        return "" if v == "" else f"{Decimal(v) * scale:.2f}"

    return ("示例县档案馆2024年度部门决算\n第二部分 2024年度部门决算表\n"
            + _table("收入支出决算总表", ["项目", "决算数", "项目", "决算数"], [
                ["一、一般公共预算财政拨款收入", m("380.20"), "一、一般公共服务支出", m("352.10")],
                ["", "", "二、社会保障和就业支出", m("28.10")],
                ["本年收入合计", m("380.20"), "本年支出合计", m(expenditure_total)],
                ["年初结转和结余", "", "年末结转和结余", ""],
                ["总计", m("380.20"), "总计", m(expenditure_total)]], unit)
            + _table("支出决算表", ["科目编码", "", "", "科目名称", "本年支出合计", "基本支出", "项目支出"], [
                ["类", "款", "项", "合计", m("380.20"), m("280.20"), m("100.00")],
                ["201", "", "", "一般公共服务支出", m("352.10"), m("252.10"), m("100.00")],
                ["201", "26", "", "档案事务", m("352.10"), m("252.10"), m("100.00")],
                ["201", "26", "01", "行政运行", m("252.10"), m("252.10"), ""],
                ["201", "26", "04", "档案馆", m("100.00"), "", m("100.00")],
                ["208", "", "", "社会保障和就业支出", m("28.10"), m("28.10"), ""]], unit)
            + _table("一般公共预算财政拨款基本支出决算表",
                     ["经济分类科目编码", "科目名称", "决算数", "经济分类科目编码", "科目名称", "决算数"], [
                ["301", "工资福利支出", m("248.60"), "302", "商品和服务支出", m("31.60")],
                ["人员经费合计", "", m("248.60"), "公用经费合计", "", m("31.60")]], unit)
            + "第三部分 2024年度部门决算情况说明\n一、收入支出决算总体情况说明\n示例县档案馆2024年度收入支出总计380.20万元。\n")


def test_the_tables_are_read_by_title_header_and_code():
    analysis = analyse(_accounts().encode("utf-8"), name="决算.txt")
    doc = analysis.document
    ri = ReviewInput.build(analysis.report, doc.text, doc.tables, load_config())
    kinds = [t.kind for t in ri.accounts]
    assert kinds == ["summary", "expenditure", "basic"]
    summary, expenditure, basic = ri.accounts
    assert len(summary.panes) == 2 and len(basic.panes) == 2  # 收入 | 支出; 人员经费 | 公用经费
    assert expenditure.panes[0] == ["本年支出合计", "基本支出", "项目支出"]
    codes = [r.code for r in expenditure.rows]
    assert codes == [None, "201", "20126", "2012601", "2012604", "208"]  # 201 | 26 | 01 over three columns
    assert [r.level for r in expenditure.rows[1:4]] == [1, 2, 3]
    fact = analysis.report.facts["basic_expenditure"]
    assert fact.value == Decimal("280.20")
    assert doc.text[fact.evidence[-1].start:fact.evidence[-1].end] == "280.20"  # the cell itself
    assert analysis.report.fact_value("personnel_expenditure") == Decimal("248.60")
    assert not [f for f in analysis.report.findings if f.rule in ("cross-table-mismatch", "sum-mismatch")]


@pytest.mark.parametrize(("stated", "flagged"), [("100.00", False), ("100.0", False), ("110.00", True)])
def test_a_line_of_the_classification_in_the_text_against_its_row(stated, flagged):
    """“档案事务（款）档案馆（项）。年初预算为95.00万元，支出决算为N万元” is the 决算 of the row 档案馆 under 档案事务 of the
    table its section explains; its budget and last year's figure are not."""
    text = _accounts() + ("二、支出决算情况说明\n"
                          f"1.一般公共服务支出（类）档案事务（款）档案馆（项）。年初预算为95.00万元，支出决算为{stated}万元，"
                          "上年支出决算为110.00万元。\n"
                          "2.一般公共服务支出（类）档案事务（款）行政运行（项）。年初预算为250.00万元，支出决算为252.10万元。\n")
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    hits = [f.message for f in report.findings if f.rule == "text-table-mismatch"]
    if flagged:
        assert len(hits) == 1 and "档案馆（项）" in hits[0] and f"{stated}万元" in hits[0] and "100.00" in hits[0], hits
    else:
        assert not hits


@pytest.mark.parametrize(("revenue", "line", "wages", "flagged"), [
    ("3802000.00", "3521000.00", "2486000.00", []),
    ("3812000.00", "3521000.00", "2486000.00", ["3812000.00元", "3802000.00元"]),
    ("3802000.00", "3531000.00", "2486000.00", ["3531000.00元", "3521000.00元"]),
    ("3802000.00", "3521000.00", "2468000.00", ["2468000.00元", "2486000.00元"]),
])
def test_figures_of_a_final_account_in_yuan_against_its_tables(revenue, line, wages, flagged):
    """A 决算 in 元 states its figures in 元 in the text too: each is held against its table figure, and the finding
    tells both in 元 as printed (not 381.2万元 against 3802000.00)."""
    text = _accounts(unit="元", scale=10000) + (
        "二、收入决算情况说明\n"
        f"本年收入合计3802000.00元，其中：一般公共预算财政拨款收入{revenue}元。\n"
        "三、支出决算情况说明\n"
        f"一般公共服务支出（类）{line}元，占本年支出合计的92.61%。\n"
        "四、一般公共预算财政拨款基本支出决算情况说明\n"
        f"人员经费2486000.00元，其中：工资福利支出{wages}元；其他工资福利支出9.55元不在此列。\n")
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    hits = [f.message for f in report.findings if f.rule == "text-table-mismatch"]
    if not flagged:
        assert not hits
    else:
        assert len(hits) == 1 and all(w in hits[0] for w in flagged), hits


def test_a_broken_identity_names_the_table_row_and_column():
    report = analyse(_accounts(expenditure_total="390.20").encode("utf-8"), name="决算.txt").report
    hits = [f for f in report.findings if f.rule == "cross-table-mismatch"]
    assert hits, [f.message for f in report.findings]
    f = next(f for f in hits if "本年支出合计" in f.message and "390.20" in f.message)
    assert "《收入支出决算总表》" in f.message and "380.20" in f.message
    assert any(loc.get("table") == "收入支出决算总表" and loc.get("row") == "本年支出合计" for loc in f.locations)


def test_a_table_in_yuan_gives_the_same_facts_and_findings_as_in_wanyuan():
    """Metamorphic: the same tables written in 元 (×10000) read as the same 万元 figures, and the same identity
    breaks the same way."""
    for total in ("380.20", "390.20"):
        wan = analyse(_accounts(total).encode("utf-8"), name="决算.txt").report
        yuan = analyse(_accounts(total, unit="元", scale=10000).encode("utf-8"), name="决算.txt").report
        for key in ("basic_expenditure", "project_expenditure", "personnel_expenditure", "expenditure_total"):
            assert wan.fact_value(key) == yuan.fact_value(key), key
        rules = sorted(f.rule for f in wan.findings if f.rule == "cross-table-mismatch")
        assert rules == sorted(f.rule for f in yuan.findings if f.rule == "cross-table-mismatch")


def test_renaming_the_unit_changes_nothing_checked():
    """Metamorphic: another unit's name in every place gives the same findings."""
    a = analyse(_accounts("390.20").encode("utf-8"), name="决算.txt").report
    b = analyse(_accounts("390.20").replace("示例县档案馆", "样板市林业站").encode("utf-8"), name="决算.txt").report
    assert [f.rule for f in a.findings] == [f.rule for f in b.findings]


# --- two documents: the self-evaluation against its 决算 -------------------------------------------------

SELF = ("示例县档案馆2024年度部门整体支出绩效自评报告\n一、部门概况\n示例县档案馆内设机构3个。\n二、部门整体支出情况\n"
        "2024年度本年收入合计380.20万元，本年支出合计{}万元，其中：基本支出280.20万元，项目支出100.00万元。\n"
        "三、存在的问题\n档案数字化进度偏慢。\n")


def test_check_holds_a_self_evaluation_against_its_final_accounts(tmp_path):
    accounts = tmp_path / "决算.txt"
    accounts.write_text(_accounts(), encoding="utf-8")
    wrong, right = tmp_path / "自评.txt", tmp_path / "自评2.txt"
    wrong.write_text(SELF.format("390.20"), encoding="utf-8")
    right.write_text(SELF.format("380.2"), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(wrong), str(accounts), "--json"])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    by_source = {Path(d["source"]).name: d["findings"] for d in lines}
    own = [f for f in by_source["自评.txt"] if f["rule"] == "cross-document-mismatch"]
    assert own and "390.20" in own[0]["message"] and "380.20" in own[0]["message"]
    assert own[0]["values"]["other"]["source"].endswith("决算.txt")
    theirs = [f for f in by_source["决算.txt"] if f["rule"] == "cross-document-mismatch"]
    assert theirs  # the finding is on both documents, each with its own evidence
    result = CliRunner().invoke(app, ["check", str(right), str(accounts), "--json"])
    assert "cross-document-mismatch" not in result.stdout  # 380.2 and 380.20 agree at the written precision
    alone = CliRunner().invoke(app, ["check", str(wrong), "--json"])
    assert "cross-document-mismatch" not in alone.stdout


# --- the real 决算 PDFs of ../shared, against our own reading of them (tests/fixtures/pdf_gold) --------------

PDFS = SHARED / "corpus" / "pdf"


@pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/corpus/pdf is not here")
def test_the_real_pdfs_against_our_reading():
    score = score_folder(Path(__file__).parent / "fixtures" / "pdf_gold", PDFS)
    detail = score.summary() + " " + "; ".join(score.misses)
    assert score.rate("facts") >= 0.95 and score.rate("findings") >= 0.9, detail
    assert score.false_flags == 0, detail


@pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/corpus/pdf is not here")
def test_findings_on_a_pdf_carry_pages_and_table_cells():
    report = analyse(PDFS / "p002.pdf").report
    f = next(f for f in report.findings if f.rule == "text-table-mismatch" and "4896.98" in f.message)
    pages = [loc.get("page") for loc in f.locations]
    assert pages[0] == 24 and 16 in pages  # the sentence on page 24, the table's cell on page 16
    assert any(loc.get("table") == "一般公共预算财政拨款基本支出决算表" and loc.get("row") == "人员经费合计"
               for loc in f.locations)
    template = analyse(PDFS / "p005.pdf").report  # a blank template: residue, nothing arithmetic
    arithmetic = {"sum-mismatch", "rate-mismatch", "cross-table-mismatch", "text-table-mismatch",
                  "wording-contradicts-figures", "rate-on-zero-base", "missing-table"}
    assert not [f.message for f in template.findings if f.rule in arithmetic]
    assert [f for f in template.findings if f.rule == "placeholder-text"]


def test_a_code_written_in_parts_is_not_a_count():
    """"303 10 个人农业生产补贴" (the text layer of a 基本支出决算表 row, code 30310 written 303 10) counts nothing;
    "共有车辆 3 辆" still does."""
    text = ("示例县林业站2024年度部门决算\n一般公共预算财政拨款基本支出决算表\n单位：万元\n303 10 个人农业生产补贴 0.31\n"
            "201 06 01 行政运行 12.50\n截至2024年12月31日，示例县林业站共有车辆 3 辆。\n")
    metrics = analyse(text.encode("utf-8"), name="决算.txt").report.metrics
    assert not [m for m in metrics if m.unit == "个"]
    assert [m for m in metrics if m.unit == "辆" and m.value == 3]


def test_the_unit_named_before_a_total_is_its_subject():
    text = ("示例县林业局2023年度部门整体支出绩效自评报告\n一、部门整体支出情况\n"
            "2023年度县林业局本年收入合计1,396.24万元，其中一般公共预算财政拨款收入1,388.05万元。\n")
    report = analyse(text.encode("utf-8"), name="自评.txt").report
    assert report.fact_value("revenue_total") == Decimal("1396.24")  # not the 财政拨款收入 after 其中


def test_a_table_with_a_line_number_row_under_its_header():
    """栏次 (1, 2, 3 … under the header) and 行次 columns are neither names nor figures."""
    text = ("示例县林业局2023年度部门决算\n收入支出决算总表\n编制单位：示例县林业局\t单位：万元\n"
            "项目\t行次\t金额\t项目\t行次\t金额\n栏次\t\t1\t栏次\t\t2\n"
            "一、一般公共预算财政拨款收入\t1\t380.20\t一、一般公共服务支出\t31\t380.20\n"
            "本年收入合计\t9\t380.20\t本年支出合计\t39\t380.20\n年末结转和结余\t\t\t年末结转和结余\t41\t0.00\n"
            "总计\t12\t380.20\t总计\t42\t380.20\n")
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    assert report.fact_value("revenue_total") == Decimal("380.20")
    assert report.fact_value("expenditure_total") == Decimal("380.20")
    assert not [f.message for f in report.findings if f.rule == "cross-table-mismatch"]


def test_tables_written_one_cell_per_line():
    """A 决算 copied from a PDF viewer, one cell per line (a blank line for a blank cell): read as tables."""
    def lines(*cells: str) -> str:
        return "\n".join(cells) + "\n"

    text = ("示例县卫生健康委员会2024年度部门决算\n2024年度收入支出决算总表\n编制单位：示例县卫生健康委员会  单位：万元\n"
            + lines("收入项目", "决算数", "支出项目", "决算数",
                    "一、一般公共预算财政拨款收入", "841.29", "一、社会保障和就业支出", "87.34",
                    "二、事业收入", "0.00", "二、卫生健康支出", "753.95",
                    "三、其他收入", "0.00", "", "",
                    "本年收入合计", "841.29", "本年支出合计", "841.29",
                    "总计", "841.29", "总计", "841.29")
            + "\n2024年度支出决算表\n编制单位：示例县卫生健康委员会  单位：万元\n"
            + lines("科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出",
                    "", "合计", "851.29", "600.00", "241.29",
                    "208", "社会保障和就业支出", "87.34", "87.34", "",
                    "210", "卫生健康支出", "753.95", "512.66", "241.29")
            + "\n第三部分 情况说明\n一、收入支出决算总体情况说明\n本年收入合计841.29万元。\n")
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    assert report.fact_value("expenditure_total") == Decimal("841.29")
    assert report.fact_value("basic_expenditure") == Decimal("600.00")
    cross = [f.message for f in report.findings if f.rule == "cross-table-mismatch"]
    assert any("851.29" in m for m in cross), cross  # its 合计 row is not 基本 + 项目, nor the 总表's 本年支出合计


def test_one_cell_per_line_under_income_and_spending_heads_with_blank_cells_beside_them():
    """The 总表's pane heads 收入 / 支出 each with a blank cell beside it (a merged cell copied line by line), then the
    column heads: the rows are read under 项目 / 决算数 twice, in 元."""
    cells = ["收入", "", "支出", "", "项目", "决算数", "项目", "决算数",
             "一、一般公共预算财政拨款收入", "2684307.55", "一、一般公共服务支出", "2391044.02",
             "二、事业收入", "", "二、卫生健康支出", "258763.53",
             "本年收入合计", "2684307.55", "本年支出合计", "2649807.55",
             "年初结转和结余", "12000.00", "年末结转和结余", "46500.00",
             "总计", "2696307.55", "总计", "2696307.55"]
    text = ("沐川县档案馆2023年度部门决算\n收入支出决算总表\n公开01表\n编制单位：沐川县档案馆\n单位：元\n"
            + "\n".join(cells) + "\n\n第三部分 情况说明\n本年收入合计268.43万元。\n")
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    assert report.fact_value("revenue_total") == Decimal("268.430755")
    assert report.fact_value("expenditure_total") == Decimal("264.980755")
    assert report.fact_value("carryover_end") == Decimal("4.65")

def test_tables_laid_out_in_columns_with_spaces():
    """A 决算 as a PDF-to-text conversion keeps it (pdftotext -layout): columns where the characters stand, blank
    cells, header words wrapped over lines, a column no row has a figure in, the 总表 going on under 续表 after a
    page footer."""
    text = """示例县审计局2024年度部门决算
表1
                示例县审计局2024年度收入支出决算总表
                                                            单位：万元
                    收入                                         支出
              项目                  决算数                 项目                 决算数
一、一般公共预算财政拨款收入          633.80  一、一般公共服务支出                579.41
二、政府性基金预算财政拨款收入                二、外交支出
八、其他收入                                  八、社会保障和就业支出               54.39

                                  - 5 -

续表
本年收入合计                          633.80  本年支出合计                        633.80
年初结转和结余                          9.02  年末结转和结余                        9.02
总计                                  642.82  总计                                642.82

表3
                示例县审计局2024年度支出决算表
                                                            单位：万元
                   项目                      本年支出合   基本支出    项目支出   上缴上级支   经营支出
功能分                科目名称                   计                                  出
类科目
 编码
         合计                                    633.80      520.11      113.69
201      一般公共服务支出                        579.41      465.72      113.69
2010801      行政运行                            465.72      465.72
2010804      审计业务                            113.69                  113.69
208      社会保障和就业支出                       54.39       54.39
"""
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    assert report.fact_value("revenue_total") == Decimal("633.80")
    assert report.fact_value("expenditure_total") == Decimal("633.80")  # under 续表, after the footer
    assert report.fact_value("carryover_end") == Decimal("9.02")
    assert report.fact_value("basic_expenditure") == Decimal("520.11")
    assert report.fact_value("project_expenditure") == Decimal("113.69")
    assert not [f.message for f in report.findings if f.rule == "cross-table-mismatch"]
    # a figure belongs to the column it stands under, whichever cells of its row are blank
    document = load_bytes(text.encode("utf-8"), "决算.txt")
    tables = read_accounts(Context.of(document.text, document.tables), document.tables)
    spending = next(t for t in tables if t.kind == "expenditure")
    row = next(r for r in spending.rows if r.code == "2010804")
    assert {k: v.value for k, v in row.values.items()} == {"本年支出合计": Decimal("113.69"), "项目支出": Decimal("113.69")}
    assert [p.split("/")[-1] for p in spending.panes[0]][:4] == ["本年支出合计", "基本支出", "项目支出", "上缴上级支出"]


def test_a_tables_number_and_its_unit_lines_are_not_its_header():
    """A 决算 copied from a PDF with the table's number (公开03表) and its 编制单位 line between the title and the header:
    those lines are no column's name, so the columns are read by their own headers."""
    text = """溪口县档案馆2023年度部门决算

支出决算表
公开03表
编制单位：溪口县档案馆                                                              单位：万元
科目编码  科目名称                          本年支出合计  基本支出  项目支出  上缴上级支出
          合计                                     402.66    351.20     51.46
207       文化旅游体育与传媒支出                   402.66    351.20     51.46
20701     文化和旅游                               402.66    351.20     51.46
2070104   档案馆                                   402.66    351.20     51.46
"""
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    assert report.fact_value("basic_expenditure") == Decimal("351.20")
    assert report.fact_value("project_expenditure") == Decimal("51.46")
    document = load_bytes(text.encode("utf-8"), "决算.txt")
    (spending,) = [t for t in read_accounts(Context.of(document.text, document.tables), document.tables)
                   if t.kind == "expenditure"]
    assert [p.split("/")[-1] for p in spending.panes[0]][:3] == ["本年支出合计", "基本支出", "项目支出"]


def test_figures_run_into_the_next_panes_label_under_a_parts_title():
    """A two-pane 总表 copied from a PDF whose columns stood too close: a figure runs into the label beside it
    (“1203.40一、文化旅游体育与传媒支出”), and the table's title comes right under the part's own
    (第二部分 2023年度部门决算表), with its number and 编制单位 lines. The figures are still the 决算数 of their pane,
    and a unit written after a figure is not cut off it."""
    text = """青禾市图书馆2023年度部门决算

第二部分  2023年度部门决算表

收入支出决算总表
公开01表
编制单位：青禾市图书馆                                     单位：万元
收入                                    支出
项目                          决算数   项目                          决算数
一、一般公共预算财政拨款收入    1203.40一、文化旅游体育与传媒支出      1150.25
二、政府性基金预算财政拨款收入         二、社会保障和就业支出          96.30
五、事业收入                      40.15
本年收入合计                    1243.55本年支出合计                  1246.55
年初结转和结余                    12.70年末结转和结余                   9.70
总计                            1256.25总计                          1256.25

第三部分  2023年度部门决算情况说明
本年收入合计1243.55万元，本年支出合计1246.55万元。
"""
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    assert report.fact_value("revenue_total") == Decimal("1243.55")
    assert report.fact_value("expenditure_total") == Decimal("1246.55")
    assert report.fact_value("carryover_end") == Decimal("9.70")
    assert not [f.message for f in report.findings if f.rule in ("cross-table-mismatch", "text-table-mismatch")]
    document = load_bytes(text.encode("utf-8"), "决算.txt")
    (total,) = [t for t in read_accounts(Context.of(document.text, document.tables), document.tables)
                if t.kind == "summary"]
    assert len(total.panes) == 2
    assert all("编制单位" not in p and "公开" not in p for pane in total.panes for p in pane)


def test_a_two_pane_basic_table_with_flush_left_pane_heads_and_figures_run_into_codes():
    """A two-pane 基本支出 table copied from a PDF: its pane heads (人员经费, 公用经费) set flush left over their three
    columns, and each 人员经费 figure run into the 公用经费 code beside it (“1030.40302” is 1030.40 and 302). The
    classes are read with their codes, each pane's figures under its own head."""
    text = """泓川县档案馆2022年度部门决算

第二部分  2022年度部门决算表

一般公共预算财政拨款基本支出决算表
编制单位：泓川县档案馆                                                     单位：万元
人员经费                                                 公用经费
经济分类科目编码  科目名称                      决算数   经济分类科目编码  科目名称            决算数
301               工资福利支出                    1030.40302               商品和服务支出        103.69
30101             基本工资                         192.7630201             办公费                 13.93
303               对个人和家庭的补助               145.94310               资本性支出              6.20
30302             退休费                           145.9431002             办公设备购置            6.20
人员经费合计                                      1176.34公用经费合计                            109.89

第三部分  2022年度部门决算情况说明
"""
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    assert report.fact_value("wages_welfare") == Decimal("1030.40")
    assert report.fact_value("goods_services") == Decimal("103.69")
    assert report.fact_value("household_subsidies") == Decimal("145.94")
    assert report.fact_value("capital_expenditure") == Decimal("6.20")
    document = load_bytes(text.encode("utf-8"), "决算.txt")
    (basic,) = [t for t in read_accounts(Context.of(document.text, document.tables), document.tables)
                if t.kind == "basic"]
    assert [p[0].split("/")[0] for p in basic.panes] == ["人员经费", "公用经费"]


def test_a_space_aligned_table_under_a_unit_line_of_three_pieces_is_read_once():
    """The 编制单位 line above a space-aligned table split into three pieces (unit, year, 单位：万元) is no row of another
    reading of the same table: the figures come from the table's cells, codes run into their names."""
    text = """淮岭县农机服务中心2025年度部门决算

                    支出决算表
公开03表
编制单位：淮岭县农机服务中心    2025年度    单位：万元
科目编码   科目名称                           本年支出合计   基本支出   项目支出
           合计                                        552.93     341.64     211.28
        208社会保障和就业支出                           52.25      52.25
      20805行政事业单位养老支出                         52.25      52.25
        213农林水支出                                  500.68     289.39     211.28
      21301农业农村                                    500.68     289.39     211.28

第三部分 情况说明
本年支出合计552.93万元，其中：基本支出341.64万元，占61.79%；项目支出211.28万元，占38.21%。
"""
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    fact = report.facts["basic_expenditure"]
    assert fact.value == Decimal("341.64")
    document = load_bytes(text.encode("utf-8"), "决算.txt")
    assert [e.text for e in fact.evidence[:2]] == ["合计", "341.64"]  # the table's row and cell come first
    assert fact.evidence[1].start < document.text.index("第三部分")
    (spending,) = [t for t in read_accounts(Context.of(document.text, document.tables), document.tables)
                   if t.kind == "expenditure"]
    assert [r.code for r in spending.rows] == [None, "208", "20805", "213", "21301"]


@pytest.mark.parametrize(("cell", "name"), [
    ("公开03表/编制单位：溪口县档案馆/科目编码", "科目编码"),
    ("单位：万元项目支出", "项目支出"),
    ("公开08表编制单位：溪口县档案馆单位：万元项目", "项目"),  # a PDF's lines run together
    ("编制单位：溪口县档案馆", "编制单位：溪口县档案馆"),  # a whole chrome cell: the row is dropped, not renamed
    ("本年支出合计", "本年支出合计"),
])
def test_the_column_name_under_the_lines_above_a_table(cell, name):
    assert _header_cell(Cell(cell, 0, len(cell))).text == name

def _canvas(path: Path, size: tuple[int, int], font_size: int):
    """A reportlab canvas writing Chinese with a CID font (no font file needed)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=size)
    c.setFont("STSong-Light", font_size)
    return c


def test_a_pdf_table_drawn_without_ruling_lines(tmp_path):
    """A PDF 支出决算表 with no lines: the columns come from where the words stand (a header word wrapped in its
    cell, a column without figures, blank cells), and the table goes on over the next page under 续表."""
    path = tmp_path / "决算.pdf"
    c = _canvas(path, (842, 595), 10)

    def right(x: float, y: float, value: str) -> None:
        c.drawRightString(x, y, value)

    c.drawString(40, 560, "示例县文化馆2024年度部门决算")
    c.drawCentredString(421, 530, "支出决算表")
    c.drawString(40, 510, "编制单位：示例县文化馆")
    c.drawString(740, 510, "单位：万元")
    for x, lines in ((70, ["科目编码"]), (200, ["科目名称"]), (330, ["本年支出合", "计"]), (430, ["基本支出"]),
                     (530, ["项目支出"]), (630, ["上缴上级支", "出"])):
        for k, word in enumerate(lines):
            c.drawCentredString(x, 485 - 12 * k, word)
    rows = [("", "合计", "612.40", "401.20", "211.20"), ("207", "文化旅游体育与传媒支出", "540.10", "328.90", "211.20"),
            ("2070109", "群众文化", "540.10", "328.90", "211.20")]
    for k, (code, name, total, basic, project) in enumerate(rows):
        y = 440 - 20 * k
        c.drawString(45, y, code)
        c.drawString(120, y, name)
        right(350, y, total)
        right(450, y, basic)
        if project:
            right(550, y, project)
    c.showPage()
    c.setFont("STSong-Light", 10)
    c.drawString(40, 560, "续表")
    for k, (code, name, total) in enumerate([("208", "社会保障和就业支出", "72.30"), ("2080505", "机关事业单位基本养老保险缴费支出", "72.30")]):
        y = 530 - 20 * k
        c.drawString(45, y, code)
        c.drawString(120, y, name)
        right(350, y, total)
        right(450, y, total)
    c.drawString(40, 470, "注：本表反映部门本年度各项支出情况。")
    c.save()
    report = analyse(path).report
    assert report.fact_value("basic_expenditure") == Decimal("401.20")
    assert report.fact_value("project_expenditure") == Decimal("211.20")
    cross = [f.message for f in report.findings if f.rule == "cross-table-mismatch"]
    assert not cross, cross  # 合计 612.40 = 540.10 + 72.30: the class on the next page counted


def test_a_two_level_header_given_level_by_level_one_cell_per_line():
    """One cell per line, the header of two levels coming out level by level (项目 / 决算数 over 科目编码, 科目名称,
    合计, 人员经费, 公用经费), in 元 declared above the title, and a page footer with 续表 inside the 总表."""
    def lines(*cells: str) -> str:
        return "\n".join(cells) + "\n"

    text = ("示例市图书馆2025年度部门决算\n表1\n金额单位：元\n收入支出决算总表\n编制单位：示例市图书馆\n2025年度\n"
            + lines("收入", "支出", "项目", "决算数", "项目", "决算数",
                    "一、一般公共预算财政拨款收入", "7940603.23", "一、文化旅游体育与传媒支出", "7940603.23",
                    "", "", "二、外交支出", "", "")
            + "-5-\n\n续表\n"
            + lines("", "", "三、国防支出", "",
                    "本年收入合计", "7940603.23", "本年支出合计", "7940603.23",
                    "总计", "7940603.23", "总计", "7940603.23")
            + "表6\n金额单位：元\n一般公共预算财政拨款基本支出决算表\n编制单位：示例市图书馆\n"
            + lines("项目", "决算数", "经济分类科目编码", "科目名称", "合计", "人员经费", "公用经费",
                    "", "合计", "5255871.17", "4730337.12", "525534.05",
                    "301", "工资福利支出", "4520099.96", "4520099.96", "",
                    "302", "商品和服务支出", "525534.05", "", "525534.05",
                    "303", "对个人和家庭的补助", "210237.16", "210237.16", ""))
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    assert report.fact_value("revenue_total") == Decimal("794.060323")
    assert report.fact_value("expenditure_total") == Decimal("794.060323")  # after 续表
    assert report.fact_value("personnel_expenditure") == Decimal("473.033712")
    assert report.fact_value("wages_welfare") == Decimal("452.009996")
    assert report.fact_value("goods_services") == Decimal("52.553405")


@pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/corpus/pdf is not here")
@pytest.mark.parametrize("name", ["p001", "p002", "p003"])
def test_every_finding_on_the_published_pdfs_is_a_real_defect(name):
    """On the published 决算 (p001–p003) every finding is one our reading lists as a defect (or, for template
    residue, names in its notes as acceptable: "仍保留该表格式", which the issue lists as residue): no false flag,
    whether or not the reading thought of the trap."""
    gold = json.loads((Path(__file__).parent / "fixtures" / "pdf_gold" / f"{name}.json").read_text(encoding="utf-8"))
    report = analyse(PDFS / f"{name}.pdf").report
    for f in report.findings:
        text = f.message + " " + " ".join(str(v) for v in f.values.values())
        noted = f.rule == "placeholder-text" and any(t in note for t in f.values["tokens"] for note in gold["notes"])
        assert noted or any(g["rule"] == f.rule and g["subject"] in text for g in gold["expected_findings"]), f.message


def test_a_county_the_gazetteer_does_not_know_under_a_city_it_knows():
    """"洛阳市青禾县教育局": 青禾县 is in no gazetteer (a county created after its data, or renamed), its city is; the
    name's own structure gives the county. A county known elsewhere (长沙市矿区: 阳泉's 矿区) does not."""
    report = analyse("洛阳市青禾县教育局2024年度部门决算\n一、部门职责\n负责全县教育工作。\n".encode(), name="a.txt").report
    assert (report.fact_value("city"), report.fact_value("county")) == ("洛阳市", "青禾县")
    other = analyse("长沙市矿区管理局2024年度部门决算\n一、部门职责\n负责矿区管理。\n".encode(), name="b.txt").report
    assert other.fact_value("county") is None


def test_places_the_gazetteer_does_not_know_after_a_province_it_knows():
    """"河南省泓州市伊源县水利局": the province is known, city and county are not (newer, or invented): taken as the
    name writes them. "沂泉市栖凤县档案馆" holds 凤县 (a real county of 宝鸡市) inside 栖凤县: not placed in 陕西省."""
    report = analyse("河南省泓州市伊源县水利局2025年度部门决算\n一、部门职责\n负责全县水利工作。\n".encode(), name="a.txt").report
    assert [report.fact_value(k) for k in ("province", "city", "county")] == ["河南省", "泓州市", "伊源县"]
    assert locate_places("沂泉市栖凤县档案馆") == {}
    assert locate_places("宝鸡市凤县档案馆")["county"] == "凤县"


def locate_places(name: str) -> dict:
    from jixiao.extract.gazetteer import locate
    return locate(name, 2023)


def test_a_city_body_is_not_the_county_body_of_the_same_kind():
    from jixiao.extract.unitnames import named_alike
    assert not named_alike("沂泉市档案馆", "沂泉市栖凤县档案馆")
    assert named_alike("栖凤县档案馆", "沂泉市栖凤县档案馆") and named_alike("县档案馆", "沂泉市栖凤县档案馆")
    assert named_alike("泓州市城管局", "泓州市城市管理局")  # 城市 is no county


def test_markdown_titles_and_one_cell_per_line_tables_of_every_kind():
    """A text copied as markdown (“**收入支出决算总表**” over a pipe table) and tables one cell per line: the 基本支出表
    under its pane heads 人员经费 / 公用经费, the 政府性基金 table whose 本年支出 heads 合计 / 基本支出 / 项目支出 stand between
    年初结转和结余 and 年末结转和结余, and the 三公 table of one row of figures under its items and 预算数 / 决算数."""
    def lines(*cells: str) -> str:
        return "\n".join(cells) + "\n"
    text = ("示例县实验小学2024年度部门决算\n**收入支出决算总表**\n\n编制单位：示例县实验小学 2024年度 单位：万元\n\n"
            "| 收入 |  | 支出 |  |\n| 项目 | 决算数 | 项目 | 决算数 |\n|---|---|---|---|\n"
            "| 一、一般公共预算财政拨款收入 | 512.30 | 一、教育支出 | 480.10 |\n|  |  | 二、其他支出 | 20.60 |\n"
            "| 本年收入合计 | 512.30 | 本年支出合计 | 500.70 |\n| 年初结转和结余 | 0.00 | 年末结转和结余 | 11.60 |\n"
            "| 总计 | 512.30 | 总计 | 512.30 |\n\n"
            "一般公共预算财政拨款基本支出决算表\n编制单位：示例县实验小学\n单位：万元\n"
            + lines("人员经费", "公用经费", "科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数",
                    "301", "工资福利支出", "380.00", "302", "商品和服务支出", "60.50",
                    "30101", "基本工资", "380.00", "30201", "办公费", "60.50",
                    "303", "对个人和家庭的补助", "9.40", "310", "资本性支出", "3.20")
            + "政府性基金预算财政拨款收入支出决算表\n编制单位：示例县实验小学\n单位：万元\n"
            + lines("项目", "年初结转和结余", "本年收入", "本年支出", "年末结转和结余", "科目编码", "科目名称", "合计",
                    "基本支出", "项目支出", "", "合计", "2.00", "20.60", "22.60", "", "22.60", "",
                    "229", "其他支出", "2.00", "20.60", "22.60", "", "22.60", "")
            + "财政拨款“三公”经费支出决算表\n编制单位：示例县实验小学\n单位：万元\n"
            + lines("合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务接待费", "小计", "公务用车购置费",
                    "公务用车运行维护费", *["预算数", "决算数"] * 6,
                    "3.00", "2.46", "0.00", "0.00", "2.20", "1.98", "0.00", "0.00", "2.20", "1.98", "0.80", "0.48"))
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    assert report.fact_value("expenditure_total") == Decimal("500.70")  # the right pane's row, not 总计
    assert report.fact_value("wages_welfare") == Decimal("380.00")
    assert report.fact_value("goods_services") == Decimal("60.50")
    assert report.fact_value("capital_expenditure") == Decimal("3.20")
    assert report.fact_value("gov_fund_expenditure") == Decimal("22.60")
    assert [report.fact_value(k) for k in ("three_public_total", "three_public_vehicle", "three_public_reception")] \
        == [Decimal("2.46"), Decimal("1.98"), Decimal("0.48")]
    assert not [f.message for f in report.findings if f.rule in ("cross-table-mismatch", "sum-mismatch")]


def test_row_names_wrapped_onto_a_second_line_in_a_space_aligned_table():
    """pdftotext -layout keeps a long row name wrapped under itself (“年初财政拨款结转” over “和结余”): one row, so the
    总表's identities hold; a row with no figures keeps its wrapped name too (“三、国有资本经营” / “预算财政拨款”)."""
    text = ("示例县水利局2025年度部门决算\n财政拨款收入支出决算总表\n编制单位：示例县水利局      单位：万元\n"
            "收入                        支出\n"
            "项目              决算数    项目                  合计\n"
            "一、一般公共预算    1292.81   一、农林水支出        1278.97\n"
            "财政拨款\n"
            "三、国有资本经营              \n"
            "预算财政拨款\n"
            "本年收入合计       1292.81   本年支出合计          1278.97\n"
            "年初财政拨款结转     47.68   年末财政拨款结转和      61.52\n"
            "和结余                      结余\n"
            "总计               1340.49   总计                  1340.49\n\n")
    report = analyse(text.encode("utf-8"), name="决算.txt").report
    assert not [f.message for f in report.findings if f.rule == "cross-table-mismatch"]
    broken = text.replace("      61.52", "      62.52")
    found = [f for f in analyse(broken.encode("utf-8"), name="决算.txt").report.findings
             if f.rule == "cross-table-mismatch"]
    assert len(found) == 1 and found[0].values["computed"] == 1341.49, [f.message for f in found]


def test_a_two_pane_pdf_table_whose_panes_stand_close(tmp_path):
    """A 基本支出表 of two panes drawn without ruling lines, the left pane's figures a few points from the right
    pane's codes (“825.20” then “302”): two cells, not one; and “项目自评平均得分” is not the unit's own score."""
    path = tmp_path / "决算.pdf"
    c = _canvas(path, (595, 842), 9)
    c.drawCentredString(297, 750, "一般公共预算财政拨款基本支出决算表")
    for x, y, words in ((40, 800, "示例县人民法院2022年度部门决算"), (40, 780, "本院对5个项目开展绩效自评，项目自评平均得分93.6分。"),
                        (40, 732, "编制单位：示例县人民法院"), (480, 732, "单位：万元"), (150, 712, "人员经费"),
                        (400, 712, "公用经费"), (40, 696, "科目编码"), (90, 696, "科目名称"), (260, 696, "决算数"),
                        (300, 696, "科目编码"), (350, 696, "科目名称"), (520, 696, "决算数")):
        c.drawString(x, y, words)
    rows = [("301", "工资福利支出", "825.20", "302", "商品和服务支出", "129.92"),
            ("30101", "基本工资", "620.10", "30201", "办公费", "60.00"),
            ("30102", "津贴补贴", "205.10", "30211", "差旅费", "69.92"),
            ("303", "对个人和家庭的补助", "5.66", "310", "资本性支出", "36.38")]
    for k, (code, name, fig, code2, name2, fig2) in enumerate(rows):
        y = 678 - 16 * k
        c.drawString(40, y, code)
        c.drawString(90, y, name)
        c.drawRightString(296, y, fig)  # 4 points before the next pane's code
        c.drawString(300, y, code2)
        c.drawString(350, y, name2)
        c.drawRightString(555, y, fig2)
    # the totals' labels wrapped in their cells, the figures at the cells' middle height; the page number under them
    for x, y, words in ((90, 606, "人员经费"), (350, 606, "公用经费"), (90, 590, "合计"), (350, 590, "合计"), (296, 560, "8")):
        c.drawString(x, y, words)
    c.drawRightString(296, 598, "830.86")
    c.drawRightString(555, 598, "166.30")
    c.save()
    report = analyse(path).report
    assert [report.fact_value(k) for k in ("wages_welfare", "goods_services", "household_subsidies",
                                           "capital_expenditure")] == [Decimal("825.20"), Decimal("129.92"),
                                                                       Decimal("5.66"), Decimal("36.38")]
    assert not [f.message for f in report.findings if f.rule == "sum-mismatch"]
    assert report.fact_value("self_score") is None
    assert [report.fact_value(k) for k in ("personnel_expenditure", "public_expenditure")] == \
        [Decimal("830.86"), Decimal("166.30")]


def test_a_three_public_header_whose_car_subtotal_was_lost():
    """The 三公 table's header words came out without 小计 (a wrapped cell read apart): the car's parts are named,
    twelve figures stand under six items, so 小计 is put back first among the car's parts."""
    from jixiao.extract.accounts import _three_public_columns
    words = ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务接待费", "公务用车购置费", "公务用车运行维护费",
             *["预算数", "决算数"] * 6]
    header = [[Cell(w, 0, len(w)) for w in words]]
    layout = [(0, False, f"第{k + 1}列") for k in range(12)]
    _, named = _three_public_columns(header, [[p for _, _, p in layout]], layout)
    assert [p for _, _, p in named][4:8] == ["公务用车购置及运行维护费/小计/预算数", "公务用车购置及运行维护费/小计/决算数",
                                             "公务用车购置及运行维护费/公务用车购置费/预算数",
                                             "公务用车购置及运行维护费/公务用车购置费/决算数"]


def test_a_centre_counting_its_own_staff_and_a_fund_tables_subtotal_column():
    """"市交易中心编制数45人" in the 交易中心's own 决算 is its quota (in a 司法局's, "司法所在编人员8人" is not); the
    政府性基金 table's "本年支出小计" column gives the fund's spending."""
    text = ("示例市公共资源交易中心2024年度部门决算\n三、人员情况\n市交易中心编制数45人，年末实有在职人员39人。\n"
            "政府性基金预算财政拨款收入支出决算表\n编制单位：示例市公共资源交易中心\t单位：万元\n"
            "科目编码\t科目名称\t年初结转和结余\t本年收入\t本年支出小计\t基本支出\t项目支出\t年末结转和结余\n"
            "\t合计\t\t185.00\t185.00\t\t185.00\t\n212\t城乡社区支出\t\t185.00\t185.00\t\t185.00\t\n")
    report = analyse(text.encode("utf-8"), name="a.txt").report
    assert report.fact_value("staff_authorized") == 45
    assert report.fact_value("gov_fund_expenditure") == Decimal("185.00")
    other = analyse("示例县司法局2024年度部门决算\n三、人员情况\n司法所在编人员8人。\n".encode(), name="b.txt").report
    assert other.fact_value("staff_actual") is None


def test_a_pdf_paragraph_indented_by_its_position_only(tmp_path):
    """A PDF whose paragraphs are set ragged and indented by where their first line starts (no space characters in
    the text layer): the lines of a paragraph are one sentence again, the next paragraph still starts apart, so “完成”
    at a line's end and “年初预算的100.00%” on the next are read together."""
    path = tmp_path / "决算.pdf"
    c = _canvas(path, (595, 842), 10)
    paragraphs = [
        ["示例县档案馆2024年度一般公共预算财政拨款支出188.40万元，", "占本年支出合计的92.15%。主要用于档案保管。"],
        ["1.文化旅游体育与传媒支出（类）档案（款）档案馆（项）支出12.50万元，年初预算0.00元，完成",
         "年初预算的100.00%。主要原因是年中追加数字化项目。"],
        ["2.社会保障和就业支出（类）行政事业单位养老支出（款）支出20.10万元，年初预算20.10万", "元，完成年初预算的100.00%。"],
        ["一般公共预算财政拨款基本支出150.20万元，其中：人员经费130.10万元，", "公用经费20.10万元。"],
    ]
    y = 780
    c.drawString(50, y, "五、一般公共预算财政拨款支出决算情况说明")
    for lines in paragraphs:
        for k, line in enumerate(lines):
            y -= 16
            c.drawString(70 if k == 0 else 50, y, line)
    c.save()
    text = load(path).text
    assert "完成年初预算的100.00%。主要原因" in text
    assert "年初预算20.10万元，完成" in text
    assert "\n2.社会保障" in text and "\n一般公共预算财政拨款基本支出150.20" in text
    findings = analyse(path).report.findings
    assert [f.evidence[0].text for f in findings if f.rule == "rate-on-zero-base"] == ["年初预算0.00元"]


def test_a_table_whose_next_page_repeats_its_title_with_xubiao_goes_on():
    """A table running over pages whose next part has the title again, marked 续表 (“支出决算表（续表）”), with its header
    repeated: one table, so the 合计 row is held against the 类 rows of both parts."""
    head = "科目编码\t科目名称\t本年支出合计\t基本支出\t项目支出\n"
    text = ("示例县妇女联合会2023年度部门决算\n\n支出决算表\n单位：万元\n" + head
            + "\t合计\t200.00\t150.00\t50.00\n201\t一般公共服务支出\t170.00\t120.00\t50.00\n"
            + "2012901\t行政运行\t120.00\t120.00\t\n2012999\t其他群众团体事务支出\t50.00\t\t50.00\n"
            + "第 5 页\n\n支出决算表（续表）\n单位：万元\n" + head
            + "208\t社会保障和就业支出\t30.00\t30.00\t\n2080505\t机关事业单位基本养老保险缴费支出\t30.00\t30.00\t\n")
    analysis = analyse(text.encode("utf-8"), name="决算.txt")
    doc = analysis.document
    tables = read_accounts(Context.of(doc.text, doc.tables), doc.tables)
    assert [t.kind for t in tables] == ["expenditure"]
    assert [r.code for r in tables[0].rows] == [None, "201", "2012901", "2012999", "208", "2080505"]
    assert not [f.message for f in analysis.report.findings if f.rule in ("sum-mismatch", "cross-table-mismatch")]


def test_the_fund_drawn_to_cover_a_gap_is_part_of_the_total_and_checked_against_the_text():
    """A 事业单位 that covers a gap from its 事业基金: the 收入支出决算总表's 总计 is 本年收入合计 + 用事业基金弥补收支差额 +
    年初结转和结余, and the 情况说明's amount of it is held against the table's."""
    def accounts(said: str) -> str:
        return ("示例市农业科学研究院2023年度部门决算\n\n收入支出决算总表\n单位：万元\n项目\t决算数\t项目\t决算数\n"
                "一、一般公共预算财政拨款收入\t400.00\t一、农林水支出\t430.00\n本年收入合计\t400.00\t本年支出合计\t430.00\n"
                "用事业基金弥补收支差额\t28.55\t结余分配\t\n年初结转和结余\t15.30\t年末结转和结余\t13.85\n"
                "总计\t443.85\t总计\t443.85\n\n第三部分 2023年度部门决算情况说明\n一、收入支出决算总体情况说明\n"
                f"本年使用事业基金弥补收支差额{said}万元，用于弥补试验基地运行经费缺口。\n")
    right = analyse(accounts("28.55").encode("utf-8"), name="决算.txt").report.findings
    assert not [f.message for f in right if f.rule in ("cross-table-mismatch", "text-table-mismatch")]
    wrong = analyse(accounts("26.55").encode("utf-8"), name="决算.txt").report.findings
    assert [f.rule for f in wrong if "26.55" in f.message] == ["text-table-mismatch"]


def test_a_pdf_page_number_written_as_a_bare_figure_is_not_read_into_a_paragraph(tmp_path):
    """Page numbers printed as a bare figure at the foot of each page: a sentence running on to the next page is joined
    past it, never with it (“年初预算为” / “16” / “28.80万元” is not 1628.80万元)."""
    path = tmp_path / "决算.pdf"
    c = _canvas(path, (595, 842), 10)
    filler = "本单位严格执行预算管理制度，按照年初预算安排支出，加强资金管理，提高资金使用效益，"
    for page in range(1, 5):
        y = 800
        c.drawString(70, y, "一、情况说明" if page == 1 else "二、续前页说明")
        for k in range(6):
            y -= 16
            c.drawString(70 if k == 0 else 50, y, filler + ("" if k < 5 else "其他就业补助支出（项）年初预算为"))
        c.drawString(295, 40, str(page + 2))
        c.showPage()
        c.setFont("STSong-Light", 10)
        c.drawString(50, 800, "28.80万元，支出决算为24.00万元，完成年初预算的83.33%。")
    c.save()
    text = load(path).text
    assert "年初预算为28.80万元" in text and "1628.80" not in text and "年初预算为3" not in text
