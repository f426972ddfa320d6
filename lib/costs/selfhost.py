"""What a self-hosted token costs: rent (or amortised capex) plus ops, over useful throughput."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

HOURS_PER_YEAR = 24 * 365
SECONDS_PER_HOUR = 3600
TOKENS_PER_MTOK = 1_000_000


def selfhost_usd_per_mtok(
    hourly_usd: npt.ArrayLike,
    tokens_per_s: npt.ArrayLike,
    utilisation: npt.ArrayLike = 1.0,
    ops_usd_per_year: npt.ArrayLike = 0.0,
    clusters_sharing_ops: npt.ArrayLike = 1.0,
) -> np.ndarray:
    """USD per million tokens for a cluster rented (or amortised) at ``hourly_usd``, running 24x7.

    ``tokens_per_s`` is the sustained rate when busy; ``utilisation`` the share of the year it is
    busy, so idle hours are paid for but produce nothing. The ops team's yearly cost is spread over
    ``clusters_sharing_ops`` clusters (the guide's "ten clusters" argument).
    """
    hourly = np.asarray(hourly_usd, dtype=float)
    tps = np.asarray(tokens_per_s, dtype=float)
    util = np.asarray(utilisation, dtype=float)
    ops = np.asarray(ops_usd_per_year, dtype=float)
    clusters = np.asarray(clusters_sharing_ops, dtype=float)
    if np.any(hourly < 0) or np.any(ops < 0):
        raise ValueError("hourly price and ops cost must be >= 0")
    if np.any(tps <= 0):
        raise ValueError("tokens_per_s must be > 0")
    if np.any((util <= 0) | (util > 1)):
        raise ValueError("utilisation must be in (0, 1]")
    if np.any(clusters < 1):
        raise ValueError("clusters_sharing_ops must be >= 1")
    usd_per_year = hourly * HOURS_PER_YEAR + ops / clusters
    tokens_per_year = tps * SECONDS_PER_HOUR * HOURS_PER_YEAR * util
    return usd_per_year / tokens_per_year * TOKENS_PER_MTOK
