"""Prompting, RAG and fine-tuning: the guide's arithmetic by hand, break-evens, and invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.costs import adaptation as ad
from lib.data import tables
from lib.data.validation import DataValidationError
from tests.conftest import BAD_DATA

PRICES = tables.load_api_prices()
ROWS = tables.load_adaptation_costs().set_index("approach_id", drop=False)


def test_setup_by_hand():
    assert ad.setup_usd(ROWS.loc[["rag"]])[0] == pytest.approx(100.0)  # $0.0001 x 1M chunks
    assert list(ad.setup_usd(ROWS.loc[["finetune_lora"]], "low")) == [10_500.0]
    assert list(ad.setup_usd(ROWS.loc[["finetune_full"]], "high")) == [150_000.0]


def test_per_call_by_hand():
    # few-shot on Sonnet 4.6: (1,500 + 1,000) x $3/M + 300 x $15/M
    assert ad.per_call_usd(ROWS.loc[["prompting"]], PRICES)[0] == pytest.approx(0.012)
    # RAG mid: 2,000 extra tokens
    assert ad.per_call_usd(ROWS.loc[["rag"]], PRICES)[0] == pytest.approx(0.015)
    # the guide's ticket example at its own flat rates
    stated = ad.per_call_usd(ROWS.loc[["tk_prompting", "tk_finetune"]], PRICES, stated=True)
    assert list(stated) == pytest.approx([0.015, 0.00005])


def test_ticket_example_by_hand():
    assert ad.annual_cost_usd(0, 0.015, 10e6)[()] == pytest.approx(150_000)
    assert ad.annual_cost_usd(5000, 0.00005, 10e6)[()] == pytest.approx(5_500)
    assert ad.annual_cost_usd(100, 0.015, 10e6, 500)[()] == pytest.approx(156_100)


def test_breakevens_by_hand():
    assert ad.breakeven_calls(0, 0.012, 10_500, 0.0003) == pytest.approx(10_500 / 0.0117)
    assert ad.breakeven_calls(0, 0.001, 10_500, 0.002) == math.inf
    assert ad.breakeven_calls(100, 0.002, 0, 0.001) == 0.0
    assert ad.breakeven_calls_per_month(0, 0.012, 0, 12_000, 0.002, 0, 12) == pytest.approx(100_000)
    assert ad.breakeven_calls_per_month(0, 0.012, 0, 100, 0.002, 500, 12) == pytest.approx((100 / 12 + 500) / 0.01)


def test_missing_price_gives_nan():
    prices = PRICES[PRICES["price_id"] != "openai-gpt-4o"]
    assert math.isnan(ad.per_call_usd(ROWS.loc[["tk_prompting"]], prices)[0])


def test_bad_adaptation_file_names_file_row_column_and_reason():
    path = BAD_DATA / "adaptation_costs_bad.csv"
    with pytest.raises(DataValidationError) as info:
        tables.load_adaptation_costs(path)
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith(f"{path}, row 1 (line 2), column 'extra_input_tokens_low'") and "is above" in p
               for p in problems), problems
    assert any(p.startswith(f"{path}, row 2 (line 3), column 'embed_usd_per_chunk'") and "above" in p
               for p in problems), problems


money = st.floats(min_value=0, max_value=1e6, allow_nan=False)
per_call = st.floats(min_value=0, max_value=1, allow_nan=False)


@given(sa=money, ca=per_call, sb=money, cb=per_call)
def test_at_breakeven_totals_match(sa, ca, sb, cb):
    n = ad.breakeven_calls(sa, ca, sb, cb)
    if 0 < n < math.inf:
        assert sa + n * ca == pytest.approx(sb + n * cb, rel=1e-9, abs=1e-6)
        assert sb + 2 * n * cb <= sa + 2 * n * ca + 1e-6


@given(setup=money, c=per_call, f=money, n1=st.floats(0, 1e9), n2=st.floats(0, 1e9), v=st.floats(1, 1e8))
def test_cumulative_cost_never_falls(setup, c, f, n1, n2, v):
    lo, hi = sorted((n1, n2))
    assert ad.cumulative_cost_usd(setup, c, f, lo, v)[()] <= ad.cumulative_cost_usd(setup, c, f, hi, v)[()] + 1e-6
    assert ad.cumulative_cost_usd(setup, c, f, 0, v)[()] == setup
