"""lib.prices.billing: hand-worked bills for each rule, invariants, and bad input."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.costs import api
from lib.data import tables
from lib.data.validation import DataValidationError
from lib.prices.billing import (
    BillingError,
    BillingRules,
    DisjointUsage,
    PriceSheet,
    Usage,
    bill,
    bill_api_row,
    bill_many,
    bill_usage_csv,
    normalise,
    reported_as,
    rules_for,
    to_decimal,
)

BAD = Path(__file__).parent / "fixtures" / "bad_data"
RULES = tables.load_billing_rules()
PRICES = tables.load_api_prices(book_rows_only=True)
M = Decimal(10**6)


def row(provider: str, model: str):
    return PRICES[(PRICES["provider"] == provider) & (PRICES["model"] == model)].iloc[0]


def D(x: str | int) -> Decimal:
    return Decimal(x)


# --- each rule, hand-worked at the book's prices ------------------------------------------------

def test_openai_input_includes_cached_tokens_and_output_includes_reasoning():
    # GPT-5: $5 in, $1.25 cached, $20 out. 12,000 prompt of which 10,000 cached; 800 out of which 300 reasoning.
    b = bill_api_row(Usage(input=12_000, cache_read=10_000, output=800, reasoning=300), row("OpenAI", "GPT-5"), RULES)
    assert b.usd("input") == 2_000 * D(5) / M
    assert b.usd("cache read") == 10_000 * D("1.25") / M
    assert b.usd("output") == 800 * D(20) / M
    assert b.total == D("0.0385")


def test_anthropic_reports_cache_apart_with_5m_and_1h_writes():
    # Sonnet 4.6: $3 in, $0.30 read, $3.75 5-minute write, $6 1-hour write, $15 out.
    u = Usage(input=1_000, cache_read=50_000, cache_write_5m=4_000, cache_write_1h=2_000, output=500)
    b = bill_api_row(u, row("Anthropic", "Claude Sonnet 4.6"), RULES)
    assert [ln.item for ln in b.lines] == ["input", "cache read", "cache write 5m", "cache write 1h", "output"]
    assert b.total == (1_000 * 3 + 50_000 * D("0.3") + 4_000 * D("3.75") + 2_000 * 6 + 500 * 15) / M
    assert b.usage.prompt == 57_000


def test_gemini_reports_thinking_apart_and_bills_it_as_output():
    # Gemini 2.5 Flash: $0.30 out... at the book's $0.30 / M output; 200 visible + 1,800 thinking.
    b = bill_api_row(Usage(input=1_000, output=200, reasoning=1_800), row("Google", "Gemini 2.5 Flash"), RULES)
    assert b.line("output").quantity == 2_000
    assert b.total == (1_000 * D("0.075") + 2_000 * D("0.30")) / M


def test_gemini_pro_long_context_whole_request_counts_cached_tokens():
    # 150k fresh + 60k cached = 210k > 200k: every token at the long rates ($2.50, $0.625, $10).
    u = Usage(input=210_000, cache_read=60_000, output=1_000)
    b = bill_api_row(u, row("Google", "Gemini 2.5 Pro"), RULES)
    assert b.long_context
    assert b.total == (150_000 * D("2.5") + 60_000 * D("0.625") + 1_000 * D(10)) / M
    # Exactly at the threshold is not over it.
    assert not bill_api_row(Usage(input=200_000, output=1), row("Google", "Gemini 2.5 Pro"), RULES).long_context


def test_above_threshold_only_bills_only_the_tokens_past_it():
    rules = BillingRules(provider="Example", long_context_rule="above_threshold_only")
    sheet = PriceSheet(input=D(1), output=D(4), cache_read=D("0.1"), long_threshold_tokens=1_000,
                       long_input=D(2), long_output=D(6))
    # 800 cached + 700 fresh = 1,500: the 500 past the threshold are fresh input at $2.
    b = bill(Usage(input=1_500, cache_read=800, output=10), sheet, rules)
    assert b.usd("input") == 200 * D(1) / M
    assert b.usd("input above threshold") == 500 * D(2) / M
    assert b.usd("cache read") == 800 * D("0.1") / M
    assert b.usd("output") == 10 * D(6) / M


def test_batch_stacks_with_caching_for_anthropic_but_not_google_cache_reads():
    anth = bill_api_row(Usage(input=1_000, cache_read=10_000, output=100, batch=True),
                        row("Anthropic", "Claude Sonnet 4.6"), RULES)
    assert anth.usd("cache read") == 10_000 * D("0.3") * D("0.5") / M
    goog = bill_api_row(Usage(input=11_000, cache_read=10_000, output=100, batch=True),
                        row("Google", "Gemini 2.5 Flash"), RULES)
    assert goog.usd("cache read") == 10_000 * D("0.019") / M  # Google: a cache hit keeps its price
    assert goog.usd("input") == 1_000 * D("0.075") * D("0.5") / M


def test_openai_flex_tier_bills_at_the_batch_rate_and_unknown_tiers_are_refused():
    flex = bill_api_row(Usage(input=1_000, output=100, tier="flex"), row("OpenAI", "GPT-5"), RULES)
    assert flex.total == (1_000 * 5 + 100 * 20) * D("0.5") / M
    with pytest.raises(BillingError, match="no prices for the 'priority' tier"):
        bill_api_row(Usage(input=1_000, output=100, tier="priority"), row("OpenAI", "GPT-5"), RULES)
    with pytest.raises(BillingError, match="lists no 'flex' service tier"):
        bill_api_row(Usage(input=1_000, output=100, tier="flex"), row("Anthropic", "Claude Sonnet 4.6"), RULES)
    with pytest.raises(BillingError, match="batch request has no service tier"):
        bill_api_row(Usage(input=1, output=1, tier="flex", batch=True), row("OpenAI", "GPT-5"), RULES)


def test_web_search_fee_is_per_thousand_and_not_batch_discounted():
    b = bill_api_row(Usage(input=1_000, output=100, web_searches=4, batch=True), row("OpenAI", "GPT-5"), RULES)
    assert b.usd("web search") == 4 * D(10) / 1000
    with pytest.raises(BillingError, match="no web-search price"):
        bill_api_row(Usage(input=1, output=1, web_searches=1), row("Mistral", "Mistral Nemo"), RULES)


def test_per_request_fee():
    sheet = PriceSheet(input=D(1), output=D(1), request_usd_per_k=D(5))
    b = bill(Usage(input=1_000, output=0), sheet, BillingRules(provider="Example"))
    assert b.usd("request") == D(5) / 1000
    assert b.total == D(1_000) / M + D("0.005")


def test_model_row_wins_over_provider_row_and_unknown_provider_is_an_error():
    assert rules_for(RULES, "Bedrock", "Claude Sonnet 4.6").input_includes_cache_read is False
    assert rules_for(RULES, "Bedrock", "Llama 3.3 70B").input_includes_cache_read is True
    with pytest.raises(BillingError, match="no billing rules for provider 'Acme'"):
        rules_for(RULES, "Acme", "x")


def test_otel_reported_usage_bills_the_same_as_the_provider_reported_it():
    # The same Anthropic request, as Anthropic reports it and as OpenTelemetry GenAI attributes carry it.
    otel = rules_for(RULES, "OpenTelemetry GenAI")
    anth = rules_for(RULES, "Anthropic")
    sheet = PriceSheet.from_api_row(row("Anthropic", "Claude Sonnet 4.6"), anth)
    native = bill(Usage(input=100, cache_read=9_000, cache_write_5m=900, output=50), sheet, anth)
    as_otel = bill(Usage(input=10_000, cache_read=9_000, cache_write_5m=900, output=50), sheet, anth,
                   reported_by=otel)
    assert native.total == as_otel.total


def test_every_book_price_row_has_rules():
    for _, r in PRICES.iterrows():
        rules_for(RULES, r["provider"], r["model"])


def test_price_rows_and_billing_rules_agree_on_long_context():
    """A long_context_rule stated on any api_prices row (book row or not) is its provider's rule."""
    for _, r in tables.load_api_prices().iterrows():
        if isinstance(r["long_context_rule"], str):
            assert r["long_context_rule"] == rules_for(RULES, r["provider"], r["model"]).long_context_rule, r["price_id"]


