"""Batch APIs and off-peak windows: the share of traffic that can wait, and what it saves.

Batch: a provider bills a batch request at (1 - discount) of the synchronous price, cache reads
and writes included (``lib.costs.api.request_cost_usd(batch=True)``). Moving a share of the
calls to batch saves share x discount of the bill when batch calls cost what the average call
costs; ``batch_call_cost_ratio`` says how much dearer or cheaper the calls that can wait are.

Off-peak: DeepSeek bills a fixed UTC window at lower rates. Which share of a day's traffic
falls in it depends on where the users are (their UTC offset) and on the traffic's daily shape.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

ArrayLike = npt.ArrayLike
MINUTES_PER_DAY = 24 * 60


def _fraction(name: str, value: ArrayLike) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if np.any((arr < 0) | (arr > 1)):
        raise ValueError(f"{name} must be between 0 and 1")
    return arr


def hybrid_saving_frac(batchable_call_share: ArrayLike, batch_discount_frac: ArrayLike,
                       batch_call_cost_ratio: ArrayLike = 1.0) -> np.ndarray:
    """Share of total spend saved by sending the calls that can wait to a batch API.

    ``batch_call_cost_ratio`` is the cost of an average batchable call over an average real-time
    call (1 = same size). The batchable calls' share of spend is s*k / (s*k + 1 - s); the saving is
    that share times the discount.
    """
    s = _fraction("batchable_call_share", batchable_call_share)
    d = _fraction("batch_discount_frac", batch_discount_frac)
    k = np.asarray(batch_call_cost_ratio, dtype=float)
    if np.any(k <= 0):
        raise ValueError("batch_call_cost_ratio must be > 0")
    spend_share = s * k / (s * k + (1.0 - s))
    return spend_share * d


def daily_traffic_profile(peak_to_trough: float, peak_hour_local: float) -> np.ndarray:
    """24 hourly weights (local time, summing to 1): a smooth daily curve with this peak/trough ratio.

    A cosine over the day, highest at ``peak_hour_local`` and lowest twelve hours away; each
    hour's weight is the curve at the hour's middle.
    """
    if peak_to_trough < 1:
        raise ValueError("peak_to_trough must be >= 1")
    hours = np.arange(24) + 0.5
    # Mean m and amplitude a with (m + a) / (m - a) = peak_to_trough.
    amplitude = (peak_to_trough - 1.0) / (peak_to_trough + 1.0)
    weights = 1.0 + amplitude * np.cos(2 * np.pi * (hours - peak_hour_local) / 24.0)
    return weights / weights.sum()


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    value = int(hours) * 60 + int(minutes)
    if not 0 <= value < MINUTES_PER_DAY or not 0 <= int(minutes) < 60:
        raise ValueError(f"{hhmm!r} is not a time of day (HH:MM)")
    return value


def window_share(hourly_traffic_local: ArrayLike, *, start_utc: str, end_utc: str,
                 utc_offset_hours: ArrayLike = 0.0) -> np.ndarray:
    """Share of a day's traffic inside a UTC window, for users at ``utc_offset_hours`` (one per offset).

    ``hourly_traffic_local`` holds 24 weights for local hours 0-23, spread evenly within each
    hour. The window may wrap midnight (16:30-00:30). Offsets may be fractional (India: 5.5).
    """
    weights = np.asarray(hourly_traffic_local, dtype=float)
    if weights.shape != (24,) or np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError("hourly_traffic_local must be 24 non-negative weights with a positive sum")
    offsets = np.atleast_1d(np.asarray(utc_offset_hours, dtype=float))
    start, end = _minutes(start_utc), _minutes(end_utc)
    per_minute = np.repeat(weights / weights.sum() / 60.0, 60)  # local minute 0..1439
    local_minute = np.arange(MINUTES_PER_DAY)
    # The UTC minute each local minute falls in, for every offset (rows).
    utc_minute = np.mod(local_minute[None, :] - np.round(offsets[:, None] * 60), MINUTES_PER_DAY)
    inside = ((utc_minute >= start) & (utc_minute < end)) if start < end else ((utc_minute >= start) | (utc_minute < end))
    share = (inside * per_minute[None, :]).sum(axis=1)
    return share.reshape(np.shape(utc_offset_hours))


def shifted_window_share(natural_share: ArrayLike, deferrable_share: ArrayLike) -> np.ndarray:
    """Share in the window once the traffic that can wait is moved into it.

    The deferrable traffic is spread over the day like the rest, so the part of it already in
    the window stays and the part outside moves in: s + d * (1 - s).
    """
    s = _fraction("natural_share", natural_share)
    d = _fraction("deferrable_share", deferrable_share)
    return s + d * (1.0 - s)


def blended_cost(peak_cost: ArrayLike, offpeak_cost: ArrayLike, share_in_window: ArrayLike) -> np.ndarray:
    """Cost of the traffic when ``share_in_window`` of it bills at the off-peak price."""
    s = _fraction("share_in_window", share_in_window)
    return (1.0 - s) * np.asarray(peak_cost, dtype=float) + s * np.asarray(offpeak_cost, dtype=float)
