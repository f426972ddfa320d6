"""The value index (price per billion parameters) and the privacy table: cases, invariants, bad data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.costs import value_index as vi
from lib.data import tables
from lib.data.validation import DataValidationError
from tests.conftest import BAD_DATA

PARAMS = tables.load_model_params()
PRIVACY = tables.load_provider_privacy()
PRICES = tables.load_api_prices(book_rows_only=True)


def test_blended_price_by_hand():
    # 70% input at $2 + 30% output at $8 = $3.80 per million tokens.
    assert vi.blended_usd_per_mtok(2.0, 8.0, 0.3) == pytest.approx(3.8)
    with pytest.raises(ValueError):
        vi.blended_usd_per_mtok(2.0, 8.0, 1.5)


def test_index_and_weights_by_hand():
    assert vi.usd_per_mtok_per_b_params(3.8, 1_800) == pytest.approx(3.8 / 1_800)
    assert vi.weights_gb(70, 2) == pytest.approx(140.0)
    with pytest.raises(ValueError):
        vi.usd_per_mtok_per_b_params(1.0, 0)


def test_prices_come_from_the_price_table_where_named():
    priced = vi.attach_prices(PARAMS, PRICES).set_index("model")
    mini = PRICES[PRICES["model"] == "GPT-4o mini"].iloc[0]
    assert priced.loc["GPT-4o mini", "input_usd_per_mtok"] == mini["input_usd_per_mtok"]
    assert priced.loc["GPT-4o mini", "price_from"] == "book price table"
    assert priced.loc["GPT-4.1", "input_usd_per_mtok"] == 2.0  # its own list price


def test_a_model_missing_from_a_price_feed_is_not_ranked():
    feed = PRICES[PRICES["model"] != "Mistral Large 2"]
    index = vi.value_index(vi.attach_prices(PARAMS, feed), 0.3, 2).set_index("model")
    assert pd.isna(index.loc["Mistral Large 2", "rank"])
    assert index.loc["Mistral Large 2", "price_from"] == "not in the price data in use"


def test_value_index_ranks_and_ranges():
    index = vi.value_index(vi.attach_prices(PARAMS, PRICES), 0.3, 2).set_index("model")
    gpt41 = index.loc["GPT-4.1"]
    assert gpt41["index_central"] == pytest.approx(3.8 / np.sqrt(1760 * 1800))
    assert gpt41["index_low"] <= gpt41["index_central"] <= gpt41["index_high"]
    assert gpt41["rank"] == 1
    assert pd.isna(index.loc["Claude 3.5 Haiku", "rank"])  # no published size
    # GPT-4o mini costs more per parameter than GPT-4.1 (the companion's first insight).
    assert index.loc["GPT-4o mini", "index_central"] > gpt41["index_central"]


def test_value_classes_are_thirds():
    ranks = pd.Series([1, 2, 3, 4, 5, 6, pd.NA], dtype="Int64")
    assert list(vi.value_classes(ranks)[:6]) == ["under", "under", "fair", "fair", "over", "over"]
    assert pd.isna(vi.value_classes(ranks)[6])


def test_rank_among_skips_models_without_a_count():
    index = vi.value_index(vi.attach_prices(PARAMS, PRICES), 0.3, 2)
    ranks = vi.rank_among(index, ["GPT-4.1", "Claude 3.5 Haiku", "Claude 3.5 Sonnet"])
    assert ranks == {"GPT-4.1": 1, "Claude 3.5 Sonnet": 2}


def test_estimates_are_labelled():
    assert "ESTIMATED" in vi.basis_label("estimated")
    assert (PARAMS.loc[PARAMS["params_basis"] == "stated", "total_params_billions_low"]
            == PARAMS.loc[PARAMS["params_basis"] == "stated", "total_params_billions_high"]).all()


def test_privacy_rule_reproduces_the_companion_tiers():
    assert (vi.privacy_tier(PRIVACY) == PRIVACY["companion_tier"]).all()


def test_filter_providers():
    assert set(vi.filter_providers(PRIVACY, tier="limited")["provider"]) == {"xAI"}
    private = vi.filter_providers(PRIVACY, private_only=True)
    assert "xAI" not in set(private["provider"]) and len(private) == len(PRIVACY) - 1
    strict = vi.filter_providers(PRIVACY, no_training=True, eu_or_own_region=True)
    assert "Google" not in set(strict["provider"])  # trains on free tiers
    assert len(vi.filter_providers(PRIVACY)) == len(PRIVACY)


def test_property_ratings_cover_every_provider_and_property():
    r = vi.property_ratings(PRIVACY)
    assert len(r) == len(PRIVACY) * len(vi.PRIVACY_PROPERTIES)
    assert set(r["rating"]) <= set(vi.RATINGS)
    xai = r[r["provider"] == "xAI"].set_index("property")["rating"]
    assert xai["retention"] == "unknown" and xai["private deployment"] == "poor"


@settings(max_examples=80, deadline=None)
@given(inp=st.floats(0.01, 100), out=st.floats(0.01, 100), share=st.floats(0, 1),
       lo=st.floats(1, 1000), factor=st.floats(1, 20))
def test_blend_between_its_prices_and_index_range_ordered(inp, out, share, lo, factor):
    b = float(vi.blended_usd_per_mtok(inp, out, share))
    assert min(inp, out) - 1e-9 <= b <= max(inp, out) + 1e-9
    frame = pd.DataFrame({"input_usd_per_mtok": [inp], "output_usd_per_mtok": [out],
                          "total_params_billions_low": [lo], "total_params_billions_high": [lo * factor]})
    v = vi.value_index(frame, share, 2).iloc[0]
    assert v["index_low"] <= v["index_central"] * (1 + 1e-9) and v["index_central"] <= v["index_high"] * (1 + 1e-9)


@settings(max_examples=40, deadline=None)
@given(flags=st.tuples(st.booleans(), st.booleans(), st.booleans()))
def test_filters_only_ever_remove(flags):
    no_training, private_only, eu = flags
    kept = vi.filter_providers(PRIVACY, no_training=no_training, private_only=private_only, eu_or_own_region=eu)
    assert set(kept["provider_id"]) <= set(PRIVACY["provider_id"])
    looser = vi.filter_providers(PRIVACY, no_training=False, private_only=private_only, eu_or_own_region=eu)
    assert set(kept["provider_id"]) <= set(looser["provider_id"])


@pytest.mark.parametrize(("filename", "loader", "expected"), [
    ("model_params_bad.csv", tables.load_model_params,
     ["row 1 (line 2), column 'total_params_billions_high': a stated count is one number",
      "row 2 (line 3), column 'input_usd_per_mtok': priced twice",
      "row 3 (line 4), column 'params_basis': a parameter count is given but params_basis is 'unknown'"]),
    ("provider_privacy_bad.csv", tables.load_provider_privacy,
     ["row 1 (line 2), column 'trains_on_data': 'maybe' is not one of",
      "row 2 (line 3), column 'private_deployment': 'sometimes' is not true or false"]),
])
def test_bad_files_name_file_row_column_and_reason(filename, loader, expected):
    path = BAD_DATA / filename
    with pytest.raises(DataValidationError) as info:
        loader(path)
    problems = [str(p) for p in info.value.problems]
    for text in expected:
        assert any(str(path) in p and text in p for p in problems), (text, problems)
