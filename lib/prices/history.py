"""Price history: every price carries the day from which it holds (``valid_from``).

A price list is a snapshot; a call log spans weeks. Costing last month's calls at today's
prices is wrong whenever a price moved in between, so the book keeps a history table
(``data/price_history.csv``): one row per (provider, model, valid_from). A row holds from its
``valid_from`` (inclusive) until the next row of the same model starts (exclusive); the last row
holds until further notice. A call dated before a model's first row has no price in force: that
is an error, never a guess.

The rows come from three sources, each dated as honestly as it allows:

- the guide's prices (``data/api_prices.csv``, book rows), valid from the first day of the
  guide's month (``as_of`` 2026-06: "mid-2026");
- the committed LiteLLM snapshot (``data/snapshots/api_prices.litellm.2026-11-23.csv``), rows it
  imported, valid from the snapshot's day: the day the book saw that price, which is the
  latest the price can have started, not necessarily when it did;
- genai-prices' own dated history (``genai_prices_history``) for the models in
  ``data/genai_prices_map.csv``, where a model's standard price has a start date.

``prices_on(history, day)`` turns the history back into a price table of the ``api_prices``
shape, so everything that reads a price list (the "Fresh prices" change report
``lib.prices.compare.price_changes``) works across any two dates.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd

HISTORY_PRICE_COLUMNS = ("input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok",
                         "cache_write_5m_usd_per_mtok")
HISTORY_COLUMNS = ("provider", "model", "valid_from", *HISTORY_PRICE_COLUMNS, "source", "as_of", "notes")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
GUIDE_VALID_FROM = "2026-06-01"  # the guide dates its prices "mid-2026" (as_of 2026-06): the month's first day


def _day(value: object) -> dt.date:
    """A day from 'YYYY-MM-DD', a date or a timestamp; anything else is an error."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    text = str(value).strip()
    # A day, or a day followed by a time ("2026-11-23T10:00:00Z", "2026-11-23 10:00"); anything
    # else after the day ("2026-11-23xyz", "2026-11-23; rm") is not read as that day.
    if not _DAY.match(text):
        raise ValueError(f"{_cut(value)} is not a day as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"{_cut(value)} is not a day as YYYY-MM-DD (no such date)") from None


def _cut(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def history_rows(prices: pd.DataFrame, valid_from: str, *, only_as_of: str | None = None,
                 notes: str = "") -> pd.DataFrame:
    """History rows from an ``api_prices``-shaped frame: its book rows, each valid from ``valid_from``.

    ``only_as_of`` keeps the rows whose ``as_of`` is that value (a feed snapshot keeps the guide's
    own rows for models it did not import; those are not new prices and are left out).
    """
    day = _day(valid_from).isoformat()
    rows = prices[prices["book_uses"].astype(bool)] if "book_uses" in prices.columns else prices
    if only_as_of is not None:
        rows = rows[rows["as_of"].astype(str) == only_as_of]
    out = pd.DataFrame({"provider": rows["provider"].astype(str).to_numpy(),
                        "model": rows["model"].astype(str).to_numpy(), "valid_from": day})
    for col in HISTORY_PRICE_COLUMNS:
        out[col] = rows[col].to_numpy() if col in rows.columns else None
    out["source"] = rows["source"].astype(str).to_numpy()
    out["as_of"] = rows["as_of"].astype(str).to_numpy()
    out["notes"] = notes
    return out


def genai_prices_history(price_map: pd.DataFrame, snapshot: object | None = None) -> pd.DataFrame:
    """The dated standard prices genai-prices ships for the mapped models (bundled snapshot, offline).

    A model whose ``prices`` is a list of conditional prices has a history: each element with a
    start-date constraint becomes one row valid from that day. An element without a start date is
    the model's price before any dated one; genai-prices does not say since when, so it is not
    imported (the guide's row dates the book's first price). Only the base price of each key is
    taken (a long-context tier is not a history). Models with a single undated price add nothing.
    """
    if snapshot is None:
        from genai_prices import data_snapshot  # late: the book needs genai-prices only to import its history
        snapshot = data_snapshot.get_snapshot()
    from lib.prices.billing import _genai_value

    version = _genai_version()
    rows = []
    for _, r in price_map.iterrows():
        _, info = snapshot.find_provider_model(r["genai_model_ref"], None, r["genai_provider_id"], None)  # type: ignore[attr-defined]
        prices = info.prices
        if not isinstance(prices, list):
            continue
        for conditional in prices:
            start = getattr(conditional.constraint, "start_date", None)
            if start is None:
                continue
            mp = conditional.prices
            values = {ours: _genai_value(getattr(mp, key, None))[0]
                      for ours, key in (("input_usd_per_mtok", "input_mtok"), ("output_usd_per_mtok", "output_mtok"),
                                        ("cached_input_usd_per_mtok", "cache_read_mtok"),
                                        ("cache_write_5m_usd_per_mtok", "cache_write_mtok"))}
            rows.append({"provider": r["provider"], "model": r["model"], "valid_from": _day(start).isoformat(),
                         **{k: None if v is None else float(v) for k, v in values.items()},
                         "source": f"genai-prices {version} bundled snapshot ({r['genai_provider_id']}/{info.id})",
                         "as_of": _day(start).isoformat(), "notes": "start date as genai-prices states it"})
    return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))


def _genai_version() -> str:
    import genai_prices
    return str(genai_prices.__version__)


