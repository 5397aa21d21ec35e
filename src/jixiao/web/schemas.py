"""The JSON API's input and output models (kept apart from the store's and the report's models)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, Field

from jixiao.store.models import MAX_ID
from jixiao.store.reports import MAX_REASON

Version = Annotated[int, Field(ge=0, le=MAX_ID, description="修改所依据的报告版本号")]


class ReportRowOut(BaseModel):
    """One report of the list (no text, no extracted data)."""

    id: int
    filename: str
    task_id: int | None
    unit_id: int | None
    unit_name: str | None
    province: str | None
    city: str | None
    county: str | None
    fiscal_year: int | None
    status: str
    status_label: str
    analysis: str
    analysis_label: str
    analysis_error: str | None
    error_count: int
    warning_count: int
    uploaded_by: int | None
    created_at: str | None
    updated_at: str | None
    version: int
    filing_state: str | None = Field(None, description="归属核对：ok 相符 / unchecked 未能核对 / mismatch 不符 / "
                                                       "confirmed 已确认归属")
    filing_label: str = ""
    duplicate_of: int | None = Field(None, description="内容相同的已上传报告（重复上传，不重复计入）")


class ReportPageOut(BaseModel):
    """A page of the report list."""

    items: list[ReportRowOut]
    total: int
    page: int
    per_page: int
    pages: int


class UploadResultOut(BaseModel):
    """The outcome for one uploaded file."""

    filename: str
    stored: bool
    report_id: int | None
    analysis: str | None
    error: str | None
    unit_name: str | None
    fiscal_year: int | None
    error_count: int
    warning_count: int
    filing_state: str | None = Field(None, description="归属核对：ok / unchecked / mismatch / confirmed")
    filing_issues: list[str] = Field(default_factory=list, description="归属不符的原因（报告单位、地区、年度）")
    filing_unchecked: list[str] = Field(default_factory=list, description="未能核对的内容")
    duplicate_of: int | None = Field(None, description="内容相同的已上传报告编号")
    duplicate_name: str | None = None


class UploadOut(BaseModel):
    """The outcomes of an upload, one per file."""

    results: list[UploadResultOut]


class CorrectionIn(BaseModel):
    """A correction of one value, based on the report version the user saw."""

    field: str = Field(description="字段路径，如 facts.basic_expenditure、metrics.<kpi或名称>@<位置>、"
                                   "project_items.<项目名>.actual")
    value: Any = Field(description="新值（数字或文字；空为清除）")
    reason: str = Field(max_length=MAX_REASON, description=f"更正原因（必填，最多 {MAX_REASON} 字）")
    version: Version


class CorrectionOut(BaseModel):
    """A correction as stored."""

    id: int
    field: str
    old_value: Any
    new_value: Any
    reason: str
    at: str | None
    version: int = Field(description="更正后的报告版本号")


class StatusIn(BaseModel):
    """A status change: to (in_review/returned/approved/pending), the reviewer's comment, the version."""

    to: str
    comment: str = Field("", max_length=MAX_REASON, description=f"审核意见（退回时必填，最多 {MAX_REASON} 字）")
    version: Version


class FilingConfirmIn(BaseModel):
    """确认归属: the reviewer's reason and the report version they saw."""

    reason: str = Field(max_length=MAX_REASON, description=f"确认归属的理由（必填，最多 {MAX_REASON} 字），如：经电话核实，系本单位报告")
    version: Version


class StatusOut(BaseModel):
    """A status change as stored."""

    id: int
    from_status: str
    to_status: str
    comment: str
    at: str | None
    version: int


class TaskIn(BaseModel):
    """A self-evaluation task: year, deadline and the units (ids or names) it is addressed to."""

    year: int = Field(ge=1900, le=2200, description="评价年度")
    title: str = Field("", max_length=200)
    deadline: date = Field(description="截止日期 YYYY-MM-DD")
    units: list[Annotated[int, Field(ge=1, le=MAX_ID)] | Annotated[str, Field(max_length=200)]] = Field(
        max_length=5000, description="单位编号或名称")
    note: str = Field("", max_length=MAX_REASON)


class TokenIn(BaseModel):
    """A new API token's name and lifetime."""

    name: str = Field("", max_length=100, description="令牌名称（用途），如“统计脚本”")
    days: int | None = Field(None, ge=1, le=3650, description="有效天数（默认 90 天，或 JIXIAO_TOKEN_DAYS）")


class TokenOut(BaseModel):
    """A new API token, shown once."""

    token: str = Field(description="API 令牌，只显示这一次，请妥善保存")
    name: str
    expires_at: str | None = Field(None, description="过期时间（UTC）")


class PasswordIn(BaseModel):
    """Change one's own password."""

    old_password: str = Field(max_length=256, description="原密码")
    new_password: str = Field(max_length=256, description="新密码：至少 10 位，不能全是同一个字符，不能包含用户名，不能是常见密码")


class TokenGrant(BaseModel):
    """A token obtained with a user name and password (OAuth2 password flow, for Swagger's Authorize)."""

    access_token: str = Field(description="API 令牌，只显示这一次")
    token_type: str = "bearer"
    expires_at: str | None = None


class BulkStatusIn(BaseModel):
    """The same status change for several reports (each checked and stored on its own)."""

    ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=500,
                                                              description="报告编号（最多 500 个）")
    to: str = Field(description="approved（审核通过）/ returned（退回修改）/ in_review / pending")
    comment: str = Field("", max_length=MAX_REASON, description="审核意见（退回时必填）")


class BulkResultOut(BaseModel):
    """The outcome for one report of a bulk change."""

    report_id: int
    ok: bool
    status: str | None
    status_label: str | None
    error: str | None = Field(description="未能更改时的原因")
    unit_name: str | None


class BulkStatusOut(BaseModel):
    """One result per report, in the order given."""

    results: list[BulkResultOut]
    done: int
    refused: int


class ResubmitIn(BaseModel):
    """Resubmit a returned report (退回修改 → 待审核), with an optional note and the version."""

    comment: str = Field("", max_length=MAX_REASON, description="修改说明（可选）")
    version: Version


class WithdrawIn(BaseModel):
    """Withdraw an upload before review, based on the version seen."""

    version: Version


class WithdrawOut(BaseModel):
    """A withdrawn (deleted) upload."""

    id: int
    filename: str
    withdrawn: bool = True
