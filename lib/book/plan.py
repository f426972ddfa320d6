"""What a refresh runs: each chapter's parameters as the refresh gives them, a hash of everything a
chapter is computed from (its source, lib, the files its parameters name, the parameters), and
the plan that compares those hashes with the ones stored in ``book/``."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lib.book import fastimport  # noqa: F401, I001  (first: keeps rfc3987_syntax out of this process)
from lib.book.records import CONCLUSIONS_FILE, FIGURES_FILE
from lib.book.staging import write_atomically

# jupytext, nbformat and papermill are imported where a chapter is converted: a refresh that
# finds every chapter's parameters in its cache (below) never imports them (about 0.5 s).

KERNEL = "python3"
PARAMETERS = {"for_html_book": True}
# Chapters that read what the other chapters recorded (book/figures.csv, book/conclusions.csv):
# they run after all the others, on the fresh files, when those differ from what they last read.
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


def _declared_of_source(root: Path, chapter: str, workdir: Path | None = None) -> dict[str, dict]:
    import nbformat

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        path = Path(tmp) / f"{chapter}.ipynb"
        nbformat.write(source_notebook(root / "analyses" / f"{chapter}.py"), path)
        return declared_parameters(path)


def chapter_parameters(root: Path, chapter: str, overrides: dict[str, object] | None = None,
                       workdir: Path | None = None, cache: RefreshCache | None = None) -> dict[str, object]:
    """The chapter's parameters as the refresh runs it: the defaults of its parameters cell (read
    with papermill.inspect_notebook on the converted notebook), with the refresh's own values for
    the ones it declares (for_html_book, an imported price snapshot, the record files).
    With ``cache``, the reading is looked up by the sha256 of the chapter's source first."""
    if cache is None:
        declared = _declared_of_source(root, chapter, workdir)
    else:
        source_sha = _sha256((root / "analyses" / f"{chapter}.py").read_bytes())
        declared = cache.declared(source_sha)
        if declared is None:
            declared = _declared_of_source(root, chapter, workdir)
            cache.keep_declared(source_sha, declared)
    values: dict[str, object] = {}
    for name, spec in declared.items():
        try:
            values[name] = ast.literal_eval(spec["default"])
        except (ValueError, SyntaxError, TypeError):
            values[name] = spec["default"]  # not a literal: its source text stands for it
    values.update({k: v for k, v in {**PARAMETERS, **(overrides or {})}.items() if k in declared})
    return values


# What a chapter reads from a folder its parameters name, hashed instead of the folder's bytes, so
# a change it cannot see does not re-run it. The late chapters read ``analyses_dir`` only for each
# chapter's title (lib.book.reliability.chapter_titles: the first "# # " heading of every .py,
# also through lib.book.findings.guide_pages; tests/test_refresh_late.py checks that they read it
# no other way), and ``data_dir`` as the data page's list of CSV files (lib.book.datafiles.data_files).
# Any other folder a parameter names is not hashed, as before: the one there is, cost_attribution's
# ``call_log_cache_dir``, holds what the chapter itself writes (a log seeded by its parameters).
_TITLE = re.compile(r"^# # (.+)$", re.MULTILINE)


def _titles_view(folder: Path, read_from: dict[str, str]) -> object:
    return [(p.stem, (m.group(1).strip() if (m := _TITLE.search(p.read_text(encoding="utf-8"))) else None))
            for p in sorted(folder.glob("*.py"))]


def _data_files_view(folder: Path, read_from: dict[str, str]) -> object:
    from lib.book.datafiles import data_files  # it lists a staged snapshot under its final name

    return [(name, _sha256(path.read_bytes())) for name, path in data_files(folder)]


DIRECTORY_VIEWS = {"analyses_dir": _titles_view, "data_dir": _data_files_view}


def inputs_hash(root: Path, chapter: str, parameters: dict[str, object], lib_hash: str,
                skip_files: tuple[str, ...] = (), extra: object = None,
                read_from: dict[str, str] | None = None) -> str:
    """sha256 over the chapter's source, lib, the files its parameters name (and, for a folder,
    what the chapter reads of it: DIRECTORY_VIEWS) and the parameters.
    ``read_from`` maps a named file to the file its bytes are read from now (a snapshot still
    staged, the records a late chapter runs on): the hash is the one the chapter will have once
    that file is in place."""
    files, folders = {}, {}
    for name, value in parameters.items():
        if isinstance(value, str) and value:
            rel = _relative(root, value)
            source = root / (read_from or {}).get(rel, rel)
            if rel in skip_files:
                continue
            if source.is_file():
                files[rel] = _sha256(source.read_bytes())
            elif name in DIRECTORY_VIEWS and source.is_dir():
                folders[rel] = _sha256(json.dumps(DIRECTORY_VIEWS[name](source, read_from or {})).encode())
    doc = {"chapter": chapter, "source": _sha256((root / "analyses" / f"{chapter}.py").read_bytes()),
           "lib": lib_hash, "files": files, "folders": folders, "parameters": parameters, "extra": extra}
    return _sha256(json.dumps(doc, sort_keys=True, default=repr).encode())


