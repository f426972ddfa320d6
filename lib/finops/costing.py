"""Costing a call: exact prices, the per-call reference, and the portable costing SQL.

Costing rule (the OpenTelemetry usage shape, where input includes cached reads):

    cost = (input_tokens - cache_read_tokens - cache_write_tokens) x input price
         + cache_read_tokens x cached-input price
         + cache_write_tokens x cache-write price
         + output_tokens x output price                  (prices in USD per million tokens)

A cached read is billed once, at the cached price, never again at the input price. Cache writes
(``gen_ai.usage.cache_creation.input_tokens``, optional) are billed at the book's 5-minute
cache-write price where it states one; where it states none and the provider's row of
``data/billing_rules.csv`` says ``cache_write_billed_as_input`` (OpenAI, Google, DeepSeek...: writing
the cache costs nothing beyond input), at the input price; otherwise the call is unpriced. Reasoning
tokens (``gen_ai.usage.reasoning.output_tokens``, optional) are part of ``output_tokens`` and bill at
the output price: they are carried for reporting, never billed twice. Only the base rates apply:
long-context tiers, batch discounts and off-peak hours are not in an OpenTelemetry call record,
so they are not billed here (``lib.costs.api`` prices them for a known request).

Prices may carry a history (``lib.prices.history``): a price row holds from ``valid_from`` (inclusive)
to the next row's ``valid_from`` (exclusive), and each call is costed at the row in force on its UTC
date. Without a history every row holds for all dates.

Exactness: prices are held as DECIMAL(18,6) and token counts as BIGINT, so tokens x USD-per-million
is an exact decimal number of micro-dollars, and a SUM over any number of calls is exact in DuckDB,
in Spark and in Python's ``Decimal`` alike. Attribution totals therefore equal the sum of per-call
costs to the last digit, whatever the engine's summation order.

A price the table does not state (blank in a price snapshot) leaves the calls that need it unpriced
(NULL / None): they are counted in ``unpriced_calls`` and left out of the USD sums, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

import numpy as np
import pandas as pd

from lib.finops import calllog

PRICE_QUANTUM = Decimal("0.000001")  # prices are held to a millionth of a dollar per million tokens
MICRO = Decimal(1_000_000)
PRICE_COLUMNS = ("input_usd_per_mtok", "cached_input_usd_per_mtok", "cache_write_usd_per_mtok", "output_usd_per_mtok")
DIMENSIONS = ("tenant", "feature", "provider", "model", "day", "hour")


# ---------------------------------------------------------------------------------------------
# Prices
# ---------------------------------------------------------------------------------------------
def to_price(value: object) -> Decimal | None:
    """A price as an exact Decimal to six places, or None when it is not stated (blank / NaN)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or (not isinstance(value, Decimal) and pd.isna(value)):
        return None
    text = repr(float(value)) if isinstance(value, (float, np.floating)) else str(value)
    return Decimal(text).quantize(PRICE_QUANTUM, rounding=ROUND_HALF_UP)


def _cache_write_rules(rules: pd.DataFrame | None):
    """``(provider, model) -> cache_write_billed_as_input`` (None: the book has no rule for it).

    The choice ``lib.prices.billing.rules_for`` makes (the model's own row where it has one, else its
    provider's row; the first such row), read once from the table: calling ``rules_for`` per price
    row filtered the whole table each time, and was most of ``connect``'s fixed cost.
    """
    if rules is None:
        return lambda provider, model: None
    own: dict[tuple[str, str], bool] = {}
    general: dict[str, bool] = {}
    for provider, model, flag in zip(rules["provider"], rules["model"], rules["cache_write_billed_as_input"]):
        if pd.isna(model):  # as rules_for tells a provider's row from a model's
            general.setdefault(str(provider), bool(flag))
        else:
            own.setdefault((str(provider), str(model)), bool(flag))
    return lambda provider, model: own.get((provider, model), general.get(provider))


