"""What a reasoning-model request costs once its hidden thinking tokens are counted.

A reasoning model writes thinking tokens before its visible answer; they are billed at the output
rate but never shown. The guide's shorthand is the ratio ``R = thinking / visible``: the output
bill is ``visible x (1 + R) x p_out``. Pricing goes through ``lib.costs.api.request_cost_usd``
(which bills ``thinking_tokens`` as output), so the cache, batch and long-context tiers apply to
reasoning requests exactly as to chat requests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from lib.costs import api

ArrayLike = npt.ArrayLike
MIX_TOLERANCE = 1e-9


def thinking_ratio(thinking_tokens: ArrayLike, visible_output_tokens: ArrayLike) -> np.ndarray:
    """R = thinking / visible; a request with no visible output has no defined ratio (NaN)."""
    thinking = np.asarray(thinking_tokens, dtype=float)
    visible = np.asarray(visible_output_tokens, dtype=float)
    if np.any(thinking < 0) or np.any(visible < 0):
        raise ValueError("token counts must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(visible > 0, thinking / np.where(visible > 0, visible, 1.0), np.nan)


def output_multiplier(thinking_ratio_r: ArrayLike) -> np.ndarray:
    """How many times the visible output's cost the output bill is: 1 + R (R = 10 gives 11x)."""
    r = np.asarray(thinking_ratio_r, dtype=float)
    if np.any(r < 0):
        raise ValueError("a thinking ratio is never negative")
    return 1.0 + r


def reasoning_request_cost_usd(rates: api.Rates | pd.DataFrame, *, input_tokens: ArrayLike,
                               visible_output_tokens: ArrayLike, thinking_ratio: ArrayLike = 0.0,
                               **usage: ArrayLike) -> np.ndarray:
    """USD per request when the model thinks ``thinking_ratio`` tokens per visible output token.

    Broadcasts like ``api.request_cost_usd`` (one value per price row); extra ``usage`` keywords
    (cached reads, batch, ...) pass straight through.
    """
    visible = np.asarray(visible_output_tokens, dtype=float)
    thinking = visible * np.asarray(thinking_ratio, dtype=float)
    if np.any(thinking < 0):
        raise ValueError("a thinking ratio is never negative")
    return api.request_cost_usd(rates, input_tokens=input_tokens, output_tokens=visible,
                                thinking_tokens=thinking, **usage)


def expected_thinking_tokens_under_cap(cap_tokens: ArrayLike, mean_fraction_of_cap: ArrayLike = 0.75) -> np.ndarray:
    """Expected thinking tokens when a budget caps them: the cap times the mean share used.

    The guide's rule of thumb for Opus extended thinking on hard problems is 75 % of the cap.
    """
    cap = np.asarray(cap_tokens, dtype=float)
    frac = np.asarray(mean_fraction_of_cap, dtype=float)
    if np.any(cap < 0):
        raise ValueError("a thinking cap is never negative")
    if np.any((frac < 0) | (frac > 1)):
        raise ValueError("the mean share of the cap used must lie in [0, 1]")
    return cap * frac


def capped_thinking_tokens(demanded_tokens: ArrayLike, cap_tokens: ArrayLike) -> np.ndarray:
    """Thinking tokens billed when the model would think ``demanded`` but the budget stops it at ``cap``."""
    demanded = np.asarray(demanded_tokens, dtype=float)
    cap = np.asarray(cap_tokens, dtype=float)
    if np.any(demanded < 0) or np.any(cap < 0):
        raise ValueError("token counts must be >= 0")
    return np.minimum(demanded, cap)


def blended_cost_usd(mix: Mapping[str, float], per_tier_cost: Mapping[str, float]) -> float:
    """Average USD per query when a router sends share ``mix[tier]`` of traffic to each tier.

    The shares must be non-negative and sum to 1 (a router sends every query somewhere);
    every tier in the mix needs a cost.
    """
    shares = np.array([float(s) for s in mix.values()])
    if np.any(shares < 0):
        raise ValueError(f"traffic shares must be >= 0: {dict(mix)}")
    if abs(shares.sum() - 1.0) > MIX_TOLERANCE:
        raise ValueError(f"traffic shares must sum to 1, not {shares.sum():g}: {dict(mix)}")
    missing = sorted(set(mix) - set(per_tier_cost))
    if missing:
        raise KeyError(f"no cost for tier(s) {missing}")
    return float(sum(float(share) * float(per_tier_cost[tier]) for tier, share in mix.items()))


def normalise_mix(weights: Mapping[str, float]) -> dict[str, float]:
    """Shares from any non-negative weights (for sliders that need not add up to 100)."""
    total = float(sum(weights.values()))
    if total <= 0 or any(w < 0 for w in weights.values()):
        raise ValueError("weights must be >= 0 with a positive sum")
    return {tier: float(w) / total for tier, w in weights.items()}


def decode_seconds(thinking_tokens: ArrayLike, visible_output_tokens: ArrayLike, tokens_per_s: ArrayLike) -> np.ndarray:
    """Seconds a model spends writing its thinking and its answer at a decode speed: a floor under a
    reasoning request's latency (prefill and queueing come on top), since every thinking token is
    decoded one at a time like a visible one."""
    speed = np.asarray(tokens_per_s, dtype=float)
    if (speed <= 0).any():
        raise ValueError("decode speed must be positive (tokens per second)")
    return (np.asarray(thinking_tokens, dtype=float) + np.asarray(visible_output_tokens, dtype=float)) / speed


def share_of_cap(thinking_tokens: ArrayLike, cap_tokens: ArrayLike) -> np.ndarray:
    """Share of a thinking budget a request uses: thinking / cap (a cap of 0 has no share: NaN)."""
    thinking = np.asarray(thinking_tokens, dtype=float)
    cap = np.asarray(cap_tokens, dtype=float)
    if np.any(thinking < 0) or np.any(cap < 0):
        raise ValueError("token counts must be >= 0")
    if np.any((cap > 0) & (thinking > cap)):
        raise ValueError("a capped request cannot think past its cap")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(cap > 0, thinking / np.where(cap > 0, cap, 1.0), np.nan)


_BUDGET = re.compile(r"(?:budget|thinking)\s*=\s*(\d+(?:\.\d+)?)\s*(k?)", re.IGNORECASE)


def cap_from_label(label: str) -> float:
    """The thinking cap an effort label names ("extended thinking budget=2000", "thinking=16k"); NaN if none."""
    m = _BUDGET.search(str(label))
    if not m:
        return float("nan")
    return float(m.group(1)) * (1_000 if m.group(2) else 1)


def stated_price_span(prices: pd.DataFrame, model: str, column: str, other_than: str) -> tuple[float, float]:
    """Least and most ``column`` over the price rows of ``model`` that some section other than
    ``other_than`` states (a row's ``source`` lists its sections, ';'-separated): what the guide's
    other tables say a rate is, to check a rate a worked example writes beside its sum."""
    rows = prices[prices["model"] == model]
    elsewhere = rows["source"].astype(str).map(lambda s: any(p.strip() != other_than for p in s.split(";")))
    values = rows.loc[elsewhere, column].astype(float).dropna()
    if values.empty:
        raise KeyError(f"no price row for '{model}' stated outside '{other_than}'")
    return float(values.min()), float(values.max())


def saving_share(blended_usd: float, everything_top_usd: float) -> float:
    """Share of the bill routing saves against sending every query to the top tier: 1 - blend / top."""
    if everything_top_usd <= 0 or blended_usd < 0:
        raise ValueError("costs must be positive (the top tier's) and non-negative (the blend's)")
    return 1.0 - blended_usd / everything_top_usd
