"""One router per resource. Page handlers and API handlers are thin: they read the request, call
``jixiao.store.service`` and render or return the result; no SQL here."""

from __future__ import annotations

from jixiao.web.routes import account, compare, home, login, reports, tasks, uploads, users

ROUTERS = [login.router, home.router, tasks.router, uploads.router, reports.router, compare.router, users.router,
           account.router]

__all__ = ["ROUTERS"]
