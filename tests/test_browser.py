"""The built book as a reader meets it, in a real Chromium: offline, drawn, searchable, interactive.

Every request that leaves localhost is blocked and recorded, so a page that needs the internet
fails here. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from lib.book.refresh import chapters_in
from tests.browser import screenshot, serve, watch
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHAPTERS = chapters_in(ROOT)
PAGES = ["index.html", *(f"book/{c}.html" for c in CHAPTERS), "book/changes.html", "search.html",
         "genindex.html"]
# Pages without a chapter's banner and in-page what-if: the landing page, the data catalogue, the changes.
NOT_CHAPTERS = ("book/intro.html", "book/open_data.html", "book/changes.html")
# Marks Vega draws as SVG; a chart with none of them drew nothing.
MARKS = "g[class*='mark-'] path, g[class*='mark-'] text, g[class*='mark-'] line, g[class*='mark-'] rect"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    yield context.new_page()
    context.close()


def open_page(page: Page, site: str, path: str):
    log = watch(page, site)
    page.goto(f"{site}/{path}", wait_until="networkidle")
    charts = page.locator(".book-chart")
    for i in range(charts.count()):
        charts.nth(i).locator("svg").first.wait_for(state="attached", timeout=15_000)
    return log


@pytest.mark.parametrize("path", PAGES)
def test_page_opens_offline_without_console_errors_and_draws_every_chart(page, site, path):
    log = open_page(page, site, path)
    charts = page.locator(".book-chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.locator(MARKS).count() > 0, f"{path}: chart {i + 1} has no marks"
        assert "Error" not in chart.inner_text(), f"{path}: chart {i + 1}: {chart.inner_text()[:200]}"
    if path.startswith("book/") and path not in NOT_CHAPTERS:
        assert charts.count() >= 1, f"{path}: a chapter with no chart"
        banners = page.locator(".book-snapshot").all_inner_texts()
        assert banners, f"{path}: no data-snapshot banner"
        chapter = path.removeprefix("book/").removesuffix(".html")
        if "api_prices_csv" in (ROOT / "analyses" / f"{chapter}.py").read_text():
            assert any(b.startswith("Prices:") for b in banners), f"{path} reads API prices but names no price snapshot"
        # A what-if a reader can turn in the page itself, with no kernel.
        assert page.locator(".book-chart .vega-bindings input").count() >= 1, f"{path}: no in-page control"
    screenshot(page, path.replace("/", "_").removesuffix(".html"), full_page=True)
    assert log.blocked == [], f"{path} tried to fetch from another host: {log.blocked}"
    assert log.failed == [], f"{path}: failed loads {log.failed}"
    assert log.console_errors == [], f"{path}: {log.console_errors}"


def test_landing_page_says_what_the_book_answers_and_how_to_use_it(page, site):
    open_page(page, site, "index.html")
    assert page.url.endswith("/book/intro.html")  # the root redirects to the landing page
    text = page.locator("main").inner_text()
    for phrase in ("Read", "Jupyter", "refresh"):
        assert phrase.lower() in text.lower(), phrase
    for chapter in (c for c in CHAPTERS if c != "intro"):  # every chapter is reachable from the navigation
        assert page.locator(f"nav a[href$='{chapter}.html']").count() >= 1, chapter
    screenshot(page, "landing", full_page=False)


def _chart_with_slider(page: Page, label: str):
    chart = page.locator(".book-chart", has=page.locator(".vega-bind-name", has_text=label))
    assert chart.count() == 1, f"expected one chart with a '{label}' slider"
    return chart


def _axis_labels(chart) -> list[str]:
    return chart.locator("g.role-axis-label text").evaluate_all("els => els.map(e => e.textContent)")


def test_moving_an_in_page_slider_redraws_the_chart(page, site):
    open_page(page, site, "book/unit_economics.html")
    chart = _chart_with_slider(page, "requests per day")
    chart.scroll_into_view_if_needed()
    before_svg = chart.locator("svg").inner_html()
    before_labels = _axis_labels(chart)
    screenshot(chart, "slider_before")
    slider = chart.locator(".vega-bind", has=page.locator(".vega-bind-name", has_text="requests per day")).locator(
        "input[type=range]")
    start = int(slider.input_value())
    # Ten times the traffic: every monthly bill is ten times larger, a decade to the right on the log axis.
    target = start * 10
    slider.evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", target)
    page.wait_for_function("([el, before]) => el.innerHTML !== before",
                           arg=[chart.locator("svg").element_handle(), before_svg], timeout=10_000)
    after_labels = _axis_labels(chart)
    screenshot(chart, "slider_after")
    assert int(slider.input_value()) == target
    assert after_labels != before_labels, "the axis did not move with the traffic"

    def largest(labels: list[str]) -> float:
        values = [_dollars(t) for t in labels]
        return max(v for v in values if v is not None)

    assert largest(after_labels) > largest(before_labels)


def _dollars(label: str) -> float | None:
    match = re.fullmatch(r"\$?([\d.,]+)\s*([kKMGB]?)", label.strip())
    if not match:
        return None
    scale = {"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "B": 1e9}[match.group(2)]
    return float(match.group(1).replace(",", "")) * scale


def test_search_finds_a_model_name(page, site):
    log = open_page(page, site, "search.html?q=Sonnet")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=15_000)
    hrefs = [results.nth(i).locator("a").first.get_attribute("href") for i in range(results.count())]
    assert any("api_prices" in (h or "") for h in hrefs), hrefs
    screenshot(page, "search_sonnet")
    assert log.console_errors == [] and log.blocked == []


def test_the_guard_catches_a_page_that_fetches_from_another_host(page):
    """The offline check above is only as good as its guard: a page built to fetch must be caught."""
    with serve(ROOT / "tests" / "fixtures" / "offline_site") as base_url:
        log = watch(page, base_url)
        page.goto(f"{base_url}/index.html", wait_until="load")
    assert any(url.startswith("https://cdn.jsdelivr.net/") for url in log.blocked), log.blocked
    assert any("example.com" in url for url in log.blocked), log.blocked
