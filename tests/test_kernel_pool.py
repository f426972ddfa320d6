"""The warm kernel pool (lib/book/pool.py): a chapter run in a kernel that has run another chapter
writes the same bytes as in a cold kernel; failures, deaths and stalls are reported and never reach
the next chapter. Tiny chapters in a throw-away folder (the whole book both ways is
tests/test_pipeline.py::test_refresh_is_deterministic)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib.book.execute import ChapterResult, ColdRunner
from lib.book.pool import Task, run_chapters

pytestmark = pytest.mark.slow

# Changes everything the reset must undo, and prints what it changed, so the test can see it did.
DIRTY = '''# %% [markdown]
# # Dirty

# %%
import os, random, sys, warnings
import altair as alt
import numpy as np
import pandas as pd
import probe_helper
from lib.book import charts

# %%
charts.use_book_style(False)
pd.set_option("display.precision", 2)
np.set_printoptions(precision=2)
np.random.seed(1)
random.seed(1)
alt.theme.enable("dark")
alt.data_transformers.enable("default", max_rows=7)
os.environ["BOOK_POOL_LEAK"] = "1"
sys.path.append("/nowhere")
warnings.simplefilter("ignore", DeprecationWarning)
leak = next(charts._counter)
probe_helper.warn()
os.chdir("/")

# %%
print(pd.get_option("display.precision"), alt.theme.active, alt.renderers.active, os.environ.get("BOOK_POOL_LEAK"),
      "/nowhere" in sys.path, "leak" in globals(), os.getcwd(), next(charts._counter))
'''
# Shows the state a chapter starts from; the same notebook in a cold kernel is the reference.
PROBE = '''# %% [markdown]
# # Probe

# %%
import os, random, sys, warnings
import altair as alt
import numpy as np
import pandas as pd
import probe_helper
from lib.book import charts

# %%
probe_helper.warn()
# A fresh kernel's global generators are seeded from entropy: only a leaked seed makes these True.
print(pd.get_option("display.precision"), np.get_printoptions()["precision"],
      np.random.random() == np.random.RandomState(1).random_sample(), random.random() == random.Random(1).random())
print(alt.theme.active, alt.renderers.active, alt.data_transformers.options, os.environ.get("BOOK_POOL_LEAK"))
print("/nowhere" in sys.path, "leak" in globals(), os.getcwd() == probe_helper.ROOT, next(charts._counter))
print([f for f in warnings.filters if f[2] is DeprecationWarning][:1])

# %%
1 + 1
'''
# The warning's stderr is flushed at once: otherwise which of stderr and the cell's stdout reaches
# the notebook first is a race of ipykernel's stream timers (seen under load), not kernel state.
HELPER = '''import os, sys, warnings
ROOT = os.getcwd()
def warn():
    warnings.warn("shown in every chapter", UserWarning)
    sys.stderr.flush()
'''
RAISES = "# %%\nx = 1\n\n# %%\ny = 1 / 0\n"
DIES = "# %%\nimport os\n\n# %%\nos._exit(1)\n"
STALLS = "# %%\nimport time\n\n# %%\ntime.sleep(600)\n"


@pytest.fixture
def tiny_book(tmp_path: Path) -> Path:
    root = tmp_path / "tiny"
    (root / "analyses").mkdir(parents=True)
    (root / "probe_helper.py").write_text(HELPER)
    for name, text in {"a_dirty": DIRTY, "b_probe": PROBE, "c_probe": PROBE, "raises": RAISES, "dies": DIES,
                       "stalls": STALLS}.items():
        (root / "analyses" / f"{name}.py").write_text(text)
    return root


def cold(root: Path, work: Path, chapter: str) -> ChapterResult:
    """The chapter through papermill in a cold kernel, in a worker process as the refresh runs it."""
    work.mkdir(exist_ok=True)
    with ColdRunner(root, work, 1) as runner:
        (result,) = runner.run([Task(chapter, {})])
    return result


def outputs_text(notebook: Path) -> str:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def test_a_chapter_after_another_in_one_kernel_writes_what_a_cold_kernel_writes(tiny_book, tmp_path):
    pooled, cold_dir = tmp_path / "pooled", tmp_path / "cold"
    pooled.mkdir()
    results = run_chapters(tiny_book, pooled, [Task("a_dirty", {}), Task("b_probe", {})], jobs=1)
    assert [r.ok for r in results] == [True, True], [r.message for r in results]
    assert [r.in_kernel for r in results] == [1, 2], "the probe must run in the kernel the dirty chapter used"
    assert cold(tiny_book, cold_dir, "b_probe").ok
    # The dirty chapter did change the state (or the comparison below would prove nothing) ...
    dirty = outputs_text(pooled / "a_dirty.ipynb")
    assert "UserWarning: shown in every chapter" in dirty and "\n2 dark book-live 1 True True / 2\n" in dirty, dirty
    # ... and the probe after it is byte for byte the probe in a cold kernel: its warning shown
    # again, the counters, options, seeds, cwd and execution counts as a fresh kernel has them.
    assert (pooled / "b_probe.ipynb").read_bytes() == (cold_dir / "b_probe.ipynb").read_bytes()
    assert "shown in every chapter" in outputs_text(pooled / "b_probe.ipynb")


def test_failures_are_reported_and_never_reach_the_next_chapter(tiny_book, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    tasks = [Task(c, {}) for c in ("raises", "b_probe", "dies", "stalls", "c_probe")]
    raised, after_raise, died, stalled, after_stall = run_chapters(tiny_book, work, tasks, jobs=1, cell_timeout_s=5)
    # A chapter that raises reads as in a cold kernel, and its kernel, reset, runs the next one.
    assert not raised.ok and raised.message == cold(tiny_book, tmp_path / "cold", "raises").message
    assert raised.message == "cell 2 `y = 1 / 0`: ZeroDivisionError: division by zero"
    assert after_raise.ok and after_raise.in_kernel == 2
    # A kernel that dies, or stalls past the cell timeout, is replaced; the chapter runs once more
    # on a fresh kernel, then fails naming its cell; the next chapter gets a fresh kernel.
    assert not died.ok and died.attempts == 2 and died.message.startswith("cell 2 `os._exit(1)`: "), died.message
    assert "died" in died.message
    assert not stalled.ok and stalled.attempts == 2, stalled.message
    assert stalled.message.startswith("cell 2 `time.sleep(600)`: CellTimeoutError: no reply in 5 s"), stalled.message
    assert after_stall.ok and after_stall.in_kernel == 1, after_stall.message
    assert (work / "c_probe.ipynb").read_bytes() == (work / "b_probe.ipynb").read_bytes()