def price_table(prices: pd.DataFrame, rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """The prices calls are costed at: one row per (provider, model[, valid_from]), keyed by OpenTelemetry provider name.

    ``prices`` is an ``api_prices`` frame (its ``book_uses`` rows; every row holds for all dates) or
    a price history (``lib.prices.history``; it has ``valid_from``). ``rules`` is the billing-rules
    table (default: ``data/billing_rules.csv``), read for how a cache write bills where no write
    price is stated. Columns: provider (gen_ai.provider.name), book_provider, model, the four prices
    as six-place decimal strings (None where blank), which both DuckDB and Spark cast to DECIMAL
    exactly, ``cache_write_basis`` (where the write price comes from) and ``valid_from`` /
    ``valid_to`` (YYYY-MM-DD; None = unbounded). A negative price (OpenRouter's ``-1`` "dynamic"
    sentinel) is refused, never turned into a negative cost.
    """
    rows = prices[prices["book_uses"].astype(bool)] if "book_uses" in prices.columns else prices
    if rules is None:
        from lib.prices.billing import load_billing_rules
        rules = load_billing_rules()
    out = pd.DataFrame({
        # A provider a price feed adds without an OpenTelemetry name is keyed by its name in lower case.
        "provider": [calllog.OTEL_PROVIDER.get(p, str(p).lower()) for p in rows["provider"]],
        "book_provider": rows["provider"].astype(str).to_numpy(),
        "model": rows["model"].astype(str).to_numpy(),
    })
    source = prices.attrs.get("source_file", "the price table")
    for col in ("input_usd_per_mtok", "cached_input_usd_per_mtok", "output_usd_per_mtok"):
        out[col] = [None if (d := to_price(v)) is None else str(d) for v in rows[col]]
    stated = rows["cache_write_5m_usd_per_mtok"] if "cache_write_5m_usd_per_mtok" in rows.columns else [None] * len(rows)
    writes, basis = [], []
    write_rule = _cache_write_rules(rules)
    for bp, model, inp, w in zip(out["book_provider"], out["model"], out["input_usd_per_mtok"], stated):
        d = to_price(w)
        if d is not None:
            writes.append(str(d))
            basis.append("stated 5-minute cache-write price")
        elif write_rule(bp, model):
            writes.append(inp)
            basis.append("input price (billing_rules.csv: cache_write_billed_as_input)")
        else:
            writes.append(None)
            basis.append("not stated: calls with cache writes are unpriced")
    out["cache_write_usd_per_mtok"] = writes
    out["cache_write_basis"] = basis
    for col in PRICE_COLUMNS:
        bad = [i for i, v in enumerate(out[col]) if isinstance(v, str) and Decimal(v) < 0]
        if bad:
            i = bad[0]
            raise ValueError(f"{source}: {out['book_provider'][i]} {out['model'][i]}: {col} is {out[col][i]}; a "
                             f"negative price (such as OpenRouter's -1 'dynamic price' sentinel) cannot cost a call")
    if "valid_from" in rows.columns:
        out["valid_from"] = [None if pd.isna(v) else str(v)[:10] for v in rows["valid_from"]]
    else:
        out["valid_from"] = None
    out = out.reset_index(drop=True)
    dup = out.duplicated(["provider", "model", "valid_from"], keep=False)
    if dup.any():
        raise ValueError(f"more than one price row for {sorted(set(zip(out.loc[dup, 'provider'], out.loc[dup, 'model'])))}")
    # Each row holds until the next row of the same model starts.
    out = out.sort_values(["provider", "model", "valid_from"], kind="stable", na_position="first").reset_index(drop=True)
    nxt = out.groupby(["provider", "model"], sort=False)["valid_from"].shift(-1)
    out["valid_to"] = [None if pd.isna(v) else v for v in nxt]
    return out


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating, Decimal)) and value == int(value):
            return int(value)
        raise ValueError(f"{what} must be a whole number of tokens, not {value!r}")
    return int(value)