def test_a_price_row_contradicting_its_rules_is_refused():
    price = row("Google", "Gemini 2.5 Pro").copy()
    price["long_context_rule"] = "above_threshold_only"
    with pytest.raises(BillingError, match="contradicts Google's billing rule 'whole_request'"):
        bill_api_row(Usage(input=300_000, output=1), price, RULES)


# --- invariants ----------------------------------------------------------------------------------

disjoint = st.builds(DisjointUsage, fresh_input=st.integers(0, 500_000), cache_read=st.integers(0, 300_000),
                     cache_write_5m=st.integers(0, 50_000), cache_write_1h=st.just(0),
                     output=st.integers(0, 50_000), reasoning=st.just(0))


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(disjoint, st.sampled_from(["OpenAI", "Anthropic", "Google", "DeepSeek", "OpenTelemetry GenAI"]))
def test_a_request_bills_the_same_whatever_convention_reported_it(d, reporter):
    price = row("Anthropic", "Claude Sonnet 4.6")
    anth = rules_for(RULES, "Anthropic")
    reporter_rules = rules_for(RULES, reporter)
    ours = bill(reported_as(d, anth), PriceSheet.from_api_row(price, anth), anth).total
    theirs = bill(reported_as(d, reporter_rules), PriceSheet.from_api_row(price, anth), anth,
                  reported_by=reporter_rules).total
    assert ours == theirs
    assert normalise(reported_as(d, reporter_rules), reporter_rules) == d


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(disjoint, st.booleans(), st.sampled_from(
    [("OpenAI", "GPT-5"), ("OpenAI", "GPT-4o"), ("Anthropic", "Claude Sonnet 4.6"), ("Google", "Gemini 2.5 Pro"),
     ("Google", "Gemini 2.5 Flash"), ("DeepSeek", "DeepSeek V3")]))
