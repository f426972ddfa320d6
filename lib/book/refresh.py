"""Re-run every chapter on the data in ``data/`` and swap the results into ``book/``, all or nothing.

    python -m lib.book.refresh [--root DIR] [--jobs N] [--chapter NAME ...] [--force] [--cold]
                               [--prices FILE_OR_URL --feed litellm|openrouter --as-of DATE [--source TEXT]]
                               [--prices guide]

Steps: validate every CSV (a bad file stops here, naming file, row, column and reason);
convert each ``analyses/<chapter>.py`` with jupytext; execute it with papermill's client into a
temporary folder on a pool of warm kernels, one per core, each reset between chapters
(lib/book/pool.py; ``--cold`` gives each chapter a new kernel instead), printing a line per chapter
as it finishes; only when every chapter ran, move the notebooks and
the figures registry (``book/figures.csv``) into ``book/`` and print every figure that moved.
A chapter that raises leaves ``book/`` exactly as it was and the message names the chapter,
the cell and the error.

The refresh is incremental: a chapter runs only when what it is computed from changed. Each stored
notebook keeps, in ``metadata.refresh.inputs_sha256``, a hash of its inputs: the chapter's source,
every ``lib/**/*.py``, the files its parameters name (after the refresh's own overrides, such as an
imported price snapshot) and those parameters. A chapter whose stored hash matches is skipped. The
late chapters read every other chapter's records: their hash includes the records, so they run
after the others only when the records those wrote differ from the ones they last ran on (or
their own inputs changed). ``--force`` runs every chapter. What would otherwise be recomputed at
every refresh is kept in ``.cache/refresh/plan.json`` (lib/book/plan.py ``RefreshCache``): each
chapter's declared parameters by its source's sha256, the data folders that validated, and each
chapter's last time (the longest run first).

With ``--prices`` a price feed (LiteLLM's database or OpenRouter's listing, a file or a URL) is
imported into ``data/snapshots/`` first and every chapter runs on that snapshot; the snapshot
stays in use for later refreshes (``data/snapshots/in_use.txt``) until ``--prices guide``.
Besides the figures that moved, the report lists every conclusion that flipped (the cheapest
model, a ranking, a claim of the guide that stopped holding) and is kept as ``book/changes.md``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lib.book import fastimport  # noqa: F401, I001  (first: keeps rfc3987_syntax out of this process)
from typing import TYPE_CHECKING

from lib.book.plan import (HASH_KEY, KERNEL, LATE_CHAPTERS, PARAMETERS, RECORD_PARAMETERS, Plan, RefreshCache,
                           chapter_parameters, chapters_in, inputs_hash, late_plan, lib_digest, lib_dir, plan,
                           source_notebook, stored_hash)
from lib.book.progress import ChapterProgress
from lib.book.records import (CHANGES_FILE, CONCLUSION_COLUMNS, CONCLUSIONS_FILE, FIGURE_COLUMNS, FIGURES_FILE,
                              RefreshError, conclusion_changes, conclusions_of, figure_changes, figures_of,
                              read_conclusions, read_figures, same_value, write_changes_page, write_records)
from lib.book.staging import (STAGING_DIR, WORK_PREFIX, StagedFiles, clear_leftovers, final_path,
                              name_final_paths, write_atomically)
from lib.data.dates import as_of_argument, calendar_date
from lib.data.lock import EXIT_LOCKED, CheckoutLocked, LockFileError, checkout_lock
from lib.data.paths import project_root
from lib.data.validation import DataValidationError

if TYPE_CHECKING:
    from lib.book.execute import ChapterResult
# What only a refresh that runs a chapter needs is imported when it does: the kernels' modules
# (lib.book.execute, lib.book.pool: jupyter_client, nbformat), the data's validator and the feeds
# (pandas). A refresh with nothing to run imports none of them (python -X importtime).
_LAZY = {"CELL_TIMEOUT_S": "lib.book.execute", "KERNEL_STARTUP": "lib.book.execute", "ChapterResult": "lib.book.execute",
         "ColdRunner": "lib.book.execute", "IPCKernelManager": "lib.book.execute", "KernelPool": "lib.book.pool",
         "Task": "lib.book.pool", "validate_data_dir": "lib.data.tables"}
# lib.prices.feeds.IN_USE_FILE, written out (tests/test_refresh_cache.py checks the two agree).
IN_USE_FILE = "data/snapshots/in_use.txt"


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# Old names, kept for the tests and tools that import them from here.
_source_notebook = source_notebook
_same = same_value
_write_records = write_records
__all__ = ["CELL_TIMEOUT_S", "CHANGES_FILE", "IN_USE_FILE", "CONCLUSION_COLUMNS", "CONCLUSIONS_FILE", "FIGURE_COLUMNS",
           "FIGURES_FILE", "HASH_KEY", "KERNEL", "KERNEL_STARTUP", "LATE_CHAPTERS", "PARAMETERS", "RECORD_PARAMETERS",
           "ChapterResult", "IPCKernelManager", "Plan", "PriceFeed", "RefreshError", "chapter_parameters", "chapters_in",
           "conclusion_changes", "conclusions_of", "figure_changes", "figures_of", "inputs_hash", "lib_digest",
           "lib_dir", "plan", "read_conclusions", "read_figures", "refresh", "stored_hash", "main"]

GUIDE_PRICES = "data/api_prices.csv"


@dataclass(frozen=True)
class PriceFeed:
    """A price feed to import before the chapters run."""

    location: str
    feed_format: str
    as_of: str
    source: str = ""


def prices_in_use(root: Path) -> Path | None:
    """The imported snapshot the book runs on, or None for the guide's own prices."""
    pointer = root / IN_USE_FILE
    if not pointer.exists():
        return None
    path = root / pointer.read_text(encoding="utf-8").strip()
    if not path.is_file():
        raise RefreshError(f"{pointer} names {path}, which does not exist; run with --prices guide to go back "
                           "to the guide's prices, or import a feed again")
    return path