def call_cost_usd(input_tokens: int, output_tokens: int, cache_read_tokens: int = 0, *,
                  input_usd_per_mtok: object, output_usd_per_mtok: object,
                  cached_input_usd_per_mtok: object = None, cache_write_tokens: int = 0,
                  cache_write_usd_per_mtok: object = None, reasoning_tokens: int = 0) -> Decimal | None:
    """One call's cost in USD, exactly, the plain way: the reference the SQL is tested against.

    ``input_tokens`` INCLUDES the cached reads and the cache writes, ``output_tokens`` INCLUDES the
    reasoning tokens (OpenTelemetry convention): reasoning is checked, never billed twice. A part
    with zero tokens costs zero even if its price is not stated; a part with tokens and no price
    makes the call unpriced (None). Prices are those in force on the call's date (the caller picks
    the row: ``lib.prices.history.price_in_force``).
    """
    inp, out = _whole(input_tokens, "input_tokens"), _whole(output_tokens, "output_tokens")
    cached, written = _whole(cache_read_tokens, "cache_read_tokens"), _whole(cache_write_tokens, "cache_write_tokens")
    reasoning = _whole(reasoning_tokens, "reasoning_tokens")
    if min(inp, out, cached, written, reasoning) < 0:
        raise ValueError("token counts must be >= 0")
    if cached + written > inp:
        raise ValueError(f"cache_read_tokens + cache_write_tokens ({cached} + {written}) cannot exceed input_tokens "
                         f"({inp}), which include them")
    if reasoning > out:
        raise ValueError(f"reasoning_tokens ({reasoning}) cannot exceed output_tokens ({out}), which include them")
    for price in (input_usd_per_mtok, output_usd_per_mtok, cached_input_usd_per_mtok, cache_write_usd_per_mtok):
        d = to_price(price)
        if d is not None and d < 0:
            raise ValueError(f"a negative price ({d}) cannot cost a call")
    total = Decimal(0)
    for tokens, price in ((inp - cached - written, input_usd_per_mtok), (cached, cached_input_usd_per_mtok),
                          (written, cache_write_usd_per_mtok), (out, output_usd_per_mtok)):
        if tokens == 0:
            continue
        rate = to_price(price)
        if rate is None:
            return None
        total += tokens * rate
    return total / MICRO  # exact: the quotient of a six-place decimal by 10**6 has twelve places


# ---------------------------------------------------------------------------------------------
# The costing SQL: one place, portable (DuckDB here; the same text runs on Spark SQL)
# ---------------------------------------------------------------------------------------------
def calls_view_sql(source: str, quote: str = '"', optional: Sequence[str] = (), passthrough: Sequence[str] = ()) -> str:
    """SELECT that renames a raw log's OpenTelemetry columns to the plain names the costing SQL reads.

    ``source`` is a table or view name; ``quote`` is the engine's identifier quote ('"' for DuckDB,
    '`' for Spark), the only dialect difference, confined here. ``optional`` names the optional
    columns (``calllog.OPTIONAL_COLUMNS``) the log has; the others read as zero, as does a blank cell.
    ``passthrough`` names plain-named columns copied as they are (e.g. a row number).
    """
    def q(name: str) -> str:
        return quote + name + quote
    casts = {calllog.COL_TIME: "TIMESTAMP", calllog.COL_TENANT: "STRING", calllog.COL_FEATURE: "STRING",
             calllog.COL_PROVIDER: "STRING", calllog.COL_MODEL: "STRING", calllog.COL_INPUT: "BIGINT",
             calllog.COL_CACHE_READ: "BIGINT", calllog.COL_OUTPUT: "BIGINT"}
    cols = [f"CAST({q(src)} AS {casts[src]}) AS {plain}" for src, plain in calllog.PLAIN_NAMES.items()]
    for src, plain in calllog.OPTIONAL_PLAIN_NAMES.items():
        cols.append(f"COALESCE(CAST({q(src)} AS BIGINT), 0) AS {plain}" if src in optional
                    else f"CAST(0 AS BIGINT) AS {plain}")
    cols += [q(c) for c in passthrough]
    return "SELECT " + ",\n       ".join(cols) + f"\nFROM {source}"


def prices_view_sql(source: str) -> str:
    """SELECT that turns a ``price_table`` frame (registered as ``source``) into the ``prices`` table the
    costing SQL joins: the three prices as DECIMAL(18,6), cast from their exact decimal strings."""
    casts = ", ".join(f"CAST({c} AS DECIMAL(18,6)) AS {c}" for c in PRICE_COLUMNS)
    return (f"SELECT provider, book_provider, model, {casts},\n"
            f"       CAST(valid_from AS DATE) AS valid_from, CAST(valid_to AS DATE) AS valid_to\nFROM {source}")


