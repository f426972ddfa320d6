"""lib.finops.engines: the attribution SQL of lib.finops.attribution, run unchanged on Apache Spark
(local mode), gives the same totals as DuckDB and as the per-call reference, to the last digit.

One SparkSession for the module (its JVM start is the slow part) and one aggregate query on it.
No test here asserts a time.
"""

from __future__ import annotations

import shutil
from decimal import Decimal

import pyarrow.parquet as pq
import pytest

from lib.data import tables
from lib.finops import attribution, calllog, engines

pytest.importorskip("pyspark")
if shutil.which("java") is None:  # .ci/run installs Java 17 where it is missing
    pytest.skip("Spark needs a Java runtime (java is not on PATH)", allow_module_level=True)

# PySpark 4.3 warns that pandas 3 is not fully supported; the Spark path never converts a frame
# between pandas and Spark (prices go in as Python rows, results come back as Rows).
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")

PRICES = tables.load_api_prices("data/api_prices.csv")
RUNAWAY = calllog.Runaway("Cobalt", "agent", day=20, start_hour=9, hours=6, calls_per_hour=300)
N_CALLS = 20_000


@pytest.fixture(scope="module")
def spark():
    session = engines.spark_session(master="local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def log_path(tmp_path_factory):
    return calllog.ensure_call_log(tmp_path_factory.mktemp("spark"), N_CALLS, seed=17, runaway=RUNAWAY)


def _reference(path) -> dict[tuple[str, str], Decimal]:
    """Every call priced one by one in Python (attribution.call_cost_usd), summed per tenant and feature."""
    table = attribution.price_table(PRICES).set_index(["provider", "model"])
    frame = pq.read_table(path).to_pandas()
    out: dict[tuple[str, str], Decimal] = {}
    for tenant, feature, provider, model, inp, out_tokens, cached in zip(
            *(frame[c].astype(object) for c in (calllog.COL_TENANT, calllog.COL_FEATURE, calllog.COL_PROVIDER,
                                                 calllog.COL_MODEL, calllog.COL_INPUT, calllog.COL_OUTPUT,
                                                 calllog.COL_CACHE_READ))):
        p = table.loc[(provider, model)]
        cost = attribution.call_cost_usd(inp, out_tokens, cached, input_usd_per_mtok=p["input_usd_per_mtok"],
                                         output_usd_per_mtok=p["output_usd_per_mtok"],
                                         cached_input_usd_per_mtok=p["cached_input_usd_per_mtok"])
        out[(tenant, feature)] = out.get((tenant, feature), Decimal(0)) + cost
    return out


def test_spark_gives_duckdbs_and_the_references_totals_exactly(spark, log_path):
    dims = ("tenant", "feature")
    on_spark = engines.attribute_on("spark", log_path, PRICES, dims, spark=spark)
    on_duckdb = engines.attribute_on("duckdb", log_path, PRICES, dims)
    reference = _reference(log_path)

    def keyed(frame):
        return {(r.tenant, r.feature): (r.calls, r.input_tokens, r.cache_read_tokens, r.output_tokens,
                                        r.unpriced_calls, r.cost_usd_exact)
                for r in frame.itertuples(index=False)}

    assert keyed(on_spark) == keyed(on_duckdb)  # every column, every group, Decimal to the last digit
    assert {k: v[-1] for k, v in keyed(on_spark).items()} == reference
    assert all(isinstance(v, Decimal) for v in on_spark["cost_usd_exact"])
    assert int(on_spark["calls"].sum()) == N_CALLS + RUNAWAY.calls_per_hour * RUNAWAY.hours
    assert sum(on_spark["cost_usd_exact"], Decimal(0)) == sum(reference.values(), Decimal(0))
    # The same order too: the SQL's ORDER BY, not the engine, decides it.
    assert list(zip(on_spark["tenant"], on_spark["feature"])) == list(zip(on_duckdb["tenant"], on_duckdb["feature"]))


def test_spark_refuses_a_model_with_no_price(spark, log_path):
    """A model the price table lacks would vanish in the join: Spark refuses the log, as DuckDB's validator does."""
    no_haiku = PRICES[~(PRICES["model"] == "Claude Haiku 4.5")]
    engines.register_spark(spark, log_path, no_haiku)
    with pytest.raises(ValueError, match="Claude Haiku 4.5"):
        engines.attribute_spark(spark)


def test_unknown_engine_is_refused(log_path):
    with pytest.raises(ValueError, match="unknown engine"):
        engines.attribute_on("polars", log_path, PRICES)
