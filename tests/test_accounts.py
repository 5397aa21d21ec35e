"""Accounts and sessions (issue 9, defects 8, 9, 10 and the Swagger part of 11).

* 8 — server-side sessions: the cookie is an opaque random id; logout, a password change and disabling
  the user end it on the server (a copied cookie stops working); expired sessions are refused.
* 9 — login throttling per account and per address, in Chinese, also for the right password during a
  lock, without running argon2 for a throttled attempt; concurrent password hashing is bounded.
* 10 — API tokens expire, are listed and revoked (API, page, CLI) and end on a password change; users
  can be disabled and enabled; the password policy; regions checked against the gazetteer.
* 11 (Swagger) — the OpenAPI security schemes, and a token obtained with a user name and password.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from base64 import urlsafe_b64decode
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jixiao import auth
from jixiao.cli import app as cli_app
from jixiao.store import service
from jixiao.store.errors import InvalidInput
from jixiao.store.models import ApiToken, LoginSession, LoginThrottle, User, utcnow
from jixiao.web.security import SESSION_COOKIE
from web_support import PASSWORD, make_world


@pytest.fixture
def w(sqlite_url):
    world = make_world(sqlite_url, reports=False)
    yield world
    world.client.close()
    world.app.state.engine.dispose()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def form_login(w, username: str, password: str = PASSWORD, client: TestClient | None = None):
    c = client or TestClient(w.app)
    token = _csrf(c.get("/login").text)
    r = c.post("/login", data={"username": username, "password": password, "csrf_token": token, "next": "/"},
               follow_redirects=False)
    return c, r


# --- defect 8: sessions ------------------------------------------------------------------------------

def test_session_cookie_is_an_opaque_random_id_kept_on_the_server(w):
    c, r = form_login(w, "reviewer")
    assert r.status_code == 303
    cookie = c.cookies.get(SESSION_COOKIE)
    assert cookie and re.fullmatch(r"[A-Za-z0-9_-]{40,}", cookie)  # no signature, no payload
    try:
        decoded = urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4))
    except ValueError:
        decoded = b""
    assert b"uid" not in decoded and b"reviewer" not in decoded
    with w.db() as s:
        row = s.get(LoginSession, hashlib.sha256(cookie.encode()).hexdigest())
        assert row is not None and row.user_id == w.users["reviewer"].id  # only its digest is stored
        assert s.query(LoginSession).filter(LoginSession.id_hash == cookie).count() == 0


def test_logout_ends_the_session_for_a_copied_cookie(w):
    c, _ = form_login(w, "reviewer")
    stolen = c.cookies.get(SESSION_COOKIE)
    assert c.get("/api/me").json()["username"] == "reviewer"
    page = c.get("/reports").text
    r = c.post("/logout", data={"csrf_token": _csrf(page)}, follow_redirects=False)
    assert r.status_code == 303
    thief = TestClient(w.app)
    thief.cookies.set(SESSION_COOKIE, stolen)
    assert thief.get("/api/me").status_code == 401
    assert thief.get("/reports", follow_redirects=False).headers["location"].startswith("/login")


def test_expired_and_idle_sessions_are_refused(w):
    c, _ = form_login(w, "admin")
    digest = hashlib.sha256(c.cookies.get(SESSION_COOKIE).encode()).hexdigest()
    assert c.get("/api/me").status_code == 200
    with w.db() as s:
        row = s.get(LoginSession, digest)
        row.last_seen_at = utcnow() - timedelta(hours=5)  # idle longer than IDLE_HOURS
        s.commit()
    assert c.get("/api/me").status_code == 401
    c, _ = form_login(w, "admin")
    digest = hashlib.sha256(c.cookies.get(SESSION_COOKIE).encode()).hexdigest()
    with w.db() as s:
        s.get(LoginSession, digest).expires_at = utcnow() - timedelta(seconds=1)
        s.commit()
    assert c.get("/api/me").status_code == 401


def test_password_change_ends_every_session_and_token(w):
    c1, _ = form_login(w, "unit_a")
    c2, _ = form_login(w, "unit_a")
    token = w.users["unit_a"].auth
    assert c1.get("/api/me").status_code == c2.get("/api/me").status_code == 200
    assert w.client.get("/api/me", headers=token).status_code == 200
    with w.db() as s:
        service.set_password(s, "unit_a", "a-new-pass-2026")
    assert c1.get("/api/me").status_code == c2.get("/api/me").status_code == 401
    assert w.client.get("/api/me", headers=token).status_code == 401
    with w.db() as s:
        assert s.query(LoginSession).filter_by(user_id=w.users["unit_a"].id).count() == 0


def test_own_password_change_on_the_account_page(w):
    c, _ = form_login(w, "unit_b")
    other, _ = form_login(w, "unit_b")
    page = c.get("/account").text
    r = c.post("/account/password", data={"csrf_token": _csrf(page), "old_password": "wrong-password",
                                          "new_password": "b-new-pass-2026", "new_password2": "b-new-pass-2026"})
    assert r.status_code == 400 and "原密码不正确" in r.text
    r = c.post("/account/password", data={"csrf_token": _csrf(page), "old_password": PASSWORD,
                                          "new_password": "12345678", "new_password2": "12345678"})
    assert r.status_code == 400 and "密码至少 10 位" in r.text
    r = c.post("/account/password", data={"csrf_token": _csrf(page), "old_password": PASSWORD,
                                          "new_password": "b-new-pass-2026", "new_password2": "b-new-pass-2026"},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/account?msg=password"
    assert c.get("/api/me").status_code == 200  # this browser got a new session
    assert other.get("/api/me").status_code == 401  # the other one ended
    assert form_login(w, "unit_b", "b-new-pass-2026")[1].status_code == 303


def test_end_other_sessions_from_the_account_page(w):
    here, _ = form_login(w, "admin")
    there, _ = form_login(w, "admin")
    page = here.get("/account").text
    assert page.count('id="session-table"') == 1 and "退出其他会话" in page
    r = here.post("/account/sessions/end-others", data={"csrf_token": _csrf(page)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/account?msg=sessions_ended"
    assert there.get("/api/me").status_code == 401
    assert "其他已登录的会话均已退出" in here.get("/account?msg=sessions_ended").text


def test_own_password_change_by_api(w):
    auth_b = w.users["unit_b"].auth
    r = w.client.post("/api/me/password", headers=auth_b, json={"old_password": PASSWORD, "new_password": " " * 12})
    assert r.status_code == 400 and r.json() == {"detail": "密码不能为空或只有空格"}
    r = w.client.post("/api/me/password", headers=auth_b, json={"old_password": "wrong-password",
                                                                 "new_password": "b-new-pass-2026"})
    assert r.status_code == 400 and r.json() == {"detail": "原密码不正确"}
    r = w.client.post("/api/me/password", headers=auth_b, json={"old_password": PASSWORD,
                                                                 "new_password": "b-new-pass-2026"})
    assert r.status_code == 204
    assert w.client.get("/api/me", headers=auth_b).status_code == 401  # every token ended, this one too
    r = w.client.post("/api/auth/token", data={"username": "unit_b", "password": "b-new-pass-2026"})
    assert r.status_code == 200


# --- defect 9: throttling -----------------------------------------------------------------------------

def test_right_password_refused_after_too_many_failures(w):
    c = TestClient(w.app)
    for _ in range(5):
        _, r = form_login(w, "admin", "wrong-password", client=c)
        assert r.status_code == 401 and "用户名或密码错误" in r.text
    _, r = form_login(w, "admin", PASSWORD, client=c)
    assert r.status_code == 429 and "登录失败次数过多，请 5 分钟后再试" in r.text
    assert c.get("/api/me").status_code == 401
    # another account from another address is not affected
    with w.db() as s:
        assert service.authenticate(s, "reviewer", PASSWORD, ip="10.0.0.9") is not None


def test_throttled_attempt_does_not_run_argon2_and_lock_grows(w, monkeypatch):
    with w.db() as s:
        for _ in range(5):
            assert service.authenticate(s, "unit_a", "wrong-password", ip="10.1.1.1") is None
        calls = []
        real = auth._hasher

        class Counting:
            def verify(self, *a):
                calls.append(1)
                return real.verify(*a)

            def __getattr__(self, name):
                return getattr(real, name)

        monkeypatch.setattr(auth, "_hasher", Counting())
        for _ in range(3):
            with pytest.raises(service.LoginThrottled, match="请 5 分钟后再试"):
                service.authenticate(s, "unit_a", PASSWORD, ip="10.1.1.2")
        assert calls == []  # locked: the password was never checked
        monkeypatch.setattr(auth, "_hasher", real)
        # the lock ends; five more failures lock it again, twice as long
        row = s.get(LoginThrottle, "user:unit_a")
        row.locked_until = utcnow() - timedelta(seconds=1)
        s.commit()
        for _ in range(5):
            assert service.authenticate(s, "unit_a", "wrong-password", ip="10.1.1.3") is None
        with pytest.raises(service.LoginThrottled, match="请 10 分钟后再试"):
            service.authenticate(s, "unit_a", PASSWORD, ip="10.1.1.3")
        # after the lock, the right password works and clears the account's count
        row = s.get(LoginThrottle, "user:unit_a")
        row.locked_until = utcnow() - timedelta(seconds=1)
        s.commit()
        assert service.authenticate(s, "unit_a", PASSWORD, ip="10.1.1.4") is not None
        assert s.get(LoginThrottle, "user:unit_a").failures == 0


def test_throttled_per_address_across_accounts(w):
    with w.db() as s:
        for i in range(20):
            assert service.authenticate(s, f"guess{i}", "wrong-password", ip="192.0.2.7") is None
        with pytest.raises(service.LoginThrottled, match="登录失败次数过多"):
            service.authenticate(s, "admin", PASSWORD, ip="192.0.2.7")
        assert service.authenticate(s, "admin", PASSWORD, ip="192.0.2.8") is not None


def test_concurrent_password_checks_are_bounded(monkeypatch):
    """40 concurrent logins must not run 40 argon2 computations (64 MiB each) at once."""
    state = {"now": 0, "max": 0}
    lock = threading.Lock()

    class SlowHasher:
        def verify(self, _hash, _password):
            with lock:
                state["now"] += 1
                state["max"] = max(state["max"], state["now"])
            time.sleep(0.02)
            with lock:
                state["now"] -= 1
            return False

    monkeypatch.setattr(auth, "_hasher", SlowHasher())
    threads = [threading.Thread(target=auth.verify_password, args=("h", "p")) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 1 <= state["max"] <= auth.HASH_SLOTS


def test_flooded_hashing_answers_busy_in_chinese(w, monkeypatch):
    """When every hashing slot stays taken, a login waits at most HASH_WAIT and gets a Chinese 503."""
    monkeypatch.setattr(auth, "HASH_WAIT", 0.2)
    taken = 0
    while auth._slots.acquire(blocking=False):
        taken += 1
    try:
        assert taken == auth.HASH_SLOTS
        c = TestClient(w.app)
        _, r = form_login(w, "admin", PASSWORD, client=c)
        assert r.status_code == 503 and "服务器繁忙，请稍后再登录" in r.text
    finally:
        for _ in range(taken):
            auth._slots.release()
    assert form_login(w, "admin")[1].status_code == 303


# --- defect 10: tokens, disabling, password policy, regions -------------------------------------------

def test_tokens_expire_list_and_revoke_by_api(w):
    auth_a = w.users["unit_a"].auth
    r = w.client.post("/api/tokens", headers=auth_a, json={"name": "脚本", "days": 30})
    assert r.status_code == 201 and r.json()["expires_at"]
    new = {"Authorization": f"Bearer {r.json()['token']}"}
    tokens = w.client.get("/api/tokens", headers=new).json()
    assert [t["name"] for t in tokens] == ["脚本", "test"] and all(t["state"] == "active" for t in tokens)
    assert "token" not in tokens[0] and "token_hash" not in tokens[0]
    # expiry
    with w.db() as s:
        s.get(ApiToken, tokens[0]["id"]).expires_at = utcnow() - timedelta(seconds=1)
        s.commit()
    r = w.client.get("/api/me", headers=new)
    assert r.status_code == 401 and "已过期" in r.json()["detail"]
    assert w.client.get("/api/tokens", headers=auth_a).json()[0]["state_label"] == "已过期"
    # revoke; another user's token is not found
    own = tokens[1]["id"]
    assert w.client.delete(f"/api/tokens/{own}", headers=w.users["unit_b"].auth).status_code == 404
    assert w.client.delete(f"/api/tokens/{own}", headers=auth_a).status_code == 204
    assert w.client.get("/api/me", headers=auth_a).status_code == 401
    # default lifetime: 90 days
    with w.db() as s:
        service.create_api_token(s, s.get(User, w.users["admin"].id), "默认")
        row = s.query(ApiToken).order_by(ApiToken.id.desc()).first()
        left = row.expires_at.replace(tzinfo=None) - row.created_at.replace(tzinfo=None)
        assert timedelta(days=89) < left <= timedelta(days=90)
    r = w.client.post("/api/tokens", headers=w.users["admin"].auth, json={"days": 0})
    assert r.status_code == 422


def test_tokens_on_the_account_page(w):
    c, _ = form_login(w, "reviewer")
    page = c.get("/account")
    assert page.status_code == 200 and "API 令牌" in page.text and "test" in page.text
    r = c.post("/account/tokens", data={"csrf_token": _csrf(page.text), "name": "统计", "days": "7"})
    token = re.search(r'<code class="token">([^<]+)</code>', r.text).group(1)
    assert w.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with w.db() as s:
        tid = s.query(ApiToken).filter_by(name="统计").one().id
    r = c.post(f"/account/tokens/{tid}/revoke", data={"csrf_token": _csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert w.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert "已撤销" in c.get("/account").text


def test_token_cli(w, sqlite_url):
    runner = CliRunner()
    r = runner.invoke(cli_app, ["token", "create", "unit_b", "--name", "命令行", "--days", "3", "--db", sqlite_url])
    assert r.exit_code == 0, r.output
    token = r.stdout.strip().splitlines()[-1]
    assert w.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["username"] == "unit_b"
    r = runner.invoke(cli_app, ["token", "list", "unit_b", "--db", sqlite_url])
    assert r.exit_code == 0 and "命令行" in r.output and "有效" in r.output and token not in r.output
    tid = int(re.search(r"^(\d+)\s+命令行", r.output, re.M).group(1))
    r = runner.invoke(cli_app, ["token", "revoke", "unit_a", str(tid), "--db", sqlite_url])
    assert r.exit_code == 2 and "令牌不存在" in r.output  # not unit_a's token
    r = runner.invoke(cli_app, ["token", "revoke", "unit_b", str(tid), "--db", sqlite_url])
    assert r.exit_code == 0
    assert w.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    r = runner.invoke(cli_app, ["token", "create", "unit_b", "--days", "0", "--db", sqlite_url])
    assert r.exit_code == 2 and "有效天数" in r.output


def test_disabled_user_cannot_log_in_and_sessions_and_tokens_stop(w):
    c, _ = form_login(w, "unit_a")
    token = w.users["unit_a"].auth
    admin = w.users["admin"].auth
    uid = w.users["unit_a"].id
    r = w.client.post(f"/api/users/{uid}/disable", headers=w.users["reviewer"].auth)
    assert r.status_code == 403 and "只有管理员" in r.json()["detail"]
    r = w.client.post(f"/api/users/{w.users['admin'].id}/disable", headers=admin)
    assert r.status_code == 400 and "不能停用自己" in r.json()["detail"]
    r = w.client.post(f"/api/users/{uid}/disable", headers=admin)
    assert r.status_code == 200 and r.json()["active"] is False
    assert c.get("/api/me").status_code == 401
    assert w.client.get("/api/me", headers=token).status_code == 401
    assert form_login(w, "unit_a")[1].status_code == 401
    assert w.client.post(f"/api/users/{uid}/enable", headers=admin).json()["active"] is True
    assert w.client.get("/api/me", headers=token).status_code == 200
    assert form_login(w, "unit_a")[1].status_code == 303
    assert [u["username"] for u in w.client.get("/api/users", headers=admin).json()][:2] == ["admin", "reviewer"]


def test_disable_enable_on_the_users_page_and_cli(w, sqlite_url):
    c, _ = form_login(w, "admin")
    page = c.get("/users").text
    uid = w.users["unit_b"].id
    assert f'action="/users/{uid}/disable"' in page
    r = c.post(f"/users/{uid}/disable", data={"csrf_token": _csrf(page)}, follow_redirects=False)
    assert r.status_code == 303
    assert "用户已停用" in c.get(r.headers["location"]).text
    assert w.client.get("/api/me", headers=w.users["unit_b"].auth).status_code == 401
    runner = CliRunner()
    r = runner.invoke(cli_app, ["user", "enable", "unit_b", "--db", sqlite_url])
    assert r.exit_code == 0 and "已启用" in r.output
    assert w.client.get("/api/me", headers=w.users["unit_b"].auth).status_code == 200
    r = runner.invoke(cli_app, ["user", "disable", "unit_b", "--db", sqlite_url])
    assert r.exit_code == 0 and "已停用" in r.output
    assert w.client.get("/api/me", headers=w.users["unit_b"].auth).status_code == 401
    unit_c, _ = form_login(w, "unit_a")
    assert unit_c.post(f"/users/{uid}/enable", data={"csrf_token": _csrf(unit_c.get('/account').text)}
                       ).status_code == 404


@pytest.mark.parametrize(("password", "reason"), [
    ("12345678", "密码至少 10 位"), (" " * 12, "不能为空或只有空格"), ("aaaaaaaaaaaa", "同一个字符"),
    ("zhangsan2026", "不能与用户名相同或包含用户名"), ("1234567890", "过于常见"), ("Password123", "过于常见"),
])
def test_password_policy(w, password, reason):
    with w.db() as s:
        with pytest.raises(InvalidInput, match=reason):
            service.create_user(s, username="zhangsan", password=password, role="admin")
        assert s.query(User).filter_by(username="zhangsan").count() == 0
        with pytest.raises(InvalidInput, match=reason):
            service.set_password(s, "admin", password.replace("zhangsan", "admin1"))
    assert service.password_problem("a-good-pass-2026", "zhangsan") is None


def test_regions_checked_against_the_gazetteer(w):
    with w.db() as s:
        with pytest.raises(InvalidInput, match="未知的地区：“长沙是”.*长沙市"):
            service.create_user(s, username="r1", password=PASSWORD, role="reviewer", region="长沙是")
        assert service.create_user(s, username="r2", password=PASSWORD, role="reviewer", region="天心区").region == "天心区"
        short = service.create_user(s, username="r3", password=PASSWORD, role="reviewer", region="恩施州")
        assert short.region == "恩施土家族苗族自治州"  # reports carry the full name
        # a region of a stored unit is known too (the samples' 示例市)
        assert service.create_user(s, username="r4", password=PASSWORD, role="reviewer", region="示例市").region == "示例市"
        assert s.query(User).filter_by(username="r1").count() == 0


# --- Swagger (defect 11) ------------------------------------------------------------------------------

def test_openapi_security_schemes_let_swagger_authorise(w):
    spec = w.client.get("/api/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    kinds = {(v["type"], v.get("scheme")) for v in schemes.values()}
    assert ("http", "bearer") in kinds
    oauth = [v for v in schemes.values() if v["type"] == "oauth2"]
    assert oauth and oauth[0]["flows"]["password"]["tokenUrl"] == "/api/auth/token"
    assert spec["paths"]["/api/reports"]["get"]["security"]
    assert "/api/auth/token" in spec["paths"] and "/api/tokens/{token_id}" in spec["paths"]


def test_token_for_user_name_and_password(w):
    r = w.client.post("/api/auth/token", data={"username": "reviewer", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["token_type"] == "bearer" and r.json()["expires_at"]
    token = r.json()["access_token"]
    assert w.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["username"] == "reviewer"
    r = w.client.post("/api/auth/token", data={"username": "reviewer", "password": "wrong-password"})
    assert r.status_code == 401 and r.json() == {"detail": "用户名或密码错误"}
    # works from a browser that is also logged in (Swagger sends the cookie, no CSRF token)
    c, _ = form_login(w, "admin")
    assert c.post("/api/auth/token", data={"username": "admin", "password": PASSWORD}).status_code == 200
    # throttled like the login form
    for _ in range(4):
        w.client.post("/api/auth/token", data={"username": "reviewer", "password": "wrong-password"})
    r = w.client.post("/api/auth/token", data={"username": "reviewer", "password": PASSWORD})
    assert r.status_code == 429 and r.json()["detail"] == "登录失败次数过多，请 5 分钟后再试"


# --- the same on PostgreSQL (the ``world`` fixture runs on SQLite and PostgreSQL) ---------------------------

def test_sessions_throttle_and_tokens_on_each_database(world):
    w = world
    c, r = form_login(w, "reviewer")
    assert r.status_code == 303 and c.get("/api/me").json()["username"] == "reviewer"
    stolen = c.cookies.get(SESSION_COOKIE)
    c.post("/logout", data={"csrf_token": _csrf(c.get("/account").text)})
    thief = TestClient(w.app)
    thief.cookies.set(SESSION_COOKIE, stolen)
    assert thief.get("/api/me").status_code == 401
    with w.db() as s:
        for _ in range(5):
            assert service.authenticate(s, "unit_b", "wrong-password", ip="198.51.100.1") is None
        with pytest.raises(service.LoginThrottled):
            service.authenticate(s, "unit_b", PASSWORD, ip="198.51.100.2")
        # stale rows are cleaned up on a later success
        s.get(LoginThrottle, "ip:198.51.100.1").window_start = utcnow() - timedelta(days=2)
        s.commit()
        assert service.authenticate(s, "admin", PASSWORD, ip="198.51.100.3") is not None
        assert s.get(LoginThrottle, "ip:198.51.100.1") is None
    tid = w.client.get("/api/tokens", headers=w.users["unit_a"].auth).json()[0]["id"]
    assert w.client.delete(f"/api/tokens/{tid}", headers=w.users["unit_a"].auth).status_code == 204
    assert w.client.get("/api/me", headers=w.users["unit_a"].auth).status_code == 401


def test_concurrent_failed_logins_are_all_counted(world):
    """30 wrong passwords at once for one account (each thread its own database session): exactly the
    first 5 are checked, the other 25 are refused as throttled — no attempt slips through uncounted."""
    from concurrent.futures import ThreadPoolExecutor

    def attempt(i: int) -> str:
        with world.db() as s:
            try:
                return "checked" if service.authenticate(s, "reviewer", "wrong-password", ip=f"203.0.113.{i}") is None \
                    else "in"
            except service.LoginThrottled:
                return "throttled"

    with ThreadPoolExecutor(10) as pool:
        outcomes = list(pool.map(attempt, range(30)))
    assert outcomes.count("checked") == 5 and outcomes.count("throttled") == 25
