"""Re-run every chapter on the data in ``data/`` and swap the results into ``book/``, all or nothing.

    python -m lib.book.refresh [--root DIR] [--jobs N] [--chapter NAME ...] [--force]
                               [--prices FILE_OR_URL --feed litellm|openrouter --as-of DATE [--source TEXT]]
                               [--prices guide]

Steps: validate every CSV (a bad file stops here, naming file, row, column and reason);
convert each ``analyses/<chapter>.py`` with jupytext; execute it with papermill into a
temporary folder, as many chapters at a time as there are cores; only when every chapter ran, move the notebooks and
the figures registry (``book/figures.csv``) into ``book/`` and print every figure that moved.
A chapter that raises leaves ``book/`` exactly as it was and the message names the chapter,
the cell and the error.

The refresh is incremental: a chapter runs only when what it is computed from changed. Each stored
notebook keeps, in ``metadata.refresh.inputs_sha256``, a hash of its inputs: the chapter's source,
every ``lib/**/*.py``, the files its parameters name (after the refresh's own overrides, such as an
imported price snapshot) and those parameters. A chapter whose stored hash matches is skipped; the
late chapters (which read every other chapter's records) run whenever any other chapter ran.
``--force`` runs every chapter.

With ``--prices`` a price feed (LiteLLM's database or OpenRouter's listing, a file or a URL) is
imported into ``data/snapshots/`` first and every chapter runs on that snapshot; the snapshot
stays in use for later refreshes (``data/snapshots/in_use.txt``) until ``--prices guide``.
Besides the figures that moved, the report lists every conclusion that flipped (the cheapest
model, a ranking, a claim of the guide that stopped holding) and is kept as ``book/changes.md``.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import json
import math
import multiprocessing
import os
import shutil
import sys
import tempfile
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
from jupyter_client.manager import AsyncKernelManager
from traitlets import CaselessStrEnum

from lib.book.figures import CONCLUSION_METADATA_KEY, FIGURE_METADATA_KEY, format_value
from lib.data.paths import project_root
from lib.data.tables import validate_data_dir
from lib.data.validation import DataValidationError

FIGURES_FILE = "figures.csv"
FIGURE_COLUMNS = ["chapter", "name", "value", "unit"]
CONCLUSIONS_FILE = "conclusions.csv"
CONCLUSION_COLUMNS = ["chapter", "name", "text"]
CHANGES_FILE = "changes.md"
IN_USE_FILE = "data/snapshots/in_use.txt"
GUIDE_PRICES = "data/api_prices.csv"
KERNEL = "python3"
PARAMETERS = {"for_html_book": True}
# Chapters that read what the other chapters recorded (book/figures.csv, book/conclusions.csv):
# they run after all the others, on the fresh files, and whenever any other chapter re-runs.
LATE_CHAPTERS = ("guide_trust",)
# The parameters through which a late chapter is pointed at those files.
RECORD_PARAMETERS = {"figures_csv": FIGURES_FILE, "conclusions_csv": CONCLUSIONS_FILE}
CELL_TIMEOUT_S = 600
# Run in every chapter's kernel before its first cell. jsonschema (which Altair validates charts
# with) imports rfc3987_syntax if it is installed, and that module builds a Lark parser at import:
# measured at 5-12 s per kernel on the 2-core machine, more than the rest of a chapter's imports
# together. Marking it absent only drops jsonschema's "iri" format check; the charts, and so the
# notebooks, come out the same (make bench compares them with the stored ones).
KERNEL_STARTUP = "import sys; sys.modules.setdefault('rfc3987_syntax', None)"
# Where a stored notebook keeps the hash of what it was computed from (nb.metadata["refresh"]).
HASH_KEY = "inputs_sha256"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"


class IPCKernelManager(AsyncKernelManager):
    """Kernels on Unix sockets. Over TCP, two chapters starting at once can pick the same free
    port (papermill #511) and hang waiting on each other's kernel."""

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    def _ip_default(self) -> str:
        # jupyter_client's default socket base is "kernel-ipc" in the cwd, numbered from 1, so two
        # kernels started at once in one folder would share sockets. One unique base per kernel.
        return os.path.join(tempfile.gettempdir(), f"book-kernel-{uuid.uuid4().hex}")


class RefreshError(RuntimeError):
    """A refresh that changed nothing; the message says why."""


@dataclass(frozen=True)
class ChapterResult:
    chapter: str
    ok: bool
    message: str = ""
    # Where the chapter's time went (seconds): "total" in the worker, "kernel" (start and
    # shutdown: total less the cells), "imports" (the cell that imports lib), "cells" (the rest).
    seconds: tuple[tuple[str, float], ...] = ()


def chapters_in(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "analyses").glob("*.py") if not p.name.startswith("_"))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lib_dir(root: Path) -> Path:
    """The lib the chapters' kernels import: the project's own (they run with the project as cwd),
    else the one this module belongs to (a copy of the book without lib/ uses the installed lib)."""
    own = root / "lib"
    return own if (own / "__init__.py").is_file() else Path(__file__).resolve().parents[1]


