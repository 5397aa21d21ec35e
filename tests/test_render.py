"""Documents out (issue 13): the 审核意见书 (.docx, GB/T 9704 layout) and the evidence report (.html), opened by
their real readers (python-docx, lxml) and checked for content (unit, findings, figures with their signs),
fonts (``w:eastAsia`` on every run), page setup, and for the HTML no external reference; and converted to
PDF and PNG with LibreOffice where it is installed."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import html as lxml_html

from jixiao import pipeline
from jixiao.lexicon import load_yaml
from jixiao.model import Span
from jixiao.render import RenderInput, ReviewNote, render
from jixiao.render.inputs import number, passage
from jixiao.render.pdf import to_pdf, to_png
from jixiao.render.wordml import installed_families
from jixiao.review import RULES
from system_support import require_libreoffice

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
REPORT_TXT = SAMPLES / "示例市示范区司法局_2024年度部门整体支出绩效自评报告.txt"
ACCOUNTS_PDF = SAMPLES / "示例市示范区司法局_2024年度部门决算.pdf"
FORM_TXT = SAMPLES / "示例县青山乡人民政府_2023年度项目支出绩效自评表.txt"
JIXIAO = [str(Path(sys.executable).with_name("jixiao"))]
OPTIONS = pipeline.Options(score=True)


@pytest.fixture(scope="module")
def report_input() -> RenderInput:
    analysis = pipeline.analyse(REPORT_TXT, OPTIONS)
    assert analysis.findings, "the sample report has findings to write"
    return RenderInput.of(analysis, review=ReviewNote(decision="returned", comments=["请重点核对“三公”经费。"]),
                          issuer="示例市示范区财政局", day=date(2026, 12, 1), source_name=REPORT_TXT.name)


@pytest.fixture(scope="module")
def memo(tmp_path_factory, report_input) -> Path:
    return render("memo", report_input, tmp_path_factory.mktemp("memo") / "memo.docx")


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def _runs(document):
    """Every run of the body, the tables and the footers."""
    body = document.element.body
    yield from body.iter(qn("w:r"))
    for section in document.sections:
        for footer in (section.footer, section.even_page_footer):
            yield from footer._element.iter(qn("w:r"))


def test_memo_names_the_unit_each_finding_its_passage_fix_and_the_decision(memo, report_input):
    d = docx.Document(str(memo))
    text = _all_text(d)
    assert d.paragraphs[0].text.startswith("关于示例市示范区司法局2024年度部门整体支出绩效自评报告")
    assert "示例市示范区司法局：" in text  # addressed to the unit
    fixes = load_yaml("render.yaml")["memo"]["fixes"]
    for f in report_input.findings:
        assert f.message in text
        assert RULES[f.rule].title in text
        assert fixes[f.rule] in text
        quoted = passage(report_input.text, f.evidence[0])
        assert f"“{quoted}”" in text
    # the figures as the findings state them, signs and decimals kept
    for f in report_input.findings:
        for figure in re.findall(r"-?\d[\d,]*\.?\d*", f.message):
            assert figure in text
    assert "请重点核对“三公”经费。" in text
    assert "退回修改" in text or "需退回修改" in text
    assert "示例市示范区财政局" in text and "2026年12月1日" in text
    card = report_input.score
    assert card is not None and number(card.auto_points) in text
    # the score table: one row per 一级 indicator and 合计
    table = d.tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["指标", "分值", "得分", "说明"]
    assert table.rows[-1].cells[0].text == "合计"
    assert Decimal(table.rows[-1].cells[1].text.replace(",", "")) == card.total_weight


def test_memo_has_east_asian_fonts_on_every_run_and_the_official_layout(memo):
    d = docx.Document(str(memo))
    runs = list(_runs(d))
    assert len(runs) > 50
    for r in runs:
        fonts = r.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts is not None and fonts.get(qn("w:eastAsia")), r.xpath("string(.)")
        assert fonts.get(qn("w:ascii")) == "Times New Roman"
    title = d.paragraphs[0].runs[0]
    assert title.font.size == Pt(22)
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = [p for p in d.paragraphs if p.text.startswith("你单位报送的")][0]
    assert body.runs[0].font.size == Pt(16)
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters
    assert body.paragraph_format.line_spacing == Pt(28.95)
    heading1 = [p for p in d.paragraphs if p.text.startswith("一、")][0]
    assert heading1.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    heading2 = [p for p in d.paragraphs if p.text.startswith("（一）")][0]
    assert heading2.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    s = d.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)  # twips: 11906 × 16838
    assert [round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [37, 35, 28, 26]
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 22 lines in the 225 mm type area
    assert d.settings.odd_and_even_pages_header_footer
    for footer, align in ((s.footer, "right"), (s.even_page_footer, "left")):
        para = footer.paragraphs[0]
        assert para.text.startswith("— ") and para.text.endswith(" —")
        assert "PAGE" in "".join(footer._element.itertext())
        assert str(para.alignment).lower().startswith(align)
        assert para.runs[0].font.size == Pt(14)


def test_memo_without_findings_says_so(tmp_path):
    analysis = pipeline.analyse_text("示例县档案馆2024年度部门整体支出绩效自评报告\n一、部门基本情况\n本馆主要负责档案管理。\n",
                                     OPTIONS)
    data = RenderInput.of(analysis, day=date(2026, 1, 5))
    assert not data.findings or all(f.rule in ("missing-section", "empty-section") for f in data.findings)
    out = render("memo", data, tmp_path / "m.docx")
    text = _all_text(docx.Document(str(out)))
    assert "2026年1月5日" in text
    if not data.findings:
        assert load_yaml("render.yaml")["memo"]["no_findings"] in text


def test_memo_of_a_project_form_reports_the_form_rescored(tmp_path):
    analysis = pipeline.analyse(FORM_TXT, OPTIONS)
    assert analysis.forms
    out = render("memo", RenderInput.of(analysis), tmp_path / "m.docx")
    text = _all_text(docx.Document(str(out)))
    fs = analysis.forms[0]
    assert f"项目“{fs.project}”自评表" in text
    assert fs.rules_name in text


def test_memo_template_letterhead_comes_first(tmp_path, report_input):
    template = tmp_path / "红头.docx"
    t = docx.Document()
    t.add_paragraph("示例市财政局文件")
    t.save(str(template))
    out = render("memo", report_input, tmp_path / "m.docx", template=template)
    paras = [p.text for p in docx.Document(str(out)).paragraphs]
    assert paras[0] == "示例市财政局文件"
    assert paras[1].startswith("关于示例市示范区司法局")


def test_installed_fonts_are_chosen_from_the_roles(tmp_path, report_input):
    roles = load_yaml("render.yaml")["fonts"]
    have = installed_families()
    out = render("memo", report_input, tmp_path / "m.docx", fonts="installed")
    body = [p for p in docx.Document(str(out)).paragraphs if p.text.startswith("你单位报送的")][0]
    chosen = body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia"))
    expected = next((n for n in roles["body"] if n in have), roles["body"][0])
    assert chosen == expected


def test_every_rule_has_a_fix_and_every_fix_names_a_rule():
    fixes = load_yaml("render.yaml")["memo"]["fixes"]
    assert set(fixes) <= set(RULES), set(fixes) - set(RULES)
    assert {r for r in RULES if r != "internal-error"} <= set(fixes), set(RULES) - set(fixes)


def test_passage_is_the_sentence_around_the_span():
    text = "一、概况\n本年收入100万元。本年支出合计90万元，其中基本支出50万元；项目支出40万元。结余10万元。"
    start = text.index("基本支出50")
    got = passage(text, Span(start=start, end=start + 8, text=text[start:start + 8]))
    assert got == "本年支出合计90万元，其中基本支出50万元；"
    long = "甲" * 300 + "基本支出50万元" + "乙" * 300 + "。"
    start = long.index("基本")
    cut = passage(long, Span(start=start, end=start + 8, text=""), limit=40)
    assert "基本支出50万元" in cut and cut.startswith("…") and cut.endswith("…") and len(cut) <= 42


def test_evidence_html_is_self_contained_and_cross_linked(tmp_path, report_input):
    out = render("html", report_input, tmp_path / "e.html")
    page = out.read_text(encoding="utf-8")
    assert "http" not in page and "//" not in page.replace("<!--", "")  # no external reference at all
    tree = lxml_html.fromstring(page)
    assert not tree.xpath("//script|//link|//img|//iframe")
    ids = set(tree.xpath("//@id"))
    links = [h[1:] for h in tree.xpath("//a/@href")]
    assert links and all(h in ids for h in links)  # every link leads somewhere in the page
    for i, f in enumerate(report_input.findings):
        row = tree.get_element_by_id(f"row-x-{i}")
        assert f.message in row.text_content()
        assert f"at-x-{i}" in ids  # the finding is highlighted in the text
    cited = [k for k, fact in report_input.report.facts.items() if fact.evidence]
    assert cited and all(f"at-f-{k}" in ids for k in cited)
    items = tree.get_element_by_id("items").getnext()
    for i, it in enumerate(report_input.report.project_items):
        row = tree.get_element_by_id(f"row-p-{i}").text_content()
        assert it.name in row and number(it.actual) in row
        if it.adjustment is not None:  # a change keeps its sign: +18.60, -6.40
            assert ("+" if it.adjustment > 0 else "") + number(it.adjustment) in row
    assert items.tag == "table" and any(it.adjustment < 0 for it in report_input.report.project_items if it.adjustment)
    marks = tree.xpath("//pre[@class='doc']//mark")
    assert marks and "".join(tree.xpath("//pre[@class='doc']")[0].itertext()) == report_input.text


def test_evidence_html_escapes_the_report_text(tmp_path):
    analysis = pipeline.analyse_text("<script>alert(1)</script>示例县档案馆2024年度部门整体支出绩效自评报告\n"
                                     "年初预算100万元，全年支出80万元。\n", OPTIONS)
    out = render("html", RenderInput.of(analysis), tmp_path / "e.html")
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_evidence_html_of_a_pdf_gives_pages(tmp_path):
    analysis = pipeline.analyse(ACCOUNTS_PDF, OPTIONS)
    out = render("html", RenderInput.of(analysis), tmp_path / "e.html")
    page = out.read_text(encoding="utf-8")
    assert re.search(r"（第\d+页）", page)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*JIXIAO, "render", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_cli_render_writes_each_kind_and_refuses_bad_input(tmp_path):
    done = _cli(str(REPORT_TXT), "--as", "memo", "-o", str(tmp_path), "--decision", "approved", "--date", "2026-03-15",
                cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = list(tmp_path.glob("*审核意见书.docx"))
    assert len(written) == 1
    assert "审核通过" in _all_text(docx.Document(str(written[0])))
    done = _cli(str(REPORT_TXT), "--as", "html", "-o", str(tmp_path / "out" / "e.html"), cwd=tmp_path)
    assert done.returncode == 0 and (tmp_path / "out" / "e.html").is_file()
    bad = _cli(str(REPORT_TXT), "--as", "poster", cwd=tmp_path)
    assert bad.returncode == 2 and "不支持的文书类型" in bad.stderr and "Traceback" not in bad.stderr
    missing = _cli(str(tmp_path / "无此文件.txt"), cwd=tmp_path)
    assert missing.returncode == 2 and "无此文件.txt" in missing.stderr and "Traceback" not in missing.stderr
    broken = tmp_path / "坏模板.html"
    broken.write_text("{% for x in %}", encoding="utf-8")
    bad_template = _cli(str(REPORT_TXT), "--as", "html", "--template", str(broken), cwd=tmp_path)
    assert bad_template.returncode == 2 and "生成失败" in bad_template.stderr and "Traceback" not in bad_template.stderr
    (tmp_path / "文件").write_text("x", encoding="utf-8")
    unwritable = _cli(str(REPORT_TXT), "-o", str(tmp_path / "文件" / "m.docx"), cwd=tmp_path)
    assert unwritable.returncode == 2 and "无法写入" in unwritable.stderr and "Traceback" not in unwritable.stderr
    bad_date = _cli(str(REPORT_TXT), "--date", "2026/3/15", cwd=tmp_path)
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr


@pytest.fixture(scope="session")
def converters() -> None:
    """LibreOffice and pdftoppm (installed with apt-get where absent and this is root on Debian), else skip."""
    require_libreoffice()

def test_memo_converts_to_pdf_and_pages(tmp_path, memo, converters):
    pdf = to_pdf(memo, tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = to_png(pdf, tmp_path / "page", dpi=40, last=2)
    assert len(pages) == 2 and all(p.stat().st_size > 1000 for p in pages)


# --- 自评表 (.xlsx) ---------------------------------------------------------------------------------

def _fund_rows(ws) -> dict[str, int]:
    return {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 2).value, str)}


def test_table_of_project_forms_has_official_layout_formulas_and_print_setup(tmp_path):
    import openpyxl  # noqa: PLC0415 - optional: the reader of the output

    analysis = pipeline.analyse(FORM_TXT, OPTIONS)
    out = render("table", RenderInput.of(analysis), tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(out)  # formulas
    values = openpyxl.load_workbook(out, data_only=True)  # the values cached with them
    assert [p.name for p in analysis.report.projects] == book.sheetnames
    for form in analysis.report.projects:
        ws, wv = book[form.name], values[form.name]
        assert ws["A1"].value == "项目支出绩效自评表" and ws["A2"].value == "（2023年度）"
        assert ws["B3"].value == form.name
        rows = _fund_rows(ws)
        total = rows["年度资金总额"]
        stated = form.funds[0]
        assert Decimal(str(wv.cell(total, 5).value)) == stated.actual  # 全年执行数
        assert ws.cell(total, 7).value.startswith("=IF(")  # 执行率 is a formula …
        assert round(Decimal(str(wv.cell(total, 7).value)) * 100, 2) == stated.rate  # … whose value is cached
        total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "总分")
        assert ws.cell(total_row, 6).value.startswith("=SUM(") and ws.cell(total_row, 7).value.startswith("=SUM(")
        scores = [i.score for i in form.indicators if i.score is not None] + [stated.score]
        assert Decimal(str(wv.cell(total_row, 7).value)) == sum(scores)
        labels = [ws.cell(r, 3).value for r in range(total_row - len(form.indicators), total_row)]
        assert labels == [i.label for i in form.indicators]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.print_area and ws.print_title_rows
    assert "http" not in "".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value)


def test_table_round_trip_gives_the_same_forms(tmp_path):
    """Reading the rendered sheet again gives the forms it was made from (money, indicators, levels, scores)."""
    analysis = pipeline.analyse(FORM_TXT, OPTIONS)
    out = render("table", RenderInput.of(analysis), tmp_path / "t.xlsx")
    again = pipeline.analyse(out, OPTIONS)
    assert [p.name for p in again.report.projects] == [p.name for p in analysis.report.projects]
    for a, b in zip(analysis.report.projects, again.report.projects, strict=True):
        key = lambda f: (f.label, f.budget, f.budget_full, f.actual, f.weight, f.score)  # noqa: E731
        assert [key(f) for f in a.funds] == [key(f) for f in b.funds if f.actual is not None or f.budget is not None]
        ind = lambda i: (i.level1, i.level2, i.label, i.target, i.comparator, i.actual, i.unit, i.weight, i.score)  # noqa: E731
        assert [ind(i) for i in a.indicators] == [ind(i) for i in b.indicators]
        # the 总分 is the sheet's formula: the sum of the rows (a unit's miscounted total is not copied)
        assert b.total_score == sum(i.score for i in a.indicators) + a.funds[0].score


def test_department_table_from_a_narrative_report_fills_only_what_is_stated(tmp_path):
    import openpyxl  # noqa: PLC0415 - optional: the reader of the output

    analysis = pipeline.analyse(REPORT_TXT, OPTIONS)
    report = analysis.report
    out = render("table", RenderInput.of(analysis), tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(out, data_only=True).worksheets[0]
    assert ws["A1"].value == "部门整体支出绩效自评表" and ws["B3"].value == "示例市示范区司法局"
    assert ws["A3"].value == "部门（单位）名称"  # 示例省 has no layout of its own: the general one
    rows = _fund_rows(ws)
    total = rows["年度资金总额"]
    assert Decimal(str(ws.cell(total, 3).value)) == report.fact_value("budget")
    assert Decimal(str(ws.cell(total, 5).value)) == report.fact_value("expenditure_total")
    assert ws.cell(total, 4).value is None  # 全年预算数: not stated, left blank (not 0)
    assert ws.cell(rows["其他资金"], 5).value is None
    targeted = [m for m in report.metrics if m.target is not None]
    assert targeted
    labels = [ws.cell(r, 3).value for r in range(1, ws.max_row + 1)]
    for m in targeted:
        assert m.label in labels


# --- the report draft (.docx) -------------------------------------------------------------------------

SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
ROUND_TRIP = pipeline.Options(review=False)


def _keys(report) -> tuple[set, set, set]:
    facts = {(k, str(f.value)) for k, f in report.facts.items()}
    items = {(i.name, str(i.budget), str(i.adjustment), str(i.actual), str(i.carryover)) for i in report.project_items}
    kpis = {(m.kpi, str(m.value), m.unit, str(m.target)) for m in report.metrics if m.kpi}
    return facts, items, kpis


def _round_trip(files: list[Path], tmp_path: Path) -> tuple[list[int], list[int]]:
    """(kept, total) of facts, items and KPI metrics when each file's draft is extracted again."""
    kept, total = [0, 0, 0], [0, 0, 0]
    for n, f in enumerate(files):
        first = pipeline.analyse(f, ROUND_TRIP)
        draft = render("report", RenderInput.of(first), tmp_path / f"draft{n}.docx")
        again = pipeline.analyse(draft, ROUND_TRIP)
        for i, (a, b) in enumerate(zip(_keys(first.report), _keys(again.report), strict=True)):
            kept[i] += len(a & b)
            total[i] += len(a)
    return kept, total


