"""Every chapter's in-page what-if, as a call the benchmark can time and a test can run.

A chapter's ipywidgets what-if is a thin callback around a pure lib function; a slider moves and
that function runs again, so it must answer at once (the target is 20 ms). Each entry here builds,
from the chapter's own parameters cell (read from ``analyses/<chapter>.py``, never retyped) and
the data it names, the inputs the callback starts from, and returns a zero-argument call of the
lib function(s) the callback runs on them:

    from lib.book import whatifs
    call = whatifs.prepare("unit_economics")   # loads data: not part of the timing
    value = call()                             # what one slider move costs
    whatifs.median_ms("unit_economics")        # median of 100 calls, in milliseconds
    whatifs.unregistered()                     # chapters in analyses/ with no entry (for the bench)

Register a new chapter with ``@register("chapter")`` on a function ``(params) -> call``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jupytext

from lib.data.paths import project_root

Call = Callable[[], object]
Setup = Callable[[dict[str, Any]], Call]

REGISTRY: dict[str, Setup] = {}
# Chapters that have no what-if to time, and why (none today: every chapter has one).
EXCEPTIONS: dict[str, str] = {}


def register(chapter: str) -> Callable[[Setup], Setup]:
    def add(setup: Setup) -> Setup:
        REGISTRY[chapter] = setup
        return setup
    return add


def parameters(chapter: str, root: Path | None = None) -> dict[str, Any]:
    """The chapter's parameters cell, run on its own: its data paths and assumptions."""
    root = root or project_root()
    nb = jupytext.read(root / "analyses" / f"{chapter}.py")
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"analyses/{chapter}.py has {len(cells)} cells tagged parameters, not one")
    values: dict[str, Any] = {}
    exec(compile(cells[0].source, f"{chapter}:parameters", "exec"), {}, values)  # literals only
    # Data paths are relative to the project root, as the refresh runs the chapter there.
    return {k: str(root / v) if isinstance(v, str) and k.endswith(("_csv", "_yml", "_dir")) else v
            for k, v in values.items()}


def prepare(chapter: str, root: Path | None = None) -> Call:
    if chapter not in REGISTRY:
        raise KeyError(f"no what-if registered for chapter '{chapter}' (lib/book/whatifs.py)")
    return REGISTRY[chapter](parameters(chapter, root))


def median_ms(chapter: str, calls: int = 100, root: Path | None = None) -> float:
    call = prepare(chapter, root)
    call()  # first call outside the timing: lazy imports and caches
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def unregistered(root: Path | None = None) -> list[str]:
    """Chapters in analyses/ with neither a registered what-if nor a listed exception."""
    root = root or project_root()
    chapters = sorted(p.stem for p in (root / "analyses").glob("*.py") if not p.name.startswith("_"))
    return [c for c in chapters if c not in REGISTRY and c not in EXCEPTIONS]


# --- the chapters' what-ifs -------------------------------------------------------------------


def _book_paid(p: dict[str, Any]):
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"])
    book = prices[prices["book_uses"]].reset_index(drop=True)
    return book[book["input_usd_per_mtok"] > 0].reset_index(drop=True)


@register("api_prices")
def _api_prices(p: dict[str, Any]) -> Call:
    from lib.costs import api

    paid = _book_paid(p)
    share = p["mixed_input_tokens"] / (p["mixed_input_tokens"] + p["mixed_output_tokens"])
    per_in = round(share * 1_000_000 / p["mixed_requests"])
    per_out = round((1 - share) * 1_000_000 / p["mixed_requests"])
    return lambda: api.cost_table(paid, input_tokens=per_in, output_tokens=per_out,
                                  requests_per_day=p["mixed_requests"], batch=False)


@register("unit_economics")
def _unit_economics(p: dict[str, Any]) -> Call:
    from lib.costs import api

    paid = _book_paid(p)
    return lambda: api.cost_table(paid, input_tokens=p["reference_input_tokens"],
                                  output_tokens=p["reference_output_tokens"], requests_per_day=p["requests_per_day"],
                                  days_per_month=p["days_per_month"], batch=False)


