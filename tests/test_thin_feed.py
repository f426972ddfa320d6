"""The thinnest feed the importer accepts: only input and output prices, every other price blank.

Every chapter must run on it, and a figure that needs a blank price (a cached read, a cache write,
the batch tier, a long-context tier) must read "n/a (<which price the feed lacks>)": never a
crash, never the input price or zero standing in for it. The fast tests cover the library pieces;
one slow test refreshes a copy of the whole book on the feed.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest

from lib.book import figures, guide
from lib.costs import api
from lib.data import tables
from lib.prices import feeds
from tests.conftest import ROOT

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
THIN_LITELLM = FEEDS / "litellm_thin.json"
THIN_OPENROUTER = FEEDS / "openrouter_thin.json"
FEED_NAME = "thin test feed"
OPTIONAL = ["cached_input_usd_per_mtok", "cache_write_5m_usd_per_mtok", "cache_write_1h_usd_per_mtok",
            "batch_discount_frac", "long_context_threshold_tokens", "long_input_usd_per_mtok",
            "long_output_usd_per_mtok", "long_cached_input_usd_per_mtok", "offpeak_input_usd_per_mtok"]


def thin_import(path: Path, fmt: str) -> feeds.FeedImport:
    doc, location = feeds.read_feed_json(str(path))
    return feeds.import_feed(doc, fmt, location=location, source=FEED_NAME, as_of="2026-11-24",
                             guide_prices=tables.load_api_prices(), feed_map=feeds.load_feed_map())


def used_row(prices: pd.DataFrame, provider: str, model: str) -> pd.DataFrame:
    row = prices[prices["book_uses"] & (prices["provider"] == provider) & (prices["model"] == model)]
    assert len(row) == 1
    return row


# --- the fixtures are the thinnest valid feeds --------------------------------------------------

@pytest.mark.parametrize("path, fmt, key", [(THIN_LITELLM, "litellm", "litellm_key"),
                                            (THIN_OPENROUTER, "openrouter", "openrouter_id")])
def test_the_thin_feeds_carry_only_input_and_output_and_import_every_mapped_model(path, fmt, key):
    doc = json.loads(path.read_text())
    entries = doc if fmt == "litellm" else {e["id"]: e["pricing"] for e in doc["data"]}
    wanted = {"input_cost_per_token", "output_cost_per_token"} if fmt == "litellm" else {"prompt", "completion"}
    assert all(set(e) == wanted for e in entries.values())
    mapped = set(feeds.load_feed_map()[key].dropna())
    assert set(entries) == mapped

    result = thin_import(path, fmt)
    assert len(result.imported) == len(mapped)
    assert not [i for i in result.issues if i.kind in ("rejected_model", "vanished")]
    imported = result.prices[result.prices["price_id"].str.endswith(f"-{fmt}")]
    assert imported[OPTIONAL].isna().all().all()


# --- lib: which price is blank, in words ------------------------------------------------------------

def test_missing_prices_names_the_blank_columns_per_row_and_nothing_where_all_are_given():
    prices = tables.load_api_prices(book_rows_only=True)
    sonnet = used_row(prices, "Anthropic", "Claude Sonnet 4.6")
    thin = sonnet.assign(cached_input_usd_per_mtok=np.nan, cache_write_5m_usd_per_mtok=np.nan)
    both = pd.concat([sonnet, thin], ignore_index=True)
    words = api.missing_prices(both, ["cached_input_usd_per_mtok", "cache_write_5m_usd_per_mtok"])
    assert list(words) == ["", "cached-input price and cache-write price"]
    # The three columns of one tier read as one price, once.
    assert api.missing_prices(thin.assign(long_context_threshold_tokens=pd.NA, long_input_usd_per_mtok=np.nan),
                              ["long_context_threshold_tokens", "long_input_usd_per_mtok"]).iloc[0] == \
        "long-context tier"
    with pytest.raises(KeyError, match="no label"):
        api.missing_prices(both, ["notes"])


def test_missing_reason_names_the_source_and_the_models_and_is_empty_on_the_guides_prices():
    prices = tables.load_api_prices(book_rows_only=True)
    example = pd.concat([used_row(prices, "Anthropic", "Claude Sonnet 4.6"), used_row(prices, "OpenAI", "GPT-4o"),
                         used_row(prices, "DeepSeek", "DeepSeek V3")], ignore_index=True)
    columns = ["cached_input_usd_per_mtok", "cache_write_5m_usd_per_mtok"]
    assert api.missing_reason(example, columns) == ""
    thin = example.assign(source=FEED_NAME)
    thin.loc[[0, 1], columns] = np.nan
    thin.loc[2, "cached_input_usd_per_mtok"] = np.nan
    assert api.missing_reason(thin, columns) == (
        f"{FEED_NAME} gives no cached-input price and cache-write price for Claude Sonnet 4.6 and GPT-4o; "
        f"{FEED_NAME} gives no cached-input price for DeepSeek V3")


def test_a_long_request_on_a_row_without_a_tier_is_nan_not_the_base_price():
    prices = tables.load_api_prices(book_rows_only=True)
    pro = used_row(prices, "Google", "Gemini 2.5 Pro")
    tokens = dict(input_tokens=500_000, output_tokens=5_000)
    # With the tier it is exactly what request_cost_usd gives.
    assert api.over_threshold_cost_usd(pro, **tokens)[0] == api.request_cost_usd(pro, **tokens)[0]
    whole, graduated = api.long_context_costs_usd(pro, input_tokens=500_000)
    assert whole[0] == api.request_cost_usd(pro.assign(long_context_rule="whole_request"), input_tokens=500_000)[0]
    assert graduated[0] == api.request_cost_usd(pro.assign(long_context_rule="above_threshold_only"),
                                                input_tokens=500_000)[0]
    assert whole[0] > graduated[0]
    no_tier = pro.assign(**{c: pd.NA if c == "long_context_threshold_tokens" else np.nan
                            for c in ("long_context_threshold_tokens", "long_input_usd_per_mtok",
                                      "long_output_usd_per_mtok", "long_cached_input_usd_per_mtok")},
                         long_context_rule=None)
    assert math.isnan(api.over_threshold_cost_usd(no_tier, **tokens)[0])
    assert all(math.isnan(c[0]) for c in api.long_context_costs_usd(no_tier, input_tokens=500_000))
    # request_cost_usd itself is unchanged: a row with no tier bills a long prompt at its base rates.
    assert not math.isnan(api.request_cost_usd(no_tier, **tokens)[0])


# --- lib: n/a with its reason in the prose and the comparisons ----------------------------------------

def glued(calls) -> list[str]:
    return [c.args[0][figures.GLUE_PREFIX + "text/plain"] for c in calls]


def test_a_figure_the_data_cannot_give_reads_as_na_with_its_reason():
    with mock.patch("lib.book.figures.display") as shown:
        figures.record("x_reason", float("nan"), "usd", missing="the feed gives no cached price for X")
        figures.record("x_na", pd.NA, "tokens", missing="the feed gives no long-context tier for Y")
        figures.record("x_none", None, "usd")
        figures.record("x_there", 1.5, "usd", missing="never shown: the value is there")
    assert glued(shown.call_args_list) == [repr("n/a (the feed gives no cached price for X)"),
                                           repr("n/a (the feed gives no long-context tier for Y)"),
                                           repr(figures.MISSING_TEXT), repr("$1.50")]
    assert [c.kwargs["metadata"][figures.FIGURE_METADATA_KEY]["value"] for c in shown.call_args_list] == \
        [None, None, None, 1.5]


def made(table: pd.DataFrame) -> list[str]:
    """Each row's cell of the check that was made (a bare number is one check)."""
    return [a if a != "—" else t for a, t in zip(table["on its own inputs"], table["independent check"])]


