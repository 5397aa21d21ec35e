"""Reports: the list (filters, sort, paging, XLSX export), the detail page (text with highlighted
evidence, values, findings, score card, corrections, workflow), the original file; and the JSON API
for the same (upload of several files, list, export, detail, corrections, status, re-analysis)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from jixiao.model import REPORT_KINDS
from jixiao.store import service
from jixiao.store.analysis import max_upload_bytes, safe_filename
from jixiao.store.clock import iso
from jixiao.store.errors import ConflictError, InvalidInput, NotFound, ServiceError
from jixiao.store.models import STATUSES, User
from jixiao.web.deps import ApiUser, CurrentUser, EnqueueDep, SessionDep, SettingsDep
from jixiao.web.format import BEIJING, XLSX
from jixiao.web.params import PageQuery, PerPageQuery, ReportId, TaskForm, TaskQuery, YearQuery
from jixiao.web.render import redirect, render, to_int
from jixiao.web.report_view import SHOWN_CHARS, detail_view, transitions
from jixiao.web.schemas import (
    BulkStatusIn,
    BulkStatusOut,
    CorrectionIn,
    CorrectionOut,
    FilingConfirmIn,
    ReportPageOut,
    ReportRowOut,
    ResubmitIn,
    StatusIn,
    StatusOut,
    UploadOut,
    WithdrawIn,
    WithdrawOut,
)

router = APIRouter()
API_TAGS = ["api"]
PER_PAGE = 30
CONFLICT = "该报告已被他人修改，请刷新后重试"


KindQuery = Annotated[str | None, Query(description="报告类型：" + "、".join(f"{k}（{v}）" for k, v in REPORT_KINDS.items()))]
LIST_FILTERS = ("year", "region", "unit", "status", "severity", "kind", "sort", "page")


def _list_query(request: Request, user: User) -> tuple[service.ReportQuery, dict]:
    p = request.query_params
    q = {k: (p.get(k) or "").strip() for k in LIST_FILTERS}
    year = to_int(q["year"])
    severity = q["severity"] if q["severity"] in ("error", "warning", "clean", "failed") else ""
    status = q["status"] if q["status"] in STATUSES else ""
    sort = q["sort"] if q["sort"].lstrip("-") in service.SORTS else ""
    unit = q["unit"] if user.role != "unit" else ""
    kind = q["kind"] if q["kind"] in REPORT_KINDS else ""
    query = service.ReportQuery(year=year, region=q["region"] or None, unit=unit or None, status=status or None,
                                kind=kind or None,
                                severity=severity if severity in ("error", "warning", "clean") else None,
                                analysis="failed" if severity == "failed" else None, sort=sort or "-date",
                                page=max(1, to_int(q["page"]) or 1), per_page=PER_PAGE)
    shown = {"year": year, "region": q["region"], "unit": unit, "status": status, "severity": severity,
             "kind": kind, "sort": sort or "-date"}
    return query, shown


def _page_window(page: int, pages: int) -> list[int | None]:
    keep = {1, pages, *range(page - 2, page + 3)}
    out: list[int | None] = []
    for p in range(1, pages + 1):
        if p in keep:
            out.append(p)
        elif out and out[-1] is not None:
            out.append(None)
    return out


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, db: SessionDep, user: CurrentUser):
    """报告列表: filters, sort and paging."""
    query, shown = _list_query(request, user)
    page = service.list_reports(db, user, query)
    choices = service.filter_choices(db, user)
    base = {k: v for k, v in shown.items() if v not in (None, "")}
    if base.get("sort") == "-date":
        base.pop("sort")

    def url_with(**changes) -> str:
        params = {**base, **changes}
        params = {k: v for k, v in params.items() if v not in (None, "")}
        return "/reports" + (f"?{urlencode(params)}" if params else "")

    export_params = {k: v for k, v in base.items() if k != "page"}
    view = {"rows": page.items, "total": page.total, "page": page.page, "pages": page.pages,
            "per_page": page.per_page, "window": _page_window(page.page, page.pages)}
    return render(request, "reports.html", user, title="报告列表", nav="reports", page=view, q=shown,
                  years=choices.years, regions=choices.regions, url_with=url_with,
                  kinds=REPORT_KINDS,
                  filtered=any(shown[k] for k in ("year", "region", "unit", "status", "severity", "kind")),
                  export_url="/reports/export.xlsx" + (f"?{urlencode(export_params)}" if export_params else ""))


@router.get("/reports/export.xlsx")
def reports_export(request: Request, db: SessionDep, user: CurrentUser):
    """The filtered list (every page) as XLSX."""
    query, _ = _list_query(request, user)
    data = service.export_xlsx(db, user, query)
    stamp = datetime.now(BEIJING).strftime("%Y%m%d")
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=reports-{stamp}.xlsx; "
                               f"filename*=UTF-8''{quote(f'报告列表_{stamp}.xlsx')}"})



def _render_detail(request: Request, db, user: User, report_id: int, *, status_code: int = 200,
                   conflict: str | None = None) -> HTMLResponse:
    d = service.report_detail(db, user, report_id)
    uploader = service.get_user(db, d.get("uploaded_by")) if d.get("uploaded_by") else None
    view = detail_view(d)
    return render(request, "report_detail.html", user, status_code=status_code,
                  title=f"{d.get('unit_name') or d['filename']} · 报告详情", nav="reports", r=d,
                  uploader=(uploader.display_name or uploader.username) if uploader else None,
                  transitions=transitions(d), can_correct=d["can_correct"], conflict=conflict,
                  score=d.get("score"), text_html_limit=SHOWN_CHARS, **view)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, db: SessionDep, user: CurrentUser, report_id: ReportId):
    """报告详情: the text with highlighted evidence, values, findings, score card, corrections, workflow."""
    return _render_detail(request, db, user, report_id)


@router.get("/reports/{report_id}/original")
def report_original(db: SessionDep, user: CurrentUser, report_id: ReportId):
    """The file as uploaded."""
    name, data = service.original_file(db, user, report_id)
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=report; filename*=UTF-8''{quote(name)}"})


@router.get("/reports/{report_id}/documents/{kind}")
def report_document(db: SessionDep, user: CurrentUser, report_id: ReportId, kind: str):
    """A document of the report: ``memo`` (审核意见书, .docx), ``table`` (自评表, .xlsx), ``report``
    (报告修改稿, .docx) or ``html`` (证据报告)."""
    name, data, media = service.report_document(db, user, report_id, kind)
    return Response(data, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=document; filename*=UTF-8''{quote(name)}"})


@router.get("/reports/{report_id}/pages/{page}")
def report_page_image(db: SessionDep, user: CurrentUser, report_id: ReportId, page: int, box: str = ""):
    """One page of a PDF or scanned report as an image (where a finding's evidence is); ``box`` = "x0,y0,x1,y1"
    (fractions of the page) outlines the line read by OCR."""
    return Response(service.page_image(db, user, report_id, page, _box(box)), media_type="image/png",
                    headers={"Cache-Control": "private, max-age=3600"})


def _box(text: str) -> list[float] | None:
    """Four fractions of a page, or None (a malformed value is ignored)."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        return None
    return values if len(values) == 4 and all(0 <= v <= 1 for v in values) else None


@router.post("/reports/{report_id}/correct", response_class=HTMLResponse)
def report_correct(request: Request, db: SessionDep, user: CurrentUser, report_id: ReportId,
                   field: Annotated[str, Form()] = "", new_value: Annotated[str, Form()] = "",
                   reason: Annotated[str, Form()] = "", version: Annotated[str, Form()] = "",
                   ref: Annotated[str, Form()] = ""):
    """Correct one value (with a reason, based on the version shown)."""
    anchor = f"#ref={quote(ref)}" if ref else "#changelog"
    return _edit(request, db, user, report_id, f"/reports/{report_id}?msg=corrected{anchor}",
                 lambda: service.correct_value(db, user, report_id, field=field, value=new_value, reason=reason,
                                               version=to_int(version)))


@router.post("/reports/{report_id}/filing", response_class=HTMLResponse)
def report_confirm_filing(request: Request, db: SessionDep, user: CurrentUser, report_id: ReportId,
                          reason: Annotated[str, Form()] = "", version: Annotated[str, Form()] = ""):
    """确认归属: count a report whose content names another unit or year as this unit's submission."""
    return _edit(request, db, user, report_id, f"/reports/{report_id}?msg=filing#changelog",
                 lambda: service.confirm_filing(db, user, report_id, reason=reason, version=to_int(version)))


@router.post("/reports/{report_id}/status", response_class=HTMLResponse)
def report_status(request: Request, db: SessionDep, user: CurrentUser, report_id: ReportId,
                  to_status: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "",
                  version: Annotated[str, Form()] = ""):
    """Move the report along the workflow, with the reviewer's comment."""
    return _edit(request, db, user, report_id, f"/reports/{report_id}?msg=status#review",
                 lambda: service.change_status(db, user, report_id, to=to_status, comment=comment,
                                               version=to_int(version)))


@router.post("/reports/{report_id}/reanalyse", response_class=HTMLResponse)
def report_reanalyse(request: Request, db: SessionDep, user: CurrentUser, enqueue: EnqueueDep, report_id: ReportId):
    """重新分析: queue the stored original again (corrections are kept)."""
    return _edit(request, db, user, report_id, f"/reports/{report_id}?msg=reanalyse",
                 lambda: service.reanalyse(db, user, report_id, enqueue=enqueue))


@router.post("/reports/{report_id}/resubmit", response_class=HTMLResponse)
def report_resubmit(request: Request, db: SessionDep, user: CurrentUser, report_id: ReportId,
                    comment: Annotated[str, Form()] = "", version: Annotated[str, Form()] = ""):
    """重新提交: a returned report back to 待审核 (its unit, after revising it)."""
    return _edit(request, db, user, report_id, f"/reports/{report_id}?msg=resubmitted#review",
                 lambda: service.resubmit(db, user, report_id, comment=comment, version=to_int(version)))


@router.post("/reports/{report_id}/withdraw", response_class=HTMLResponse)
def report_withdraw(request: Request, db: SessionDep, user: CurrentUser, report_id: ReportId,
                    version: Annotated[str, Form()] = ""):
    """撤回上传: the unit takes its upload back before review."""
    return _edit(request, db, user, report_id, "/reports?msg=withdrawn",
                 lambda: service.withdraw(db, user, report_id, version=to_int(version)))


def _ticked(values: list) -> tuple[list[int], dict[int, int]]:
    """The ticked boxes of the list, ``<id>:<version>`` (the version the reviewer saw), as ids and versions."""
    ids: list[int] = []
    versions: dict[int, int] = {}
    for v in values:
        rid, _, version = str(v).partition(":")
        rid_n, version_n = to_int(rid), to_int(version)
        if rid_n is None or rid_n < 1:
            continue
        ids.append(rid_n)
        if version_n is not None:
            versions[rid_n] = version_n
    return ids, versions


@router.post("/reports/bulk", response_class=HTMLResponse)
async def reports_bulk(request: Request, db: SessionDep, user: CurrentUser):
    """批量审核: the reports ticked in the list approved or returned together; one result per report."""
    form = await request.form()
    ids, versions = _ticked(form.getlist("report_ids"))
    to = str(form.get("to_status") or "")
    try:
        results = service.bulk_change_status(db, user, ids, to=to, comment=str(form.get("comment") or ""),
                                             versions=versions)
    except ServiceError as err:
        db.rollback()
        return render(request, "bulk_result.html", user, status_code=err.status, title="批量审核", nav="reports",
                      results=[], error=err.message, to_label=STATUSES.get(to, to))
    return render(request, "bulk_result.html", user, title="批量审核结果", nav="reports", results=results,
                  error=None, to_label=STATUSES.get(to, to), done=sum(1 for r in results if r.ok))


def _edit(request: Request, db, user, report_id: int, then: str, action):
    """Run one edit of a report; on a conflict or a refused edit show the detail page again with
    the reason (409 for a concurrent change), else redirect to ``then``."""
    try:
        action()
    except NotFound:
        raise
    except ConflictError:
        db.rollback()
        return _render_detail(request, db, user, report_id, status_code=409, conflict=CONFLICT)
    except ServiceError as err:
        db.rollback()
        return _render_detail(request, db, user, report_id, status_code=err.status, conflict=err.message)
    return redirect(then)



# --- JSON API ------------------------------------------------------------------------------------

def _query(year, region, unit, status, severity, analysis, task_id, rule, q, sort, page, per_page, kind=None):
    return service.ReportQuery(year=year, region=region, unit=unit, status=status, severity=severity,
                               analysis=analysis, task_id=task_id, rule=rule, kind=kind, q=q, sort=sort, page=page,
                               per_page=per_page)


@router.post("/api/reports", tags=API_TAGS, response_model=UploadOut)
def upload_reports(db: SessionDep, user: ApiUser, settings: SettingsDep, enqueue: EnqueueDep,
                   files: Annotated[list[UploadFile], File(description="报告文件（.docx/.pdf/.txt/.xlsx），可多个")],
                   task_id: TaskForm = None) -> dict:
    """上传报告（可多个文件）：每个文件分别保存并排队分析（analysis 为 queued，用 GET
    /api/reports/status 查询进度），坏文件给出原因，其余照常处理。"""
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
            results += [r.to_dict() for r in service.upload_files(db, user, [(name, data)], task_id=task_id,
                                                                  enqueue=enqueue)]
        except service.ServiceError as err:
            results.append(service.UploadResult(filename=name, stored=False, error=err.message).to_dict())
    return {"results": results}


@router.get("/api/reports", tags=API_TAGS, response_model=ReportPageOut)
def read_reports(db: SessionDep, user: ApiUser,
                 year: YearQuery = None,
                 region: Annotated[str | None, Query(description="省、市或区县")] = None,
                 unit: Annotated[str | None, Query(description="单位编号或单位名称的一部分")] = None,
                 status: Annotated[str | None, Query(description="pending / in_review / returned / approved")] = None,
                 severity: Annotated[str | None, Query(description="error（有错误）/ warning（有警告）/ clean")] = None,
                 analysis: Annotated[str | None, Query(description="queued / done / failed")] = None,
                 task_id: TaskQuery = None,
                 rule: Annotated[str | None, Query(description="有某条审核规则的发现")] = None,
                 kind: KindQuery = None,
                 q: Annotated[str | None, Query(description="文件名或单位名称包含")] = None,
                 sort: Annotated[str, Query(description="date / unit / year / errors / status，前加 - 为降序")] = "-date",
                 page: PageQuery = 1,
                 per_page: PerPageQuery = 50) -> dict:
    """报告列表：按年度、地区、单位、状态、严重程度、报告类型筛选，排序，分页。"""
    query = _query(year, region, unit, status, severity, analysis, task_id, rule, q, sort, page, per_page, kind)
    return service.list_reports(db, user, query).to_dict()


@router.get("/api/reports/export.xlsx", tags=API_TAGS, response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "XLSX 文件"}})
def export_reports(db: SessionDep, user: ApiUser,
                   year: YearQuery = None, region: str | None = None, unit: str | None = None,
                   status: str | None = None, severity: str | None = None, analysis: str | None = None,
                   task_id: TaskQuery = None, rule: str | None = None, kind: KindQuery = None,
                   q: str | None = None, sort: str = "-date") -> Response:
    """导出当前列表（全部页）为 XLSX：每份报告一行，事实为列（含更正后的值）。"""
    query = _query(year, region, unit, status, severity, analysis, task_id, rule, q, sort, 1, 50, kind)
    data = service.export_xlsx(db, user, query)
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=reports.xlsx; filename*=UTF-8''{quote('报告列表.xlsx')}"})


