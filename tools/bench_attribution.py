"""The attribution rows of ``make bench`` (issues 8 and 19): cost attribution of a 10 M-call log.

    .venv/bin/python tools/bench.py --only-attribution [--calls 10000000] [--loop-sample 100000] [--no-loop]

Each measurement runs in its own subprocess, so its peak memory (``resource.getrusage``'s
``ru_maxrss``) is its own and a JVM or a LiteLLM import does not linger in the bench:

- ``generate``: the seeded log written to ``.cache/finops`` (once; reused while its arguments hold);
- ``duckdb``: the book's path end to end, ``attribution.connect`` (whose one pass over the log validates
  it and writes the pre-aggregate ``attribute`` prices) and then
  ``attribution.attribute(con, ["tenant", "feature"])``, against a plain DuckDB GROUP BY of the
  same dimensions (COUNT and the three token SUMs) over the same file; alternated, each on a fresh
  connection, best of three each (issue 19's target: at most 2x);
- ``memory``: the same path once in a process of its own, for its peak memory (target under 1 GB);
- ``spark``: ``engines.attribute_on("spark", ...)`` on a local SparkSession, session start apart;
- the per-call baseline: LiteLLM's ``cost_per_token`` in a loop, in ``.venv-bench`` (LiteLLM is not a
  dependency of the book; it is installed there on first use) over a seeded random SAMPLE of the
  log, its per-call time extrapolated to the whole log. Both sides price the sample at LiteLLM's
  own prices (the book's path reads them from the LiteLLM snapshot in data/snapshots/), and
  their totals must agree to 1e-9 relative.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "finops"
BENCH_VENV = ROOT / ".venv-bench"
LITELLM_VERSION = "1.109.1"  # the release data/snapshots/api_prices.litellm.2026-11-23.csv was imported from
LITELLM_PRICES = ROOT / "data" / "snapshots" / "api_prices.litellm.2026-11-23.csv"
FEED_MAP = ROOT / "data" / "price_feed_map.csv"
DIMENSIONS = ("tenant", "feature")
SPEEDUP_TARGET = 100.0
GROUP_BY_RATIO_TARGET = 2.0  # issue 19: validate + attribute <= 2x a plain GROUP BY of the same dimensions
MEMORY_TARGET_MB = 1024.0  # issue 19: peak memory < 1 GB


def _runaway():
    from lib.finops import calllog

    return calllog.Runaway("Cobalt", "agent", day=25, start_hour=9, hours=6, calls_per_hour=600)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# ------------------------------------------------------------------------------------- children
def child_generate(n_calls: int) -> dict:
    from lib.finops import calllog

    start = time.perf_counter()
    path = calllog.ensure_call_log(CACHE, n_calls, runaway=_runaway())
    return {"path": str(path), "seconds": time.perf_counter() - start, "peak_mb": _peak_mb(),
            "bytes": path.stat().st_size}


def child_duckdb(path: str, repeats: int = 3) -> dict:
    """The book's path end to end (``connect``, which validates the whole log, then ``attribute``) against
    a plain DuckDB GROUP BY of the same dimensions over the same file: alternated, each on a fresh
    connection (as a log seen for the first time is), best of ``repeats`` each."""
    import duckdb

    from lib.data import tables
    from lib.finops import attribution, calllog

    prices = tables.load_api_prices("data/api_prices.csv")
    raw = {plain: name for name, plain in calllog.PLAIN_NAMES.items()}  # the log's own column names
    dims = ", ".join(calllog._q(raw[d]) for d in DIMENSIONS)
    sums = ", ".join(f"SUM({calllog._q(c)})" for c in calllog.TOKEN_COLUMNS)
    group_sql = f"SELECT {dims}, COUNT(*), {sums} FROM read_parquet('{path}') GROUP BY {dims}"
    plain, ours, connect, attribute = [], [], [], []
    for _ in range(repeats):
        t = time.perf_counter()  # end to end as ours is: from a new connection to the rows
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        plain_groups = len(con.execute(group_sql).fetchall())
        plain.append(time.perf_counter() - t)
        con.close()
        t = time.perf_counter()
        con = attribution.connect(path, prices)
        t_connected = time.perf_counter()
        frame = attribution.attribute(con, DIMENSIONS)
        t_done = time.perf_counter()
        con.close()
        ours.append(t_done - t)
        connect.append(t_connected - t)
        attribute.append(t_done - t_connected)
    return {"plain_s": min(plain), "ours_s": min(ours), "connect_s": min(connect), "attribute_s": min(attribute),
            "calls": int(frame["calls"].sum()), "total": str(sum(frame["cost_usd_exact"], Decimal(0))),
            "groups": len(frame), "plain_groups": plain_groups}


def child_memory(path: str) -> dict:
    """Peak memory of a process that only loads the prices, validates and attributes: its ``ru_maxrss``
    (the resident high-water mark, Python, pandas and DuckDB's buffers included)."""
    from lib.data import tables
    from lib.finops import attribution

    prices = tables.load_api_prices("data/api_prices.csv")
    frame = attribution.attribute(attribution.connect(path, prices), DIMENSIONS)
    return {"peak_mb": _peak_mb(), "groups": len(frame)}


def child_spark(path: str) -> dict:
    from lib.data import tables
    from lib.finops import engines

    prices = tables.load_api_prices("data/api_prices.csv")
    t0 = time.perf_counter()
    spark = engines.spark_session(master="local[*]")
    start_s = time.perf_counter() - t0
    t = time.perf_counter()
    frame = engines.attribute_on("spark", path, prices, DIMENSIONS, spark=spark)
    query_s = time.perf_counter() - t
    spark.stop()
    return {"start_s": start_s, "query_s": query_s, "calls": int(frame["calls"].sum()),
            "total": str(sum(frame["cost_usd_exact"], Decimal(0)))}


def child_sample(path: str, n: int) -> dict:
    """A seeded random sample of the log: Parquet for the book's path, CSV (LiteLLM keys) for the loop."""
    import duckdb

    from lib.data import tables
    from lib.finops import attribution, calllog

    keys = {}
    with FEED_MAP.open(newline="") as fh:
        for r in csv.DictReader(fh):
            keys[(calllog.OTEL_PROVIDER.get(r["provider"], r["provider"].lower()), r["model"])] = r["litellm_key"]
    sample = CACHE / f"sample_{n}_{Path(path).stem}.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_parquet('{path}') USING SAMPLE reservoir({n} ROWS) REPEATABLE (42)) "
                f"TO '{sample}' (FORMAT parquet)")
    rows = con.execute(f'SELECT "{calllog.COL_PROVIDER}", "{calllog.COL_MODEL}", "{calllog.COL_INPUT}", '
                       f'"{calllog.COL_CACHE_READ}", "{calllog.COL_OUTPUT}" FROM read_parquet(\'{sample}\')').fetchall()
    sample_csv = sample.with_suffix(".csv")
    with sample_csv.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["litellm_key", "input_tokens", "cache_read_tokens", "output_tokens"])
        for provider, model, inp, cached, out in rows:
            w.writerow([keys[(provider, model)], inp, cached, out])
    litellm_prices = tables.load_api_prices(LITELLM_PRICES)
    t = time.perf_counter()
    frame = attribution.attribute(attribution.connect(sample, litellm_prices))
    ours_s = time.perf_counter() - t
    return {"csv": str(sample_csv), "calls": len(rows), "total": str(frame["cost_usd_exact"].iloc[0]),
            "unpriced": int(frame["unpriced_calls"].iloc[0]), "ours_s": ours_s}


