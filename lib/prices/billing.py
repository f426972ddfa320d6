"""Billing rules as code: one request's usage, a model's price sheet and its provider's rules -> an exact bill.

Providers agree on prices per million tokens and disagree on almost everything else, and every
price tool in the field has billed some of these differences wrong (the regression suite in
``tests/test_billing_regressions.py`` names the cases). The rules live in
``data/billing_rules.csv``, one row per provider (and per model where a model differs), each
citing the provider's own page:

- whether the reported input count already *includes* cached reads and cache writes (OpenAI,
  Google, DeepSeek, xAI and the OpenTelemetry GenAI convention) or reports them *apart*
  (Anthropic, Claude on Bedrock). Subtracting twice or never is the field's commonest bug;
- whether the reported output count includes reasoning tokens (Gemini reports them apart);
  either way reasoning bills at the output rate;
- how a long-context threshold applies (the whole request at the higher rates, or only the
  tokens past it) and whether cache tokens count toward it;
- whether the batch discount also applies to cache reads and writes, and to per-call fees;
- the service tiers a provider lists, and per-search / per-request fees.

Arithmetic is ``Decimal`` throughout, so a bill is exact to the last digit of the prices:
``tokens x USD-per-million / 1e6``. Nothing is ever guessed: a bucket with tokens but no price,
a negative or sentinel price, a tier the provider does not list, or usage that contradicts
its own convention raises ``BillingError`` naming what is wrong. A bill is never negative and
never a silent zero.

Out of scope here: time-of-day prices (DeepSeek's off-peak window; ``lib.costs.api`` has them),
cache storage fees per hour held (``lib.costs.caching.storage_usd``), and non-text modalities.

``lib.costs.api.request_cost_usd`` stays the vectorised float pricer the chapters use (it takes
disjoint token counts, the Anthropic way); ``bill`` is the exact, rule-aware per-request
reference it can be checked against (``tests/test_billing_oracle.py`` does).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping

import pandas as pd

TOKENS_PER_MTOK = Decimal(1_000_000)
PER_THOUSAND = Decimal(1_000)
ZERO = Decimal(0)
STANDARD_TIER = "standard"
LongContextRule = Literal["whole_request", "above_threshold_only", "none"]
LONG_CONTEXT_RULES: tuple[str, ...] = ("whole_request", "above_threshold_only", "none")


class BillingError(ValueError):
    """Usage, prices or rules that cannot be billed without guessing; the message says which and why."""


# --- usage -------------------------------------------------------------------------------------

_TOKEN_FIELDS = ("input", "output", "cache_read", "cache_write_5m", "cache_write_1h", "reasoning", "web_searches")


@dataclass(frozen=True)
class Usage:
    """One request's usage as the provider reported it.

    The counts mean what the provider's convention says (``BillingRules``): with OpenAI,
    ``input`` includes ``cache_read`` and the cache writes; with Anthropic it does not. With
    most providers ``output`` includes ``reasoning``; with Gemini it does not.
    ``cache_write_5m`` is the default cache write (OpenAI and Google have only one kind);
    ``cache_write_1h`` is Anthropic's one-hour write.
    """

    input: int = 0
    output: int = 0
    cache_read: int = 0
    cache_write_5m: int = 0
    cache_write_1h: int = 0
    reasoning: int = 0
    web_searches: int = 0
    batch: bool = False
    tier: str = STANDARD_TIER

    def __post_init__(self) -> None:
        for name in _TOKEN_FIELDS:
            value = getattr(self, name)
            # bool is an int in Python; True tokens is a bug upstream, not a count.
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                if isinstance(value, (float, Decimal)) and math.isfinite(value) and value == int(value):
                    raise BillingError(f"usage {name}={value!r} is a {type(value).__name__}; token counts "
                                       "must be integers (pass int(...) if the source really gives whole numbers)")
                raise BillingError(f"usage {name}={value!r} is not a whole number of tokens")
            if value < 0:
                raise BillingError(f"usage {name}={value} is negative; a token count cannot be")
        if not isinstance(self.batch, bool):
            raise BillingError(f"usage batch={self.batch!r} must be true or false")
        if not isinstance(self.tier, str) or not self.tier:
            raise BillingError(f"usage tier={self.tier!r} must name a service tier")


@dataclass(frozen=True)
class DisjointUsage:
    """Token buckets that do not overlap: what each token bills as."""

    fresh_input: int  # uncached prompt tokens
    cache_read: int
    cache_write_5m: int
    cache_write_1h: int
    output: int  # every billed output token, reasoning included
    reasoning: int  # the part of ``output`` that was reasoning (for display only)

    @property
    def prompt(self) -> int:
        """All prompt tokens, cached or not (what providers compare with a long-context threshold)."""
        return self.fresh_input + self.cache_read + self.cache_write_5m + self.cache_write_1h


# --- rules ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BillingRules:
    """How one provider (or one of its models) counts and bills usage: one row of billing_rules.csv."""

    provider: str
    model: str | None = None
    input_includes_cache_read: bool = True
    input_includes_cache_write: bool = True
    output_includes_reasoning: bool = True
    cache_write_billed_as_input: bool = True
    long_context_rule: str = "none"
    long_context_counts_cache: bool = True
    batch_discount_applies_to_cache: bool = True
    batch_discount_applies_to_fees: bool = False
    service_tiers: tuple[str, ...] = (STANDARD_TIER,)
    flex_discount_frac: Decimal | None = None
    web_search_usd_per_k: Decimal | None = None
    request_usd_per_k: Decimal | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if self.long_context_rule not in LONG_CONTEXT_RULES:
            raise BillingError(f"{self.provider}: long_context_rule {self.long_context_rule!r} is not one of "
                               f"{', '.join(LONG_CONTEXT_RULES)}")
        if STANDARD_TIER not in self.service_tiers:
            raise BillingError(f"{self.provider}: service_tiers must include '{STANDARD_TIER}'")
        for name in ("flex_discount_frac", "web_search_usd_per_k", "request_usd_per_k"):
            _check_price(f"{self.provider} rule {name}", getattr(self, name))
        if self.flex_discount_frac is not None and self.flex_discount_frac >= 1:
            raise BillingError(f"{self.provider}: flex_discount_frac {self.flex_discount_frac} must be below 1")

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "BillingRules":
        """Rules from one row of ``load_billing_rules`` (a Series or dict)."""
        def dec(name: str) -> Decimal | None:
            return to_decimal(row.get(name), f"billing rule {row.get('rule_id', '')} {name}")

        model = row.get("model")
        return cls(
            provider=str(row["provider"]),
            model=None if _blank(model) else str(model),
            input_includes_cache_read=bool(row["input_includes_cache_read"]),
            input_includes_cache_write=bool(row["input_includes_cache_write"]),
            output_includes_reasoning=bool(row["output_includes_reasoning"]),
            cache_write_billed_as_input=bool(row["cache_write_billed_as_input"]),
            long_context_rule=str(row["long_context_rule"]),
            long_context_counts_cache=bool(row["long_context_counts_cache"]),
            batch_discount_applies_to_cache=bool(row["batch_discount_applies_to_cache"]),
            batch_discount_applies_to_fees=bool(row["batch_discount_applies_to_fees"]),
            service_tiers=tuple(t.strip() for t in str(row["service_tiers"]).split(";") if t.strip()),
            flex_discount_frac=dec("flex_discount_frac"),
            web_search_usd_per_k=dec("web_search_usd_per_k"),
            request_usd_per_k=dec("request_usd_per_k"),
            source=str(row.get("source", "")),
        )


def rules_for(rules: pd.DataFrame, provider: str, model: str | None = None) -> BillingRules:
    """The rules for one model: its own row where it has one, else its provider's row.

    A provider with no row is an error, never a default: billing an unknown provider's usage
    by some other provider's convention is how cached tokens get billed twice.
    """
    mine = rules[rules["provider"] == provider]
    if model is not None:
        own = mine[mine["model"] == model]
        if len(own):
            return BillingRules.from_row(own.iloc[0])
    general = mine[mine["model"].isna()]
    if not len(general):
        known = ", ".join(sorted(rules["provider"].unique()))
        raise BillingError(f"no billing rules for provider {provider!r} (known: {known})")
    return BillingRules.from_row(general.iloc[0])


def normalise(usage: Usage, rules: BillingRules) -> DisjointUsage:
    """Reported counts -> disjoint buckets, by the reporting convention in ``rules``.

    Where input includes the cache counts, the cache counts must fit inside it; where output
    includes reasoning, reasoning must fit inside output. Otherwise the usage is inconsistent
    with its own convention (usually: it was reported the other way), and billing it either way
    would be a guess.
    """
    included = ((usage.cache_read if rules.input_includes_cache_read else 0)
                + (usage.cache_write_5m + usage.cache_write_1h if rules.input_includes_cache_write else 0))
    if included > usage.input:
        parts = []
        if rules.input_includes_cache_read:
            parts.append(f"cache_read {usage.cache_read}")
        if rules.input_includes_cache_write:
            parts.append(f"cache writes {usage.cache_write_5m + usage.cache_write_1h}")
        raise BillingError(f"{rules.provider} reports input including {' and '.join(parts)}, but those "
                           f"({included}) exceed the reported input {usage.input}: the usage does not follow "
                           f"{rules.provider}'s convention (was it reported with cache tokens apart?)")
    if rules.output_includes_reasoning:
        if usage.reasoning > usage.output:
            raise BillingError(f"{rules.provider} reports output including reasoning, but reasoning "
                               f"{usage.reasoning} exceeds output {usage.output}")
        output = usage.output
    else:
        output = usage.output + usage.reasoning
    return DisjointUsage(fresh_input=usage.input - included, cache_read=usage.cache_read,
                         cache_write_5m=usage.cache_write_5m, cache_write_1h=usage.cache_write_1h,
                         output=output, reasoning=usage.reasoning)


def reported_as(disjoint: DisjointUsage, rules: BillingRules, *, web_searches: int = 0, batch: bool = False,
                tier: str = STANDARD_TIER) -> Usage:
    """The inverse of ``normalise``: the usage a provider following ``rules`` would report."""
    inp = disjoint.fresh_input
    if rules.input_includes_cache_read:
        inp += disjoint.cache_read
    if rules.input_includes_cache_write:
        inp += disjoint.cache_write_5m + disjoint.cache_write_1h
    out = disjoint.output if rules.output_includes_reasoning else disjoint.output - disjoint.reasoning
    return Usage(input=inp, output=out, cache_read=disjoint.cache_read, cache_write_5m=disjoint.cache_write_5m,
                 cache_write_1h=disjoint.cache_write_1h, reasoning=disjoint.reasoning, web_searches=web_searches,
                 batch=batch, tier=tier)


# --- prices --------------------------------------------------------------------------------------

def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or (
        isinstance(value, str) and value.strip() == "")


def to_decimal(value: object, what: str) -> Decimal | None:
    """A price as an exact Decimal (floats through their shortest repr: 0.3 -> Decimal('0.3')).

    Blank / NaN -> None ("not offered"). A negative price, and in particular OpenRouter's
    ``"-1"`` "set per request" sentinel, raises: multiplied through, it is a negative bill.
    """
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise BillingError(f"{what}: {value!r} is true/false, not a price")
    try:
        if isinstance(value, Decimal):
            dec = value
        elif isinstance(value, numbers.Integral):
            dec = Decimal(int(value))
        elif isinstance(value, numbers.Real):
            dec = Decimal(repr(float(value)))
        elif isinstance(value, str):
            dec = Decimal(value.strip())
        else:
            raise BillingError(f"{what}: a {type(value).__name__} is not a price")
    except InvalidOperation as err:
        raise BillingError(f"{what}: {value!r} is not a number") from err
    _check_price(what, dec)
    return dec


def _check_price(what: str, value: Decimal | None) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal):
        raise BillingError(f"{what}: {value!r} must be a Decimal")
    if not value.is_finite():
        raise BillingError(f"{what}: {value} is not a finite price")
    if value == -1:
        raise BillingError(f"{what}: -1 is OpenRouter's sentinel for a price set per request (a router), "
                           "not a list price; bill such calls from the cost the response reports")
    if value < 0:
        raise BillingError(f"{what}: {value} is negative; a price cannot be")


_PRICE_FIELDS = ("input", "output", "cache_read", "cache_write_5m", "cache_write_1h", "batch_discount_frac",
                 "long_input", "long_output", "long_cache_read", "long_cache_write_5m", "long_cache_write_1h",
                 "web_search_usd_per_k", "request_usd_per_k")


@dataclass(frozen=True)
class PriceSheet:
    """One model's prices in USD per million tokens (fees per thousand calls); None = not offered.

    ``tiers`` holds whole sheets for service tiers priced per model (OpenAI's priority, flex).
    """

    input: Decimal
    output: Decimal
    cache_read: Decimal | None = None
    cache_write_5m: Decimal | None = None
    cache_write_1h: Decimal | None = None
    batch_discount_frac: Decimal | None = None
    long_threshold_tokens: int | None = None
    long_input: Decimal | None = None
    long_output: Decimal | None = None
    long_cache_read: Decimal | None = None
    long_cache_write_5m: Decimal | None = None
    long_cache_write_1h: Decimal | None = None
    web_search_usd_per_k: Decimal | None = None
    request_usd_per_k: Decimal | None = None
    tiers: Mapping[str, "PriceSheet"] = field(default_factory=dict)
    label: str = ""

    def __post_init__(self) -> None:
        for name in _PRICE_FIELDS:
            _check_price(f"{self.label or 'price sheet'} {name}", getattr(self, name))
        if self.input is None or self.output is None:
            raise BillingError(f"{self.label or 'price sheet'}: input and output prices are required")
        if self.batch_discount_frac is not None and self.batch_discount_frac >= 1:
            raise BillingError(f"{self.label}: batch_discount_frac {self.batch_discount_frac} must be below 1")
        if self.long_threshold_tokens is not None and (
                isinstance(self.long_threshold_tokens, bool) or not isinstance(self.long_threshold_tokens, int)
                or self.long_threshold_tokens <= 0):
            raise BillingError(f"{self.label}: long_threshold_tokens {self.long_threshold_tokens!r} must be a "
                               "positive whole number")

    @classmethod
    def from_api_row(cls, row: Mapping[str, Any], rules: BillingRules | None = None) -> "PriceSheet":
        """A sheet from one row of ``api_prices.csv`` (or a feed snapshot); fees come from ``rules``."""
        label = str(row.get("price_id") or f"{row.get('provider')} {row.get('model')}")

        def dec(name: str) -> Decimal | None:
            return to_decimal(row.get(name), f"{label} {name}")

        threshold = row.get("long_context_threshold_tokens")
        return cls(
            input=dec("input_usd_per_mtok"), output=dec("output_usd_per_mtok"),
            cache_read=dec("cached_input_usd_per_mtok"), cache_write_5m=dec("cache_write_5m_usd_per_mtok"),
            cache_write_1h=dec("cache_write_1h_usd_per_mtok"), batch_discount_frac=dec("batch_discount_frac"),
            long_threshold_tokens=None if _blank(threshold) else int(threshold),
            long_input=dec("long_input_usd_per_mtok"), long_output=dec("long_output_usd_per_mtok"),
            long_cache_read=dec("long_cached_input_usd_per_mtok"),
            web_search_usd_per_k=rules.web_search_usd_per_k if rules else None,
            request_usd_per_k=rules.request_usd_per_k if rules else None,
            label=label,
        )


# --- the bill ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BillLine:
    """One item of a bill: ``quantity`` units at ``rate`` USD per ``per`` units."""

    item: str
    quantity: int
    rate: Decimal
    per: Decimal
    usd: Decimal
    note: str = ""


@dataclass(frozen=True)
class Bill:
    """An itemised, exact bill for one request."""

    lines: tuple[BillLine, ...]
    total: Decimal
    long_context: bool
    batch: bool
    tier: str
    usage: DisjointUsage

    def line(self, item: str) -> BillLine | None:
        return next((ln for ln in self.lines if ln.item == item), None)

    def usd(self, item: str) -> Decimal:
        ln = self.line(item)
        return ln.usd if ln else ZERO

    def as_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"item": ln.item, "quantity": ln.quantity, "rate_usd": float(ln.rate),
                              "per_units": int(ln.per), "usd": float(ln.usd), "note": ln.note} for ln in self.lines],
                            columns=["item", "quantity", "rate_usd", "per_units", "usd", "note"])


def _need(rate: Decimal | None, tokens: int, what: str, label: str) -> Decimal:
    if rate is None:
        raise BillingError(f"{label}: {tokens} {what} token(s) but the price sheet has no {what} price; "
                           "the book does not guess one")
    return rate


def _tier_sheet(usage: Usage, prices: PriceSheet, rules: BillingRules) -> tuple[PriceSheet, Decimal | None, str]:
    """(sheet, extra discount fraction for the tier, note) for the usage's service tier."""
    tier = usage.tier
    if tier == STANDARD_TIER:
        return prices, None, ""
    if tier not in rules.service_tiers:
        raise BillingError(f"{rules.provider} lists no '{tier}' service tier (it lists "
                           f"{', '.join(rules.service_tiers)})")
    if usage.batch:
        raise BillingError(f"a batch request has no service tier; got tier '{tier}' with batch=true")
    if tier in prices.tiers:
        return prices.tiers[tier], None, f"{tier} tier prices"
    if tier == "flex" and rules.flex_discount_frac is not None:
        return prices, rules.flex_discount_frac, f"flex: {rules.flex_discount_frac} off"
    raise BillingError(f"{prices.label}: no prices for the '{tier}' tier (priced per model; give a sheet in "
                       "PriceSheet.tiers)")


def bill(usage: Usage, prices: PriceSheet, rules: BillingRules, *, reported_by: BillingRules | None = None) -> Bill:
    """The exact, itemised bill for one request.

    ``reported_by`` names the convention the usage counts follow when it is not the billing
    provider's own (for instance OpenTelemetry GenAI attributes, or an OpenAI-compatible proxy
    in front of Anthropic); by default the usage is as the provider reports it.
    """
    d = normalise(usage, reported_by or rules)
    sheet, tier_discount, tier_note = _tier_sheet(usage, prices, rules)
    label = sheet.label or prices.label or f"{rules.provider} {rules.model or ''}".strip()

    # Long context: which tokens count toward the threshold, and is it crossed?
    if sheet.long_threshold_tokens is not None and rules.long_context_rule == "none":
        raise BillingError(f"{label}: the prices have a long-context tier above {sheet.long_threshold_tokens} "
                           f"tokens, but {rules.provider}'s billing rules state none; say how it applies first")
    counted = d.prompt if rules.long_context_counts_cache else d.fresh_input
    over = (sheet.long_threshold_tokens is not None and rules.long_context_rule != "none"
            and counted > sheet.long_threshold_tokens)
    whole = over and rules.long_context_rule == "whole_request"

    def rate_for(base: Decimal | None, long: Decimal | None, tokens: int, what: str) -> Decimal:
        if whole:
            return _need(long, tokens, f"long-context {what}", label)
        return _need(base, tokens, what, label)

    lines: list[BillLine] = []

    def add(item: str, tokens: int, rate: Decimal, *, discount: Decimal | None, note: str = "",
            per: Decimal = TOKENS_PER_MTOK) -> None:
        if tokens == 0:
            return
        effective = rate * (1 - discount) if discount is not None else rate
        lines.append(BillLine(item, tokens, effective, per, effective * tokens / per, note))

    batch_frac: Decimal | None = None
    if usage.batch:
        batch_frac = sheet.batch_discount_frac
        if batch_frac is None:
            raise BillingError(f"{label}: a batch request, but the model has no batch discount in its price sheet")
    token_discount = batch_frac if batch_frac is not None else tier_discount
    cache_discount = token_discount if (batch_frac is None or rules.batch_discount_applies_to_cache) else None
    note = "; ".join(n for n in (("batch" if batch_frac is not None else ""), tier_note,
                                 ("long context" if over else "")) if n)

    # Fresh input (split at the threshold when only the tokens past it pay the long rate).
    if over and not whole:
        above = counted - sheet.long_threshold_tokens  # type: ignore[operator]
        fresh_above = min(d.fresh_input, above)
        add("input", d.fresh_input - fresh_above, _need(sheet.input, 1, "input", label),
            discount=token_discount, note=note)
        add("input above threshold", fresh_above, _need(sheet.long_input, fresh_above, "long-context input", label),
            discount=token_discount, note=note)
    else:
        add("input", d.fresh_input, rate_for(sheet.input, sheet.long_input, d.fresh_input, "input"),
            discount=token_discount, note=note)

    if d.cache_read:
        add("cache read", d.cache_read,
            rate_for(sheet.cache_read, sheet.long_cache_read, d.cache_read, "cached-read"),
            discount=cache_discount, note=note)
    for item, tokens, base, long in (("cache write 5m", d.cache_write_5m, sheet.cache_write_5m,
                                      sheet.long_cache_write_5m),
                                     ("cache write 1h", d.cache_write_1h, sheet.cache_write_1h,
                                      sheet.long_cache_write_1h)):
        if not tokens:
            continue
        if base is None and item == "cache write 5m" and rules.cache_write_billed_as_input:
            # OpenAI, Google, DeepSeek: a cache write is ordinary input (same rate, same batch discount).
            add(item, tokens, rate_for(sheet.input, sheet.long_input, tokens, "input"), discount=token_discount,
                note="; ".join(n for n in (note, "billed as input") if n))
        elif base is None and item == "cache write 1h" and rules.cache_write_billed_as_input \
                and sheet.cache_write_5m is None:
            add(item, tokens, rate_for(sheet.input, sheet.long_input, tokens, "input"), discount=token_discount,
                note="; ".join(n for n in (note, "billed as input") if n))
        else:
            add(item, tokens, rate_for(base, long, tokens, item.replace("cache write", "cache-write")),
                discount=cache_discount, note=note)

    out_rate = sheet.long_output if over else sheet.output
    add("output", d.output, _need(out_rate, d.output, "long-context output" if over else "output", label),
        discount=token_discount, note="; ".join(n for n in (note, f"{d.reasoning} reasoning" if d.reasoning else "")
                                                 if n))

    fee_discount = token_discount if rules.batch_discount_applies_to_fees else None
    if usage.web_searches:
        fee = sheet.web_search_usd_per_k if sheet.web_search_usd_per_k is not None else prices.web_search_usd_per_k
        add("web search", usage.web_searches, _need(fee, usage.web_searches, "web-search", label),
            discount=fee_discount, per=PER_THOUSAND)
    request_fee = sheet.request_usd_per_k if sheet.request_usd_per_k is not None else prices.request_usd_per_k
    if request_fee:
        add("request", 1, request_fee, discount=fee_discount, per=PER_THOUSAND)

    total = sum((ln.usd for ln in lines), ZERO)
    if total < 0:  # unreachable with the checks above; kept as the last line of defence
        raise BillingError(f"{label}: the bill came out negative ({total}); refusing it")
    return Bill(lines=tuple(lines), total=total, long_context=over, batch=batch_frac is not None, tier=usage.tier,
                usage=d)


# --- prices from genai-prices (the oracle), without importing it here ---------------------------

def _genai_value(price: object) -> tuple[Decimal | None, list[tuple[int, Decimal]]]:
    """(base, [(tier start, price)]) from a genai-prices Decimal or TieredPrices."""
    if price is None:
        return None, []
    tiers = getattr(price, "tiers", None)
    if tiers is None:
        return to_decimal(price, "genai-prices price"), []
    return to_decimal(price.base, "genai-prices tier base"), [  # type: ignore[attr-defined]
        (int(t.start), to_decimal(t.price, "genai-prices tier price")) for t in tiers]  # type: ignore[misc]


_GENAI_KEYS = {"input": "input_mtok", "output": "output_mtok", "cache_read": "cache_read_mtok",
               "cache_write_5m": "cache_write_mtok", "cache_write_1h": "cache_write_1h_mtok"}


def sheet_from_genai_prices(model_price: object, *, label: str = "",
                            batch_price: object | None = None,
                            tier_prices: Mapping[str, object] | None = None) -> PriceSheet:
    """Our PriceSheet from a genai-prices ``ModelPrice`` (duck-typed; this module never imports genai-prices).

    Its ``TieredPrices`` become our long-context fields (one threshold only: a second tier is
    refused rather than dropped). A key with no tier keeps its base price above the threshold,
    as genai-prices bills it. ``batch_price`` (the ``processing=batch`` variant) becomes a batch
    discount fraction, read from the input price. Web-search fees come across; other modalities
    (audio, images) are outside this module and ignored.
    """
    values: dict[str, Any] = {}
    thresholds: set[int] = set()
    tiered: dict[str, Decimal] = {}
    for ours, key in _GENAI_KEYS.items():
        base, tiers = _genai_value(getattr(model_price, key, None))
        values[ours] = base
        if len(tiers) > 1:
            raise BillingError(f"{label}: {key} has {len(tiers)} price tiers; the book models one threshold")
        for start, price in tiers:
            thresholds.add(start)
            tiered[ours] = price
    if len(thresholds) > 1:
        raise BillingError(f"{label}: price keys tier at different thresholds {sorted(thresholds)}")
    if thresholds:
        values["long_threshold_tokens"] = thresholds.pop()
        for ours in _GENAI_KEYS:
            if values[ours] is not None:
                values[f"long_{ours}"] = tiered.get(ours, values[ours])
    web = getattr(model_price, "web_searches_kcount", None)
    values["web_search_usd_per_k"] = to_decimal(web, f"{label} web_searches_kcount") if web is not None else None
    req = getattr(model_price, "requests_kcount", None)
    values["request_usd_per_k"] = to_decimal(req, f"{label} requests_kcount") if req is not None else None
    if batch_price is not None:
        batch_input, _ = _genai_value(getattr(batch_price, "input_mtok", None))
        if batch_input is not None and values["input"]:
            values["batch_discount_frac"] = 1 - batch_input / values["input"]
    tiers = {name: sheet_from_genai_prices(p, label=f"{label} {name}") for name, p in (tier_prices or {}).items()}
    return PriceSheet(**values, tiers=tiers, label=label)


# --- data ----------------------------------------------------------------------------------------

def load_billing_rules(path: str | Path = "data/billing_rules.csv") -> pd.DataFrame:
    """The validated billing-rules table (see data/README.md)."""
    from lib.data import tables  # late import: lib.data.tables imports nothing from here

    return tables.load_billing_rules(path)


def bill_api_row(usage: Usage, price_row: Mapping[str, Any], rules: pd.DataFrame,
                 *, reported_by: BillingRules | None = None) -> Bill:
    """Bill a usage against one row of api_prices.csv with its provider's rules."""
    r = rules_for(rules, str(price_row["provider"]), str(price_row["model"]))
    stated = price_row.get("long_context_rule")
    if not _blank(stated) and stated != r.long_context_rule:
        # The price row and the provider's rules must tell one story; billing either would be a guess.
        raise BillingError(f"{price_row.get('price_id', price_row['model'])}: the price row's long_context_rule "
                           f"{stated!r} contradicts {r.provider}'s billing rule {r.long_context_rule!r}")
    return bill(usage, PriceSheet.from_api_row(price_row, r), r, reported_by=reported_by)


def bill_many(usages: Iterable[tuple[str, str, Usage]], prices: pd.DataFrame, rules: pd.DataFrame
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bill (provider, model, usage) rows against the book's prices: (billed, rejected).

    A row that cannot be billed (unknown model, bad usage, a missing price) goes to the rejected
    frame with its reason; it is never billed as zero.
    """
    book = prices[prices["book_uses"] == True]  # noqa: E712
    billed, rejected = [], []
    for i, (provider, model, usage) in enumerate(usages):
        match = book[(book["provider"] == provider) & (book["model"] == model)]
        try:
            if not len(match):
                raise BillingError(f"no price source knows {provider} {model!r}")
            b = bill_api_row(usage, match.iloc[0], rules)
        except BillingError as err:
            rejected.append({"row": i, "provider": provider, "model": model, "reason": str(err)})
            continue
        billed.append({"row": i, "provider": provider, "model": model, "usd": b.total})
    return (pd.DataFrame(billed, columns=["row", "provider", "model", "usd"]),
            pd.DataFrame(rejected, columns=["row", "provider", "model", "reason"]))


# --- a usage log from a file: lib/prices/usage_csv.py (imported last: it builds on the above) --------

from lib.prices.usage_csv import REJECTED_COLUMNS, USAGE_REQUIRED, USAGE_TOKEN_COLUMNS, bill_usage_csv  # noqa: E402,F401

__all__ = ["BillingError", "Usage", "DisjointUsage", "BillingRules", "PriceSheet", "BillLine", "Bill", "bill",
           "normalise", "reported_as", "rules_for", "to_decimal", "sheet_from_genai_prices", "load_billing_rules",
           "bill_api_row", "bill_many", "bill_usage_csv"]
