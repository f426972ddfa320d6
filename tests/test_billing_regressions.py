"""The field's known billing bugs, each a named case with a hand-worked bill and its source.

Every case prices one request (or one short run) the right way with ``lib.prices.billing`` and
checks the figure worked out by hand in the docstring; where the bug's own arithmetic is simple it
is worked out too, to show the size of the error the book's code does not make. Sources are GitHub
issues and pull requests, cited as ``owner/repo #number``.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from lib.data import tables
from lib.prices.billing import BillingError, BillingRules, PriceSheet, Usage, bill, bill_api_row, bill_many, rules_for

RULES = tables.load_billing_rules()
PRICES = tables.load_api_prices(book_rows_only=True)
M = Decimal(10**6)
D = Decimal


def row(provider: str, model: str):
    return PRICES[(PRICES["provider"] == provider) & (PRICES["model"] == model)].iloc[0]


# --- cached tokens billed twice, or at the full input rate ------------------------------------------

def test_litellm_6215_openai_cached_tokens_not_billed_at_full_rate_too():
    """BerriAI/litellm #6215 (fixed by PR #6231): OpenAI cached tokens were billed at the full input
    rate and again at the cached rate.

    GPT-4o at the book's prices ($2.50 in, $1.25 cached, $10 out); prompt_tokens 10,000 of which
    cached_tokens 8,000; 500 completion tokens.
    Right: 2,000 x 2.50 + 8,000 x 1.25 + 500 x 10 = 5,000 + 10,000 + 5,000 = 20,000 -> $0.0200.
    Bug:  10,000 x 2.50 + 8,000 x 1.25 + 500 x 10 = 40,000 -> $0.0400 (twice the bill).
    """
    b = bill_api_row(Usage(input=10_000, cache_read=8_000, output=500), row("OpenAI", "GPT-4o"), RULES)
    assert b.total == D("0.02")
    assert b.line("input").quantity == 2_000
    bug = (10_000 * D("2.5") + 8_000 * D("1.25") + 500 * 10) / M
    assert bug == D("0.04") and b.total != bug


def test_litellm_14874_xai_cached_tokens_counted_once():
    """BerriAI/litellm #14874 (xAI through an OpenAI-compatible route): text_tokens carried the whole
    prompt, cached tokens included, so they were billed twice. The issue's first example states the
    right bill: input $1e-10 / token, cached read $0.003 / token, output $1e-11 / token; 2,739 prompt
    tokens of which 2,634 cached, 5 output tokens.
    Right: 105 x 1e-10 + 2,634 x 0.003 + 5 x 1e-11 = 0.0000000105 + 7.902 + 0.00000000005
         = $7.90200001055 (the issue's expected figure).
    """
    rules = rules_for(RULES, "xAI")
    sheet = PriceSheet(input=D("1e-10") * M, output=D("1e-11") * M, cache_read=D("0.003") * M, label="issue #14874")
    b = bill(Usage(input=2_739, cache_read=2_634, output=5), sheet, rules)
    assert b.total == D("7.90200001055")


def test_microsoft_conductor_427_cache_inclusive_input_billed_once():
    """microsoft/conductor PR #427: the agent SDK's input count already contained the cache reads and
    writes, and the cost code billed all four buckets additively (a run reported $51.08 that cost
    about $8). The PR's three turns of a live session (inputTokens / cacheRead / cacheWrite):
    18,973 / 0 / 18,971; 19,073 / 18,971 / 100; 19,173 / 19,071 / 100 — 2 fresh tokens a turn.
    Priced here at the book's Claude Sonnet 4.6 rates ($3 in, $0.30 read, $3.75 5-minute write),
    input side only (the PR gives no output counts), usage read in the inclusive OpenTelemetry
    convention the SDK follows:
    Right: turn 1  2 x 3 + 18,971 x 3.75            = 71,147.25
           turn 2  2 x 3 + 18,971 x 0.30 + 100 x 3.75 =  6,072.30
           turn 3  2 x 3 + 19,071 x 0.30 + 100 x 3.75 =  6,102.30   total 83,321.85 -> $0.08332185
    Bug:   each turn also bills its whole inputTokens at $3: + (18,973 + 19,073 + 19,173) x 3
           = + 171,657 -> $0.25497885, about 3.1x on three turns (more as the cached prefix grows).
    """
    anth = rules_for(RULES, "Anthropic")
    otel = rules_for(RULES, "OpenTelemetry GenAI")
    sheet = PriceSheet.from_api_row(row("Anthropic", "Claude Sonnet 4.6"), anth)
    turns = [(18_973, 0, 18_971), (19_073, 18_971, 100), (19_173, 19_071, 100)]
    bills = [bill(Usage(input=i, cache_read=r, cache_write_5m=w), sheet, anth, reported_by=otel) for i, r, w in turns]
    assert [b.line("input").quantity for b in bills] == [2, 2, 2]
    total = sum(b.total for b in bills)
    assert total == D("0.08332185")
    bug = total + sum(i for i, _, _ in turns) * D(3) / M
    assert bug == D("0.25497885")


def test_earendil_pi_2148_gemini_cached_tokens_not_double_billed():
    """earendil-works/pi PR #2148: calculateCost charged the input rate on all input tokens, cached
    included, then the cache-read rate on the cached ones. The PR's example: gemini-3-flash-preview
    at $0.50 in / $0.05 cache read; 20,212 input of which 16,298 cached; 931 output. The output rate
    is not stated; $3 / M reproduces both of the PR's totals, so it is used here.
    Right: 3,914 x 0.50 + 16,298 x 0.05 + 931 x 3 = 1,957 + 814.9 + 2,793 = 5,564.9 -> $0.0055649 ($0.0056).
    Bug:  20,212 x 0.50 + 814.9 + 2,793 = 13,713.9 -> $0.0137139 ($0.0137).
    """
    rules = rules_for(RULES, "Google")
    sheet = PriceSheet(input=D("0.5"), output=D(3), cache_read=D("0.05"), label="gemini-3-flash-preview")
    b = bill(Usage(input=20_212, cache_read=16_298, output=931), sheet, rules)
    assert b.total == D("0.0055649")
    assert round(b.total, 4) == D("0.0056")
    bug = (20_212 * D("0.5") + 16_298 * D("0.05") + 931 * 3) / M
    assert round(bug, 4) == D("0.0137")


def test_langfuse_10592_openrouter_cached_input_counted_once():
    """langfuse/langfuse #10592: through OpenRouter's OpenAI-shaped usage, Langfuse showed input
    17,903 plus input_cached_tokens 17,817 as a total input of 35,720; the prompt was 17,903 tokens
    of which 86 were not cached. Token accounting only: fresh 86, cached 17,817, prompt 17,903."""
    b = bill_api_row(Usage(input=17_903, cache_read=17_817, output=1), row("OpenAI", "GPT-5"), RULES)
    assert (b.usage.fresh_input, b.usage.cache_read, b.usage.prompt) == (86, 17_817, 17_903)


def test_langsmith_sdk_2519_anthropic_base_input_not_zeroed():
    """langchain-ai/langsmith-sdk PR #2519: Anthropic reports cache tokens on top of input_tokens;
    a backend that assumed they were inside it computed 19 - 39,000, clamped it to 0, and billed
    the 19 uncached tokens at $0. The book bills them (Claude Sonnet 4.6, $3 in, $0.30 read):
    19 x 3 + 39,000 x 0.30 = 57 + 11,700 = 11,757 -> $0.011757. Read the other way, the same
    counts are refused rather than clamped."""
    u = Usage(input=19, cache_read=39_000)
    b = bill_api_row(u, row("Anthropic", "Claude Sonnet 4.6"), RULES)
    assert b.usd("input") == 19 * D(3) / M
    assert b.total == D("0.011757")
    with pytest.raises(BillingError, match="exceed the reported input 19"):
        bill_api_row(u, row("Anthropic", "Claude Sonnet 4.6"), RULES, reported_by=rules_for(RULES, "OpenTelemetry GenAI"))


# --- batch and caching --------------------------------------------------------------------------

def test_litellm_38341_batch_cached_tokens_keep_the_cache_discount():
    """BerriAI/litellm PR #38341: the Batches API cost path billed every prompt token, cached ones
    included, at the flat input_cost_per_token_batches rate. GPT-5 at the book's prices ($5 in,
    $1.25 cached, $20 out, 50% batch discount); a batch request of 101,000 prompt tokens, 100,000 of
    them cached, 1,000 output.
    Right: (1,000 x 5 + 100,000 x 1.25 + 1,000 x 20) x 0.5 = (5,000 + 125,000 + 20,000) / 2 = 75,000 -> $0.075.
    Bug:   101,000 x 2.50 + 1,000 x 10 = 262,500 -> $0.2625 (3.5x).
    """
    b = bill_api_row(Usage(input=101_000, cache_read=100_000, output=1_000, batch=True), row("OpenAI", "GPT-5"), RULES)
    assert b.total == D("0.075")
    assert b.usd("cache read") == 100_000 * D("0.625") / M
    bug = (101_000 * D("2.5") + 1_000 * 10) / M
    assert bug == D("0.2625")


def test_helicone_4211_batch_cost_keeps_cached_prompt_price():
    """Helicone/helicone PR #4211 (review): the generated batch price list halved prompt and
    completion prices but dropped the cached-prompt price, so batch cache reads fell back to a
    wrong rate. GPT-4o at the book's prices, batch: 20,000 prompt tokens of which 16,000 cached, 500 out.
    Right: (4,000 x 2.50 + 16,000 x 1.25 + 500 x 10) x 0.5 = (10,000 + 20,000 + 5,000) / 2 = 17,500 -> $0.0175."""
    b = bill_api_row(Usage(input=20_000, cache_read=16_000, output=500, batch=True), row("OpenAI", "GPT-4o"), RULES)
    assert b.total == D("0.0175")


# --- long-context thresholds ----------------------------------------------------------------------

def test_litellm_30135_long_context_threshold_counts_cache_tokens():
    """BerriAI/litellm #30135 (PR #30207 makes cache-read and cache-creation tokens count toward
    the threshold): a prompt mostly served from cache stayed at the base rate. Gemini 2.5 Pro at the
    book's prices ($1.25 / $2.50 in, $0.31 / $0.625 cached, $5 / $10 out above 200k, whole request);
    250,000 prompt tokens of which 200,000 cached; 2,000 output.
    Right (250k > 200k): 50,000 x 2.50 + 200,000 x 0.625 + 2,000 x 10 = 125,000 + 125,000 + 20,000
           = 270,000 -> $0.27.
    Bug (50k fresh < 200k): 50,000 x 1.25 + 200,000 x 0.31 + 2,000 x 5 = 62,500 + 62,000 + 10,000
           = 134,500 -> $0.1345 — which is what the rule with cache not counted gives.
    """
    price = row("Google", "Gemini 2.5 Pro")
    u = Usage(input=250_000, cache_read=200_000, output=2_000)
    right = bill_api_row(u, price, RULES)
    assert right.long_context and right.total == D("0.27")
    google = rules_for(RULES, "Google")
    buggy_rules = BillingRules(**{**google.__dict__, "long_context_counts_cache": False})
    buggy = bill(u, PriceSheet.from_api_row(price, google), buggy_rules)
    assert not buggy.long_context and buggy.total == D("0.1345")


def test_helicone_5730_anthropic_cache_reads_tier_by_whole_prompt():
    """Helicone/helicone PR #5730: Anthropic cache reads were always priced from the base tier.
    claude-sonnet-4 (the PR's example; $3 / $6 input and $0.30 / $0.60 cache read above 200k):
    a 250k prompt with a 240k cache read. Right: 240,000 x 0.60 = $0.144; bug: 240,000 x 0.30 = $0.072."""
    sheet = PriceSheet(input=D(3), output=D(15), cache_read=D("0.3"), cache_write_5m=D("3.75"),
                       long_threshold_tokens=200_000, long_input=D(6), long_output=D("22.5"),
                       long_cache_read=D("0.6"), long_cache_write_5m=D("7.5"), label="claude-sonnet-4 (1M context)")
    b = bill(Usage(input=10_000, cache_read=240_000), sheet, rules_for(RULES, "Anthropic"))
    assert b.long_context
    assert b.usd("cache read") == D("0.144")
    assert b.total == D("0.144") + 10_000 * D(6) / M


def test_litellm_40174_reasoning_tokens_priced_as_output():
    """BerriAI/litellm PR #40174: /cost/estimate ignored cache and reasoning tokens. Gemini reports
    thinking beside the answer (thoughtsTokenCount); it bills as output. Gemini 2.5 Flash at the
    book's prices ($0.075 in, $0.30 out): 1,000 in, 200 answer + 1,800 thinking.
    Right: 1,000 x 0.075 + 2,000 x 0.30 = 75 + 600 = 675 -> $0.000675 (ignoring thinking: $0.000135)."""
    b = bill_api_row(Usage(input=1_000, output=200, reasoning=1_800), row("Google", "Gemini 2.5 Flash"), RULES)
    assert b.total == D("0.000675")


# --- OpenRouter's "-1" dynamic price ------------------------------------------------------------------

@pytest.mark.parametrize("source, prompt_price", [
    ("earendil-works/pi #8875: openrouter/auto at -1,000,000 per M; session total -$142,066", "-1000000"),
    ("ccusage/ccusage #1514: openrouter/auto-beta reported -$2,392.00 for 2,392 tokens", "-1000000"),
    ("OpenRouter's listing: pricing.prompt = \"-1\" (per token) for a router", "-1"),
], ids=["pi-8875", "ccusage-1514", "openrouter-listing"])
def test_openrouter_dynamic_price_sentinel_never_becomes_a_negative_cost(source, prompt_price):
    """earendil-works/pi #8875 and #8750, ccusage/ccusage #1514: router models carry a -1 (per token)
    or -1,000,000 (per million) sentinel meaning "priced per request"; multiplied through, 2,392 tokens
    became -$2,392. The book refuses the price instead, and a usage log with such a model lands in the
    rejected report, not in the bill."""
    with pytest.raises(BillingError, match="sentinel|negative"):
        PriceSheet.from_api_row({"price_id": "openrouter-auto", "input_usd_per_mtok": prompt_price,
                                 "output_usd_per_mtok": prompt_price})
    prices = PRICES.copy()
    sentinel = prices.iloc[[0]].assign(provider="OpenAI", model="auto-router", input_usd_per_mtok=float(prompt_price),
                                       output_usd_per_mtok=float(prompt_price))
    billed, rejected = bill_many([("OpenAI", "auto-router", Usage(input=2_331, output=61))],
                                 pd.concat([prices, sentinel]), RULES)
    assert billed.empty
    assert len(rejected) == 1 and ("sentinel" in rejected["reason"].iloc[0] or "negative" in rejected["reason"].iloc[0])
