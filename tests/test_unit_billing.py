"""Prices per image, second, character and search: the data file, the vectorised pricer, and one
bill that mixes tokens and units. Expected values come from the CSV's own text, never typed here."""

from __future__ import annotations

import csv
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.data import tables
from lib.data.unit_tables import MAX_USD_PER_UNIT, UNITS
from lib.data.validation import DataValidationError
from lib.prices.billing import BillingError, Usage, bill_api_row
from lib.prices.unit_billing import (GUIDE_PRICE_LIST, UnitPriceError, UnitUse, bill_with_units, price_units,
                                     side_by_side, unit_lines)
from tests.conftest import BAD_DATA, ROOT

PRICES = tables.load_unit_prices()
RULES = tables.load_billing_rules()
API = tables.load_api_prices(book_rows_only=True)
# The CSV as text: the exact prices to check the engine's arithmetic against.
RAW = list(csv.DictReader((ROOT / "data" / "unit_prices.csv").open(encoding="utf-8")))
LISTS = sorted({r["price_list"] for r in RAW})


def _usage_for(rows: list[dict[str, str]], quantities: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"model": [r["model"] for r in rows], "unit": [r["unit"] for r in rows],
                         "variant": [r["variant"] for r in rows], "provider": [r["provider"] for r in rows],
                         "quantity": quantities})


def _api_row(provider: str, model: str) -> pd.Series:
    return API[(API["provider"] == provider) & (API["model"] == model)].iloc[0]


# --- the data file ----------------------------------------------------------------------------

def test_unit_prices_are_registered_and_validate():
    assert tables.TABLES["unit_prices.csv"].name == "unit prices"
    assert tables.validate_data_dir()["unit_prices.csv"] == len(RAW)


def test_every_unit_the_guide_prices_is_in_the_closed_set_and_the_guide_list_is_there():
    guide_units = {r["unit"] for r in RAW if r["price_list"] == GUIDE_PRICE_LIST}
    assert guide_units <= set(UNITS)
    # The kinds of price the guide lists: images made and sent, audio, video, speech, rerank, embeddings.
    assert {"image_generated", "image_input", "audio_second", "video_second", "character", "rerank_search",
            "embedding_token"} <= guide_units


@pytest.mark.parametrize(("filename", "row", "column", "reason"), [
    ("unit_prices_negative.csv", 1, "price_usd", "-15 is below the smallest sane value 0"),
    ("unit_prices_bad_unit.csv", 2, "unit", "'video_minute' is not one of image_generated"),
    ("unit_prices_no_source.csv", 1, "source", "is blank but a value is required"),
    ("unit_prices_per_thousand_dropped.csv", 1, "per_quantity", "is per_quantity missing"),
    ("unit_prices_two_prices.csv", 2, "variant", "a second price for price_list=guide, provider=OpenAI"),
])
def test_bad_unit_price_file_names_file_row_column_and_reason(filename, row, column, reason):
    path = BAD_DATA / filename
    with pytest.raises(DataValidationError) as info:
        tables.load_unit_prices(path)
    problems = [str(p) for p in info.value.problems]
    where = f"{path}, row {row} (line {row + 1}), column '{column}'"
    assert any(p.startswith(where) and reason in p for p in problems), problems


def test_the_per_unit_ceiling_is_what_refuses_a_dropped_per_thousand():
    # 2.00 per 1 search is above the ceiling; 2.00 per 1,000 (the guide's) is far below it.
    assert 2.00 / 1 > MAX_USD_PER_UNIT["rerank_search"] > 2.00 / 1000


# --- the vectorised pricer ---------------------------------------------------------------------