@register("batch_offpeak")
def _batch_offpeak(p: dict[str, Any]) -> Call:
    from lib.costs import batching
    from lib.data import tables

    terms = tables.load_provider_terms(p["provider_terms_csv"])
    terms = terms[terms["book_uses"]]
    discount = float(terms.loc[terms["term"] == "batch_discount_frac", "value"].astype(float).median())
    prices = tables.load_api_prices(p["api_prices_csv"])
    provider, model = p["offpeak_models"][0]
    window = prices[(prices["provider"] == provider) & (prices["model"] == model)].dropna(
        subset=["offpeak_start_utc"]).iloc[0]
    start, end = window["offpeak_start_utc"], window["offpeak_end_utc"]

    def call() -> tuple[float, float]:
        saving = float(batching.hybrid_saving_frac(p["batchable_call_share"], discount, p["batch_call_cost_ratio"]))
        profile = batching.daily_traffic_profile(p["peak_to_trough"], p["peak_hour_local"])
        natural = float(batching.window_share(profile, start_utc=start, end_utc=end, utc_offset_hours=0.0))
        return saving, float(batching.shifted_window_share(natural, p["batchable_call_share"]))
    return call


@register("bench_reality")
def _bench_reality(p: dict[str, Any]) -> Call:
    from lib.costs import fleet
    from lib.data import tables

    scenario = tables.load_selfhost_scenarios(p["selfhost_scenarios_csv"]).iloc[0]
    peak = p["requests_per_day"] * p["output_tokens_per_request"] / 86_400 * p["peak_to_average"]
    return lambda: int(fleet.nodes_needed(peak, scenario["output_tokens_per_s"], 2.0, p["headroom"]))


def _scenario(p: dict[str, Any]):
    from lib.data import tables

    return tables.load_selfhost_scenarios(p["selfhost_scenarios_csv"]).set_index("scenario_id").loc[p["scenario_id"]]


@register("crossover")
def _crossover(p: dict[str, Any]) -> Call:
    import numpy as np

    from lib.costs import api, ownership, selfhost
    from lib.data import tables

    sc = _scenario(p)
    tps = float(sc["output_tokens_per_s"] + sc["input_tokens_per_s"])
    ops = float(sc["ops_usd_per_year"])
    prices = tables.load_api_prices(p["api_prices_csv"])
    rows = prices[prices["model"] == p["open_model"]].dropna(subset=["input_usd_per_mtok", "output_usd_per_mtok"])
    tokens = p["request_input_tokens"] + p["request_output_tokens"]
    hosted = float(np.median(api.request_cost_usd(rows, input_tokens=p["request_input_tokens"],
                                                  output_tokens=p["request_output_tokens"])) / tokens * 1e6)

    def call() -> tuple[float, float]:
        c = float(selfhost.selfhost_usd_per_mtok(p["guide_max_rent_usd_per_hour"], tps, p["guide_min_utilisation"]))
        return (float(ownership.breakeven_spend_usd_per_year(hosted, c, ops)),
                float(ownership.breakeven_tokens_per_year(hosted, c, ops)))
    return call


@register("custom_silicon")
def _custom_silicon(p: dict[str, Any]) -> Call:
    from lib.costs import fleet
    from lib.data import tables

    aws = tables.load_spot_market(p["spot_market_csv"]).set_index("market_id").loc["aws-spot-p5"]
    d, e = float(aws["discount_frac_low"]), float(aws["eviction_per_month_high"])
    return lambda: (float(fleet.spot_batch_saving(d, e, p["checkpoint_every_hours"], p["restart_hours"])),
                    float(fleet.spot_serving_hourly_usd(1.0, d, e, p["fallback_hours_per_eviction"])))


