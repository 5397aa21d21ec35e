"""Build the fictional 部门决算 PDF of samples/ (示例市示范区司法局, 2024), the companion of its self-evaluation.

    .venv/bin/python tools/make_sample_accounts.py          # write samples/示例市示范区司法局_2024年度部门决算.pdf
    .venv/bin/python tools/make_sample_accounts.py --check  # rebuild in memory, compare with the file

Every figure is computed here from the lines below (Decimal), so the nine tables agree with each other; three things are
wrong on purpose (samples/README.md): the text's 人员经费 (1002.51, the table 1002.15), the 基本支出 sentence that adds
up to more than its total because of it, and the “三公” 公务接待费 of the 决算 (1.89) against the self-evaluation (1.35).
reportlab (a development dependency) writes the PDF with its invariant option: the bytes do not change between runs.
"""

from __future__ import annotations

import argparse
import io
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
NAME = "示例市示范区司法局_2024年度部门决算.pdf"
UNIT = "示例市示范区司法局"
FONT = "STSong-Light"

# functional classification: code, name, 基本支出, 项目支出 (项 lines; 类/款 are their sums)
LINES = [
    ("2040601", "行政运行", "942.05", "0"),
    ("2040604", "基层司法业务", "0", "210.30"),
    ("2040605", "普法宣传", "0", "58.40"),
    ("2040607", "法律援助", "0", "117.82"),
    ("2080505", "机关事业单位基本养老保险缴费支出", "112.60", "0"),
    ("2101101", "行政单位医疗", "44.46", "0"),
    ("2210201", "住房公积金", "27.36", "0"),
]
NAMES = {"204": "公共安全支出", "20406": "司法", "208": "社会保障和就业支出", "20805": "行政事业单位养老支出",
         "210": "卫生健康支出", "21011": "行政事业单位医疗", "221": "住房保障支出", "22102": "住房改革支出"}
CARRY_END = Decimal("17.17")
# economic classification of the 基本支出 (人员经费: 301, 303; 公用经费: 302, 310)
PERSONNEL = [("30101", "基本工资", "310.20"), ("30102", "津贴补贴", "280.45"), ("30107", "绩效工资", "120.30"),
             ("30108", "机关事业单位基本养老保险缴费", "75.10"), ("30110", "职工基本医疗保险缴费", "44.46"),
             ("30113", "住房公积金", "27.36"), ("30199", "其他工资福利支出", "4.48"), ("30302", "退休费", "139.80")]
PUBLIC = [("30201", "办公费", "40.12"), ("30211", "差旅费", "20.50"), ("30217", "公务接待费", "1.35"),
          ("30231", "公务用车运行维护费", "6.82"), ("30299", "其他商品和服务支出", "49.85"), ("31002", "办公设备购置", "5.68")]
# “三公”经费 (budget, actual): 出国, 车购置, 车运行, 接待
THREE = {"overseas": ("0.00", "0.00"), "purchase": ("0.00", "0.00"), "running": ("7.50", "6.82"),
         "reception": ("2.50", "1.89")}
TEXT_PERSONNEL = Decimal("1002.51")  # deliberately not the table's 1002.15


def D(v: str | Decimal) -> Decimal:
    return Decimal(v)


def m(v: Decimal) -> str:
    return format(v.quantize(Decimal("0.01")), ",f") if v else ""


