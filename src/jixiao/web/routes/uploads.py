"""上传: the upload page (drop several files; each is sent alone, stored and queued; the page then
polls ``/api/reports/status`` and shows each file's progress: 待分析 → 分析中 → 已分析 / 分析失败)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse

from jixiao.store import service
from jixiao.store.analysis import max_upload_bytes
from jixiao.store.errors import ServiceError, UploadRejected
from jixiao.web.deps import CurrentUser, EnqueueDep, SessionDep
from jixiao.web.render import redirect, render, to_int, wants_json

router = APIRouter()


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, db: SessionDep, user: CurrentUser, task_id: str | None = None):

    """上传 page: drop files, pick a task; recent uploads."""
    recent = service.list_reports(db, user, service.ReportQuery(per_page=10, sort="-date")).items
    tasks = service.list_tasks(db, user)
    return render(request, "upload.html", user, title="上传报告", nav="upload", tasks=tasks,
                  task_id=to_int(task_id), recent=recent, max_mb=round(max_upload_bytes() / 2**20))


@router.post("/upload")
def upload_one(request: Request, db: SessionDep, user: CurrentUser, enqueue: EnqueueDep,
               file: Annotated[UploadFile, File()], task_id: Annotated[str | None, Form()] = None):
    """One file per request (the page sends each file separately and shows each result). Answers JSON
    ``{ok, filename, report_id, url, analysis, summary | error}`` as soon as the file is stored and
    queued; without JavaScript, redirects to the report."""

    limit = max_upload_bytes()
    data = file.file.read(limit + 1)  # the form is already spooled: never more than the limit in memory
    name = file.filename or ""
    tid = to_int(task_id) if task_id else None
    try:
        if len(data) > limit:
            raise UploadRejected(f"文件过大，单个文件不能超过 {limit / 2**20:.0f} MB")
        results = service.upload_files(db, user, [(name, data)], task_id=tid, enqueue=enqueue)
    except ServiceError as err:
        db.rollback()
        return JSONResponse({"ok": False, "filename": name, "error": err.message}, status_code=err.status)
    if name.lower().endswith(".zip") and (len(results) != 1 or results[0].filename != name):
        return _archive_answer(request, name, results)
    result = results[0]
    body: dict[str, Any] = {"ok": result.stored and result.analysis in ("done", "queued"),
                            "filename": result.filename, "report_id": result.report_id, "error": result.error,
                            "analysis": result.analysis}
    if result.report_id:
        body["url"] = f"/reports/{result.report_id}"
    if result.analysis == "done":
        who = result.unit_name or "未识别单位"
        year = f"{result.fiscal_year}年度" if result.fiscal_year else ""
        body["summary"] = f"{who}{year}：错误 {result.error_count}，警告 {result.warning_count}"
        body.update(result.notes())
    elif result.analysis == "queued":
        body["summary"] = "已保存，排队等待分析"
        body.update(result.notes())  # a duplicate is known at once; the filing check after analysis
    elif result.stored:
        body["error"] = f"已保存，但分析失败：{result.error}"
    if not wants_json(request) and body.get("url"):
        return redirect(body["url"])
    return JSONResponse(body, status_code=200 if result.stored else 400)


def _archive_answer(request: Request, name: str, results: list) -> Any:
    """The answer for an administrator's .zip: how many of its report files were stored and queued, and
    why the others were not."""
    stored = [r for r in results if r.stored]
    refused = [f"{r.filename}：{r.error}" for r in results if not r.stored]
    summary = f"压缩包 {name}：{len(stored)} 个报告文件已保存并排队分析"
    if refused:
        summary += f"；{len(refused)} 个未保存（" + "；".join(refused[:5]) + ("……" if len(refused) > 5 else "") + "）"
    body = {"ok": bool(stored), "filename": name, "analysis": "archive", "summary": summary, "url": "/reports",
            "error": None if stored else summary, "results": [r.to_dict() for r in results]}
    if not wants_json(request):
        return redirect("/reports")
    return JSONResponse(body, status_code=200 if stored else 400)
