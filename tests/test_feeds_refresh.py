"""A refresh on an imported price feed, end to end, on a throw-away copy of the book."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lib.book.refresh import IN_USE_FILE, PriceFeed, RefreshError, read_conclusions, read_figures, refresh
from tests.conftest import BAD_FEEDS, LITELLM_VERSION, build_html, snapshot

pytestmark = pytest.mark.slow

# Enough chapters to see prices move and a conclusion flip, without re-running the whole book.
CHAPTERS = ["unit_economics", "prices_now"]


def run_nbval(notebook: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
                           str(notebook)], capture_output=True, text=True, cwd=notebook.parents[1])


def test_a_refresh_on_the_real_litellm_database_moves_figures_flips_conclusions_and_can_go_back(
        book_copy, litellm_json):
    figures_before = read_figures(book_copy / "book" / "figures.csv")
    report: list[str] = []
    feed = PriceFeed(str(litellm_json), "litellm", "2026-11-24", f"LiteLLM {LITELLM_VERSION} (test)")
    moved = refresh(book_copy, CHAPTERS, prices=feed, report=report)

    snapshot_csv = book_copy / "data" / "snapshots" / "api_prices.litellm.2026-11-24.csv"
    assert snapshot_csv.exists() and snapshot_csv.with_name(snapshot_csv.stem + ".issues.csv").exists()
    assert (book_copy / IN_USE_FILE).read_text().strip() == "data/snapshots/api_prices.litellm.2026-11-24.csv"
    assert any("unit_economics.ue_cheapest_cost" in line for line in moved)
    assert any(line.startswith("  prices") and "model(s) imported" in line for line in report)
    flips = [line for line in report if line.startswith("  flipped")]
    assert flips, report  # at today's prices some of the guide's claims stop holding
    changes_page = (book_copy / "book" / "changes.md").read_text()
    assert "api_prices.litellm.2026-11-24.csv" in changes_page and "## Conclusions that flipped" in changes_page
    assert "ue_cheapest_cost" in changes_page

    # The stored notebooks are exactly what the code makes of the imported prices.
    for chapter in CHAPTERS:
        proc = run_nbval(book_copy / "book" / f"{chapter}.ipynb")
        assert proc.returncode == 0, proc.stdout[-3000:]

    # A later plain refresh stays on the imported prices ...
    assert refresh(book_copy, ["unit_economics"]) == []
    # ... until the guide's prices are asked for again, which brings every figure back.
    refresh(book_copy, CHAPTERS, prices="guide")
    assert not (book_copy / IN_USE_FILE).exists()
    after = read_figures(book_copy / "book" / "figures.csv")
    assert {k: v for k, v in after.items() if k[0] in CHAPTERS} == {
        k: v for k, v in figures_before.items() if k[0] in CHAPTERS}


@pytest.mark.parametrize("feed_file, feed_format, expected", [
    ("litellm_truncated.json", "litellm", r"line 31, column 4: malformed JSON"),
    ("litellm_not_an_object.json", "litellm", "one JSON object keyed by model"),
    ("litellm_nan.json", "litellm", "no model in"),
])
def test_a_bad_feed_changes_nothing(book_copy, feed_file, feed_format, expected):
    before_book, before_data = snapshot(book_copy / "book"), snapshot(book_copy / "data")
    with pytest.raises(RefreshError, match=expected) as err:
        refresh(book_copy, CHAPTERS, prices=PriceFeed(str(BAD_FEEDS / feed_file), feed_format, "2026-11-24"))
    assert feed_file in str(err.value) and "no chapter was run" in str(err.value)
    assert snapshot(book_copy / "book") == before_book
    assert snapshot(book_copy / "data") == before_data


def test_a_chapter_that_fails_on_imported_prices_leaves_no_snapshot_behind(book_copy, litellm_json):
    chapter = book_copy / "analyses" / "prices_now.py"
    chapter.write_text(chapter.read_text() + '\n# %%\nraise RuntimeError("broken on purpose")\n')
    before_book, before_data = snapshot(book_copy / "book"), snapshot(book_copy / "data")
    with pytest.raises(RefreshError, match="prices_now.*broken on purpose"):
        refresh(book_copy, ["prices_now"], prices=PriceFeed(str(litellm_json), "litellm", "2026-11-25"))
    assert snapshot(book_copy / "book") == before_book
    assert snapshot(book_copy / "data") == before_data


def test_a_hostile_feed_reaches_the_html_only_as_escaped_text(book_copy):
    hostile_source = "<img src=x onerror=alert(1)>"
    refresh(book_copy, ["prices_now"], prices=PriceFeed(
        str(BAD_FEEDS / "openrouter_hostile.json"), "openrouter", "2026-11-24", hostile_source))
    conclusions = read_conclusions(book_copy / "book" / "conclusions.csv")
    assert ("prices_now", "pn_cheapest_frontier_now") in conclusions
    proc = build_html(book_copy)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    html_dir = book_copy / "_build" / "html" / "book"
    for page in ("prices_now.html", "changes.html"):
        text = (html_dir / page).read_text()
        assert "<img src=x" not in text and "<script>alert(" not in text, page
    prices_page = (html_dir / "prices_now.html").read_text()
    assert "&lt;script&gt;alert(" in prices_page  # the rejected price, shown as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in prices_page  # the feed's name, in the prose
    assert "&lt;img src=x onerror=alert(1)&gt;" in (html_dir / "changes.html").read_text()
