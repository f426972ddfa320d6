"""Run one chapter: papermill executes the converted notebook in its own cold kernel, and the output
is cleaned of what differs run to run. Called in a worker process by ``refresh --cold``; the warm
pool (lib/book/pool.py) shares the conversion, the cleaning and the failure messages."""

from __future__ import annotations

import dataclasses
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from lib.book import fastimport  # noqa: F401, I001  (first: keeps rfc3987_syntax out of this process)
import nbformat
from jupyter_client.manager import AsyncKernelManager
from traitlets import CaselessStrEnum

from lib.book.plan import HASH_KEY, KERNEL, PARAMETERS, declared_parameters, source_notebook

CELL_TIMEOUT_S = 600
# Run in every chapter's kernel before its first cell. jsonschema (which Altair validates charts
# with) imports rfc3987_syntax if it is installed, and that module builds a Lark parser at import:
# measured at 5-12 s per kernel on the 2-core machine, more than the rest of a chapter's imports
# together. Marking it absent only drops jsonschema's "iri" format check; the charts, and so the
# notebooks, come out the same (make bench compares them with the stored ones).
KERNEL_STARTUP = "import sys; sys.modules.setdefault('rfc3987_syntax', None)"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"


class IPCKernelManager(AsyncKernelManager):
    """Kernels on Unix sockets. Over TCP, two chapters starting at once can pick the same free
    port (papermill #511) and hang waiting on each other's kernel."""

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    def _ip_default(self) -> str:
        # jupyter_client's default socket base is "kernel-ipc" in the cwd, numbered from 1, so two
        # kernels started at once in one folder would share sockets. One unique base per kernel.
        return os.path.join(tempfile.gettempdir(), f"book-kernel-{uuid.uuid4().hex}")


@dataclass(frozen=True)
class ChapterResult:
    chapter: str
    ok: bool
    message: str = ""
    # Where the chapter's time went (seconds): "total" in the worker, "kernel" (start and
    # shutdown: total less the cells), "imports" (the cell that imports lib), "cells" (the rest).
    # In a pooled kernel "kernel" holds the kernel's start (in the first chapter it ran only) and
    # the reset before the chapter.
    seconds: tuple[tuple[str, float], ...] = ()
    # 2 when the chapter ran again on a fresh kernel after its kernel died or stalled.
    attempts: int = 1
    # Its place among the chapters its kernel ran: 1 in a fresh kernel (always, when cold).
    in_kernel: int = 1


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


def _convert(root: Path, chapter: str, work: Path,
             parameters: dict[str, object] | None) -> tuple[nbformat.NotebookNode, Path, dict[str, object]] | str:
    """Write the chapter as a notebook into ``work``; its source cells, that path, and the parameters
    it declares, taken from the refresh's (a chapter that reads no prices takes no price path).
    A string is the reason it could not be converted."""
    src = root / "analyses" / f"{chapter}.py"
    input_nb = work / f"{chapter}.input.ipynb"
    try:
        source_nb = source_notebook(src)
        nbformat.write(source_nb, input_nb)
    except Exception as exc:
        return f"could not convert {src}: {exc}"
    declared = declared_parameters(input_nb)
    wanted = {k: v for k, v in {**PARAMETERS, **(parameters or {})}.items() if k in declared}
    return source_nb, input_nb, wanted


def _store(raw: nbformat.NotebookNode, chapter: str, work: Path, total_s: float,
           inputs_hash: str | None) -> ChapterResult:
    """Time and clean an executed notebook and write it as ``work/<chapter>.ipynb``."""
    seconds = _timings(raw, total_s)
    nbformat.write(_clean(raw, inputs_hash), work / f"{chapter}.ipynb")
    (work / f"{chapter}.input.ipynb").unlink(missing_ok=True)
    return ChapterResult(chapter, True, seconds=seconds)


def kernel_arguments() -> list[str]:
    """The kernel's command-line options, the same for a cold and a pooled kernel."""
    return [f"--IPKernelApp.exec_lines={KERNEL_STARTUP}"]


def _run_chapter(root: str, chapter: str, work: str, parameters: dict[str, object] | None = None,
                 inputs_hash: str | None = None) -> ChapterResult:
    """One chapter in one cold kernel, through papermill.execute_notebook (the refresh's --cold mode,
    and the reference the warm pool is compared with)."""
    import time

    import papermill
    from papermill.exceptions import PapermillExecutionError

    root_p, work_p = Path(root), Path(work)
    # Kernels inherit this worker's stderr and log transport warnings and shutdown noise there;
    # keep that out of the refresh report, in the work folder, which is deleted afterwards.
    with open(work_p / f"{chapter}.kernel.log", "w") as log:
        os.dup2(log.fileno(), 2)
    converted = _convert(root_p, chapter, work_p, parameters)
    if isinstance(converted, str):
        return ChapterResult(chapter, False, converted)
    source_nb, input_nb, wanted = converted
    output_nb = work_p / f"{chapter}.ipynb"
    start = time.perf_counter()
    for attempt in (1, 2):
        try:
            papermill.execute_notebook(
                str(input_nb), str(output_nb), parameters=wanted, kernel_name=KERNEL,
                cwd=str(root_p), progress_bar=False, request_save_on_cell_execute=False,
                execution_timeout=CELL_TIMEOUT_S, kernel_manager_class=IPCKernelManager,
                extra_arguments=kernel_arguments(),
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
    done = _store(raw, chapter, work_p, time.perf_counter() - start, inputs_hash)
    return dataclasses.replace(done, attempts=attempt)


class ColdRunner:
    """One cold kernel per chapter, in spawned worker processes (``refresh --cold``): the reference
    the warm pool is proven against. Same interface as lib.book.pool.KernelPool."""

    def __init__(self, root: Path, work: Path, jobs: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.root, self.work = root, work
        # Spawned, not forked, workers: each starts clean instead of inheriting the parent's
        # imported zmq and asyncio state. (The hangs seen here came from shared kernel sockets:
        # see IPCKernelManager.)
        self._pool = ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=multiprocessing.get_context("spawn"))

    def __enter__(self) -> ColdRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown()

    def run(self, tasks: list, on_result=None) -> list[ChapterResult]:  # tasks: list[lib.book.pool.Task]
        from concurrent.futures import as_completed

        futures = [self._pool.submit(_run_chapter, str(self.root), t.chapter, str(self.work), t.parameters,
                                     t.inputs_hash) for t in tasks]
        for future in as_completed(futures):
            if on_result is not None:
                on_result(future.result())
        return [f.result() for f in futures]
