"""cross-document-mismatch: a unit-year's self-evaluation and its 部门决算 state one figure differently.

One document cannot be checked against another inside a single review; :func:`cross_document_findings`
compares the facts of two analysed reports (their JSON: ``facts`` and ``fact_evidence``, corrections
applied), as ``jixiao check A B`` and the workspace do for the reports of one unit and year. The finding
goes to each of the two reports, with its own evidence, and names the other document, its figure and
where that figure is (``values.other``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from jixiao.extract.unitnames import same_unit
from jixiao.model import Finding, Span, fact_label, page_at
from jixiao.review.registry import RULES, rule
from jixiao.review.rules.common import fmt, num
from jixiao.review.tolerance import differs

RULE = "cross-document-mismatch"
SELF_KINDS = ("self_evaluation", "evaluation")
ACCOUNTS_KINDS = ("final_accounts",)
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


@rule(RULE, "J123", "warning", "自评报告与部门决算数字不符",
      "{own_kind}称{label}{own}万元，{other_kind}《{other}》为{theirs}万元，相差{gap}万元。")
def check(rc):
    """同一单位同一年度的自评报告与部门决算（或自评表）所写的同一数字不一致（按两处书写的精度比较）。

    **何时触发**：工作台（或 ``jixiao check 自评报告 决算``）中有同一单位、同一年度的自评报告和部门决算，二者都写了
    ``data/review.yaml`` 中 ``cross_document.facts`` 所列的数字（本年收入合计、本年支出合计、基本支出、项目支出、
    人员经费、公用经费、“三公”经费……），而数值不同：自评报告1501.7万元与决算1501.70相符。这一核查在两份文档之间进行，
    单独审核一份文档时不会触发；发现同时记在两份文档上，各自指向本文档中的原文，并写明另一份文档中的数值与位置。

    **为什么重要**：自评报告的收支数应当取自部门决算；两者不符，说明自评报告引用了未经核对的数字。

    **示例**：自评报告称本年支出2088.26万元，部门决算《收入支出决算总表》为2078.26万元。
    """
    return iter(())  # one document alone: see cross_document_findings


def pair_kind(kind: str | None) -> str | None:
    """"self" for a self-evaluation, "accounts" for a 部门决算, None for another kind of report."""
    return "self" if kind in SELF_KINDS else "accounts" if kind in ACCOUNTS_KINDS else None


def same_unit_year(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two reports' facts name the same unit (short forms and places allowed) and the same fiscal year."""
    if not a.get("unit_name") or not b.get("unit_name") or a.get("fiscal_year") != b.get("fiscal_year"):
        return False
    year = a.get("fiscal_year") if isinstance(a.get("fiscal_year"), int) else None
    return same_unit(str(a["unit_name"]), a, str(b["unit_name"]), b, year).same


def cross_document_findings(own: Mapping[str, Any], other: Mapping[str, Any], other_name: str,
                            config: Mapping[str, Any]) -> list[Finding]:
    """The cross-document-mismatch findings of report ``own`` against ``other`` (both as report JSON: ``facts``,
    ``fact_evidence``, optionally ``page_starts``), when one is a self-evaluation and the other the 部门决算 of the
    same unit and year; [] otherwise."""
    facts, theirs = own.get("facts") or {}, other.get("facts") or {}
    kinds = {pair_kind(facts.get("report_kind")), pair_kind(theirs.get("report_kind"))}
    if kinds != {"self", "accounts"} or not same_unit_year(facts, theirs):
        return []
    spec = RULES[RULE]
    keys = (config.get("cross_document") or {}).get("facts") or []
    out = []
    for key in keys:
        if key not in facts or key not in theirs:
            continue
        a = _figure(facts[key], (own.get("fact_evidence") or {}).get(key))
        b = _figure(theirs[key], (other.get("fact_evidence") or {}).get(key))
        if a is None or b is None or not differs(a[0], b[0], a[1], b[1]):
            continue
        evidence = [Span(**s) for s in (own.get("fact_evidence") or {}).get(key, [])][:2]
        other_evidence = (other.get("fact_evidence") or {}).get(key, [])[:2]
        pages = [page_at(other.get("page_starts"), s["start"]) for s in other_evidence]
        own_pages = [page_at(own.get("page_starts"), s.start) for s in evidence]
        out.append(Finding(
            rule=RULE, severity=spec.severity, evidence=evidence,
            locations=[{"page": p} if p else {} for p in own_pages] if own.get("page_starts") else [],
            message=spec.format(own_kind=_kind_cn(facts), label=fact_label(key), own=fmt(a[0], a[1]),
                                other_kind=_kind_cn(theirs), other=other_name, theirs=fmt(b[0], b[1]),
                                gap=fmt(abs(a[0] - b[0]), max(a[1], b[1]))),
            values={"key": key, "stated": num(a[0]), "other_value": num(b[0]),
                    "other": {"source": other_name, "report_kind": theirs.get("report_kind"), "value": num(b[0]),
                              "evidence": other_evidence, "pages": [p for p in pages if p]}}))
    return out


def pair_findings(reports: Iterable[tuple[str, Mapping[str, Any]]], config: Mapping[str, Any]) -> dict[str, list[Finding]]:
    """For named reports (name, report JSON), the cross-document findings of each against every other."""
    items = list(reports)
    out: dict[str, list[Finding]] = {}
    for i, (name, data) in enumerate(items):
        for j, (other_name, other) in enumerate(items):
            if i != j:
                out.setdefault(name, []).extend(cross_document_findings(data, other, other_name, config))
    return out


def _figure(value: Any, evidence: list[dict] | None) -> tuple[Decimal, int] | None:
    """The value as a Decimal and the decimals it was written with (from its first evidence)."""
    try:
        v = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    decimals = None
    for span in evidence or []:
        m = _NUMBER.findall(str(span.get("text", "")))
        if m:
            written = m[-1].replace(",", "")
            decimals = len(written.split(".")[1]) if "." in written else 0
            break
    if decimals is None:
        e = v.as_tuple().exponent
        decimals = -e if isinstance(e, int) and e < 0 else 0
    return v, decimals


def _kind_cn(facts: Mapping[str, Any]) -> str:
    return "部门决算" if pair_kind(facts.get("report_kind")) == "accounts" else "自评报告"
