"""Where a refresh keeps what is not yet the book's: an imported snapshot waits in ``data/.incoming/``
and the chapters' notebooks in ``book/.refresh-*``; both move into place only when every chapter
ran. A refresh that fails or is killed leaves ``data/snapshots/`` and ``book/`` as they were, and
the next refresh (holding the checkout's lock, so no other refresh can be using them) clears
what a killed one left behind.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

# lib.prices.feeds.SNAPSHOT_DIR, written out: importing feeds imports pandas, which a refresh that
# runs nothing never needs (tests/test_refresh_cache.py checks the two agree).
SNAPSHOTS_DIR = "data/snapshots"
# The same length as SNAPSHOTS_DIR: a chapter that prints the path of its prices (the banner, a
# table) prints it padded to the same width under either name, so renaming the path in the
# finished notebook gives byte for byte the notebook a run on the final path gives.
STAGING_DIR = "data/.incoming"
WORK_PREFIX = ".refresh-"
assert len(STAGING_DIR) == len(SNAPSHOTS_DIR)


def final_path(relative: str) -> str:
    """The path a staged file will have once in place; any other path unchanged."""
    prefix = STAGING_DIR + "/"
    return SNAPSHOTS_DIR + "/" + relative[len(prefix):] if relative.startswith(prefix) else relative


def clear_leftovers(root: Path) -> list[Path]:
    """Remove the work folders and staged imports of refreshes that did not finish (killed ones);
    returns what was removed. Call it only holding the checkout's lock."""
    leftovers = [p for p in (root / "book").glob(WORK_PREFIX + "*") if p.is_dir()]
    if (root / STAGING_DIR).exists():
        leftovers.append(root / STAGING_DIR)
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)
    return leftovers


@dataclass(frozen=True)
class StagedFiles:
    """Files written under STAGING_DIR and where each goes once the refresh succeeded."""

    root: Path
    staged: tuple[Path, ...]

    def final(self, path: Path) -> Path:
        return self.root / final_path(path.relative_to(self.root).as_posix())

    def read_from(self) -> dict[str, str]:
        """For the inputs' hash: each final relative path, read from its staged file."""
        return {final_path(p.relative_to(self.root).as_posix()): p.relative_to(self.root).as_posix()
                for p in self.staged}

    def move_into_place(self) -> None:
        for path in self.staged:
            target = self.final(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)  # atomic per file: a reader sees the old snapshot or the new one


def name_final_paths(notebook: Path) -> None:
    """A chapter ran on a staged snapshot; once moved, the snapshot is in SNAPSHOTS_DIR. Its
    notebook (injected parameters, stored parameters, any output naming the file) must say so,
    or nbval would re-run it on a folder that no longer exists."""
    text = notebook.read_text(encoding="utf-8")
    renamed = text.replace(STAGING_DIR + "/", SNAPSHOTS_DIR + "/")
    if renamed != text:
        notebook.write_text(renamed, encoding="utf-8")


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that a reader, or a kill, sees the old file or the new one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
