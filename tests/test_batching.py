"""Batch and off-peak formulas: worked values by hand, and invariants (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.costs import batching

FLAT = np.ones(24)


# --- worked values -------------------------------------------------------------------------

def test_hybrid_saving_by_hand():
    # The guide's "hard 15%": 30% of calls at a 50% discount, batch calls the size of the rest.
    assert batching.hybrid_saving_frac(0.30, 0.5) == pytest.approx(0.15)
    # Batch calls twice the size of the rest: spend share 0.6 / 1.3.
    assert batching.hybrid_saving_frac(0.30, 0.5, 2.0) == pytest.approx(0.5 * 0.6 / 1.3)
    assert batching.hybrid_saving_frac(0.0, 0.5) == 0
    with pytest.raises(ValueError):
        batching.hybrid_saving_frac(1.5, 0.5)


def test_deepseek_window_on_flat_traffic_is_a_third():
    # 16:30-00:30 UTC is 8 of 24 hours, wherever the users are, when traffic is flat.
    shares = batching.window_share(FLAT, start_utc="16:30", end_utc="00:30", utc_offset_hours=[-8, 0, 5.5, 9])
    assert shares == pytest.approx([1 / 3] * 4)


def test_window_share_by_hand():
    # All traffic in local hour 17 (UTC+0): the window covers it whole; at UTC+1 it is 16:00-17:00 UTC, half in.
    weights = np.zeros(24)
    weights[17] = 1.0
    assert float(batching.window_share(weights, start_utc="16:30", end_utc="00:30")) == pytest.approx(1.0)
    assert float(batching.window_share(weights, start_utc="16:30", end_utc="00:30", utc_offset_hours=1)) \
        == pytest.approx(0.5)
    # A window that does not wrap midnight.
    assert float(batching.window_share(FLAT, start_utc="09:00", end_utc="12:00")) == pytest.approx(3 / 24)
    with pytest.raises(ValueError):
        batching.window_share(np.ones(23), start_utc="16:30", end_utc="00:30")
    with pytest.raises(ValueError):
        batching.window_share(FLAT, start_utc="25:00", end_utc="00:30")


def test_profile_shape():
    p = batching.daily_traffic_profile(4.0, 14)
    assert p.sum() == pytest.approx(1.0)
    assert p.argmax() in (13, 14) and p.argmin() in (1, 2)
    # Hour middles sit half an hour off the peak, so the ratio is a little under 4.
    assert 3.5 < p.max() / p.min() <= 4.0
    assert batching.daily_traffic_profile(1.0, 0) == pytest.approx(np.full(24, 1 / 24))


def test_shift_and_blend_by_hand():
    assert batching.shifted_window_share(1 / 3, 0.3) == pytest.approx(1 / 3 + 0.3 * 2 / 3)
    assert batching.blended_cost(1.0, 0.5, 0.4) == pytest.approx(0.8)


# --- invariants (hypothesis) ------------------------------------------------------------------

weights = st.lists(st.floats(0.0, 10.0), min_size=24, max_size=24).filter(lambda w: sum(w) > 0.01)
offset = st.floats(-12, 14).map(lambda x: round(x * 4) / 4)  # quarter-hour offsets
frac = st.floats(0.0, 1.0)


@settings(max_examples=100, deadline=None)
@given(w=weights, off=offset)
def test_window_and_its_complement_cover_the_day(w, off):
    inside = float(batching.window_share(w, start_utc="16:30", end_utc="00:30", utc_offset_hours=off))
    outside = float(batching.window_share(w, start_utc="00:30", end_utc="16:30", utc_offset_hours=off))
    assert 0 <= inside <= 1 and inside + outside == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(w=weights, off=offset)
def test_shifting_by_a_whole_day_changes_nothing(w, off):
    a = float(batching.window_share(w, start_utc="16:30", end_utc="00:30", utc_offset_hours=off))
    b = float(batching.window_share(w, start_utc="16:30", end_utc="00:30", utc_offset_hours=off + 24))
    assert a == pytest.approx(b)


@settings(max_examples=200, deadline=None)
@given(s=frac, d=frac, k=st.floats(0.1, 10.0))
def test_savings_stay_within_the_discount(s, d, k):
    saving = float(batching.hybrid_saving_frac(s, d, k))
    assert 0 <= saving <= d + 1e-12
    assert batching.shifted_window_share(s, d) >= s - 1e-12


@settings(max_examples=200, deadline=None)
@given(s1=frac, s2=frac)
def test_more_offpeak_share_never_costs_more(s1, s2):
    lo, hi = sorted((s1, s2))
    assert batching.blended_cost(1.0, 0.5, hi) <= batching.blended_cost(1.0, 0.5, lo) + 1e-12
