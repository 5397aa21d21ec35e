"""Ingestion of well-formed files: txt encodings, docx structure and numbering, xlsx, PDF.

Every fixture is generated here (tmp_path); the real PDFs come from ../shared when present.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from jixiao.ingest import Document, load
from jixiao.ingest.layout import text_index
from jixiao.ingest.normalize import _FW_TABLE, normalize
from jixiao.ingest.numbering import chinese_number, format_number
from jixiao.ingest.xlsx import number_text

SHARED = Path(__file__).parents[1] / "../shared"
CORPUS_PDF = SHARED / "corpus" / "pdf"

CONTENT = (
    "部门整体支出绩效自评报告\r\n"
    "一、部门概况\r\n"
    "  2024年度预算执行率为９８．５％，  项目支出 1,234.56 万元。\r\n"
    "\r\n\r\n"
    "（一）主要职能\t负责　全区绩效管理[bookmark: _GoBack]。\r\n"
)
EXPECTED_TEXT = (
    "部门整体支出绩效自评报告\n"
    "一、部门概况\n"
    "2024年度预算执行率为98.5%， 项目支出1,234.56万元。\n"  # spaces inside running text are conversion damage
    "\n"
    "（一）主要职能\t负责 全区绩效管理。"
)


# --------------------------------------------------------------------------- helpers
_HALF_MARKS = str.maketrans("，；：。", ",;:.")


def _same_char(norm: str, orig: str) -> bool:
    """``norm`` (a character of the normalised text) is what normalisation makes of ``orig``."""
    mapped = orig.translate(_FW_TABLE)
    return (norm == mapped or (norm in " \t" and mapped.isspace()) or (norm == "\t" and orig in "|｜")
            or (norm == "." and orig in "．·") or (norm == "\n" and orig in "\r\n")
            or (norm + orig in ("，,", "；;", "：:", "。.")))  # half-width marks in running text widened


def _squash(s: str) -> str:
    """Without whitespace, and with the marks normalisation widens in running text (a decision that depends on
    the whole line, which a slice may cut) taken as their half-width forms, as in ``_same_char``."""
    return re.sub(r"\s", "", s).replace("．", ".").replace("·", ".").translate(_HALF_MARKS)


def assert_offset_map(doc: Document, spans: int = 200) -> None:
    """The offset-map invariants, for any format."""
    text, origin, offsets = doc.text, doc.origin, doc.offsets
    assert len(offsets) == len(text) + 1
    assert all(a <= b for a, b in zip(offsets, offsets[1:], strict=False))
    assert all(0 <= o <= len(origin) for o in offsets)
    for i, c in enumerate(text):
        assert _same_char(c, origin[offsets[i]]), (i, c, origin[offsets[i]])
    rng = random.Random(0)
    for _ in range(spans if text else 0):
        s = rng.randrange(len(text) + 1)
        e = rng.randrange(s, len(text) + 1)
        a, b = doc.origin_span(s, e)
        again, _ = normalize(origin[a:b])
        assert _squash(again) == _squash(text[s:e])
    for table in doc.tables:
        for row in table.rows:
            for cell in row:
                if cell.start >= 0 and doc.format != "pdf":
                    assert text[cell.start:cell.end] == cell.text


# --------------------------------------------------------------------------- normalize
@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(),
    st.lists(st.sampled_from(list("ab1２ \t\n\r\u3000\u00a0．·％\u200b\ufeff\x0b\x85中")
                             + ["[bookmark: _GoBack]", "\r\n", "1．2"])).map("".join),
))
def test_normalize_never_raises_and_keeps_offsets(origin):
    text, offsets = normalize(origin)
    assert len(offsets) == len(text) + 1
    assert all(a <= b for a, b in zip(offsets, offsets[1:], strict=False))
    assert all(0 <= o <= len(origin) for o in offsets)
    for i, c in enumerate(text):
        assert _same_char(c, origin[offsets[i]])


def test_text_index_inverts_offsets():
    origin = "  一、 ９８％\n\n\n二"
    text, offsets = normalize(origin)
    for i in range(len(text) + 1):
        assert text_index(offsets, offsets[i]) == i


# --------------------------------------------------------------------------- txt
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-be-bom",
                                      "utf-16-le-nobom", "utf-16-be-nobom"])
def test_txt_encodings_give_same_text(tmp_path, encoding):
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + CONTENT.encode("utf-16-be")
    elif encoding.endswith("-nobom"):
        data = CONTENT.encode(encoding.removesuffix("-nobom"))
    else:
        data = CONTENT.encode(encoding)
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    doc = load(path)
    assert doc.format == "txt"
    assert doc.origin.lstrip("\ufeff") == CONTENT
    assert doc.text == EXPECTED_TEXT
    assert doc.encoding
    assert_offset_map(doc)


def test_txt_utf16le_without_bom_or_ascii(tmp_path):
    path = tmp_path / "cjk.txt"
    path.write_bytes("部门整体支出绩效自评报告，预算执行情况良好。绩效目标全部完成。".encode("utf-16-le"))
    doc = load(path)
    assert doc.encoding == "utf-16-le"
    assert doc.text.startswith("部门整体支出")


def test_txt_short_gbk_is_not_misguessed(tmp_path):
    path = tmp_path / "short.txt"
    path.write_bytes("绩效".encode("gbk"))
    doc = load(path)
    assert doc.text == "绩效"
    assert doc.encoding == "gb18030"


def test_txt_utf8_with_one_broken_byte_stays_utf8(tmp_path):
    path = tmp_path / "broken.txt"
    body = ("预算执行率为百分之九十八点五，绩效目标完成情况良好。" * 20).encode()
    path.write_bytes(body[:30] + b"\xff" + body[30:])
    doc = load(path)
    assert doc.encoding == "utf-8"
    assert "绩效目标完成情况良好" in doc.text


def test_load_accepts_source_name(tmp_path):
    path = tmp_path / "x.bin"  # the extension does not matter
    path.write_text("绩效自评", encoding="utf-8")
    doc = load(path, source="上传.txt")
    assert doc.source == "上传.txt" and doc.format == "txt"


# --------------------------------------------------------------------------- docx
_ABSTRACT = (
    f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
    '<w:multiLevelType w:val="multilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
    '<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
    '<w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
    '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3.%4"/></w:lvl>'
    "</w:abstractNum>"
)


def _add_numbering(document) -> str:
    """Add a Chinese multi-level list definition to the numbering part; return its numId."""
    numbering = document.part.numbering_part.element
    abstract = parse_xml(_ABSTRACT)
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:  # schema order: every abstractNum before the first num
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _numbered(document, text: str, ilvl: int, num_id: str = "90"):
    p = document.add_paragraph(text)
    num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = int(num_id)
    return p


def _append_xml(document, xml: str) -> None:
    document.element.body.sectPr.addprevious(parse_xml(xml))


_NS = (f'{nsdecls("w")} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
       'xmlns:v="urn:schemas-microsoft-com:vml"')


def make_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("部门整体支出绩效自评报告")
    _add_numbering(d)
    _numbered(d, "部门概况", 0)
    _numbered(d, "主要职能", 1)
    _numbered(d, "机构设置", 1)
    table = d.add_table(rows=3, cols=3)
    for r, values in enumerate([["指标", "目标值", "实际值"], ["预算执行率", "100%", "98.5%"],
                                ["", "", "备注"]]):
        for c, v in enumerate(values):
            table.cell(r, c).text = v
    table.cell(2, 0).merge(table.cell(2, 1)).text = "合并单元格"
    table.cell(0, 2).merge(table.cell(1, 2))  # vertical merge: python-docx moves "98.5%" up
    nested = table.cell(2, 2).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "内层甲"
    nested.cell(0, 1).text = "内层乙"
    _numbered(d, "绩效目标完成情况", 0)
    _numbered(d, "产出指标", 1)
    _numbered(d, "数量指标", 2)
    _numbered(d, "12个项目全部完成", 2)
    _numbered(d, "细项", 3)
    _numbered(d, "部门自评结论", 0)
    _append_xml(d, f'<w:p {_NS}><w:r><w:t>预算</w:t></w:r><w:ins w:id="1" w:author="a"><w:r>'
                   '<w:t>执行率98%</w:t></w:r></w:ins><w:del w:id="2" w:author="a"><w:r>'
                   '<w:delText>已删除</w:delText></w:r></w:del><w:r><w:rPr><w:vanish/></w:rPr>'
                   '<w:t>隐藏文字</w:t></w:r></w:p>')
    _append_xml(d, f'<w:sdt {_NS}><w:sdtPr><w:alias w:val="单位"/></w:sdtPr><w:sdtContent>'
                   '<w:p><w:r><w:t>内容控件：上海市普陀区财政局</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    box = '<w:txbxContent><w:p><w:r><w:t>文本框：自评得分95分</w:t></w:r></w:p></w:txbxContent>'
    _append_xml(d, f'<w:p {_NS}><w:r><w:t>锚定段落</w:t></w:r><w:r><mc:AlternateContent>'
                   f'<mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing></mc:Choice>'
                   f'<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict>'
                   '</mc:Fallback></mc:AlternateContent></w:r></w:p>')
    d.add_paragraph("按样式编号", style="List Number")
    d.save(path)
    return path


def test_docx_numbering_tables_and_reading_order(tmp_path):
    doc = load(make_docx(tmp_path / "r.docx"))
    assert doc.format == "docx"
    lines = doc.text.split("\n")
    assert lines[:4] == ["部门整体支出绩效自评报告", "一、部门概况", "（一）主要职能", "（二）机构设置"]
    assert lines[4] == "指标\t目标值\t实际值 98.5%"
    assert lines[5] == "预算执行率\t100%\t"
    assert lines[6] == "合并单元格\t\t备注 内层甲 内层乙"
    assert lines[7:13] == ["二、绩效目标完成情况", "（一）产出指标", "1. 数量指标", "2. 12个项目全部完成",
                           "2.1 细项", "三、部门自评结论"]
    assert lines[13] == "预算执行率98%"
    assert lines[14] == "内容控件：上海市普陀区财政局"
    assert lines[15:17] == ["锚定段落", "文本框：自评得分95分"]
    assert doc.text.count("文本框") == 1
    assert lines[17] == "1. 按样式编号"
    assert "已删除" not in doc.text and "隐藏文字" not in doc.text
    # the origin keeps the numbers too
    assert "一、部门概况" in doc.origin

    (table,) = doc.tables
    assert [[c.text for c in row] for row in table.rows] == [
        ["指标", "目标值", "实际值 98.5%"], ["预算执行率", "100%", ""], ["合并单元格", "", "备注 内层甲 内层乙"]]
    assert doc.text[table.start:table.end] == "\n".join(lines[4:7])
    cell = table.rows[1][1]
    assert doc.text[cell.start:cell.end] == "100%"
    assert_offset_map(doc)


def test_docx_start_override_restarts_list(tmp_path):
    d = docx.Document()
    _add_numbering(d)
    numbering = d.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="90"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>'))
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="92"><w:abstractNumId w:val="90"/></w:num>'))
    _numbered(d, "甲", 0)
    _numbered(d, "乙", 0, "92")  # same abstract list, no override: continues
    _numbered(d, "丙", 0, "91")  # restarted at 5
    d.save(tmp_path / "o.docx")
    assert load(tmp_path / "o.docx").text.split("\n") == ["一、甲", "二、乙", "五、丙"]


def test_number_formats():
    assert [chinese_number(n) for n in (1, 10, 11, 19, 20, 21, 99, 100, 101, 110, 1000)] == [
        "一", "十", "十一", "十九", "二十", "二十一", "九十九", "一百", "一百零一", "一百一十", "一千"]
    assert format_number(3, "ideographTraditional") == "丙"
    assert format_number(2, "lowerLetter") == "b"
    assert format_number(28, "lowerLetter") == "bb"
    assert format_number(4, "upperRoman") == "IV"
    assert format_number(3, "decimalEnclosedCircleChinese") == "③"
    assert format_number(12, "chineseLegalSimplified") == "壹拾贰"


# --------------------------------------------------------------------------- xlsx
def make_xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws["B1"] = "部门整体支出绩效自评表"
    ws.merge_cells("B1:E1")
    ws.append([])
    ws.append([None, "指标", "年度目标", "实际完成", "完成率"])
    ws.append([None, "预算资金（万元）", 59.93, 12, 0.9593])
    ws["E4"].number_format = "0.00%"
    ws.append([None, "完成时间", dt.date(2024, 12, 31), dt.datetime(2025, 1, 2, 9, 30), 0.1 + 0.2])
    ws.append([None, "合计", 1e20, 12.0, None])
    ws.merge_cells("B6:B7")
    wb.create_sheet("空表")
    other = wb.create_sheet("说明")
    other["A1"] = "填表说明\n第二行"
    wb.save(path)
    return path


def test_xlsx_sheets_merged_cells_and_numbers(tmp_path):
    doc = load(make_xlsx(tmp_path / "t.xlsx"))
    assert doc.format == "xlsx"
    assert doc.text.split("\n") == [
        "【自评表】",
        "部门整体支出绩效自评表\t\t\t",
        "指标\t年度目标\t实际完成\t完成率",
        "预算资金（万元）\t59.93\t12\t95.93%",
        "完成时间\t2024-12-31\t2025-01-02 09:30:00\t0.3",
        "合计\t100000000000000000000\t12\t",
        "【说明】",
        "填表说明 第二行",
    ]
    assert [t.sheet for t in doc.tables] == ["自评表", "说明"]
    first = doc.tables[0]
    assert [c.text for c in first.rows[0]] == ["部门整体支出绩效自评表", "", "", ""]
    assert first.rows[2][1].text == "59.93"
    assert_offset_map(doc)


def test_number_text():
    assert number_text(59.93) == "59.93"
    assert number_text(59.930000000000007) == "59.93"
    assert number_text(12.0) == "12"
    assert number_text(12) == "12"
    assert number_text(-0.0) == "0"
    assert number_text(1.5e-7) == "0.00000015"


# --------------------------------------------------------------------------- pdf
@pytest.fixture
def corpus_pdf() -> Path:
    path = CORPUS_PDF / "p001.pdf"
    if not path.exists():
        pytest.skip(f"real PDFs not available ({CORPUS_PDF} missing)")
    return path


def test_pdf_text_pages_and_tables(corpus_pdf):
    doc = load(corpus_pdf)
    assert doc.format == "pdf"
    assert doc.pages == 24
    assert "部门决算" in doc.text
    assert "\r" not in doc.text
    assert doc.tables
    located = [c for t in doc.tables for row in t.rows for c in row if c.start >= 0]
    assert len(located) > 100
    for cell in located:
        assert _squash(doc.text[cell.start:cell.end]) == _squash(cell.text)
    for table in doc.tables:
        assert table.sheet and table.sheet.startswith("第")
        assert table.start <= table.end
    assert_offset_map(doc)


def test_pdf_tables_can_be_skipped(corpus_pdf, tmp_path):
    from jixiao.ingest import pdf

    doc = pdf.read(corpus_pdf, "p001.pdf", tables=False)
    assert doc.tables == [] and doc.pages == 24


def test_prose_repair_drops_damage_spaces_and_widens_punctuation_but_leaves_tables_alone():
    text, pos = normalize("综合评定, 我院 2019 年度自评得分 92 分,内设机构5个:办公室、政治部和检务保障中心.\n"
                          "执行率3.5%，共1,200人。\n项目名称 乡村道路养护 实施单位 示例县交通运输局 年初预算 调整后预算数 "
                          "预算执行数 总额 40 45 44 说明：资金，到位。")
    lines_ = text.split("\n")
    assert lines_[0] == "综合评定，我院2019年度自评得分92分，内设机构5个：办公室、政治部和检务保障中心。"
    assert lines_[1] == "执行率3.5%，共1,200人。"
    assert lines_[2].startswith("项目名称 乡村道路养护 实施单位 示例县交通运输局")  # cells of a table on one line
    assert len(pos) == len(text) + 1


@pytest.mark.parametrize(("value", "number_format", "shown"), [
    (68, "0.00", "68.00"), (9.8, "0.0", "9.8"), (0.9779, "0.00%", "97.79%"), (0.5, "0%", "50%"),
    (1234.5, "#,##0.00", "1,234.50"), (59.93000000000001, "General", "59.93"), (3.14159, "0.00_ ", "3.14"),
    (2.675, "0.00", "2.68"), (12, "@", "12")])
def test_an_xlsx_number_reads_as_its_format_shows_it(value, number_format, shown):
    from jixiao.ingest.xlsx import cell_text

    assert cell_text(value, number_format) == shown  # the precision the sheet writes the figure with


def test_a_form_one_cell_per_line_with_group_labels_is_one_table():
    from jixiao.pipeline import load_bytes

    cells = ["年度预算申请（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
             "年度资金总额", "210.00", "226.00", "220.50", "10", "97.57%", "9.76",
             "按收入性质分",
             "一般公共预算", "210.00", "226.00", "220.50", "—", "97.57%", "—",
             "其他资金", "0.00", "0.00", "0.00", "—", "—", "—",
             "按支出性质分",
             "基本支出", "180.00", "186.00", "186.00", "—", "100.00%", "—",
             "项目支出", "30.00", "40.00", "34.50", "—", "86.25%", "—"]
    doc = load_bytes(("示例县档案馆2023年度部门整体支出绩效自评表\n" + "\n".join(cells) + "\n").encode(), "t.txt")
    (table,) = doc.tables
    assert [r[0].text for r in table.rows] == ["年度预算申请（万元）", "年度资金总额", "按收入性质分", "一般公共预算", "其他资金",
                                               "按支出性质分", "基本支出", "项目支出"]
    assert [c.text for c in table.rows[-1]] == ["项目支出", "30.00", "40.00", "34.50", "—", "86.25%", "—"]
    assert [c.start for c in table.rows[2][1:]] == [-1] * 6  # the group label's row has no other cells


def test_a_pdf_page_of_prose_is_not_searched_for_tables():
    from jixiao.ingest.pdf import may_hold_a_table

    prose = "本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%。\n主要原因：人员变动。\n" * 5
    rows = "项目 合计 基本支出 项目支出\n201 一般公共服务支出 2,106.66 1,680.20 426.46\n208 社会保障和就业支出 326.72 326.72\n" \
           "210 卫生健康支出 60.99 60.99\n"
    empty = "收入支出决算总表\n单位：万元\n项目 决算数 项目 决算数\n"
    assert not may_hold_a_table(prose)
    assert may_hold_a_table(rows) and may_hold_a_table(empty)