def lib_digest(root: Path) -> str:
    """One hash over every lib/**/*.py: contents and paths relative to lib/, never mtimes or
    absolute paths, so two checkouts of one commit agree."""
    base = lib_dir(root)
    h = hashlib.sha256()
    for path in sorted(base.rglob("*.py"), key=lambda p: p.relative_to(base).as_posix()):
        h.update(path.relative_to(base).as_posix().encode() + b"\0" + _sha256(path.read_bytes()).encode() + b"\n")
    return h.hexdigest()


def _relative(root: Path, value: str) -> str:
    p = Path(value)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(root)
        except ValueError:
            return p.as_posix()
    return Path(os.path.normpath(p)).as_posix()


def chapter_parameters(root: Path, chapter: str, overrides: dict[str, object] | None = None,
                       workdir: Path | None = None) -> dict[str, object]:
    """The chapter's parameters as the refresh runs it: the defaults of its parameters cell (read
    with papermill.inspect_notebook on the converted notebook), with the refresh's own values for
    the ones it declares (for_html_book, an imported price snapshot, the record files)."""
    import logging

    import papermill

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        path = Path(tmp) / f"{chapter}.ipynb"
        nbformat.write(_source_notebook(root / "analyses" / f"{chapter}.py"), path)
        # papermill warns of a parameter line it cannot parse (one with a trailing comment); that
        # parameter keeps its default, which the chapter's source hash already covers.
        quiet = logging.getLogger("papermill")
        level = quiet.level
        quiet.setLevel(logging.ERROR)
        try:
            declared = papermill.inspect_notebook(str(path))
        finally:
            quiet.setLevel(level)
    values: dict[str, object] = {}
    for name, spec in declared.items():
        try:
            values[name] = ast.literal_eval(spec["default"])
        except (ValueError, SyntaxError, TypeError):
            values[name] = spec["default"]  # not a literal: its source text stands for it
    values.update({k: v for k, v in {**PARAMETERS, **(overrides or {})}.items() if k in declared})
    return values


def inputs_hash(root: Path, chapter: str, parameters: dict[str, object], lib_hash: str,
                skip_files: tuple[str, ...] = (), extra: object = None) -> str:
    """sha256 over the chapter's source, lib, the files its parameters name and the parameters."""
    files = {}
    for value in parameters.values():
        if isinstance(value, str) and value:
            rel = _relative(root, value)
            if rel not in skip_files and (root / rel).is_file():
                files[rel] = _sha256((root / rel).read_bytes())
    doc = {"chapter": chapter, "source": _sha256((root / "analyses" / f"{chapter}.py").read_bytes()),
           "lib": lib_hash, "files": files, "parameters": parameters, "extra": extra}
    return _sha256(json.dumps(doc, sort_keys=True, default=repr).encode())


def stored_hash(notebook: Path) -> str | None:
    if not notebook.is_file():
        return None
    with notebook.open(encoding="utf-8") as fh:
        meta = json.load(fh).get("metadata", {})
    return meta.get("refresh", {}).get(HASH_KEY)


@dataclass(frozen=True)
class Plan:
    """Which chapters a refresh runs and why; the hash each will be stamped with."""

    early: list[str]
    late: list[str]
    skipped: list[str]
    hashes: dict[str, str]
    reasons: dict[str, str]

    @property
    def run(self) -> list[str]:
        return self.early + self.late


