"""Prices per image, second, character or search, billed with the token engine's bill lines.

``data/unit_prices.csv`` keeps each price as its source states it: ``price_usd`` for
``per_quantity`` of ``unit``. A usage row of ``quantity`` units costs
``quantity x price_usd / per_quantity``:

- ``price_units(usage, prices)`` prices a whole usage table at once (pandas, float), and raises
  ``UnitPriceError`` naming every (model, unit, variant) the price list cannot price; nothing is
  ever billed as zero for want of a price;
- ``bill_with_units(units, prices, usage=..., price_row=..., rules=...)`` bills one request that
  mixes tokens and units (a chat call that also transcribes audio, an image-generation call):
  the token part goes through ``lib.prices.billing.bill_api_row`` unchanged, each unit becomes one
  more exact ``BillLine`` (Decimal), and the total is their sum. A web search is already a
  per-call fee of the token engine (``Usage.web_searches`` at the provider's billing rule).

Both paths find a usage row's price with the same lookup, so they cannot disagree on which price
applies; the float table and the Decimal bill agree to float rounding (tests check it).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from lib.data.unit_tables import UNITS
from lib.prices.billing import (ZERO, Bill, BillingError, BillingRules, BillLine, DisjointUsage, Usage,
                                bill_api_row, to_decimal)

GUIDE_PRICE_LIST = "guide"
_MATCH_ON = ("model", "unit", "variant")
PRICED_COLUMNS = ["unit_price_id", "provider_priced", "price_usd", "per_quantity", "usd"]
MAX_LISTED = 10


class UnitPriceError(BillingError):
    """A unit usage that the price list cannot price, or a quantity that is not one."""


def _texts(column: pd.Series) -> pd.Series:
    """A key column as plain text, blank for missing, without a Python call per row."""
    return column.astype("string").fillna("").astype(object)


def price_list_rows(prices: pd.DataFrame, price_list: str = GUIDE_PRICE_LIST) -> pd.DataFrame:
    """The rows of one price list ("guide", "litellm-1.110.2", ...); an unknown list is an error."""
    rows = prices[prices["price_list"] == price_list]
    if not len(rows):
        known = ", ".join(sorted(prices["price_list"].unique()))
        raise UnitPriceError(f"no price list {price_list!r} in the unit prices (known: {known})")
    return rows


def _check_usage(usage: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("model", "unit", "quantity") if c not in usage.columns]
    if missing:
        raise UnitPriceError(f"unit usage lacks column(s) {', '.join(missing)}: each row needs model, unit, quantity")
    qty = pd.to_numeric(usage["quantity"], errors="coerce").astype(float)
    bad = ~np.isfinite(qty) | (qty < 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        r = usage.iloc[i]
        raise UnitPriceError(f"unit usage row {i} ({r['model']}, {r['unit']}): quantity {r['quantity']} is not a "
                             "finite number of units at or above zero")
    unknown = sorted(set(_texts(usage["unit"])) - set(UNITS))
    if "web_search" in unknown:
        raise UnitPriceError("web searches are a per-call fee of the chat model's provider: bill them with the "
                             "token usage (Usage.web_searches, at billing_rules.csv's web_search_usd_per_k)")
    if unknown:
        raise UnitPriceError(f"unit(s) {', '.join(map(repr, unknown))} are not priced units; "
                             f"the units are {', '.join(UNITS)}")
    return qty


def price_units(usage: pd.DataFrame, prices: pd.DataFrame, *, price_list: str = GUIDE_PRICE_LIST) -> pd.DataFrame:
    """Price every row of ``usage`` (columns model, unit, quantity; optional variant, provider).

    Returns ``usage`` with ``unit_price_id``, ``provider_priced``, ``price_usd``, ``per_quantity``
    and ``usd`` added, in the same order and index. A row matches a price of the list with the
    same model, unit and variant (a blank variant matches only a blank one), and the same provider
    when the usage names one. A row with no price, or with prices from two providers, raises
    ``UnitPriceError`` naming it.
    """
    qty = _check_usage(usage)
    rows = price_list_rows(prices, price_list)
    left = pd.DataFrame({c: _texts(usage[c]).to_numpy() if c in usage.columns else "" for c in (*_MATCH_ON, "provider")},
                        index=range(len(usage)))
    left["_i"] = np.arange(len(usage))
    right = pd.DataFrame({c: _texts(rows[c]) for c in _MATCH_ON})
    right["provider_priced"] = rows["provider"].to_numpy()
    right["unit_price_id"] = rows["unit_price_id"].to_numpy()
    right["price_usd"] = rows["price_usd"].astype(float).to_numpy()
    right["per_quantity"] = rows["per_quantity"].astype(float).to_numpy()
    merged = left.merge(right, on=list(_MATCH_ON), how="left")
    named = merged["provider"] != ""
    merged = merged[~named | (merged["provider"] == merged["provider_priced"]) | merged["unit_price_id"].isna()]
    # A usage row whose provider ruled out every price it matched has no row left: put it back unpriced.
    merged = pd.concat([merged, left[~left["_i"].isin(merged["_i"])]], ignore_index=True).sort_values("_i", kind="stable")
    counts = merged.groupby("_i")["unit_price_id"].count()
    problems = []
    for i in counts.index[counts != 1]:
        r = left.iloc[int(i)]
        what = f"{r['model']!r} {r['unit']}" + (f" ({r['variant']})" if r["variant"] else "") + (
            f" from {r['provider']}" if r["provider"] else "")
        if counts[i] == 0:
            offered = right[right["model"] == r["model"]]
            has = "; it prices that model as " + ", ".join(
                sorted(f"{u}" + (f" ({v})" if v else "") for u, v in zip(offered["unit"], offered["variant"]))
            ) if len(offered) else "; it has no price for that model at all"
            problems.append(f"row {int(i)}: price list {price_list!r} cannot price {what}{has}")
        else:
            who = ", ".join(sorted(merged.loc[merged["_i"] == i, "provider_priced"]))
            problems.append(f"row {int(i)}: {what} is priced by several providers ({who}); name the provider")
    if problems:
        more = f" ... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        raise UnitPriceError("; ".join(problems[:MAX_LISTED]) + more)
    merged = merged.set_index("_i").sort_index()
    out = usage.copy()
    for col in ("unit_price_id", "provider_priced", "price_usd", "per_quantity"):
        out[col] = merged[col].to_numpy()
    out["per_quantity"] = out["per_quantity"].astype("int64")
    out["usd"] = qty.to_numpy() * out["price_usd"].to_numpy() / out["per_quantity"].to_numpy()
    return out


def side_by_side(prices: pd.DataFrame, outside_list: str, quantities: Mapping[str, float], *,
                 outside_as: Mapping[str, tuple[str, str | None, float]] | None = None,
                 price_list: str = GUIDE_PRICE_LIST) -> pd.DataFrame:
    """Each row of ``price_list`` priced for ``quantities[unit]``, beside the same item on ``outside_list``.

    The same item is the same model, unit and variant; ``outside_as`` maps a unit_price_id to the
    (unit, variant, quantity) the outside list prices it in instead (Azure prices a DALL-E 3 image
    per pixel). An item the outside list lacks reads NaN there. Returns unit_price_id, provider,
    model, variant, unit, quantity, source, ``usd`` (this list), ``outside_usd`` and ``outside_over``.
    """
    rows = price_list_rows(prices, price_list).reset_index(drop=True)
    missing = sorted(set(rows["unit"]) - set(quantities))
    if missing:
        raise UnitPriceError(f"no quantity to show for unit(s) {', '.join(missing)}")
    asked = rows.assign(quantity=rows["unit"].map(quantities).astype(float))
    ours = price_units(asked, prices, price_list=price_list)
    outside = price_list_rows(prices, outside_list)
    remap = dict(outside_as or {})
    there = []
    for _, r in asked.iterrows():
        unit, variant, qty = remap.get(r["unit_price_id"], (r["unit"], r["variant"], r["quantity"]))
        same = outside[(outside["model"] == r["model"]) & (outside["unit"] == unit)
                       & (_texts(outside["variant"]) == ("" if pd.isna(variant) else str(variant)))]
        there.append(float(price_units(same.assign(quantity=qty), prices, price_list=outside_list)["usd"].iloc[0])
                     if len(same) else math.nan)
    out = rows[["unit_price_id", "provider", "model", "variant", "unit"]].assign(
        variant=_texts(rows["variant"]), quantity=asked["quantity"], source=rows["source"], usd=ours["usd"].to_numpy(),
        outside_usd=there)
    out["outside_over"] = out["outside_usd"] / out["usd"]
    return out


# --- one request: tokens and units on one bill ----------------------------------------------------

@dataclass(frozen=True)
class UnitUse:
    """Units one request used: ``quantity`` whole units (images, seconds, characters, searches, tokens)."""

    model: str
    unit: str
    quantity: int
    variant: str | None = None
    provider: str | None = None

    def __post_init__(self) -> None:
        q = self.quantity
        if isinstance(q, bool) or not isinstance(q, numbers.Integral):
            raise UnitPriceError(f"{self.model} {self.unit}: quantity {q!r} must be a whole number of units")
        if q < 0:
            raise UnitPriceError(f"{self.model} {self.unit}: quantity {q} is negative")


_NO_TOKENS = DisjointUsage(fresh_input=0, cache_read=0, cache_write_5m=0, cache_write_1h=0, output=0, reasoning=0)


def unit_lines(units: Sequence[UnitUse], prices: pd.DataFrame, *,
               price_list: str = GUIDE_PRICE_LIST) -> tuple[BillLine, ...]:
    """One exact bill line per unit use, priced by the same lookup as ``price_units``."""
    if not units:
        return ()
    frame = pd.DataFrame([{"model": u.model, "unit": u.unit, "quantity": u.quantity, "variant": u.variant or "",
                           "provider": u.provider or ""} for u in units])
    priced = price_units(frame, prices, price_list=price_list)
    lines = []
    for u, (_, r) in zip(units, priced.iterrows()):
        rate = to_decimal(float(r["price_usd"]), f"unit price {r['unit_price_id']}")
        per = Decimal(int(r["per_quantity"]))
        item = f"{u.unit} ({u.model}" + (f", {u.variant}" if u.variant else "") + ")"
        lines.append(BillLine(item, u.quantity, rate, per, rate * u.quantity / per, f"unit price {r['unit_price_id']}"))
    return tuple(lines)


def bill_with_units(units: Sequence[UnitUse], unit_prices: pd.DataFrame, *, price_list: str = GUIDE_PRICE_LIST,
                    usage: Usage | None = None, price_row: Mapping[str, Any] | None = None,
                    rules: pd.DataFrame | None = None, reported_by: BillingRules | None = None) -> Bill:
    """The exact bill of a request that uses units and, optionally, tokens.

    With ``usage`` (and the model's ``price_row`` of api_prices.csv and the billing ``rules``) the
    token part is ``bill_api_row``'s bill, every rule of it applying (caching, batch, long context,
    web-search fees); the unit lines are added after it and the total is the sum of all lines.
    """
    if usage is not None:
        if price_row is None or rules is None:
            raise BillingError("a request with token usage needs the model's price_row and the billing rules")
        tokens = bill_api_row(usage, price_row, rules, reported_by=reported_by)
    else:
        tokens = Bill(lines=(), total=ZERO, long_context=False, batch=False, tier="standard", usage=_NO_TOKENS)
    extra = unit_lines(units, unit_prices, price_list=price_list)
    return replace(tokens, lines=tokens.lines + extra, total=tokens.total + sum((ln.usd for ln in extra), ZERO))


__all__ = ["GUIDE_PRICE_LIST", "UnitPriceError", "UnitUse", "price_list_rows", "price_units", "side_by_side", "unit_lines",
           "bill_with_units"]
