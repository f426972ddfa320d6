"""lib.prices.compare's ratio range, by hand (the rest of compare is tested in test_feeds.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.prices import compare


def test_price_ratio_range_is_input_and_output_ratio_lower_first():
    prices = pd.DataFrame([
        {"provider": "A", "model": "big", "input_usd_per_mtok": 10.0, "output_usd_per_mtok": 30.0},
        {"provider": "B", "model": "small", "input_usd_per_mtok": 0.1, "output_usd_per_mtok": 0.6},
    ])
    # Input 10 / 0.1 = 100x, output 30 / 0.6 = 50x: the range is 50x to 100x whichever is listed first.
    assert compare.price_ratio_range(prices, ("A", "big"), ("B", "small")) == pytest.approx((50.0, 100.0))
    low, high = compare.price_ratio_range(prices, ("B", "small"), ("A", "big"))
    assert (low, high) == pytest.approx((0.01, 0.02))
    with pytest.raises(KeyError):
        compare.price_ratio_range(prices, ("C", "none"), ("A", "big"))
