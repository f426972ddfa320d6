"""Model routing: what a router pattern costs per query, what it keeps of quality, and what a
wrong answer has to cost before the dearer, more accurate model is the cheaper one.

A pattern is a set of rows (see ``data/router_patterns.csv``): one ``baseline`` (the model every
query would go to without a router), optional ``classifier`` rows paid on every query, ``route``
rows that split the traffic, or a cascade's ``first_try`` (every query) and ``escalation`` rows
(the share that is tried again on a stronger model).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from lib.costs import api

ROLES = ("baseline", "classifier", "route", "first_try", "escalation")


def book_price_rows(price_ids: pd.Series | list[str], prices: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """For each price_id, the one-row price frame the book uses for that provider and model.

    A data row names the price it was written against; a refreshed price table (an imported
    snapshot) keeps that row but marks another row of the same provider and model ``book_uses``.
    Pricing through the book row is what lets a refresh move these figures. A price_id absent
    from ``prices`` is left out (its cost reads NaN).
    """
    by_id = prices.drop_duplicates("price_id").set_index("price_id")
    book = prices[prices["book_uses"].astype(bool)] if "book_uses" in prices else prices.iloc[0:0]
    out: dict[str, pd.DataFrame] = {}
    for pid in dict.fromkeys(price_ids):
        if pid not in by_id.index:
            continue
        named = by_id.loc[pid]
        same = book[(book["provider"] == named["provider"]) & (book["model"] == named["model"])]
        out[pid] = same.iloc[[0]].reset_index(drop=True) if len(same) else by_id.loc[[pid]].reset_index()
    return out


def row_costs_usd(rows: pd.DataFrame, prices: pd.DataFrame) -> np.ndarray:
    """USD per call of each pattern row, priced at the book's row for its ``price_id``'s model.

    A price_id missing from ``prices`` (a price-feed snapshot may lack a model) gives NaN, so the
    caller can say which pattern could not be priced instead of crashing.
    """
    resolved = book_price_rows(rows["price_id"], prices)
    out = np.full(len(rows), np.nan)
    for i, (_, r) in enumerate(rows.iterrows()):
        if r["price_id"] not in resolved:
            continue
        one = resolved[r["price_id"]]
        out[i] = float(api.request_cost_usd(one, input_tokens=r["input_tokens"], output_tokens=r["output_tokens"],
                                            thinking_tokens=r["thinking_tokens"])[0])
    return out


def served_share(rows: pd.DataFrame) -> np.ndarray:
    """Share of queries whose final answer each row gives (its weight in the pattern's quality).

    Routes and escalations answer their own share; a cascade's first try answers what it does not
    escalate; a baseline answers everything in its own (unrouted) world; classifiers answer nothing.
    """
    role = rows["role"].to_numpy()
    share = rows["traffic_share"].to_numpy(dtype=float)
    served = np.where(np.isin(role, ("route", "escalation", "baseline")), share, 0.0)
    escalated = share[role == "escalation"].sum()
    return np.where(role == "first_try", share - escalated, served)


def summarise(rows: pd.DataFrame, usd_per_call: ArrayLike, cost_column: str = "usd_per_call") -> pd.DataFrame:
    """Per pattern: baseline and routed cost per query, the saving, and expected accuracy of each.

    Routed cost = sum over non-baseline rows of traffic_share x cost per call: a classifier's share
    is 1 (it sees every query); a cascade pays its first try on every query and the escalation on
    top for the escalated share, which is why a cascade's shares add up to more than 1.
    """
    frame = rows.assign(**{cost_column: np.asarray(usd_per_call, dtype=float)}, served=served_share(rows))
    records = []
    for pattern, g in frame.groupby("pattern", sort=False):
        base = g[g["role"] == "baseline"]
        rest = g[g["role"] != "baseline"]
        routed = float((rest["traffic_share"] * rest[cost_column]).sum(min_count=1))
        if rest[cost_column].isna().any():
            routed = math.nan
        base_cost = float(base[cost_column].iloc[0]) if len(base) else math.nan
        answered = rest[rest["served"] > 0]
        quality = (float((answered["served"] * answered["accuracy"]).sum())
                   if len(answered) and answered["accuracy"].notna().all() else math.nan)
        records.append({
            "pattern": pattern,
            "baseline_usd": base_cost,
            "routed_usd": routed,
            "saving_frac": saving_frac(base_cost, routed),
            "baseline_accuracy": float(base["accuracy"].iloc[0]) if len(base) else math.nan,
            "routed_accuracy": quality,
        })
    return pd.DataFrame(records)


def saving_frac(baseline_usd: ArrayLike, routed_usd: ArrayLike) -> np.ndarray | float:
    """1 - routed / baseline: the share of the bill a router removes (negative if it adds cost)."""
    b = np.asarray(baseline_usd, dtype=float)
    r = np.asarray(routed_usd, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(b > 0, 1.0 - r / b, np.nan)
    return float(out) if out.ndim == 0 else out


def blended_cost_usd(shares: ArrayLike, usd_per_call: ArrayLike, overhead_usd: float = 0.0) -> float:
    """Cost per query of a split router: sum of share x cost, plus a per-query overhead (the classifier)."""
    s = np.asarray(shares, dtype=float)
    c = np.asarray(usd_per_call, dtype=float)
    if np.any(s < 0) or not math.isclose(float(s.sum()), 1.0, abs_tol=1e-9):
        raise ValueError(f"route shares must be >= 0 and add up to 1, got {s.tolist()}")
    return float((s * c).sum() + overhead_usd)


def cascade_cost_usd(cheap_usd: ArrayLike, strong_usd: ArrayLike, escalation_frac: ArrayLike,
                     check_usd: ArrayLike = 0.0) -> np.ndarray:
    """Cost per query of a cascade: every query pays the cheap try (and the confidence check);
    the escalated share pays the strong model on top. Vectorised over any argument."""
    e = np.asarray(escalation_frac, dtype=float)
    if np.any((e < 0) | (e > 1)):
        raise ValueError("escalation_frac must lie in [0, 1]")
    return np.asarray(cheap_usd, dtype=float) + np.asarray(check_usd, dtype=float) + e * np.asarray(strong_usd, dtype=float)


def cost_per_correct_usd(usd_per_attempt: ArrayLike, accuracy: ArrayLike, wrong_answer_usd: ArrayLike = 0.0) -> np.ndarray:
    """What one correct answer costs when each attempt is right with probability ``accuracy`` and
    each wrong answer costs ``wrong_answer_usd`` (a refund, an escalation to a person, a customer).

    Attempts until one is right: 1/a of them on average, (1-a)/a of them wrong, so
    cost per correct = usd_per_attempt / a + (1 - a) / a x wrong_answer_usd.
    """
    a = np.asarray(accuracy, dtype=float)
    if np.any((a <= 0) | (a > 1)):
        raise ValueError("accuracy must lie in (0, 1]")
    c = np.asarray(usd_per_attempt, dtype=float)
    w = np.asarray(wrong_answer_usd, dtype=float)
    if np.any(w < 0):
        raise ValueError("a wrong answer cannot have a negative cost")
    return c / a + (1.0 - a) / a * w


def wrong_answer_breakeven_usd(dear_usd: float, dear_accuracy: float, cheap_usd: float, cheap_accuracy: float) -> float:
    """The price of a wrong answer above which the dearer model costs less per correct answer.

    Equal cost per correct answer: c1/a1 + (1/a1 - 1) W = c2/a2 + (1/a2 - 1) W, so
    W* = (c1/a1 - c2/a2) / (1/a2 - 1/a1). 0 when the dearer model already wins at W = 0;
    +inf when it is no more accurate (it never wins).
    """
    for a in (dear_accuracy, cheap_accuracy):
        if not 0 < a <= 1:
            raise ValueError("accuracy must lie in (0, 1]")
    gap_per_correct = dear_usd / dear_accuracy - cheap_usd / cheap_accuracy
    if gap_per_correct <= 0:
        return 0.0
    penalty_gap = 1.0 / cheap_accuracy - 1.0 / dear_accuracy
    if penalty_gap <= 0:
        return math.inf
    return gap_per_correct / penalty_gap


def daily_bill_usd(queries_per_day: float, shares: ArrayLike, usd_per_call: ArrayLike) -> float:
    """A day's bill for a split of the traffic: queries x sum(share x cost)."""
    return float(queries_per_day * blended_cost_usd(shares, usd_per_call))


def hours_to_alert(spend_multiple: ArrayLike, threshold_multiple: float = 1.5) -> np.ndarray:
    """Hours into a day before a spend alert fires, when spending runs at ``spend_multiple`` x the
    usual rate from midnight and the alert fires once the day's running total passes
    ``threshold_multiple`` x the trailing daily average. +inf when the day never gets there
    (a leak below the threshold is never caught by a daily cap)."""
    m = np.asarray(spend_multiple, dtype=float)
    if np.any(m < 0) or threshold_multiple <= 0:
        raise ValueError("spend and threshold multiples must be positive")
    with np.errstate(divide="ignore"):
        hours = 24.0 * threshold_multiple / m
    return np.where(hours <= 24.0, hours, np.inf)


def cost_per_task_usd(usd_per_call: ArrayLike, calls_per_task: ArrayLike, success_rate: ArrayLike) -> np.ndarray:
    """Cost per successful task: a task makes several calls and succeeds with ``success_rate``;
    failed tasks are paid for too, so the bill is spread over the successes."""
    s = np.asarray(success_rate, dtype=float)
    if np.any((s <= 0) | (s > 1)):
        raise ValueError("success_rate must lie in (0, 1]")
    return np.asarray(usd_per_call, dtype=float) * np.asarray(calls_per_task, dtype=float) / s


def cheapest_move_savings(usd_per_call: ArrayLike) -> np.ndarray:
    """What moving each dearer option to the cheapest one saves, as a share of its own cost.

    Price arbitrage across hosts of one model: a router that always picks the cheapest host saves
    1 - cheapest / cost on the traffic that sat at each other host. NaN costs (a price missing from
    the data in use) are left out; the cheapest itself (saving 0) is not an arbitrage."""
    costs = np.asarray(usd_per_call, dtype=float)
    costs = costs[~np.isnan(costs)]
    if costs.size < 2:
        return np.array([], dtype=float)
    if (costs <= 0).any():
        raise ValueError("arbitrage savings need positive costs per call")
    cheapest = costs.min()
    dearer = costs[costs > cheapest]
    return 1.0 - cheapest / dearer