def _part(tokens: str, price: str) -> str:
    # Zero tokens cost zero even where the price is not stated (NULL); otherwise tokens x price.
    return f"CASE WHEN {tokens} = 0 THEN CAST(0 AS DECIMAL(18,6)) ELSE {tokens} * {price} END"


PRICED_CALLS_SQL = f"""SELECT c.ts, c.tenant, c.feature, c.provider, c.model,
       CAST(c.ts AS DATE) AS day, date_trunc('hour', c.ts) AS hour,
       c.input_tokens, c.cache_read_tokens, c.cache_write_tokens, c.output_tokens, c.reasoning_tokens,
       p.valid_from AS price_valid_from,
       {_part('(c.input_tokens - c.cache_read_tokens - c.cache_write_tokens)', 'p.input_usd_per_mtok')}
       + {_part('c.cache_read_tokens', 'p.cached_input_usd_per_mtok')}
       + {_part('c.cache_write_tokens', 'p.cache_write_usd_per_mtok')}
       + {_part('c.output_tokens', 'p.output_usd_per_mtok')} AS cost_micro_usd
FROM calls c
JOIN prices p ON c.provider = p.provider AND c.model = p.model
 AND (p.valid_from IS NULL OR CAST(c.ts AS DATE) >= p.valid_from)
 AND (p.valid_to IS NULL OR CAST(c.ts AS DATE) < p.valid_to)"""
"""Every call with its exact cost in micro-dollars (tokens x USD per million tokens), at the price
row in force on the call's date (``valid_from`` <= date < ``valid_to``; NULL bounds are open).

Reads two tables: ``calls`` (plain names, see ``calls_view_sql``) and ``prices`` (provider, model,
the four prices as DECIMAL(18,6) and the validity dates, see ``price_table``). The validator makes
sure every call has exactly one row in force, so the inner join drops nothing."""


UNPRICED_MODELS_SQL = """SELECT c.provider, c.model, COUNT(*) AS calls
FROM calls c
LEFT JOIN prices p ON c.provider = p.provider AND c.model = p.model
WHERE p.model IS NULL
GROUP BY c.provider, c.model
ORDER BY c.provider, c.model"""
"""(provider, model) pairs in the log that the price table does not have: the inner join of
``PRICED_CALLS_SQL`` would drop their calls, so an engine that does not run the DuckDB validator
(Spark) runs this first and refuses the log if it returns a row."""


# Casts that cannot fail, so the one-pass scan needs no guard for them (``usage_scan``).
_SAFE_SOURCES = {"BIGINT": ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"),
                 "TIMESTAMP": ("TIMESTAMP", "DATE", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S",
                               "TIMESTAMP WITH TIME ZONE"),
                 "VARCHAR": None}  # None: anything casts to text
USAGE_TABLE = "__call_usage"
USAGE_KEYS = ("tenant", "feature", "provider", "model", "day", "parts")


class UsageScan(NamedTuple):
    """What ``connect``'s one validating pass over a raw log also groups, so ``attribute`` need not re-read it.

    ``source``: what to scan (the Parquet file itself: the ``calls_raw`` view's row numbering made
    the pass about 1.5x dearer, and only the validator's look-ups need it). ``columns``: a SELECT
    list over it giving the costing's plain names (as ``calls_view_sql`` does, but with TRY_CAST, so
    a hostile cell the validator is about to refuse cannot raise mid-scan). ``keys`` and ``sums``:
    what the pass groups by and sums into ``table``; ``parts`` (the last key, a code below 16) is the
    4-bit code of which parts of a call have tokens, to which the validator adds its rule bits (16
    and up), so a clean log's ``parts`` is the code alone. ``uncast``: the key, if any, that is TRUE
    where a TRY_CAST gave NULL for a value the plain CAST would refuse: such a pre-aggregate is
    dropped and the log costed through ``calls``, as before.
    """

    source: str
    columns: list[str]
    keys: list[str]
    parts: str
    sums: list[str]
    table: str = USAGE_TABLE
    uncast: str | None = None


