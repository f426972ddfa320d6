"""One feed's entries, read field by field: each price as USD per million tokens or a reason it is
not one, the fields beyond the one-to-one prices (long-context tiers, off-peak windows, OpenRouter's
extras), the entries of a LiteLLM or OpenRouter document, and the one rule for a key listed twice.
``lib.prices.feeds`` builds the snapshot from what this module reads."""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from lib.data import tables
from lib.prices.feedread import FeedError, repeats_of

FeedFormat = Literal["litellm", "openrouter"]
TOKENS_PER_MTOK = Decimal(1_000_000)

# Book price column -> the feed's field, for the fields that map one to one.
LITELLM_FIELDS = {
    "input_usd_per_mtok": "input_cost_per_token",
    "output_usd_per_mtok": "output_cost_per_token",
    "cached_input_usd_per_mtok": "cache_read_input_token_cost",
    "cache_write_5m_usd_per_mtok": "cache_creation_input_token_cost",
    "cache_write_1h_usd_per_mtok": "cache_creation_input_token_cost_above_1hr",
}
OPENROUTER_FIELDS = {
    "input_usd_per_mtok": "prompt",
    "output_usd_per_mtok": "completion",
    "cached_input_usd_per_mtok": "input_cache_read",
    "cache_write_5m_usd_per_mtok": "input_cache_write",
    "cache_write_1h_usd_per_mtok": "input_cache_write_1h",
}
_LITELLM_LONG = re.compile(r"^input_cost_per_token_above_(\d{1,9})k_tokens$")  # more digits: not a tier
_THRESHOLD = next(c for c in tables.API_PRICES.columns if c.name == "long_context_threshold_tokens")


def per_mtok(raw: object, *, strings_allowed: bool) -> tuple[float | None, str | None]:
    """A per-token price from a feed as USD per million tokens: (value, None) or (None, reason).

    Absent (None) gives (None, None). Decimal arithmetic, so 3e-06 becomes exactly 3.0.
    """
    if raw is None:
        return None, None
    shown = _repr(raw) if isinstance(raw, (str, int, float)) else ""  # repr of a deep list would recurse
    if isinstance(raw, bool):
        return None, f"{shown} is true/false, not a price"
    if isinstance(raw, str):
        if not strings_allowed:
            return None, f"the price is the string {shown}; this feed gives prices as JSON numbers"
        if raw.strip() == "-1":
            return None, "'-1' means the price is set per request (a router), not a list price"
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            return None, f"{shown} is not a number"
    elif isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            return None, f"{shown} is not a finite number"
        value = Decimal(repr(raw))
    else:
        return None, f"{_a(_json_type(raw))} is not a price"
    if not value.is_finite():
        return None, f"{shown} is not a finite number"
    if value < 0:
        return None, f"{shown} is negative; a price cannot be"
    # Decimal's context would overflow (or round to zero) on a price with thousands of digits.
    usd_per_mtok = (math.inf if value.adjusted() > 12 else 1e-30 if value and value.adjusted() < -30
                    else float(value * TOKENS_PER_MTOK))
    if usd_per_mtok == math.inf:
        return None, (f"{shown} per token is far above the book's sane maximum of "
                      f"${tables.MAX_PRICE_USD_PER_MTOK:,.0f} per million tokens")
    if usd_per_mtok > tables.MAX_PRICE_USD_PER_MTOK:
        return None, (f"{shown} per token is ${usd_per_mtok:,.2f} per million tokens, above the book's sane "
                      f"maximum of ${tables.MAX_PRICE_USD_PER_MTOK:,.0f}")
    if 0 < usd_per_mtok < tables.MIN_PRICE_USD_PER_MTOK:
        return None, (f"{shown} per token is ${usd_per_mtok:g} per million tokens, below the smallest sane price "
                      f"of ${tables.MIN_PRICE_USD_PER_MTOK:g}")
    return usd_per_mtok, None


# --- per-feed field extraction -----------------------------------------------------------------

def _prices_from(entry: dict[str, Any], fields: dict[str, str], strings_allowed: bool
                 ) -> tuple[dict[str, float], list[tuple[str, str, str]]]:
    """(book column -> USD/M, [(feed field, shown value, reason)]) for the one-to-one fields."""
    values: dict[str, float] = {}
    rejected: list[tuple[str, str, str]] = []
    for column, name in fields.items():
        value, reason = per_mtok(entry.get(name), strings_allowed=strings_allowed)
        if reason:
            rejected.append((name, _shown(entry.get(name)), reason))
        elif value is not None:
            values[column] = value
    return values, rejected


def _repr(raw: object, limit: int = 60) -> str:
    """``repr`` cut short: a 10 MB string in a price field must not become a 10 MB report cell."""
    text = repr(raw) if not isinstance(raw, str) or len(raw) <= limit else repr(raw[:limit]) + f"... ({len(raw):,} characters)"
    return text if len(text) <= limit + 40 else text[:limit] + "..."


