"""Issue 9 in a real browser (Playwright + Debian's chromium, as ``tests/test_browser.py``): a reviewer
uploads two reports, ticks both in the report list and approves them in one go (the result page lists
each), and a negative 调整数 shows with its sign on the report page; the print view hides the
navigation and the working buttons. Screenshots go to ``tests/artifacts/`` (ignored by git)."""

from __future__ import annotations

import pytest

from conftest import SAMPLES
from test_browser import ARGS, ARTIFACTS, chromium, new_page, running_server  # noqa: F401 - chromium is a fixture

TXT = SAMPLES / "示例市示范区司法局_2024年度部门整体支出绩效自评报告.txt"
DOCX = SAMPLES / "示例省样板县司法局_2023年度部门整体支出绩效自评报告.docx"
PASSWORD = "browser-pass-2"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real ``jixiao serve`` on a free port with a reviewer (all regions); yields the base URL."""
    with running_server(tmp_path_factory.mktemp("browser_review"),
                        ["reviewer", "--role", "reviewer", "--name", "赵审核", "--password", PASSWORD]) as url:
        yield url


def test_bulk_approve_and_signed_figures_in_the_browser(chromium, server):  # noqa: F811 - the fixture
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            errors: list[str] = []
            page = new_page(browser, errors)

            page.goto(server + "/login")
            page.fill("#username", "reviewer")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator(".topbar .who")).to_contain_text("赵审核")

            # two reports uploaded
            page.click("nav >> text=上传报告")
            page.set_input_files("#files", [str(TXT), str(DOCX)])
            expect(page.locator(".fileitem.done")).to_have_count(2, timeout=90000)

            # the list: tick both, approve them in one go
            page.click("nav >> text=报告列表")
            rows = page.locator("#report-table tbody tr")
            expect(rows).to_have_count(2)
            expect(page.locator("#report-table tbody")).to_contain_text("待审核")
            page.check("#report-table thead input[data-check-all]")
            expect(page.locator("input[name=report_ids]:checked")).to_have_count(2)
            page.screenshot(path=str(ARTIFACTS / "bulk_list.png"))
            page.click("#bulk-approve")
            expect(page.locator("h1")).to_have_text("批量审核结果")
            expect(page.locator(".pagehead .sub")).to_contain_text("成功 2 份")
            results = page.locator("#bulk-results tbody tr")
            expect(results).to_have_count(2)
            for i in range(2):
                expect(results.nth(i)).to_contain_text("审核通过")
            expect(page.locator("#bulk-results")).to_contain_text("示例市示范区司法局")
            expect(page.locator("#bulk-results")).to_contain_text("示例市样板县司法局")
            page.screenshot(path=str(ARTIFACTS / "bulk_result.png"))

            # back in the list both are approved
            page.click("text=返回报告列表")
            expect(page.locator("#report-table tbody .badge.st-approved")).to_have_count(2)

            # the negative 调整数 keeps its sign in the project table
            page.locator("#report-table a", has_text="示例市示范区司法局").first.click()
            expect(page.locator("h1")).to_contain_text("示例市示范区司法局")
            item = page.locator("tr", has_text="社区矫正工作经费").first
            item.scroll_into_view_if_needed()
            cells = [c.strip() for c in item.locator("td.num").all_inner_texts()]
            assert "-6.4" in cells, cells
            expect(page.locator("#status-badge")).to_have_text("审核通过")
            item.screenshot(path=str(ARTIFACTS / "negative_adjustment.png"))
            page.screenshot(path=str(ARTIFACTS / "detail_after_bulk.png"))

            # the print view: no navigation, no buttons, the figures stay
            page.emulate_media(media="print")
            expect(page.locator(".sidenav")).to_be_hidden()
            expect(page.locator(".topbar")).to_be_hidden()
            expect(page.locator("button").first).to_be_hidden()
            expect(item).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "detail_print.png"), full_page=True)
            page.emulate_media(media="screen")
            assert not errors, errors
        finally:
            browser.close()
    assert (ARTIFACTS / "bulk_result.png").stat().st_size > 10000
