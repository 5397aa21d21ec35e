"""``create_app(db_url)``: wires the database, the session and CSRF protection, the routers (pages and
JSON API, one per resource: ``jixiao.web.routes``) and the static files.

On creation the database is migrated to the newest revision. With ``workers`` given (``jixiao serve``)
uploads are queued and analysed off the request path (:mod:`jixiao.store.jobs`): reports left
``queued``/``running`` by a crash are queued again, and the workers run in this process from start-up
to shutdown (``workers=0``: queued only, for separate ``jixiao worker`` processes). Without (tests,
scripts) an upload is analysed in the request and reports left ``queued`` by a crash are marked as
failed ("上传中断，未完成，请重新分析"). Request bodies over ``JIXIAO_MAX_REQUEST_MB`` are refused
before they are read (:mod:`jixiao.web.bodylimit`). Sessions are kept in the database; the secret
(it derives each session's CSRF token) comes from the argument, ``$JIXIAO_SECRET_KEY``, or a
``secret_key`` file kept next to the SQLite database (created on first start); for other databases
without either, a random one is used (open forms need reloading after a restart).
"""

from __future__ import annotations

import logging
import os
import secrets
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import iter_route_contexts
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from jixiao import __version__
from jixiao.store import db as store_db
from jixiao.store import service
from jixiao.store.analysis import max_request_bytes
from jixiao.store.errors import ServiceError
from jixiao.store.jobs import JobQueue
from jixiao.web.bodylimit import BodyLimitMiddleware
from jixiao.web.deps import Settings
from jixiao.web.render import render_error
from jixiao.web.routes import ROUTERS
from jixiao.web.security import csrf_protect, write_cookie

STATIC = Path(__file__).with_name("static")
API_DESCRIPTION = (
    "令牌认证：`Authorization: Bearer <令牌>`。令牌在“我的账号”页面、`jixiao token create` 或 "
    "`POST /api/tokens` 创建，默认 90 天过期。\n\n"
    "在本页试用：点击右上角 **Authorize**，在“用户名密码”中填用户名和密码（经 `POST /api/auth/token` "
    "换取新令牌，失败次数过多会被暂时锁定），或在“令牌”中粘贴已有令牌。\n\n"
    "错误均为 `{\"detail\": \"中文说明\"}`。")
log = logging.getLogger("jixiao.web")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                "script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; "
                                "form-action 'self'; frame-ancestors 'none'"),
}


def _secret(url: str, given: str | None) -> str:
    if given:
        return given
    if os.environ.get("JIXIAO_SECRET_KEY"):
        return os.environ["JIXIAO_SECRET_KEY"]
    path = store_db.sqlite_path(url)
    if path is None:
        log.warning("未设置 JIXIAO_SECRET_KEY，使用临时密钥：重启后需要重新登录")
        return secrets.token_urlsafe(48)
    key_file = path.parent / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


# the database connections of the web process: as many as the server's worker threads (anyio's default
# 40), so a request never waits for a connection held by another
POOL = {"pool_size": 10, "max_overflow": 30, "pool_timeout": 30}
BUSY = "服务器繁忙，请稍后重试"