def stored_hash(notebook: Path) -> str | None:
    if not notebook.is_file():
        return None
    with notebook.open(encoding="utf-8") as fh:
        meta = json.load(fh).get("metadata", {})
    return meta.get("refresh", {}).get(HASH_KEY)


@dataclass(frozen=True)
class Plan:
    """Which chapters a refresh runs and why; the hash each will be stamped with. ``pending``: the
    late chapters whose inputs include records the early chapters are about to rewrite; the
    refresh decides on them (``late_plan``) once those records are written."""

    early: list[str]
    late: list[str]
    skipped: list[str]
    hashes: dict[str, str]
    reasons: dict[str, str]
    pending: list[str] = field(default_factory=list)
    forced_late: tuple[str, ...] = ()

    @property
    def run(self) -> list[str]:
        return self.early + self.late


def _late_overrides(parameters: dict[str, object]) -> dict[str, object]:
    return {**parameters, **{k: f"book/{v}" for k, v in RECORD_PARAMETERS.items()}}


def _reason(root: Path, chapter: str, digest: str, forced: bool) -> str:
    notebook = root / "book" / f"{chapter}.ipynb"
    if forced:
        return "forced"
    if not notebook.exists():
        return "no stored notebook"
    stored = stored_hash(notebook)
    return "no stored hash" if stored is None else "inputs changed" if stored != digest else ""


_HEADING = re.compile(r"^# (.+)$", re.MULTILINE)


def _late_extra(root: Path, writers: list[str]) -> object:
    """Besides its parameters' files: the chapters that write the records, and the first heading of
    each hand-written page of book/ (all the landing page reads of them: lib.book.findings.guide_pages;
    book/changes.md is rewritten by the refresh after the late chapters ran, its heading never changes)."""
    pages = [(p.name, (m.group(1).strip() if (m := _HEADING.search(p.read_text(encoding="utf-8"))) else None))
             for p in sorted((root / "book").glob("*.md"))]
    return {"writers": writers, "pages": pages}


