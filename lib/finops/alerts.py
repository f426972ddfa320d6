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


class GuardrailWhatIf:
    """``guardrail_outcome`` with everything the two sliders do not move computed once.

    A call's admitted-spend-before-it (its tenant's spend that day up to it) does not depend on the
    cap, so a cap only decides where each tenant's calls, sorted by that spend, start being refused:
    one ``searchsorted`` per tenant instead of a sort of the whole log. The alert's trailing means do
    not depend on the multiple either. ``outcome`` returns exactly what ``guardrail_outcome`` does
    (the refused costs are summed in the log's own order, so even the float sums are identical).
    """

    def __init__(self, calls: pd.DataFrame, daily_by_tenant: pd.DataFrame, *, baseline_days: int = 7,
                 window_days: int = 7) -> None:
        tenants = sorted(daily_by_tenant["tenant"].unique())
        # baseline_caps computes sum / days * multiple: with multiple 1 that is sum / days, exactly.
        self._base_caps = (baseline_caps(daily_by_tenant, multiple=1.0, baseline_days=baseline_days)
                           .reindex(tenants).fillna(np.inf).to_numpy())
        code = pd.Categorical(calls["tenant"], categories=tenants).codes
        self._cost = calls["cost_usd"].fillna(0.0).to_numpy()
        self._spend = float(self._cost.sum())
        # Spend before each call within its (tenant, day), as apply_daily_caps computes it.
        keys, days, c = np.asarray(code), calls["day"].to_numpy(), np.nan_to_num(self._cost, nan=0.0)
        n = len(c)
        order = np.lexsort((np.arange(n), days, keys))
        k, d, cs = keys[order], days[order], c[order]
        start = np.ones(n, dtype=bool)
        start[1:] = (k[1:] != k[:-1]) | (d[1:] != d[:-1])
        cum = np.cumsum(cs)
        group_base = np.maximum.accumulate(np.where(start, cum - cs, 0.0))
        before = np.empty(n)
        before[order] = cum - cs - group_base
        # Per tenant: its calls' positions sorted by spend-before, and those spends. A call whose
        # tenant is absent from the daily frame (code -1) meets the last tenant's cap, as in
        # apply_daily_caps (caps[-1]).
        self._by_tenant = []
        for t in range(len(tenants)):
            idx = np.flatnonzero((code == t) | ((code == -1) & (t == len(tenants) - 1)))
            s = np.argsort(before[idx], kind="stable")
            self._by_tenant.append((idx[s], before[idx][s]))
        trailing = spend_alerts(daily_by_tenant, multiple=1.0, window_days=window_days, by=("tenant",))
        self._value = trailing["cost_usd"].to_numpy()
        self._trailing = trailing["trailing_mean"].to_numpy()
        self._has_window = ~np.isnan(self._trailing)

    def outcome(self, cap_multiple: float, alert_multiple: float = 1.5) -> dict[str, float]:
        if cap_multiple <= 0 or alert_multiple <= 0:
            raise ValueError("multiple must be > 0")
        cap_arr = self._base_caps * cap_multiple
        refused = [idx[np.searchsorted(before, cap, side="left"):]
                   for (idx, before), cap in zip(self._by_tenant, cap_arr)]
        where = np.sort(np.concatenate(refused)) if refused else np.zeros(0, dtype=np.intp)
        alerted = int(((self._value > alert_multiple * self._trailing) & self._has_window).sum())
        return {"tenant_days_alerted": alerted, "spend_usd": self._spend,
                "refused_usd": float(self._cost[where].sum()), "refused_calls": int(len(where))}
