"""Nothing the book holds is lost when two commands run at once, when one is killed, when a run
fails or cannot write, or when a Make variable carries shell syntax (issue 22). Each test runs
the real commands on a throw-away copy of the book and compares every byte of book/ and data/."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lib.book.refresh import IN_USE_FILE, PriceFeed, RefreshError, refresh
from lib.book.staging import STAGING_DIR
from lib.data.lock import EXIT_LOCKED, LOCK_FILE, CheckoutLocked, checkout_lock
from tests.conftest import ROOT, snapshot

pytestmark = pytest.mark.slow

# A chapter with no price parameters that runs in a few seconds: the cheapest real refresh.
QUICK = "routing"
IN_USE_SNAPSHOT = "data/snapshots/api_prices.litellm.2026-11-23.csv"
PYTHON_ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def run_refresh(root: Path, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lib.book.refresh", "--root", str(root), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=PYTHON_ENV,
                            start_new_session=True, **kw)


def wait_for(predicate, timeout_s: float = 120.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def held_by(root: Path) -> int | None:
    """The pid in the lock's note while someone holds the lock, else None."""
    try:
        with checkout_lock(root, what="probe"):
            return None
    except CheckoutLocked:
        note = json.loads((root / LOCK_FILE).read_text() or "{}")
        return note.get("pid")


def edit_parameter(root: Path, chapter: str, old: str, new: str) -> None:
    path = root / "analyses" / f"{chapter}.py"
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def book_and_data(root: Path) -> dict[str, bytes]:
    return {**{f"book/{k}": v for k, v in snapshot(root / "book").items()},
            **{f"data/{k}": v for k, v in snapshot(root / "data").items()}}


def routing_parameter(root: Path) -> tuple[str, str]:
    """A line of the routing chapter's parameters cell to edit, and an edit that moves a figure."""
    for line in (root / "analyses" / f"{QUICK}.py").read_text().splitlines():
        if line.startswith("queries_per_day = "):
            value = int(line.split("=")[1].split("#")[0].strip().replace("_", ""))
            return line, f"queries_per_day = {value * 2}"
    raise AssertionError("the routing chapter has no queries_per_day parameter")


# --- two at once ------------------------------------------------------------------------------

def test_a_second_refresh_while_one_runs_is_refused_and_names_the_first(book_copy):
    line, edited = routing_parameter(book_copy)
    edit_parameter(book_copy, QUICK, line, edited)
    first = run_refresh(book_copy, "--chapter", QUICK)
    try:
        wait_for(lambda: held_by(book_copy) == first.pid or first.poll() is not None, what="the first refresh's lock")
        second = subprocess.run([sys.executable, "-m", "lib.book.refresh", "--root", str(book_copy)],
                                capture_output=True, text=True, env=PYTHON_ENV)
        assert second.returncode == EXIT_LOCKED, second.stderr
        assert f"process {first.pid}" in second.stderr and "did not start" in second.stderr
    finally:
        out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    # The first refresh's update is whole: the notebook, the records and the stored hash agree,
    # so a later refresh has nothing to run and nothing moves.
    assert refresh(book_copy, [QUICK]) == []
    figures = (book_copy / "book" / "figures.csv").read_text()
    notebook = (book_copy / "book" / f"{QUICK}.ipynb").read_text()
    assert edited.split("=")[1].strip() in notebook
    assert "routing," in figures


def test_records_left_stale_are_mended_from_the_notebooks_by_the_next_refresh(book_copy):
    # What a lost update left behind (issue 22): a figure in book/figures.csv that its chapter's
    # notebook does not say. The next refresh of any chapter writes the records from the notebooks.
    figures = book_copy / "book" / "figures.csv"
    good = figures.read_text()
    row = next(line for line in good.splitlines() if line.startswith("unit_economics,"))
    chapter, name, value, unit = row.split(",")[:4]
    stale = good.replace(row, ",".join([chapter, name, repr(float(value) * 2 + 1), unit]), 1)
    figures.write_text(stale)
    changes = refresh(book_copy, [QUICK], force=True)
    assert f"  changed  unit_economics.{name}" in "\n".join(changes)
    assert figures.read_text() == good


