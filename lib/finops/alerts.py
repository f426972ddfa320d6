"""Guardrails on spend: an anomaly alert against the trailing average, and per-tenant daily caps.

The alert compares a day's spend with the mean of the ``window_days`` days before it (the day itself
excluded, so a spike cannot raise its own bar); it needs a full window of history before it can fire.
A cap is enforced the way a gateway does it: before each call, in time order, the call is refused
when the tenant's admitted spend that day has already reached the cap (so the call that crosses the
cap is the last one through, and a cap overshoots by at most one call).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def spend_alerts(daily: pd.DataFrame, *, multiple: float = 1.5, window_days: int = 7, value: str = "cost_usd",
                 day: str = "day", by: Sequence[str] = ()) -> pd.DataFrame:
    """Daily spend with its trailing mean, the ratio to it, and whether it crosses ``multiple`` x that mean.

    Days with no calls count as zero spend (they are filled in), so a quiet week lowers the bar.
    The first ``window_days`` days of each series have no full window: ratio NaN, no alert.
    """
    if multiple <= 0 or window_days < 1:
        raise ValueError("multiple must be > 0 and window_days >= 1")
    frame = daily[[*by, day, value]].copy()
    frame[day] = pd.to_datetime(frame[day])
    days = pd.date_range(frame[day].min(), frame[day].max(), freq="D")
    groups = [((), frame)] if not by else list(frame.groupby(list(by), sort=True))
    out = []
    for key, g in groups:
        s = g.groupby(day)[value].sum().reindex(days, fill_value=0.0)
        trailing = s.rolling(window_days, min_periods=window_days).mean().shift(1)
        part = pd.DataFrame({day: days, value: s.to_numpy(), "trailing_mean": trailing.to_numpy()})
        for name, k in zip(by, key if isinstance(key, tuple) else (key,)):
            part.insert(0, name, k)
        out.append(part)
    res = pd.concat(out, ignore_index=True)
    res["ratio"] = res[value] / res["trailing_mean"].where(res["trailing_mean"] > 0)
    res["threshold"] = multiple * res["trailing_mean"]
    res["alert"] = (res[value] > res["threshold"]) & res["trailing_mean"].notna()
    return res


def baseline_caps(daily: pd.DataFrame, *, multiple: float, baseline_days: int, who: str = "tenant",
                  day: str = "day", value: str = "cost_usd") -> pd.Series:
    """A daily cap per tenant: ``multiple`` x its mean daily spend over the log's first ``baseline_days`` days."""
    if multiple <= 0 or baseline_days < 1:
        raise ValueError("multiple must be > 0 and baseline_days >= 1")
    d = pd.to_datetime(daily[day])
    first = d.min()
    base = daily[d < first + pd.Timedelta(days=baseline_days)]
    return (base.groupby(who)[value].sum() / baseline_days * multiple).rename("cap_usd_per_day")


def apply_daily_caps(keys: np.ndarray, days: np.ndarray, costs: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Which calls a per-key daily cap admits (True) or refuses (False).

    ``keys`` are integer tenant codes indexing ``caps`` (USD per day; inf = no cap), ``days`` any
    sortable day labels, ``costs`` USD per call (NaN counts as zero). The arrays must be in time order;
    the cap is applied per (key, day) in that order. Vectorised: one stable sort and one cumulative sum.
    """
    keys = np.asarray(keys)
    days = np.asarray(days)
    c = np.nan_to_num(np.asarray(costs, dtype=float), nan=0.0)
    if np.any(c < 0):
        raise ValueError("call costs must be >= 0")
    n = len(c)
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = np.lexsort((np.arange(n), days, keys))  # grouped by key then day, time order kept inside
    k, d, cs = keys[order], days[order], c[order]
    start = np.ones(n, dtype=bool)
    start[1:] = (k[1:] != k[:-1]) | (d[1:] != d[:-1])
    cum = np.cumsum(cs)
    group_base = np.maximum.accumulate(np.where(start, cum - cs, 0.0))  # cumulative spend before each group
    spent_before = cum - cs - group_base
    admitted_sorted = spent_before < np.asarray(caps, dtype=float)[k]
    admitted = np.empty(n, dtype=bool)
    admitted[order] = admitted_sorted
    return admitted


def guardrail_outcome(calls: pd.DataFrame, daily_by_tenant: pd.DataFrame, *, cap_multiple: float,
                      baseline_days: int = 7, alert_multiple: float = 1.5, window_days: int = 7) -> dict[str, float]:
    """What a pair of guardrail settings does to a log: the what-if behind the chapter's widget.

    ``calls``: per-call tenant, day, cost_usd in time order; ``daily_by_tenant``: tenant, day, cost_usd.
    Returns tenant-days alerted, total spend, spend the caps refuse and calls refused.
    """
    caps = baseline_caps(daily_by_tenant, multiple=cap_multiple, baseline_days=baseline_days)
    tenants = sorted(daily_by_tenant["tenant"].unique())
    code = pd.Categorical(calls["tenant"], categories=tenants).codes
    cap_arr = caps.reindex(tenants).fillna(np.inf).to_numpy()
    admitted = apply_daily_caps(code, calls["day"].to_numpy(), calls["cost_usd"].to_numpy(), cap_arr)
    alerts = spend_alerts(daily_by_tenant, multiple=alert_multiple, window_days=window_days, by=("tenant",))
    cost = calls["cost_usd"].fillna(0.0).to_numpy()
    return {"tenant_days_alerted": int(alerts["alert"].sum()), "spend_usd": float(cost.sum()),
            "refused_usd": float(cost[~admitted].sum()), "refused_calls": int((~admitted).sum())}
