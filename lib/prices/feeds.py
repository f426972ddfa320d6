"""Import list prices from public price databases into the book's price table.

Two feeds are read as they are published:

- LiteLLM's community database, ``model_prices_and_context_window.json``: one object per model
  key, prices in USD per token as JSON numbers (``input_cost_per_token``,
  ``cache_read_input_token_cost``, ``*_batches``, ``*_above_200k_tokens`` ...).
- OpenRouter's model listing (``GET /api/v1/models``): ``{"data": [{"id", "pricing"}]}``, prices
  in USD per token as decimal strings, ``"-1"`` meaning a price set per request.

``data/price_feed_map.csv`` ties each book model to its key in each feed. A model is imported
only through that map, never by guessing from names. A price field the feed lacks stays blank
and is reported; a value that is not a sane price rejects the field (or the model, when it is
the input or output price) with the reason; a mapped key missing from the feed is reported as
vanished. Rejected and vanished models keep the guide's row, so nothing good is lost.

A key listed more than once (a repeated key in LiteLLM's object, a repeated id in OpenRouter's
list, a repeated field inside one entry) follows one rule for both feeds: listings with the same
prices are one model, merged; listings with different prices keep the first in the document, and
the import reports a ``duplicate`` issue naming the key, every listing's prices and which one won.

The result is a snapshot: every row of the guide's ``api_prices.csv`` plus one imported row per
imported model, which becomes the row the book uses for that model. It is validated with the
same schema as the guide's file before anything is written.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from lib.data import tables
from lib.data.validation import DataValidationError, Problem, load_table
# FeedError and the download limits live in feedread and are re-exported here, where callers import them.
from lib.prices.feedread import (DOWNLOAD_DEADLINE_S, FETCH_TIMEOUT_S, MAX_FEED_BYTES, FeedError,  # noqa: F401
                                 download, parse_json, read_local, repeats_of)

FeedFormat = Literal["litellm", "openrouter"]
FEED_FORMATS: tuple[FeedFormat, ...] = ("litellm", "openrouter")
TOKENS_PER_MTOK = Decimal(1_000_000)
SNAPSHOT_DIR = "data/snapshots"
ISSUE_COLUMNS = ["provider", "model", "feed_key", "field", "value", "kind", "reason"]
IssueKind = Literal["rejected_model", "rejected_field", "missing_field", "vanished", "duplicate"]

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
REQUIRED = ("input_usd_per_mtok", "output_usd_per_mtok")
LONG_COLUMNS = ("long_context_threshold_tokens", "long_input_usd_per_mtok", "long_output_usd_per_mtok",
                "long_cached_input_usd_per_mtok", "long_context_rule")
OFFPEAK_COLUMNS = ("offpeak_input_usd_per_mtok", "offpeak_output_usd_per_mtok", "offpeak_start_utc",
                   "offpeak_end_utc")
# Columns that describe the model, not its price: carried over from the guide's row.
CARRIED_COLUMNS = ("provider", "model", "tier", "open_weight", "decode_tokens_per_s", "serving_hardware")
_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
_LITELLM_LONG = re.compile(r"^input_cost_per_token_above_(\d{1,9})k_tokens$")  # more digits: not a tier
_THRESHOLD = next(c for c in tables.API_PRICES.columns if c.name == "long_context_threshold_tokens")


@dataclass(frozen=True)
class FeedIssue:
    """One thing about one model that did not import as a plain price."""

    provider: str
    model: str
    feed_key: str
    field: str
    value: str
    kind: IssueKind
    reason: str


@dataclass
class FeedImport:
    """A price snapshot built from one feed, and what did not make it in."""

    feed_format: FeedFormat
    location: str
    source: str
    as_of: str
    prices: pd.DataFrame
    imported: list[tuple[str, str, str]] = field(default_factory=list)  # (provider, model, feed key)
    issues: list[FeedIssue] = field(default_factory=list)
    merged_duplicates: list[str] = field(default_factory=list)  # keys listed twice with the same prices
    unmapped_duplicates: list[str] = field(default_factory=list)  # keys the map does not name, listed twice apart

    def issues_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(i) for i in self.issues], columns=ISSUE_COLUMNS)

    def summary(self) -> str:
        counts = pd.Series([i.kind for i in self.issues], dtype=object).value_counts()
        parts = [f"{len(self.imported)} model(s) imported"]
        for kind, label in (("rejected_model", "rejected (guide price kept)"), ("vanished", "missing from the feed"),
                            ("rejected_field", "price field(s) rejected"), ("missing_field", "field(s) the feed lacks"),
                            ("duplicate", "listed more than once with different prices (first listing kept)")):
            if counts.get(kind):
                parts.append(f"{counts[kind]} {label}")
        if self.merged_duplicates:
            parts.append(f"{len(self.merged_duplicates)} key(s) listed twice with the same prices (merged)")
        if self.unmapped_duplicates:
            parts.append(f"{len(self.unmapped_duplicates)} key(s) the book does not map listed twice with different "
                         f"prices (e.g. {self.unmapped_duplicates[0]!r})")
        return f"{self.source} (as of {self.as_of}): " + ", ".join(parts)


# --- reading ---------------------------------------------------------------------------------

def read_feed_json(location: str, *, deadline_s: float | None = None,
                   read_timeout_s: float | None = None) -> tuple[Any, str]:
    """Parse the feed at a URL or path; a malformed file fails with its name, line and column.

    A URL is downloaded within ``deadline_s`` seconds in all (default ``DOWNLOAD_DEADLINE_S``), each
    read waiting at most ``read_timeout_s`` (default ``FETCH_TIMEOUT_S``); see ``feedread.download``.
    Objects that repeat a key keep the first value and remember the others, for ``import_feed``.
    """
    if re.match(r"^https?://", location, flags=re.IGNORECASE):
        raw = download(location, deadline_s=deadline_s, read_timeout_s=read_timeout_s)
    else:
        raw = read_local(location)
    return parse_json(raw, location), location


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


# --- the import ----------------------------------------------------------------------------------

def load_feed_map(path: str | Path = "data/price_feed_map.csv") -> pd.DataFrame:
    return tables.load(path, tables.PRICE_FEED_MAP)


def import_feed(doc: Any, feed_format: FeedFormat, *, location: str, source: str, as_of: str,
                guide_prices: pd.DataFrame, feed_map: pd.DataFrame, map_label: str = "data/price_feed_map.csv"
                ) -> FeedImport:
    """Build a validated price snapshot from a parsed feed; raise FeedError if nothing sane results."""
    if feed_format not in FEED_FORMATS:
        raise FeedError(f"unknown feed format {feed_format!r}: use one of {', '.join(FEED_FORMATS)}")
    if not _DATE.match(as_of):
        raise FeedError(f"as_of {as_of!r} is not a date as YYYY-MM-DD (or YYYY-MM): the book dates every price")
    entries, later = (_litellm_entries if feed_format == "litellm" else _openrouter_entries)(doc, location)
    key_column = "litellm_key" if feed_format == "litellm" else "openrouter_id"
    book = guide_prices[guide_prices["book_uses"]].set_index(["provider", "model"])
    unknown = [Problem(map_label, f"({r['provider']}, {r['model']}) has no book row in the price table", int(idx), "model")
               for idx, r in feed_map.iterrows() if (r["provider"], r["model"]) not in book.index]
    if unknown:
        raise FeedError(str(DataValidationError(unknown)))

    result = FeedImport(feed_format, location, source, as_of, guide_prices)
    mapped = {str(k) for k in feed_map[key_column].dropna()}
    for key, listings in later.items():
        if _duplicate_issue(key, entries[key], listings, feed_format) is None:
            result.merged_duplicates.append(key)
        elif key not in mapped:
            result.unmapped_duplicates.append(key)
    new_rows: list[dict[str, Any]] = []
    replaced: list[str] = []  # the guide's price_id each new row replaces, in new_rows' order
    for _, mapping in feed_map[feed_map[key_column].notna()].iterrows():
        provider, model, key = mapping["provider"], mapping["model"], str(mapping[key_column])
        guide_row = book.loc[(provider, model)]

        def issue(field_name: str, value: str, kind: IssueKind, reason: str) -> None:
            result.issues.append(FeedIssue(provider, model, key, field_name, value, kind, reason))

        if key not in entries:
            issue("", "", "vanished", "the mapped key is not in this feed; the guide's price is kept")
            continue
        entry = entries[key]
        duplicate = _duplicate_issue(key, entry, later.get(key, []), feed_format)
        if duplicate is not None:
            issue(*duplicate[:2], "duplicate", duplicate[2])
        if not isinstance(entry, dict) or (feed_format == "openrouter" and not isinstance(entry.get("pricing"), dict)):
            issue("", _shown(entry), "rejected_model", "the entry is not an object with prices; the guide's price is kept")
            continue
        priced = entry if feed_format == "litellm" else entry["pricing"]
        fields = LITELLM_FIELDS if feed_format == "litellm" else OPENROUTER_FIELDS
        values, rejected = _prices_from(priced, fields, strings_allowed=feed_format == "openrouter")
        rejected += (_litellm_extras if feed_format == "litellm" else _openrouter_extras)(entry, values)
        if any(col not in values for col in REQUIRED):
            required = {fields[c] for c in REQUIRED}
            bad = [r for r in rejected if r[0] in required]
            why = "; ".join(f"{f}: {reason}" for f, _, reason in bad) or "no input or no output price"
            issue(", ".join(f for f, _, _ in bad), "; ".join(v for _, v, _ in bad), "rejected_model",
                  f"{why}; the guide's price is kept")
            continue
        for field_name, value, reason in rejected:
            issue(field_name, value, "rejected_field", reason)
        if values.get("cached_input_usd_per_mtok", 0) > values["input_usd_per_mtok"]:
            issue("cached input", str(values.pop("cached_input_usd_per_mtok")), "rejected_field",
                  "a cache read dearer than a miss is not a discount; left blank")
        for column in ("cached_input_usd_per_mtok", "cache_write_5m_usd_per_mtok", "cache_write_1h_usd_per_mtok",
                       "batch_discount_frac", "long_input_usd_per_mtok", "offpeak_input_usd_per_mtok"):
            if column not in values and pd.notna(guide_row[column]):
                issue(column, "", "missing_field", "the guide states this price; the feed has none, so it is blank")

        row = {col: None for col in tables.API_PRICES.column_names}
        row.update({col: guide_row[col] if col not in ("provider", "model") else (provider if col == "provider" else model)
                    for col in CARRIED_COLUMNS})
        row.update(values)
        row.update(
            price_id=f"{guide_row['price_id']}-{feed_format}", book_uses=True,
            source=source, as_of=as_of,
            choice_note=f"Imported from {source}; replaces the guide's row {guide_row['price_id']}.",
            notes=(f"Feed key: {key}. Tier, open weights, decode speed and hardware are carried from the "
                   f"guide's row {guide_row['price_id']}."),
        )
        new_rows.append(row)
        replaced.append(guide_row["price_id"])
        result.imported.append((provider, model, key))

    # A row the snapshot's own checks refuse (prices that look per-thousand, a partial tier ...)
    # rejects that model, not the feed: the guide's row stays and the reason is reported.
    for attempt in range(2):
        if not new_rows:
            raise FeedError(f"{location}: no model in {map_label} could be imported from this {feed_format} feed "
                            f"({len(result.issues)} problem(s), e.g. "
                            f"{result.issues[0].reason if result.issues else 'none mapped'})")
        snapshot = _snapshot(guide_prices, new_rows, replaced, source)
        try:
            result.prices = _validated(snapshot, label=f"snapshot of {location}")
            return result
        except FeedError as err:
            problems = getattr(err.__cause__, "problems", [])
            guide_n = len(guide_prices)
            if attempt or not problems or any(p.row is None or p.row <= guide_n for p in problems):
                raise
            bad: dict[int, list[Problem]] = {}
            for p in problems:
                bad.setdefault(p.row - guide_n - 1, []).append(p)  # type: ignore[operator]
            for i in sorted(bad, reverse=True):
                provider, model, key = result.imported.pop(i)
                del new_rows[i], replaced[i]
                result.issues = [x for x in result.issues if x.model != model or x.provider != provider
                                 or x.kind == "duplicate"]
                result.issues.append(FeedIssue(
                    provider, model, key, ", ".join(sorted({p.column or "" for p in bad[i]})), "", "rejected_model",
                    "; ".join(f"{p.column}: {p.reason}" for p in bad[i]) + "; the guide's price is kept"))
    raise AssertionError("unreachable")  # pragma: no cover


def _snapshot(guide_prices: pd.DataFrame, new_rows: list[dict[str, Any]], replaced: list[str], source: str
              ) -> pd.DataFrame:
    guide = guide_prices.copy()
    was_replaced = guide["price_id"].isin(replaced)
    guide.loc[was_replaced, "book_uses"] = False
    guide.loc[was_replaced, "choice_note"] = f"Guide's price; the book uses the row imported from {source}."
    # Every other row of a replaced model already says why it is not the book's.
    snapshot = pd.concat([guide.reset_index(drop=True), pd.DataFrame(new_rows)], ignore_index=True)
    return snapshot[tables.API_PRICES.column_names]


def to_csv_text(frame: pd.DataFrame, columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in frame[columns].itertuples(index=False):
        writer.writerow(["" if _blank(v) else _cell(v) for v in record])
    return out.getvalue()


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def _cell(v: object) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v)).lower()
    if isinstance(v, float):
        return repr(int(v)) if v.is_integer() else repr(v)
    return str(v)


def _validated(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """Round-trip through the CSV validator, so a snapshot is checked exactly as a file would be."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "api_prices.csv"
        path.write_text(to_csv_text(frame, tables.API_PRICES.column_names), encoding="utf-8")
        try:
            return load_table(path, tables.API_PRICES)
        except DataValidationError as err:
            raise FeedError(f"{label}: the imported prices do not validate:\n{err}".replace(str(path), label)) from err