@router.get("/api/reports/status", tags=API_TAGS)
def read_analysis_states(db: SessionDep, user: ApiUser,
                         ids: Annotated[str, Query(description="报告编号，逗号分隔（最多 200 个）")] = "") -> dict:
    """分析进度：各报告的分析状态（待分析 / 分析中 / 已分析 / 分析失败及原因），上传页面据此刷新。"""
    wanted = [int(x) for x in ids.replace("，", ",").split(",") if x.strip().isdigit() and len(x.strip()) < 12]
    return {"items": [s.to_dict() for s in service.analysis_states(db, user, wanted)]}


@router.get("/api/reports/{report_id}", tags=API_TAGS)
def read_report(db: SessionDep, user: ApiUser, report_id: ReportId,
                text: Annotated[bool, Query(description="是否包含报告全文")] = True) -> dict:
    """报告详情：事实、指标、项目、审核发现、评分、原文出处、生效值、更正记录、审核记录。"""
    return service.report_detail(db, user, report_id, include_text=text)


@router.get("/api/reports/{report_id}/original", tags=API_TAGS, response_class=Response)
def read_report_original(db: SessionDep, user: ApiUser, report_id: ReportId) -> Response:
    """下载上传的原始文件。"""
    name, data = service.original_file(db, user, report_id)
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=report; filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff"})


