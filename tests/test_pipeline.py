"""The refresh, nbval and HTML build, end to end, on a throw-away copy of the book."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lib.book.refresh import RefreshError, read_figures, refresh
from tests.conftest import ROOT, snapshot

pytestmark = pytest.mark.slow


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
    assert "book/ was left as it was" in message
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
    before = snapshot(book_copy / "book")
    assert refresh(book_copy) == []
    assert snapshot(book_copy / "book") == before


def test_html_build_from_stored_notebooks(book_copy):
    out = book_copy / "_build"
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(book_copy), "--warningiserror",
         "--nitpick", "--keep-going", "--path-output", str(book_copy)],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    html_dir = out / "html"
    figures = read_figures(book_copy / "book" / "figures.csv")
    for chapter in ("mental_model", "api_prices", "unit_economics", "prompt_caching", "batch_offpeak"):
        page = (html_dir / "book" / f"{chapter}.html").read_text()
        assert page.count('class="book-chart"') >= 1, chapter
        assert "vendor/vega-bundle.min.js" in page
        assert "Failed to format" not in page
        # Nothing the page runs or styles itself with comes from another host.
        external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', page)
        assert not external, external
    # A glued figure reads as the formatted number the refresh recorded.
    from lib.book.figures import format_value
    value, unit = figures[("unit_economics", "ue_spread")]
    assert format_value(value, unit) in (html_dir / "book" / "unit_economics.html").read_text()
    assert (html_dir / "_static" / "vendor" / "vega-bundle.min.js").exists()


def test_chapters_run_as_live_notebooks_with_their_widgets(book_copy, tmp_path):
    """What a Jupyter user runs: every chapter with for_html_book=False builds its ipywidgets."""
    import nbformat
    import papermill

    from lib.book.refresh import IPCKernelManager, _source_notebook

    for chapter in ("mental_model", "api_prices", "unit_economics", "prompt_caching", "batch_offpeak"):
        source = tmp_path / f"{chapter}.ipynb"
        nbformat.write(_source_notebook(book_copy / "analyses" / f"{chapter}.py"), source)
        out = papermill.execute_notebook(str(source), str(tmp_path / f"{chapter}.out.ipynb"),
                                         parameters={"for_html_book": False}, kernel_name="python3",
                                         cwd=str(book_copy), progress_bar=False,
                                         kernel_manager_class=IPCKernelManager)
        views = [o for c in out.cells for o in c.get("outputs", [])
                 if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        assert views, f"{chapter} shows no widget in Jupyter"
