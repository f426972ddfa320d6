"""The landing page, table downloads and the data page as a reader meets them in Chromium, offline.

Every request that leaves localhost is blocked (tests/browser.py). Screenshots go to
test-artifacts/browser/ (landing_findings.png, chapter_with_download.png, open_data.png).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import Page

from tests.browser import screenshot, watch
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1300, "height": 900}, accept_downloads=True)
    yield context.new_page()
    context.close()


def open_page(page: Page, site: str, path: str):
    log = watch(page, site)
    page.goto(f"{site}/{path}", wait_until="networkidle")
    charts = page.locator(".book-chart")
    for i in range(charts.count()):
        charts.nth(i).locator("svg").first.wait_for(state="attached", timeout=15_000)
    return log


def assert_clean(log, path: str) -> None:
    assert log.blocked == [], f"{path} tried to fetch from another host: {log.blocked}"
    assert log.failed == [], f"{path}: failed loads {log.failed}"
    assert log.console_errors == [], f"{path}: {log.console_errors}"


def test_the_landing_page_answers_first_and_links_each_finding(page, site):
    log = open_page(page, site, "index.html")
    assert page.url.endswith("/book/intro.html")
    findings = page.locator("ol.book-findings > li")
    assert findings.count() == 5
    # The findings come before the chapter guide, and each names the chapter it comes from.
    main = page.locator("main").inner_text()
    assert main.index("costliest errors") < main.index("What the chapters answer")
    for i in range(findings.count()):
        assert findings.nth(i).locator("a[href$='.html']").count() >= 1, f"finding {i + 1} links no chapter"
    assert re.search(r"\d", findings.nth(0).inner_text()), "the errors finding carries no figure"
    assert "guide's own prices" in main or "today's prices (the imported snapshot" in main
    chart = page.locator(".book-chart")
    assert chart.count() == 1 and chart.locator("g[class*='mark-'] path, g[class*='mark-'] symbol, "
                                                "g[class*='mark-symbol'] path").count() > 0
    screenshot(page, "landing_findings", full_page=True)  # before any scroll, or the sticky header lands mid-page
    screenshot(page.locator("ol.book-findings"), "landing_findings_list")
    assert_clean(log, "book/intro.html")


def table_on_page(table) -> pd.DataFrame:
    """The table as the reader sees it: header and cell texts, read from the page itself."""
    head = table.locator("thead th").all_inner_texts()
    rows = table.locator("tbody tr").evaluate_all(
        "trs => trs.map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.innerText.trim()))")
    return pd.DataFrame(rows, columns=head)


def test_a_table_downloads_as_csv_with_the_numbers_on_the_page(page, site):
    log = open_page(page, site, "book/intro.html")
    output = page.locator(".cell_output", has=page.locator("a[download='cheapest-per-tier-today.csv']"))
    link = output.locator("a[download='cheapest-per-tier-today.csv']")
    shown = table_on_page(output.locator("table").first)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "cheapest-per-tier-today.csv"
    csv = pd.read_csv(download.path())
    assert list(csv.columns) == ["tier", "provider", "model", "input price (usd_per_mtok)",
                                 "output price (usd_per_mtok)", "reference request (usd_per_request)"]
    assert csv["model"].tolist() == shown["model"].tolist() and csv["tier"].tolist() == shown["tier"].tolist()
    # The page rounds for reading; the file keeps the raw price, which rounds to the page's text.
    from lib.book.figures import fmt_usd

    assert [fmt_usd(v) for v in csv["input price (usd_per_mtok)"]] == shown["input price"].tolist()
    assert [fmt_usd(v) for v in csv["reference request (usd_per_request)"]] == shown["reference request"].tolist()
    assert_clean(log, "book/intro.html")


def test_a_chapter_page_offers_each_table_for_download(page, site):
    log = open_page(page, site, "book/prices_now.html")
    tables = page.locator(".cell_output table.book-table")
    links = page.locator(".cell_output a[download$='.csv']")
    assert tables.count() >= 1 and links.count() == tables.count()
    names = links.evaluate_all("els => els.map(e => e.getAttribute('download'))")
    assert len(set(names)) == len(names), f"two tables download under one name: {names}"
    links.first.scroll_into_view_if_needed()
    screenshot(page, "chapter_with_download", full_page=False)
    assert_clean(log, "book/prices_now.html")


def test_the_data_page_downloads_every_data_file_and_the_records(page, site):
    log = open_page(page, site, "book/open_data.html")
    on_disk = sorted(p.name for p in (ROOT / "data").rglob("*.csv"))
    offered = page.locator("a[download][href^='data:']").evaluate_all("els => els.map(e => e.getAttribute('download'))")
    assert sorted(n for n in offered if n != "data-files.csv") == on_disk
    with page.expect_download() as info:
        page.locator("a[download='api_prices.csv']").click()
    assert open(info.value.path(), "rb").read() == (ROOT / "data" / "api_prices.csv").read_bytes()
    for record in ("figures.csv", "conclusions.csv"):
        href = page.locator(f"a[href$='{record}']").first.get_attribute("href")
        response = page.request.get(f"{page.url.rsplit('/', 1)[0]}/{href}")
        assert response.ok and response.body() == (ROOT / "book" / record).read_bytes(), record
    page.locator("table.book-data-files").scroll_into_view_if_needed()
    screenshot(page, "open_data", full_page=False)
    assert_clean(log, "book/open_data.html")
