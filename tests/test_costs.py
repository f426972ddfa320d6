"""Cost formulas: worked values by hand, and the invariants every bill must keep (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.costs import api, levers, selfhost
from lib.data import tables

PRICES = tables.load_api_prices(book_rows_only=True)


def row(provider: str, model: str) -> pd.DataFrame:
    r = PRICES[(PRICES["provider"] == provider) & (PRICES["model"] == model)]
    assert len(r) == 1
    return r


SONNET = row("Anthropic", "Claude Sonnet 4.6")
GEMINI_PRO = row("Google", "Gemini 2.5 Pro")
DEEPSEEK_V3 = row("DeepSeek", "DeepSeek V3")
MISTRAL_LARGE = row("Mistral", "Mistral Large 2")


def one(prices: pd.DataFrame, **usage) -> float:
    return float(api.request_cost_usd(prices, **usage)[0])


# --- worked values -------------------------------------------------------------------------

def test_sonnet_reference_request_by_hand():
    # 1,500 x $3/M + 300 x $15/M
    assert one(SONNET, input_tokens=1500, output_tokens=300) == pytest.approx(0.0045 + 0.0045, rel=1e-12)


def test_cache_read_and_writes_at_their_own_rates():
    cost = one(SONNET, input_tokens=500, cached_read_tokens=50_000, cache_write_5m_tokens=1_000,
               cache_write_1h_tokens=2_000, output_tokens=300)
    expected = (500 * 3 + 50_000 * 0.30 + 1_000 * 3.75 + 2_000 * 6 + 300 * 15) / 1e6
    assert cost == pytest.approx(expected, rel=1e-12)


def test_thinking_tokens_bill_as_output():
    with_thinking = one(SONNET, input_tokens=500, output_tokens=800, thinking_tokens=4_500)
    assert with_thinking == pytest.approx(one(SONNET, input_tokens=500, output_tokens=5_300), rel=1e-12)


def test_batch_is_the_stated_discount_and_missing_tier_is_nan():
    full = one(SONNET, input_tokens=1500, output_tokens=300)
    assert one(SONNET, input_tokens=1500, output_tokens=300, batch=True) == pytest.approx(full * 0.5, rel=1e-12)
    assert math.isnan(one(MISTRAL_LARGE, input_tokens=1500, output_tokens=300, batch=True))


def test_missing_cached_rate_is_nan_only_when_used():
    assert math.isnan(one(MISTRAL_LARGE, input_tokens=10, cached_read_tokens=100))
    assert not math.isnan(one(MISTRAL_LARGE, input_tokens=10, cached_read_tokens=0))


def test_long_context_whole_request_and_graduated_readings_of_the_guide():
    whole = one(GEMINI_PRO.assign(long_context_rule="whole_request"), input_tokens=500_000)
    graduated = one(GEMINI_PRO.assign(long_context_rule="above_threshold_only"), input_tokens=500_000)
    assert whole == pytest.approx(500_000 * 2.50 / 1e6, rel=1e-12)  # the guide's $1.25
    assert graduated == pytest.approx((200_000 * 1.25 + 300_000 * 2.50) / 1e6, rel=1e-12)  # the guide's $1.00


def test_long_context_threshold_counts_cached_tokens():
    # 150k fresh + 100k cached = 250k prompt: over the 200k threshold, so every token moves up a tier.
    cost = one(GEMINI_PRO, input_tokens=150_000, cached_read_tokens=100_000, output_tokens=1_000)
    assert cost == pytest.approx((150_000 * 2.50 + 100_000 * 0.625 + 1_000 * 10) / 1e6, rel=1e-12)


def test_at_the_threshold_is_not_over_it():
    assert one(GEMINI_PRO, input_tokens=200_000) == pytest.approx(200_000 * 1.25 / 1e6, rel=1e-12)


def test_offpeak_rates_apply_where_offered():
    assert one(DEEPSEEK_V3, input_tokens=1e6, output_tokens=1e6, offpeak=True) == pytest.approx(0.14 + 0.55)
    assert one(SONNET, input_tokens=1e6, offpeak=True) == pytest.approx(3.0)


def test_negative_tokens_are_refused():
    with pytest.raises(ValueError, match="input token counts must be >= 0"):
        api.request_cost_usd(SONNET, input_tokens=-1)


def test_inclusive_input_is_split():
    assert api.split_inclusive_input(1000, 600, 100) == 300
    with pytest.raises(ValueError):
        api.split_inclusive_input(100, 200)


def test_cost_table_is_sorted_cheapest_first_with_daily_and_monthly():
    table = api.cost_table(PRICES[PRICES["input_usd_per_mtok"] > 0], input_tokens=1500, output_tokens=300,
                           requests_per_day=100_000, days_per_month=30)
    assert table["usd_per_request"].is_monotonic_increasing
    assert np.allclose(table["usd_per_month"], table["usd_per_request"] * 3_000_000)


def test_vectorised_over_models_and_a_grid():
    rates = api.Rates.from_frame(PRICES, as_column=True)
    grid = api.request_cost_usd(rates, input_tokens=np.array([[100, 1_000, 10_000]]), output_tokens=200)
    assert grid.shape == (len(PRICES), 3)
    single = api.request_cost_usd(PRICES, input_tokens=1_000, output_tokens=200)
    np.testing.assert_allclose(grid[:, 1], single)


# --- invariants (hypothesis) ------------------------------------------------------------------

price = st.floats(min_value=0.01, max_value=100, allow_nan=False)
tokens = st.integers(min_value=0, max_value=150_000)
model_index = st.integers(min_value=0, max_value=len(PRICES) - 1)


@settings(max_examples=200, deadline=None)
@given(i=model_index, inp=tokens, out=tokens, k=st.integers(min_value=1, max_value=5))
def test_cost_is_linear_in_tokens_below_thresholds(i, inp, out, k):
    prices = PRICES.iloc[[i]]
    threshold = prices["long_context_threshold_tokens"].iloc[0]
    if pd.notna(threshold) and inp * k > threshold:
        return
    base = one(prices, input_tokens=inp, output_tokens=out)
    assert one(prices, input_tokens=inp * k, output_tokens=out * k) == pytest.approx(k * base, rel=1e-9, abs=1e-15)


@settings(max_examples=200, deadline=None)
@given(i=model_index, cached=tokens, fresh=tokens, out=tokens)
def test_a_cache_hit_never_costs_more_than_a_miss(i, cached, fresh, out):
    prices = PRICES.iloc[[i]]
    if pd.isna(prices["cached_input_usd_per_mtok"].iloc[0]):
        return
    hit = one(prices, input_tokens=fresh, cached_read_tokens=cached, output_tokens=out)
    miss = one(prices, input_tokens=fresh + cached, output_tokens=out)
    assert hit <= miss + 1e-15


@settings(max_examples=200, deadline=None)
@given(i=model_index, inp=tokens, cached=tokens, out=tokens, thinking=tokens)
def test_batch_is_exactly_the_stated_discount(i, inp, cached, out, thinking):
    prices = PRICES.iloc[[i]]
    discount = prices["batch_discount_frac"].iloc[0]
    if pd.isna(prices["cached_input_usd_per_mtok"].iloc[0]):
        cached = 0
    usage = dict(input_tokens=inp, cached_read_tokens=cached, output_tokens=out, thinking_tokens=thinking)
    batch = one(prices, batch=True, **usage)
    if pd.isna(discount):
        assert math.isnan(batch)
    else:
        assert batch == pytest.approx(one(prices, **usage) * (1 - discount), rel=1e-12, abs=1e-15)


@settings(max_examples=200, deadline=None)
@given(over=st.integers(min_value=1, max_value=800_000), out=tokens)
def test_over_the_threshold_the_whole_request_bills_at_the_long_tier(over, out):
    r = GEMINI_PRO.iloc[0]
    prompt = int(r["long_context_threshold_tokens"]) + over
    cost = one(GEMINI_PRO, input_tokens=prompt, output_tokens=out)
    assert cost == pytest.approx((prompt * r["long_input_usd_per_mtok"] + out * r["long_output_usd_per_mtok"]) / 1e6,
                                 rel=1e-12)
    # ... and never less than the same request billed at the base tier.
    assert cost >= (prompt * r["input_usd_per_mtok"] + out * r["output_usd_per_mtok"]) / 1e6


@settings(max_examples=200, deadline=None)
@given(inp=price, out=price, a=tokens, b=tokens)
def test_flat_rates_match_the_table_path(inp, out, a, b):
    flat = api.request_cost_usd(api.Rates.flat([inp], [out]), input_tokens=a, output_tokens=b)[0]
    assert flat == pytest.approx((a * inp + b * out) / 1e6, rel=1e-12, abs=1e-15)


# --- self-hosting and levers ------------------------------------------------------------------

def test_selfhost_guide_working_example():
    # $20/hour, 3,000 output tokens/s, busy all year: $175,200 / 94.6e9 tokens
    assert selfhost.selfhost_usd_per_mtok(20, 3000) == pytest.approx(20 * 8760 / (3000 * 3600 * 8760) * 1e6)
    assert selfhost.selfhost_usd_per_mtok(20, 3000, 0.5) == pytest.approx(2 * selfhost.selfhost_usd_per_mtok(20, 3000))


def test_selfhost_ops_are_shared_across_clusters():
    one_cluster = selfhost.selfhost_usd_per_mtok(20, 3000, 1.0, ops_usd_per_year=500_000)
    ten = selfhost.selfhost_usd_per_mtok(20, 3000, 1.0, ops_usd_per_year=500_000, clusters_sharing_ops=10)
    bare = selfhost.selfhost_usd_per_mtok(20, 3000)
    assert bare < ten < one_cluster


@pytest.mark.parametrize("kwargs", [dict(utilisation=0), dict(utilisation=1.5), dict(tokens_per_s=0),
                                    dict(hourly_usd=-1), dict(clusters_sharing_ops=0.5)])
def test_selfhost_refuses_nonsense(kwargs):
    args = dict(hourly_usd=20, tokens_per_s=3000) | kwargs
    with pytest.raises(ValueError):
        selfhost.selfhost_usd_per_mtok(**args)


@settings(max_examples=200, deadline=None)
@given(hourly=st.floats(0.1, 200), tps=st.floats(1, 50_000), u1=st.floats(0.01, 1.0), u2=st.floats(0.01, 1.0),
       ops=st.floats(0, 2e6))
def test_selfhost_cost_per_token_falls_as_utilisation_rises(hourly, tps, u1, u2, ops):
    lo, hi = sorted((u1, u2))
    c_lo, c_hi = selfhost.selfhost_usd_per_mtok(hourly, tps, [lo, hi], ops)
    assert c_hi <= c_lo
    if hi > lo * (1 + 1e-9):
        assert c_hi < c_lo


def test_lever_stack_of_the_guide():
    assert levers.lever_stack([0.5, 0.5, 0.7, 0.4, 0.6]) == pytest.approx(0.042)
    with pytest.raises(ValueError):
        levers.lever_stack([0.5, 1.2])


def test_lever_waterfall_steps_multiply():
    frame = pd.DataFrame({"lever": ["a", "b"], "multiplier": [0.5, 0.4]})
    wf = levers.lever_waterfall(frame, baseline_usd=100)
    assert list(wf["usd_after"]) == pytest.approx([50, 20])
    assert wf["usd_saved"].sum() == pytest.approx(80)


def test_monthly_cost_formula_and_retry_factor():
    # The guide's opening: 100k users x 20 messages x 1,500 tokens at $5/M = $15,000 a day.
    assert levers.monthly_cost_usd(100_000, 20, 1_500, 0, 5, 20) == pytest.approx(15_000)
    assert levers.monthly_cost_usd(1, 1, 1_000, 100, 3, 15, retry_factor=2) == pytest.approx(2 * 0.0045)
    with pytest.raises(ValueError):
        levers.monthly_cost_usd(1, 1, 1, 1, 1, 1, retry_factor=0.5)


def test_request_cost_ratio_and_its_inverse():
    k = levers.price_ratio_for_request_cost_ratio(16_000, 500, 1_000, 200, 5)
    assert k == pytest.approx(22)
    assert levers.request_cost_ratio(16_000, 500, 1_000, 200, k) == pytest.approx(5)
    assert levers.request_cost_ratio(16_000, 500, 1_000, 200, 5) == pytest.approx(9.25)
