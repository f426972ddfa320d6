"""The refresh's records: the figures and conclusions each chapter recorded (``book/figures.csv``,
``book/conclusions.csv``), what moved between two refreshes, and the page that shows it
(``book/changes.md``)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from typing import TYPE_CHECKING

from lib.book.staging import write_atomically
from lib.data.csvread import read_rows, shown
from lib.data.validation import DataValidationError, Problem

FIGURES_FILE = "figures.csv"
FIGURE_COLUMNS = ["chapter", "name", "value", "unit"]
CONCLUSIONS_FILE = "conclusions.csv"
CONCLUSION_COLUMNS = ["chapter", "name", "text"]
CHANGES_FILE = "changes.md"
if TYPE_CHECKING:
    import nbformat
# nbformat and lib.book.figures (which imports pandas) are imported where they are used: a refresh
# that runs nothing reads the records and never needs either.
RECOVER = ("The refresh writes this file from the chapters' notebooks: restore it (git checkout book/) or "
           "delete it, and the next refresh writes it anew; nothing was run or changed.")


class RefreshError(RuntimeError):
    """A refresh that changed nothing; the message says why."""


def figures_of(chapter: str, nb: nbformat.NotebookNode) -> list[dict[str, str]]:
    from lib.book.figures import FIGURE_METADATA_KEY

    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            fig = out.get("metadata", {}).get(FIGURE_METADATA_KEY)
            if not fig:
                continue
            if fig["name"] in seen:
                raise RefreshError(f"chapter '{chapter}' records figure '{fig['name']}' twice")
            seen.add(fig["name"])
            value = float("nan") if fig["value"] is None else float(fig["value"])
            rows.append({"chapter": chapter, "name": fig["name"], "value": repr(value),
                         "unit": fig["unit"]})
    return rows


def conclusions_of(chapter: str, nb: nbformat.NotebookNode) -> list[dict[str, str]]:
    from lib.book.figures import CONCLUSION_METADATA_KEY

    rows: list[dict[str, str]] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            c = out.get("metadata", {}).get(CONCLUSION_METADATA_KEY)
            if c:
                if any(r["name"] == c["name"] for r in rows):
                    raise RefreshError(f"chapter '{chapter}' records conclusion '{c['name']}' twice")
                rows.append({"chapter": chapter, "name": c["name"], "text": c["text"]})
    return rows


def _records(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """(row, record) of a records file; RefreshError naming file, row, column and reason for one
    that is not what the refresh writes (edited by hand, cut short, saved in another encoding)."""
    try:
        parsed = read_rows(path, path.name)
    except DataValidationError as err:
        raise RefreshError(f"{err}\n{RECOVER}") from err
    header = [h.strip() for h in parsed.header]
    problems = list(parsed.problems)
    missing = [c for c in columns if c not in header]
    if missing:
        problems.append(Problem(str(path), f"lacks column(s) {', '.join(missing)}", 0))
    records = []
    for row, _line, cells in parsed.rows:
        if len(cells) != len(header):
            problems.append(Problem(str(path), f"has {len(cells)} cell(s), the header {len(header)} columns", row))
        else:
            records.append((row, dict(zip(header, cells))))
    if problems:
        raise RefreshError("\n".join(map(str, problems)) + "\n" + RECOVER)
    return records


def read_conclusions(path: Path) -> dict[tuple[str, str], str]:
    if not path.exists():
        return {}
    return {(r["chapter"], r["name"]): r["text"] for _, r in _records(path, CONCLUSION_COLUMNS)}


def conclusion_changes(old: dict[tuple[str, str], str], new: dict[tuple[str, str], str]) -> list[str]:
    lines = []
    for key in sorted(set(old) & set(new)):
        if old[key] != new[key]:
            lines.append(f"  flipped  {key[0]}.{key[1]}: {old[key]!r} -> {new[key]!r}")
    return lines


def read_figures(path: Path) -> dict[tuple[str, str], tuple[float, str]]:
    if not path.exists():
        return {}
    figures, problems = {}, []
    for row, r in _records(path, FIGURE_COLUMNS):
        try:
            figures[(r["chapter"], r["name"])] = (float(r["value"]), r["unit"])
        except ValueError:
            problems.append(Problem(str(path), f"{shown(r['value'])} is not a number", row, "value"))
    if problems:
        raise RefreshError("\n".join(map(str, problems)) + "\n" + RECOVER)
    return figures


def same_value(a: float, b: float) -> bool:
    """Equal, counting two missing values (NaN: a price the data does not give) as equal."""
    return a == b or (math.isnan(a) and math.isnan(b))


def figure_changes(old: dict[tuple[str, str], tuple[float, str]],
                   new: dict[tuple[str, str], tuple[float, str]]) -> list[str]:
    lines = []
    for key in sorted(set(old) | set(new)):
        label = f"{key[0]}.{key[1]}"
        if key not in old:
            lines.append(f"  new      {label} = {new[key][0]:.6g} {new[key][1]}")
        elif key not in new:
            lines.append(f"  removed  {label} (was {old[key][0]:.6g} {old[key][1]})")
        elif not same_value(old[key][0], new[key][0]):
            lines.append(f"  changed  {label}: {old[key][0]:.6g} -> {new[key][0]:.6g} {new[key][1]}")
    return lines


def _read_notebook(path: Path) -> nbformat.NotebookNode:
    # json + from_dict, not nbformat.read: schema validation of 28 notebooks would cost seconds.
    import nbformat

    with path.open(encoding="utf-8") as fh:
        return nbformat.from_dict(json.load(fh))


def write_records(work: Path, ran: list[str], all_chapters: list[str],
                  old: dict[tuple[str, str], tuple[float, str]], old_c: dict[tuple[str, str], str],
                  book: Path | None = None) -> None:
    """figures.csv and conclusions.csv in the work folder: the chapters that ran, and those that did
    not as their notebooks in ``book`` record them (a chapter no longer in analyses/ drops out).
    Read from the notebooks rather than copied from the old files, the records cannot drift from
    the book: whatever once left them stale (a refresh killed between two swaps, a file edited by
    hand) is mended by the next refresh. A chapter with no notebook keeps its old rows."""
    kept = [c for c in all_chapters if c not in ran]
    from_notebooks = [c for c in kept if book is not None and (book / f"{c}.ipynb").is_file()]
    rows = [{"chapter": k[0], "name": k[1], "value": repr(v[0]), "unit": v[1]} for k, v in old.items()
            if k[0] in kept and k[0] not in from_notebooks]
    c_rows = [{"chapter": k[0], "name": k[1], "text": v} for k, v in old_c.items()
              if k[0] in kept and k[0] not in from_notebooks]
    sources = [(c, work / f"{c}.ipynb") for c in ran] + [(c, book / f"{c}.ipynb") for c in from_notebooks]  # type: ignore[operator]
    for chapter, path in sources:
        nb = _read_notebook(path)
        rows.extend(figures_of(chapter, nb))
        c_rows.extend(conclusions_of(chapter, nb))
    for name, columns, records in ((FIGURES_FILE, FIGURE_COLUMNS, rows), (CONCLUSIONS_FILE, CONCLUSION_COLUMNS, c_rows)):
        records.sort(key=lambda r: (r["chapter"], r["name"]))
        with (work / name).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)


def _md(text: object) -> str:
    """Text from data or a feed, safe in a Markdown table cell: no markup, no cell breaks."""
    import html

    return html.escape(str(text)).replace("|", "\\|").replace("\n", " ")


def write_changes_page(path: Path, prices_file: str, import_summary: str,
                       old: dict[tuple[str, str], tuple[float, str]], new: dict[tuple[str, str], tuple[float, str]],
                       old_c: dict[tuple[str, str], str], new_c: dict[tuple[str, str], str]) -> None:
    """book/changes.md: what the last refresh that changed anything moved, as a page of the book."""
    from lib.book.figures import format_value

    lines = ["# What moved at the last refresh", "",
             f"The chapters ran on the prices in `{_md(prices_file)}`."]
    if import_summary:
        lines += ["", f"Import: {_md(import_summary)}. The chapter on prices now lists every price that did "
                      "not import and why."]
    flipped = [k for k in sorted(set(old_c) & set(new_c)) if old_c[k] != new_c[k]]
    lines += ["", "## Conclusions that flipped", ""]
    if flipped:
        lines += ["| chapter | conclusion | before | after |", "|---|---|---|---|"]
        lines += [f"| {_md(k[0])} | {_md(k[1])} | {_md(old_c[k])} | {_md(new_c[k])} |" for k in flipped]
    else:
        lines.append("None: every ranking, cheapest choice and verdict on the guide's claims stayed as it was.")
    moved = [k for k in sorted(set(old) & set(new)) if not same_value(old[k][0], new[k][0])]
    lines += ["", "## Figures that moved", ""]
    if moved:
        lines += ["| chapter | figure | before | after |", "|---|---|---|---|"]
        lines += [f"| {_md(k[0])} | {_md(k[1])} | {_md(format_value(*old[k]))} | {_md(format_value(*new[k]))} |"
                  for k in moved]
    else:
        lines.append("None.")
    added, removed = len(set(new) - set(old)), len(set(old) - set(new))
    if added or removed:
        lines += ["", f"The refresh also recorded {added} new figure(s) and dropped {removed}."]
    write_atomically(path, "\n".join(lines) + "\n")  # a kill mid-write leaves the old page
