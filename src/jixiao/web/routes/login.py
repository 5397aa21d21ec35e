"""Logging in and out (server-side session; the login form is CSRF-protected too)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from jixiao.store import service
from jixiao.store.errors import ServiceError
from jixiao.web import security
from jixiao.web.deps import OptionalUser, SessionDep
from jixiao.web.render import redirect, templates

router = APIRouter()


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUser, next: str = "/"):
    """The login form (a logged-in user goes on to ``next``)."""
    if user is not None:
        return redirect(_safe_next(next))
    return templates.TemplateResponse(request, "login.html", {
        "csrf_token": security.csrf_token(request), "next": _safe_next(next), "error": None, "username": ""})


@router.post("/login", response_class=HTMLResponse)
def login_submit(request: Request, db: SessionDep, username: Annotated[str, Form()] = "",
                 password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/"):
    """Check the user name and password; start a session or show the form again (401; 429 when too
    many attempts failed)."""
    status, error = 401, "用户名或密码错误"
    try:
        user = service.authenticate(db, username, password, ip=security.client_ip(request))
    except ServiceError as err:
        db.rollback()
        user, status, error = None, err.status, err.message
    if user is None:
        return templates.TemplateResponse(request, "login.html", {
            "csrf_token": security.csrf_token(request), "next": _safe_next(next), "username": username[:64],
            "error": error}, status_code=status)
    security.login(request, db, user)
    return redirect(_safe_next(next))


@router.post("/logout")
def logout(request: Request, db: SessionDep):
    """End the session (on the server: a copy of the cookie no longer works)."""
    security.logout(request, db)
    return redirect("/login")
