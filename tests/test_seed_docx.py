"""Acceptance: each seed report converted to .docx gives the same facts as the .txt.

The .docx is built in a fixture from the seed text (never stored in the repo): every line is a
paragraph, and numbered headings ("一、", "（二）", "3、", "1.") get real Word automatic
numbering — the number is removed from the paragraph text and a ``w:numPr`` points at a
``w:num`` of our own in numbering.xml. Seed reports number their headings irregularly ("三、"
followed by "4、", two "3." in a row, "(一）" with mixed brackets), so every heading gets its own
``w:num`` with a ``w:startOverride`` equal to its ordinal, and the ``w:abstractNum`` it points at
carries exactly the lvlText the heading was written with. Word then shows the same numbers as
the text, and so must jixiao's reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from conftest import SEEDS, require_corpus
from jixiao import analyse, load

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[、.．](?!\d))")
_CN = "一二三四五六七八九"

# level → (numFmt, standard lvlText); a heading written differently ("1." instead of "1、",
# "(一）" instead of "（一）") gets an abstractNum whose level has its own lvlText
LEVELS = {0: ("chineseCounting", "%1、"), 1: ("chineseCounting", "（%2）"), 2: ("decimal", "%3、")}
FIRST_ABSTRACT_ID = 70
FIRST_NUM_ID = 100

SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
# without the corpus, one placeholder case that skips with the reason (require_corpus)
PARAMS = SEED_FILES or [None]
IDS = [p.name[:3] for p in SEED_FILES] or ["no-corpus"]


def chinese_ordinal(s: str) -> int:
    """一 … 九十九 → 1 … 99."""
    if "十" not in s:
        return _CN.index(s) + 1
    tens, _, units = s.partition("十")
    return (_CN.index(tens) + 1 if tens else 1) * 10 + (_CN.index(units) + 1 if units else 0)


@dataclass(frozen=True)
class Heading:
    level: int
    ordinal: int
    lvl_text: str  # e.g. "%1、", "(%2）", "%3."
    rest: str  # the paragraph text after the number


def parse_heading(line: str) -> Heading | None:
    stripped = line.lstrip()
    m = HEADING.match(stripped)
    if not m:
        return None
    label = m.group(0)
    if label[0] in "（(":
        level, ordinal = 1, chinese_ordinal(label[1:-1])
        lvl_text = label[0] + "%2" + label[-1]
    elif label[0].isdigit():
        level, ordinal = 2, int(label[:-1])
        lvl_text = "%3" + label[-1]
    else:
        level, ordinal = 0, chinese_ordinal(label[:-1])
        lvl_text = "%1" + label[-1]
    return Heading(level, ordinal, lvl_text, stripped[m.end():])


def _abstract_num_xml(abstract_id: int, level: int, lvl_text: str) -> str:
    lvls = []
    for ilvl, (fmt, text) in LEVELS.items():
        if ilvl == level:
            text = lvl_text
        lvls.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:suff w:val="nothing"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr></w:lvl>'
        )
    return (f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}">'
            f'<w:nsid w:val="{0x3C000000 + abstract_id:08X}"/><w:multiLevelType w:val="multilevel"/>'
            + "".join(lvls) + "</w:abstractNum>")


def _num_xml(num_id: int, abstract_id: int, level: int, start: int) -> str:
    return (f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num>')


def build_docx(text: str, path: Path) -> list[Heading]:
    """Write ``text`` as a .docx with Word-numbered headings; return the headings found."""
    doc = docx.Document()
    numbering = doc.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    abstract_ids: dict[tuple[int, str], int] = {}
    headings = []
    for line in text.split("\n"):
        heading = parse_heading(line)
        if heading is None:
            doc.add_paragraph(line)
            continue
        headings.append(heading)
        key = (heading.level, heading.lvl_text)
        if key not in abstract_ids:
            abstract_ids[key] = FIRST_ABSTRACT_ID + len(abstract_ids)
            abstract = parse_xml(_abstract_num_xml(abstract_ids[key], *key))
            if first_num is not None:  # schema order: every abstractNum before the first num
                first_num.addprevious(abstract)
            else:
                numbering.append(abstract)
        num_id = FIRST_NUM_ID + len(headings)
        numbering.append(parse_xml(_num_xml(num_id, abstract_ids[key], heading.level, heading.ordinal)))
        p = doc.add_paragraph(heading.rest, style=f"Heading {heading.level + 1}")
        num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = heading.level
        num_pr.get_or_add_numId().val = num_id
    doc.save(str(path))
    return headings


def _lines(text: str) -> list[str]:
    """Non-blank lines with all whitespace removed."""
    return [s for s in (re.sub(r"\s+", "", line) for line in text.split("\n")) if s]


@pytest.fixture(params=PARAMS, ids=IDS)
def seed_pair(request, tmp_path_factory):
    require_corpus()
    txt: Path = request.param
    out = tmp_path_factory.mktemp("seed_docx") / (txt.stem + ".docx")
    headings = build_docx(txt.read_text(encoding="utf-8"), out)
    return txt, out, headings


def test_corpus_present_or_skipped():
    if not SEED_FILES:
        pytest.skip(f"共享语料不存在：{SEEDS}，跳过 .docx 转换验收")
    assert len(SEED_FILES) >= 5


def test_chinese_ordinal():
    assert [chinese_ordinal(s) for s in ("一", "九", "十", "十一", "二十", "二十三")] == [1, 9, 10, 11, 20, 23]
    h = parse_heading("\u2002\u2002三、政府性基金")
    assert h == Heading(0, 3, "%1、", "政府性基金")
    assert parse_heading("(一）部门整体") == Heading(1, 1, "(%2）", "部门整体")
    assert parse_heading("4、 国有资本") == Heading(2, 4, "%3、", " 国有资本")
    assert parse_heading("2021.12.31前完成") is None
    assert parse_heading("一是强化组织保障") is None


def test_headings_are_word_numbered(seed_pair):
    """The heading numbers live in numbering.xml, not in the paragraph text."""
    _, path, headings = seed_pair
    d = docx.Document(str(path))
    numbered = [p for p in d.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert len(numbered) == len(headings)
    for p, h in zip(numbered, headings, strict=True):
        assert p.text == h.rest
        num_id = p._p.pPr.numPr.numId.val
        num = [n for n in d.part.numbering_part.element.findall(qn("w:num"))
               if n.get(qn("w:numId")) == str(num_id)]
        assert len(num) == 1


def test_docx_text_equals_txt_text(seed_pair):
    """Reading the .docx back gives every line of the .txt, heading numbers included."""
    txt, path, headings = seed_pair
    want, got = _lines(load(txt).text), _lines(load(path).text)
    assert got == want
    if headings:  # the numbers really come from Word's numbering
        labelled = [line for line in got if HEADING.match(line)]
        assert len(labelled) >= len(headings)


def test_docx_gives_same_facts(seed_pair):
    txt, path, _ = seed_pair
    assert analyse(path).to_json()["facts"] == analyse(txt).to_json()["facts"]


def _item_values(report) -> list[dict]:
    return [it.model_dump(exclude={"evidence"}) for it in report.project_items]


def test_docx_gives_same_items_and_metrics(seed_pair):
    txt, path, _ = seed_pair
    from_txt, from_docx = analyse(txt), analyse(path)
    assert _item_values(from_docx) == _item_values(from_txt)
    metrics = {(m.kpi, Decimal(m.value)) for m in from_docx.metrics}
    assert metrics == {(m.kpi, Decimal(m.value)) for m in from_txt.metrics}


def test_docx_gives_same_outline_and_review(seed_pair):
    """Not only the facts: the outline and the review findings do not depend on the format."""
    txt, path, _ = seed_pair
    a, b = analyse(txt), analyse(path)
    assert [(s.key, s.level) for s in b.sections] == [(s.key, s.level) for s in a.sections]
    assert sorted(f.rule for f in b.findings) == sorted(f.rule for f in a.findings)
