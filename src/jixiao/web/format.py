"""How values look on the pages: Beijing time, numbers as written with thousands separators, the
Chinese labels of severities, KPIs and report kinds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jixiao.jsonout import decimal_text

STATIC_DIR = Path(__file__).with_name("static")
SEVERITIES = {"error": "错误", "warning": "警告", "info": "提示"}  # finding severities
SEVERITY_ORDER = ("error", "warning", "info")
BEIJING = timezone(timedelta(hours=8))
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
REPORT_KINDS = {"self_evaluation": "部门整体支出绩效自评报告", "project_self_evaluation": "项目支出绩效自评报告",
                "evaluation": "绩效评价报告", "final_accounts": "决算报告", "budget": "预算报告"}


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
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def fmt_dt(value: Any) -> str:
    """Beijing time ``2025-04-18 14:05`` from a datetime or ISO string (naive = UTC)."""
    dt = _aware(value)
    return dt.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if dt else ""


def fmt_num(value: Any, grouping: bool = True) -> str:
    """A number as written (no float noise, no trailing zeros), with thousands separators."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal)):
        try:
            text = decimal_text(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
        if not grouping:
            return text
        sign, _, rest = text.rpartition("-")
        whole, dot, frac = rest.partition(".")
        return f"{sign}{int(whole):,}{dot}{frac}" if whole.isdigit() else text
    return str(value)


def fmt_val(value: Any) -> str:
    """A stored (corrected) value for the change log; None is “空”."""
    if value is None:
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


def metric_display(m: dict, value: Any) -> str:
    """A metric value with its approximation mark, bound and unit (约≥95%)."""
    if value is None:
        return "—"
    prefix = {">=": "≥", "<=": "≤", ">": "＞", "<": "＜"}.get(m.get("comparator") or "", "")
    approx = "约" if m.get("approx") else ""
    return f"{approx}{prefix}{fmt_num(value)}{m.get('unit') or ''}"


def execution_rate(item: dict) -> str:
    """actual ÷ budget of a project item as "93.1%", or ""."""
    budget, actual = item.get("budget"), item.get("actual")
    try:
        if budget and actual is not None and float(budget) > 0:
            return f"{float(actual) / float(budget) * 100:.1f}%"
    except (TypeError, ValueError):
        pass
    return ""



def csv_text(s: str) -> str:
    """Untrusted text in a CSV cell: a leading = + - @ would be a formula in a spreadsheet."""
    return "'" + s if s[:1] in ("=", "+", "-", "@") else s
