"""我的账号: the user's own settings — change the password, create, list and revoke API tokens, see the
logged-in sessions and end the others."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from jixiao.store import service
from jixiao.store.errors import ServiceError
from jixiao.web import security
from jixiao.web.deps import CurrentUser, SessionDep
from jixiao.web.render import redirect, render, to_int

router = APIRouter()


def _page(request: Request, db, user, *, status_code: int = 200, error: str | None = None,
          new_token: str | None = None, token_name: str = ""):
    return render(request, "account.html", user, status_code=status_code, title="我的账号", nav="account",
                  tokens=service.list_api_tokens(db, user), sessions=service.list_sessions(db, user),
                  error=error, new_token=new_token, token_name=token_name, min_password=service.MIN_PASSWORD,
                  token_days=service.token_days())


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, db: SessionDep, user: CurrentUser):
    """我的账号."""
    return _page(request, db, user)


@router.post("/account/password", response_class=HTMLResponse)
async def account_password(request: Request, db: SessionDep, user: CurrentUser):
    """Change one's own password: every session and token of the user ends; this browser gets a new
    session."""
    form = await request.form()
    old, new, again = (str(form.get(k) or "") for k in ("old_password", "new_password", "new_password2"))
    try:
        if new != again:
            raise service.InvalidInput("两次输入的新密码不一致")
        service.change_own_password(db, user, old, new, ip=security.client_ip(request))
    except ServiceError as err:
        db.rollback()
        return _page(request, db, user, status_code=err.status, error=err.message)
    security.login(request, db, user)
    return redirect("/account?msg=password")


@router.post("/account/tokens", response_class=HTMLResponse)
async def account_token_create(request: Request, db: SessionDep, user: CurrentUser):
    """Create a token and show it once."""
    form = await request.form()
    name = str(form.get("name") or "")[:100]
    days = to_int(form.get("days")) if form.get("days") else None
    try:
        token = service.create_api_token(db, user, name, days)
    except ServiceError as err:
        db.rollback()
        return _page(request, db, user, status_code=err.status, error=err.message)
    return _page(request, db, user, new_token=token, token_name=name)


@router.post("/account/tokens/{token_id}/revoke")
def account_token_revoke(db: SessionDep, user: CurrentUser, token_id: int):
    """Revoke one of one's own tokens."""
    service.revoke_api_token(db, user, token_id)
    return redirect("/account?msg=token_revoked")


@router.post("/account/sessions/end-others")
def account_end_other_sessions(request: Request, db: SessionDep, user: CurrentUser):
    """End every session of the user but this browser's (which gets a new id)."""
    service.end_user_sessions(db, user.id)
    security.login(request, db, user)
    return redirect("/account?msg=sessions_ended")