def test_a_comparison_shows_the_reason_in_the_books_cell_and_records_it_with_the_claim():
    claims = tables.load_guide_claims()
    ids = list(claims["claim_id"].iloc[:2])
    ours = {ids[0]: float("nan"), ids[1]: float("nan")}
    table = guide.comparison_table(claims, ours, missing={ids[0]: "the feed gives no cached price for X"})
    assert made(table) == ["n/a (the feed gives no cached price for X)", figures.MISSING_TEXT]
    assert set(table["verdict"]) == {guide.UNCHECKED}
    one_reason = guide.comparison_table(claims, ours, missing="the feed gives no batch discount for Y")
    assert set(made(one_reason)) == {"n/a (the feed gives no batch discount for Y)"}
    with mock.patch("lib.book.figures.display") as shown:
        guide.record_verdicts(table)
    texts = glued(shown.call_args_list)
    assert repr("n/a (the feed gives no cached price for X)") in texts
    # A figure that is there reads the same with or without a reason.
    there = {ids[0]: 1.0}
    assert made(guide.comparison_table(claims, there, missing="unused")) == \
        made(guide.comparison_table(claims, there))


# --- the whole book on the thinnest feed ----------------------------------------------------------------

def outputs_text(notebook: Path) -> str:
    nb = json.loads(notebook.read_text())
    return "\n".join(json.dumps(o) for cell in nb["cells"] for o in cell.get("outputs", []))


@pytest.mark.slow
def test_every_chapter_runs_on_the_thinnest_feed_and_says_which_price_is_missing(book_copy):
    from lib.book.refresh import ChapterResult, PriceFeed, read_figures, refresh

    ran: list[ChapterResult] = []
    refresh(book_copy, None, prices=PriceFeed(str(THIN_LITELLM), "litellm", "2026-11-24", FEED_NAME),
            force=True, results=ran)
    chapters = sorted(p.stem for p in (ROOT / "analyses").glob("*.py") if not p.name.startswith("_"))
    assert sorted(r.chapter for r in ran) == chapters and all(r.ok for r in ran)

    book = book_copy / "book"
    expected = {
        "api_prices": f"n/a ({FEED_NAME} gives no long-context tier for Gemini 2.5 Pro)",
        "prompt_caching": f"n/a ({FEED_NAME} gives no cached-input price and cache-write price for Claude Sonnet 4.6",
        "batch_offpeak": f"n/a ({FEED_NAME} gives no batch discount for Claude Sonnet 4.6)",
        "long_context": f"n/a ({FEED_NAME} gives no long-context tier",
        "product_numbers": f"n/a ({FEED_NAME} gives no cached-input price for Claude Sonnet 4.6)",
        "cost_attribution": "n/a (no invoice: ",
    }
    for chapter, text in expected.items():
        assert text in outputs_text(book / f"{chapter}.ipynb"), chapter

    figures_now = read_figures(book / "figures.csv")
    # Figures that need a blank price are n/a, not the base price standing in for it ...
    for key in [("api_prices", "ap_long_whole"), ("api_prices", "ap_long_graduated"),
                ("prompt_caching", "pc_cached_low"), ("prompt_caching", "pc_anthropic_reads_5m"),
                ("long_context", "lc_doc_query"), ("batch_offpeak", "bo_sonnet_batch")]:
        assert math.isnan(figures_now[key][0]), key
    # ... and the ones that need only input and output are still numbers.
    for key in [("prompt_caching", "pc_nocache_low"), ("api_prices", "ap_mix_cheapest"),
                ("batch_offpeak", "bo_sonnet_sync")]:
        assert not math.isnan(figures_now[key][0]), key
