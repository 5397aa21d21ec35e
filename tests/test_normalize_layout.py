"""Normalisation of page layout in text files: hard-wrapped paragraphs (text taken from a PDF).

All examples are invented.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.ingest.normalize import normalize

PARAGRAPHS = [
    "一、单位概况",
    "　　样板县水务局内设股室5个，下属事业单位3个。2023年度部门预算总额1,234.56万元，其中基本支出"
    "987.65万元，项目支出246.91万元，预算执行率97.35%。全年完成河道清淤12.5公里，农村供水工程"
    "维修养护覆盖18个行政村，服务群众约3.2万人次。",
    "　　履职效果：全年未发生重大水旱灾害，防汛物资储备充足，汛期值班值守落实到位，群众满意度较上年"
    "有所提升。Water Affairs Bureau annual report also published online.",
    "　　资产管理方面，严格执行资产配置标准，年末固定资产原值356.80万元，全年新增固定资产128000.00元，"
    "处置报废资产3项，账实相符。政府采购全部按规定程序执行，未发现违规采购行为。",
    "（一）存在的问题",
    "　　一是项目前期工作不够扎实，部分项目开工较晚；二是绩效目标设置不够细化，个别指标难以量化考核。",
    "履职完成情况：",
    "　　完成全年工作任务。全年召开防汛调度会议9次，开展水利工程安全检查46次，排查整改隐患23处，"
    "组织防汛应急演练2场，参演人员320人次；完成水土保持方案审批15件，办理水行政许可事项58件。",
]


def _wrap(paragraph: str, width: int) -> list[str]:
    """Break a paragraph as text taken from a PDF is: lines of ``width`` columns (a Chinese
    character 2, an ASCII one 1), never inside a run of digits or Latin letters."""
    out, line, cols = [], "", 0
    for i, c in enumerate(paragraph):
        w = 1 if c < "\u1100" else 2
        if cols + w > width:
            keep = len(line)
            while keep and line[keep - 1].isascii() and line[keep - 1].isalnum() and c.isascii() and c.isalnum():
                keep -= 1
                c = paragraph[i - len(line) + keep]
            out.append(line[:keep].rstrip(" "))
            line = line[keep:].lstrip(" ")
            cols = sum(1 if ch < "\u1100" else 2 for ch in line)
        line += paragraph[i]
        cols += w
    out.append(line)
    return out


def test_hard_wrapped_paragraphs_are_rejoined():
    for width in (48, 56, 64, 70):
        wrapped = "\n".join(line for p in PARAGRAPHS for line in _wrap(p, width))
        text, offsets = normalize(wrapped)
        want, _ = normalize("\n".join(PARAGRAPHS))
        assert text == want, width
        assert len(offsets) == len(text) + 1
        assert all(a < b for a, b in zip(offsets, offsets[1:], strict=False))


FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


def _wrap_cjk(paragraph: str, width: int) -> list[str]:
    """Break anywhere (full-width digits are characters like any other), ``width`` columns a line."""
    out, line, cols = [], "", 0
    for c in paragraph:
        w = 1 if c < "\u1100" else 2
        if cols + w > width:
            out.append(line)
            line, cols = "", 0
        line += c
        cols += w
    return [*out, line]


def test_full_width_figures_broken_anywhere_are_rejoined():
    """Full-width digits are two columns wide on the page (the normalisation makes them ASCII), and
    a figure broken at its decimal point or between digits is one figure again, without a space."""
    paragraphs = [p.split("Water")[0].translate(FULL_WIDTH) for p in PARAGRAPHS]  # Chinese only
    for width in (50, 58, 66):
        wrapped = "\n".join(line for p in paragraphs for line in _wrap_cjk(p, width))
        text, _ = normalize(wrapped)
        assert text == normalize("\n".join(paragraphs))[0], width
        assert "1,234.56万元" in text and "987.65万元" in text


def test_latin_words_broken_at_a_line_end_keep_their_space():
    wrapped = "\n".join(_wrap(PARAGRAPHS[2], 50))
    text, _ = normalize("\n".join(["x"] * 0) + wrapped + "\n" + "\n".join(_wrap(PARAGRAPHS[1], 50)))
    assert "annual report also published online" in text


def test_text_that_is_not_hard_wrapped_is_left_alone():
    lines = [
        "部门整体支出绩效自评报告",
        "一、部门基本情况",
        "主要职能：负责全县水资源的统一管理和保护。",
        "（一）机构设置",
        "内设股室5个，分别为办公室、计划财务股、水政水资源股、工程建设管理股、农村水利股。",
        "二、一般公共预算支出情况",
        "基本支出987.65万元。",
        "项目支出246.91万元。",
        "三、存在的问题",
        "无。",
    ]
    text = "\n".join(lines)
    assert normalize(text)[0] == text
    # equally long lines that are list items or headings are never joined
    items = "\n".join(f"{i}.完成第{i}批农村供水工程维修养护任务，覆盖全县各乡镇行政村和自然村。" for i in range(1, 10))
    assert normalize(items)[0] == items


def test_word_bookmark_artefact_in_either_punctuation_width():
    assert normalize("预算[bookmark: _GoBack]执行")[0] == "预算执行"
    assert normalize("预算[bookmark：_GoBack]执行")[0] == "预算执行"


def _offsets_ok(origin: str, text: str, offsets: list[int]) -> None:
    assert len(offsets) == len(text) + 1
    assert all(a <= b for a, b in zip(offsets, offsets[1:], strict=False))
    for i, c in enumerate(text):
        o = origin[offsets[i]]
        assert c == o or (c == "\t" and o in "|｜\t\n") or (c == "\n" and o == "\n"), (i, c, o)


def test_pipe_rows_become_tab_separated_rows():
    origin = ("表2 项目支出情况（单位：万元）\n"
              "| 项目 | 年初预算 | 实际支出 |\n"
              "| 河道整治经费 | 30.00 |  |\n"
              "|水源保护经费|12.00|11.50|\n"
              "联系我们 | 网站地图\n")
    text, offsets = normalize(origin)
    assert text.split("\n")[1:4] == ["项目\t年初预算\t实际支出", "河道整治经费\t30.00\t", "水源保护经费\t12.00\t11.50"]
    assert text.split("\n")[4] == "联系我们 | 网站地图"  # not a row: no leading pipe
    _offsets_ok(origin, text, offsets)


def test_one_cell_per_line_tables_get_their_rows_back():
    cells = ["（一）项目支出", "项目", "年初预算", "全年预算", "实际支出",
             "河道整治经费", "30.00", "32.00", "31.80",
             "其中：清淤工程", "20.00", "20.00", "19.90",
             "合计", "50.00", "52.00", "51.70",
             "全年完成河道清淤12.5公里。"]
    text, offsets = normalize("\n".join(cells))
    assert text.split("\n") == ["（一）项目支出", "项目\t年初预算\t全年预算\t实际支出", "河道整治经费\t30.00\t32.00\t31.80",
                                "其中：清淤工程\t20.00\t20.00\t19.90", "合计\t50.00\t52.00\t51.70",
                                "全年完成河道清淤12.5公里。"]
    assert offsets == list(range(len(text) + 1))  # only line breaks became tabs


def test_two_column_tables_one_cell_per_line_each_closed_by_a_pipe():
    origin = ("三、支出明细（单位：万元）\n项目 |\n金额 |\n人员经费 |\n412.06 |\n公用经费 |\n58.30 |\n"
              "合计 |\n470.36 |\n四、绩效目标完成情况\n全年完成巡查120次。")
    text, offsets = normalize(origin)
    assert text.split("\n")[1:5] == ["项目\t金额", "人员经费\t412.06", "公用经费\t58.30", "合计\t470.36"]
    _offsets_ok(origin, text, offsets)


def test_an_amount_column_is_the_years_spending_under_a_spending_title_only():
    from jixiao.pipeline import analyse_document, load_bytes

    def analyse_text(text):
        return analyse_document(load_bytes(text.encode(), "report.txt"))
    table = "项目\t金额\n基本支出\t906.14\n项目支出\t220.60\n合计\t1126.74\n"
    spent = analyse_text("某县档案馆2022年度部门整体支出绩效自评报告\n支出决算明细表（单位：万元）\n" + table).report
    assert spent.fact_value("basic_expenditure") == Decimal("906.14")
    planned = analyse_text("某县档案馆2022年度部门整体支出绩效自评报告\n2023年预算安排表（单位：万元）\n" + table).report
    assert planned.fact_value("basic_expenditure") is None


def test_short_lines_that_are_not_a_table_stay_lines():
    text = "单位名称：样板县水务局\n报告日期：2024年3月5日\n一、部门概况\n内设股室5个\n下属单位3个\n2023\n2024\n"
    assert normalize(text)[0] == text.rstrip("\n")


RAGGED = [  # a PDF's lines as its text layer gives them: each paragraph's first line indented, lines broken short
    "　　一、机构设置",
    "　　示例县气象局内设机构5个，分别为办公室、业务科、防灾减灾科、",
    "计划财务科和人事科；另设示例县气象台1个。",
    "　　本局核定编制22名，其中行政编制14名、事业编制8名。年末实有人员",
    "21人，退休人员9人。",
    "　　二、收入支出决算总体情况说明",
    "　　示例县气象局2024年度收入、支出总计612.40万元，与2023年度相比，",
    "增加31.20万元，增长5.37%。主要原因是：气象监测站点维护费用增",
    "第 3 页 共 18 页",
    "加。",
    "2.气象事务（款）气象探测（项）。年初预算为62.90万元，支出决算为61.11万元，完成年初预算的97.15%。决算数小于年",
    "初预算数的主要原因是：设备采购节约。",
    "　　三、收入决算情况说明",
    "　　本年收入合计612.40万元，其中财政拨款收入600.00万元，占97.98%；其他收入",
    "12.40万元，占2.02%。",
]


def test_a_ragged_pdf_text_with_indented_paragraphs_is_rejoined():
    """No common measure (the lines are broken short, as a PDF's text layer gives them) but each paragraph's first line
    indented: a line at the margin goes on with the paragraph above unless it ends a sentence or starts a numbered
    item; a page footer inside a paragraph is dropped with its line breaks; a numbered item written as prose is a
    paragraph too; headings stay lines of their own."""
    text, offsets = normalize("\n".join(RAGGED))
    assert "分别为办公室、业务科、防灾减灾科、计划财务科和人事科；另设" in text
    assert "年末实有人员21人，退休人员9人。" in text
    assert "气象监测站点维护费用增加。" in text and "第 3 页" not in text
    assert "决算数小于年初预算数的主要原因" in text
    assert "其他收入12.40万元，占2.02%。" in text
    assert "\n三、收入决算情况说明\n" in text and "\n二、收入支出决算总体情况说明\n" in text
    assert len(offsets) == len(text) + 1


def test_text_that_is_not_laid_out_so_is_left_alone_by_the_paragraph_rule():
    """Lines with no paragraph indentation (a heading, then lines each a paragraph) are not joined."""
    lines = [line.lstrip("　") for line in RAGGED if not line.startswith("第 3 页")]
    text, _ = normalize("\n".join(lines))
    assert "防灾减灾科、\n计划财务科" in text


def test_a_page_footer_run_into_a_line_of_text_is_dropped():
    text, offsets = normalize("机关事业单位基本养老保险缴费支— 13 —出（项）。按标准- 21 -安排。2021-2023年，第3-5页")
    assert text == "机关事业单位基本养老保险缴费支出（项）。按标准安排。2021-2023年，第3-5页"
    assert len(offsets) == len(text) + 1


def test_a_contents_page_drawn_out_by_leader_dots_does_not_stop_the_rejoin():
    """Contents lines long with leader dots (“一、收入支出决算总表……………5”) are no paragraphs: the hard-wrapped
    paragraphs after them are still rejoined."""
    contents = "".join(f"{k}、收入支出决算情况说明" + "." * 120 + f"{k}\n" for k in range(1, 12))
    prose = ("　　本单位内设机构5个，分别是：办公室、财务科、业务一科、业务二科、综合\n"
             "科。本单位无下属单位，纳入本年度部门决算编制范围的为本级。\n") * 6
    text, _ = normalize(contents + "\n" + prose)
    assert "业务二科、综合科。本单位无下属单位" in text


def test_a_numbered_heading_at_the_margin_is_not_joined_to_the_paragraph_under_it():
    """A ragged text whose paragraphs are indented: a numbered heading at the margin (“二、收入决算情况说明”, whose only
    clause mark is its number's) is no paragraph, so the line under it is not run into it."""
    paras = ["　　本单位严格执行预算，加强资金管理，提高资金使用\n效益，按期完成各项工作任务。\n",
             "　　全年共召开会议十二次，\n研究部署各项重点工作。\n",
             "　　本单位认真落实过紧日子要求，严控一般性支出，压减会议费和培训费，\n节约资金用于民生项目。\n"]
    text = "".join(paras) + "二、收入决算情况说明\n本年收入合计293.48万元，其中：财政拨款收入290.40万元，\n占98.95%。\n"
    out, _ = normalize(text)
    assert "\n二、收入决算情况说明\n本年收入合计293.48万元" in out
    assert "资金使用效益，按期完成" in out