def test_exact_bill_matches_lib_costs_api_where_their_rules_agree(d, batch, pm):
    """lib.costs.api (floats, vectorised) and the exact bill agree, except where api.py's simpler
    batch rule (discount on everything) meets a provider whose cache hits keep their price (Google)."""
    price = row(*pm)
    rules = rules_for(RULES, pm[0], pm[1])
    if batch and (np.isnan(price["batch_discount_frac"]) or not rules.batch_discount_applies_to_cache):
        return
    if pm[0] == "DeepSeek" and d.cache_write_5m:
        d = DisjointUsage(d.fresh_input, d.cache_read, 0, 0, d.output, 0)
    exact = bill(reported_as(d, rules, batch=batch), PriceSheet.from_api_row(price, rules), rules).total
    fast = api.request_cost_usd(PRICES.loc[[price.name]], input_tokens=d.fresh_input, output_tokens=d.output,
                                cached_read_tokens=d.cache_read, cache_write_5m_tokens=d.cache_write_5m,
                                batch=batch)[0]
    assert float(exact) == pytest.approx(fast, rel=1e-12, abs=1e-15)


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(disjoint, st.sampled_from(list(zip(PRICES["provider"], PRICES["model"]))))
def test_a_bill_is_never_negative_and_is_the_sum_of_its_lines(d, pm):
    price = row(*pm)
    rules = rules_for(RULES, *pm)
    sheet = PriceSheet.from_api_row(price, rules)
    try:
        b = bill(reported_as(d, rules), sheet, rules)
    except BillingError as err:
        assert "no" in str(err)  # a price the sheet lacks: refused, never zero
        return
    assert b.total >= 0
    assert b.total == sum(ln.usd for ln in b.lines)
    assert all(ln.quantity > 0 for ln in b.lines)


# --- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    ({"input": -1}, "negative"),
    ({"output": -5}, "negative"),
    ({"input": 1.5}, "not a whole number"),
    ({"input": 2.0}, "must be integers"),
    ({"cache_read": Decimal("3")}, "must be integers"),
    ({"input": True}, "not a whole number"),
    ({"input": "100"}, "not a whole number"),
    ({"batch": "yes"}, "true or false"),
    ({"tier": ""}, "service tier"),
])
def test_bad_usage_is_refused(kwargs, message):
    with pytest.raises(BillingError, match=message):
        Usage(**kwargs)


def test_cached_tokens_larger_than_an_inclusive_input_are_refused():
    with pytest.raises(BillingError, match="exceed the reported input"):
        bill_api_row(Usage(input=1_000, cache_read=5_000, output=1), row("OpenAI", "GPT-5"), RULES)
    with pytest.raises(BillingError, match="reasoning 900 exceeds output 100"):
        bill_api_row(Usage(input=1, output=100, reasoning=900), row("OpenAI", "GPT-5"), RULES)
    # With Anthropic the cache is reported apart, so a small input beside a large cache is normal.
    assert bill_api_row(Usage(input=19, cache_read=39_000, output=1), row("Anthropic", "Claude Sonnet 4.6"),
                        RULES).usd("input") == 19 * D(3) / M


@pytest.mark.parametrize("value", ["-1", -1, Decimal(-1), -1.0])
def test_openrouter_minus_one_sentinel_is_refused(value):
    with pytest.raises(BillingError, match="sentinel"):
        to_decimal(value, "prompt")


@pytest.mark.parametrize("value, message", [("-0.5", "negative"), ("abc", "not a number"), ("nan", "finite"),
                                            (True, "true/false"), ([1], "not a price")])
def test_bad_prices_are_refused(value, message):
    with pytest.raises(BillingError, match=message):
        to_decimal(value, "price")


def test_blank_price_means_not_offered_and_is_refused_when_needed():
    assert to_decimal(float("nan"), "x") is None and to_decimal("", "x") is None
    with pytest.raises(BillingError, match="no cached-read price"):
        bill_api_row(Usage(input=1_000, cache_read=10, output=1), row("Mistral", "Mistral Nemo"), RULES)
    with pytest.raises(BillingError, match="no batch discount"):
        bill_api_row(Usage(input=1_000, output=1, batch=True), row("Mistral", "Mistral Nemo"), RULES)