def late_plan(root: Path, chapters: list[str], parameters: dict[str, object] | None = None,
              forced: tuple[str, ...] = (), read_from: dict[str, str] | None = None,
              cache: RefreshCache | None = None, lib_hash: str | None = None) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Which of the late ``chapters`` run: those whose inputs, the records they read included (through
    ``read_from``: the records the early chapters just wrote), differ from what their stored
    notebook was computed from, or that are forced. Returns (to run, hash of each, reason of each)."""
    root = root.resolve()
    lib_hash = lib_hash or lib_digest(root)
    writers = [c for c in chapters_in(root) if c not in LATE_CHAPTERS]
    extra = _late_extra(root, writers)
    run, hashes, reasons = [], {}, {}
    for chapter in chapters:
        hashes[chapter] = inputs_hash(root, chapter, chapter_parameters(root, chapter, _late_overrides(parameters or {}),
                                                                        cache=cache),
                                      lib_hash, extra=extra, read_from=read_from)
        reason = _reason(root, chapter, hashes[chapter], chapter in forced)
        if reason:
            run.append(chapter)
            reasons[chapter] = reason
    return run, hashes, reasons


def plan(root: Path, chapters: list[str] | None = None, parameters: dict[str, object] | None = None,
         force: bool = False, read_from: dict[str, str] | None = None, cache: RefreshCache | None = None) -> Plan:
    """Decide what a refresh runs. A chapter runs when forced, when book/ has no notebook for it or
    one whose stored hash differs from its inputs' hash now. A late chapter's inputs include the
    records it reads (book/figures.csv, book/conclusions.csv): when an early chapter runs, the
    late chapters are ``pending`` until the refresh has written the new records (``late_plan``);
    one whose own inputs already changed is in ``late`` at once. ``cache`` (a RefreshCache) spares
    converting the chapters whose source it has seen."""
    root = root.resolve()
    parameters = parameters or {}
    all_chapters = chapters_in(root)
    candidates = chapters or all_chapters
    lib_hash = lib_digest(root)
    hashes, reasons = {}, {}
    early: list[str] = []
    for chapter in candidates:
        if chapter in LATE_CHAPTERS:
            continue
        hashes[chapter] = inputs_hash(root, chapter, chapter_parameters(root, chapter, parameters, cache=cache),
                                      lib_hash, read_from=read_from)
        reason = _reason(root, chapter, hashes[chapter], force)
        if reason:
            early.append(chapter)
            reasons[chapter] = reason
    # A late chapter is considered when it was asked for (or no chapter was named), or when an early
    # chapter runs (the records it reads may change).
    considered = [c for c in all_chapters if c in LATE_CHAPTERS and (chapters is None or c in candidates or early)]
    forced = tuple(c for c in considered if force and (chapters is None or c in candidates))
    late, late_hashes, late_reasons = late_plan(root, considered, parameters, forced, read_from, cache, lib_hash)
    hashes.update(late_hashes)
    reasons.update(late_reasons)
    pending = [c for c in considered if c not in late] if early else []
    skipped = [c for c in candidates if c not in early and c not in late and c not in pending]
    return Plan(early, late, skipped, {c: hashes[c] for c in early + late}, reasons, pending, forced)


# The cache a refresh keeps of what it would otherwise recompute every time: each chapter's
# declared parameters by the sha256 of its source (converting 30 chapters with jupytext and
# reading their parameters cells costs seconds), and the keys of data folders that validated.
# Every entry is a pure function of its key, so two refreshes writing it at once can only lose
# each other's entries; it is written whole to a temporary file and renamed (a kill leaves the
# old file), and a file that does not parse, or was written by other tool versions, is ignored.
CACHE_FILE = ".cache/refresh/plan.json"
CACHE_FORMAT = 1
_CACHE_ENTRIES = 400  # the most declared-parameter readings kept (the oldest go first)


def _tool_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    names = ("jupytext", "nbformat", "papermill", "pandas")
    out = []
    for name in names:
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} -")
    return "; ".join(out)


class RefreshCache:
    """The refresh's cache file (CACHE_FILE under the project root); see the comment above."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / CACHE_FILE
        self.tools = _tool_versions()
        self._declared: dict[str, dict] = {}
        self._valid: list[str] = []
        self._seconds: dict[str, float] = {}
        self._dirty = False
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if (isinstance(doc, dict) and doc.get("format") == CACHE_FORMAT and doc.get("tools") == self.tools
                and isinstance(doc.get("declared"), dict) and isinstance(doc.get("valid_data"), list)):
            self._declared = {k: v for k, v in doc["declared"].items() if _is_declared(v)}
            self._valid = [k for k in doc["valid_data"] if isinstance(k, str)]
            seconds = doc.get("seconds")
            if isinstance(seconds, dict):
                self._seconds = {k: float(v) for k, v in seconds.items()
                                 if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0}

    def declared(self, source_sha256: str) -> dict[str, dict] | None:
        found = self._declared.get(source_sha256)
        return json.loads(json.dumps(found)) if found is not None else None  # a copy: callers may change it

    def keep_declared(self, source_sha256: str, declared: dict[str, dict]) -> None:
        if _is_declared(declared):
            self._declared.pop(source_sha256, None)
            self._declared[source_sha256] = json.loads(json.dumps(declared))
            self._dirty = True

    def data_key(self, data_dir: Path, lib_hash: str) -> str:
        """Every file under ``data_dir`` (path and sha256), the lib that validates them and the tools."""
        files = sorted((p.relative_to(data_dir).as_posix(), _sha256(p.read_bytes()))
                       for p in data_dir.rglob("*") if p.is_file())
        return _sha256(json.dumps({"files": files, "lib": lib_hash, "tools": self.tools}).encode())

    def data_valid(self, key: str) -> bool:
        return key in self._valid

    def keep_data_valid(self, key: str) -> None:
        if key not in self._valid:
            self._valid = (self._valid + [key])[-8:]
            self._dirty = True

    def seconds(self, chapter: str) -> float:
        """The chapter's last run in seconds (infinity when never timed: it is scheduled first)."""
        return self._seconds.get(chapter, float("inf"))

    def keep_seconds(self, results: list) -> None:
        """Each ChapterResult's total seconds, for the next refresh's order (lib.book.refresh)."""
        for result in results:
            total = dict(result.seconds).get("total")
            if result.ok and isinstance(total, (int, float)) and total >= 0:
                self._seconds[result.chapter] = round(float(total), 2)
                self._dirty = True

    def save(self) -> None:
        """Write the file if anything was added; a cache that cannot be written is no error."""
        if not self._dirty:
            return
        declared = dict(list(self._declared.items())[-_CACHE_ENTRIES:])
        doc = {"format": CACHE_FORMAT, "tools": self.tools, "declared": declared, "valid_data": self._valid,
               "seconds": self._seconds}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, json.dumps(doc, sort_keys=True))
            self._dirty = False
        except OSError:
            pass


def _is_declared(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, dict) and "default" in v
                                           for k, v in value.items())


def source_notebook(py_path: Path):  # -> nbformat.NotebookNode
    import jupytext

    nb = jupytext.read(py_path)
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"  # jupytext ids are random; stable ids keep the notebooks diffable
    return nb
