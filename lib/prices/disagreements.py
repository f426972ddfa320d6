"""Where price lists disagree: several sources' prices side by side, their disagreements and odd ratios.

Every source is first brought to one long shape, a row per (source, provider, model, field) with
a price in USD per million tokens (``LONG_COLUMNS``). The fields are the ones every source can
state: input, output, cache read, 5-minute and 1-hour cache write, batch input and batch output.
A price that cannot be taken as it stands (blank where a price is required, negative, OpenRouter's
``-1`` "set per request" sentinel, not a number) goes to a rejected table with its source and the
reason (``REJECTED_COLUMNS``): it is never read as zero, which would be a disagreement of 100 %
or a free model.

Two checks run on the long shape:

- ``disagreements``: per model and field, the cheapest and dearest source; a cell disagrees when
  the dearest price exceeds the cheapest by more than the threshold (relative to the cheapest,
  so the check is symmetric in which source is "right"). ``disagreeing_pairs`` lists every pair
  of sources behind such a cell.
- ``ratio_breaks``: a derived price (cache, batch) against its own source's base price; a ratio
  that matches none of the field's usual ratios (``data/price_ratio_norms.csv``) is a suspected
  data error in that source, or a provider's own rule the norms do not know.

genai-prices is read from the snapshot bundled with the installed package at a fixed date, so the
chapter does not move with the clock and never reaches the network.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timezone
from decimal import Decimal
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

FIELDS: tuple[str, ...] = ("input", "output", "cache_read", "cache_write_5m", "cache_write_1h", "batch_input",
                           "batch_output")
FIELD_LABELS = {"input": "input", "output": "output", "cache_read": "cache read",
                "cache_write_5m": "cache write, 5 min", "cache_write_1h": "cache write, 1 h",
                "batch_input": "batch input", "batch_output": "batch output"}
# The book's price columns, by field (batch prices derive from batch_discount_frac).
PRICE_COLUMNS = {"input": "input_usd_per_mtok", "output": "output_usd_per_mtok",
                 "cache_read": "cached_input_usd_per_mtok", "cache_write_5m": "cache_write_5m_usd_per_mtok",
                 "cache_write_1h": "cache_write_1h_usd_per_mtok"}
REQUIRED_FIELDS = ("input", "output")
LONG_COLUMNS = ["source", "provider", "model", "field", "usd_per_mtok"]
REJECTED_COLUMNS = ["source", "provider", "model", "field", "value", "reason"]
SPREAD_COLUMNS = ["provider", "model", "field", "n_sources", "low_usd_per_mtok", "high_usd_per_mtok", "ratio",
                  "low_sources", "high_sources", "prices"]
PAIR_COLUMNS = ["provider", "model", "field", "source_a", "usd_a", "source_b", "usd_b", "ratio"]
BREAK_COLUMNS = ["source", "provider", "model", "field", "usd_per_mtok", "base_field", "base_usd_per_mtok",
                 "ratio", "expected_ratios"]
# A feed import's issue kinds that mean "this source's price was not taken".
REJECTED_ISSUE_KINDS = ("rejected_model", "rejected_field", "missing_field")


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _price(value: object) -> tuple[float | None, str | None]:
    """(price, None), (None, None) for blank, or (None, reason) for a value that is not a price."""
    if value is None or value is pd.NA or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, f"{value!r} is true/false, not a price"
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None, f"{value!r} is not a number"
    if math.isnan(number):
        return None, None
    if not math.isfinite(number):
        return None, f"{value!r} is not a finite price"
    if number == -1:
        return None, "-1 is OpenRouter's sentinel for a price set per request, not a list price"
    if number < 0:
        return None, f"{value!r} is negative; a price cannot be"
    return number, None


# --- sources -> one long frame -------------------------------------------------------------------

def from_price_table(prices: pd.DataFrame, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A table in the book's api_prices columns -> (long prices, rejected).

    Blank input or output is rejected (a model with no price is not a free model); a blank cache
    or batch price means "not offered" and is simply absent. Batch prices are the standard price
    less ``batch_discount_frac``.
    """
    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    for _, r in prices.iterrows():
        who = {"source": source, "provider": r["provider"], "model": r["model"]}
        got: dict[str, float] = {}
        for field, column in PRICE_COLUMNS.items():
            raw = r.get(column)
            value, reason = _price(raw)
            if reason:
                rejected.append({**who, "field": field, "value": str(raw), "reason": reason})
            elif value is None and field in REQUIRED_FIELDS:
                rejected.append({**who, "field": field, "value": "",
                                 "reason": "blank: the source states no price, which is not a price of zero"})
            elif value is not None:
                got[field] = value
        frac, reason = _price(r.get("batch_discount_frac"))
        if reason:
            rejected.append({**who, "field": "batch_input", "value": str(r.get("batch_discount_frac")),
                             "reason": f"batch discount {reason}"})
        elif frac is not None:
            if frac >= 1:
                rejected.append({**who, "field": "batch_input", "value": str(frac),
                                 "reason": "a batch discount of 100 % or more would make batch free"})
            else:
                for field, base in (("batch_input", "input"), ("batch_output", "output")):
                    if base in got:
                        got[field] = got[base] * (1 - frac)
        rows += [{**who, "field": f, "usd_per_mtok": v} for f, v in got.items()]
    long = pd.DataFrame(rows, columns=LONG_COLUMNS) if rows else _empty(LONG_COLUMNS)
    return long, (pd.DataFrame(rejected, columns=REJECTED_COLUMNS) if rejected else _empty(REJECTED_COLUMNS))


