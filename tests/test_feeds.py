"""Price feeds: the real LiteLLM database from PyPI, OpenRouter's listing shape, and broken feeds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from lib.data import tables
from lib.data.validation import DataValidationError
from lib.prices import compare, feeds
from tests.conftest import BAD_FEEDS, ROOT


def run_import(path: Path, fmt: str, guide: pd.DataFrame, feed_map: pd.DataFrame) -> feeds.FeedImport:
    doc, location = feeds.read_feed_json(str(path))
    return feeds.import_feed(doc, fmt, location=location, source=f"test {fmt}", as_of="2026-11-23",
                             guide_prices=guide, feed_map=feed_map)


def issue(result: feeds.FeedImport, model: str, kind: str) -> feeds.FeedIssue:
    found = [i for i in result.issues if i.model == model and i.kind == kind]
    assert found, f"no {kind} issue for {model}: {result.issues}"
    return found[0]


# --- the real LiteLLM database ---------------------------------------------------------------------

def test_real_litellm_prices_import_exactly_as_the_file_states(litellm_json, guide, feed_map):
    raw = json.loads(litellm_json.read_text())
    result = run_import(litellm_json, "litellm", guide, feed_map)
    book = result.prices[result.prices["book_uses"]].set_index(["provider", "model"])
    mapped = feed_map[feed_map["litellm_key"].notna()]
    assert len(result.imported) == len(mapped) - sum(1 for i in result.issues if i.kind in ("vanished", "rejected_model"))
    assert len(result.imported) >= 40
    for _, m in mapped.iterrows():
        if (m["provider"], m["model"], m["litellm_key"]) not in result.imported:
            continue
        entry = raw[m["litellm_key"]]
        row = book.loc[(m["provider"], m["model"])]
        assert row["input_usd_per_mtok"] == pytest.approx(entry["input_cost_per_token"] * 1e6, rel=1e-12)
        assert row["output_usd_per_mtok"] == pytest.approx(entry["output_cost_per_token"] * 1e6, rel=1e-12)
        cached = entry.get("cache_read_input_token_cost")
        assert (pd.isna(row["cached_input_usd_per_mtok"]) if cached is None
                else row["cached_input_usd_per_mtok"] == pytest.approx(cached * 1e6, rel=1e-12))
        assert row["source"] == "test litellm" and row["as_of"] == "2026-11-23"
        assert row["notes"].startswith(f"Feed key: {m['litellm_key']}.")


def test_real_litellm_tiers_batch_discount_and_long_context(litellm_json, guide, feed_map):
    book = run_import(litellm_json, "litellm", guide, feed_map).prices
    book = book[book["book_uses"]].set_index(["provider", "model"])
    assert book.loc[("OpenAI", "GPT-5"), "batch_discount_frac"] == 0.5
    pro = book.loc[("Google", "Gemini 2.5 Pro")]
    assert pro["long_context_threshold_tokens"] == 200_000 and pro["long_context_rule"] == "whole_request"
    assert pro["long_input_usd_per_mtok"] == 2.5 and pro["long_output_usd_per_mtok"] == 15.0
    sonnet = book.loc[("Anthropic", "Claude Sonnet 4.6")]
    assert (sonnet["cache_write_5m_usd_per_mtok"], sonnet["cache_write_1h_usd_per_mtok"]) == (3.75, 6.0)


def test_an_import_keeps_every_guide_row_and_one_book_row_per_model(litellm_json, guide, feed_map):
    snapshot = run_import(litellm_json, "litellm", guide, feed_map).prices
    kept = snapshot.set_index("price_id").loc[guide["price_id"]]
    for column in ("input_usd_per_mtok", "output_usd_per_mtok", "source", "as_of"):
        pd.testing.assert_series_equal(kept[column].reset_index(drop=True), guide[column].reset_index(drop=True),
                                       check_names=False)
    assert snapshot[snapshot["book_uses"]].groupby(["provider", "model"]).size().eq(1).all()
    # A model the map does not cover (o4-preview) is still priced by the guide.
    o4 = snapshot[(snapshot["model"] == "o4-preview") & snapshot["book_uses"]]
    assert o4["as_of"].tolist() == ["2026-06"]


def test_feed_fields_the_guide_states_but_the_feed_lacks_are_reported_not_guessed(litellm_json, guide, feed_map):
    result = run_import(litellm_json, "litellm", guide, feed_map)
    missing = issue(result, "DeepSeek V3", "missing_field")
    assert missing.field == "offpeak_input_usd_per_mtok"
    row = result.prices[(result.prices["model"] == "DeepSeek V3") & result.prices["book_uses"]].iloc[0]
    assert pd.isna(row["offpeak_input_usd_per_mtok"])


def test_the_committed_snapshot_is_what_the_importer_makes_of_the_wheel(litellm_json, guide, feed_map, tmp_path):
    """data/snapshots holds the import of LiteLLM 1.109.1 that the prices-now chapter reads."""
    doc, location = feeds.read_feed_json(str(litellm_json))
    committed = ROOT / "data" / "snapshots" / "api_prices.litellm.2026-11-23.csv"
    first = tables.load_api_prices(committed)
    source = first[first["price_id"] == "openai-gpt-5-litellm"]["source"].iloc[0]
    result = feeds.import_feed(doc, "litellm", location=location, source=source, as_of="2026-11-23",
                               guide_prices=guide, feed_map=feed_map)
    prices_path, issues_path = feeds.write_snapshot(result, tmp_path)
    assert prices_path.read_text() == committed.read_text()
    assert issues_path.read_text() == feeds.issues_path_for(committed).read_text()


# --- broken feeds ------------------------------------------------------------------------------------

def test_malformed_json_names_the_file_line_and_column():
    with pytest.raises(feeds.FeedError, match=r"litellm_truncated\.json: line \d+, column \d+: malformed JSON"):
        feeds.read_feed_json(str(BAD_FEEDS / "litellm_truncated.json"))


def test_a_feed_of_the_wrong_shape_is_refused(guide, feed_map):
    with pytest.raises(feeds.FeedError, match="one JSON object keyed by model, not a list"):
        run_import(BAD_FEEDS / "litellm_not_an_object.json", "litellm", guide, feed_map)
    with pytest.raises(feeds.FeedError, match="object with a 'data' list"):
        run_import(BAD_FEEDS / "litellm_broken_entries.json", "openrouter", guide, feed_map)
    with pytest.raises(feeds.FeedError, match="no such file"):
        feeds.read_feed_json(str(BAD_FEEDS / "nowhere.json"))


def test_each_bad_litellm_entry_gets_its_reason_and_the_guide_price_stays(guide, feed_map):
    result = run_import(BAD_FEEDS / "litellm_broken_entries.json", "litellm", guide, feed_map)
    assert "string" in issue(result, "GPT-5", "rejected_model").reason
    assert "negative" in issue(result, "GPT-5 mini", "rejected_model").reason
    assert "above the book's sane maximum" in issue(result, "GPT-5 nano", "rejected_model").reason
    assert "not an object" in issue(result, "GPT-4o mini", "rejected_model").reason
    assert "dearer than a miss" in issue(result, "o3", "rejected_field").reason
    gpt4o = [i for i in result.issues if i.model == "GPT-4o" and i.kind == "rejected_field"]
    assert any("true/false" in i.reason for i in gpt4o) and any("differ" in i.reason for i in gpt4o)
    assert "lacks an input or an output price" in issue(result, "Gemini 2.5 Pro", "rejected_field").reason
    assert issue(result, "Claude Haiku 4.5", "vanished").feed_key == "claude-haiku-4-5"
    book = result.prices[result.prices["book_uses"]].set_index(["provider", "model"])
    assert book.loc[("OpenAI", "GPT-5"), "as_of"] == "2026-06"  # rejected: the guide's row is the book's
    assert book.loc[("OpenAI", "o3"), "input_usd_per_mtok"] == 2.0  # imported, its bad cache price left blank
    assert pd.isna(book.loc[("OpenAI", "o3"), "cached_input_usd_per_mtok"])
    assert pd.isna(book.loc[("Google", "Gemini 2.5 Pro"), "long_context_threshold_tokens"])
    assert book.loc[("Anthropic", "Claude Sonnet 4.6"), "as_of"] == "2026-11-23"


def test_nan_is_not_a_price(guide, feed_map):
    with pytest.raises(feeds.FeedError, match="no model .* could be imported"):
        run_import(BAD_FEEDS / "litellm_nan.json", "litellm", guide, feed_map)
    assert feeds.per_mtok(float("nan"), strings_allowed=False)[1] == "nan is not a finite number"


def test_openrouter_strings_routers_and_markup(guide, feed_map):
    result = run_import(BAD_FEEDS / "openrouter_hostile.json", "openrouter", guide, feed_map)
    book = result.prices[result.prices["book_uses"]].set_index(["provider", "model"])
    assert book.loc[("OpenAI", "GPT-5"), "input_usd_per_mtok"] == 1.25
    assert book.loc[("Anthropic", "Claude Sonnet 4.6"), "cache_write_1h_usd_per_mtok"] == 6.0
    assert book.loc[("Google", "Gemini 2.5 Pro"), "long_context_threshold_tokens"] == 200_000
    assert "set per request" in issue(result, "GPT-5 mini", "rejected_model").reason
    o3 = issue(result, "o3", "rejected_model")
    assert "<script>" in o3.value and "is not a number" in o3.reason  # reported as data, escaped where shown
    assert "not an object with prices" in issue(result, "Gemini 2.5 Flash", "rejected_model").reason
    assert not any("<" in str(v) for v in result.prices["model"])


def test_a_map_row_with_markup_or_an_unknown_model_is_refused(tmp_path, guide):
    bad = tmp_path / "price_feed_map.csv"
    shutil.copy(ROOT / "data" / "price_feed_map.csv", bad)
    with bad.open("a") as fh:
        fh.write('OpenAI,<img src=x onerror=alert(1)>,gpt-5,,test,2026-11-23,\n')
    with pytest.raises(DataValidationError, match=r"price_feed_map\.csv, row \d+ \(line \d+\), column 'model': .* markup"):
        feeds.load_feed_map(bad)
    unknown = tmp_path / "unknown_map.csv"
    unknown.write_text("provider,model,litellm_key,openrouter_id,source,as_of,notes\n"
                       "OpenAI,GPT-9,gpt-9,,test,2026-11-23,\n")
    with pytest.raises(feeds.FeedError, match=r"row 1 \(line 2\), column 'model': \(OpenAI, GPT-9\) has no book row"):
        feeds.import_feed({}, "litellm", location="x", source="x", as_of="2026-11-23", guide_prices=guide,
                          feed_map=feeds.load_feed_map(unknown), map_label=str(unknown))


def test_as_of_must_be_a_date(guide, feed_map):
    with pytest.raises(feeds.FeedError, match="not a date"):
        feeds.import_feed({}, "litellm", location="x", source="x", as_of="../../etc", guide_prices=guide,
                          feed_map=feed_map)


@pytest.mark.parametrize("raw, expected", [
    (3e-06, 3.0), (1.25e-07, 0.125), ("0.00000125", 1.25), (0, 0.0), ("0", 0.0), (6.25e-08, 0.0625),
])
def test_per_token_prices_convert_exactly(raw, expected):
    value, reason = feeds.per_mtok(raw, strings_allowed=True)
    assert reason is None and value == expected


# --- comparing two price lists -------------------------------------------------------------------

def _book(rows: list[tuple[str, str, float, float, float | None]], as_of: str = "2026-06") -> pd.DataFrame:
    return pd.DataFrame([{"provider": p, "model": m, "input_usd_per_mtok": i, "output_usd_per_mtok": o,
                          "cached_input_usd_per_mtok": c, "as_of": as_of, "price_id": f"{p}-{m}-{as_of}"}
                         for p, m, i, o, c in rows])


def test_price_changes_ratios_cheapest_and_cache_ranking_by_hand():
    then = _book([("A", "big", 10.0, 40.0, 1.0), ("B", "small", 1.0, 2.0, 0.25)])
    now = _book([("A", "big", 5.0, 20.0, 0.5), ("B", "small", 1.0, 2.0, None)], as_of="2026-11-23")
    changes = compare.price_changes(then, now, input_tokens=1_000, output_tokens=500)
    big = changes.set_index("model").loc["big"]
    assert big["request_guide"] == pytest.approx((1_000 * 10 + 500 * 40) / 1e6)
    assert big["request_change"] == pytest.approx(-0.5) and bool(big["imported"])
    assert compare.price_ratio(then, ("A", "big"), ("B", "small")) == 10
    assert compare.cheapest(now, [("A", "big"), ("B", "small")], input_tokens=1, output_tokens=1)[0] == ("B", "small")
    assert compare.spread(then, [("A", "big"), ("B", "small")], input_tokens=1_000, output_tokens=0) == 10
    assert compare.ranking_text(compare.cache_discount_ranking(then, [("B", "small"), ("A", "big")])) == (
        "big (90.0%) > small (75.0%)")
    assert compare.ranking_text(compare.cache_discount_ranking(now, [("B", "small"), ("A", "big")])) == (
        "big (90.0%) > small (no cache price)")
    with pytest.raises(KeyError, match="no single price row for C x"):
        compare.price_ratio(then, ("C", "x"), ("A", "big"))


def test_a_feed_is_read_from_a_url_as_from_a_file(guide, feed_map):
    from tests.browser import serve

    with serve(BAD_FEEDS) as base_url:
        doc, location = feeds.read_feed_json(f"{base_url}/openrouter_hostile.json")
        assert location == f"{base_url}/openrouter_hostile.json"
        result = feeds.import_feed(doc, "openrouter", location=location, source="served", as_of="2026-11-23",
                                   guide_prices=guide, feed_map=feed_map)
        assert ("OpenAI", "GPT-5", "openai/gpt-5") in result.imported
        with pytest.raises(feeds.FeedError, match=r"nowhere\.json: could not download the feed: HTTP Error 404"):
            feeds.read_feed_json(f"{base_url}/nowhere.json")
