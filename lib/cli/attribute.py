"""``attribute``: what a call log cost, grouped by any of its dimensions, at the prices of each call's day.

The log is the OpenTelemetry-shaped call log ``lib.finops.calllog`` documents (CSV or Parquet).
It is validated on DuckDB first (``attribution.connect``: a malformed cell is refused with its file,
row, column and reason), then costed by the library's one costing SQL on DuckDB or, with
``--engine spark``, on a local Spark session running the same SQL. Totals are exact decimals on
both engines. The CSV written has one row per group, with units in its column names.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import pandas as pd

from lib.cli import inputs
from lib.cli.helptext import help_text
from lib.cli.exits import OK, UNAVAILABLE, USAGE, CliError
from lib.cli.output import csv_text, decimal_text, write_text
from lib.finops import attribution, calllog

ENGINES = ("duckdb", "spark")  # lib.finops.engines.ENGINES; named here so --help needs no pyspark import
# The log's OpenTelemetry names are accepted for the dimensions they are.
ALIASES = {calllog.COL_PROVIDER: "provider", calllog.COL_MODEL: "model", calllog.COL_TENANT: "tenant",
           calllog.COL_FEATURE: "feature"}
COUNT_COLUMNS = ("calls", "input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens",
                 "reasoning_tokens", "unpriced_calls")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("attribute", help="attribute a call log's cost by any dimensions (DuckDB or Spark)",
                       description=help_text(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("log", help="the call log, .csv or .parquet")
    p.add_argument("--by", default="tenant,feature", metavar="DIMS",
                   help=f"comma-separated dimensions, any of {', '.join(attribution.DIMENSIONS)} "
                        "(default: tenant,feature; empty: one row of totals)")
    p.add_argument("--prices", metavar="FILE_OR_FOLDER", help="a price history (with valid_from), a price list of the api_prices.csv "
                                    "schema, or a folder of feed snapshots (default: data/price_history.csv)")
    p.add_argument("--engine", default="duckdb", metavar="ENGINE", help=f"one of {', '.join(ENGINES)} (default: duckdb)")
    p.add_argument("--out", metavar="FILE", help="write the CSV here (default: stdout, with the summary on stderr)")
    p.add_argument("--data-dir", metavar="FOLDER", help="where billing_rules.csv and the default prices are")
    p.set_defaults(run=run)


def dimensions(text: str) -> list[str]:
    """``--by``'s names as the costing SQL's dimensions; an unknown one is a usage error naming it."""
    names = [ALIASES.get(n.strip(), n.strip()) for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in attribution.DIMENSIONS]
    if unknown:
        raise CliError(f"--by: unknown dimension {', '.join(map(repr, unknown))}; choose from "
                       f"{', '.join(attribution.DIMENSIONS)}", USAGE)
    if len(set(names)) != len(names):
        raise CliError(f"--by: a dimension is named twice ({text})", USAGE)
    return names


def attribute_log(log: Path, prices: pd.DataFrame, rules: pd.DataFrame, dims: list[str], engine: str
                  ) -> pd.DataFrame:
    """``attribution.attribute``'s frame for the log, on ``engine``; the log is validated on DuckDB either way."""
    con = attribution.connect(log, prices, rules)
    if engine == "duckdb":
        return attribution.attribute(con, dims)
    import warnings

    # PySpark 4.3 warns that pandas 3 is not fully supported; this path converts no frame (engines.py).
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
    from lib.finops import engines  # late: pyspark and its JVM only when asked for

    with tempfile.TemporaryDirectory(prefix="attribute-") as tmp:
        parquet = log
        if log.suffix.lower() != ".parquet":
            # Spark reads Parquet; the CSV DuckDB just validated goes across typed, under its own column names.
            parquet = Path(tmp) / "calls.parquet"
            names = {**calllog.PLAIN_NAMES, **calllog.OPTIONAL_PLAIN_NAMES}
            cols = ", ".join(f'{plain} AS "{otel}"' for otel, plain in names.items())  # no quote in these names
            target = str(parquet).replace("'", "''")
            con.execute(f"COPY (SELECT {cols} FROM calls) TO '{target}' (FORMAT parquet)")
        spark = engines.spark_session(master="local[*]")
        try:
            engines.register_spark(spark, parquet, prices, rules)
            return engines.attribute_spark(spark, dims)
        finally:
            spark.stop()


def check_spark() -> None:
    """Refuse --engine spark before any work when pyspark or a Java runtime is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise CliError("--engine spark needs pyspark: pip install 'inference-cost-book[spark]' (and a Java 17 "
                       "runtime)", UNAVAILABLE) from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise CliError("--engine spark needs a Java runtime (Java 17): none on PATH and no JAVA_HOME", UNAVAILABLE)


def costs_csv(frame: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """The result with units in its column names and the exact cost as decimal text."""
    out = pd.DataFrame({d: [str(v) for v in frame[d]] for d in dims})
    for col in COUNT_COLUMNS:
        out[col] = frame[col].to_numpy()
    out["cost_usd"] = [decimal_text(v) for v in frame["cost_usd_exact"]]
    return out


def run(args: argparse.Namespace) -> int:
    dims = dimensions(args.by)
    if args.engine not in ENGINES:
        raise CliError(f"--engine: unknown engine {args.engine!r}; choose from {', '.join(ENGINES)}", USAGE)
    if args.engine == "spark":
        check_spark()
    inputs.user_path(args.log, "the call log")
    log = Path(args.log)  # as typed (relative to the working directory), so its errors name it as the user does
    data = inputs.data_folder(args.data_dir)
    prices, label = inputs.dated_prices(args.prices, data)
    frame = attribute_log(log, prices, inputs.billing_rules(data), dims, args.engine)
    out = costs_csv(frame, dims)
    written = write_text(csv_text(out), args.out)
    total = sum(frame["cost_usd_exact"], Decimal(0))
    calls, unpriced = int(frame["calls"].sum()), int(frame["unpriced_calls"].sum())
    summary = (f"{calls:,} calls, {decimal_text(total)} USD in all ({unpriced:,} unpriced), "
               f"by {', '.join(dims) or 'nothing (totals)'}, on {args.engine}, at {label}")
    if written is not None:
        print(f"{summary}; wrote {len(out)} rows to {args.out}")
    else:
        print(summary, file=sys.stderr)
    return OK
