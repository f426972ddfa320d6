"""Hidden costs on top of the API bill: hand-computed cases, invariants, and malformed data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.costs import hidden
from lib.data import tables
from lib.data.validation import DataValidationError
from tests.conftest import BAD_DATA

RATES = tables.load_hidden_costs()


def rows(*cost_ids: str) -> pd.DataFrame:
    return RATES[RATES["cost_id"].isin(cost_ids)].reset_index(drop=True)


def workload(**changes: float) -> hidden.Workload:
    base = dict(api_usd_per_month=100_000.0, requests_per_month=10_000_000.0, payload_bytes_per_request=15_000,
                logged_share=0.1, suite_calls_per_year=600_000, judge_calls_per_year=600_000,
                failure_rate=0.01, fallback_rate=0.005, prompts=20, migrations_per_year=1,
                engineer_week_usd=5_000)
    base.update(changes)
    return hidden.Workload(**base)


# --- worked values by hand -----------------------------------------------------------------------

def test_egress_is_gigabytes_times_rate():
    # 10M requests x 15 kB = 150 GB; at $0.05-$0.12/GB = $7.50-$18.
    c = hidden.monthly_costs(rows("egress-hyperscaler"), workload())
    assert c["quantity_per_month"][0] == pytest.approx(150.0)
    assert c["usd_per_month_low"][0] == pytest.approx(7.5)
    assert c["usd_per_month_high"][0] == pytest.approx(18.0)


def test_no_egress_inside_the_cloud():
    c = hidden.monthly_costs(rows("egress-hyperscaler"), workload(egress_share=0.0))
    assert c["usd_per_month_high"][0] == 0


def test_observability_per_logged_request_follows_sampling():
    # 10% of 10M = 1M logged requests at $0.0001-$0.001 = $100-$1,000.
    c = hidden.monthly_costs(rows("obs-per-request"), workload())
    assert (c["usd_per_month_low"][0], c["usd_per_month_high"][0]) == pytest.approx((100.0, 1_000.0))


def test_guardrail_tokens():
    # 10M requests x 2 calls x 500 tokens = 10,000 M tokens at $0.50-$1.00 = $5,000-$10,000.
    c = hidden.monthly_costs(rows("guard-tokens"), workload())
    assert (c["usd_per_month_low"][0], c["usd_per_month_high"][0]) == pytest.approx((5_000.0, 10_000.0))


def test_retries_rebill_whole_calls():
    # 1% of a $100k bill re-sent once to three times: $1,000-$3,000.
    c = hidden.monthly_costs(rows("retry-per-failure"), workload())
    assert (c["usd_per_month_low"][0], c["usd_per_month_high"][0]) == pytest.approx((1_000.0, 3_000.0))


def test_eval_suite_and_judge():
    # 600k suite calls a year at $0.01 = $500/month; 600k judge calls at $0.05 = $2,500/month,
    # plus 1% of 10M live requests judged = 100k x $0.05 = $5,000.
    c = hidden.monthly_costs(rows("eval-suite", "eval-judge"), workload(judged_share=0.01))
    assert c.set_index("cost_id")["usd_per_month_low"].to_dict() == pytest.approx(
        {"eval-suite": 500.0, "eval-judge": 7_500.0})


def test_fixed_costs_and_shares():
    # Compliance $50k-$300k a year; lock-in 20 prompts x $800-$6,000, once a year.
    c = hidden.monthly_costs(rows("compliance-audit", "lockin-per-prompt"), workload()).set_index("cost_id")
    assert c.loc["compliance-audit", "usd_per_month_low"] == pytest.approx(50_000 / 12)
    assert c.loc["lockin-per-prompt", "usd_per_month_high"] == pytest.approx(20 * 6_000 / 12)
    assert c.loc["compliance-audit", "share_high"] == pytest.approx(25_000 / 100_000)


def test_share_of_bill_row_and_unpriced_row():
    c = hidden.monthly_costs(rows("obs-share", "cold-start"), workload()).set_index("cost_id")
    assert c.loc["obs-share", "usd_per_month_low"] == pytest.approx(5_000.0)
    assert c.loc["cold-start", "usd_per_month_high"] == 0


def test_book_rows_are_one_per_vector():
    used = hidden.book_rows(RATES)
    assert used["vector"].is_unique


def test_by_vector_merges_judge_into_eval():
    v = hidden.by_vector(hidden.monthly_costs(rows("eval-suite", "eval-judge"), workload()))
    assert list(v["vector"]) == ["eval"]
    assert v["usd_per_month_low"][0] == pytest.approx(3_000.0)


def test_unknown_vector_and_unit_is_refused():
    bad = rows("egress-hyperscaler").assign(rate_unit="usd_per_call")
    with pytest.raises(KeyError, match="no driver"):
        hidden.monthly_costs(bad, workload())


def test_workload_refuses_impossible_shares():
    with pytest.raises(ValueError, match="failure_rate"):
        workload(failure_rate=1.5)
    with pytest.raises(ValueError, match="must not be negative"):
        workload(prompts=-1)


def test_guide_small_figures():
    assert hidden.retry_multiplier(1.0, 1) == 2
    assert hidden.retry_multiplier(0.01, 3) == pytest.approx(1.03)
    assert hidden.fallback_reliability(0.995, 0.995) == pytest.approx(0.999975)
    assert hidden.history_tokens(10, 1_500) == 82_500  # 1,500 x (1 + 2 + ... + 10)
    assert hidden.history_tokens(10, 1_500, carry_history=False) == 15_000
    assert hidden.inertia_premium(0.30) == pytest.approx(0.428571, rel=1e-5)


def test_independent_retries_stop_at_the_first_success():
    # Three retries at 1 % per attempt: 1 + 0.01 + 0.0001 + 0.000001 billed attempts, not 1.03.
    assert hidden.independent_retry_multiplier(0.01, 3) == pytest.approx(1.010101)
    assert hidden.independent_retry_multiplier(0.01, 1) == pytest.approx(1.01)
    assert hidden.independent_retry_multiplier(0.2, 0) == 1.0
    # A call that always fails is retried every time: the guide's model is the p = 1 case.
    assert hidden.independent_retry_multiplier(1.0, 10) == hidden.retry_multiplier(1.0, 10) == 11
    # More retries never cost less, and never more than the guide's all-retries-fail model.
    for p in (0.001, 0.05, 0.5):
        costs = [hidden.independent_retry_multiplier(p, n) for n in range(6)]
        assert costs == sorted(costs)
        assert all(c <= hidden.retry_multiplier(p, n) + 1e-12 for n, c in enumerate(costs))
        assert costs[-1] <= 1 / (1 - p) + 1e-12  # never above the geometric series' limit
    with pytest.raises(ValueError):
        hidden.independent_retry_multiplier(1.2, 2)
    with pytest.raises(ValueError):
        hidden.independent_retry_multiplier(0.1, 1.5)


def test_what_if_scales_requests_with_the_bill():
    w = workload()
    doubled = hidden.what_if(RATES, w, api_usd_per_month=200_000.0).set_index("vector")
    base = hidden.what_if(RATES, w).set_index("vector")
    assert doubled.loc["egress", "usd_per_month_high"] == pytest.approx(2 * base.loc["egress", "usd_per_month_high"])
    assert doubled.loc["compliance", "usd_per_month_high"] == pytest.approx(base.loc["compliance", "usd_per_month_high"])


# --- invariants (hypothesis) ---------------------------------------------------------------------

shares = st.floats(min_value=0, max_value=1, allow_nan=False)
bills = st.floats(min_value=1_000, max_value=1e8, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(bill=bills, new_bill=bills, failure=shares, new_failure=shares, logged=shares)
def test_scaling_terms_rebuild_the_calculator(bill, new_bill, failure, new_failure, logged):
    """What the page's chart computes from the terms equals the calculator at that bill and failure rate."""
    used = hidden.book_rows(RATES)
    w = workload(api_usd_per_month=bill, requests_per_month=bill * 100, failure_rate=failure, logged_share=logged)
    terms = hidden.scaling_terms(used, w)
    moved = workload(api_usd_per_month=new_bill, requests_per_month=new_bill * 100, failure_rate=new_failure,
                     logged_share=logged)
    direct = hidden.monthly_costs(used, moved)
    for end in ("low", "high"):
        np.testing.assert_allclose(hidden.from_terms(terms, new_bill, new_failure, end),
                                   direct[f"usd_per_month_{end}"].to_numpy(), rtol=1e-9, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(bill=bills, failure=shares, judged=shares, egress=shares)
def test_low_end_never_above_high_end_and_costs_not_negative(bill, failure, judged, egress):
    c = hidden.monthly_costs(RATES, workload(api_usd_per_month=bill, requests_per_month=bill * 50,
                                             failure_rate=failure, judged_share=judged, egress_share=egress))
    assert (c["usd_per_month_low"] >= 0).all()
    assert (c["usd_per_month_low"] <= c["usd_per_month_high"] + 1e-9).all()


@settings(max_examples=60, deadline=None)
@given(f1=shares, f2=shares)
def test_more_failures_never_cost_less(f1, f2):
    lo, hi = sorted((f1, f2))
    a = hidden.total_overhead(hidden.monthly_costs(hidden.book_rows(RATES), workload(failure_rate=lo)))
    b = hidden.total_overhead(hidden.monthly_costs(hidden.book_rows(RATES), workload(failure_rate=hi)))
    assert a[0] <= b[0] + 1e-9 and a[1] <= b[1] + 1e-9


@given(turns=st.integers(min_value=1, max_value=200), tokens=st.floats(min_value=1, max_value=1e5))
def test_carried_history_never_cheaper_than_a_window(turns, tokens):
    assert hidden.history_tokens(turns, tokens) >= hidden.history_tokens(turns, tokens, carry_history=False)


# --- malformed data ------------------------------------------------------------------------------

def test_bad_hidden_costs_file_names_file_row_column_and_reason():
    path = BAD_DATA / "hidden_costs_bad.csv"
    with pytest.raises(DataValidationError) as info:
        tables.load_hidden_costs(path)
    problems = [str(p) for p in info.value.problems]
    expected = [
        "row 1 (line 2), column 'rate_low': rate_low 0.12 is above rate_high 0.05",
        "row 2 (line 3), column 'rate_high': 5.0 is above 1 for a share of the API bill",
        "row 4 (line 5), column 'rate_low': rate_low is blank but rate_unit is 'usd_per_gb'",
    ]
    for text in expected:
        assert any(str(path) in p and text in p for p in problems), (text, problems)


def test_hidden_costs_is_validated_with_the_data_dir():
    assert "hidden_costs.csv" in tables.TABLES


# --- rate limits -----------------------------------------------------------------------------------

def test_rate_limit_overshoot_by_hand():
    limits = tables.load_rate_limits()
    # 1,000 requests a minute of 800 in + 300 out = 1.1M tokens a minute.
    o = hidden.rate_limit_overshoot(limits, 1_000, 800, 300).set_index("limit_id")
    assert o.loc["openai-gpt-4o-tier1", "overshoot"] == pytest.approx(1_100_000 / 30_000)
    assert o.loc["openai-gpt-4o-tier1", "binding"] == "tokens"
    assert o.loc["anthropic-sonnet-tier1", "overshoot"] == pytest.approx(300_000 / 10_000)
    assert o.loc["anthropic-sonnet-tier1", "binding"] == "output tokens"
    assert o.loc["google-gemini-pro-default", "overshoot"] == pytest.approx(1_000 / 360)
    assert "openai-tier5" not in o.index  # no caps given for it


@given(rpm=st.floats(min_value=0.1, max_value=1e6), k=st.floats(min_value=1, max_value=100))
def test_overshoot_scales_with_load(rpm, k):
    limits = tables.load_rate_limits()
    a = hidden.rate_limit_overshoot(limits, rpm, 800, 300)["overshoot"].to_numpy()
    b = hidden.rate_limit_overshoot(limits, rpm * k, 800, 300)["overshoot"].to_numpy()
    np.testing.assert_allclose(b, a * k, rtol=1e-9)


def test_bad_rate_limits_file_names_file_row_column_and_reason():
    path = BAD_DATA / "rate_limits_bad.csv"
    with pytest.raises(DataValidationError) as info:
        tables.load_rate_limits(path)
    assert any(str(path) in str(p) and "row 1 (line 2), column 'requests_per_min': 'five hundred' is not a number"
               in str(p) for p in info.value.problems), info.value.problems
