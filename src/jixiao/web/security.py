"""Security of the web application: sessions, CSRF and the bearer token of API requests
(passwords and API token digests are in :mod:`jixiao.auth`).

* Sessions: Starlette's ``SessionMiddleware`` keeps ``request.session`` in a cookie signed with
  itsdangerous (HttpOnly, SameSite=Lax, ``Secure`` when the app is created with ``https_only``).
  The session holds ``uid`` (user id), ``pwf`` (a fingerprint of the password hash, so a password
  change ends every other session) and ``csrf``. Use ``login(request, user)`` / ``logout(request)``.
* CSRF: one random token per session (``csrf_token(request)`` creates it on first use; put it in every
  form as the hidden field ``csrf_token`` — or send it as the ``X-CSRF-Token`` header from JS).
  ``csrf_protect`` is an app-wide dependency: every POST/PUT/PATCH/DELETE that is not authenticated by
  an API bearer token must carry the session's token, else 403 ``{"detail": "安全校验失败…"}``.
* API tokens: ``bearer_token(request)`` reads ``Authorization: Bearer`` (``deps.api_user`` checks it).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request

from jixiao.auth import password_fingerprint

SESSION_COOKIE = "jixiao_session"
SESSION_MAX_AGE = 12 * 3600  # seconds; a signed cookie older than this is ignored
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_FAILED = "安全校验失败（CSRF 令牌缺失或无效），请刷新页面后重试"


# --- sessions --------------------------------------------------------------------------------------

def login(request: Request, user) -> None:
    """Start a fresh session for ``user`` (clears the old one and rotates the CSRF token)."""
    request.session.clear()
    request.session["uid"] = user.id
    request.session["pwf"] = password_fingerprint(user.password_hash)
    request.session["csrf"] = secrets.token_urlsafe(32)


def logout(request: Request) -> None:
    """End the session (the cookie is cleared on the response)."""
    request.session.clear()


def session_user_id(request: Request) -> tuple[int | None, str | None]:
    """``(user id, password fingerprint)`` from the session cookie, or ``(None, None)``."""
    session = request.scope.get("session") or {}
    uid = session.get("uid")
    return (uid if isinstance(uid, int) else None), session.get("pwf")


def csrf_token(request: Request) -> str:
    """The CSRF token of this session, created on first use (anonymous sessions get one too, so the
    login form is protected)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: reject an unsafe request without the session's CSRF token (403).

    API requests (``/api/…``) authenticated with ``Authorization: Bearer`` are exempt (a browser never
    adds that header on its own); the token itself is checked by ``deps.api_user``.
    """
    if request.method in SAFE_METHODS:
        return
    if bearer_token(request) and request.url.path.startswith("/api/"):
        return
    expected = (request.scope.get("session") or {}).get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            try:
                form = await request.form()
            except Exception:  # noqa: BLE001 - a malformed body is simply not a valid CSRF proof
                form = {}
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        raise HTTPException(status_code=403, detail=CSRF_FAILED)


# --- API tokens ------------------------------------------------------------------------------------

def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, or None."""
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None
