"""The same cost attribution on more than one engine: DuckDB on one machine, Apache Spark past it.

    attribute_on("duckdb", log, prices, ["tenant", "feature"])   # the default path (attribution.connect)
    attribute_on("spark", log, prices, ["tenant", "feature"])    # a SparkSession (local here, a cluster in production)

The SQL is written once, in ``lib.finops.attribution``: ``calls_view_sql`` (the only dialect
difference, the identifier quote), ``prices_view_sql``, ``aggregate_sql`` (``PRICED_CALLS_SQL`` per call).
Each engine only registers two inputs under the names that SQL reads (the raw log and the price
table) and runs the very same strings. Cost columns are DECIMAL in both engines, so the totals are
exact and equal to the last digit, not merely close.

What the Spark path does not do: the DuckDB validator (``calllog.validate_call_log``), which
names the file, row and column of a malformed cell, is DuckDB code. On Spark the log is assumed
to be the kind of file that validator passes (a typed Parquet export); the one check that would
otherwise change a total silently, a call whose model has no price row (the inner join would drop
it), runs on Spark too (``attribution.UNPRICED_MODELS_SQL``) and refuses the log, and so does the
token ceiling (``logrules.OVER_CEILING_SQL``): a count above ``MAX_TOKENS_PER_CALL`` is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from lib.finops import attribution, calllog, logrules

if TYPE_CHECKING:  # pyspark is imported only when the Spark path is asked for (its JVM start is slow)
    from pyspark.sql import SparkSession

ENGINES = ("duckdb", "spark")

# Local Spark on a small machine: no web UI, few shuffle partitions (the default 200 would make
# 200 tiny tasks for a GROUP BY of a few dozen rows), UTC so CAST(ts AS DATE) and the hour match DuckDB.
SPARK_CONF = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
    # Exactness is the point: an overflowing DECIMAL sum must fail, never turn into NULL.
    "spark.sql.ansi.enabled": "true",
}


def spark_session(master: str = "local[*]", app_name: str = "book-finops", driver_memory: str = "2g") -> SparkSession:
    """A local SparkSession (or the one already running in this process)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName(app_name).config("spark.driver.memory", driver_memory)
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _spark_prices(spark: SparkSession, prices: pd.DataFrame, rules: pd.DataFrame | None = None) -> Any:
    """The price table as a Spark DataFrame built from plain Python rows (no pandas -> Spark conversion).

    The prices travel as the exact six-place strings ``price_table`` makes; ``prices_view_sql``
    casts them to DECIMAL(18,6) in Spark exactly as it does in DuckDB.
    """
    from pyspark.sql.types import StringType, StructField, StructType

    table = attribution.price_table(prices, rules)
    # Validity dates travel as ISO strings too; prices_view_sql casts them to DATE in either engine.
    columns = ["provider", "book_provider", "model", *attribution.PRICE_COLUMNS, "valid_from", "valid_to"]
    schema = StructType([StructField(c, StringType(), nullable=True) for c in columns])
    rows = [tuple(None if v is None or (isinstance(v, float) and v != v) else str(v) for v in r)
            for r in table[columns].itertuples(index=False, name=None)]
    return spark.createDataFrame(rows, schema)


def register_spark(spark: SparkSession, call_log_path: str | Path, prices: pd.DataFrame,
                   rules: pd.DataFrame | None = None) -> None:
    """Temp views ``calls`` and ``prices`` in ``spark``, built by the same SQL as the DuckDB path."""
    path = Path(call_log_path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: the call log does not exist")
    if path.suffix.lower() != ".parquet":
        raise ValueError(f"{path}: the Spark path reads Parquet call logs")
    raw = spark.read.parquet(str(path))
    raw.createOrReplaceTempView("calls_raw")
    _spark_prices(spark, prices, rules).createOrReplaceTempView("prices_text")
    spark.sql(attribution.prices_view_sql("prices_text")).createOrReplaceTempView("prices")
    optional = [c for c in calllog.OPTIONAL_COLUMNS if c in raw.columns]
    spark.sql(attribution.calls_view_sql("calls_raw", quote="`", optional=optional)).createOrReplaceTempView("calls")


def attribute_spark(spark: SparkSession, dimensions: Sequence[str] = (), *, check_models: bool = True) -> pd.DataFrame:
    """``aggregate_sql(dimensions)`` on the views ``register_spark`` made, as ``attribution.attribute`` returns it."""
    if check_models:
        unknown = spark.sql(attribution.UNPRICED_MODELS_SQL).collect()
        if unknown:
            listed = ", ".join(f"{r['provider']}/{r['model']} ({r['calls']:,} calls)" for r in unknown)
            raise ValueError(f"the call log has models with no price row: {listed}")
        over = spark.sql(logrules.OVER_CEILING_SQL).collect()[0]
        if over["calls"]:
            raise ValueError(f"the call log has {over['calls']:,} calls with a token count above the ceiling of "
                             f"{logrules.MAX_TOKENS_PER_CALL:,} tokens per call (the largest: {over['largest']}); "
                             f"attribution.connect on DuckDB names their rows")
    result = spark.sql(attribution.aggregate_sql(dimensions))
    # Rows, not toPandas(): a small result, and no pandas <-> Arrow <-> Spark conversion to depend on.
    return attribution.results_frame(result.columns, result.collect())


def attribute_on(engine: str, call_log_path: str | Path, prices_df: pd.DataFrame, dimensions: Sequence[str] = (),
                 *, spark: SparkSession | None = None) -> pd.DataFrame:
    """Cost attribution of the log at ``call_log_path`` on ``engine`` ("duckdb" or "spark").

    Both return the frame ``attribution.attribute`` returns (one row per group, ``cost_usd_exact``
    a Decimal). ``spark``: a session to reuse; by default a local one is started (or the running one reused).
    """
    if engine == "duckdb":
        return attribution.attribute(attribution.connect(call_log_path, prices_df), dimensions)
    if engine == "spark":
        session = spark if spark is not None else spark_session()
        register_spark(session, call_log_path, prices_df)
        return attribute_spark(session, dimensions)
    raise ValueError(f"unknown engine {engine!r}; choose from {ENGINES}")
