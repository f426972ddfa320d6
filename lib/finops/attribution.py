"""What each tenant and feature cost: portable costing SQL, a per-call reference, cluster allocation,
showback and chargeback.

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

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from lib.finops import calllog, logread

PRICE_QUANTUM = Decimal("0.000001")  # prices are held to a millionth of a dollar per million tokens
MICRO = Decimal(1_000_000)
CENT = Decimal("0.01")
PRICE_COLUMNS = ("input_usd_per_mtok", "cached_input_usd_per_mtok", "cache_write_usd_per_mtok", "output_usd_per_mtok")
CURRENCY = "USD"
# The cost attributes written back onto a log. They are from an OPEN PROPOSAL to the OpenTelemetry
# GenAI semantic conventions, not (yet) part of them: the names may change before they are adopted.
COST_AMOUNT = "gen_ai.usage.cost.amount"
COST_CURRENCY = "gen_ai.usage.cost.currency"
COST_SOURCE = "gen_ai.usage.cost.source"
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


def _cache_write_rule(rules: pd.DataFrame | None, provider: str, model: str) -> bool | None:
    """The provider's ``cache_write_billed_as_input`` (None: the book has no rule for it)."""
    if rules is None:
        return None
    from lib.prices.billing import BillingError, rules_for  # late: lib.prices imports nothing from here
    try:
        return bool(rules_for(rules, provider, model).cache_write_billed_as_input)
    except BillingError:
        return None


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
    for bp, model, inp, w in zip(out["book_provider"], out["model"], out["input_usd_per_mtok"], stated):
        d = to_price(w)
        if d is not None:
            writes.append(str(d))
            basis.append("stated 5-minute cache-write price")
        elif _cache_write_rule(rules, bp, model):
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


def aggregate_sql(dimensions: Sequence[str] = ()) -> str:
    """Calls, tokens and exact cost grouped by any of ``DIMENSIONS`` (none: one row of totals).

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
    return (f"WITH dated AS (\n"
            f"SELECT c.*, CAST(c.ts AS DATE) AS day, date_trunc('hour', c.ts) AS hour FROM calls c\n"
            f"), usage AS (\n"
            f"SELECT {usage_keys}, COUNT(*) AS calls, SUM(input_tokens) AS input_tokens,\n"
            f"       SUM(cache_read_tokens) AS cache_read_tokens, SUM(cache_write_tokens) AS cache_write_tokens,\n"
            f"       SUM(output_tokens) AS output_tokens, SUM(reasoning_tokens) AS reasoning_tokens,\n"
            f"       SUM({fresh}) AS fresh_tokens\n"
            f"FROM dated\n"
            f"GROUP BY {usage_keys}, {fresh} > 0, cache_read_tokens > 0, cache_write_tokens > 0, output_tokens > 0\n"
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


# ---------------------------------------------------------------------------------------------
# Running it on DuckDB
# ---------------------------------------------------------------------------------------------
def connect(call_log: str | Path, prices: pd.DataFrame, rules: pd.DataFrame | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the validated log as ``calls`` and the book's prices as ``prices``.

    ``prices`` is an ``api_prices`` frame or a price history (``lib.prices.history``); with a
    history each call is costed at the price in force on its date.

    The Parquet file is read in place on every query (nothing is loaded up front). A malformed log
    raises ``DataValidationError`` naming file, row, column and reason.
    """
    con = duckdb.connect()
    # No progress bar: in a notebook it becomes a widget output, and outputs must be deterministic.
    con.execute("SET enable_progress_bar = false")
    table = price_table(prices, rules)
    columns = calllog.register_raw_log(con, call_log)
    calllog.validate_call_log(con, call_log, table)
    con.register("__prices_text", table)
    con.execute(f"CREATE TABLE prices AS {prices_view_sql('__prices_text')}")
    con.unregister("__prices_text")
    optional = [c for c in calllog.OPTIONAL_COLUMNS if c in columns]
    con.execute(f"CREATE VIEW calls AS {calls_view_sql('calls_raw', optional=optional)}")
    return con


def attribute(con: duckdb.DuckDBPyConnection, dimensions: Sequence[str] = ()) -> pd.DataFrame:
    """``aggregate_sql`` run on ``con``: one row per group with ``cost_usd_exact`` (Decimal) and ``cost_usd`` (float)."""
    cur = con.execute(aggregate_sql(dimensions))
    return results_frame([d[0] for d in cur.description], cur.fetchall())


def results_frame(names: Sequence[str], rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    """``aggregate_sql``'s result rows, from any engine, as ``attribute`` returns them.

    The micro-dollar sums arrive as exact decimals (DuckDB and Spark both return Python ``Decimal``
    for a DECIMAL column), so the USD figures are exact whichever engine ran the SQL.
    """
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(names))
    exact = [Decimal(0) if v is None else Decimal(v) / MICRO for v in frame["cost_micro_usd"]]
    frame["cost_usd_exact"] = exact
    frame["cost_usd"] = [float(v) for v in exact]
    for col in ("calls", "input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens",
                "unpriced_calls"):
        frame[col] = calllog.exact_counts(frame[col])  # int64 where every sum fits, exact ints otherwise
    return frame.drop(columns="cost_micro_usd")


