"""Small formulas behind the guide's FAQ answers: forecasting a bill, price trends, agents, routing.

Each function is the arithmetic one FAQ answer implies, written once so the bottom-line chapter
computes the answer instead of quoting it. Token pricing itself stays in ``lib.costs.api``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lib.costs.levers import monthly_cost_usd

DAYS_PER_YEAR = 365
MINUTES_PER_DAY = 24 * 60
SECONDS_PER_DAY = 24 * 60 * 60
TOKENS_PER_MTOK = 1_000_000


def _arr(x: npt.ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _fraction(name: str, x: npt.ArrayLike) -> np.ndarray:
    a = _arr(x)
    if np.any((a < 0) | (a > 1)):
        raise ValueError(f"{name} must be in [0, 1]")
    return a


def forecast_monthly_usd(users: npt.ArrayLike, requests_per_user_per_month: npt.ArrayLike,
                         input_tokens: npt.ArrayLike, output_tokens: npt.ArrayLike,
                         input_usd_per_mtok: npt.ArrayLike, output_usd_per_mtok: npt.ArrayLike,
                         safety_factor: npt.ArrayLike = 2.0) -> np.ndarray:
    """The design-time forecast: users x requests x tokens x price, times a safety factor.

    The safety factor plays the part of the mental model's retry factor (it covers retries and
    the forecast's own error), so it must be at least 1."""
    return monthly_cost_usd(users, requests_per_user_per_month, input_tokens, output_tokens,
                            input_usd_per_mtok, output_usd_per_mtok, retry_factor=safety_factor)


