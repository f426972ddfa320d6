"""Spot against eviction risk: hand-computed expected costs and invariants (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.costs import fleet
from lib.data import tables
from lib.data.validation import DataValidationError
from tests.conftest import BAD_DATA


def test_eviction_rate_by_hand():
    # A 20% chance a month: -ln(0.8) / 730 = 0.000305682 evictions an hour.
    assert float(fleet.eviction_rate_per_hour(0.2)) == pytest.approx(-math.log(0.8) / 730)
    assert float(fleet.eviction_rate_per_hour(0.0)) == 0.0
    with pytest.raises(ValueError):
        fleet.eviction_rate_per_hour(1.0)


def test_batch_hours_by_hand():
    # 0.1 evictions an hour, checkpoint every 2 h, 1 h restart: each hour run loses 0.1 x (1 + 1) = 0.2 h,
    # so 100 h of work take 100 / 0.8 = 125 h.
    assert float(fleet.batch_expected_hours(100, 0.1, 2, 1)) == pytest.approx(125)
    # No evictions: exactly the work.
    assert float(fleet.batch_expected_hours(100, 0.0, 2, 1)) == 100
    # Losing an hour or more per hour run: the job never finishes.
    assert math.isinf(float(fleet.batch_expected_hours(100, 0.5, 2, 1)))


def test_spot_batch_cost_by_hand():
    # $40/h on demand, 70% off, 100 h of work, 20%/month evictions, hourly checkpoints, 0.5 h restarts.
    lam = -math.log(0.8) / 730
    hours = 100 / (1 - lam * (0.5 + 0.5))
    assert float(fleet.spot_batch_cost_usd(40, 0.7, 100, 0.2, 1, 0.5)) == pytest.approx(40 * 0.3 * hours)
    assert float(fleet.spot_batch_saving(0.7, 0.2, 1, 0.5)) == pytest.approx(1 - 0.3 * hours / 100)


def test_spot_serving_by_hand():
    # 0.01 evictions an hour (chance 1 - e^-7.3 a month), 10 h on on-demand after each: 10% of hours
    # at full price, 90% at 30% of it: 0.1 + 0.9 x 0.3 = 0.37 of on-demand.
    p = 1 - math.exp(-0.01 * 730)
    assert float(fleet.spot_serving_hourly_usd(100, 0.7, p, 10)) == pytest.approx(37)
    # Fallback never ends: pay on-demand all the time.
    assert float(fleet.spot_serving_hourly_usd(100, 0.7, p, 1e6)) == pytest.approx(100)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        fleet.spot_batch_cost_usd(40, 1.0, 10, 0.1, 1)
    with pytest.raises(ValueError):
        fleet.batch_expected_hours(10, 0.1, 0)


@given(discount=st.floats(0, 0.95), p=st.floats(0, 0.99), c=st.floats(0.1, 48), r=st.floats(0, 5))
def test_evictions_never_save_more_than_the_discount(discount, p, c, r):
    saving = float(fleet.spot_batch_saving(discount, p, c, r))
    assert saving <= discount + 1e-12
    # ... and more frequent checkpoints never cost more.
    assert float(fleet.spot_batch_saving(discount, p, c / 2, r)) >= saving - 1e-12


@given(discount=st.floats(0, 0.95), p=st.floats(0, 0.99), fb=st.floats(0, 1000))
def test_spot_serving_costs_between_the_spot_and_the_on_demand_price(discount, p, fb):
    cost = float(fleet.spot_serving_hourly_usd(10.0, discount, p, fb))
    assert 10.0 * (1 - discount) - 1e-9 <= cost <= 10.0 + 1e-9


def test_spot_table_loads_and_vectorises():
    spot = tables.load_spot_market()
    rated = spot.dropna(subset=["eviction_per_month_high"])
    savings = fleet.spot_batch_saving(rated["discount_frac_high"].to_numpy(float),
                                      rated["eviction_per_month_high"].to_numpy(float), 1.0, 0.25)
    assert savings.shape == (len(rated),) and np.all(savings <= rated["discount_frac_high"].to_numpy(float))


def test_bad_spot_file_names_file_row_column_and_reason():
    path = BAD_DATA / "spot_market_bad.csv"
    with pytest.raises(DataValidationError) as info:
        tables.load_spot_market(path)
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith(f"{path}, row 1 (line 2), column 'discount_frac_low'") and "is above" in p
               for p in problems), problems
    assert any(p.startswith(f"{path}, row 2 (line 3), column 'eviction_per_month_high'") and "give all or none" in p
               for p in problems), problems


def test_bad_custom_silicon_file_names_file_row_column_and_reason():
    path = BAD_DATA / "custom_silicon_bad.csv"
    with pytest.raises(DataValidationError) as info:
        tables.load_custom_silicon(path)
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith(f"{path}, row 1 (line 2), column 'hourly_usd'") and "'nine' is not a number" in p
               for p in problems), problems


# --- capacity planning with benchmark derating (bench-reality chapter) ---------------------------

def test_nodes_needed_by_hand():
    # 20,000 tokens/s at peak, 3,000 per node on the benchmark: 6.67 -> 7 nodes; derated by 2: 13.3 -> 14;
    # with 20% headroom on top: 16 nodes.
    assert int(fleet.nodes_needed(20_000, 3_000)) == 7
    assert int(fleet.nodes_needed(20_000, 3_000, 2.0)) == 14
    assert int(fleet.nodes_needed(20_000, 3_000, 2.0, 0.2)) == 16
    assert int(fleet.nodes_needed(6_000, 3_000)) == 2  # an exact fit is not rounded up
    with pytest.raises(ValueError):
        fleet.nodes_needed(1, 0)


def test_any_positive_peak_needs_a_node_even_when_the_division_underflows():
    # 5e-324 / 2.0 underflows to 0.0: found by the property test below.
    assert int(fleet.nodes_needed(5e-324, 2.0)) == 1
    assert int(fleet.nodes_needed(0.0, 2.0)) == 0


@given(peak=st.floats(0, 1e7), bench=st.floats(1, 1e6), d=st.floats(1, 5))
def test_derating_never_needs_fewer_nodes(peak, bench, d):
    plain = int(fleet.nodes_needed(peak, bench))
    derated = int(fleet.nodes_needed(peak, bench, d))
    assert derated >= plain
    assert derated * bench / d >= peak * (1 - 1e-9)


def test_bad_bench_file_names_file_row_column_and_reason():
    path = BAD_DATA / "bench_reality_bad.csv"
    with pytest.raises(DataValidationError) as info:
        tables.load_bench_reality(path)
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith(f"{path}, row 1 (line 2), column 'real_tokens_per_s_per_request_low'")
               and "is above" in p for p in problems), problems