def _late_overrides(parameters: dict[str, object]) -> dict[str, object]:
    return {**parameters, **{k: f"book/{v}" for k, v in RECORD_PARAMETERS.items()}}


def plan(root: Path, chapters: list[str] | None = None, parameters: dict[str, object] | None = None,
         force: bool = False) -> Plan:
    """Decide what a refresh runs. A chapter runs when forced, when book/ has no notebook for it or
    one whose stored hash differs from its inputs' hash now. A late chapter (it reads book/'s records)
    also runs whenever any other chapter runs; the records themselves are left out of its hash,
    the list of chapters that write them is in it."""
    root = root.resolve()
    parameters = parameters or {}
    all_chapters = chapters_in(root)
    candidates = chapters or all_chapters
    lib_hash = lib_digest(root)
    hashes, reasons = {}, {}
    early: list[str] = []
    late_candidates = [c for c in all_chapters if c in LATE_CHAPTERS]
    for chapter in candidates:
        if chapter in LATE_CHAPTERS:
            continue
        hashes[chapter] = inputs_hash(root, chapter, chapter_parameters(root, chapter, parameters), lib_hash)
    record_files = tuple(f"book/{v}" for v in RECORD_PARAMETERS.values())
    writers = [c for c in all_chapters if c not in LATE_CHAPTERS]
    for chapter in late_candidates:
        hashes[chapter] = inputs_hash(root, chapter, chapter_parameters(root, chapter, _late_overrides(parameters)),
                                      lib_hash, skip_files=record_files, extra=writers)
    for chapter in [c for c in candidates if c not in LATE_CHAPTERS]:
        stored = stored_hash(root / "book" / f"{chapter}.ipynb")
        reason = ("forced" if force else "no stored notebook" if not (root / "book" / f"{chapter}.ipynb").exists()
                  else "no stored hash" if stored is None else "inputs changed" if stored != hashes[chapter] else "")
        if reason:
            early.append(chapter)
            reasons[chapter] = reason
    late: list[str] = []
    for chapter in late_candidates:
        stored = stored_hash(root / "book" / f"{chapter}.ipynb")
        own = chapter in candidates or chapters is None
        reason = ("another chapter ran" if early else "" if not own else "forced" if force
                  else "no stored notebook" if not (root / "book" / f"{chapter}.ipynb").exists()
                  else "no stored hash" if stored is None else "inputs changed" if stored != hashes[chapter] else "")
        if reason:
            late.append(chapter)
            reasons[chapter] = reason
    skipped = [c for c in candidates if c not in early and c not in late]
    return Plan(early, late, skipped, {c: hashes[c] for c in early + late}, reasons)


def _source_notebook(py_path: Path) -> nbformat.NotebookNode:
    nb = jupytext.read(py_path)
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"  # jupytext ids are random; stable ids keep the notebooks diffable
    return nb


def _clean(nb: nbformat.NotebookNode, inputs_hash: str | None = None) -> nbformat.NotebookNode:
    """Drop what differs run to run (timings, temp paths, widget model ids); keep the inputs' hash."""
    params = nb.metadata.get("papermill", {}).get("parameters", {})
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["refresh"] = {"parameters": params}
    if inputs_hash is not None:
        nb.metadata["refresh"][HASH_KEY] = inputs_hash
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]  # a rendering switch, not the reader's business
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        for k, out in enumerate(cell.get("outputs", [])):
            view = out.get("data", {}).get(WIDGET_VIEW_MIME)
            if view is not None:  # the widget state is dropped above, so the random id points nowhere
                view["model_id"] = f"cell-{i}-widget-{k}"
    return nb


def _describe_failure(exc: BaseException, source_nb: nbformat.NotebookNode) -> str:
    """'cell N `first line`: Error: message', N counting the cells of the .py chapter from 1."""
    ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
    failed_source = getattr(exc, "source", None)
    if failed_source is None:
        return f"{ename}: {evalue}"
    # papermill's cell_index counts its injected-parameters cell; find the cell in our own source.
    numbers = [i for i, cell in enumerate(source_nb.cells, start=1) if cell.source == failed_source]
    where = f"cell {numbers[0]}" if numbers else f"cell {getattr(exc, 'cell_index', '?')}"
    lines = failed_source.strip().splitlines()
    excerpt = f" `{lines[0][:80]}`" if lines else ""
    return f"{where}{excerpt}: {ename}: {evalue}"


