"""The refresh, nbval and HTML build, end to end, on a throw-away copy of the book."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lib.book import guide, offline
from lib.book.refresh import ChapterResult, RefreshError, chapters_in, read_figures, refresh
from tests.conftest import ROOT, snapshot

pytestmark = pytest.mark.slow


def chapters() -> list[str]:
    return chapters_in(ROOT)


def test_every_chapter_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text()
    assert chapters(), "no chapters in analyses/"
    for chapter in chapters():
        assert f"file: book/{chapter}\n" in toc or f"root: book/{chapter}\n" in toc, (
            f"analyses/{chapter}.py is not in _toc.yml")


def run_nbval(notebook: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-q", "-p", "no:cacheprovider",
         str(notebook)], capture_output=True, text=True, cwd=notebook.parent)


def set_price(project: Path, price_id: str, column: str, value: str) -> None:
    path = project / "data" / "api_prices.csv"
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    (target,) = [r for r in rows[1:] if r[0] == price_id]
    target[header.index(column)] = value
    with path.open("w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def test_a_chapter_that_raises_names_chapter_and_cell_and_changes_nothing(book_copy):
    (book_copy / "analyses" / "zz_broken.py").write_text(
        "# %% [markdown]\n# # Broken\n\n# %%\nx = 1\n\n# %%\nprices_per_token = 1 / 0\n")
    before = snapshot(book_copy / "book")
    with pytest.raises(RefreshError) as info:
        refresh(book_copy)
    message = str(info.value)
    assert "chapter 'zz_broken' (analyses/zz_broken.py)" in message
    assert "`prices_per_token = 1 / 0`" in message and "ZeroDivisionError" in message
    assert "book/ and data/snapshots/ were left as they were" in message
    assert snapshot(book_copy / "book") == before


def test_nbval_fails_after_a_price_edit_and_passes_after_refresh(book_copy):
    notebook = book_copy / "book" / "unit_economics.ipynb"
    assert run_nbval(notebook).returncode == 0, "the stored notebook should match before any edit"

    # The dearest model's output price: it moves the chapter's headline spread.
    set_price(book_copy, "anthropic-claude-opus-4x", "output_usd_per_mtok", "90.00")
    stale = run_nbval(notebook)
    assert stale.returncode != 0, "nbval must catch a price edited without a refresh"

    old = read_figures(book_copy / "book" / "figures.csv")
    changes = refresh(book_copy)
    new = read_figures(book_copy / "book" / "figures.csv")
    assert any(line.split()[:2] == ["changed", "unit_economics.ue_all_dearest_cost:"] and "->" in line
               for line in changes), changes
    moved = {key for key in old if key in new and old[key][0] != new[key][0]}
    assert ("unit_economics", "ue_spread") in moved
    assert run_nbval(notebook).returncode == 0, run_nbval(notebook).stdout[-2000:]


def test_refresh_is_deterministic(book_copy):
    """Every chapter run again (force: an incremental refresh would skip them all), both ways, changes
    no byte: on one warm kernel, so that each chapter runs in a kernel that has run every chapter
    before it (the strictest test of the reset between chapters), and with a cold kernel per
    chapter through papermill, the reference the pool is proven against."""
    before = snapshot(book_copy / "book")
    pooled: list[ChapterResult] = []
    assert refresh(book_copy, force=True, jobs=1, results=pooled) == []
    assert snapshot(book_copy / "book") == before
    # One kernel ran them all (a replaced kernel would leave chapters unproven against the reset).
    assert sorted(r.in_kernel for r in pooled) == list(range(1, len(chapters()) + 1))
    cold: list[ChapterResult] = []
    assert refresh(book_copy, force=True, cold=True, results=cold) == []
    assert snapshot(book_copy / "book") == before
    assert len(cold) == len(chapters()) and all(r.in_kernel == 1 for r in cold)


def test_html_build_from_stored_notebooks(built_book):
    html_dir = built_book
    figures = read_figures(ROOT / "book" / "figures.csv")
    for chapter in chapters():
        page = (html_dir / "book" / f"{chapter}.html").read_text()
        assert page.count('class="book-chart"') >= 1, chapter
        assert 'class="book-snapshot"' in page, chapter
        assert "vendor/vega-bundle.min.js" in page
        assert "Failed to format" not in page
    # A glued figure reads as the formatted number the refresh recorded.
    from lib.book.figures import format_value
    value, unit = figures[("unit_economics", "ue_spread")]
    assert format_value(value, unit) in (html_dir / "book" / "unit_economics.html").read_text()
    assert (html_dir / "_static" / "vendor" / "vega-bundle.min.js").exists()


def test_built_book_fetches_nothing_from_another_host(built_book):
    """Every page and stylesheet: scripts, styles, icons, images, media, fonts, CSS imports."""
    assert offline.external_fetches(built_book) == []
    assert len(list(built_book.rglob("*.html"))) >= len(chapters()) + 2


LIVE_CELL_TIMEOUT_S = 120


def test_chapters_run_as_live_notebooks_with_their_widgets(book_copy, tmp_path):
    """What a Jupyter user runs: every chapter with for_html_book=False builds its ipywidgets.

    The chapters run on the refresh's warm kernel pool. Now and then (under heavy load, a widget
    cell) the client has waited for good on a kernel that had gone idle, a hang in the Jupyter client
    rather than in the chapter: the pool gives such a cell LIVE_CELL_TIMEOUT_S, replaces the kernel
    and runs the chapter once more on a fresh one. A chapter that stalls twice, or raises, fails."""
    import nbformat

    from lib.book.pool import Task, run_chapters

    results = run_chapters(book_copy, tmp_path, [Task(c, {"for_html_book": False}) for c in chapters()],
                           jobs=os.cpu_count() or 1, cell_timeout_s=LIVE_CELL_TIMEOUT_S)
    failed = [f"{r.chapter}: {r.message}" for r in results if not r.ok]
    assert not failed, "\n".join(failed)
    retried = [r.chapter for r in results if r.attempts > 1]
    if retried:
        print(f"ran again on a fresh kernel after a stall: {', '.join(retried)}")
    for chapter in chapters():
        views = [o for c in nbformat.read(tmp_path / f"{chapter}.ipynb", as_version=4).cells for o in c.get("outputs", [])
                 if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        assert views, f"{chapter} shows no widget in Jupyter"


def chart_specs(notebook: Path) -> list[dict]:
    """The Vega-Lite spec of every chart a stored chapter shows (from the book renderer's output)."""
    import json

    import nbformat

    specs = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        for output in cell.get("outputs", []):
            match = re.search(r"var spec=(\{.*?\});var el=", output.get("data", {}).get("text/html", ""))
            if match:
                specs.append(json.loads(match.group(1)))
    return specs


def _views(spec: dict) -> list[dict]:
    return [spec] + [v for key in ("layer", "hconcat", "vconcat", "concat") for s in spec.get(key, [])
                     for v in _views(s)]


@pytest.mark.parametrize("chapter", chapters())
def test_every_chart_has_a_title_axis_units_and_tooltips(chapter):
    specs = chart_specs(ROOT / "book" / f"{chapter}.ipynb")
    assert specs, f"{chapter} shows no chart"
    for spec in specs:
        title = spec.get("title")
        name = title.get("text") if isinstance(title, dict) else title
        assert name, f"{chapter}: a chart without a title"
        views = _views(spec)
        assert any("tooltip" in v.get("encoding", {}) for v in views), f"{chapter}: '{name}' has no tooltip"
        for channel in ("x", "y"):
            encodings = [v["encoding"][channel] for v in views if channel in v.get("encoding", {})]
            quantitative = [e for e in encodings if e.get("type") == "quantitative"]
            if quantitative:
                titles = [e.get("title") for e in encodings if e.get("title")]
                assert any("(" in t and ")" in t for t in titles), (
                    f"{chapter}: '{name}' {channel} axis has no unit in its title: {titles}")


def test_the_landing_page_links_every_chapter():
    intro = (ROOT / "book" / "intro.ipynb").read_text()  # the list is computed from _toc.yml
    for chapter in chapters():
        if chapter != "intro":
            assert f'href=\\"{chapter}.html\\"' in intro, f"book/intro.ipynb does not list {chapter}"


def test_the_trust_chapter_runs_after_the_others_on_their_fresh_records(book_copy):
    """A figure of the guide that holds, multiplied tenfold in the registry, must fail once its chapter is
    refreshed (the chapter recomputes it: its check could have come out the other way), and guide_trust
    must re-run on the new verdict."""
    path = book_copy / "data" / "guide_claims.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    with (book_copy / "book" / "conclusions.csv").open(newline="", encoding="utf-8") as fh:
        verdicts = {r["name"][len("verdict_"):]: r["text"] for r in csv.DictReader(fh) if r["name"].startswith("verdict_")}
    col = {name: header.index(name) for name in ("claim_id", "chapter", "guide_value", "written", "derived_from")}
    row = next(r for r in rows[1:] if r[col["chapter"]] == "mental_model" and r[col["guide_value"]]
               and verdicts.get(r[col["claim_id"]]) == "agrees")
    claim_id = row[col["claim_id"]]
    row[col["guide_value"]] = repr(float(row[col["guide_value"]]) * 10)
    row[col["written"]] = ""
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    before = read_figures(book_copy / "book" / "figures.csv")
    refresh(book_copy, ["mental_model"], jobs=1)
    after = read_figures(book_copy / "book" / "figures.csv")
    with (book_copy / "book" / "conclusions.csv").open(newline="", encoding="utf-8") as fh:
        now = {r["name"][len("verdict_"):]: r["text"] for r in csv.DictReader(fh) if r["name"].startswith("verdict_")}
    assert now[claim_id] in guide.MISSES, (claim_id, now[claim_id])
    key = ("guide_trust", "gt_n_misses")
    assert after[key][0] >= before[key][0] + 1
    assert run_nbval(book_copy / "book" / "guide_trust.ipynb").returncode == 0
