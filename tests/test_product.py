"""Product unit economics (lib.costs.product): the guide's worked examples by hand, and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.book import figures
from lib.costs import product
from lib.data import tables
from lib.data.validation import DataValidationError
from tests.conftest import BAD_DATA, ROOT


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    return tables.load_api_prices(ROOT / "data" / "api_prices.csv")


@pytest.fixture(scope="module")
def products() -> pd.DataFrame:
    return tables.load_product_examples(ROOT / "data" / "product_examples.csv")


def _sonnet(prices: pd.DataFrame) -> pd.DataFrame:
    return prices[prices["price_id"] == "anthropic-claude-sonnet-4-6"].reset_index(drop=True)


# --- worked values -------------------------------------------------------------------------

def test_chat_message_by_hand(prices):
    # 800 x $3/M + 300 x $15/M = $0.0024 + $0.0045.
    cost = product.request_cost_usd(_sonnet(prices), calls_per_request=[1], input_tokens_per_call=[800],
                                    output_tokens_per_call=[300])
    assert cost == pytest.approx([0.0069])


def test_support_ticket_is_five_rounds(prices):
    # 5 x (2,000 x $3/M + 500 x $15/M) = 5 x $0.0135.
    cost = product.request_cost_usd(_sonnet(prices), calls_per_request=[5], input_tokens_per_call=[2000],
                                    output_tokens_per_call=[500])
    assert cost == pytest.approx([0.0675])


def test_cached_input_by_hand(prices):
    # 70% of 800 input read at $0.30/M, 30% at $3/M, output unchanged: 168 + 720 + 4,500 micro-dollars.
    cost = product.request_cost_usd(_sonnet(prices), calls_per_request=[1], input_tokens_per_call=[800],
                                    output_tokens_per_call=[300], cached_input_frac=0.7)
    assert cost == pytest.approx([(560 * 0.30 + 240 * 3 + 300 * 15) / 1e6])
    with pytest.raises(ValueError):
        product.request_cost_usd(_sonnet(prices), calls_per_request=[1], input_tokens_per_call=[800],
                                 output_tokens_per_call=[300], cached_input_frac=1.5)


def test_product_economics_of_the_guide_examples(products, prices):
    econ = product.product_economics(products, prices).set_index("product_id")
    assert econ.loc["chat_saas", "usd_per_user_month"] == pytest.approx(0.345)
    assert econ.loc["chat_saas", "gross_margin"] == pytest.approx(1 - 0.345 / 9.99)
    assert econ.loc["support_agent", "usd_per_year"] == pytest.approx(67_500)
    assert econ.loc["research_tool", "usd_per_request"] == pytest.approx(0.315)
    assert econ.loc["research_tool", "gross_margin"] == pytest.approx(1 - 31.5 / 99)
    # Visual search is priced at the guide's GPT-4o vision rates ($5/$20), not the GPT-4o list price.
    assert econ.loc["visual_search", "usd_per_month"] == pytest.approx((1030 * 5 + 200 * 20) / 1e6 * 1e6)
    assert econ.loc["b2b_saas", "requests_per_month"] == 20_000_000
    assert econ.loc["b2b_saas", "usd_per_month"] == pytest.approx(90_000)
    assert econ.loc["b2b_saas", "revenue_usd_per_month"] == pytest.approx(5_000_000)
    # No seat price: no margin, never a guessed one.
    assert np.isnan(econ.loc["support_agent", "gross_margin"])


def test_a_product_follows_the_price_row_the_book_uses(products, prices):
    # A refreshed snapshot marks its own row as the one used: the product must follow it.
    moved = prices.copy()
    moved["book_uses"] = moved["book_uses"] & (moved["price_id"] != "anthropic-claude-sonnet-4-6")
    extra = moved[moved["price_id"] == "anthropic-claude-sonnet-4-6"].assign(
        price_id="sonnet-new", book_uses=True, input_usd_per_mtok=6.0)
    econ = product.product_economics(products, pd.concat([moved, extra], ignore_index=True)).set_index("product_id")
    assert econ.loc["chat_saas", "usd_per_request"] == pytest.approx((800 * 6 + 300 * 15) / 1e6)


def test_unknown_model_is_named(products, prices):
    bad = products.assign(model="No Such Model")
    with pytest.raises(KeyError, match="No Such Model"):
        product.product_economics(bad, prices)


def test_free_tier_by_hand():
    # The guide: 5% conversion -> 19 free users per paid user; at $0.35 each, $6.65.
    assert product.free_users_per_paid(0.05) == pytest.approx(19)
    assert product.free_cost_per_paid_user(0.05, 0.35) == pytest.approx(6.65)
    # Budget $3 per paying user, free user $0.35: c = 0.35 / 3.35.
    assert product.break_even_conversion(0.35, 3.0) == pytest.approx(0.35 / 3.35)
    assert np.isnan(product.break_even_conversion(0.35, 0.0))
    with pytest.raises(ValueError):
        product.free_users_per_paid(0)


def test_margin_change_in_points():
    # $0.345 -> $0.092 on a $9.99 seat: +2.53 percentage points.
    assert product.margin_change(0.345, 0.092, 9.99) == pytest.approx((0.345 - 0.092) / 9.99)


def test_your_product_by_hand():
    r = product.your_product(users=1000, requests_per_user_per_month=50, input_tokens=800, output_tokens=300,
                             input_usd_per_mtok=3, output_usd_per_mtok=15, seat_usd_per_month=9.99,
                             paying_frac=0.05, free_usage_frac=0.5)
    assert r["usd_per_user_month"] == pytest.approx(0.345)
    # 50 paying users at full use, 950 free ones at half: 525 user-equivalents.
    assert r["usd_per_month"] == pytest.approx(0.345 * 525)
    assert r["revenue_usd_per_month"] == pytest.approx(50 * 9.99)


def test_percentage_points_read_as_points():
    assert figures.format_value(0.026, "signed_pp") == "+2.6 pp"
    assert figures.format_value(-0.16, "signed_pp") == "\u221216 pp"
    assert figures.format_value(0.0, "signed_pp") == "0 pp"


# --- invariants ----------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(c=st.floats(0.001, 1.0), f=st.one_of(st.just(0.0), st.floats(1e-6, 100.0)), b=st.floats(0.01, 1000.0))
def test_break_even_conversion_meets_the_budget_exactly(c, f, b):
    even = float(product.break_even_conversion(f, b))
    assert 0 <= even < 1
    if even > 0:
        assert float(product.free_cost_per_paid_user(even, f)) == pytest.approx(b, rel=1e-9)
    # Above the break-even conversion the free tier costs no more than the budget.
    if c >= even and c > 0:
        assert float(product.free_cost_per_paid_user(c, f)) <= b * (1 + 1e-9)


@settings(max_examples=60, deadline=None)
@given(cost=st.floats(0.0, 100.0), extra=st.floats(0.0, 100.0), seat=st.floats(0.5, 500.0))
def test_a_dearer_user_never_raises_the_margin(cost, extra, seat):
    assert float(product.margin_change(cost, cost + extra, seat)) <= 1e-12
    assert float(product.gross_margin(seat, cost)) <= 1.0


@settings(max_examples=40, deadline=None)
@given(calls=st.integers(1, 20), inp=st.integers(0, 100_000), out=st.integers(0, 20_000), hit=st.floats(0.0, 1.0))
def test_caching_never_raises_a_request_cost(calls, inp, out, hit):
    sonnet = _sonnet(tables.load_api_prices(ROOT / "data" / "api_prices.csv"))
    plain = product.request_cost_usd(sonnet, calls_per_request=[calls], input_tokens_per_call=[inp],
                                     output_tokens_per_call=[out])
    cached = product.request_cost_usd(sonnet, calls_per_request=[calls], input_tokens_per_call=[inp],
                                      output_tokens_per_call=[out], cached_input_frac=hit)
    assert cached[0] <= plain[0] * (1 + 1e-12)
    assert plain[0] == pytest.approx(calls * float(product.request_cost_usd(
        sonnet, calls_per_request=[1], input_tokens_per_call=[inp], output_tokens_per_call=[out])[0]))


# --- bad data -------------------------------------------------------------------------------

def test_a_product_without_volume_names_file_row_column_and_reason():
    path = BAD_DATA / "product_examples_no_volume.csv"
    with pytest.raises(DataValidationError) as info:
        tables.load_product_examples(path)
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith(f"{path}, row 2 (line 3), column 'requests_per_user_per_month'")
               and "the product has no volume" in p for p in problems), problems


def test_round_significant_rounds_where_the_guide_did():
    assert product.round_significant(0.0069, 1) == pytest.approx(0.007)
    assert product.round_significant(0.0675, 2) == pytest.approx(0.068)
    assert product.round_significant(0.345, 2) == pytest.approx(0.35)  # half up, not half to even
    assert product.round_significant(31_496, 2) == pytest.approx(31_000)
    assert product.round_significant(-0.0249, 2) == pytest.approx(-0.025)
    assert product.round_significant(0.0, 3) == 0.0
    with pytest.raises(ValueError):
        product.round_significant(1.0, 0)