def _shown(raw: object, limit: int = 80) -> str:
    try:
        text = raw if isinstance(raw, str) else json.dumps(raw)
    except (RecursionError, ValueError, TypeError):
        text = f"(a {type(raw).__name__} nested too deeply to show)"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _litellm_extras(entry: dict[str, Any], values: dict[str, float]) -> list[tuple[str, str, str]]:
    """Batch discount and the long-context tier, which LiteLLM spreads over several keys."""
    rejected: list[tuple[str, str, str]] = []
    fractions = {}
    for side in ("input", "output"):
        name = f"{side}_cost_per_token_batches"
        batch, reason = per_mtok(entry.get(name), strings_allowed=False)
        base = values.get(f"{side}_usd_per_mtok")
        if reason:
            rejected.append((name, _shown(entry.get(name)), reason))
        elif batch is not None and base:
            fractions[side] = round(1 - batch / base, 6)
    if len(set(fractions.values())) > 1:
        rejected.append(("input/output_cost_per_token_batches", json.dumps(fractions),
                         "the batch discounts for input and output differ; the book's table holds one"))
    elif fractions:
        discount = next(iter(fractions.values()))
        if 0 <= discount <= 0.95:
            values["batch_discount_frac"] = discount
        else:
            rejected.append(("input_cost_per_token_batches", str(discount),
                             f"a batch discount of {discount:.0%} is outside 0-95%"))

    thresholds = sorted(int(m.group(1)) for key in entry if (m := _LITELLM_LONG.match(key)))
    if thresholds:
        k = thresholds[0]  # the first tier a request crosses
        if not _THRESHOLD.min <= k * 1000 <= _THRESHOLD.max:  # type: ignore[operator]
            rejected.append((f"*_above_{k}k_tokens", str(k * 1000), f"a long-context threshold of {k * 1000:,} tokens "
                             f"is outside {_THRESHOLD.min:,.0f}-{_THRESHOLD.max:,.0f}; the tier was left out"))
            return rejected
        long_in, r_in = per_mtok(entry.get(f"input_cost_per_token_above_{k}k_tokens"), strings_allowed=False)
        long_out, r_out = per_mtok(entry.get(f"output_cost_per_token_above_{k}k_tokens"), strings_allowed=False)
        long_cached, r_cached = per_mtok(entry.get(f"cache_read_input_token_cost_above_{k}k_tokens"),
                                         strings_allowed=False)
        if long_in is not None and long_out is not None and not (r_in or r_out):
            # LiteLLM bills the whole request at the higher rate once it is over the threshold.
            values.update(long_context_threshold_tokens=k * 1000, long_input_usd_per_mtok=long_in,
                          long_output_usd_per_mtok=long_out, long_context_rule="whole_request")
            if long_cached is not None:
                values["long_cached_input_usd_per_mtok"] = long_cached
        else:
            rejected.append((f"*_above_{k}k_tokens", "", r_in or r_out or
                             "the long-context tier lacks an input or an output price, so it was left out"))
    return rejected


def _openrouter_extras(entry: dict[str, Any], values: dict[str, float]) -> list[tuple[str, str, str]]:
    pricing = entry["pricing"]
    rejected: list[tuple[str, str, str]] = []
    discount = pricing.get("discount")
    if discount not in (None, 0, "0"):
        rejected.append(("discount", _shown(discount), "OpenRouter lists a discount; the book keeps list prices"))
    overrides = pricing.get("overrides")
    if overrides is not None and not isinstance(overrides, list):
        rejected.append(("overrides", _shown(overrides),
                         f"overrides is {_a(_json_type(overrides))}, not a list of tiers; no long-context tier was read"))
    elif overrides:
        tiers = [o for o in overrides if isinstance(o, dict) and _whole(o.get("min_prompt_tokens"))]
        if not tiers:
            rejected.append(("overrides", _shown(overrides), "no tier with a whole-number min_prompt_tokens"))
        elif not _THRESHOLD.min <= min(o["min_prompt_tokens"] for o in tiers) <= _THRESHOLD.max:  # type: ignore[operator]
            rejected.append(("overrides", _shown(min(tiers, key=lambda o: o["min_prompt_tokens"])),
                             f"a min_prompt_tokens outside {_THRESHOLD.min:,.0f}-{_THRESHOLD.max:,.0f} is not a "
                             "long-context threshold; the tier was left out"))
        else:
            tier = min(tiers, key=lambda o: o["min_prompt_tokens"])
            long_in, r_in = per_mtok(tier.get("prompt"), strings_allowed=True)
            long_out, r_out = per_mtok(tier.get("completion"), strings_allowed=True)
            long_cached, _ = per_mtok(tier.get("input_cache_read"), strings_allowed=True)
            if long_in is not None and long_out is not None:
                values.update(long_context_threshold_tokens=tier["min_prompt_tokens"],
                              long_input_usd_per_mtok=long_in, long_output_usd_per_mtok=long_out,
                              long_context_rule="whole_request")
                if long_cached is not None:
                    values["long_cached_input_usd_per_mtok"] = long_cached
            else:
                rejected.append(("overrides", _shown(tier), r_in or r_out or "the tier lacks a prompt or completion price"))
    return rejected


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _json_type(value: object) -> str:
    return {dict: "object", list: "list", str: "string", bool: "true/false", int: "number", float: "number",
            type(None): "null"}.get(type(value), "object" if isinstance(value, dict) else type(value).__name__)


