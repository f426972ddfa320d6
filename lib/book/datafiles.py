"""The book's data as a catalogue a reader can download from: every CSV under ``data/``, what it
holds (the first paragraph of its section in ``data/README.md``), its rows, dates and sources,
and the file itself as a ``data:`` link."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from lib.data.paths import resolve

if TYPE_CHECKING:
    import pandas as pd
# pandas and lib.book.present are imported where they are used: the refresh's plan hashes the
# files data_files lists, in a process that never needs pandas when nothing changed.

# data/README.md describes snapshots/ once, for every file in it.
SNAPSHOT_SECTION = "snapshots/"


def readme_sections(readme: str | Path) -> dict[str, str]:
    """Section heading ("api_prices.csv", "snapshots/") -> the first paragraph under it."""
    text = resolve(readme).read_text(encoding="utf-8")
    sections: dict[str, str] = {}
    for match in re.finditer(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", match.group(2)) if p.strip()]
        prose = [p for p in paragraphs if not p.startswith(("|", "-", "```"))]
        sections[match.group(1).strip()] = " ".join((prose[0] if prose else "").split())
    return sections


def first_sentence(text: str) -> str:
    """The first sentence of a description, for a table cell (the whole text if it has no full
    stop); "e.g." and "i.e." do not end one."""
    match = re.match(r"(.+?(?<!\be\.g)(?<!\bi\.e)[.!?])(\s|$)", text)
    return match.group(1) if match else text


# A refresh that imports prices stages the new snapshot in data/.incoming/ and runs every chapter
# on it before moving it into data/snapshots/ (all or nothing), so this page lists a staged file
# under the name it will have; any other hidden folder is the tools' own and not data.
STAGED_FOLDER, SNAPSHOT_FOLDER = ".incoming", "snapshots"


def data_files(data_dir: str | Path) -> list[tuple[str, Path]]:
    """Every CSV under ``data_dir`` as (its path relative to ``data_dir`` once in place, the file to
    read): top-level files first, then snapshots, each by name; a staged snapshot replaces one of
    the same name."""
    base = resolve(data_dir)
    listed: dict[str, Path] = {}
    for path in base.rglob("*.csv"):
        parts = path.relative_to(base).parts
        if any(part.startswith(".") for part in parts[:-1]) and parts[0] != STAGED_FOLDER:
            continue
        if parts[0] == STAGED_FOLDER:
            listed[Path(SNAPSHOT_FOLDER, *parts[1:]).as_posix()] = path
        else:
            listed.setdefault(Path(*parts).as_posix(), path)
    return sorted(listed.items(), key=lambda kv: (len(Path(kv[0]).parts), kv[0]))


def _sources(frame: pd.DataFrame) -> str:
    if "source" not in frame.columns:
        return ""
    # A row may cite several sources joined with "; " (data/README.md); count each it names.
    named = frame["source"].astype(str).str.split(";").explode().str.strip()
    counts = named[named != ""].value_counts()
    if counts.empty:
        return ""
    top, top_rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    rows = f"{top_rows} row" + ("" if top_rows == 1 else "s")
    return top if len(counts) == 1 else f"{len(counts)} sources, most often {top} ({rows})"


def _dates(frame: pd.DataFrame) -> str:
    if "as_of" not in frame.columns:
        return ""
    dates = sorted(d for d in frame["as_of"].astype(str).unique() if d)
    return "" if not dates else dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"


def catalog(data_dir: str | Path, readme: str | Path) -> pd.DataFrame:
    """One row per data file: its path (relative to the project), what it holds, rows, the dates
    and sources its rows give, and its size. A file data/README.md does not describe is an error
    naming the file and the heading to add, since a reader could not know what it holds."""
    import pandas as pd

    base, sections = resolve(data_dir), readme_sections(readme)
    rows = []
    for name, path in data_files(base):
        rel = Path(name)
        section = SNAPSHOT_SECTION if rel.parts[0] == SNAPSHOT_FOLDER else rel.as_posix()
        if section not in sections:
            raise KeyError(f"{readme}: no section '## {section}' describes {data_dir}/{rel.as_posix()}")
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, UnicodeDecodeError) as err:
            raise ValueError(f"{data_dir}/{rel.as_posix()}: not a CSV the book can list ({err})") from err
        rows.append({"file": f"{Path(data_dir).as_posix()}/{rel.as_posix()}", "holds": sections[section],
                     "rows": len(frame), "as_of": _dates(frame), "sources": _sources(frame),
                     "size_bytes": path.stat().st_size})
    return pd.DataFrame(rows, columns=["file", "holds", "rows", "as_of", "sources", "size_bytes"])


def summary(files: pd.DataFrame, data_dir: str, readme: str) -> str:
    """The banner line: how many files and rows, the span of their dates, and where they are described."""
    dates = sorted(d for t in files["as_of"] for d in t.split(" to ") if d)
    span = f"as of {dates[0]} to {dates[-1]}" if dates else "no dates given"
    return (f"Data: {len(files)} CSV files with {int(files['rows'].sum()):,} rows in {data_dir}/, {span}; "
            f"every column described in {readme}.")


def file_link(path: str | Path, label: str | None = None) -> str:
    """A download link carrying the file's own text, byte for byte (its columns name their units)."""
    from lib.book.present import download_link

    p = resolve(path)
    if not p.exists() and p.parent.name == SNAPSHOT_FOLDER:  # a snapshot still staged by the refresh
        p = p.parent.parent / STAGED_FOLDER / p.name
    return download_link(p.read_text(encoding="utf-8"), p.name, label or f"Download {p.name}")