@register("guide_trust")
def _guide_trust(p: dict[str, Any]) -> Call:
    from lib.book import guide, reliability
    from lib.data import tables

    claims = tables.load_guide_claims(p["guide_claims_csv"])
    verdicts = reliability.claim_verdicts(claims, *reliability.read_records(p["figures_csv"], p["conclusions_csv"]))
    return lambda: reliability.counts_within(verdicts, guide.ROUNDING_REL)


@register("hardware_tco")
def _hardware_tco(p: dict[str, Any]) -> Call:
    from lib.costs import ownership
    from lib.data import tables

    base = tables.load_tco_scenarios(p["tco_scenarios_csv"]).set_index("scenario_id").loc[p["baseline_id"]]
    args = dict(capex_usd=base["capex_usd"], years=int(base["years"]), power_kw=base["power_kw"],
                usd_per_kwh=base["usd_per_kwh"], cooling_overhead_frac=base["cooling_overhead_frac"],
                colo_usd_per_kw_month=base["colo_usd_per_year"] / (base["power_kw"] * ownership.MONTHS_PER_YEAR),
                maintenance_frac_of_capex=base["maintenance_usd_per_year"] / base["capex_usd"],
                ops_engineer_usd_per_year=p["engineer_usd_per_year"],
                boxes_per_engineer=p["engineer_usd_per_year"] / float(base["ops_usd_per_year"]),
                rental_usd_per_hour=base["rental_usd_per_hour"])
    return lambda: ownership.owned_vs_rented(**args)


@register("long_context")
def _long_context(p: dict[str, Any]) -> Call:
    from lib.costs import kv_cache as kv
    from lib.data import tables

    shapes = tables.load_model_shapes(p["model_shapes_csv"])
    specs = tables.load_hardware_specs(p["hardware_specs_csv"])
    m = shapes[shapes["model_id"] == p["guide_model_id"]].iloc[0]
    hbm_gb = float(specs.set_index("accelerator").loc["H200 SXM", "hbm_gb"])
    precision = p["kv_precisions"][0]

    def call() -> int:
        per = kv.kv_bytes_per_token(m["layers"], m["kv_heads"], m["head_dim"], kv.BYTES_PER_ELEMENT[precision])
        each = kv.kv_bytes_per_request(p["context_tokens"][0], per)
        memory = p["gpus_per_node"] * hbm_gb * kv.GB
        weights = kv.weight_bytes(m["total_params_billions"], kv.BYTES_PER_ELEMENT[precision])
        return int(kv.requests_fitting_in_hbm(memory, weights, each, p["reserved_frac"]))
    return call


@register("mental_model")
def _mental_model(p: dict[str, Any]) -> Call:
    from lib.costs import levers
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"], book_rows_only=True)
    row = prices[prices["model"] == p["example_model"]].iloc[0]
    multipliers = list(tables.load_cost_levers(p["cost_levers_csv"])["multiplier"])
    return lambda: (float(levers.monthly_cost_usd(p["example_users"], 50, 800, 300, row["input_usd_per_mtok"],
                                                  row["output_usd_per_mtok"], 1.0)),
                    levers.lever_stack(multipliers))


@register("multimodal")
def _multimodal(p: dict[str, Any]) -> Call:
    from lib.costs import multimodal as mm
    from lib.data import tables

    rule = tables.load_image_token_rules(p["image_token_rules_csv"]).iloc[0].to_dict()
    text_in, _, out = p["request_shapes"]["one image"]

    def call() -> dict:
        per_image = float(mm.image_tokens(rule, 1024, 1024))
        return mm.multimodal_request_cost_usd(text_input_tokens=text_in, media_tokens=per_image, output_tokens=out,
                                              input_usd_per_mtok=p["example_input_usd_per_mtok"],
                                              output_usd_per_mtok=p["example_output_usd_per_mtok"])
    return call