def imported_rows(snapshot: pd.DataFrame, guide: pd.DataFrame) -> pd.DataFrame:
    """The rows of an imported snapshot that came from its feed: book rows the guide's table lacks."""
    return snapshot[snapshot["book_uses"] & ~snapshot["price_id"].isin(guide["price_id"])].copy()


def from_feed_issues(issues: pd.DataFrame, source: str) -> pd.DataFrame:
    """A feed import's report -> rejected rows: every price the import could not take, with its reason."""
    taken = issues[issues["kind"].isin(REJECTED_ISSUE_KINDS)]
    if not len(taken):
        return _empty(REJECTED_COLUMNS)
    # The import names a field by the book's column or the feed's own key; show ours where it is ours.
    by_column = {column: field for field, column in PRICE_COLUMNS.items()}
    fields = taken["field"].fillna("").map(lambda f: by_column.get(f, f))
    return pd.DataFrame({"source": source, "provider": taken["provider"].values, "model": taken["model"].values,
                         "field": fields.values, "value": taken["value"].fillna("").values,
                         "reason": taken["reason"].values}, columns=REJECTED_COLUMNS)


def genai_prices_when(day: str) -> datetime:
    """The instant genai-prices is read at: noon UTC of the given day (DeepSeek's standard-price window)."""
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, 12, 0, tzinfo=timezone.utc)


def _genai_base(value: object) -> object:
    """A genai-prices price: a Decimal, or a TieredPrices whose base price applies below the threshold."""
    return getattr(value, "base", value)