def revenue_cover(revenue_per_user_month: npt.ArrayLike, cost_per_user_month: npt.ArrayLike) -> np.ndarray:
    """Revenue per user over inference cost per user; inf where the cost is zero."""
    rev, cost = _arr(revenue_per_user_month), _arr(cost_per_user_month)
    if np.any(rev < 0) or np.any(cost < 0):
        raise ValueError("revenue and cost must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(cost == 0, np.inf, rev / np.where(cost == 0, 1.0, cost))


def forecast_what_if(users: float, requests_per_user_per_month: float, input_tokens: float,
                     output_tokens: float, input_usd_per_mtok: float, output_usd_per_mtok: float,
                     revenue_per_user_month: float, safety_factor: float = 2.0,
                     min_cover: float = 3.0) -> dict[str, float | str]:
    """The cost forecaster's one answer: the monthly bill, per-user cost, revenue cover and verdict."""
    monthly = float(forecast_monthly_usd(users, requests_per_user_per_month, input_tokens, output_tokens,
                                         input_usd_per_mtok, output_usd_per_mtok, safety_factor))
    per_user = monthly / users if users > 0 else 0.0
    cover = float(revenue_cover(revenue_per_user_month, per_user))
    return {"monthly_usd": monthly, "per_user_usd": per_user, "cover": cover,
            "verdict": "sound" if cover >= min_cover else "shaky"}


def annual_factor(total_factor: npt.ArrayLike, years: npt.ArrayLike) -> np.ndarray:
    """A price fall of ``total_factor``x over ``years``, as the same fall each year (compounding)."""
    f, y = _arr(total_factor), _arr(years)
    if np.any(f <= 0) or np.any(y <= 0):
        raise ValueError("total_factor and years must be > 0")
    return f ** (1.0 / y)


def drop_to_factor(drop_frac: npt.ArrayLike) -> np.ndarray:
    """A price drop stated as a share (50% off) as a factor (2x cheaper)."""
    d = _arr(drop_frac)
    if np.any((d < 0) | (d >= 1)):
        raise ValueError("drop_frac must be in [0, 1)")
    return 1.0 / (1.0 - d)


def output_error_cost_change(input_to_output_tokens: npt.ArrayLike, output_to_input_price: npt.ArrayLike,
                             output_error_factor: npt.ArrayLike = 2.0) -> np.ndarray:
    """Relative change in a bill when output tokens turn out ``output_error_factor``x the estimate.

    Per output token the request costs R input tokens x 1 + 1 x P (prices in units of the input
    price); the error adds (e - 1) x P, so the change is (e - 1) P / (R + P)."""
    r, p, e = _arr(input_to_output_tokens), _arr(output_to_input_price), _arr(output_error_factor)
    if np.any(r < 0) or np.any(p <= 0) or np.any(e <= 0):
        raise ValueError("token ratio must be >= 0, price ratio and error factor > 0")
    return (e - 1.0) * p / (r + p)


def agent_input_tokens(calls: npt.ArrayLike, base_input_tokens: npt.ArrayLike,
                       tokens_added_per_call: npt.ArrayLike,
                       window_calls: npt.ArrayLike = np.inf) -> np.ndarray:
    """Input tokens an agent task reads over ``calls`` LLM calls.

    Call k (k = 0..n-1) re-reads the base prompt plus what the previous calls added to the
    transcript: min(k, w) steps of ``tokens_added_per_call`` when only the last w steps are kept
    (w = inf: no compaction). Sum of min(k, w) = n(n-1)/2 when w >= n-1, else
    w(w+1)/2 + (n-1-w) w."""
    n, base, add, w = _arr(calls), _arr(base_input_tokens), _arr(tokens_added_per_call), _arr(window_calls)
    if np.any(n < 1) or np.any(base < 0) or np.any(add < 0) or np.any(w < 0):
        raise ValueError("calls must be >= 1; tokens and window >= 0")
    full = n * (n - 1) / 2
    w_fin = np.where(np.isinf(w), 0.0, w)
    windowed = w_fin * (w_fin + 1) / 2 + (n - 1 - w_fin) * w_fin
    steps = np.where(w >= n - 1, full, windowed)
    return n * base + steps * add


def triage_saving_frac(escalated_share: npt.ArrayLike, cheap_to_strong_cost: npt.ArrayLike) -> np.ndarray:
    """Saving of 'cheap model on everything, escalate a share to the strong model' vs strong on all.

    Per item: cheap always runs (c) and a share s escalates (s x 1), against 1 for always-strong."""
    s = _fraction("escalated_share", escalated_share)
    c = _arr(cheap_to_strong_cost)
    if np.any(c < 0):
        raise ValueError("cheap_to_strong_cost must be >= 0")
    return 1.0 - (c + s)


def routing_saving_frac(easy_share: npt.ArrayLike, cheapness_factor: npt.ArrayLike) -> np.ndarray:
    """Saving from sending the easy share of queries to a model ``cheapness_factor``x cheaper."""
    s = _fraction("easy_share", easy_share)
    k = _arr(cheapness_factor)
    if np.any(k < 1):
        raise ValueError("cheapness_factor must be >= 1")
    return s * (1.0 - 1.0 / k)


def breakeven_units(fixed_usd: npt.ArrayLike, saving_per_unit_usd: npt.ArrayLike) -> np.ndarray:
    """Units (calls, tokens, embeddings) before a fixed cost is paid back; inf with no saving."""
    fixed, saving = _arr(fixed_usd), _arr(saving_per_unit_usd)
    if np.any(fixed < 0):
        raise ValueError("fixed_usd must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(saving > 0, fixed / np.where(saving > 0, saving, 1.0), np.inf)


def inference_budget_per_day(acv_usd: npt.ArrayLike, inference_share: npt.ArrayLike) -> np.ndarray:
    """Inference a customer can carry per day when it may cost ``inference_share`` of their ACV."""
    share = _fraction("inference_share", inference_share)
    acv = _arr(acv_usd)
    if np.any(acv < 0):
        raise ValueError("acv_usd must be >= 0")
    return acv * share / DAYS_PER_YEAR


def per_minute_to_daily(usd_per_minute: npt.ArrayLike, concurrent: npt.ArrayLike = 1.0) -> np.ndarray:
    """A per-minute meter running all day for ``concurrent`` sessions."""
    rate, conc = _arr(usd_per_minute), _arr(concurrent)
    if np.any(rate < 0) or np.any(conc < 0):
        raise ValueError("rate and concurrency must be >= 0")
    return rate * MINUTES_PER_DAY * conc


def blended_minute_usd(user_share: npt.ArrayLike, input_usd_per_minute: npt.ArrayLike,
                       output_usd_per_minute: npt.ArrayLike) -> np.ndarray:
    """Cost of one minute of conversation where the user speaks ``user_share`` of it."""
    s = _fraction("user_share", user_share)
    return s * _arr(input_usd_per_minute) + (1.0 - s) * _arr(output_usd_per_minute)


def hosted_embedding_breakeven_per_day(gpu_usd_per_day: npt.ArrayLike, tokens_per_embedding: npt.ArrayLike,
                                       hosted_usd_per_mtok: npt.ArrayLike) -> np.ndarray:
    """Embeddings a day at which a hosted embedding bill equals one self-hosted GPU's day."""
    per_embedding = _arr(tokens_per_embedding) * _arr(hosted_usd_per_mtok) / TOKENS_PER_MTOK
    return breakeven_units(gpu_usd_per_day, per_embedding)


def gross_margin_frac(price_usd: npt.ArrayLike, cost_usd: npt.ArrayLike) -> np.ndarray:
    """A seller's gross margin: the share of the price left after the cost of serving (negative when
    the price is below cost). Price and cost in the same unit (per request or per million tokens)."""
    price, cost = _arr(price_usd), _arr(cost_usd)
    if np.any(price <= 0) or np.any(cost < 0):
        raise ValueError("price must be > 0 and cost >= 0")
    return 1.0 - cost / price


def reasoning_premium(input_usd_per_mtok: npt.ArrayLike, output_usd_per_mtok: npt.ArrayLike,
                      input_tokens: npt.ArrayLike, output_tokens: npt.ArrayLike,
                      thinking_tokens: npt.ArrayLike) -> np.ndarray:
    """How many times a request costs with ``thinking_tokens`` billed as output, against the same
    request at the same prices without them (the guide: per-token prices are similar, the thinking
    is what multiplies the bill)."""
    p_in, p_out = _arr(input_usd_per_mtok), _arr(output_usd_per_mtok)
    n_in, n_out, n_think = _arr(input_tokens), _arr(output_tokens), _arr(thinking_tokens)
    if np.any(n_think < 0) or np.any(n_in < 0) or np.any(n_out < 0):
        raise ValueError("token counts must be >= 0")
    plain = n_in * p_in + n_out * p_out
    if np.any(plain <= 0):
        raise ValueError("the request without thinking must cost something")
    return (plain + n_think * p_out) / plain
