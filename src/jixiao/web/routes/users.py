"""Accounts: the users page (admin), the current user, API tokens and the visible units as JSON."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from jixiao.store import service
from jixiao.store.errors import NotFound
from jixiao.web.deps import ApiUser, CurrentUser, SessionDep
from jixiao.web.render import render
from jixiao.web.schemas import TokenIn, TokenOut

router = APIRouter()
API_TAGS = ["api"]


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, db: SessionDep, user: CurrentUser):
    """用户管理 (admin)."""
    if user.role != "admin":
        raise NotFound("页面不存在")
    return render(request, "users.html", user, title="用户管理", nav="users", users=service.list_users(db, user))


@router.get("/api/units", tags=API_TAGS)
def read_units(db: SessionDep, user: ApiUser) -> list[dict]:
    """可见的单位。"""
    return [{"id": u.id, "name": u.name, "province": u.province, "city": u.city, "county": u.county}
            for u in service.list_units(db, user)]



@router.get("/api/me", tags=API_TAGS)
def read_me(user: ApiUser) -> dict:
    """当前用户。"""
    return {"id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role,
            "role_label": service.ROLES.get(user.role), "unit_id": user.unit_id, "region": user.region}


@router.post("/api/tokens", tags=API_TAGS, response_model=TokenOut, status_code=201)
def create_token(db: SessionDep, user: ApiUser, body: TokenIn) -> dict:
    """为当前登录用户创建 API 令牌（只显示一次）。"""
    return {"token": service.create_api_token(db, user, body.name), "name": body.name}
