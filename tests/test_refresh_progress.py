"""The refresh's progress: a line per chapter as it finishes (n of N, name, seconds, ran, skipped or
failed), then the change report as before; a bar only on a terminal and never under CI."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lib.book.progress import ChapterProgress, wants_bar
from tests.conftest import ROOT, copy_project

LINE = re.compile(r"^ *(\d+) of (\d+)  (\S+) +(\d+\.\d) s  (ran|skipped|failed|not run)$")
# Two of the quickest chapters; the copy holds only these (and no late chapter).
KEPT = ("long_context", "multimodal")


@pytest.fixture
def small_book(tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "project")
    for source in (project / "analyses").glob("*.py"):
        if source.stem not in KEPT and not source.name.startswith("_"):
            source.unlink()
    return project


def run_refresh(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "lib.book.refresh", "--root", str(project), *args],
                          capture_output=True, text=True, env=env, timeout=600)


def progress_lines(stdout: str) -> list[tuple[int, int, str, str]]:
    found = [LINE.match(line) for line in stdout.splitlines()]
    return [(int(m[1]), int(m[2]), m[3], m[5]) for m in found if m]


@pytest.mark.slow
def test_a_line_per_chapter_as_it_finishes_then_the_report(small_book):
    forced = run_refresh(small_book, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "\r" not in forced.stdout, "no bar when stdout is not a terminal"
    lines = progress_lines(forced.stdout)
    assert [(n, total) for n, total, _, _ in lines] == [(1, 2), (2, 2)], forced.stdout
    assert sorted(name for *_, name, _ in lines) == sorted(KEPT) and {s for *_, s in lines} == {"ran"}
    # The change report still follows, after every chapter's line.
    report = forced.stdout.splitlines()[len(lines):]
    assert report[0].startswith("refresh: ran 2 chapter(s)"), forced.stdout
    assert any(line.startswith("refresh: ") and "conclusion(s) flipped" in line for line in report)

    # One source changed: the other chapter is reported skipped, first, as it does not run.
    with (small_book / "analyses" / f"{KEPT[1]}.py").open("a") as fh:
        fh.write("\n# a changed source\n")
    again = run_refresh(small_book)
    assert again.returncode == 0, again.stderr
    assert progress_lines(again.stdout) == [(1, 2, KEPT[0], "skipped"), (2, 2, KEPT[1], "ran")], again.stdout

    # A chapter that raises is reported failed, and the refresh fails as before.
    (small_book / "analyses" / "zz_broken.py").write_text("# %%\nx = 1 / 0\n")
    broken = run_refresh(small_book)
    assert broken.returncode == 1
    assert progress_lines(broken.stdout) == [(1, 3, KEPT[0], "skipped"), (2, 3, KEPT[1], "skipped"),
                                             (3, 3, "zz_broken", "failed")], broken.stdout
    assert "chapter 'zz_broken' (analyses/zz_broken.py): cell 1 `x = 1 / 0`: ZeroDivisionError" in broken.stderr


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_on_a_terminal_but_not_under_ci_or_in_a_pipe(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert wants_bar(FakeTerminal()) and not wants_bar(io.StringIO())
    monkeypatch.setenv("CI", "true")
    assert not wants_bar(FakeTerminal())

    monkeypatch.delenv("CI")
    terminal = FakeTerminal()
    progress = ChapterProgress(terminal)
    progress.start(2, ["a", "bb"])
    progress.chapter("a", 1.25, "ran")
    progress.chapter("bb", 0.0, "skipped")
    progress.close()
    shown = terminal.getvalue()
    assert "\r" in shown, "a terminal gets a bar"
    assert "1 of 2  a     1.2 s  ran\n" in shown and "2 of 2  bb    0.0 s  skipped\n" in shown

    piped = io.StringIO()
    quiet = ChapterProgress(piped)
    quiet.start(1, ["a"])
    quiet.chapter("a", 3.0, "failed")
    quiet.close()
    assert piped.getvalue() == "1 of 1  a    3.0 s  failed\n"
    with pytest.raises(ValueError, match="not one of"):
        quiet.chapter("a", 1.0, "done")
