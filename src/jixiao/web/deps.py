"""FastAPI dependencies: the database session, the settings, the logged-in user (session cookie) and
the API user (bearer token, or the session cookie so the pages' JavaScript can call the API).

Use the ``Annotated`` aliases in route signatures: ``SessionDep``, ``SettingsDep``, ``OptionalUser``,
``CurrentUser`` (401 when not logged in; for pages the app turns that 401 into a redirect to
``/login``), ``ApiUser``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPBearer, OAuth2PasswordBearer
from sqlalchemy.orm import Session

from jixiao.store import service
from jixiao.store.models import User
from jixiao.web.security import bearer_token, session_id

LOGIN_REQUIRED = "请先登录"
BAD_TOKEN = "API 令牌无效、已过期或已撤销"
API_LOGIN_REQUIRED = "需要 API 令牌（Authorization: Bearer …）或先登录"


@dataclass
class Settings:
    """What ``create_app`` was configured with (``request.app.state.settings``)."""

    db_url: str
    secret_key: str
    https_only: bool = False
    max_files_per_upload: int = 50


def get_db(request: Request) -> Iterator[Session]:
    """One session per request, closed afterwards (service functions commit what they change)."""
    with request.app.state.session_factory() as session:
        yield session


def get_enqueue(request: Request):
    """The analysis queue's ``enqueue`` (None when uploads are analysed in the request)."""
    jobs = request.app.state.jobs
    return jobs.enqueue if jobs is not None else None


def get_settings(request: Request) -> Settings:
    """The settings ``create_app`` was called with."""
    return request.app.state.settings


SessionDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
EnqueueDep = Annotated[object, Depends(get_enqueue)]


def release(db: Session) -> None:
    """End the session's read transaction, so its database connection goes back to the pool: between
    the dependencies and the handler a request waits for a thread, and must not hold a connection
    meanwhile (200 waiting uploads once exhausted the pool). Loaded objects stay usable."""
    db.commit()


def optional_user(request: Request, db: SessionDep) -> User | None:
    """The user of the session cookie's server-side session, or None (logged out, expired, the password
    changed or the user disabled since)."""
    user = service.session_user(db, session_id(request))
    release(db)
    if user is None:
        return None
    request.state.user = user
    return user


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    """The logged-in user; 401 ``请先登录`` otherwise."""
    if user is None:
        raise HTTPException(status_code=401, detail=LOGIN_REQUIRED)
    return user


# OpenAPI security schemes (documentation only: ``api_user`` reads the header itself). Swagger's
# "Authorize" takes a token (HTTPBearer) or a user name and password (OAuth2 password flow against
# POST /api/auth/token, which returns a new token).
bearer_scheme = HTTPBearer(auto_error=False, scheme_name="令牌", description="API 令牌（jx_…）")
password_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False, scheme_name="用户名密码",
                                       description="用用户名和密码换取令牌（POST /api/auth/token）")


def api_user(request: Request, db: SessionDep, _t: Annotated[object, Depends(bearer_scheme)] = None,
             _p: Annotated[object, Depends(password_scheme)] = None) -> User:
    """The user of the ``Authorization: Bearer`` token; without a token, the session user; else 401."""
    token = bearer_token(request)
    if token:
        user = service.user_for_token(db, token)
        release(db)
        if user is None:
            raise HTTPException(status_code=401, detail=BAD_TOKEN, headers={"WWW-Authenticate": "Bearer"})
        request.state.user = user
        return user
    user = optional_user(request, db)
    if user is None:
        raise HTTPException(status_code=401, detail=API_LOGIN_REQUIRED, headers={"WWW-Authenticate": "Bearer"})
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
ApiUser = Annotated[User, Depends(api_user)]
