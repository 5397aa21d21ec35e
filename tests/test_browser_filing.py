"""Filing by content in a real browser (issue 9, defect 2): Playwright drives Debian's chromium against a
real ``jixiao serve``, set up as in tests/test_browser.py.

A unit (示例市样板县司法局) uploads another unit's report (the bundled 示范区 sample): the upload row says
the report's unit is not the uploader's and that it is not counted; the report page shows the banner and
the ``filing-mismatch`` finding, whose evidence is the unit name in the text; the unit cannot confirm it.
A reviewer confirms the filing with a reason; the banner and the change log say so. Screenshots are
saved to ``tests/artifacts/filing_upload.png`` and ``tests/artifacts/filing_detail.png`` (ignored by git).
"""

from __future__ import annotations

import re

import pytest

from test_browser import ARGS, ARTIFACTS, SAMPLE, chromium, new_page, running_server  # noqa: F401 - chromium: a fixture

PASSWORD = "browser-pass-1"
UNIT_B = "示例市样板县司法局"
UNIT_A = "示例市示范区司法局"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real ``jixiao serve`` on a free port, with a unit account of 样板县 and a reviewer."""
    with running_server(tmp_path_factory.mktemp("browser_filing"),
                        ["yangban", "--role", "unit", "--unit", UNIT_B, "--name", "样板县填报人", "--password", PASSWORD],
                        ["reviewer", "--role", "reviewer", "--name", "王审核", "--password", PASSWORD]) as url:
        yield url


def _login(page, server: str, username: str) -> None:
    page.goto(server + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_unit_uploads_another_units_report_and_sees_the_mismatch(chromium, server):  # noqa: F811 - the fixture
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            errors: list[str] = []
            page = new_page(browser, errors)

            # 样板县 uploads 示范区's report
            _login(page, server, "yangban")
            expect(page.locator(".topbar .who")).to_contain_text("样板县填报人")
            page.click("nav >> text=上传报告")
            page.set_input_files("#files", [str(SAMPLE)])
            done = page.locator(".fileitem.done")
            expect(done).to_have_count(1, timeout=60000)
            warning = done.locator(".filing-warn")
            expect(warning).to_contain_text(f"报告单位为“{UNIT_A}”，与上传单位“{UNIT_B}”不符")
            expect(warning).to_contain_text("不计入本单位的报送")
            page.screenshot(path=str(ARTIFACTS / "filing_upload.png"))
            done.locator("a", has_text="查看报告").click()

            # the report page: banner, finding with its evidence, no confirmation for the unit
            banner = page.locator("#filing")
            expect(banner).to_contain_text(f"归属不符，暂不计入“{UNIT_B}”的报送")
            expect(banner).to_contain_text(f"报告单位为“{UNIT_A}”")
            expect(banner.locator("button", has_text="确认归属")).to_have_count(0)
            detail_url = page.url.split("?")[0].split("#")[0]
            finding = page.locator("#findings li", has_text="与上传单位")
            expect(finding).to_contain_text("W001 归属不符")
            finding.click()
            hit = page.locator("#doctext mark.hit").first
            expect(hit).to_be_in_viewport()
            expect(hit).to_contain_text("示范区")
            page.wait_for_timeout(300)
            page.screenshot(path=str(ARTIFACTS / "filing_detail.png"))

            # the report list marks it
            page.click("nav >> text=本单位报告")
            expect(page.locator("#report-table tbody")).to_contain_text("归属不符")
            assert not errors, errors

            # a reviewer confirms the filing, with a reason
            reviewer = new_page(browser, errors)
            _login(reviewer, server, "reviewer")
            expect(reviewer.locator(".topbar .who")).to_contain_text("王审核")
            reviewer.goto(detail_url)
            form = reviewer.locator("#filing form")
            form.locator("textarea[name=reason]").fill("经电话核实，系样板县司法局报送，封面单位名称填写有误")
            form.locator("button", has_text="确认归属").click()
            expect(reviewer).to_have_url(re.compile(r"msg=filing"))
            expect(reviewer.locator(".msg.ok")).to_contain_text("已确认归属")
            expect(reviewer.locator("#filing")).to_contain_text(f"已计入“{UNIT_B}”的报送")
            expect(reviewer.locator("#changelog")).to_contain_text("经电话核实，系样板县司法局报送")
            expect(reviewer.locator("#changelog")).to_contain_text("报告归属")
            assert not errors, errors
        finally:
            browser.close()
    assert (ARTIFACTS / "filing_detail.png").stat().st_size > 20000
