"""The landing page's findings: what the book's chapters found, gathered from their records and
the price data so the first page can answer before the reader opens a chapter.

Nothing here is typed from a chapter's output: the guide's errors come from the records the
refresh writes (``book/figures.csv``, ``book/conclusions.csv``) re-judged by ``lib.book.reliability``,
prices from the price files the refresh names, and the sentences from these values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lib.book import guide, reliability
from lib.book.figures import fmt_pct, fmt_usd, format_value
from lib.costs import api
from lib.data.paths import resolve
from lib.prices import compare

# A recurring bill, by its unit, in dollars a month: what a reader who budgets with the guide's
# figure instead of the book's is off by each month.
USD_PER_MONTH_BY_UNIT = {"usd_per_month": 1.0, "usd_per_day": 365.0 / 12.0, "usd_per_year": 1.0 / 12.0}


@dataclass(frozen=True)
class Workload:
    """The volume a price needs before it is a bill: a price per token, per request or per user
    is a monthly sum only at some workload. The trust chapter and the landing page state theirs."""

    requests_per_month: float
    tokens_per_request: float
    users: float

    def usd_per_month_factor(self, unit: str) -> float | None:
        """Dollars a month per one of ``unit`` at this workload (None: not a recurring money unit)."""
        if unit in USD_PER_MONTH_BY_UNIT:
            return USD_PER_MONTH_BY_UNIT[unit]
        return {"usd_per_mtok": self.requests_per_month * self.tokens_per_request / 1e6,
                "usd_per_request": self.requests_per_month,
                "usd_per_user_month": self.users}.get(unit)


def guide_reference(row: pd.Series) -> float:
    """The guide's figure the book's is measured from: its value, or the nearer end of its range."""
    if not pd.isna(row.get("guide_value")):
        return float(row["guide_value"])
    low, high, ours = float(row["guide_low"]), float(row["guide_high"]), float(row["ours"])
    return low if ours < low else high if ours > high else ours


def costliest_misses(verdicts: pd.DataFrame, n: int, workload: Workload | None = None) -> pd.DataFrame:
    """The ``n`` misses a reader acting on the guide's figure would be furthest off by, in dollars a
    month, costliest first (ties by claim id). Without a workload only bills (a cost a day, a month
    or a year) are ranked; with one, prices per token, request and user too, at that workload.
    Adds ``usd_per_month_off``: |the guide's figure − the book's|, converted to a month."""
    missing = {"unit", "verdict", "ours", "guide_value", "guide_low", "guide_high"} - set(verdicts.columns)
    if missing:
        raise KeyError(f"the verdict table has no {sorted(missing)} column(s): pass reliability.claim_verdicts' table")
    factor = (USD_PER_MONTH_BY_UNIT.get if workload is None else workload.usd_per_month_factor)
    factors = verdicts["unit"].map(lambda u: factor(u))
    rows = verdicts[factors.notna() & verdicts["verdict"].isin(guide.MISSES)
                    & np.isfinite(verdicts["ours"].to_numpy(dtype=float))].copy()
    rows["usd_per_month_off"] = [abs(guide_reference(r) - float(r["ours"])) * factor(r["unit"])
                                 for _, r in rows.iterrows()]
    order = np.lexsort((rows["claim_id"].to_numpy(), -rows["usd_per_month_off"].to_numpy(dtype=float)))
    return rows.iloc[order[:n]]


def error_sentence(claims: pd.DataFrame, row: pd.Series) -> str:
    """One miss as a sentence: what the guide says, what the book gets, what acting on it costs, and why."""
    return (f"“{row['quote']}”: the guide's {guide.guide_text(row)} is {format_value(float(row['ours']), row['unit'])} "
            f"when recomputed, {fmt_usd(row['usd_per_month_off'])} a month off ({row['verdict']}).")


def paid_book_rows(prices: pd.DataFrame) -> pd.DataFrame:
    """The rows the book uses with a price to pay: a free row is not the cheapest way to buy a tier."""
    book = prices[prices["book_uses"]] if "book_uses" in prices.columns else prices
    return book[(book["input_usd_per_mtok"] > 0) & (book["output_usd_per_mtok"] > 0)].reset_index(drop=True)


def cheapest_per_tier(prices: pd.DataFrame, *, input_tokens: float, output_tokens: float) -> pd.DataFrame:
    """Per tier, the paid model whose request of ``input_tokens`` in and ``output_tokens`` out costs
    least at list prices (no cache, batch or long-context tier). Tiers cheapest first; ties by
    provider and model, so the pick is stable. A model the guide places in no tier (blank ``tier``)
    is in none of them: ``untiered`` counts those."""
    paid = paid_book_rows(prices)
    paid = paid[paid["tier"].notna() & (paid["tier"].astype(str).str.strip() != "")]
    if paid.empty:
        raise ValueError("no priced model in the data: nothing can be the cheapest")
    cost = api.request_cost_usd(api.Rates.flat(paid["input_usd_per_mtok"].to_numpy(dtype=float),
                                               paid["output_usd_per_mtok"].to_numpy(dtype=float)),
                                input_tokens=input_tokens, output_tokens=output_tokens)
    ranked = (paid.assign(request_usd=cost)
              .sort_values(["request_usd", "provider", "model"], kind="stable")
              .drop_duplicates("tier"))
    return ranked[["tier", "provider", "model", "input_usd_per_mtok", "output_usd_per_mtok",
                   "request_usd"]].reset_index(drop=True)


def untiered(prices: pd.DataFrame) -> int:
    """How many paid models the guide places in no tier (left out of ``cheapest_per_tier``)."""
    paid = paid_book_rows(prices)
    return int((paid["tier"].isna() | (paid["tier"].astype(str).str.strip() == "")).sum())


def price_distance(guide_prices: pd.DataFrame, now_prices: pd.DataFrame, *, input_tokens: float,
                   output_tokens: float) -> dict[str, float]:
    """How far the guide's prices are from today's, on one request of the given shape, over the
    models whose price today came from a feed: how many, how many moved (beyond a rounding 1e-9),
    the median move up or down, and the median of the moves' sizes."""
    changes = compare.price_changes(guide_prices, now_prices, input_tokens=input_tokens,
                                    output_tokens=output_tokens)
    imported = changes[changes["imported"]]["request_change"].dropna()
    moved = imported[imported.abs() > 1e-9]
    return {
        "n_compared": float(len(changes)),
        "n_imported": float(len(imported)),
        "n_moved": float(len(moved)),
        "n_cheaper": float((moved < 0).sum()),
        "n_dearer": float((moved > 0).sum()),
        "median_change": float(imported.median()) if len(imported) else float("nan"),
        "median_abs_change": float(imported.abs().median()) if len(imported) else float("nan"),
    }