def usage_scan(types: Mapping[str, str], source: str = "calls_raw") -> UsageScan:
    """The one-pass pre-aggregate of a raw DuckDB log whose columns have these ``types`` (upper case).

    Grouped by every dimension ``aggregate_sql`` can group by but ``hour`` (``USAGE_KEYS``) and by
    which parts of a call have tokens (``parts``: the four flags ``aggregate_sql`` groups by), so
    pricing the pre-aggregate gives the raw log's totals exactly (sums of sums are sums).
    """
    casts = {calllog.COL_TIME: "TIMESTAMP", calllog.COL_TENANT: "VARCHAR", calllog.COL_FEATURE: "VARCHAR",
             calllog.COL_PROVIDER: "VARCHAR", calllog.COL_MODEL: "VARCHAR", calllog.COL_INPUT: "BIGINT",
             calllog.COL_CACHE_READ: "BIGINT", calllog.COL_OUTPUT: "BIGINT"}
    cols, guards, sums = [], [], ["COUNT(*) AS calls"]
    for src, plain in [*calllog.PLAIN_NAMES.items(), *calllog.OPTIONAL_PLAIN_NAMES.items()]:
        target = casts.get(src, "BIGINT")
        # An optional column the log lacks is zero, as in calls_view_sql; as a sum, a HUGEINT zero (what SUM of
        # a BIGINT gives), so the costing's result types are the raw log's.
        if src not in types:
            cols.append(f"CAST(0 AS BIGINT) AS {plain}")
            sums.append(f"CAST(0 AS HUGEINT) AS {plain}")
            continue
        value = calllog._q(src) if types[src] == target else f"TRY_CAST({calllog._q(src)} AS {target})"
        cols.append(f"COALESCE({value}, 0) AS {plain}" if src in calllog.OPTIONAL_PLAIN_NAMES else f"{value} AS {plain}")
        if plain.endswith("_tokens"):
            sums.append(f"SUM({plain}) AS {plain}")
        safe = _SAFE_SOURCES[target]
        if safe is not None and types[src] not in safe:
            guards.append(f"({calllog._q(src)} IS NOT NULL AND {value} IS NULL)")
    # Whether the call has fresh input (input - cached reads - cache writes > 0), without the BIGINT
    # subtraction, which could overflow and raise on a hostile row the validator is about to refuse.
    # Every count of a row that passes is at most MAX_TOKENS_PER_CALL, exact as a DOUBLE, as are their sums.
    fresh = ("input_tokens > cache_read_tokens" if calllog.COL_CACHE_WRITE not in types else
             "CAST(input_tokens AS DOUBLE) > CAST(cache_read_tokens AS DOUBLE) + CAST(cache_write_tokens AS DOUBLE)")
    parts = (f"(CASE WHEN {fresh} THEN 1 ELSE 0 END) + (CASE WHEN cache_read_tokens > 0 THEN 2 ELSE 0 END)"
             " + (CASE WHEN cache_write_tokens > 0 THEN 4 ELSE 0 END) + (CASE WHEN output_tokens > 0 THEN 8 ELSE 0 END)")
    # By day, not hour: on the 10 M-call log the hour made 41,040 groups and the pass 1.6x dearer
    # than by day (1,710); ``attribute`` by hour reads the log instead.
    keys = ["tenant", "feature", "provider", "model", "CAST(ts AS DATE) AS day"]
    uncast = None
    if guards:
        cols.append(f"({' OR '.join(guards)}) AS __uncast")
        keys.append("__uncast")
        uncast = "__uncast"
    return UsageScan(source, cols, keys, parts, sums, uncast=uncast)


_TOKEN_SUMS = ("input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens")


