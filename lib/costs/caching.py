"""Prompt caching: what a reused prefix costs per day, when a cache pays, and what an edit costs.

A cached prompt has a long, stable prefix (system prompt, policies, shared documents) and a
short fresh part (the user's message). Every message either *hits* the cache (the prefix bills
at the cached-read rate) or *misses* it (the prefix is written to the cache at the write rate,
which for most providers equals the input rate and for Anthropic carries a premium).

All token pricing goes through ``lib.costs.api.request_cost_usd`` so that long-context tiers and
"not offered" (NaN) behave the same way as everywhere else in the book. Prices are per model
(one row of an ``api_prices`` frame, or a ``Rates``); arguments broadcast numpy-style, so a
``Rates.from_frame(prices, as_column=True)`` against a row of hit rates gives a model x hit-rate grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from lib.costs.api import TOKENS_PER_MTOK, Rates, request_cost_usd

ArrayLike = npt.ArrayLike
WriteTier = Literal["5m", "1h"]
MINUTES_PER_HOUR = 60.0


def _rates(prices: Rates | pd.DataFrame) -> Rates:
    return Rates.from_frame(prices) if isinstance(prices, pd.DataFrame) else prices


def _write_rate(r: Rates, write_tier: WriteTier) -> np.ndarray:
    if write_tier not in ("5m", "1h"):
        raise ValueError(f"write_tier must be '5m' or '1h', not {write_tier!r}")
    return r.cache_write_5m if write_tier == "5m" else r.cache_write_1h


def _fraction(name: str, value: ArrayLike) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if np.any((arr < 0) | (arr > 1)):
        raise ValueError(f"{name} must be between 0 and 1")
    return arr


@dataclass(frozen=True)
class PrefixMessageCosts:
    """USD for one message with a cacheable prefix, three ways (arrays, one entry per model)."""

    no_cache: np.ndarray  # caching off: the prefix bills as ordinary input
    hit: np.ndarray  # prefix read from the cache
    miss: np.ndarray  # prefix written to the cache (the first call, or after expiry / an edit)


def prefix_message_costs_usd(prices: Rates | pd.DataFrame, *, prefix_tokens: ArrayLike,
                             fresh_input_tokens: ArrayLike = 0, output_tokens: ArrayLike = 0,
                             write_tier: WriteTier = "5m", batch: bool = False) -> PrefixMessageCosts:
    """One message's cost without caching, on a cache hit and on a cache miss, per model.

    ``batch`` bills all three on the batch API: the guide says the discount stacks with cache
    reads and writes, so it applies to the whole message (NaN where a model has no batch tier).
    """
    r = _rates(prices)
    write = {"cache_write_5m_tokens" if write_tier == "5m" else "cache_write_1h_tokens": prefix_tokens}
    _write_rate(r, write_tier)  # validates the tier name
    prefix = np.asarray(prefix_tokens, dtype=float)
    fresh = np.asarray(fresh_input_tokens, dtype=float)
    return PrefixMessageCosts(
        no_cache=request_cost_usd(r, input_tokens=prefix + fresh, output_tokens=output_tokens, batch=batch),
        hit=request_cost_usd(r, input_tokens=fresh, output_tokens=output_tokens, cached_read_tokens=prefix,
                             batch=batch),
        miss=request_cost_usd(r, input_tokens=fresh, output_tokens=output_tokens, batch=batch, **write),
    )


def storage_usd(prefix_tokens: ArrayLike, storage_usd_per_mtok_hour: ArrayLike, hours: ArrayLike,
                live_caches: ArrayLike = 1) -> np.ndarray:
    """Cache occupancy fee (Google charges per million cached tokens per hour held)."""
    return (np.asarray(live_caches, dtype=float) * np.asarray(prefix_tokens, dtype=float) / TOKENS_PER_MTOK
            * np.asarray(storage_usd_per_mtok_hour, dtype=float) * np.asarray(hours, dtype=float))


def daily_prefix_cost_usd(prices: Rates | pd.DataFrame, *, prefix_tokens: ArrayLike, messages_per_day: ArrayLike,
                          hit_rate: ArrayLike, fresh_input_tokens: ArrayLike = 0, output_tokens: ArrayLike = 0,
                          write_tier: WriteTier = "5m", storage_usd_per_mtok_hour: ArrayLike = 0.0,
                          cache_hours_per_day: ArrayLike = 0.0, live_caches: ArrayLike = 1,
                          batch: bool = False) -> np.ndarray:
    """A day's bill with caching on: hits pay the read rate, misses pay a write, plus any storage fee.

    ``hit_rate`` is the share of messages whose prefix is read from the cache (the guide's
    ``cached_input_tokens / total_input_tokens`` when every message carries the same prefix).
    Every miss is billed as a cache write, because a miss on a cached prompt re-populates the cache.
    With ``batch`` the messages bill at the batch discount; the storage fee is not discounted.
    """
    h = _fraction("hit_rate", hit_rate)
    m = np.asarray(messages_per_day, dtype=float)
    if np.any(m < 0):
        raise ValueError("messages_per_day must be >= 0")
    c = prefix_message_costs_usd(prices, prefix_tokens=prefix_tokens, fresh_input_tokens=fresh_input_tokens,
                                 output_tokens=output_tokens, write_tier=write_tier, batch=batch)
    return (m * (h * c.hit + (1.0 - h) * c.miss)
            + storage_usd(prefix_tokens, storage_usd_per_mtok_hour, cache_hours_per_day, live_caches))


def daily_no_cache_cost_usd(prices: Rates | pd.DataFrame, *, prefix_tokens: ArrayLike, messages_per_day: ArrayLike,
                            fresh_input_tokens: ArrayLike = 0, output_tokens: ArrayLike = 0,
                            batch: bool = False) -> np.ndarray:
    """The same day's bill with caching off: the whole prompt bills as input on every message."""
    c = prefix_message_costs_usd(prices, prefix_tokens=prefix_tokens, fresh_input_tokens=fresh_input_tokens,
                                 output_tokens=output_tokens, batch=batch)
    return np.asarray(messages_per_day, dtype=float) * c.no_cache


