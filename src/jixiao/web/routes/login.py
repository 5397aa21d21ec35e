"""Logging in and out (session cookie; the login form is CSRF-protected too)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from jixiao.store import service
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
    """Check the user name and password; start a session or show the form again (401)."""
    user = service.authenticate(db, username, password)
    if user is None:
        return templates.TemplateResponse(request, "login.html", {
            "csrf_token": security.csrf_token(request), "next": _safe_next(next), "username": username,
            "error": "用户名或密码错误"}, status_code=401)
    security.login(request, user)
    return redirect(_safe_next(next))


@router.post("/logout")
def logout(request: Request):
    """End the session."""
    security.logout(request)
    return redirect("/login")
