"""Shared fixtures: the project root, and a throw-away copy of the book to break and refresh."""

from __future__ import annotations

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


def copy_project(dest: Path) -> Path:
    dest.mkdir()
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(".refresh-*", "__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    return dest


@pytest.fixture
def book_copy(tmp_path: Path) -> Path:
    """A copy of the book's sources, data and executed notebooks (lib stays the installed one)."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML book built once per run from a copy of the stored notebooks (-W -n); its html folder."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(project), "--warningiserror",
         "--nitpick", "--keep-going", "--path-output", str(project)],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return project / "_build" / "html"


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
