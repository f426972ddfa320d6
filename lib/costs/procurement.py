"""Buying the same tokens through different channels: direct, a cloud bundle or a gateway.

A channel changes the bill three ways: a premium (or discount) on the direct list price, a
fee per call or a hosting cost for a gateway, and which discounts reach the buyer. Committed-use
discounts come in a ladder of spend thresholds: the discount of the highest threshold the
monthly spend reaches applies to all of it (the way the guide states them: "15–25% at
$50k/month, 30–40% at $250k/month").
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

ArrayLike = npt.ArrayLike
CALLS_PER_KCALL = 1_000


def ladder_discount_frac(spend_usd_per_month: ArrayLike, thresholds_usd_per_month: ArrayLike,
                         discount_fracs: ArrayLike) -> np.ndarray:
    """The discount of the highest threshold the spend reaches; 0 below the first (vectorised over spend)."""
    spend = np.asarray(spend_usd_per_month, dtype=float)
    t = np.asarray(thresholds_usd_per_month, dtype=float)
    d = np.asarray(discount_fracs, dtype=float)
    if t.shape != d.shape or t.ndim != 1:
        raise ValueError("thresholds and discounts must be 1-D and the same length")
    if np.any(d < 0) or np.any(d >= 1) or np.any(t < 0):
        raise ValueError("discounts in [0, 1) and thresholds >= 0")
    if t.size == 0:
        return np.zeros_like(spend)
    order = np.argsort(t, kind="stable")
    t, d = t[order], d[order]
    # A bigger commitment never earns a smaller discount: take the best discount at or below each threshold.
    d = np.maximum.accumulate(d)
    i = np.searchsorted(t, spend, side="right")  # thresholds reached
    return np.where(i > 0, d[np.clip(i - 1, 0, None)], 0.0)


def gateway_fees_usd(calls_per_month: ArrayLike, fee_usd_per_kcall: ArrayLike,
                     hosting_usd_per_month: ArrayLike = np.nan, hosting_at_calls_per_month: ArrayLike = np.nan
                     ) -> np.ndarray:
    """Per-call fees plus a self-hosted gateway's hosting, scaled with calls (NaN hosting = none).

    A NaN fee means the guide names a fee without a figure: the result is NaN, never a guess.
    """
    calls = np.asarray(calls_per_month, dtype=float)
    if np.any(calls < 0):
        raise ValueError("calls must be >= 0")
    per_call = calls / CALLS_PER_KCALL * np.asarray(fee_usd_per_kcall, dtype=float)
    hosting = np.asarray(hosting_usd_per_month, dtype=float)
    at = np.asarray(hosting_at_calls_per_month, dtype=float)
    # Why linear: a proxy's hosting is a few machines whose number follows its request load.
    hosted = np.where(np.isnan(hosting), 0.0, hosting * calls / np.where(np.isnan(at), 1.0, at))
    return per_call + hosted


def channel_bill_usd(list_usd_per_month: ArrayLike, *, premium_frac: ArrayLike, discount_frac: ArrayLike,
                     fees_usd: ArrayLike = 0.0) -> np.ndarray:
    """Monthly bill on a channel: list x (1 + premium) x (1 - discount) + fees."""
    lst = np.asarray(list_usd_per_month, dtype=float)
    d = np.asarray(discount_frac, dtype=float)
    if np.any(lst < 0):
        raise ValueError("list spend must be >= 0")
    if np.any(d < 0) | np.any(d >= 1):
        raise ValueError("discount in [0, 1)")
    return lst * (1.0 + np.asarray(premium_frac, dtype=float)) * (1.0 - d) + np.asarray(fees_usd, dtype=float)


def channel_bills(channels: pd.DataFrame, ladder: pd.DataFrame, *, list_usd_per_month: float,
                  calls_per_month: float) -> pd.DataFrame:
    """Each channel's monthly bill for one workload, as a low-high range.

    ``channels`` is procurement_channels.csv; ``ladder`` has ``min_spend_usd_per_month``,
    ``discount_frac_low`` and ``discount_frac_high`` (one committed-use schedule). The ladder reaches
    a channel only where ``commit_ladder_applies``; a channel's own negotiated discount (Azure's EA)
    is the same lever, so the larger of the two applies, never both. The low bill takes the low
    premium and fee and the high discount; the high bill the opposite.
    """
    t = ladder["min_spend_usd_per_month"].to_numpy(float)
    commit_low = ladder_discount_frac(list_usd_per_month, t, ladder["discount_frac_low"].to_numpy(float))
    commit_high = ladder_discount_frac(list_usd_per_month, t, ladder["discount_frac_high"].to_numpy(float))
    applies = channels["commit_ladder_applies"].to_numpy(bool)
    neg_low = channels["negotiated_discount_frac_low"].to_numpy(float)
    neg_high = channels["negotiated_discount_frac_high"].to_numpy(float)
    disc_low = np.fmax(np.where(applies, commit_low, 0.0), np.nan_to_num(neg_low))
    disc_high = np.fmax(np.where(applies, commit_high, 0.0), np.nan_to_num(neg_high))
    hosting = channels["hosting_usd_per_month"].to_numpy(float)
    at = channels["hosting_at_calls_per_month"].to_numpy(float)
    fees_low = gateway_fees_usd(calls_per_month, channels["fee_usd_per_kcall_low"].to_numpy(float), hosting, at)
    fees_high = gateway_fees_usd(calls_per_month, channels["fee_usd_per_kcall_high"].to_numpy(float), hosting, at)
    low = channel_bill_usd(list_usd_per_month, premium_frac=channels["premium_frac_low"].to_numpy(float),
                           discount_frac=disc_high, fees_usd=fees_low)
    high = channel_bill_usd(list_usd_per_month, premium_frac=channels["premium_frac_high"].to_numpy(float),
                            discount_frac=disc_low, fees_usd=fees_high)
    return pd.DataFrame({
        "channel_id": channels["channel_id"].to_numpy(), "discount_low": disc_low, "discount_high": disc_high,
        "fees_low_usd": fees_low, "fees_high_usd": fees_high, "bill_low_usd": low, "bill_high_usd": high,
        "bill_mid_usd": (low + high) / 2, "vs_list_mid": (low + high) / 2 / list_usd_per_month - 1
        if list_usd_per_month > 0 else np.nan,
    }, index=channels.index)


def premium_frac(channel_cost: ArrayLike, reference_cost: ArrayLike) -> np.ndarray:
    """How much dearer one price is than another, as a fraction (negative = cheaper)."""
    ref = np.asarray(reference_cost, dtype=float)
    if np.any(ref <= 0):
        raise ValueError("reference cost must be > 0")
    return np.asarray(channel_cost, dtype=float) / ref - 1.0