def per_call_costs(con: duckdb.DuckDBPyConnection, where: str | None = None,
                   columns: Sequence[str] = ("ts", "day", "tenant", "feature")) -> pd.DataFrame:
    """Every call's ``columns`` and its cost (float USD; NaN if unpriced), in time order.

    Calls at the same microsecond are ordered by every other field, so the order is total and
    a guardrail replayed over it gives the same answer every run.
    """
    filt = f"WHERE {where}" if where else ""
    cur = con.execute(f"WITH priced AS ({PRICED_CALLS_SQL}) SELECT {', '.join(columns)}, "
                      f"CAST(cost_micro_usd AS DOUBLE) / 1000000 AS cost_usd FROM priced {filt} "
                      f"ORDER BY ts, tenant, feature, provider, model, input_tokens, cache_read_tokens, output_tokens")
    return cur.df()


# ---------------------------------------------------------------------------------------------
# A shared self-hosted cluster: token share blended with peak share
# ---------------------------------------------------------------------------------------------
def peak_shares(hourly: pd.DataFrame, *, quantile: float = 0.95, who: str = "tenant", hour: str = "hour",
                load: str = "tokens") -> pd.Series:
    """Each tenant's share of the load in the peak hours: those whose total load is at or above the
    ``quantile`` of hourly totals. Those are the hours a cluster must be sized for."""
    if not 0 <= quantile <= 1:
        raise ValueError("quantile must be within [0, 1]")
    totals = hourly.groupby(hour)[load].sum()
    peak_hours = totals.index[totals >= totals.quantile(quantile)]
    in_peak = hourly[hourly[hour].isin(peak_hours)].groupby(who)[load].sum()
    return (in_peak / in_peak.sum()).reindex(hourly[who].unique(), fill_value=0.0).rename("peak_share")


def blended_shares(token_share: np.ndarray | pd.Series, peak_share: np.ndarray | pd.Series,
                   token_weight: float = 0.7) -> np.ndarray:
    """``token_weight`` x token share + the rest x peak share. Both inputs sum to one, so the blend does too."""
    if not 0 <= token_weight <= 1:
        raise ValueError("token_weight must be within [0, 1]")
    return token_weight * np.asarray(token_share, dtype=float) + (1 - token_weight) * np.asarray(peak_share, dtype=float)


