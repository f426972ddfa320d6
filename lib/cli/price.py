"""``price``: one request priced on every model of a price file, cheapest first.

The counts are taken in the OpenTelemetry GenAI convention (the ``otel-genai`` row of
``billing_rules.csv``), the same for every model: ``--input-tokens`` INCLUDES the cached and the
cache-write tokens and ``--output-tokens`` INCLUDES the reasoning tokens. Each model is then billed
by ``lib.prices.billing.bill_api_row`` under its own provider's rules (how its cache, batch, long
context and reasoning bill), so one request is compared fairly across providers that report
usage differently. A model that cannot bill the request (no batch price, no cached-read price, a
tier it does not list) is listed with the reason, after the priced ones: never as zero.
"""

from __future__ import annotations

import argparse
from decimal import Decimal

import pandas as pd

from lib.cli import inputs
from lib.cli.helptext import help_text
from lib.cli.exits import DATA_ERROR, OK, CliError
from lib.cli.output import csv_text, text_table, write_text
from lib.prices.billing import STANDARD_TIER, BillingError, Usage, bill_api_row, rules_for

REPORTED_BY = "OpenTelemetry GenAI"  # the provider name of the otel-genai row of billing_rules.csv
CSV_COLUMNS = ["provider", "model", "price_id", "cost_usd", "input_usd", "cache_read_usd", "cache_write_usd",
               "output_usd", "fees_usd", "note", "unpriced_reason"]
# Bill line items (lib.prices.billing.bill) summed into each CSV column.
PARTS = {"input_usd": ("input", "input above threshold"), "cache_read_usd": ("cache read",),
         "cache_write_usd": ("cache write 5m", "cache write 1h"), "output_usd": ("output",),
         "fees_usd": ("web search", "request")}


def count(text: str) -> int:
    """argparse ``type=``: a whole, non-negative number of tokens."""
    t = text.strip().replace("_", "")
    if not t.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole, non-negative number of tokens")
    return int(t)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("price", help="price one request on every model of a price file, cheapest first",
                       description=help_text(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input-tokens", type=count, metavar="N", required=True,
                   help="prompt tokens, INCLUDING cached and cache-write tokens")
    p.add_argument("--output-tokens", type=count, metavar="N", required=True, help="completion tokens, INCLUDING reasoning")
    p.add_argument("--cached-input-tokens", type=count, metavar="N", default=0, help="the part of the input read from the cache")
    p.add_argument("--cache-write-tokens", type=count, metavar="N", default=0,
                   help="the part of the input written to the cache (5-minute write)")
    p.add_argument("--cache-write-1h-tokens", type=count, metavar="N", default=0,
                   help="the part of the input written to the cache for an hour (Anthropic)")
    p.add_argument("--reasoning-tokens", type=count, metavar="N", default=0, help="the part of the output spent reasoning")
    p.add_argument("--web-searches", type=count, metavar="N", default=0, help="web searches the request made")
    p.add_argument("--batch", action="store_true", help="sent through the provider's batch API")
    p.add_argument("--tier", default=STANDARD_TIER, help="service tier (default: standard)")
    p.add_argument("--prices", metavar="FILE", help="a price file of the api_prices.csv schema (default: the guide's "
                                    "data/api_prices.csv); e.g. a snapshot in data/snapshots/")
    p.add_argument("--all-rows", action="store_true",
                   help="price every row, also the alternative quotes the book does not use")
    p.add_argument("--top", type=count, metavar="N", help="show only the N cheapest models")
    p.add_argument("--data-dir", metavar="FOLDER", help="where billing_rules.csv (and the default prices) are")
    p.add_argument("--csv", action="store_true", help="write CSV instead of a table")
    p.add_argument("--out", metavar="FILE", help="write to this file (CSV) instead of stdout")
    p.set_defaults(run=run)


def usage_of(args: argparse.Namespace) -> Usage:
    try:
        return Usage(input=args.input_tokens, output=args.output_tokens, cache_read=args.cached_input_tokens,
                     cache_write_5m=args.cache_write_tokens, cache_write_1h=args.cache_write_1h_tokens,
                     reasoning=args.reasoning_tokens, web_searches=args.web_searches, batch=args.batch,
                     tier=args.tier)
    except BillingError as err:
        raise CliError(f"the request: {err}", DATA_ERROR) from None


def price_every_model(usage: Usage, prices: pd.DataFrame, rules: pd.DataFrame, *, all_rows: bool = False
                      ) -> pd.DataFrame:
    """One row per model (CSV_COLUMNS): priced rows by cost then provider and model, unpriced ones after."""
    reporting = rules_for(rules, REPORTED_BY)
    rows = prices if all_rows else prices[prices["book_uses"].astype(bool)]
    priced, unpriced = [], []
    for _, row in rows.iterrows():
        base = {"provider": row["provider"], "model": row["model"], "price_id": row["price_id"]}
        try:
            b = bill_api_row(usage, row, rules, reported_by=reporting)
        except BillingError as err:
            unpriced.append({**base, "unpriced_reason": str(err)})
            continue
        parts = {col: sum((b.usd(item) for item in items), Decimal(0)) for col, items in PARTS.items()}
        notes = sorted({ln.note for ln in b.lines if ln.note})
        priced.append({**base, "cost_usd": b.total, **parts, "note": "; ".join(notes)})
    priced.sort(key=lambda r: (r["cost_usd"], r["provider"], r["model"], r["price_id"]))
    unpriced.sort(key=lambda r: (r["provider"], r["model"], r["price_id"]))
    return pd.DataFrame(priced + unpriced, columns=CSV_COLUMNS).astype(object).where(lambda f: f.notna(), None)


def run(args: argparse.Namespace) -> int:
    usage = usage_of(args)
    data = inputs.data_folder(args.data_dir)
    path = inputs.user_path(args.prices, "the prices (--prices)") if args.prices else \
        inputs.user_path(data / "api_prices.csv", "the guide's prices")
    table = price_every_model(usage, inputs.price_list(path), inputs.billing_rules(data), all_rows=args.all_rows)
    if not table["cost_usd"].notna().any():
        raise CliError(f"{path}: no model can bill this request; first reason: {table['unpriced_reason'].iloc[0]}",
                       DATA_ERROR)
    if args.top is not None:
        table = table[table["cost_usd"].notna()].head(args.top)
    if args.csv or args.out:
        if write_text(csv_text(table), args.out) is not None:
            print(f"priced on {int(table['cost_usd'].notna().sum())} of {len(table)} models; wrote {args.out}")
    else:
        priced = table[table["cost_usd"].notna()]
        text = text_table(priced[["provider", "model", "cost_usd", "note"]], right=("cost_usd",))
        if len(priced) < len(table):
            text += (f"{len(table) - len(priced)} more model(s) cannot bill this request (a price it needs is not "
                     "stated); --csv lists each with its reason\n")
        elif args.top is not None:
            text += f"the {len(priced)} cheapest shown (--top {args.top})\n"
        write_text(text, None)
    return OK