Entries = tuple[dict[str, Any], dict[str, list[Any]]]  # first listing per key; the later listings per key


def _litellm_entries(doc: Any, location: str) -> Entries:
    if not isinstance(doc, dict):
        raise FeedError(f"{location}: a LiteLLM price file is one JSON object keyed by model, not {_a(_json_type(doc))}")
    later: dict[str, list[Any]] = {}
    for key, value in repeats_of(doc):
        later.setdefault(key, []).append(value)
    return doc, later


def _openrouter_entries(doc: Any, location: str) -> Entries:
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        got = (f"the document is {_a(_json_type(doc))}" if not isinstance(doc, dict)
               else "the object has no 'data'" if "data" not in doc else f"its 'data' is {_a(_json_type(doc['data']))}")
        raise FeedError(f"{location}: an OpenRouter model listing is an object with a 'data' list; {got}")
    entries: dict[str, Any] = {}
    later: dict[str, list[Any]] = {}
    # A document that repeats "data" lists every listing in order, so an id in both follows the one rule.
    items = [*doc["data"], *(item for key, value in repeats_of(doc) if key == "data" and isinstance(value, list)
                             for item in value)]
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            if item["id"] in entries:
                later.setdefault(item["id"], []).append(item)
            else:
                entries[item["id"]] = item
        # An item without an id cannot be matched to the map; it is simply not one of ours.
    return entries, later


# --- duplicates: one rule for every feed ---------------------------------------------------------

def _price_view(listing: Any, feed_format: FeedFormat) -> dict[str, object]:
    """What decides a listing's prices, each price as USD/M where it is one (so 3e-06 equals "0.000003")."""
    if feed_format == "openrouter" and isinstance(listing, dict):
        listing = listing.get("pricing")
        fields = listing if isinstance(listing, dict) else {"pricing": listing}
    elif isinstance(listing, dict):
        fields = {k: v for k, v in listing.items() if "cost" in k or "price" in k}
    else:
        fields = {"(the entry)": listing}
    return {k: _price_or_text(v) for k, v in fields.items()}


def _price_or_text(raw: object) -> object:
    value, reason = per_mtok(raw, strings_allowed=True)
    if value is not None and reason is None:
        return value
    return _shown(raw, limit=10_000)


def _as_shown(value: object) -> str:
    if value is None:
        return "absent"
    return f"${value:g}/M" if isinstance(value, float) else _shown(value, limit=40)


def _nested_repeats(entry: Any) -> list[tuple[str, object, object]]:
    """(path, kept value, ignored value) for each key repeated inside an entry, with different values."""
    found: list[tuple[str, object, object]] = []
    stack: list[tuple[str, Any]] = [("", entry)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in repeats_of(node):
                kept, ignored = _price_or_text(node[key]), _price_or_text(value)
                if kept != ignored:
                    found.append((f"{path}{key}", kept, ignored))
            stack.extend((f"{path}{k}.", v) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}].", v) for i, v in enumerate(node) if isinstance(v, (dict, list)))
    return sorted(found)


def _duplicate_issue(key: str, first: Any, later: list[Any], feed_format: FeedFormat
                     ) -> tuple[str, str, str] | None:
    """(fields, value, reason) for a key whose listings disagree on a price; None when they agree."""
    parts: list[str] = []
    fields: list[str] = []
    kept = _price_view(first, feed_format)
    others = [_price_view(o, feed_format) for o in later]
    differing = sorted({f for o in others for f in set(kept) | set(o) if kept.get(f) != o.get(f)})
    for f in differing:
        ignored = ", ".join(_as_shown(o.get(f)) for o in others if o.get(f) != kept.get(f))
        parts.append(f"{f}: {_as_shown(kept.get(f))} kept (listing 1), {ignored} ignored")
        fields.append(f)
    where = "id" if feed_format == "openrouter" else "key"
    said = [f"the feed lists the {where} '{key}' {len(later) + 1} times with different prices"] if differing else []
    nested = _nested_repeats(first)
    for path, kept_value, ignored_value in nested:
        parts.append(f"{path}: {_as_shown(kept_value)} kept (first in the entry), {_as_shown(ignored_value)} ignored")
        fields.append(path)
    if nested:
        said.append(f"the entry for '{key}' repeats {len(nested)} field(s) with different values")
    if not parts:
        return None
    value = "; ".join(parts)
    return (", ".join(fields)[:200], value if len(value) <= 300 else value[:297] + "...",
            f"{' and '.join(said)} ({value}); the first in the document is the one imported, the others are ignored")
