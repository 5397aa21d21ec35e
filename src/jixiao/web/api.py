"""The JSON API under ``/api`` (OpenAPI at ``/api/docs``): token auth (``Authorization: Bearer …``)
or the session cookie, the same permissions as the pages (all checks are in ``store.service``).
Errors are ``{"detail": "中文说明"}``; a report the user may not see is 404.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from jixiao.store import service
from jixiao.store.analysis import max_upload_bytes, safe_filename
from jixiao.store.clock import iso
from jixiao.store.errors import InvalidInput
from jixiao.web.deps import ApiUser, SessionDep, SettingsDep

router = APIRouter(prefix="/api", tags=["api"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- schemas ---------------------------------------------------------------------------------------

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
    results: list[UploadResultOut]


class CorrectionIn(BaseModel):
    """A correction of one value, based on the report version the user saw."""

    field: str = Field(description="字段路径，如 facts.basic_expenditure、metrics.<kpi或名称>@<位置>、"
                                   "project_items.<项目名>.actual")
    value: Any = Field(description="新值（数字或文字；空为清除）")
    reason: str = Field(description="更正原因（必填）")
    version: int = Field(description="修改所依据的报告版本号")


class CorrectionOut(BaseModel):
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
    name: str = ""


class TokenOut(BaseModel):
    token: str = Field(description="API 令牌，只显示这一次，请妥善保存")
    name: str


# --- reports ---------------------------------------------------------------------------------------

def _query(year, region, unit, status, severity, analysis, task_id, rule, q, sort, page, per_page):
    return service.ReportQuery(year=year, region=region, unit=unit, status=status, severity=severity,
                               analysis=analysis, task_id=task_id, rule=rule, q=q, sort=sort, page=page,
                               per_page=per_page)


@router.post("/reports", response_model=UploadOut)
def upload_reports(db: SessionDep, user: ApiUser, settings: SettingsDep,
                   files: Annotated[list[UploadFile], File(description="报告文件（.docx/.pdf/.txt/.xlsx），可多个")],
                   task_id: Annotated[int | None, Form(description="所属任务（可选）")] = None) -> dict:
    """上传报告（可多个文件）：每个文件分别保存、分析，坏文件给出原因，其余照常处理。"""
    if len(files) > settings.max_files_per_upload:
        raise InvalidInput(f"一次最多上传 {settings.max_files_per_upload} 个文件")
    limit = max_upload_bytes()
    results: list[dict] = []
    for f in files:
        data = f.file.read(limit + 1)  # never more than the limit + 1 byte in memory
        name = safe_filename(f.filename)
        if len(data) > limit:
            results.append(service.UploadResult(filename=name, stored=False,
                                                error=f"文件过大，单个文件不能超过 {limit / 2**20:.0f} MB").to_dict())
            continue
        try:
            results += [r.to_dict() for r in service.upload_files(db, user, [(name, data)], task_id=task_id)]
        except service.ServiceError as err:
            results.append(service.UploadResult(filename=name, stored=False, error=err.message).to_dict())
    return {"results": results}


@router.get("/reports", response_model=ReportPageOut)
def read_reports(db: SessionDep, user: ApiUser,
                 year: Annotated[int | None, Query(description="评价年度")] = None,
                 region: Annotated[str | None, Query(description="省、市或区县")] = None,
                 unit: Annotated[str | None, Query(description="单位编号或单位名称的一部分")] = None,
                 status: Annotated[str | None, Query(description="pending / in_review / returned / approved")] = None,
                 severity: Annotated[str | None, Query(description="error（有错误）/ warning（有警告）/ clean")] = None,
                 analysis: Annotated[str | None, Query(description="queued / done / failed")] = None,
                 task_id: Annotated[int | None, Query(description="任务编号")] = None,
                 rule: Annotated[str | None, Query(description="有某条审核规则的发现")] = None,
                 q: Annotated[str | None, Query(description="文件名或单位名称包含")] = None,
                 sort: Annotated[str, Query(description="date / unit / year / errors / status，前加 - 为降序")] = "-date",
                 page: Annotated[int, Query(ge=1)] = 1,
                 per_page: Annotated[int, Query(ge=1, le=500)] = 50) -> dict:
    """报告列表：按年度、地区、单位、状态、严重程度筛选，排序，分页。"""
    query = _query(year, region, unit, status, severity, analysis, task_id, rule, q, sort, page, per_page)
    return service.list_reports(db, user, query).to_dict()


@router.get("/reports/export.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "XLSX 文件"}})
def export_reports(db: SessionDep, user: ApiUser,
                   year: int | None = None, region: str | None = None, unit: str | None = None,
                   status: str | None = None, severity: str | None = None, analysis: str | None = None,
                   task_id: int | None = None, rule: str | None = None, q: str | None = None,
                   sort: str = "-date") -> Response:
    """导出当前列表（全部页）为 XLSX：每份报告一行，事实为列（含更正后的值）。"""
    query = _query(year, region, unit, status, severity, analysis, task_id, rule, q, sort, 1, 50)
    data = service.export_xlsx(db, user, query)
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=reports.xlsx; filename*=UTF-8''{quote('报告列表.xlsx')}"})


@router.get("/reports/{report_id}")
def read_report(db: SessionDep, user: ApiUser, report_id: int,
                text: Annotated[bool, Query(description="是否包含报告全文")] = True) -> dict:
    """报告详情：事实、指标、项目、审核发现、评分、原文出处、生效值、更正记录、审核记录。"""
    return service.report_detail(db, user, report_id, include_text=text)


@router.get("/reports/{report_id}/original", response_class=Response)
def read_report_original(db: SessionDep, user: ApiUser, report_id: int) -> Response:
    """下载上传的原始文件。"""
    name, data = service.original_file(db, user, report_id)
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=report; filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff"})


@router.post("/reports/{report_id}/corrections", response_model=CorrectionOut, status_code=201)
def create_correction(db: SessionDep, user: ApiUser, report_id: int, body: CorrectionIn) -> dict:
    """更正一个数值（须填原因，须带版本号；他人已修改时返回 409）。"""
    c = service.correct_value(db, user, report_id, field=body.field, value=body.value, reason=body.reason,
                              version=body.version)
    return {"id": c.id, "field": c.field, "old_value": c.old_value, "new_value": c.new_value, "reason": c.reason,
            "at": iso(c.at), "version": c.report.version}


@router.post("/reports/{report_id}/status", response_model=StatusOut)
def change_report_status(db: SessionDep, user: ApiUser, report_id: int, body: StatusIn) -> dict:
    """更改审核状态（待审核 → 审核中 → 退回修改 / 审核通过），附审核意见和版本号。"""
    s = service.change_status(db, user, report_id, to=body.to, comment=body.comment, version=body.version)
    return {"id": s.id, "from_status": s.from_status, "to_status": s.to_status, "comment": s.comment,
            "at": iso(s.at), "version": s.report.version}


@router.post("/reports/{report_id}/reanalyse", response_model=ReportRowOut)
def reanalyse_report(db: SessionDep, user: ApiUser, report_id: int) -> dict:
    """用当前版本的抽取程序重新分析原始文件（更正记录保留并重新生效）。"""
    r = service.reanalyse(db, user, report_id)
    return service.report_row(r).to_dict()


# --- tasks, units, home page, comparison -----------------------------------------------------------

@router.get("/tasks")
def read_tasks(db: SessionDep, user: ApiUser) -> list[dict]:
    """任务列表，每个任务附各单位的提交情况（已提交、逾期、退回、未提交）。"""
    return [t.to_dict() for t in service.list_tasks(db, user)]


@router.post("/tasks", status_code=201)
def create_task(db: SessionDep, user: ApiUser, body: TaskIn) -> dict:
    """下达任务：年度、截止日期、单位（编号或名称）。"""
    task = service.open_task(db, user, year=body.year, title=body.title, deadline=body.deadline,
                             units=body.units, note=body.note)
    return service.task_progress(db, user, task.id).to_dict()


@router.get("/tasks/{task_id}")
def read_task(db: SessionDep, user: ApiUser, task_id: int) -> dict:
    """一个任务的各单位提交情况。"""
    return service.task_progress(db, user, task_id).to_dict()


@router.get("/units")
def read_units(db: SessionDep, user: ApiUser) -> list[dict]:
    """可见的单位。"""
    return [{"id": u.id, "name": u.name, "province": u.province, "city": u.city, "county": u.county}
            for u in service.list_units(db, user)]


@router.get("/dashboard")
def read_dashboard(db: SessionDep, user: ApiUser) -> dict:
    """首页统计：各状态数量、按规则的审核发现、需要关注的报告。"""
    return service.dashboard(db, user)


@router.get("/compare/keys")
def read_compare_keys(db: SessionDep, user: ApiUser) -> list[dict]:
    """可对比的事实和绩效指标。"""
    return service.compare_keys(db, user)


@router.get("/compare")
def read_compare(db: SessionDep, user: ApiUser, key: str, region: str | None = None,
                 years: Annotated[list[int] | None, Query()] = None) -> dict:
    """对比分析：一个事实或指标，各单位 × 各年度。"""
    return service.compare(db, user, key, years=years, region=region)


@router.get("/me")
def read_me(user: ApiUser) -> dict:
    """当前用户。"""
    return {"id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role,
            "role_label": service.ROLES.get(user.role), "unit_id": user.unit_id, "region": user.region}


@router.post("/tokens", response_model=TokenOut, status_code=201)
def create_token(db: SessionDep, user: ApiUser, body: TokenIn) -> dict:
    """为当前登录用户创建 API 令牌（只显示一次）。"""
    return {"token": service.create_api_token(db, user, body.name), "name": body.name}