def _timings(nb: nbformat.NotebookNode, total: float) -> tuple[tuple[str, float], ...]:
    """Split a chapter's wall time by papermill's per-cell durations (read before _clean drops them)."""
    imports = cells = 0.0
    for cell in nb.cells:
        d = cell.metadata.get("papermill", {}).get("duration") or 0.0
        if cell.cell_type == "code" and "from lib" in cell.source and "import" in cell.source and not imports:
            imports = d
        else:
            cells += d
    return (("total", total), ("kernel", max(0.0, total - imports - cells)), ("imports", imports), ("cells", cells))


def _run_chapter(root: str, chapter: str, work: str, parameters: dict[str, object] | None = None,
                 inputs_hash: str | None = None) -> ChapterResult:
    import time

    import papermill
    from papermill.exceptions import PapermillExecutionError

    root_p, work_p = Path(root), Path(work)
    src = root_p / "analyses" / f"{chapter}.py"
    input_nb = work_p / f"{chapter}.input.ipynb"
    output_nb = work_p / f"{chapter}.ipynb"
    try:
        source_nb = _source_notebook(src)
        nbformat.write(source_nb, input_nb)
    except Exception as exc:
        return ChapterResult(chapter, False, f"could not convert {src}: {exc}")
    # Kernels inherit this worker's stderr and log transport warnings and shutdown noise there;
    # keep that out of the refresh report, in the work folder, which is deleted afterwards.
    with open(work_p / f"{chapter}.kernel.log", "w") as log:
        os.dup2(log.fileno(), 2)
    # Pass only what the chapter declares: a chapter that reads no prices takes no price path.
    declared = papermill.inspect_notebook(str(input_nb))
    wanted = {k: v for k, v in {**PARAMETERS, **(parameters or {})}.items() if k in declared}
    start = time.perf_counter()
    for attempt in (1, 2):
        try:
            papermill.execute_notebook(
                str(input_nb), str(output_nb), parameters=wanted, kernel_name=KERNEL,
                cwd=str(root_p), progress_bar=False, request_save_on_cell_execute=False,
                execution_timeout=CELL_TIMEOUT_S, kernel_manager_class=IPCKernelManager,
                extra_arguments=[f"--IPKernelApp.exec_lines={KERNEL_STARTUP}"],
                # Every output is in once the last cell is idle; a graceful shutdown only waits
                # (about 0.4 s a chapter measured here).
                shutdown_kernel="immediate",
            )
            break
        except PapermillExecutionError as exc:
            return ChapterResult(chapter, False, _describe_failure(exc, source_nb))
        except Exception as exc:  # a kernel that fails to start or dies: one retry
            if attempt == 2:
                return ChapterResult(chapter, False, f"{type(exc).__name__}: {exc}")
    raw = nbformat.read(output_nb, as_version=4)
    seconds = _timings(raw, time.perf_counter() - start)
    nbformat.write(_clean(raw, inputs_hash), output_nb)
    input_nb.unlink()
    return ChapterResult(chapter, True, seconds=seconds)


def figures_of(chapter: str, nb: nbformat.NotebookNode) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            fig = out.get("metadata", {}).get(FIGURE_METADATA_KEY)
            if not fig:
                continue
            if fig["name"] in seen:
                raise RefreshError(f"chapter '{chapter}' records figure '{fig['name']}' twice")
            seen.add(fig["name"])
            value = float("nan") if fig["value"] is None else float(fig["value"])
            rows.append({"chapter": chapter, "name": fig["name"], "value": repr(value),
                         "unit": fig["unit"]})
    return rows


def conclusions_of(chapter: str, nb: nbformat.NotebookNode) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            c = out.get("metadata", {}).get(CONCLUSION_METADATA_KEY)
            if c:
                if any(r["name"] == c["name"] for r in rows):
                    raise RefreshError(f"chapter '{chapter}' records conclusion '{c['name']}' twice")
                rows.append({"chapter": chapter, "name": c["name"], "text": c["text"]})
    return rows