def _import(root: Path, feed: PriceFeed) -> tuple[StagedFiles, str]:
    """Import a feed into STAGING_DIR (never straight into data/snapshots: a snapshot in use must
    not be replaced before the book has been computed from its successor); returns the staged
    files and the import's summary line."""
    from lib.data import tables
    from lib.prices import feeds

    try:
        doc, location = feeds.read_feed_json(feed.location)
        result = feeds.import_feed(doc, feed.feed_format, location=location,  # type: ignore[arg-type]
                                   source=feed.source or f"{feed.feed_format} feed {feed.location}",
                                   as_of=feed.as_of, guide_prices=tables.load_api_prices(root / GUIDE_PRICES),
                                   feed_map=feeds.load_feed_map(root / "data" / "price_feed_map.csv"))
    except (feeds.FeedError, DataValidationError) as err:
        raise RefreshError(f"the price feed was not imported, so no chapter was run:\n{err}") from err
    try:
        written = feeds.write_snapshot(result, root, folder=root / STAGING_DIR)
    except OSError as err:
        raise RefreshError(f"cannot write the imported prices to {root / STAGING_DIR} ({err.strerror}), "
                           "so no chapter was run and data/ was left as it was") from err
    return StagedFiles(root, tuple(written)), result.summary()


def _point_at_book(notebook: Path, work_relative: Path) -> None:
    """A late chapter ran on the records in the work folder; once swapped in, they are book/'s.
    Its stored parameters must name book/'s files, or nbval would look for the deleted folder."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = cell.source.replace(str(work_relative), "book")
    params = nb.metadata.get("refresh", {}).get("parameters", {})
    for key, value in params.items():
        if isinstance(value, str):
            params[key] = value.replace(str(work_relative), "book")
    nbformat.write(nb, notebook)


def _set_pointer(root: Path, current: str) -> None:
    pointer = root / IN_USE_FILE
    if current:
        pointer.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(pointer, current + "\n")
    else:
        pointer.unlink(missing_ok=True)


def refresh(root: Path | None = None, chapters: list[str] | None = None, jobs: int | None = None,
            prices: PriceFeed | str | None = None, report: list[str] | None = None, force: bool = False,
            results: list[ChapterResult] | None = None, cold: bool = False,
            progress: ChapterProgress | None = None) -> list[str]:
    """Run the refresh; returns the figure-change lines (and appends conclusion flips and the price
    summary to ``report`` when given, and each chapter run's ChapterResult to ``results``). Only the
    chapters whose inputs changed run (all with ``force``); ``jobs`` defaults to the core count.
    The chapters run on ``jobs`` warm kernels, each reused and reset between chapters
    (lib/book/pool.py); ``cold`` runs each in a new kernel of its own instead. ``progress`` is told
    of every chapter as it finishes, the skipped ones first.
    Raises RefreshError, leaving book/ and the prices in use untouched, or CheckoutLocked when
    another command is changing the checkout."""
    root = (root or project_root()).resolve()
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise RefreshError(f"--jobs takes a whole number of chapters at a time, 1 or more, not {jobs!r}")
    if prices not in (None, "guide") and not isinstance(prices, PriceFeed):
        raise RefreshError(f"--prices takes a feed or 'guide', not {prices!r}")
    if isinstance(prices, PriceFeed):
        try:
            calendar_date(prices.as_of)
        except ValueError as err:
            raise RefreshError(f"--as-of {err}, so no chapter was run: give the day the prices are from") from None
    try:
        lock = checkout_lock(root, what="a refresh of the book (python -m lib.book.refresh)")
        with lock:
            clear_leftovers(root)
            return _refresh_locked(root, chapters, jobs or os.cpu_count() or 1, prices, report, force, results,
                                   cold, progress)
    except LockFileError as err:
        raise RefreshError(str(err)) from err


def _refresh_locked(root: Path, chapters: list[str] | None, jobs: int, prices: PriceFeed | str | None,
                    report: list[str] | None, force: bool, results: list[ChapterResult] | None,
                    cold: bool = False, progress: ChapterProgress | None = None) -> list[str]:
    cache = RefreshCache(root)
    try:
        return _refresh_cached(root, chapters, jobs, prices, report, force, results, cold, progress, cache)
    finally:
        cache.save()  # what it learnt stays true whether or not the chapters ran


def _validate_data(root: Path, cache: RefreshCache) -> None:
    """Every CSV validated, unless these very bytes (and this lib) validated before; a failure is
    never cached, so the message is always the validator's own."""
    key = cache.data_key(root / "data", lib_digest(root))
    if cache.data_valid(key):
        return
    from lib.data.tables import validate_data_dir

    try:
        validate_data_dir(root / "data")
    except DataValidationError as err:
        raise RefreshError(f"the data did not validate, so no chapter was run:\n{err}") from err
    cache.keep_data_valid(key)


def _refresh_cached(root: Path, chapters: list[str] | None, jobs: int, prices: PriceFeed | str | None,
                    report: list[str] | None, force: bool, results: list[ChapterResult] | None,
                    cold: bool, progress: ChapterProgress | None, cache: RefreshCache) -> list[str]:
    _validate_data(root, cache)
    # The records as they stand, read before anything runs: a damaged file stops the refresh here.
    figures_path, conclusions_path = root / "book" / FIGURES_FILE, root / "book" / CONCLUSIONS_FILE
    old, old_c = read_figures(figures_path), read_conclusions(conclusions_path)
    all_chapters = chapters_in(root)
    unknown = sorted(set(chapters or []) - set(all_chapters))
    if unknown:
        raise RefreshError(f"no chapter named {', '.join(unknown)} in {root / 'analyses'}")
    staged, import_summary = StagedFiles(root, ()), ""
    if isinstance(prices, PriceFeed):
        staged, import_summary = _import(root, prices)
        run_on = staged.staged[0]
        current = final_path(run_on.relative_to(root).as_posix())
    else:
        snapshot = None if prices == "guide" else prices_in_use(root)
        current = snapshot.relative_to(root).as_posix() if snapshot is not None else ""
        run_on = snapshot
    # The chapters run on the staged file, but are planned and stamped with the path (and so the
    # hash) they will have once it is in place.
    final_parameters = {"api_prices_csv": current, "imported_prices_csv": current} if current else {}
    parameters = {k: run_on.relative_to(root).as_posix() for k in final_parameters} if run_on else {}
    todo = plan(root, chapters, final_parameters, force, read_from=staged.read_from(), cache=cache)
    early, late = todo.early, todo.late

    if progress is not None:
        considered = [c for c in all_chapters if c in set(todo.run) | set(todo.skipped) | set(todo.pending)]
        progress.start(len(considered), considered)
        for chapter in todo.skipped:
            progress.chapter(chapter, 0.0, "skipped")

    def on_result(result: ChapterResult) -> None:
        if progress is not None:
            progress.chapter(result.chapter, dict(result.seconds).get("total", 0.0), "ran" if result.ok else "failed")

    # One kernel per job, but never more kernels than chapters to run at once.
    workers = max(1, min(jobs, len(early) or 1))
    book = root / "book"
    book.mkdir(exist_ok=True)
    if not todo.run and not todo.pending:  # nothing changed: book/ stays byte for byte as it is
        staged.move_into_place()  # the same bytes the book was computed from (their hash matched)
        _set_pointer(root, current)
        return []
    try:
        work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=book))
    except OSError as err:
        raise RefreshError(f"cannot write to {book} ({err.strerror}), so no chapter was run and book/ and "
                           "data/ were left as they were") from err
    wanted = list(early)
    try:
        from lib.book.execute import ColdRunner
        from lib.book.pool import KernelPool, Task

        runner = (ColdRunner(root, work, workers) if cold else KernelPool(root, work, workers))
        with runner:
            early_results = runner.run(_longest_first([Task(c, parameters, todo.hashes[c]) for c in early], cache),
                                       on_result)
            early_results.sort(key=lambda r: early.index(r.chapter))
            cache.keep_seconds(early_results)
            failed = [r for r in early_results if not r.ok]
            if results is not None:
                results.extend(early_results)
            if not failed:
                write_records(work, early, all_chapters, old, old_c, book)
                # A late chapter runs when what it reads changed: the records just written included.
                records = {f"book/{v}": (work / v).relative_to(root).as_posix() for v in RECORD_PARAMETERS.values()}
                late, late_hashes, _ = late_plan(root, [c for c in all_chapters if c in set(late) | set(todo.pending)],
                                                 final_parameters, todo.forced_late,
                                                 {**staged.read_from(), **records}, cache)
                if progress is not None:
                    for chapter in todo.pending:
                        if chapter not in late:
                            progress.chapter(chapter, 0.0, "skipped")
            if not failed and late:
                # The late chapters read the records just written, through paths in the work folder.
                late_parameters = {**parameters, **{k: str((work / v).relative_to(root))
                                                    for k, v in RECORD_PARAMETERS.items()}}
                late_results = runner.run([Task(c, late_parameters, late_hashes[c]) for c in late], on_result)
                failed = [r for r in late_results if not r.ok]
                if results is not None:
                    results.extend(late_results)
                for chapter in late:
                    if (work / f"{chapter}.ipynb").exists():
                        _point_at_book(work / f"{chapter}.ipynb", work.relative_to(root))
            elif failed and progress is not None:
                for chapter in [c for c in all_chapters if c in set(late) | set(todo.pending)]:
                    progress.chapter(chapter, 0.0, "not run")  # an earlier chapter failed: no records to read
        if not failed:
            wanted = early + late
        if failed:
            detail = "\n".join(f"  chapter '{r.chapter}' (analyses/{r.chapter}.py): {r.message}" for r in failed)
            considered = len(early) + len(set(late) | set(todo.pending))
            raise RefreshError(f"{len(failed)} of {considered} chapter(s) failed; book/ and data/snapshots/ were "
                               f"left as they were.\n{detail}")
        write_records(work, wanted, all_chapters, old, old_c, book)
        new, new_c = read_figures(work / FIGURES_FILE), read_conclusions(work / CONCLUSIONS_FILE)
        for chapter in wanted:
            name_final_paths(work / f"{chapter}.ipynb")

        # Everything ran: swap in, the snapshot first (a notebook must never name a file that is
        # not there), the pointer last. os.replace is atomic per file on one filesystem; a kill
        # between two replaces leaves notebooks each stamped with the hash of what it was
        # computed from, so the next refresh re-runs exactly the ones that do not match.
        staged.move_into_place()
        for chapter in wanted:
            os.replace(work / f"{chapter}.ipynb", book / f"{chapter}.ipynb")
        os.replace(work / FIGURES_FILE, figures_path)
        os.replace(work / CONCLUSIONS_FILE, conclusions_path)
        pointer = root / IN_USE_FILE
        previous = pointer.read_text(encoding="utf-8").strip() if pointer.exists() else ""
        _set_pointer(root, current)
        changes, flips = figure_changes(old, new), conclusion_changes(old_c, new_c)
        moved = any(k in old and not same_value(old[k][0], new[k][0]) for k in new)
        # The page keeps the last refresh that moved something: a chapter merely added or a
        # refresh that changed nothing does not wipe it.
        if moved or flips or previous != current or not (book / CHANGES_FILE).exists():
            write_changes_page(book / CHANGES_FILE, current or GUIDE_PRICES, import_summary, old, new, old_c, new_c)
        if report is not None:
            report.extend(([f"  prices   {import_summary}"] if import_summary else []) + flips)
        return changes
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(root / STAGING_DIR, ignore_errors=True)


