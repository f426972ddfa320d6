"""The incremental refresh: a chapter runs again only when its source, lib or the data it reads changed.

Most checks ask the refresh's plan (which hashes inputs and reads the stored notebooks, running no
kernel); one runs a chapter for real to show a no-change refresh leaves book/ byte for byte."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lib.book.refresh import HASH_KEY, LATE_CHAPTERS, chapters_in, lib_digest, plan, refresh
from tests.conftest import ROOT, snapshot

pytestmark = pytest.mark.slow


def stamp_all(project: Path) -> None:
    """Mark every stored notebook as computed from the inputs as they are now (a test's set-up:
    the stored notebooks match the data, as nbval checks elsewhere)."""
    hashes = plan(project, force=True).hashes
    for chapter, digest in hashes.items():
        path = project / "book" / f"{chapter}.ipynb"
        nb = nbformat.read(path, as_version=4)
        nb.metadata.setdefault("refresh", {})[HASH_KEY] = digest
        nbformat.write(nb, path)


@pytest.fixture
def stamped(book_copy: Path) -> Path:
    stamp_all(book_copy)
    return book_copy


def readers_of(project: Path, data_file: str) -> list[str]:
    """The chapters whose parameters cell names the file (an oracle independent of the plan)."""
    return sorted(c for c in chapters_in(project) if c not in LATE_CHAPTERS
                  and f'"{data_file}"' in (project / "analyses" / f"{c}.py").read_text())


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def test_nothing_changed_runs_nothing_and_leaves_book_byte_identical(stamped):
    assert plan(stamped).run == []
    before = snapshot(stamped / "book")
    ran: list = []
    assert refresh(stamped, results=ran) == []
    assert ran == []
    assert snapshot(stamped / "book") == before


def test_a_touched_chapter_reruns_and_the_late_chapters_wait_for_its_records(stamped):
    append(stamped / "analyses" / "unit_economics.py", "\n# a reader's note\n")
    todo = plan(stamped)
    assert todo.early == ["unit_economics"] and todo.late == [] and todo.pending == list(LATE_CHAPTERS)
    assert todo.reasons["unit_economics"] == "inputs changed"


def test_an_edited_csv_reruns_exactly_the_chapters_that_read_it(stamped):
    for data_file in ("data/throughput_stack.csv", "data/cache_terms.csv", "data/api_prices.csv"):
        project = stamped
        readers = readers_of(project, data_file)
        assert readers, data_file
        original = (project / data_file).read_text()
        append(project / data_file, "")  # same bytes: nothing runs
        assert plan(project).run == []
        # A changed byte (a trailing newline) is a changed file, whatever it means to the loader.
        append(project / data_file, "\n")
        todo = plan(project)
        assert todo.early == readers, data_file
        # The data page lists every data file, a late chapter that names the file reads it; the others
        # wait for the records (test_refresh_late.py).
        late = [c for c in LATE_CHAPTERS if c == "open_data"
                or f'"{data_file}"' in (project / "analyses" / f"{c}.py").read_text()]
        assert todo.late == late and todo.pending == [c for c in LATE_CHAPTERS if c not in late], data_file
        (project / data_file).write_text(original)
    # A late chapter's own inputs: only the late chapters that name the file run.
    toc_readers = [c for c in LATE_CHAPTERS if '"_toc.yml"' in (stamped / "analyses" / f"{c}.py").read_text()]
    assert toc_readers and len(toc_readers) < len(LATE_CHAPTERS)
    append(stamped / "_toc.yml", "\n")
    assert plan(stamped).run == toc_readers


def test_an_imported_price_snapshot_reruns_the_chapters_that_take_prices(stamped):
    snapshot_csv = stamped / "data" / "snapshots" / "test.csv"
    snapshot_csv.parent.mkdir(exist_ok=True)
    shutil.copy(stamped / "data" / "api_prices.csv", snapshot_csv)
    todo = plan(stamped, parameters={"api_prices_csv": "data/snapshots/test.csv",
                                     "imported_prices_csv": "data/snapshots/test.csv"})
    readers = [c for c in chapters_in(stamped) if c not in LATE_CHAPTERS
               and ("api_prices_csv =" in (stamped / "analyses" / f"{c}.py").read_text()
                    or "imported_prices_csv =" in (stamped / "analyses" / f"{c}.py").read_text())]
    assert todo.early == readers


def test_an_edited_lib_reruns_every_chapter_and_the_hash_ignores_where_lib_lives(stamped):
    # A copy of lib in the project (which the kernels would import first) hashes the same as the
    # installed one: contents and relative paths, not locations or mtimes.
    shutil.copytree(ROOT / "lib", stamped / "lib", ignore=shutil.ignore_patterns("__pycache__"))
    assert lib_digest(stamped) == lib_digest(ROOT)
    assert plan(stamped).run == []
    append(stamped / "lib" / "costs" / "api.py", "\n# a comment is a change\n")
    assert plan(stamped).run == [c for c in chapters_in(stamped) if c not in LATE_CHAPTERS] + list(LATE_CHAPTERS)


def test_force_runs_every_chapter(stamped):
    assert set(plan(stamped, force=True).run) == set(chapters_in(stamped))


def test_a_rerun_chapter_is_stamped_passes_nbval_and_then_is_skipped(stamped):
    """One real run: the changed chapter, nothing else (its records came out the same, so the late
    chapters, which read them, did not run); then the late chapters forced give the same bytes."""
    append(stamped / "analyses" / "unit_economics.py", "\n# a reader's note\n")
    ran: list = []
    late_before = {c: (stamped / "book" / f"{c}.ipynb").read_bytes() for c in LATE_CHAPTERS}
    assert refresh(stamped, results=ran) == []
    assert [r.chapter for r in ran] == ["unit_economics"]
    refresh(stamped, chapters=list(LATE_CHAPTERS), force=True)
    assert {c: (stamped / "book" / f"{c}.ipynb").read_bytes() for c in LATE_CHAPTERS} == late_before
    assert all(dict(r.seconds)["total"] > 0 for r in ran)
    nb = nbformat.read(stamped / "book" / "unit_economics.ipynb", as_version=4)
    assert nb.metadata["refresh"][HASH_KEY] == plan(stamped, force=True).hashes["unit_economics"]
    proc = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-q", "-p",
                           "no:cacheprovider", "unit_economics.ipynb"], capture_output=True, text=True,
                          cwd=stamped / "book")
    assert proc.returncode == 0, proc.stdout[-3000:]
    before = snapshot(stamped / "book")
    assert plan(stamped).run == []
    assert refresh(stamped) == [] and snapshot(stamped / "book") == before
