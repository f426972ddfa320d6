"""genai-prices (pydantic's price database and calculator, pinned 0.2.3) as an independent oracle.

For every model both know (data/genai_prices_map.csv, never a name guessed at run time), random
usages are priced twice: with genai-prices' own ``calc_price``, and with genai-prices' prices
fed through the book's billing code (``lib.prices.billing``) under the book's rules
(data/billing_rules.csv). The two must agree to a relative 1e-9, except on the rules listed in
data/billing_rule_differences.csv, which are tested on both sides below.

How genai-prices works offline (read from its installed source): ``calc_price`` prices against
``data_snapshot.get_snapshot()``, which is the bundled ``genai_prices/data.py`` unless a custom
snapshot was set; only ``UpdatePrices`` (never called here) fetches from the network. Prices
carry start dates and service-tier / batch variants, so every call passes a fixed request
timestamp: the oracle does not move with the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.data import tables
from lib.prices.billing import (
    BillingError,
    DisjointUsage,
    PriceSheet,
    Usage,
    bill,
    reported_as,
    rules_for,
    sheet_from_genai_prices,
)

genai_prices = pytest.importorskip("genai_prices")
from genai_prices import data_snapshot  # noqa: E402

# After the 2026-10 tier and batch price variants start; 12:00 UTC is DeepSeek's standard-price window.
ORACLE_TS = datetime(2026, 11, 2, 12, 0, tzinfo=timezone.utc)
REL_TOL = Decimal("1e-9")
RULES = tables.load_billing_rules()
MAP = tables.load_genai_prices_map()
DIFFERENCES = tables.load_billing_rule_differences()
BATCH = {"processing": "batch"}


@pytest.fixture(autouse=True, scope="module")
def bundled_snapshot_only():
    """No network: the bundled snapshot, never an auto-updated one."""
    data_snapshot.set_custom_snapshot(None)
    snap = data_snapshot.get_snapshot()
    assert snap is data_snapshot._bundled_snapshot()
    assert snap.from_auto_update is False
    yield


def test_genai_prices_never_fetches_at_test_time(monkeypatch):
    """calc_price with the bundled data works with every socket refused."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("genai-prices tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    calc = genai_prices.calc_price(genai_prices.Usage(input_tokens=1000, output_tokens=100), "gpt-5",
                                   provider_id="openai", genai_request_timestamp=ORACLE_TS)
    assert calc.total_price == Decimal("1.25") * 1000 / 10**6 + Decimal(10) * 100 / 10**6
    assert genai_prices.__version__ == "0.2.3"


@dataclass(frozen=True)
class Known:
    provider: str
    model: str
    provider_id: str
    ref: str
    info: object  # genai_prices ModelInfo

    @property
    def variants(self) -> list[dict[str, str]]:
        return [v.when for v in (self.info.price_variants or [])  # type: ignore[attr-defined]
                if v.constraint is None or v.constraint.active(ORACLE_TS)]

    def prices(self, context: dict[str, str] | None = None):
        return self.info.get_prices(ORACLE_TS, context)  # type: ignore[attr-defined]


def _known() -> list[Known]:
    snap = data_snapshot.get_snapshot()
    out = []
    for _, r in MAP.iterrows():
        _, info = snap.find_provider_model(r["genai_model_ref"], None, r["genai_provider_id"], None)
        out.append(Known(r["provider"], r["model"], r["genai_provider_id"], r["genai_model_ref"], info))
    return out


KNOWN = _known()
IDS = [f"{k.provider}:{k.model}" for k in KNOWN]


def test_every_map_row_resolves_to_its_stated_model():
    snap = data_snapshot.get_snapshot()
    for _, r in MAP.iterrows():
        _, info = snap.find_provider_model(r["genai_model_ref"], None, r["genai_provider_id"], None)
        assert info.id == r["genai_model_id"], (r["provider"], r["model"])


def test_every_mapped_model_has_a_book_price_row_and_rules():
    prices = tables.load_api_prices(book_rows_only=True)
    pairs = set(zip(prices["provider"], prices["model"]))
    for k in KNOWN:
        assert (k.provider, k.model) in pairs, k
        rules_for(RULES, k.provider, k.model)


