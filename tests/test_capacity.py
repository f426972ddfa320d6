"""Capacity planning: hand-computed sizing, overflow and sweep costs, and invariants (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.costs import capacity
from lib.data import tables
from lib.data.validation import DataValidationError
from tests.conftest import BAD_DATA


def test_daily_and_weekly_factors_by_hand():
    # Peak/trough 4: amplitude (4 - 1) / (4 + 1) = 0.6, so 1.6 at the peak and 0.4 twelve hours away.
    assert capacity.daily_factor(14, 4.0, 14) == pytest.approx(1.6)
    assert capacity.daily_factor(2, 4.0, 14) == pytest.approx(0.4)
    # Weekday/weekend 2.5: weekend = 7 / (5 x 2.5 + 2) = 0.48276, weekday 2.5x that; the week averages 1.
    w = capacity.weekly_factor(np.arange(7), 2.5)
    assert w[6] == pytest.approx(7 / 14.5)
    assert w[0] == pytest.approx(2.5 * 7 / 14.5)
    assert w.mean() == pytest.approx(1.0)
    with pytest.raises(ValueError):
        capacity.daily_factor(0, 0.5, 0)


def test_spike_envelope_by_hand():
    s = capacity.Spike(start_hour=10, multiple=10, lasts_hours=2, decays_over_days=0, ramp_hours=1)
    env = capacity.spike_envelope([9, 10, 10.5, 11, 12.5, 13, 13.5], s)
    assert env.tolist() == pytest.approx([0, 0, 0.5, 1, 1, 1, 0])
    # With decay: 1% of the excess is left decays_over_days after the plateau ends.
    d = capacity.Spike(start_hour=0, multiple=50, lasts_hours=1, decays_over_days=2, ramp_hours=0)
    assert float(capacity.spike_envelope(1 + 48, d)) == pytest.approx(0.01)


def test_simulation_is_seeded_and_sized():
    kw = dict(days=14, step_minutes=5, mean_requests_per_s=100, daily_peak_to_trough=4, peak_hour=14,
              weekday_to_weekend=2, hourly_noise_sigma=0.1, seed=3)
    a, b = capacity.simulate_traffic(**kw), capacity.simulate_traffic(**kw)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 14 * 24 * 12
    # Two whole weeks: the mean rate is the mean asked for (Poisson and lognormal noise are mean-preserving).
    assert a["requests_per_s"].mean() == pytest.approx(100, rel=0.02)
    spiked = capacity.simulate_traffic(**kw, spikes=[capacity.Spike(start_hour=100, multiple=20, lasts_hours=3)])
    assert spiked["requests"].sum() > a["requests"].sum()
    with pytest.raises(ValueError):
        capacity.simulate_traffic(**{**kw, "step_minutes": 7})


def test_sizing_by_hand():
    load = np.arange(1, 101, dtype=float)  # 1..100
    assert float(capacity.sized_capacity(load, percentile=np.nan)) == pytest.approx(50.5)  # the mean
    assert float(capacity.sized_capacity(load, percentile=95, headroom_frac=0.3)) == pytest.approx(
        np.percentile(load, 95) * 1.3)
    # A spike reserve of 10x the median (50.5) wins over P50.
    assert float(capacity.sized_capacity(load, percentile=50, spike_reserve_multiple=10)) == pytest.approx(505)
    assert capacity.whole_nodes([0, 10, 10.0000001, 25], 10).tolist() == [0, 1, 2, 3]


def test_overflow_by_hand():
    load = np.array([5, 10, 15, 20])
    # Capacity 12: 3 + 8 over; capacity 0: everything; capacity 20: nothing.
    assert capacity.overflow_total(load, [12, 0, 20]).tolist() == pytest.approx([11, 50, 0])
    assert float(capacity.unserved_share(load, 12)) == pytest.approx(11 / 50)
    assert float(capacity.share_of_intervals_over(load, 12)) == pytest.approx(0.5)
    assert capacity.share_of_days_over(load, [0, 0, 1, 1], 12) == pytest.approx(0.5)
    assert capacity.idle_share(load, 100, 0.1) == pytest.approx(0.25)  # only the 5 is under 10 of 100


def test_hybrid_by_hand():
    # Four 1-second intervals of 5, 10, 15, 20 requests; a node serves 10/s at $3,600/hour ($1/s).
    h = capacity.hybrid_cost([5, 10, 15, 20], percentile=[0, 50, 100], step_s=1, node_requests_per_s=10,
                             node_usd_per_hour=3600, api_usd_per_request=0.5, hours=4 / 3600)
    # P0: no nodes, all 50 requests to the API = $25.
    assert h.loc[0, "nodes"] == 0 and h.loc[0, "total_usd"] == pytest.approx(25)
    # P50 = 12.5 -> 2 nodes (20/s): nothing overflows; 2 nodes x 4 s x $1 = $8.
    assert h.loc[1, "nodes"] == 2 and h.loc[1, "overflow_requests"] == 0
    assert h.loc[1, "total_usd"] == pytest.approx(8)
    assert capacity.cheapest(h)["percentile"] == 50


def test_reserve_plus_on_demand_by_hand():
    # Two hours of one interval each (step = 1 hour): 15 and 35 requests/s; nodes of 10/s at $10/hour.
    r = capacity.reserve_plus_on_demand_cost([15 * 3600, 35 * 3600], percentile=[0, 100], step_s=3600,
                                             node_requests_per_s=10, on_demand_usd_per_hour=10,
                                             reserve_discount_frac=0.4, warm_up_hours_per_start=0.5)
    # No reserve: 2 + 4 on-demand node-hours = $60, plus 4 starts x 0.5 h x $10 = $20.
    assert r.loc[0, "on_demand_node_hours"] == 6 and r.loc[0, "node_starts"] == 4
    assert r.loc[0, "total_usd"] == pytest.approx(80)
    # Reserve the peak (4 nodes) at 40% off: 4 x 2 h x $6 = $48, nothing on demand.
    assert r.loc[1, "total_usd"] == pytest.approx(48)
    assert float(capacity.optimal_reserve_percentile(0.4)) == pytest.approx(40)


def test_rule_costs_on_a_small_history():
    rules = pd.DataFrame({"percentile": [np.nan, 100.0], "headroom_frac": [0.0, 0.5],
                          "spike_reserve_multiple": [np.nan, np.nan]})
    out = capacity.rule_costs([10, 30], [0, 1], rules, step_s=1, node_requests_per_s=10, node_usd_per_hour=2,
                              hours_per_month=730)
    # Mean 20 -> 2 nodes; the 30 overflows by 10 of 40 requests, on one day of two.
    assert out.loc[0, "nodes"] == 2 and out.loc[0, "unserved_share"] == pytest.approx(0.25)
    assert out.loc[0, "days_over_share"] == pytest.approx(0.5)
    # Peak 30 + 50% = 45 -> 5 nodes, nothing over; utilisation 20 / 50.
    assert out.loc[1, "nodes"] == 5 and out.loc[1, "unserved_share"] == 0
    assert out.loc[1, "usd_per_month"] == pytest.approx(5 * 2 * 730)
    assert out.loc[1, "mean_utilisation"] == pytest.approx(0.4)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=2, max_size=200), st.floats(0, 1200), st.floats(0, 1200))
def test_overflow_falls_as_capacity_rises(load, c1, c2):
    lo, hi = sorted([c1, c2])
    a, b = capacity.overflow_total(load, [lo, hi])
    assert a >= b - 1e-9 and b >= -1e-9
    # Matches the direct sum.
    assert a == pytest.approx(np.clip(np.asarray(load, float) - lo, 0, None).sum(), abs=1e-6)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 500), min_size=24, max_size=24), st.floats(0.0, 0.9))
def test_hybrid_total_never_above_all_api_when_api_dearer_per_request(load, discount):
    # With the API dearer per request than a full node, owning up to the load's P0..P100 can only help at
    # its cheapest point; and the reserve sweep's cheapest is never dearer than all on-demand.
    h = capacity.hybrid_cost(load, percentile=np.arange(0, 101, 10), step_s=1, node_requests_per_s=10,
                             node_usd_per_hour=3600, api_usd_per_request=1.0, hours=24 / 3600)
    assert capacity.cheapest(h)["total_usd"] <= h.loc[h["percentile"] == 0, "total_usd"].iloc[0] + 1e-9
    r = capacity.reserve_plus_on_demand_cost(load, percentile=np.arange(0, 101, 10), step_s=3600,
                                             node_requests_per_s=10, on_demand_usd_per_hour=1.0,
                                             reserve_discount_frac=discount)
    assert capacity.cheapest(r)["total_usd"] <= r.loc[r["percentile"] == 0, "total_usd"].iloc[0] + 1e-9


def test_the_capacity_tables_load():
    assert len(tables.load_sizing_rules()) >= 9
    shapes = tables.load_traffic_shapes()
    assert (shapes["multiple_low"] <= shapes["multiple_high"]).all()


@pytest.mark.parametrize(("filename", "loader", "expected"), [
    ("sizing_rules_share_for_percentile.csv", tables.load_sizing_rules,
     "row 2 (line 3), column 'percentile': 0.95 is below the smallest sane value 1"),
    ("traffic_shapes_reversed.csv", tables.load_traffic_shapes,
     "row 1 (line 2), column 'multiple_low': multiple_low 20.0 is above multiple_high 10.0"),
])
def test_bad_capacity_tables_name_file_row_column_and_reason(filename, loader, expected):
    with pytest.raises(DataValidationError) as info:
        loader(BAD_DATA / filename)
    problems = [str(p) for p in info.value.problems]
    assert any(filename in p and expected in p for p in problems), problems
