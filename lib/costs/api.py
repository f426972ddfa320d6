"""What a hosted API request costs, vectorised over models and usage.

Token counts are disjoint, the way Anthropic reports them: ``input_tokens`` are the prompt
tokens billed at the base input rate, and cached reads and cache writes are separate counts
(a usage in the OpenAI / OpenTelemetry convention, where input includes cached tokens, must
subtract them first: see ``split_inclusive_input``). Thinking tokens bill at the output rate.

A price the provider does not offer (no cached rate, no batch tier) gives NaN, never a
guessed number: NaN means "not available at this provider", and tables show it as a dash.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

ArrayLike = npt.ArrayLike
TOKENS_PER_MTOK = 1_000_000


@dataclass(frozen=True)
class Rates:
    """Per-model price arrays in USD per million tokens (NaN = not offered)."""

    input: np.ndarray
    output: np.ndarray
    cached_input: np.ndarray
    cache_write_5m: np.ndarray
    cache_write_1h: np.ndarray
    batch_discount_frac: np.ndarray
    long_threshold_tokens: np.ndarray
    long_input: np.ndarray
    long_output: np.ndarray
    long_cached_input: np.ndarray
    long_whole_request: np.ndarray  # bool: True = the whole request moves to the long rates
    offpeak_input: np.ndarray
    offpeak_output: np.ndarray

    @classmethod
    def from_frame(cls, prices: pd.DataFrame, *, as_column: bool = False) -> "Rates":
        """Rates from an api_prices frame. ``as_column`` shapes them (n, 1) to broadcast over a grid."""

        def col(name: str) -> np.ndarray:
            column = prices[name]
            # A float column (what the loader gives) needs no parsing; to_numeric costs ~1 ms a column.
            numeric = column if column.dtype.kind == "f" else pd.to_numeric(column, errors="raise")
            arr = numeric.to_numpy(dtype=float, na_value=np.nan)
            return arr[:, None] if as_column else arr

        rule = prices["long_context_rule"].fillna("whole_request").to_numpy() == "whole_request"
        return cls(
            input=col("input_usd_per_mtok"), output=col("output_usd_per_mtok"),
            cached_input=col("cached_input_usd_per_mtok"),
            cache_write_5m=col("cache_write_5m_usd_per_mtok"), cache_write_1h=col("cache_write_1h_usd_per_mtok"),
            batch_discount_frac=col("batch_discount_frac"),
            long_threshold_tokens=col("long_context_threshold_tokens"),
            long_input=col("long_input_usd_per_mtok"), long_output=col("long_output_usd_per_mtok"),
            long_cached_input=col("long_cached_input_usd_per_mtok"),
            long_whole_request=rule[:, None] if as_column else rule,
            offpeak_input=col("offpeak_input_usd_per_mtok"), offpeak_output=col("offpeak_output_usd_per_mtok"),
        )

    @classmethod
    def flat(cls, input_usd_per_mtok: ArrayLike, output_usd_per_mtok: ArrayLike,
             cached_input_usd_per_mtok: ArrayLike = np.nan) -> "Rates":
        """Plain rates with no cache-write, batch, long-context or off-peak tier (for what-ifs)."""
        inp = np.asarray(input_usd_per_mtok, dtype=float)
        nan = np.full_like(inp, np.nan)
        return cls(input=inp, output=np.asarray(output_usd_per_mtok, dtype=float),
                   cached_input=np.broadcast_to(np.asarray(cached_input_usd_per_mtok, dtype=float), inp.shape).copy(),
                   cache_write_5m=nan, cache_write_1h=nan, batch_discount_frac=nan, long_threshold_tokens=nan,
                   long_input=nan, long_output=nan, long_cached_input=nan,
                   long_whole_request=np.ones_like(inp, dtype=bool), offpeak_input=nan, offpeak_output=nan)

    def __len__(self) -> int:
        return len(self.input)


def _billed(tokens: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """tokens x rate, where zero tokens cost zero even at a rate that is not offered (NaN)."""
    return np.where(tokens == 0, 0.0, tokens * rate)


def request_cost_usd(
    rates: Rates | pd.DataFrame,
    *,
    input_tokens: ArrayLike,
    output_tokens: ArrayLike = 0,
    cached_read_tokens: ArrayLike = 0,
    cache_write_5m_tokens: ArrayLike = 0,
    cache_write_1h_tokens: ArrayLike = 0,
    thinking_tokens: ArrayLike = 0,
    batch: bool = False,
    offpeak: bool = False,
) -> np.ndarray:
    """USD per request for each model (rows of ``rates``), broadcast against the token arrays.

    Long context: when the prompt (input + cached reads + cache writes, as providers count it)
    exceeds a model's threshold, a ``whole_request`` model bills every token at its long rates;
    an ``above_threshold_only`` model bills only the prompt tokens past the threshold at the long
    input rate (cached prefix first), and output at the long output rate.
    Batch applies the model's discount to the whole bill, cache reads and writes included;
    a model with no batch tier gives NaN. Off-peak uses off-peak rates where a model has them.
    """
    r = Rates.from_frame(rates) if isinstance(rates, pd.DataFrame) else rates
    inp = np.asarray(input_tokens, dtype=float)
    out = np.asarray(output_tokens, dtype=float) + np.asarray(thinking_tokens, dtype=float)
    cread = np.asarray(cached_read_tokens, dtype=float)
    w5 = np.asarray(cache_write_5m_tokens, dtype=float)
    w1 = np.asarray(cache_write_1h_tokens, dtype=float)
    for name, arr in (("input", inp), ("output + thinking", out), ("cached read", cread),
                      ("cache write 5m", w5), ("cache write 1h", w1)):
        if np.any(arr < 0):
            raise ValueError(f"{name} token counts must be >= 0")

    in_rate = np.where(offpeak & ~np.isnan(r.offpeak_input), r.offpeak_input, r.input)
    out_rate = np.where(offpeak & ~np.isnan(r.offpeak_output), r.offpeak_output, r.output)

    base = (_billed(inp, in_rate) + _billed(out, out_rate) + _billed(cread, r.cached_input)
            + _billed(w5, r.cache_write_5m) + _billed(w1, r.cache_write_1h))

    prompt = inp + cread + w5 + w1
    over = ~np.isnan(r.long_threshold_tokens) & (prompt > np.nan_to_num(r.long_threshold_tokens, nan=np.inf))
    if np.any(over):
        # Cache writes past a threshold: no provider in the data states a long-context write rate.
        if np.any(over & ((w5 > 0) | (w1 > 0))):
            raise ValueError("a request over a long-context threshold with cache writes: no long-context "
                             "cache-write rate is stated in the data")
        whole = (_billed(inp, r.long_input) + _billed(out, r.long_output) + _billed(cread, r.long_cached_input))
        above = np.clip(prompt - r.long_threshold_tokens, 0, None)
        # Graduated: the cached prefix sits below the threshold first, fresh input after it.
        fresh_above = np.minimum(inp, above)
        fresh_below = inp - fresh_above
        graduated = (_billed(fresh_below, in_rate) + _billed(fresh_above, r.long_input)
                     + _billed(cread, r.cached_input) + _billed(out, r.long_output))
        long_cost = np.where(r.long_whole_request, whole, graduated)
        base = np.where(over, long_cost, base)

    cost = base / TOKENS_PER_MTOK
    if batch:
        cost = cost * (1.0 - r.batch_discount_frac)  # NaN where the model has no batch tier
    return cost


# What each optional price column is called when a computation cannot run without it.
PRICE_LABELS = {
    "input_usd_per_mtok": "input price", "output_usd_per_mtok": "output price",
    "cached_input_usd_per_mtok": "cached-input price", "cache_write_5m_usd_per_mtok": "cache-write price",
    "cache_write_1h_usd_per_mtok": "1-hour cache-write price", "batch_discount_frac": "batch discount",
    "long_context_threshold_tokens": "long-context tier", "long_input_usd_per_mtok": "long-context tier",
    "long_output_usd_per_mtok": "long-context tier", "long_cached_input_usd_per_mtok": "long-context cached price",
    "offpeak_input_usd_per_mtok": "off-peak price", "offpeak_output_usd_per_mtok": "off-peak price",
}


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def missing_prices(prices: pd.DataFrame, columns: list[str] | tuple[str, ...]) -> pd.Series:
    """Per row, which of ``columns`` it lacks, in words ("cached-input price and cache-write price"); "" when none.

    A blank optional price (a feed that lists only input and output) makes a computation that needs
    it NaN; this says which price was blank, so a chapter can show "n/a" with its reason."""
    unknown = [c for c in columns if c not in PRICE_LABELS]
    if unknown:
        raise KeyError(f"no label for price column(s) {unknown}")
    blank = prices[list(columns)].isna().to_numpy()
    labels = [PRICE_LABELS[c] for c in columns]
    words = [_and(list(dict.fromkeys(label for label, b in zip(labels, row) if b))) if row.any() else ""
             for row in blank]
    return pd.Series(words, index=prices.index, dtype=object)


def missing_reason(prices: pd.DataFrame, columns: list[str] | tuple[str, ...]) -> str:
    """Why a figure computed from these rows is n/a: "<source> gives no <price> for <model>, ..."; "" if none.

    Rows are grouped by the source they come from (the feed's name for imported rows) and the prices
    they lack, in row order, so the sentence reads the same on every run."""
    lacking = missing_prices(prices, columns)
    rows = prices.assign(_lacks=lacking)[lacking != ""]
    if rows.empty:
        return ""
    source = rows["source"].astype(str).str.split(";").str[0].str.strip() if "source" in rows else "the prices in use"
    rows = rows.assign(_source=source)
    parts = [f"{src} gives no {lacks} for {_and(list(dict.fromkeys(group['model'].astype(str))))}"
             for (src, lacks), group in rows.groupby(["_source", "_lacks"], sort=False)]
    return "; ".join(parts)


def over_threshold_cost_usd(prices: pd.DataFrame, **usage: ArrayLike) -> np.ndarray:
    """``request_cost_usd`` for a request the caller knows is past the long-context threshold.

    NaN for a row that states no long-context tier: in a feed a blank tier is a price not given,
    and the base price would silently stand in for it."""
    has_tier = prices["long_context_threshold_tokens"].notna().to_numpy()
    return np.where(has_tier, request_cost_usd(prices, **usage), np.nan)


def long_context_costs_usd(prices: pd.DataFrame, *, input_tokens: ArrayLike, output_tokens: ArrayLike = 0
                           ) -> tuple[np.ndarray, np.ndarray]:
    """A long request priced under both readings of a tier: (whole request, tokens above only); NaN with no tier."""
    whole, graduated = (over_threshold_cost_usd(prices.assign(long_context_rule=rule), input_tokens=input_tokens,
                                                output_tokens=output_tokens)
                        for rule in ("whole_request", "above_threshold_only"))
    return whole, graduated


def split_inclusive_input(prompt_tokens: ArrayLike, cached_read_tokens: ArrayLike = 0,
                          cache_write_tokens: ArrayLike = 0) -> np.ndarray:
    """Uncached input from an inclusive count (OpenAI / OpenTelemetry: prompt includes cache tokens)."""
    fresh = (np.asarray(prompt_tokens, dtype=float) - np.asarray(cached_read_tokens, dtype=float)
             - np.asarray(cache_write_tokens, dtype=float))
    if np.any(fresh < 0):
        raise ValueError("cached and cache-write tokens exceed the prompt tokens they are part of")
    return fresh


def cost_table(prices: pd.DataFrame, *, input_tokens: float, output_tokens: float,
               requests_per_day: float = 1.0, days_per_month: float = 30.0, **usage: float) -> pd.DataFrame:
    """Per-request, daily and monthly cost for each model, cheapest first."""
    per_request = request_cost_usd(prices, input_tokens=input_tokens, output_tokens=output_tokens, **usage)
    provider, model = prices["provider"].to_numpy(), prices["model"].to_numpy()
    # The order of sort_values(["usd_per_request", "provider", "model"], kind="stable") (NaN last),
    # on arrays: a what-if calls this on every slider move, and the frame sort costs ~10 ms.
    order = np.lexsort((model.astype(str), provider.astype(str), per_request))
    return pd.DataFrame({
        "provider": provider[order],
        "model": model[order],
        "usd_per_request": per_request[order],
        "usd_per_day": (per_request * requests_per_day)[order],
        "usd_per_month": (per_request * requests_per_day * days_per_month)[order],
    })