@router.get("/api/reports/{report_id}/documents/{kind}", tags=API_TAGS, response_class=Response,
            responses={200: {"description": "审核意见书（.docx）、自评表（.xlsx）、报告修改稿（.docx）或证据报告（.html）"}})
def api_report_document(db: SessionDep, user: ApiUser, report_id: ReportId, kind: str):
    """生成报告的文书：``memo`` 审核意见书（.docx，GB/T 9704 版式），``table`` 自评表（.xlsx，官方样式），
    ``report`` 报告修改稿（.docx，按本省提纲、填入更正后的数值），``html`` 证据报告（单文件）。"""
    return report_document(db, user, report_id, kind)


@router.post("/api/reports/{report_id}/corrections", tags=API_TAGS, response_model=CorrectionOut, status_code=201)
def create_correction(db: SessionDep, user: ApiUser, report_id: ReportId, body: CorrectionIn) -> dict:
    """更正一个数值（须填原因，须带版本号；他人已修改时返回 409）。"""
    c = service.correct_value(db, user, report_id, field=body.field, value=body.value, reason=body.reason,
                              version=body.version)
    return {"id": c.id, "field": c.field, "old_value": c.old_value, "new_value": c.new_value, "reason": c.reason,
            "at": iso(c.at), "version": c.report.version}


