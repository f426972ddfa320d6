"""Two price lists side by side: what moved, and whether the guide's headline claims still hold.

All functions take "book" price frames (one row per provider and model, the rows the book
uses) as loaded by ``lib.data.tables.load_api_prices(..., book_rows_only=True)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.costs import api

Model = tuple[str, str]  # (provider, model)


def _row(prices: pd.DataFrame, model: Model) -> pd.DataFrame:
    row = prices[(prices["provider"] == model[0]) & (prices["model"] == model[1])]
    if len(row) != 1:
        raise KeyError(f"no single price row for {model[0]} {model[1]} "
                       f"in {prices.attrs.get('source_file', 'the price table')}")
    return row


def price_changes(guide: pd.DataFrame, now: pd.DataFrame, *, input_tokens: float, output_tokens: float
                  ) -> pd.DataFrame:
    """Every model in both lists: the guide's and today's prices, the change, and one request's cost.

    ``imported`` says whether today's row came from a feed (its ``as_of`` differs from the
    guide's row) or is still the guide's own (the model did not import).
    """
    # Plain arrays rather than a merge and column-by-column assignment: the chapter's what-if
    # calls this on every slider move (target 20 ms), and the frame operations cost ~50 ms.
    # Same rows and order as an inner merge on (provider, model): the guide's order, then today's.
    where_now: dict[tuple[str, str], list[int]] = {}
    for j, key in enumerate(zip(now["provider"].to_numpy(), now["model"].to_numpy())):
        where_now.setdefault(key, []).append(j)
    pairs = [(i, j) for i, key in enumerate(zip(guide["provider"].to_numpy(), guide["model"].to_numpy()))
             for j in where_now.get(key, [])]
    gi = np.array([i for i, _ in pairs], dtype=np.intp)
    ni = np.array([j for _, j in pairs], dtype=np.intp)
    out: dict[str, np.ndarray] = {"provider": guide["provider"].to_numpy()[gi], "model": guide["model"].to_numpy()[gi]}
    for side, frame, idx in (("guide", guide, gi), ("now", now, ni)):
        out[f"input_{side}"] = frame["input_usd_per_mtok"].to_numpy(dtype=float, na_value=np.nan)[idx]
        out[f"output_{side}"] = frame["output_usd_per_mtok"].to_numpy(dtype=float, na_value=np.nan)[idx]
        # A plain request at list prices: no cache, batch or long-context tier on either side.
        out[f"request_{side}"] = api.request_cost_usd(
            api.Rates.flat(out[f"input_{side}"], out[f"output_{side}"]),
            input_tokens=input_tokens, output_tokens=output_tokens)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["input_change"] = out["input_now"] / out["input_guide"] - 1
        out["output_change"] = out["output_now"] / out["output_guide"] - 1
        out["request_change"] = out["request_now"] / out["request_guide"] - 1
    out["imported"] = now["price_id"].to_numpy()[ni] != guide["price_id"].to_numpy()[gi]
    # sort_values(["request_change", "provider", "model"], kind="stable"): NaN last, ties kept in order.
    order = np.lexsort((out["model"].astype(str), out["provider"].astype(str), out["request_change"]))
    return pd.DataFrame({k: pd.Series(v[order], dtype=guide[k].dtype) if k in ("provider", "model") else v[order]
                         for k, v in out.items()})


def price_ratio(prices: pd.DataFrame, numerator: Model, denominator: Model,
                column: str = "input_usd_per_mtok") -> float:
    """How many times dearer one model's price is than another's."""
    return float(_row(prices, numerator)[column].iloc[0]) / float(_row(prices, denominator)[column].iloc[0])


def _list_price_costs(prices: pd.DataFrame, models: list[Model], input_tokens: float, output_tokens: float
                      ) -> list[float]:
    """Tokens at list prices, the guide's arithmetic: no cache, batch or long-context tier applies."""
    rows = pd.concat([_row(prices, m) for m in models])
    rates = api.Rates.flat(rows["input_usd_per_mtok"].astype(float), rows["output_usd_per_mtok"].astype(float))
    return [float(c) for c in api.request_cost_usd(rates, input_tokens=input_tokens, output_tokens=output_tokens)]


def cheapest(prices: pd.DataFrame, models: list[Model], *, input_tokens: float, output_tokens: float
             ) -> tuple[Model, float]:
    """The model that serves these tokens for least at list prices, and the cost (ties: first listed)."""
    costs = _list_price_costs(prices, models, input_tokens, output_tokens)
    best = int(np.argmin(costs))
    return models[best], costs[best]


def spread(prices: pd.DataFrame, models: list[Model], *, input_tokens: float, output_tokens: float) -> float:
    """Dearest over cheapest cost of the same tokens across ``models``, at list prices."""
    costs = _list_price_costs(prices, models, input_tokens, output_tokens)
    return max(costs) / min(costs)


def cache_discount_ranking(prices: pd.DataFrame, models: list[Model]) -> pd.DataFrame:
    """Models ordered by how much a cache read saves against the input price (largest first)."""
    rows = []
    for m in models:
        r = _row(prices, m).iloc[0]
        cached = r["cached_input_usd_per_mtok"]
        discount = np.nan if pd.isna(cached) else 1 - float(cached) / float(r["input_usd_per_mtok"])
        rows.append({"provider": m[0], "model": m[1], "cache_discount": discount})
    ranked = pd.DataFrame(rows).sort_values("cache_discount", ascending=False, kind="stable", na_position="last")
    return ranked.reset_index(drop=True)


def ranking_text(ranked: pd.DataFrame, label: str = "model", value: str = "cache_discount") -> str:
    """'A (90.0%) > B (75.2%) = C (75.2%)': ties shown as ties, a missing value last as 'no cache price'."""
    parts: list[str] = []
    previous = None
    for _, r in ranked.iterrows():
        v = r[value]
        shown = "no cache price" if pd.isna(v) else f"{v:.1%}"
        sep = "" if previous is None else (" = " if (pd.isna(v) and pd.isna(previous)) or v == previous else " > ")
        parts.append(f"{sep}{r[label]} ({shown})")
        previous = v
    return "".join(parts)


def price_ratio_range(prices: pd.DataFrame, numerator: Model, denominator: Model) -> tuple[float, float]:
    """The input-price and output-price ratios of two models, lower first: a sentence that one model
    is "N times cheaper" than another, input and output alike, is checked against both ends."""
    ratios = [price_ratio(prices, numerator, denominator, column)
              for column in ("input_usd_per_mtok", "output_usd_per_mtok")]
    return min(ratios), max(ratios)
