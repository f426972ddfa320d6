"""The pairing of the guide's two price tear-downs and the headline cells' spans (lib.prices.compare)."""

import numpy as np
import pandas as pd
import pytest

from lib.data import tables
from lib.prices import compare

ONE, TWO = compare.TEAR_DOWN_1, compare.TEAR_DOWN_2


def _prices(rows):
    cols = ["price_id", "provider", "model", "source", *compare.PAIRED_FIELDS]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows]).reindex(columns=cols)


def test_each_paired_price_is_checked_against_the_other_table_both_ways():
    prices = _prices([
        ("openai-x", "OpenAI", "X", ONE, 5.0, 20.0, 1.25, 5.0, np.nan, np.nan),
        ("openai-x-2", "OpenAI", "X", TWO, 5.0, 15.0, 0.50, 5.0, np.nan, np.nan),
        ("openai-y", "OpenAI", "Y", ONE, 1.0, 2.0, np.nan, 1.0, np.nan, np.nan),  # in one table only
    ])
    t = compare.tear_down_checks(prices).set_index("claim_id")
    assert t.loc["ap_td1_openai_x_output", "other"] == 15.0
    assert t.loc["ap_td2_openai_x_output", "other"] == 20.0
    # OpenAI's cache write is a convention (= input), not a printed price: never paired.
    assert not any(i.endswith("write5m") for i in t.index)
    assert not any("openai_y" in i for i in t.index)
    # The tables' prose rules: ~25 % of input in the first, 10 % in the second.
    assert t.loc["ap_td1_openai_x_cached", "rule"] == pytest.approx(1.25)
    assert t.loc["ap_td2_openai_x_cached", "rule"] == pytest.approx(0.50)
    assert np.isnan(t.loc["ap_td1_openai_x_input", "rule"])


def test_a_row_shared_by_both_tables_pairs_with_itself():
    prices = _prices([("xai-g", "xAI", "G", f"{ONE}; {TWO}", 3.0, 15.0, np.nan, np.nan, np.nan, np.nan)])
    t = compare.tear_down_checks(prices)
    assert sorted(t["claim_id"]) == ["ap_td1_xai_g_input", "ap_td1_xai_g_output", "ap_td2_xai_g_input", "ap_td2_xai_g_output"]
    assert (t["stated"] == t["other"]).all()


def test_price_span_reads_both_ends_and_refuses_an_empty_cell():
    prices = _prices([("a", "P", "A", ONE, 0.35, 0.40, np.nan, np.nan, np.nan, np.nan),
                      ("b", "P", "B", ONE, 0.90, 0.90, np.nan, np.nan, 2.0, 8.0)])
    assert compare.price_span(prices, ["a", "b"], ["input"]) == (0.35, 0.90)
    assert compare.price_span(prices, ["b"], ["input", "long_input"]) == (0.90, 2.0)
    with pytest.raises(ValueError):
        compare.price_span(prices, ["a"], ["cached"])


def test_the_guides_tear_downs_disagree_where_the_guide_does():
    t = compare.tear_down_checks(tables.load_api_prices("data/api_prices.csv")).set_index("claim_id")
    assert t.loc["ap_td1_openai_o3_input", ["stated", "other"]].tolist() == [15.0, 2.0]
    assert t.loc["ap_td2_anthropic_claude_haiku_4_5_output", ["stated", "other"]].tolist() == [5.0, 4.0]
    assert t.loc["ap_td1_anthropic_claude_sonnet_4_6_cached", "other"] == 0.30
    spans = compare.headline_spans(tables.load_api_prices("data/api_prices.csv")).set_index("claim_id")
    assert spans.loc["ap_hosted_llama70b_input"].tolist() == [0.35, 0.90]
    assert set(spans.index) == set(compare.HEADLINE_CELLS)


def test_rule_checks_read_the_tables_rules_and_the_other_sections():
    prices = tables.load_api_prices("data/api_prices.csv")
    t = compare.tear_down_rule_checks(prices, tables.load_provider_terms("data/provider_terms.csv")).set_index("claim_id")
    # o3's printed cached price ($7.50) is half its input, not the section's ~25 %: the rule gives $3.75.
    assert t.loc["ap_td1_openai_o3_cached", "arithmetic"] == pytest.approx(3.75)
    # The second tear-down's 1-hour writes against the first's "2x the write cost" of its 5-minute writes.
    assert t.loc["ap_td2_anthropic_claude_opus_4x_write1h", "truth"] == pytest.approx(37.5)
    # A range whose ends coincide is a point; a real range keeps both ends.
    assert np.isnan(t.loc["ap_td1_anthropic_cache_share", "truth_high"])
    assert t.loc["ap_td1_openai_cache_share", ["arithmetic", "arithmetic_high"]].tolist() == pytest.approx([0.25, 0.5])
    # Thinking tokens at the two tear-downs' o3 output prices: $60/M and $8/M.
    assert t.loc["ap_td1_openai_o3_high_query", ["arithmetic", "truth"]].tolist() == pytest.approx([1.2, 0.16])
    # Every check row has a claim in the registry.
    claims = tables.load_guide_claims("data/guide_claims.csv")
    assert set(t.index) <= set(claims["claim_id"])
