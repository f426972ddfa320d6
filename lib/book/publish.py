"""Bookkeeping every chapter repeats, in one call, so a chapter's visible code is its computation.

Each chapter ends by comparing the guide's figures with its own (``guide.comparison_table``, the
call a reader sees) and then does the same three things with the result: glue the one-sentence
count of verdicts for its prose, register every verdict and value for the refresh report, and
show the table. ``verdicts`` does those three, in that order, so the stored outputs are the
ones the chapters wrote when each did them by hand.
"""

from __future__ import annotations

import pandas as pd

from lib.book import figures, guide
from lib.book.present import show_table


def verdicts(summary_name: str, comparison: pd.DataFrame, *, show: bool = True, where: str | None = None) -> None:
    """Glue ``summary_name`` (the verdict count sentence), record every verdict and the book's value
    of every claim, then (unless ``show`` is False) show the comparison without its claim ids.
    ``where`` ("in this section") marks a comparison that is only part of the chapter's claims: the
    count then says so and is tagged with the ids it counts (``guide.glue_count``)."""
    if "claim_id" not in comparison.columns or "verdict" not in comparison.columns:
        raise KeyError(f"{summary_name}: a comparison needs 'claim_id' and 'verdict' columns "
                       "(make it with lib.book.guide.comparison_table)")
    if where is None:
        figures.glue_text(summary_name, guide.verdict_summary(comparison))
    else:
        guide.glue_count(summary_name, comparison, where, summary=True)
    guide.record_verdicts(comparison)
    if show:
        show_table(comparison.drop(columns="claim_id"))