def sheet_for(k: Known) -> PriceSheet:
    """genai-prices' prices for a model, as the book's PriceSheet (standard, batch and tier variants)."""
    batch = k.prices(BATCH) if BATCH in k.variants else None
    tiers = {v["service_tier"]: k.prices(v) for v in k.variants
             if set(v) == {"service_tier"} and v["service_tier"] in ("priority", "flex")}
    return sheet_from_genai_prices(k.prices(), label=f"{k.provider_id}/{k.info.id}", batch_price=batch,  # type: ignore[attr-defined]
                                   tier_prices=tiers)


def genai_usage(d: DisjointUsage, web_searches: int):
    """The same request in genai-prices' convention: input includes cache, output includes reasoning."""
    return genai_prices.Usage(input_tokens=d.prompt, cache_read_tokens=d.cache_read,
                              cache_write_tokens=d.cache_write_5m + d.cache_write_1h,
                              cache_write_1h_tokens=d.cache_write_1h, output_tokens=d.output,
                              web_searches=web_searches)


def oracle_total(k: Known, d: DisjointUsage, *, web_searches: int, batch: bool, tier: str) -> Decimal:
    context = dict(BATCH) if batch else ({"service_tier": tier} if tier != "standard" else None)
    calc = genai_prices.calc_price(genai_usage(d, web_searches), k.ref, provider_id=k.provider_id,
                                   genai_request_timestamp=ORACLE_TS, price_context=context)
    return calc.total_price


def close(a: Decimal, b: Decimal) -> bool:
    if a == b:
        return True
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b))


def _difference_applies(k: Known, d: DisjointUsage, batch: bool) -> bool:
    """True when a usage exercises a rule listed in billing_rule_differences.csv for this model."""
    for _, diff in DIFFERENCES.iterrows():
        if diff["provider"] != k.provider:
            continue
        models = [m.strip() for m in str(diff["models"]).split(";")]
        if "*" not in models and k.model not in models:
            continue
        if diff["rule"] == "batch_discount_applies_to_cache" and batch and (
                d.cache_read or d.cache_write_5m or d.cache_write_1h):
            return True
    return False


@st.composite
def usages(draw, k: Known, sheet: PriceSheet):
    """A request this model can be billed for: only buckets its prices cover, long prompts included."""
    rules = rules_for(RULES, k.provider, k.model)
    threshold = sheet.long_threshold_tokens
    if threshold and draw(st.booleans()):  # half the draws sit around or past the long-context threshold
        fresh = draw(st.integers(threshold - 60_000, 2 * threshold) | st.sampled_from([threshold, threshold + 1]))
    else:
        fresh = draw(st.integers(0, 150_000) | st.sampled_from([0, 1]))
    cached = draw(st.booleans())  # about half the requests touch no cache at all
    cread = draw(st.integers(0, 300_000)) if cached and sheet.cache_read is not None else 0
    writes_ok = cached and (sheet.cache_write_5m is not None or rules.cache_write_billed_as_input)
    w5 = draw(st.integers(0, 60_000)) if writes_ok else 0
    one_hour_ok = sheet.cache_write_1h is not None or (rules.cache_write_billed_as_input
                                                        and sheet.cache_write_5m is None)
    w1 = draw(st.integers(0, 60_000)) if cached and one_hour_ok else 0
    output = draw(st.integers(0, 60_000))
    reasoning = draw(st.integers(0, output))
    searches = draw(st.integers(0, 5)) if sheet.web_search_usd_per_k is not None else 0
    batch = draw(st.booleans()) if sheet.batch_discount_frac is not None else False
    tiers = ["standard"] + ([t for t in sheet.tiers if t in rules.service_tiers] if not batch else [])
    tier = draw(st.sampled_from(tiers))
    d = DisjointUsage(fresh_input=fresh, cache_read=cread, cache_write_5m=w5, cache_write_1h=w1, output=output,
                      reasoning=reasoning)
    return d, searches, batch, tier


