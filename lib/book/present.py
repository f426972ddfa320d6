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


def show_table(frame: pd.DataFrame, units: dict[str, str] | None = None) -> None:
    """Display without the index; cell text is escaped, since names come from price feeds."""
    shown = format_frame(frame, units or {})
    display(HTML(shown.to_html(index=False, border=0, escape=True, classes="dataframe book-table", na_rep=MISSING)))


def snapshot_summary(frame: pd.DataFrame, csv_path: str, what: str = "prices") -> str:
    """One line naming the data snapshot a chapter used: file, row count, as-of dates and sources."""
    for column in ("source", "as_of"):
        if column not in frame.columns:
            raise KeyError(f"{csv_path}: no '{column}' column, so the chapter cannot say which snapshot it used")
    dates = sorted(str(d) for d in frame["as_of"].dropna().unique())
    sources = frame["source"].dropna().astype(str).value_counts()
    if dates and len(dates) > 2:
        date_text = f"as of {dates[0]} to {dates[-1]}"
    else:
        date_text = "as of " + (" and ".join(dates) if dates else "an unstated date")
    if len(sources) == 0:
        source_text = "no source stated"
    elif len(sources) == 1:
        source_text = f"source: {sources.index[0]}"
    else:
        # Ties broken by name so the banner reads the same on every run.
        top = sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        source_text = f"{len(sources)} sources, most rows from {top}"
    return f"{what.capitalize()}: {len(frame):,} rows from {csv_path}, {date_text}; {source_text}."


def snapshot_banner(frame: pd.DataFrame, csv_path: str, what: str = "prices") -> None:
    """Show the snapshot line as a banner at the top of a chapter (escaped: sources come from feeds)."""
    text = html.escape(snapshot_summary(frame, csv_path, what))
    display(HTML(f'<div class="book-snapshot" role="note">{text}</div>'))