def create_app(db_url: str | None = None, *, secret_key: str | None = None, https_only: bool = False,
               migrate: bool = True, recover: bool = True, workers: int | None = None) -> FastAPI:
    """The web application for the database at ``db_url`` (default: ``./jixiao-data/jixiao.db``,
    or ``$JIXIAO_DB_URL``). ``https_only`` marks the session cookie ``Secure``. ``workers``: None
    analyses uploads in the request; a number queues them and runs that many workers in this process
    while it serves (0: none, ``jixiao worker`` analyses)."""
    url = store_db.normalise_url(db_url or os.environ.get("JIXIAO_DB_URL"))
    if migrate:
        store_db.upgrade(url)
    engine = store_db.make_engine(url, **POOL)
    factory = store_db.session_factory(engine)
    jobs = JobQueue(url) if workers is not None else None
    if recover:
        if jobs is not None:
            n = jobs.recover(factory)
            if n:
                log.warning("%d 份报告在上次运行中未分析完，已重新排队", n)
        else:
            with factory() as db:
                n = service.recover_interrupted(db)
            if n:
                log.warning("%d 份上传在上次运行中断，已标记为失败", n)
    settings = Settings(db_url=url, secret_key=_secret(url, secret_key), https_only=https_only)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if jobs is not None and workers:
            jobs.start(workers)
        try:
            yield
        finally:
            if jobs is not None:
                jobs.stop()

    app = FastAPI(title="jixiao 绩效自评审核工作台 API", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", dependencies=[Depends(csrf_protect)], lifespan=lifespan)
    app.state.settings, app.state.engine, app.state.session_factory = settings, engine, factory
    app.state.jobs = jobs

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        write_cookie(request, response, https_only=https_only)  # the session cookie (security.py)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.add_middleware(BodyLimitMiddleware, limit=max_request_bytes)  # outermost: before any body is read

    for router in ROUTERS:
        app.include_router(router)
    _docs(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _error_handlers(app)
    return app


def all_routes(app: FastAPI) -> list:
    """Every route of the app, included routers flattened (FastAPI keeps them nested): objects with
    ``path``, ``methods``, ``endpoint``, ``name``."""
    return list(iter_route_contexts(app.routes))


def _docs(app: FastAPI) -> None:
    """OpenAPI of the ``/api`` routes only, with Swagger UI served from the vendored copy (no CDN)."""

    def openapi() -> dict:
        if app.openapi_schema is None:
            routes = [r for r in all_routes(app) if (r.path or "").startswith("/api/")]
            app.openapi_schema = get_openapi(title=app.title, version=app.version, routes=routes,
                                             description=API_DESCRIPTION)
        return app.openapi_schema

    app.openapi = openapi

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="jixiao API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/swagger/favicon-32x32.png")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _error_handlers(app: FastAPI) -> None:
    """JSON ``{"detail": "中文说明"}`` for the API; for pages, a redirect to the login page on 401 and
    the error page (``render.render_error``) otherwise."""

    def respond(request: Request, status: int, detail: str, headers: dict | None = None) -> Response:
        if not _is_api(request):
            if status == 401:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            return render_error(request, status, detail)
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError):
        return respond(request, exc.status, exc.message)

    @app.exception_handler(PoolTimeout)
    async def pool_timeout(request: Request, exc: PoolTimeout):
        log.warning("no database connection free: %s", exc)
        return respond(request, 503, BUSY, {"Retry-After": "5"})

    @app.exception_handler(OperationalError)
    async def database_busy(request: Request, exc: OperationalError):
        if "locked" not in str(exc).lower():
            raise exc
        log.warning("database busy: %s", exc)
        return respond(request, 503, BUSY, {"Retry-After": "5"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = "页面不存在"
        elif exc.status_code == 405:
            detail = "不支持的请求方法"
        return respond(request, exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        return respond(request, 422, validation_message(exc.errors()))


def validation_message(errors: list[dict]) -> str:
    """One Chinese sentence for FastAPI's validation errors: the field (in Chinese where known) and
    the reason, with the limit that was broken (``年度（year）：数值太大，应不大于 2200``)."""
    parts = []
    for e in errors[:5]:
        loc = [str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path", "form")]
        name = ".".join(f"{FIELD_NAMES[x]}（{x}）" if x in FIELD_NAMES else x for x in loc if not x.isdigit())
        parts.append(f"{name or '请求'}：{_reason(e)}")
    return "请求参数无效（" + "；".join(parts) + "）"


def _reason(e: dict) -> str:
    kind, ctx = e.get("type", ""), e.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than"):
        return f"数值太小，应不小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"数值太大，应不大于 {ctx.get('le', ctx.get('lt'))}"
    if kind == "string_too_long":
        return f"内容过长，最多 {ctx.get('max_length')} 个字符"
    if kind == "too_long":
        return f"项数过多，最多 {ctx.get('max_length')} 项"
    return _CN_ERRORS.get(kind) or "格式不正确"


FIELD_NAMES = {
    "report_id": "报告编号", "task_id": "任务编号", "year": "年度", "years": "年度", "page": "页码",
    "per_page": "每页条数", "reason": "更正原因", "comment": "审核意见", "deadline": "截止日期",
    "version": "版本号", "units": "单位", "title": "任务名称", "note": "备注", "value": "新值", "field": "字段",
    "to": "目标状态", "ids": "报告编号", "files": "文件", "name": "名称",
}
_CN_ERRORS = {
    "missing": "缺少此项",
    "int_parsing": "应为整数",
    "int_parsing_size": "数字太大",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "finite_number": "应为有限的数字",
    "decimal_parsing": "应为数字",
    "string_type": "应为文字",
    "bool_parsing": "应为 true 或 false",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "json_invalid": "JSON 格式错误",
    "model_attributes_type": "格式错误",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "list_type": "应为列表",
}
