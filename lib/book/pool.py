"""A warm kernel pool for the refresh: one kernel per job, each reused across chapters.

A cold kernel per chapter pays the kernel's start and the imports of pandas, altair and ipywidgets
(seconds each, most of a small chapter's time) 28 times. Here each kernel pays them once, and
before every chapter the kernel is put back as it was when it had just started and imported them
(lib/book/kernel_state.py says what that covers and why). A chapter then runs exactly as
``papermill.execute_notebook`` runs it in a cold kernel (the refresh's ``--cold`` mode): the same
parameter injection (papermill.parameterize), papermill's own notebook client and execution
manager, cell by cell, with the same per-cell timeout; only the kernel is not new. The tests prove
the two modes write the same notebooks byte for byte.

A chapter that raises is reported as the cold mode reports it (cell, first line, error) and its
kernel, reset, runs the next chapter. A kernel that dies or stalls (no reply within the cell
timeout) is replaced by a fresh one and the chapter runs once more on it, as the cold mode retries;
it never runs a later chapter.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import time
import types
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from lib.book import fastimport  # noqa: F401, I001  (first: keeps rfc3987_syntax out of this process)
import nbformat

from lib.book.execute import (CELL_TIMEOUT_S, ChapterResult, IPCKernelManager, _convert, _describe_failure, _store,
                              kernel_arguments)
from lib.book.plan import KERNEL

START_TIMEOUT_S = 60  # papermill's default start_timeout
RESET_TIMEOUT_S = 120
STATE_MODULE = "_book_kernel_state"
# Run once in a new kernel: the kernel-side module, created without defining a name in the user's
# namespace, then the record of the state a fresh kernel has.
_BOOT = ("exec(compile({source!r}, {name!r}, 'exec'), __import__('sys').modules.setdefault({name!r}, "
         "__import__('types').ModuleType({name!r})).__dict__)\n__import__({name!r}).record()")
_RESET = f"__import__({STATE_MODULE!r}).restore()"
# The notebook client logs a dead or stalled kernel as an error; the refresh reports it itself (a
# cold kernel's worker sends the same lines to its kernel log), so they stay off the terminal.
_CLIENT_LOG = logging.getLogger("lib.book.pool.client")
_CLIENT_LOG.addHandler(logging.NullHandler())
_CLIENT_LOG.propagate = False


@dataclass(frozen=True)
class Task:
    """One chapter to run: the refresh's parameters for it and the hash to stamp it with."""

    chapter: str
    parameters: dict[str, object]
    inputs_hash: str | None = None


class KernelTrouble(Exception):
    """The kernel died, stalled or refused a reset: it must be replaced."""


