"""Router patterns: the guide's worked example and cost per correct answer by hand, and invariants."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.costs import routing
from lib.data import tables
from lib.data.validation import DataValidationError
from tests.conftest import BAD_DATA

PRICES = tables.load_api_prices()
PATTERNS = tables.load_router_patterns()


def test_worked_example_by_hand():
    # 70M x $0.0005 + 25M x $0.005 + 5M x $0.05 = $35k + $125k + $250k
    assert routing.daily_bill_usd(100e6, [0.7, 0.25, 0.05], [0.0005, 0.005, 0.05]) == pytest.approx(410_000)
    assert routing.daily_bill_usd(100e6, [0.7, 0.25, 0.05], [0.0005, 0.002, 0.05]) == pytest.approx(335_000)
    assert routing.saving_frac(500_000, 335_000) == pytest.approx(0.33)


def test_summary_of_stated_costs_reproduces_the_guide():
    s = routing.summarise(PATTERNS, PATTERNS["stated_usd_per_call"]).set_index("pattern")
    assert s.loc["worked_routing", "saving_frac"] == pytest.approx(0.18)
    assert s.loc["worked_aggressive", "routed_usd"] == pytest.approx(0.00335)


def test_cascade_pays_cheap_try_on_every_query():
    # Flash $0.0002025 on every query + 25% x Sonnet $0.009
    s = routing.summarise(PATTERNS, routing.row_costs_usd(PATTERNS, PRICES)).set_index("pattern")
    assert s.loc["cascade", "routed_usd"] == pytest.approx(0.0002025 + 0.25 * 0.009)
    # quality: 75% kept by Flash at 0.94, 25% escalated at 0.93
    assert s.loc["cascade", "routed_accuracy"] == pytest.approx(0.75 * 0.94 + 0.25 * 0.93)
    assert routing.cascade_cost_usd(0.0002025, 0.009, 0.25)[()] == pytest.approx(0.0024525)


def test_classifier_row_by_hand():
    # GPT-5 nano: 1,500 x $0.10/M + 5 x $0.40/M
    costs = routing.row_costs_usd(PATTERNS[PATTERNS["row_id"] == "cl_classify"], PRICES)
    assert costs[0] == pytest.approx(0.000152)


def test_missing_price_gives_nan_not_a_crash():
    prices = PRICES[PRICES["price_id"] != "openai-gpt-5-nano"]
    s = routing.summarise(PATTERNS, routing.row_costs_usd(PATTERNS, prices)).set_index("pattern")
    assert math.isnan(s.loc["classifier", "routed_usd"])
    assert not math.isnan(s.loc["cascade", "routed_usd"])


def test_cost_per_correct_by_hand():
    # Sonnet $0.009 at 95%: 0.009/0.95 + 0.05/0.95 x $1
    assert routing.cost_per_correct_usd(0.009, 0.95, 1.0)[()] == pytest.approx(0.009 / 0.95 + 0.05 / 0.95)
    # break-even: (0.009/0.95 - 0.0001/0.7) / (1/0.7 - 1/0.95)
    w = routing.wrong_answer_breakeven_usd(0.009, 0.95, 0.0001, 0.7)
    assert w == pytest.approx((0.009 / 0.95 - 0.0001 / 0.7) / (1 / 0.7 - 1 / 0.95))
    assert routing.wrong_answer_breakeven_usd(0.009, 0.7, 0.0001, 0.95) == math.inf
    assert routing.wrong_answer_breakeven_usd(0.0001, 0.95, 0.009, 0.7) == 0.0


def test_guardrail_and_task_cost():
    assert routing.hours_to_alert(10.0)[()] == pytest.approx(3.6)
    assert routing.hours_to_alert(1.2)[()] == math.inf
    assert routing.cost_per_task_usd(0.009, 4, 0.8)[()] == pytest.approx(0.045)
    with pytest.raises(ValueError):
        routing.cost_per_task_usd(0.009, 4, 0)


def test_blend_rejects_shares_not_adding_to_one():
    with pytest.raises(ValueError):
        routing.blended_cost_usd([0.7, 0.2], [1.0, 2.0])


def test_bad_router_file_names_file_row_column_and_reason():
    path = BAD_DATA / "router_patterns_bad.csv"
    with pytest.raises(DataValidationError) as info:
        tables.load_router_patterns(path)
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith(f"{path}, row 2 (line 3), column 'traffic_share'") and "above" in p for p in problems)
    assert any(p.startswith(f"{path}, row 4 (line 5), column 'role'") and "0 baseline rows" in p for p in problems)


costs = st.floats(min_value=0.0, max_value=10.0, allow_nan=False)
accs = st.floats(min_value=0.01, max_value=1.0, allow_nan=False)


@given(c1=costs, a1=accs, c2=costs, a2=accs)
def test_at_breakeven_both_cost_the_same_per_correct(c1, a1, c2, a2):
    w = routing.wrong_answer_breakeven_usd(c1, a1, c2, a2)
    if 0 < w < math.inf:
        assert routing.cost_per_correct_usd(c1, a1, w)[()] == pytest.approx(routing.cost_per_correct_usd(c2, a2, w)[()],
                                                                            rel=1e-6, abs=1e-12)
        # above it, the dearer model is never dearer per correct answer
        assert routing.cost_per_correct_usd(c1, a1, 2 * w)[()] <= routing.cost_per_correct_usd(c2, a2, 2 * w)[()] + 1e-12


@given(c=costs, a=accs, w1=costs, w2=costs)
def test_cost_per_correct_grows_with_wrong_answer_price_and_never_below_attempt(c, a, w1, w2):
    lo, hi = sorted((w1, w2))
    assert routing.cost_per_correct_usd(c, a, lo)[()] <= routing.cost_per_correct_usd(c, a, hi)[()] + 1e-12
    assert routing.cost_per_correct_usd(c, a, lo)[()] >= c - 1e-12


@given(cheap=costs, strong=costs, e=st.floats(0, 1))
def test_cascade_between_cheap_and_cheap_plus_strong(cheap, strong, e):
    cost = routing.cascade_cost_usd(cheap, strong, e)[()]
    assert cheap - 1e-12 <= cost <= cheap + strong + 1e-12


@given(shares=st.lists(st.floats(0.01, 1), min_size=1, max_size=5), base=st.floats(0.001, 1))
def test_routing_to_cheaper_models_always_saves(shares, base):
    s = np.array(shares) / sum(shares)
    cheaper = np.linspace(0.1, 0.9, len(s)) * base
    assert 0 < routing.saving_frac(base, routing.blended_cost_usd(s, cheaper)) < 1


def test_every_pattern_prices_and_saves_at_book_prices():
    s = routing.summarise(PATTERNS, routing.row_costs_usd(PATTERNS, PRICES))
    assert s["routed_usd"].notna().all() and (s["saving_frac"] > 0).all()
    assert isinstance(s, pd.DataFrame)


def test_a_refreshed_snapshot_prices_the_book_row_of_the_named_model():
    # A snapshot keeps the guide's row but marks an imported row of the same model book_uses.
    named = PRICES[PRICES["price_id"] == "openai-gpt-5-nano"]
    imported = named.assign(price_id="openai-gpt-5-nano-feed", input_usd_per_mtok=0.05)
    snapshot = pd.concat([PRICES.assign(book_uses=PRICES["price_id"] != "openai-gpt-5-nano"), imported])
    rows = PATTERNS[PATTERNS["row_id"] == "cl_classify"]
    # 1,500 x $0.05/M + 5 x $0.40/M
    assert routing.row_costs_usd(rows, snapshot)[0] == pytest.approx(0.000077)


def test_cheapest_move_savings_by_hand():
    # hosts at $4, $2, $1 a call: moving the $4 host saves 75 %, the $2 host 50 %; the cheapest is no move
    assert routing.cheapest_move_savings([4.0, 2.0, 1.0]).tolist() == pytest.approx([0.75, 0.5])
    assert routing.cheapest_move_savings([1.0, float("nan"), 2.0]).tolist() == pytest.approx([0.5])
    assert routing.cheapest_move_savings([3.0]).size == 0
    assert routing.cheapest_move_savings([2.0, 2.0]).size == 0
    with pytest.raises(ValueError):
        routing.cheapest_move_savings([0.0, 1.0])


@given(st.lists(st.floats(min_value=1e-6, max_value=10.0), min_size=2, max_size=8))
def test_cheapest_move_savings_lie_between_zero_and_one(costs):
    s = routing.cheapest_move_savings(costs)
    assert ((s >= 0) & (s < 1)).all()
    assert s.size == sum(c > min(costs) for c in costs)
