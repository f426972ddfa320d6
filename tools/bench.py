"""Wall time of a full refresh and of a clean HTML build, on a throw-away copy of the book.

    make bench            # or: .venv/bin/python tools/bench.py --runs 3

Prints a table; it is a benchmark, not a test, and asserts nothing. Target for the two
chapters of the spine: refresh + build under 30 s on a 2-core machine once installed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lib.book.refresh import chapters_in, refresh

ROOT = Path(__file__).resolve().parents[1]

COPIED = ("analyses", "book", "data", "_config.yml", "_toc.yml")
TARGET_S = 30.0


def copy_project(dest: Path) -> Path:
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(".refresh-*"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def build_html(project: Path) -> None:
    shutil.rmtree(project / "_build", ignore_errors=True)
    subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(project), "--warningiserror",
                    "--quiet", "--path-output", str(project)], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    refresh_s, html_s = [], []
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp))
        for _ in range(args.runs):
            refresh_s.append(timed(lambda: refresh(project)))
            html_s.append(timed(lambda: build_html(project)))
    total = [r + h for r, h in zip(refresh_s, html_s)]
    print(f"machine: {os.cpu_count()} cores; chapters: {len(chapters_in(ROOT))}; runs: {args.runs}")
    print(f"{'step':<24}{'median s':>10}{'min s':>10}{'max s':>10}")
    for name, xs in [("refresh (all chapters)", refresh_s), ("HTML build (clean)", html_s),
                     ("refresh + HTML", total)]:
        print(f"{name:<24}{statistics.median(xs):>10.2f}{min(xs):>10.2f}{max(xs):>10.2f}")
    verdict = "meets" if statistics.median(total) < TARGET_S else "misses"
    print(f"target refresh + HTML < {TARGET_S:.0f} s: {verdict} it")


if __name__ == "__main__":
    main()