@pytest.mark.parametrize("price_list", LISTS)
def test_every_row_prices_its_own_quantity_at_its_stated_price(price_list):
    rows = [r for r in RAW if r["price_list"] == price_list]
    # Three lots per row: the stated quantity, none, and 7 of them.
    usage = _usage_for(rows * 3, [int(r["per_quantity"]) for r in rows] + [0] * len(rows)
                       + [7 * int(r["per_quantity"]) for r in rows])
    priced = price_units(usage, PRICES, price_list=price_list)
    n = len(rows)
    assert priced["unit_price_id"].tolist()[:n] == [r["unit_price_id"] for r in rows]
    assert priced["usd"].iloc[:n].tolist() == pytest.approx([float(r["price_usd"]) for r in rows], rel=1e-12)
    assert (priced["usd"].iloc[n:2 * n] == 0).all()
    assert priced["usd"].iloc[2 * n:].tolist() == pytest.approx([7 * float(r["price_usd"]) for r in rows], rel=1e-12)


def test_order_and_index_are_kept():
    rows = [r for r in RAW if r["price_list"] == GUIDE_PRICE_LIST]
    usage = _usage_for(rows, list(range(1, len(rows) + 1))).iloc[::-1]
    usage.index = [f"call-{i}" for i in range(len(usage))]
    priced = price_units(usage, PRICES)
    assert priced.index.tolist() == usage.index.tolist()
    assert priced["model"].tolist() == usage["model"].tolist()
    expected = [q * float(r["price_usd"]) / int(r["per_quantity"]) for q, r in zip(usage["quantity"], rows[::-1])]
    assert priced["usd"].tolist() == pytest.approx(expected, rel=1e-12)


def test_the_provider_column_is_optional_where_the_model_is_unambiguous():
    usage = pd.DataFrame({"model": ["Rerank v3"], "unit": ["rerank_search"], "quantity": [2_500]})
    raw = next(r for r in RAW if r["price_list"] == GUIDE_PRICE_LIST and r["model"] == "Rerank v3")
    assert price_units(usage, PRICES)["usd"].item() == pytest.approx(
        2_500 * float(raw["price_usd"]) / int(raw["per_quantity"]))


@pytest.mark.parametrize(("usage", "message"), [
    ({"model": ["tts-1"], "unit": ["image_generated"], "quantity": [1]},
     "cannot price 'tts-1' image_generated; it prices that model as character"),
    ({"model": ["DALL-E 3"], "unit": ["image_generated"], "quantity": [1]},
     "cannot price 'DALL-E 3' image_generated; it prices that model as image_generated (1024x1024)"),
    ({"model": ["No Such Model"], "unit": ["image_generated"], "quantity": [1]},
     "'No Such Model' image_generated; it has no price for that model at all"),
    ({"model": ["tts-1"], "unit": ["character"], "quantity": [1], "provider": ["Azure OpenAI"]},
     "cannot price 'tts-1' character from Azure OpenAI"),
    ({"model": ["tts-1"], "unit": ["minute"], "quantity": [1]}, "'minute' are not priced units"),
    ({"model": ["GPT-4o"], "unit": ["web_search"], "quantity": [1]}, "bill them with the token usage"),
    ({"model": ["tts-1"], "unit": ["character"], "quantity": [-3]}, "quantity -3 is not a finite number"),
    ({"model": ["tts-1"], "unit": ["character"], "quantity": [float("nan")]}, "is not a finite number"),
    ({"model": ["tts-1"], "unit": ["character"], "quantity": ["lots"]}, "is not a finite number"),
    ({"model": ["tts-1"], "unit": ["character"]}, "lacks column(s) quantity"),
])
def test_usage_it_cannot_price_is_refused_by_name(usage, message):
    with pytest.raises(UnitPriceError, match=None) as info:
        price_units(pd.DataFrame(usage), PRICES)
    assert message in str(info.value)
    assert isinstance(info.value, BillingError)  # one error family with token billing