def allocate_shared_cluster(hourly: pd.DataFrame, monthly_cost_usd: float, *, token_weight: float = 0.7,
                            quantile: float = 0.95) -> pd.DataFrame:
    """Split a shared cluster's monthly cost among tenants, by tokens alone and by the token/peak blend.

    ``hourly`` has tenant, hour and tokens. Returns one row per tenant (largest first) with its
    token share, peak share, blended share, the USD each rule charges it and the difference.
    """
    tokens = hourly.groupby("tenant")["tokens"].sum()
    frame = pd.DataFrame({"tokens": tokens, "token_share": tokens / tokens.sum()})
    frame["peak_share"] = peak_shares(hourly, quantile=quantile).reindex(frame.index, fill_value=0.0)
    frame["blended_share"] = blended_shares(frame["token_share"], frame["peak_share"], token_weight)
    frame["usd_by_tokens"] = frame["token_share"] * monthly_cost_usd
    frame["usd_blended"] = frame["blended_share"] * monthly_cost_usd
    frame["usd_difference"] = frame["usd_blended"] - frame["usd_by_tokens"]
    return frame.reset_index().sort_values(["tokens", "tenant"], ascending=[False, True], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Showback and chargeback: the same costs, as information and as an invoice
# ---------------------------------------------------------------------------------------------
def showback(costs: pd.DataFrame, who: str = "tenant") -> pd.DataFrame:
    """Cost per ``who`` with its share of the total: information, nobody is billed, precision to taste."""
    by = costs.groupby(who, sort=False)["cost_usd_exact"].sum()
    total = sum(by, Decimal(0))
    out = pd.DataFrame({who: by.index, "cost_usd": [float(v) for v in by],
                        "share": [float(v / total) if total else 0.0 for v in by]})
    return out.sort_values(["cost_usd", who], ascending=[False, True], kind="stable").reset_index(drop=True)


def round_cents(amount: Decimal) -> Decimal:
    """Half-up to the cent, as an invoice line is."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def chargeback_invoice(costs: pd.DataFrame, markup: float | str | Decimal = 1, *,
                       lines: Sequence[str] = ("tenant", "feature")) -> pd.DataFrame:
    """Invoice lines: exact cost x markup, each line rounded to the cent; unpriced calls block the invoice.

    What changes from showback: every call must be priced (an invoice cannot carry "unknown"),
    amounts are rounded per line (so the tenant's total is the sum of rounded lines, which may
    differ from the rounded exact total by a few cents), and the markup turns cost into price.
    """
    if "unpriced_calls" in costs.columns and int(costs["unpriced_calls"].sum()) > 0:
        raise ValueError(f"{int(costs['unpriced_calls'].sum()):,} calls have no price: an invoice cannot bill them")
    m = Decimal(str(markup))
    if m < 0:
        raise ValueError("markup must be >= 0")
    grouped = costs.groupby(list(lines), sort=True)["cost_usd_exact"].sum()
    out = grouped.reset_index()
    out["billed_usd"] = [round_cents(v * m) for v in grouped]
    out["rounding_usd"] = [b - v * m for b, v in zip(out["billed_usd"], grouped)]
    return out


# ---------------------------------------------------------------------------------------------
# Cost written back onto telemetry
# ---------------------------------------------------------------------------------------------
COST_COLUMNS = (COST_AMOUNT, COST_CURRENCY, COST_SOURCE)


def write_costed_log(in_path: str | Path, out_path: str | Path, prices: pd.DataFrame, *,
                     rules: pd.DataFrame | None = None, source: str | None = None) -> dict[str, int]:
    """Copy a call log to ``out_path`` (Parquet) with each call's cost in three added columns.

    ``gen_ai.usage.cost.amount`` (USD, a double: the exact decimal cost rounded once),
    ``gen_ai.usage.cost.currency`` (``USD``) and ``gen_ai.usage.cost.source`` (which price list,
    and from which date the price row held). These three names come from an OPEN PROPOSAL to the
    OpenTelemetry GenAI semantic conventions; they are not (yet) part of the conventions and may
    be renamed. Columns of those names already in the log are replaced.

    The input is validated first (``connect``): negative or fractional tokens, cached reads and
    writes above the input, reasoning above the output, a model with no price, a call dated
    before its model's price history starts, or a negative price stop the write with an error
    naming file, row, column and reason. A call that needs a price the table leaves blank gets no
    amount (NULL) and a source saying so: never a zero. Rows keep their order and every other column.
    Returns the number of rows written and of unpriced rows.
    """
    out = Path(out_path)
    if out.suffix.lower() != ".parquet":
        raise ValueError(f"{out}: the costed log is written as Parquet (.parquet)")
    con = connect(in_path, prices, rules)
    label = source or f"book prices ({Path(prices.attrs.get('source_file', 'price table')).name})"
    priced = PRICED_CALLS_SQL.replace("SELECT c.ts,", "SELECT c.__row, c.ts,", 1)
    columns = [r[0] for r in con.execute("DESCRIBE calls_raw").fetchall()]
    optional = [c for c in calllog.OPTIONAL_COLUMNS if c in columns]
    con.execute(f"CREATE OR REPLACE VIEW calls AS {calls_view_sql('calls_raw', optional=optional, passthrough=['__row'])}")
    # DuckDB's Parquet reader adds ``file_row_number`` (the row numbering); it is not the log's column.
    added = {"__row"} | ({"file_row_number"} if Path(in_path).suffix.lower() == ".parquet" else set())
    keep = ", ".join(f"r.{calllog._q(c)}" for c in columns if c not in added and c not in COST_COLUMNS)
    lit = label.replace("'", "''")
    query = (f"WITH priced AS ({priced})\n"
             f"SELECT {keep},\n"
             f"  CAST(p.cost_micro_usd AS DOUBLE) / 1000000 AS {calllog._q(COST_AMOUNT)},\n"
             f"  CASE WHEN p.cost_micro_usd IS NULL THEN NULL ELSE '{CURRENCY}' END AS {calllog._q(COST_CURRENCY)},\n"
             f"  CASE WHEN p.cost_micro_usd IS NULL THEN 'unpriced: {lit} states no price for a part of this call'\n"
             f"       WHEN p.price_valid_from IS NULL THEN '{lit}'\n"
             f"       ELSE '{lit}, price valid from ' || CAST(p.price_valid_from AS VARCHAR) END AS {calllog._q(COST_SOURCE)}\n"
             f"FROM calls_raw r JOIN priced p ON r.__row = p.__row ORDER BY r.__row")
    with logread.read_errors(in_path, "while costing it"):  # a corrupt page in a column the validator skips
        table, n_in = con.sql(query).to_arrow_table(), con.execute("SELECT COUNT(*) FROM calls_raw").fetchall()[0][0]
    if table.num_rows != n_in:  # the validator guarantees one price row per call; never drop a call silently
        raise ValueError(f"{in_path}: {n_in - table.num_rows} calls found no price row in force")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(out)
    unpriced = int(table.column(COST_AMOUNT).null_count)
    return {"rows": int(table.num_rows), "unpriced": unpriced}
