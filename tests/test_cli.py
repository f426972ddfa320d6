"""The command line (``python -m lib``, lib/cli/) as a user calls it: subprocesses, from other folders,
on the example log, on bad input, from a copy installed with pip, and the README's own examples.

Every expected figure is computed here by the library (billing.bill_api_row, attribution.attribute),
never typed in; the README's pasted output is the one thing compared as text, so that it cannot go
stale.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import BAD_DATA, ROOT, copy_project, snapshot
from lib.cli import exits
from lib.data import tables
from lib.finops import attribution
from lib.prices import billing, history

EXAMPLE_LOG = ROOT / "examples" / "calls.csv"
FEEDS = ROOT / "tests" / "fixtures" / "feeds"
BAD_FEEDS = ROOT / "tests" / "fixtures" / "bad_feeds"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
RULES = billing.load_billing_rules(ROOT / "data" / "billing_rules.csv")
GUIDE = tables.load_api_prices(ROOT / "data" / "api_prices.csv")
SNAPSHOT = ROOT / "data" / "snapshots" / "api_prices.litellm.2026-11-23.csv"


def cli(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lib", *args], capture_output=True, text=True, cwd=cwd,
                          env=env or ENV, timeout=600)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr


# --------------------------------------------------------------------------- help and packaging
@pytest.mark.parametrize("command, option", [((), "exit codes"), (("price",), "--cached-input-tokens"),
                                             (("attribute",), "--engine"), (("import-prices",), "--as-of")])
def test_every_command_has_help(command, option):
    proc = cli(*command, "--help")
    assert proc.returncode == 0 and option in proc.stdout, proc.stderr


def test_pyproject_lists_every_package_and_the_library_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(project["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "lib").rglob("__init__.py")}
    assert on_disk <= listed, f"packages missing from pyproject.toml: {sorted(on_disk - listed)}"
    assert project["project"]["scripts"]["inference-cost"] == "lib.cli:main"
    deps = {re.split(r"[<>=!]", d)[0] for d in project["project"]["dependencies"]}
    assert {"numpy", "pandas", "pyarrow", "duckdb"} <= deps
    # Every lower bound is met by requirements.txt's pin.
    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    for dep in project["project"]["dependencies"] + project["project"]["optional-dependencies"]["spark"]:
        name, low = dep.split(">=")
        pin = tuple(int(x) for x in pins[name].split(".")[:2])
        assert pin >= tuple(int(x) for x in low.split(".")[:2]), (dep, pins[name])


# --------------------------------------------------------------------------- price
def _expected_bills(usage: billing.Usage, prices) -> tuple[dict, dict]:
    """Every book row billed by the library: ({(provider, model): Decimal}, {(provider, model): reason})."""
    otel = billing.rules_for(RULES, "OpenTelemetry GenAI")
    priced, unpriced = {}, {}
    for _, row in prices[prices["book_uses"]].iterrows():
        key = (row["provider"], row["model"])
        try:
            priced[key] = billing.bill_api_row(usage, row, RULES, reported_by=otel).total
        except billing.BillingError as err:
            unpriced[key] = str(err)
    return priced, unpriced


@pytest.mark.parametrize("prices_file, flags, usage", [
    (None, [], billing.Usage(input=12_000, output=900, cache_read=8_000, cache_write_5m=1_000, reasoning=300)),
    # Batch with cached reads, on the LiteLLM snapshot: how each provider discounts (or not) a batch cache read.
    (SNAPSHOT, ["--batch"], billing.Usage(input=300_000, output=2_000, cache_read=250_000, batch=True)),
])
def test_price_bills_every_model_as_the_billing_engine_does(tmp_path, prices_file, flags, usage):
    args = ["price", "--input-tokens", str(usage.input), "--output-tokens", str(usage.output),
            "--cached-input-tokens", str(usage.cache_read), "--cache-write-tokens", str(usage.cache_write_5m),
            "--reasoning-tokens", str(usage.reasoning), "--csv", *flags]
    if prices_file is not None:
        args += ["--prices", str(prices_file)]
    proc = cli(*args, cwd=tmp_path)  # from a folder that is not the checkout
    assert proc.returncode == 0, proc.stderr
    got = rows(proc.stdout)
    prices = tables.load_api_prices(prices_file or ROOT / "data" / "api_prices.csv")
    priced, unpriced = _expected_bills(usage, prices)
    assert priced, "the request should bill on some model"
    assert {(r["provider"], r["model"]): Decimal(r["cost_usd"]) for r in got if r["cost_usd"]} == priced
    assert {(r["provider"], r["model"]): r["unpriced_reason"] for r in got if not r["cost_usd"]} == unpriced
    costs = [Decimal(r["cost_usd"]) for r in got if r["cost_usd"]]
    assert costs == sorted(costs)  # cheapest first
    assert all(r["cost_usd"] for r in got[:len(priced)])  # the unbillable after every priced one
    for r in got[:len(priced)]:  # the parts add up to the bill
        parts = sum(Decimal(r[c] or 0) for c in ("input_usd", "cache_read_usd", "cache_write_usd", "output_usd",
                                                 "fees_usd"))
        assert parts == Decimal(r["cost_usd"]), r


def test_price_reads_a_relative_prices_path_from_the_working_directory(tmp_path):
    mine = GUIDE.copy()
    mine.loc[mine["book_uses"], "input_usd_per_mtok"] = mine.loc[mine["book_uses"], "input_usd_per_mtok"] * 2
    (tmp_path / "mine.csv").write_text(mine.to_csv(index=False))
    proc = cli("price", "--input-tokens", "1000000", "--output-tokens", "0", "--csv", "--prices", "mine.csv",
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    got = {(r["provider"], r["model"]): Decimal(r["cost_usd"]) for r in rows(proc.stdout) if r["cost_usd"]}
    book = GUIDE[GUIDE["book_uses"]]
    doubled = {(p, m): billing.to_decimal(v, "price") * 2 for p, m, v in
               zip(book["provider"], book["model"], book["input_usd_per_mtok"])}
    assert got == {k: doubled[k] for k in got} and len(got) > 10


# --------------------------------------------------------------------------- attribute
def _library_costs(prices, dims, log=EXAMPLE_LOG) -> dict[tuple, Decimal]:
    frame = attribution.attribute(attribution.connect(log, prices, RULES), dims)
    return {tuple(str(v) for v in key): cost for *key, cost in
            zip(*(frame[d] for d in dims), frame["cost_usd_exact"])}


def _cli_costs(text: str, dims) -> dict[tuple, Decimal]:
    return {tuple(r[d] for d in dims): Decimal(r["cost_usd"]) for r in rows(text)}


def test_attribute_equals_the_library_at_each_calls_day(tmp_path):
    dims = ["tenant", "feature"]
    proc = cli("attribute", str(EXAMPLE_LOG), "--by", ",".join(dims), "--out", "costs.csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = (tmp_path / "costs.csv").read_text()
    assert rows(out)[0].keys() == {*dims, "calls", "input_tokens", "cache_read_tokens", "cache_write_tokens",
                                   "output_tokens", "reasoning_tokens", "unpriced_calls", "cost_usd"}
    expected = _library_costs(tables.load_price_history(ROOT / "data" / "price_history.csv"), dims)
    assert _cli_costs(out, dims) == expected
    total = sum(expected.values(), Decimal(0))
    calls = sum(int(r["calls"]) for r in rows(out))
    assert f"{calls:,} calls, {total.normalize():f} USD in all" in proc.stdout
    # At the guide's prices on every day the log costs something else: the history was really used.
    at_guide = _library_costs(GUIDE, dims)
    assert at_guide != expected
    proc = cli("attribute", str(EXAMPLE_LOG), "--by", ",".join(dims), "--prices", str(ROOT / "data" / "api_prices.csv"))
    assert proc.returncode == 0 and _cli_costs(proc.stdout, dims) == at_guide, proc.stderr


def test_attribute_on_a_folder_of_snapshots_dates_each_snapshot_by_its_name(tmp_path):
    folder = tmp_path / "snaps"
    folder.mkdir()
    shutil.copy(SNAPSHOT, folder / SNAPSHOT.name)
    proc = cli("attribute", str(EXAMPLE_LOG), "--by", "model,day", "--prices", str(folder))
    assert proc.returncode == 0, proc.stderr
    built = history.build_price_history(GUIDE, tables.load_api_prices(SNAPSHOT), "2026-11-23")
    assert _cli_costs(proc.stdout, ["model", "day"]) == _library_costs(built, ["model", "day"])
    (folder / "api_prices.litellm.2026-13-40.csv").write_text(SNAPSHOT.read_text())
    bad = cli("attribute", str(EXAMPLE_LOG), "--prices", str(folder))
    assert bad.returncode == exits.DATA_ERROR and "api_prices.litellm.2026-13-40.csv" in bad.stderr, bad.stderr
    no_traceback(bad)


def test_attribute_reads_a_parquet_log_and_the_otel_names_of_its_dimensions(tmp_path):
    from lib.finops import calllog

    log = calllog.ensure_call_log(tmp_path, 3_000, seed=5, start_date="2026-11-10", days=30)
    proc = cli("attribute", str(log), "--by", f"{calllog.COL_MODEL},day")
    assert proc.returncode == 0, proc.stderr
    expected = _library_costs(tables.load_price_history(ROOT / "data" / "price_history.csv"), ["model", "day"], log)
    assert _cli_costs(proc.stdout, ["model", "day"]) == expected and len(expected) > 30


def test_attribute_by_nothing_is_one_row_of_totals():
    proc = cli("attribute", str(EXAMPLE_LOG), "--by", "")
    assert proc.returncode == 0, proc.stderr
    [row] = rows(proc.stdout)
    assert Decimal(row["cost_usd"]) == sum(_library_costs(tables.load_price_history(), ["tenant"]).values(), Decimal(0))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_attribute_on_spark_equals_duckdb_digit_for_digit(tmp_path):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:  # .ci/run installs Java 17 where it is missing
        pytest.skip("Spark needs a Java runtime (java is not on PATH)")
    duck = cli("attribute", str(EXAMPLE_LOG), "--by", "tenant,feature,day", "--out", str(tmp_path / "duck.csv"))
    spark = cli("attribute", str(EXAMPLE_LOG), "--by", "tenant,feature,day", "--engine", "spark",
                "--out", str(tmp_path / "spark.csv"))
    assert duck.returncode == 0 and spark.returncode == 0, spark.stderr[-3000:]
    assert (tmp_path / "spark.csv").read_text() == (tmp_path / "duck.csv").read_text()
    assert "on spark" in spark.stdout


def test_spark_without_java_is_a_clear_refusal(tmp_path):
    pytest.importorskip("pyspark")
    env = {k: v for k, v in ENV.items() if k != "JAVA_HOME"}
    env["PATH"] = str(Path(sys.executable).parent)  # python, and no java
    proc = cli("attribute", str(EXAMPLE_LOG), "--engine", "spark", env=env)
    assert proc.returncode == exits.UNAVAILABLE and "Java" in proc.stderr, proc.stderr
    no_traceback(proc)


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("args, code, names", [
    (["attribute", "no_such_log.csv"], exits.NO_INPUT, ["no_such_log.csv", "no such file", "the call log"]),
    (["attribute", str(BAD_DATA / "call_log_negative_tokens.csv"), "--prices", "data/api_prices.csv"],
     exits.DATA_ERROR, ["call_log_negative_tokens.csv", "row 2", "gen_ai.usage.input_tokens", "negative"]),
    (["attribute", str(BAD_DATA / "call_log_unknown_model.csv"), "--prices", "data/api_prices.csv"],
     exits.DATA_ERROR, ["call_log_unknown_model.csv", "gen_ai.request.model"]),
    (["attribute", str(BAD_DATA / "call_log_before_price_history.csv")],
     exits.DATA_ERROR, ["call_log_before_price_history.csv", "row"]),
    (["attribute", str(EXAMPLE_LOG), "--by", "tenant,team"], exits.USAGE, ["'team'", "tenant, feature"]),
    (["attribute", str(EXAMPLE_LOG), "--engine", "bigquery"], exits.USAGE, ["'bigquery'", "duckdb, spark"]),
    (["attribute", str(EXAMPLE_LOG), "--prices", "missing_prices.csv"], exits.NO_INPUT, ["missing_prices.csv"]),
    (["attribute", str(EXAMPLE_LOG), "--prices", str(BAD_DATA / "price_history_bad.csv")], exits.DATA_ERROR,
     ["price_history_bad.csv", "row"]),
    (["attribute", str(EXAMPLE_LOG), "--out", "/no/such/folder/costs.csv"], exits.CANT_CREATE,
     ["/no/such/folder/costs.csv"]),
    (["price", "--input-tokens", "-5", "--output-tokens", "1"], exits.USAGE, ["'-5'", "whole"]),
    (["price", "--input-tokens", "10", "--output-tokens", "1", "--cached-input-tokens", "20"], exits.DATA_ERROR,
     ["cache_read 20", "input 10"]),
    (["price", "--input-tokens", "10", "--output-tokens", "1", "--prices",
      str(BAD_DATA / "api_prices_openrouter_sentinel.csv")], exits.DATA_ERROR, ["api_prices_openrouter_sentinel.csv"]),
    (["price", "--input-tokens", "10", "--output-tokens", "1", "--data-dir", "examples"], exits.NO_INPUT,
     ["examples", "api_prices.csv", "no such file", "the guide's prices"]),
    (["import-prices", str(FEEDS / "litellm_thin.json"), "--as-of", "2026-02-30"], exits.USAGE,
     ["2026-02-30", "not a day of the calendar"]),
    (["import-prices", "no_such_feed.json", "--as-of", "2026-11-30"], exits.NO_INPUT, ["no_such_feed.json"]),
])
def test_bad_input_is_one_message_and_the_documented_exit_code(args, code, names):
    proc = cli(*args)
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    for name in names:
        assert name in proc.stderr, (name, proc.stderr)
    no_traceback(proc)


def test_the_exit_codes_are_documented_where_users_read_them():
    helptext = cli("--help").stdout
    readme = (ROOT / "README.md").read_text().split("## Use it on your own logs", 1)[1].split("\n## ", 1)[0]
    documented = {int(c) for c in re.findall(r"^  (\d+) ", helptext, flags=re.M)}
    codes = {exits.OK, exits.IMPORT_FAILED, exits.USAGE, exits.DATA_ERROR, exits.NO_INPUT, exits.UNAVAILABLE,
             exits.CANT_CREATE, exits.LOCKED}
    assert documented == codes
    for code in codes:
        assert re.search(rf"\b{code}\b", readme), code


# --------------------------------------------------------------------------- import-prices
def test_import_prices_writes_a_snapshot_in_a_copy_and_refuses_a_bad_feed(tmp_path):
    project = copy_project(tmp_path / "project")
    ours = snapshot(ROOT / "data")
    proc = cli("import-prices", str(FEEDS / "litellm_thin.json"), "--feed", "litellm", "--as-of", "2026-11-30",
               "--source", "a thin test feed", cwd=project)
    assert proc.returncode == 0, proc.stderr
    written = project / "data" / "snapshots" / "api_prices.litellm.2026-11-30.csv"
    assert written.is_file() and "a thin test feed" in written.read_text()
    # The snapshot is a price file of the guide's schema: price and attribute read it.
    assert cli("price", "--input-tokens", "100", "--output-tokens", "10", "--prices", str(written)).returncode == 0
    before = snapshot(project / "data")
    bad = cli("import-prices", str(BAD_FEEDS / "litellm_not_an_object.json"), "--as-of", "2026-12-01", cwd=project)
    assert bad.returncode == exits.IMPORT_FAILED and "import failed" in bad.stderr, bad.stderr
    no_traceback(bad)
    assert snapshot(project / "data") == before  # nothing written
    assert snapshot(ROOT / "data") == ours  # the checkout's own data/ never touched


def test_import_prices_waits_for_no_one_while_the_checkout_is_locked(tmp_path):
    from lib.data.lock import checkout_lock

    project = copy_project(tmp_path / "project")
    with checkout_lock(project, what="a test standing in for a refresh"):
        proc = cli("import-prices", str(FEEDS / "litellm_thin.json"), "--as-of", "2026-11-30", cwd=project)
    assert proc.returncode == exits.LOCKED and "a test standing in for a refresh" in proc.stderr, proc.stderr
    assert not (project / "data" / "snapshots" / "api_prices.litellm.2026-11-30.csv").exists()


# --------------------------------------------------------------------------- installed with pip
def test_installed_with_pip_it_runs_from_any_folder_on_the_shipped_data(tmp_path):
    src = tmp_path / "src"  # built from a copy: pip's build/ and egg-info stay out of the checkout
    src.mkdir()
    for name in ("lib", "data", "pyproject.toml"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, src / name)
    target = tmp_path / "site"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                          "--no-index", "--target", str(target), str(src)], capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr[-3000:]
    assert (target / "lib" / "bundled_data" / "billing_rules.csv").is_file()
    assert "inference-cost = lib.cli:main" in next(target.glob("*.dist-info/entry_points.txt")).read_text()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(EXAMPLE_LOG, elsewhere / "my_calls.csv")
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-c", "import lib; print(lib.__file__)"], capture_output=True,
                           text=True, cwd=elsewhere, env=env)
    assert where.stdout.strip() == str(target / "lib" / "__init__.py")  # not the checkout's
    installed = cli("attribute", "my_calls.csv", "--by", "tenant", cwd=elsewhere, env=env)
    checkout = cli("attribute", str(EXAMPLE_LOG), "--by", "tenant")
    assert installed.returncode == 0 and installed.stdout == checkout.stdout, installed.stderr
    args = ("price", "--input-tokens", "5000", "--output-tokens", "500", "--cached-input-tokens", "2000", "--csv")
    installed, checkout = cli(*args, cwd=elsewhere, env=env), cli(*args)
    assert installed.returncode == 0 and installed.stdout == checkout.stdout, installed.stderr


# --------------------------------------------------------------------------- the example and the README
def test_the_example_log_is_what_its_script_writes():
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import make_calls
    finally:
        sys.path.pop(0)
    assert make_calls.example_text() == EXAMPLE_LOG.read_text()


def _readme_examples() -> list[tuple[str, str]]:
    section = (ROOT / "README.md").read_text().split("## Use it on your own logs", 1)[1].split("\n## ", 1)[0]
    pairs = []
    for block in re.findall(r"```console\n(.*?)```", section, flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            pairs.append((command, output))
    return pairs


def test_the_readme_examples_print_what_the_readme_shows(tmp_path):
    examples = _readme_examples()
    assert len(examples) >= 3
    # The commands name paths from the checkout's root; run them in a copy so --out files land there.
    for name in ("examples", "data", "tests/fixtures/bad_data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    for command, shown in examples:
        words = shlex.split(command)
        assert words[:3] == ["python", "-m", "lib"], command
        proc = cli(*words[3:], cwd=tmp_path)
        assert proc.stdout + proc.stderr == shown, f"{command}\n--- README\n{shown}--- now\n{proc.stdout}{proc.stderr}"
