"""Reasoning-request pricing: the guide's worked examples by hand, and invariants (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.costs import api, reasoning
from lib.data import tables

PRICES = tables.load_api_prices()


def price(price_id: str) -> pd.DataFrame:
    return PRICES[PRICES["price_id"] == price_id]


O3, OPUS, R1 = price("openai-o3"), price("anthropic-claude-opus-4x"), price("deepseek-deepseek-r1")


def test_o3_medium_coding_example_by_hand():
    # 500 x $15/M + (800 visible + 4,500 thinking) x $60/M = 0.0075 + 0.318
    r = 4500 / 800
    cost = reasoning.reasoning_request_cost_usd(O3, input_tokens=500, visible_output_tokens=800, thinking_ratio=r)
    assert cost[0] == pytest.approx(0.3255, rel=1e-12)


def test_effort_table_o3_high_by_hand():
    # 1,000 x $15/M + (500 + 8,000) x $60/M = 0.015 + 0.51
    cost = reasoning.reasoning_request_cost_usd(O3, input_tokens=1000, visible_output_tokens=500, thinking_ratio=16)
    assert cost[0] == pytest.approx(0.525, rel=1e-12)


def test_ratio_and_multiplier():
    assert reasoning.thinking_ratio(2000, 500)[()] == 4.0
    assert np.isnan(reasoning.thinking_ratio(100, 0)[()])
    assert reasoning.output_multiplier(10)[()] == 11.0
    with pytest.raises(ValueError):
        reasoning.output_multiplier(-1)


def test_expected_thinking_under_cap_is_75_percent_of_8000():
    assert reasoning.expected_thinking_tokens_under_cap(8000)[()] == 6000.0
    with pytest.raises(ValueError):
        reasoning.expected_thinking_tokens_under_cap(8000, 1.5)


def test_capped_thinking():
    assert list(reasoning.capped_thinking_tokens([3000, 9000], 8000)) == [3000.0, 8000.0]


def test_guide_blend_by_hand():
    # 0.70 x $0.005 + 0.25 x $0.03 + 0.05 x $0.50 = 0.0035 + 0.0075 + 0.025
    blend = reasoning.blended_cost_usd({"easy": 0.7, "medium": 0.25, "hard": 0.05},
                                       {"easy": 0.005, "medium": 0.03, "hard": 0.50})
    assert blend == pytest.approx(0.036, rel=1e-12)


def test_blend_refuses_shares_that_do_not_sum_to_one_or_missing_tiers():
    with pytest.raises(ValueError, match="sum to 1"):
        reasoning.blended_cost_usd({"a": 0.5, "b": 0.4}, {"a": 1, "b": 2})
    with pytest.raises(KeyError):
        reasoning.blended_cost_usd({"a": 1.0}, {"b": 2})


def test_normalise_mix():
    assert reasoning.normalise_mix({"a": 70, "b": 25, "c": 5}) == pytest.approx({"a": 0.7, "b": 0.25, "c": 0.05})


@given(r=st.floats(0, 200), visible=st.integers(0, 5000), inp=st.integers(0, 100_000))
def test_reasoning_cost_equals_api_cost_with_thinking_as_output(r, visible, inp):
    ours = reasoning.reasoning_request_cost_usd(R1, input_tokens=inp, visible_output_tokens=visible, thinking_ratio=r)
    direct = api.request_cost_usd(R1, input_tokens=inp, output_tokens=visible + visible * r)
    assert ours[0] == pytest.approx(direct[0], rel=1e-9, abs=1e-15)


@given(r1=st.floats(0, 100), r2=st.floats(0, 100), visible=st.integers(1, 5000))
def test_more_thinking_never_costs_less(r1, r2, visible):
    lo, hi = sorted((r1, r2))
    c = reasoning.reasoning_request_cost_usd(OPUS, input_tokens=1000, visible_output_tokens=visible,
                                             thinking_ratio=np.array([lo, hi]))
    assert c[0] <= c[1] + 1e-15


@given(weights=st.lists(st.floats(0.01, 100), min_size=1, max_size=6),
       costs=st.lists(st.floats(0, 10), min_size=6, max_size=6))
def test_blend_lies_between_cheapest_and_dearest_tier(weights, costs):
    mix = reasoning.normalise_mix({str(i): w for i, w in enumerate(weights)})
    per_tier = {str(i): c for i, c in enumerate(costs)}
    used = [per_tier[t] for t in mix]
    blend = reasoning.blended_cost_usd(mix, per_tier)
    assert min(used) - 1e-12 <= blend <= max(used) + 1e-12


def _problems(path, loader) -> list[str]:
    from lib.data.validation import DataValidationError
    with pytest.raises(DataValidationError) as info:
        loader(path)
    return [str(p) for p in info.value.problems]


def test_bad_reasoning_examples_name_file_row_column_and_reason(tmp_path):
    import shutil
    from tests.conftest import BAD_DATA
    # The price_id check reads api_prices.csv beside the file, as in data/.
    shutil.copy(tables.resolve("data/api_prices.csv"), tmp_path / "api_prices.csv")
    path = tmp_path / "reasoning_examples.csv"
    shutil.copy(BAD_DATA / "reasoning_examples_unknown_price.csv", path)
    problems = _problems(path, tables.load_reasoning_examples)
    where = f"{path}, row 2 (line 3), column"
    assert any(p.startswith(f"{where} 'price_id'") and "price_id 'openai-o9' has no row in" in p for p in problems), problems
    assert any(p.startswith(f"{where} 'thinking_tokens'") and "cannot think past its cap" in p for p in problems), problems


def test_bad_frontier_and_budget_files():
    from tests.conftest import BAD_DATA
    path = BAD_DATA / "reasoning_frontier_bad_range.csv"
    assert any(p.startswith(f"{path}, row 1 (line 2), column 'thinking_tokens_low'") and "a range's low end" in p
               for p in _problems(path, tables.load_reasoning_frontier))
    path = BAD_DATA / "reasoning_budget_classes_bad_tokens.csv"
    assert any(p.startswith(f"{path}, row 1 (line 2), column 'thinking_tokens_high'") and "'lots' is not a number" in p
               for p in _problems(path, tables.load_reasoning_budget_classes))


def test_decode_seconds_by_hand():
    # 10,000 thinking + 500 visible at o3's ~50 tokens/s: 210 s; 1,000 + 100 at 140 tokens/s: under 8 s
    assert float(reasoning.decode_seconds(10_000, 500, 50)) == pytest.approx(210.0)
    assert float(reasoning.decode_seconds(1_000, 100, 140)) == pytest.approx(1_100 / 140)
    assert reasoning.decode_seconds([0, 100], [100, 100], [100, 200]).tolist() == pytest.approx([1.0, 1.0])
    with pytest.raises(ValueError):
        reasoning.decode_seconds(100, 100, 0)


@given(st.floats(0, 1e5), st.floats(1, 1e4), st.floats(1, 1e3))
def test_more_thinking_never_decodes_faster(thinking, visible, speed):
    assert reasoning.decode_seconds(thinking + 1, visible, speed) > reasoning.decode_seconds(thinking, visible, speed)


def test_share_of_cap_and_caps_from_labels():
    assert reasoning.share_of_cap(12_000, 16_000) == pytest.approx(0.75)
    assert np.isnan(reasoning.share_of_cap(10, 0))
    with pytest.raises(ValueError):
        reasoning.share_of_cap(9_000, 8_000)
    assert reasoning.cap_from_label("extended thinking budget=2000") == 2_000
    assert reasoning.cap_from_label("thinking=16k") == 16_000
    assert np.isnan(reasoning.cap_from_label("default"))


def test_stated_price_span_skips_rows_only_the_example_states():
    prices = pd.DataFrame({"model": ["R1", "R1", "R1", "X"], "output_usd_per_mtok": [2.19, 2.20, 9.0, 1.0],
                           "source": ["Tear-down; Example", "Hosted table", "Example", "Tear-down"]})
    assert reasoning.stated_price_span(prices, "R1", "output_usd_per_mtok", "Example") == (2.19, 2.20)
    with pytest.raises(KeyError):
        reasoning.stated_price_span(prices, "X", "output_usd_per_mtok", "Tear-down")


def test_saving_share():
    assert reasoning.saving_share(0.036, 1.00) == pytest.approx(0.964)
    with pytest.raises(ValueError):
        reasoning.saving_share(0.1, 0.0)