def _longest_first(tasks: list, cache: RefreshCache) -> list:
    """The chapters in the order that ends soonest on a few kernels: the longest first (by their last
    run's seconds, kept in the cache; a chapter never timed counts as long). Only the order the
    kernels take them in changes: each chapter's notebook does not depend on it (the pool's reset;
    tests/test_kernel_pool.py)."""
    return sorted(tasks, key=lambda t: -cache.seconds(t.chapter))


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of chapters, 1 or more")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="project root (default: found from cwd)")
    parser.add_argument("--jobs", type=_positive_int, default=None, help="chapters run at once (default: the core count)")
    parser.add_argument("--chapter", action="append", dest="chapters",
                        help="consider only this chapter (it still runs only if its inputs changed)")
    parser.add_argument("--force", action="store_true", help="run the chapters even if their inputs did not change")
    parser.add_argument("--cold", action="store_true",
                        help="run each chapter in a new kernel of its own (default: warm kernels, reset between chapters)")
    parser.add_argument("--prices", help="a price feed (file or URL) to import and run on, or 'guide'")
    parser.add_argument("--feed", choices=("litellm", "openrouter"), default="litellm", help="the feed's format")
    parser.add_argument("--as-of", type=as_of_argument, help="the date the feed's prices are from, YYYY-MM-DD (required with a feed)")
    parser.add_argument("--source", default="", help="how to name the feed in the book (default: format and location)")
    args = parser.parse_args(argv)
    prices: PriceFeed | str | None = None
    if args.prices == "guide":
        prices = "guide"
    elif args.prices:
        if not args.as_of:
            parser.error("--as-of YYYY-MM-DD is required with a price feed: the book dates every price")
        prices = PriceFeed(args.prices, args.feed, args.as_of, args.source)
    report: list[str] = []
    progress = ChapterProgress()
    try:
        ran: list[ChapterResult] = []
        changes = refresh(args.root, args.chapters, args.jobs, prices=prices, report=report, force=args.force,
                          results=ran, cold=args.cold, progress=progress)
    except CheckoutLocked as err:
        print(f"refresh refused: {err}", file=sys.stderr)
        return EXIT_LOCKED
    except RefreshError as err:
        print(f"refresh failed: {err}", file=sys.stderr)
        return 1
    finally:
        progress.close()
    print(f"refresh: ran {len(ran)} chapter(s)" + (f" ({', '.join(r.chapter for r in ran)})" if ran else "")
          + "; the others' inputs had not changed.")
    print(f"refresh: {len(changes)} figure(s) new, changed or removed" + (":" if changes else "."))
    for line in changes:
        print(line)
    prices_lines = [line for line in report if line.startswith("  prices")]
    flips = [line for line in report if not line.startswith("  prices")]
    for line in prices_lines:
        print(line)
    print(f"refresh: {len(flips)} conclusion(s) flipped" + (":" if flips else "."))
    for line in flips:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