def hit_rate_from_writes(messages_per_day: ArrayLike, writes_per_day: ArrayLike) -> np.ndarray:
    """Hit rate when ``writes_per_day`` of the day's messages are the cache (re-)writes."""
    m = np.asarray(messages_per_day, dtype=float)
    w = np.asarray(writes_per_day, dtype=float)
    if np.any(w < 0) or np.any(m <= 0) or np.any(w > m):
        raise ValueError("need 0 <= writes_per_day <= messages_per_day and messages_per_day > 0")
    return 1.0 - w / m


def cache_hit_rate(cached_input_tokens: ArrayLike, total_input_tokens: ArrayLike) -> np.ndarray:
    """The guide's dashboard metric: cached input tokens / all input tokens (NaN with no input)."""
    cached = np.asarray(cached_input_tokens, dtype=float)
    total = np.asarray(total_input_tokens, dtype=float)
    if np.any(cached < 0) or np.any(cached > total):
        raise ValueError("cached input tokens must be between 0 and the total input tokens")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, cached / np.where(total > 0, total, 1.0), np.nan)


def break_even_reads_per_write(input_usd_per_mtok: ArrayLike, read_usd_per_mtok: ArrayLike,
                               write_usd_per_mtok: ArrayLike, storage_usd_per_mtok_hour: ArrayLike = 0.0,
                               hold_hours: ArrayLike = 0.0) -> np.ndarray:
    """Reads of one written prefix needed before caching beats sending it uncached every time.

    One write plus n reads (plus storage for the hold) against n + 1 full-price sends:
    write + n*read + storage <= (n + 1)*input  <=>  n >= (write - input + storage) / (input - read).
    Everything is per million prefix tokens, so the answer does not depend on the prefix length.
    Zero means the first read already pays (no write premium, no storage); inf means reads
    never pay (a read costs as much as input).
    """
    inp = np.asarray(input_usd_per_mtok, dtype=float)
    read = np.asarray(read_usd_per_mtok, dtype=float)
    premium = (np.asarray(write_usd_per_mtok, dtype=float) - inp
               + np.asarray(storage_usd_per_mtok_hour, dtype=float) * np.asarray(hold_hours, dtype=float))
    saving = inp - read
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(saving > 0, np.clip(premium, 0, None) / np.where(saving > 0, saving, 1.0), np.inf)
    return np.where(np.isnan(inp) | np.isnan(read) | np.isnan(premium), np.nan, n)


