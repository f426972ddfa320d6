"""Every claim of the guide with the verdict its chapter gave it: the registry joined with what the
chapters recorded, re-classified here by the same rule (``lib.book.guide``) as a consistency check.

The chapters record, per claim, the book's value (figure ``claim_<id>``) and the verdict
(conclusion ``verdict_<id>``) through ``guide.record_verdicts`` / ``guide.record_ceiling_checks``;
the refresh gathers them into ``book/figures.csv`` and ``book/conclusions.csv``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from lib.book import guide
from lib.data.paths import resolve

FIGURE_PREFIX = "claim_"
VERDICT_PREFIX = "verdict_"


class InconsistentVerdicts(ValueError):
    """A recorded verdict that the registry and the recorded value do not reproduce."""


def read_records(figures_csv: str | Path, conclusions_csv: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The refresh's figures and conclusions files, as written by ``lib.book.refresh``."""
    figures = pd.read_csv(resolve(figures_csv), dtype={"chapter": str, "name": str, "unit": str})
    conclusions = pd.read_csv(resolve(conclusions_csv), dtype=str, keep_default_na=False)
    for frame, path, columns in ((figures, figures_csv, ("chapter", "name", "value", "unit")),
                                 (conclusions, conclusions_csv, ("chapter", "name", "text"))):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise KeyError(f"{path}: no column {', '.join(missing)}; is it a file the refresh wrote?")
    return figures, conclusions


def off_factor(gap: float, checked_against: str) -> float:
    """How far off the guide is, as a factor >= 1 (1 = inside the claim or under the ceiling).

    ``gap`` is (ours - guide) / guide. For a ceiling check ours is the ceiling, so a claim above
    it is off by claim / ceiling = 1 / (1 + gap)."""
    if math.isnan(gap):
        return math.nan
    if checked_against == guide.CEILING_CHECK:
        return 1.0 / (1.0 + gap) if gap < 0 else 1.0
    ratio = 1.0 + gap
    if ratio <= 0:  # ours is zero or of the other sign: no finite factor says how far off
        return math.inf
    return max(ratio, 1.0 / ratio)


def miss_share(gap: float, checked_against: str) -> float:
    """The gap the verdict rule judges, as a share >= 0: |gap|, or for a ceiling check how far the
    claim exceeds the ceiling (0 at or under it). ``counts_within`` and the chart's slider use it,
    so a tolerance of 15 % accepts exactly what the rule calls agrees or rounding."""
    if math.isnan(gap):
        return math.nan
    if checked_against == guide.CEILING_CHECK:
        return 1.0 / (1.0 + gap) - 1.0 if gap < 0 else 0.0
    return abs(gap)


def claim_verdicts(claims: pd.DataFrame, figures: pd.DataFrame, conclusions: pd.DataFrame) -> pd.DataFrame:
    """One row per claim: the registry's fields, the book's value, the gap, the verdict and how far off.

    A claim no chapter has recorded gets the verdict "not recomputed" (the chapter test requires
    none). Raises InconsistentVerdicts when a recorded verdict is not what the rule gives."""
    own = claims[["claim_id", "chapter"]]
    values = figures[figures["name"].str.startswith(FIGURE_PREFIX)].assign(
        claim_id=lambda f: f["name"].str.slice(len(FIGURE_PREFIX)))[["chapter", "claim_id", "value"]]
    verdicts = conclusions[conclusions["name"].str.startswith(VERDICT_PREFIX)].assign(
        claim_id=lambda f: f["name"].str.slice(len(VERDICT_PREFIX)))[["chapter", "claim_id", "text"]]
    # Only the claim's own chapter speaks for it (another may set it against today's prices, say).
    table = (claims.merge(own.merge(values, on=["chapter", "claim_id"]), on=["claim_id", "chapter"], how="left")
             .merge(own.merge(verdicts, on=["chapter", "claim_id"]), on=["claim_id", "chapter"], how="left")
             .rename(columns={"value": "ours", "text": "recorded_verdict"}))
    gaps, recomputed, factors, shares = [], [], [], []
    for row in table.itertuples(index=False):
        if pd.isna(row.recorded_verdict):
            gaps.append(math.nan), recomputed.append(NOT_RECOMPUTED), factors.append(math.nan)
            shares.append(math.nan)
            continue
        gap = guide.claim_gap(pd.Series(row._asdict()), float(row.ours)) if not pd.isna(row.ours) else math.nan
        gaps.append(gap)
        recomputed.append(guide.verdict_category(gap, row.checked_against))
        factors.append(off_factor(gap, row.checked_against))
        shares.append(miss_share(gap, row.checked_against))
    table["gap"], table["verdict"], table["off_factor"], table["miss_share"] = gaps, recomputed, factors, shares
    recorded = table["recorded_verdict"].notna()
    wrong = table[recorded & (table["recorded_verdict"] != table["verdict"])]
    if len(wrong):
        detail = "; ".join(f"{r.claim_id} ({r.chapter}): recorded '{r.recorded_verdict}', rule gives '{r.verdict}'"
                           for r in wrong.itertuples())
        raise InconsistentVerdicts(f"{len(wrong)} recorded verdict(s) do not follow from the registry and the "
                                   f"recorded values (was the book refreshed after the registry changed?): {detail}")
    return table.drop(columns="recorded_verdict")


NOT_RECOMPUTED = "not recomputed"
ALL_VERDICTS = (*guide.VERDICTS, NOT_RECOMPUTED)


def verdict_counts(table: pd.DataFrame) -> pd.Series:
    """Claims per verdict, in the book's order, zeros included."""
    return table["verdict"].value_counts().reindex(ALL_VERDICTS, fill_value=0).astype(int)


def counts_within(table: pd.DataFrame, tolerance: float) -> dict[str, int]:
    """How many checked claims miss by at most ``tolerance`` (``miss_share``), and how many by more.

    A reader who thinks 15 % too strict can see how the picture changes at 30 % or 100 %."""
    if not (tolerance >= 0):
        raise ValueError(f"tolerance must be 0 or more, not {tolerance}")
    checked = table["miss_share"].dropna()
    within = int((checked <= tolerance).sum())
    return {"within": within, "outside": int(len(checked) - within), "checked": int(len(checked))}


def worst_cases(table: pd.DataFrame, n: int) -> pd.DataFrame:
    """The ``n`` misses furthest off, furthest first (ties by claim id, so the order is stable)."""
    misses = table[table["verdict"].isin(guide.MISSES)]
    order = np.lexsort((misses["claim_id"].to_numpy(), -misses["off_factor"].to_numpy(dtype=float)))
    return misses.iloc[order[:n]]


_TITLE = re.compile(r"^# # (.+)$", re.MULTILINE)


def chapter_titles(analyses_dir: str | Path, toc_yml: str | Path | None = None) -> dict[str, str]:
    """Chapter file stem -> its title (the first Markdown heading of its ``.py`` source), in the
    order of the table of contents when one is given (chapters it does not list come last)."""
    paths = sorted(resolve(analyses_dir).glob("*.py"))
    if toc_yml is not None:
        listed = re.findall(r"file:\s*book/(\w+)", resolve(toc_yml).read_text(encoding="utf-8"))
        rank = {stem: i for i, stem in enumerate(listed)}
        paths.sort(key=lambda p: (rank.get(p.stem, len(rank)), p.stem))
    titles = {}
    for path in paths:
        match = _TITLE.search(path.read_text(encoding="utf-8"))
        titles[path.stem] = match.group(1).strip() if match else path.stem
    return titles
