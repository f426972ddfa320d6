"""Locate the project so chapters can name data by repo-relative paths.

A chapter runs with different working directories (papermill from the root, nbval from
``book/``, Jupyter from ``analyses/``); resolving against the project root makes the same
parameter value work in all three.
"""

from __future__ import annotations

from pathlib import Path

_MARKERS = ("_toc.yml", "data")


def _is_root(path: Path) -> bool:
    return all((path / marker).exists() for marker in _MARKERS)


def project_root(start: str | Path | None = None) -> Path:
    """The nearest directory at or above ``start`` (default: cwd) holding ``_toc.yml`` and ``data/``."""
    here = Path(start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if _is_root(candidate):
            return candidate
    fallback = Path(__file__).resolve().parents[2]
    if _is_root(fallback):
        return fallback
    raise FileNotFoundError(f"no project root (a folder with _toc.yml and data/) above {here}")


def resolve(path: str | Path, start: str | Path | None = None) -> Path:
    """An absolute path; a relative one is taken relative to the project root."""
    p = Path(path)
    return p if p.is_absolute() else project_root(start) / p