def _assert_kept(kept: list[int], total: list[int]) -> None:
    assert total[0] > 0
    for k, t in zip(kept, total, strict=True):
        assert k >= 0.99 * t, (kept, total)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/corpus/seeds is absent")
def test_report_draft_round_trip_on_the_seeds(tmp_path):
    _assert_kept(*_round_trip(sorted(SEEDS.glob("*.txt")), tmp_path))


def test_report_draft_round_trip_on_the_samples(tmp_path):
    files = [p for p in sorted(SAMPLES.iterdir()) if p.suffix in (".txt", ".docx", ".xlsx", ".pdf")]
    _assert_kept(*_round_trip(files, tmp_path))


def test_report_draft_round_trip_on_100_synthetic_reports(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth import generate  # noqa: PLC0415 - optional: the generator lives in benchmarks/

    generate(tmp_path / "synth", 100, docx_share=0.3)
    files = sorted(p for p in (tmp_path / "synth").iterdir() if p.suffix in (".txt", ".docx"))
    assert len(files) == 100
    _assert_kept(*_round_trip(files, tmp_path))


def test_report_draft_follows_the_outline_and_asks_for_what_is_missing(tmp_path):
    text = ("示例县档案馆2024年度部门整体支出绩效自评报告\n一、部门基本情况\n本馆主要负责档案管理，核定编制12人，实有人数11人。\n"
            "二、存在的问题\n档案数字化进度偏慢。\n")
    analysis = pipeline.analyse_text(text, ROUND_TRIP)
    out = render("report", RenderInput.of(analysis), tmp_path / "d.docx")
    paras = [p.text for p in docx.Document(str(out)).paragraphs if p.text.strip()]
    assert paras[0] == "示例县档案馆2024年度部门整体支出绩效自评报告"
    headings = [p for p in paras if re.match(r"^[一二三四五六七八九十]+、", p)]
    assert headings[0] == "一、部门基本情况"
    # the national outline's required sections the report lacks (its 改进措施) are added, in the outline's order,
    # asking for content; parts the national outline does not require are not
    assert any("下一步改进措施" in h for h in headings) and not any("一般公共预算支出情况" in h for h in headings)
    missing = load_yaml("render.yaml")["report"]["missing"]
    assert paras.count(missing) >= 1
    assert headings.index(next(h for h in headings if "存在的问题" in h)) < headings.index(
        next(h for h in headings if "改进措施" in h))
    assert "档案数字化进度偏慢。" in paras  # the unit's own words are kept


def test_report_draft_puts_the_corrected_value_in_place(tmp_path):
    analysis = pipeline.analyse(REPORT_TXT, ROUND_TRIP)
    data = RenderInput.of(analysis, corrections={"budget": Decimal("1600.50")})
    out = render("report", data, tmp_path / "d.docx")
    again = pipeline.analyse(out, ROUND_TRIP)
    assert again.report.fact_value("budget") == Decimal("1600.50")
    assert again.report.fact_value("expenditure_total") == analysis.report.fact_value("expenditure_total")


# --- 汇总分析报告 (.docx + .xlsx) ------------------------------------------------------------------------

def test_summary_counts_findings_units_distributions_and_years(tmp_path):
    import openpyxl  # noqa: PLC0415 - optional: the reader of the output

    from jixiao.render.summary import by_rule, render_summary, rows_of  # noqa: PLC0415 - optional: charts need matplotlib

    files = [REPORT_TXT, FORM_TXT, *sorted(SAMPLES.glob("*.docx")), *sorted(SAMPLES.glob("*.xlsx"))]
    inputs = [RenderInput.of(pipeline.analyse(f, OPTIONS), source_name=f.name) for f in files]
    rows = rows_of(inputs)
    out = render_summary(rows, tmp_path / "汇总.docx", scope="2024年度示例", day=date(2026, 12, 1))
    d = docx.Document(str(out))
    text = _all_text(d)
    assert d.paragraphs[0].text.startswith("2024年度示例")
    total = sum(len(i.findings) for i in inputs)
    assert f"本次汇总报告{len(files)}份" in text and f"共发现问题{total}个" in text
    for title, _sev, _findings, _reports in by_rule(rows):
        assert title in text
    # every report with a rule is counted once per rule
    rule_rows = {r[0]: r for r in by_rule(rows)}
    sums = {}
    for i in inputs:
        for rule in {f.rule for f in i.findings}:
            sums[RULES[rule].title] = sums.get(RULES[rule].title, 0) + 1
    assert {k: v[3] for k, v in rule_rows.items()} == sums
    assert len(d.inline_shapes) >= 2  # the charts
    for r in _runs(d):
        assert r.find(qn("w:rPr")) is None or r.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia"))
    book = openpyxl.load_workbook(out.with_suffix(".xlsx"))
    assert book.sheetnames[:2] == ["按单位", "按规则"]
    units = book["按单位"]
    assert units.max_row == len(files) + 1
    assert {units.cell(r, 1).value for r in range(2, units.max_row + 1)} >= {"示例市示范区司法局"}


def test_summary_execution_rate_is_computed_only_from_stated_figures():
    from jixiao.render.summary import SummaryRow, stats  # noqa: PLC0415 - optional: as above

    assert SummaryRow("a", budget=Decimal("200"), expenditure=Decimal("150.5")).execution_rate == Decimal("75.25")
    assert SummaryRow("b", budget=None, expenditure=Decimal("1")).execution_rate is None
    assert SummaryRow("c", budget=Decimal("0"), expenditure=Decimal("1")).execution_rate is None
    assert stats([]) == {"n": 0}
    assert stats([Decimal("90"), Decimal("80"), Decimal("100")])["median"] == Decimal("90.00")


def test_cli_summary_of_several_files(tmp_path):
    files = [str(REPORT_TXT), str(FORM_TXT), str(tmp_path / "坏.pdf")]
    (tmp_path / "坏.pdf").write_bytes(b"%PDF-1.4 broken")
    done = _cli(*files, "--as", "summary", "-o", str(tmp_path / "out" / "汇总.docx"), "--scope", "示例", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr  # the broken file is told, the others summarised
    assert "坏.pdf" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "out" / "汇总.docx").is_file() and (tmp_path / "out" / "汇总.xlsx").is_file()
    text = _all_text(docx.Document(str(tmp_path / "out" / "汇总.docx")))
    assert "本次汇总报告2份" in text


def test_summary_without_a_cjk_font_says_so_instead_of_drawing(tmp_path, monkeypatch):
    from jixiao.render import summary  # noqa: PLC0415 - optional: as above

    monkeypatch.setattr(summary, "chart_font", lambda: None)
    rows = summary.rows_of([RenderInput.of(pipeline.analyse(REPORT_TXT, OPTIONS))])
    d = docx.Document(str(summary.render_summary(rows, tmp_path / "s.docx")))
    assert not d.inline_shapes and summary.NO_CHART_FONT in _all_text(d)


def test_report_draft_converts_to_pdf(tmp_path, converters):
    out = render("report", RenderInput.of(pipeline.analyse(REPORT_TXT, OPTIONS)), tmp_path / "d.docx")
    pdf = to_pdf(out, tmp_path)
    assert len(to_png(pdf, tmp_path / "d", dpi=30, last=2)) == 2


def test_summary_converts_to_pdf(tmp_path, converters):
    from jixiao.render.summary import render_summary, rows_of  # noqa: PLC0415 - optional: as above

    inputs = [RenderInput.of(pipeline.analyse(f, OPTIONS)) for f in (REPORT_TXT, FORM_TXT)]
    out = render_summary(rows_of(inputs), tmp_path / "s.docx")
    pdf = to_pdf(out, tmp_path)
    assert len(to_png(pdf, tmp_path / "s", dpi=30, last=1)) == 1


def test_a_province_with_its_own_layout_gets_it(tmp_path):
    import openpyxl  # noqa: PLC0415 - optional: the reader of the output

    text = REPORT_TXT.read_text(encoding="utf-8").replace("示例省", "湖南省").replace("示例市", "株洲市").replace(
        "示范区", "芦淞区")
    analysis = pipeline.analyse_text(text, OPTIONS)
    assert analysis.report.fact_value("province") == "湖南省"
    out = render("table", RenderInput.of(analysis), tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(out, data_only=True).worksheets[0]
    assert ws["A3"].value == "预算部门、单位名称"
    rows = _fund_rows(ws)
    assert "按收入性质分：" in rows and "按支出性质分：" in rows
    assert Decimal(str(ws.cell(rows["基本支出"], 5).value)) == analysis.report.fact_value("basic_expenditure")
    assert ws.cell(rows["纳入专户管理的非税收入拨款"], 5).value is None  # not stated: blank, not 0
