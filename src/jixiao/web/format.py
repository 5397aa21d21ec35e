"""How values look on the pages: Beijing time, numbers as written with thousands separators, the
Chinese labels of severities, KPIs and report kinds.

Negative numbers keep their sign, written with the ASCII hyphen-minus ``-`` (``-20.76``, ``-1,234.5``)
everywhere — pages, change log, comparison, exports — so a figure copied from a page pastes back into
a correction form or a spreadsheet as the same number. Zero is ``0`` (never ``-0``, never “空”)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jixiao.jsonout import decimal_text
from jixiao.model import COMPARATOR_SIGNS, REPORT_KINDS
from jixiao.review.registry import SEVERITY_NAMES
from jixiao.store.clock import BEIJING, beijing_text

STATIC_DIR = Path(__file__).with_name("static")
SEVERITIES = SEVERITY_NAMES  # finding severities
SEVERITY_ORDER = ("error", "warning", "info")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

KPI_LABELS = {
    "mediation.cases": "调解矛盾纠纷数", "mediation.succeeded": "调解成功数",
    "mediation.success_rate": "调解成功率", "legal_aid.cases": "法律援助案件受理数",
    "legal_aid.target": "法律援助任务数", "legal_aid.closed": "法律援助结案数",
    "legal_consultations": "法律咨询人次", "community_correction.registered": "在册社区矫正对象",
    "community_correction.received": "累计接收社区矫正对象", "community_correction.released": "解除矫正",
    "community_correction.probation": "缓刑", "community_correction.parole": "假释",
    "community_correction.temporary_release": "暂予监外执行", "community_correction.surveillance": "管制",
    "resettlement.registered": "安置帮教对象", "admin_review.received": "行政复议申请数",
    "admin_review.accepted": "行政复议受理数", "admin_review.closed": "行政复议办结数",
    "admin_litigation.cases": "行政应诉案件数", "admin_litigation.closed": "行政诉讼审结数",
    "legality_review.opinions": "合法性审查意见数", "normative_documents.reviewed": "规范性文件审查数",
    "publicity.events": "普法宣传活动场次", "publicity.materials": "发放宣传资料份数",
    "notarization.cases": "公证业务数", "forensic.cases": "司法鉴定业务数", "arbitration.cases": "仲裁案件数",
    "hotline.calls": "热线咨询量", "law_enforcement.certified_officers": "持证执法人员数",
}


def _aware(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=BEIJING)
    return value


def fmt_dt(value: Any) -> str:
    """Beijing time ``2025-04-18 14:05`` from a datetime or ISO string (naive = UTC)."""
    return beijing_text(_aware(value))


def to_decimal(value: Any) -> Decimal | None:
    """A finite number (int, float, Decimal) as an exact Decimal (floats through their shortest text,
    so 98.8 is 98.8), or None for anything else (bool, text, NaN, infinity)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def fmt_num(value: Any, grouping: bool = True) -> str:
    """A number as written (no float noise, no trailing zeros), with thousands separators and its
    sign: ``-20.76``, ``-1,234,567.5``, ``0``."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal)):
        d = to_decimal(value)
        if d is None:
            return "—"  # NaN or infinity: never a figure
        if d.is_zero():
            return "0"  # no "-0"
        text = decimal_text(abs(d))
        sign = "-" if d < 0 else ""
        if not grouping:
            return sign + text
        whole, dot, frac = text.partition(".")
        return f"{sign}{int(whole):,}{dot}{frac}"
    return str(value)


def fmt_change(old: Any, new: Any) -> str:
    """The change from ``old`` to ``new`` with an explicit sign, computed exactly: ``+1.2``, ``-1.2``,
    ``0`` ("" when either is not a number)."""
    a, b = to_decimal(old), to_decimal(new)
    if a is None or b is None:
        return ""
    diff = b - a
    return ("+" if diff > 0 else "") + fmt_num(diff)


def fmt_val(value: Any) -> str:
    """A stored (corrected) value for the change log; only None (no value) is “空”, 0 is ``0``."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return fmt_num(value)
    return str(value)


def static_url(path: str) -> str:
    """``/static/<path>?v=<mtime>`` so browsers reload changed assets."""
    try:
        v = int((STATIC_DIR / path).stat().st_mtime)
    except OSError:
        v = 0
    return f"/static/{path}?v={v}"


# --- facts, metrics, items ------------------------------------------------------------------------

def fact_unit(label: str) -> str:
    """万元 when a fact label says so (its unit), else ""."""
    return "万元" if "万元" in label else ""


def short_label(label: str) -> str:
    """A fact label without its unit."""
    return label.replace("（万元）", "")


def display_value(value: Any, key: str = "") -> str:
    """A fact value as shown: — when missing, report kinds in Chinese, years without grouping."""
    if value is None:
        return "—"
    if key == "report_kind":
        return REPORT_KINDS.get(str(value), str(value))
    if key == "fiscal_year":
        return str(value)
    return fmt_num(value)


def target_display(value: Any, comparator: str | None, unit: str | None) -> str:
    """A target as a reader writes it (≥400台), or "—" when there is none."""
    if value is None:
        return "—"
    return f"{COMPARATOR_SIGNS.get(comparator or '', '')}{fmt_num(value)}{unit or ''}"


def metric_display(m: dict, value: Any) -> str:
    """A metric value with its approximation mark, bound and unit (约≥95%)."""
    if value is None:
        return "—"
    prefix = COMPARATOR_SIGNS.get(m.get("comparator") or "", "")
    approx = "约" if m.get("approx") else ""
    return f"{approx}{prefix}{fmt_num(value)}{m.get('unit') or ''}"


def execution_rate(item: dict) -> str:
    """actual ÷ budget of a project item as "93.1%" (exact Decimal arithmetic), or ""."""
    budget, actual = to_decimal(item.get("budget")), to_decimal(item.get("actual"))
    if budget is None or actual is None or budget <= 0:
        return ""
    return f"{(actual / budget * 100).quantize(Decimal('0.1'))}%"


def csv_text(s: str) -> str:
    """Untrusted text in a CSV cell: a leading = + - @ would be a formula in a spreadsheet."""
    return "'" + s if s[:1] in ("=", "+", "-", "@") else s
