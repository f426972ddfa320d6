"""Prompt-caching formulas: worked values by hand, and invariants (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.costs import caching
from lib.costs.api import Rates
from lib.data import tables

PRICES = tables.load_api_prices(book_rows_only=True)


def row(provider: str, model: str) -> pd.DataFrame:
    r = PRICES[(PRICES["provider"] == provider) & (PRICES["model"] == model)]
    assert len(r) == 1
    return r


SONNET = row("Anthropic", "Claude Sonnet 4.6")
HAIKU = row("Anthropic", "Claude Haiku 4.5")  # no 1-hour write price stated
DEEPSEEK_V3 = row("DeepSeek", "DeepSeek V3")
MISTRAL_LARGE = row("Mistral", "Mistral Large 2")  # no caching at all


# --- worked values -------------------------------------------------------------------------

def test_message_costs_by_hand():
    c = caching.prefix_message_costs_usd(SONNET, prefix_tokens=50_000, fresh_input_tokens=500, output_tokens=300)
    assert c.no_cache[0] == pytest.approx((50_500 * 3 + 300 * 15) / 1e6, rel=1e-12)  # $0.156
    assert c.hit[0] == pytest.approx((50_000 * 0.30 + 500 * 3 + 300 * 15) / 1e6, rel=1e-12)  # $0.021
    assert c.miss[0] == pytest.approx((50_000 * 3.75 + 500 * 3 + 300 * 15) / 1e6, rel=1e-12)  # $0.1935
    one_hour = caching.prefix_message_costs_usd(SONNET, prefix_tokens=50_000, write_tier="1h")
    assert one_hour.miss[0] == pytest.approx(50_000 * 6 / 1e6, rel=1e-12)


def test_deep_dive_example_by_hand():
    # The guide's deep dive: 1,000 calls of a 50k prefix; 5-minute tier with 1 write per 5 calls.
    day = caching.daily_prefix_cost_usd(SONNET, prefix_tokens=50_000, messages_per_day=1_000, hit_rate=0.8)
    assert day[0] == pytest.approx(200 * 3.75 * 0.05 + 800 * 0.30 * 0.05, rel=1e-12)  # $49.50
    hour = caching.daily_prefix_cost_usd(SONNET, prefix_tokens=50_000, messages_per_day=1_000, hit_rate=0.98,
                                         write_tier="1h")
    assert hour[0] == pytest.approx(20 * 6 * 0.05 + 980 * 0.30 * 0.05, rel=1e-12)  # $20.70
    base = caching.daily_no_cache_cost_usd(SONNET, prefix_tokens=50_000, messages_per_day=1_000)
    assert base[0] == pytest.approx(150.0, rel=1e-12)


def test_storage_fee_by_hand():
    # The guide: a 200k-token Gemini Pro cache held 24 hours at $4.50/M/hour is $21.60.
    assert caching.storage_usd(200_000, 4.5, 24) == pytest.approx(21.6, rel=1e-12)
    assert caching.storage_usd(50_000, 4.5, 24, live_caches=2) == pytest.approx(10.8, rel=1e-12)


def test_storage_is_added_to_the_day():
    without = caching.daily_prefix_cost_usd(SONNET, prefix_tokens=50_000, messages_per_day=10, hit_rate=0.5)
    with_fee = caching.daily_prefix_cost_usd(SONNET, prefix_tokens=50_000, messages_per_day=10, hit_rate=0.5,
                                             storage_usd_per_mtok_hour=4.5, cache_hours_per_day=24)
    assert with_fee[0] - without[0] == pytest.approx(5.4, rel=1e-12)


def test_hit_rate_helpers():
    assert caching.hit_rate_from_writes(100_000, 24) == pytest.approx(0.99976)
    assert caching.cache_hit_rate(80, 100) == pytest.approx(0.8)
    assert math.isnan(float(caching.cache_hit_rate(0, 0)))
    with pytest.raises(ValueError):
        caching.cache_hit_rate(120, 100)
    with pytest.raises(ValueError):
        caching.hit_rate_from_writes(10, 11)


def test_break_even_reads_by_hand():
    # Anthropic 5-minute tier: (3.75 - 3) / (3 - 0.30) = 0.278 reads; OpenAI-style (write = input): 0.
    assert caching.break_even_reads_per_write(3, 0.30, 3.75) == pytest.approx(0.75 / 2.7)
    assert caching.break_even_reads_per_write(2.5, 1.25, 2.5) == 0
    # Google Pro with storage held one hour: 4.5 / (1.25 - 0.31) reads.
    assert caching.break_even_reads_per_write(1.25, 0.31, 1.25, 4.5, 1) == pytest.approx(4.5 / 0.94)
    assert math.isinf(float(caching.break_even_reads_per_write(1.0, 1.0, 1.25)))


def test_hour_of_accesses_by_hand():
    # Every 10 minutes (6 an hour): a 5-minute cache expires between calls, a 1-hour one does not.
    assert caching.hour_of_accesses_usd(6, ttl_minutes=5, write_usd_per_mtok=3.75, read_usd_per_mtok=0.3) \
        == pytest.approx(6 * 3.75)
    assert caching.hour_of_accesses_usd(6, ttl_minutes=60, write_usd_per_mtok=6, read_usd_per_mtok=0.3) \
        == pytest.approx(6 + 5 * 0.3)
    # Every 5 minutes: the 5-minute cache stays warm too.
    assert caching.hour_of_accesses_usd(12, ttl_minutes=5, write_usd_per_mtok=3.75, read_usd_per_mtok=0.3) \
        == pytest.approx(3.75 + 11 * 0.3)
    assert caching.hour_of_accesses_usd(0, ttl_minutes=5, write_usd_per_mtok=3.75, read_usd_per_mtok=0.3) == 0


def test_longer_ttl_break_even_matches_the_hour_model():
    n = float(caching.longer_ttl_break_even_accesses(3.75, 6.0, 0.30))
    assert n == pytest.approx((6 - 0.3) / (3.75 - 0.3))
    below, above = math.floor(n), math.ceil(n)
    cost = lambda k, ttl, w: float(caching.hour_of_accesses_usd(k, ttl_minutes=ttl, write_usd_per_mtok=w,
                                                               read_usd_per_mtok=0.3))
    assert cost(below, 5, 3.75) <= cost(below, 60, 6)
    assert cost(above, 5, 3.75) > cost(above, 60, 6)
    with pytest.raises(ValueError):
        caching.longer_ttl_break_even_accesses(0.3, 6, 0.3)


def test_invalidation_by_hand():
    # One 50k-token Sonnet cache re-written once: 50k x ($3.75 - $0.30)/M.
    assert caching.invalidation_cost_usd(SONNET, prefix_tokens=50_000)[0] == pytest.approx(0.1725)
    assert caching.invalidation_cost_usd(SONNET, prefix_tokens=50_000, live_caches=10_000,
                                         warmup_misses_per_cache=1)[0] == pytest.approx(2 * 1725.0)


def test_missing_tiers_are_nan_not_guessed():
    assert math.isnan(caching.prefix_message_costs_usd(HAIKU, prefix_tokens=1_000, write_tier="1h").miss[0])
    assert math.isnan(caching.daily_prefix_cost_usd(MISTRAL_LARGE, prefix_tokens=1_000, messages_per_day=10,
                                                    hit_rate=0.5)[0])
    with pytest.raises(ValueError):
        caching.prefix_message_costs_usd(SONNET, prefix_tokens=1_000, write_tier="2h")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        caching.daily_prefix_cost_usd(SONNET, prefix_tokens=1_000, messages_per_day=10, hit_rate=1.2)


def test_grid_broadcast_models_by_hit_rates():
    two = pd.concat([SONNET, DEEPSEEK_V3])
    grid = caching.daily_prefix_cost_usd(Rates.from_frame(two, as_column=True), prefix_tokens=50_000,
                                         messages_per_day=1_000, hit_rate=np.array([[0.0, 0.5, 1.0]]))
    assert grid.shape == (2, 3)
    assert grid[1, 1] == pytest.approx(
        float(caching.daily_prefix_cost_usd(DEEPSEEK_V3, prefix_tokens=50_000, messages_per_day=1_000,
                                            hit_rate=0.5)[0]))


def test_cache_terms_agree_with_provider_terms():
    """The mechanics table and the provider terms are two views of one set of facts: no drift."""
    terms = tables.load_provider_terms()
    used = terms[terms["book_uses"]]
    mechanics = tables.load_cache_terms()
    pairs = {"read_frac_of_input": "cache_read_frac_of_input", "write_5m_multiplier": "cache_write_5m_multiplier",
             "min_prefix_tokens": "cache_min_prefix_tokens", "storage_usd_per_mtok_hour": "cache_storage_usd_per_mtok_hour"}
    checked = 0
    for _, m in mechanics.iterrows():
        for column, term in pairs.items():
            if pd.isna(m[column]):
                continue
            match = used[(used["provider"] == m["provider"]) & (used["term"] == term)
                         & ((used["model"] == m["model"]) | used["model"].isna())]
            if len(match):
                assert float(match["value"].iloc[0]) == pytest.approx(float(m[column])), (m["provider"], column)
                checked += 1
    assert checked >= 8


# --- invariants (hypothesis) ------------------------------------------------------------------

CACHED = PRICES[PRICES["cached_input_usd_per_mtok"].notna() & PRICES["cache_write_5m_usd_per_mtok"].notna()
                ].reset_index(drop=True)
model_index = st.integers(min_value=0, max_value=len(CACHED) - 1)
tokens = st.integers(min_value=0, max_value=90_000)  # prefix + fresh stays under every long-context threshold
rate = st.floats(min_value=0.0, max_value=1.0)


@settings(max_examples=200, deadline=None)
@given(i=model_index, prefix=tokens, fresh=tokens, out=tokens, h1=rate, h2=rate)
def test_more_hits_never_cost_more(i, prefix, fresh, out, h1, h2):
    model = CACHED.iloc[[i]]
    lo, hi = sorted((h1, h2))
    kw = dict(prefix_tokens=prefix, fresh_input_tokens=fresh, output_tokens=out, messages_per_day=1_000)
    assert caching.daily_prefix_cost_usd(model, hit_rate=hi, **kw)[0] <= \
        caching.daily_prefix_cost_usd(model, hit_rate=lo, **kw)[0] + 1e-9


@settings(max_examples=200, deadline=None)
@given(i=model_index, prefix=tokens, fresh=tokens, out=tokens)
def test_hit_never_dearer_than_no_cache_and_miss_never_cheaper(i, prefix, fresh, out):
    c = caching.prefix_message_costs_usd(CACHED.iloc[[i]], prefix_tokens=prefix, fresh_input_tokens=fresh,
                                         output_tokens=out)
    assert c.hit[0] <= c.no_cache[0] + 1e-12 <= c.miss[0] + 2e-12


@settings(max_examples=200, deadline=None)
@given(inp=st.floats(0.01, 100), read_frac=st.floats(0.0, 0.99), premium=st.floats(0.0, 2.0),
       storage=st.floats(0.0, 10.0), hours=st.floats(0.0, 48.0))
def test_break_even_is_where_caching_starts_to_win(inp, read_frac, premium, storage, hours):
    read, write = inp * read_frac, inp * (1 + premium)
    n = float(caching.break_even_reads_per_write(inp, read, write, storage, hours))
    cached = lambda k: write + k * read + storage * hours
    uncached = lambda k: (k + 1) * inp
    assert n >= 0
    assert cached(n) == pytest.approx(uncached(n), rel=1e-9, abs=1e-9) or n == 0
    assert cached(n + 1) <= uncached(n + 1) + 1e-9


@settings(max_examples=200, deadline=None)
@given(caches=st.integers(0, 100_000), prefix=tokens, warm=st.integers(0, 100))
def test_invalidation_scales_with_live_caches(caches, prefix, warm):
    one = caching.invalidation_cost_usd(SONNET, prefix_tokens=prefix, warmup_misses_per_cache=warm)[0]
    many = caching.invalidation_cost_usd(SONNET, prefix_tokens=prefix, live_caches=caches,
                                         warmup_misses_per_cache=warm)[0]
    assert many == pytest.approx(caches * one, rel=1e-9, abs=1e-12) and many >= 0


def test_bad_cache_terms_name_file_row_column_and_reason():
    from lib.data.validation import DataValidationError
    from tests.conftest import BAD_DATA

    path = BAD_DATA / "cache_terms_bad.csv"
    with pytest.raises(DataValidationError) as info:
        tables.load_cache_terms(path)
    problems = [str(p) for p in info.value.problems]
    assert f"{path}, row 1 (line 2), column 'trigger': 'manual' is not one of automatic, explicit" in problems
    assert f"{path}, row 2 (line 3), column 'read_frac_of_input': 1.5 is above the largest sane value 1" in problems
    assert (f"{path}, row 2 (line 3), column 'ttl_minutes_low': ttl_minutes_low 60.0 is above ttl_minutes_high 5.0 "
            "(a range's low end)") in problems


def test_batch_stacks_with_caching_but_not_with_storage():
    kw = dict(prefix_tokens=50_000, fresh_input_tokens=500, output_tokens=300, messages_per_day=100_000, hit_rate=0.9)
    sync = caching.daily_prefix_cost_usd(SONNET, **kw)[0]
    assert caching.daily_prefix_cost_usd(SONNET, batch=True, **kw)[0] == pytest.approx(sync * 0.5, rel=1e-12)
    fee = dict(storage_usd_per_mtok_hour=4.5, cache_hours_per_day=24)
    with_fee = caching.daily_prefix_cost_usd(SONNET, batch=True, **kw, **fee)[0]
    assert with_fee == pytest.approx(sync * 0.5 + 5.4, rel=1e-12)
    assert math.isnan(caching.daily_prefix_cost_usd(DEEPSEEK_V3, batch=True, **kw)[0])  # no batch tier


def test_cache_read_shares_by_hand():
    shares = caching.cache_read_shares(pd.concat([SONNET, DEEPSEEK_V3, MISTRAL_LARGE]))
    # Sonnet $0.30 of $3.00; DeepSeek V3 $0.07 of $0.27; Mistral Large states no cached price.
    assert shares.tolist() == pytest.approx([0.1, 0.07 / 0.27])
    free = SONNET.assign(input_usd_per_mtok=0.0, cached_input_usd_per_mtok=0.0)
    assert caching.cache_read_shares(free).empty  # a free row has no share, not 0/0


def test_input_cost_cut_by_hand():
    # Anthropic's terms: reads at 10 % of input, 5-minute writes at 1.25x; 24 writes in 10,000 messages.
    h = 1 - 24 / 10_000
    assert float(caching.input_cost_cut(0.1, 1.25, h)) == pytest.approx(1 - (h * 0.1 + (1 - h) * 1.25))
    assert float(caching.input_cost_cut(0.1, 1.25, 1.0)) == pytest.approx(0.9)  # every message a hit
    assert float(caching.input_cost_cut(0.1, 1.25, 0.0)) == pytest.approx(-0.25)  # every message a write
    with pytest.raises(ValueError):
        caching.input_cost_cut(0.1, 1.25, 1.5)