def test_the_importer_is_refused_while_a_refresh_holds_the_checkout(book_copy, tmp_path):
    before = book_and_data(book_copy)
    with checkout_lock(book_copy, what="a test standing in for a refresh"):
        proc = subprocess.run([sys.executable, "-m", "lib.prices.feeds", str(tmp_path / "any.json"),
                               "--as-of", "2026-11-30"], capture_output=True, text=True, cwd=book_copy,
                              env=PYTHON_ENV)
        locked = subprocess.run([sys.executable, "-m", "lib.data.lock", "--root", str(book_copy), "--", "true"],
                                capture_output=True, text=True, env=PYTHON_ENV)
    # The feed file does not exist: the import stops there; a readable feed would meet the lock.
    assert proc.returncode == 1 and "any.json" in proc.stderr
    assert locked.returncode == EXIT_LOCKED and "a test standing in for a refresh" in locked.stderr
    assert book_and_data(book_copy) == before


def test_readers_share_the_lock_and_a_writer_waits_for_none_of_them(book_copy):
    with checkout_lock(book_copy, shared=True), checkout_lock(book_copy, shared=True):
        with pytest.raises(CheckoutLocked, match="did not start"):
            with checkout_lock(book_copy):
                pass
    with checkout_lock(book_copy):  # free again once the readers are done
        pass


# --- killed ----------------------------------------------------------------------------------

def test_a_killed_refresh_leaves_the_book_whole_and_the_next_one_cleans_up(book_copy, litellm_json):
    refresh(book_copy, ["prices_now"])  # up to date with this lib (nothing to run on a committed book)
    before = book_and_data(book_copy)
    proc = run_refresh(book_copy, "--chapter", "prices_now", "--force", "--prices", str(litellm_json),
                       "--as-of", "2026-11-29")
    try:
        wait_for(lambda: any((book_copy / "book").glob(".refresh-*/*.ipynb")) or proc.poll() is not None,
                 what="the refresh to start its chapter")
        assert proc.poll() is None, proc.communicate()
        assert (book_copy / STAGING_DIR).is_dir()  # the import waits aside, not in data/snapshots
        os.killpg(proc.pid, signal.SIGKILL)  # the refresh, its workers and their kernels
    finally:
        proc.wait(timeout=60)
    after = book_and_data(book_copy)
    leftovers = sorted(k for k in after if k.startswith("book/.refresh-") or k.startswith("data/.incoming"))
    assert leftovers  # what a killed run leaves ...
    assert {k: v for k, v in after.items() if k not in leftovers} == before  # ... and all it leaves
    assert held_by(book_copy) is None  # the kernel dropped the killed holder's lock: none is stale
    # The next refresh starts at once (the note of the dead holder does not stop it), clears the
    # leftovers and, with nothing changed, runs nothing.
    assert refresh(book_copy, ["prices_now"]) == []
    assert book_and_data(book_copy) == before


# --- failed ----------------------------------------------------------------------------------

def differing_feed(litellm_json: Path, tmp_path: Path) -> Path:
    """LiteLLM's file with one mapped model's input price moved: an import that differs."""
    doc = json.loads(litellm_json.read_text())
    doc["gpt-4o"]["input_cost_per_token"] = doc["gpt-4o"]["input_cost_per_token"] * 3
    path = tmp_path / "litellm-moved.json"
    path.write_text(json.dumps(doc))
    return path


def test_a_failed_refresh_never_replaces_the_snapshot_in_use(book_copy, litellm_json, tmp_path):
    (book_copy / IN_USE_FILE).write_text(IN_USE_SNAPSHOT + "\n")
    chapter = book_copy / "analyses" / "prices_now.py"
    chapter.write_text(chapter.read_text() + '\n# %%\nraise RuntimeError("broken on purpose")\n')
    before = book_and_data(book_copy)
    with pytest.raises(RefreshError, match="broken on purpose") as err:
        refresh(book_copy, ["prices_now"], prices=PriceFeed(str(differing_feed(litellm_json, tmp_path)),
                                                             "litellm", "2026-11-23"))
    assert "data/snapshots/ were left as they were" in str(err.value)
    assert book_and_data(book_copy) == before  # the snapshot in use, byte for byte
    assert not (book_copy / STAGING_DIR).exists()


