"""Capacity planning for variable load: simulated traffic, sizing rules and what they cost.

Traffic is a request rate per interval (5 minutes by default) built from a daily curve, a
weekly curve and occasional spikes, with seeded noise so the chapter's figures are
reproducible. A sizing rule turns a load history into a capacity (a percentile of the load,
plus headroom, plus an optional spike reserve); capacity comes in whole nodes, and requests
above it in an interval queue or fail. The hybrid pattern owns nodes up to a percentile and
sends the overflow to a hosted API; the reserve pattern reserves nodes at a discount up to a
percentile and rents the rest on demand, hour by hour.
"""

from __future__ import annotations

import functools

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

ArrayLike = npt.ArrayLike
HOURS_PER_DAY = 24
DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class Spike:
    """A burst on top of the normal curve, as a multiple of the average load.

    It ramps up over ``ramp_hours``, holds at ``multiple`` x average for ``lasts_hours``, then
    its excess decays to 1% of itself over ``decays_over_days`` (0 = it stops at once).
    """

    start_hour: float
    multiple: float
    lasts_hours: float
    decays_over_days: float = 0.0
    ramp_hours: float = 0.5


def daily_factor(hour_of_day: ArrayLike, peak_to_trough: float, peak_hour: float) -> np.ndarray:
    """A cosine over the day with mean 1, highest at ``peak_hour``; max / min = ``peak_to_trough``."""
    if peak_to_trough < 1:
        raise ValueError("peak_to_trough must be >= 1")
    a = (peak_to_trough - 1.0) / (peak_to_trough + 1.0)  # (1 + a) / (1 - a) = peak_to_trough
    return 1.0 + a * np.cos(2 * np.pi * (np.asarray(hour_of_day, dtype=float) - peak_hour) / HOURS_PER_DAY)


def weekly_factor(day_index: ArrayLike, weekday_to_weekend: float) -> np.ndarray:
    """Weekdays (days 0-4) carry ``weekday_to_weekend`` x the weekend's load; the week's mean is 1."""
    if weekday_to_weekend <= 0:
        raise ValueError("weekday_to_weekend must be > 0")
    weekday = np.asarray(day_index) % DAYS_PER_WEEK < 5
    weekend_level = DAYS_PER_WEEK / (5 * weekday_to_weekend + 2)
    return np.where(weekday, weekday_to_weekend * weekend_level, weekend_level)


def spike_envelope(hours: ArrayLike, spike: Spike) -> np.ndarray:
    """The spike's excess over normal load as a share of its full height (0 to 1)."""
    t = np.asarray(hours, dtype=float) - spike.start_hour
    ramp = np.clip(t / spike.ramp_hours, 0.0, 1.0) if spike.ramp_hours > 0 else (t >= 0).astype(float)
    after = t - spike.ramp_hours - spike.lasts_hours
    if spike.decays_over_days > 0:
        # Exponential decay that leaves 1% of the excess after decays_over_days.
        tau = spike.decays_over_days * HOURS_PER_DAY / np.log(100.0)
        tail = np.exp(-np.clip(after, 0.0, None) / tau)
    else:
        tail = (after <= 0).astype(float)
    return np.where(t < 0, 0.0, ramp * tail)


