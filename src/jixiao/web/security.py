"""Security of the web application: sessions, CSRF and the bearer token of API requests
(passwords and API token digests are in :mod:`jixiao.auth`, stored sessions in
:mod:`jixiao.store.sessions`).

* Sessions are kept on the server. The cookie ``jixiao_session`` (HttpOnly, SameSite=Lax, ``Secure``
  when the app is created with ``https_only``) carries only a random id, nothing to decode; a logged-in
  id has a row in the ``sessions`` table (expiry, last use), an anonymous one (the login form) has none.
  ``login(request, db, user)`` starts a new session under a new id; ``logout(request, db)`` deletes it.
  The ``session_cookie`` middleware in ``app.py`` writes the cookie changes these ask for.
* CSRF: the token of a session is an HMAC of its id under the app's secret (``csrf_token(request)``,
  which gives an anonymous visitor an id on first use); put it in every form as the hidden field
  ``csrf_token`` — or send it as the ``X-CSRF-Token`` header from JS. ``csrf_protect`` is an app-wide
  dependency: every POST/PUT/PATCH/DELETE that is not authenticated by an API bearer token must carry
  the session's token, else 403 ``{"detail": "安全校验失败…"}``.
* API tokens: ``bearer_token(request)`` reads ``Authorization: Bearer`` (``deps.api_user`` checks it).
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import HTTPException, Request, Response

from jixiao.store import service

SESSION_COOKIE = "jixiao_session"
SESSION_MAX_AGE = 12 * 3600  # seconds; the stored session expires at the same time
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_FAILED = "安全校验失败（CSRF 令牌缺失或无效），请刷新页面后重试"
# POST routes that take a user name and password instead of a session (nothing to forge)
CSRF_EXEMPT = frozenset({"/api/auth/token"})


# --- sessions --------------------------------------------------------------------------------------

def session_id(request: Request) -> str | None:
    """The session id of this request: one given out during it, else the cookie's."""
    new = getattr(request.state, "set_sid", None)
    if new:
        return new
    if getattr(request.state, "clear_sid", False):
        return None
    value = request.cookies.get(SESSION_COOKIE)
    return value if value and len(value) <= 100 else None


def client_ip(request: Request) -> str:
    """The client's address (behind a proxy: as uvicorn's ``proxy_headers`` reports it)."""
    return request.client.host if request.client else ""


def login(request: Request, db, user) -> None:
    """Start a fresh server-side session for ``user`` under a new id (so a planted id is useless)."""
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        service.end_session(db, old)
    request.state.set_sid = service.start_session(db, user, user_agent=request.headers.get("user-agent", ""),
                                                  ip=client_ip(request))


def logout(request: Request, db) -> None:
    """End the session on the server and clear the cookie."""
    service.end_session(db, request.cookies.get(SESSION_COOKIE))
    request.state.set_sid = None
    request.state.clear_sid = True


def write_cookie(request: Request, response: Response, *, https_only: bool) -> None:
    """Apply the cookie change asked for during the request (called by the app's middleware)."""
    sid = getattr(request.state, "set_sid", None)
    if sid:
        response.set_cookie(SESSION_COOKIE, sid, max_age=SESSION_MAX_AGE, path="/", httponly=True,
                            samesite="lax", secure=https_only)
    elif getattr(request.state, "clear_sid", False):
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=https_only)


# --- CSRF ------------------------------------------------------------------------------------------

def csrf_for(secret_key: str, sid: str) -> str:
    """The CSRF token of session id ``sid``."""
    return hmac.new(secret_key.encode(), b"csrf:" + sid.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The CSRF token of this session; an anonymous visitor gets a session id here (so the login form
    is protected too)."""
    sid = session_id(request)
    if not sid:
        sid = service.new_session_id()
        request.state.set_sid = sid
        request.state.clear_sid = False
    return csrf_for(request.app.state.settings.secret_key, sid)


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: reject an unsafe request without the session's CSRF token (403).

    API requests (``/api/…``) authenticated with ``Authorization: Bearer`` are exempt (a browser never
    adds that header on its own); the token itself is checked by ``deps.api_user``.
    """
    if request.method in SAFE_METHODS:
        return
    path = request.url.path
    if path.startswith("/api/") and (bearer_token(request) or path in CSRF_EXEMPT):
        return
    sid = request.cookies.get(SESSION_COOKIE)
    expected = csrf_for(request.app.state.settings.secret_key, sid) if sid and len(sid) <= 100 else None
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
