"""Tables as readers see them: units formatted, blanks as dashes, HTML escaped, and each one
downloadable as CSV from its page with no server (a ``data:`` link carrying the raw numbers)."""

from __future__ import annotations

import html
import itertools
import re
from urllib.parse import quote

import pandas as pd
from IPython.display import HTML, display

from lib.book.figures import format_value

MISSING = "—"
# Characters left as they are in a data: link (the rest are percent-encoded): enough to keep the
# link short for plain CSV text, none that HTML or the URL parser would read specially.
_URI_SAFE = ",;:/()$*!~-_.'"
# Tables shown so far in this kernel: a chapter's n-th table downloads as table-<n>.csv. The
# kernel runs a chapter's cells in order (papermill, nbval and "run all" alike), so the n-th
# table gets the same name, and the page the same bytes, on every run.
_table_counter = itertools.count(1)


def format_frame(frame: pd.DataFrame, units: dict[str, str]) -> pd.DataFrame:
    """A copy with each column in ``units`` rendered as text in that unit (NaN -> dash)."""
    out = frame.copy()
    for column, unit in units.items():
        out[column] = [MISSING if pd.isna(v) else format_value(float(v), unit) for v in frame[column]]
    return out.fillna(MISSING) if len(out) else out


def csv_column(column: object, unit: str | None) -> str:
    """A column's name in a downloaded CSV: the shown name, then its unit in parentheses when it
    has one (``input price (usd_per_mtok)``), so a spreadsheet keeps what the page's format said."""
    return f"{column} ({unit})" if unit else str(column)


def table_csv(frame: pd.DataFrame, units: dict[str, str] | None = None) -> str:
    """The table as CSV text: raw values, not the page's formatted text (0.85, not "85%"), blanks
    empty, the unit in each column's name, "\n" line ends; the same frame gives the same bytes."""
    units = units or {}
    unknown = [c for c in units if c not in frame.columns]
    if unknown:
        raise KeyError(f"units name column(s) {unknown} that the table does not have")
    out = frame.rename(columns={c: csv_column(c, units.get(c)) for c in frame.columns})
    return out.to_csv(index=False, lineterminator="\n")


def csv_file_name(name: str | None = None) -> str:
    """``<name>.csv`` for an explicit name, else the next ``table-<n>.csv`` of this kernel."""
    if name is None:
        return f"table-{next(_table_counter)}.csv"
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
        raise ValueError(f"table name {name!r}: use lowercase letters, digits, '-' and '_' (it is a file name)")
    return f"{name}.csv"


def download_link(csv_text: str, file_name: str, label: str = "Download this table (CSV)") -> str:
    """An <a download> whose data: address carries the CSV itself: it works in the offline book,
    from a file:// copy and in Jupyter, with nothing to serve."""
    href = "data:text/csv;charset=utf-8," + quote(csv_text, safe=_URI_SAFE)
    return (f'<p class="book-download"><a download="{html.escape(file_name)}" href="{html.escape(href)}">'
            f"{html.escape(label)}</a></p>")


def show_table(frame: pd.DataFrame, units: dict[str, str] | None = None,
               links: dict[str, pd.Series] | None = None, name: str | None = None) -> None:
    """Display without the index; cell text is escaped, since names come from price feeds. Under
    the table, a link downloads it as CSV (``table_csv``), named ``name``.csv or table-<n>.csv.

    ``links`` maps a column to the page each of its cells links to (a relative address, escaped too);
    the CSV holds the cell's text, not the link."""
    shown = format_frame(frame, units or {})
    download = download_link(table_csv(frame, units), csv_file_name(name))
    if not links:
        display(HTML(shown.to_html(index=False, border=0, escape=True, classes="dataframe book-table", na_rep=MISSING)
                     + "\n" + download))
        return
    escaped = shown.apply(lambda col: col.map(lambda v: html.escape(str(v))))
    for column, hrefs in links.items():
        if "://" in "".join(map(str, hrefs)):
            raise ValueError(f"links in column '{column}' must be relative: the book links only to its own pages")
        escaped[column] = [f'<a href="{html.escape(str(h))}">{t}</a>' for t, h in zip(escaped[column], hrefs)]
    display(HTML(escaped.to_html(index=False, border=0, escape=False, classes="dataframe book-table", na_rep=MISSING)
                 + "\n" + download))


def _rows(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")


def snapshot_summary(frame: pd.DataFrame, csv_path: str, what: str = "prices") -> str:
    """One line naming the data snapshot a chapter used: file, row count, as-of dates and sources."""
    for column in ("source", "as_of"):
        if column not in frame.columns:
            raise KeyError(f"{csv_path}: no '{column}' column, so the chapter cannot say which snapshot it used")
    dates = sorted(str(d) for d in frame["as_of"].dropna().unique())
    # A row may cite several sources joined with "; " (data/README.md); count each one it names.
    sources = frame["source"].dropna().astype(str).str.split(";").explode().str.strip()
    counts = sources[sources != ""].value_counts()
    if dates and len(dates) > 2:
        date_text = f"as of {dates[0]} to {dates[-1]}"
    else:
        date_text = "as of " + (" and ".join(dates) if dates else "an unstated date")
    if len(counts) == 0:
        source_text = "no source stated"
    elif len(counts) == 1:
        source_text = f"source: {counts.index[0]}"
    else:
        # Ties broken by name so the banner reads the same on every run.
        top, top_rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        source_text = f"{len(counts)} sources, the most cited being {top} ({_rows(top_rows)})"
    return f"{what.capitalize()}: {_rows(len(frame))} from {csv_path}, {date_text}; {source_text}."


def snapshot_banner(frame: pd.DataFrame, csv_path: str, what: str = "prices") -> None:
    """Show the snapshot line as a banner at the top of a chapter (escaped: sources come from feeds)."""
    text = html.escape(snapshot_summary(frame, csv_path, what))
    display(HTML(f'<div class="book-snapshot" role="note">{text}</div>'))
