"""Permissions, in one place (docs/design/web.md "Permissions").

* ``admin`` 管理员: everything.
* ``reviewer`` 审核人员: reports whose province, city or county equals their ``region`` (all when the
  region is empty), plus the reports they uploaded themselves; opens tasks, changes status, corrects.
* ``unit`` 单位填报人: only reports of their own ``unit_id``; uploads; corrects values of their own
  report while it is ``pending`` or ``returned``; never changes status.

``visible_clause`` is the SQL form used by every list/count query; ``can_view`` the Python form used
when one report is loaded. A report the user may not see is reported as not found.

Writes are scoped too: a reviewer with a region opens tasks only for units of that region
(``unit_in_scope``), sees only the tasks that include such a unit, and reviews or corrects only reports
of the region (``in_scope``) — a report they uploaded for another region stays visible to them but is
reviewed by that region.
"""

from __future__ import annotations

from sqlalchemy import false, or_, true

from jixiao.store.models import Report, Unit, User

EDITABLE_BY_UNIT = ("pending", "returned")
OUT_OF_REGION = "该报告不在您的审核地区内，只能由其所在地区的审核人员审核或更正"
# facts that decide who sees a report: only the finance bureau corrects them
IDENTITY_FIELDS = ("facts.unit_name", "facts.province", "facts.city", "facts.county")


def visible_clause(user: User):
    """SQL condition on ``Report`` selecting what ``user`` may see."""
    if user is None or not user.active:
        return false()
    if user.role == "admin":
        return true()
    if user.role == "reviewer":
        if not user.region:
            return true()
        r = user.region
        return or_(Report.province == r, Report.city == r, Report.county == r, Report.uploaded_by == user.id)
    if user.role == "unit" and user.unit_id is not None:
        return Report.unit_id == user.unit_id
    return false()


def can_view(user: User, report: Report) -> bool:
    """Python twin of :func:`visible_clause` for one loaded report."""
    if user is None or not user.active:
        return False
    if user.role == "admin":
        return True
    if user.role == "reviewer":
        return (not user.region or user.region in (report.province, report.city, report.county)
                or report.uploaded_by == user.id)
    return user.role == "unit" and user.unit_id is not None and report.unit_id == user.unit_id


def unit_clause(user: User):
    """SQL condition on ``Unit`` selecting the units ``user`` works with (task targets, filters)."""
    if user.role == "admin" or (user.role == "reviewer" and not user.region):
        return true()
    if user.role == "reviewer":
        r = user.region
        return or_(Unit.province == r, Unit.city == r, Unit.county == r)
    return Unit.id == user.unit_id if user.unit_id is not None else false()


def unit_in_scope(user: User, unit: Unit) -> bool:
    """Python twin of :func:`unit_clause` for one unit."""
    if user.role == "admin" or (user.role == "reviewer" and not user.region):
        return True
    if user.role == "reviewer":
        return user.region in (unit.province, unit.city, unit.county)
    return user.unit_id is not None and unit.id == user.unit_id


def region_in_scope(user: User, province: str | None, city: str | None, county: str | None) -> bool:
    """True when a place (province, city, county) lies in the region of ``user`` (always for an admin
    or a reviewer without a region)."""
    if user.role == "admin" or (user.role == "reviewer" and not user.region):
        return True
    return user.role == "reviewer" and user.region in (province, city, county)


def in_scope(user: User, report: Report) -> bool:
    """True when ``user`` may change ``report`` as a reviewer or its unit: like :func:`can_view`, but
    a regional reviewer's own upload of another region's report does not count."""
    if user.role == "reviewer":
        return region_in_scope(user, report.province, report.city, report.county)
    return can_view(user, report)


def is_staff(user: User) -> bool:
    """Admin or reviewer (the finance bureau side)."""
    return user.role in ("admin", "reviewer")


def correction_refusal(user: User, report: Report) -> str | None:
    """Why ``user`` (who can see ``report``) may not correct its values now, or None when allowed."""
    if not in_scope(user, report):
        return OUT_OF_REGION
    if report.status == "approved":
        return "报告已审核通过，不能再修改数值"
    if report.analysis != "done":
        return "报告尚未分析成功，没有可更正的数值"
    if user.role == "unit" and report.status not in EDITABLE_BY_UNIT:
        return "报告正在审核中，单位填报人只能在待审核或退回修改时更正数值"
    return None


def field_refusal(user: User, field: str) -> str | None:
    """Why ``user`` may not correct this field, or None (a unit user cannot move its report to another
    unit or region by correcting the unit name or the region)."""
    if user.role == "unit" and field in IDENTITY_FIELDS:
        return "单位名称和所属地区只能由审核人员更正"
    return None


def reanalysis_refusal(user: User, report: Report) -> str | None:
    """Why ``user`` may not have ``report`` analysed again now, or None."""
    if user.role == "unit" and report.analysis == "done" and report.status not in EDITABLE_BY_UNIT:
        return "报告正在审核中或已审核通过，单位填报人不能重新分析"
    return None


def approval_refusal(report: Report) -> str | None:
    """Why ``report`` may not be approved now (its analysis did not succeed), or None."""
    if report.analysis == "failed":
        return "报告分析失败，不能审核通过；请重新分析，或退回修改请单位重新提交"
    if report.analysis != "done":
        return "报告尚未分析完成，不能审核通过，请等分析结束"
    return None


def resubmit_refusal(user: User, report: Report) -> str | None:
    """Why ``user`` (who can see ``report``) may not resubmit it (退回修改 → 待审核), or None."""
    if report.status != "returned":
        return "只有“退回修改”的报告可以重新提交"
    return None


def status_refusal(user: User, report: Report | None = None) -> str | None:
    """Why ``user`` may not change report statuses (of ``report``, when given), or None."""
    if not is_staff(user):
        return "只有审核人员可以更改审核状态"
    if report is not None and not in_scope(user, report):
        return OUT_OF_REGION
    return None


def withdrawal_refusal(actor: User, report: Report) -> str | None:
    """Why ``actor`` may not withdraw ``report`` now, or None: only its unit's users, and only while no
    reviewer has acted on it (待审核, no status change yet)."""
    if actor.role != "unit" or actor.unit_id is None or report.unit_id != actor.unit_id:
        return "只有上传报告的单位可以撤回"
    if report.status != "pending" or report.status_changes:
        return "报告已进入审核流程，不能撤回"
    return None