@pytest.mark.parametrize("k", KNOWN, ids=IDS)
def test_our_billing_of_its_prices_matches_calc_price(k: Known):
    sheet = sheet_for(k)
    rules = rules_for(RULES, k.provider, k.model)

    seen: set[str] = set()

    @settings(max_examples=30, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(usages(k, sheet))
    def check(drawn):
        d, searches, batch, tier = drawn
        if _difference_applies(k, d, batch):
            return  # tested on both sides below
        usage = reported_as(d, rules, web_searches=searches, batch=batch, tier=tier)
        b = bill(usage, sheet, rules)
        theirs = oracle_total(k, d, web_searches=searches, batch=batch, tier=tier)
        assert close(b.total, theirs), (k.model, usage, b.total, theirs)
        seen.update({"long"} if b.long_context else set())
        seen.update({"batch"} if batch else set())
        seen.update({tier, "cache"} if d.cache_read else {tier})

    check()
    # The draws reached the rules this model has, so agreement means something.
    if sheet.long_threshold_tokens is not None:
        assert "long" in seen
    if sheet.batch_discount_frac is not None:
        assert "batch" in seen
    assert set(sheet.tiers) <= seen


# --- the rules where the two differ on purpose, each tested on both sides -------------------------

def _known(provider: str, model: str) -> Known:
    return next(k for k in KNOWN if (k.provider, k.model) == (provider, model))


def test_differences_table_names_known_models_and_existing_tests():
    names = set(globals())
    for _, diff in DIFFERENCES.iterrows():
        for model in str(diff["models"]).split(";"):
            _known(diff["provider"], model.strip())
        assert diff["test"] in names, diff["test"]
        assert diff["rule"] in {f for f in rules_for(RULES, diff["provider"]).__dataclass_fields__}, diff["rule"]


@pytest.mark.parametrize("model", ["o3", "o3-mini", "o4-mini", "GPT-4o", "GPT-4o mini"])
def test_difference_openai_batch_cache_read(model):
    """A batch request with 100k cached and 1k fresh tokens, 2k output: both sides hand-worked."""
    k = _known("OpenAI", model)
    sheet = sheet_for(k)
    rules = rules_for(RULES, "OpenAI")
    std = k.prices()
    d = DisjointUsage(fresh_input=1_000, cache_read=100_000, cache_write_5m=0, cache_write_1h=0, output=2_000,
                      reasoning=0)
    mtok = Decimal(10**6)
    half = Decimal("0.5")
    fresh_and_output = (1_000 * std.input_mtok + 2_000 * std.output_mtok) * half / mtok
    ours_by_hand = fresh_and_output + 100_000 * std.cache_read_mtok * half / mtok  # the discount stacks
    its_by_hand = fresh_and_output + 100_000 * std.cache_read_mtok / mtok  # the standard cached price
    assert sheet.batch_discount_frac == half
    ours = bill(reported_as(d, rules, batch=True), sheet, rules).total
    theirs = oracle_total(k, d, web_searches=0, batch=True, tier="standard")
    assert ours == ours_by_hand
    assert theirs == its_by_hand
    assert theirs - ours == 100_000 * std.cache_read_mtok * half / mtok


def test_gpt5_batch_cache_read_is_where_both_agree():
    """For GPT-5 genai-prices lists the cached batch price, and it is the stacked one: no difference."""
    k = _known("OpenAI", "GPT-5")
    rules = rules_for(RULES, "OpenAI")
    d = DisjointUsage(fresh_input=1_000, cache_read=100_000, cache_write_5m=0, cache_write_1h=0, output=2_000,
                      reasoning=0)
    ours = bill(reported_as(d, rules, batch=True), sheet_for(k), rules).total
    assert ours == oracle_total(k, d, web_searches=0, batch=True, tier="standard")
    assert ours == (1_000 * Decimal("0.625") + 100_000 * Decimal("0.0625") + 2_000 * Decimal(5)) / 10**6


def test_google_batch_keeps_the_cached_price_on_both_sides():
    """Gemini batch: fresh input and output at half price, cache hits at the standard cached price."""
    k = _known("Google", "Gemini 2.5 Flash")
    rules = rules_for(RULES, "Google")
    assert rules.batch_discount_applies_to_cache is False
    d = DisjointUsage(fresh_input=10_000, cache_read=50_000, cache_write_5m=0, cache_write_1h=0, output=1_000,
                      reasoning=400)
    ours = bill(reported_as(d, rules, batch=True), sheet_for(k), rules)
    assert ours.total == oracle_total(k, d, web_searches=0, batch=True, tier="standard")
    assert ours.usd("cache read") == 50_000 * Decimal("0.03") / 10**6


def test_long_prompt_counts_cache_toward_the_threshold_on_both_sides():
    """Gemini 2.5 Pro: 150k fresh + 60k cached = 210k > 200k, so the whole request bills at the long rates."""
    k = _known("Google", "Gemini 2.5 Pro")
    rules = rules_for(RULES, "Google")
    d = DisjointUsage(fresh_input=150_000, cache_read=60_000, cache_write_5m=0, cache_write_1h=0, output=1_000,
                      reasoning=0)
    ours = bill(reported_as(d, rules), sheet_for(k), rules)
    assert ours.long_context
    by_hand = (150_000 * Decimal("2.5") + 60_000 * Decimal("0.25") + 1_000 * Decimal(15)) / 10**6
    assert ours.total == by_hand == oracle_total(k, d, web_searches=0, batch=False, tier="standard")


def test_anthropic_one_hour_writes_and_batch_stack_on_both_sides():
    k = _known("Anthropic", "Claude Sonnet 4.6")
    rules = rules_for(RULES, "Anthropic")
    d = DisjointUsage(fresh_input=2_000, cache_read=40_000, cache_write_5m=3_000, cache_write_1h=5_000,
                      output=1_500, reasoning=500)
    usage = reported_as(d, rules, batch=True)
    assert usage.input == 2_000  # Anthropic reports the cache apart
    ours = bill(usage, sheet_for(k), rules).total
    by_hand = (2_000 * 3 + 40_000 * Decimal("0.3") + 3_000 * Decimal("3.75") + 5_000 * 6 + 1_500 * 15) \
        * Decimal("0.5") / 10**6
    assert ours == by_hand == oracle_total(k, d, web_searches=0, batch=True, tier="standard")


def test_openai_priority_and_flex_tiers_on_both_sides():
    k = _known("OpenAI", "GPT-5")
    rules = rules_for(RULES, "OpenAI")
    sheet = sheet_for(k)
    assert set(sheet.tiers) == {"priority", "flex"}
    d = DisjointUsage(fresh_input=10_000, cache_read=20_000, cache_write_5m=0, cache_write_1h=0, output=3_000,
                      reasoning=2_000)
    for tier, (inp, cached, out) in {"priority": ("2.5", "0.25", "20"), "flex": ("0.625", "0.0625", "5")}.items():
        ours = bill(reported_as(d, rules, tier=tier), sheet, rules).total
        by_hand = (10_000 * Decimal(inp) + 20_000 * Decimal(cached) + 3_000 * Decimal(out)) / 10**6
        assert ours == by_hand == oracle_total(k, d, web_searches=0, batch=False, tier=tier)


def test_web_search_fee_on_both_sides():
    k = _known("Anthropic", "Claude Haiku 4.5")
    rules = rules_for(RULES, "Anthropic")
    d = DisjointUsage(fresh_input=1_000, cache_read=0, cache_write_5m=0, cache_write_1h=0, output=100, reasoning=0)
    ours = bill(reported_as(d, rules, web_searches=3, batch=True), sheet_for(k), rules)
    # Web search has no batch rate: $10 per 1,000 searches, undiscounted.
    assert ours.usd("web search") == Decimal(3) * 10 / 1000
    assert ours.total == oracle_total(k, d, web_searches=3, batch=True, tier="standard")


# --- bad input: both refuse, neither bills a guess ----------------------------------------------------

def test_cache_larger_than_inclusive_input_is_refused_on_both_sides():
    k = _known("OpenAI", "GPT-5")
    rules = rules_for(RULES, "OpenAI")
    with pytest.raises(BillingError, match="exceed the reported input"):
        bill(Usage(input=1_000, cache_read=5_000, output=10), sheet_for(k), rules)
    with pytest.raises(ValueError, match="cannot exceed"):
        genai_prices.calc_price(genai_prices.Usage(input_tokens=1_000, cache_read_tokens=5_000, output_tokens=10),
                                k.ref, provider_id=k.provider_id, genai_request_timestamp=ORACLE_TS)


def test_negative_tokens_are_refused_on_both_sides():
    with pytest.raises(BillingError, match="negative"):
        Usage(input=-1)
    with pytest.raises(ValueError, match="non-negative"):
        genai_prices.Usage(input_tokens=-1)


def test_unknown_model_is_refused_on_both_sides():
    with pytest.raises(LookupError):
        genai_prices.calc_price(genai_prices.Usage(input_tokens=1), "gpt-7-ultra", provider_id="openai",
                                genai_request_timestamp=ORACLE_TS)
    with pytest.raises(BillingError, match="no billing rules"):
        rules_for(RULES, "Acme AI")
