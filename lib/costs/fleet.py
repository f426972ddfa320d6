"""Spot capacity against eviction risk: the expected cost of batch jobs and of serving on spot.

Evictions are modelled as a Poisson process. A monthly eviction figure ("5-20%/month") is read
as the chance that one instance is evicted within a month of running, so the hourly rate is
``-ln(1 - p) / hours per month``.

* A **batch job** that checkpoints every ``c`` hours loses, per eviction, on average half an
  interval of work plus a restart overhead ``r``. With rate ``λ`` the expected wall time ``T``
  satisfies ``T = H + λ T (c / 2 + r)`` (lost work is redone, and can itself be evicted), so
  ``T = H / (1 - λ (c / 2 + r))``: finite only while the job makes progress.
* **Serving** on spot needs an on-demand fallback for an SLA: after each eviction the traffic
  runs on on-demand capacity for ``R`` hours until spot capacity is back, so a share
  ``min(1, λ R)`` of hours bills at the on-demand price.

Vectorised: every argument broadcasts (numpy).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

ArrayLike = npt.ArrayLike
HOURS_PER_MONTH = 730.0  # 8,760 hours / 12


def eviction_rate_per_hour(evicted_per_month: ArrayLike) -> np.ndarray:
    """Hourly Poisson rate from the chance of an eviction within a month."""
    p = np.asarray(evicted_per_month, dtype=float)
    if np.any((p < 0) | (p >= 1)):
        raise ValueError("the monthly eviction chance must lie in [0, 1)")
    return -np.log1p(-p) / HOURS_PER_MONTH


def batch_expected_hours(work_hours: ArrayLike, evictions_per_hour: ArrayLike, checkpoint_every_hours: ArrayLike,
                         restart_hours: ArrayLike = 0.0) -> np.ndarray:
    """Expected wall-clock hours to finish ``work_hours`` of work on evictable capacity (inf if it never does)."""
    h = np.asarray(work_hours, dtype=float)
    lam = np.asarray(evictions_per_hour, dtype=float)
    c = np.asarray(checkpoint_every_hours, dtype=float)
    r = np.asarray(restart_hours, dtype=float)
    if np.any(h < 0) or np.any(lam < 0) or np.any(r < 0):
        raise ValueError("hours and rates must be >= 0")
    if np.any(c <= 0):
        raise ValueError("checkpoint interval must be > 0")
    loss = lam * (c / 2.0 + r)  # expected hours lost per hour run
    with np.errstate(divide="ignore"):
        return np.where(loss < 1, h / np.where(loss < 1, 1.0 - loss, 1.0), np.inf)


def spot_batch_cost_usd(on_demand_hourly: ArrayLike, discount: ArrayLike, work_hours: ArrayLike,
                        evicted_per_month: ArrayLike, checkpoint_every_hours: ArrayLike,
                        restart_hours: ArrayLike = 0.0) -> np.ndarray:
    """Expected cost of a checkpointed batch job on spot: discounted price x expected wall time."""
    d = np.asarray(discount, dtype=float)
    if np.any((d < 0) | (d >= 1)):
        raise ValueError("discount must lie in [0, 1)")
    hours = batch_expected_hours(work_hours, eviction_rate_per_hour(evicted_per_month), checkpoint_every_hours,
                                 restart_hours)
    return np.asarray(on_demand_hourly, dtype=float) * (1.0 - d) * hours


def spot_batch_saving(discount: ArrayLike, evicted_per_month: ArrayLike, checkpoint_every_hours: ArrayLike,
                      restart_hours: ArrayLike = 0.0) -> np.ndarray:
    """Share of the on-demand bill a checkpointed batch job saves on spot, evictions included."""
    return 1.0 - spot_batch_cost_usd(1.0, discount, 1.0, evicted_per_month, checkpoint_every_hours, restart_hours)


def spot_serving_hourly_usd(on_demand_hourly: ArrayLike, discount: ArrayLike, evicted_per_month: ArrayLike,
                            fallback_hours_per_eviction: ArrayLike) -> np.ndarray:
    """Expected cost per hour of serving on spot with an on-demand fallback after each eviction."""
    od = np.asarray(on_demand_hourly, dtype=float)
    d = np.asarray(discount, dtype=float)
    fb = np.asarray(fallback_hours_per_eviction, dtype=float)
    if np.any((d < 0) | (d >= 1)) or np.any(fb < 0) or np.any(od < 0):
        raise ValueError("discount in [0, 1), prices and fallback hours >= 0")
    on_fallback = np.minimum(1.0, eviction_rate_per_hour(evicted_per_month) * fb)
    return od * ((1.0 - d) * (1.0 - on_fallback) + on_fallback)


def nodes_needed(peak_tokens_per_s: ArrayLike, bench_tokens_per_s_per_node: ArrayLike, derate: ArrayLike = 1.0,
                 headroom: ArrayLike = 0.0) -> np.ndarray:
    """Whole nodes to serve a peak, when each node gives its benchmark throughput ÷ ``derate``.

    ``headroom`` is spare capacity kept on top of the peak (0.2 = 20% more). Rounded up: a
    fraction of a node is a whole node on the bill.
    """
    peak = np.asarray(peak_tokens_per_s, dtype=float)
    bench = np.asarray(bench_tokens_per_s_per_node, dtype=float)
    d = np.asarray(derate, dtype=float)
    h = np.asarray(headroom, dtype=float)
    if np.any(peak < 0) or np.any(h < 0):
        raise ValueError("peak and headroom must be >= 0")
    if np.any(bench <= 0) or np.any(d <= 0):
        raise ValueError("benchmark throughput and derate must be > 0")
    # The epsilon keeps an exact fit (peak = n x per-node rate) from rounding up to n + 1 on float noise.
    n = np.ceil(peak * (1.0 + h) * d / bench * (1 - 1e-12)).astype(np.int64)
    # A peak so small that the division underflows to zero (a denormal) still needs one node.
    return np.where(peak > 0, np.maximum(n, 1), n)
