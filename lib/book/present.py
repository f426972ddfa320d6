"""Tables as readers see them: units formatted, blanks as dashes, HTML escaped."""

from __future__ import annotations

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
