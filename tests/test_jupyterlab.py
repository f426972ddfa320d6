"""A reader in JupyterLab: open a .py chapter as a notebook, run it, turn a widget, see the answer move.

JupyterLab runs from this venv on localhost over a copy of the book, with its own config and
runtime folders so nothing of the user's leaks in. The browser blocks every request that leaves
localhost, so the chapter's charts must draw from the runtime the book ships.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import CHROMIUM_ARGS, chromium_path, screenshot, watch

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHAPTER = "analyses/unit_economics.py"
TOKEN = "book-test-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def jupyterlab(book_copy: Path, tmp_path: Path):
    port = _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "ws")}
    log = open(tmp_path / "jupyterlab.log", "w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--allow-root", f"--port={port}",
         "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={book_copy}",
         # The test drives the app through its command registry, the way menus do.
         "--LabApp.expose_app_in_browser=True",
         # No news feed, update check or extension index: they would call out to the internet.
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly"],
        cwd=book_copy, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("JupyterLab did not start:\n" + (tmp_path / "jupyterlab.log").read_text()[-3000:])
            time.sleep(0.5)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_a_chapter_opens_as_a_notebook_runs_and_its_widget_changes_the_answer(jupyterlab):
    base = jupyterlab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        log = watch(page, base)
        page.goto(f"{base}/lab/tree/{CHAPTER}?token={TOKEN}")
        # Opened by Jupytext as a notebook, not as a text file: cells, and a kernel behind them.
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=90_000)
        page.wait_for_function("() => { const w = window.jupyterapp.shell.currentWidget;"
                               " return w && w.sessionContext && w.sessionContext.session"
                               " && w.sessionContext.session.kernel; }", timeout=90_000)
        # Cells come from the notebook model (JupyterLab may attach cell DOM lazily).
        cells = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.cells.length")
        assert cells > 10, cells
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")

        interact = page.locator(".widget-interact").first
        interact.wait_for(timeout=180_000)
        # The chapter's charts draw from the runtime they carry (every outside request is blocked).
        page.wait_for_function("() => document.querySelectorAll('.book-chart svg').length >= 1", timeout=60_000)
        output = interact.locator(".widget-output")
        output.locator("table").wait_for(timeout=60_000)
        before = output.inner_text()
        rows_before = table_rows(output)

        # The "requests" slider: type a new value into its readout, as a reader would.
        requests_slider = interact.locator(".widget-slider", has=page.locator("label", has_text="requests"))
        readout = requests_slider.locator(".widget-readout")
        old_requests = int(readout.text_content().replace(",", "").strip())
        interact.scroll_into_view_if_needed()
        screenshot(page, "jupyterlab_widget_before")
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("200000")
        page.keyboard.press("Enter")
        page.wait_for_function("([el, before]) => el.innerText !== before && el.querySelector('table')",
                               arg=[output.element_handle(), before], timeout=60_000)
        rows_after = table_rows(output)
        screenshot(page, "jupyterlab_widget_after")
        browser.close()

    assert old_requests != 200_000
    # The same models, each day's bill scaled by exactly the change in requests.
    assert [r["model"] for r in rows_after] == [r["model"] for r in rows_before]
    for b, a in zip(rows_before, rows_after):
        assert dollars(a["usd_per_day"]) == pytest.approx(dollars(b["usd_per_day"]) * 200_000 / old_requests,
                                                          rel=0.01), (b, a)
        assert a["usd_per_request"] == b["usd_per_request"]
    assert log.blocked == [], log.blocked


def table_rows(output) -> list[dict[str, str]]:
    """The widget's output table as dicts of cell text keyed by column header."""
    return output.locator("table").first.evaluate(
        "t => { const h = [...t.querySelectorAll('thead th')].map(c => c.textContent.trim());"
        " return [...t.querySelectorAll('tbody tr')].map(r => Object.fromEntries("
        "[...r.querySelectorAll('td')].map((c, i) => [h[i], c.textContent.trim()]))); }")


def dollars(text: str) -> float:
    return float(text.replace("$", "").replace(",", ""))