def test_every_unpriced_row_is_named_at_once():
    usage = pd.DataFrame({"model": ["tts-1", "Nope A", "Veo 3", "Nope B"], "quantity": [1, 1, 1, 1],
                          "unit": ["character", "character", "video_second", "rerank_search"]})
    with pytest.raises(UnitPriceError) as info:
        price_units(usage, PRICES)
    text = str(info.value)
    assert "row 1:" in text and "'Nope A'" in text and "row 3:" in text and "'Nope B'" in text
    assert "row 0:" not in text and "row 2:" not in text


def test_two_providers_for_one_item_must_be_told_apart():
    extra = PRICES.iloc[[0]].copy()
    extra["unit_price_id"], extra["provider"] = "second-seller", "Elsewhere Inc"
    both = pd.concat([PRICES, extra])
    model, unit = extra["model"].item(), extra["unit"].item()
    usage = pd.DataFrame({"model": [model], "unit": [unit], "quantity": [1]})
    with pytest.raises(UnitPriceError, match="priced by several providers"):
        price_units(usage, both)
    named = usage.assign(provider="Elsewhere Inc")
    assert price_units(named, both)["unit_price_id"].item() == "second-seller"


def test_an_unknown_price_list_is_refused():
    with pytest.raises(UnitPriceError, match="no price list 'litellm-0.0'"):
        price_units(pd.DataFrame({"model": ["tts-1"], "unit": ["character"], "quantity": [1]}), PRICES,
                    price_list="litellm-0.0")


# --- linearity (property tests) ------------------------------------------------------------------

_GUIDE_ROWS = [r for r in RAW if r["price_list"] == GUIDE_PRICE_LIST]
_row = st.sampled_from(_GUIDE_ROWS)
_qty = st.integers(min_value=0, max_value=10**9)


