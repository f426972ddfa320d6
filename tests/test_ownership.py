"""Owning against renting: hand-computed TCO lines and per-token what-ifs, plus invariants (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.costs import ownership as own
from lib.costs import selfhost
from lib.data import tables


def test_power_and_colo_by_hand():
    # 10 kW x 8,760 h x $0.10 = $8,760 a year ($24 a day); 10 kW x $300 x 12 = $36,000.
    assert own.power_usd_per_year(10, 0.10)[()] == pytest.approx(8_760)
    assert own.power_usd_per_year(10, 0.10)[()] / 365 == pytest.approx(24)
    assert own.power_usd_per_year(10, 0.10, 0.5)[()] == pytest.approx(4_380)
    assert own.colo_usd_per_year(10, 300)[()] == pytest.approx(36_000)
    assert own.colo_usd_per_year(14, 1_000)[()] / 12 == pytest.approx(14_000)


def test_tco_table_by_hand():
    t = own.tco_by_year(255_000, 3, 10, 0.10, 0.30, 60_000, 25_000, 80_000, 0.05)
    assert list(t.columns) == ["Year 1", "Year 2", "Year 3", "3-year total"]
    assert t.loc["Hardware (amortised)", "Year 2"] == pytest.approx(85_000)
    # Power grows 5% a year: 8,760, 9,198, 9,657.9; cooling is 30% of each.
    assert t.loc["Power", "3-year total"] == pytest.approx(8_760 * (1 + 1.05 + 1.05**2))
    assert t.loc["Cooling", "Year 3"] == pytest.approx(0.3 * 8_760 * 1.05**2)
    assert t.loc["Colo space", "Year 3"] == pytest.approx(66_150)
    assert t.loc["Maintenance + support", "Year 3"] == pytest.approx(25_000)  # flat contract
    assert t.loc["Ops engineer (allocated)", "3-year total"] == pytest.approx(252_200)
    assert t.loc["Total", "3-year total"] == pytest.approx(t.loc[list(own.TCO_LINES), "3-year total"].sum())


def test_tco_rejects_fractional_years():
    with pytest.raises(ValueError):
        own.tco_by_year(1, 2.5, 1, 0.1, 0, 0, 0, 0)


def test_owned_vs_rented_by_hand():
    # $255k over 3 years + power 8,760 x 1.3 + colo 60,000 + maintenance 10% of capex + ops 80,000.
    r = own.owned_vs_rented(255_000, 3, 10, 0.10, 0.30, 500, 0.10, 80_000, 1, 20)
    per_year = 85_000 + 11_388 + 60_000 + 25_500 + 80_000
    assert r["owned_usd"] == pytest.approx(3 * per_year)
    assert r["rented_usd"] == pytest.approx(3 * 175_200)
    assert r["breakeven_usd_per_hour"] == pytest.approx(per_year / 8_760)
    # One $250k engineer over 10 boxes is $25k a box.
    shared = own.owned_vs_rented(255_000, 3, 10, 0.10, 0.30, 500, 0.10, 250_000, 10, 20)
    assert shared["owned_usd"] == pytest.approx(3 * (per_year - 80_000 + 25_000))


def test_breakeven_years_by_hand():
    # $300k up front, $100k a year to run, $175.2k a year to rent: 300 / 75.2 = 3.99 years.
    assert own.breakeven_years(300_000, 100_000, 175_200)[()] == pytest.approx(300_000 / 75_200)
    assert math.isinf(own.breakeven_years(300_000, 180_000, 175_200)[()])
    assert own.cumulative_owned_usd(300_000, 100_000, 2)[()] == pytest.approx(500_000)


def test_tokens_and_cost_per_token_by_hand():
    # The guide's H200 example: 5,000 x 500 tokens a second at 50% = 3.942e13 tokens a year.
    tokens = own.tokens_per_year(5_000 * 500, 0.5)[()]
    assert tokens == pytest.approx(3.942e13)
    assert own.usd_per_mtok_from_yearly(158_264, tokens)[()] == pytest.approx(158_264 / 3.942e7)


def test_selfhost_what_if_by_hand():
    r = own.selfhost_what_if(20, 3_000, 15_000, 1.0, 0, 1)
    assert r["usd_per_year"] == pytest.approx(175_200)
    assert r["usd_per_mtok_output"] == pytest.approx(20 / 3600 / 3000 * 1e6)  # $1.85
    assert r["usd_per_mtok_input"] == pytest.approx(20 / 3600 / 15000 * 1e6)  # $0.37
    assert r["usd_per_mtok_blended"] == pytest.approx(20 / 3600 / 18000 * 1e6)  # $0.309
    ops = own.selfhost_what_if(20, 3_000, 15_000, 0.3, 500_000, 1)
    assert ops["usd_per_mtok_output"] == pytest.approx(675_200 / (3_000 * 3600 * 8760 * 0.3) * 1e6)  # $23.79


def test_breakeven_utilisation_and_clusters_by_hand():
    # Full-load blended $0.309 against a $0.677 hosted price: 45.6% utilisation.
    u = own.breakeven_utilisation(20, 18_000, 0.6766666666666666)[()]
    assert u == pytest.approx((20 / 3600 / 18000 * 1e6) / 0.6766666666666666)
    # $500k of ops within 10% of $175.2k rent per cluster: 500 / 17.52 = 28.5 -> 29 clusters.
    assert own.clusters_for_ops_share(20, 500_000, 0.10)[()] == 29
    assert own.clusters_for_ops_share(20, 0, 0.10)[()] == 1


@pytest.mark.parametrize("bad", [
    lambda: own.power_usd_per_year(-1, 0.1),
    lambda: own.power_usd_per_year(1, 0.1, 1.5),
    lambda: own.owned_usd_per_year(1, 0, 1, 0.1, 0, 0, 0, 0),
    lambda: own.owned_usd_per_year(1, 1, 1, 0.1, 0, 0, 0, 0, 0.5),
    lambda: own.usd_per_mtok_from_yearly(1, 0),
    lambda: own.breakeven_utilisation(20, 3000, 0),
    lambda: own.clusters_for_ops_share(20, 1, 0),
])
def test_bad_inputs_are_refused(bad):
    with pytest.raises(ValueError):
        bad()


def test_guide_tables_load_and_agree_with_each_other():
    tco = tables.load_tco_scenarios().set_index("scenario_id")
    platforms = tables.load_hardware_platforms().set_index("platform_id")
    assert set(tco["platform_id"]) <= set(platforms.index)
    base = tco.loc["guide-3yr-8xh100"]
    p = platforms.loc[base["platform_id"]]
    assert p["capex_usd_low"] <= base["capex_usd"] <= p["capex_usd_high"]
    colo = tables.load_colo_prices().iloc[0]
    rate = base["colo_usd_per_year"] / (base["power_kw"] * 12)
    assert colo["usd_per_kw_month_low"] <= rate <= colo["usd_per_kw_month_high"]


money = st.floats(min_value=0, max_value=1e7, allow_nan=False)
positive = st.floats(min_value=0.01, max_value=1e4, allow_nan=False)


@given(capex=money, years=st.integers(1, 10), kw=positive, kwh=st.floats(0.01, 1.0), cool=st.floats(0, 1),
       colo=money, maint=money, ops=money, esc=st.floats(0, 0.2))
def test_tco_total_is_the_sum_of_its_lines(capex, years, kw, kwh, cool, colo, maint, ops, esc):
    t = own.tco_by_year(capex, years, kw, kwh, cool, colo, maint, ops, esc)
    total = t.loc["Total", f"{years}-year total"]
    assert total == pytest.approx(t.iloc[:-1, :-1].to_numpy().sum(), rel=1e-9, abs=1e-6)
    # Hardware always sums back to the purchase price.
    assert t.loc["Hardware (amortised)", f"{years}-year total"] == pytest.approx(capex, rel=1e-9, abs=1e-6)


@given(boxes=st.floats(1, 100), more=st.floats(0, 100), kwh=st.floats(0.01, 1.0), extra=st.floats(0, 1.0))
def test_sharing_ops_and_dearer_power_move_the_right_way(boxes, more, kwh, extra):
    args = dict(capex_usd=255_000, years=3, power_kw=10, cooling_overhead_frac=0.3, colo_usd_per_kw_month=500,
                maintenance_frac_of_capex=0.1, ops_engineer_usd_per_year=250_000)
    a = own.owned_usd_per_year(usd_per_kwh=kwh, boxes_per_engineer=boxes, **args)
    b = own.owned_usd_per_year(usd_per_kwh=kwh, boxes_per_engineer=boxes + more, **args)
    c = own.owned_usd_per_year(usd_per_kwh=kwh + extra, boxes_per_engineer=boxes, **args)
    assert b <= a + 1e-6
    assert c >= a - 1e-6


@given(hourly=st.floats(0.5, 200), tps=st.floats(10, 1e5), util=st.floats(0.01, 1.0), ops=money,
       clusters=st.floats(1, 100))
def test_breakeven_utilisation_is_where_costs_meet(hourly, tps, util, ops, clusters):
    # At the break-even utilisation the self-hosted cost equals the hosted price used to find it.
    hosted = float(selfhost.selfhost_usd_per_mtok(hourly, tps, util, ops, clusters))
    u = own.breakeven_utilisation(hourly, tps, hosted, ops, clusters)[()]
    assert u == pytest.approx(util, rel=1e-9)


@given(capex=st.floats(1, 1e7), opex=money, rent=money)
def test_owning_and_renting_cost_the_same_at_breakeven(capex, opex, rent):
    y = own.breakeven_years(capex, opex, rent)[()]
    if np.isfinite(y):
        assert own.cumulative_owned_usd(capex, opex, y)[()] == pytest.approx(rent * y, rel=1e-9)
    else:
        assert rent <= opex


# --- The crossover ------------------------------------------------------------------------------

def test_breakeven_spend_and_tokens_by_hand():
    # $500k of ops, API $1.00 per M, self-hosted $0.50 per M: T = 500k / 0.5 = 1e6 M tokens, spend $1M.
    assert own.breakeven_spend_usd_per_year(1.0, 0.5, 500_000)[()] == pytest.approx(1_000_000)
    assert own.breakeven_tokens_per_year(1.0, 0.5, 500_000)[()] == pytest.approx(1e12)
    # A self-hosted token dearer than the API's never breaks even.
    assert math.isinf(own.breakeven_spend_usd_per_year(1.0, 1.2, 500_000)[()])
    with pytest.raises(ValueError):
        own.breakeven_spend_usd_per_year(0.0, 0.5, 1)


def test_simulated_load_is_seeded_and_has_the_asked_mean():
    a = own.simulated_load_tokens_per_s(7, 28, 150_000)
    b = own.simulated_load_tokens_per_s(7, 28, 150_000)
    assert a.shape == (28 * 24,)
    np.testing.assert_array_equal(a, b)
    assert a.mean() == pytest.approx(150_000)
    assert not np.array_equal(a, own.simulated_load_tokens_per_s(8, 28, 150_000))
    with pytest.raises(ValueError):
        own.simulated_load_tokens_per_s(1, 0, 1)


def test_hybrid_by_hand():
    # Two hours at 10 and 30 tokens/s; one cluster of 20 tokens/s serves 10 + 20, 10 overflow in hour 2.
    t = own.hybrid_cost_usd([10, 30], [0, 1], 20, hourly_usd=1.0, hosted_usd_per_mtok=1e6, ops_usd_per_year=100)
    year_scale = 8_760 / 2
    assert t.loc[0, "hosted_usd"] == pytest.approx(40 * 3600 * year_scale)  # $1 a token
    assert t.loc[1, "hosted_usd"] == pytest.approx(10 * 3600 * year_scale)
    assert t.loc[1, "owned_usd"] == pytest.approx(8_760 + 100)
    assert t.loc[1, "self_hosted_share"] == pytest.approx(30 / 40)
    assert t.loc[1, "utilisation"] == pytest.approx(30 / 40)
    assert math.isnan(t.loc[0, "utilisation"])


@given(seed=st.integers(0, 1000), k=st.integers(0, 30))
def test_hybrid_owned_plus_overflow_covers_every_token(seed, k):
    load = own.simulated_load_tokens_per_s(seed, 7, 100_000)
    t = own.hybrid_cost_usd(load, [k], 18_000, 20, 0.7, 500_000).iloc[0]
    assert 0 <= t["self_hosted_share"] <= 1 + 1e-12
    # Overflow priced at the API rate is exactly the unserved share of an all-API bill.
    all_api = own.hybrid_cost_usd(load, [0], 18_000, 20, 0.7, 500_000).iloc[0]["hosted_usd"]
    assert t["hosted_usd"] == pytest.approx(all_api * (1 - t["self_hosted_share"]), rel=1e-9, abs=1e-6)


@given(p=st.floats(0.05, 50), c=st.floats(0, 50), ops=st.floats(0, 1e7))
def test_breakeven_spend_is_where_bills_meet(p, c, ops):
    spend = own.breakeven_spend_usd_per_year(p, c, ops)[()]
    if np.isfinite(spend):
        tokens_m = spend / p
        assert ops + tokens_m * c == pytest.approx(spend, rel=1e-9, abs=1e-6)
        assert spend >= ops - 1e-6
    else:
        assert c >= p


def test_example_year_prices_tokens_from_requests_and_from_throughput():
    scenarios = tables.load_tco_scenarios()
    tco = scenarios[scenarios["utilisation"].notna() & scenarios["requests_per_s"].notna()].iloc[0]
    year = own.example_year(tco, 4500.0, 0.25)
    assert year["tokens_tps"] == pytest.approx(4500.0 * tco["utilisation"] * 365 * 86400)
    assert year["mtok_tps"] == pytest.approx(year["per_year"] / year["tokens_tps"] * 1e6)
    assert year["mtok_tps_25"] == pytest.approx(year["per_year"] / (4500.0 * 0.25 * 365 * 86400) * 1e6)


def _node(low, high, gpus):
    return pd.Series({"capex_usd_low": low, "capex_usd_high": high, "accelerators_per_node": gpus})


def test_board_price_is_its_gpus_plus_the_superchips_cpu_side_by_hand():
    # 2 GPUs at $400k/8 = $50k each, plus a $40k superchip less its $240k/8 = $30k GPU: $110k.
    lo, hi = own.board_capex_usd(_node(400_000, 480_000, 8), _node(40_000, 50_000, 1), _node(240_000, 280_000, 8), 2)
    assert (lo, hi) == pytest.approx((110_000, 2 * 60_000 + 50_000 - 35_000))
    with pytest.raises(ValueError):  # a superchip cheaper than its own GPU has no CPU side
        own.board_capex_usd(_node(400_000, 480_000, 8), _node(20_000, 50_000, 1), _node(240_000, 280_000, 8), 2)


def test_rack_is_its_boards_and_per_gpu_divides_by_hand():
    assert own.rack_from_boards_usd(_node(100, 200, 2), _node(0, 0, 72)) == pytest.approx((3_600, 7_200))
    assert own.per_gpu_range_usd(_node(300_000, 360_000, 8)) == pytest.approx((37_500, 45_000))


def test_line_item_share_and_cost_multiple():
    table = own.tco_by_year(300_000, 3, 10, 0.10, 0.3, 36_000, 0, 0)
    share = own.line_item_share(table, ["Power", "Cooling", "Colo space"], "3-year total")
    assert share == pytest.approx((8_760 * 1.3 + 36_000) / (100_000 + 8_760 * 1.3 + 36_000))
    assert own.cost_multiple(0.5, np.array([0.25, 0.1])) == pytest.approx([2, 5])
    with pytest.raises(ValueError):
        own.cost_multiple(0.5, 0)
