"""Shared fixtures: the project root, and a throw-away copy of the book to break and refresh;
and how the suite spreads over pytest-xdist workers (``make test`` runs it with ``-n``)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
BAD_DATA = Path(__file__).parent / "fixtures" / "bad_data"
BAD_FEEDS = Path(__file__).parent / "fixtures" / "bad_feeds"
LITELLM_VERSION = "1.109.1"  # the LiteLLM release the book's feed map was checked against
COPIED = ("analyses", "book", "data", "_config.yml", "_toc.yml")


def copy_project(dest: Path, source: Path = ROOT) -> Path:
    """Copy the book's sources, data and notebooks from ``source`` (the checkout) into ``dest``."""
    dest.mkdir()
    for name in COPIED:
        src = source / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(".refresh-*", "__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    return dest


@pytest.fixture(scope="session")
def refreshed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the book per run (shared by every xdist worker), refreshed with this lib.

    On a checkout whose notebooks are current (what CI tests) the refresh runs no kernel. When lib
    or data changed and book/ was not refreshed yet, the chapters they feed run here once, instead
    of again in every test that refreshes a copy of the book to see what its own edit does."""
    from lib.book.refresh import refresh

    folder = session_folder(tmp_path_factory) / "refreshed-book"
    done = folder / "refreshed.ok"
    with session_lock(tmp_path_factory, "refreshed-book"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a worker whose refresh failed leaves no half copy
            folder.mkdir()
            refresh(copy_project(folder / "project"))
            done.touch()
    return folder / "project"


@pytest.fixture
def book_copy(tmp_path: Path, refreshed_project: Path) -> Path:
    """A throw-away copy of the book's sources, data and executed notebooks, up to date with this
    lib (lib itself stays the installed one)."""
    return copy_project(tmp_path / "project", source=refreshed_project)


def build_html(project: Path) -> subprocess.CompletedProcess:
    """`make html`'s build of ``project`` (-W -n, no execution), output kept for the assertion."""
    return subprocess.run(
        [sys.executable, "-m", "lib.book.htmlbuild", "build", str(project), "--warningiserror", "--nitpick",
         "--keep-going", "--path-output", str(project)], capture_output=True, text=True)


def session_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this run shares (the run's own folder when there are none)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def session_lock(tmp_path_factory: pytest.TempPathFactory, name: str):
    """Held by one worker at a time: the first to take it makes the shared thing, the others reuse it."""
    with open(session_folder(tmp_path_factory) / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML book built once per run (once for all xdist workers) from a copy of the stored
    notebooks (-W -n); its html folder. Tests only read it."""
    folder = session_folder(tmp_path_factory) / "built-book"
    done = folder / "built.ok"
    with session_lock(tmp_path_factory, "built-book"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that failed to build leaves no half book
            folder.mkdir()
            project = copy_project(folder / "project")
            proc = build_html(project)
            assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
            done.touch()
    return folder / "project" / "_build" / "html"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, to prove a failed refresh changed nothing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def litellm_json() -> Path:
    """LiteLLM's own price file, read out of its wheel on PyPI (the package is never installed)."""
    from lib.prices.litellm_wheel import fetch_litellm_prices

    path, version = fetch_litellm_prices(LITELLM_VERSION)
    assert version == LITELLM_VERSION
    return path


@pytest.fixture(scope="module")
def guide() -> pd.DataFrame:
    """The guide's price table, as the importers take it."""
    from lib.data import tables

    return tables.load_api_prices()


@pytest.fixture(scope="module")
def feed_map() -> pd.DataFrame:
    """data/price_feed_map.csv: each book model's key in each feed."""
    from lib.prices import feeds

    return feeds.load_feed_map()


# `make test` runs --dist loadfile: every file (a test module, a notebook's nbval cells) runs whole
# on one worker. Under --dist loadgroup with the groups below, one run of the whole suite passed and
# the next ran the last four notebooks' cells one by one on both workers, each in a fresh kernel
# (not understood yet), so loadgroup is not what make test uses; the groups are kept to try again.
# With --dist loadgroup (the design): a test goes where its
# group goes. An nbval notebook is one group (its cells share one kernel and must run in order on
# one worker); a test module is one group, so its module-scoped fixtures are made once; the tests
# of the modules below that are slow and independent are each their own group, so they spread;
# the browser, JupyterLab and Spark tests are one group, run one after another on one worker:
# each starts Chromium or a JVM, and two at once on two cores starve the page waits.
SPREAD_MODULES = frozenset({"test_pipeline.py", "test_refresh_safety.py", "test_feeds_refresh.py",
                            "test_incremental.py", "test_validation.py", "test_thin_feed.py"})
SERIAL_GROUP = "browser-jupyterlab-spark"
SERIAL_MODULES = frozenset({"test_browser.py", "test_jupyterlab.py", "test_spark.py"})


def xdist_group_of(item: pytest.Item) -> str:
    path = Path(str(item.path))
    if path.suffix == ".ipynb":
        return f"nbval:{path.name}"
    if path.name in SERIAL_MODULES:
        return SERIAL_GROUP
    if path.name in SPREAD_MODULES:
        return item.nodeid
    return path.name


# Under xdist the files (or groups) are handed out in collection order (make test passes
# --no-loadscope-reorder), one at a time to whichever worker runs low: the longest go first, so
# that no worker starts a minutes-long group while the other has nothing left.
LONGEST_FIRST = ("test_chapters_run_as_live_notebooks_with_their_widgets", SERIAL_GROUP, "test_thin_feed.py::",
                 "test_refresh_is_deterministic", "test_a_refresh_on_the_real_litellm_database", "nbval:")


def _rank(group: str) -> int:
    return next((i for i, key in enumerate(LONGEST_FIRST) if key in group), len(LONGEST_FIRST))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(name=xdist_group_of(item)))
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # Stable: the cells of a notebook, and the tests of a module, keep their order.
        items.sort(key=lambda item: _rank(item.get_closest_marker("xdist_group").kwargs["name"]))


@pytest.fixture(scope="module")
def site(built_book):
    """The built book served on localhost (the browser tests' base URL)."""
    from tests.browser import serve

    with serve(built_book) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module."""
    from tests.browser import open_browser

    with open_browser() as chromium:
        yield chromium
