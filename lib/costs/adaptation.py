"""Prompting, RAG or fine-tuning: a one-off setup cost against a per-call cost, and the volume at
which paying more up front pays back. Rows come from ``data/adaptation_costs.csv``."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from lib.costs import api
from lib.costs.routing import book_price_rows

End = Literal["low", "high"]
TOKENS_PER_MTOK = 1_000_000


def setup_usd(rows: pd.DataFrame, end: End = "low") -> np.ndarray:
    """One-off cost before the first call: data preparation + training + embedding the corpus."""
    return (rows[f"data_prep_usd_{end}"].to_numpy(dtype=float) + rows[f"training_usd_{end}"].to_numpy(dtype=float)
            + rows["embed_usd_per_chunk"].to_numpy(dtype=float) * rows["corpus_chunks"].to_numpy(dtype=float))


def extra_input_tokens(rows: pd.DataFrame, extra: Literal["low", "mid", "high"] = "mid") -> np.ndarray:
    """Tokens the approach adds to every prompt (examples, retrieved chunks); 'mid' is the range's middle."""
    low = rows["extra_input_tokens_low"].to_numpy(dtype=float)
    high = rows["extra_input_tokens_high"].to_numpy(dtype=float)
    return {"low": low, "high": high, "mid": (low + high) / 2}[extra]


def per_call_usd(rows: pd.DataFrame, prices: pd.DataFrame, extra: Literal["low", "mid", "high"] = "mid",
                 stated: bool = False) -> np.ndarray:
    """USD per call: the task's tokens plus the approach's extra prompt tokens.

    ``stated=True`` uses the flat rate the guide states beside its example (``stated_usd_per_mtok``,
    every token at one rate), to recompute the guide's own arithmetic; otherwise each row is
    priced at the book's row for its ``price_id``'s model in ``prices`` through ``api.request_cost_usd``. A price_id
    missing from ``prices`` gives NaN.
    """
    tokens_in = rows["input_tokens"].to_numpy(dtype=float) + extra_input_tokens(rows, extra)
    tokens_out = rows["output_tokens"].to_numpy(dtype=float)
    if stated:
        return (tokens_in + tokens_out) * rows["stated_usd_per_mtok"].to_numpy(dtype=float) / TOKENS_PER_MTOK
    resolved = book_price_rows(rows["price_id"], prices)  # the book's row for each model: a refresh moves it
    out = np.full(len(rows), np.nan)
    for i, pid in enumerate(rows["price_id"]):
        if pid in resolved:
            out[i] = float(api.request_cost_usd(resolved[pid], input_tokens=tokens_in[i],
                                                output_tokens=tokens_out[i])[0])
    return out


def cumulative_cost_usd(setup: ArrayLike, usd_per_call: ArrayLike, monthly_fixed_usd: ArrayLike, calls: ArrayLike,
                        calls_per_month: float) -> np.ndarray:
    """Total spend after ``calls`` calls arriving at ``calls_per_month``: setup + calls x per call
    + the monthly fixed cost (a vector store) for the months those calls take. Broadcasts."""
    if calls_per_month <= 0:
        raise ValueError("calls_per_month must be positive")
    n = np.asarray(calls, dtype=float)
    if np.any(n < 0):
        raise ValueError("calls must be >= 0")
    return (np.asarray(setup, dtype=float) + n * np.asarray(usd_per_call, dtype=float)
            + np.asarray(monthly_fixed_usd, dtype=float) * n / calls_per_month)


def all_in_per_call_usd(usd_per_call: ArrayLike, monthly_fixed_usd: ArrayLike, calls_per_month: float) -> np.ndarray:
    """Per-call cost with the monthly fixed cost spread over the month's calls."""
    return np.asarray(usd_per_call, dtype=float) + np.asarray(monthly_fixed_usd, dtype=float) / calls_per_month


def breakeven_calls(setup_a: float, per_call_a: float, setup_b: float, per_call_b: float) -> float:
    """Calls after which B (usually dearer to set up, cheaper per call) has cost no more than A in total.

    setup_a + n c_a = setup_b + n c_b  =>  n* = (setup_b - setup_a) / (c_a - c_b).
    0 when B is no dearer to set up and no dearer per call; +inf when B never catches up.
    """
    if any(math.isnan(x) for x in (setup_a, per_call_a, setup_b, per_call_b)):
        return math.nan
    d_setup = setup_b - setup_a
    d_call = per_call_a - per_call_b
    if d_setup <= 0 and d_call >= 0:
        return 0.0
    if d_call <= 0:
        return math.inf
    return max(d_setup, 0.0) / d_call


def breakeven_calls_per_month(setup_a: float, per_call_a: float, fixed_a: float, setup_b: float, per_call_b: float,
                              fixed_b: float, months: float) -> float:
    """Monthly volume at which B's total over ``months`` equals A's (setup paid back in that horizon).

    setup_a + m (v c_a + f_a) = setup_b + m (v c_b + f_b)  =>  v = ((S_b - S_a)/m + f_b - f_a) / (c_a - c_b).
    +inf when B is never cheaper per call (and dearer overall); 0 when B is cheaper at any volume.
    """
    if months <= 0:
        raise ValueError("months must be positive")
    fixed_gap = (setup_b - setup_a) / months + fixed_b - fixed_a
    d_call = per_call_a - per_call_b
    if fixed_gap <= 0 and d_call >= 0:
        return 0.0
    if d_call <= 0:
        return math.inf
    return max(fixed_gap, 0.0) / d_call


def annual_cost_usd(setup: ArrayLike, usd_per_call: ArrayLike, calls_per_year: float,
                    monthly_fixed_usd: ArrayLike = 0.0) -> np.ndarray:
    """First-year bill: setup + calls x per call + twelve months of fixed cost."""
    return (np.asarray(setup, dtype=float) + calls_per_year * np.asarray(usd_per_call, dtype=float)
            + 12 * np.asarray(monthly_fixed_usd, dtype=float))
