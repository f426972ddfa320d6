"""The refresh's cache (lib/book/plan.py RefreshCache): each chapter's parameters by its source's
sha256, the data folders that validated, the chapters' last times. A cached answer must be the
answer computed afresh; a corrupt or foreign cache is ignored; a refresh with nothing to run
imports none of the kernels' or pandas' modules."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from lib.book import plan as plan_module
from lib.book.plan import CACHE_FILE, RefreshCache, chapter_parameters, chapters_in, plan
from lib.book.refresh import RefreshError, refresh
from tests.conftest import ROOT

HEAVY = ("pandas", "nbformat", "jupytext", "papermill", "jupyter_client", "numpy")


def test_the_written_out_constants_are_the_feeds_own():
    from lib.book import refresh as refresh_module
    from lib.book import staging
    from lib.prices import feeds

    assert refresh_module.IN_USE_FILE == feeds.IN_USE_FILE
    assert staging.SNAPSHOTS_DIR == feeds.SNAPSHOT_DIR


def test_cached_parameters_are_the_converted_ones_and_are_used(tmp_path, monkeypatch):
    cache = RefreshCache(tmp_path)
    chapters = chapters_in(ROOT)
    fresh = {c: chapter_parameters(ROOT, c, {"api_prices_csv": "x.csv"}) for c in chapters}
    assert {c: chapter_parameters(ROOT, c, {"api_prices_csv": "x.csv"}, cache=cache) for c in chapters} == fresh
    cache.save()
    reread = RefreshCache(tmp_path)

    def no_conversion(*args, **kwargs):
        raise AssertionError("a cached chapter was converted again")

    monkeypatch.setattr(plan_module, "_declared_of_source", no_conversion)
    assert {c: chapter_parameters(ROOT, c, {"api_prices_csv": "x.csv"}, cache=reread) for c in chapters} == fresh


def test_a_changed_source_is_converted_again(tmp_path, book_copy):
    cache = RefreshCache(book_copy)
    before = chapter_parameters(book_copy, "unit_economics", cache=cache)
    source = book_copy / "analyses" / "unit_economics.py"
    text = source.read_text()
    marker = "# %% tags=[\"parameters\"]\n"
    assert marker in text
    source.write_text(text.replace(marker, marker + "bench_added_knob = 7\n", 1))
    after = chapter_parameters(book_copy, "unit_economics", cache=cache)
    assert after == {**before, "bench_added_knob": 7}


@pytest.mark.parametrize("garbage", [b"", b"{not json", b"[]", b'{"format": 1, "tools": "other"}',
                                     b'{"format": 1, "declared": {"x": 3}, "valid_data": "no"}', b"\xff\xfe"])
def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(book_copy, garbage):
    truth = plan(book_copy, force=True).hashes
    path = book_copy / CACHE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(garbage)
    cache = RefreshCache(book_copy)
    assert plan(book_copy, force=True, cache=cache).hashes == truth
    cache.save()
    doc = json.loads(path.read_text())
    assert set(doc["declared"]) and doc["format"] == plan_module.CACHE_FORMAT
    assert plan(book_copy, force=True, cache=RefreshCache(book_copy)).hashes == truth


def test_two_writers_at_once_leave_a_whole_file(tmp_path):
    """Each save writes a temporary file and renames it: whichever lands last, the file parses."""
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(30):
                cache = RefreshCache(tmp_path)
                cache.keep_declared(f"{n}-{i}", {"p": {"default": str(i)}})
                cache.save()
        except BaseException as err:  # noqa: BLE001  (reported below)
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    doc = json.loads((tmp_path / CACHE_FILE).read_text())
    assert all(v == {"p": {"default": k.split("-")[1]}} for k, v in doc["declared"].items())
    assert not list((tmp_path / CACHE_FILE).parent.glob(".*.tmp"))


def test_valid_data_is_cached_by_its_bytes_and_a_failure_never(book_copy):
    assert refresh(book_copy) == []  # warms the cache: the data validated
    path = book_copy / "data" / "cache_terms.csv"
    good = path.read_text()
    assert ",0.25,1.0," in good
    path.write_text(good.replace(",0.25,1.0,", ",lots,1.0,", 1))
    for _ in range(2):  # refused twice: the failure was not remembered as anything
        with pytest.raises(RefreshError, match="cache_terms.csv"):
            refresh(book_copy)
    path.write_text(good)
    assert refresh(book_copy) == []


def test_a_refresh_with_nothing_to_run_imports_no_kernel_or_pandas_module(book_copy):
    code = ("import sys; from pathlib import Path; from lib.book.refresh import refresh; "
            f"assert refresh(Path({str(book_copy)!r})) == []; "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    env_run = [sys.executable, "-c", code]
    first = subprocess.run(env_run, capture_output=True, text=True, cwd=ROOT, check=True)
    assert first.stdout  # the first one may convert chapters and validate data (and so import them)
    second = subprocess.run(env_run, capture_output=True, text=True, cwd=ROOT, check=True)
    assert second.stdout.strip() == "[]", second.stdout + second.stderr


def test_the_longest_chapter_is_scheduled_first(tmp_path):
    from lib.book.execute import ChapterResult
    from lib.book.pool import Task
    from lib.book.refresh import _longest_first

    cache = RefreshCache(tmp_path)
    cache.keep_seconds([ChapterResult("a", True, "", (("total", 1.0),)), ChapterResult("b", True, "", (("total", 9.0),))])
    order = [t.chapter for t in _longest_first([Task("a", {}), Task("b", {}), Task("new", {})], cache)]
    assert order == ["new", "b", "a"]  # never timed first: it may be the long one
