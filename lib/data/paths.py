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


# The data files installed with the package (pyproject.toml maps the package ``lib.bundled_data``
# onto ``data/``), for a ``pip install`` that has no checkout around it.
BUNDLED_DATA = Path(__file__).resolve().parents[1] / "bundled_data"


def data_dir() -> Path:
    """The default data folder for tools run from anywhere (the command line, ``python -m lib``).

    The ``data/`` of the checkout this ``lib`` was imported from when there is one, else the copy
    installed with the package. Never the working directory's: a user's own folder may hold a
    ``data/`` of its own, and the tool must not price with it by accident.
    """
    checkout = Path(__file__).resolve().parents[2]
    if _is_root(checkout):
        return checkout / "data"
    if (BUNDLED_DATA / "api_prices.csv").is_file():
        return BUNDLED_DATA
    raise FileNotFoundError(f"no data folder: neither a checkout around {checkout} nor the installed copy "
                            f"{BUNDLED_DATA}; pass --data-dir")
