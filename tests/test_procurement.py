"""Procurement channels: hand-computed bills, discount ladders and invariants (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.costs import procurement
from lib.data import tables
from lib.data.validation import DataValidationError
from tests.conftest import BAD_DATA

LADDER_T = [50_000, 250_000, 1_000_000]
LADDER_D = [0.20, 0.35, 0.50]


def test_ladder_by_hand():
    got = procurement.ladder_discount_frac([0, 49_999, 50_000, 249_999, 250_000, 5e6], LADDER_T, LADDER_D)
    assert got.tolist() == pytest.approx([0, 0, 0.20, 0.20, 0.35, 0.50])
    # Unsorted input and a step that would lower the discount: a bigger spend never earns less.
    assert float(procurement.ladder_discount_frac(300_000, [250_000, 50_000], [0.1, 0.3])) == pytest.approx(0.3)
    assert float(procurement.ladder_discount_frac(1e6, [], [])) == 0.0
    with pytest.raises(ValueError):
        procurement.ladder_discount_frac(1, [1], [1.0])


def test_fees_by_hand():
    # 6M calls at $0.01-$0.05 per 1k calls: $60-$300.
    assert procurement.gateway_fees_usd(6e6, [0.01, 0.05]).tolist() == pytest.approx([60, 300])
    # Hosting $200 at 10M calls, scaled to 6M calls: $120.
    assert float(procurement.gateway_fees_usd(6e6, 0.0, 200, 1e7)) == pytest.approx(120)
    # A fee the guide names without a figure stays unknown.
    assert math.isnan(float(procurement.gateway_fees_usd(6e6, np.nan)))


def test_bill_by_hand():
    # $54,000 list, 10% premium, 20% off, $100 fees: 54,000 x 1.1 x 0.8 + 100 = 47,620.
    assert float(procurement.channel_bill_usd(54_000, premium_frac=0.1, discount_frac=0.2, fees_usd=100)) == \
        pytest.approx(47_620)
    assert float(procurement.premium_frac(0.99, 0.88)) == pytest.approx(0.125)
    with pytest.raises(ValueError):
        procurement.channel_bill_usd(1, premium_frac=0, discount_frac=1.0)


def _channels() -> pd.DataFrame:
    return pd.DataFrame({
        "channel_id": ["direct", "bundle", "markup", "ea"],
        "premium_frac_low": [0.0, 0.0, 0.05, 0.0], "premium_frac_high": [0.0, 0.1, 0.05, 0.0],
        "fee_usd_per_kcall_low": [0.0, 0.0, 0.0, 0.0], "fee_usd_per_kcall_high": [0.0, 0.0, 0.0, 0.0],
        "hosting_usd_per_month": [np.nan] * 4, "hosting_at_calls_per_month": [np.nan] * 4,
        "negotiated_discount_frac_low": [np.nan, np.nan, np.nan, 0.05],
        "negotiated_discount_frac_high": [np.nan, np.nan, np.nan, 0.40],
        "commit_ladder_applies": [True, True, False, True],
    })


def test_channel_bills_by_hand():
    ladder = pd.DataFrame({"min_spend_usd_per_month": [50_000.0], "discount_frac_low": [0.15],
                           "discount_frac_high": [0.25]})
    b = procurement.channel_bills(_channels(), ladder, list_usd_per_month=100_000, calls_per_month=1e6)
    # Direct: 100k x (1 - 0.25) .. 100k x (1 - 0.15).
    assert b.loc[0, ["bill_low_usd", "bill_high_usd"]].tolist() == pytest.approx([75_000, 85_000])
    # Bundle: low premium 0 and 25% off; high premium 10% and 15% off = 93,500.
    assert b.loc[1, ["bill_low_usd", "bill_high_usd"]].tolist() == pytest.approx([75_000, 93_500])
    # Markup channel: no commitment reaches it.
    assert b.loc[2, ["bill_low_usd", "bill_high_usd"]].tolist() == pytest.approx([105_000, 105_000])
    # EA and commitment are one lever: the larger applies (40% beats 25% at the low end, 15% beats 5% at the high).
    assert b.loc[3, ["bill_low_usd", "bill_high_usd"]].tolist() == pytest.approx([60_000, 85_000])
    # Below the threshold only the EA discount is left.
    small = procurement.channel_bills(_channels(), ladder, list_usd_per_month=10_000, calls_per_month=1e5)
    assert small.loc[0, "bill_mid_usd"] == pytest.approx(10_000)
    assert small.loc[3, "bill_low_usd"] == pytest.approx(6_000)


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 5e6), st.floats(0, 5e6))
def test_a_bigger_spend_never_earns_a_smaller_discount(a, b):
    lo, hi = sorted([a, b])
    d = procurement.ladder_discount_frac([lo, hi], LADDER_T, LADDER_D)
    assert d[0] <= d[1]


@settings(max_examples=60, deadline=None)
@given(st.floats(1, 5e6), st.floats(0, 1e8))
def test_bill_range_is_ordered_and_non_negative(spend, calls):
    ladder = pd.DataFrame({"min_spend_usd_per_month": LADDER_T, "discount_frac_low": [0.15, 0.3, 0.5],
                           "discount_frac_high": [0.25, 0.4, 0.5]})
    b = procurement.channel_bills(_channels(), ladder, list_usd_per_month=spend, calls_per_month=calls)
    assert (b["bill_low_usd"] <= b["bill_high_usd"] + 1e-6).all()
    assert (b["bill_low_usd"] >= 0).all()


def test_the_procurement_tables_load():
    channels = tables.load_procurement_channels()
    assert {"direct", "bedrock", "azure-openai", "openrouter"} <= set(channels["channel_id"])
    offers = tables.load_committed_discounts()
    assert (offers.loc[offers["schedule"] == "faq", "min_spend_usd_per_month"].notna()).all()


@pytest.mark.parametrize(("filename", "loader", "expected"), [
    ("procurement_channels_percent.csv", tables.load_procurement_channels,
     "row 2 (line 3), column 'negotiated_discount_frac_high': 25 is above the largest sane value 0.95"),
    ("committed_discounts_two_thresholds.csv", tables.load_committed_discounts,
     "row 1 (line 2), column 'min_spend_usd_per_month': give exactly one of min_spend_usd_per_month and "
     "min_spend_usd_per_year"),
])
def test_bad_procurement_tables_name_file_row_column_and_reason(filename, loader, expected):
    with pytest.raises(DataValidationError) as info:
        loader(BAD_DATA / filename)
    problems = [str(p) for p in info.value.problems]
    assert any(filename in p and expected in p for p in problems), problems


def test_a_pick_naming_an_unknown_channel_is_refused(tmp_path):
    # The check reads procurement_channels.csv beside the picks file, so both go into one folder.
    import shutil
    shutil.copy("data/procurement_channels.csv", tmp_path / "procurement_channels.csv")
    bad = tmp_path / "procurement_picks_unknown_channel.csv"
    shutil.copy(BAD_DATA / "procurement_picks_unknown_channel.csv", bad)
    with pytest.raises(DataValidationError) as info:
        tables.load_procurement_picks(bad)
    problems = [str(p) for p in info.value.problems]
    assert any("procurement_picks_unknown_channel.csv" in p and "row 2 (line 3), column 'channel_ids'" in p
               and "azure-open-ai" in p for p in problems), problems
    assert len(tables.load_procurement_picks()) == 8
