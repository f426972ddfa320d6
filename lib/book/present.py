"""Tables as readers see them: units formatted, blanks as dashes, HTML escaped."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML, display

from lib.book.figures import format_value

MISSING = "—"


def format_frame(frame: pd.DataFrame, units: dict[str, str]) -> pd.DataFrame:
    """A copy with each column in ``units`` rendered as text in that unit (NaN -> dash)."""
    out = frame.copy()
    for column, unit in units.items():
        out[column] = [MISSING if pd.isna(v) else format_value(float(v), unit) for v in frame[column]]
    return out.fillna(MISSING) if len(out) else out


def show_table(frame: pd.DataFrame, units: dict[str, str] | None = None,
               links: dict[str, pd.Series] | None = None) -> None:
    """Display without the index; cell text is escaped, since names come from price feeds.

    ``links`` maps a column to the page each of its cells links to (a relative address, escaped too)."""
    shown = format_frame(frame, units or {})
    if not links:
        display(HTML(shown.to_html(index=False, border=0, escape=True, classes="dataframe book-table", na_rep=MISSING)))
        return
    escaped = shown.apply(lambda col: col.map(lambda v: html.escape(str(v))))
    for column, hrefs in links.items():
        if "://" in "".join(map(str, hrefs)):
            raise ValueError(f"links in column '{column}' must be relative: the book links only to its own pages")
        escaped[column] = [f'<a href="{html.escape(str(h))}">{t}</a>' for t, h in zip(escaped[column], hrefs)]
    display(HTML(escaped.to_html(index=False, border=0, escape=False, classes="dataframe book-table", na_rep=MISSING)))


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