def read_conclusions(path: Path) -> dict[tuple[str, str], str]:
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as fh:
        return {(r["chapter"], r["name"]): r["text"] for r in csv.DictReader(fh)}


def conclusion_changes(old: dict[tuple[str, str], str], new: dict[tuple[str, str], str]) -> list[str]:
    lines = []
    for key in sorted(set(old) & set(new)):
        if old[key] != new[key]:
            lines.append(f"  flipped  {key[0]}.{key[1]}: {old[key]!r} -> {new[key]!r}")
    return lines


def read_figures(path: Path) -> dict[tuple[str, str], tuple[float, str]]:
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as fh:
        return {(r["chapter"], r["name"]): (float(r["value"]), r["unit"]) for r in csv.DictReader(fh)}


def _same(a: float, b: float) -> bool:
    """Equal, counting two missing values (NaN: a price the data does not give) as equal."""
    return a == b or (math.isnan(a) and math.isnan(b))


def figure_changes(old: dict[tuple[str, str], tuple[float, str]],
                   new: dict[tuple[str, str], tuple[float, str]]) -> list[str]:
    lines = []
    for key in sorted(set(old) | set(new)):
        label = f"{key[0]}.{key[1]}"
        if key not in old:
            lines.append(f"  new      {label} = {new[key][0]:.6g} {new[key][1]}")
        elif key not in new:
            lines.append(f"  removed  {label} (was {old[key][0]:.6g} {old[key][1]})")
        elif not _same(old[key][0], new[key][0]):
            lines.append(f"  changed  {label}: {old[key][0]:.6g} -> {new[key][0]:.6g} {new[key][1]}")
    return lines


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


def _import(root: Path, feed: PriceFeed) -> tuple[Path, list[Path], str]:
    """Import a feed into data/snapshots; returns the snapshot, the files created, and a summary line."""
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
    targets = feeds.snapshot_paths(root, feed.feed_format, feed.as_of)
    created = [p for p in targets if not p.exists()]
    feeds.write_snapshot(result, root)
    return targets[0], created, result.summary()


def _write_records(work: Path, ran: list[str], all_chapters: list[str],
                   old: dict[tuple[str, str], tuple[float, str]], old_c: dict[tuple[str, str], str]) -> None:
    """figures.csv and conclusions.csv in the work folder: the chapters that ran, and the kept
    rows of those that did not (a chapter no longer in analyses/ drops out)."""
    rows = [{"chapter": k[0], "name": k[1], "value": repr(v[0]), "unit": v[1]} for k, v in old.items()
            if k[0] not in ran and k[0] in all_chapters]
    c_rows = [{"chapter": k[0], "name": k[1], "text": v} for k, v in old_c.items()
              if k[0] not in ran and k[0] in all_chapters]
    for chapter in ran:
        nb = nbformat.read(work / f"{chapter}.ipynb", as_version=4)
        rows.extend(figures_of(chapter, nb))
        c_rows.extend(conclusions_of(chapter, nb))
    for name, columns, records in ((FIGURES_FILE, FIGURE_COLUMNS, rows), (CONCLUSIONS_FILE, CONCLUSION_COLUMNS, c_rows)):
        records.sort(key=lambda r: (r["chapter"], r["name"]))
        with (work / name).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)