def aggregate_sql(dimensions: Sequence[str] = (), usage: str | None = None) -> str:
    """Calls, tokens and exact cost grouped by any of ``DIMENSIONS`` (none: one row of totals).

    From the ``calls`` view (every engine), or with ``usage`` from a pre-aggregate of ``usage_scan``'s
    shape (DuckDB, built by ``connect`` in its validating pass; not for ``hour``, which it lacks):
    the same groups, the same sums.

    Why tokens are summed before they are priced: one price applies to every call of a
    (provider, model), so the sum of tokens x price equals price x the sum of tokens, exactly, and
    the join and the DECIMAL arithmetic then run once per group instead of once per call (about
    twice as fast on DuckDB at 10 M calls; far more on Spark, whose wide decimals are slow). The
    per-call rule is kept: calls are also grouped by which of their three parts have tokens, so a
    part with tokens and no price leaves exactly those calls unpriced, as ``PRICED_CALLS_SQL`` and
    ``call_cost_usd`` do call by call.
    """
    bad = [d for d in dimensions if d not in DIMENSIONS]
    if bad:
        raise ValueError(f"unknown dimensions {bad}; choose from {DIMENSIONS}")
    if usage is not None and not set(dimensions) <= set(USAGE_KEYS):
        raise ValueError(f"the pre-aggregate {usage} has no {sorted(set(dimensions) - set(USAGE_KEYS))}: cost the calls view")
    dims = ", ".join(dimensions)
    select_dims = f"{dims},\n       " if dims else ""
    group = f"\nGROUP BY {dims}\nORDER BY {dims}" if dims else ""
    fresh = "input_tokens - cache_read_tokens - cache_write_tokens"
    cost = (f"{_part('u.fresh_tokens', 'p.input_usd_per_mtok')}\n"
            f"       + {_part('u.cache_read_tokens', 'p.cached_input_usd_per_mtok')}\n"
            f"       + {_part('u.cache_write_tokens', 'p.cache_write_usd_per_mtok')}\n"
            f"       + {_part('u.output_tokens', 'p.output_usd_per_mtok')}")
    # Grouped by day too, whatever the dimensions: a price holds from a date, so every group must
    # fall inside one price row's validity for the sum of tokens x price to stay exact.
    usage_keys = ", ".join([*dimensions, *(k for k in ("provider", "model", "day") if k not in dimensions)])
    if usage is None:
        head = (f"WITH dated AS (\n"
                f"SELECT c.*, CAST(c.ts AS DATE) AS day, date_trunc('hour', c.ts) AS hour FROM calls c\n"
                f"), usage AS (\n"
                f"SELECT {usage_keys}, COUNT(*) AS calls, SUM(input_tokens) AS input_tokens,\n"
                f"       SUM(cache_read_tokens) AS cache_read_tokens, SUM(cache_write_tokens) AS cache_write_tokens,\n"
                f"       SUM(output_tokens) AS output_tokens, SUM(reasoning_tokens) AS reasoning_tokens,\n"
                f"       SUM({fresh}) AS fresh_tokens\n"
                f"FROM dated\n"
                f"GROUP BY {usage_keys}, {fresh} > 0, cache_read_tokens > 0, cache_write_tokens > 0, output_tokens > 0\n")
    else:  # the same groups from the pre-aggregate: its ``parts`` code stands for the four flags
        head = (f"WITH dated AS (\n"
                f"SELECT u.* FROM {usage} u\n"
                f"), usage AS (\n"
                f"SELECT {usage_keys}, " + ", ".join(f"SUM({c}) AS {c}" for c in ("calls", *_TOKEN_SUMS))
                # Exact: integer sums, so the sum of (input - reads - writes) is the difference of the sums.
                + ",\n       SUM(input_tokens) - SUM(cache_read_tokens) - SUM(cache_write_tokens) AS fresh_tokens"
                + f"\nFROM dated\nGROUP BY {usage_keys}, parts\n")
    return (head +
            f"), priced AS (\n"
            f"SELECT u.*,\n       {cost} AS cost_micro_usd\n"
            f"FROM usage u\n"
            f"JOIN prices p ON u.provider = p.provider AND u.model = p.model\n"
            f" AND (p.valid_from IS NULL OR u.day >= p.valid_from)\n"
            f" AND (p.valid_to IS NULL OR u.day < p.valid_to)\n"
            f")\n"
            f"SELECT {select_dims}SUM(calls) AS calls, SUM(input_tokens) AS input_tokens,\n"
            f"       SUM(cache_read_tokens) AS cache_read_tokens, SUM(cache_write_tokens) AS cache_write_tokens,\n"
            f"       SUM(output_tokens) AS output_tokens, SUM(reasoning_tokens) AS reasoning_tokens,\n"
            f"       SUM(cost_micro_usd) AS cost_micro_usd,\n"
            f"       SUM(CASE WHEN cost_micro_usd IS NULL THEN calls ELSE 0 END) AS unpriced_calls\n"
            f"FROM priced{group}")
