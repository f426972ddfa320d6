"""The what-ifs made faster answer exactly what the implementations they replaced answered, on real data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lib.book import whatifs
from lib.costs import capacity
from lib.data import tables
from lib.finops import alerts, attribution, calllog
from tests.conftest import ROOT


def _old_share_of_days_over(load, day, capacity_value) -> float:
    """The pandas implementation share_of_days_over had before it was vectorised."""
    frame = pd.DataFrame({"day": np.asarray(day), "over": np.asarray(load, dtype=float) > capacity_value})
    return float(frame.groupby("day")["over"].any().mean())


def _chapter_traffic() -> pd.DataFrame:
    """The capacity chapter's simulated quarter with both spikes, from its parameters cell."""
    p = whatifs.parameters("capacity_planning", ROOT)
    shapes = tables.load_traffic_shapes(p["traffic_shapes_csv"]).set_index("shape_id")
    point = lambda s: float(shapes.loc[s, "multiple_low"]  # noqa: E731
                            + p["shape_point"] * (shapes.loc[s, "multiple_high"] - shapes.loc[s, "multiple_low"]))
    spikes = [capacity.Spike(start_hour=24 * p["launch_day"] + p["launch_hour"], multiple=point("launch-spike"),
                             lasts_hours=p["launch_lasts_hours"]),
              capacity.Spike(start_hour=24 * p["viral_day"] + p["viral_hour"], multiple=point("viral-incident"),
                             lasts_hours=p["viral_lasts_hours"], decays_over_days=p["viral_decays_over_days"])]
    return capacity.simulate_traffic(
        days=p["days"], step_minutes=p["step_minutes"], mean_requests_per_s=p["mean_requests_per_s"],
        daily_peak_to_trough=point("daily-consumer"), peak_hour=p["peak_hour"],
        weekday_to_weekend=point("weekly-consumer"), spikes=spikes, hourly_noise_sigma=p["hourly_noise_sigma"],
        seed=p["seed"])


def test_days_over_equals_the_pandas_groupby_on_the_chapters_traffic():
    t = _chapter_traffic()
    load, day = t["requests"].to_numpy(), t["day"].to_numpy()
    caps = list(np.quantile(load, np.linspace(0, 1, 41))) + [-1.0, 0.0, float(load.max()), 1e12]
    got = capacity.shares_of_days_over(load, day, caps)
    assert [float(g) for g in got] == [_old_share_of_days_over(load, day, c) for c in caps]
    assert all(capacity.share_of_days_over(load, day, c) == _old_share_of_days_over(load, day, c) for c in caps)
    # unsorted days, NaN loads
    rng = np.random.default_rng(1)
    order = rng.permutation(len(load))
    noisy = load.astype(float)
    noisy[::97] = np.nan
    for c in caps[::5]:
        assert capacity.share_of_days_over(noisy[order], day[order], c) == _old_share_of_days_over(
            noisy[order], day[order], c)


def test_rule_costs_days_over_column_is_unchanged():
    t = _chapter_traffic()
    p = whatifs.parameters("capacity_planning", ROOT)
    rules = tables.load_sizing_rules(p["sizing_rules_csv"])
    out = capacity.rule_costs(t["requests"].to_numpy(), t["day"].to_numpy(), rules, step_s=300,
                              node_requests_per_s=10.0, node_usd_per_hour=98.0, hours_per_month=730)
    per_interval = out["capacity_requests_per_s"].to_numpy() * 300
    assert list(out["days_over_share"]) == [
        _old_share_of_days_over(t["requests"], t["day"], c) for c in per_interval]


@pytest.fixture(scope="module")
def finops_log():
    """The cost-attribution chapter's own seeded call log (cached in .cache/finops, as the chapter does)."""
    p = whatifs.parameters("cost_attribution", ROOT)
    prices = tables.load_api_prices(p["api_prices_csv"])
    log = calllog.ensure_call_log(Path(p["call_log_cache_dir"]), p["n_calls"], seed=p["seed"],
                                  start_date=p["start_date"], days=p["days"], runaway=calllog.Runaway(**p["runaway"]))
    con = attribution.connect(log, prices)
    return (attribution.per_call_costs(con, columns=("ts", "day", "tenant")),
            attribution.attribute(con, ["tenant", "day"]), p)


def test_precomputed_guardrails_equal_guardrail_outcome_on_the_chapters_log(finops_log):
    calls, daily, p = finops_log
    guard = alerts.GuardrailWhatIf(calls, daily, baseline_days=p["cap_baseline_days"],
                                   window_days=p["alert_window_days"])
    for cap in (1.0, 1.1, 1.5, p["cap_multiple"], 3.3, 5.0):
        for alert in (1.05, p["alert_multiple"], 2.25, 3.0):
            assert guard.outcome(cap, alert) == alerts.guardrail_outcome(
                calls, daily, cap_multiple=cap, baseline_days=p["cap_baseline_days"], alert_multiple=alert,
                window_days=p["alert_window_days"]), (cap, alert)


def test_precomputed_guardrails_on_a_small_log_with_nan_costs_and_an_unknown_tenant():
    calls = pd.DataFrame({"tenant": ["a", "b", "a", "a", "c", "b", "a"],
                          "day": pd.to_datetime(["2026-05-01"] * 3 + ["2026-05-02"] * 4),
                          "cost_usd": [1.0, 2.0, np.nan, 3.0, 0.5, 2.5, 4.0]})
    daily = pd.DataFrame({"tenant": ["a", "b", "a", "b"], "day": pd.to_datetime(["2026-05-01", "2026-05-01",
                                                                                  "2026-05-02", "2026-05-02"]),
                          "cost_usd": [1.0, 2.0, 7.0, 2.5]})
    guard = alerts.GuardrailWhatIf(calls, daily, baseline_days=1, window_days=1)
    for cap in (0.5, 1.0, 2.0, 4.0):
        for alert in (1.0, 1.5, 8.0):
            assert guard.outcome(cap, alert) == alerts.guardrail_outcome(
                calls, daily, cap_multiple=cap, baseline_days=1, alert_multiple=alert, window_days=1)
    with pytest.raises(ValueError):
        guard.outcome(0.0)
