"""sum-mismatch: a stated total differs from the sum of its stated parts."""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.extract.accounts import where
from jixiao.review.registry import rule
from jixiao.review.relations import all_relations
from jixiao.review.rules.common import figure_in, fmt, num
from jixiao.review.table_sums import gaps


@rule("sum-mismatch", "J101", "error", "合计与分项之和不符",
      "{subject}{total}{unit}，与{of}之和{computed}{unit}（{parts}）不符，相差{diff}{unit}。")
def check(rc):
    """合计数与其分项之和不符（超出按书写精度允许的舍入误差）。

    **何时触发**：报告写出一个合计数及其组成部分——“其中”“分别为”之后的列举、项目支出下逐项列出的
    项目、按定义成立的关系（基本支出 = 工资福利支出 + 商品和服务支出 + 对个人和家庭的补助 + 资本性支出，
    支出合计 = 基本支出 + 项目支出，“三公”经费 = 三项之和，在册社区矫正对象 = 缓刑 + 假释 + 暂予监外执行
    + 管制）——而两者之差超过按书写精度允许的误差：|合计 − Σ分项| ≤ ½·10^−d合计 + Σ½·10^−d分项
    （人数、件数等计数须完全相等，自评表中写作整数的得分也是；写作 0 的分项表示没有发生，按精确的 0 计算）。
    项目支出绩效自评表的总分与年度资金总额行、各指标行（含定性指标）得分之和比较（表中各行都有分值、得分且分值合计为总分行的
    分值100时）；各行得分之和等于总分而分值之和不等于100时，报分值合计不符。“其中”只列出部分时，
    分项之和小于合计不算错误，超过合计才算；但所列正是合计按定义的全部组成时（基本支出的人员经费与公用经费、
    政府采购的货物工程服务……，``data/identities.yaml`` 的 ``compositions``），少了也算。以“；”分隔、逐项带有
    “主要包括……”的列举，只要后一项与第一项同类（人员经费 / 公用经费）就仍是同一列举；“与上年……”的数字不是分项。
    部门决算表中，一行与其下级科目之和不符也在此报告：合计行＝各“类”之和，“类”＝其“款”之和，“款”＝其“项”之和，
    总表的本年收入（支出）合计＝所列各项之和，人员经费合计、公用经费合计＝其经济分类各类之和（``data/accounts.yaml``
    中 ``rule: sum-mismatch`` 的关系），按表的单位（万元或元）给出表名、行、列和页码。

    **为什么重要**：合计对不上是自评报告最常见、也最容易被人工漏看的错误，往往意味着漏列、重列或抄错。

    **示例**：项目支出共920.54万元，一是业务工作经费支出670.74万元；二是专项经费294.80万元
    → 分项之和965.54万元，相差45.00万元（金额为错误级，计数为警告级）。
    """
    cfg = rc.config.get("sum_mismatch", {})
    for rel in all_relations(rc):
        total = rel.total.value
        diff = rel.difference()
        parts_sum = total + diff
        tol = rel.tolerance()
        if abs(diff) <= tol:
            continue
        if diff < 0 and not rel.exhaustive:
            continue  # "其中" may list only some parts
        if diff > 0 and not rel.exhaustive and _some_prefix_agrees(rel):
            continue  # the list ran past its parts ("其中A 143人，B 70人，对…47人")
        decimals = max([rel.total.decimals, *(p.decimals for p in rel.parts)] + [0])
        unit, scale, shift = rel.unit, Decimal(1), 0
        if rel.kind == "money" and _in_yuan(rel.total.figure.text):
            unit, scale, shift = "元", Decimal(10000), 4  # a total written in 元 is told in 元, not as 88.421914万元

        def show(v: Decimal, written: int | None = None, scale: Decimal = scale, shift: int = shift) -> str:
            return fmt(v * scale, None if written is None else max(0, written - shift))
        severity = cfg.get("severity_money", "error") if rel.kind == "money" else cfg.get("severity_count", "warning")
        yield rc.finding(
            "sum-mismatch", severity=severity,
            values={"stated": num(total), "computed": num(parts_sum), "difference": num(diff),
                    "tolerance": num(tol), "parts": [num(p.value) for p in rel.parts],
                    "exhaustive": rel.exhaustive, "source": rel.source},
            # the parts are grounded by their figures; their labels are in the text around them
            evidence=[rel.total.span, *(p.figure for p in rel.parts)],
            subject=_subject(rel.subject), total=show(total, rel.total.decimals if shift else None), unit=unit,
            computed=show(parts_sum, decimals), of=f"所列{len(rel.parts)}个分项",
            parts=" + ".join(show(p.value, p.decimals if shift else None) for p in rel.parts),
            diff=show(abs(diff), decimals))
    yield from _table_gaps(rc, cfg)


def _table_gaps(rc, cfg: dict):
    """A row of a 部门决算 table against the rows below it (合计 = Σ类, 类 = Σ款, 款 = Σ项 …), told in the
    table's unit with the table, row, column and page."""
    for gap in gaps(rc.accounts, "sum-mismatch"):
        unit = gap.table.unit
        diff = gap.computed - gap.total.value
        parts = [f for _, _, f in gap.parts]
        printed = {"stated_printed": re.sub(r"[,，\s]", "", gap.total.span.text)} if gap.total.span else {}
        yield rc.finding(
            "sum-mismatch", severity=cfg.get("severity_money", "error"),
            values={"stated": num(gap.total.value), "computed": num(gap.computed), "difference": num(diff),
                    "parts": [num(f.value) for f in parts], "exhaustive": True, "source": "table",
                    "table": gap.table.name, "row": gap.row.label, "column": gap.column,
                    "pages": sorted({f.page for f in [gap.total, *parts] if f.page}), **printed},
            evidence=[f.span for f in [gap.total, *parts] if f.span is not None],
            subject=where(gap.table, gap.row, gap.column), total=figure_in(gap.total.value, unit, gap.decimals), unit="元" if unit == "元" else "万元",
            of=gap.label.removesuffix("之和"), computed=figure_in(gap.computed, unit, gap.decimals),
            parts=" + ".join(figure_in(f.value, unit, gap.decimals) for f in parts),
            diff=figure_in(abs(diff), unit, gap.decimals))


def _in_yuan(figure: str) -> bool:
    return figure.rstrip().endswith("元") and not figure.rstrip().endswith(("万元", "亿元", "千元"))


def _subject(label: str) -> str:
    """The total's own name: "基本支出", not "基本支出合计" (which reads as another figure, 支出合计)."""
    return label


def _some_prefix_agrees(rel) -> bool:
    acc = Decimal(0)
    for i, p in enumerate(rel.parts):
        acc += p.value
        if i >= 1 and abs(acc - rel.total.value) <= rel.tolerance(rel.parts[: i + 1]):
            return True
    return False