def pct(a: Decimal, b: Decimal) -> str:
    return str((a / b * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _rows_by_code():
    """类/款/项 rows (code, name, total, basic, project), 类 and 款 summed from their 项."""
    totals: dict[str, list[Decimal]] = {}
    names = dict(NAMES)
    for code, name, basic, project in LINES:
        names[code] = name
        for key in (code[:3], code[:5], code):
            t = totals.setdefault(key, [Decimal(0), Decimal(0)])
            t[0] += D(basic)
            t[1] += D(project)
    return [(c, names[c], b + p, b, p) for c, (b, p) in sorted(totals.items())]


def figures() -> dict[str, Decimal]:
    rows = _rows_by_code()
    basic = sum((r[3] for r in rows if len(r[0]) == 3), Decimal(0))
    project = sum((r[4] for r in rows if len(r[0]) == 3), Decimal(0))
    personnel = sum((D(v) for c, _, v in PERSONNEL), Decimal(0))
    public = sum((D(v) for c, _, v in PUBLIC), Decimal(0))
    assert personnel + public == basic, (personnel, public, basic)
    three = {k: (D(b), D(a)) for k, (b, a) in THREE.items()}
    return {"basic": basic, "project": project, "expenditure": basic + project,
            "revenue": basic + project + CARRY_END, "personnel": personnel, "public": public,
            "three_budget": sum((b for b, _ in three.values()), Decimal(0)),
            "three_actual": sum((a for _, a in three.values()), Decimal(0))}


def build_pdf() -> bytes:
    rl_config.invariant = 1
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("b", fontName=FONT, fontSize=10.5, leading=16)
    title = ParagraphStyle("t", fontName=FONT, fontSize=14, leading=22, alignment=1)
    head = ParagraphStyle("h", fontName=FONT, fontSize=11.5, leading=18)
    f = figures()
    rows = _rows_by_code()
    story: list = []

    def p(text: str, style=body) -> None:
        story.append(Paragraph(text, style))

    def table(name: str, header: list[list[str]], data: list[list[str]], widths: list[float],
              spans: tuple = ()) -> None:
        p(f"{name}", head)
        p(f"编制单位：{UNIT}　　　　　　　　　　　　单位：万元")
        cell = ParagraphStyle("c", fontName=FONT, fontSize=8, leading=10, alignment=1)
        rows = [[Paragraph(c, cell) if c else "" for c in r] for r in header] + data  # header cells wrap inside
        t = Table(rows, colWidths=[w * mm for w in widths], repeatRows=len(header))
        t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8.5), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               *(("SPAN", a, b) for a, b in spans)]))
        story.append(t)
        story.append(Spacer(1, 4 * mm))

    p(f"{UNIT}2024年度部门决算", title)
    p("目　录", head)
    for line in ("第一部分 部门概况", "第二部分 2024年度部门决算表", "第三部分 2024年度部门决算情况说明",
                 "第四部分 名词解释"):
        p(line)
    story.append(PageBreak())
    p(f"第一部分 {UNIT}概况", head)
    p("一、主要职能")
    p("负责全区法治建设的统筹协调，指导人民调解、法律援助、社区矫正和普法宣传工作。")
    p("二、部门决算单位构成")
    p(f"纳入本部门2024年度部门决算编制范围的单位共1个，为{UNIT}本级。")
    story.append(PageBreak())
    p("第二部分 2024年度部门决算表", head)
    summary = [["一、一般公共预算财政拨款收入", m(f["revenue"]), "一、公共安全支出", m(rows[0][2])],
               ["二、政府性基金预算财政拨款收入", "", "二、社会保障和就业支出", m(next(r[2] for r in rows if r[0] == "208"))],
               ["三、事业收入", "", "三、卫生健康支出", m(next(r[2] for r in rows if r[0] == "210"))],
               ["", "", "四、住房保障支出", m(next(r[2] for r in rows if r[0] == "221"))],
               ["本年收入合计", m(f["revenue"]), "本年支出合计", m(f["expenditure"])],
               ["年初结转和结余", "", "年末结转和结余", m(CARRY_END)],
               ["总计", m(f["revenue"]), "总计", m(f["revenue"])]]
    table("收入支出决算总表", [["项目", "决算数", "项目", "决算数"]], summary, [55, 25, 55, 25])
    class_rows = [r for r in rows]
    revenue_rows = [["", "合计", m(f["revenue"]), m(f["revenue"]), ""]]
    for c, n, total, _, _ in class_rows:
        extra = CARRY_END if c in ("204", "20406", "2040604") else Decimal(0)
        revenue_rows.append([c, n, m(total + extra), m(total + extra), ""])
    table("收入决算表", [["科目编码", "科目名称", "本年收入合计", "财政拨款收入", "事业收入"]], revenue_rows, [22, 55, 28, 28, 22])
    exp_rows = [["", "合计", m(f["expenditure"]), m(f["basic"]), m(f["project"])]]
    exp_rows += [[c, n, m(t), m(b), m(pj)] for c, n, t, b, pj in class_rows]
    table("支出决算表", [["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"]], exp_rows, [22, 55, 28, 28, 28])
    story.append(PageBreak())
    fiscal = [["一、一般公共预算财政拨款", m(f["revenue"]), "一、公共安全支出", m(rows[0][2]), m(rows[0][2])],
              ["二、政府性基金预算财政拨款", "", "二、社会保障和就业支出", m(next(r[2] for r in rows if r[0] == "208")),
               m(next(r[2] for r in rows if r[0] == "208"))],
              ["", "", "三、卫生健康支出", m(next(r[2] for r in rows if r[0] == "210")),
               m(next(r[2] for r in rows if r[0] == "210"))],
              ["", "", "四、住房保障支出", m(next(r[2] for r in rows if r[0] == "221")),
               m(next(r[2] for r in rows if r[0] == "221"))],
              ["本年收入合计", m(f["revenue"]), "本年支出合计", m(f["expenditure"]), m(f["expenditure"])],
              ["", "", "年末财政拨款结转和结余", m(CARRY_END), m(CARRY_END)],
              ["总计", m(f["revenue"]), "总计", m(f["revenue"]), m(f["revenue"])]]
    table("财政拨款收入支出决算总表", [["收入", "", "支出", "", ""], ["项目", "决算数", "项目", "合计", "一般公共预算财政拨款"]],
          fiscal, [45, 22, 45, 22, 30], spans=(((0, 0), (1, 0)), ((2, 0), (4, 0))))
    table("一般公共预算财政拨款支出决算表", [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]], exp_rows, [22, 55, 28, 28, 28])
    story.append(PageBreak())
    left = [("301", "工资福利支出", sum((D(v) for c, _, v in PERSONNEL if c.startswith("301")), Decimal(0)))]
    left += [(c, n, D(v)) for c, n, v in PERSONNEL if c.startswith("301")]
    left += [("303", "对个人和家庭的补助", sum((D(v) for c, _, v in PERSONNEL if c.startswith("303")), Decimal(0)))]
    left += [(c, n, D(v)) for c, n, v in PERSONNEL if c.startswith("303")]
    right = [("302", "商品和服务支出", sum((D(v) for c, _, v in PUBLIC if c.startswith("302")), Decimal(0)))]
    right += [(c, n, D(v)) for c, n, v in PUBLIC if c.startswith("302")]
    right += [("310", "资本性支出", sum((D(v) for c, _, v in PUBLIC if c.startswith("310")), Decimal(0)))]
    right += [(c, n, D(v)) for c, n, v in PUBLIC if c.startswith("310")]
    basic_rows = []
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else ("", "", None)
        b = right[i] if i < len(right) else ("", "", None)
        basic_rows.append([a[0], a[1], m(a[2]) if a[2] is not None else "", b[0], b[1], m(b[2]) if b[2] is not None else ""])
    basic_rows.append(["人员经费合计", "", m(f["personnel"]), "公用经费合计", "", m(f["public"])])
    table("一般公共预算财政拨款基本支出决算表",
          [["经济分类科目编码", "科目名称", "决算数", "经济分类科目编码", "科目名称", "决算数"]], basic_rows, [25, 47, 18, 25, 47, 18])
    t3 = THREE
    three = [[m(f["three_budget"]) or "0.00", m(f["three_actual"]), t3["overseas"][0], t3["overseas"][1],
              m(D(t3["purchase"][0]) + D(t3["running"][0])), m(D(t3["purchase"][1]) + D(t3["running"][1])),
              t3["purchase"][0], t3["purchase"][1], t3["running"][0], t3["running"][1], t3["reception"][0], t3["reception"][1]]]
    table("财政拨款“三公”经费支出决算表",
          [["合计", "", "因公出国（境）费", "", "公务用车购置及运行维护费", "", "", "", "", "", "公务接待费", ""],
           ["", "", "", "", "小计", "", "公务用车购置费", "", "公务用车运行维护费", "", "", ""],
           ["预算数", "决算数"] * 6], three, [15] * 12,
          spans=(((0, 0), (1, 1)), ((2, 0), (3, 1)), ((4, 0), (9, 0)), ((4, 1), (5, 1)), ((6, 1), (7, 1)), ((8, 1), (9, 1)),
                 ((10, 0), (11, 1))))
    table("政府性基金预算财政拨款收入支出决算表", [["科目编码", "科目名称", "本年收入", "本年支出", "年末结转和结余"]],
          [["", "合计", "", "", ""]], [22, 55, 28, 28, 28])
    p(f"说明：{UNIT}本年度没有政府性基金预算财政拨款收入和支出，故本表为空表。")
    table("国有资本经营预算财政拨款支出决算表", [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]],
          [["", "合计", "", "", ""]], [22, 55, 28, 28, 28])
    p(f"说明：{UNIT}本年度没有国有资本经营预算财政拨款支出，故本表为空表。")
    story.append(PageBreak())
    p("第三部分 2024年度部门决算情况说明", head)
    p("一、收入支出决算总体情况说明")
    p(f"{UNIT}2024年度收入支出总计{m(f['revenue'])}万元。")
    p("二、收入决算情况说明")
    p(f"本年收入合计{m(f['revenue'])}万元，其中：财政拨款收入{m(f['revenue'])}万元，占100.00%。")
    p("三、支出决算情况说明")
    p(f"本年支出合计{m(f['expenditure'])}万元，其中：基本支出{m(f['basic'])}万元，占{pct(f['basic'], f['expenditure'])}%；"
      f"项目支出{m(f['project'])}万元，占{pct(f['project'], f['expenditure'])}%。")
    p("六、一般公共预算财政拨款基本支出决算情况说明")
    p(f"2024年度一般公共预算财政拨款基本支出{m(f['basic'])}万元，其中：人员经费{m(TEXT_PERSONNEL)}万元，主要包括：基本工资、"
      f"津贴补贴、绩效工资、社会保障缴费、住房公积金、退休费等；公用经费{m(f['public'])}万元，主要包括：办公费、差旅费、"
      "公务接待费、公务用车运行维护费、其他商品和服务支出、办公设备购置等。")
    p("七、财政拨款“三公”经费支出决算情况说明")
    p(f"2024年度“三公”经费财政拨款支出预算为{m(f['three_budget'])}万元，支出决算为{m(f['three_actual'])}万元，"
      f"完成预算的{pct(f['three_actual'], f['three_budget'])}%。其中：因公出国（境）费支出决算为0.00万元；"
      f"公务用车购置及运行维护费支出决算为{t3['running'][1]}万元；公务接待费支出决算为{t3['reception'][1]}万元。")
    p("第四部分 名词解释", head)
    p("基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员经费和公用经费。")
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title=f"{UNIT}2024年度部门决算",
                      author="jixiao samples").build(story)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare freshly built bytes with the file on disk")
    args = ap.parse_args(argv)
    blob = build_pdf()
    path = SAMPLES / NAME
    if args.check:
        if not path.exists() or path.read_bytes() != blob:
            print(f"stale: {NAME}", file=sys.stderr)
            return 1
        return 0
    path.write_bytes(blob)
    print(f"wrote {path} ({len(blob)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
