"""Correctable values of a stored report: field paths, parsing, and corrections applied on top of the
extracted JSON.

A field path names one value of ``Report.extracted`` (the JSON of ``jixiao.model.Report.to_json()``):

* ``facts.<key>`` — a flat fact (``facts.basic_expenditure``); any key of ``model.FACT_KEYS`` may be
  corrected, even one the extractor did not find;
* ``metrics.<kpi or label>@<start>`` — the value of one metric, identified by its KPI id (or its label
  when it has none) and the start offset of its first evidence span;
* ``project_items.<name>.<budget|adjustment|actual|carryover>`` — an amount of a project item.

Corrections are append-only; the effective value of a field is the ``new_value`` of its latest
correction. They are applied by path, so they survive re-analysis; a correction whose path no longer
exists after re-analysis is reported as not applied (``orphan``), never dropped.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from jixiao.jsonout import decimal_text
from jixiao.model import FACT_KEYS, FACT_LABELS
from jixiao.store.errors import InvalidInput

TEXT_FACTS = frozenset({"unit_name", "province", "city", "county", "report_kind", "report_date"})
INTEGER_FACTS = frozenset({"fiscal_year", "staff_authorized", "staff_actual", "staff_retired", "staff_contract",
                           "internal_units", "subordinate_units"})
# a change log entry that is not a value: a reviewer's 确认归属 (store.reports.confirm_filing)
FILING_FIELD = "filing"
ITEM_ATTRS = {"budget": "年初预算", "adjustment": "调整", "actual": "实际支出", "carryover": "结转结余"}
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
MAX_ABS = Decimal(10) ** 15  # 1,000,000,000,000,000: above any budget, in 元 or 万元
MAX_DECIMALS = 6
FIRST_FISCAL_YEAR = 1990  # as ``reports._refresh_summary`` reads a fiscal year
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
MAX_TEXT = 500  # a corrected text fact


def metric_id(metric: dict) -> str:
    """The path of a metric: ``metrics.<kpi or label>@<start of first evidence>``."""
    ev = metric.get("evidence") or [{}]
    return f"metrics.{metric.get('kpi') or metric.get('label')}@{ev[0].get('start', 0)}"


def item_path(item: dict, attr: str) -> str:
    """The field path of one amount of a project item."""
    return f"project_items.{item.get('name')}.{attr}"


def field_label(path: str) -> str:
    """A Chinese label for a field path, for the change log."""
    if path == FILING_FIELD:
        return "报告归属"
    if path.startswith("facts."):
        key = path[len("facts."):]
        return FACT_LABELS.get(key, key)
    if path.startswith("metrics."):
        return "指标：" + path[len("metrics."):].rsplit("@", 1)[0]
    if path.startswith("project_items."):
        name, _, attr = path[len("project_items."):].rpartition(".")
        return f"项目“{name}”{ITEM_ATTRS.get(attr, attr)}"
    return path


def _number(raw: Any) -> Any:
    """A JSON number (int when integral) from user input; raises InvalidInput with a Chinese reason.

    Accepted: finite numbers with at most ``MAX_DECIMALS`` decimals and an absolute value below
    ``MAX_ABS`` (what the summary table's ``Numeric(24, 6)`` holds); text may carry thousands
    separators, a unit (万元/元/%) and a minus sign written as ``-``, ``−`` or ``－``."""
    if isinstance(raw, bool):
        raise InvalidInput("请输入数字")
    if isinstance(raw, (int, float, Decimal)):
        try:
            d = Decimal(str(raw))
        except InvalidOperation:
            raise InvalidInput(f"“{raw}”不是有效的数字") from None
    else:
        text = str(raw).strip()
        if len(text) > 60:
            raise InvalidInput("数字太长")
        text = text.replace(",", "").replace("，", "").replace(" ", "").replace("−", "-").replace("－", "-")
        text = text.removesuffix("万元").removesuffix("%").removesuffix("元")
        if not _NUMBER.match(text):
            raise InvalidInput(f"“{raw}”不是有效的数字")
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise InvalidInput(f"“{raw}”不是有效的数字") from None
    if not d.is_finite():
        raise InvalidInput(f"“{raw}”不是有效的数字")
    if abs(d) >= MAX_ABS:
        raise InvalidInput(f"数值超出范围：绝对值应小于 {MAX_ABS:,.0f}")
    if d != d.quantize(Decimal(1).scaleb(-MAX_DECIMALS), rounding=ROUND_DOWN):
        raise InvalidInput(f"小数位数过多：最多 {MAX_DECIMALS} 位小数")
    return json.loads(decimal_text(d))


def _report_date(raw: Any) -> str:
    """A report date from ``2025-04-18``, ``2025/4/18``, ``2025.4.18`` or ``2025年4月18日``, as ISO text;
    the year from ``FIRST_FISCAL_YEAR`` to next year."""
    m = _DATE.match(str(raw).strip())
    try:
        d = date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    except ValueError:
        d = None
    if d is None:
        raise InvalidInput(f"“{str(raw)[:30]}”不是有效的日期，格式如 2025-04-18 或 2025年4月18日")
    if not FIRST_FISCAL_YEAR <= d.year <= date.today().year + 1:
        raise InvalidInput(f"报告日期不正确：年份应在 {FIRST_FISCAL_YEAR} 至 {date.today().year + 1} 年之间")
    return d.isoformat()


def parse_value(path: str, raw: Any) -> Any:
    """Check ``path`` is a correctable field and turn the user's ``raw`` input into the stored value
    (a string for text facts, a JSON number otherwise; empty input means "no value", ``None``)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if path.startswith("facts."):
        key = path[len("facts."):]
        if key not in FACT_KEYS:
            raise InvalidInput(f"未知的字段：{path}")
        if key == "report_date":
            return _report_date(raw)
        if key in TEXT_FACTS:
            text = str(raw).strip()
            if len(text) > MAX_TEXT:
                raise InvalidInput(f"{FACT_LABELS[key]}过长：最多 {MAX_TEXT} 个字符（现有 {len(text)} 个）")
            return text
        value = _number(raw)
        if key in INTEGER_FACTS and value != int(value):
            raise InvalidInput(f"{FACT_LABELS[key]}应为整数")
        if key == "fiscal_year" and not FIRST_FISCAL_YEAR <= value <= date.today().year + 1:
            raise InvalidInput(f"评价年度不正确：应在 {FIRST_FISCAL_YEAR} 至 {date.today().year + 1} 年之间")
        if key in INTEGER_FACTS and value < 0:
            raise InvalidInput(f"{FACT_LABELS[key]}不能为负数")
        return int(value) if key in INTEGER_FACTS else value
    if path.startswith("metrics.") and "@" in path:
        return _number(raw)
    if path.startswith("project_items.") and path.rsplit(".", 1)[-1] in ITEM_ATTRS:
        return _number(raw)
    raise InvalidInput(f"未知的字段：{path}")


def get_value(extracted: dict | None, path: str) -> tuple[bool, Any]:
    """``(exists, value)`` of a field path in an extracted JSON (facts always "exist", as None)."""
    ex = extracted or {}
    if path.startswith("facts."):
        key = path[len("facts."):]
        return key in FACT_KEYS or key in ex.get("facts", {}), ex.get("facts", {}).get(key)
    if path.startswith("metrics."):
        for m in ex.get("metrics", []):
            if metric_id(m) == path:
                return True, m.get("value")
        return False, None
    if path.startswith("project_items."):
        name, _, attr = path[len("project_items."):].rpartition(".")
        for it in ex.get("project_items", []):
            if it.get("name") == name and attr in ITEM_ATTRS:
                return True, it.get(attr)
        return False, None
    return False, None


def _set_value(ex: dict, path: str, value: Any) -> bool:
    if path.startswith("facts."):
        key = path[len("facts."):]
        facts = ex.setdefault("facts", {})
        if value is None:
            facts.pop(key, None)
        else:
            facts[key] = value
        return True
    if path.startswith("metrics."):
        for m in ex.get("metrics", []):
            if metric_id(m) == path:
                m["value"] = value
                return True
        return False
    if path.startswith("project_items."):
        name, _, attr = path[len("project_items."):].rpartition(".")
        for it in ex.get("project_items", []):
            if it.get("name") == name and attr in ITEM_ATTRS:
                if value is None:
                    it.pop(attr, None)
                else:
                    it[attr] = value
                return True
    return False


@dataclass
class Effective:
    """The extracted JSON with the latest correction of every field applied.

    ``data`` is the corrected copy, ``corrected`` maps each applied path to its latest correction,
    ``orphans`` lists corrections whose path no longer exists after re-analysis."""

    data: dict
    corrected: dict[str, Any] = field(default_factory=dict)
    orphans: list[Any] = field(default_factory=list)


def apply_corrections(extracted: dict | None, corrections: list) -> Effective:
    """Overlay ``corrections`` (ORM rows or objects with ``field``/``new_value``/``id``, any order) on a
    copy of ``extracted``; the newest correction of a field wins."""
    data = copy.deepcopy(extracted) if extracted else {"facts": {}, "metrics": [], "project_items": []}
    latest: dict[str, Any] = {}
    for c in sorted(corrections, key=lambda c: c.id or 0):
        if c.field != FILING_FIELD:
            latest[c.field] = c
    eff = Effective(data=data)
    for path, c in latest.items():
        if _set_value(data, path, c.new_value):
            eff.corrected[path] = c
        else:
            eff.orphans.append(c)
    return eff


def summary_values(data: dict) -> list[dict]:
    """Rows for the ``report_values`` table from an effective extracted JSON: every stated fact
    (``facts.<key>``) and the first metric of each KPI (``kpi.<id>``)."""
    rows: dict[str, dict] = {}
    for key, value in (data.get("facts") or {}).items():
        if value is None:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            rows[f"facts.{key}"] = {"key": f"facts.{key}", "num": Decimal(str(value)), "text": None, "unit": None}
        else:
            rows[f"facts.{key}"] = {"key": f"facts.{key}", "num": None, "text": str(value)[:500], "unit": None}
    for m in data.get("metrics") or []:
        kpi = m.get("kpi")
        if not kpi or f"kpi.{kpi}" in rows or m.get("value") is None:
            continue
        rows[f"kpi.{kpi}"] = {"key": f"kpi.{kpi}"[:120], "num": Decimal(str(m["value"])),
                              "text": str(m.get("label") or "")[:500], "unit": str(m.get("unit") or "")[:20]}
    return [r for r in rows.values() if len(r["key"]) <= 120]


def value_rows(extracted: dict | None, eff: Effective) -> list[dict]:
    """Every correctable value of a report, for the detail page and API: path, label, extracted and
    effective value, whether corrected, and the evidence spans (grounding)."""
    ex = extracted or {}
    out: list[dict] = []
    evidence = ex.get("fact_evidence") or {}
    keys = list(dict.fromkeys([*(ex.get("facts") or {}), *(k[len("facts."):] for k in eff.corrected
                                                            if k.startswith("facts."))]))
    for key in keys:
        path = f"facts.{key}"
        out.append(_row(path, FACT_LABELS.get(key, key), (ex.get("facts") or {}).get(key),
                        eff.data.get("facts", {}).get(key), eff, evidence.get(key) or [], "fact"))
    for m_ex, m_eff in zip(ex.get("metrics") or [], eff.data.get("metrics") or [], strict=False):
        path = metric_id(m_ex)
        row = _row(path, m_ex.get("label") or "", m_ex.get("value"), m_eff.get("value"), eff,
                   m_ex.get("evidence") or [], "metric")
        row.update(kpi=m_ex.get("kpi"), unit=m_ex.get("unit"), target=m_ex.get("target"))
        out.append(row)
    for it_ex, it_eff in zip(ex.get("project_items") or [], eff.data.get("project_items") or [], strict=False):
        for attr, label in ITEM_ATTRS.items():
            if attr not in it_ex and item_path(it_ex, attr) not in eff.corrected:
                continue
            row = _row(item_path(it_ex, attr), f"{it_ex.get('name')}（{label}）", it_ex.get(attr),
                       it_eff.get(attr), eff, it_ex.get("evidence") or [], "item")
            out.append(row)
    return out


def _row(path: str, label: str, extracted: Any, value: Any, eff: Effective, evidence: list, kind: str) -> dict:
    c = eff.corrected.get(path)
    return {"field": path, "label": label, "kind": kind, "extracted": extracted, "value": value,
            "corrected": c is not None, "correction_id": c.id if c is not None else None,
            "evidence": evidence}


def stored_decimal(v: Any) -> Decimal | None:
    """A number of the stored JSON (int or float) as an exact Decimal through its shortest text, or None
    for anything else (absent, text, a bool, NaN)."""
    if v is None or isinstance(v, bool) or not isinstance(v, (int, float, Decimal)):
        return None
    d = Decimal(str(v))
    return d if d.is_finite() else None


def number_cell(num: Any) -> int | float:
    """A stored number for a spreadsheet or JSON cell (int when integral)."""
    return int(num) if num == int(num) else float(num)