def test_a_sheet_with_a_sentinel_price_is_refused():
    with pytest.raises(BillingError, match="sentinel"):
        PriceSheet.from_api_row({"price_id": "openrouter-auto", "input_usd_per_mtok": "-1",
                                 "output_usd_per_mtok": "-1"})
    with pytest.raises(BillingError, match="negative"):
        PriceSheet(input=D(-1000000), output=D(1))


def test_unknown_model_goes_to_the_rejected_report_never_to_zero():
    billed, rejected = bill_many([("OpenAI", "GPT-5", Usage(input=10, output=1)),
                                  ("OpenAI", "GPT-9", Usage(input=10, output=1))], PRICES, RULES)
    assert list(billed["model"]) == ["GPT-5"]
    assert list(rejected["model"]) == ["GPT-9"]
    assert "no price source knows" in rejected["reason"].iloc[0]


def test_bad_usage_file_reports_each_row_with_file_row_column_and_reason():
    billed, rejected = bill_usage_csv(BAD / "billing_usage_bad.csv", tables.load_api_prices(), RULES)
    assert list(billed["row"]) == [1, 5, 9]
    assert list(billed["usd"]) == [D("0.0385"), D("0.013257"), D("0.00125")]
    got = {int(r["row"]): (r["column"], r["reason"]) for _, r in rejected.iterrows()}
    assert got[2] == ("input_tokens", "-40 is negative; a token count cannot be")
    assert got[3] == ("input_tokens", "1200.5 is not a whole number of tokens")
    assert pd.isna(got[4][0]) and "exceed the reported input 1000" in got[4][1]
    assert got[6] == ("model", "no price source knows OpenAI 'GPT-7 ultra'")
    assert got[7] == ("batch", "'maybe' is not true or false")
    assert "no 'turbo' service tier" in got[8][1]
    assert set(rejected["file"]) == {str(BAD / "billing_usage_bad.csv")}
    assert (billed["usd"] > 0).all()


def test_usage_file_without_required_columns_is_refused(tmp_path):
    path = tmp_path / "usage.csv"
    path.write_text("provider,model,prompt\nOpenAI,GPT-5,10\n")
    with pytest.raises(BillingError, match="lacks column"):
        bill_usage_csv(path, PRICES, RULES)


def test_bad_billing_rules_file_names_file_row_column_and_reason():
    with pytest.raises(DataValidationError) as err:
        tables.load_billing_rules(BAD / "billing_rules_bad.csv")
    found = {(p.row, p.column) for p in err.value.problems}
    assert found == {(2, "long_context_rule"), (3, "source"), (3, "flex_discount_frac")}
    text = str(err.value)
    assert "billing_rules_bad.csv" in text and "'graduated' is not one of" in text
    assert "must cite the provider's published page" in text


def test_sentinel_price_file_is_refused_with_row_and_column():
    with pytest.raises(DataValidationError) as err:
        tables.load_api_prices(BAD / "api_prices_openrouter_sentinel.csv")
    found = {(p.row, p.column) for p in err.value.problems}
    assert found == {(1, "input_usd_per_mtok"), (1, "output_usd_per_mtok")}
    assert "below the smallest sane value 0" in str(err.value)


@pytest.mark.parametrize("filename, loader, expected", [
    ("genai_prices_map_bad.csv", tables.load_genai_prices_map,
     {(3, "genai_model_id", "is blank but a value is required"), (2, "model", "contains < or >")}),
    ("billing_rule_differences_bad.csv", tables.load_billing_rule_differences,
     {(1, "source", "must cite the provider's published page")}),
])
def test_bad_oracle_tables_name_file_row_column_and_reason(filename, loader, expected):
    with pytest.raises(DataValidationError) as err:
        loader(BAD / filename)
    problems = err.value.problems
    assert all(p.file.endswith(filename) for p in problems)
    for row_no, column, reason in expected:
        assert any(p.row == row_no and p.column == column and reason in p.reason for p in problems), (row_no, column)
    assert len(problems) == len(expected)


def test_a_long_context_tier_under_a_rule_of_none_is_refused_not_ignored():
    sheet = PriceSheet(input=D(1), output=D(1), long_threshold_tokens=128_000, long_input=D(2), long_output=D(2))
    with pytest.raises(BillingError, match="state none"):
        bill(Usage(input=10, output=1), sheet, rules_for(RULES, "xAI"))


def test_two_rule_rows_for_one_provider_are_refused(tmp_path):
    lines = (Path(__file__).parents[1] / "data" / "billing_rules.csv").read_text().splitlines()
    path = tmp_path / "billing_rules.csv"
    path.write_text("\n".join(lines + [lines[1].replace("openai,", "openai-again,", 1)]) + "\n")
    with pytest.raises(DataValidationError, match="a second rule row for OpenAI \\(all models\\)"):
        tables.load_billing_rules(path)
