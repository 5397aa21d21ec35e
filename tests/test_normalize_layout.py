"""Normalisation of page layout in text files: hard-wrapped paragraphs (text taken from a PDF).

All examples are invented.
"""

from __future__ import annotations

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
