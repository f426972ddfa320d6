"""lib.costs.faq: hand-computed cases and invariants for the FAQ formulas."""

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from lib.costs import faq


def test_forecast_is_the_one_liner_times_the_safety_factor():
    # 1,000 users x 30 requests x (1,000 in x $3/M + 200 out x $15/M) = 30,000 x $0.006 = $180; x 2 = $360
    assert float(faq.forecast_monthly_usd(1_000, 30, 1_000, 200, 3, 15, 2.0)) == pytest.approx(360.0)
    with pytest.raises(ValueError):
        faq.forecast_monthly_usd(1, 1, 1, 1, 1, 1, 0.5)


def test_forecast_what_if_gives_cover_and_verdict():
    out = faq.forecast_what_if(1_000, 30, 1_000, 200, 3, 15, revenue_per_user_month=1.0)
    assert out["per_user_usd"] == pytest.approx(0.36)
    assert out["cover"] == pytest.approx(1 / 0.36)
    assert out["verdict"] == "shaky"
    assert faq.forecast_what_if(1_000, 30, 1_000, 200, 3, 15, revenue_per_user_month=2.0)["verdict"] == "sound"
    assert faq.forecast_what_if(0, 30, 1_000, 200, 3, 15, revenue_per_user_month=1.0)["cover"] == math.inf


def test_annual_factor_and_drop():
    assert float(faq.annual_factor(8, 3)) == pytest.approx(2.0)
    assert float(faq.annual_factor(10, 1)) == pytest.approx(10.0)
    assert float(faq.drop_to_factor(0.5)) == pytest.approx(2.0)
    assert float(faq.drop_to_factor(0.8)) == pytest.approx(5.0)
    with pytest.raises(ValueError):
        faq.drop_to_factor(1.0)
    with pytest.raises(ValueError):
        faq.annual_factor(0, 1)


def test_output_error_cost_change_by_hand():
    # 3 input per output token, output 5x the input price: cost 3 + 5 = 8; doubling output adds 5 -> 62.5%
    assert float(faq.output_error_cost_change(3, 5)) == pytest.approx(5 / 8)
    assert float(faq.output_error_cost_change(10, 4)) == pytest.approx(4 / 14)
    assert float(faq.output_error_cost_change(3, 5, 1.0)) == 0.0


def test_agent_input_tokens_by_hand():
    # 4 calls, base 100, +10 per call: 100 + 110 + 120 + 130 = 460
    assert float(faq.agent_input_tokens(4, 100, 10)) == pytest.approx(460)
    # window 1: 100 + 110 + 110 + 110 = 430
    assert float(faq.agent_input_tokens(4, 100, 10, 1)) == pytest.approx(430)
    # window 0: no history at all
    assert float(faq.agent_input_tokens(4, 100, 10, 0)) == pytest.approx(400)
    # a window wider than the task is no compaction
    assert float(faq.agent_input_tokens(4, 100, 10, 50)) == pytest.approx(460)


@given(n=st.integers(1, 200), base=st.floats(0, 1e4), add=st.floats(0, 1e4), w=st.integers(0, 300))
def test_agent_compaction_never_reads_more(n, base, add, w):
    full = float(faq.agent_input_tokens(n, base, add))
    windowed = float(faq.agent_input_tokens(n, base, add, w))
    brute = sum(base + min(k, w) * add for k in range(n))
    assert windowed <= full + 1e-6 * max(1.0, full)
    assert windowed == pytest.approx(brute, rel=1e-9, abs=1e-6)


def test_triage_and_routing_by_hand():
    # cheap model costs 1/25 of the strong one, 15% escalate: 1 - (0.04 + 0.15) = 81%
    assert float(faq.triage_saving_frac(0.15, 0.04)) == pytest.approx(0.81)
    # 70% of queries on a 10x cheaper model: 0.7 x 0.9 = 63%
    assert float(faq.routing_saving_frac(0.7, 10)) == pytest.approx(0.63)
    with pytest.raises(ValueError):
        faq.routing_saving_frac(0.7, 0.5)


@given(s=st.floats(0, 1), k=st.floats(1, 1e4))
def test_routing_saving_is_bounded_by_the_share(s, k):
    saving = float(faq.routing_saving_frac(s, k))
    assert -1e-12 <= saving <= s + 1e-12


def test_breakeven_and_budgets_by_hand():
    assert float(faq.breakeven_units(5_000, 0.005)) == pytest.approx(1_000_000)
    assert float(faq.breakeven_units(5_000, 0)) == math.inf
    assert float(faq.inference_budget_per_day(5_000, 0.10)) == pytest.approx(500 / 365)
    assert float(faq.per_minute_to_daily(0.30)) == pytest.approx(432)
    assert float(faq.blended_minute_usd(0.5, 0.06, 0.24)) == pytest.approx(0.15)
    # $144 a day buys 144 / (500 x $0.005/M) = 57.6M embeddings
    assert float(faq.hosted_embedding_breakeven_per_day(144, 500, 0.005)) == pytest.approx(57.6e6)


@given(acv=st.floats(0, 1e7), share=st.floats(0, 1))
def test_budget_scales_with_acv(acv, share):
    assert float(faq.inference_budget_per_day(2 * acv, share)) == pytest.approx(
        2 * float(faq.inference_budget_per_day(acv, share)), rel=1e-12, abs=1e-12)


def test_vectorised():
    out = faq.annual_factor(np.array([8.0, 27.0]), 3)
    assert np.allclose(out, [2.0, 3.0])


def test_gross_margin_is_the_share_of_price_left_and_can_be_negative():
    assert float(faq.gross_margin_frac(1.0, 0.3)) == pytest.approx(0.7)
    assert float(faq.gross_margin_frac(0.5, 1.0)) == pytest.approx(-1.0)  # selling below cost
    with pytest.raises(ValueError):
        faq.gross_margin_frac(0.0, 1.0)


def test_reasoning_premium_bills_thinking_as_output():
    # 1,000 in at $2/M + 100 out at $8/M = $0.0028; 4,000 thinking at $8/M adds $0.032 -> 12.43x
    got = float(faq.reasoning_premium(2, 8, 1_000, 100, 4_000))
    assert got == pytest.approx((0.0028 + 0.032) / 0.0028)
    assert float(faq.reasoning_premium(2, 8, 1_000, 100, 0)) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        faq.reasoning_premium(2, 8, 0, 0, 10)


@given(st.floats(0.01, 100), st.floats(0.01, 100), st.integers(1, 10_000), st.integers(0, 10_000))
def test_more_thinking_never_costs_less(p_in, p_out, n_in, n_think):
    lo = float(faq.reasoning_premium(p_in, p_out, n_in, 100, n_think))
    hi = float(faq.reasoning_premium(p_in, p_out, n_in, 100, n_think + 1_000))
    assert hi > lo >= 1.0
