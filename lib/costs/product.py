"""Product unit economics: what inference costs per request, per user and per month, and the margin left.

A product is a row of ``data/product_examples.csv``: how many LLM calls one request makes, the
tokens of each call, the model (provider and model, or a ``price_id``), how many requests a user makes
(or a yearly volume), and the seat price. Token pricing is ``lib.costs.api.request_cost_usd``;
this module adds the per-user and margin arithmetic the guide does by hand.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from lib.costs import api

ArrayLike = npt.ArrayLike
MONTHS_PER_YEAR = 12


def request_cost_usd(prices: pd.DataFrame, *, calls_per_request: ArrayLike, input_tokens_per_call: ArrayLike,
                     output_tokens_per_call: ArrayLike, cached_input_frac: ArrayLike = 0.0,
                     thinking_tokens_per_call: ArrayLike = 0) -> np.ndarray:
    """USD per product request: calls x the price of one call on each row's model.

    ``prices`` holds one price row per request (aligned, not a cross product). ``cached_input_frac``
    of each call's input is read from the provider's prompt cache at the cached rate (cache writes
    are not billed: the guide's sensitivity table counts only the hit rate); a model with no cached
    rate gives NaN for any cached share above zero.
    """
    cached = np.asarray(cached_input_frac, dtype=float)
    if np.any((cached < 0) | (cached > 1)):
        raise ValueError("cached_input_frac must be between 0 and 1")
    calls = np.asarray(calls_per_request, dtype=float)
    if np.any(calls < 1):
        raise ValueError("a request makes at least one call")
    inp = np.asarray(input_tokens_per_call, dtype=float)
    per_call = api.request_cost_usd(prices, input_tokens=inp * (1 - cached), cached_read_tokens=inp * cached,
                                    output_tokens=output_tokens_per_call, thinking_tokens=thinking_tokens_per_call)
    return calls * per_call


def gross_margin(revenue_usd: ArrayLike, cost_usd: ArrayLike) -> np.ndarray:
    """Share of revenue left after inference: 1 - cost / revenue (NaN where there is no revenue)."""
    rev = np.asarray(revenue_usd, dtype=float)
    cost = np.asarray(cost_usd, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rev > 0, 1.0 - cost / rev, np.nan)


def margin_change(base_cost_usd: ArrayLike, new_cost_usd: ArrayLike, revenue_usd: ArrayLike) -> np.ndarray:
    """Change in gross margin, as a fraction of revenue (0.026 = +2.6 percentage points)."""
    return gross_margin(revenue_usd, new_cost_usd) - gross_margin(revenue_usd, base_cost_usd)


def revenue_multiple(revenue_usd: ArrayLike, cost_usd: ArrayLike) -> np.ndarray:
    """Revenue per user over inference cost per user (the guide wants 3-10x)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(revenue_usd, dtype=float) / np.asarray(cost_usd, dtype=float)


def price_rows(products: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """The price row each product is billed at, aligned with ``products``.

    A product naming a ``price_id`` uses that row (the guide prices a few examples at rates other
    than its list price); otherwise the row the book uses for its provider and model, so a price
    refresh (an imported snapshot marks its own rows as the ones used) reprices every product.
    """
    found: list[int] = []
    for _, p in products.iterrows():
        pid = p.get("price_id")
        if isinstance(pid, str) and pid:
            match = prices.index[prices["price_id"] == pid]
        else:
            match = prices.index[(prices["provider"] == p["provider"]) & (prices["model"] == p["model"])
                                 & prices["book_uses"].astype(bool)]
        if len(match) != 1:
            raise KeyError(f"product '{p['product_id']}': {len(match)} price rows for "
                           f"{pid if isinstance(pid, str) and pid else (p['provider'], p['model'])}; need exactly one")
        found.append(match[0])
    # Selecting by label keeps the price table's column types (a row-by-row rebuild would not).
    return prices.loc[found].reset_index(drop=True)


def product_economics(products: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """Per-request, per-user and monthly cost, revenue and gross margin of each product row.

    Monthly volume is users x requests per user where both are given, else the yearly volume / 12.
    Per-user figures need requests per user; revenue and margin need a seat price and a user count
    (the per-user margin needs only the seat price). Missing inputs give NaN, never a guess.
    """
    rows = price_rows(products, prices)
    per_request = request_cost_usd(rows, calls_per_request=products["calls_per_request"].to_numpy(),
                                   input_tokens_per_call=products["input_tokens_per_call"].to_numpy(),
                                   output_tokens_per_call=products["output_tokens_per_call"].to_numpy())
    users = products["users"].astype(float).to_numpy()
    per_user_requests = products["requests_per_user_per_month"].astype(float).to_numpy()
    per_year = products["requests_per_year"].astype(float).to_numpy()
    requests_month = np.where(np.isnan(users * per_user_requests), per_year / MONTHS_PER_YEAR,
                              users * per_user_requests)
    seat = products["seat_usd_per_month"].astype(float).to_numpy()
    per_user = per_request * per_user_requests
    monthly = per_request * requests_month
    revenue = seat * users
    return pd.DataFrame({
        "product_id": products["product_id"].to_numpy(),
        "product": products["product"].to_numpy(),
        "model": rows["model"].to_numpy(),
        "usd_per_call": per_request / products["calls_per_request"].to_numpy(dtype=float),
        "usd_per_request": per_request,
        "usd_per_user_month": per_user,
        "requests_per_month": requests_month,
        "usd_per_month": monthly,
        "usd_per_year": monthly * MONTHS_PER_YEAR,
        "revenue_usd_per_month": revenue,
        "seat_usd_per_month": seat,
        "gross_margin": gross_margin(seat, per_user),
        "revenue_multiple": revenue_multiple(seat, per_user),
    })


def free_users_per_paid(conversion_frac: ArrayLike) -> np.ndarray:
    """Free users each paying user carries when a share ``conversion_frac`` of all users pay."""
    c = np.asarray(conversion_frac, dtype=float)
    if np.any((c <= 0) | (c > 1)):
        raise ValueError("conversion_frac must be in (0, 1]")
    return (1.0 - c) / c


def free_cost_per_paid_user(conversion_frac: ArrayLike, free_user_usd_per_month: ArrayLike) -> np.ndarray:
    """Inference cost of the free tier carried by each paying user, per month."""
    return free_users_per_paid(conversion_frac) * np.asarray(free_user_usd_per_month, dtype=float)


def break_even_conversion(free_user_usd_per_month: ArrayLike, budget_usd_per_paid_user: ArrayLike) -> np.ndarray:
    """Lowest conversion rate at which the free tier costs no more than the budget per paying user.

    Solves (1 - c) / c x f = B for c: c = f / (f + B). A budget of zero or less can never be met (NaN).
    """
    f = np.asarray(free_user_usd_per_month, dtype=float)
    b = np.asarray(budget_usd_per_paid_user, dtype=float)
    if np.any(f < 0):
        raise ValueError("free-user cost must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, f / (f + b), np.nan)


def your_product(*, users: float, requests_per_user_per_month: float, input_tokens: float, output_tokens: float,
                 input_usd_per_mtok: float, output_usd_per_mtok: float, seat_usd_per_month: float,
                 paying_frac: float = 1.0, free_usage_frac: float = 1.0) -> dict[str, float]:
    """The what-if: a reader's own product on flat rates, with an optional free tier.

    ``paying_frac`` of the users pay the seat price; the rest are free users who each use
    ``free_usage_frac`` of a paying user's requests. Margin is on all inference, free users included.
    """
    if not 0 < paying_frac <= 1:
        raise ValueError("paying_frac must be in (0, 1]")
    rates = api.Rates.flat([input_usd_per_mtok], [output_usd_per_mtok])
    per_request = float(api.request_cost_usd(rates, input_tokens=input_tokens, output_tokens=output_tokens)[0])
    per_user = per_request * requests_per_user_per_month
    paying = users * paying_frac
    monthly = per_user * (paying + (users - paying) * free_usage_frac)
    revenue = paying * seat_usd_per_month
    return {
        "usd_per_request": per_request,
        "usd_per_user_month": per_user,
        "usd_per_month": monthly,
        "revenue_usd_per_month": revenue,
        "gross_margin": float(gross_margin(revenue, monthly)),
    }


def round_significant(value: ArrayLike, sig_figs: int) -> np.ndarray:
    """``value`` rounded to ``sig_figs`` significant figures, as the guide rounds an intermediate
    figure before it multiplies ("$0.0069 ≈ $0.007"): redoing its sum means rounding where it did."""
    if sig_figs < 1:
        raise ValueError("sig_figs must be at least 1")
    v = np.asarray(value, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.floor(np.log10(np.abs(np.where(v == 0, 1.0, v))))
    scale = 10.0 ** (sig_figs - 1 - exponent)
    # Half away from zero, as a hand calculation rounds (numpy's round goes half to even); the
    # repr-precision step keeps 0.345 from reading as 0.34499... first.
    scaled = np.round(np.abs(v) * scale, 9)
    return np.where(v == 0, 0.0, np.sign(v) * np.floor(scaled + 0.5) / scale)
