"""What a refresh prints while it runs: one line per chapter as it finishes, and a bar on a terminal.

    3 of 28  batch_offpeak          4.1 s  ran
    4 of 28  bench_reality          0.0 s  skipped

The lines are always printed (a log under CI reads the same as a terminal); the bar only when the
stream is a terminal and CI is not set, and it is drawn below the lines (tqdm.write), never into them.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

STATUSES = ("ran", "skipped", "failed", "not run")


def wants_bar(stream: TextIO) -> bool:
    """A bar on an interactive terminal only: not in a pipe or file, not under CI."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("CI")


class ChapterProgress:
    """Given to refresh(progress=...): start(total) once, chapter(...) as each finishes, close()."""

    def __init__(self, stream: TextIO | None = None, bar: bool | None = None) -> None:
        self.stream = stream or sys.stdout
        self.bar_wanted = wants_bar(self.stream) if bar is None else bar
        self.total = self.done = 0
        self.width = 0
        self._bar = None

    def start(self, total: int, names: list[str] | None = None) -> None:
        self.total, self.done = total, 0
        self.width = max((len(n) for n in names or []), default=0)
        if self.bar_wanted and total:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="chapter", file=self.stream, leave=False, dynamic_ncols=True)

    def chapter(self, name: str, seconds: float, status: str) -> None:
        if status not in STATUSES:
            raise ValueError(f"chapter status {status!r} is not one of {', '.join(STATUSES)}")
        self.done += 1
        n = str(self.done).rjust(len(str(self.total)))
        line = f"{n} of {self.total}  {name.ljust(self.width)}  {seconds:5.1f} s  {status}"
        if self._bar is not None:
            self._bar.write(line, file=self.stream)
            self._bar.update(1)
        else:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