def test_the_importer_will_not_replace_the_snapshot_the_book_runs_on(book_copy, litellm_json, tmp_path):
    (book_copy / IN_USE_FILE).write_text(IN_USE_SNAPSHOT + "\n")
    feed = differing_feed(litellm_json, tmp_path)
    before = book_and_data(book_copy)
    same_day = subprocess.run([sys.executable, "-m", "lib.prices.feeds", str(feed), "--as-of", "2026-11-23"],
                              capture_output=True, text=True, cwd=book_copy, env=PYTHON_ENV)
    assert same_day.returncode == 1, same_day.stdout
    assert "is the snapshot the book runs on" in same_day.stderr and "make refresh" in same_day.stderr
    assert book_and_data(book_copy) == before
    other_day = subprocess.run([sys.executable, "-m", "lib.prices.feeds", str(feed), "--as-of", "2026-11-24"],
                               capture_output=True, text=True, cwd=book_copy, env=PYTHON_ENV)
    assert other_day.returncode == 0, other_day.stderr
    assert (book_copy / "data" / "snapshots" / "api_prices.litellm.2026-11-24.csv").is_file()
    assert (book_copy / IN_USE_SNAPSHOT).read_bytes() == before[IN_USE_SNAPSHOT]


# --- cannot write ------------------------------------------------------------------------------

@contextlib.contextmanager
def read_only(folder: Path):
    """``folder`` unwritable, for real: root ignores permission bits, so as root the folder is
    made immutable (chattr +i); otherwise its write bits are cleared."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
    try:
        probe = folder / ".probe"
        with pytest.raises(OSError):
            probe.write_text("x")
        yield
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        else:
            folder.chmod(0o755)


def test_a_read_only_book_is_a_message_not_a_traceback(book_copy):
    before = book_and_data(book_copy)
    with read_only(book_copy / "book"):
        proc = subprocess.run([sys.executable, "-m", "lib.book.refresh", "--root", str(book_copy),
                               "--chapter", QUICK, "--force"], capture_output=True, text=True, env=PYTHON_ENV)
    assert proc.returncode == 1, proc.stderr
    assert f"cannot write to {book_copy / 'book'}" in proc.stderr and "no chapter was run" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert book_and_data(book_copy) == before


def test_read_only_data_stops_an_import_before_any_chapter(book_copy, litellm_json):
    before = book_and_data(book_copy)
    with read_only(book_copy / "data"):
        with pytest.raises(RefreshError, match="cannot write the imported prices.*no chapter was run"):
            refresh(book_copy, ["prices_now"], prices=PriceFeed(str(litellm_json), "litellm", "2026-11-30"))
    assert book_and_data(book_copy) == before


def test_a_read_only_checkout_cannot_be_locked_and_says_so(book_copy):
    with read_only(book_copy):
        with pytest.raises(RefreshError, match="cannot open the lock file"):
            refresh(book_copy, [QUICK], force=True)


# --- Make variables ----------------------------------------------------------------------------

def make_refresh(root: Path, *variables: str) -> subprocess.CompletedProcess:
    """`make refresh VAR=...` with the project's Makefile, run in ``root`` (a copy) on this venv."""
    shutil.copy2(ROOT / "Makefile", root / "Makefile")
    venv = Path(sys.executable).parents[1]
    stamp = venv / ".installed-stamp"
    return subprocess.run(["make", "--no-print-directory", "-o", str(stamp), "refresh", f"VENV={venv}",
                           f"STAMP={stamp}", *variables], capture_output=True, text=True, cwd=root,
                          env=PYTHON_ENV)


@pytest.mark.parametrize("as_of", ["2026-11-30; touch injected", "2026-11-30 && touch injected",
                                   "`touch injected`", "2026-11-30' 'x; touch injected; '"])
def test_a_make_variable_never_reaches_the_shell_as_code(book_copy, litellm_json, as_of):
    before = book_and_data(book_copy)
    proc = make_refresh(book_copy, f"PRICES={litellm_json}", f"AS_OF={as_of}")
    assert not (book_copy / "injected").exists()
    assert proc.returncode != 0  # and make reports the refresh's failure
    assert "is not written YYYY-MM-DD" in proc.stderr, proc.stderr
    assert book_and_data(book_copy) == before


