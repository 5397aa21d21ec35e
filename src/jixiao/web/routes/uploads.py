"""上传: the upload page (drop several files; each is sent alone and its result shown)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse

from jixiao.store import service
from jixiao.store.analysis import max_upload_bytes
from jixiao.store.errors import ServiceError, UploadRejected
from jixiao.web.deps import CurrentUser, SessionDep
from jixiao.web.render import redirect, render, to_int, wants_json

router = APIRouter()


def filing_notes(result: service.UploadResult) -> dict[str, Any]:
    """What the upload answer says about the file's filing by content and a duplicate: ``warning``
    (归属不符: not counted until confirmed), ``note`` (未能核对), ``duplicate`` + ``duplicate_url``."""
    out: dict[str, Any] = {"filing_state": result.filing_state}
    if result.filing_state == "mismatch":
        out["warning"] = ("；".join(result.filing_issues) + "。审核人员确认归属或单位更正之前，不计入本单位的报送")
    elif result.filing_state == "unchecked":
        out["note"] = "；".join(result.filing_unchecked)
    if result.duplicate_of:
        out["duplicate"] = (f"与已上传的报告《{result.duplicate_name or result.duplicate_of}》内容相同，"
                            f"已作为重复上传保存，不重复计入")
        out["duplicate_url"] = f"/reports/{result.duplicate_of}"
    return out


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, db: SessionDep, user: CurrentUser, task_id: str | None = None):

    """上传 page: drop files, pick a task; recent uploads."""
    recent = service.list_reports(db, user, service.ReportQuery(per_page=10, sort="-date")).items
    tasks = service.list_tasks(db, user)
    return render(request, "upload.html", user, title="上传报告", nav="upload", tasks=tasks,
                  task_id=to_int(task_id), recent=recent, max_mb=round(max_upload_bytes() / 2**20))


@router.post("/upload")
async def upload_one(request: Request, db: SessionDep, user: CurrentUser,
                     file: Annotated[UploadFile, File()], task_id: Annotated[str | None, Form()] = None):
    """One file per request (the page sends each file separately and shows each result). Answers JSON
    ``{ok, filename, report_id, url, summary | error}``; without JavaScript, redirects to the report."""

    limit = max_upload_bytes()
    data = await file.read(limit + 1)
    name = file.filename or ""
    tid = to_int(task_id) if task_id else None
    try:
        if len(data) > limit:
            raise UploadRejected(f"文件过大，单个文件不能超过 {limit / 2**20:.0f} MB")
        result = service.upload_files(db, user, [(name, data)], task_id=tid)[0]
    except ServiceError as err:
        db.rollback()
        return JSONResponse({"ok": False, "filename": name, "error": err.message}, status_code=err.status)
    body: dict[str, Any] = {"ok": result.stored and result.analysis == "done", "filename": result.filename,
                            "report_id": result.report_id, "error": result.error}
    if result.report_id:
        body["url"] = f"/reports/{result.report_id}"
    if body["ok"]:
        who = result.unit_name or "未识别单位"
        year = f"{result.fiscal_year}年度" if result.fiscal_year else ""
        body["summary"] = f"{who}{year}：错误 {result.error_count}，警告 {result.warning_count}"
        body.update(filing_notes(result))
    elif result.stored:
        body["error"] = f"已保存，但分析失败：{result.error}"
    if not wants_json(request) and body.get("url"):
        return redirect(body["url"])
    return JSONResponse(body, status_code=200 if result.stored else 400)
