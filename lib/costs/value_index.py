"""The companion's "value index" (price per unit of model capacity) and its privacy table.

Capacity here is the parameter count, stated by the vendor or estimated by a third party. The
index is a blended price per million tokens divided by billions of parameters: a low number
means a lot of model for the money. An estimated count is a range (``_low``/``_high``), so the
index is a range too. The central estimate used for ranking is the geometric mean of the two
ends, because the estimates disagree by a factor, not by an amount.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

VALUE_CLASSES = ("under", "fair", "over")  # under-charged (cheap per capacity) ... over-charged
BYTES_PER_GB = 1e9


def blended_usd_per_mtok(input_usd_per_mtok: npt.ArrayLike, output_usd_per_mtok: npt.ArrayLike,
                         output_share: float) -> np.ndarray:
    """Price of a million tokens of traffic in which ``output_share`` of the tokens are output."""
    if not 0 <= output_share <= 1:
        raise ValueError("output_share must be in [0, 1]")
    return ((1 - output_share) * np.asarray(input_usd_per_mtok, dtype=float)
            + output_share * np.asarray(output_usd_per_mtok, dtype=float))


def usd_per_mtok_per_b_params(blended_usd_per_mtok: npt.ArrayLike, params_billions: npt.ArrayLike) -> np.ndarray:
    """The value index: blended price per billion parameters (NaN where either is unknown)."""
    p = np.asarray(params_billions, dtype=float)
    if np.any(p <= 0):
        raise ValueError("parameter counts must be positive")
    return np.asarray(blended_usd_per_mtok, dtype=float) / p


def weights_gb(params_billions: npt.ArrayLike, bytes_per_param: float) -> np.ndarray:
    """Memory the weights occupy (decimal GB): what 'per byte of VRAM' divides by."""
    return np.asarray(params_billions, dtype=float) * 1e9 * bytes_per_param / BYTES_PER_GB


def attach_prices(params: pd.DataFrame, book_prices: pd.DataFrame) -> pd.DataFrame:
    """Each model's list price: from the price table where ``price_model`` names a row, else its own.

    ``book_prices`` holds one row per (provider, model) (the book's rows). A model named there
    whose price is blank (a feed that lacks it) keeps NaN; it is then not ranked."""
    by_name = book_prices.drop_duplicates("model").set_index("model")
    out = params.copy()
    from_table = out["price_model"].notna()
    for col in ("input_usd_per_mtok", "output_usd_per_mtok"):
        looked_up = out["price_model"].map(by_name[col]) if len(by_name) else pd.Series(np.nan, index=out.index)
        out[col] = np.where(from_table, looked_up, out[col]).astype(float)
    out["price_from"] = np.where(from_table, "book price table", out["price_source"].fillna(""))
    missing = from_table & ~out["price_model"].isin(by_name.index)
    out.loc[missing, "price_from"] = "not in the price data in use"
    return out


def value_index(params: pd.DataFrame, output_share: float, bytes_per_param: float) -> pd.DataFrame:
    """The index per model at both ends of its parameter range, a central value, rank and class.

    Needs ``input_usd_per_mtok``/``output_usd_per_mtok`` (see :func:`attach_prices`). Models
    without a count or a price get NaN and no rank."""
    out = params.copy()
    out["blended_usd_per_mtok"] = blended_usd_per_mtok(out["input_usd_per_mtok"], out["output_usd_per_mtok"],
                                                       output_share)
    lo = out["total_params_billions_low"].astype(float)
    hi = out["total_params_billions_high"].astype(float)
    out["params_central_billions"] = np.sqrt(lo * hi)
    # More parameters for the same price is better value: the high count gives the low index.
    out["index_low"] = out["blended_usd_per_mtok"] / hi
    out["index_high"] = out["blended_usd_per_mtok"] / lo
    out["index_central"] = out["blended_usd_per_mtok"] / out["params_central_billions"]
    out["usd_per_mtok_per_weight_gb"] = out["blended_usd_per_mtok"] / weights_gb(out["params_central_billions"],
                                                                                 bytes_per_param)
    out["rank"] = out["index_central"].rank(method="min").astype("Int64")
    out["value_class"] = value_classes(out["rank"])
    return out


def value_classes(rank: pd.Series) -> pd.Series:
    """Thirds of the ranked models: the cheapest third per capacity 'under'-charged, the dearest 'over'."""
    n = int(rank.notna().sum())
    r = rank.astype(float)
    third = np.floor(3 * (r - 1) / max(n, 1))
    return pd.Series([VALUE_CLASSES[int(t)] if np.isfinite(t) else pd.NA for t in third], index=rank.index,
                     dtype="object")


def rank_among(frame: pd.DataFrame, models: list[str], column: str = "index_central") -> dict[str, int]:
    """Rank (1 = best value) of each named model among just those models that can be ranked."""
    sub = frame[frame["model"].isin(models) & frame[column].notna()]
    ranks = sub[column].rank(method="min").astype(int)
    return dict(zip(sub["model"], ranks))


def basis_label(basis: str) -> str:
    """How a parameter count's basis reads wherever it is shown (tables, tooltips, legends)."""
    return {"stated": "stated by the vendor", "estimated": "ESTIMATED (not disclosed)",
            "unknown": "unknown"}[basis]


# --- Privacy ---------------------------------------------------------------------------------

PRIVACY_PROPERTIES = ("retention", "training", "private deployment", "region control", "where it runs")
RATINGS = ("good", "partial", "poor", "unknown")


def privacy_tier(frame: pd.DataFrame) -> pd.Series:
    """The tier the table's own properties put a provider in (the companion's three tiers).

    Self-hosted open weights: full control. No training on customer data plus a private
    deployment option: enterprise. Anything else (unknown data use, no private option): limited."""
    self_hosted = frame["self_hosted"].astype(bool)
    enterprise = (frame["trains_on_data"].isin(["no", "no_paid_tiers", "not_applicable"])
                  & frame["private_deployment"].astype(bool))
    return pd.Series(np.where(self_hosted, "full_control", np.where(enterprise, "enterprise", "limited")),
                     index=frame.index)


def property_ratings(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per provider and property: the rating (good / partial / poor / unknown) and the text."""
    days = frame["retention_days_max"]
    unknown_retention = frame["retention"].str.strip().str.lower().eq("unknown")
    retention = np.where(days.eq(0), "good", np.where(unknown_retention, "unknown", "partial"))
    training = frame["trains_on_data"].map({"no": "good", "not_applicable": "good", "no_paid_tiers": "partial",
                                            "unknown": "unknown"})
    private = np.where(frame["private_deployment"].astype(bool), "good", "poor")
    region = frame["region_control"].map({"full_control": "good", "configurable": "good", "us_eu": "partial",
                                          "eu_available": "partial", "us_only": "poor"})
    runs = np.where(frame["self_hosted"].astype(bool), "good", "partial")
    texts = {
        "retention": frame["retention"],
        "training": frame["trains_on_data"].str.replace("_", " "),
        "private deployment": frame["private_deployment_how"],
        "region control": frame["region_control"].str.replace("_", " "),
        "where it runs": np.where(frame["self_hosted"].astype(bool), "your own servers", "provider's cloud"),
    }
    ratings = {"retention": retention, "training": training, "private deployment": private,
               "region control": region, "where it runs": runs}
    parts = []
    for prop in PRIVACY_PROPERTIES:
        parts.append(pd.DataFrame({"provider": frame["provider"].to_numpy(), "property": prop,
                                   "rating": np.asarray(ratings[prop], dtype=object),
                                   "detail": np.asarray(texts[prop], dtype=object)}))
    return pd.concat(parts, ignore_index=True)


def filter_providers(frame: pd.DataFrame, tier: str = "all", no_training: bool = False,
                     private_only: bool = False, eu_or_own_region: bool = False) -> pd.DataFrame:
    """The providers that meet every chosen requirement (the Jupyter filter's logic)."""
    keep = pd.Series(True, index=frame.index)
    if tier != "all":
        keep &= privacy_tier(frame) == tier
    if no_training:
        keep &= frame["trains_on_data"].isin(["no", "not_applicable"])
    if private_only:
        keep &= frame["private_deployment"].astype(bool)
    if eu_or_own_region:
        keep &= frame["region_control"].isin(["full_control", "configurable", "us_eu", "eu_available"])
    return frame[keep]