def hour_of_accesses_usd(accesses_per_hour: ArrayLike, *, ttl_minutes: ArrayLike, write_usd_per_mtok: ArrayLike,
                         read_usd_per_mtok: ArrayLike, prefix_tokens: ArrayLike = TOKENS_PER_MTOK) -> np.ndarray:
    """Prefix cost of one hour of evenly spaced accesses, starting cold, for a cache with this TTL.

    The TTL is refreshed on every read (both of Anthropic's tiers work this way). If the gap
    between accesses is within the TTL the cache stays warm: one write, then reads. If it is
    longer, every access finds the cache expired and writes it again.
    """
    n = np.asarray(accesses_per_hour, dtype=float)
    if np.any(n < 0):
        raise ValueError("accesses_per_hour must be >= 0")
    ttl = np.asarray(ttl_minutes, dtype=float)
    write = np.asarray(write_usd_per_mtok, dtype=float)
    read = np.asarray(read_usd_per_mtok, dtype=float)
    with np.errstate(divide="ignore"):
        gap = np.where(n > 0, MINUTES_PER_HOUR / np.where(n > 0, n, 1.0), np.inf)
    warm = write + np.clip(n - 1, 0, None) * read
    cold = n * write
    per_mtok = np.where(n == 0, 0.0, np.where(gap <= ttl, warm, cold))
    return per_mtok * np.asarray(prefix_tokens, dtype=float) / TOKENS_PER_MTOK


def longer_ttl_break_even_accesses(short_write_usd_per_mtok: ArrayLike, long_write_usd_per_mtok: ArrayLike,
                                   read_usd_per_mtok: ArrayLike) -> np.ndarray:
    """Accesses per hour above which a dearer long-TTL write beats re-writing a short-TTL cache.

    Holds while the accesses are further apart than the short TTL (each one re-writes the short
    cache): n * short_write > long_write + (n - 1) * read  <=>  n > (long_write - read) / (short_write - read).
    Once accesses come within the short TTL, the short cache stays warm too and the long tier
    only adds its higher first write.
    """
    short = np.asarray(short_write_usd_per_mtok, dtype=float)
    long = np.asarray(long_write_usd_per_mtok, dtype=float)
    read = np.asarray(read_usd_per_mtok, dtype=float)
    if np.any(short <= read):
        raise ValueError("a cache write must cost more than a cache read")
    return (long - read) / (short - read)


def invalidation_cost_usd(prices: Rates | pd.DataFrame, *, prefix_tokens: ArrayLike, live_caches: ArrayLike = 1,
                          warmup_misses_per_cache: ArrayLike = 0, write_tier: WriteTier = "5m") -> np.ndarray:
    """Extra spend when the cached prefix changes: every live cache is written again.

    Each affected message pays the write rate on the prefix instead of the read rate. The
    minimum is one re-write per live cache (one per tenant when user IDs sit in the prefix);
    ``warmup_misses_per_cache`` adds the messages that miss while a new version warms up
    (the guide's "1-2 hours of cache miss penalty" across regions).
    """
    r = _rates(prices)
    write = _write_rate(r, write_tier)
    caches = np.asarray(live_caches, dtype=float)
    warm = np.asarray(warmup_misses_per_cache, dtype=float)
    if np.any(caches < 0) or np.any(warm < 0):
        raise ValueError("live_caches and warmup_misses_per_cache must be >= 0")
    return caches * (1.0 + warm) * np.asarray(prefix_tokens, dtype=float) * (write - r.cached_input) / TOKENS_PER_MTOK


def cache_read_shares(prices: pd.DataFrame) -> pd.Series:
    """Each price row's cached-read price as a share of its input price (rows that state both; free
    rows left out), indexed like ``prices``. Its spread and its median are what the guide's "cache
    reads at ~N% of input" sentences are checked against."""
    rows = prices[prices["cached_input_usd_per_mtok"].notna() & (prices["input_usd_per_mtok"] > 0)]
    return (rows["cached_input_usd_per_mtok"] / rows["input_usd_per_mtok"]).rename("read_share")


def input_cost_cut(read_frac_of_input: ArrayLike, write_multiplier: ArrayLike, hit_rate: ArrayLike) -> np.ndarray:
    """Share of a cached prefix's input bill that caching removes at this hit rate.

    Per prefix token, a hit pays ``read_frac_of_input`` of the input price and a miss writes the cache at
    ``write_multiplier`` times it, against 1 without caching: cut = 1 - (h*read + (1 - h)*write). Negative
    when a premium write is hit too rarely."""
    h = _fraction("hit_rate", hit_rate)
    read = np.asarray(read_frac_of_input, dtype=float)
    write = np.asarray(write_multiplier, dtype=float)
    return 1.0 - (h * read + (1.0 - h) * write)