def _point_at_book(notebook: Path, work_relative: Path) -> None:
    """A late chapter ran on the records in the work folder; once swapped in, they are book/'s.
    Its stored parameters must name book/'s files, or nbval would look for the deleted folder."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = cell.source.replace(str(work_relative), "book")
    params = nb.metadata.get("refresh", {}).get("parameters", {})
    for key, value in params.items():
        if isinstance(value, str):
            params[key] = value.replace(str(work_relative), "book")
    nbformat.write(nb, notebook)


def refresh(root: Path | None = None, chapters: list[str] | None = None, jobs: int | None = None,
            prices: PriceFeed | str | None = None, report: list[str] | None = None, force: bool = False,
            results: list[ChapterResult] | None = None) -> list[str]:
    """Run the refresh; returns the figure-change lines (and appends conclusion flips and the price
    summary to ``report`` when given, and each chapter run's ChapterResult to ``results``). Only the
    chapters whose inputs changed run (all with ``force``); ``jobs`` defaults to the core count.
    Raises RefreshError, leaving book/ and the prices in use untouched."""
    root = (root or project_root()).resolve()
    jobs = jobs or os.cpu_count() or 1
    try:
        validate_data_dir(root / "data")
    except DataValidationError as err:
        raise RefreshError(f"the data did not validate, so no chapter was run:\n{err}") from err
    if prices not in (None, "guide") and not isinstance(prices, PriceFeed):
        raise RefreshError(f"--prices takes a feed or 'guide', not {prices!r}")
    created: list[Path] = []
    import_summary = ""
    if isinstance(prices, PriceFeed):
        snapshot, created, import_summary = _import(root, prices)
    else:
        snapshot = None if prices == "guide" else prices_in_use(root)
    parameters: dict[str, object] = {}
    if snapshot is not None:
        relative = str(snapshot.relative_to(root))
        parameters = {"api_prices_csv": relative, "imported_prices_csv": relative}

    all_chapters = chapters_in(root)
    unknown = sorted(set(chapters or []) - set(all_chapters))
    if unknown:
        raise RefreshError(f"no chapter named {', '.join(unknown)} in {root / 'analyses'}")
    todo = plan(root, chapters, parameters, force)
    early, late, wanted = todo.early, todo.late, todo.run

    book = root / "book"
    book.mkdir(exist_ok=True)
    if not wanted:  # nothing changed: book/ stays byte for byte as it is
        pointer = root / IN_USE_FILE
        current = str(snapshot.relative_to(root)) if snapshot is not None else ""
        if current:
            pointer.parent.mkdir(parents=True, exist_ok=True)
            pointer.write_text(current + "\n", encoding="utf-8")
        else:
            pointer.unlink(missing_ok=True)
        return []
    work = Path(tempfile.mkdtemp(prefix=".refresh-", dir=book))
    try:
        # Spawned, not forked, workers: each starts clean instead of inheriting the parent's
        # imported zmq and asyncio state. (The hangs seen here came from shared kernel sockets:
        # see IPCKernelManager.)
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(early) or 1)),
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            early_results = list(pool.map(_run_chapter, [str(root)] * len(early), early, [str(work)] * len(early),
                                          [parameters] * len(early), [todo.hashes[c] for c in early]))
            failed = [r for r in early_results if not r.ok]
            if results is not None:
                results.extend(early_results)
            figures_path, conclusions_path = book / FIGURES_FILE, book / CONCLUSIONS_FILE
            old, old_c = read_figures(figures_path), read_conclusions(conclusions_path)
            if not failed:
                _write_records(work, early, all_chapters, old, old_c)
            if not failed and late:
                # The late chapters read the records just written, through paths in the work folder.
                late_parameters = {**parameters, **{k: str((work / v).relative_to(root))
                                                    for k, v in RECORD_PARAMETERS.items()}}
                late_results = list(pool.map(_run_chapter, [str(root)] * len(late), late, [str(work)] * len(late),
                                             [late_parameters] * len(late), [todo.hashes[c] for c in late]))
                failed = [r for r in late_results if not r.ok]
                if results is not None:
                    results.extend(late_results)
                for chapter in late:
                    if (work / f"{chapter}.ipynb").exists():
                        _point_at_book(work / f"{chapter}.ipynb", work.relative_to(root))
        if failed:
            for path in created:  # an import that no chapter could run on is not kept
                path.unlink(missing_ok=True)
            detail = "\n".join(f"  chapter '{r.chapter}' (analyses/{r.chapter}.py): {r.message}" for r in failed)
            raise RefreshError(f"{len(failed)} of {len(wanted)} chapter(s) failed; book/ was left as it was.\n{detail}")
        _write_records(work, wanted, all_chapters, old, old_c)
        new, new_c = read_figures(work / FIGURES_FILE), read_conclusions(work / CONCLUSIONS_FILE)

        # Everything ran: swap in. os.replace is atomic per file on one filesystem.
        for chapter in wanted:
            os.replace(work / f"{chapter}.ipynb", book / f"{chapter}.ipynb")
        os.replace(work / FIGURES_FILE, figures_path)
        os.replace(work / CONCLUSIONS_FILE, conclusions_path)
        pointer = root / IN_USE_FILE
        previous = pointer.read_text(encoding="utf-8").strip() if pointer.exists() else ""
        current = str(snapshot.relative_to(root)) if snapshot is not None else ""
        if current:
            pointer.parent.mkdir(parents=True, exist_ok=True)
            pointer.write_text(current + "\n", encoding="utf-8")
        else:
            pointer.unlink(missing_ok=True)
        changes, flips = figure_changes(old, new), conclusion_changes(old_c, new_c)
        moved = any(k in old and not _same(old[k][0], new[k][0]) for k in new)
        # The page keeps the last refresh that moved something: a chapter merely added or a
        # refresh that changed nothing does not wipe it.
        if moved or flips or previous != current or not (book / CHANGES_FILE).exists():
            write_changes_page(book / CHANGES_FILE, current or GUIDE_PRICES, import_summary, old, new, old_c, new_c)
        if report is not None:
            report.extend(([f"  prices   {import_summary}"] if import_summary else []) + flips)
        return changes
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _md(text: object) -> str:
    """Text from data or a feed, safe in a Markdown table cell: no markup, no cell breaks."""
    import html

    return html.escape(str(text)).replace("|", "\\|").replace("\n", " ")


def write_changes_page(path: Path, prices_file: str, import_summary: str,
                       old: dict[tuple[str, str], tuple[float, str]], new: dict[tuple[str, str], tuple[float, str]],
                       old_c: dict[tuple[str, str], str], new_c: dict[tuple[str, str], str]) -> None:
    """book/changes.md: what the last refresh that changed anything moved, as a page of the book."""
    lines = ["# What moved at the last refresh", "",
             f"The chapters ran on the prices in `{_md(prices_file)}`."]
    if import_summary:
        lines += ["", f"Import: {_md(import_summary)}. The chapter on prices now lists every price that did "
                      "not import and why."]
    flipped = [k for k in sorted(set(old_c) & set(new_c)) if old_c[k] != new_c[k]]
    lines += ["", "## Conclusions that flipped", ""]
    if flipped:
        lines += ["| chapter | conclusion | before | after |", "|---|---|---|---|"]
        lines += [f"| {_md(k[0])} | {_md(k[1])} | {_md(old_c[k])} | {_md(new_c[k])} |" for k in flipped]
    else:
        lines.append("None: every ranking, cheapest choice and verdict on the guide's claims stayed as it was.")
    moved = [k for k in sorted(set(old) & set(new)) if not _same(old[k][0], new[k][0])]
    lines += ["", "## Figures that moved", ""]
    if moved:
        lines += ["| chapter | figure | before | after |", "|---|---|---|---|"]
        lines += [f"| {_md(k[0])} | {_md(k[1])} | {_md(format_value(*old[k]))} | {_md(format_value(*new[k]))} |"
                  for k in moved]
    else:
        lines.append("None.")
    added, removed = len(set(new) - set(old)), len(set(old) - set(new))
    if added or removed:
        lines += ["", f"The refresh also recorded {added} new figure(s) and dropped {removed}."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="project root (default: found from cwd)")
    parser.add_argument("--jobs", type=int, default=None, help="chapters run at once (default: the core count)")
    parser.add_argument("--chapter", action="append", dest="chapters",
                        help="consider only this chapter (it still runs only if its inputs changed)")
    parser.add_argument("--force", action="store_true", help="run the chapters even if their inputs did not change")
    parser.add_argument("--prices", help="a price feed (file or URL) to import and run on, or 'guide'")
    parser.add_argument("--feed", choices=("litellm", "openrouter"), default="litellm", help="the feed's format")
    parser.add_argument("--as-of", help="the date the feed's prices are from, YYYY-MM-DD (required with a feed)")
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
    try:
        ran: list[ChapterResult] = []
        changes = refresh(args.root, args.chapters, args.jobs, prices=prices, report=report, force=args.force,
                          results=ran)
    except RefreshError as err:
        print(f"refresh failed: {err}", file=sys.stderr)
        return 1
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