@router.post("/api/reports/{report_id}/filing", tags=API_TAGS, response_model=CorrectionOut, status_code=201)
def confirm_report_filing(db: SessionDep, user: ApiUser, report_id: ReportId, body: FilingConfirmIn) -> dict:
    """确认归属：报告所写单位、地区或年度与上传单位、任务不符时，由审核人员确认后计入该单位的报送（须填理由，记入修改记录）。"""
    c = service.confirm_filing(db, user, report_id, reason=body.reason, version=body.version)
    return {"id": c.id, "field": c.field, "old_value": c.old_value, "new_value": c.new_value, "reason": c.reason,
            "at": iso(c.at), "version": c.report.version}


@router.post("/api/reports/{report_id}/status", tags=API_TAGS, response_model=StatusOut)
def change_report_status(db: SessionDep, user: ApiUser, report_id: ReportId, body: StatusIn) -> dict:
    """更改审核状态（待审核 → 审核中 → 退回修改 / 审核通过），附审核意见和版本号。"""
    s = service.change_status(db, user, report_id, to=body.to, comment=body.comment, version=body.version)
    return {"id": s.id, "from_status": s.from_status, "to_status": s.to_status, "comment": s.comment,
            "at": iso(s.at), "version": s.report.version}


@router.post("/api/reports/{report_id}/reanalyse", tags=API_TAGS, response_model=ReportRowOut)
def reanalyse_report(db: SessionDep, user: ApiUser, enqueue: EnqueueDep, report_id: ReportId) -> dict:
    """用当前版本的抽取程序重新分析原始文件（排队分析；更正记录保留并重新生效）。"""
    r = service.reanalyse(db, user, report_id, enqueue=enqueue)
    return service.report_row(r).to_dict()


