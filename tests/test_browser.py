"""End to end in a real browser: Playwright drives Debian's chromium (never Playwright's own browser
builds) against a real ``jixiao serve`` on a free localhost port.

Log in, upload the bundled sample, see its findings, click a value to its evidence (the evidence is
highlighted and scrolled into view) and a highlight back to its value, correct the value with a reason,
see the change log entry, approve with a comment. A screenshot of the detail page is saved to
``tests/artifacts/detail.png`` (ignored by git).

On a fresh machine the fixture installs chromium and fonts-noto-cjk with apt-get (``tests/system_setup.sh browser``,
when running as root); the test is skipped, with the reason, only when that is impossible.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES
from system_support import install_or_skip

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SAMPLE = SAMPLES / "示例市示范区司法局_2024年度部门整体支出绩效自评报告.txt"
ARTIFACTS = ROOT / "tests" / "artifacts"
PASSWORD = "browser-pass-1"


def _fonts_ok() -> bool:
    try:
        out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.strip())


@pytest.fixture(scope="module")
def chromium() -> str:
    """The path of Debian's chromium, installed on demand (root + apt-get), else skip with the reason."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("未安装 playwright（pip install -e '.[dev]'）")
    if not CHROMIUM.exists() or not _fonts_ok():
        install_or_skip("browser", CHROMIUM.exists)
    return str(CHROMIUM)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _jixiao(*args: str, cwd: Path, **kw) -> subprocess.Popen | subprocess.CompletedProcess:
    cmd = [sys.executable, "-c", "import sys; from jixiao.cli import main; sys.argv[0] = 'jixiao'; main()", *args]
    env = dict(os.environ, PYTHONUNBUFFERED="1", JIXIAO_DATA_DIR=str(cwd))
    if kw.pop("background", False):
        return subprocess.Popen(cmd, cwd=cwd, env=env, **kw)
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=True)


def new_page(browser, errors: list[str]):
    """A desktop-sized Chinese page that records the page's JavaScript errors in ``errors``."""
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page.set_default_timeout(20000)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


