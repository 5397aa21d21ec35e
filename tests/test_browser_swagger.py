"""Swagger UI in a real browser (issue 9, defect 11): "Authorize" with a user name and password gets a
token through POST /api/auth/token, and "Try it out" then calls the API with it.

Uses the ``jixiao serve`` fixture of ``test_browser.py`` and Debian's chromium when it is installed
(``test_browser.py`` installs it; this file, which runs in the quick suite too, never calls apt-get and
is skipped with the reason when chromium or playwright is missing).
"""

from __future__ import annotations

import json

import pytest

from test_browser import ARGS, CHROMIUM, PASSWORD, server  # noqa: F401 - the fixture is used by name


@pytest.fixture(scope="module")
def chromium_here() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("未安装 playwright（pip install -e '.[dev]'）")
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium 不存在（运行 sh tests/system_setup.sh browser 安装）")
    return str(CHROMIUM)


def test_swagger_authorize_with_password_then_try_it_out(chromium_here, server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_here, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
            page.set_default_timeout(20000)
            page.goto(server + "/api/docs")
            page.click("button.authorize")
            modal = page.locator(".modal-ux")
            expect(modal).to_contain_text("/api/auth/token")
            oauth = modal.locator(".auth-container", has_text="用户名密码")
            oauth.locator("#oauth_username").fill("reviewer")
            oauth.locator("#oauth_password").fill(PASSWORD)
            oauth.locator("button.authorize").click()
            expect(oauth).to_contain_text("Authorized")
            oauth.locator("button.btn-done").click()

            op = page.locator("#operations-账号与令牌-read_tokens_api_tokens_get")
            op.locator(".opblock-summary").click()
            op.locator("button.try-out__btn").click()
            op.locator("button.execute").click()
            body = op.locator(".live-responses-table .response-col_description pre.microlight").first
            expect(body).to_contain_text("接口文档登录")
            tokens = json.loads(body.inner_text())
            assert tokens[0]["name"] == "接口文档登录" and tokens[0]["state"] == "active"
        finally:
            browser.close()
