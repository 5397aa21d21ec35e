"""Rendering the pages: the Jinja2 environment (autoescape on, the formatting filters), the page frame
(user, navigation, flash message, CSRF token), the error page and small request helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import escape

from jixiao.store.models import ANALYSIS, MAX_ID, ROLES, STATUSES, User
from jixiao.store.values import field_label
from jixiao.web import security
from jixiao.web.format import SEVERITIES, fmt_dt, fmt_num, fmt_val, static_url

TEMPLATES_DIR = Path(__file__).with_name("templates")
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))  # .html → autoescape on

MESSAGES = {
    "corrected": ("ok", "已保存更正，修改记录已追加。"),
    "status": ("ok", "审核状态已更新。"),
    "filing": ("ok", "已确认归属，已记入修改记录。"),
    "task": ("ok", "任务已下达。"),
    "reanalyse": ("ok", "已提交重新分析（更正记录保留）。"),
    "login": ("ok", "已登录。"),
    "resubmitted": ("ok", "已重新提交，等待审核。"),
    "withdrawn": ("ok", "已撤回上传的报告。"),
    "password": ("ok", "密码已修改：其他已登录的会话和全部 API 令牌均已失效。"),
    "token_revoked": ("ok", "令牌已撤销。"),
    "sessions_ended": ("ok", "其他已登录的会话均已退出。"),
    "user_disabled": ("ok", "用户已停用：该用户的会话和令牌已失效。"),
    "user_enabled": ("ok", "用户已启用。"),
}


templates.env.filters.update(dt=fmt_dt, num=fmt_num, val=fmt_val)
templates.env.globals.update(static=static_url, ROLES=ROLES, STATUSES=STATUSES, ANALYSIS=ANALYSIS,
                             SEVERITIES=SEVERITIES, field_label=field_label)


def _flash(request: Request) -> dict | None:
    code = request.query_params.get("msg")
    if code in MESSAGES:
        kind, text = MESSAGES[code]
        return {"kind": kind, "text": text}
    return None


def render(request: Request, name: str, user: User | None, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    """Render template ``name`` for ``user`` (title, navigation, flash message and CSRF token added)."""
    ctx.setdefault("title", "")
    ctx.setdefault("nav", "")
    ctx.setdefault("flash", _flash(request))
    ctx.update(user=user, csrf_token=security.csrf_token(request))
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


ERROR_HEADINGS = {400: "请求有误", 403: "无权操作", 404: "页面不存在", 409: "数据已变化", 413: "文件过大",
                  422: "请求参数无效", 429: "尝试次数过多", 503: "服务器繁忙"}


def render_error(request: Request, status: int, detail: str) -> Response:
    """The error page (used by ``app.py`` for errors of page routes)."""
    user = getattr(request.state, "user", None)
    heading = ERROR_HEADINGS.get(status, "出错了")
    if user is None:
        body = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(heading)}</title>'
                f'<link rel="stylesheet" href="{static_url("app.css")}"></head><body class="login">'
                f'<div class="loginbox"><h1>{escape(heading)}</h1><p>{escape(detail)}</p>'
                f'<p><a class="btn primary" href="/login">登录</a></p></div></body></html>')
        return HTMLResponse(body, status_code=status)
    return render(request, "error.html", user, status_code=status, title=heading, heading=heading,
                  message=detail)


def wants_json(request: Request) -> bool:
    """The client asked for JSON (the upload page's XHR)."""
    return "application/json" in request.headers.get("accept", "")


def redirect(url: str) -> RedirectResponse:
    """303 See Other to ``url`` (after a form post)."""
    return RedirectResponse(url, status_code=303)


def to_int(value: Any) -> int | None:
    """A form or query value as an int, or None (also for text too long to be a number and for
    values beyond ±``MAX_ID``, which no id, year or page can be)."""
    text = str(value).strip() if value is not None else ""
    if len(text) > 12:
        return None
    try:
        n = int(text)
    except ValueError:
        return None
    return n if -MAX_ID <= n <= MAX_ID else None