@settings(max_examples=60, deadline=None)
@given(row=_row, a=_qty, b=_qty)
def test_pricing_is_additive_in_quantity(row, a, b):
    priced = price_units(_usage_for([row] * 3, [a, b, a + b]), PRICES)["usd"].tolist()
    assert priced[2] == pytest.approx(priced[0] + priced[1], rel=1e-12, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(row=_row, q=_qty, k=st.integers(min_value=0, max_value=1000))
def test_pricing_scales_with_quantity_and_is_never_negative(row, q, k):
    one, many = price_units(_usage_for([row] * 2, [q, k * q]), PRICES)["usd"].tolist()
    assert one >= 0 and many == pytest.approx(k * one, rel=1e-12, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(row=_row, q=_qty)
def test_the_float_table_and_the_exact_bill_agree(row, q):
    use = UnitUse(row["model"], row["unit"], q, variant=row["variant"] or None, provider=row["provider"])
    (line,) = unit_lines([use], PRICES)
    assert line.usd == Decimal(row["price_usd"]) * q / Decimal(row["per_quantity"])  # exact, from the CSV text
    assert float(line.usd) == pytest.approx(price_units(_usage_for([row], [q]), PRICES)["usd"].item(), rel=1e-12)


# --- one request, tokens and units ---------------------------------------------------------------

def test_a_chat_call_with_web_search_and_an_image_bills_as_the_sum():
    row = _api_row("OpenAI", "GPT-4o")
    usage = Usage(input=1_200, output=300, web_searches=2)
    image = next(r for r in _GUIDE_ROWS if r["model"] == "DALL-E 3")
    tokens = bill_api_row(usage, row, RULES)
    mixed = bill_with_units([UnitUse("DALL-E 3", "image_generated", 2, variant=image["variant"])], PRICES,
                            usage=usage, price_row=row, rules=RULES)
    assert mixed.lines[:len(tokens.lines)] == tokens.lines  # the token engine's lines, untouched
    assert mixed.usd("web search") > 0  # the per-call fee is the token engine's
    assert mixed.total == tokens.total + 2 * Decimal(image["price_usd"]) / Decimal(image["per_quantity"])
    assert float(mixed.total) == pytest.approx(float(mixed.as_frame()["usd"].sum()), rel=1e-12)


def test_a_units_only_request_has_only_unit_lines():
    whisper = next(r for r in _GUIDE_ROWS if r["unit"] == "audio_second")
    b = bill_with_units([UnitUse(whisper["model"], "audio_second", 90)], PRICES)
    assert [ln.item for ln in b.lines] == [f"audio_second ({whisper['model']})"]
    assert b.total == 90 * Decimal(whisper["price_usd"]) / Decimal(whisper["per_quantity"])
    assert bill_with_units([], PRICES).total == 0


def test_token_usage_needs_its_price_row_and_rules():
    with pytest.raises(BillingError, match="needs the model's price_row and the billing rules"):
        bill_with_units([], PRICES, usage=Usage(input=10, output=10))


@pytest.mark.parametrize("quantity", [1.5, -1, True])
def test_a_unit_use_is_a_whole_non_negative_count(quantity):
    with pytest.raises(UnitPriceError):
        UnitUse("tts-1", "character", quantity)


def test_the_outside_list_prices_the_same_request_from_its_own_rows():
    whisper = next(r for r in RAW if r["price_list"] != GUIDE_PRICE_LIST and r["unit"] == "audio_second")
    b = bill_with_units([UnitUse(whisper["model"], "audio_second", 60)], PRICES, price_list=whisper["price_list"])
    assert b.total == 60 * Decimal(whisper["price_usd"]) / Decimal(whisper["per_quantity"])
    assert b.lines[0].note == f"unit price {whisper['unit_price_id']}"


# --- the guide's list beside an outside one --------------------------------------------------------

def test_side_by_side_prices_each_guide_row_and_finds_the_same_item_outside():
    outside_list = next(x for x in LISTS if x != GUIDE_PRICE_LIST)
    quantities = {u: 1_000 for u in UNITS}
    table = unit_billing_side_by_side(outside_list, quantities)
    guide_rows = [r for r in RAW if r["price_list"] == GUIDE_PRICE_LIST]
    assert table["unit_price_id"].tolist() == [r["unit_price_id"] for r in guide_rows]
    assert table["usd"].tolist() == pytest.approx([1_000 * float(r["price_usd"]) / int(r["per_quantity"])
                                                   for r in guide_rows], rel=1e-12)
    for r, (_, row) in zip(guide_rows, table.iterrows()):
        same = [o for o in RAW if o["price_list"] == outside_list and o["model"] == r["model"]
                and o["unit"] == r["unit"] and o["variant"] == r["variant"]]
        if same:
            assert row["outside_usd"] == pytest.approx(1_000 * float(same[0]["price_usd"]) / int(same[0]["per_quantity"]))
            assert row["outside_over"] == pytest.approx(row["outside_usd"] / row["usd"])
        else:
            assert pd.isna(row["outside_usd"]) and pd.isna(row["outside_over"])


def test_side_by_side_can_compare_an_item_priced_in_another_unit():
    outside_list = next(x for x in LISTS if x != GUIDE_PRICE_LIST)
    pixel = next(o for o in RAW if o["price_list"] == outside_list and o["unit"] == "image_pixel")
    image = next(r for r in RAW if r["price_list"] == GUIDE_PRICE_LIST and r["model"] == pixel["model"])
    table = unit_billing_side_by_side(outside_list, {u: 1 for u in UNITS},
                                      outside_as={image["unit_price_id"]: ("image_pixel", pixel["variant"], 512 * 512)})
    row = table[table["unit_price_id"] == image["unit_price_id"]].iloc[0]
    assert row["outside_usd"] == pytest.approx(512 * 512 * float(pixel["price_usd"]))
    with pytest.raises(UnitPriceError, match="no quantity to show for unit"):
        unit_billing_side_by_side(outside_list, {"character": 1})


def unit_billing_side_by_side(outside_list, quantities, **kw):
    return side_by_side(PRICES, outside_list, quantities, **kw)