@contextmanager
def running_server(folder: Path, *accounts: list[str]):
    """A real ``jixiao serve`` on a free port over a new SQLite database in ``folder``, after
    ``jixiao user add`` with each of ``accounts`` (its arguments); yields the base URL."""
    db = f"sqlite:///{folder / 'jixiao.db'}"
    for args in accounts:
        _jixiao("user", "add", *args, "--db", db, cwd=folder)
    port = _free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed below
    proc = _jixiao("serve", "--db", db, "--host", "127.0.0.1", "--port", str(port), cwd=folder, background=True,
                   stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.close()
                pytest.fail("jixiao serve 未能启动：\n" + (folder / "server.log").read_text()[-3000:])
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real ``jixiao serve`` on a free port, with a reviewer account; yields the base URL."""
    with running_server(tmp_path_factory.mktemp("browser"),
                        ["reviewer", "--role", "reviewer", "--name", "王审核", "--password", PASSWORD]) as url:
        yield url


def test_review_a_report_in_the_browser(chromium, server):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            errors: list[str] = []
            page = new_page(browser, errors)

            # log in
            page.goto(server + "/")
            expect(page).to_have_url(re.compile(r"/login"))
            page.fill("#username", "reviewer")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator(".topbar .who")).to_contain_text("王审核")
            expect(page.locator(".topbar .who")).to_contain_text("审核人员")

            # upload the sample (and a bad file, which fails with its reason while the sample goes on)
            page.click("nav >> text=上传报告")
            bad = ARTIFACTS / "坏文件.pdf"
            bad.write_bytes(b"not a pdf")
            page.set_input_files("#files", [str(SAMPLE), str(bad)])
            done = page.locator(".fileitem.done")
            expect(done).to_have_count(1, timeout=60000)
            expect(page.locator(".fileitem.failed")).to_contain_text("不是 PDF")
            expect(done).to_contain_text("示例市示范区司法局")
            done.locator("a", has_text="查看报告").click()

            # its findings
            expect(page.locator("h1")).to_contain_text("示例市示范区司法局")
            detail_url = page.url.split("?")[0].split("#")[0]
            findings = page.locator("#findings li")
            expect(findings.first).to_be_visible()
            assert findings.count() >= 5
            expect(page.locator("#findings")).to_contain_text("项目支出386.52万元，与所列")
            expect(page.locator("#findings")).to_contain_text("调解成功率记为98.5%")

            # a value → its evidence, highlighted and scrolled into view inside the text pane
            row = page.locator('#facts tr[data-ref="f-project_expenditure"]')
            row.locator("button.go").click()
            evidence = page.locator('#doctext mark[data-ev~="f-project_expenditure"]').first
            expect(evidence).to_have_class(re.compile(r"\bhit\b"))
            expect(evidence).to_be_in_viewport()
            expect(row).to_have_class(re.compile(r"\bhit-row\b"))
            # a finding → its evidence far down the text
            page.locator("#findings li", has_text="调解成功率记为98.5%").click()
            expect(page.locator("#doctext mark.hit").first).to_be_in_viewport()
            expect(page.locator("#doctext mark.hit", has_text="98.5%").first).to_be_visible()
            # a highlight in the text → back to its value
            metric_mark = page.locator('#doctext mark[data-ev^="m-"]').last
            metric_mark.scroll_into_view_if_needed()
            ref = metric_mark.get_attribute("data-ev").split()[0]
            metric_mark.click()
            target = page.locator(f'tr[data-ref="{ref}"]')
            expect(target).to_have_class(re.compile(r"\bhit-row\b"))
            expect(target).to_be_in_viewport()

            # correct the value in place, with a reason
            row = page.locator('#facts tr[data-ref="f-project_expenditure"]')
            row.scroll_into_view_if_needed()
            row.locator("button", has_text="修改").click()
            form = page.locator("#edit-f-project_expenditure form")
            expect(form).to_be_visible()
            form.locator("input[name=new_value]").fill("372.27")
            form.locator("textarea[name=reason]").fill("项目支出以四个项目明细合计为准")
            form.locator("button", has_text="保存").click()
            expect(page.locator(".msg.ok")).to_contain_text("已保存更正")
            log = page.locator("#changelog")
            expect(log).to_contain_text("项目支出以四个项目明细合计为准")
            expect(log).to_contain_text("王审核")
            expect(log).to_contain_text("386.52")
            expect(log).to_contain_text("372.27")
            expect(page.locator('#facts tr[data-ref="f-project_expenditure"]')).to_contain_text("已更正")

            # approve, with a comment; the history shows who and when
            review = page.locator("#review")
            review.locator("textarea[name=comment]").fill("数据已核实，同意通过")
            review.locator("button", has_text="审核通过").click()
            expect(page.locator("#status-badge")).to_have_text("审核通过")
            expect(page.locator("#review .timeline")).to_contain_text("数据已核实，同意通过")
            expect(page.locator("#review .timeline")).to_contain_text("王审核")

            # the report list filters in place (htmx) and keeps the filter in the address
            page.click("nav >> text=报告列表")
            page.select_option("select[name=status]", "approved")
            expect(page).to_have_url(re.compile(r"status=approved"))
            expect(page.locator("#report-table tbody tr")).to_have_count(1)
            page.select_option("select[name=status]", "returned")
            expect(page.locator("#report-table tbody")).to_contain_text("没有符合条件的报告")
            page.go_back()

            # the screenshot: a finding selected, its evidence highlighted
            page.goto(detail_url)
            page.locator("#findings li").first.click()
            page.wait_for_timeout(300)
            page.screenshot(path=str(ARTIFACTS / "detail.png"))
            page.screenshot(path=str(ARTIFACTS / "detail_full.png"), full_page=True)
            assert not errors, errors
        finally:
            browser.close()
    assert (ARTIFACTS / "detail.png").stat().st_size > 20000