@router.post("/api/reports/bulk-status", tags=API_TAGS, response_model=BulkStatusOut)
def bulk_status(db: SessionDep, user: ApiUser, body: BulkStatusIn) -> dict:
    """批量更改审核状态（如批量审核通过、批量退回）：每份报告分别检查、分别保存，逐份返回结果，不能更改的给出原因。"""
    results = service.bulk_change_status(db, user, body.ids, to=body.to, comment=body.comment)
    done = sum(1 for r in results if r.ok)
    return {"results": [r.to_dict() for r in results], "done": done, "refused": len(results) - done}


@router.post("/api/reports/{report_id}/resubmit", tags=API_TAGS, response_model=StatusOut)
def resubmit_report(db: SessionDep, user: ApiUser, report_id: ReportId, body: ResubmitIn) -> dict:
    """重新提交：退回修改的报告，单位修改后重新提交（状态回到待审核）。"""
    s = service.resubmit(db, user, report_id, comment=body.comment, version=body.version)
    return {"id": s.id, "from_status": s.from_status, "to_status": s.to_status, "comment": s.comment,
            "at": iso(s.at), "version": s.report.version}


@router.post("/api/reports/{report_id}/withdraw", tags=API_TAGS, response_model=WithdrawOut)
def withdraw_report(db: SessionDep, user: ApiUser, report_id: ReportId, body: WithdrawIn) -> dict:
    """撤回上传：仅上传单位、仅在审核开始前（待审核且无审核记录）；报告及其更正记录一并删除。"""
    name = service.withdraw(db, user, report_id, version=body.version)
    return {"id": report_id, "filename": name, "withdrawn": True}