class _Kernel:
    def __init__(self, root: Path, log_path: Path) -> None:
        self.root, self.log_path = root, log_path
        self.km: IPCKernelManager | None = None
        self.kc = None
        self.chapters = 0  # chapters it has been given

    async def start(self) -> None:
        # The kernel's own stderr (transport warnings, shutdown noise) stays out of the report.
        self.log = open(self.log_path, "a")
        self.km = IPCKernelManager(kernel_name=KERNEL)
        # nbclient adds the in-memory history file to every kernel it starts; so do we.
        await self.km.start_kernel(extra_arguments=[*kernel_arguments(), "--HistoryManager.hist_file=:memory:"],
                                   cwd=str(self.root), stdout=self.log, stderr=self.log)
        self.kc = self.km.client()
        self.kc.start_channels()
        await self.kc.wait_for_ready(timeout=START_TIMEOUT_S)
        self.kc.allow_stdin = False
        source = (Path(__file__).parent / "kernel_state.py").read_text(encoding="utf-8")
        await self.run_code(_BOOT.format(source=source, name=STATE_MODULE), START_TIMEOUT_S)

    async def run_code(self, code: str, timeout_s: float) -> None:
        """Run code outside the history (the execution count does not move); raise KernelTrouble
        if it fails, the kernel dies or no reply comes within ``timeout_s``."""
        assert self.kc is not None and self.km is not None
        msg_id = self.kc.execute(code, silent=False, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + timeout_s
        while True:
            if not await self.km.is_alive():
                raise KernelTrouble("the kernel died")
            try:
                reply = await self.kc.get_shell_msg(timeout=min(1.0, max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                if time.monotonic() > deadline:
                    raise KernelTrouble(f"no reply from the kernel in {timeout_s:.0f} s") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelTrouble(f"{content.get('ename')}: {content.get('evalue')}")

    async def stop(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None:
            try:
                await self.km.shutdown_kernel(now=True)
            except Exception:  # already dead: nothing to stop
                pass
        self.log.close()
        self.km = self.kc = None


async def _execute(kernel: _Kernel, nb: nbformat.NotebookNode, cell_timeout_s: float) -> nbformat.NotebookNode:
    """papermill's execute_notebook from its parameterized notebook on: its execution manager and
    client, cell by cell (PapermillNotebookClient.execute), on the pooled kernel."""
    from nbclient.exceptions import CellExecutionError
    from nbclient.util import ensure_async
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NotebookExecutionManager

    nb_man = NotebookExecutionManager(nb, output_path=None, progress_bar=False, log_output=False)
    nb_man.notebook_start()
    try:
        client = PapermillNotebookClient(nb_man, km=kernel.km, timeout=cell_timeout_s, startup_timeout=START_TIMEOUT_S,
                                         kernel_name=KERNEL, log=_CLIENT_LOG, log_output=False)
        client.kc = kernel.kc
        client.reset_execution_trackers()
        for index, cell in enumerate(nb_man.nb.cells):
            try:
                nb_man.cell_start(cell, index)
                await client.async_execute_cell(cell, index)
            except CellExecutionError as ex:
                nb_man.cell_exception(nb_man.nb.cells[index], cell_index=index, exception=ex)
                break
            except Exception as ex:  # the kernel died or stalled in this cell: say which
                ex.book_cell_source = cell.source  # type: ignore[attr-defined]
                raise
            finally:
                nb_man.cell_complete(nb_man.nb.cells[index], cell_index=index)
        info_msg = await client.async_wait_for_reply(await ensure_async(kernel.kc.kernel_info()))
        nb_man.nb.metadata["language_info"] = info_msg["content"]["language_info"]
        client.set_widgets_metadata()
    finally:
        nb_man.cleanup_pbar()
        nb_man.notebook_complete()
    return nb_man.nb


class KernelPool:
    """``jobs`` kernels, started on first use, each running chapter after chapter until close().

    Runs on its own event loop in one private thread, so a caller needs no asyncio of its own."""

    def __init__(self, root: Path, work: Path, jobs: int, cell_timeout_s: float = CELL_TIMEOUT_S) -> None:
        self.root, self.work, self.jobs, self.cell_timeout_s = Path(root), Path(work), max(1, jobs), cell_timeout_s
        self._kernels: list[_Kernel | None] = [None] * self.jobs
        self._started = 0
        self._closing = self._busy = False
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kernel-pool")
        self._loop = asyncio.new_event_loop()

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, tasks: list[Task], on_result: Callable[[ChapterResult], None] | None = None) -> list[ChapterResult]:
        """Run the chapters, as many at a time as there are kernels; results in the order of
        ``tasks``, ``on_result`` called with each as it finishes."""
        return self._thread.submit(self._loop.run_until_complete, self._run(tasks, on_result)).result()

    def close(self) -> None:
        """Stop every kernel. Called while chapters still run (the caller was interrupted), it kills
        the kernels at once and starts no new one, so the run ends and the thread can stop them."""
        self._closing = True
        if self._busy:
            for kernel in list(self._kernels):
                process = getattr(getattr(kernel and kernel.km, "provisioner", None), "process", None)
                if process is not None:
                    process.kill()
        try:
            self._thread.submit(self._loop.run_until_complete, self._stop_all()).result()
        finally:
            self._thread.submit(self._loop.close).result()
            self._thread.shutdown()

    async def _stop_all(self) -> None:
        for i, kernel in enumerate(self._kernels):
            if kernel is not None:
                await kernel.stop()
                self._kernels[i] = None

    async def _run(self, tasks: list[Task], on_result: Callable[[ChapterResult], None] | None) -> list[ChapterResult]:
        todo: asyncio.Queue[tuple[int, Task]] = asyncio.Queue()
        for item in enumerate(tasks):
            todo.put_nowait(item)
        results: list[ChapterResult | None] = [None] * len(tasks)

        async def worker(slot: int) -> None:
            while not todo.empty() and not self._closing:
                index, task = todo.get_nowait()
                results[index] = await self._run_task(slot, task)
                if on_result is not None:
                    on_result(results[index])

        self._busy = True  # set and cleared on the pool's thread, so close() sees a run in progress
        try:
            await asyncio.gather(*(worker(slot) for slot in range(min(self.jobs, len(tasks)))))
        finally:
            self._busy = False
        return [r for r in results if r is not None]

    async def _fresh(self, slot: int) -> _Kernel:
        """Replace the slot's kernel (stopping the old one) with a new, started one."""
        old = self._kernels[slot]
        self._kernels[slot] = None
        if old is not None:
            await old.stop()
        if self._closing:
            raise KernelTrouble("the pool is closing")
        self._started += 1
        kernel = _Kernel(self.root, self.work / f"kernel-{slot}-{self._started}.log")
        try:
            await kernel.start()
        except BaseException:
            await kernel.stop()
            raise
        self._kernels[slot] = kernel
        return kernel

    async def _ready(self, slot: int) -> _Kernel:
        """The slot's kernel (a new one if it has none), reset for a chapter."""
        for attempt in (1, 2):
            kernel = self._kernels[slot]
            try:
                if kernel is None:
                    kernel = await self._fresh(slot)
                await kernel.run_code(_RESET, RESET_TIMEOUT_S)
                return kernel
            except Exception as exc:  # a kernel that fails to start or to reset: one more, fresh
                self._kernels[slot] = None
                if kernel is not None:
                    await kernel.stop()
                if attempt == 2:
                    raise KernelTrouble(f"no kernel could be started and reset: {type(exc).__name__}: {exc}") from exc
        raise AssertionError("unreachable")

    async def _run_task(self, slot: int, task: Task) -> ChapterResult:
        from papermill.exceptions import PapermillExecutionError
        from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        converted = _convert(self.root, task.chapter, self.work, task.parameters)
        if isinstance(converted, str):
            return ChapterResult(task.chapter, False, converted)
        source_nb, input_nb, wanted = converted
        output_nb = self.work / f"{task.chapter}.ipynb"
        # As in the cold mode, a chapter's time includes its kernel's start (when it is the first
        # the kernel runs, or a retry), here also the reset before it.
        began = time.perf_counter()
        for attempt in (1, 2):
            try:
                kernel = await self._ready(slot)
            except KernelTrouble as exc:
                return ChapterResult(task.chapter, False, str(exc), attempts=attempt)
            kernel.chapters += 1
            # What papermill.execute_notebook does before its engine runs, step for step.
            nb = load_notebook_node(str(input_nb))
            if wanted:  # papermill injects no cell for no parameters
                nb = parameterize_notebook(nb, wanted, False, kernel_name=KERNEL, language=None, engine_name=None)
            nb = remove_error_markers(prepare_notebook_metadata(nb, str(input_nb), str(output_nb), False))
            try:
                nb = await _execute(kernel, nb, self.cell_timeout_s)
                raise_for_execution_errors(nb, str(output_nb))
            except PapermillExecutionError as exc:
                return ChapterResult(task.chapter, False, _describe_failure(exc, source_nb), attempts=attempt,
                                     in_kernel=kernel.chapters)
            except Exception as exc:  # died, stalled, or lost: never let this kernel run another chapter
                self._kernels[slot] = None
                await kernel.stop()
                if attempt == 2:
                    why = ("no reply in {:.0f} s".format(self.cell_timeout_s) if isinstance(exc, TimeoutError)
                           else "the kernel died" if "dead" in type(exc).__name__.lower() else str(exc))
                    failed = types.SimpleNamespace(ename=type(exc).__name__, evalue=f"{why} (twice, on fresh kernels)",
                                                   source=getattr(exc, "book_cell_source", None))
                    return ChapterResult(task.chapter, False, _describe_failure(failed, source_nb), attempts=2)
                logging.getLogger(__name__).info("%s: %s; running it again on a fresh kernel", task.chapter, exc)
                continue
            # As papermill writes it and the cold mode reads it back.
            raw = nbformat.reads(nbformat.writes(nb), as_version=4)
            done = _store(raw, task.chapter, self.work, time.perf_counter() - began, task.inputs_hash)
            return replace(done, attempts=attempt, in_kernel=kernel.chapters)
        raise AssertionError("unreachable")


def run_chapters(root: Path, work: Path, tasks: list[Task], jobs: int, cell_timeout_s: float = CELL_TIMEOUT_S,
                 on_result: Callable[[ChapterResult], None] | None = None) -> list[ChapterResult]:
    """Run ``tasks`` on a pool of ``jobs`` warm kernels, writing ``work/<chapter>.ipynb`` for each."""
    with KernelPool(root, work, jobs, cell_timeout_s) as pool:
        return pool.run(tasks, on_result)