@functools.lru_cache(maxsize=8)
def _base_curve(days: int, step_minutes: int, mean_requests_per_s: float, daily_peak_to_trough: float,
                peak_hour: float, weekday_to_weekend: float, hourly_noise_sigma: float, seed: int):
    """The curve x wobble before spikes, and the generator's state after the wobble's draws.

    Cached: a what-if that moves only the spikes re-draws only the Poisson counts, from the same
    state, so it gets the very numbers a fresh simulation would. The arrays are read-only.
    """
    rng = np.random.default_rng(seed)
    steps_per_hour = 60 // step_minutes
    n = days * HOURS_PER_DAY * steps_per_hour
    hour = np.arange(n) / steps_per_hour
    day = (hour // HOURS_PER_DAY).astype(np.int64)
    rate = mean_requests_per_s * daily_factor(hour % HOURS_PER_DAY, daily_peak_to_trough, peak_hour) \
        * weekly_factor(day, weekday_to_weekend)
    # Hour-to-hour wobble: one lognormal factor per hour with mean 1, shared by that hour's intervals.
    n_hours = days * HOURS_PER_DAY
    wobble = rng.lognormal(-0.5 * hourly_noise_sigma**2, hourly_noise_sigma, n_hours) if hourly_noise_sigma else \
        np.ones(n_hours)
    rate = rate * np.repeat(wobble, steps_per_hour)
    for a in (hour, day, rate):
        a.setflags(write=False)
    return hour, day, rate, rng.bit_generator.state


def simulate_traffic(*, days: int, step_minutes: int, mean_requests_per_s: float, daily_peak_to_trough: float,
                     peak_hour: float, weekday_to_weekend: float, spikes: Sequence[Spike] = (),
                     hourly_noise_sigma: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """Requests in each interval of ``days`` days: curve x noise, Poisson-sampled (seeded).

    Columns: ``hour`` (hours since the start, a Monday 00:00), ``day``, ``requests`` (count in the
    interval) and ``requests_per_s`` (the interval's mean rate). A spike adds
    ``(multiple - 1) x mean`` at its height, so a 10x spike on an average hour reads 10x the mean.
    """
    if days <= 0 or step_minutes <= 0 or 60 % step_minutes:
        raise ValueError("days > 0 and step_minutes a divisor of 60")
    if mean_requests_per_s < 0 or hourly_noise_sigma < 0:
        raise ValueError("mean load and noise must be >= 0")
    curve = _base_curve if isinstance(seed, (int, np.integer)) else _base_curve.__wrapped__  # no cache unseeded
    hour, day, rate, state = curve(days, step_minutes, float(mean_requests_per_s), float(daily_peak_to_trough),
                                         float(peak_hour), float(weekday_to_weekend), float(hourly_noise_sigma), seed)
    rng = np.random.default_rng(seed)
    rng.bit_generator.state = state  # where the draws stood after the hourly wobble
    for s in spikes:
        if s.multiple < 1:
            raise ValueError("a spike's multiple must be >= 1")
        rate = rate + (s.multiple - 1.0) * mean_requests_per_s * spike_envelope(hour, s)
    step_s = step_minutes * 60
    requests = rng.poisson(rate * step_s)
    # Copies of the cached, read-only hour and day arrays, so the frame is the caller's to change.
    return pd.DataFrame({"hour": hour.copy(), "day": day.copy(), "requests": requests,
                         "requests_per_s": requests / step_s})


def load_at(load: ArrayLike, percentile: ArrayLike) -> np.ndarray:
    """The load at a percentile (0-100); NaN percentile = the average load."""
    x = np.asarray(load, dtype=float)
    p = np.asarray(percentile, dtype=float)
    out = np.percentile(x, np.nan_to_num(p, nan=50.0))
    return np.where(np.isnan(p), x.mean(), out)


def sized_capacity(load: ArrayLike, *, percentile: ArrayLike, headroom_frac: ArrayLike = 0.0,
                   spike_reserve_multiple: ArrayLike = np.nan) -> np.ndarray:
    """Capacity a sizing rule asks for, in the load's units.

    ``percentile`` of the history (NaN = its mean) times (1 + headroom); a spike reserve (NaN =
    none) raises it to at least that multiple of the median load, the "normal" level a spike
    is a multiple of.
    """
    h = np.asarray(headroom_frac, dtype=float)
    if np.any(h < 0):
        raise ValueError("headroom must be >= 0")
    base = load_at(load, percentile) * (1.0 + h)
    reserve = np.asarray(spike_reserve_multiple, dtype=float) * np.median(np.asarray(load, dtype=float))
    return np.where(np.isnan(reserve), base, np.fmax(base, reserve))


def whole_nodes(capacity: ArrayLike, per_node: float) -> np.ndarray:
    """Nodes to provide a capacity, rounded up (a fraction of a node is a whole node on the bill)."""
    if per_node <= 0:
        raise ValueError("per-node capacity must be > 0")
    c = np.asarray(capacity, dtype=float)
    if np.any(c < 0):
        raise ValueError("capacity must be >= 0")
    # The epsilon keeps an exact fit from rounding up to one more node on float noise.
    return np.ceil(c / per_node * (1 - 1e-12)).astype(np.int64)


def overflow_total(load: ArrayLike, capacity: ArrayLike) -> np.ndarray:
    """Total load above capacity, summed over intervals, for each capacity (vectorised).

    sum(max(load - c, 0)) = (sum of loads above c) - c x (count above c), from a sorted cumulative sum.
    """
    return _overflow_sorted(np.sort(np.asarray(load, dtype=float)), capacity)


def _overflow_sorted(x: np.ndarray, capacity: ArrayLike) -> np.ndarray:
    """overflow_total on a load already sorted (so a caller asking several questions sorts once)."""
    c = np.asarray(capacity, dtype=float)
    suffix = np.concatenate([np.cumsum(x[::-1])[::-1], [0.0]])  # suffix[i] = sum of x[i:]
    i = np.searchsorted(x, c, side="right")
    return suffix[i] - c * (len(x) - i)


def unserved_share(load: ArrayLike, capacity: ArrayLike) -> np.ndarray:
    """Share of all requests that arrive above capacity (they queue or fail)."""
    total = float(np.sum(load))
    return overflow_total(load, capacity) / total if total > 0 else np.zeros_like(np.asarray(capacity, float))


def share_of_intervals_over(load: ArrayLike, capacity: ArrayLike) -> np.ndarray:
    """Share of intervals in which the load exceeds capacity."""
    x = np.sort(np.asarray(load, dtype=float))
    return (len(x) - np.searchsorted(x, np.asarray(capacity, dtype=float), side="right")) / len(x)


def daily_peaks(load: ArrayLike, day: ArrayLike) -> np.ndarray:
    """Each day's highest interval (days in sorted order; NaN loads ignored, an all-NaN day is -inf)."""
    _, inv = np.unique(np.asarray(day), return_inverse=True)
    peaks = np.full(int(inv.max()) + 1 if len(inv) else 0, -np.inf)
    np.fmax.at(peaks, inv.ravel(), np.asarray(load, dtype=float))
    return peaks


def shares_of_days_over(load: ArrayLike, day: ArrayLike, capacity: ArrayLike) -> np.ndarray:
    """Share of days with at least one interval above each capacity (vectorised over capacities).

    A day has an interval above c exactly when its peak is above c, so the days' peaks are found
    once and compared with every capacity (a pandas groupby per capacity was the what-if's cost).
    """
    peaks = daily_peaks(load, day)
    c = np.atleast_1d(np.asarray(capacity, dtype=float))
    if len(peaks) == 0:
        return np.full(len(c), np.nan)
    return np.mean(peaks[:, None] > c[None, :], axis=0)


def share_of_days_over(load: ArrayLike, day: ArrayLike, capacity: float) -> float:
    """Share of days with at least one interval above capacity."""
    return float(shares_of_days_over(load, day, capacity)[0])


def hybrid_cost(load_requests: ArrayLike, *, percentile: ArrayLike, step_s: float, node_requests_per_s: float,
                node_usd_per_hour: float, api_usd_per_request: float, hours: float,
                sizing_requests: ArrayLike | None = None) -> pd.DataFrame:
    """Own nodes for the load at ``percentile``; send every request above them to a hosted API.

    ``load_requests`` are requests per interval of ``step_s`` seconds over ``hours`` hours. Returns,
    per percentile: owned nodes, their cost, the overflow requests, the API cost and the total,
    all over the simulated period (scale to a month outside). Percentiles are of ``sizing_requests``
    (the projected load; default the load itself).
    """
    rps = np.asarray(load_requests if sizing_requests is None else sizing_requests, dtype=float) / step_s
    p = np.atleast_1d(np.asarray(percentile, dtype=float))
    nodes = np.where(p <= 0, 0, whole_nodes(load_at(rps, np.clip(p, 0, 100)), node_requests_per_s))
    capacity_per_interval = nodes * node_requests_per_s * step_s
    overflow = overflow_total(load_requests, capacity_per_interval)
    owned = nodes * node_usd_per_hour * hours
    api_usd = overflow * api_usd_per_request
    return pd.DataFrame({"percentile": p, "nodes": nodes, "owned_usd": owned, "overflow_requests": overflow,
                         "api_usd": api_usd, "total_usd": owned + api_usd})


def reserve_plus_on_demand_cost(load_requests: ArrayLike, *, percentile: ArrayLike, step_s: float,
                                node_requests_per_s: float, on_demand_usd_per_hour: float, reserve_discount_frac: float,
                                warm_up_hours_per_start: float = 0.0,
                                sizing_requests: ArrayLike | None = None) -> pd.DataFrame:
    """Reserve nodes (discounted, paid every hour) for the load at ``percentile``; rent the rest on demand.

    On-demand nodes are rented hour by hour, enough for that hour's busiest interval, so nothing
    is turned away; each node started is billed ``warm_up_hours_per_start`` extra for loading the
    model before it serves. Percentiles are of ``sizing_requests`` (the projected load; default the
    load itself). Returns costs over the simulated period.
    """
    if not 0 <= reserve_discount_frac < 1:
        raise ValueError("reserve discount in [0, 1)")
    steps_per_hour = int(round(3600 / step_s))
    x = np.asarray(load_requests, dtype=float)
    if len(x) % steps_per_hour:
        raise ValueError("the load must cover whole hours")
    hourly_peak_rps = x.reshape(-1, steps_per_hour).max(axis=1) / step_s
    need = whole_nodes(hourly_peak_rps, node_requests_per_s)  # nodes each hour needs
    p = np.atleast_1d(np.asarray(percentile, dtype=float))
    basis = x if sizing_requests is None else np.asarray(sizing_requests, dtype=float)
    reserved = np.where(p <= 0, 0, whole_nodes(load_at(basis / step_s, np.clip(p, 0, 100)), node_requests_per_s))
    extra = np.clip(need[None, :] - reserved[:, None], 0, None)  # on-demand nodes, per percentile x hour
    starts = np.clip(np.diff(extra, axis=1, prepend=0), 0, None).sum(axis=1)
    hours = len(need)
    reserved_usd = reserved * on_demand_usd_per_hour * (1 - reserve_discount_frac) * hours
    on_demand_usd = (extra.sum(axis=1) + starts * warm_up_hours_per_start) * on_demand_usd_per_hour
    return pd.DataFrame({"percentile": p, "reserved_nodes": reserved, "reserved_usd": reserved_usd,
                         "on_demand_node_hours": extra.sum(axis=1), "node_starts": starts,
                         "on_demand_usd": on_demand_usd, "total_usd": reserved_usd + on_demand_usd})


def cheapest(sweep: pd.DataFrame, cost_column: str = "total_usd") -> pd.Series:
    """The sweep's cheapest row (the lowest percentile among ties)."""
    return sweep.sort_values([cost_column, "percentile"], kind="stable").iloc[0]


def idle_share(load: ArrayLike, capacity: float, below_utilisation: float) -> float:
    """Share of intervals in which the fleet runs below ``below_utilisation`` of its capacity."""
    if capacity <= 0:
        raise ValueError("capacity must be > 0")
    return float(np.mean(np.asarray(load, dtype=float) / capacity < below_utilisation))


def optimal_reserve_percentile(reserve_discount_frac: ArrayLike) -> np.ndarray:
    """Where a reserved unit stops paying, with perfect hourly on-demand scaling.

    A reserved node costs (1 - d) of an on-demand node every hour; the marginal node at load
    level L is needed only the share of hours the load exceeds L. Reserving it pays while that
    share exceeds 1 - d, so the last node worth reserving sits at percentile 100 x d.
    """
    d = np.asarray(reserve_discount_frac, dtype=float)
    if np.any((d < 0) | (d >= 1)):
        raise ValueError("discount in [0, 1)")
    return 100.0 * d


def rule_costs(load_requests: ArrayLike, day: ArrayLike, rules: pd.DataFrame, *, step_s: float,
               node_requests_per_s: float, node_usd_per_hour: float, hours_per_month: float,
               sizing_requests: ArrayLike | None = None) -> pd.DataFrame:
    """Each sizing rule applied to one load history: capacity, nodes, monthly cost and what it turns away.

    ``rules`` needs ``percentile`` (NaN = the mean), ``headroom_frac`` and ``spike_reserve_multiple``
    (NaN = none). The rule sizes on ``sizing_requests`` (the projected load a planner has; default the
    load itself) and is judged on ``load_requests`` (what arrived). Capacity is rounded up to whole
    nodes; requests above it in an interval queue or fail.
    """
    x = np.asarray(load_requests, dtype=float)
    rps = (x if sizing_requests is None else np.asarray(sizing_requests, dtype=float)) / step_s
    asked = sized_capacity(rps, percentile=rules["percentile"].to_numpy(float),
                           headroom_frac=rules["headroom_frac"].to_numpy(float),
                           spike_reserve_multiple=rules["spike_reserve_multiple"].to_numpy(float))
    nodes = whole_nodes(asked, node_requests_per_s)
    provided = nodes * node_requests_per_s
    per_interval = provided * step_s
    # One sort of the load serves the overflow, the unserved share and the intervals over
    # (unserved_share, share_of_intervals_over and overflow_total each sorted it again).
    xs = np.sort(x)
    overflow = _overflow_sorted(xs, per_interval)
    total = float(np.sum(x))
    unserved = overflow / total if total > 0 else np.zeros_like(np.asarray(per_interval, float))
    over = (len(xs) - np.searchsorted(xs, np.asarray(per_interval, dtype=float), side="right")) / len(xs)
    return pd.DataFrame({
        "asked_requests_per_s": asked, "nodes": nodes, "capacity_requests_per_s": provided,
        "usd_per_month": nodes * node_usd_per_hour * hours_per_month,
        "unserved_share": unserved,
        "intervals_over_share": over,
        "days_over_share": shares_of_days_over(x, day, per_interval),
        "mean_utilisation": np.where(provided > 0, (x.sum() - overflow) / len(x)
                                     / np.where(per_interval > 0, per_interval, 1.0), np.nan),
    }, index=rules.index)
