"""What a refresh runs: each chapter's parameters as the refresh gives them, a hash of everything a
chapter is computed from (its source, lib, the files its parameters name, the parameters), and
the plan that compares those hashes with the ones stored in ``book/``."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lib.book import fastimport  # noqa: F401, I001  (first: keeps rfc3987_syntax out of this process)
import jupytext
import nbformat

from lib.book.records import CONCLUSIONS_FILE, FIGURES_FILE

KERNEL = "python3"
PARAMETERS = {"for_html_book": True}
# Chapters that read what the other chapters recorded (book/figures.csv, book/conclusions.csv):
# they run after all the others, on the fresh files, and whenever any other chapter re-runs.
LATE_CHAPTERS = ("guide_trust", "intro", "open_data")
# The parameters through which a late chapter is pointed at those files.
RECORD_PARAMETERS = {"figures_csv": FIGURES_FILE, "conclusions_csv": CONCLUSIONS_FILE}
# Where a stored notebook keeps the hash of what it was computed from (nb.metadata["refresh"]).
HASH_KEY = "inputs_sha256"


def chapters_in(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "analyses").glob("*.py") if not p.name.startswith("_"))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lib_dir(root: Path) -> Path:
    """The lib the chapters' kernels import: the project's own (they run with the project as cwd),
    else the one this module belongs to (a copy of the book without lib/ uses the installed lib)."""
    own = root / "lib"
    return own if (own / "__init__.py").is_file() else Path(__file__).resolve().parents[1]


def lib_digest(root: Path) -> str:
    """One hash over every lib/**/*.py: contents and paths relative to lib/, never mtimes or
    absolute paths, so two checkouts of one commit agree."""
    base = lib_dir(root)
    h = hashlib.sha256()
    for path in sorted(base.rglob("*.py"), key=lambda p: p.relative_to(base).as_posix()):
        h.update(path.relative_to(base).as_posix().encode() + b"\0" + _sha256(path.read_bytes()).encode() + b"\n")
    return h.hexdigest()


def _relative(root: Path, value: str) -> str:
    p = Path(value)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(root)
        except ValueError:
            return p.as_posix()
    return Path(os.path.normpath(p)).as_posix()


def declared_parameters(notebook: Path) -> dict[str, dict]:
    """papermill's reading of a converted chapter's parameters cell (name -> its default and type).

    papermill warns of a parameter line it cannot parse (one with a trailing comment); that
    parameter keeps its default, which the chapter's source hash already covers, so the warning
    is not the refresh report's business."""
    import logging

    import papermill

    quiet = logging.getLogger("papermill")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        return papermill.inspect_notebook(str(notebook))
    finally:
        quiet.setLevel(level)