def test_make_expands_its_own_syntax_in_a_variable_but_never_runs_it(book_copy, litellm_json):
    # `$(...)` on make's command line is make's own variable syntax: it expands to nothing.
    proc = make_refresh(book_copy, f"PRICES={litellm_json}", "AS_OF=$(touch injected)")
    assert not (book_copy / "injected").exists()
    assert proc.returncode != 0 and "--as-of YYYY-MM-DD is required" in proc.stderr, proc.stderr


def test_an_apostrophe_in_a_path_or_a_source_reaches_the_refresh_intact(book_copy, tmp_path):
    feed = tmp_path / "it's a feed.json"
    feed.write_text("{\"gpt-4o\": ")  # malformed on purpose: the import stops, naming the file
    proc = make_refresh(book_copy, f"PRICES={feed}", "AS_OF=2026-11-30", "SOURCE=O'Brien's feed")
    assert proc.returncode != 0
    assert "it's a feed.json" in proc.stderr and "no chapter was run" in proc.stderr, proc.stderr


@pytest.mark.parametrize("as_of, reason", [("2026-02-30", "is not a day of the calendar"),
                                           ("2026-13-01", "is not a day of the calendar"),
                                           ("20261130", "is not written YYYY-MM-DD"),
                                           ("2026-W48-1", "is not written YYYY-MM-DD"),
                                           ("yesterday", "is not written YYYY-MM-DD")])
def test_an_as_of_that_is_not_a_real_day_is_refused_before_anything_runs(book_copy, litellm_json, as_of, reason):
    before = book_and_data(book_copy)
    proc = make_refresh(book_copy, f"PRICES={litellm_json}", f"AS_OF={as_of}")
    assert proc.returncode != 0 and reason in proc.stderr, proc.stderr
    with pytest.raises(RefreshError, match=reason):
        refresh(book_copy, ["prices_now"], prices=PriceFeed(str(litellm_json), "litellm", as_of))
    assert book_and_data(book_copy) == before


def test_jobs_must_be_a_positive_whole_number(book_copy):
    proc = make_refresh(book_copy, "JOBS=0")
    assert proc.returncode != 0 and "'0' is not a whole number of chapters" in proc.stderr, proc.stderr
    with pytest.raises(RefreshError, match="--jobs takes a whole number"):
        refresh(book_copy, [QUICK], jobs=-1)


# --- damaged records -----------------------------------------------------------------------------

ROW_NAME = "claim_ue_daily_deepseek_r1"  # the row the damage is done to, whatever its value today


@pytest.mark.parametrize("damage, where", [
    (lambda text, row: text.replace(row, row.rsplit(",", 2)[0] + ",lots," + row.rsplit(",", 1)[1], 1), "column 'value'"),
    (lambda text, row: text.replace(row, row.rsplit(",", 1)[0], 1), "has 3 cell(s), the header 4 columns"),
    (lambda text, row: text.replace(ROW_NAME, ROW_NAME[:-1] + "\xe9", 1), "0xE9"),
])
def test_a_damaged_figures_file_stops_the_refresh_before_anything_runs(book_copy, damage, where):
    figures = book_copy / "book" / "figures.csv"
    text = figures.read_text(encoding="utf-8")
    (row,) = [line for line in text.splitlines() if f",{ROW_NAME}," in line]
    damaged = damage(text, row)
    figures.write_bytes(damaged.encode("utf-8").replace("\xe9".encode(), b"\xe9"))
    before = book_and_data(book_copy)
    with pytest.raises(RefreshError) as err:
        refresh(book_copy, [QUICK], force=True)
    message = str(err.value)
    assert str(figures) in message and where in message and "nothing was run" in message
    assert "row " in message
    assert book_and_data(book_copy) == before


def test_a_deleted_figures_file_is_written_anew_from_the_notebooks(book_copy):
    figures = book_copy / "book" / "figures.csv"
    good = figures.read_text()
    figures.unlink()
    refresh(book_copy, [QUICK], force=True)
    assert figures.read_text() == good