def build_price_history(guide_prices: pd.DataFrame, litellm_snapshot: pd.DataFrame, litellm_day: str,
                        genai_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The book's price history: the guide's prices, LiteLLM's imported prices and genai-prices' dated ones.

    Where two sources date a price to the same day for the same model, the first one listed wins
    (guide, then LiteLLM, then genai-prices). Sorted by provider, model and day.
    """
    parts = [history_rows(guide_prices, GUIDE_VALID_FROM, notes="the guide's price (book row)"),
             history_rows(litellm_snapshot, litellm_day, only_as_of=litellm_day,
                          notes="the day of the LiteLLM snapshot: the price held on that day at the latest")]
    if genai_rows is not None and len(genai_rows):
        parts.append(genai_rows[list(HISTORY_COLUMNS)])
    out = pd.concat(parts, ignore_index=True)
    out = out.drop_duplicates(["provider", "model", "valid_from"], keep="first")
    return out.sort_values(["provider", "model", "valid_from"], kind="stable").reset_index(drop=True)


def write_price_history(history: pd.DataFrame, path: str | Path) -> None:
    """Write the history as CSV: prices as their shortest decimal text, blanks blank."""
    frame = history[list(HISTORY_COLUMNS)].copy()
    for col in HISTORY_PRICE_COLUMNS:
        frame[col] = ["" if pd.isna(v) else format(Decimal(repr(float(v))).normalize(), "f") for v in frame[col]]
    frame.to_csv(path, index=False, lineterminator="\n")


def prices_on(history: pd.DataFrame, day: object) -> pd.DataFrame:
    """The price table in force on ``day``: per (provider, model), the row with the latest ``valid_from`` <= day.

    Returned in the ``api_prices`` shape (``price_id``, ``book_uses``, the price columns,
    ``source``, ``as_of``, plus ``price_valid_from``: the day the row started to hold), so ``compare.price_changes(prices_on(h, d1),
    prices_on(h, d2), ...)`` reports what moved between any two days. A model with no row yet on
    ``day`` is absent. ``price_id`` names the row (provider|model|valid_from): two days share a
    price_id exactly when the same row is in force on both. Passed to the attribution, the table
    costs every call at these prices whatever the call's date ("at today's prices").
    """
    d = _day(day).isoformat()
    rows = history[history["valid_from"].astype(str) <= d]
    rows = rows.sort_values(["provider", "model", "valid_from"], kind="stable")
    rows = rows.drop_duplicates(["provider", "model"], keep="last").reset_index(drop=True)
    out = rows.copy()
    out.insert(0, "price_id", [f"{p}|{m}|{v}" for p, m, v in zip(rows["provider"], rows["model"], rows["valid_from"])])
    out["book_uses"] = True
    # Named apart from a history's ``valid_from``: this table is one list, to hold for every call it costs.
    out = out.rename(columns={"valid_from": "price_valid_from"})
    for col in HISTORY_PRICE_COLUMNS:
        out[col] = pd.to_numeric(out[col], errors="coerce")
    out.attrs["source_file"] = f"{history.attrs.get('source_file', 'the price history')} on {d}"
    return out


def price_in_force(table: pd.DataFrame, provider: str, model: str, day: object) -> pd.Series:
    """The row of an ``attribution.price_table`` in force for one call: the Python reference's lookup.

    ``valid_from`` <= day < ``valid_to`` (missing bounds are open). No row, or more than one, is an error.
    """
    d = _day(day).isoformat()
    rows = table[(table["provider"] == provider) & (table["model"] == model)]
    lo = rows["valid_from"].isna() | (rows["valid_from"].astype(str) <= d)
    hi = rows["valid_to"].isna() | (rows["valid_to"].astype(str) > d)
    hit = rows[lo & hi]
    if len(hit) != 1:
        raise KeyError(f"{len(hit)} price rows in force for {model} at {provider} on {d}")
    return hit.iloc[0]


def price_lookup(table: pd.DataFrame):
    """``price_in_force`` for many calls: the table grouped by (provider, model) once, so each call
    looks up only its own model's few rows (the same rows, the same errors)."""
    groups = {key: rows for key, rows in table.groupby(["provider", "model"], sort=False)}
    bounds = {key: (rows["valid_from"].astype(str).where(rows["valid_from"].notna()).tolist(),
                    rows["valid_to"].astype(str).where(rows["valid_to"].notna()).tolist())
              for key, rows in groups.items()}

    def lookup(provider: str, model: str, day: object) -> pd.Series:
        d = _day(day).isoformat()
        lows, highs = bounds.get((provider, model), ([], []))
        hit = [i for i, (lo, hi) in enumerate(zip(lows, highs))
               if (not isinstance(lo, str) or lo <= d) and (not isinstance(hi, str) or hi > d)]
        if len(hit) != 1:
            raise KeyError(f"{len(hit)} price rows in force for {model} at {provider} on {d}")
        return groups[(provider, model)].iloc[hit[0]]

    return lookup


if __name__ == "__main__":  # python -m lib.prices.history: rebuild data/price_history.csv
    from lib.data import tables

    guide = tables.load_api_prices("data/api_prices.csv")
    snap = tables.load_api_prices("data/snapshots/api_prices.litellm.2026-11-23.csv")
    hist = build_price_history(guide, snap, "2026-11-23", genai_prices_history(tables.load_genai_prices_map()))
    write_price_history(hist, "data/price_history.csv")
    print(f"{len(hist)} rows")