def snapshot_paths(root: Path, feed_format: str, as_of: str) -> tuple[Path, Path]:
    """Where a snapshot and its import report live: data/snapshots/api_prices.<feed>.<as_of>[.issues].csv."""
    stem = f"api_prices.{feed_format}.{as_of}"
    return root / SNAPSHOT_DIR / f"{stem}.csv", root / SNAPSHOT_DIR / f"{stem}.issues.csv"


def issues_path_for(snapshot_csv: str | Path) -> Path:
    path = Path(snapshot_csv)
    return path.with_name(path.stem + ".issues.csv")


def write_snapshot(result: FeedImport, root: Path, folder: Path | None = None) -> tuple[Path, Path]:
    """Write the snapshot and its issues beside each other, in data/snapshots or in ``folder``
    (the refresh stages them there until the book has run on them); never touches
    data/api_prices.csv. Each file is replaced atomically: a reader sees the old one or the new."""
    prices_path, issues_path = snapshot_paths(root, result.feed_format, result.as_of)
    if folder is not None:
        prices_path, issues_path = folder / prices_path.name, folder / issues_path.name
    prices_path.parent.mkdir(parents=True, exist_ok=True)
    for path, text in ((prices_path, to_csv_text(result.prices, tables.API_PRICES.column_names)),
                       (issues_path, to_csv_text(result.issues_frame(), ISSUE_COLUMNS))):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return prices_path, issues_path


def main(argv: list[str] | None = None) -> int:
    """``python -m lib.prices.feeds``: import a feed into data/snapshots (lib/prices/import_cli.py)."""
    from lib.prices.import_cli import main as import_main

    return import_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
