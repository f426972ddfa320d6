"""lib.finops.attribution split by what it does (issue 19): the costing (prices, the per-call reference,
the portable SQL) is lib.finops.costing, and every name callers used stays importable from attribution."""

from __future__ import annotations

import pytest

from lib.finops import attribution, costing
from lib.prices.billing import BillingError, load_billing_rules, rules_for

MOVED = ("to_price", "price_table", "call_cost_usd", "calls_view_sql", "prices_view_sql", "aggregate_sql",
         "PRICED_CALLS_SQL", "UNPRICED_MODELS_SQL", "PRICE_COLUMNS", "MICRO", "PRICE_QUANTUM", "DIMENSIONS")


@pytest.mark.parametrize("name", MOVED)
def test_moved_names_are_still_attributions(name):
    assert getattr(attribution, name) is getattr(costing, name)


def test_cache_write_lookup_is_rules_for():
    # price_table reads each provider's cache-write rule from a dict built once; it must choose the row
    # rules_for chooses (the model's own, else the provider's; None where the book has no rule).
    rules = load_billing_rules()
    lookup = costing._cache_write_rules(rules)
    models = [*rules["model"].dropna().unique(), "a model with no row of its own"]
    checked = 0
    for provider in [*rules["provider"].unique(), "a provider with no rules"]:
        for model in models:
            try:
                expected = bool(rules_for(rules, provider, model).cache_write_billed_as_input)
            except BillingError:
                expected = None
            assert lookup(provider, model) == expected, (provider, model)
            checked += 1
    assert checked > len(models)  # every provider, not just one
    assert costing._cache_write_rules(None)("OpenAI", "GPT-5") is None