def from_genai_prices(genai_map: pd.DataFrame, day: str, source: str = "genai-prices"
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """genai-prices' bundled prices at ``day`` for every mapped model -> (long prices, rejected).

    Reads the snapshot bundled with the installed package (never an auto-updated one): the same
    day always gives the same prices. Batch prices come from a model's ``processing=batch``
    variant where it has one active on that day.
    """
    from genai_prices import data_snapshot  # optional at import time: only this source needs it

    snap = data_snapshot.get_snapshot()
    if getattr(snap, "from_auto_update", False):
        raise RuntimeError("genai-prices is using an auto-updated snapshot; the book reads the bundled one")
    when = genai_prices_when(day)
    keys = {"input": "input_mtok", "output": "output_mtok", "cache_read": "cache_read_mtok",
            "cache_write_5m": "cache_write_mtok", "cache_write_1h": "cache_write_1h_mtok"}
    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    for _, m in genai_map.iterrows():
        who = {"source": source, "provider": m["provider"], "model": m["model"]}
        try:
            _, info = snap.find_provider_model(m["genai_model_ref"], None, m["genai_provider_id"], None)
        except LookupError as err:
            rejected.append({**who, "field": "", "value": str(m["genai_model_ref"]), "reason": f"not found: {err}"})
            continue
        standard = info.get_prices(when)
        variants = [v.when for v in (info.price_variants or [])
                    if v.constraint is None or v.constraint.active(when)]
        batch = info.get_prices(when, {"processing": "batch"}) if {"processing": "batch"} in variants else None
        sheets = [("", standard)] + ([("batch_", batch)] if batch is not None else [])
        for prefix, sheet in sheets:
            for field, key in keys.items():
                if prefix and field not in ("input", "output"):
                    continue
                raw = _genai_base(getattr(sheet, key, None))
                value, reason = _price(float(raw) if isinstance(raw, Decimal) else raw)
                name = prefix + field
                if reason:
                    rejected.append({**who, "field": name, "value": str(raw), "reason": reason})
                elif value is None and name in REQUIRED_FIELDS:
                    rejected.append({**who, "field": name, "value": "", "reason": "blank: no price on this day"})
                elif value is not None:
                    rows.append({**who, "field": name, "usd_per_mtok": value})
    long = pd.DataFrame(rows, columns=LONG_COLUMNS) if rows else _empty(LONG_COLUMNS)
    return long, (pd.DataFrame(rejected, columns=REJECTED_COLUMNS) if rejected else _empty(REJECTED_COLUMNS))


def combine(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """Concatenate long (or rejected) frames, skipping empty ones, in a stable order."""
    kept = [f for f in frames if len(f)]
    if not kept:
        return _empty(columns)
    return pd.concat(kept, ignore_index=True)[columns]


# --- disagreements ---------------------------------------------------------------------------------

def _ratio(high: np.ndarray, low: np.ndarray) -> np.ndarray:
    """high / low, with 0/0 = 1 (both free: agree) and x/0 = inf (free against priced: disagree)."""
    high, low = np.asarray(high, dtype=float), np.asarray(low, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.where(low > 0, high / np.where(low > 0, low, 1.0), np.where(high > 0, np.inf, 1.0))
    return out


def spreads(long: pd.DataFrame) -> pd.DataFrame:
    """Per (provider, model, field) stated by two sources or more: cheapest, dearest and their ratio."""
    if not len(long):
        return _empty(SPREAD_COLUMNS)
    rows = []
    for (provider, model, field), g in long.groupby(["provider", "model", "field"], sort=True):
        if g["source"].nunique() < 2:
            continue
        low, high = float(g["usd_per_mtok"].min()), float(g["usd_per_mtok"].max())
        rows.append({"provider": provider, "model": model, "field": field, "n_sources": int(g["source"].nunique()),
                     "low_usd_per_mtok": low, "high_usd_per_mtok": high,
                     "ratio": float(_ratio(np.array([high]), np.array([low]))[0]),
                     "low_sources": ", ".join(sorted(g.loc[g["usd_per_mtok"] == low, "source"])),
                     "high_sources": ", ".join(sorted(g.loc[g["usd_per_mtok"] == high, "source"])),
                     "prices": "; ".join(f"{s} {v:g}" for s, v in zip(g["source"], g["usd_per_mtok"]))})
    if not rows:
        return _empty(SPREAD_COLUMNS)
    out = pd.DataFrame(rows, columns=SPREAD_COLUMNS)
    out["field"] = pd.Categorical(out["field"], FIELDS, ordered=True)
    return out.sort_values(["provider", "model", "field"]).assign(field=lambda f: f["field"].astype(str)
                                                                   ).reset_index(drop=True)


def disagreements(long: pd.DataFrame, threshold: float = 0.01) -> pd.DataFrame:
    """The (model, field) cells where two sources differ by more than ``threshold`` (0.01 = 1 %).

    "Differ by more than 1 %" is dearest / cheapest - 1 > threshold: relative to the cheaper price,
    so it does not matter which source is taken as right. Dearest first.
    """
    return beyond(spreads(long), threshold)


def beyond(cells: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The cells of ``spreads`` whose dearest / cheapest - 1 exceeds ``threshold``, dearest first.

    Split from ``disagreements`` so a threshold slider re-filters spreads computed once."""
    if threshold < 0 or math.isnan(threshold):
        raise ValueError(f"threshold {threshold!r} must be a fraction >= 0 (0.01 = 1 %)")
    out = cells[cells["ratio"] - 1 > threshold + 1e-12]  # 1e-12: binary floats of equal decimal prices
    return out.sort_values(["ratio", "provider", "model", "field"], ascending=[False, True, True, True]
                           ).reset_index(drop=True)


def disagreeing_pairs(long: pd.DataFrame, threshold: float = 0.01) -> pd.DataFrame:
    """Every pair of sources behind a disagreement: both prices and their ratio (dearer / cheaper)."""
    rows = []
    for (provider, model, field), g in long.groupby(["provider", "model", "field"], sort=True):
        for (sa, pa), (sb, pb) in combinations(sorted(zip(g["source"], g["usd_per_mtok"])), 2):
            ratio = float(_ratio(np.array([max(pa, pb)]), np.array([min(pa, pb)]))[0])
            if ratio - 1 > threshold + 1e-12:
                rows.append({"provider": provider, "model": model, "field": field, "source_a": sa, "usd_a": pa,
                             "source_b": sb, "usd_b": pb, "ratio": ratio})
    return pd.DataFrame(rows, columns=PAIR_COLUMNS) if rows else _empty(PAIR_COLUMNS)


def count_disagreements(long: pd.DataFrame, threshold: float = 0.01) -> int:
    """How many (model, field) cells disagree beyond the threshold (the what-if's pure core)."""
    return len(disagreements(long, threshold))


# --- ratio norms -----------------------------------------------------------------------------------

def expected_ratios(norms: pd.DataFrame) -> dict[str, tuple[str, tuple[float, ...], float]]:
    """field -> (base field, usual ratios, tolerance) from the validated norms table."""
    return {r["field"]: (r["base_field"], tuple(float(x) for x in str(r["expected_ratios"]).split(";")),
                         float(r["tolerance_frac"]))
            for _, r in norms.iterrows()}


def ratio_breaks(long: pd.DataFrame, norms: pd.DataFrame) -> pd.DataFrame:
    """Every derived price whose ratio to its own source's base price matches none of the usual ratios.

    A match is within the norm's tolerance relative to the expected ratio (0.01: 0.1 accepts
    0.099 to 0.101). A base price of zero cannot be checked and is skipped.
    """
    norms_by_field = expected_ratios(norms)
    wide = long.pivot_table(index=["source", "provider", "model"], columns="field", values="usd_per_mtok",
                            aggfunc="first")
    rows = []
    for field, (base, ratios, tol) in norms_by_field.items():
        if field not in wide.columns or base not in wide.columns:
            continue
        pair = wide[[field, base]].dropna()
        pair = pair[pair[base] > 0]
        ratio = pair[field] / pair[base]
        ok = np.zeros(len(pair), dtype=bool)
        for expected in ratios:
            ok |= (np.abs(ratio.to_numpy() / expected - 1) <= tol + 1e-12)
        for (source, provider, model), price, base_price, r in zip(pair.index[~ok], pair[field][~ok],
                                                                   pair[base][~ok], ratio[~ok]):
            rows.append({"source": source, "provider": provider, "model": model, "field": field,
                         "usd_per_mtok": float(price), "base_field": base, "base_usd_per_mtok": float(base_price),
                         "ratio": float(r), "expected_ratios": " or ".join(f"{x:g}" for x in ratios)})
    if not rows:
        return _empty(BREAK_COLUMNS)
    out = pd.DataFrame(rows, columns=BREAK_COLUMNS)
    return out.sort_values(["provider", "model", "field", "source"]).reset_index(drop=True)


__all__ = ["FIELDS", "FIELD_LABELS", "LONG_COLUMNS", "REJECTED_COLUMNS", "from_price_table", "imported_rows",
           "from_feed_issues", "from_genai_prices", "genai_prices_when", "combine", "spreads", "disagreements",
           "disagreeing_pairs", "count_disagreements", "expected_ratios", "ratio_breaks"]
