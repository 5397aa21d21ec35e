"""The JSON API's input and output models (kept apart from the store's and the report's models)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field


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


class UploadOut(BaseModel):
    """The outcomes of an upload, one per file."""

    results: list[UploadResultOut]


class CorrectionIn(BaseModel):
    """A correction of one value, based on the report version the user saw."""

    field: str = Field(description="字段路径，如 facts.basic_expenditure、metrics.<kpi或名称>@<位置>、"
                                   "project_items.<项目名>.actual")
    value: Any = Field(description="新值（数字或文字；空为清除）")
    reason: str = Field(description="更正原因（必填）")
    version: int = Field(description="修改所依据的报告版本号")


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
    comment: str = ""
    version: int


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

    year: int
    title: str = ""
    deadline: date
    units: list[int | str]
    note: str = ""


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
