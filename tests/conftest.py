"""Shared fixtures: the project root, and a throw-away copy of the book to break and refresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BAD_DATA = Path(__file__).parent / "fixtures" / "bad_data"
COPIED = ("analyses", "book", "data", "_config.yml", "_toc.yml")


@pytest.fixture
def book_copy(tmp_path: Path) -> Path:
    """A copy of the book's sources, data and executed notebooks (lib stays the installed one)."""
    dest = tmp_path / "project"
    dest.mkdir()
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(".refresh-*", "__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, to prove a failed refresh changed nothing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