def recorded(figures: pd.DataFrame, chapter: str, name: str) -> tuple[float, str]:
    """A figure a chapter recorded, as (value, unit); a KeyError that names the chapter, figure and
    file the refresh writes when it is not there (a chapter renamed it, or never ran)."""
    rows = figures[(figures["chapter"] == chapter) & (figures["name"] == name)]
    if len(rows) != 1:
        raise KeyError(f"book/figures.csv: chapter '{chapter}' recorded no figure '{name}' "
                       f"({len(rows)} rows); the landing page reads it")
    return float(rows["value"].iloc[0]), str(rows["unit"].iloc[0])


def recorded_text(figures: pd.DataFrame, chapter: str, name: str) -> str:
    value, unit = recorded(figures, chapter, name)
    return "never" if np.isinf(value) else format_value(value, unit)


def prices_named(api_prices_csv: str, imported_prices_csv: str) -> str:
    """Which prices the chapters ran on, said plainly: the refresh passes one price file to every
    chapter; the guide's own unless a snapshot is in use (then both parameters name it)."""
    if Path(api_prices_csv).as_posix() == Path(imported_prices_csv).as_posix():
        return f"today's prices (the imported snapshot {api_prices_csv})"
    return f"the guide's own prices ({api_prices_csv}), not today's"


def tier_sentence(cheapest: pd.DataFrame) -> str:
    parts = [f"{r.tier}: {r.model} ({r.provider}, {fmt_usd(r.request_usd)})" for r in cheapest.itertuples()]
    return "; ".join(parts)


def distance_sentence(d: dict[str, float]) -> str:
    if not d["n_imported"]:
        return "No model's price came from a feed, so the guide's prices are the only ones the book has."
    return (f"Of the {int(d['n_imported'])} models whose price today came from the feed, {int(d['n_moved'])} "
            f"moved since the guide ({int(d['n_cheaper'])} cheaper, {int(d['n_dearer'])} dearer); the median "
            f"model moved {fmt_pct(d['median_abs_change'])} either way.")


def guide_pages(analyses_dir: str, toc_yml: str, book_dir: str = "book",
                skip: tuple[str, ...] = ("intro",)) -> list[tuple[str, str]]:
    """(title, page) of every page _toc.yml lists, in its order: a chapter's title is the first
    heading of its analyses/ source, a hand-written page's the first heading of its book/ .md."""
    titles = reliability.chapter_titles(analyses_dir, toc_yml)
    pages = []
    for stem in re.findall(r"file:\s*book/(\w+)", resolve(toc_yml).read_text(encoding="utf-8")):
        if stem in skip:
            continue
        if stem in titles:
            pages.append((titles[stem], f"{stem}.ipynb"))
            continue
        md = resolve(book_dir) / f"{stem}.md"
        if not md.is_file():
            raise FileNotFoundError(f"{toc_yml} lists book/{stem}, which is neither a chapter in "
                                    f"{analyses_dir}/ nor a page {md}")
        heading = re.search(r"^# (.+)$", md.read_text(encoding="utf-8"), re.MULTILINE)
        pages.append((heading.group(1).strip() if heading else stem, f"{stem}.md"))
    return pages
