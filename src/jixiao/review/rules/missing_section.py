"""missing-section: a section the outline requires is absent."""

from __future__ import annotations

import re

from jixiao.lexicon import load_yaml
from jixiao.model import SHEET_FORMATS
from jixiao.review.registry import rule


def choose_outline(report) -> tuple[str, dict]:
    """The outline a report follows: the one of its province; else the one its own headings
    match best; else the national one.

    Outlines are data (data/outline.yaml), so a Jiangxi report is judged against the Jiangxi
    outline and never faulted for lacking a Hunan section."""
    outlines = load_yaml("outline.yaml")["outlines"]
    province = report.fact_value("province")
    for key, outline in outlines.items():
        if province and province in outline.get("provinces", []):
            return key, outline
    titles = "\n".join(s.title for s in report.sections)
    best = max(((len(set(re.findall(o["signature"], titles))), k) for k, o in outlines.items() if o.get("signature")),
               default=(0, "national"))
    key = best[1] if best[0] >= 2 else "national"
    return key, outlines[key]


@rule("missing-section", "J107", "warning", "缺少规定的报告部分",
      "缺少“{name}”部分（{outline}）。")
def check(rc):
    """报告缺少其所适用提纲要求的部分。

    **何时触发**：按单位所在省份选用提纲（湖南、江西……，见 data/outline.yaml；未知省份用通用提纲），
    提纲要求的部分（如“存在的问题及原因分析”）在报告的标题中找不到。标题按含义识别，不看编号方式。
    自评表（.xlsx）、部门决算、部门预算和项目（专项资金）自评不按部门整体支出自评报告提纲检查；没有本省提纲、自身也几乎没有标题的叙述式
    报告不作判断。

    **为什么重要**：缺少“存在问题”“改进措施”等部分，自评就失去了发现问题、推动整改的作用，
    也是财政部门审核时的否决项。

    **示例**：报告从“六、部门整体支出绩效情况”直接跳到“七、下一步改进措施”，缺少“存在的问题及原因分析”。
    """
    report = rc.report
    if report.format in SHEET_FORMATS or report.fact_value("report_kind") in ("final_accounts", "budget",
                                                                       "project_self_evaluation"):
        return  # a 自评表, 决算, 预算 or a project's self-evaluation has its own layout, not the department outline
    key, outline = choose_outline(report)
    if key == "national" and sum(1 for s in report.sections if s.level == 1) < 2:
        return  # a narrative report of a province with no outline of its own: nothing to hold it to
    present = {s.key for s in report.sections}
    specs = {s["key"]: s for s in load_yaml("outline.yaml")["sections"]}
    anchor = report.sections[0] if report.sections else None
    for key in outline["required"]:
        if key in present:
            continue
        yield rc.finding(
            "missing-section",
            values={"section": key, "outline": outline["name"]},
            evidence=[rc.span(anchor.start, anchor.body_start)] if anchor else [],
            name=specs[key]["name"], outline=outline["name"])