@register("physical_limits")
def _physical_limits(p: dict[str, Any]) -> Call:
    from lib.costs import roofline as rf
    from lib.data import tables

    specs = tables.load_hardware_specs(p["hardware_specs_csv"])
    shapes = tables.load_model_shapes(p["model_shapes_csv"])
    return lambda: rf.what_if(specs, shapes, p["reference_accelerator"], p["reference_accelerators"],
                              p["reference_model"], p["reference_weight_precision"], p["reference_kv_precision"], 64,
                              p["reference_input_tokens"], p["reference_output_tokens"], p["reserved_frac"])


@register("prices_now")
def _prices_now(p: dict[str, Any]) -> Call:
    from lib.data import tables
    from lib.prices import compare

    then = tables.load_api_prices(p["guide_prices_csv"], book_rows_only=True)
    snapshot = tables.load_api_prices(p["imported_prices_csv"])
    now = snapshot[snapshot["book_uses"]].copy()
    return lambda: compare.price_changes(then, now, input_tokens=p["reference_input_tokens"],
                                         output_tokens=p["reference_output_tokens"])


@register("prompt_caching")
def _prompt_caching(p: dict[str, Any]) -> Call:
    import pandas as pd

    from lib.costs import caching
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"], book_rows_only=True)
    example = pd.concat([prices[(prices["provider"] == pr) & (prices["model"] == m)].head(1)
                         for pr, m in p["example_models"]], ignore_index=True)
    example = example.assign(cache_write_1h_usd_per_mtok=example["cache_write_1h_usd_per_mtok"].fillna(
        example["cache_write_5m_usd_per_mtok"]))
    kw = dict(prefix_tokens=p["prefix_tokens"], fresh_input_tokens=p["fresh_input_tokens"],
              output_tokens=p["output_tokens"], messages_per_day=p["messages_per_day"])
    zeros = [0.0] * len(example)

    def call() -> tuple:
        base = caching.daily_no_cache_cost_usd(example, **kw)
        cached = caching.daily_prefix_cost_usd(example, hit_rate=0.9, write_tier="5m",
                                               storage_usd_per_mtok_hour=zeros, cache_hours_per_day=zeros, **kw)
        return base, cached
    return call


@register("reasoning")
def _reasoning(p: dict[str, Any]) -> Call:
    from lib.costs import reasoning
    from lib.data import tables

    prices = tables.load_api_prices(p["api_prices_csv"])
    row = prices[prices["price_id"] == "openai-o3"]

    def call() -> tuple:
        one = reasoning.reasoning_request_cost_usd(row, input_tokens=p["effort_input_tokens"],
                                                   visible_output_tokens=p["effort_visible_tokens"], thinking_ratio=4)
        mix = reasoning.normalise_mix(p["routing_mix"])
        return float(one[0]), reasoning.blended_cost_usd(mix, p["guide_tier_cost_usd"])
    return call


@register("selfhost_per_token")
def _selfhost_per_token(p: dict[str, Any]) -> Call:
    from lib.costs import ownership

    sc = _scenario(p)
    return lambda: ownership.selfhost_what_if(float(sc["hourly_usd"]), float(sc["output_tokens_per_s"]),
                                              float(sc["input_tokens_per_s"]), p["utilisations"][1],
                                              float(sc["ops_usd_per_year"]), p["clusters_sharing_ops"])


@register("throughput_multipliers")
def _throughput_multipliers(p: dict[str, Any]) -> Call:
    import numpy as np

    from lib.costs import selfhost
    from lib.data import tables

    steps = tables.load_throughput_stack(p["throughput_stack_csv"])
    stated = tables.load_guide_claims(p["guide_claims_csv"]).set_index("claim_id")
    tps = np.array([stated.loc[f"tm_tps_{s}", "guide_value"] for s in steps["step_id"]], dtype=float)
    hourly = float(tables.load_selfhost_scenarios(p["selfhost_scenarios_csv"]).iloc[0]["hourly_usd"])
    return lambda: selfhost.selfhost_usd_per_mtok(hourly, tps, 0.5)