def chapter_parameters(root: Path, chapter: str, overrides: dict[str, object] | None = None,
                       workdir: Path | None = None) -> dict[str, object]:
    """The chapter's parameters as the refresh runs it: the defaults of its parameters cell (read
    with papermill.inspect_notebook on the converted notebook), with the refresh's own values for
    the ones it declares (for_html_book, an imported price snapshot, the record files)."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        path = Path(tmp) / f"{chapter}.ipynb"
        nbformat.write(source_notebook(root / "analyses" / f"{chapter}.py"), path)
        declared = declared_parameters(path)
    values: dict[str, object] = {}
    for name, spec in declared.items():
        try:
            values[name] = ast.literal_eval(spec["default"])
        except (ValueError, SyntaxError, TypeError):
            values[name] = spec["default"]  # not a literal: its source text stands for it
    values.update({k: v for k, v in {**PARAMETERS, **(overrides or {})}.items() if k in declared})
    return values


def inputs_hash(root: Path, chapter: str, parameters: dict[str, object], lib_hash: str,
                skip_files: tuple[str, ...] = (), extra: object = None,
                read_from: dict[str, str] | None = None) -> str:
    """sha256 over the chapter's source, lib, the files its parameters name and the parameters.
    ``read_from`` maps a named file to the file its bytes are read from now (a snapshot still
    staged): the hash is the one the chapter will have once that file is in place."""
    files = {}
    for value in parameters.values():
        if isinstance(value, str) and value:
            rel = _relative(root, value)
            source = root / (read_from or {}).get(rel, rel)
            if rel not in skip_files and source.is_file():
                files[rel] = _sha256(source.read_bytes())
    doc = {"chapter": chapter, "source": _sha256((root / "analyses" / f"{chapter}.py").read_bytes()),
           "lib": lib_hash, "files": files, "parameters": parameters, "extra": extra}
    return _sha256(json.dumps(doc, sort_keys=True, default=repr).encode())


def stored_hash(notebook: Path) -> str | None:
    if not notebook.is_file():
        return None
    with notebook.open(encoding="utf-8") as fh:
        meta = json.load(fh).get("metadata", {})
    return meta.get("refresh", {}).get(HASH_KEY)


@dataclass(frozen=True)
class Plan:
    """Which chapters a refresh runs and why; the hash each will be stamped with."""

    early: list[str]
    late: list[str]
    skipped: list[str]
    hashes: dict[str, str]
    reasons: dict[str, str]

    @property
    def run(self) -> list[str]:
        return self.early + self.late


def _late_overrides(parameters: dict[str, object]) -> dict[str, object]:
    return {**parameters, **{k: f"book/{v}" for k, v in RECORD_PARAMETERS.items()}}


def plan(root: Path, chapters: list[str] | None = None, parameters: dict[str, object] | None = None,
         force: bool = False, read_from: dict[str, str] | None = None) -> Plan:
    """Decide what a refresh runs. A chapter runs when forced, when book/ has no notebook for it or
    one whose stored hash differs from its inputs' hash now. A late chapter (it reads book/'s records)
    also runs whenever any other chapter runs; the records themselves are left out of its hash,
    the list of chapters that write them is in it."""
    root = root.resolve()
    parameters = parameters or {}
    all_chapters = chapters_in(root)
    candidates = chapters or all_chapters
    lib_hash = lib_digest(root)
    hashes, reasons = {}, {}
    early: list[str] = []
    late_candidates = [c for c in all_chapters if c in LATE_CHAPTERS]
    for chapter in candidates:
        if chapter in LATE_CHAPTERS:
            continue
        hashes[chapter] = inputs_hash(root, chapter, chapter_parameters(root, chapter, parameters), lib_hash,
                                      read_from=read_from)
    record_files = tuple(f"book/{v}" for v in RECORD_PARAMETERS.values())
    writers = [c for c in all_chapters if c not in LATE_CHAPTERS]
    for chapter in late_candidates:
        hashes[chapter] = inputs_hash(root, chapter, chapter_parameters(root, chapter, _late_overrides(parameters)),
                                      lib_hash, skip_files=record_files, extra=writers,
                                      read_from=read_from)
    for chapter in [c for c in candidates if c not in LATE_CHAPTERS]:
        stored = stored_hash(root / "book" / f"{chapter}.ipynb")
        reason = ("forced" if force else "no stored notebook" if not (root / "book" / f"{chapter}.ipynb").exists()
                  else "no stored hash" if stored is None else "inputs changed" if stored != hashes[chapter] else "")
        if reason:
            early.append(chapter)
            reasons[chapter] = reason
    late: list[str] = []
    for chapter in late_candidates:
        stored = stored_hash(root / "book" / f"{chapter}.ipynb")
        own = chapter in candidates or chapters is None
        reason = ("another chapter ran" if early else "" if not own else "forced" if force
                  else "no stored notebook" if not (root / "book" / f"{chapter}.ipynb").exists()
                  else "no stored hash" if stored is None else "inputs changed" if stored != hashes[chapter] else "")
        if reason:
            late.append(chapter)
            reasons[chapter] = reason
    skipped = [c for c in candidates if c not in early and c not in late]
    return Plan(early, late, skipped, {c: hashes[c] for c in early + late}, reasons)


def source_notebook(py_path: Path) -> nbformat.NotebookNode:
    nb = jupytext.read(py_path)
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"  # jupytext ids are random; stable ids keep the notebooks diffable
    return nb