CHILDREN = {"generate": child_generate, "duckdb": child_duckdb, "memory": child_memory, "spark": child_spark,
            "sample": child_sample}


def run_child(name: str, *args: object, timeout: float = 3600) -> dict:
    proc = subprocess.run([sys.executable, str(Path(__file__)), name, *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{name} failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------- LiteLLM venv
def ensure_litellm_venv() -> Path:
    """``.venv-bench`` with LiteLLM ``LITELLM_VERSION`` (git-ignored; created on first use).

    LiteLLM 1.109.1 declares certifi>=2026.10.19, which the package index here does not have; its
    code does not need that release, so LiteLLM goes in without dependencies and they follow with
    the certifi floor dropped (everything else as LiteLLM declares it).
    """
    python = BENCH_VENV / "bin" / "python"
    check = [str(python), "-c", f"import importlib.metadata as m; assert m.version('litellm') == '{LITELLM_VERSION}'; "
             "import litellm"]
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    if python.exists() and subprocess.run(check, capture_output=True, env=env).returncode == 0:
        return python
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--no-deps", f"litellm=={LITELLM_VERSION}"], check=True, capture_output=True)
    reqs = subprocess.run([str(python), "-c", "import importlib.metadata as m, json; print(json.dumps("
                           "[r for r in m.requires('litellm') if 'extra ==' not in r]))"],
                          check=True, capture_output=True, text=True)
    deps = ["certifi" if r.startswith("certifi") else r for r in json.loads(reqs.stdout)]
    subprocess.run([*pip, *deps], check=True, capture_output=True)
    subprocess.run(check, check=True, capture_output=True, env=env)
    return python


# ------------------------------------------------------------------------------------- the rows
def attribution_rows(table, notes: list[str], n_calls: int = 10_000_000, loop_sample: int = 100_000,
                     spark: bool = True, loop: bool = True) -> None:
    """Add the attribution figures to the bench ``table`` (a figure it cannot get says why)."""
    millions = f"{n_calls / 1e6:g} M"
    try:
        gen = run_child("generate", n_calls)
    except Exception as exc:  # a benchmark reports, it does not stop
        table.add(f"attribution of {millions} calls", f"no log: {exc}"[:100])
        return
    path = gen["path"]
    notes.append(f"call log: {millions} calls, seeded, {gen['bytes'] / 2**20:.0f} MiB Parquet at {Path(path).relative_to(ROOT)}"
                 f" (generated in {gen['seconds']:.0f} s, peak {gen['peak_mb']:.0f} MB; 0 s when it was cached)")
    try:
        duck = run_child("duckdb", path)
        mem = run_child("memory", path)
    except Exception as exc:
        table.add(f"attribution of {millions} calls (DuckDB)", f"failed: {exc}"[:100])
        return
    table.add(f"validate + attribute {millions} calls, DuckDB, by tenant x feature", f"{duck['ours_s']:.2f} s "
              f"(connect {duck['connect_s']:.2f} s + attribute {duck['attribute_s']:.2f} s)")
    table.add("  plain DuckDB GROUP BY tenant, feature, same file", f"{duck['plain_s']:.2f} s")
    ratio = duck["ours_s"] / duck["plain_s"]
    table.add("  (validate + attribute) / plain GROUP BY", f"{ratio:.2f}x", f"<= {GROUP_BY_RATIO_TARGET:.0f}x",
              "meets" if ratio <= GROUP_BY_RATIO_TARGET else "misses")
    table.add("  attribute alone / plain GROUP BY", f"{duck['attribute_s'] / duck['plain_s']:.2f}x")
    table.add("  peak memory, validate + attribute (ru_maxrss)", f"{mem['peak_mb']:.0f} MB",
              f"< {MEMORY_TARGET_MB:.0f} MB", "meets" if mem["peak_mb"] < MEMORY_TARGET_MB else "misses")
    notes.append("attribution rows: end to end in one process, each run on a fresh DuckDB connection, the book's "
                 "path and the plain GROUP BY alternated, best of 3 each; peak memory is ru_maxrss of a separate "
                 "child process that only loads the prices, validates and attributes (Python, pandas and DuckDB "
                 "included)")
    if loop:
        _loop_rows(table, notes, path, n_calls, millions, loop_sample, duck)
    if spark:
        _spark_row(table, notes, path, millions, duck)


def _loop_rows(table, notes: list[str], path: str, n_calls: int, millions: str, loop_sample: int, duck: dict) -> None:
    try:
        python = ensure_litellm_venv()
        sample = run_child("sample", path, loop_sample)
        proc = subprocess.run([str(python), str(ROOT / "tools" / "litellm_loop.py"), sample["csv"]], cwd=ROOT,
                              capture_output=True, text=True, timeout=3600,
                              env={**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"})
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip().splitlines()[-1])
        looped = json.loads(proc.stdout.strip().splitlines()[-1])
    except Exception as exc:
        table.add("per-call loop (LiteLLM cost_per_token)", f"not measured: {type(exc).__name__}: {exc}"[:120])
        notes.append("the LiteLLM loop needs PyPI reachable once, to install litellm into .venv-bench")
    else:
        per_call_us = looped["loop_s"] / looped["calls"] * 1e6
        extrapolated = looped["loop_s"] / looped["calls"] * n_calls
        table.add(f"per-call loop, LiteLLM {looped['litellm']} cost_per_token",
                  f"{per_call_us:.0f} us/call; {extrapolated:,.0f} s for {millions} (extrapolated from {looped['calls']:,})")
        speedup = extrapolated / duck["ours_s"]
        table.add("  speed-up of validate + attribute vs the loop", f"{speedup:,.0f}x", f">= {SPEEDUP_TARGET:.0f}x",
                  "meets" if speedup >= SPEEDUP_TARGET else "misses")
        ours_total, theirs = Decimal(sample["total"]), Decimal(looped["total_usd"])
        rel = abs(ours_total - theirs) / ours_total
        table.add("  totals on the sample, book SQL vs LiteLLM loop", f"{float(ours_total):.6f} vs {float(theirs):.6f} "
                  f"USD, rel. diff {float(rel):.1e}", "<= 1e-9", "meets" if rel <= Decimal("1e-9") and not sample["unpriced"]
                  else "misses")
        notes.append(f"loop comparison: a seeded {sample['calls']:,}-call sample of the log, both sides at LiteLLM "
                     f"{looped['litellm']}'s prices ({LITELLM_PRICES.relative_to(ROOT)} for the book's SQL, the wheel's "
                     "own price map for cost_per_token); the loop's per-call time is extrapolated to the whole log")


def _spark_row(table, notes: list[str], path: str, millions: str, duck: dict) -> None:
    try:
        sp = run_child("spark", path)
    except Exception as exc:
        table.add(f"attribution of {millions} calls, Spark local", f"failed: {exc}"[:120])
        notes.append("Spark needs Java 17 (`java -version`); .ci/run installs openjdk-17-jre-headless")
        return
    same = sp["total"] == duck["total"] and sp["calls"] == duck["calls"]
    table.add(f"attribution of {millions} calls, Spark local[{os.cpu_count()}], by tenant x feature",
              f"{sp['query_s']:.1f} s (+ {sp['start_s']:.0f} s session start)", "same total as DuckDB",
              "meets (exact)" if same else f"misses: {sp['total']} vs {duck['total']}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    name, *rest = sys.argv[1:]
    fn = CHILDREN[name]
    conv = [int(a) if a.isdigit() else a for a in rest]
    print(json.dumps(fn(*conv)))
