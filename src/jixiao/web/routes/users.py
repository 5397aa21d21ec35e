"""Accounts: the users page (admin: disable/enable), the current user, API tokens (create, list,
revoke; a token for a user name and password, which Swagger's "Authorize" uses) and the visible
units as JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse

from jixiao.store import service
from jixiao.store.errors import NotFound
from jixiao.web import security
from jixiao.web.deps import ApiUser, CurrentUser, SessionDep
from jixiao.web.render import redirect, render
from jixiao.web.schemas import PasswordIn, TokenGrant, TokenIn, TokenOut

router = APIRouter()
API_TAGS = ["api"]
ACCOUNT_TAGS = ["账号与令牌"]


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, db: SessionDep, user: CurrentUser):
    """用户管理 (admin)."""
    if user.role != "admin":
        raise NotFound("页面不存在")
    return render(request, "users.html", user, title="用户管理", nav="users", users=service.list_users(db, user))


@router.post("/users/{user_id}/{action}")
def users_set_active(db: SessionDep, user: CurrentUser, user_id: int, action: str):
    """停用 / 启用 an account (admin)."""
    if user.role != "admin" or action not in ("disable", "enable"):
        raise NotFound("页面不存在")
    service.set_active(db, user, user_id, action == "enable")
    return redirect(f"/users?msg=user_{action}d")


@router.get("/api/units", tags=API_TAGS)
def read_units(db: SessionDep, user: ApiUser) -> list[dict]:
    """可见的单位。"""
    return [{"id": u.id, "name": u.name, "province": u.province, "city": u.city, "county": u.county}
            for u in service.list_units(db, user)]


def _user_dict(u) -> dict:
    return {"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role,
            "role_label": service.ROLES.get(u.role), "unit_id": u.unit_id, "region": u.region, "active": u.active}


@router.get("/api/me", tags=API_TAGS)
def read_me(user: ApiUser) -> dict:
    """当前用户。"""
    return _user_dict(user)


@router.post("/api/me/password", tags=ACCOUNT_TAGS, status_code=204)
def change_password(request: Request, db: SessionDep, user: ApiUser, body: PasswordIn) -> Response:
    """修改自己的密码（需原密码，失败次数限制同登录）。成功后该用户的全部会话和 API 令牌（包括本次使用的令牌）
    立即失效，请重新登录或用 POST /api/auth/token 换取新令牌。"""
    service.change_own_password(db, user, body.old_password, body.new_password, ip=security.client_ip(request))
    return Response(status_code=204)


@router.get("/api/users", tags=ACCOUNT_TAGS)
def read_users(db: SessionDep, user: ApiUser) -> list[dict]:
    """全部用户（管理员）。"""
    return [_user_dict(u) for u in service.list_users(db, user)]


@router.post("/api/users/{user_id}/disable", tags=ACCOUNT_TAGS)
def disable_user(db: SessionDep, user: ApiUser, user_id: int) -> dict:
    """停用用户（管理员）：不能再登录，已有会话和令牌立即失效。"""
    return _user_dict(service.set_active(db, user, user_id, False))


@router.post("/api/users/{user_id}/enable", tags=ACCOUNT_TAGS)
def enable_user(db: SessionDep, user: ApiUser, user_id: int) -> dict:
    """启用用户（管理员）。"""
    return _user_dict(service.set_active(db, user, user_id, True))


@router.get("/api/tokens", tags=ACCOUNT_TAGS)
def read_tokens(db: SessionDep, user: ApiUser) -> list[dict]:
    """当前用户的 API 令牌（名称、创建、最近使用、过期时间和状态；不含令牌本身）。"""
    return [t.to_dict() for t in service.list_api_tokens(db, user)]


@router.post("/api/tokens", tags=ACCOUNT_TAGS, response_model=TokenOut, status_code=201)
def create_token(db: SessionDep, user: ApiUser, body: TokenIn) -> dict:
    """为当前用户创建 API 令牌（只显示一次；默认 90 天后过期）。"""
    token = service.create_api_token(db, user, body.name, body.days)
    return {"token": token, "name": body.name, "expires_at": service.list_api_tokens(db, user)[0].expires_at}


@router.delete("/api/tokens/{token_id}", tags=ACCOUNT_TAGS, status_code=204)
def revoke_token(db: SessionDep, user: ApiUser, token_id: int) -> Response:
    """撤销一个 API 令牌（自己的；管理员可撤销任何人的）。"""
    service.revoke_api_token(db, user, token_id)
    return Response(status_code=204)


@router.post("/api/auth/token", tags=ACCOUNT_TAGS, response_model=TokenGrant)
def token_for_password(request: Request, db: SessionDep, username: Annotated[str, Form()],
                       password: Annotated[str, Form()]) -> dict:
    """用用户名和密码换取新的 API 令牌（OAuth2 密码模式，Swagger 的 “Authorize” 按钮即用此接口）。

    与网页登录一样限制失败次数：失败过多时返回 429“登录失败次数过多，请 N 分钟后再试”。"""
    user = service.authenticate(db, username, password, ip=security.client_ip(request))
    if user is None:
        raise HTTPException(status_code=401, detail="用户名或密码错误", headers={"WWW-Authenticate": "Bearer"})
    token = service.create_api_token(db, user, "接口文档登录")
    return {"access_token": token, "token_type": "bearer",
            "expires_at": service.list_api_tokens(db, user)[0].expires_at}

